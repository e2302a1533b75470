//! What the core declares, in one document: resources, operations and their fields, output
//! fields and rate classes, credential defaults, the retry default and cap, and the labels
//! of options that messages quote. The build writes it into the wrapper as TypeScript
//! (`js-wrapper/bridge/generated/catalog.ts`), so the node description takes its limits,
//! defaults and labels from here, and a test checks the rest of the description against it.

use crate::credentials::{LoginType, DEFAULT_API_VERSION, DEFAULT_BASE_URL, DEFAULT_LOGIN_TYPE, LOGIN_TYPES};
use crate::environment::REQUIRED;
use crate::error::RETRY_UNKNOWN_OPTION_LABEL;
use crate::fields::{BinaryFormat, BINARY_FORMATS, MAX_TEXT_BYTES};
use crate::graph_error::{MAX_RETRIES_OPTION_LABEL, MESSAGES_PER_SECOND_OPTION_LABEL};
use crate::operations::{OperationSpec, Resource, PARAMETER_ERROR_KEY, REGISTRY, RESOURCES};
use crate::request::{rate_caps, RateCap};
use crate::response::RELEVANT_HEADERS;
use crate::retry::{DEFAULT_MAX_RETRIES, MAX_MAX_RETRIES};
use crate::webhook::handshake::MAX_CHALLENGE_CHARS;
use crate::webhook::items::ITEM_FIELDS;
use crate::webhook::settings::{EventChoice, DEDUP_DEFAULT_HOURS, DEDUP_MAX_KEYS, EVENT_KINDS};
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
    /// The failure code the wrapper reports when it cannot read an item's file to upload.
    pub file_unreadable_code: &'static str,
    /// Meta's limit per rate class, by login type.
    pub rate_caps: RateCaps,
    /// The values of the credential's Login Type field.
    pub login_types: &'static [&'static str],
    /// Binary files Meta accepts: MIME type, media type, size limit.
    pub binary_formats: &'static [BinaryFormat],
    /// The Instagram Trigger.
    pub trigger: TriggerCatalog,
    /// The credential's Test button: `GET {graph base}/{path}?fields=…`, and n8n's rules
    /// for reading the answer.
    pub credential_test: CredentialTestCatalog,
    /// Tokens that last: the credential's hidden fields and the output field of the warning.
    pub token: TokenCatalog,
    /// Each operation's output schema, and the trigger's (n8n previews fields from them).
    pub output_schemas: OutputSchemas,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenCatalog {
    /// The hidden field n8n's preAuthentication watches (`expirable`).
    pub state_field: &'static str,
    /// Every hidden field the credential keeps about its token (the state field among them).
    pub fields: Vec<String>,
    pub warning_field: &'static str,
}

#[derive(Serialize)]
pub struct OutputSchemas {
    pub operations: Vec<OperationSchema>,
    pub trigger: serde_json::Value,
}

#[derive(Serialize)]
pub struct OperationSchema {
    pub resource: &'static str,
    pub operation: &'static str,
    pub schema: serde_json::Value,
}

#[derive(Serialize)]
pub struct CredentialTestCatalog {
    pub path: &'static str,
    pub fields: &'static str,
    pub rules: Vec<crate::credential_test::Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerCatalog {
    /// The `events` choices, in order, with their defaults.
    pub events: &'static [EventChoice],
    /// The fields of a trigger item, in order.
    pub item_fields: &'static [&'static str],
    pub dedup_max_keys: usize,
    pub dedup_default_hours: f64,
    /// The longest `hub.challenge` echoed.
    pub max_challenge_chars: usize,
}

#[derive(Serialize)]
pub struct RateCaps {
    pub facebook: Vec<RateCap>,
    pub instagram: Vec<RateCap>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialDefaults {
    pub api_version: &'static str,
    /// Empty: the login type's host.
    pub base_url: &'static str,
    pub login_type: &'static str,
    /// The newest Graph API version ([`crate::api_version`]), which the node suggests.
    pub newest_api_version: &'static str,
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
        credential_defaults: CredentialDefaults {
            api_version: DEFAULT_API_VERSION,
            base_url: DEFAULT_BASE_URL,
            login_type: DEFAULT_LOGIN_TYPE,
            newest_api_version: crate::api_version::NEWEST_VERSION,
        },
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
        file_unreadable_code: crate::execution::FILE_UNREADABLE_CODE,
        rate_caps: RateCaps { facebook: rate_caps(LoginType::Facebook), instagram: rate_caps(LoginType::Instagram) },
        login_types: &LOGIN_TYPES,
        binary_formats: BINARY_FORMATS,
        trigger: TriggerCatalog {
            events: EVENT_KINDS,
            item_fields: ITEM_FIELDS,
            dedup_max_keys: DEDUP_MAX_KEYS,
            dedup_default_hours: DEDUP_DEFAULT_HOURS,
            max_challenge_chars: MAX_CHALLENGE_CHARS,
        },
        credential_test: CredentialTestCatalog {
            path: crate::credential_test::TEST_PATH,
            fields: crate::credential_test::TEST_FIELDS,
            rules: crate::credential_test::rules(),
        },
        token: TokenCatalog {
            state_field: crate::token::STATE_FIELD,
            fields: match serde_json::to_value(crate::token::TokenRecord::default()) {
                Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
                _ => Vec::new(),
            },
            warning_field: crate::token::WARNING_FIELD,
        },
        output_schemas: OutputSchemas {
            operations: crate::output_schema::operation_schemas()
                .into_iter()
                .map(|(resource, operation, schema)| OperationSchema { resource, operation, schema })
                .collect(),
            trigger: crate::output_schema::trigger_schema(),
        },
    }
}

/// The catalog as JSON text.
pub fn catalog_json() -> String {
    serde_json::to_string(&catalog()).expect("the catalog serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text the wrapper's build reads is the catalog, whole.
    #[test]
    fn the_json_is_the_catalog() {
        let parsed: serde_json::Value = serde_json::from_str(&catalog_json()).unwrap();
        assert_eq!(parsed, serde_json::to_value(catalog()).unwrap());
        assert_eq!(parsed["credentialDefaults"]["apiVersion"], "v18.0");
        assert_eq!(parsed["operations"].as_array().unwrap().len(), REGISTRY.len());
        assert_eq!(
            parsed["token"]["fields"],
            serde_json::json!(["tokenCheckedAt", "tokenDigest", "tokenExpiresAt", "tokenRenewalError", "tokenRenewedAt", "tokenState"])
        );
        assert_eq!(parsed["token"]["stateField"], "tokenState");
    }
}
