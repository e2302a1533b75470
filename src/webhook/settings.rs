//! The trigger's parameters the core reads: which events start the workflow, whether items
//! carry the raw event, and how long a delivered event is remembered to drop repeats.

use super::events::EventKind;
use serde::{Deserialize, Serialize};

/// Every event kind, in the order the trigger offers them, with whether it is on by
/// default. The parameter values are stored in workflows.
pub const EVENT_KINDS: &[EventChoice] = &[
    EventChoice { kind: EventKind::Message, value: "message", label: "Message", meta_field: "messages", default: true },
    EventChoice { kind: EventKind::Echo, value: "echo", label: "Echo (Your Own Messages)", meta_field: "messages", default: false },
    EventChoice { kind: EventKind::Reaction, value: "reaction", label: "Reaction", meta_field: "message_reactions", default: false },
    EventChoice { kind: EventKind::Postback, value: "postback", label: "Postback", meta_field: "messaging_postbacks", default: false },
    EventChoice { kind: EventKind::Read, value: "read", label: "Read", meta_field: "messaging_seen", default: false },
    EventChoice { kind: EventKind::Referral, value: "referral", label: "Referral", meta_field: "messaging_referral", default: false },
    EventChoice { kind: EventKind::Comment, value: "comment", label: "Comment", meta_field: "comments", default: false },
    EventChoice { kind: EventKind::LiveComment, value: "liveComment", label: "Live Comment", meta_field: "live_comments", default: false },
    EventChoice { kind: EventKind::Mention, value: "mention", label: "Mention", meta_field: "mentions", default: false },
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventChoice {
    #[serde(skip)]
    pub kind: EventKind,
    pub value: &'static str,
    pub label: &'static str,
    /// Meta's webhook field that carries the event (what a subscription asks for).
    pub meta_field: &'static str,
    pub default: bool,
}

/// Keys remembered at most, whatever the window.
pub const DEDUP_MAX_KEYS: usize = 10_000;
/// How long a key is remembered by default, in hours; 0 turns deduplication off.
pub const DEDUP_DEFAULT_HOURS: f64 = 24.0;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TriggerSettings {
    /// The `events` parameter: event kind values.
    pub events: Vec<String>,
    pub include_raw_event: bool,
}

impl Default for TriggerSettings {
    fn default() -> Self {
        TriggerSettings {
            events: EVENT_KINDS.iter().filter(|choice| choice.default).map(|choice| choice.value.to_string()).collect(),
            include_raw_event: false,
        }
    }
}

impl TriggerSettings {
    pub fn wants(&self, kind: EventKind) -> bool {
        EVENT_KINDS.iter().any(|choice| choice.kind == kind && self.events.iter().any(|value| value == choice.value))
    }
}
