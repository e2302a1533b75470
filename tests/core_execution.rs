//! One node execution driven through the core's one API (`Execution::start`, `plan`,
//! `request`, `settle`), the same calls the node makes through the wasm boundary: the
//! request plans, the success and error items, retry decisions and redaction. Verdicts are
//! read in the JSON form that crosses the boundary.

use instagram_messaging_core::execution::{Answer, Execution, HttpResponse, TransportFailure};
use instagram_messaging_core::graph_error::{HINTS, RATE_LIMIT_CODES};
use instagram_messaging_core::retry::{BASE_DELAY_MS, MAX_WAIT_MS};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

mod common;
use common::{all_strings, proof_of, OrderedKeys, SECRET, TOKEN};
const META_UUID: &str = "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b";
const STARTED_AT: &str = "2026-01-01T00:00:00.000Z";
const NOW: &str = "2026-01-01T00:00:01.234Z";
/// [`NOW`] in milliseconds since the Unix epoch, as the wrapper passes its clock.
const NOW_MS: f64 = 1_767_225_601_234.0;
const USER_A: &str = "17841400000000001";
const USER_B: &str = "17841400000000002";
const USER_C: &str = "17841400000000003";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The full proof, computed with the `hmac` crate directly (not through the core).
fn full_proof() -> String {
    proof_of(&SECRET, &TOKEN)
}

fn input_with(items: Value) -> Value {
    json!({
        "operation": "sendMessage",
        "credentials": {
            "accessToken": TOKEN,
            "appSecret": SECRET,
            "apiVersion": "v18.0",
            "baseUrl": "https://graph.facebook.com"
        },
        "environment": {"N8N_META_UUID": META_UUID},
        "startedAt": STARTED_AT,
        "retry": {"maxRetries": 3, "retryUnknownDelivery": false},
        "items": items
    })
}

fn one_item() -> Value {
    input_with(json!([{"userId": USER_A, "messageText": "Hello"}]))
}

fn start(input: &Value) -> Execution {
    Execution::start(&input.to_string())
}

fn start_one() -> Execution {
    start(&one_item())
}

fn start_with_retry(max_retries: u32, retry_unknown_delivery: bool) -> Execution {
    let mut input = one_item();
    input["retry"] = json!({"maxRetries": max_retries, "retryUnknownDelivery": retry_unknown_delivery});
    start(&input)
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("output is not JSON ({err}): {text}"))
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
    let mut document = json!({ "items": items, "refused": serde_json::to_value(&plan.refused).unwrap() });
    if let Some(setup) = plan.setup_error {
        document["setupError"] = serde_json::to_value(&setup).unwrap();
    }
    document.to_string()
}

fn plan(execution: &Execution) -> Value {
    parse(&plan_text(execution))
}

fn plan_items(execution: &Execution) -> Vec<Value> {
    plan(execution)["items"].as_array().expect("items is a list").clone()
}

fn sent_request(execution: &Execution, index: usize) -> Value {
    let items = plan_items(execution);
    items[index].get("send").unwrap_or_else(|| panic!("item {index} is not sent: {}", items[index])).clone()
}

/// The JSON body of item `index`'s request.
fn sent_body(execution: &Execution, index: usize) -> Value {
    let request = sent_request(execution, index);
    assert_eq!(request["body"]["kind"], "json", "{request}");
    serde_json::from_str(request["body"]["text"].as_str().unwrap()).unwrap()
}

fn refusal(execution: &Execution, index: usize) -> Value {
    let items = plan_items(execution);
    items[index].get("refused").unwrap_or_else(|| panic!("item {index} is not refused: {}", items[index])).clone()
}

/// Settles item `index` with Meta's response; the verdict as JSON text.
#[allow(clippy::too_many_arguments)]
fn respond(execution: &Execution, index: usize, attempt: u32, status: u16, headers: &str, body: &str, now_ms: f64, random: f64) -> String {
    let answer = Answer {
        index: index as u32,
        attempt,
        step: None,
        response: Some(HttpResponse {
            status,
            headers: serde_json::from_str(headers).unwrap_or_default(),
            body: body.to_string(),
        }),
        failure: None,
        now_ms,
        random,
    };
    execution.settle(&answer).to_json()
}

/// Settles item `index` after a request that got no response; the verdict as JSON text.
fn fail(execution: &Execution, index: usize, attempt: u32, code: &str, message: &str, random: f64) -> String {
    let answer = Answer {
        index: index as u32,
        attempt,
        failure: Some(TransportFailure { code: code.to_string(), message: message.to_string() }),
        now_ms: NOW_MS,
        random,
        ..Answer::default()
    };
    execution.settle(&answer).to_json()
}

fn settle_text(execution: &Execution, attempt: u32, status: u16, headers: &Value, body: &str) -> String {
    respond(execution, 0, attempt, status, &headers.to_string(), body, NOW_MS, 0.5)
}

fn settle(execution: &Execution, attempt: u32, status: u16, headers: &Value, body: &str) -> Value {
    parse(&settle_text(execution, attempt, status, headers, body))
}

fn graph_body(error: Value) -> String {
    json!({ "error": error }).to_string()
}

fn success_body(message_id: &str) -> String {
    json!({"recipient_id": USER_A, "message_id": message_id}).to_string()
}

fn assert_outcome(settled: &Value, outcome: &str) {
    assert_eq!(settled["outcome"], outcome, "{settled}");
}

/// Neither the raw JSON text nor any decoded string holds a secret.
fn assert_no_secrets(output: &str) {
    let proof = full_proof();
    for secret in [&*TOKEN, &*SECRET, proof.as_str()] {
        assert!(!output.contains(secret), "secret {secret:?} leaked in {output}");
    }
    let mut strings = Vec::new();
    all_strings(&parse(output), &mut strings);
    for s in strings {
        for secret in [&*TOKEN, &*SECRET, proof.as_str()] {
            assert!(!s.contains(secret), "secret {secret:?} leaked in decoded string {s:?}");
        }
    }
}

/// No run of 8 or more consecutive characters of any secret appears in the output: a
/// secret cut short is still a leak.
fn assert_no_secret_fragments(output: &str) {
    let proof = full_proof();
    for secret in [&*TOKEN, &*SECRET, proof.as_str()] {
        for start in 0..=secret.len() - 8 {
            let fragment = &secret[start..start + 8];
            assert!(!output.contains(fragment), "fragment {fragment:?} of {secret:?} leaked in {output}");
        }
    }
}

fn package_json_version() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/package.json");
    let text = std::fs::read_to_string(path).expect("package.json is readable");
    let package: Value = serde_json::from_str(&text).expect("package.json is JSON");
    package["version"].as_str().expect("package.json has a version").to_string()
}

// ---------------------------------------------------------------------------------------
// Request building
// ---------------------------------------------------------------------------------------

