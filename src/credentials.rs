//! The credential: access token, app secret, login type, Graph API version and base URL.

use crate::error::SetupError;
use serde::{Deserialize, Serialize};

pub const DEFAULT_API_VERSION: &str = "v18.0";
/// The Graph API host of Facebook Login (Page access tokens).
pub const FACEBOOK_GRAPH_HOST: &str = "https://graph.facebook.com";
/// The Graph API host of Instagram Login (Instagram user access tokens).
pub const INSTAGRAM_GRAPH_HOST: &str = "https://graph.instagram.com";
/// The Base URL field's default: empty, so the login type's host applies. An explicit base
/// URL (a test server, a proxy) wins over the login type.
pub const DEFAULT_BASE_URL: &str = "";
/// The Login Type field's default.
pub const DEFAULT_LOGIN_TYPE: &str = "auto";

/// How the token was obtained, which decides the host, the paths and the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LoginType {
    /// A Page access token of the Facebook Page linked to the Instagram account.
    Facebook,
    /// An Instagram user access token (Instagram Login, no Facebook Page).
    Instagram,
}

/// The Login Type field: `auto` decides from the token.
pub const LOGIN_TYPES: [&str; 3] = ["auto", "facebook", "instagram"];

/// The credential as n8n stores it. Missing fields deserialize as `None`; a field holding
/// an unpaired UTF-16 surrogate reads as U+FFFD, which every check below refuses, so a
/// broken secret is reported, never silently altered and sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawCredentials {
    #[serde(default, deserialize_with = "lenient")]
    pub access_token: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub app_secret: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub api_version: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub base_url: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient")]
    pub login_type: Option<serde_json::Value>,
    /// Facebook Login only: the Page's ID, when the user gives it (else read from `GET /me`).
    #[serde(default, deserialize_with = "lenient")]
    pub page_id: Option<serde_json::Value>,
}

fn lenient<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<serde_json::Value>, D::Error> {
    let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(deserializer)?;
    Ok(Some(serde_json::from_str(raw.get()).unwrap_or_else(|_| serde_json::Value::String("\u{FFFD}".into()))))
}

/// A checked credential. `Debug` never prints the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_token: String,
    pub app_secret: String,
    pub api_version: String,
    pub base_url: String,
    pub login_type: LoginType,
    pub page_id: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_token", &"[redacted]")
            .field("app_secret", &"[redacted]")
            .field("api_version", &self.api_version)
            .field("base_url", &self.base_url)
            .field("login_type", &self.login_type)
            .field("page_id", &self.page_id)
            .finish()
    }
}

impl RawCredentials {
    /// Validates every field, in the order a user would fix them: token, secret, version, URL.
    pub fn check(&self) -> Result<Credentials, SetupError> {
        let access_token = secret_text(self.access_token.as_ref())
            .ok_or(SetupError::MissingAccessToken)?;
        if !is_token_shaped(&access_token) {
            return Err(SetupError::MalformedAccessToken);
        }
        let app_secret = secret_text(self.app_secret.as_ref()).ok_or(SetupError::MissingAppSecret)?;
        if !is_token_shaped(&app_secret) {
            return Err(SetupError::MalformedAppSecret);
        }
        let api_version = match plain_text(self.api_version.as_ref()) {
            None => DEFAULT_API_VERSION.to_string(),
            Some(v) => check_api_version(&v)?,
        };
        let explicit_base = plain_text(self.base_url.as_ref()).map(|url| check_base_url(&url)).transpose()?;
        let login_type = match plain_text(self.login_type.as_ref()).as_deref() {
            None | Some("auto") => login_type_of(&access_token, explicit_base.as_deref()),
            Some("facebook") => LoginType::Facebook,
            Some("instagram") => LoginType::Instagram,
            Some(other) => return Err(SetupError::InvalidLoginType { got: other.to_string() }),
        };
        // An explicit base URL (a test server, a proxy) wins; otherwise the login type's host.
        let base_url = explicit_base.unwrap_or_else(|| match login_type {
            LoginType::Facebook => FACEBOOK_GRAPH_HOST.to_string(),
            LoginType::Instagram => INSTAGRAM_GRAPH_HOST.to_string(),
        });
        let page_id = match plain_text(self.page_id.as_ref()) {
            None => None,
            Some(id) if id.bytes().all(|b| b.is_ascii_digit()) && id.len() <= 32 => Some(id),
            Some(_) => return Err(SetupError::InvalidPageId),
        };
        Ok(Credentials { access_token, app_secret, api_version, base_url, login_type, page_id })
    }
}

