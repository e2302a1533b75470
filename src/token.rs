//! Tokens that do not silently expire (sans-IO). An Instagram-Login token lasts 60 days and
//! Instagram issues no OAuth refresh token; the token itself can be refreshed once it is a
//! day old and not yet expired (`GET {host}/refresh_access_token?grant_type=ig_refresh_token`),
//! which gives a token good for another 60 days. A token too young for that may be the
//! one-hour token an OAuth login gives: a token the fields have never described whose
//! refresh is refused is then exchanged once for a 60-day one
//! (`GET {host}/access_token?grant_type=ig_exchange_token`, with the app secret).
//!
//! The credential keeps what the node knows about its token in hidden fields, written by
//! the credential's `preAuthentication` (n8n stores them with the credential, so they
//! survive a restart): which token they describe (a digest, never the token), when it
//! expires, when it was last renewed, and the last attempt and its failure. This module
//! decides from them, and the clock the wrapper hands over, whether to refresh now and what
//! to warn about; it describes the refresh request and reads Meta's answer into the fields
//! to store.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::clock::{iso8601, parse_iso8601};
use crate::credentials::{Credentials, LoginType};
use crate::graph_error::GraphError;
use crate::proof::{AppSecretProof, Authorization};

const DAY_MS: f64 = 86_400_000.0;
/// Refresh once fewer days than this are left (Instagram tokens last 60 days).
pub const REFRESH_WHEN_DAYS_LEFT: f64 = 30.0;
/// Meta refreshes a token only once it is this old.
pub const MIN_AGE_HOURS: f64 = 24.0;
/// After a failed refresh, wait this long before the next attempt.
pub const RETRY_AFTER_HOURS: f64 = 6.0;
/// Warn, in every output item and the credential test, this many days before expiry.
pub const WARN_DAYS: f64 = 7.0;
/// The output field that carries the warning.
pub const WARNING_FIELD: &str = "tokenWarning";
/// The hidden credential field n8n's `preAuthentication` watches (`expirable`): empty means
/// "not checked yet", and the node empties it to ask for a refresh.
pub const STATE_FIELD: &str = "tokenState";
/// Meta's refresh endpoint, under the Instagram host (no version in Meta's docs).
pub const REFRESH_PATH: &str = "refresh_access_token";
/// Meta's exchange of a one-hour token for a 60-day one, under the Instagram host.
pub const EXCHANGE_PATH: &str = "access_token";

/// Which of Meta's two token calls: `refresh` a token at least a day old, or `exchange` a
/// one-hour token for a 60-day one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grant {
    #[default]
    Refresh,
    Exchange,
}

/// The hidden fields, as the credential holds them (all text; empty when unknown).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct TokenRecord {
    /// n8n's trigger for preAuthentication (`expirable`): the token's digest once checked,
    /// empty before, and emptied by the node to ask for a refresh.
    pub token_state: String,
    /// The digest of the token the other fields describe.
    pub token_digest: String,
    pub token_expires_at: String,
    pub token_renewed_at: String,
    pub token_checked_at: String,
    pub token_renewal_error: String,
}

/// What to do before the run's requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenPlan {
    /// Refresh the token now.
    pub renew: bool,
    /// Said in every output item and by the credential test: the token expires soon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// A digest that names a token without revealing it (16 hex digits of its SHA-256).
pub fn digest(token: &str) -> String {
    hex::encode(&Sha256::digest(format!("instagram-token:{token}").as_bytes())[..8])
}

fn time(text: &str) -> Option<f64> {
    parse_iso8601(text)
}

/// Whether to refresh now, and what to warn about, at `now_ms`.
pub fn plan(credentials: &Credentials, record: &TokenRecord, now_ms: f64) -> TokenPlan {
    let mine = record.token_digest == digest(&credentials.access_token);
    let expires = mine.then(|| time(&record.token_expires_at)).flatten();
    let warning = expires.filter(|at| at - now_ms <= WARN_DAYS * DAY_MS).map(|at| {
        let day = &iso8601(at)[..10];
        let failure = Some(record.token_renewal_error.as_str()).filter(|e| !e.is_empty());
        let why = failure.map_or_else(String::new, |e| format!(" It could not be refreshed: {e}"));
        if at <= now_ms {
            format!(
                "The Instagram access token expired on {day}.{why} Paste a new token into the credential (README: Tokens that last)."
            )
        } else {
            format!(
                "The Instagram access token expires on {day} and has not been refreshed.{why} Paste a new token into the credential before then (README: Tokens that last)."
            )
        }
    });
    if credentials.login_type != LoginType::Instagram {
        return TokenPlan { renew: false, warning };
    }
    let renew = if !mine {
        // A token the fields do not describe: just pasted, or never checked.
        true
    } else {
        let checked = time(&record.token_checked_at);
        let failed = !record.token_renewal_error.is_empty();
        let waiting = failed && checked.is_some_and(|at| now_ms - at < RETRY_AFTER_HOURS * 3_600_000.0);
        let old_enough = time(&record.token_renewed_at).is_none_or(|at| now_ms - at >= MIN_AGE_HOURS * 3_600_000.0);
        let due = match expires {
            Some(at) => now_ms < at && at - now_ms <= REFRESH_WHEN_DAYS_LEFT * DAY_MS,
            None => failed,
        };
        !waiting && old_enough && due
    };
    TokenPlan { renew, warning }
}

