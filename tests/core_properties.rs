#![cfg(not(target_arch = "wasm32"))]
//! Properties of the core over arbitrary input, through the one API the node uses
//! (`Execution::start`, `plan`, `request`, `settle`): it never panics, every output is
//! JSON, every input item gets exactly one plan, the field rules hold exactly, and no
//! secret echoed by Meta or the HTTP client survives into an output.
//!
//! Limits are written here as numbers, not read from the crate, so a changed limit fails.

use instagram_messaging_core::execution::{Answer, Execution, HttpResponse, TransportFailure};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{json, Map, Value};

const CASES: u32 = 2_000;
mod common;
use common::{all_strings, proof_of, SECRET, TOKEN};
const META_UUID: &str = "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b";
/// Meta's limit for a text message, in UTF-8 bytes.
const MAX_TEXT_BYTES: usize = 1000;
/// The node's cap on retries, its longest single wait, and the backoff base, in ms.
const MAX_MAX_RETRIES: u32 = 10;
const MAX_WAIT_MS: u64 = 60_000;
const BASE_DELAY_MS: u64 = 500;
/// Stands for a lone UTF-16 surrogate escape: `json!` cannot express one, so the
/// serialised input has this replaced by a raw `\ud83d`-style escape.
const LONE: &str = "@@LONE-SURROGATE@@";
const LONE_ESCAPES: [&str; 4] = [r"\ud83d", r"\ude00", r"a\udbffz", r"\ude00\ud83d"];

/// 2000 cases per property; `PROPTEST_CASES` raises it for a longer hunt. Inside a mutation
/// run (scripts/mutants.sh sets `INSIDE_MUTANTS`), 200: each of hundreds of mutants runs the suite.
fn config() -> ProptestConfig {
    let floor = if std::env::var_os("INSIDE_MUTANTS").is_some() { 200 } else { CASES };
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(floor);
    ProptestConfig::with_cases(cases.max(floor))
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("output is not JSON ({err}): {text}"))
}

fn with_lone_surrogates(text: String, pick: usize) -> String {
    text.replace(LONE, LONE_ESCAPES[pick % LONE_ESCAPES.len()])
}

/// The plan as one JSON document: the set-up error, and per item its first request
/// (`send`) or its refusal (`refused`).
fn plan_text(execution: &Execution) -> String {
    let plan = execution.plan();
    let items: Vec<Value> = (0..execution.item_count())
        .map(|index| match execution.request(index) {
            Ok(request) => json!({ "send": serde_json::to_value(&request).unwrap() }),
            Err(report) => json!({ "refused": serde_json::to_value(&report).unwrap() }),
        })
        .collect();
    assert_eq!(plan.item_count as usize, items.len());
    assert_eq!(plan.refused.len(), items.iter().filter(|item| item.get("refused").is_some()).count());
    let mut document = json!({ "items": items });
    if let Some(setup) = plan.setup_error {
        document["setupError"] = serde_json::to_value(&setup).unwrap();
    }
    document.to_string()
}

#[allow(clippy::too_many_arguments)]
fn respond(execution: &Execution, index: usize, attempt: u32, status: u16, headers: &str, body: &str, now_ms: f64, random: f64) -> String {
    let answer = Answer {
        index: index as u32,
        attempt,
        step: None,
        response: Some(HttpResponse { status, headers: serde_json::from_str(headers).unwrap_or_default(), body: body.to_string() }),
        failure: None,
        now_ms,
        random,
    };
    execution.settle(&answer).to_json()
}

fn fail(execution: &Execution, index: usize, attempt: u32, code: &str, message: &str, random: f64) -> String {
    let answer = Answer {
        index: index as u32,
        attempt,
        failure: Some(TransportFailure { code: code.to_string(), message: message.to_string() }),
        now_ms: 0.0,
        random,
        ..Answer::default()
    };
    execution.settle(&answer).to_json()
}

