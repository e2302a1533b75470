//! Send Quick Replies: a text with up to 13 tappable replies; a tap comes back as a
//! message webhook carrying the reply's payload.
//! `{"message":{"text","quick_replies":[{"content_type":"text","title","payload"}, …]}}`.

use super::message::{self, Extra, MessageOptions, Sent};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{MESSAGE_TEXT, MESSAGING_TYPE, QUICK_REPLIES, REPLY_TO_MESSAGE_ID, TAG, USER_ID};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use crate::templates::QuickReply;
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendQuickReplies",
    fields: &[&USER_ID, &MESSAGE_TEXT, &QUICK_REPLIES, &REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "messageText",
        "quickReplies",
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
struct SendQuickReplies {
    user_id: String,
    text: String,
    replies: Vec<QuickReply>,
    options: MessageOptions,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let text = MESSAGE_TEXT.read(params)?;
    let replies = QUICK_REPLIES.quick_replies(params)?;
    let options = MessageOptions::read(params)?;
    Ok(Box::new(SendQuickReplies { user_id, text, replies, options }))
}

#[derive(Serialize)]
struct Message<'a> {
    text: &'a str,
    quick_replies: &'a [QuickReply],
}

impl Planned for SendQuickReplies {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let message = Message { text: &self.text, quick_replies: &self.replies };
        message::send_request(ctx, &Recipient::id(&self.user_id), &message, &self.options, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[("messageText", Extra::Text(&self.text)), ("quickReplies", Extra::Count(self.replies.len()))],
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: Some(&self.options),
            ctx,
        }
        .item()])
    }
}
