//! Send Message: a text message to one Instagram user.
//! `POST {base}/{version}/me/messages` with `{"recipient":{"id"},"message":{"text"}}`.

use super::ItemParams;
use crate::credentials::Credentials;
use crate::error::CoreError;
use crate::output::OutputContext;
use crate::request::{graph_url, post_json, HttpRequest};
use crate::validate;
use serde::Serialize;

pub const NAME: &str = "sendMessage";
pub const PATH: &str = "me/messages";
pub const USER_ID_PARAM: &str = "userId";
pub const MESSAGE_TEXT_PARAM: &str = "messageText";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessage {
    pub user_id: String,
    pub text: String,
}

#[derive(Serialize)]
struct Body<'a> {
    recipient: Recipient<'a>,
    message: Message<'a>,
}

#[derive(Serialize)]
struct Recipient<'a> {
    id: &'a str,
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

impl SendMessage {
    /// Validates the item: the User ID first, then the text. Both must pass before
    /// anything is sent.
    pub fn from_params(params: &ItemParams) -> Result<Self, CoreError> {
        let user_id = validate::user_id(&params.get(USER_ID_PARAM))?;
        let text = validate::message_text(&params.get(MESSAGE_TEXT_PARAM))?;
        Ok(Self { user_id, text })
    }

    pub fn body(&self) -> String {
        let body = Body { recipient: Recipient { id: &self.user_id }, message: Message { text: &self.text } };
        serde_json::to_string(&body).expect("strings always serialise")
    }

    pub fn request(&self, credentials: &Credentials) -> HttpRequest {
        post_json(graph_url(credentials, PATH), self.body())
    }

    pub fn success_item(&self, message_id: &str, sent_at: &str, context: &OutputContext) -> String {
        let output = Output {
            success: true,
            operation: NAME,
            user_id: &self.user_id,
            message_text: &self.text,
            message_id,
            sent_at,
            app_secret_proof_used: &context.proof_shown,
            timestamp: &context.timestamp,
            node_version: crate::NODE_VERSION,
        };
        crate::output::to_ascii_json(&output)
    }
}