/// The token request, with the token as a Bearer header, never in the URL.
/// - refresh: `GET {base}/refresh_access_token?grant_type=ig_refresh_token` and the proof,
///   like every other call;
/// - exchange: `GET {base}/access_token?grant_type=ig_exchange_token&client_secret=…`. Meta
///   takes the app secret only as this URL parameter; the URL goes to Meta alone, and the
///   wrapper never logs or returns it.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    pub method: &'static str,
    pub url: String,
    pub qs: Vec<(String, String)>,
    #[serde(skip)]
    authorization: Authorization,
}

impl RefreshRequest {
    pub fn new(credentials: &Credentials, grant: Grant) -> Self {
        let proof = AppSecretProof::compute(&credentials.app_secret, &credentials.access_token);
        let authorization = Authorization::new(credentials, &proof);
        let (path, qs) = match grant {
            Grant::Refresh => (
                REFRESH_PATH,
                vec![
                    ("grant_type".into(), "ig_refresh_token".into()),
                    ("appsecret_proof".into(), authorization.qs.appsecret_proof.clone()),
                ],
            ),
            Grant::Exchange => (
                EXCHANGE_PATH,
                vec![
                    ("grant_type".into(), "ig_exchange_token".into()),
                    ("client_secret".into(), credentials.app_secret.clone()),
                ],
            ),
        };
        Self { method: "GET", url: format!("{}/{path}", credentials.base_url), qs, authorization }
    }

    /// The `Authorization` header (the token): the wrapper puts it on the request only.
    pub fn authorization_header(&self) -> &str {
        &self.authorization.headers.authorization
    }
}

/// The method, URL and parameter names only: the exchange's parameters hold the app secret.
impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.qs.iter().map(|(name, _)| name.as_str()).collect();
        write!(f, "RefreshRequest({} {} {names:?})", self.method, self.url)
    }
}

/// What to store after a token call: the fields, and the new token when there is one; or
/// the call to make next, whose own renewal replaces this one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Renewal {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(flatten)]
    pub record: TokenRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Grant>,
}

#[derive(Deserialize)]
struct Refreshed {
    access_token: String,
    expires_in: f64,
}

