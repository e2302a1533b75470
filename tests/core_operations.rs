//! The operations beyond Send Message, through the core's one API: golden request bodies,
//! the rules of their fields at the boundary, how each reads Meta's answer, and their
//! output items. Expected values are written out here, not read from the crate.

use instagram_messaging_core::execution::{Abandoned, Answer, Execution, HttpResponse, TransportFailure};
use serde_json::{json, Value};

mod common;
use common::{OrderedKeys, SECRET, TOKEN};

const META_UUID: &str = "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b";
const STARTED_AT: &str = "2026-01-01T00:00:00.000Z";
const NOW_MS: f64 = 1_767_225_601_234.0;
const NOW: &str = "2026-01-01T00:00:01.234Z";
const USER_A: &str = "17841400000000001";

fn start(resource: Option<&str>, operation: &str, items: Value) -> Execution {
    let mut input = json!({
        "operation": operation,
        "credentials": {"accessToken": *TOKEN, "appSecret": *SECRET},
        "environment": {"N8N_META_UUID": META_UUID},
        "startedAt": STARTED_AT,
        "retry": {"maxRetries": 3, "retryUnknownDelivery": false},
        "items": items
    });
    if let Some(resource) = resource {
        input["resource"] = json!(resource);
    }
    Execution::start(&input.to_string())
}

fn request(execution: &Execution, index: usize) -> Value {
    let request = execution.request(index).unwrap_or_else(|report| panic!("refused: {}", report.message));
    serde_json::to_value(&request).unwrap()
}

fn refusal(execution: &Execution, index: usize) -> String {
    execution.request(index).expect_err("refused").message
}

fn body(execution: &Execution, index: usize) -> String {
    request(execution, index)["body"]["text"].as_str().expect("a JSON body").to_string()
}

fn respond(execution: &Execution, attempt: u32, status: u16, body: &str) -> Value {
    let answer = Answer {
        index: 0,
        attempt,
        response: Some(HttpResponse { status, headers: Default::default(), body: body.to_string() }),
        now_ms: NOW_MS,
        random: 0.5,
        ..Answer::default()
    };
    serde_json::from_str(&execution.settle(&answer).to_json()).unwrap()
}

fn fail(execution: &Execution, attempt: u32, code: &str) -> Value {
    let answer = Answer {
        index: 0,
        attempt,
        failure: Some(TransportFailure { code: code.into(), message: "socket hang up".into() }),
        now_ms: NOW_MS,
        random: 0.5,
        ..Answer::default()
    };
    serde_json::from_str(&execution.settle(&answer).to_json()).unwrap()
}

/// The keys of the first output item of the verdict for `answer_body`, in written order.
fn first_output_keys(execution: &Execution, status: u16, answer_body: &str) -> Vec<String> {
    let answer = Answer {
        index: 0,
        attempt: 1,
        response: Some(HttpResponse { status, headers: Default::default(), body: answer_body.to_string() }),
        now_ms: NOW_MS,
        random: 0.5,
        ..Answer::default()
    };
    #[derive(serde::Deserialize)]
    struct Done<'a> {
        #[serde(borrow)]
        outputs: Vec<&'a serde_json::value::RawValue>,
    }
    let text = execution.settle(&answer).to_json();
    let done: Done = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {text}"));
    let keys: OrderedKeys = serde_json::from_str(done.outputs[0].get()).unwrap();
    keys.0
}

// ---------------------------------------------------------------------------------------
// Send Action
// ---------------------------------------------------------------------------------------

