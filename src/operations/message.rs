//! What every message send shares: the options (reply to a message, messaging type, the
//! HUMAN_AGENT tag), the request body around the message, and the success item. Sender
//! actions and reactions use none of this: their body may hold only the recipient and the
//! action.

use super::{Context, ItemParams, Recipient};
use crate::error::{quote_for_message, InputError};
use crate::fields::{Field, MESSAGING_TYPE, REPLY_TO_MESSAGE_ID, TAG};
use crate::output::OutputItem;
use crate::request::{graph_url, HttpRequest, RateClass};
use serde::ser::SerializeMap;
use serde::Serialize;

/// The Send API edge; every message and sender action goes here.
pub const PATH: &str = "me/messages";

/// The options a message send reads, in the order the node shows them.
pub const OPTION_FIELDS: [&Field; 3] = [&REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageOptions {
    pub reply_to: Option<String>,
    pub messaging_type: Option<String>,
    pub tag: Option<String>,
}

impl MessageOptions {
    pub fn read(params: &ItemParams) -> Result<Self, InputError> {
        let reply_to = REPLY_TO_MESSAGE_ID.read_optional(params)?;
        let tag = match params.get(TAG.name) {
            value if crate::validate::is_unset(&value) => None,
            crate::validate::ParamValue::Value(serde_json::Value::String(tag)) if tag.trim() == "HUMAN_AGENT" => {
                Some("HUMAN_AGENT".to_string())
            }
            crate::validate::ParamValue::Value(serde_json::Value::String(tag)) => {
                return Err(InputError::InvalidField {
                    field: &TAG,
                    problem: format!(
                        "must be HUMAN_AGENT, the only message tag Instagram accepts (a person's reply within 7 days, \
                         with the Human Agent feature approved in App Review); got {}",
                        quote_for_message(&tag)
                    ),
                })
            }
            _ => return Err(InputError::InvalidField { field: &TAG, problem: "must be HUMAN_AGENT".to_string() }),
        };
        let messaging_type = MESSAGING_TYPE.read_optional(params)?;
        match (messaging_type.as_deref(), &tag) {
            (Some("MESSAGE_TAG"), None) => Err(InputError::InvalidField {
                field: &TAG,
                problem: "is required when Messaging Type is Message Tag: set it to HUMAN_AGENT".to_string(),
            }),
            (Some(other), Some(_)) if other != "MESSAGE_TAG" => Err(InputError::InvalidField {
                field: &MESSAGING_TYPE,
                problem: format!("must be MESSAGE_TAG when a Tag is set; got {}", quote_for_message(other)),
            }),
            (None, Some(_)) => Ok(Self { reply_to, messaging_type: Some("MESSAGE_TAG".into()), tag }),
            _ => Ok(Self { reply_to, messaging_type, tag }),
        }
    }
}

/// `{"recipient", "messaging_type"?, "tag"?, "message", "reply_to"?}`: Meta's Send API body.
/// Without options it is exactly `{"recipient":…,"message":…}`.
#[derive(Serialize)]
struct Body<'a, M: Serialize> {
    recipient: &'a Recipient<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    messaging_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a str>,
    message: &'a M,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<ReplyTo<'a>>,
}

#[derive(Serialize)]
struct ReplyTo<'a> {
    mid: &'a str,
}

/// The POST of one message.
pub fn send_request<M: Serialize>(
    ctx: &Context,
    recipient: &Recipient,
    message: &M,
    options: &MessageOptions,
    rate_class: RateClass,
) -> HttpRequest {
    let body = Body {
        recipient,
        messaging_type: options.messaging_type.as_deref(),
        tag: options.tag.as_deref(),
        message,
        reply_to: options.reply_to.as_deref().map(|mid| ReplyTo { mid }),
    };
    let text = serde_json::to_string(&body).expect("message bodies serialise");
    HttpRequest::post_json(graph_url(ctx.credentials, PATH), text, rate_class)
}

/// `{"attachment":{"type","payload"?}}`: a message of one attachment (media, the heart
/// sticker, a shared post, a template).
#[derive(Serialize)]
pub struct AttachmentMessage<'a, P: Serialize> {
    attachment: Attachment<'a, P>,
}

