//! Share Post: one of the account's own posts.
//! `{"message":{"attachment":{"type":"MEDIA_SHARE","payload":{"id"}}}}`.

use super::message::{self, AttachmentMessage, Extra, MessageOptions, Sent};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{MESSAGING_TYPE, POST_ID, REPLY_TO_MESSAGE_ID, TAG, USER_ID};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sharePost",
    fields: &[&USER_ID, &POST_ID, &REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "postId",
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
struct SharePost {
    user_id: String,
    post_id: String,
    options: MessageOptions,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    Ok(Box::new(SharePost { user_id: USER_ID.read(params)?, post_id: POST_ID.read(params)?, options: MessageOptions::read(params)? }))
}

#[derive(Serialize)]
struct Id<'a> {
    id: &'a str,
}

impl Planned for SharePost {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let message = AttachmentMessage::new("MEDIA_SHARE", Id { id: &self.post_id });
        message::send_request(ctx, &Recipient::id(&self.user_id), &message, &self.options, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[("postId", Extra::Text(&self.post_id))],
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: Some(&self.options),
            ctx,
        }
        .item()])
    }
}
