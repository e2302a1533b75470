//! Send Message: a text message to one Instagram user.
//! `POST {base}/{version}/me/messages` with `{"recipient":{"id"},"message":{"text"}}`.

use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Recipient, Step, MESSAGE};
use crate::error::InputError;
use crate::fields::{MESSAGE_TEXT, USER_ID};
use crate::output::OutputItem;
use crate::request::{graph_url, HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde::Serialize;

pub const PATH: &str = "me/messages";

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "sendMessage",
    fields: &[&USER_ID, &MESSAGE_TEXT],
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
}

fn plan(params: &ItemParams) -> Result<Box<dyn Planned>, InputError> {
    // The User ID first, then the text: both must pass before anything is sent.
    let user_id = USER_ID.read(params)?;
    let text = MESSAGE_TEXT.read(params)?;
    Ok(Box::new(SendMessage { user_id, text }))
}

#[derive(Serialize)]
struct Body<'a> {
    recipient: Recipient<'a>,
    message: Message<'a>,
}

#[derive(Serialize)]
struct Message<'a> {
    text: &'a str,
}

/// The success item, fields in the order users read them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Output<'a> {
    success: bool,
    operation: &'static str,
    user_id: &'a str,
    message_text: &'a str,
    message_id: &'a str,
    sent_at: &'a str,
    app_secret_proof_used: &'a str,
    timestamp: &'a str,
    node_version: &'static str,
}

impl Planned for SendMessage {
    fn request(&self, ctx: &Context) -> HttpRequest {
        let body = Body { recipient: Recipient { id: &self.user_id }, message: Message { text: &self.text } };
        let text = serde_json::to_string(&body).expect("strings always serialise");
        HttpRequest::post_json(graph_url(ctx.credentials, PATH), text, SPEC.rate_class)
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, now: &str, ctx: &Context) -> Accepted {
        let Success::MessageSent { message_id, .. } = success else { unreachable!("read as {:?}", SPEC.answer) };
        Accepted::Done(vec![OutputItem::new(&Output {
            success: true,
            operation: SPEC.name,
            user_id: &self.user_id,
            message_text: &self.text,
            message_id: &message_id,
            sent_at: now,
            app_secret_proof_used: &ctx.output.proof_shown,
            timestamp: &ctx.output.timestamp,
            node_version: crate::NODE_VERSION,
        })])
    }
}
