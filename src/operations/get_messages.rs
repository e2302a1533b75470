//! Get Messages: the messages of one conversation, newest first, one output item each.
//! `GET {base}/{version}/{CONVERSATION_ID}/messages?fields=id,created_time,from,to,message,
//! attachments&limit[&after]`.
//!
//! Meta gives the details of the 20 newest messages only; older ones come without them.

use super::paging::{self, Paging};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Step, CONVERSATION};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{CONVERSATION_ID, LIMIT, RETURN_ALL};
use crate::request::{graph_url, HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde_json::Value;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &CONVERSATION,
    name: "getMessages",
    fields: &[&CONVERSATION_ID, &RETURN_ALL, &LIMIT],
    output_fields: &[
        "success",
        "operation",
        "conversationId",
        "messageId",
        "created_time",
        "from",
        "to",
        "message",
        "attachments",
        "timestamp",
    ],
    rate_class: RateClass::Conversations,
    answer: AnswerKind::Page,
    changes: false,
    plan,
};

/// The message fields asked for.
pub const FIELDS: &str = "id,created_time,from,to,message,attachments";

#[derive(Debug, Clone, PartialEq, Eq)]
struct GetMessages {
    conversation_id: String,
    paging: Paging,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let conversation_id = CONVERSATION_ID.read(params)?;
    let paging = Paging::read(params)?;
    Ok(Box::new(GetMessages { conversation_id, paging }))
}

impl GetMessages {
    fn page(&self, ctx: &Context, step: Option<&Step>) -> HttpRequest {
        let mut query = vec![("fields".to_string(), FIELDS.to_string())];
        query.extend(self.paging.query(step));
        let url = graph_url(ctx.credentials, &format!("{}/messages", self.conversation_id));
        HttpRequest::get(url, query, SPEC.rate_class)
    }
}

impl Planned for GetMessages {
    fn request(&self, ctx: &Context) -> HttpRequest {
        self.page(ctx, None)
    }

    fn accepted(&self, success: Success, step: Option<&Step>, _now: &str, ctx: &Context) -> Accepted {
        let Success::Page { data, after } = success else { unreachable!("read as {:?}", SPEC.answer) };
        self.paging.take(data, after, step).accept(
            |entry| paging::entry_item(SPEC.name, &[("conversationId", Value::from(self.conversation_id.as_str())), ("messageId", paging::id_of(&entry))], FIELDS, entry, ctx),
            |next| self.page(ctx, Some(next)),
        )
    }
}
