//! The HTTP request description handed to the wrapper, which performs it with n8n's
//! HTTP helper. Authentication (the `Authorization` header and `appsecret_proof`) is
//! added by the credential through [`crate::proof::Authorization`], so the credential
//! test carries it too. Every item plans its own request: nothing is shared by position.

use crate::credentials::{Credentials, LoginType};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "DELETE")]
    Delete,
}

/// Which of Meta's rate limits a request counts against; the wrapper keeps one limiter
/// per class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RateClass {
    /// Text, links, reactions, stickers and sender actions.
    Send,
    /// Audio and video attachments.
    Media,
    /// The Conversations API.
    Conversations,
    /// Private replies to comments.
    PrivateReply,
    /// Other reads (profiles, the account itself).
    Read,
}

/// Meta's documented limit for one rate class, per Instagram account: at most `calls` in
/// any sliding window of `window_ms`. The wrapper paces each class by its cap, under the
/// node's own limit (Messages Per Second), which every request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateCap {
    pub rate_class: RateClass,
    pub calls: u32,
    pub window_ms: u32,
}

impl RateClass {
    /// Meta's limit for this class with this login type; `None`: only the node's limit.
    pub fn cap(self, login_type: LoginType) -> Option<RateCap> {
        let (calls, window_ms) = match (self, login_type) {
            // Text, links, reactions, stickers, sender actions.
            (RateClass::Send, LoginType::Facebook) => (300, 1000),
            (RateClass::Send, LoginType::Instagram) => (100, 1000),
            (RateClass::Media, _) => (10, 1000),
            (RateClass::Conversations, _) => (2, 1000),
            (RateClass::PrivateReply, _) => (750, 3_600_000),
            (RateClass::Read, _) => return None,
        };
        Some(RateCap { rate_class: self, calls, window_ms })
    }

    pub const ALL: [RateClass; 5] =
        [RateClass::Send, RateClass::Media, RateClass::Conversations, RateClass::PrivateReply, RateClass::Read];
}

/// Every class's cap for a login type.
pub fn rate_caps(login_type: LoginType) -> Vec<RateCap> {
    RateClass::ALL.iter().filter_map(|class| class.cap(login_type)).collect()
}

/// Which requests of one execution the wrapper may answer with one call: the same read, or
/// the same upload of the same bytes (compared by their SHA-256, which only the wrapper sees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Coalesce {
    /// Identical method, URL, query and body.
    Request,
    /// Identical method, URL, query and text parts, and binary parts with identical bytes.
    Content,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// Query parameters, in order; the wrapper encodes them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    pub headers: Headers,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    pub rate_class: RateClass,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coalesce: Option<Coalesce>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Headers {
    #[serde(rename = "content-type", skip_serializing_if = "Option::is_none")]
    pub content_type: Option<&'static str>,
    pub accept: &'static str,
}

/// A request body. Multipart bodies name binary parts by reference: the wrapper fills in
/// the bytes from n8n's binary helper, so file contents never pass through the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Body {
    /// JSON text, serialised exactly as it must be sent.
    Json { text: String },
    /// `multipart/form-data` parts, in order.
    Multipart { parts: Vec<Part> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Part {
    Text { name: String, value: String },
    /// The bytes of the input item's binary property `property`.
    #[serde(rename_all = "camelCase")]
    Binary { name: String, property: String, file_name: String, mime_type: String },
}

/// `{base}/{version}/{path}`: the Graph API address of an edge or node.
pub fn graph_url(credentials: &Credentials, path: &str) -> String {
    format!("{}/{}/{}", credentials.base_url, credentials.api_version, path)
}

impl HttpRequest {
    pub fn post_json(url: String, body: String, rate_class: RateClass) -> Self {
        HttpRequest {
            method: Method::Post,
            url,
            query: Vec::new(),
            headers: Headers { content_type: Some("application/json"), accept: "application/json" },
            body: Some(Body::Json { text: body }),
            rate_class,
            coalesce: None,
        }
    }

    pub fn get(url: String, query: Vec<(String, String)>, rate_class: RateClass) -> Self {
        HttpRequest {
            method: Method::Get,
            url,
            query,
            headers: Headers { content_type: None, accept: "application/json" },
            body: None,
            rate_class,
            coalesce: None,
        }
    }

    pub fn post_multipart(url: String, parts: Vec<Part>, rate_class: RateClass) -> Self {
        HttpRequest {
            method: Method::Post,
            url,
            query: Vec::new(),
            // The wrapper sets the content type with the boundary it chooses.
            headers: Headers { content_type: None, accept: "application/json" },
            body: Some(Body::Multipart { parts }),
            rate_class,
            coalesce: None,
        }
    }

    /// The same request, marked as one the wrapper may share within the execution.
    pub fn coalesced(mut self, how: Coalesce) -> Self {
        self.coalesce = Some(how);
        self
    }

    /// The JSON body text, when the body is JSON.
    pub fn json_body(&self) -> Option<&str> {
        match &self.body {
            Some(Body::Json { text }) => Some(text),
            _ => None,
        }
    }
}
