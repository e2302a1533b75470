//! Reading Meta's answer: status, headers and body in, an outcome out.

use crate::error::{ApiError, BodyShape, CoreError, Expected};
use crate::graph_error::{Class, GraphError};
use crate::redact::Redactor;
use crate::retry::{FailureClass, WaitAdvice};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// What an operation expects a successful answer to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AnswerKind {
    /// `{recipient_id, message_id}`: a message was sent.
    MessageId,
    /// `{recipient_id}` only: a sender action or a reaction.
    RecipientId,
    /// `{attachment_id}`: an upload.
    AttachmentId,
    /// `{data: [...], paging: {cursors: {after}, next}}`: a page of a list.
    Page,
    /// Any JSON object: a node's fields (a profile).
    Object,
}

/// A successful answer, read for its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    MessageSent { message_id: String, recipient_id: Option<String> },
    Recipient { recipient_id: String },
    Attachment { attachment_id: String },
    /// One page: its entries, and the cursor of the next page when there is one.
    Page { data: Vec<Map<String, Value>>, after: Option<String> },
    Object(Map<String, Value>),
}

/// What Meta answered, once read.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Succeeded(Success),
    Failed { error: CoreError, class: FailureClass },
}

/// Reads a response. `changes`: the request changes something at Meta (a send), so an
/// answer that cannot be read leaves it unknown whether it happened.
pub fn read(status: u16, body: &str, kind: AnswerKind, changes: bool, redactor: &Redactor) -> Reading {
    if (200..300).contains(&status) {
        return read_success(status, body, kind, changes, redactor);
    }
    if let Some(graph) = GraphError::parse(body) {
        let class = match graph.class() {
            Class::RateLimited => FailureClass::RateLimited,
            Class::Transient => FailureClass::NotAccepted,
            Class::Permanent if status == 429 => FailureClass::RateLimited,
            Class::Permanent => FailureClass::Permanent,
        };
        let error = ApiError::Graph { status, graph: redact_graph(graph, redactor) };
        return Reading::Failed { error: error.into(), class };
    }
    let shape = body_shape(body);
    if status >= 500 && changes {
        return Reading::Failed {
            error: ApiError::ServerFailure { status, body: shape }.into(),
            class: FailureClass::DeliveryUnknown,
        };
    }
    if status >= 500 {
        // Nothing changes at Meta, so asking again is safe.
        return Reading::Failed {
            error: ApiError::UnreadableErrorBody { status, body: shape }.into(),
            class: FailureClass::NotAccepted,
        };
    }
    let class = if status == 429 { FailureClass::RateLimited } else { FailureClass::Permanent };
    Reading::Failed { error: ApiError::UnreadableErrorBody { status, body: shape }.into(), class }
}

fn as_id(value: Option<Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn read_success(status: u16, body: &str, kind: AnswerKind, changes: bool, redactor: &Redactor) -> Reading {
    /// The fields any success kind reads, in one pass; an `error` member makes it an error.
    #[derive(Deserialize)]
    struct Ids<'a> {
        message_id: Option<Value>,
        recipient_id: Option<Value>,
        attachment_id: Option<Value>,
        #[serde(borrow)]
        error: Option<&'a RawValue>,
    }
    let unexpected = |expected| Reading::Failed {
        error: ApiError::UnexpectedSuccessBody { status, body: body_shape(body), expected, changes }.into(),
        class: if changes { FailureClass::DeliveryUnknown } else { FailureClass::Permanent },
    };
    let graph_error = || {
        GraphError::parse(body).map(|graph| Reading::Failed {
            error: ApiError::Graph { status, graph: redact_graph(graph, redactor) }.into(),
            class: FailureClass::Permanent,
        })
    };
    match kind {
        AnswerKind::MessageId | AnswerKind::RecipientId | AnswerKind::AttachmentId => {
            let expected = match kind {
                AnswerKind::MessageId => Expected::MessageId,
                AnswerKind::RecipientId => Expected::RecipientId,
                _ => Expected::AttachmentId,
            };
            let Ok(ids) = serde_json::from_str::<Ids>(body) else { return unexpected(expected) };
            if ids.error.is_some() {
                return graph_error().unwrap_or_else(|| unexpected(expected));
            }
            let success = match kind {
                AnswerKind::MessageId => as_id(ids.message_id)
                    .map(|message_id| Success::MessageSent { message_id, recipient_id: as_id(ids.recipient_id) }),
                AnswerKind::RecipientId => as_id(ids.recipient_id).map(|recipient_id| Success::Recipient { recipient_id }),
                _ => as_id(ids.attachment_id).map(|attachment_id| Success::Attachment { attachment_id }),
            };
            success.map_or_else(|| unexpected(expected), Reading::Succeeded)
        }
        AnswerKind::Page => {
            #[derive(Deserialize)]
            struct Page {
                data: Option<Vec<Value>>,
                #[serde(default)]
                paging: Option<Value>,
                error: Option<Value>,
            }
            let Ok(page) = serde_json::from_str::<Page>(body) else { return unexpected(Expected::List) };
            if page.error.is_some() {
                return graph_error().unwrap_or_else(|| unexpected(Expected::List));
            }
            let Some(entries) = page.data else { return unexpected(Expected::List) };
            let data: Option<Vec<Map<String, Value>>> =
                entries.into_iter().map(|entry| entry.as_object().cloned()).collect();
            let Some(data) = data else { return unexpected(Expected::List) };
            // Meta's `next` is a full URL that carries the access token: only its presence
            // is read. The next request is built from the cursor, token-free.
            let paging = page.paging.unwrap_or(Value::Null);
            let after = paging
                .get("next")
                .and_then(Value::as_str)
                .filter(|next| !next.is_empty())
                .and_then(|_| paging.get("cursors")?.get("after")?.as_str())
                .filter(|after| !after.is_empty())
                .map(str::to_string);
            Reading::Succeeded(Success::Page { data, after })
        }
        AnswerKind::Object => match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) if map.contains_key("error") => {
                graph_error().unwrap_or_else(|| unexpected(Expected::Object))
            }
            Ok(Value::Object(map)) => Reading::Succeeded(Success::Object(map)),
            _ => unexpected(Expected::Object),
        },
    }
}

