//! Auto-subscription, sans-IO: the requests that point the Meta app's `instagram` webhook at
//! the trigger and subscribe the account, and on deactivation the requests that remove only
//! what activation added. The wrapper performs each request and hands back every answer so
//! far; [`next`] replays them and says what comes next. Nothing is kept between calls.
//!
//! Subscribing:
//! 1. `GET /{app-id}/subscriptions` (app token): what the app already has. An `instagram`
//!    subscription with another callback URL is left alone: the trigger refuses rather than
//!    take another workflow's (or another system's) webhook.
//! 2. `POST /{app-id}/subscriptions` with `object=instagram`, `callback_url`, `verify_token`
//!    and the fields: the ones there were, plus the trigger's. Meta checks the callback at
//!    once with the GET handshake.
//! 3. The account: Facebook Login `GET /{PAGE_ID}/subscribed_apps` (the Page ID from the
//!    credential or `GET /me`), Instagram Login `GET /me/subscribed_apps`; then `POST` the
//!    same edge with `subscribed_fields`, the ones there were plus the trigger's.
//!
//! The record says what was added, so unsubscribing removes exactly that: the app's added
//! fields (`DELETE /{app-id}/subscriptions?object=instagram&fields=…`), and the account's
//! subscription (`DELETE …/subscribed_apps`) if activation created it, or its earlier fields.

use crate::credentials::{Credentials, LoginType};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What auto-subscription needs, gathered by the wrapper.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionInput {
    pub app_id: String,
    /// The Meta app's secret: the app token is `{app-id}|{app-secret}`.
    pub app_secret: String,
    pub callback_url: String,
    pub verify_token: String,
    /// Meta's webhook fields for the trigger's events.
    pub fields: Vec<String>,
    /// What an earlier activation recorded (for unsubscribing).
    pub record: Option<Record>,
}

/// What activation added, kept in the node's static data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Record {
    pub app_id: String,
    /// The app's `instagram` fields this trigger added.
    pub app_fields_added: Vec<String>,
    /// Where the account's subscription lives (`{PAGE_ID}/subscribed_apps`, `me/subscribed_apps`).
    pub account_edge: String,
    /// The account's fields before activation; `None`: the app was not subscribed at all.
    pub account_fields_before: Option<Vec<String>>,
    pub account_fields_added: Vec<String>,
}

/// One request to perform.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub method: &'static str,
    pub url: String,
    pub query: Vec<(String, String)>,
    /// `application/x-www-form-urlencoded` fields.
    pub form: Vec<(String, String)>,
    /// `app`: the Authorization header below (the app token); `credential`: the
    /// credential's own authentication (the user or Page token and its proof).
    pub auth: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Call({} {} auth={})", self.method, self.url, self.auth)
    }
}

/// An answer the wrapper got: status and body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Answered {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase", tag = "next")]
pub enum Next {
    /// Perform this request, then call again with its answer appended.
    Call { call: Call },
    /// Subscribing is done: keep the record.
    Subscribed { record: Record },
    /// Unsubscribing is done.
    Unsubscribed,
    Failed { message: String },
}

/// The next step of subscribing (`unsubscribing`: of removing what the record says), with
/// every secret taken out of a failure's message.
pub fn step(unsubscribing: bool, input: &SubscriptionInput, credentials: &Credentials, answers: &[Answered]) -> Next {
    let next = if unsubscribing { unsubscribe(input, credentials, answers) } else { subscribe(input, credentials, answers) };
    match next {
        Next::Failed { message } => {
            let app_token = format!("{}|{}", input.app_id, input.app_secret);
            let redactor = crate::redact::Redactor::new([
                input.app_secret.as_str(),
                app_token.as_str(),
                credentials.access_token.as_str(),
                credentials.app_secret.as_str(),
                input.verify_token.as_str(),
            ]);
            Next::Failed { message: redactor.clean(&message) }
        }
        other => other,
    }
}

