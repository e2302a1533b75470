//! The JavaScript ↔ WebAssembly boundary, run in Node by wasm-bindgen-test:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!  cargo test --target wasm32-unknown-unknown --test wasm_boundary`
#![cfg(target_arch = "wasm32")]

use instagram_messaging_core::wasm::{authorize, catalog, check_credentials, verify_hmac_sha256, Execution};
use js_sys::{Array, BigInt, JsString, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

mod common;
use common::{proof_of as expected_proof, SECRET, TOKEN};
const META_UUID: &str = "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b";
const USER_A: &str = "17841400000000001";
const NOW: &str = "2026-01-01T00:00:01.000Z";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &s(key), value).expect("set a property");
    }
    object.into()
}

fn arr(values: &[JsValue]) -> JsValue {
    values.iter().collect::<Array>().into()
}

fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |current, key| {
        if current.is_object() {
            Reflect::get(&current, &s(key)).expect("get a property")
        } else {
            JsValue::UNDEFINED
        }
    })
}

fn at(value: &JsValue, index: u32) -> JsValue {
    Reflect::get(value, &JsValue::from_f64(index as f64)).expect("get an element")
}

fn text(value: &JsValue, path: &[&str]) -> String {
    let found = get(value, path);
    found.as_string().unwrap_or_else(|| panic!("{path:?} is not a string in {}", stringify(value)))
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).ok().and_then(|s| s.as_string()).unwrap_or_else(|| "<unserialisable>".into())
}

fn lone(code_unit: u16) -> JsValue {
    JsString::from_char_code(&[code_unit]).into()
}

/// `prefix + <one UTF-16 code unit> + suffix` as a JavaScript string.
fn with_code_unit(prefix: &str, code_unit: u16, suffix: &str) -> JsValue {
    JsString::from(prefix).concat(&lone(code_unit)).concat(&s(suffix)).into()
}

fn credentials() -> JsValue {
    obj(&[
        ("accessToken", s(&TOKEN)),
        ("appSecret", s(&SECRET)),
        ("apiVersion", s("v18.0")),
        ("baseUrl", s("https://graph.facebook.com")),
    ])
}

fn input(items: JsValue) -> JsValue {
    obj(&[
        ("operation", s("sendMessage")),
        ("credentials", credentials()),
        ("environment", obj(&[("N8N_META_UUID", s(META_UUID))])),
        ("startedAt", s("2026-01-01T00:00:00.000Z")),
        ("retry", obj(&[("maxRetries", JsValue::from_f64(3.0)), ("retryUnknownDelivery", JsValue::FALSE)])),
        ("items", items),
    ])
}

fn item(user_id: JsValue, message_text: JsValue) -> JsValue {
    obj(&[("userId", user_id), ("messageText", message_text)])
}

/// The plan as the node reads it (`plan`, then `request` for each item), laid out per item
/// for the assertions: `{setupError?, items: [{send} | {refused}]}`.
fn plan_view(execution: &Execution) -> JsValue {
    let plan = execution.plan();
    let view = Object::new();
    let setup_error = get(&plan, &["setupError"]);
    if !setup_error.is_undefined() {
        Reflect::set(&view, &s("setupError"), &setup_error).unwrap();
    }
    let count = get(&plan, &["itemCount"]).as_f64().expect("itemCount") as u32;
    let refused_count = Array::from(&get(&plan, &["refused"])).length();
    let items = Array::new();
    let mut refusals = 0;
    for index in 0..count {
        let planned = first_request(execution, index);
        let request = get(&planned, &["request"]);
        if request.is_object() {
            items.push(&obj(&[("send", request)]));
        } else {
            refusals += 1;
            items.push(&obj(&[("refused", get(&planned, &["refused"]))]));
        }
    }
    assert_eq!(refusals, refused_count, "plan and request agree on the refusals");
    Reflect::set(&view, &s("items"), &items).unwrap();
    view.into()
}

