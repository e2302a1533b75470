//! The registry of operations. Each operation is one module declaring one
//! [`OperationSpec`]: its resource and name, the fields it reads, how it plans its
//! request, how it reads Meta's answer into output items, its output fields and its rate
//! class. Adding an operation is a module here, one line in [`REGISTRY`], and one block
//! in the node description (a test keeps the description in agreement with the registry).

pub mod get_conversations;
pub mod get_messages;
pub mod get_profile;
pub mod message;
pub mod paging;
pub mod react;
pub mod send_action;
pub mod send_button_template;
pub mod send_generic_template;
pub mod send_heart_sticker;
pub mod send_images;
pub mod send_media;
pub mod send_message;
pub mod send_private_reply;
pub mod send_quick_replies;
pub mod share_post;
pub mod upload;
pub mod upload_attachment;

use crate::credentials::Credentials;
use crate::error::{InputError, SetupError};
use crate::fields::Field;
use crate::output::{OutputContext, OutputItem};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use crate::validate::ParamValue;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

/// A resource of the node (n8n's `resource` parameter value; workflows store it).
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Resource {
    pub value: &'static str,
}

pub static MESSAGE: Resource = Resource { value: "message" };
pub static CONVERSATION: Resource = Resource { value: "conversation" };
pub static USER: Resource = Resource { value: "user" };

/// Every resource, in the order the node offers them; the first is the default.
pub static RESOURCES: &[&Resource] = &[&MESSAGE, &CONVERSATION, &USER];

/// Everything the core knows about one operation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationSpec {
    pub resource: &'static Resource,
    /// n8n's `operation` parameter value; workflows store it.
    pub name: &'static str,
    /// The fields the operation reads, in the order it checks them.
    pub fields: &'static [&'static Field],
    /// The fields of a success item, in order.
    pub output_fields: &'static [&'static str],
    pub rate_class: RateClass,
    pub answer: AnswerKind,
    /// Whether the request changes something at Meta (sends do; reads and sender actions
    /// can be repeated harmlessly). An answer that never came then leaves it unknown
    /// whether it happened, and the request is not sent again unless the user opts in.
    pub changes: bool,
    #[serde(skip)]
    pub plan: PlanFn,
}

/// Checks one item's parameters and plans it, or refuses it.
pub type PlanFn = fn(&ItemParams, &Credentials) -> Result<Box<dyn Planned>, InputError>;

/// Every operation, in the order the node offers them.
pub static REGISTRY: &[&OperationSpec] = &[
    &send_message::SPEC,
    &send_media::SPEC,
    &send_images::SPEC,
    &send_heart_sticker::SPEC,
    &share_post::SPEC,
    &send_quick_replies::SPEC,
    &send_generic_template::SPEC,
    &send_button_template::SPEC,
    &react::REACT,
    &react::UNREACT,
    &send_action::SPEC,
    &send_private_reply::SPEC,
    &upload_attachment::SPEC,
    &get_conversations::SPEC,
    &get_messages::SPEC,
    &get_profile::SPEC,
];

/// The operation named `name`, optionally checked against its resource.
pub fn find(resource: Option<&str>, name: &str) -> Result<&'static OperationSpec, SetupError> {
    REGISTRY
        .iter()
        .copied()
        .find(|spec| spec.name == name && resource.is_none_or(|r| r == spec.resource.value))
        .ok_or_else(|| SetupError::UnknownOperation {
            got: match resource {
                Some(resource) if REGISTRY.iter().any(|spec| spec.name == name) => format!("{resource}: {name}"),
                _ => name.to_string(),
            },
        })
}

/// "sendMessage, sendMedia, …": the operations this node supports, for error messages.
pub fn supported_names() -> String {
    REGISTRY.iter().map(|spec| spec.name).collect::<Vec<_>>().join(", ")
}

/// What every request and output of one execution shares.
pub struct Context<'a> {
    pub credentials: &'a Credentials,
    pub output: &'a OutputContext,
}

/// Where a multi-step item is: carried by the wrapper from one answer to the next, so the
/// core keeps no state between answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Step {
    /// How many of the step's requests came before this one (pages read so far).
    pub number: u32,
    /// Output items emitted so far for this input item.
    pub emitted: u32,
    /// A value the next step needs (a page cursor, an uploaded attachment's ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carry: Option<String>,
}

/// What an operation made of a successful answer.
pub enum Accepted {
    /// The item is done; its output items, usually one.
    Done(Vec<OutputItem>),
    /// Output items so far, and the next request to send for the same input item.
    Next { outputs: Vec<OutputItem>, request: HttpRequest, step: Step },
    /// Meta answered with success but without what the next step needs.
    Failed(crate::error::CoreError),
}

/// What the answer to a request must carry, and whether the request changes something at
/// Meta (then an answer that never came leaves it unknown whether it happened).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expectation {
    pub answer: AnswerKind,
    pub changes: bool,
}

/// One input item, validated and ready to send.
pub trait Planned: std::fmt::Debug {
    /// The item's first request.
    fn request(&self, ctx: &Context) -> HttpRequest;
    /// Meta's successful answer to the request of `step` (`None`: the first request).
    /// `now`: when the answer arrived (ISO-8601).
    fn accepted(&self, success: Success, step: Option<&Step>, now: &str, ctx: &Context) -> Accepted;
    /// What the answer to the request of `step` must carry, for items whose steps differ;
    /// `None`: what the operation declares.
    fn expects(&self, _step: Option<&Step>, _ctx: &Context) -> Option<Expectation> {
        None
    }
    /// A value only one item of a run may use, and the field it came from: Meta takes one
    /// private reply per comment, so a later item naming the same comment is refused
    /// before anything is sent.
    fn once_per_run(&self) -> Option<(&'static Field, &str)> {
        None
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

/// Why an item's parameters could not be read at all.
pub enum ParamsError {
    NotAnObject,
    Unavailable(InputError),
}

impl<'a> ItemParams<'a> {
    /// `raw`: `{name: value, ...}`, or `{"$error": {"parameter", "message"}}` when n8n
    /// could not evaluate a parameter (the item then reports that error).
    pub fn from_raw(raw: &'a RawValue) -> Result<Self, ParamsError> {
        #[derive(Deserialize)]
        struct Fields<'a>(#[serde(borrow)] HashMap<Cow<'a, str>, &'a RawValue>);
        let Fields(fields) = serde_json::from_str(raw.get()).map_err(|_| ParamsError::NotAnObject)?;
        if let Some(failure) = fields.get(PARAMETER_ERROR_KEY) {
            #[derive(Deserialize, Default)]
            #[serde(default)]
            struct Failure {
                parameter: String,
                message: String,
            }
            let failure: Failure = serde_json::from_str(failure.get()).unwrap_or_default();
            return Err(ParamsError::Unavailable(InputError::ParameterUnavailable {
                parameter: failure.parameter,
                reason: failure.message,
            }));
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

/// Whom a message goes to: a person by IGSID, or the author of a comment (a private reply).
#[derive(Serialize)]
pub enum Recipient<'a> {
    #[serde(rename = "id")]
    Id(&'a str),
    #[serde(rename = "comment_id")]
    Comment(&'a str),
}

impl<'a> Recipient<'a> {
    pub fn id(id: &'a str) -> Self {
        Recipient::Id(id)
    }
}
