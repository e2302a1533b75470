//! A delivery's events: `entry[].messaging[]` (messages, echoes, reactions, postbacks,
//! reads, referrals) and `entry[].changes[]` (comments, live comments, mentions), in the
//! order they happened, each with the key that tells a repeat delivery from a new event.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Message,
    Echo,
    Reaction,
    Postback,
    Read,
    Referral,
    Comment,
    LiveComment,
    Mention,
}

impl EventKind {
    /// The `eventType` of the item (the `events` parameter value).
    pub fn value(self) -> &'static str {
        super::settings::EVENT_KINDS.iter().find(|choice| choice.kind == self).map_or("", |choice| choice.value)
    }
}

/// One event of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    /// The Instagram professional account the delivery is for (`entry.id`).
    pub account_id: Option<String>,
    /// When it happened, ms since the Unix epoch.
    pub timestamp: f64,
    /// The event object as Meta sent it (`messaging[i]`, or `changes[i]`).
    pub raw: Value,
}

/// A delivery, read: its events in time order, and how many it held of kinds the trigger
/// does not know.
#[derive(Debug)]
pub struct Delivery {
    pub events: Vec<Event>,
    pub unknown: usize,
}

/// Reads the body. `Err`: why it is not a delivery (logged; Meta gets 200 regardless).
pub fn read(body: &[u8], now_ms: f64) -> Result<Delivery, String> {
    let value: Value = serde_json::from_slice(body).map_err(|err| format!("the body is not JSON ({:?} error at line {}, column {})", err.classify(), err.line(), err.column()))?;
    let Some(object) = value.as_object() else { return Err("the body is not a JSON object".into()) };
    if let Some(kind) = object.get("object").and_then(Value::as_str).filter(|kind| *kind != "instagram") {
        return Err(format!("the delivery is for {}, not instagram", object_kind(kind)));
    }
    let Some(entries) = object.get("entry").and_then(Value::as_array) else {
        return Err("the body has no entry list".into());
    };
    let mut events = Vec::new();
    let mut unknown = 0;
    for entry in entries {
        let Some(entry) = entry.as_object() else { unknown += 1; continue };
        let account_id = id_text(entry.get("id"));
        let entry_time = entry.get("time").and_then(Value::as_f64).map(to_ms);
        for raw in entry.get("messaging").and_then(Value::as_array).into_iter().flatten() {
            match messaging_kind(raw) {
                Some(kind) => {
                    let timestamp = raw.get("timestamp").and_then(number).map(to_ms).or(entry_time).unwrap_or(now_ms);
                    events.push(Event { kind, account_id: account_id.clone(), timestamp, raw: raw.clone() });
                }
                None => unknown += 1,
            }
        }
        for raw in entry.get("changes").and_then(Value::as_array).into_iter().flatten() {
            match raw.get("field").and_then(Value::as_str) {
                Some(field) if change_kind(field).is_some() && raw.get("value").is_some_and(Value::is_object) => {
                    let kind = change_kind(field).expect("checked");
                    let timestamp = raw["value"].get("timestamp").and_then(number).map(to_ms).or(entry_time).unwrap_or(now_ms);
                    events.push(Event { kind, account_id: account_id.clone(), timestamp, raw: raw.clone() });
                }
                _ => unknown += 1,
            }
        }
    }
    // Stable: events with the same time keep the order Meta sent them in.
    events.sort_by(|a, b| a.timestamp.total_cmp(&b.timestamp));
    Ok(Delivery { events, unknown })
}

fn messaging_kind(raw: &Value) -> Option<EventKind> {
    let event = raw.as_object()?;
    if let Some(message) = event.get("message").and_then(Value::as_object) {
        return Some(if message.get("is_echo").and_then(Value::as_bool) == Some(true) { EventKind::Echo } else { EventKind::Message });
    }
    [
        ("reaction", EventKind::Reaction),
        ("postback", EventKind::Postback),
        ("read", EventKind::Read),
        ("referral", EventKind::Referral),
    ]
    .into_iter()
    .find(|(member, _)| event.get(*member).is_some_and(Value::is_object))
    .map(|(_, kind)| kind)
}

