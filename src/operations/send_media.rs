//! Send Media: an image, video, audio clip or file, from a URL Meta fetches, from an
//! attachment ID uploaded earlier, or from the input item's binary data (uploaded first,
//! Facebook Login only; identical bytes are uploaded once per execution).
//! `POST {base}/{version}/me/messages` with
//! `{"recipient":{"id"},"message":{"attachment":{"type","payload":{"url"|"attachment_id"}}}}`.

use super::message::{self, AttachmentMessage, Extra, MessageOptions, Sent, To};
use super::upload::{self, Upload};
use super::{Accepted, Context, Expectation, ItemParams, OperationSpec, Planned, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{
    ATTACHMENT_ID, BINARY_MEDIA_TYPE, BINARY_PROPERTY, MEDIA_SOURCE, MEDIA_TYPE, MEDIA_URL, MESSAGING_TYPE, REPLY_TO_MESSAGE_ID, TAG, USER_ID,
};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendMedia",
    fields: &[
        &USER_ID,
        &MEDIA_SOURCE,
        &MEDIA_TYPE,
        &BINARY_MEDIA_TYPE,
        &MEDIA_URL,
        &BINARY_PROPERTY,
        &ATTACHMENT_ID,
        &REPLY_TO_MESSAGE_ID,
        &MESSAGING_TYPE,
        &TAG,
    ],
    // From a URL; an attachment ID or a file gives `attachmentId` (and `fileName`) instead of `mediaUrl`.
    output_fields: &[
        "success",
        "operation",
        "userId",
        "mediaType",
        "mediaUrl",
        "attachmentId",
        "fileName",
        "messageId",
        "sentAt",
        "appSecretProofUsed",
        "timestamp",
        "nodeVersion",
    ],
    rate_class: RateClass::Send,
    answer: AnswerKind::MessageId,
    changes: true,
    plan,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Url(String),
    AttachmentId(String),
    /// Uploaded first; then sent by the attachment ID Meta gives.
    Binary(Upload),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct SendMedia {
    operation: &'static str,
    to: To,
    media_type: String,
    source: Source,
    options: MessageOptions,
    rate_class: RateClass,
    credentials_page_id: bool,
}

/// The steps of a file: [`upload::STEP_PAGE`], [`upload::STEP_UPLOAD`], then this.
const STEP_SEND: u32 = 2;

fn plan(params: &ItemParams, credentials: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let to = To::User(USER_ID.read(params)?);
    plan_media(params, credentials, SPEC.name, to, None)
}

/// A media message to `to`: read the source, the type and (for people, not comments) the
/// message options. `rate_class`: the class every request of the item counts against,
/// when the operation fixes one (private replies); else by media type.
pub fn plan_media(
    params: &ItemParams,
    credentials: &Credentials,
    operation: &'static str,
    to: To,
    rate_class: Option<RateClass>,
) -> Result<Box<dyn Planned>, InputError> {
    let (media_type, source) = match MEDIA_SOURCE.read(params)?.as_str() {
        "binary" => {
            let file = upload::read_file(params, credentials)?;
            (file.media_type.to_string(), Source::Binary(Upload::Binary(file)))
        }
        "attachmentId" => (MEDIA_TYPE.read(params)?, Source::AttachmentId(ATTACHMENT_ID.read(params)?)),
        _ => (MEDIA_TYPE.read(params)?, Source::Url(MEDIA_URL.read(params)?)),
    };
    let options = match to {
        To::User(_) => MessageOptions::read(params)?,
        To::Comment(_) => MessageOptions::default(),
    };
    // Meta paces audio and video more strictly than other sends.
    let by_type = if matches!(media_type.as_str(), "audio" | "video") { RateClass::Media } else { RateClass::Send };
    Ok(Box::new(SendMedia {
        operation,
        to,
        media_type,
        source,
        options,
        rate_class: rate_class.unwrap_or(by_type),
        credentials_page_id: credentials.page_id.is_some(),
    }))
}

enum Payload<'a> {
    Url(&'a str),
    AttachmentId(&'a str),
}

impl Serialize for Payload<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Payload::Url(url) => map.serialize_entry("url", url)?,
            Payload::AttachmentId(id) => map.serialize_entry("attachment_id", id)?,
        }
        map.end()
    }
}