/// Item `index`'s first request as the node reads it: a chunk of one, decoded (a head plus
/// its JSON body on the next line).
fn first_request(execution: &Execution, index: u32) -> JsValue {
    let text = execution.requests(index, 1);
    let mut lines = text.split('\n');
    let chunk = JSON::parse(lines.next().unwrap()).expect("the chunk document is JSON");
    let bodies: Vec<&str> = lines.collect();
    let item = at(&get(&chunk, &["items"]), 0);
    let reference = get(&item, &["request"]);
    if !reference.is_object() {
        return item;
    }
    let head = at(&get(&chunk, &["heads"]), get(&reference, &["head"]).as_f64().unwrap() as u32);
    let request = Object::assign(&Object::new(), head.unchecked_ref());
    if let Some(body) = get(&reference, &["body"]).as_f64() {
        Reflect::set(&request, &s("body"), &obj(&[("kind", s("json")), ("text", s(bodies[body as usize]))])).unwrap();
    }
    obj(&[("request", request.into())])
}

fn plan_of(items: &[JsValue]) -> JsValue {
    plan_view(&Execution::start(&input(arr(items))))
}

fn only_plan(user_id: JsValue, message_text: JsValue) -> JsValue {
    at(&get(&plan_of(&[item(user_id, message_text)]), &["items"]), 0)
}

/// The parsed JSON body of a planned request.
fn sent_body(plan_item: &JsValue) -> JsValue {
    let body = get(plan_item, &["send", "body", "text"]);
    let body = body.as_string().unwrap_or_else(|| panic!("not sent: {}", stringify(plan_item)));
    JSON::parse(&body).expect("the body is JSON")
}

fn refusal(plan_item: &JsValue) -> JsValue {
    let refused = get(plan_item, &["refused"]);
    assert!(refused.is_object(), "not refused: {}", stringify(plan_item));
    refused
}

// ---------------------------------------------------------------------------------------
// Text crossing the boundary
// ---------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn emoji_and_non_bmp_text_arrive_intact_in_the_request_body() {
    let message = "😀𝔘👩‍👩‍👧 café – \"quoted\"\nnext line";
    let plan_item = only_plan(s(USER_A), s(message));
    let body = sent_body(&plan_item);
    let sent = get(&body, &["message", "text"]);
    assert_eq!(sent.as_string().as_deref(), Some(message));
    // Same UTF-16 code units on the JavaScript side, not just the same Rust string.
    let sent: JsString = sent.unchecked_into();
    assert_eq!(sent.length() as usize, message.encode_utf16().count());
    assert!(JsValue::from(sent) == s(message));
    assert_eq!(text(&body, &["recipient", "id"]), USER_A);
}

#[wasm_bindgen_test]
fn a_surrogate_pair_built_from_code_units_is_one_emoji() {
    let message: JsValue = JsString::from_char_code(&[0xD83D, 0xDE00]).into();
    let body = sent_body(&only_plan(s(USER_A), message));
    assert_eq!(text(&body, &["message", "text"]), "😀");
}

#[wasm_bindgen_test]
fn lone_surrogate_in_message_text_is_refused_not_replaced() {
    for value in [lone(0xD83D), lone(0xDE00), with_code_unit("half an emoji: ", 0xD83D, "!")] {
        let plan_item = only_plan(s(USER_A), value);
        let refused = refusal(&plan_item);
        assert_eq!(text(&refused, &["code"]), "invalid_message_text");
        assert_eq!(text(&refused, &["item", "errorField"]), "messageText");
        let message = text(&refused, &["message"]);
        assert!(message.contains("unpaired UTF-16 surrogate"), "{message}");
        assert!(!stringify(&plan_item).contains('\u{FFFD}'), "replaced with U+FFFD: {}", stringify(&plan_item));
    }
}

#[wasm_bindgen_test]
fn lone_surrogate_refuses_only_its_own_item() {
    let plan = plan_of(&[
        item(s(USER_A), s("before")),
        item(s(USER_A), lone(0xD800)),
        item(with_code_unit("1784", 0xDFFF, ""), s("bad id")),
        item(s(USER_A), s("after")),
    ]);
    let items = get(&plan, &["items"]);
    assert_eq!(Array::from(&items).length(), 4);
    assert_eq!(text(&sent_body(&at(&items, 0)), &["message", "text"]), "before");
    assert_eq!(text(&refusal(&at(&items, 1)), &["code"]), "invalid_message_text");
    let bad_id = refusal(&at(&items, 2));
    assert_eq!(text(&bad_id, &["code"]), "invalid_user_id");
    assert!(text(&bad_id, &["message"]).contains("unpaired UTF-16 surrogate"));
    assert_eq!(text(&sent_body(&at(&items, 3)), &["message", "text"]), "after");
    assert!(get(&plan, &["setupError"]).is_undefined());
}

