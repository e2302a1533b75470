//! Send Message: a text message to one Instagram user.
//! `POST {base}/{version}/me/messages` with `{"recipient":{"id"},"message":{"text"}}`, and
//! the message options (reply to, messaging type, tag) when set.

use super::message::{self, Extra, MessageOptions, Sent};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{MESSAGE_TEXT, MESSAGING_TYPE, REPLY_TO_MESSAGE_ID, TAG, USER_ID};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendMessage",
    fields: &[&USER_ID, &MESSAGE_TEXT, &REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "messageText",
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
pub struct SendMessage {
    pub user_id: String,
    pub text: String,
    pub options: MessageOptions,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    // The User ID first, then the text: both must pass before anything is sent.
    let user_id = USER_ID.read(params)?;
    let text = MESSAGE_TEXT.read(params)?;
    let options = MessageOptions::read(params)?;
    Ok(Box::new(SendMessage { user_id, text, options }))
}

#[derive(Serialize)]
struct Message<'a> {
    text: &'a str,
}

impl Planned for SendMessage {
    fn request(&self, ctx: &Context) -> HttpRequest {
        message::send_request(ctx, &Recipient::id(&self.user_id), &Message { text: &self.text }, &self.options, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[("messageText", Extra::Text(&self.text))],
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: Some(&self.options),
            ctx,
        }
        .item()])
    }
}
