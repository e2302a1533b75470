//! Reading Meta's answer: status, headers and body in, an outcome out.

use crate::error::{BodyShape, CoreError};
use crate::graph_error::{Class, GraphError};
use crate::redact::Redactor;
use crate::retry::{FailureClass, WaitAdvice};
use serde::Deserialize;
use serde_json::{Map, Value};

/// What Meta answered, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Accepted { message_id: String, recipient_id: Option<String> },
    Failed { error: CoreError, class: FailureClass },
}

/// Reads a response to a Send API call.
pub fn read(status: u16, body: &str, redactor: &Redactor) -> Reading {
    if (200..300).contains(&status) {
        return read_success(status, body, redactor);
    }
    if let Some(graph) = GraphError::parse(body) {
        let class = match graph.class() {
            Class::RateLimited => FailureClass::RateLimited,
            Class::Transient => FailureClass::NotAccepted,
            Class::Permanent if status == 429 => FailureClass::RateLimited,
            Class::Permanent => FailureClass::Permanent,
        };
        return Reading::Failed { error: CoreError::Api { status, graph: redact_graph(graph, redactor) }, class };
    }
    let shape = body_shape(body);
    if status >= 500 {
        return Reading::Failed {
            error: CoreError::DeliveryUnknown {
                reason: format!("Meta answered HTTP {status} with {}", shape.describe()),
            },
            class: FailureClass::DeliveryUnknown,
        };
    }
    let class = if status == 429 { FailureClass::RateLimited } else { FailureClass::Permanent };
    Reading::Failed { error: CoreError::UnreadableErrorBody { status, body: shape }, class }
}

fn read_success(status: u16, body: &str, redactor: &Redactor) -> Reading {
    /// Meta's answer, read in one pass: `{recipient_id, message_id}`, or an error body.
    #[derive(Deserialize)]
    struct Answer<'a> {
        message_id: Option<Value>,
        recipient_id: Option<Value>,
        #[serde(borrow)]
        error: Option<&'a serde_json::value::RawValue>,
    }
    let as_id = |v: Option<Value>| match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    match serde_json::from_str::<Answer>(body) {
        Ok(answer) if answer.error.is_some() => match GraphError::parse(body) {
            Some(graph) => Reading::Failed {
                error: CoreError::Api { status, graph: redact_graph(graph, redactor) },
                class: FailureClass::Permanent,
            },
            None => unexpected(status, body),
        },
        Ok(answer) => match as_id(answer.message_id) {
            Some(message_id) => Reading::Accepted { message_id, recipient_id: as_id(answer.recipient_id) },
            None => unexpected(status, body),
        },
        Err(_) => unexpected(status, body),
    }
}

fn unexpected(status: u16, body: &str) -> Reading {
    Reading::Failed {
        error: CoreError::UnexpectedSuccessBody { status, body: body_shape(body) },
        class: FailureClass::DeliveryUnknown,
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
                            let ms = (minutes * 60_000.0).min(u64::MAX as f64 / 2.0) as u64;
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