/// Reads Meta's answer to the `grant` call (`status`, `body`; `Err`: no answer, with the
/// client's error text) at `now_ms`. A refusal keeps the old token and records why, so
/// the next attempt waits [`RETRY_AFTER_HOURS`] and the warning can say it; a refused
/// refresh of a token the fields have never described asks for the exchange next.
pub fn settle(
    credentials: &Credentials,
    record: &TokenRecord,
    grant: Grant,
    answer: Result<(u16, &str), &str>,
    now_ms: f64,
) -> Renewal {
    let now = iso8601(now_ms);
    let mine = record.token_digest == digest(&credentials.access_token);
    let kept = |error: String| Renewal {
        access_token: None,
        record: TokenRecord {
            token_state: digest(&credentials.access_token),
            token_digest: digest(&credentials.access_token),
            token_expires_at: if mine { record.token_expires_at.clone() } else { String::new() },
            token_renewed_at: if mine { record.token_renewed_at.clone() } else { String::new() },
            token_checked_at: now.clone(),
            token_renewal_error: error,
        },
        next: None,
    };
    let (status, body) = match answer {
        Ok(answer) => answer,
        Err(_) => return kept("Meta could not be reached.".into()),
    };
    if (200..300).contains(&status) {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        if let Some(fresh) = parsed.and_then(|v| serde_json::from_value::<Refreshed>(v).ok()) {
            let token = fresh.access_token.trim();
            let shaped = !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic());
            if shaped && fresh.expires_in.is_finite() && fresh.expires_in > 0.0 {
                return Renewal {
                    access_token: Some(token.to_string()),
                    record: TokenRecord {
                        token_state: digest(token),
                        token_digest: digest(token),
                        token_expires_at: iso8601(now_ms + fresh.expires_in * 1000.0),
                        token_renewed_at: now.clone(),
                        token_checked_at: now,
                        token_renewal_error: String::new(),
                    },
                    next: None,
                };
            }
        }
        return kept("Meta's answer held no token.".into());
    }
    let redactor = crate::redact::Redactor::new([credentials.access_token.as_str(), credentials.app_secret.as_str()]);
    let said = GraphError::parse(body)
        .map(|error| format!("Meta answered: {} (code {}).", error.message, error.code.unwrap_or_default()))
        .unwrap_or_else(|| format!("Meta answered HTTP {status}."));
    let said = redactor.clean(&said);
    match grant {
        // A token never seen: it may be a one-hour token, which only the exchange accepts.
        Grant::Refresh if !mine => Renewal { next: Some(Grant::Exchange), ..kept(said) },
        // `record` holds the refused refresh: both answers are kept, the refresh's first.
        Grant::Exchange if mine && !record.token_renewal_error.is_empty() => {
            kept(format!("{} Exchanging it as a one-hour token: {said}", record.token_renewal_error))
        }
        _ => kept(said),
    }
}

/// The wrapper's view: the credential as n8n holds it (JSON), in and out.
fn read(credentials_json: &str) -> Option<(Credentials, TokenRecord)> {
    let raw: crate::credentials::RawCredentials = serde_json::from_str(credentials_json).ok()?;
    let credentials = raw.check().ok()?;
    let record = serde_json::from_str(credentials_json).unwrap_or_default();
    Some((credentials, record))
}

/// [`plan`] for the credential n8n holds; an incomplete credential needs nothing (its
/// requests are refused with the credential's own error).
pub fn plan_for(credentials_json: &str, now_ms: f64) -> TokenPlan {
    read(credentials_json).map_or(TokenPlan { renew: false, warning: None }, |(c, r)| plan(&c, &r, now_ms))
}

/// The token request as the wrapper sends it, with the `Authorization` header.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshCall {
    #[serde(flatten)]
    pub request: RefreshRequest,
    pub authorization: String,
}

/// The request without its `Authorization` header (the token).
impl std::fmt::Debug for RefreshCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RefreshCall({:?})", self.request)
    }
}

pub fn refresh_call_for(credentials_json: &str, grant: Grant) -> Option<RefreshCall> {
    let (credentials, _) = read(credentials_json)?;
    let request = RefreshRequest::new(&credentials, grant);
    let authorization = request.authorization_header().to_string();
    Some(RefreshCall { request, authorization })
}

/// Meta's answer to the refresh as the wrapper got it: a status and body, or the client's error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RefreshAnswer {
    pub status: Option<u16>,
    pub body: String,
    pub failure: Option<String>,
}

