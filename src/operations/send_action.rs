//! Send Action: show "typing…", stop it, or mark the conversation as seen.
//! `POST {base}/{version}/me/messages` with `{"recipient":{"id"},"sender_action"}` and
//! nothing else; Meta answers with `recipient_id` only.

use super::message::{Extra, Sent, PATH};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{SENDER_ACTION, USER_ID};
use crate::request::{graph_url, HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendAction",
    fields: &[&USER_ID, &SENDER_ACTION],
    output_fields: &["success", "operation", "userId", "senderAction", "appSecretProofUsed", "timestamp", "nodeVersion"],
    rate_class: RateClass::Send,
    answer: AnswerKind::RecipientId,
    // Typing indicators and "seen" can be repeated harmlessly.
    changes: false,
    plan,
};

#[derive(Debug, Clone, PartialEq, Eq)]
struct SendAction {
    user_id: String,
    action: String,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let action = SENDER_ACTION.read(params)?;
    Ok(Box::new(SendAction { user_id, action }))
}

#[derive(Serialize)]
struct Body<'a> {
    recipient: Recipient<'a>,
    sender_action: &'a str,
}

impl Planned for SendAction {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let body = Body { recipient: Recipient::id(&self.user_id), sender_action: &self.action };
        let text = serde_json::to_string(&body).expect("strings always serialise");
        HttpRequest::post_json(graph_url(ctx.credentials, PATH), text, SPEC.rate_class)
    }

    fn accepted(&self, _success: Success, _step: Option<&Step>, _now: &str, ctx: &Context) -> Accepted {
        Accepted::Done(vec![Sent {
            operation: SPEC.name,
            user_id: Some(&self.user_id),
            extras: &[("senderAction", Extra::Text(&self.action))],
            message_id: None,
            sent_at: None,
            options: None,
            ctx,
        }
        .item()])
    }
}
