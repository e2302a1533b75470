//! Send Media: an image, video, audio clip or file, by URL.
//! `POST {base}/{version}/me/messages` with
//! `{"recipient":{"id"},"message":{"attachment":{"type","payload":{"url"}}}}`.

use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::error::InputError;
use crate::fields::{MEDIA_TYPE, MEDIA_URL, USER_ID};
use crate::output::OutputItem;
use crate::request::{graph_url, HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendMedia",
    fields: &[&USER_ID, &MEDIA_TYPE, &MEDIA_URL],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "mediaType",
        "mediaUrl",
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
struct SendMedia {
    user_id: String,
    media_type: String,
    url: String,
}

fn plan(params: &ItemParams) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let media_type = MEDIA_TYPE.read(params)?;
    let url = MEDIA_URL.read(params)?;
    Ok(Box::new(SendMedia { user_id, media_type, url }))
}

#[derive(Serialize)]
struct Body<'a> {
    recipient: Recipient<'a>,
    message: Message<'a>,
}

#[derive(Serialize)]
struct Message<'a> {
    attachment: Attachment<'a>,
}

#[derive(Serialize)]
struct Attachment<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    payload: Payload<'a>,
}

#[derive(Serialize)]
struct Payload<'a> {
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Output<'a> {
    success: bool,
    operation: &'static str,
    user_id: &'a str,
    media_type: &'a str,
    media_url: &'a str,
    message_id: &'a str,
    sent_at: &'a str,
    app_secret_proof_used: &'a str,
    timestamp: &'a str,
    node_version: &'static str,
}

impl Planned for SendMedia {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let body = Body {
            recipient: Recipient { id: &self.user_id },
            message: Message { attachment: Attachment { kind: &self.media_type, payload: Payload { url: &self.url } } },
        };
        let text = serde_json::to_string(&body).expect("strings always serialise");
        // Meta paces audio and video more strictly than other sends.
        let rate_class = if matches!(self.media_type.as_str(), "audio" | "video") { RateClass::Media } else { SPEC.rate_class };
        HttpRequest::post_json(graph_url(ctx.credentials, super::send_message::PATH), text, rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![OutputItem::new(&Output {
            success: true,
            operation: SPEC.name,
            user_id: &self.user_id,
            media_type: &self.media_type,
            media_url: &self.url,
            message_id: &message_id,
            sent_at: now,
            app_secret_proof_used: &ctx.output.proof_shown,
            timestamp: &ctx.output.timestamp,
            node_version: crate::NODE_VERSION,
        })])
    }
}