#[wasm_bindgen_test]
fn lone_surrogate_in_the_access_token_is_refused_not_sent() {
    let credentials = obj(&[("accessToken", with_code_unit("tok", 0xD83D, "en")), ("appSecret", s(&SECRET))]);
    let result = authorize(&credentials);
    assert_eq!(text(&result, &["error", "code"]), "malformed_access_token");
    assert!(get(&result, &["authorization"]).is_undefined());

    let execution_input = input(arr(&[item(s(USER_A), s("hi"))]));
    Reflect::set(&execution_input, &s("credentials"), &credentials).unwrap();
    let plan = plan_view(&Execution::start(&execution_input));
    assert_eq!(text(&plan, &["setupError", "code"]), "malformed_access_token");
}

// ---------------------------------------------------------------------------------------
// Missing fields and wrong types
// ---------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn missing_user_id_and_message_text_are_refused_as_required() {
    let plan = plan_of(&[
        obj(&[("messageText", s("hi"))]),
        obj(&[("userId", s(USER_A))]),
        obj(&[]),
        item(JsValue::UNDEFINED, s("hi")),
        item(s(USER_A), JsValue::NULL),
    ]);
    let items = get(&plan, &["items"]);
    for (index, code) in [
        (0, "invalid_user_id"),
        (1, "invalid_message_text"),
        (2, "invalid_user_id"),
        (3, "invalid_user_id"),
        (4, "invalid_message_text"),
    ] {
        let refused = refusal(&at(&items, index));
        assert_eq!(text(&refused, &["code"]), code, "item {index}");
        assert!(text(&refused, &["message"]).contains("is required"), "item {index}: {}", stringify(&refused));
    }
}

#[wasm_bindgen_test]
fn number_user_id_within_two_to_the_53_is_accepted() {
    let body = sent_body(&only_plan(JsValue::from_f64(1_234_567_890_123_456.0), s("hi")));
    assert_eq!(text(&body, &["recipient", "id"]), "1234567890123456");
    let largest = 9_007_199_254_740_991.0; // 2^53 - 1
    let body = sent_body(&only_plan(JsValue::from_f64(largest), s("hi")));
    assert_eq!(text(&body, &["recipient", "id"]), "9007199254740991");
}

#[wasm_bindgen_test]
fn number_user_id_past_two_to_the_53_is_refused() {
    let refused = refusal(&only_plan(JsValue::from_f64(17_841_400_000_000_000.0), s("hi")));
    assert_eq!(text(&refused, &["code"]), "invalid_user_id");
    assert!(text(&refused, &["message"]).contains("too large for JavaScript"), "{}", stringify(&refused));
}

#[wasm_bindgen_test]
fn object_array_bool_and_fractional_user_ids_are_refused() {
    for value in [
        obj(&[("id", s(USER_A))]),
        arr(&[s(USER_A)]),
        JsValue::TRUE,
        JsValue::FALSE,
        JsValue::from_f64(1.5),
        JsValue::from_f64(-5.0),
        JsValue::from_f64(f64::NAN), // JSON.stringify writes null
    ] {
        let refused = refusal(&only_plan(value.clone(), s("hi")));
        assert_eq!(text(&refused, &["code"]), "invalid_user_id", "{value:?}");
        assert!(text(&refused, &["message"]).starts_with("User ID "));
    }
}

#[wasm_bindgen_test]
fn number_and_boolean_message_text_are_sent_as_their_text() {
    for (value, expected) in [
        (JsValue::from_f64(42.0), "42"),
        (JsValue::from_f64(3.5), "3.5"),
        (JsValue::from_f64(-0.25), "-0.25"),
        (JsValue::TRUE, "true"),
    ] {
        let body = sent_body(&only_plan(s(USER_A), value));
        assert_eq!(text(&body, &["message", "text"]), expected);
    }
}