#[test]
fn plans_a_post_to_me_messages_with_json_headers_and_exact_body() {
    let request = sent_request(&start_one(), 0);
    assert_eq!(request["method"], "POST");
    assert_eq!(request["url"], "https://graph.facebook.com/v18.0/me/messages");
    assert_eq!(request["headers"], json!({"content-type": "application/json", "accept": "application/json"}));
    assert_eq!(
        request["body"],
        json!({"kind": "json", "text": r#"{"recipient":{"id":"17841400000000001"},"message":{"text":"Hello"}}"#})
    );
    assert_eq!(request["rateClass"], "send");
    assert_eq!(request.as_object().unwrap().len(), 5, "{request}");
}

#[test]
fn request_plan_never_carries_credentials() {
    let execution = start_one();
    let text = plan_text(&execution);
    assert_no_secrets(&text);
    assert!(!text.contains("appsecret_proof") && !text.contains("Bearer"), "{text}");
}

#[test]
fn escapes_quotes_backslashes_and_line_breaks_and_keeps_emoji_and_non_bmp_text_in_the_body() {
    let text = "Say \"hi\" \\ to 😀𝔘👩‍👩‍👧\nline two\r\n\ttabbed – café \u{2028}end";
    let execution = start(&input_with(json!([{"userId": USER_A, "messageText": text}])));
    let body = sent_request(&execution, 0)["body"]["text"].as_str().unwrap().to_string();
    // Written by hand: JSON escapes for ", \, newline, carriage return and tab; every
    // other character (emoji, non-BMP, ZWJ sequences, U+2028) travels as UTF-8.
    let expected = "{\"recipient\":{\"id\":\"17841400000000001\"},\"message\":{\"text\":\
                    \"Say \\\"hi\\\" \\\\ to 😀𝔘👩\u{200D}👩\u{200D}👧\\nline two\\r\\n\\ttabbed – café \u{2028}end\"}}";
    assert_eq!(body, expected);
    let round_trip: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(round_trip["message"]["text"], text);
    assert_eq!(round_trip["recipient"]["id"], USER_A);
}

#[test]
fn escaped_surrogate_pair_in_input_arrives_as_one_emoji() {
    let raw = input_with(json!([{"userId": USER_A, "messageText": "@@TEXT@@"}]))
        .to_string()
        .replace("@@TEXT@@", r"a\ud83d\ude00b");
    let execution = Execution::start(&raw);
    let body = sent_body(&execution, 0);
    assert_eq!(body["message"]["text"], "a😀b");
}

#[test]
fn message_text_is_sent_exactly_as_given_including_surrounding_spaces() {
    let execution = start(&input_with(json!([{"userId": USER_A, "messageText": "  padded  \n"}])));
    let body = sent_body(&execution, 0);
    assert_eq!(body["message"]["text"], "  padded  \n");
}

#[test]
fn user_id_is_trimmed_and_a_safe_number_becomes_its_digits() {
    let execution = start(&input_with(json!([
        {"userId": format!("  {USER_B}\n"), "messageText": "a"},
        {"userId": 1234567890123456u64, "messageText": "b"}
    ])));
    let first = sent_body(&execution, 0);
    let second = sent_body(&execution, 1);
    assert_eq!(first["recipient"]["id"], USER_B);
    assert_eq!(second["recipient"]["id"], "1234567890123456");
}

#[test]
fn base_url_trailing_slashes_do_not_double_in_the_url() {
    for (base, expected) in [
        ("https://graph.instagram.com/", "https://graph.instagram.com/v18.0/me/messages"),
        ("https://graph.instagram.com", "https://graph.instagram.com/v18.0/me/messages"),
        ("http://127.0.0.1:8080/meta//", "http://127.0.0.1:8080/meta/v18.0/me/messages"),
    ] {
        let mut input = one_item();
        input["credentials"]["baseUrl"] = json!(base);
        assert_eq!(sent_request(&start(&input), 0)["url"], expected, "{base}");
    }
}

#[test]
fn custom_api_version_is_used_in_the_url() {
    let mut input = one_item();
    input["credentials"]["apiVersion"] = json!("v23.0");
    assert_eq!(sent_request(&start(&input), 0)["url"], "https://graph.facebook.com/v23.0/me/messages");
}

#[test]
fn missing_version_and_base_url_default_to_v18_on_graph_facebook_com() {
    let mut input = one_item();
    input["credentials"] = json!({"accessToken": TOKEN, "appSecret": SECRET});
    assert_eq!(sent_request(&start(&input), 0)["url"], "https://graph.facebook.com/v18.0/me/messages");
}

// ---------------------------------------------------------------------------------------
// Success items
// ---------------------------------------------------------------------------------------

#[test]
fn success_item_has_exactly_the_documented_fields_in_order() {
    let text = settle_text(&start_one(), 1, 200, &json!({}), &success_body("mid.abc123"));
    #[derive(Deserialize)]
    struct Done<'a> {
        outcome: String,
        #[serde(borrow)]
        outputs: Vec<&'a RawValue>,
    }
    let done: Done = serde_json::from_str(&text).unwrap();
    assert_eq!(done.outcome, "done");
    assert_eq!(done.outputs.len(), 1);
    let keys: OrderedKeys = serde_json::from_str(done.outputs[0].get()).unwrap();
    assert_eq!(
        keys.0,
        [
            "success",
            "operation",
            "userId",
            "messageText",
            "messageId",
            "sentAt",
            "appSecretProofUsed",
            "timestamp",
            "nodeVersion"
        ]
    );
}

#[test]
fn success_item_values_come_from_input_response_clock_and_proof() {
    let settled = settle(&start_one(), 1, 200, &json!({}), &success_body("mid.abc123"));
    assert_outcome(&settled, "done");
    let item = &settled["outputs"][0];
    assert_eq!(item["success"], true);
    assert_eq!(item["operation"], "sendMessage");
    assert_eq!(item["userId"], USER_A);
    assert_eq!(item["messageText"], "Hello");
    assert_eq!(item["messageId"], "mid.abc123");
    assert_eq!(item["sentAt"], NOW);
    assert_eq!(item["timestamp"], STARTED_AT);
    assert_eq!(item["appSecretProofUsed"], format!("{}…", &full_proof()[..8]));
    assert!(settled["usagePercent"].is_null(), "{settled}");
}

#[test]
fn node_version_equals_the_version_in_package_json() {
    let settled = settle(&start_one(), 1, 200, &json!({}), &success_body("mid.1"));
    assert_eq!(settled["outputs"][0]["nodeVersion"], package_json_version());
    assert_eq!(instagram_messaging_core::NODE_VERSION, package_json_version());
}

#[test]
fn success_item_never_shows_the_full_proof_or_secrets() {
    let text = settle_text(&start_one(), 1, 200, &json!({}), &success_body("mid.1"));
    assert_no_secrets(&text);
}

#[test]
fn numeric_message_id_is_reported_as_text() {
    let settled = settle(&start_one(), 1, 200, &json!({}), r#"{"recipient_id":"1","message_id":12345}"#);
    assert_eq!(settled["outputs"][0]["messageId"], "12345");
}

#[test]
fn app_usage_header_is_reported_with_the_success() {
    let headers = json!({"X-App-Usage": r#"{"call_count":42,"total_time":7,"total_cputime":3}"#});
    let settled = settle(&start_one(), 1, 200, &headers, &success_body("mid.1"));
    assert_outcome(&settled, "done");
    assert_eq!(settled["usagePercent"], 42.0);
}

#[test]
fn each_item_is_settled_with_its_own_parameters() {
    let execution = start(&input_with(json!([
        {"userId": USER_A, "messageText": "first"},
        {"userId": USER_B, "messageText": "second"}
    ])));
    let second = parse(&respond(&execution, 1, 1, 200, "{}", &success_body("mid.2"), NOW_MS, 0.1));
    assert_eq!(second["outputs"][0]["userId"], USER_B);
    assert_eq!(second["outputs"][0]["messageText"], "second");
    assert_eq!(second["outputs"][0]["messageId"], "mid.2");
}

// ---------------------------------------------------------------------------------------
// Setup errors
// ---------------------------------------------------------------------------------------

fn three_items() -> Value {
    json!([
        {"userId": USER_A, "messageText": "one"},
        {"userId": "not-an-id", "messageText": "two"},
        {"userId": USER_C, "messageText": "three"}
    ])
}

/// Asserts that the setup error is reported once as `setupError` and by every item, at
/// planning and at settling, and returns its report.
fn assert_setup_error_everywhere(input: Value, code: &str) -> Value {
    let execution = start(&input);
    let plan = plan(&execution);
    let setup = plan["setupError"].clone();
    assert_eq!(setup["kind"], "setup", "{plan}");
    assert_eq!(setup["code"], code, "{plan}");
    assert_eq!(setup["item"]["error"], setup["message"]);
    assert_eq!(setup["item"]["success"], false);
    let items = plan["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    // Each item's report is the setup error, with the item's own User ID as it was given.
    let without_identity = |report: &Value, index: usize| -> Value {
        let mut report = report.clone();
        let given = input["items"][index]["userId"].clone();
        let shown = report["item"].as_object_mut().unwrap().remove("userId").unwrap_or(Value::Null);
        // An unknown operation reads no fields, so it names none.
        if given.is_string() && code != "unknown_operation" {
            assert_eq!(shown, given, "item {index} names its User ID");
        }
        report
    };
    for (index, item) in items.iter().enumerate() {
        assert_eq!(without_identity(&item["refused"], index), setup, "item {index}");
        let settled = parse(&respond(&execution, index, 1, 200, "{}", &success_body("mid.x"), NOW_MS, 0.5));
        assert_outcome(&settled, "failed");
        assert_eq!(without_identity(&settled["error"], index), setup, "item {index} settles with the setup error");
        let transport = parse(&fail(&execution, index, 1, "ECONNREFUSED", "refused", 0.5));
        assert_eq!(without_identity(&transport["error"], index), setup);
    }
    assert_no_secrets(&plan_text(&execution));
    setup
}

#[test]
fn missing_meta_uuid_variable_is_a_setup_error_for_every_item() {
    let mut input = input_with(three_items());
    input["environment"] = json!({});
    let setup = assert_setup_error_everywhere(input, "missing_environment");
    let message = setup["message"].as_str().unwrap();
    assert!(message.contains("N8N_META_UUID") && message.contains("must be defined"), "{message}");
    assert!(message.contains("not set"), "{message}");
}

#[test]
fn null_meta_uuid_variable_is_a_setup_error_for_every_item() {
    let mut input = input_with(three_items());
    input["environment"] = json!({"N8N_META_UUID": null});
    let setup = assert_setup_error_everywhere(input, "missing_environment");
    assert!(setup["message"].as_str().unwrap().contains("not set"));
}

#[test]
fn short_meta_uuid_variable_is_a_setup_error_for_every_item() {
    let mut input = input_with(three_items());
    input["environment"] = json!({"N8N_META_UUID": " 1234567 "});
    let setup = assert_setup_error_everywhere(input, "missing_environment");
    let message = setup["message"].as_str().unwrap();
    assert!(message.contains("N8N_META_UUID") && message.contains("only 7 characters"), "{message}");
}

#[test]
fn missing_access_token_is_a_setup_error_for_every_item() {
    let mut input = input_with(three_items());
    input["credentials"] = json!({"appSecret": SECRET});
    let setup = assert_setup_error_everywhere(input, "missing_access_token");
    assert_eq!(setup["message"], "Access token is required");
}

#[test]
fn blank_access_token_is_a_setup_error_for_every_item() {
    let mut input = input_with(three_items());
    input["credentials"]["accessToken"] = json!("  \n");
    let setup = assert_setup_error_everywhere(input, "missing_access_token");
    assert_eq!(setup["message"], "Access token is required");
}

#[test]
fn missing_app_secret_is_a_setup_error_for_every_item() {
    let mut input = input_with(three_items());
    input["credentials"] = json!({"accessToken": TOKEN});
    let setup = assert_setup_error_everywhere(input, "missing_app_secret");
    assert_eq!(setup["message"], "App Secret is required for server-side API calls");
}

#[test]
fn bad_api_version_is_a_setup_error_for_every_item() {
    for bad in ["18.0", "v18", "latest", "v18.0/../x"] {
        let mut input = input_with(three_items());
        input["credentials"]["apiVersion"] = json!(bad);
        let setup = assert_setup_error_everywhere(input, "invalid_api_version");
        let message = setup["message"].as_str().unwrap();
        assert!(message.contains("v18.0") && message.contains(bad), "{message}");
    }
}

#[test]
fn bad_base_url_is_a_setup_error_for_every_item() {
    for bad in ["graph.facebook.com", "ftp://graph.facebook.com", "https://", "https://host?x=1"] {
        let mut input = input_with(three_items());
        input["credentials"]["baseUrl"] = json!(bad);
        let setup = assert_setup_error_everywhere(input, "invalid_base_url");
        assert!(setup["message"].as_str().unwrap().starts_with("Base URL must be"), "{setup}");
        assert!(setup["hint"].as_str().unwrap().contains("graph.instagram.com"), "{setup}");
    }
}

#[test]
fn unknown_operation_is_a_setup_error_for_every_item() {
    let mut input = input_with(three_items());
    input["operation"] = json!("deleteEverything");
    let setup = assert_setup_error_everywhere(input, "unknown_operation");
    assert!(setup["message"].as_str().unwrap().contains("deleteEverything"));
}

#[test]
fn malformed_call_fields_refuse_every_item_instead_of_dropping_them() {
    let mut cases = Vec::new();
    for (key, value) in [
        ("credentials", json!(null)),
        ("credentials", json!("token")),
        ("retry", json!({"maxRetries": 2.5})),
        ("retry", json!({"maxRetries": -1})),
        ("environment", json!({"N8N_META_UUID": 12345678})),
        ("operation", json!(7)),
        ("startedAt", json!(null)),
    ] {
        let mut input = input_with(three_items());
        input[key] = value;
        cases.push((format!("{key}: {}", input[key]), input.to_string()));
    }
    // A lone surrogate outside the items makes the whole call unreadable too.
    let raw = input_with(three_items()).to_string().replace(STARTED_AT, r"2026\ud83d");
    cases.push(("startedAt with a lone surrogate".into(), raw));
    for (case, text) in cases {
        let execution = Execution::start(&text);
        let plan = plan(&execution);
        assert_eq!(plan["setupError"]["code"], "bad_call", "{case}: {plan}");
        let items = plan["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{case}: every input item gets a plan");
        for item in items {
            assert_eq!(item["refused"], plan["setupError"], "{case}");
        }
        let settled = parse(&respond(&execution, 2, 1, 200, "{}", &success_body("m"), NOW_MS, 0.5));
        assert_eq!(settled["error"]["code"], "bad_call", "{case}");
    }
}

#[test]
fn unreadable_call_text_plans_no_items() {
    for text in ["", "not json", "[]", "null", "{\"items\": 5}"] {
        let execution = Execution::start(text);
        let plan = plan(&execution);
        assert_eq!(plan["setupError"]["kind"], "setup", "{text:?}");
        assert_eq!(plan["items"], json!([]), "{text:?}");
    }
}

#[test]
fn environment_is_checked_before_credentials() {
    let mut input = input_with(three_items());
    input["environment"] = json!({});
    input["credentials"] = json!({});
    assert_setup_error_everywhere(input, "missing_environment");
}

#[test]
fn valid_setup_has_no_setup_error() {
    let plan = plan(&start_one());
    assert!(plan.get("setupError").is_none(), "{plan}");
}

// ---------------------------------------------------------------------------------------
// Per-item validation
// ---------------------------------------------------------------------------------------

#[test]
fn invalid_items_are_refused_by_index_while_valid_items_are_planned() {
    let long_text = "é".repeat(500) + "a"; // 1001 bytes
    let execution = start(&input_with(json!([
        {"userId": USER_A, "messageText": "zero"},
        {"userId": "abc", "messageText": "one"},
        {"userId": USER_B, "messageText": "two"},
        {"userId": USER_C, "messageText": ""},
        {"userId": "0123", "messageText": "four"},
        {"userId": USER_C, "messageText": long_text},
        {"messageText": "six"},
        {"userId": USER_C, "messageText": "seven"}
    ])));
    let items = plan_items(&execution);
    assert_eq!(items.len(), 8);

    let body_of = |i: usize| -> Value { serde_json::from_str(items[i]["send"]["body"]["text"].as_str().unwrap()).unwrap() };
    assert_eq!(body_of(0)["recipient"]["id"], USER_A);
    assert_eq!(body_of(0)["message"]["text"], "zero");
    assert_eq!(body_of(2)["recipient"]["id"], USER_B);
    assert_eq!(body_of(2)["message"]["text"], "two");
    assert_eq!(body_of(7)["recipient"]["id"], USER_C);
    assert_eq!(body_of(7)["message"]["text"], "seven");

    let refused = |i: usize| items[i]["refused"].clone();
    for (i, code, field) in [
        (1, "invalid_user_id", "userId"),
        (3, "invalid_message_text", "messageText"),
        (4, "invalid_user_id", "userId"),
        (5, "invalid_message_text", "messageText"),
        (6, "invalid_user_id", "userId"),
    ] {
        let r = refused(i);
        assert_eq!(r["kind"], "input", "item {i}: {r}");
        assert_eq!(r["code"], code, "item {i}: {r}");
        assert_eq!(r["item"]["errorField"], field, "item {i}: {r}");
        assert_eq!(r["item"]["success"], false);
        assert_eq!(r["item"]["operation"], "sendMessage");
        assert_eq!(r["item"]["timestamp"], STARTED_AT);
    }
    assert!(refused(1)["message"].as_str().unwrap().starts_with("User ID "));
    assert!(refused(3)["message"].as_str().unwrap().contains("is empty"));
    assert!(refused(4)["message"].as_str().unwrap().contains("must not start with 0"));
    let too_long = refused(5)["message"].as_str().unwrap().to_string();
    assert!(too_long.contains("1001 bytes") && too_long.contains("at most 1000 bytes"), "{too_long}");
    assert!(refused(6)["message"].as_str().unwrap().contains("is required"));

    // A refused item settles with its own refusal, not a send.
    let settled = parse(&respond(&execution, 1, 1, 200, "{}", &success_body("mid.x"), NOW_MS, 0.5));
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"], refused(1));
}

#[test]
fn user_id_is_checked_before_message_text() {
    let execution = start(&input_with(json!([{"userId": "x", "messageText": ""}])));
    assert_eq!(refusal(&execution, 0)["code"], "invalid_user_id");
}

#[test]
fn text_of_exactly_1000_bytes_is_planned() {
    let text = "😀".repeat(250); // 1000 bytes
    let execution = start(&input_with(json!([{"userId": USER_A, "messageText": text}])));
    sent_request(&execution, 0);
}

#[test]
fn wrongly_typed_parameters_are_refused_with_their_field() {
    let execution = start(&input_with(json!([
        {"userId": true, "messageText": "a"},
        {"userId": [1], "messageText": "a"},
        {"userId": {"id": USER_A}, "messageText": "a"},
        {"userId": USER_A, "messageText": ["a"]},
        {"userId": USER_A, "messageText": {"text": "a"}},
        {"userId": 17841400000000000u64, "messageText": "a"}
    ])));
    for i in 0..3 {
        assert_eq!(refusal(&execution, i)["code"], "invalid_user_id", "item {i}");
    }
    for i in 3..5 {
        assert_eq!(refusal(&execution, i)["code"], "invalid_message_text", "item {i}");
    }
    assert!(refusal(&execution, 5)["message"].as_str().unwrap().contains("too large for JavaScript"));
}

#[test]
fn a_non_object_item_is_refused_without_affecting_the_others() {
    let execution = start(&input_with(json!([42, {"userId": USER_A, "messageText": "ok"}, "text", null])));
    let items = plan_items(&execution);
    assert_eq!(items.len(), 4);
    assert!(items[0].get("refused").is_some());
    assert!(items[1].get("send").is_some());
    assert!(items[2].get("refused").is_some());
    assert!(items[3].get("refused").is_some());
}

/// Serialises an input whose item strings hold raw escapes the `json!` macro cannot express.
fn input_with_raw_escapes(items: Value, replacements: &[(&str, &str)]) -> String {
    let mut text = input_with(items).to_string();
    for (placeholder, escape) in replacements {
        text = text.replace(placeholder, escape);
    }
    text
}

#[test]
fn lone_surrogate_in_message_text_refuses_only_that_item() {
    let raw = input_with_raw_escapes(
        json!([
            {"userId": USER_A, "messageText": "fine"},
            {"userId": USER_B, "messageText": "@@HIGH@@"},
            {"userId": USER_C, "messageText": "@@LOW@@"},
            {"userId": USER_C, "messageText": "@@MIDDLE@@"},
            {"userId": USER_C, "messageText": "@@REVERSED@@"},
            {"userId": USER_B, "messageText": "also fine"}
        ]),
        &[
            ("@@HIGH@@", r"\ud83d"),
            ("@@LOW@@", r"\ude00"),
            ("@@MIDDLE@@", r"half \ud83d of an emoji"),
            ("@@REVERSED@@", r"\ude00\ud83d"),
        ],
    );
    let execution = Execution::start(&raw);
    let items = plan_items(&execution);
    assert_eq!(items.len(), 6);
    assert!(items[0].get("send").is_some(), "{}", items[0]);
    assert!(items[5].get("send").is_some(), "{}", items[5]);
    for (i, item) in items.iter().enumerate().take(5).skip(1) {
        let refused = &item["refused"];
        assert_eq!(refused["code"], "invalid_message_text", "item {i}: {item}");
        assert_eq!(refused["item"]["errorField"], "messageText");
        let message = refused["message"].as_str().unwrap();
        assert!(message.contains("unpaired UTF-16 surrogate"), "item {i}: {message}");
        assert!(!message.contains('\u{FFFD}'), "item {i}: {message}");
    }
}

#[test]
fn lone_surrogate_in_user_id_refuses_only_that_item() {
    let raw = input_with_raw_escapes(
        json!([
            {"userId": "@@ID@@", "messageText": "hello"},
            {"userId": USER_B, "messageText": "hello"}
        ]),
        &[("@@ID@@", r"1784\ud83d")],
    );
    let execution = Execution::start(&raw);
    let refused = refusal(&execution, 0);
    assert_eq!(refused["code"], "invalid_user_id");
    assert!(refused["message"].as_str().unwrap().contains("unpaired UTF-16 surrogate"), "{refused}");
    sent_request(&execution, 1);
}

#[test]
fn parameter_error_items_report_the_parameter_and_n8n_message() {
    let execution = start(&input_with(json!([
        {"$error": {"parameter": "userId", "message": "ReferenceError: foo is not defined"}},
        {"userId": USER_A, "messageText": "ok"},
        {"$error": {"parameter": "messageText", "message": "Cannot read properties of undefined"}, "userId": USER_A},
        {"$error": {"parameter": "Skip If Sent Before", "message": "Referenced node doesn't exist"}}
    ])));
    let first = refusal(&execution, 0);
    assert_eq!(first["kind"], "input");
    assert_eq!(first["code"], "parameter_unavailable");
    // A field of the operation is named by the label the editor shows; any other name as given.
    assert_eq!(first["message"], "Could not read the parameter \"User ID\": ReferenceError: foo is not defined");
    sent_request(&execution, 1);
    let third = refusal(&execution, 2);
    assert_eq!(third["code"], "parameter_unavailable");
    assert_eq!(third["message"], "Could not read the parameter \"Message Text\": Cannot read properties of undefined");
    assert_eq!(refusal(&execution, 3)["message"], "Could not read the parameter \"Skip If Sent Before\": Referenced node doesn't exist");
}

#[test]
fn malformed_parameter_error_still_refuses_the_item() {
    let execution = start(&input_with(json!([{"$error": "boom"}, {"$error": null}])));
    assert_eq!(refusal(&execution, 0)["code"], "parameter_unavailable");
    assert_eq!(refusal(&execution, 1)["code"], "parameter_unavailable");
}

#[test]
fn settling_an_item_that_does_not_exist_is_a_bad_call() {
    let settled = parse(&respond(&start_one(), 7, 1, 200, "{}", &success_body("m"), NOW_MS, 0.5));
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["code"], "bad_call");
    assert!(settled["error"]["message"].as_str().unwrap().contains("item 7 does not exist"));
}

// ---------------------------------------------------------------------------------------
// Graph API errors and hints
// ---------------------------------------------------------------------------------------

#[test]
fn graph_error_becomes_api_error_with_every_field_in_the_error_item() {
    let body = graph_body(json!({
        "message": "Invalid OAuth access token - Cannot parse access token",
        "type": "OAuthException",
        "code": 190,
        "error_subcode": 463,
        "error_user_title": "Session expired",
        "error_user_msg": "Please log in again",
        "fbtrace_id": "AbCdEf123XyZ"
    }));
    let settled = settle(&start_one(), 1, 400, &json!({}), &body);
    assert_outcome(&settled, "failed");
    let error = &settled["error"];
    assert_eq!(error["kind"], "api");
    assert_eq!(error["code"], "api_error");
    assert_eq!(error["message"], "API Error: Invalid OAuth access token - Cannot parse access token");
    assert_eq!(error["httpStatus"], 400);
    let item = &error["item"];
    assert_eq!(item["error"], "API Error: Invalid OAuth access token - Cannot parse access token");
    assert_eq!(item["success"], false);
    assert_eq!(item["operation"], "sendMessage");
    assert_eq!(item["timestamp"], STARTED_AT);
    assert_eq!(item["errorCode"], 190);
    assert_eq!(item["errorSubcode"], 463);
    assert_eq!(item["errorType"], "OAuthException");
    assert_eq!(item["errorUserTitle"], "Session expired");
    assert_eq!(item["errorUserMessage"], "Please log in again");
    assert_eq!(item["fbtraceId"], "AbCdEf123XyZ");
    assert_eq!(item["httpStatus"], 400);
    assert_eq!(item["retryable"], false);
    assert!(item.get("deliveryUnknown").is_none(), "{item}");
}

#[test]
fn graph_error_codes_given_as_strings_are_read() {
    let body = graph_body(json!({"message": "Outside window", "code": "10", "error_subcode": "2534022"}));
    let settled = settle(&start_one(), 1, 400, &json!({}), &body);
    assert_eq!(settled["error"]["item"]["errorCode"], 10);
    assert_eq!(settled["error"]["item"]["errorSubcode"], 2534022);
    assert!(settled["error"]["hint"].as_str().unwrap().contains("24 hours"));
}

#[test]
fn graph_error_on_http_200_is_still_an_error() {
    let body = graph_body(json!({"message": "Something broke", "code": 100}));
    let settled = settle(&start_one(), 1, 200, &json!({}), &body);
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["message"], "API Error: Something broke");
    assert_eq!(settled["error"]["item"]["httpStatus"], 200);
}

/// Settles a Graph error past the retry budget so even retryable codes report (with hint).
fn settle_graph_code(code: i64, subcode: Option<i64>, message: &str) -> Value {
    let mut error = json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "TRACE1"});
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    let settled = settle(&start_one(), 4, 400, &json!({}), &graph_body(error));
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["item"]["errorCode"], code, "{settled}");
    if let Some(subcode) = subcode {
        assert_eq!(settled["error"]["item"]["errorSubcode"], subcode, "{settled}");
    }
    settled
}

