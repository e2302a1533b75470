//! One module per operation. Adding an operation (media, quick replies, reactions, typing
//! indicators, private replies) means: a module here with its parameters, request and
//! output; a variant in [`Operation`] and [`Planned`]; a block in the node description.

pub mod send_message;

use crate::credentials::Credentials;
use crate::error::CoreError;
use crate::output::OutputContext;
use crate::request::HttpRequest;
use crate::validate::ParamValue;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    SendMessage,
}

impl Operation {
    pub fn from_name(name: &str) -> Result<Self, CoreError> {
        match name {
            send_message::NAME => Ok(Operation::SendMessage),
            other => Err(CoreError::UnknownOperation { got: other.to_string() }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Operation::SendMessage => send_message::NAME,
        }
    }

    /// Validates one item's parameters into a ready-to-send plan.
    pub fn plan(self, params: &ItemParams) -> Result<Planned, CoreError> {
        match self {
            Operation::SendMessage => send_message::SendMessage::from_params(params).map(Planned::SendMessage),
        }
    }
}

/// One item, validated and ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    SendMessage(send_message::SendMessage),
}

impl Planned {
    pub fn request(&self, credentials: &Credentials) -> HttpRequest {
        match self {
            Planned::SendMessage(op) => op.request(credentials),
        }
    }

    /// The success output item, as JSON text.
    pub fn success_item(&self, message_id: &str, sent_at: &str, context: &OutputContext) -> String {
        match self {
            Planned::SendMessage(op) => op.success_item(message_id, sent_at, context),
        }
    }
}

/// The key under which the wrapper reports a parameter n8n could not evaluate.
pub const PARAMETER_ERROR_KEY: &str = "$error";

/// One item's parameters as they arrived: a JSON object, parameter name to value.
/// Values are kept raw until asked for, so one broken field (a lone surrogate) spoils
/// that field only.
#[derive(Debug, Default)]
pub struct ItemParams<'a> {
    fields: HashMap<Cow<'a, str>, &'a RawValue>,
}

impl<'a> ItemParams<'a> {
    /// `raw`: `{name: value, ...}`, or `{"$error": {"parameter", "message"}}` when n8n
    /// could not evaluate a parameter (the item then reports that error).
    pub fn from_raw(raw: &'a RawValue) -> Result<Self, CoreError> {
        #[derive(serde::Deserialize)]
        struct Fields<'a>(#[serde(borrow)] HashMap<Cow<'a, str>, &'a RawValue>);
        let Fields(fields) = serde_json::from_str(raw.get()).map_err(|_| {
            CoreError::BadCall { reason: "each item must be a JSON object of parameters".to_string() }
        })?;
        if let Some(failure) = fields.get(PARAMETER_ERROR_KEY) {
            #[derive(serde::Deserialize, Default)]
            #[serde(default)]
            struct Failure {
                parameter: String,
                message: String,
            }
            let failure: Failure = serde_json::from_str(failure.get()).unwrap_or_default();
            return Err(CoreError::ParameterUnavailable { parameter: failure.parameter, reason: failure.message });
        }
        Ok(Self { fields })
    }

    pub fn get(&self, name: &str) -> ParamValue {
        match self.fields.get(name) {
            None => ParamValue::Missing,
            Some(raw) => match serde_json::from_str(raw.get()) {
                Ok(value) => ParamValue::Value(value),
                // RawValue accepted the JSON, so only an unpaired surrogate escape can fail here.
                Err(_) => ParamValue::LoneSurrogate,
            },
        }
    }
}