/// `auto`: Instagram user tokens start with `IG`, Facebook Page and user tokens with `EAA`;
/// a token of another shape (a test token) follows the host.
pub fn login_type_of(token: &str, base_url: Option<&str>) -> LoginType {
    if token.starts_with("IG") {
        LoginType::Instagram
    } else if token.starts_with("EAA") {
        LoginType::Facebook
    } else if base_url.is_some_and(|url| url.starts_with(INSTAGRAM_GRAPH_HOST)) {
        LoginType::Instagram
    } else {
        LoginType::Facebook
    }
}

/// The hint for a token used on the other login type's host. Meta answers such a call with
/// code 100, subcode 33 ("Unsupported … request") or with code 190; the token's own shape
/// (`IG…` Instagram Login, `EAA…` Facebook Login) says which login type it belongs to, and
/// so whether the credential's Login Type (or Base URL) sent it to the wrong host.
pub fn wrong_host_hint(credentials: &Credentials, code: Option<i64>, subcode: Option<i64>) -> Option<String> {
    let refused = matches!((code, subcode), (Some(100), Some(33)) | (Some(190), _));
    let by_shape = if credentials.access_token.starts_with("IG") {
        LoginType::Instagram
    } else if credentials.access_token.starts_with("EAA") {
        LoginType::Facebook
    } else {
        return None;
    };
    if !refused || by_shape == credentials.login_type {
        return None;
    }
    let (token_kind, prefix, fix) = match by_shape {
        LoginType::Instagram => ("an Instagram Login token", "IG", "Instagram Login"),
        LoginType::Facebook => ("a Facebook Login token", "EAA", "Facebook Login"),
    };
    let used = match credentials.login_type {
        LoginType::Instagram => "Instagram Login",
        LoginType::Facebook => "Facebook Login",
    };
    Some(format!(
        "The access token is {token_kind} (it starts with {prefix}), but the credential sends it to {} as {used}: \
         set Login Type to Auto or {fix}, and leave Base URL empty.",
        credentials.base_url
    ))
}

/// A secret as typed: surrounding whitespace (a pasted line break) is trimmed; blank means
/// missing. Numbers are not secrets n8n would store, so any non-string counts as missing.
fn secret_text(value: Option<&serde_json::Value>) -> Option<String> {
    plain_text(value)
}

fn plain_text(value: Option<&serde_json::Value>) -> Option<String> {
    match value {
        Some(serde_json::Value::String(s)) => {
            let trimmed = s.trim();
            (!trimmed.is_empty()).then(|| trimmed.to_string())
        }
        _ => None,
    }
}

/// Tokens and app secrets are printable ASCII without spaces. Anything else would either
/// be refused by Meta or, worse, split the `Authorization` header.
fn is_token_shaped(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_graphic())
}

fn check_api_version(version: &str) -> Result<String, SetupError> {
    let invalid = || SetupError::InvalidApiVersion { got: version.to_string() };
    let rest = version.strip_prefix('v').ok_or_else(invalid)?;
    let (major, minor) = rest.split_once('.').ok_or_else(invalid)?;
    let is_number = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if is_number(major) && is_number(minor) {
        Ok(version.to_string())
    } else {
        Err(invalid())
    }
}

