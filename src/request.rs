//! The HTTP request description handed to the wrapper, which performs it with n8n's
//! HTTP helper. Authentication (the `Authorization` header and `appsecret_proof`) is
//! added by the credential through [`crate::proof::Authorization`], so the credential
//! test carries it too. Every item plans its own request: nothing is shared by position.

use crate::credentials::Credentials;
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
    /// `application/x-www-form-urlencoded` fields, in order.
    Form { fields: Vec<(String, String)> },
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
        }
    }

    /// The JSON body text, when the body is JSON.
    pub fn json_body(&self) -> Option<&str> {
        match &self.body {
            Some(Body::Json { text }) => Some(text),
            _ => None,
        }
    }
}
