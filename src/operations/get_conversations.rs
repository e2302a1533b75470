//! Get Conversations: the account's Instagram conversations, newest first, one output item
//! each. `GET {base}/{version}/{PAGE_ID|me}/conversations?platform=instagram
//! &fields=id,updated_time,participants&limit[&user_id][&after]`.
//!
//! Meta leaves out conversations in the Requests folder that have been idle for 30 days.

use super::paging::{self, Paging};
use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Step, CONVERSATION};
use crate::credentials::{Credentials, LoginType};
use crate::error::InputError;
use crate::fields::{CONVERSATION_USER_ID, LIMIT, RETURN_ALL};
use crate::request::{graph_url, HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};

pub static SPEC: OperationSpec = OperationSpec {
    resource: &CONVERSATION,
    name: "getConversations",
    fields: &[&CONVERSATION_USER_ID, &RETURN_ALL, &LIMIT],
    output_fields: &["success", "operation", "conversationId", "updated_time", "participants", "timestamp"],
    rate_class: RateClass::Conversations,
    answer: AnswerKind::Page,
    changes: false,
    plan,
};

/// The conversation fields asked for.
pub const FIELDS: &str = "id,updated_time,participants";

#[derive(Debug, Clone, PartialEq, Eq)]
struct GetConversations {
    user_id: Option<String>,
    paging: Paging,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = CONVERSATION_USER_ID.read_optional(params)?;
    let paging = Paging::read(params)?;
    Ok(Box::new(GetConversations { user_id, paging }))
}

impl GetConversations {
    fn page(&self, ctx: &Context, step: Option<&Step>) -> HttpRequest {
        // A Page token's `me` is the Page; the Page ID is used when the credential has it.
        let owner = match (ctx.credentials.login_type, &ctx.credentials.page_id) {
            (LoginType::Facebook, Some(page_id)) => page_id.as_str(),
            _ => "me",
        };
        let mut query = vec![("platform".to_string(), "instagram".to_string()), ("fields".to_string(), FIELDS.to_string())];
        query.extend(self.paging.query(step));
        if let Some(user_id) = &self.user_id {
            query.push(("user_id".to_string(), user_id.clone()));
        }
        HttpRequest::get(graph_url(ctx.credentials, &format!("{owner}/conversations")), query, SPEC.rate_class)
    }
}

impl Planned for GetConversations {
    fn request(&self, ctx: &Context) -> HttpRequest {
        self.page(ctx, None)
    }

    fn accepted(&self, success: Success, step: Option<&Step>, _now: &str, ctx: &Context) -> Accepted {
        let Success::Page { data, after } = success else { unreachable!("read as {:?}", SPEC.answer) };
        self.paging.take(data, after, step).accept(
            |entry| paging::entry_item(SPEC.name, &[("conversationId", paging::id_of(&entry))], FIELDS, entry, ctx),
            |next| self.page(ctx, Some(next)),
        )
    }
}
