//! The credential's Test button: `GET {graph base}/{version}/me`, made with the credential's
//! token and `appsecret_proof`, and what to say about Meta's answer. n8n reads the answer
//! with declarative rules (`key` = `value` → refuse with `message`, first match wins), so
//! the test is declared here as data: the request, and the rules in order, most specific
//! first. A refusal comes back as an answer, not an error (`ignoreHttpStatusErrors`), and
//! the rules read its body, so the test says whether Meta refused the token, the
//! `appsecret_proof` or the host; a body that is not JSON (an HTML page: the Base URL is not
//! the Graph API) is refused too.

use serde::Serialize;
use serde_json::{json, Value};

/// The test's request: the path under the Graph API base, and the fields asked for.
pub const TEST_PATH: &str = "me";
pub const TEST_FIELDS: &str = "id,name,username";

/// One rule: when the answer body's value at `key` (a path such as `error.code`, read with
/// lodash's `get`) equals `value`, the test fails with `message`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub key: &'static str,
    pub value: Value,
    pub message: &'static str,
}

const TOKEN_REFUSED: &str = "Meta refused the access token: it is invalid or has expired (code 190). Generate a new \
    token and paste it here; with Instagram Login, a token lasts 60 days unless refreshed.";
const PROOF_REFUSED: &str = "Meta refused the appsecret_proof, not the token: the App Secret does not belong to the \
    Meta app that issued the access token. Copy the App Secret of that app (App settings > Basic).";
const WRONG_HOST: &str = "Meta refused the call on this host: the token is for the other login type. Set Login Type \
    (or Base URL) to match it: Instagram Login tokens start with IG and use graph.instagram.com, Facebook Login \
    tokens start with EAA and use graph.facebook.com.";
const PERMISSION: &str = "Meta accepted the token but refused the call (code 200): a permission is missing or the \
    app cannot act for this account.";
const REFUSED: &str = "Meta rejected the credential: check that the access token is valid and not expired, that the \
    App Secret belongs to the same Meta app, and that Login Type, API Version and Base URL match the token.";
const NOT_GRAPH: &str = "The Base URL answered, but not as Meta's Graph API does: check the Base URL (empty for \
    Meta's own host) and the API Version.";

/// The rules, in the order n8n tries them.
pub fn rules() -> Vec<Rule> {
    let mut rules = vec![
        Rule { key: "error.code", value: json!(190), message: TOKEN_REFUSED },
        Rule {
            key: "error.message",
            value: json!("Invalid appsecret_proof provided in the API argument"),
            message: PROOF_REFUSED,
        },
        // Meta's answer to a token on the other login type's host.
        Rule { key: "error.error_subcode", value: json!(33), message: WRONG_HOST },
        Rule { key: "error.code", value: json!(200), message: PERMISSION },
    ];
    // Any other Graph API error (each has a type).
    for error_type in ["OAuthException", "GraphMethodException", "IGApiException"] {
        rules.push(Rule { key: "error.type", value: json!(error_type), message: REFUSED });
    }
    // A body n8n could not read as JSON stays text, and text's constructor is String (a
    // JSON object's is Object): the Base URL answered with a page, not the Graph API.
    rules.push(Rule { key: "constructor.name", value: json!("String"), message: NOT_GRAPH });
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule n8n would apply to an answer body, as n8n applies them: the first whose value
    /// matches (a text body's `constructor.name` is `String`, as lodash reads it).
    fn verdict(body: Value) -> Option<&'static str> {
        rules()
            .into_iter()
            .find(|rule| {
                if rule.key == "constructor.name" {
                    return body.is_string() && rule.value == json!("String");
                }
                rule.key.split('.').try_fold(&body, |value, key| value.get(key)) == Some(&rule.value)
            })
            .map(|rule| rule.message)
    }

    fn error(code: i64, subcode: Option<i64>, message: &str) -> Value {
        let mut error = json!({"message": message, "type": "OAuthException", "code": code});
        if let Some(subcode) = subcode {
            error["error_subcode"] = json!(subcode);
        }
        json!({ "error": error })
    }

    #[test]
    fn passes_a_token_meta_accepts() {
        assert_eq!(verdict(json!({"id": "17841400000000000", "username": "shop"})), None);
    }

    #[test]
    fn tells_a_refused_proof_from_a_refused_token() {
        let proof = verdict(error(100, None, "Invalid appsecret_proof provided in the API argument")).unwrap();
        assert!(proof.starts_with("Meta refused the appsecret_proof, not the token"));
        let token = verdict(error(190, Some(463), "Error validating access token: Session has expired")).unwrap();
        assert!(token.starts_with("Meta refused the access token"));
    }

    #[test]
    fn names_the_fix_for_a_token_on_the_other_login_types_host() {
        let message = verdict(error(100, Some(33), "Unsupported get request. Object with ID 'me' does not exist")).unwrap();
        assert!(message.contains("the token is for the other login type"));
    }

    #[test]
    fn refuses_any_other_graph_error_and_a_base_url_that_is_not_the_graph_api() {
        assert!(verdict(error(100, None, "Invalid parameter")).unwrap().starts_with("Meta rejected the credential"));
        assert_eq!(verdict(json!("<html>Not Found</html>")), Some(NOT_GRAPH));
        assert_eq!(verdict(json!("Bad gateway")), Some(NOT_GRAPH));
    }
}