fn change_kind(field: &str) -> Option<EventKind> {
    match field {
        "comments" => Some(EventKind::Comment),
        "live_comments" => Some(EventKind::LiveComment),
        "mentions" => Some(EventKind::Mention),
        _ => None,
    }
}

impl Event {
    /// The event's `message`, `reaction`, … object, or the change's `value`.
    pub fn body(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let member = match self.kind {
            EventKind::Message | EventKind::Echo => "message",
            EventKind::Reaction => "reaction",
            EventKind::Postback => "postback",
            EventKind::Read => "read",
            EventKind::Referral => "referral",
            EventKind::Comment | EventKind::LiveComment | EventKind::Mention => "value",
        };
        self.raw.get(member).and_then(Value::as_object).unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    pub fn sender_id(&self) -> Option<String> {
        id_text(self.raw.get("sender").and_then(|s| s.get("id")))
    }

    pub fn recipient_id(&self) -> Option<String> {
        id_text(self.raw.get("recipient").and_then(|s| s.get("id")))
    }

    /// What tells a repeat delivery of this event from a new one: the message ID for
    /// messages, echoes and postbacks, the message ID and the action for reactions, the
    /// comment ID for comments, otherwise a digest of the event as Meta sent it.
    pub fn key(&self) -> String {
        let text = |name: &str| id_text(self.body().get(name));
        let keyed = match self.kind {
            EventKind::Message | EventKind::Echo | EventKind::Postback => {
                let deleted = self.body().get("is_deleted").and_then(Value::as_bool) == Some(true);
                text("mid").map(|mid| if deleted { format!("mid:{mid}:deleted") } else { format!("mid:{mid}") })
            }
            EventKind::Reaction => text("mid").map(|mid| {
                let action = text("action").unwrap_or_default();
                format!("reaction:{mid}:{action}")
            }),
            EventKind::Comment | EventKind::LiveComment => text("id").map(|id| format!("comment:{id}")),
            EventKind::Mention => text("comment_id").map(|id| format!("mention:{id}")),
            EventKind::Read | EventKind::Referral => None,
        };
        keyed.unwrap_or_else(|| {
            use sha2::Digest;
            let canonical = serde_json::to_vec(&self.raw).expect("JSON values serialise");
            format!("{}:{}", self.kind.value(), hex::encode(&sha2::Sha256::digest(canonical)[..16]))
        })
    }
}

/// An ID as text: Meta sends IDs as strings, but a number is read too.
pub fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A time Meta sent as a number or a numeric string.
fn number(value: &Value) -> Option<f64> {
    value.as_f64().or_else(|| value.as_str().and_then(|s| s.parse().ok())).filter(|n| n.is_finite() && *n >= 0.0)
}

/// Meta's times are in ms for messaging events and in seconds for changes: below 10^11
/// (the year 5138 in seconds, 1973 in ms) a time is taken as seconds.
fn to_ms(time: f64) -> f64 {
    if time < 1e11 { time * 1000.0 } else { time }
}

/// The `object` a delivery names, as the log may show it: Meta's kinds are short lowercase
/// words (`page`, `whatsapp_business_account`); anything else is body text and stays out.
fn object_kind(kind: &str) -> String {
    if !kind.is_empty() && kind.len() <= 40 && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        format!("object \"{kind}\"")
    } else {
        "another kind of object".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn an_entry_that_is_not_an_object_counts_as_unknown() {
        let delivery = read(br#"{"object":"instagram","entry":[5,"x",{"id":"1","time":1}]}"#, 0.0).unwrap();
        assert_eq!((delivery.events.len(), delivery.unknown), (0, 2));
    }
}
