//! Reading a list page by page: Return All or a Limit, Meta's `after` cursors, and one
//! output item per entry. The cursor comes from `paging.cursors.after` while Meta's answer
//! has a `next` page; Meta's `next` URL itself carries the access token and is never used.

use super::{Accepted, Context, ItemParams, Step};
use crate::error::InputError;
use crate::fields::{LIMIT, RETURN_ALL};
use crate::output::{OrderedObject, OutputItem};
use crate::request::HttpRequest;
use serde_json::{Map, Value};

/// Entries asked for per page: Graph API's usual page size.
pub const PAGE_SIZE: u64 = 25;

/// How much of a list an item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// `None`: every entry (Return All).
    pub limit: Option<u64>,
}

/// What one page gives: the entries to output, and the next page's step when there is one.
pub struct Taken {
    pub entries: Vec<Map<String, Value>>,
    pub next: Option<Step>,
}

impl Paging {
    pub fn read(params: &ItemParams) -> Result<Self, InputError> {
        if RETURN_ALL.flag(params)? {
            Ok(Paging { limit: None })
        } else {
            Ok(Paging { limit: Some(LIMIT.number(params)?) })
        }
    }

    /// `limit` and `after` for the page at `step` (`None`: the first page).
    pub fn query(&self, step: Option<&Step>) -> Vec<(String, String)> {
        let emitted = step.map_or(0, |s| u64::from(s.emitted));
        let size = match self.limit {
            Some(limit) => PAGE_SIZE.min(limit.saturating_sub(emitted)).max(1),
            None => PAGE_SIZE,
        };
        let mut query = vec![("limit".to_string(), size.to_string())];
        if let Some(after) = step.and_then(|s| s.carry.as_deref()) {
            query.push(("after".to_string(), after.to_string()));
        }
        query
    }

    /// The entries of one page to output, and whether to read another: while Meta has a
    /// next page, the limit is not reached, the page was not empty and the cursor moved.
    pub fn take(&self, mut data: Vec<Map<String, Value>>, after: Option<String>, step: Option<&Step>) -> Taken {
        let emitted = step.map_or(0, |s| u64::from(s.emitted));
        if let Some(limit) = self.limit {
            data.truncate(limit.saturating_sub(emitted).min(usize::MAX as u64) as usize);
        }
        let total = emitted + data.len() as u64;
        let previous = step.and_then(|s| s.carry.as_deref());
        let more = !data.is_empty() && self.limit.is_none_or(|limit| total < limit);
        let next = after.filter(|after| more && Some(after.as_str()) != previous).map(|after| Step {
            number: step.map_or(0, |s| s.number) + 1,
            emitted: total.min(u64::from(u32::MAX)) as u32,
            carry: Some(after),
        });
        Taken { entries: data, next }
    }
}

impl Taken {
    /// One output item per entry, made by `item`; then the next page, or done.
    pub fn accept(
        self,
        item: impl Fn(Map<String, Value>) -> OutputItem,
        next_page: impl FnOnce(&Step) -> HttpRequest,
    ) -> Accepted {
        let outputs = self.entries.into_iter().map(item).collect();
        match self.next {
            Some(step) => Accepted::Next { outputs, request: next_page(&step), step },
            None => Accepted::Done(outputs),
        }
    }
}

/// A read's output item: `success`, `operation`, the `leading` fields (the IDs), the
/// entry's other fields in the order `fields` asked for them, `timestamp`.
pub fn entry_item(
    operation: &'static str,
    leading: &[(&'static str, Value)],
    fields: &str,
    entry: Map<String, Value>,
    ctx: &Context,
) -> OutputItem {
    let mut item = OrderedObject::new();
    item.push("success", Value::Bool(true));
    item.push("operation", Value::from(operation));
    for (name, value) in leading {
        item.push(name, value.clone());
    }
    push_fields(&mut item, fields, entry);
    item.push("timestamp", Value::from(ctx.output.timestamp.as_str()));
    OutputItem::new(&item)
}

/// An entry's fields as Meta named them, in the order `fields` lists them (any others after),
/// except that an edge (`{"data":[…]}`) becomes its list, so `participants`, `to` and
/// `attachments` read as lists. `id` is left out: the operation names it (`conversationId`,
/// `messageId`), and no field replaces one the item already has.
pub fn push_fields(item: &mut OrderedObject, fields: &str, mut entry: Map<String, Value>) {
    let asked: Vec<(String, Value)> =
        fields.split(',').filter_map(|name| entry.remove_entry(name)).collect();
    for (name, value) in asked.into_iter().chain(entry) {
        if name == "id" || item.has(&name) {
            continue;
        }
        item.push(&name, flatten_edge(value));
    }
}

fn flatten_edge(value: Value) -> Value {
    match value {
        Value::Object(mut map) if matches!(map.get("data"), Some(Value::Array(_))) && map.keys().all(|k| k == "data" || k == "paging") => {
            map.remove("data").unwrap_or(Value::Null)
        }
        other => other,
    }
}

/// An entry's `id` as text.
pub fn id_of(entry: &Map<String, Value>) -> Value {
    match entry.get("id") {
        Some(Value::String(id)) => Value::from(id.as_str()),
        Some(Value::Number(id)) => Value::from(id.to_string()),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_edge_becomes_its_list_only_when_it_holds_nothing_but_data_and_paging() {
        assert_eq!(flatten_edge(json!({"data": [{"id": "1"}]})), json!([{"id": "1"}]));
        assert_eq!(flatten_edge(json!({"data": [1, 2], "paging": {"cursors": {}}})), json!([1, 2]));
        for kept in [json!({"data": [1], "summary": {"total_count": 1}}), json!({"data": "text"}), json!({"paging": {}}), json!([1])]
        {
            assert_eq!(flatten_edge(kept.clone()), kept);
        }
    }

    #[test]
    fn an_id_is_text_whether_meta_sent_text_or_a_number() {
        let of = |entry: Value| id_of(entry.as_object().unwrap());
        assert_eq!(of(json!({"id": "t_1"})), json!("t_1"));
        assert_eq!(of(json!({"id": 17841400000000001u64})), json!("17841400000000001"));
        assert_eq!(of(json!({"id": true})), Value::Null);
        assert_eq!(of(json!({})), Value::Null);
    }
}