#[wasm_bindgen_test]
fn object_and_array_message_text_are_refused() {
    for (value, described) in [(obj(&[("text", s("hi"))]), "an object"), (arr(&[s("a"), s("b")]), "a list")] {
        let refused = refusal(&only_plan(s(USER_A), value));
        assert_eq!(text(&refused, &["code"]), "invalid_message_text");
        assert!(text(&refused, &["message"]).contains(described), "{}", stringify(&refused));
    }
}

#[wasm_bindgen_test]
fn a_bigint_parameter_does_not_break_the_other_items() {
    let plan = plan_of(&[
        item(s(USER_A), s("before")),
        item(BigInt::from(5u32).into(), s("bigint id")),
        item(s(USER_A), BigInt::from(7u32).into()),
        item(s(USER_A), s("after")),
    ]);
    assert!(get(&plan, &["setupError"]).is_undefined(), "{}", stringify(&plan));
    let items = get(&plan, &["items"]);
    assert_eq!(Array::from(&items).length(), 4);
    assert_eq!(text(&sent_body(&at(&items, 0)), &["message", "text"]), "before");
    // A BigInt holds an integer exactly: it reads as its decimal digits.
    assert_eq!(text(&sent_body(&at(&items, 1)), &["recipient", "id"]), "5");
    assert_eq!(text(&sent_body(&at(&items, 2)), &["message", "text"]), "7");
    assert_eq!(text(&sent_body(&at(&items, 3)), &["message", "text"]), "after");
}

#[wasm_bindgen_test]
fn a_bigint_beyond_two_to_the_53_keeps_every_digit_of_the_user_id() {
    let id = BigInt::new(&s("17841400000000123")).expect("BigInt from a string");
    let body = sent_body(&only_plan(id.into(), s("hi")));
    assert_eq!(text(&body, &["recipient", "id"]), "17841400000000123");
}

#[wasm_bindgen_test]
fn undefined_and_null_inputs_are_setup_errors_not_crashes() {
    for value in [JsValue::UNDEFINED, JsValue::NULL, s("text"), JsValue::from_f64(1.0)] {
        let execution = Execution::start(&value);
        assert_eq!((get(&execution.plan(), &["itemCount"]).as_f64().unwrap() as u32), 0);
        let plan = plan_view(&execution);
        assert_eq!(text(&plan, &["setupError", "kind"]), "setup", "{value:?}");
        let verdict = execution.settle(&response_answer(0, 200, obj(&[]), "{}", 0.5));
        assert_eq!(text(&verdict, &["outcome"]), "failed");
    }
}

#[wasm_bindgen_test]
fn missing_credentials_and_environment_are_setup_errors() {
    let no_credentials = obj(&[
        ("operation", s("sendMessage")),
        ("environment", obj(&[("N8N_META_UUID", s(META_UUID))])),
        ("items", arr(&[item(s(USER_A), s("hi"))])),
    ]);
    let plan = plan_view(&Execution::start(&no_credentials));
    assert_eq!(text(&plan, &["setupError", "message"]), "Access token is required");
    assert_eq!(text(&at(&get(&plan, &["items"]), 0), &["refused", "message"]), "Access token is required");

    let no_environment = obj(&[
        ("operation", s("sendMessage")),
        ("credentials", credentials()),
        ("items", arr(&[item(s(USER_A), s("hi"))])),
    ]);
    let plan = plan_view(&Execution::start(&no_environment));
    assert!(text(&plan, &["setupError", "message"]).contains("N8N_META_UUID"));
}

// ---------------------------------------------------------------------------------------
// Settling through the boundary
// ---------------------------------------------------------------------------------------

fn now_ms() -> f64 {
    js_sys::Date::parse(NOW)
}

fn response_answer(index: u32, status: u16, headers: JsValue, body: &str, random: f64) -> JsValue {
    obj(&[
        ("index", JsValue::from_f64(index as f64)),
        ("attempt", JsValue::from_f64(1.0)),
        ("response", obj(&[("status", JsValue::from_f64(status as f64)), ("headers", headers), ("body", s(body))])),
        ("nowMs", JsValue::from_f64(now_ms())),
        ("random", JsValue::from_f64(random)),
    ])
}

