//! Send Generic Template: up to 10 cards, each with a title, an optional subtitle, image,
//! default link and up to 3 buttons.
//! `{"message":{"attachment":{"type":"template","payload":{"template_type":"generic","elements"}}}}`.

use super::message::{self, AttachmentMessage, Extra, MessageOptions, Sent};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{ELEMENTS, MESSAGING_TYPE, REPLY_TO_MESSAGE_ID, TAG, USER_ID};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use crate::templates::Element;
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendGenericTemplate",
    fields: &[&USER_ID, &ELEMENTS, &REPLY_TO_MESSAGE_ID, &MESSAGING_TYPE, &TAG],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "elements",
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
struct SendGenericTemplate {
    user_id: String,
    elements: Vec<Element>,
    options: MessageOptions,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let elements = ELEMENTS.elements(params)?;
    let options = MessageOptions::read(params)?;
    Ok(Box::new(SendGenericTemplate { user_id, elements, options }))
}

#[derive(Serialize)]
struct Payload<'a> {
    template_type: &'static str,
    elements: &'a [Element],
}

impl Planned for SendGenericTemplate {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let message = AttachmentMessage::new("template", Payload { template_type: "generic", elements: &self.elements });
        message::send_request(ctx, &Recipient::id(&self.user_id), &message, &self.options, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[("elements", Extra::Count(self.elements.len()))],
            message_id: Some(&message_id),
            sent_at: Some(now),
            options: Some(&self.options),
            ctx,
        }
        .item()])
    }
}