pub fn renewal_for(credentials_json: &str, grant: Grant, answer: &RefreshAnswer, now_ms: f64) -> Option<Renewal> {
    let (credentials, record) = read(credentials_json)?;
    let answer = match (answer.status, &answer.failure) {
        (Some(status), None) => Ok((status, answer.body.as_str())),
        (_, failure) => Err(failure.as_deref().unwrap_or("")),
    };
    Some(settle(&credentials, &record, grant, answer, now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::RawCredentials;

    const NOW: f64 = 1_796_428_800_000.0; // 2026-12-05T00:00:00Z
    const HOUR: f64 = 3_600_000.0;

    fn instagram(token: &str) -> Credentials {
        RawCredentials {
            access_token: Some(token.into()),
            app_secret: Some("app-secret".into()),
            login_type: Some("instagram".into()),
            ..Default::default()
        }
        .check()
        .unwrap()
    }

    fn record(token: &str, expires_in_days: f64, renewed_hours_ago: f64) -> TokenRecord {
        TokenRecord {
            token_state: digest(token),
            token_digest: digest(token),
            token_expires_at: iso8601(NOW + expires_in_days * DAY_MS),
            token_renewed_at: iso8601(NOW - renewed_hours_ago * HOUR),
            token_checked_at: iso8601(NOW - renewed_hours_ago * HOUR),
            token_renewal_error: String::new(),
        }
    }

    #[test]
    fn refreshes_a_token_it_has_not_seen() {
        let creds = instagram("IGAAtoken");
        assert!(plan(&creds, &TokenRecord::default(), NOW).renew);
        assert!(plan(&creds, &record("IGAAother", 50.0, 240.0), NOW).renew, "the fields describe another token");
    }

    #[test]
    fn refreshes_with_30_days_left_once_a_day_old_and_never_after_expiry() {
        let creds = instagram("IGAAtoken");
        assert!(!plan(&creds, &record("IGAAtoken", 30.01, 30.0 * 24.0), NOW).renew);
        assert!(plan(&creds, &record("IGAAtoken", 30.0, 30.0 * 24.0), NOW).renew);
        assert!(plan(&creds, &record("IGAAtoken", 1.0, 59.0 * 24.0), NOW).renew, "59 days old");
        assert!(!plan(&creds, &record("IGAAtoken", 20.0, 23.99), NOW).renew, "renewed under a day ago");
        assert!(plan(&creds, &record("IGAAtoken", 20.0, 24.0), NOW).renew);
        assert!(!plan(&creds, &record("IGAAtoken", 0.0, 60.0 * 24.0), NOW).renew, "expired: Meta refuses");
    }

    #[test]
    fn the_state_emptied_to_ask_for_a_refresh_keeps_what_is_known() {
        let creds = instagram("IGAAtoken");
        let mut asked = record("IGAAtoken", 3.0, 57.0 * 24.0);
        asked.token_state = String::new();
        assert!(plan(&creds, &asked, NOW).warning.is_some());
        let refused = settle(&creds, &asked, Grant::Refresh, Ok((400, r#"{"error":{"message":"no","code":10}}"#)), NOW);
        assert_eq!(refused.record.token_expires_at, asked.token_expires_at);
        assert_eq!(refused.record.token_state, digest("IGAAtoken"), "checked again: n8n stops asking");
    }

    #[test]
    fn waits_six_hours_after_a_failure() {
        let creds = instagram("IGAAtoken");
        let mut failed = record("IGAAtoken", 3.0, 57.0 * 24.0);
        failed.token_renewal_error = "Meta answered HTTP 500.".into();
        failed.token_checked_at = iso8601(NOW - 5.99 * HOUR);
        assert!(!plan(&creds, &failed, NOW).renew);
        failed.token_checked_at = iso8601(NOW - 6.0 * HOUR);
        assert!(plan(&creds, &failed, NOW).renew);
    }

    #[test]
    fn warns_within_seven_days_of_expiry_with_the_date_and_the_reason() {
        let creds = instagram("IGAAtoken");
        assert_eq!(plan(&creds, &record("IGAAtoken", 7.01, 53.0 * 24.0), NOW).warning, None);
        let mut soon = record("IGAAtoken", 7.0, 53.0 * 24.0);
        soon.token_renewal_error = "Meta answered: Invalid OAuth access token (code 190).".into();
        let warning = plan(&creds, &soon, NOW).warning.unwrap();
        assert!(
            warning.contains("expires on 2026-12-12") && warning.contains("Invalid OAuth access token"),
            "{warning}"
        );
        let gone = plan(&creds, &record("IGAAtoken", -1.0, 61.0 * 24.0), NOW).warning.unwrap();
        assert!(gone.starts_with("The Instagram access token expired on 2026-12-04."), "{gone}");
        assert_eq!(plan(&creds, &record("IGAAother", 1.0, 59.0 * 24.0), NOW).warning, None, "another token's date");
    }

    #[test]
    fn facebook_page_tokens_are_never_refreshed() {
        let creds = RawCredentials {
            access_token: Some("EAAtoken".into()),
            app_secret: Some("app-secret".into()),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(plan(&creds, &TokenRecord::default(), NOW), TokenPlan { renew: false, warning: None });
    }

    #[test]
    fn the_request_carries_the_token_in_its_header_only() {
        let creds = instagram("IGAAtoken");
        let request = RefreshRequest::new(&creds, Grant::Refresh);
        assert_eq!(request.url, "https://graph.instagram.com/refresh_access_token");
        assert_eq!(request.qs[0], ("grant_type".to_string(), "ig_refresh_token".to_string()));
        assert_eq!(request.authorization_header(), "Bearer IGAAtoken");
        assert!(!serde_json::to_string(&request).unwrap().contains("IGAAtoken"));
    }

    #[test]
    fn the_exchange_sends_the_app_secret_to_meta_and_the_token_in_its_header() {
        let creds = instagram("IGAAshort");
        let request = RefreshRequest::new(&creds, Grant::Exchange);
        assert_eq!(request.url, "https://graph.instagram.com/access_token");
        assert_eq!(
            request.qs,
            vec![
                ("grant_type".to_string(), "ig_exchange_token".to_string()),
                ("client_secret".to_string(), "app-secret".to_string())
            ]
        );
        assert_eq!(request.authorization_header(), "Bearer IGAAshort");
        assert!(!serde_json::to_string(&request).unwrap().contains("IGAAshort"));
    }

    #[test]
    fn a_refused_refresh_of_a_token_never_described_asks_for_the_exchange_once() {
        let creds = instagram("IGAAshort");
        let young = r#"{"error":{"message":"The token is too young","type":"OAuthException","code":100}}"#;
        let refused = settle(&creds, &TokenRecord::default(), Grant::Refresh, Ok((400, young)), NOW);
        assert_eq!(refused.next, Some(Grant::Exchange));
        let exchanged = settle(
            &creds,
            &TokenRecord::default(),
            Grant::Exchange,
            Ok((200, r#"{"access_token":"IGAAlong","token_type":"bearer","expires_in":5184000}"#)),
            NOW,
        );
        assert_eq!((exchanged.access_token.as_deref(), exchanged.next), (Some("IGAAlong"), None));
        assert_eq!(exchanged.record.token_expires_at, "2027-02-03T00:00:00.000Z");
        // The wrapper settles the exchange with what the refused refresh recorded.
        let not_short = r#"{"error":{"message":"Not a short-lived token","type":"OAuthException","code":100}}"#;
        let both = settle(&creds, &refused.record, Grant::Exchange, Ok((400, not_short)), NOW);
        assert_eq!((both.next, both.access_token), (None, None), "the exchange is the last call");
        assert_eq!(
            both.record.token_renewal_error,
            "Meta answered: The token is too young (code 100). Exchanging it as a one-hour token: Meta answered: Not a short-lived token (code 100)."
        );
        assert_eq!(both.record.token_state, digest("IGAAshort"));
        // Fields that describe another token say nothing about this exchange.
        let stale = TokenRecord { token_renewal_error: "Meta answered: old (code 1).".into(), ..record("IGAAother", 20.0, 40.0 * 24.0) };
        let alone = settle(&creds, &stale, Grant::Exchange, Ok((400, not_short)), NOW);
        assert_eq!(alone.record.token_renewal_error, "Meta answered: Not a short-lived token (code 100).");
        // A token the fields describe was exchanged or refreshed before: a refusal is final.
        let known = settle(&creds, &record("IGAAshort", 20.0, 40.0 * 24.0), Grant::Refresh, Ok((400, young)), NOW);
        assert_eq!(known.next, None);
        // No answer at all: nothing to learn from a second call.
        assert_eq!(settle(&creds, &TokenRecord::default(), Grant::Refresh, Err("ETIMEDOUT"), NOW).next, None);
        let serialized = serde_json::to_value(&refused).unwrap();
        assert_eq!(serialized["next"], "exchange");
        assert!(serde_json::to_value(&exchanged).unwrap().get("next").is_none());
    }

    #[test]
    fn stores_the_new_token_and_its_expiry() {
        let creds = instagram("IGAAtoken");
        let renewal = settle(
            &creds,
            &record("IGAAtoken", 1.0, 59.0 * 24.0),
            Grant::Refresh,
            Ok((200, r#"{"access_token":"IGAAfresh","token_type":"bearer","expires_in":5184000}"#)),
            NOW,
        );
        assert_eq!(renewal.access_token.as_deref(), Some("IGAAfresh"));
        assert_eq!(renewal.record.token_state, digest("IGAAfresh"));
        assert_eq!(renewal.record.token_expires_at, "2027-02-03T00:00:00.000Z");
        assert_eq!(renewal.record.token_renewed_at, "2026-12-05T00:00:00.000Z");
        assert_eq!(renewal.record.token_renewal_error, "");
    }

    #[test]
    fn an_answer_without_a_usable_token_or_lifetime_stores_no_token() {
        let creds = instagram("IGAAtoken");
        for body in [
            r#"{"access_token":"","expires_in":5184000}"#,
            r#"{"access_token":"   ","expires_in":5184000}"#,
            r#"{"access_token":"IGAA new","expires_in":5184000}"#,
            r#"{"access_token":"IGAAnew\n","expires_in":0}"#,
            r#"{"access_token":"IGAAnew","expires_in":0}"#,
            r#"{"access_token":"IGAAnew","expires_in":-60}"#,
            r#"{"access_token":"","expires_in":0}"#,
        ] {
            let renewal = settle(&creds, &TokenRecord::default(), Grant::Refresh, Ok((200, body)), NOW);
            assert_eq!(
                (renewal.access_token, renewal.record.token_renewal_error.as_str()),
                (None, "Meta's answer held no token."),
                "{body}"
            );
        }
        let tiny = settle(&creds, &TokenRecord::default(), Grant::Refresh, Ok((200, r#"{"access_token":"IGAAnew","expires_in":1}"#)), NOW);
        assert_eq!(tiny.access_token.as_deref(), Some("IGAAnew"), "any positive lifetime is Meta's word");
    }

    #[test]
    fn a_refusal_keeps_the_token_and_says_why_without_a_secret() {
        let creds = instagram("IGAAtoken");
        let before = record("IGAAtoken", 2.0, 58.0 * 24.0);
        let body = r#"{"error":{"message":"Invalid token IGAAtoken","type":"OAuthException","code":190}}"#;
        let renewal = settle(&creds, &before, Grant::Refresh, Ok((400, body)), NOW);
        assert_eq!(renewal.access_token, None);
        assert_eq!(renewal.record.token_expires_at, before.token_expires_at);
        assert_eq!(renewal.record.token_checked_at, "2026-12-05T00:00:00.000Z");
        assert!(renewal.record.token_renewal_error.contains("code 190"));
        assert!(!serde_json::to_string(&renewal).unwrap().contains("IGAAtoken"));
        let unreachable = settle(&creds, &TokenRecord::default(), Grant::Refresh, Err("ECONNREFUSED"), NOW);
        assert_eq!(unreachable.record.token_state, digest("IGAAtoken"));
        assert_eq!(unreachable.record.token_digest, digest("IGAAtoken"));
        assert_eq!(unreachable.record.token_expires_at, "");
        let empty = settle(&creds, &before, Grant::Refresh, Ok((200, r#"{"expires_in":5184000}"#)), NOW);
        assert_eq!(
            (empty.access_token, empty.record.token_renewal_error.as_str()),
            (None, "Meta's answer held no token.")
        );
    }

    #[test]
    fn the_wrapper_entry_points_read_the_credential_as_n8n_holds_it() {
        let held = serde_json::json!({
            "accessToken": "IGAAtoken", "appSecret": "app-secret", "loginType": "auto", "baseUrl": "http://127.0.0.1:9",
            "tokenState": "", "tokenDigest": digest("IGAAtoken"), "tokenExpiresAt": iso8601(NOW + DAY_MS), "tokenRenewedAt": iso8601(NOW - 59.0 * DAY_MS),
            "tokenCheckedAt": "", "tokenRenewalError": "", "webhookSecret": ""
        })
        .to_string();
        assert!(plan_for(&held, NOW).renew);
        assert!(plan_for(&held, NOW).warning.unwrap().contains("expires on 2026-12-06"));
        let call = refresh_call_for(&held, Grant::Refresh).unwrap();
        assert_eq!(call.request.url, "http://127.0.0.1:9/refresh_access_token");
        assert_eq!(call.authorization, "Bearer IGAAtoken");
        let answer = RefreshAnswer {
            status: Some(200),
            body: r#"{"access_token":"IGAAnew","expires_in":5184000}"#.into(),
            failure: None,
        };
        assert_eq!(renewal_for(&held, Grant::Refresh, &answer, NOW).unwrap().access_token.as_deref(), Some("IGAAnew"));
        let dropped = RefreshAnswer { status: None, body: String::new(), failure: Some("ECONNRESET".into()) };
        assert_eq!(renewal_for(&held, Grant::Refresh, &dropped, NOW).unwrap().record.token_renewal_error, "Meta could not be reached.");
        assert_eq!(plan_for("{}", NOW), TokenPlan { renew: false, warning: None });
        assert!(refresh_call_for("{}", Grant::Refresh).is_none());
        let exchange = refresh_call_for(&held, Grant::Exchange).unwrap();
        assert_eq!(exchange.request.url, "http://127.0.0.1:9/access_token");
        // Neither the token nor the app secret shows in a Debug print.
        assert_eq!(
            format!("{exchange:?}"),
            r#"RefreshCall(RefreshRequest(GET http://127.0.0.1:9/access_token ["grant_type", "client_secret"]))"#
        );
    }
}
