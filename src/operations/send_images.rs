//! Send Images: 2 to 10 images in one message, each by URL.
//! `{"recipient":{"id"},"message":{"attachments":[{"type":"image","payload":{"url"}}, …]}}`.

use super::message::{self, Extra, MessageOptions, Sent};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{IMAGE_URLS, MESSAGING_TYPE, REPLY_TO_MESSAGE_ID, TAG, USER_ID};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendImages",
    fields: &[&USER_ID, &IMAGE_URLS, &REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "imageUrls",
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

#[derive(Debug)]
struct SendImages {
    user_id: String,
    urls: Vec<String>,
    options: MessageOptions,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let urls = IMAGE_URLS.urls(params)?;
    let options = MessageOptions::read(params)?;
    Ok(Box::new(SendImages { user_id, urls, options }))
}

#[derive(Serialize)]
struct Message<'a> {
    attachments: Vec<Image<'a>>,
}

#[derive(Serialize)]
struct Image<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    payload: Url<'a>,
}

#[derive(Serialize)]
struct Url<'a> {
    url: &'a str,
}

impl Planned for SendImages {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let message = Message { attachments: self.urls.iter().map(|url| Image { kind: "image", payload: Url { url } }).collect() };
        message::send_request(ctx, &Recipient::id(&self.user_id), &message, &self.options, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[("imageUrls", Extra::List(&self.urls))],
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: Some(&self.options),
            ctx,
        }
        .item()])
    }
}