fn failure_answer(code: &str, message: &str, random: f64) -> JsValue {
    obj(&[
        ("index", JsValue::from_f64(0.0)),
        ("attempt", JsValue::from_f64(1.0)),
        ("failure", obj(&[("code", s(code)), ("message", s(message))])),
        ("nowMs", JsValue::from_f64(now_ms())),
        ("random", JsValue::from_f64(random)),
    ])
}

#[wasm_bindgen_test]
fn settle_reads_an_answer_object_into_a_verdict_with_the_output_item() {
    let execution = Execution::start(&input(arr(&[item(s(USER_A), s("hi"))])));
    let body = r#"{"recipient_id":"17841400000000001","message_id":"mid.1"}"#;
    let verdict = execution.settle(&response_answer(0, 200, obj(&[]), body, 0.5));
    assert_eq!(text(&verdict, &["outcome"]), "done");
    let item = at(&get(&verdict, &["outputs"]), 0);
    assert_eq!(text(&item, &["messageId"]), "mid.1");
    assert_eq!(text(&item, &["sentAt"]), NOW);
    assert_eq!(text(&item, &["appSecretProofUsed"]), format!("{}…", &expected_proof(&SECRET, &TOKEN)[..8]));
    assert!(get(&verdict, &["usagePercent"]).is_null());

    let error = r#"{"error":{"message":"Limit","code":4}}"#;
    let headers = obj(&[("retry-after", s("3")), ("x-app-usage", s(r#"{"call_count":80}"#))]);
    let verdict = execution.settle(&response_answer(0, 429, headers, error, 0.0));
    assert_eq!(text(&verdict, &["outcome"]), "retry");
    let after = get(&verdict, &["afterMs"]).as_f64().unwrap();
    assert!((3000.0..=3250.0).contains(&after), "{after}");
    assert_eq!(get(&verdict, &["pauseAll"]), JsValue::TRUE);
    assert_eq!(get(&verdict, &["usagePercent"]).as_f64(), Some(80.0));
}

#[wasm_bindgen_test]
fn an_answer_with_wrong_types_is_read_as_missing_not_a_crash() {
    let execution = Execution::start(&input(arr(&[item(s(USER_A), s("hi"))])));
    for answer in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        obj(&[]),
        obj(&[("index", s("zero")), ("response", s("200"))]),
        obj(&[("response", obj(&[("status", s("200")), ("body", JsValue::from_f64(1.0))]))]),
    ] {
        let verdict = execution.settle(&answer);
        assert!(verdict.is_object(), "{}", stringify(&answer));
        assert_eq!(text(&verdict, &["outcome"]), "failed", "{}", stringify(&verdict));
    }
}

#[wasm_bindgen_test]
fn settle_of_a_failure_classifies_and_redacts() {
    let execution = Execution::start(&input(arr(&[item(s(USER_A), s("hi"))])));
    let message = format!("socket hang up Bearer {TOKEN} {SECRET}");
    let verdict = execution.settle(&failure_answer("ECONNRESET", &message, 0.5));
    assert_eq!(text(&verdict, &["outcome"]), "failed");
    assert_eq!(text(&verdict, &["error", "kind"]), "transport");
    assert_eq!(get(&verdict, &["error", "deliveryUnknown"]), JsValue::TRUE);
    let shown = stringify(&verdict);
    assert!(!shown.contains(&*TOKEN) && !shown.contains(&*SECRET), "{shown}");

    assert_eq!(text(&execution.settle(&failure_answer("ECONNREFUSED", "", 0.5)), &["outcome"]), "retry", "not sent: retried");
    assert_eq!(text(&execution.settle(&failure_answer("7", "{}", f64::NAN)), &["outcome"]), "failed");
}

#[wasm_bindgen_test]
fn abandon_gives_the_error_item_of_an_item_never_settled() {
    let execution = Execution::start(&input(arr(&[item(s(USER_A), s("hi")), item(s("bad"), s("hi"))])));
    let not_sent = execution.abandon(0, "notSent");
    assert_eq!(text(&not_sent, &["code"]), "not_sent");
    assert_eq!(get(&not_sent, &["item", "success"]), JsValue::FALSE);
    assert_eq!(text(&execution.abandon(0, "coreFailed"), &["code"]), "core_trap");
    assert_eq!(get(&execution.abandon(0, "coreFailed"), &["deliveryUnknown"]), JsValue::TRUE);
    assert_eq!(get(&execution.abandon(0, "coreFailedBeforeSending"), &["deliveryUnknown"]), JsValue::FALSE);
    // A refused item keeps its own refusal.
    assert_eq!(text(&execution.abandon(1, "notSent"), &["code"]), "invalid_user_id");
}

#[wasm_bindgen_test]
fn planned_requests_carry_no_credentials() {
    let shown = stringify(&plan_of(&[item(s(USER_A), s("hi"))]));
    assert!(!shown.contains(&*TOKEN) && !shown.contains(&*SECRET) && !shown.contains(&expected_proof(&SECRET, &TOKEN)), "{shown}");
}

// ---------------------------------------------------------------------------------------
// authorize
// ---------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn authorize_returns_bearer_header_proof_and_graph_base() {
    let result = authorize(&credentials());
    assert_eq!(text(&result, &["authorization", "headers", "Authorization"]), format!("Bearer {TOKEN}"));
    assert_eq!(text(&result, &["authorization", "qs", "appsecret_proof"]), expected_proof(&SECRET, &TOKEN));
    assert_eq!(text(&result, &["authorization", "graphBase"]), "https://graph.facebook.com/v18.0");
    assert!(get(&result, &["error"]).is_undefined());
    // Exactly these keys, nothing that would leak the secret.
    let shown = stringify(&result);
    assert!(!shown.contains(&*SECRET), "{shown}");
    let authorization: Object = get(&result, &["authorization"]).unchecked_into();
    assert_eq!(Object::keys(&authorization).length(), 3);
}

#[wasm_bindgen_test]
fn authorize_uses_custom_version_and_base_url_and_defaults() {
    let custom = obj(&[
        ("accessToken", s(&TOKEN)),
        ("appSecret", s(&SECRET)),
        ("apiVersion", s("v21.0")),
        ("baseUrl", s("http://127.0.0.1:8080/meta/")),
    ]);
    assert_eq!(text(&authorize(&custom), &["authorization", "graphBase"]), "http://127.0.0.1:8080/meta/v21.0");
    let defaults = obj(&[("accessToken", s(&TOKEN)), ("appSecret", s(&SECRET))]);
    assert_eq!(text(&authorize(&defaults), &["authorization", "graphBase"]), "https://graph.facebook.com/v18.0");
}

#[wasm_bindgen_test]
fn authorize_computes_a_new_proof_when_the_credential_changes() {
    let first = authorize(&credentials());
    let other = obj(&[("accessToken", s(&TOKEN)), ("appSecret", s("anotherSECRET42"))]);
    let second = authorize(&other);
    assert_eq!(text(&second, &["authorization", "qs", "appsecret_proof"]), expected_proof("anotherSECRET42", &TOKEN));
    assert_ne!(
        text(&first, &["authorization", "qs", "appsecret_proof"]),
        text(&second, &["authorization", "qs", "appsecret_proof"])
    );
    let again = authorize(&credentials());
    assert_eq!(text(&again, &["authorization", "qs", "appsecret_proof"]), expected_proof(&SECRET, &TOKEN));
}

#[wasm_bindgen_test]
fn authorize_without_a_token_says_access_token_is_required() {
    for value in [
        obj(&[("appSecret", s(&SECRET))]),
        obj(&[("accessToken", s("  ")), ("appSecret", s(&SECRET))]),
        obj(&[("accessToken", JsValue::NULL), ("appSecret", s(&SECRET))]),
        obj(&[]),
        JsValue::UNDEFINED,
        JsValue::NULL,
    ] {
        let result = authorize(&value);
        assert_eq!(text(&result, &["error", "message"]), "Access token is required", "{value:?}");
        assert_eq!(text(&result, &["error", "code"]), "missing_access_token");
        assert!(get(&result, &["authorization"]).is_undefined());
    }
}

#[wasm_bindgen_test]
fn authorize_without_an_app_secret_says_it_is_required() {
    let result = authorize(&obj(&[("accessToken", s(&TOKEN))]));
    assert_eq!(text(&result, &["error", "message"]), "App Secret is required for server-side API calls");
    assert!(!stringify(&result).contains(&*TOKEN));
}

#[wasm_bindgen_test]
fn authorize_is_not_derailed_by_a_bigint_in_another_credential_field() {
    let mut pairs = vec![("accessToken", s(&TOKEN)), ("appSecret", s(&SECRET))];
    pairs.push(("expiresAt", BigInt::from(1_767_225_600u32).into()));
    let result = authorize(&obj(&pairs));
    assert_eq!(text(&result, &["authorization", "qs", "appsecret_proof"]), expected_proof(&SECRET, &TOKEN));
}

#[wasm_bindgen_test]
fn a_bigint_in_the_options_does_not_drop_the_items() {
    let execution_input = input(arr(&[item(s(USER_A), s("hi")), item(s(USER_A), s("there"))]));
    Reflect::set(&execution_input, &s("retry"), &obj(&[("maxRetries", BigInt::from(2u32).into())])).unwrap();
    let execution = Execution::start(&execution_input);
    // The options are unreadable (maxRetries arrives as the text "2"), so nothing is sent,
    // but each item still reports why, keeping output paired with input.
    assert_eq!((get(&execution.plan(), &["itemCount"]).as_f64().unwrap() as u32), 2);
    let plan = plan_view(&execution);
    assert_eq!(text(&plan, &["setupError", "code"]), "bad_call");
    let items = get(&plan, &["items"]);
    assert_eq!(Array::from(&items).length(), 2);
    for index in 0..2 {
        assert_eq!(text(&refusal(&at(&items, index)), &["code"]), "bad_call");
    }
}

#[wasm_bindgen_test]
fn the_catalog_names_the_environment_the_limits_and_every_operation() {
    let catalog = catalog();
    assert_eq!(stringify(&get(&catalog, &["environment"])), r#"["N8N_META_UUID"]"#);
    assert_eq!(get(&catalog, &["limits", "textBytes"]).as_f64(), Some(1000.0));
    let operations = Array::from(&get(&catalog, &["operations"]));
    let names: Vec<String> = operations.iter().map(|op| text(&op, &["name"])).collect();
    assert_eq!(
        names,
        [
            "sendMessage",
            "sendMedia",
            "sendImages",
            "sendHeartSticker",
            "sharePost",
            "sendQuickReplies",
            "sendGenericTemplate",
            "sendButtonTemplate",
            "react",
            "unreact",
            "sendAction",
            "sendPrivateReply",
            "uploadAttachment",
            "getConversations",
            "getMessages",
            "getProfile"
        ]
    );
    assert_eq!(text(&catalog, &["parameterErrorKey"]), "$error");
}

#[wasm_bindgen_test]
fn check_credentials_validates_without_an_execution_and_never_echoes_secrets() {
    let ok = check_credentials(&credentials());
    assert_eq!(text(&ok, &["ok", "apiVersion"]), "v18.0");
    assert_eq!(text(&ok, &["ok", "baseUrl"]), "https://graph.facebook.com");
    assert!(!stringify(&ok).contains(&*TOKEN) && !stringify(&ok).contains(&*SECRET));
    let bad = check_credentials(&obj(&[("accessToken", s("to ken")), ("appSecret", s(&SECRET))]));
    assert_eq!(text(&bad, &["error", "code"]), "malformed_access_token");
    assert!(!stringify(&bad).contains(&*SECRET));
}

#[wasm_bindgen_test]
fn verify_hmac_sha256_takes_bytes_and_checks_them_exactly() {
    let mac = hex::decode(expected_proof(&SECRET, &TOKEN)).unwrap();
    assert!(verify_hmac_sha256(SECRET.as_bytes(), TOKEN.as_bytes(), &mac));
    let mut flipped = mac.clone();
    flipped[0] ^= 0x80;
    assert!(!verify_hmac_sha256(SECRET.as_bytes(), TOKEN.as_bytes(), &flipped));
    assert!(!verify_hmac_sha256(SECRET.as_bytes(), TOKEN.as_bytes(), &mac[..16]));
}