fn redact_graph(mut graph: GraphError, redactor: &Redactor) -> GraphError {
    graph.message = redactor.clean(&graph.message);
    graph.user_title = graph.user_title.map(|t| redactor.clean(&t));
    graph.user_message = graph.user_message.map(|t| redactor.clean(&t));
    graph.error_type = graph.error_type.map(|t| redactor.clean(&t));
    graph.fbtrace_id = graph.fbtrace_id.map(|t| redactor.clean(&t));
    graph
}

pub fn body_shape(body: &str) -> BodyShape {
    let trimmed = body.trim_start();
    let bytes = body.len();
    if trimmed.is_empty() {
        BodyShape::Empty
    } else if trimmed.starts_with('<') {
        BodyShape::Html { bytes }
    } else if trimmed.starts_with(['{', '[']) {
        match serde_json::from_str::<serde::de::IgnoredAny>(body) {
            Ok(_) => BodyShape::Json { bytes },
            Err(_) => BodyShape::TruncatedJson { bytes },
        }
    } else {
        BodyShape::Text { bytes }
    }
}

/// How hard Meta says the app is pushing, from `X-App-Usage` and
/// `X-Business-Use-Case-Usage`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pressure {
    /// The highest usage percentage reported (0 to 100 and beyond).
    pub usage_percent: Option<f64>,
}

/// The response headers the core reads, as Node names them (lower case).
pub const RELEVANT_HEADERS: [&str; 3] = ["retry-after", "x-app-usage", "x-business-use-case-usage"];

/// Reads the headers that matter: `Retry-After`, `X-App-Usage`, `X-Business-Use-Case-Usage`.
/// Header names are matched without regard to case; values may be strings or lists.
pub fn read_headers(headers: &Map<String, Value>) -> (WaitAdvice, Pressure) {
    let mut advice = WaitAdvice::default();
    let mut pressure = Pressure::default();
    for (name, value) in headers {
        let Some(value) = header_text(value) else { continue };
        match name.to_ascii_lowercase().as_str() {
            "retry-after" => {
                if let Ok(seconds) = value.trim().parse::<u64>() {
                    advice.retry_after_ms = Some(seconds.saturating_mul(1000));
                }
            }
            "x-app-usage" => {
                if let Ok(usage) = serde_json::from_str::<Value>(value) {
                    bump(&mut pressure.usage_percent, max_percent(&usage));
                }
            }
            "x-business-use-case-usage" => {
                if let Ok(usage) = serde_json::from_str::<Value>(value) {
                    for entry in usage.as_object().into_iter().flat_map(|m| m.values()).flat_map(as_list) {
                        bump(&mut pressure.usage_percent, max_percent(entry));
                        let minutes = entry.get("estimated_time_to_regain_access").and_then(Value::as_f64);
                        if let Some(minutes) = minutes.filter(|m| *m > 0.0 && m.is_finite()) {
                            // `as` saturates: an absurd estimate becomes u64::MAX, which the
                            // retry rules refuse to wait for.
                            let ms = (minutes * 60_000.0) as u64;
                            advice.regain_access_ms = Some(advice.regain_access_ms.unwrap_or(0).max(ms));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (advice, pressure)
}

fn header_text(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Array(list) => list.first().and_then(Value::as_str),
        _ => None,
    }
}

fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(list) => list.iter().collect(),
        other => vec![other],
    }
}

fn max_percent(usage: &Value) -> Option<f64> {
    ["call_count", "total_time", "total_cputime"]
        .iter()
        .filter_map(|key| usage.get(*key).and_then(Value::as_f64))
        .filter(|v| v.is_finite())
        .reduce(f64::max)
}

fn bump(slot: &mut Option<f64>, value: Option<f64>) {
    if let Some(value) = value {
        *slot = Some(slot.map_or(value, |current| current.max(value)));
    }
}
