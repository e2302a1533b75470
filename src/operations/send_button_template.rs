//! Send Button Template: a text (at most 640 characters) with 1 to 3 buttons.
//! `{"message":{"attachment":{"type":"template","payload":{"template_type":"button","text","buttons"}}}}`.

use super::message::{self, AttachmentMessage, Extra, MessageOptions, Sent};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{BUTTONS, BUTTON_TEMPLATE_TEXT, MESSAGING_TYPE, REPLY_TO_MESSAGE_ID, TAG, USER_ID};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use crate::templates::Button;
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendButtonTemplate",
    fields: &[&USER_ID, &BUTTON_TEMPLATE_TEXT, &BUTTONS, &REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "messageText",
        "buttons",
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
struct SendButtonTemplate {
    user_id: String,
    text: String,
    buttons: Vec<Button>,
    options: MessageOptions,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let text = BUTTON_TEMPLATE_TEXT.read(params)?;
    let buttons = BUTTONS.buttons(params)?;
    let options = MessageOptions::read(params)?;
    Ok(Box::new(SendButtonTemplate { user_id, text, buttons, options }))
}

#[derive(Serialize)]
struct Payload<'a> {
    template_type: &'static str,
    text: &'a str,
    buttons: &'a [Button],
}

impl Planned for SendButtonTemplate {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let payload = Payload { template_type: "button", text: &self.text, buttons: &self.buttons };
        let message = AttachmentMessage::new("template", payload);
        message::send_request(ctx, &Recipient::id(&self.user_id), &message, &self.options, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[("messageText", Extra::Text(&self.text)), ("buttons", Extra::Count(self.buttons.len()))],
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: Some(&self.options),
            ctx,
        }
        .item()])
    }
}