fn hint_of(settled: &Value) -> String {
    let hint = settled["error"]["hint"].as_str().unwrap_or_else(|| panic!("no hint: {settled}")).to_string();
    assert_eq!(settled["error"]["item"]["hint"], hint.as_str(), "the error item carries the same hint");
    hint
}

#[test]
fn every_documented_code_gets_its_own_hint() {
    for (code, subcode, phrase) in EXPECTED_HINTS {
        assert_hint(*code, *subcode, &[phrase]);
    }
}

/// The hint each of Meta's documented codes gets, written out here rather than read from
/// the core's table.
const EXPECTED_HINTS: &[(i64, Option<i64>, &str)] = &[
    (10, Some(2534022), "only within 24 hours"),
    (10, Some(2018278), "only within 24 hours"),
    (10, Some(2018108), "cannot receive messages from your account"),
    (100, Some(2018001), "Instagram-scoped ID (IGSID)"),
    (100, Some(2534014), "Instagram-scoped ID (IGSID)"),
    (100, Some(2534013), "not linked to the Instagram professional account"),
    (100, Some(2018008), "could not fetch the media from its URL"),
    (100, Some(2018047), "does not match the file at the URL"),
    (100, Some(2018074), "does not know this attachment ID"),
    (100, Some(2018109), "larger than Instagram accepts"),
    (100, Some(2018294), "could not fetch or process the video"),
    (100, Some(2534025), "one private reply"),
    (100, Some(2534015), "does not accept this message content"),
    (190, None, "invalid or has expired"),
    (190, Some(463), "has expired (Meta's subcode 463)"),
    (200, None, "Permission missing"),
    (551, None, "This person is unavailable"),
    (2018300, None, "Another app controls this conversation"),
    (4, None, "Rate limit reached"),
    (17, None, "Rate limit reached"),
    (32, None, "Rate limit reached"),
    (613, None, "Rate limit reached"),
    (80002, None, "Rate limit reached"),
    (80006, None, "Rate limit reached"),
    (1, None, "A temporary error at Meta"),
    (2, None, "temporarily unavailable"),
];