/// The next step of subscribing.
pub fn subscribe(input: &SubscriptionInput, credentials: &Credentials, answers: &[Answered]) -> Next {
    if input.app_id.is_empty() || !input.app_id.bytes().all(|b| b.is_ascii_digit()) {
        return failed("Auto-subscription needs the credential's App ID (digits only, from the App Dashboard)");
    }
    let app = format!("{}/{}/{}/subscriptions", app_base(credentials), credentials.api_version, input.app_id);
    let app_auth = Some(format!("Bearer {}|{}", input.app_id, input.app_secret));
    let mut answers = answers.iter();

    // 1. The app's subscriptions as they are.
    let Some(existing) = answers.next() else {
        return call("GET", app, vec![], vec![], "app", app_auth);
    };
    let existing = match ok_json(existing, "reading the app's webhook subscriptions") {
        Ok(value) => value,
        Err(next) => return next,
    };
    let current = existing["data"].as_array().and_then(|list| list.iter().find(|s| s["object"] == "instagram"));
    let current_fields: Vec<String> = current
        .and_then(|s| s["fields"].as_array())
        .map(|fields| fields.iter().filter_map(|f| f["name"].as_str().or(f.as_str()).map(str::to_string)).collect())
        .unwrap_or_default();
    if let Some(callback) = current.and_then(|s| s["callback_url"].as_str()).filter(|url| *url != input.callback_url) {
        return failed(&format!(
            "The Meta app's instagram webhook already points at {callback}; the trigger leaves it alone. Point it at \
             this trigger in the App Dashboard, or turn Auto-Subscribe off and subscribe by hand"
        ));
    }
    let added: Vec<String> = input.fields.iter().filter(|f| !current_fields.contains(f)).cloned().collect();
    let all: Vec<String> = current_fields.iter().chain(&added).cloned().collect();

    // 2. Point the app at the trigger (Meta runs the handshake before it answers).
    let Some(posted) = answers.next() else {
        let form = vec![
            ("object".into(), "instagram".into()),
            ("callback_url".into(), input.callback_url.clone()),
            ("verify_token".into(), input.verify_token.clone()),
            ("fields".into(), all.join(",")),
            ("include_values".into(), "true".into()),
        ];
        return call("POST", app, vec![], form, "app", app_auth);
    };
    if let Err(next) = ok_json(posted, "subscribing the app to instagram webhooks") {
        return next;
    }

    // 3. The account: its edge, its subscription as it is, then the fields it needs.
    let base = format!("{}/{}", credentials.base_url, credentials.api_version);
    let edge = match (credentials.login_type, &credentials.page_id) {
        (LoginType::Instagram, _) => "me/subscribed_apps".to_string(),
        (LoginType::Facebook, Some(page_id)) => format!("{page_id}/subscribed_apps"),
        (LoginType::Facebook, None) => {
            let Some(me) = answers.next() else {
                return call("GET", format!("{base}/me"), vec![("fields".into(), "id".into())], vec![], "credential", None);
            };
            match ok_json(me, "reading the Page ID") {
                Ok(value) => match value["id"].as_str() {
                    Some(id) if id.bytes().all(|b| b.is_ascii_digit()) => format!("{id}/subscribed_apps"),
                    _ => return failed("Meta's answer to GET /me held no Page ID"),
                },
                Err(next) => return next,
            }
        }
    };
    let Some(before) = answers.next() else {
        return call("GET", format!("{base}/{edge}"), vec![], vec![], "credential", None);
    };
    let before = match ok_json(before, "reading the account's subscribed apps") {
        Ok(value) => value,
        Err(next) => return next,
    };
    let listed = before["data"].as_array().and_then(|list| list.iter().find(|app| app["id"].as_str() == Some(&input.app_id)));
    let fields_before: Option<Vec<String>> = listed.map(|app| {
        app["subscribed_fields"].as_array().map(|f| f.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
    });
    let had = fields_before.clone().unwrap_or_default();
    let account_added: Vec<String> = input.fields.iter().filter(|f| !had.contains(f)).cloned().collect();
    let mut record = Record {
        app_id: input.app_id.clone(),
        app_fields_added: added,
        account_edge: edge.clone(),
        account_fields_before: fields_before,
        account_fields_added: account_added.clone(),
    };
    // Activating again (n8n 1.x does on every start) finds its own earlier additions in
    // place: what the first activation found stays the state to return to.
    if let Some(earlier) = input.record.as_ref().filter(|earlier| earlier.app_id == record.app_id && earlier.account_edge == record.account_edge) {
        record.app_fields_added = union(&earlier.app_fields_added, &record.app_fields_added);
        record.account_fields_added = union(&earlier.account_fields_added, &record.account_fields_added);
        record.account_fields_before = earlier.account_fields_before.clone();
    }
    if account_added.is_empty() {
        return Next::Subscribed { record };
    }
    let Some(subscribed) = answers.next() else {
        let all: Vec<String> = had.iter().chain(&account_added).cloned().collect();
        return call("POST", format!("{base}/{edge}"), vec![("subscribed_fields".into(), all.join(","))], vec![], "credential", None);
    };
    match ok_json(subscribed, "subscribing the account to the app") {
        Ok(_) => Next::Subscribed { record },
        Err(next) => next,
    }
}

/// The next step of removing what `input.record` says activation added.
pub fn unsubscribe(input: &SubscriptionInput, credentials: &Credentials, answers: &[Answered]) -> Next {
    let Some(record) = &input.record else { return Next::Unsubscribed };
    let mut calls: Vec<Call> = Vec::new();
    if !record.app_fields_added.is_empty() {
        let url = format!("{}/{}/{}/subscriptions", app_base(credentials), credentials.api_version, record.app_id);
        let query = vec![("object".into(), "instagram".into()), ("fields".into(), record.app_fields_added.join(","))];
        calls.push(Call {
            method: "DELETE",
            url,
            query,
            form: vec![],
            auth: "app",
            authorization: Some(format!("Bearer {}|{}", record.app_id, input.app_secret)),
        });
    }
    let account = format!("{}/{}/{}", credentials.base_url, credentials.api_version, record.account_edge);
    match &record.account_fields_before {
        None if !record.account_edge.is_empty() => {
            calls.push(Call { method: "DELETE", url: account, query: vec![], form: vec![], auth: "credential", authorization: None })
        }
        Some(before) if !record.account_fields_added.is_empty() && !before.is_empty() => calls.push(Call {
            method: "POST",
            url: account,
            query: vec![("subscribed_fields".into(), before.join(","))],
            form: vec![],
            auth: "credential",
            authorization: None,
        }),
        _ => {}
    }
    // Each call in turn; a failed removal is reported, and the rest still run.
    let done = answers.len();
    if let Some(failed_answer) = answers.iter().find(|a| !(200..300).contains(&a.status)) {
        if done >= calls.len() {
            return failed(&format!("Removing the webhook subscription failed: {}", meta_message(failed_answer)));
        }
    }
    match calls.into_iter().nth(done) {
        Some(call) => Next::Call { call },
        None => Next::Unsubscribed,
    }
}

/// App endpoints live on Facebook's Graph API; an explicit base URL (a proxy, a test server)
/// is used as it is.
fn app_base(credentials: &Credentials) -> &str {
    if credentials.base_url == crate::credentials::INSTAGRAM_GRAPH_HOST { crate::credentials::FACEBOOK_GRAPH_HOST } else { &credentials.base_url }
}

fn call(method: &'static str, url: String, query: Vec<(String, String)>, form: Vec<(String, String)>, auth: &'static str, authorization: Option<String>) -> Next {
    Next::Call { call: Call { method, url, query, form, auth, authorization } }
}

fn union(first: &[String], second: &[String]) -> Vec<String> {
    first.iter().chain(second.iter().filter(|field| !first.contains(field))).cloned().collect()
}

fn failed(message: &str) -> Next {
    Next::Failed { message: message.to_string() }
}

fn ok_json(answer: &Answered, doing: &str) -> Result<Value, Next> {
    if !(200..300).contains(&answer.status) {
        return Err(failed(&format!("Meta refused {doing}: {}", meta_message(answer))));
    }
    serde_json::from_str(&answer.body).map_err(|_| failed(&format!("Meta's answer to {doing} was not JSON")))
}

/// Meta's error message, or the status.
fn meta_message(answer: &Answered) -> String {
    crate::graph_error::GraphError::parse(&answer.body)
        .map(|error| error.message)
        .unwrap_or_else(|| format!("HTTP {}", answer.status))
}

#[cfg(test)]
mod tests {
    use super::{union, Call};

    #[test]
    fn a_union_keeps_each_field_once_in_first_seen_order() {
        let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(union(&list(&["messages", "comments"]), &list(&["comments", "mentions"])), list(&["messages", "comments", "mentions"]));
        assert_eq!(union(&[], &list(&["mentions"])), list(&["mentions"]));
    }

    #[test]
    fn a_call_s_debug_never_shows_its_authorization() {
        let call = Call {
            method: "POST",
            url: "https://graph.facebook.com/v26.0/123/subscriptions".into(),
            query: vec![],
            form: vec![("object".into(), "instagram".into())],
            auth: "app",
            authorization: Some("Bearer 123|app-secret".into()),
        };
        assert_eq!(format!("{call:?}"), "Call(POST https://graph.facebook.com/v26.0/123/subscriptions auth=app)");
    }
}