/// Plans one sendMessage item with these parameters: its request body, or its error message.
fn plan_one(user_id: Value, text: Value) -> Result<Value, String> {
    let input = json!({
        "operation": "sendMessage",
        "credentials": {"accessToken": TOKEN, "appSecret": SECRET},
        "environment": {"N8N_META_UUID": META_UUID},
        "items": [{"userId": user_id, "messageText": text}]
    });
    let execution = Execution::start(&input.to_string());
    match execution.request(0) {
        Ok(request) => Ok(serde_json::from_str(request.json_body().expect("a JSON body")).unwrap()),
        Err(report) => Err(report.message),
    }
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/// Keys the core looks for, so arbitrary objects often hit real code paths.
fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "userId", "messageText", "$error", "parameter", "message", "accessToken", "appSecret",
            "apiVersion", "baseUrl", "N8N_META_UUID", "maxRetries", "retryUnknownDelivery", "error",
            "code", "error_subcode", "message_id", "items", "operation",
        ])
        .prop_map(str::to_string),
        1 => any::<String>(),
        1 => Just(LONE.to_string()),
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "[0-9]{0,25}",
        1 => Just(LONE.to_string()),
        1 => "[ -~]{0,40}",
        1 => prop::sample::select(vec!["sendMessage", "v18.0", "https://graph.facebook.com", "", " "])
            .prop_map(str::to_string),
    ]
}

fn arb_f64_value() -> impl Strategy<Value = Value> {
    any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null))
}

/// Any JSON value, nested up to a few levels.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        arb_f64_value(),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A field that is usually valid, sometimes absent, sometimes anything at all.
fn field(valid: Value) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![4 => Just(Some(valid)), 1 => Just(None), 2 => arb_json().prop_map(Some)]
}

fn arb_item() -> impl Strategy<Value = Value> {
    let user_id = prop_oneof![
        3 => "[1-9][0-9]{14,19}".prop_map(Value::String),
        1 => any::<u64>().prop_map(Value::from),
        2 => arb_json(),
    ];
    let text = prop_oneof![3 => any::<String>().prop_map(Value::String), 2 => arb_json()];
    prop_oneof![
        4 => (user_id, text).prop_map(|(u, t)| json!({"userId": u, "messageText": t})),
        1 => (arb_string(), arb_string()).prop_map(|(p, m)| json!({"$error": {"parameter": p, "message": m}})),
        1 => arb_json(),
    ]
}

fn arb_items() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::collection::vec(arb_item(), 0..5).prop_map(Value::Array),
        1 => arb_json(),
    ]
}

/// A start input: every field usually valid, any field possibly garbage.
fn arb_start_input() -> impl Strategy<Value = Value> {
    let credentials = prop_oneof![
        2 => Just(json!({"accessToken": TOKEN, "appSecret": SECRET, "apiVersion": "v18.0", "baseUrl": "https://graph.facebook.com"})),
        1 => (arb_json(), arb_json(), arb_json(), arb_json()).prop_map(|(t, s, v, b)| {
            json!({"accessToken": t, "appSecret": s, "apiVersion": v, "baseUrl": b})
        }),
        1 => arb_json(),
    ];
    let environment = prop_oneof![
        2 => Just(json!({"N8N_META_UUID": META_UUID})),
        1 => arb_json().prop_map(|v| json!({"N8N_META_UUID": v})),
        1 => arb_json(),
    ];
    let retry = prop_oneof![
        2 => (0u32..12, any::<bool>()).prop_map(|(m, u)| json!({"maxRetries": m, "retryUnknownDelivery": u})),
        1 => (arb_json(), arb_json()).prop_map(|(m, u)| json!({"maxRetries": m, "retryUnknownDelivery": u})),
    ];
    (
        field(json!("sendMessage")),
        prop_oneof![3 => credentials.prop_map(Some), 1 => Just(None)],
        prop_oneof![3 => environment.prop_map(Some), 1 => Just(None)],
        field(json!("2026-01-01T00:00:00.000Z")),
        prop_oneof![3 => retry.prop_map(Some), 1 => Just(None)],
        prop_oneof![8 => arb_items().prop_map(Some), 1 => Just(None)],
    )
        .prop_map(|(operation, credentials, environment, started_at, retry, items)| {
            let mut input = Map::new();
            for (key, value) in [
                ("operation", operation),
                ("credentials", credentials),
                ("environment", environment),
                ("startedAt", started_at),
                ("retry", retry),
                ("items", items),
            ] {
                if let Some(value) = value {
                    input.insert(key.to_string(), value);
                }
            }
            Value::Object(input)
        })
}

