//! Get Profile: the public profile fields of a person who messaged the account.
//! `GET {base}/{version}/{IGSID}?fields=name,username,profile_pic`.

use super::{Accepted, Context, ItemParams, OperationSpec, Planned, Step, USER};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{PROFILE_FIELDS, USER_ID};
use crate::output::{OrderedObject, OutputItem};
use crate::request::{graph_url, HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde_json::Value;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &USER,
    name: "getProfile",
    fields: &[&USER_ID, &PROFILE_FIELDS],
    // With the default Fields; other fields replace name, username and profile_pic.
    output_fields: &["success", "operation", "userId", "name", "username", "profile_pic", "timestamp"],
    rate_class: RateClass::Read,
    answer: AnswerKind::Object,
    changes: false,
    plan,
};

#[derive(Debug, Clone, PartialEq, Eq)]
struct GetProfile {
    user_id: String,
    fields: String,
}

fn plan(params: &ItemParams, _: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let user_id = USER_ID.read(params)?;
    let fields = PROFILE_FIELDS.read(params)?;
    Ok(Box::new(GetProfile { user_id, fields }))
}

impl Planned for GetProfile {
    fn request(&self, ctx: &Context) -> HttpRequest {
        HttpRequest::get(
            graph_url(ctx.credentials, &self.user_id),
            vec![("fields".to_string(), self.fields.clone())],
            SPEC.rate_class,
        )
    }

    fn accepted(&self, success: Success, _step: Option<&Step>, _now: &str, ctx: &Context) -> Accepted {
        let Success::Object(mut fields) = success else { unreachable!("read as {:?}", SPEC.answer) };
        let mut item = OrderedObject::new();
        item.push("success", Value::Bool(true));
        item.push("operation", Value::from(SPEC.name));
        item.push("userId", Value::from(self.user_id.as_str()));
        // Meta's fields as Meta named them, in the order asked for; never the node's own
        // names, and not `id`, which is the userId.
        for name in self.fields.split(',') {
            if let Some(value) = fields.remove(name) {
                if !item.has(name) && name != "timestamp" && name != "id" {
                    item.push(name, value);
                }
            }
        }
        item.push("timestamp", Value::from(ctx.output.timestamp.as_str()));
        Accepted::Done(vec![OutputItem::new(&item)])
    }
}
