//! The HTTP request description handed to the wrapper, which performs it with n8n's
//! HTTP helper. Authentication (the `Authorization` header and `appsecret_proof`) is
//! added by the credential through [`crate::proof::Authorization`], so the credential
//! test carries it too.

use crate::credentials::Credentials;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Headers,
    /// The JSON body, serialised exactly as it must be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Headers {
    #[serde(rename = "content-type", skip_serializing_if = "Option::is_none")]
    pub content_type: Option<&'static str>,
    pub accept: &'static str,
}

/// `{base}/{version}/{path}`: the Graph API address of an edge.
pub fn graph_url(credentials: &Credentials, path: &str) -> String {
    format!("{}/{}/{}", credentials.base_url, credentials.api_version, path)
}

pub fn post_json(url: String, body: String) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url,
        headers: Headers { content_type: Some("application/json"), accept: "application/json" },
        body: Some(body),
    }
}