#[test]
fn every_documented_code_gets_the_reason_a_workflow_or_agent_branches_on() {
    for (code, subcode, reason) in EXPECTED_REASONS {
        let settled = settle_graph_code(*code, *subcode, "Meta said no");
        assert_eq!(settled["error"]["reason"], *reason, "code {code}/{subcode:?}: {settled}");
    }
    // An error the table does not name, and the appsecret_proof refusal.
    assert_eq!(settle_graph_code(100, Some(33), "Unsupported post request")["error"]["reason"], "api_error");
    assert_eq!(
        settle_graph_code(100, None, "Invalid appsecret_proof provided in the API argument")["error"]["reason"],
        "invalid_appsecret_proof"
    );
}

/// The reason each of Meta's documented codes gets, written out here.
const EXPECTED_REASONS: &[(i64, Option<i64>, &str)] = &[
    (10, Some(2534022), "outside_window"),
    (10, Some(2018278), "outside_window"),
    (10, Some(2018108), "cannot_receive_now"),
    (100, Some(2018001), "no_matching_user"),
    (100, Some(2534014), "no_matching_user"),
    (100, Some(2534013), "page_not_linked"),
    (100, Some(2018008), "media_unreachable"),
    (100, Some(2018047), "media_type_mismatch"),
    (100, Some(2018074), "unknown_attachment"),
    (100, Some(2018109), "file_too_large"),
    (100, Some(2018294), "media_timeout"),
    (100, Some(2534025), "comment_not_repliable"),
    (100, Some(2534015), "content_not_allowed"),
    (190, None, "token_invalid"),
    (190, Some(463), "token_expired"),
    (190, Some(467), "token_invalid"),
    (200, None, "permission_missing"),
    (551, None, "person_unavailable"),
    (2018300, None, "thread_controlled_elsewhere"),
    (4, None, "rate_limited"),
    (613, None, "rate_limited"),
    (80006, None, "rate_limited"),
    (1, None, "temporary"),
    (2, None, "temporary"),
];