fn arb_headers_json() -> impl Strategy<Value = String> {
    let usage = (arb_f64_value(), arb_f64_value(), arb_json()).prop_map(|(calls, minutes, extra)| {
        json!({"1784": [{"type": "instagram", "call_count": calls, "total_time": extra,
                         "estimated_time_to_regain_access": minutes}]})
        .to_string()
    });
    let header_value = prop_oneof![
        "[0-9]{0,22}".prop_map(Value::String),
        usage.prop_map(Value::String),
        (arb_f64_value(), arb_f64_value()).prop_map(|(a, b)| Value::String(json!({"call_count": a, "total_cputime": b}).to_string())),
        arb_json(),
    ];
    let header_name = prop::sample::select(vec![
        "Retry-After", "retry-after", "X-App-Usage", "x-app-usage", "X-Business-Use-Case-Usage",
        "x-business-use-case-usage", "content-type",
    ]);
    prop_oneof![
        3 => prop::collection::vec((header_name, header_value), 0..5).prop_map(|pairs| {
            Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).to_string()
        }),
        1 => arb_json().prop_map(|v| v.to_string()),
        1 => any::<String>(),
    ]
}

fn arb_body() -> impl Strategy<Value = String> {
    let graph = (arb_json(), arb_json(), arb_json(), arb_json(), arb_json()).prop_map(|(m, c, s, t, tr)| {
        json!({"error": {"message": m, "code": c, "error_subcode": s, "type": t, "is_transient": tr}}).to_string()
    });
    let graph_plain = (any::<String>(), any::<i64>(), prop::option::of(any::<i64>()), any::<bool>()).prop_map(
        |(m, c, s, t)| json!({"error": {"message": m, "code": c, "error_subcode": s, "is_transient": t}}).to_string(),
    );
    let success = arb_json().prop_map(|id| json!({"recipient_id": "1", "message_id": id}).to_string());
    prop_oneof![
        2 => any::<String>(),
        2 => graph,
        2 => graph_plain,
        2 => success,
        1 => arb_json().prop_map(|v| v.to_string()),
        1 => prop::collection::vec(any::<char>(), 0..3000).prop_map(String::from_iter),
    ]
}

fn valid_execution(items: usize, max_retries: u32, retry_unknown: bool) -> Execution {
    let items: Vec<Value> =
        (0..items).map(|i| json!({"userId": format!("1784140000000000{i}"), "messageText": "hi"})).collect();
    let input = json!({
        "operation": "sendMessage",
        "credentials": {"accessToken": TOKEN, "appSecret": SECRET},
        "environment": {"N8N_META_UUID": META_UUID},
        "startedAt": "2026-01-01T00:00:00.000Z",
        "retry": {"maxRetries": max_retries, "retryUnknownDelivery": retry_unknown},
        "items": items
    });
    Execution::start(&input.to_string())
}

/// Checks a settlement's shape and the retry rules every settlement must obey.
fn check_settlement(text: &str, attempt: u32, max_retries: u32) -> Value {
    let settled = parse(text);
    match settled["outcome"].as_str() {
        Some("done") => assert!(settled["outputs"][0].is_object(), "{text}"),
        Some("retry") => {
            let after = settled["afterMs"].as_u64().unwrap_or_else(|| panic!("{text}"));
            assert!(after <= MAX_WAIT_MS + BASE_DELAY_MS / 2, "waits {after} ms: {text}");
            assert!(settled["pauseAll"].is_boolean(), "{text}");
            assert!(
                attempt.saturating_sub(1) < max_retries.min(MAX_MAX_RETRIES),
                "retry after attempt {attempt} with max {max_retries}: {text}"
            );
        }
        Some("failed") => {
            let error = &settled["error"];
            assert!(error["message"].is_string() && error["code"].is_string(), "{text}");
            assert_eq!(error["item"]["success"], false, "{text}");
            assert_eq!(error["item"]["error"], error["message"], "{text}");
        }
        _ => panic!("unknown outcome: {text}"),
    }
    settled
}

