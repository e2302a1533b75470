//! React and Unreact: put a reaction on a message the person sent, or take it away.
//! `POST {base}/{version}/me/messages` with `{"recipient":{"id"},"sender_action":"react",
//! "payload":{"message_id","reaction"}}` (`unreact`: the payload holds `message_id` only).
//! No message options: Meta's body for reactions holds the recipient, the action and the
//! payload only. Meta answers with `recipient_id` alone, so the item has no `messageId`.

use super::message::{Extra, Sent, PATH};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{MESSAGE_ID, REACTION, USER_ID};
use crate::request::{graph_url, HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub static REACT: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "react",
    fields: &[&USER_ID, &MESSAGE_ID, &REACTION],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "senderAction",
        "targetMessageId",
        "reaction",
        "appSecretProofUsed",
        "timestamp",
        "nodeVersion",
    ],
    rate_class: RateClass::Send,
    answer: AnswerKind::RecipientId,
    // Setting the same reaction twice leaves one reaction: safe to repeat.
    changes: false,
    plan: plan_react,
};

pub static UNREACT: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "unreact",
    fields: &[&USER_ID, &MESSAGE_ID],
    output_fields: &[
        "success",
        "operation",
        "userId",
        "senderAction",
        "targetMessageId",
        "appSecretProofUsed",
        "timestamp",
        "nodeVersion",
    ],
    rate_class: RateClass::Send,
    answer: AnswerKind::RecipientId,
    changes: false,
    plan: plan_unreact,
};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Reaction {
    user_id: String,
    message_id: String,
    /// `None`: unreact.
    reaction: Option<String>,
}

fn plan_react(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let message_id = MESSAGE_ID.read(params)?;
    let reaction = Some(REACTION.read(params)?);
    Ok(Box::new(Reaction { user_id, message_id, reaction }))
}

fn plan_unreact(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let message_id = MESSAGE_ID.read(params)?;
    Ok(Box::new(Reaction { user_id, message_id, reaction: None }))
}

#[derive(Serialize)]
struct Body<'a> {
    recipient: Recipient<'a>,
    sender_action: &'static str,
    payload: Payload<'a>,
}

#[derive(Serialize)]
struct Payload<'a> {
    message_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reaction: Option<&'a str>,
}

impl Reaction {
    fn spec(&self) -> &'static OperationSpec {
        if self.reaction.is_some() { &REACT } else { &UNREACT }
    }
}

impl Planned for Reaction {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let body = Body {
            recipient: Recipient::id(&self.user_id),
            sender_action: self.spec().name,
            payload: Payload { message_id: &self.message_id, reaction: self.reaction.as_deref() },
        };
        let text = serde_json::to_string(&body).expect("strings always serialise");
        HttpRequest::post_json(graph_url(ctx.credentials, PATH), text, self.spec().rate_class)
    }

    fn accepted(&self, _success: Success, _step: Option<&Step>, _now: &str, ctx: &Context) -> Accepted {
        let mut extras = vec![
            ("senderAction", Extra::Text(self.spec().name)),
            ("targetMessageId", Extra::Text(&self.message_id)),
        ];
        if let Some(reaction) = &self.reaction {
            extras.push(("reaction", Extra::Text(reaction)));
        }
        Accepted::Done(vec![Sent {
            operation: self.spec().name,
            user_id: Some(&self.user_id),
            extras: &extras,
            message_id: None,
            sent_at: None,
            options: None,
            ctx,
        }
        .item()])
    }
}
