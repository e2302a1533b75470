//! What the output items look like before a run: a JSON schema per operation and one for
//! the trigger, which n8n serves from the node's `__schema__` folder to preview the fields
//! a next node can use. Each output field has one JSON type, named once here; a test checks
//! every item the core produces against its operation's schema.

use crate::operations::{OperationSpec, REGISTRY};
use crate::webhook::items::ITEM_FIELDS;
use serde_json::{json, Map, Value};

/// Every output field and its JSON type. A field means the same in every operation.
pub const FIELD_TYPES: &[(&str, &str)] = &[
    ("success", "boolean"),
    ("operation", "string"),
    ("userId", "string"),
    ("messageText", "string"),
    ("messageId", "string"),
    ("sentAt", "string"),
    ("replyToMessageId", "string"),
    ("messagingType", "string"),
    ("tag", "string"),
    ("appSecretProofUsed", "string"),
    ("timestamp", "string"),
    ("nodeVersion", "string"),
    ("mediaType", "string"),
    ("mediaUrl", "string"),
    ("attachmentId", "string"),
    ("fileName", "string"),
    ("imageUrls", "array"),
    ("postId", "string"),
    ("quickReplies", "integer"),
    ("elements", "integer"),
    ("buttons", "integer"),
    ("senderAction", "string"),
    ("targetMessageId", "string"),
    ("reaction", "string"),
    ("commentId", "string"),
    ("conversationId", "string"),
    ("updated_time", "string"),
    ("participants", "array"),
    ("created_time", "string"),
    ("from", "object"),
    ("to", "array"),
    ("message", "string"),
    ("attachments", "array"),
    ("seen", "boolean"),
    ("name", "string"),
    ("username", "string"),
    ("profile_pic", "string"),
    (SKIPPED_FIELD, "boolean"),
];

/// Set on the item of a send skipped because an earlier run sent it (Skip If Sent Before).
pub const SKIPPED_FIELD: &str = "skipped";

/// The trigger item's fields and their JSON types.
pub const TRIGGER_FIELD_TYPES: &[(&str, &str)] = &[
    ("eventType", "string"),
    ("accountId", "string"),
    ("userId", "string"),
    ("senderId", "string"),
    ("recipientId", "string"),
    ("timestamp", "integer"),
    ("time", "string"),
    ("messageId", "string"),
    ("text", "string"),
    ("attachments", "array"),
    ("quickReplyPayload", "string"),
    ("replyTo", "object"),
    ("reaction", "object"),
    ("postback", "object"),
    ("referral", "object"),
    ("commentId", "string"),
    ("mediaId", "string"),
    ("username", "string"),
    ("deleted", "boolean"),
    ("raw", "object"),
];

/// Fields a message send adds when its options are used, after `sentAt`.
const MESSAGE_OPTION_FIELDS: [&str; 3] = ["replyToMessageId", "messagingType", "tag"];

pub fn type_of(field: &str) -> Option<&'static str> {
    FIELD_TYPES.iter().find(|(name, _)| *name == field).map(|(_, kind)| *kind)
}

fn schema(fields: impl IntoIterator<Item = (&'static str, &'static str)>) -> Value {
    let mut properties = Map::new();
    for (name, kind) in fields {
        properties.insert(name.to_string(), json!({ "type": kind }));
    }
    json!({ "type": "object", "properties": properties, "version": 1 })
}

/// The fields an operation's success items may carry, in order (a send's item skipped
/// because an earlier run sent it carries `skipped` as well).
pub fn fields_of(spec: &OperationSpec) -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = spec.output_fields.to_vec();
    if spec.fields.iter().any(|field| field.parameter == "options.messagingType") {
        let at = fields.iter().position(|f| *f == "sentAt").map_or(fields.len(), |i| i + 1);
        for (offset, name) in MESSAGE_OPTION_FIELDS.iter().enumerate() {
            fields.insert(at + offset, name);
        }
    }
    if spec.changes {
        fields.push(SKIPPED_FIELD);
    }
    fields
}

/// An operation's output schema. Every field has a type (a test keeps it so).
pub fn operation_schema(spec: &OperationSpec) -> Value {
    schema(fields_of(spec).into_iter().map(|name| (name, type_of(name).unwrap_or("string"))))
}

/// Every operation's schema, by resource and operation.
pub fn operation_schemas() -> Vec<(&'static str, &'static str, Value)> {
    REGISTRY.iter().map(|spec| (spec.resource.value, spec.name, operation_schema(spec))).collect()
}

/// The trigger item's schema.
pub fn trigger_schema() -> Value {
    schema(ITEM_FIELDS.iter().map(|name| {
        let kind = TRIGGER_FIELD_TYPES.iter().find(|(field, _)| field == name).map_or("string", |(_, kind)| *kind);
        (*name, kind)
    }))
}

/// Whether `value` has the JSON type `kind` names.
pub fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_field_of_every_operation_has_one_type() {
        for spec in REGISTRY {
            for field in fields_of(spec) {
                assert!(type_of(field).is_some(), "{}: {field} has no type", spec.name);
            }
        }
        let mut names: Vec<_> = FIELD_TYPES.iter().map(|(name, _)| name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELD_TYPES.len(), "a field is typed twice");
    }

    #[test]
    fn every_trigger_field_has_a_type() {
        for field in ITEM_FIELDS {
            assert!(TRIGGER_FIELD_TYPES.iter().any(|(name, _)| name == field), "{field}");
        }
        assert_eq!(trigger_schema()["properties"]["timestamp"]["type"], "integer");
    }

    #[test]
    fn message_sends_list_their_options_after_sent_at() {
        let send = REGISTRY.iter().find(|spec| spec.name == "sendMessage").unwrap();
        let fields = fields_of(send);
        let at = fields.iter().position(|f| *f == "sentAt").unwrap();
        assert_eq!(&fields[at + 1..at + 4], MESSAGE_OPTION_FIELDS);
    }
}
