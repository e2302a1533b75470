//! Requests cross to the wrapper a chunk at a time (src/request_chunk.rs). Decoding a chunk
//! must give exactly the requests the core plans one by one, for every kind of item.

use instagram_messaging_core::execution::Execution;
use instagram_messaging_core::request_chunk::request_chunk;
use serde_json::{json, Value};

mod common;
use common::{SECRET, TOKEN};

/// The wrapper's decoding (js-wrapper/bridge/session.ts `decodeChunk`), in Rust.
fn decode(text: &str) -> Vec<Value> {
    let mut lines = text.split('\n');
    let chunk: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let bodies: Vec<&str> = lines.collect();
    chunk["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let Some(reference) = item.get("request") else { return item.clone() };
            let mut request = chunk["heads"][reference["head"].as_u64().unwrap() as usize].clone();
            if let Some(body) = reference.get("body").and_then(Value::as_u64) {
                request["body"] = json!({"kind": "json", "text": bodies[body as usize]});
            }
            json!({ "request": request })
        })
        .collect()
}

fn one_by_one(execution: &Execution, from: usize, to: usize) -> Vec<Value> {
    (from..to)
        .map(|index| match execution.request(index) {
            Ok(request) => json!({ "request": request }),
            Err(report) => json!({ "refused": report }),
        })
        .collect()
}

fn start(operation: &str, items: Value) -> Execution {
    Execution::start(
        &json!({
            "operation": operation,
            "credentials": {"accessToken": *TOKEN, "appSecret": *SECRET},
            "environment": {"N8N_META_UUID": "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b"},
            "startedAt": "2026-01-01T00:00:00.000Z",
            "items": items
        })
        .to_string(),
    )
}

#[test]
fn a_chunk_decodes_to_exactly_the_requests_planned_one_by_one() {
    let texts = ["hi", "line one\nline two\r\n", "emoji 👋 \u{2028} \"quoted\" \\ slash", "tab\there"];
    let items: Vec<Value> = (0..40)
        .map(|i| {
            if i % 7 == 3 {
                json!({"userId": "not an id", "messageText": "x"})
            } else {
                json!({"userId": format!("1784140000000{:04}", i), "messageText": texts[i % texts.len()]})
            }
        })
        .collect();
    let execution = start("sendMessage", Value::Array(items));
    for (from, count) in [(0, 64), (0, 1), (3, 1), (5, 10), (38, 64), (40, 5)] {
        let text = request_chunk(&execution, from, count);
        let end = (from + count).min(40);
        assert_eq!(decode(&text), one_by_one(&execution, from, end), "chunk {from}+{count}");
    }
}

#[test]
fn identical_heads_are_written_once_and_different_ones_each() {
    let same = start("sendMessage", json!([{"userId": "17841400000000001", "messageText": "a"}, {"userId": "17841400000000002", "messageText": "b"}]));
    let first_line = request_chunk(&same, 0, 2).lines().next().unwrap().to_string();
    let chunk: Value = serde_json::from_str(&first_line).unwrap();
    assert_eq!(chunk["heads"].as_array().unwrap().len(), 1, "{chunk}");

    let profiles = start("getProfile", json!([{"userId": "17841400000000001"}, {"userId": "17841400000000002"}]));
    let text = request_chunk(&profiles, 0, 2);
    assert!(!text.contains('\n'), "GETs have no body line: {text}");
    let chunk: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(chunk["heads"].as_array().unwrap().len(), 2, "each profile has its own URL: {chunk}");
    assert_eq!(decode(&text), one_by_one(&profiles, 0, 2));
}

#[test]
fn no_json_body_holds_a_raw_line_break() {
    let execution = start("sendMessage", json!([{"userId": "17841400000000001", "messageText": "a\nb\rc\u{2028}d"}]));
    let text = request_chunk(&execution, 0, 1);
    assert_eq!(text.split('\n').count(), 2, "{text}");
}
