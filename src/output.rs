//! Output items: what n8n shows for each input item. Success items are shaped by their
//! operation; error items are the same for every operation.

use crate::error::{CoreError, ErrorKind};
use serde::ser::SerializeMap;
use serde::Serialize;
use serde_json::Value;

/// What every output item of one execution shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputContext {
    /// The execution time (ISO-8601), from the wrapper's clock.
    pub timestamp: String,
    /// The truncated proof (`appSecretProofUsed`).
    pub proof_shown: String,
}

/// The error item (with Continue On Fail) and everything the wrapper needs to raise the
/// matching n8n error otherwise.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub code: &'static str,
    /// What went wrong in a word ([`CoreError::reason`]).
    pub reason: &'static str,
    /// Whether the request may have been processed even though no answer says so.
    pub delivery_unknown: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub item: ErrorItem,
}

/// The error output item, in the order of a success item: `success`, `operation`, then
/// what identifies the input item (its `userId`, `commentId` or `conversationId`, as given),
/// `error` and what is known of it, and `timestamp` last. `error`, `success`, `operation`
/// and `timestamp` are always there.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorItem {
    pub success: bool,
    pub operation: &'static str,
    #[serde(flatten)]
    pub identity: Identity,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_subcode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_user_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_user_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fbtrace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retryable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_unknown: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    pub timestamp: String,
}

/// The input fields that tell a failed item's person or thread, as the item gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity(pub Vec<(&'static str, String)>);

impl Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_in_order(&self.0, serializer)
    }
}

/// Name-value pairs as a JSON object, in the order given.
fn serialize_in_order<S: serde::Serializer, K: Serialize, V: Serialize>(pairs: &[(K, V)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (name, value) in pairs {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

impl ErrorReport {
    /// `retryable`: whether sending the item again later could succeed (throttling,
    /// temporary errors). `None` where that does not apply (bad input, bad setup).
    pub fn new(error: &CoreError, operation: &'static str, identity: Identity, timestamp: &str, retryable: Option<bool>) -> Self {
        let message = error.message();
        let hint = error.hint();
        let graph = error.graph();
        let item = ErrorItem {
            success: false,
            operation,
            identity,
            error: message.clone(),
            error_field: error.field().map(|field| field.name),
            error_code: graph.and_then(|g| g.code),
            error_subcode: graph.and_then(|g| g.subcode),
            error_type: graph.and_then(|g| g.error_type.clone()),
            error_user_title: graph.and_then(|g| g.user_title.clone()),
            error_user_message: graph.and_then(|g| g.user_message.clone()),
            fbtrace_id: graph.and_then(|g| g.fbtrace_id.clone()),
            http_status: error.http_status(),
            retryable,
            delivery_unknown: error.delivery_unknown().then_some(true),
            hint: hint.clone(),
            timestamp: timestamp.to_string(),
        };
        Self {
            kind: error.kind(),
            code: error.code(),
            reason: error.reason(),
            delivery_unknown: error.delivery_unknown(),
            message,
            hint,
            http_status: error.http_status(),
            item,
        }
    }
}

/// One output item, as ASCII-only JSON text. Made only by [`OutputItem::new`], which
/// serialises it, so the text is always valid JSON and is never parsed again in the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputItem(String);

impl OutputItem {
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Self {
        OutputItem(to_ascii_json(value))
    }

    pub fn json(&self) -> &str {
        &self.0
    }
}

impl Serialize for OutputItem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.0.clone()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// A JSON object whose members keep the order they were added in (serde_json's own map
/// sorts them), for output items whose fields are not known in advance.
#[derive(Debug, Default)]
pub struct OrderedObject(Vec<(String, Value)>);

impl OrderedObject {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, name: &str, value: Value) {
        self.0.push((name.to_string(), value));
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(existing, _)| existing == name)
    }
}

impl Serialize for OrderedObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_in_order(&self.0, serializer)
    }
}

/// JSON text with every non-ASCII character written as a `\uXXXX` escape. Output items
/// cross into JavaScript as one string that `JSON.parse` reads back identically; ASCII
/// text crosses the boundary several times faster than UTF-8.
pub fn to_ascii_json<T: Serialize + ?Sized>(value: &T) -> String {
    struct AsciiFormatter;
    impl serde_json::ser::Formatter for AsciiFormatter {
        fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, fragment: &str) -> std::io::Result<()> {
            if fragment.is_ascii() {
                return writer.write_all(fragment.as_bytes());
            }
            let mut start = 0;
            for (at, ch) in fragment.char_indices() {
                if ch.is_ascii() {
                    continue;
                }
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + ch.len_utf8();
            }
            writer.write_all(&fragment.as_bytes()[start..])
        }
    }
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, AsciiFormatter);
    value.serialize(&mut serializer).expect("output items always serialise");
    String::from_utf8(out).expect("ASCII is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_json_escapes_non_ascii_and_reads_back_identically() {
        let text = "Hi 👋 é — \"q\" \n مرحبا";
        let json = to_ascii_json(&serde_json::json!({ "t": text }));
        assert!(json.is_ascii(), "{json}");
        assert!(json.contains("\\ud83d\\udc4b"), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["t"], text);
    }
}
