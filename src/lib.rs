//! Sans-IO core of the n8n Instagram messaging node.
//!
//! The core never performs I/O. It turns validated input into a [`request::HttpRequest`]
//! description and turns an HTTP status, headers and body back into an output item or a
//! typed [`error::CoreError`]. The TypeScript wrapper gathers n8n parameters, credentials,
//! environment, the clock and randomness, performs the request with n8n's HTTP helper and
//! maps core errors to n8n errors.
//!
//! A table of contents:
//! - [`environment`]: the `N8N_META_UUID` requirement
//! - [`credentials`]: access token, app secret, API version, base URL
//! - [`proof`]: `appsecret_proof` (HMAC-SHA256) and the `Authorization` header
//! - [`validate`]: per-field input rules (User ID, Message Text)
//! - [`operations`]: one module per operation; each builds its request body
//! - [`request`]: the HTTP request description handed to the wrapper
//! - [`response`]: reading Meta's answer into an outcome
//! - [`graph_error`]: Meta's error body, codes and hints
//! - [`retry`]: which failures may be retried and after how long
//! - [`redact`]: keeping secrets out of every string that leaves the core
//! - [`output`]: the output items n8n shows
//! - [`execution`]: one node execution: plan every item, then settle each response
//! - `wasm`: the JavaScript boundary (compiled for wasm32 only)

// Errors carry the whole of Meta's answer and travel on cold paths; boxing them would only
// add noise.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

pub mod clock;
pub mod credentials;
pub mod environment;
pub mod error;
pub mod execution;
pub mod graph_error;
pub mod operations;
pub mod output;
pub mod proof;
pub mod redact;
pub mod request;
pub mod response;
pub mod retry;
pub mod validate;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The package version; `nodeVersion` in every success item. `package.json` carries the
/// same number (a test keeps them equal).
pub const NODE_VERSION: &str = env!("CARGO_PKG_VERSION");