impl SendMedia {
    fn send(&self, ctx: &Context, payload: Payload) -> HttpRequest {
        let message = AttachmentMessage::new(&self.media_type, payload);
        message::send_request(ctx, &self.to.recipient(), &message, &self.options, self.rate_class)
    }

    /// The step an answer belongs to.
    fn step_of(&self, step: Option<&Step>) -> u32 {
        match (&self.source, step) {
            (Source::Binary(_), Some(step)) => step.number,
            (Source::Binary(_), None) if self.credentials_page_id => upload::STEP_UPLOAD,
            (Source::Binary(_), None) => upload::STEP_PAGE,
            _ => STEP_SEND,
        }
    }
}

impl Planned for SendMedia {
    fn once_per_run(&self) -> Option<(&'static crate::fields::Field, &str)> {
        self.to.comment().map(|id| (&crate::fields::COMMENT_ID, id))
    }

    fn request(&self, ctx: &Context) -> HttpRequest {
        match &self.source {
            Source::Url(url) => self.send(ctx, Payload::Url(url)),
            Source::AttachmentId(id) => self.send(ctx, Payload::AttachmentId(id)),
            Source::Binary(upload) => upload::first_request(ctx.credentials, upload),
        }
    }

    fn expects(&self, step: Option<&Step>, ctx: &Context) -> Option<Expectation> {
        match self.step_of(step) {
            STEP_SEND => None,
            _ => Some(upload::expects(ctx.credentials, step)),
        }
    }

    fn accepted(&self, success: Success, step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        match (self.step_of(step), success, &self.source) {
            (upload::STEP_PAGE, Success::Object(node), Source::Binary(upload)) => match upload::page_id_of(&node) {
                Ok(page_id) => Accepted::Next {
                    outputs: Vec::new(),
                    request: upload::upload_request(ctx.credentials, &page_id, upload),
                    step: Step { number: upload::STEP_UPLOAD, emitted: 0, carry: Some(page_id) },
                },
                Err(error) => Accepted::Failed(error),
            },
            (upload::STEP_UPLOAD, Success::Attachment { attachment_id }, Source::Binary(_)) => Accepted::Next {
                outputs: Vec::new(),
                request: self.send(ctx, Payload::AttachmentId(&attachment_id)),
                step: Step { number: STEP_SEND, emitted: 0, carry: Some(attachment_id) },
            },
            (_, Success::MessageSent { message_id, recipient_id }, source) => {
                let carried = step.and_then(|s| s.carry.as_deref()).unwrap_or_default();
                let mut extras: Vec<(&'static str, Extra)> = self.to.extras().into_iter().collect();
                extras.extend(match source {
                    Source::Url(url) => vec![("mediaType", Extra::Text(&self.media_type)), ("mediaUrl", Extra::Text(url))],
                    Source::AttachmentId(id) => {
                        vec![("mediaType", Extra::Text(&self.media_type)), ("attachmentId", Extra::Text(id))]
                    }
                    Source::Binary(Upload::Binary(file)) => vec![
                        ("mediaType", Extra::Text(&self.media_type)),
                        ("attachmentId", Extra::Text(carried)),
                        ("fileName", Extra::Text(&file.file_name)),
                    ],
                    Source::Binary(Upload::Url { url, .. }) => {
                        vec![("mediaType", Extra::Text(&self.media_type)), ("mediaUrl", Extra::Text(url))]
                    }
                });
                Accepted::Done(vec![Sent {
                    operation: self.operation,
                    user_id: self.to.user_id(recipient_id.as_deref()),
                    extras: &extras,
                    message_id: Some(&message_id),
                    sent_at: Some(now),
                    options: Some(&self.options),
                    ctx,
                }
                .item()])
            }
            // Only a wrapper that hands back a step this item never had gets here.
            (step, _, _) => Accepted::Failed(
                crate::error::SetupError::BadCall { reason: format!("an answer for step {step}, which this item does not have") }.into(),
            ),
        }
    }
}