#[derive(Serialize)]
struct Attachment<'a, P: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<P>,
}

impl<'a, P: Serialize> AttachmentMessage<'a, P> {
    pub fn new(kind: &'a str, payload: P) -> Self {
        AttachmentMessage { attachment: Attachment { kind, payload: Some(payload) } }
    }
}

impl<'a> AttachmentMessage<'a, ()> {
    /// An attachment with no payload (the heart sticker).
    pub fn bare(kind: &'a str) -> Self {
        AttachmentMessage { attachment: Attachment { kind, payload: None } }
    }
}

/// Whom a message goes to, as an item holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum To {
    User(String),
    /// A private reply: the author of this comment.
    Comment(String),
}

impl To {
    /// The comment of a private reply.
    pub fn comment(&self) -> Option<&str> {
        match self {
            To::Comment(id) => Some(id),
            To::User(_) => None,
        }
    }

    pub fn recipient(&self) -> Recipient<'_> {
        match self {
            To::User(id) => Recipient::Id(id),
            To::Comment(id) => Recipient::Comment(id),
        }
    }

    /// The `userId` of the success item: the recipient, or for a private reply the
    /// commenter's IGSID from Meta's answer.
    pub fn user_id<'a>(&'a self, recipient_id: Option<&'a str>) -> Option<&'a str> {
        match self {
            To::User(id) => Some(id),
            To::Comment(_) => recipient_id,
        }
    }

    /// What the success item adds about the recipient: the comment replied to.
    pub fn extras(&self) -> Option<(&'static str, Extra<'_>)> {
        match self {
            To::User(_) => None,
            To::Comment(id) => Some(("commentId", Extra::Text(id))),
        }
    }
}

/// A value an operation adds to its success item.
pub enum Extra<'a> {
    Text(&'a str),
    List(&'a [String]),
    Count(usize),
}

/// A success item: `success`, `operation`, `userId`, the operation's own fields, the
/// message ID and when Meta accepted it (for messages), the options used, then
/// `appSecretProofUsed`, `timestamp`, `nodeVersion`.
pub struct Sent<'a> {
    pub operation: &'static str,
    /// The recipient; for a private reply, the commenter Meta names in its answer.
    pub user_id: Option<&'a str>,
    pub extras: &'a [(&'static str, Extra<'a>)],
    pub message_id: Option<&'a str>,
    pub sent_at: Option<&'a str>,
    pub options: Option<&'a MessageOptions>,
    pub ctx: &'a Context<'a>,
}

impl Serialize for Sent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("success", &true)?;
        map.serialize_entry("operation", self.operation)?;
        map.serialize_entry("userId", &self.user_id)?;
        for (name, value) in self.extras {
            match value {
                Extra::Text(text) => map.serialize_entry(name, text)?,
                Extra::List(list) => map.serialize_entry(name, list)?,
                Extra::Count(count) => map.serialize_entry(name, count)?,
            }
        }
        if let Some(message_id) = self.message_id {
            map.serialize_entry("messageId", message_id)?;
        }
        if let Some(sent_at) = self.sent_at {
            map.serialize_entry("sentAt", sent_at)?;
        }
        if let Some(options) = self.options {
            if let Some(reply_to) = &options.reply_to {
                map.serialize_entry("replyToMessageId", reply_to)?;
            }
            if let Some(messaging_type) = &options.messaging_type {
                map.serialize_entry("messagingType", messaging_type)?;
            }
            if let Some(tag) = &options.tag {
                map.serialize_entry("tag", tag)?;
            }
        }
        map.serialize_entry("appSecretProofUsed", &self.ctx.output.proof_shown)?;
        map.serialize_entry("timestamp", &self.ctx.output.timestamp)?;
        map.serialize_entry("nodeVersion", crate::NODE_VERSION)?;
        map.end()
    }
}

impl Sent<'_> {
    pub fn item(&self) -> OutputItem {
        OutputItem::new(self)
    }
}