#[test]
fn every_row_of_the_hint_table_has_an_expectation_written_out_here() {
    for row in HINTS {
        let covered = EXPECTED_HINTS.iter().any(|(code, subcode, _)| {
            *code == row.code && (row.subcodes.is_empty() || subcode.is_some_and(|s| row.subcodes.contains(&s)))
        });
        assert!(covered, "code {} {:?} has no expected hint in this test", row.code, row.subcodes);
    }
}

fn assert_hint(code: i64, subcode: Option<i64>, phrases: &[&str]) {
    let hint = hint_of(&settle_graph_code(code, subcode, "Meta said no"));
    for phrase in phrases {
        assert!(hint.contains(phrase), "code {code}/{subcode:?}: {hint:?} lacks {phrase:?}");
    }
}

#[test]
fn hint_190_says_the_token_is_invalid_or_expired() {
    assert_hint(190, None, &["access token is invalid or has expired", "reconnect"]);
    assert_hint(190, Some(467), &["access token is invalid or has expired"]);
}

#[test]
fn hint_190_463_names_the_fix_for_an_expired_token() {
    assert_hint(190, Some(463), &["has expired", "paste a new token", "60 days", "does not expire"]);
}

#[test]
fn hint_10_2534022_explains_the_24_hour_messaging_window() {
    assert_hint(10, Some(2534022), &["Outside the messaging window", "24 hours", "7 days", "Tag: HUMAN_AGENT", "App Review"]);
}

#[test]
fn hint_10_2018278_explains_the_24_hour_messaging_window() {
    assert_hint(10, Some(2018278), &["Outside the messaging window", "24 hours"]);
}

#[test]
fn hint_10_2018108_says_the_person_cannot_receive_messages() {
    assert_hint(10, Some(2018108), &["cannot receive messages"]);
}

#[test]
fn hint_551_says_the_person_is_unavailable() {
    assert_hint(551, None, &["This person is unavailable", "blocked"]);
}

#[test]
fn hint_100_2018001_asks_for_an_igsid() {
    assert_hint(100, Some(2018001), &["No matching user", "Instagram-scoped ID (IGSID)", "not their public"]);
}

#[test]
fn hint_100_2534014_asks_for_an_igsid() {
    assert_hint(100, Some(2534014), &["No matching user", "Instagram-scoped ID (IGSID)"]);
}

#[test]
fn hint_200_names_the_missing_permissions() {
    assert_hint(200, None, &["Permission missing", "instagram_manage_messages", "instagram_business_manage_messages"]);
}

#[test]
fn hint_100_2534013_says_the_page_is_not_linked() {
    assert_hint(100, Some(2534013), &["not linked to the Instagram professional account", "Meta Business Suite"]);
}

#[test]
fn hint_2018300_explains_the_handover_protocol() {
    assert_hint(2018300, None, &["handover protocol"]);
}

macro_rules! rate_limit_hint_test {
    ($($name:ident: $code:expr),* $(,)?) => {$(
        #[test]
        fn $name() {
            assert_hint($code, None, &["Rate limit reached", "Messages Per Second", "Max Retries"]);
        }
    )*};
}

rate_limit_hint_test! {
    hint_4_explains_app_rate_limiting: 4,
    hint_17_explains_user_rate_limiting: 17,
    hint_32_explains_page_rate_limiting: 32,
    hint_613_explains_call_rate_limiting: 613,
    hint_80002_explains_instagram_rate_limiting: 80002,
    hint_80006_explains_messenger_rate_limiting: 80006,
}

#[test]
fn hint_1_calls_the_error_temporary() {
    assert_hint(1, None, &["temporary error"]);
}

#[test]
fn hint_2_says_the_service_is_temporarily_unavailable() {
    assert_hint(2, None, &["temporarily unavailable"]);
}

#[test]
fn code_100_mentioning_appsecret_proof_hints_at_a_mismatched_app_secret() {
    let settled = settle_graph_code(100, None, "Invalid appsecret_proof provided in the API argument");
    assert!(hint_of(&settled).contains("App Secret"), "{settled}");
}

#[test]
fn codes_without_a_row_have_no_hint() {
    for (code, subcode) in [(10, Some(1)), (100, None), (100, Some(33)), (12345, None)] {
        let settled = settle_graph_code(code, subcode, "Meta said no");
        assert!(settled["error"].get("hint").is_none(), "{code}/{subcode:?}: {settled}");
        assert!(settled["error"]["item"].get("hint").is_none(), "{settled}");
    }
}

// ---------------------------------------------------------------------------------------
// Bodies that are not Graph API answers
// ---------------------------------------------------------------------------------------

const BODY_MARKER: &str = "UNIQUE-BODY-MARKER-7f3a";

fn assert_body_not_echoed(output: &str) {
    assert!(!output.contains(BODY_MARKER), "raw body echoed: {output}");
    assert!(!output.contains("<html") && !output.contains("<title"), "raw body echoed: {output}");
}

#[test]
fn html_error_page_is_described_with_status_and_never_echoed() {
    let body = format!("<html><head><title>{BODY_MARKER}</title></head><body>Bad gateway</body></html>");
    let text = settle_text(&start_one(), 1, 400, &json!({}), &body);
    assert_body_not_echoed(&text);
    let settled = parse(&text);
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["code"], "unreadable_error_body");
    assert_eq!(settled["error"]["httpStatus"], 400);
    let message = settled["error"]["message"].as_str().unwrap();
    assert!(message.contains("HTTP 400") && message.contains("HTML page"), "{message}");
    assert!(message.contains(&format!("{} bytes", body.len())), "{message}");
}

#[test]
fn empty_error_body_is_described_with_status() {
    let settled = settle(&start_one(), 1, 403, &json!({}), "");
    assert_outcome(&settled, "failed");
    let message = settled["error"]["message"].as_str().unwrap();
    assert!(message.contains("HTTP 403") && message.contains("empty body"), "{message}");
    assert_eq!(settled["error"]["item"]["httpStatus"], 403);
}

