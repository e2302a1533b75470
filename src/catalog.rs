//! What the core declares, in one document: resources, operations and their fields, output
//! fields and rate classes, credential defaults, the retry default and cap, and the labels
//! of options that messages quote. The build writes it into the wrapper as TypeScript
//! (`js-wrapper/bridge/generated/catalog.ts`), so the node description takes its limits,
//! defaults and labels from here, and a test checks the rest of the description against it.

use crate::credentials::{DEFAULT_API_VERSION, DEFAULT_BASE_URL};
use crate::environment::REQUIRED;
use crate::error::RETRY_UNKNOWN_OPTION_LABEL;
use crate::fields::MAX_TEXT_BYTES;
use crate::graph_error::{MAX_RETRIES_OPTION_LABEL, MESSAGES_PER_SECOND_OPTION_LABEL};
use crate::operations::{OperationSpec, Resource, PARAMETER_ERROR_KEY, REGISTRY, RESOURCES};
use crate::response::RELEVANT_HEADERS;
use crate::retry::{DEFAULT_MAX_RETRIES, MAX_MAX_RETRIES};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub node_version: &'static str,
    pub resources: &'static [&'static Resource],
    pub operations: &'static [&'static OperationSpec],
    pub credential_defaults: CredentialDefaults,
    pub retry: RetryLimits,
    pub limits: Limits,
    /// Labels of the node's options that error messages and hints quote.
    pub option_labels: OptionLabels,
    /// The environment variables the wrapper reads for the core.
    pub environment: &'static [&'static str],
    /// The response headers the core reads (lower case); the wrapper passes only these.
    pub relevant_headers: &'static [&'static str],
    /// The key under which the wrapper reports a parameter n8n could not evaluate.
    pub parameter_error_key: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialDefaults {
    pub api_version: &'static str,
    pub base_url: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryLimits {
    pub default_max_retries: u32,
    pub max_max_retries: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub text_bytes: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionLabels {
    pub retry_unknown_delivery: &'static str,
    pub messages_per_second: &'static str,
    pub max_retries: &'static str,
}

pub fn catalog() -> Catalog {
    Catalog {
        node_version: crate::NODE_VERSION,
        resources: RESOURCES,
        operations: REGISTRY,
        credential_defaults: CredentialDefaults { api_version: DEFAULT_API_VERSION, base_url: DEFAULT_BASE_URL },
        retry: RetryLimits { default_max_retries: DEFAULT_MAX_RETRIES, max_max_retries: MAX_MAX_RETRIES },
        limits: Limits { text_bytes: MAX_TEXT_BYTES },
        option_labels: OptionLabels {
            retry_unknown_delivery: RETRY_UNKNOWN_OPTION_LABEL,
            messages_per_second: MESSAGES_PER_SECOND_OPTION_LABEL,
            max_retries: MAX_RETRIES_OPTION_LABEL,
        },
        environment: &REQUIRED,
        relevant_headers: &RELEVANT_HEADERS,
        parameter_error_key: PARAMETER_ERROR_KEY,
    }
}

/// The catalog as JSON text.
pub fn catalog_json() -> String {
    serde_json::to_string(&catalog()).expect("the catalog serialises")
}
