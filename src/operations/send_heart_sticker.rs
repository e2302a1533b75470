//! Send Heart Sticker: Instagram's heart. `{"message":{"attachment":{"type":"like_heart"}}}`.

use super::message::{self, AttachmentMessage, MessageOptions, Sent};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{MESSAGING_TYPE, REPLY_TO_MESSAGE_ID, TAG, USER_ID};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendHeartSticker",
    fields: &[&USER_ID, &REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG],
    output_fields: &["success", "operation", "userId", "messageId", "sentAt", "appSecretProofUsed", "timestamp", "nodeVersion"],
    rate_class: RateClass::Send,
    answer: AnswerKind::MessageId,
    changes: true,
    plan,
};

#[derive(Debug)]
struct SendHeartSticker {
    user_id: String,
    options: MessageOptions,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    Ok(Box::new(SendHeartSticker { user_id: USER_ID.read(params)?, options: MessageOptions::read(params)? }))
}

impl Planned for SendHeartSticker {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let message = AttachmentMessage::bare("like_heart");
        message::send_request(ctx, &Recipient::id(&self.user_id), &message, &self.options, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[],
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: Some(&self.options),
            ctx,
        }
        .item()])
    }
}
