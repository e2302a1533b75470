//! The Instagram Trigger's webhook, sans-IO: one HTTP request in (method, query, the
//! signature header, the raw body bytes, the secrets and the trigger's settings), one
//! decision out (the status and text to answer, why, and the items to start the workflow
//! with, each with the key that makes it unique).
//!
//! - [`handshake`]: Meta's `GET` subscription check (`hub.verify_token`, `hub.challenge`).
//! - [`signature_header`]: reading `X-Hub-Signature-256`; the HMAC itself is checked over
//!   the raw bytes by [`crate::signature`], in constant time, never over re-serialised JSON.
//! - [`events`]: a delivery's entries and events, ordered by time, each with its key.
//! - [`items`]: an event as the item the workflow gets.
//! - [`settings`]: the events chosen, the raw-event option, the deduplication window.
//! - [`subscription`]: auto-subscription's requests, and removing what it added.
//!
//! A request that fails any check gets 401 or 403 and no items: it starts no workflow.
//! A signed body Meta could not have meant (not JSON, the wrong shape) gets 200 and no
//! items, so Meta does not retry it forever.

pub mod events;
pub mod handshake;
pub mod items;
pub mod settings;
pub mod signature_header;
pub mod subscription;

use crate::output::OutputItem;
use serde::{Deserialize, Serialize};
use settings::TriggerSettings;
use signature_header::SignatureError;

/// One webhook request, as the wrapper read it from n8n.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Request {
    /// `GET` (the subscription check) or `POST` (a delivery).
    pub method: String,
    /// The query parameters (`hub.mode`, `hub.verify_token`, `hub.challenge`).
    pub query: std::collections::HashMap<String, String>,
    /// Every value of `X-Hub-Signature-256` (none, one, or several when repeated).
    pub signatures: Vec<String>,
    /// Whether n8n handed over the raw body (the bytes travel beside this head).
    pub has_body: bool,
    /// The configured secrets, by name, in the order tried: the app secret, then the
    /// credential's Webhook Secret. Empty ones are skipped.
    pub secrets: Vec<NamedSecret>,
    pub verify_token: String,
    pub settings: TriggerSettings,
    /// The wrapper's clock (ms since the Unix epoch), for event times Meta leaves out.
    pub now_ms: f64,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NamedSecret {
    pub name: String,
    pub value: String,
}

impl std::fmt::Debug for NamedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NamedSecret({}, [redacted])", self.name)
    }
}

/// What to do with one request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    pub status: u16,
    /// Plain text, always.
    pub body: String,
    /// Why the request was refused or started nothing; never a secret, a signature or the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Which secret's signature matched (its name, never its value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_secret: Option<String>,
    /// The items to start the workflow with, in order; none: start nothing.
    pub items: Vec<OutputItem>,
    /// Each item's key for deduplication, in the same order.
    pub keys: Vec<String>,
}

/// The body Meta gets for every accepted delivery.
pub const RECEIVED: &str = "EVENT_RECEIVED";

impl Response {
    fn refuse(status: u16, reason: impl Into<String>) -> Self {
        let body = if status == 401 { "Unauthorized" } else { "Forbidden" };
        Response { status, body: body.into(), reason: Some(reason.into()), matched_secret: None, items: vec![], keys: vec![] }
    }

    fn received(reason: Option<String>, matched_secret: Option<String>) -> Self {
        Response { status: 200, body: RECEIVED.into(), reason, matched_secret, items: vec![], keys: vec![] }
    }
}

/// Decides one request. `body`: the raw bytes n8n received (after decompression), exactly.
pub fn receive(request: &Request, body: &[u8]) -> Response {
    match request.method.to_ascii_uppercase().as_str() {
        "GET" => handshake::answer(&request.query, &request.verify_token),
        "POST" => deliver(request, body),
        other => Response::refuse(403, format!("method {other} is neither GET nor POST")),
    }
}

fn deliver(request: &Request, body: &[u8]) -> Response {
    let secrets: Vec<&NamedSecret> = request.secrets.iter().filter(|s| !s.value.is_empty()).collect();
    if secrets.is_empty() {
        return Response::refuse(403, "no secret is configured to check signatures with (the credential's App Secret)");
    }
    if !request.has_body {
        return Response::refuse(403, "n8n handed over no raw body to check the signature against");
    }
    let mac = match signature_header::read(&request.signatures) {
        Ok(mac) => mac,
        Err(error) => return Response::refuse(401, error.reason()),
    };
    let Some(matched) = secrets.iter().find(|secret| crate::signature::verify_hmac_sha256(secret.value.as_bytes(), body, &mac))
    else {
        return Response::refuse(403, SignatureError::Mismatch.reason());
    };
    let matched = Some(matched.name.clone());
    let delivery = match events::read(body, request.now_ms) {
        Ok(delivery) => delivery,
        Err(reason) => return Response::received(Some(reason), matched),
    };
    let mut response = Response::received(None, matched);
    let mut skipped = 0;
    for event in delivery.events {
        if !request.settings.wants(event.kind) {
            skipped += 1;
            continue;
        }
        response.keys.push(event.key());
        response.items.push(items::item(&event, request.settings.include_raw_event));
    }
    if response.items.is_empty() {
        response.reason = Some(match (skipped, delivery.unknown) {
            (0, 0) => "the delivery holds no events".to_string(),
            (skipped, unknown) => format!("no event this trigger listens to ({skipped} of other kinds, {unknown} unknown)"),
        });
    }
    response
}

#[cfg(test)]
mod tests {
    use super::NamedSecret;

    #[test]
    fn a_secret_debug_prints_its_name_only() {
        let secret = NamedSecret { name: "appSecret".into(), value: "s3cret-value".into() };
        assert_eq!(format!("{secret:?}"), "NamedSecret(appSecret, [redacted])");
    }
}
