//! An event as the item the workflow gets. Fields appear where they apply, always in this
//! order: `eventType`, `accountId`, `userId`, `senderId`, `recipientId`, `timestamp`, `time`,
//! `messageId`, `text`, `attachments`, `quickReplyPayload`, `replyTo`, `reaction`,
//! `postback`, `referral`, `commentId`, `mediaId`, `username`, `deleted`, `raw`.
//!
//! `userId` is the other party, ready for Send Message: the sender, or the recipient of an
//! echo (your own message). `commentId` is ready for Send Private Reply.

use super::events::{id_text, Event, EventKind};
use crate::clock::iso8601;
use crate::output::{OrderedObject, OutputItem};
use serde_json::{json, Value};

/// The fields of a trigger item, in order.
pub const ITEM_FIELDS: &[&str] = &[
    "eventType",
    "accountId",
    "userId",
    "senderId",
    "recipientId",
    "timestamp",
    "time",
    "messageId",
    "text",
    "attachments",
    "quickReplyPayload",
    "replyTo",
    "reaction",
    "postback",
    "referral",
    "commentId",
    "mediaId",
    "username",
    "deleted",
    "raw",
];

pub fn item(event: &Event, include_raw: bool) -> OutputItem {
    let body = event.body();
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(Value::from);
    let id = |value: Option<&Value>| id_text(value).map(Value::from);
    let mut fields: Vec<(&str, Option<Value>)> = Vec::with_capacity(ITEM_FIELDS.len());
    fields.push(("eventType", Some(Value::from(event.kind.value()))));
    fields.push(("accountId", event.account_id.clone().map(Value::from)));
    match event.kind {
        EventKind::Comment | EventKind::LiveComment => {
            let from = body.get("from");
            let sender = id(from.and_then(|f| f.get("id")));
            fields.push(("userId", sender.clone()));
            fields.push(("senderId", sender));
        }
        EventKind::Mention => {}
        kind => {
            let sender = event.sender_id().map(Value::from);
            let recipient = event.recipient_id().map(Value::from);
            let other = if kind == EventKind::Echo { recipient.clone() } else { sender.clone() };
            fields.push(("userId", other));
            fields.push(("senderId", sender));
            fields.push(("recipientId", recipient));
        }
    }
    // Whole milliseconds are written as integers (`1767225600000`, not `…000.0`).
    let timestamp = if event.timestamp.fract() == 0.0 && event.timestamp < 9e15 { json!(event.timestamp as u64) } else { json!(event.timestamp) };
    fields.push(("timestamp", Some(timestamp)));
    fields.push(("time", Some(Value::from(iso8601(event.timestamp)))));
    match event.kind {
        EventKind::Message | EventKind::Echo => {
            fields.push(("messageId", id(body.get("mid"))));
            fields.push(("text", text("text")));
            fields.push(("attachments", body.get("attachments").cloned()));
            fields.push(("quickReplyPayload", body.get("quick_reply").and_then(|q| q.get("payload")).and_then(Value::as_str).map(Value::from)));
            fields.push(("replyTo", body.get("reply_to").map(reply_to)));
            fields.push(("referral", body.get("referral").cloned()));
            if body.get("is_deleted").and_then(Value::as_bool) == Some(true) {
                fields.push(("deleted", Some(Value::Bool(true))));
            }
        }
        EventKind::Reaction => {
            fields.push(("messageId", id(body.get("mid"))));
            let mut reaction = serde_json::Map::new();
            for name in ["action", "reaction", "emoji"] {
                if let Some(value) = body.get(name) {
                    reaction.insert(name.to_string(), value.clone());
                }
            }
            fields.push(("reaction", Some(Value::Object(reaction))));
        }
        EventKind::Postback => {
            fields.push(("messageId", id(body.get("mid"))));
            let mut postback = serde_json::Map::new();
            for name in ["title", "payload"] {
                if let Some(value) = body.get(name) {
                    postback.insert(name.to_string(), value.clone());
                }
            }
            fields.push(("postback", Some(Value::Object(postback))));
            fields.push(("referral", body.get("referral").cloned()));
        }
        EventKind::Read => fields.push(("messageId", id(body.get("mid")))),
        EventKind::Referral => fields.push(("referral", Some(Value::Object(body.clone())))),
        EventKind::Comment | EventKind::LiveComment => {
            fields.push(("text", text("text")));
            fields.push(("commentId", id(body.get("id"))));
            fields.push(("mediaId", id(body.get("media").and_then(|m| m.get("id")))));
            fields.push(("username", body.get("from").and_then(|f| f.get("username")).and_then(Value::as_str).map(Value::from)));
        }
        EventKind::Mention => {
            fields.push(("commentId", id(body.get("comment_id"))));
            fields.push(("mediaId", id(body.get("media_id"))));
        }
    }
    if include_raw {
        fields.push(("raw", Some(event.raw.clone())));
    }
    let mut item = OrderedObject::new();
    // In the documented order, whatever order they were gathered in.
    for name in ITEM_FIELDS {
        if let Some((_, Some(value))) = fields.iter().find(|(field, _)| field == name) {
            item.push(name, value.clone());
        }
    }
    OutputItem::new(&item)
}

/// `reply_to` as the item shows it: `{messageId}` for a reply to a message, `{story: {url,
/// id}}` for a reply to a story.
fn reply_to(value: &Value) -> Value {
    let mut reply = serde_json::Map::new();
    if let Some(mid) = id_text(value.get("mid")) {
        reply.insert("messageId".into(), Value::from(mid));
    }
    if let Some(story) = value.get("story") {
        reply.insert("story".into(), story.clone());
    }
    Value::Object(reply)
}