#[test]
fn send_action_posts_the_recipient_and_the_action_and_nothing_else() {
    for action in ["typing_on", "typing_off", "mark_seen"] {
        let execution = start(Some("message"), "sendAction", json!([{"userId": USER_A, "action": action}]));
        let request = request(&execution, 0);
        assert_eq!(request["method"], "POST");
        assert_eq!(request["url"], "https://graph.facebook.com/v18.0/me/messages");
        assert_eq!(request["rateClass"], "send");
        assert_eq!(body(&execution, 0), format!(r#"{{"recipient":{{"id":"17841400000000001"}},"sender_action":"{action}"}}"#));
    }
}

#[test]
fn send_action_refuses_any_other_action_and_plans_nothing() {
    for (action, phrase) in [
        (json!("typing"), r#"Action must be one of "typing_on", "typing_off", "mark_seen"; got "typing""#),
        (json!("TYPING_ON"), r#"got "TYPING_ON""#),
        (json!("react"), r#"got "react""#),
        (json!(1), "an expression produced a number"),
        (json!(null), "Action is required"),
    ] {
        let execution = start(None, "sendAction", json!([{"userId": USER_A, "action": action}]));
        let message = refusal(&execution, 0);
        assert!(message.contains(phrase), "{action}: {message}");
        assert_eq!(execution.plan().refused.len(), 1);
    }
}

#[test]
fn send_action_answered_with_only_the_recipient_is_done_with_the_documented_fields() {
    let execution = start(None, "sendAction", json!([{"userId": USER_A, "action": "typing_on"}]));
    let verdict = respond(&execution, 1, 200, r#"{"recipient_id":"17841400000000001"}"#);
    assert_eq!(verdict["outcome"], "done", "a well-formed answer is a success, not delivery unknown: {verdict}");
    let item = &verdict["outputs"][0];
    assert_eq!(item["success"], true);
    assert_eq!(item["operation"], "sendAction");
    assert_eq!(item["userId"], USER_A);
    assert_eq!(item["senderAction"], "typing_on");
    assert_eq!(item["timestamp"], STARTED_AT);
    assert!(item.get("messageId").is_none(), "{item}");
    assert_eq!(
        first_output_keys(&execution, 200, r#"{"recipient_id":"17841400000000001"}"#),
        ["success", "operation", "userId", "senderAction", "appSecretProofUsed", "timestamp", "nodeVersion"]
    );
}

#[test]
fn send_action_without_a_recipient_in_the_answer_is_an_error_that_is_not_delivery_unknown() {
    let execution = start(None, "sendAction", json!([{"userId": USER_A, "action": "mark_seen"}]));
    let verdict = respond(&execution, 1, 200, "{}");
    assert_eq!(verdict["outcome"], "failed");
    assert_eq!(verdict["error"]["code"], "unexpected_success_body");
    assert_eq!(verdict["error"]["deliveryUnknown"], false);
    assert_eq!(
        verdict["error"]["message"],
        "API Error: Meta answered HTTP 200 with JSON without the expected fields (2 bytes) instead of a recipient ID"
    );
}

#[test]
fn send_action_is_retried_after_a_timeout_or_a_bare_server_error_because_repeating_it_is_harmless() {
    let execution = start(None, "sendAction", json!([{"userId": USER_A, "action": "typing_on"}]));
    assert_eq!(fail(&execution, 1, "ETIMEDOUT")["outcome"], "retry");
    assert_eq!(respond(&execution, 1, 502, "")["outcome"], "retry");
    let last = fail(&execution, 4, "ETIMEDOUT");
    assert_eq!(last["outcome"], "failed");
    assert_eq!(last["error"]["message"], "No answer from the Graph API: socket hang up (ETIMEDOUT)");
    assert_eq!(last["error"]["deliveryUnknown"], false);
    let server = respond(&execution, 4, 502, "");
    assert_eq!(server["error"]["message"], "API Error: Meta answered HTTP 502 with an empty body instead of a Graph API error");
}

// ---------------------------------------------------------------------------------------
// Send Media
// ---------------------------------------------------------------------------------------

#[test]
fn send_media_posts_an_attachment_by_url() {
    let url = "https://cdn.example.com/products/mug.jpg?size=large&v=2";
    let execution = start(Some("message"), "sendMedia", json!([{"userId": USER_A, "mediaType": "image", "mediaUrl": url}]));
    assert_eq!(
        body(&execution, 0),
        r#"{"recipient":{"id":"17841400000000001"},"message":{"attachment":{"type":"image","payload":{"url":"https://cdn.example.com/products/mug.jpg?size=large&v=2"}}}}"#
    );
    assert_eq!(request(&execution, 0)["rateClass"], "send");
}

#[test]
fn send_media_paces_audio_and_video_by_meta_s_stricter_class() {
    for (media_type, class) in [("image", "send"), ("file", "send"), ("audio", "media"), ("video", "media")] {
        let execution =
            start(None, "sendMedia", json!([{"userId": USER_A, "mediaType": media_type, "mediaUrl": "https://x.example/a"}]));
        assert_eq!(request(&execution, 0)["rateClass"], class, "{media_type}");
    }
}

#[test]
fn send_media_refuses_urls_meta_cannot_fetch_and_unknown_types() {
    for (media_type, url, phrase) in [
        ("image", "http://cdn.example.com/a.jpg", "Media URL must be an absolute https address"),
        ("image", "cdn.example.com/a.jpg", "Media URL must be an absolute https address"),
        ("image", "https://user:pw@cdn.example.com/a.jpg", "Media URL must not contain a user name or password"),
        ("image", "https://cdn.example.com/my pic.jpg", "encode spaces as %20"),
        ("image", "", "Media URL is empty"),
        ("sticker", "https://cdn.example.com/a.jpg", r#"Media Type must be one of "image", "video", "audio", "file"; got "sticker""#),
    ] {
        let execution = start(None, "sendMedia", json!([{"userId": USER_A, "mediaType": media_type, "mediaUrl": url}]));
        let message = refusal(&execution, 0);
        assert!(message.contains(phrase), "{url}: {message}");
    }
}

#[test]
fn send_media_success_has_media_type_and_url_in_place_of_the_text() {
    let url = "https://cdn.example.com/a.pdf";
    let execution = start(None, "sendMedia", json!([{"userId": USER_A, "mediaType": "file", "mediaUrl": url}]));
    let answer = r#"{"recipient_id":"17841400000000001","message_id":"mid.media.1"}"#;
    let verdict = respond(&execution, 1, 200, answer);
    let item = &verdict["outputs"][0];
    assert_eq!(item["mediaType"], "file");
    assert_eq!(item["mediaUrl"], url);
    assert_eq!(item["messageId"], "mid.media.1");
    assert_eq!(item["sentAt"], NOW);
    assert_eq!(
        first_output_keys(&execution, 200, answer),
        [
            "success",
            "operation",
            "userId",
            "mediaType",
            "mediaUrl",
            "messageId",
            "sentAt",
            "appSecretProofUsed",
            "timestamp",
            "nodeVersion"
        ]
    );
}

#[test]
fn send_media_is_never_resent_after_a_timeout_by_default() {
    let execution =
        start(None, "sendMedia", json!([{"userId": USER_A, "mediaType": "image", "mediaUrl": "https://x.example/a.png"}]));
    let verdict = fail(&execution, 1, "ETIMEDOUT");
    assert_eq!(verdict["outcome"], "failed");
    assert_eq!(verdict["error"]["deliveryUnknown"], true);
}

// ---------------------------------------------------------------------------------------
// Get Profile
// ---------------------------------------------------------------------------------------

#[test]
fn get_profile_gets_the_default_fields_of_the_igsid() {
    let execution = start(Some("user"), "getProfile", json!([{"userId": USER_A, "fields": null}]));
    let request = request(&execution, 0);
    assert_eq!(request["method"], "GET");
    assert_eq!(request["url"], "https://graph.facebook.com/v18.0/17841400000000001");
    assert_eq!(request["query"], json!([["fields", "name,username,profile_pic"]]));
    assert!(request.get("body").is_none(), "{request}");
    assert_eq!(request["headers"], json!({"accept": "application/json"}));
    assert_eq!(request["rateClass"], "read");
}

#[test]
fn get_profile_asks_for_the_fields_the_user_lists() {
    let execution = start(None, "getProfile", json!([{"userId": USER_A, "fields": " name , follower_count "}]));
    assert_eq!(request(&execution, 0)["query"], json!([["fields", "name,follower_count"]]));
    for (fields, phrase) in [
        ("name,{id}", r#"got "{id}" as field 2"#),
        ("name,name", r#"lists "name" twice"#),
        ("name&access_token=x", "lower-case letters, digits and _"),
    ] {
        let execution = start(None, "getProfile", json!([{"userId": USER_A, "fields": fields}]));
        let message = refusal(&execution, 0);
        assert!(message.starts_with("Fields ") && message.contains(phrase), "{fields}: {message}");
    }
}

#[test]
fn get_profile_outputs_meta_s_fields_in_the_order_asked_after_success_operation_and_user_id() {
    let execution = start(None, "getProfile", json!([{"userId": USER_A, "fields": "username,name,profile_pic"}]));
    let answer = r#"{"name":"Ada L","username":"ada","profile_pic":"https://cdn.example/p.jpg","id":"17841400000000001"}"#;
    let verdict = respond(&execution, 1, 200, answer);
    let item = &verdict["outputs"][0];
    assert_eq!(item["userId"], USER_A);
    assert_eq!(item["name"], "Ada L");
    assert_eq!(item["username"], "ada");
    assert!(item.get("id").is_none(), "the id is the userId: {item}");
    assert_eq!(
        first_output_keys(&execution, 200, answer),
        ["success", "operation", "userId", "username", "name", "profile_pic", "timestamp"]
    );
}

#[test]
fn get_profile_asked_for_id_or_timestamp_keeps_the_user_id_and_the_node_s_timestamp() {
    let execution = start(None, "getProfile", json!([{"userId": USER_A, "fields": "timestamp,name,id"}]));
    let answer = r#"{"timestamp":"meta's","name":"Ada L","id":"17841400000000001"}"#;
    let item = &respond(&execution, 1, 200, answer)["outputs"][0];
    assert!(item.get("id").is_none(), "{item}");
    assert_eq!(item["timestamp"], STARTED_AT);
    assert_eq!(first_output_keys(&execution, 200, answer), ["success", "operation", "userId", "name", "timestamp"]);
}

#[test]
fn get_profile_never_lets_meta_s_fields_replace_the_node_s_own() {
    let execution = start(None, "getProfile", json!([{"userId": USER_A, "fields": "name"}]));
    let verdict = respond(&execution, 1, 200, r#"{"name":"x","success":false,"operation":"y","userId":"1","timestamp":"t"}"#);
    let item = &verdict["outputs"][0];
    assert_eq!((item["success"].clone(), item["operation"].clone(), item["userId"].clone()), (json!(true), json!("getProfile"), json!(USER_A)));
    assert_eq!(item["timestamp"], STARTED_AT);
}

#[test]
fn get_profile_reports_meta_s_error_and_retries_a_timeout() {
    let execution = start(None, "getProfile", json!([{"userId": USER_A}]));
    let error = r#"{"error":{"message":"(#100) Tried accessing nonexisting field (x)","type":"IGApiException","code":100}}"#;
    let verdict = respond(&execution, 1, 400, error);
    assert_eq!(verdict["error"]["message"], "API Error: (#100) Tried accessing nonexisting field (x)");
    assert_eq!(verdict["error"]["item"]["operation"], "getProfile");
    assert_eq!(fail(&execution, 1, "ECONNRESET")["outcome"], "retry", "a read is safe to repeat");
    let not_object = respond(&execution, 1, 200, "[]");
    assert_eq!(not_object["error"]["message"], "API Error: Meta answered HTTP 200 with JSON without the expected fields (2 bytes) instead of the requested fields");
}

// ---------------------------------------------------------------------------------------
// The registry as the boundary sees it
// ---------------------------------------------------------------------------------------

#[test]
fn an_unknown_operation_names_every_supported_one() {
    let execution = start(None, "sendSmoke", json!([{"userId": USER_A}]));
    let setup = execution.plan().setup_error.expect("a setup error");
    assert_eq!(setup.message, r#"Unknown operation "sendSmoke"; this node supports sendMessage, sendMedia, sendImages, sendHeartSticker, sharePost, sendQuickReplies, sendGenericTemplate, sendButtonTemplate, react, unreact, sendAction, sendPrivateReply, uploadAttachment, getConversations, getMessages, getProfile"#);
    assert_eq!(setup.code, "unknown_operation");
}

#[test]
fn an_operation_under_the_wrong_resource_is_refused() {
    let execution = start(Some("user"), "sendMessage", json!([{"userId": USER_A, "messageText": "hi"}]));
    let setup = execution.plan().setup_error.expect("a setup error");
    assert!(setup.message.starts_with(r#"Unknown operation "user: sendMessage""#), "{}", setup.message);
}

#[test]
fn a_workflow_saved_without_a_resource_still_sends_messages() {
    let execution = start(None, "sendMessage", json!([{"userId": USER_A, "messageText": "hi"}]));
    assert!(execution.plan().setup_error.is_none());
    assert_eq!(body(&execution, 0), r#"{"recipient":{"id":"17841400000000001"},"message":{"text":"hi"}}"#);
}

#[test]
fn an_item_never_settled_says_it_was_not_sent_and_keeps_its_operation() {
    let execution = start(None, "sendMedia", json!([{"userId": USER_A, "mediaType": "image", "mediaUrl": "https://x.example/a"}]));
    let report = execution.abandon(0, Abandoned::NotSent);
    assert_eq!(report.message, "Not sent: the execution stopped before this message was sent");
    assert_eq!(report.item.operation, "sendMedia");
    assert!(!report.item.success);
}

/// Each operation's output schema lists exactly the fields its items carry, each with a type.
#[test]
fn every_operation_has_a_schema_of_its_own_fields() {
    use instagram_messaging_core::operations::REGISTRY;
    use instagram_messaging_core::output_schema::{fields_of, operation_schemas};
    let schemas = operation_schemas();
    assert_eq!(schemas.len(), REGISTRY.len());
    for spec in REGISTRY {
        let (_, _, schema) = schemas
            .iter()
            .find(|(resource, name, _)| *resource == spec.resource.value && *name == spec.name)
            .unwrap_or_else(|| panic!("no schema for {}", spec.name));
        let properties = schema["properties"].as_object().unwrap();
        let mut listed: Vec<&str> = properties.keys().map(String::as_str).collect();
        let mut fields = fields_of(spec);
        listed.sort_unstable();
        fields.sort_unstable();
        assert_eq!(listed, fields, "{}", spec.name);
        assert!(properties.values().all(|p| p["type"].is_string()), "{}", spec.name);
    }
    // Only message sends carry the message options.
    let profile = REGISTRY.iter().find(|spec| spec.name == "getProfile").unwrap();
    assert_eq!(fields_of(profile), ["success", "operation", "userId", "name", "username", "profile_pic", "timestamp"]);
}

#[test]
fn a_value_has_the_json_type_a_schema_names() {
    use instagram_messaging_core::output_schema::has_type;
    let cases = [
        (json!(5), "integer", true),
        (json!(-5), "integer", true),
        (json!(5), "number", true),
        (json!(5.5), "integer", false),
        (json!(5.5), "number", true),
        (json!("5"), "number", false),
        (json!("5"), "integer", false),
        (json!("5"), "string", true),
        (json!(true), "boolean", true),
        (json!([]), "array", true),
        (json!({}), "object", true),
        (json!({}), "null", false),
    ];
    for (value, kind, expected) in cases {
        assert_eq!(has_type(&value, kind), expected, "{value} as {kind}");
    }
}

#[test]
fn an_unknown_operation_is_named_with_its_resource_only_when_it_exists_elsewhere() {
    use instagram_messaging_core::operations::find;
    let message = |resource, name| match find(resource, name) {
        Err(error) => instagram_messaging_core::error::CoreError::Setup(error).message(),
        Ok(spec) => panic!("{} was found", spec.name),
    };
    assert!(message(Some("user"), "sendMessage").contains("user: sendMessage"));
    let unknown = message(Some("user"), "sendTelegram");
    assert!(unknown.contains("sendTelegram") && !unknown.contains("user: sendTelegram"), "{unknown}");
    assert_eq!(find(Some("message"), "sendMessage").unwrap().name, "sendMessage");
    assert_eq!(find(None, "getProfile").unwrap().name, "getProfile");
}

#[test]
fn an_ordered_object_knows_its_fields() {
    use instagram_messaging_core::output::OrderedObject;
    let mut object = OrderedObject::new();
    object.push("messageId", json!("m1"));
    assert!(object.has("messageId"));
    assert!(!object.has("message"));
}

#[test]
fn a_transient_error_outside_the_hint_table_is_temporary() {
    use instagram_messaging_core::graph_error::GraphError;
    let transient = GraphError::parse(r#"{"error":{"message":"Try again","code":12345,"is_transient":true}}"#).unwrap();
    assert_eq!(transient.reason(), "temporary");
    let permanent = GraphError::parse(r#"{"error":{"message":"No","code":12345}}"#).unwrap();
    assert_eq!(permanent.reason(), "api_error");
}
