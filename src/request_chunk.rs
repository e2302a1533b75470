//! How a chunk of requests crosses to the wrapper: the same values as
//! [`crate::execution::Execution::request`] gives one by one, in a form that is cheap to
//! carry and to read in JavaScript (one crossing and one short `JSON.parse` per chunk,
//! instead of one per item).
//!
//! The text is a JSON document, then one line per JSON body:
//!
//! ```text
//! {"heads":[RequestHead, ...],"items":[{"request":{"head":0,"body":0}} | {"refused":ErrorReport}, ...]}
//! <JSON body 0>
//! <JSON body 1>
//! ```
//!
//! A head is a request without its JSON body text (`"body":{"kind":"json"}`); identical
//! heads are written once. Every item names its head and its body line explicitly.
//! JSON text never holds a raw line break, so a line is exactly one body.

use crate::execution::Execution;
use crate::output::to_ascii_json;
use crate::request::{Body, HttpRequest};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum ChunkItem<'a> {
    Request { head: usize, #[serde(skip_serializing_if = "Option::is_none")] body: Option<usize> },
    Refused(&'a crate::output::ErrorReport),
}

/// A request without its JSON body text.
#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Head<'a> {
    method: crate::request::Method,
    url: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    query: &'a [(String, String)],
    headers: &'a crate::request::Headers,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<HeadBody<'a>>,
    rate_class: crate::request::RateClass,
    #[serde(skip_serializing_if = "Option::is_none")]
    coalesce: Option<crate::request::Coalesce>,
}

#[derive(Serialize, PartialEq)]
#[serde(untagged)]
enum HeadBody<'a> {
    /// `{"kind":"json"}`: the text is on the item's body line.
    JsonMarker { kind: &'static str },
    Other(&'a Body),
}

/// Items `from` to `from + count` (fewer past the last item), as described above.
pub fn request_chunk(execution: &Execution, from: usize, count: usize) -> String {
    let end = from.saturating_add(count).min(execution.item_count());
    let planned: Vec<_> = (from..end).map(|index| execution.request(index)).collect();
    let mut heads: Vec<Head> = Vec::new();
    let mut bodies: Vec<&str> = Vec::new();
    let mut items = Vec::with_capacity(planned.len());
    for result in &planned {
        match result {
            Err(report) => items.push(ChunkItem::Refused(report)),
            Ok(request) => {
                let (head, body) = split(request);
                let head_index = heads.iter().position(|h| *h == head).unwrap_or_else(|| {
                    heads.push(head);
                    heads.len() - 1
                });
                let body_index = body.map(|text| {
                    bodies.push(text);
                    bodies.len() - 1
                });
                items.push(ChunkItem::Request { head: head_index, body: body_index });
            }
        }
    }
    #[derive(Serialize)]
    struct Document<'a> {
        heads: &'a [Head<'a>],
        items: &'a [ChunkItem<'a>],
    }
    let mut text = to_ascii_json(&Document { heads: &heads, items: &items });
    for body in bodies {
        text.push('\n');
        text.push_str(body);
    }
    text
}

fn split(request: &HttpRequest) -> (Head<'_>, Option<&str>) {
    let (body, text) = match &request.body {
        None => (None, None),
        Some(Body::Json { text }) => (Some(HeadBody::JsonMarker { kind: "json" }), Some(text.as_str())),
        Some(other) => (Some(HeadBody::Other(other)), None),
    };
    let head = Head {
        method: request.method,
        url: &request.url,
        query: &request.query,
        headers: &request.headers,
        body,
        rate_class: request.rate_class,
        coalesce: request.coalesce,
    };
    (head, text)
}
