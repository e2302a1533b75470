//! `appsecret_proof`: lowercase hex HMAC-SHA256 of the access token, keyed by the app
//! secret, as Meta's "Secure Graph API Calls" describes.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How many hex characters of the proof the output shows before the ellipsis.
pub const PROOF_PREFIX_SHOWN: usize = 8;

/// The proof for one credential, computed once per execution.
#[derive(Clone, PartialEq, Eq)]
pub struct AppSecretProof(String);

impl AppSecretProof {
    pub fn compute(app_secret: &str, access_token: &str) -> Self {
        Self(hex::encode(hmac_sha256(app_secret.as_bytes(), access_token.as_bytes())))
    }

    /// The full proof, for the `appsecret_proof` query parameter only.
    pub fn as_query_value(&self) -> &str {
        &self.0
    }

    /// The first few hex characters and an ellipsis: enough to tell proofs apart, never
    /// enough to reuse one.
    pub fn truncated(&self) -> String {
        format!("{}…", &self.0[..PROOF_PREFIX_SHOWN])
    }
}

impl std::fmt::Debug for AppSecretProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AppSecretProof({})", self.truncated())
    }
}

pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Constant-time check of a presented hex proof against the credential, for verifiers
/// (the test imitation of Meta uses the same rule).
pub fn verify(app_secret: &str, access_token: &str, presented_hex: &str) -> bool {
    let Ok(presented) = hex::decode(presented_hex) else { return false };
    if presented_hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let mut mac = HmacSha256::new_from_slice(app_secret.as_bytes()).expect("any key length");
    mac.update(access_token.as_bytes());
    mac.verify_slice(&presented).is_ok()
}

/// The `Authorization` header value for a token.
pub fn bearer(access_token: &str) -> String {
    format!("Bearer {access_token}")
}

/// What the credential adds to every request: the token as a Bearer header (never in
/// the URL) and the proof as the `appsecret_proof` query parameter.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    pub headers: AuthorizationHeaders,
    pub qs: AuthorizationQuery,
    /// `{baseUrl}/{apiVersion}`: where relative Graph paths (the credential test) resolve.
    pub graph_base: String,
}

#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthorizationHeaders {
    #[serde(rename = "Authorization")]
    pub authorization: String,
}

#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthorizationQuery {
    pub appsecret_proof: String,
}

impl Authorization {
    pub fn new(credentials: &crate::credentials::Credentials, proof: &AppSecretProof) -> Self {
        Self {
            headers: AuthorizationHeaders { authorization: bearer(&credentials.access_token) },
            qs: AuthorizationQuery { appsecret_proof: proof.as_query_value().to_string() },
            graph_base: crate::request::graph_url(credentials, "").trim_end_matches('/').to_string(),
        }
    }
}

impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Authorization([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_of_an_authorization_and_a_proof_shows_no_secret() {
        let creds = crate::credentials::RawCredentials {
            access_token: Some("TOKEN-abc".into()),
            app_secret: Some("SECRET-xyz".into()),
            ..Default::default()
        }
        .check()
        .unwrap();
        let proof = AppSecretProof::compute(&creds.app_secret, &creds.access_token);
        let authorization = Authorization::new(&creds, &proof);
        assert_eq!(format!("{authorization:?}"), "Authorization([redacted])");
        assert_eq!(format!("{proof:?}"), format!("AppSecretProof({})", proof.truncated()));
        assert!(!format!("{proof:?}").contains(proof.as_query_value()));
    }
}
