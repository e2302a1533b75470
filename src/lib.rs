//! Sans-IO core of the n8n Instagram messaging node.
//!
//! The core never performs I/O, reads a clock or draws random numbers. It turns validated
//! input into [`request::HttpRequest`] descriptions and turns each answer (status, headers
//! and body, or the transport failure that replaced it) into a [`execution::Verdict`]:
//! output items, a next request, a wait before resending, or a typed [`error::CoreError`].
//! The TypeScript wrapper gathers n8n parameters, credentials, environment, the clock and
//! randomness, performs the requests with n8n's HTTP helper and maps errors to n8n errors.
//!
//! A table of contents:
//! - [`operations`]: the registry; one module per operation (request, answer, output)
//! - [`fields`]: every input field (name, label, rule); [`validate`]: the rules;
//!   [`templates`]: quick replies, buttons and template elements
//! - [`execution`]: one node execution: plan every item, then settle each answer
//! - [`request`]: the HTTP request description handed to the wrapper; [`request_chunk`]:
//!   how requests cross to it a chunk at a time
//! - [`response`]: reading Meta's answer; [`graph_error`]: Meta's error body, codes, hints
//! - [`retry`]: what may be sent again, and when
//! - [`error`]: every refusal, by origin (setup, input, Meta's answer, transport, execution)
//! - [`output`]: output items and error items; [`output_schema`]: their JSON schemas
//! - [`credentials`], [`environment`], [`proof`]: the set-up and `appsecret_proof`;
//!   [`credential_test`]: the credential's Test button and how to read Meta's answer
//! - [`signature`]: HMAC-SHA256 verification of raw bytes (webhooks)
//! - [`webhook`]: the Instagram Trigger: a webhook request in, the answer and the items out
//! - [`redact`]: keeping secrets out of every string that leaves the core
//! - [`catalog`]: everything the core declares, for the node description
//! - `wasm`: the JavaScript boundary (compiled for wasm32 only)

// Errors carry the whole of Meta's answer and travel on cold paths; boxing them would only
// add noise.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

pub mod api_version;
pub mod catalog;
pub mod clock;
pub mod credential_test;
pub mod credentials;
pub mod environment;
pub mod error;
pub mod execution;
pub mod fields;
pub mod graph_error;
pub mod operations;
pub mod output;
pub mod output_schema;
pub mod proof;
pub mod redact;
pub mod request;
pub mod request_chunk;
pub mod response;
pub mod retry;
pub mod signature;
pub mod templates;
pub mod token;
pub mod validate;
pub mod webhook;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The package version; `nodeVersion` in every success item. `package.json` carries the
/// same number (a test keeps them equal).
pub const NODE_VERSION: &str = env!("CARGO_PKG_VERSION");