/// Accepts `http(s)://host[:port][/path]`, without credentials, query or fragment.
/// Trailing slashes are dropped so `{base}/{version}` never doubles them.
fn check_base_url(url: &str) -> Result<String, SetupError> {
    let invalid = |reason| SetupError::InvalidBaseUrl { reason };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(invalid("it must start with https:// or http://"))?;
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid("it contains spaces or characters that are not allowed in a URL"));
    }
    if url.contains(['?', '#']) {
        return Err(invalid("it must not contain a query (?) or fragment (#)"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid("it must not contain a user name or password"));
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err(invalid("it has no host name"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn debug_output_shows_the_settings_and_no_secret() {
        let creds = raw(json!({"accessToken": "TOKEN-x", "appSecret": "SECRET-y"})).check().unwrap();
        let shown = format!("{creds:?}");
        assert!(shown.contains("access_token: \"[redacted]\"") && shown.contains("v18.0"), "{shown}");
        assert!(!shown.contains("TOKEN-x") && !shown.contains("SECRET-y"), "{shown}");
    }

    #[test]
    fn names_the_fix_for_a_token_sent_to_the_other_login_types_host() {
        let on = |token: &str, login: &str| {
            raw(json!({"accessToken": token, "appSecret": "s", "loginType": login})).check().unwrap()
        };
        let ig_on_facebook = wrong_host_hint(&on("IGQVtoken", "facebook"), Some(100), Some(33)).unwrap();
        assert_eq!(
            ig_on_facebook,
            "The access token is an Instagram Login token (it starts with IG), but the credential sends it to \
             https://graph.facebook.com as Facebook Login: set Login Type to Auto or Instagram Login, and leave Base URL empty."
        );
        let fb_on_instagram = wrong_host_hint(&on("EAAtoken", "instagram"), Some(190), None).unwrap();
        assert!(fb_on_instagram.contains("a Facebook Login token (it starts with EAA)") && fb_on_instagram.contains("https://graph.instagram.com"));
        // The right host, another error, or a token of no known shape: no such hint.
        assert_eq!(wrong_host_hint(&on("IGQVtoken", "instagram"), Some(100), Some(33)), None);
        assert_eq!(wrong_host_hint(&on("IGQVtoken", "facebook"), Some(100), None), None);
        assert_eq!(wrong_host_hint(&on("IGQVtoken", "facebook"), Some(10), Some(33)), None);
        assert_eq!(wrong_host_hint(&on("test-token", "facebook"), Some(190), None), None);
    }

    fn raw(value: serde_json::Value) -> RawCredentials {
        serde_json::from_value(value).unwrap()
    }

    fn message(err: SetupError) -> String {
        crate::error::CoreError::Setup(err).message()
    }

    fn code(err: SetupError) -> &'static str {
        crate::error::CoreError::Setup(err).code()
    }

    #[test]
    fn fills_defaults_for_version_and_base_url() {
        let creds = raw(json!({"accessToken": "tok", "appSecret": "sec"})).check().unwrap();
        assert_eq!(creds.api_version, "v18.0");
        assert_eq!(creds.base_url, "https://graph.facebook.com");
    }

    #[test]
    fn missing_or_blank_token_is_refused_first() {
        for token in [json!(null), json!(""), json!("  \n"), json!(12345)] {
            let err = raw(json!({"accessToken": token, "appSecret": ""})).check().unwrap_err();
            assert_eq!(message(err), "Access token is required");
        }
        assert_eq!(raw(json!({})).check().unwrap_err(), SetupError::MissingAccessToken);
    }

    #[test]
    fn missing_app_secret_is_refused() {
        let err = raw(json!({"accessToken": "tok"})).check().unwrap_err();
        assert_eq!(message(err), "App Secret is required for server-side API calls");
    }

    #[test]
    fn trims_pasted_whitespace_around_secrets() {
        let creds = raw(json!({"accessToken": " tok\n", "appSecret": "\tsec "})).check().unwrap();
        assert_eq!((creds.access_token.as_str(), creds.app_secret.as_str()), ("tok", "sec"));
    }

    #[test]
    fn refuses_tokens_that_would_break_a_header_without_echoing_them() {
        for token in ["to ken", "tok\r\nX-Evil: 1", "tök", "tok\u{200B}en"] {
            let err = raw(json!({"accessToken": token, "appSecret": "s"})).check().unwrap_err();
            assert_eq!(err, SetupError::MalformedAccessToken);
            assert!(!message(err).contains(token));
        }
        let err = raw(json!({"accessToken": "t", "appSecret": "se cret"})).check().unwrap_err();
        assert_eq!(err, SetupError::MalformedAppSecret);
    }

    #[test]
    fn api_version_must_look_like_v18_0() {
        let ok = raw(json!({"accessToken": "t", "appSecret": "s", "apiVersion": "v21.0"})).check();
        assert_eq!(ok.unwrap().api_version, "v21.0");
        for bad in ["18.0", "v18", "v18.x", "v18.0/../x", "latest", "v.0"] {
            let err = raw(json!({"accessToken": "t", "appSecret": "s", "apiVersion": bad}))
                .check()
                .unwrap_err();
            assert_eq!(code(err.clone()), "invalid_api_version", "{bad}");
            assert!(message(err).contains("v18.0"));
        }
    }

    #[test]
    fn base_url_accepts_http_and_https_and_drops_trailing_slashes() {
        let check = |url: &str| {
            raw(json!({"accessToken": "t", "appSecret": "s", "baseUrl": url})).check().map(|c| c.base_url)
        };
        assert_eq!(check("https://graph.instagram.com/").unwrap(), "https://graph.instagram.com");
        assert_eq!(check("http://127.0.0.1:8080/meta//").unwrap(), "http://127.0.0.1:8080/meta");
        for bad in [
            "graph.facebook.com",
            "ftp://x",
            "https://",
            "https://:80",
            "https://u:p@host",
            "https://host?access_token=1",
            "https://host#x",
            "https://ho st",
        ] {
            assert_eq!(code(check(bad).unwrap_err()), "invalid_base_url", "{bad}");
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let creds = raw(json!({"accessToken": "SECRET_TOKEN", "appSecret": "SECRET_APP"})).check().unwrap();
        let shown = format!("{creds:?}");
        assert!(!shown.contains("SECRET_TOKEN") && !shown.contains("SECRET_APP"));
    }
}