#[test]
fn truncated_json_error_body_is_described_and_never_echoed() {
    let body = format!(r#"{{"error":{{"message":"{BODY_MARKER} Invalid"#);
    let text = settle_text(&start_one(), 1, 400, &json!({}), &body);
    assert_body_not_echoed(&text);
    let message = parse(&text)["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("HTTP 400") && message.contains("incomplete JSON"), "{message}");
}

#[test]
fn plain_text_error_body_is_described_and_never_echoed() {
    let text = settle_text(&start_one(), 1, 404, &json!({}), &format!("Not Found {BODY_MARKER}"));
    assert_body_not_echoed(&text);
    let message = parse(&text)["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("HTTP 404") && message.contains("non-JSON body"), "{message}");
}

#[test]
fn five_megabyte_body_gives_a_short_error_without_the_body() {
    let chunk = format!("{BODY_MARKER} lorem ipsum ");
    let body = chunk.repeat(5 * 1024 * 1024 / chunk.len() + 1);
    assert!(body.len() >= 5 * 1024 * 1024);
    let text = settle_text(&start_one(), 1, 400, &json!({}), &body);
    assert_body_not_echoed(&text);
    assert!(text.len() < 4096, "output is {} bytes", text.len());
    let message = parse(&text)["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("HTTP 400") && message.contains(&body.len().to_string()), "{message}");
}

#[test]
fn five_megabyte_html_on_5xx_gives_a_short_delivery_unknown_error() {
    let body = format!("<html>{}</html>", BODY_MARKER.repeat(5 * 1024 * 1024 / BODY_MARKER.len()));
    let text = settle_text(&start_one(), 1, 502, &json!({}), &body);
    assert_body_not_echoed(&text);
    assert!(text.len() < 4096, "output is {} bytes", text.len());
    let settled = parse(&text);
    // Meta's answer, after which it is unknown whether the message went out.
    assert_eq!(settled["error"]["kind"], "api");
    assert_eq!(settled["error"]["deliveryUnknown"], true);
    assert!(settled["error"]["message"].as_str().unwrap().contains("HTTP 502"));
}

#[test]
fn json_without_message_id_on_200_is_an_error_that_may_have_been_sent() {
    for body in [
        format!(r#"{{"recipient_id":"{USER_A}","note":"{BODY_MARKER}"}}"#),
        format!(r#"{{"message_id":"","note":"{BODY_MARKER}"}}"#),
        format!(r#"["{BODY_MARKER}"]"#),
    ] {
        let text = settle_text(&start_one(), 1, 200, &json!({}), &body);
        assert_body_not_echoed(&text);
        let settled = parse(&text);
        assert_outcome(&settled, "failed");
        assert_eq!(settled["error"]["code"], "unexpected_success_body", "{body}");
        assert_eq!(settled["error"]["item"]["deliveryUnknown"], true);
        let message = settled["error"]["message"].as_str().unwrap();
        assert!(message.contains("HTTP 200") && message.contains("message ID"), "{message}");
    }
}

#[test]
fn empty_or_html_body_on_200_is_an_error_with_the_status() {
    for (body, shape) in [("", "empty body"), ("<html>ok</html>", "HTML page"), ("{\"message_id\":", "incomplete JSON")] {
        let settled = settle(&start_one(), 1, 200, &json!({}), body);
        assert_outcome(&settled, "failed");
        let message = settled["error"]["message"].as_str().unwrap();
        assert!(message.contains("HTTP 200") && message.contains(shape), "{body:?}: {message}");
    }
}

#[test]
fn json_error_without_a_message_is_described_not_echoed() {
    let body = format!(r#"{{"error":{{"code":190,"type":"{BODY_MARKER}"}}}}"#);
    let text = settle_text(&start_one(), 1, 400, &json!({}), &body);
    assert_body_not_echoed(&text);
    let message = parse(&text)["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("HTTP 400") && message.contains("JSON without the expected fields"), "{message}");
}

// ---------------------------------------------------------------------------------------
// 5xx, rate limits and retries
// ---------------------------------------------------------------------------------------

#[test]
fn server_error_without_graph_body_is_delivery_unknown_and_not_retried_by_default() {
    for (status, body) in [(500, ""), (502, "<html>Bad Gateway</html>"), (503, "Service Unavailable"), (504, "{}")] {
        let settled = settle(&start_one(), 1, status, &json!({}), body);
        assert_outcome(&settled, "failed");
        let error = &settled["error"];
        assert_eq!(error["kind"], "api", "{status}: {settled}");
        assert_eq!(error["deliveryUnknown"], true, "{status}: {settled}");
        assert_eq!(error["code"], "delivery_unknown");
        assert_eq!(error["item"]["deliveryUnknown"], true);
        assert_eq!(error["item"]["retryable"], false);
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(&format!("HTTP {status}")) && message.contains("may or may not have been sent"), "{message}");
    }
}

#[test]
fn server_error_without_graph_body_is_retried_when_unknown_delivery_retries_are_enabled() {
    let execution = start_with_retry(3, true);
    let settled = settle(&execution, 1, 503, &json!({}), "");
    assert_outcome(&settled, "retry");
    assert_eq!(settled["pauseAll"], false);
    assert!(settled["reason"].as_str().unwrap().contains("HTTP 503"));
    // ... but still only within the retry budget.
    let settled = settle(&execution, 4, 503, &json!({}), "");
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["item"]["deliveryUnknown"], true);
}

#[test]
fn server_error_with_a_permanent_graph_error_is_an_api_error() {
    let body = graph_body(json!({"message": "Unsupported post request", "code": 100}));
    let settled = settle(&start_with_retry(3, true), 1, 500, &json!({}), &body);
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["message"], "API Error: Unsupported post request");
}

#[test]
fn rate_limit_codes_are_exactly_the_documented_ones() {
    assert_eq!(RATE_LIMIT_CODES, [4, 17, 32, 613, 80002, 80006]);
}

#[test]
fn every_rate_limit_code_is_retried_and_pauses_every_request() {
    for code in [4, 17, 32, 613, 80002, 80006] {
        let body = graph_body(json!({"message": "Application request limit reached", "code": code}));
        let settled = settle(&start_one(), 1, 400, &json!({}), &body);
        assert_outcome(&settled, "retry");
        assert_eq!(settled["pauseAll"], true, "code {code}");
        let after = settled["afterMs"].as_u64().unwrap();
        assert!((BASE_DELAY_MS / 2..=BASE_DELAY_MS).contains(&after), "code {code}: {after}");
        assert_eq!(settled["reason"], "API Error: Application request limit reached");
    }
}

#[test]
fn http_429_is_retried_and_pauses_every_request() {
    for body in [String::new(), "Too Many Requests".into(), graph_body(json!({"message": "Slow down", "code": 100}))] {
        let settled = settle(&start_one(), 1, 429, &json!({}), &body);
        assert_outcome(&settled, "retry");
        assert_eq!(settled["pauseAll"], true, "{body:?}");
    }
}

#[test]
fn retry_after_header_seconds_are_honoured() {
    for headers in [json!({"Retry-After": "7"}), json!({"retry-after": " 7 "}), json!({"RETRY-AFTER": ["7"]})] {
        let settled = settle(&start_one(), 1, 429, &headers, "");
        assert_outcome(&settled, "retry");
        let after = settled["afterMs"].as_u64().unwrap();
        assert!((7_000..=7_000 + BASE_DELAY_MS / 2).contains(&after), "{headers}: {after}");
    }
}

#[test]
fn retry_after_of_exactly_sixty_seconds_is_waited() {
    let settled = settle(&start_one(), 1, 429, &json!({"Retry-After": "60"}), "");
    assert_outcome(&settled, "retry");
    assert!(settled["afterMs"].as_u64().unwrap() >= MAX_WAIT_MS);
}

#[test]
fn retry_after_over_sixty_seconds_gives_up_with_a_hint() {
    let body = graph_body(json!({"message": "Calls to this api have exceeded the rate limit", "code": 613}));
    let settled = settle(&start_one(), 1, 429, &json!({"Retry-After": "61"}), &body);
    assert_outcome(&settled, "failed");
    let hint = hint_of(&settled);
    assert!(hint.contains("Rate limit reached"), "{hint}");
    assert!(hint.contains("Meta asks to wait about 2 minute(s)") && hint.contains("at most 60 seconds"), "{hint}");
    assert_eq!(settled["error"]["item"]["retryable"], true);
    assert_eq!(settled["error"]["item"]["errorCode"], 613);
}

fn business_usage(minutes: Value, call_count: u32) -> Value {
    let usage = json!({
        "17841400000000000": [{
            "type": "instagram",
            "call_count": call_count,
            "total_cputime": 3,
            "total_time": 5,
            "estimated_time_to_regain_access": minutes
        }]
    });
    json!({"X-Business-Use-Case-Usage": usage.to_string()})
}

#[test]
fn business_use_case_regain_access_minutes_are_honoured() {
    let body = graph_body(json!({"message": "Too many calls", "code": 80002}));
    let settled = settle(&start_one(), 1, 400, &business_usage(json!(1), 100), &body);
    assert_outcome(&settled, "retry");
    assert_eq!(settled["pauseAll"], true);
    let after = settled["afterMs"].as_u64().unwrap();
    assert!((60_000..=60_000 + BASE_DELAY_MS / 2).contains(&after), "{after}");
    assert_eq!(settled["usagePercent"], 100.0);
}

#[test]
fn business_use_case_wait_over_sixty_seconds_gives_up_with_the_estimate() {
    let body = graph_body(json!({"message": "Too many calls", "code": 80002}));
    let settled = settle(&start_one(), 1, 400, &business_usage(json!(5), 100), &body);
    assert_outcome(&settled, "failed");
    let hint = hint_of(&settled);
    assert!(hint.contains("Meta asks to wait about 5 minute(s)"), "{hint}");
    assert!(hint.contains("Rate limit reached"), "{hint}");
    assert_eq!(settled["error"]["item"]["retryable"], true);
    assert_eq!(settled["usagePercent"], 100.0);
}

#[test]
fn an_absurd_regain_access_estimate_gives_up_instead_of_overflowing() {
    let body = graph_body(json!({"message": "Too many calls", "code": 80002}));
    let settled = settle(&start_one(), 1, 400, &business_usage(json!(1e300), 100), &body);
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["item"]["retryable"], true);
    assert!(hint_of(&settled).contains("Rate limit reached"), "{}", hint_of(&settled));
}

#[test]
fn the_longer_of_retry_after_and_regain_access_is_waited() {
    let mut headers = business_usage(json!(0.5), 90);
    headers["Retry-After"] = json!("10");
    let settled = settle(&start_one(), 1, 429, &headers, "");
    let after = settled["afterMs"].as_u64().unwrap();
    assert!((30_000..=30_000 + BASE_DELAY_MS / 2).contains(&after), "{after}");
}

#[test]
fn unreadable_rate_limit_headers_fall_back_to_backoff() {
    for headers in [
        json!({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
        json!({"Retry-After": "-5"}),
        json!({"X-Business-Use-Case-Usage": "not json"}),
        json!({"X-Business-Use-Case-Usage": "{\"1\":[{\"estimated_time_to_regain_access\":-3}]}"}),
        // Zero minutes is no wait asked for: the backoff applies, not an immediate retry.
        json!({"X-Business-Use-Case-Usage": "{\"1\":[{\"estimated_time_to_regain_access\":0}]}"}),
    ] {
        let settled = settle(&start_one(), 1, 429, &headers, "");
        assert_outcome(&settled, "retry");
        let after = settled["afterMs"].as_u64().unwrap();
        assert!((BASE_DELAY_MS / 2..=BASE_DELAY_MS).contains(&after), "{headers}: {after}");
    }
}

#[test]
fn transient_graph_errors_are_retried_without_pausing_everyone() {
    for error in [
        json!({"message": "An unknown error occurred", "code": 1}),
        json!({"message": "Service temporarily unavailable", "code": 2}),
        json!({"message": "Please retry", "code": 100, "is_transient": true}),
    ] {
        let settled = settle(&start_one(), 1, 500, &json!({}), &graph_body(error.clone()));
        assert_outcome(&settled, "retry");
        assert_eq!(settled["pauseAll"], false, "{error}");
    }
}

#[test]
fn is_transient_false_is_permanent() {
    let body = graph_body(json!({"message": "Nope", "code": 100, "is_transient": false}));
    assert_outcome(&settle(&start_one(), 1, 400, &json!({}), &body), "failed");
}

#[test]
fn backoff_doubles_with_each_retry() {
    let body = graph_body(json!({"message": "Temporary", "code": 2}));
    for (attempt, ceiling) in [(1, BASE_DELAY_MS), (2, 2 * BASE_DELAY_MS), (3, 4 * BASE_DELAY_MS)] {
        for random in [0.0, 0.5, 0.999] {
            let settled = parse(&respond(&start_one(), 0, attempt, 500, "{}", &body, NOW_MS, random));
            let after = settled["afterMs"].as_u64().unwrap();
            assert!((ceiling / 2..=ceiling).contains(&after), "attempt {attempt}, random {random}: {after}");
        }
    }
}

#[test]
fn retries_stop_after_max_retries() {
    let body = graph_body(json!({"message": "Limit", "code": 4}));
    let execution = start_with_retry(3, false);
    for attempt in 1..=3 {
        assert_outcome(&settle(&execution, attempt, 400, &json!({}), &body), "retry");
    }
    let settled = settle(&execution, 4, 400, &json!({}), &body);
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["item"]["retryable"], true);
    assert_eq!(settled["error"]["message"], "API Error: Limit");
}

#[test]
fn zero_max_retries_never_retries() {
    let body = graph_body(json!({"message": "Limit", "code": 4}));
    assert_outcome(&settle(&start_with_retry(0, true), 1, 400, &json!({}), &body), "failed");
    assert_outcome(&settle(&start_with_retry(0, true), 1, 503, &json!({}), ""), "failed");
}

#[test]
fn max_retries_is_capped_at_ten() {
    let body = graph_body(json!({"message": "Limit", "code": 4}));
    let execution = start_with_retry(50, false);
    assert_outcome(&settle(&execution, 10, 400, &json!({}), &body), "retry");
    assert_outcome(&settle(&execution, 11, 400, &json!({}), &body), "failed");
}

#[test]
fn permanent_errors_are_not_retried_even_on_first_attempt() {
    let body = graph_body(json!({"message": "Invalid token", "code": 190}));
    assert_outcome(&settle(&start_one(), 1, 401, &json!({}), &body), "failed");
}

// ---------------------------------------------------------------------------------------
// Transport failures
// ---------------------------------------------------------------------------------------

fn transport(execution: &Execution, attempt: u32, code: &str, message: &str) -> Value {
    parse(&fail(execution, 0, attempt, code, message, 0.5))
}

#[test]
fn connection_refused_is_retried_because_nothing_was_sent() {
    for code in ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"] {
        let settled = transport(&start_one(), 1, code, "connect failed 127.0.0.1:443");
        assert_outcome(&settled, "retry");
        assert_eq!(settled["pauseAll"], false);
        let reason = settled["reason"].as_str().unwrap();
        assert!(reason.contains("was not sent") && reason.contains(code), "{reason}");
    }
}

#[test]
fn connection_refused_past_the_budget_fails_as_a_retryable_transport_error() {
    let settled = transport(&start_one(), 4, "ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:443");
    assert_outcome(&settled, "failed");
    assert_eq!(settled["error"]["kind"], "transport");
    assert_eq!(settled["error"]["code"], "transport_error");
    assert_eq!(settled["error"]["item"]["retryable"], true);
    assert!(settled["error"]["item"].get("deliveryUnknown").is_none());
    assert!(settled["error"]["message"].as_str().unwrap().starts_with("Could not reach the Graph API"));
}

#[test]
fn a_file_that_cannot_be_read_fails_at_once_naming_the_file_not_the_graph_api() {
    let settled = transport(&start_one(), 1, "ERR_BINARY_DATA", "No binary data manager found for: filesystem-v2");
    assert_outcome(&settled, "failed");
    let error = &settled["error"];
    assert_eq!(error["kind"], "transport");
    assert_eq!(error["code"], "file_unreadable");
    assert_eq!(
        error["message"],
        "Could not read the file to upload: No binary data manager found for: filesystem-v2; the message was not sent"
    );
    assert_eq!(error["item"]["retryable"], false);
    assert!(error["item"].get("deliveryUnknown").is_none());
    assert!(error["hint"].as_str().unwrap().starts_with("n8n no longer holds this item's file"), "{settled}");
}

#[test]
fn reset_timeout_and_unknown_failures_leave_delivery_unknown_and_are_not_retried() {
    for code in ["ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "ESOMETHINGNEW", ""] {
        let settled = transport(&start_one(), 1, code, "socket hang up");
        assert_outcome(&settled, "failed");
        let error = &settled["error"];
        assert_eq!(error["kind"], "transport", "{code}: {settled}");
        assert_eq!(error["deliveryUnknown"], true, "{code}: {settled}");
        assert_eq!(error["item"]["deliveryUnknown"], true);
        assert_eq!(error["item"]["retryable"], false);
        assert!(error["message"].as_str().unwrap().starts_with("Delivery unknown"), "{settled}");
    }
}

#[test]
fn reset_and_timeout_are_retried_when_unknown_delivery_retries_are_enabled() {
    for code in ["ECONNRESET", "ETIMEDOUT"] {
        let settled = transport(&start_with_retry(3, true), 1, code, "socket hang up");
        assert_outcome(&settled, "retry");
        assert_eq!(settled["pauseAll"], false);
    }
}

#[test]
fn invalid_url_and_certificate_failures_are_not_retried() {
    for code in ["ERR_INVALID_URL", "CERT_HAS_EXPIRED"] {
        let settled = transport(&start_with_retry(3, true), 1, code, "bad");
        assert_outcome(&settled, "failed");
        assert_eq!(settled["error"]["kind"], "transport", "{code}");
        assert_eq!(settled["error"]["item"]["retryable"], false);
    }
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

fn echoing_message() -> String {
    format!("Bad request token={TOKEN} secret {SECRET} proof {} end", full_proof())
}

#[test]
fn graph_error_echoing_every_secret_is_redacted_everywhere() {
    let echo = echoing_message();
    let body = graph_body(json!({
        "message": echo,
        "type": format!("OAuthException {TOKEN}"),
        "code": 190,
        "error_user_title": format!("title {SECRET}"),
        "error_user_msg": format!("msg {}", full_proof()),
        "fbtrace_id": format!("trace{TOKEN}")
    }));
    let text = settle_text(&start_one(), 1, 400, &json!({}), &body);
    assert_no_secrets(&text);
    let settled = parse(&text);
    assert_eq!(settled["error"]["message"], "API Error: Bad request token=[redacted] secret [redacted] proof [redacted] end");
    for key in ["errorType", "errorUserTitle", "errorUserMessage", "fbtraceId"] {
        assert!(settled["error"]["item"][key].as_str().unwrap().contains("[redacted]"), "{key}: {settled}");
    }
}

#[test]
fn retried_graph_error_echoing_secrets_is_redacted_in_the_reason() {
    let body = graph_body(json!({"message": echoing_message(), "code": 4}));
    let text = settle_text(&start_one(), 1, 400, &json!({}), &body);
    assert_no_secrets(&text);
    let settled = parse(&text);
    assert_outcome(&settled, "retry");
    assert!(settled["reason"].as_str().unwrap().contains("[redacted]"));
}

#[test]
fn graph_error_on_200_echoing_secrets_is_redacted() {
    let body = graph_body(json!({"message": echoing_message(), "code": 100}));
    let text = settle_text(&start_one(), 1, 200, &json!({}), &body);
    assert_no_secrets(&text);
    assert!(text.contains("[redacted]"));
}

#[test]
fn access_token_in_a_url_inside_an_error_message_is_redacted() {
    let body = graph_body(json!({
        "message": format!("GET https://graph.facebook.com/v18.0/me?access_token={TOKEN}&appsecret_proof={} failed", full_proof()),
        "code": 100
    }));
    let text = settle_text(&start_one(), 1, 400, &json!({}), &body);
    assert_no_secrets(&text);
    assert!(text.contains("access_token=[redacted]"), "{text}");
}

#[test]
fn transport_message_echoing_secrets_is_redacted_when_retried_and_when_failed() {
    let message = format!("request to https://x/?access_token={TOKEN} failed: Authorization: Bearer {TOKEN}; {}", echoing_message());
    for (code, outcome) in [("ECONNREFUSED", "retry"), ("ECONNRESET", "failed")] {
        let text = fail(&start_one(), 0, 1, code, &message, 0.5);
        assert_no_secrets(&text);
        assert!(text.contains("[redacted]"), "{text}");
        assert_outcome(&parse(&text), outcome);
    }
}

#[test]
fn transport_code_echoing_a_secret_is_redacted() {
    let text = fail(&start_one(), 0, 1, &format!("E{SECRET}"), "oops", 0.5);
    assert_no_secrets(&text);
}

#[test]
fn long_transport_message_cut_in_the_middle_of_a_secret_leaks_no_part_of_it() {
    // The token sits across the point where long client messages are shortened.
    for padding in [250, 280, 290, 295, 299] {
        let message = format!("{}{TOKEN} trailing text", "x".repeat(padding));
        let text = fail(&start_one(), 0, 1, "ECONNRESET", &message, 0.5);
        assert_no_secrets(&text);
        assert_no_secret_fragments(&text);
    }
}

#[test]
fn parameter_error_echoing_secrets_is_redacted() {
    let execution = start(&input_with(json!([{"$error": {
        "parameter": format!("userId {SECRET}"),
        "message": format!("Expression failed: {}", echoing_message())
    }}])));
    let text = plan_text(&execution);
    assert_no_secrets(&text);
    assert!(text.contains("[redacted]"));
}

#[test]
fn long_parameter_error_cut_in_the_middle_of_a_secret_leaks_no_part_of_it() {
    let execution = start(&input_with(json!([{"$error": {
        "parameter": "userId",
        "message": format!("{}{TOKEN}", "y".repeat(270))
    }}])));
    let text = plan_text(&execution);
    assert_no_secrets(&text);
    assert_no_secret_fragments(&text);
}

#[test]
fn malformed_credentials_are_refused_without_echoing_them() {
    let mut input = input_with(three_items());
    input["credentials"]["accessToken"] = json!("EAA secret with spaces");
    let text = plan_text(&start(&input));
    assert!(!text.contains("EAA secret with spaces"), "{text}");
    assert_eq!(plan(&start(&input))["setupError"]["code"], "malformed_access_token");
}

/// An object's top-level keys in the order its JSON text has them (a parsed `Value` sorts
/// them).
fn key_order(item_json: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0;
    let mut chars = item_json.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            '"' => {
                let start = at + 1;
                let mut end = start;
                while let Some((i, c)) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' {
                        end = i;
                        break;
                    }
                }
                if depth == 1 && chars.peek().map(|(_, c)| *c) == Some(':') {
                    keys.push(item_json[start..end].to_string());
                }
            }
            _ => {}
        }
    }
    keys
}

#[test]
fn a_failed_item_names_its_person_as_given_in_the_order_of_a_sent_item() {
    let execution = start(&input_with(json!([{"userId": "@ada.lovelace", "messageText": "Hello"}])));
    let report = execution.request(0).expect_err("an @username is refused");
    let item = serde_json::to_string(&report.item).unwrap();
    assert_eq!(key_order(&item), ["success", "operation", "userId", "error", "errorField", "timestamp"], "{item}");
    let item = parse(&item);
    assert_eq!(item["userId"], "@ada.lovelace");
    assert_eq!(item["errorField"], "userId");

    // Meta's refusal of a valid item names the person too, before Meta's details.
    let execution = start_one();
    let error = json!({"message": "This person isn't available right now.", "type": "OAuthException", "code": 551, "error_subcode": 1545041, "fbtrace_id": "T"});
    let verdict = respond(&execution, 0, 1, 400, "{}", &graph_body(error), NOW_MS, 0.5);
    // The verdict's text as the wrapper reads it: its error item's keys in their order.
    #[derive(serde::Deserialize)]
    struct Verdict<'a> {
        #[serde(borrow)]
        error: Report<'a>,
    }
    #[derive(serde::Deserialize)]
    struct Report<'a> {
        #[serde(borrow)]
        item: &'a serde_json::value::RawValue,
    }
    let item = serde_json::from_str::<Verdict>(&verdict).expect("a failed verdict").error.item.get().to_string();
    let keys = key_order(&item);
    assert_eq!(&keys[..5], ["success", "operation", "userId", "error", "errorCode"], "{item}");
    assert_eq!(keys.last().map(String::as_str), Some("timestamp"));
    assert_eq!(parse(&item)["userId"], USER_A);
}