/// A secret that cannot coincidentally appear in any fixed text of the core: printable
/// ASCII, 12 to 80 characters, with at least one '#' or '~'.
fn arb_secret() -> impl Strategy<Value = String> {
    ("[!-~]{11,79}", prop::sample::select(vec!['#', '~']), any::<prop::sample::Index>()).prop_map(
        |(base, mark, at)| {
            let mut secret = base;
            let at = at.index(secret.len() + 1);
            secret.insert(at, mark);
            secret
        },
    )
}

fn assert_none_leaked(output: &str, secrets: &[&str]) {
    let mut strings = Vec::new();
    all_strings(&parse(output), &mut strings);
    for secret in secrets {
        assert!(!output.contains(secret), "{secret:?} leaked: {output}");
        for s in &strings {
            assert!(!s.contains(secret), "{secret:?} leaked in {s:?}");
        }
    }
}

/// A string of exactly `target` UTF-8 bytes from characters of 1, 2, 3 and 4 bytes.
fn text_of_bytes(target: usize, widths: &[(u8, u32)]) -> String {
    let mut text = String::from("x");
    for &(width, seed) in widths {
        let ch = match width {
            1 => char::from_u32(0x21 + seed % (0x7F - 0x21)),
            2 => char::from_u32(0xA1 + seed % (0x800 - 0xA1)),
            3 => char::from_u32(0x800 + seed % (0x1_0000 - 0x800)).filter(|c| (*c as u32) < 0xD800 || (*c as u32) > 0xDFFF),
            _ => char::from_u32(0x1_0000 + seed % (0x11_0000 - 0x1_0000)),
        }
        .unwrap_or('中');
        if text.len() + ch.len_utf8() > target {
            break;
        }
        text.push(ch);
    }
    while text.len() < target {
        text.push('a');
    }
    text
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn start_never_panics_on_arbitrary_strings(input in prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":,a-z0-9 ]{0,80}",
        any::<String>().prop_map(|s| format!("{{\"items\":[{s}]}}")),
    ]) {
        let execution = Execution::start(&input);
        let plan = parse(&plan_text(&execution));
        let planned = plan["items"].as_array().expect("items list").len();
        prop_assert_eq!(planned, execution.item_count());
        let expected = serde_json::from_str::<Value>(&input)
            .ok()
            .and_then(|v| v.get("items").and_then(Value::as_array).map(Vec::len))
            .unwrap_or(0);
        prop_assert_eq!(planned, expected);
        for index in 0..planned + 1 {
            check_settlement(&respond(&execution, index, 1, 200, "{}", "{\"message_id\":\"m\"}", 0.0, 0.5), 1, 3);
            check_settlement(&fail(&execution, index, 1, "ECONNRESET", &input, 0.5), 1, 3);
        }
    }

    #[test]
    fn start_never_panics_on_arbitrary_json_in_items_credentials_and_environment(
        input in arb_start_input(),
        pick in any::<usize>(),
        status in any::<u16>(),
        body in arb_body(),
        random in any::<f64>(),
    ) {
        let expected_items = input.get("items").and_then(Value::as_array).map_or(0, Vec::len);
        let text = with_lone_surrogates(input.to_string(), pick);
        let execution = Execution::start(&text);
        let plan = parse(&plan_text(&execution));
        let items = plan["items"].as_array().expect("items list");
        prop_assert_eq!(items.len(), expected_items, "input: {}", text);
        prop_assert_eq!(execution.item_count(), expected_items);
        for item in items {
            prop_assert!(item.get("send").is_some() != item.get("refused").is_some(), "{}", item);
            if plan.get("setupError").is_some() {
                // The item's report is the set-up error, naming the item's own person or thread.
                let mut refused = item["refused"].clone();
                for name in ["userId", "commentId", "conversationId"] {
                    refused["item"].as_object_mut().expect("an error item").remove(name);
                }
                prop_assert_eq!(&refused, &plan["setupError"]);
            }
        }
        let max_retries = input["retry"]["maxRetries"].as_u64().map_or(3, |m| m as u32);
        for index in 0..expected_items + 1 {
            for attempt in [1, 4] {
                check_settlement(&respond(&execution, index, attempt, status, "{}", &body, 0.0, random), attempt, max_retries);
                check_settlement(&fail(&execution, index, attempt, "ECONNREFUSED", &body, random), attempt, max_retries);
            }
        }
    }

    #[test]
    fn settle_response_never_panics_and_obeys_the_retry_rules(
        index in 0usize..4,
        attempt in prop_oneof![0u32..13, any::<u32>()],
        status in prop_oneof![any::<u16>(), prop::sample::select(vec![200u16, 400, 429, 500, 503])],
        headers in arb_headers_json(),
        body in arb_body(),
        now_ms in prop_oneof![any::<f64>(), 0.0..4e12f64],
        random in any::<f64>(),
        max_retries in 0u32..12,
        retry_unknown in any::<bool>(),
    ) {
        let execution = valid_execution(2, max_retries, retry_unknown);
        let text = respond(&execution, index, attempt, status, &headers, &body, now_ms, random);
        let settled = check_settlement(&text, attempt, max_retries);
        if settled["outcome"] == "done" {
            prop_assert!((200..300).contains(&status), "sent on HTTP {}", status);
            prop_assert!(index < 2);
            // ISO-8601 like JavaScript's toISOString, whatever the clock said.
            let sent_at = settled["outputs"][0]["sentAt"].as_str().unwrap_or_default().as_bytes().to_vec();
            prop_assert!(
                sent_at.len() == 24 && sent_at[10] == b'T' && sent_at[19] == b'.' && sent_at[23] == b'Z',
                "sentAt {:?}", String::from_utf8_lossy(&sent_at)
            );
        }
        if settled["outcome"] == "retry" && settled["pauseAll"] == true {
            // Only throttling pauses everyone.
            prop_assert!(status == 429 || body.contains("\"code\""), "{}", text);
        }
        assert_none_leaked(&text, &[&TOKEN, &SECRET, &proof_of(&SECRET, &TOKEN)]);
    }

    #[test]
    fn settle_transport_failure_never_panics(
        index in 0usize..4,
        attempt in any::<u32>(),
        code in prop_oneof![
            any::<String>(),
            prop::sample::select(vec!["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "ERR_INVALID_URL", ""])
                .prop_map(str::to_string),
        ],
        message in prop_oneof![any::<String>(), prop::collection::vec(any::<char>(), 0..2000).prop_map(String::from_iter)],
        random in any::<f64>(),
        max_retries in 0u32..12,
        retry_unknown in any::<bool>(),
    ) {
        let execution = valid_execution(2, max_retries, retry_unknown);
        let text = fail(&execution, index, attempt, &code, &message, random);
        let settled = check_settlement(&text, attempt, max_retries);
        prop_assert!(settled["outcome"] != "done", "{}", text);
        if settled["outcome"] == "retry" {
            prop_assert_eq!(&settled["pauseAll"], &Value::Bool(false));
        }
    }

    #[test]
    fn user_id_accepts_exactly_trimmed_digit_strings_without_leading_zero(
        text in prop_oneof![
            any::<String>(),
            "[0-9]{0,40}",
            "[ \t\n]{0,3}[0-9]{1,35}[ \t\n]{0,3}",
            "[0-9a]{1,20}",
        ]
    ) {
        let result = plan_one(Value::String(text.clone()), json!("hi"));
        let trimmed = text.trim();
        let valid = !trimmed.is_empty()
            && trimmed.bytes().all(|b| b.is_ascii_digit())
            && !trimmed.starts_with('0')
            && trimmed.len() <= 32;
        match result {
            Ok(body) => {
                prop_assert!(valid, "accepted {:?}", text);
                prop_assert_eq!(&body["recipient"]["id"], &Value::String(trimmed.to_string()));
            }
            Err(message) => {
                prop_assert!(!valid, "refused {:?}: {}", text, message);
                prop_assert!(message.starts_with("User ID "), "{}", message);
            }
        }
    }

    #[test]
    fn message_text_accepts_exactly_sendable_text_of_at_most_1000_bytes(
        text in prop_oneof![
            any::<String>(),
            prop::collection::vec(any::<char>(), 0..1100).prop_map(String::from_iter),
            "[ -~\n\t]{990,1010}",
            "\\PC{240,260}",
        ]
    ) {
        let result = plan_one(json!("17841400000000001"), Value::String(text.clone()));
        let sendable = !text.trim().is_empty()
            && !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            && text.len() <= MAX_TEXT_BYTES;
        match result {
            Ok(body) => {
                prop_assert!(sendable, "accepted {:?}", text);
                prop_assert_eq!(&body["message"]["text"], &Value::String(text.clone()), "text is sent exactly as given");
            }
            Err(message) => {
                prop_assert!(!sendable, "refused {:?}: {}", text, message);
                prop_assert!(message.starts_with("Message Text "), "{}", message);
            }
        }
    }

    #[test]
    fn validators_never_panic_on_any_json_value(user_id in arb_json(), text in arb_json()) {
        if let Ok(body) = plan_one(user_id, text) {
            let id = body["recipient"]["id"].as_str().expect("the ID is text");
            prop_assert!(id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0'), "{}", id);
            prop_assert!(body["message"]["text"].as_str().expect("the text is text").len() <= MAX_TEXT_BYTES);
        }
    }

    #[test]
    fn text_of_exactly_1000_bytes_passes_and_1001_fails_for_any_character_widths(
        target in prop_oneof![Just(1000usize), Just(1001usize), 995usize..=1006],
        widths in prop::collection::vec((1u8..=4, any::<u32>()), 0..1000),
    ) {
        let text = text_of_bytes(target, &widths);
        prop_assert_eq!(text.len(), target);
        let result = plan_one(json!("17841400000000001"), Value::String(text.clone()));
        if target <= MAX_TEXT_BYTES {
            prop_assert_eq!(&result.expect("fits")["message"]["text"], &Value::String(text));
        } else {
            let message = result.expect_err("too long");
            prop_assert!(message.contains(&format!("is {target} bytes long")), "{}", message);
            prop_assert!(message.contains(&format!("{} characters", text.chars().count())), "{}", message);
            prop_assert!(message.contains(&format!("shorten it by {} bytes", target - MAX_TEXT_BYTES)), "{}", message);
        }
    }

    #[test]
    fn secrets_echoed_in_any_meta_error_never_reach_the_output(
        token in arb_secret(),
        secret in arb_secret(),
        before in any::<String>(),
        between in any::<String>(),
        after in any::<String>(),
        echo_proof in any::<bool>(),
        code in prop::sample::select(vec![190i64, 4, 2, 100, 10, 551]),
        status in prop::sample::select(vec![200u16, 400, 403, 429, 500]),
        attempt in prop::sample::select(vec![1u32, 4]),
    ) {
        let proof = proof_of(&secret, &token);
        let input = json!({
            "operation": "sendMessage",
            "credentials": {"accessToken": token, "appSecret": secret},
            "environment": {"N8N_META_UUID": META_UUID},
            "startedAt": "2026-01-01T00:00:00.000Z",
            "items": [{"userId": "17841400000000001", "messageText": "hi"}]
        });
        let execution = Execution::start(&input.to_string());
        prop_assert!(execution.plan().setup_error.is_none(), "{:?}", execution.plan().setup_error);
        let echoed = format!("{before}{token}{between}{secret}{after}{}", if echo_proof { proof.as_str() } else { "" });
        let body = json!({"error": {
            "message": echoed, "code": code, "type": format!("{secret}{token}"),
            "error_user_title": token, "error_user_msg": echoed, "fbtrace_id": secret
        }})
        .to_string();
        let secrets = [token.as_str(), secret.as_str(), proof.as_str()];
        let settled = respond(&execution, 0, attempt, status, "{}", &body, 0.0, 0.5);
        assert_none_leaked(&settled, &secrets);
        prop_assert!(settled.contains("[redacted]"), "{}", settled);
        let transport = fail(&execution, 0, attempt, "ECONNRESET", &echoed, 0.5);
        assert_none_leaked(&transport, &secrets);
        let transport_code = fail(&execution, 0, attempt, &echoed, &echoed, 0.5);
        assert_none_leaked(&transport_code, &secrets);
        assert_none_leaked(&plan_text(&execution), &secrets);
        let success = respond(&execution, 0, 1, 200, "{}", "{\"message_id\":\"m\"}", 0.0, 0.5);
        assert_none_leaked(&success, &secrets);
    }
}
