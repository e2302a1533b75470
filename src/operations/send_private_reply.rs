//! Send Private Reply: a message to the author of a comment on one of the account's posts
//! or reels ("comment GUIDE and we DM you").
//! `POST {base}/{version}/me/messages` with `{"recipient":{"comment_id"},"message":{"text"}}`.
//!
//! Meta allows one private reply per comment, within 7 days of the comment, and counts
//! them against their own limit (750 an hour per account). Meta's pages document text
//! only; media is sent with the same attachment body as Send Media, and Meta refuses it
//! where it does not take it. The success item's `userId` is the commenter, from Meta's
//! answer: the ID the conversation goes on with.

use super::message::{self, Extra, MessageOptions, Sent, To};
use super::{send_media, Accepted, Context, ItemParams, OperationSpec, Planned, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{
    ATTACHMENT_ID, BINARY_MEDIA_TYPE, BINARY_PROPERTY, COMMENT_ID, MEDIA_SOURCE, MEDIA_TYPE, MEDIA_URL, MESSAGE_TEXT, REPLY_CONTENT,
};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendPrivateReply",
    fields: &[
        &COMMENT_ID,
        &REPLY_CONTENT,
        &MESSAGE_TEXT,
        &MEDIA_SOURCE,
        &MEDIA_TYPE,
        &BINARY_MEDIA_TYPE,
        &MEDIA_URL,
        &BINARY_PROPERTY,
        &ATTACHMENT_ID,
    ],
    // With a text; media gives `mediaType` and `mediaUrl` or `attachmentId` instead of `messageText`.
    output_fields: &[
        "success",
        "operation",
        "userId",
        "commentId",
        "messageText",
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
    rate_class: RateClass::PrivateReply,
    answer: AnswerKind::MessageId,
    changes: true,
    plan,
};

#[derive(Debug, Clone, PartialEq, Eq)]
struct PrivateText {
    to: To,
    text: String,
}

fn plan(params: &ItemParams, credentials: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let to = To::Comment(COMMENT_ID.read(params)?);
    match REPLY_CONTENT.read(params)?.as_str() {
        "media" => send_media::plan_media(params, credentials, SPEC.name, to, Some(SPEC.rate_class)),
        _ => Ok(Box::new(PrivateText { to, text: MESSAGE_TEXT.read(params)? })),
    }
}

#[derive(Serialize)]
struct Message<'a> {
    text: &'a str,
}

impl Planned for PrivateText {
    fn once_per_run(&self) -> Option<(&'static crate::fields::Field, &str)> {
        self.to.comment().map(|id| (&COMMENT_ID, id))
    }

    fn request(&self, ctx: &Context) -> HttpRequest {
        let message = Message { text: &self.text };
        message::send_request(ctx, &self.to.recipient(), &message, &MessageOptions::default(), SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, recipient_id } = success else { unreachable!("read as {:?}", SPEC.answer) };
        let mut extras: Vec<(&'static str, Extra)> = self.to.extras().into_iter().collect();
        extras.push(("messageText", Extra::Text(&self.text)));
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: self.to.user_id(recipient_id.as_deref()),
            extras: &extras,
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: None,
            ctx,
        }
        .item()])
    }
}