#[test]
fn a_failed_private_reply_names_its_comment_and_a_failed_read_its_conversation() {
    let mut input = input_with(json!([{"commentId": "", "replyWith": "text", "messageText": "Hi"}]));
    input["operation"] = json!("sendPrivateReply");
    let report = start(&input).request(0).expect_err("an empty comment ID is refused");
    assert_eq!(report.item.identity.0, [("commentId", String::new())]);
    let mut input = input_with(json!([{"conversationId": "bad id!", "returnAll": false, "limit": 5}]));
    input["operation"] = json!("getMessages");
    let report = start(&input).request(0).expect_err("a conversation ID with spaces is refused");
    assert_eq!(report.item.identity.0, [("conversationId", "bad id!".to_string())]);
}

#[test]
fn a_failed_item_names_a_numeric_user_id_and_only_the_fields_its_operation_has() {
    // 12345 is no IGSID; a comment ID on a text send is not the operation's field.
    let execution = start(&input_with(json!([{"userId": 12345, "messageText": "", "commentId": "17900000000000001"}])));
    let report = execution.request(0).expect_err("an empty text is refused");
    assert_eq!(report.item.identity.0, [("userId", "12345".to_string())]);
}

#[test]
fn an_error_message_shows_control_characters_escaped() {
    use instagram_messaging_core::error::quote_for_message;
    assert_eq!(quote_for_message("a\u{7}b\u{200B}c"), r#""a\u{0007}b\u{200B}c""#);
}

#[test]
fn a_failed_item_never_shows_a_secret_it_was_given_as_its_user_id() {
    let execution = start(&input_with(json!([{"userId": &*TOKEN, "messageText": "Hello"}])));
    let report = execution.request(0).expect_err("a token is no IGSID");
    let item = serde_json::to_string(&report.item).unwrap();
    assert!(!item.contains(&*TOKEN), "{item}");
}
