//! The Send API, conversations and uploads through the core's one API: a golden request
//! for every operation, every limit at its boundary and one past it (nothing planned),
//! multi-step items (upload, then send), paging, login types and rate classes. Expected
//! values are written out here, not read from the crate.

use instagram_messaging_core::execution::{Answer, Execution, HttpResponse, TransportFailure};
use instagram_messaging_core::operations::{Step, REGISTRY};
use instagram_messaging_core::output_schema;
use serde_json::{json, Value};

mod common;
use common::{SECRET, TOKEN};

const META_UUID: &str = "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b";
const STARTED_AT: &str = "2026-01-01T00:00:00.000Z";
const NOW_MS: f64 = 1_767_225_601_234.0;
const NOW: &str = "2026-01-01T00:00:01.234Z";
const USER: &str = "17841400000000001";
const SEND_URL: &str = "https://graph.facebook.com/v18.0/me/messages";
const MB: u64 = 1024 * 1024;

/// An execution with a Facebook Login credential (the test token has no `EAA`/`IG` prefix,
/// so the host decides), plus `credentials` fields.
fn start_with(credentials: Value, operation: &str, items: Value) -> Execution {
    let mut creds = json!({"accessToken": *TOKEN, "appSecret": *SECRET});
    for (key, value) in credentials.as_object().unwrap() {
        creds[key] = value.clone();
    }
    let input = json!({
        "operation": operation,
        "credentials": creds,
        "environment": {"N8N_META_UUID": META_UUID},
        "startedAt": STARTED_AT,
        "retry": {"maxRetries": 3, "retryUnknownDelivery": false},
        "items": items
    });
    Execution::start(&input.to_string())
}

fn start(operation: &str, items: Value) -> Execution {
    start_with(json!({}), operation, items)
}

fn request(execution: &Execution, index: usize) -> Value {
    let request = execution.request(index).unwrap_or_else(|report| panic!("refused: {}", report.message));
    serde_json::to_value(&request).unwrap()
}

fn refusal(execution: &Execution, index: usize) -> String {
    execution.request(index).expect_err("refused").message
}

/// The one item's request: URL and exact JSON body text.
fn sent(operation: &str, item: Value) -> (String, String) {
    let execution = start(operation, json!([item]));
    let request = request(&execution, 0);
    (request["url"].as_str().unwrap().to_string(), request["body"]["text"].as_str().expect("a JSON body").to_string())
}

/// The refusal of the one item, checking that nothing was planned for it.
fn refused(operation: &str, item: Value) -> String {
    refused_with(json!({}), operation, item)
}

fn refused_with(credentials: Value, operation: &str, item: Value) -> String {
    let execution = start_with(credentials, operation, json!([item]));
    let plan = execution.plan();
    assert!(plan.setup_error.is_none(), "{:?}", plan.setup_error);
    assert_eq!(plan.refused.len(), 1, "the item is refused, so nothing is sent");
    refusal(&execution, 0)
}

fn answer(execution: &Execution, index: u32, attempt: u32, step: Option<Step>, status: u16, body: &str) -> Value {
    let answer = Answer {
        index,
        attempt,
        step,
        response: Some(HttpResponse { status, headers: Default::default(), body: body.to_string() }),
        now_ms: NOW_MS,
        random: 0.5,
        ..Answer::default()
    };
    let verdict: Value = serde_json::from_str(&execution.settle(&answer).to_json()).unwrap();
    assert_outputs_match_their_schema(&verdict);
    verdict
}

/// Every success item the core produces has only the fields its operation's output schema
/// declares, each of the declared JSON type.
fn assert_outputs_match_their_schema(verdict: &Value) {
    for item in verdict["outputs"].as_array().into_iter().flatten() {
        let operation = item["operation"].as_str().expect("every item names its operation");
        let spec = REGISTRY.iter().find(|spec| spec.name == operation).expect("a known operation");
        let schema = output_schema::operation_schema(spec);
        for (field, value) in item.as_object().unwrap() {
            let kind = schema["properties"][field]["type"].as_str().unwrap_or_else(|| panic!("{operation}: {field} is not in its schema: {item}"));
            assert!(output_schema::has_type(value, kind), "{operation}: {field} is {value}, not {kind}");
        }
    }
}

fn fail(execution: &Execution, attempt: u32, step: Option<Step>, code: &str) -> Value {
    let answer = Answer {
        index: 0,
        attempt,
        step,
        failure: Some(TransportFailure { code: code.into(), message: "socket hang up".into() }),
        now_ms: NOW_MS,
        random: 0.5,
        ..Answer::default()
    };
    serde_json::from_str(&execution.settle(&answer).to_json()).unwrap()
}

fn step_of(verdict: &Value) -> Option<Step> {
    Some(serde_json::from_value(verdict["step"].clone()).expect("a next verdict carries its step"))
}

fn chars(ch: char, count: usize) -> String {
    std::iter::repeat_n(ch, count).collect()
}

/// A binary property as the wrapper describes it.
fn file(mime_type: &str, size: u64, file_name: &str) -> Value {
    json!({"property": "data", "mimeType": mime_type, "fileName": file_name, "size": size})
}

// ---------------------------------------------------------------------------------------
// Golden requests
// ---------------------------------------------------------------------------------------

#[test]
fn every_message_operation_posts_its_documented_body_to_me_messages() {
    let cases: Vec<(&str, Value, String)> = vec![
        ("sendMessage", json!({"userId": USER, "messageText": "Hi"}), format!(r#"{{"recipient":{{"id":"{USER}"}},"message":{{"text":"Hi"}}}}"#)),
        (
            "sendMedia",
            json!({"userId": USER, "mediaType": "video", "mediaUrl": "https://cdn.example.com/a.mp4"}),
            format!(r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachment":{{"type":"video","payload":{{"url":"https://cdn.example.com/a.mp4"}}}}}}}}"#),
        ),
        (
            "sendMedia",
            json!({"userId": USER, "mediaSource": "attachmentId", "mediaType": "file", "attachmentId": "1857777774821032"}),
            format!(r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachment":{{"type":"file","payload":{{"attachment_id":"1857777774821032"}}}}}}}}"#),
        ),
        (
            "sendImages",
            json!({"userId": USER, "imageUrls": "https://a.example/1.jpg\nhttps://a.example/2.png"}),
            format!(
                r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachments":[{{"type":"image","payload":{{"url":"https://a.example/1.jpg"}}}},{{"type":"image","payload":{{"url":"https://a.example/2.png"}}}}]}}}}"#
            ),
        ),
        ("sendHeartSticker", json!({"userId": USER}), format!(r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachment":{{"type":"like_heart"}}}}}}"#)),
        (
            "sharePost",
            json!({"userId": USER, "postId": "17900000000000001"}),
            format!(r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachment":{{"type":"MEDIA_SHARE","payload":{{"id":"17900000000000001"}}}}}}}}"#),
        ),
        (
            "sendQuickReplies",
            json!({"userId": USER, "messageText": "Size?", "quickReplies": {"values": [{"title": "S", "payload": "SIZE_S"}, {"title": "M", "payload": "SIZE_M"}]}}),
            format!(
                r#"{{"recipient":{{"id":"{USER}"}},"message":{{"text":"Size?","quick_replies":[{{"content_type":"text","title":"S","payload":"SIZE_S"}},{{"content_type":"text","title":"M","payload":"SIZE_M"}}]}}}}"#
            ),
        ),
        (
            "sendGenericTemplate",
            json!({"userId": USER, "elements": {"values": [{
                "title": "Sneaker", "subtitle": "White, 42", "imageUrl": "https://shop.example/s.jpg",
                "defaultActionUrl": "https://shop.example/s",
                "buttons": {"values": [{"type": "web_url", "title": "Buy", "url": "https://shop.example/buy"}, {"type": "postback", "title": "Ask", "payload": "ASK_SNEAKER"}]}
            }]}}),
            format!(
                r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachment":{{"type":"template","payload":{{"template_type":"generic","elements":[{{"title":"Sneaker","subtitle":"White, 42","image_url":"https://shop.example/s.jpg","default_action":{{"type":"web_url","url":"https://shop.example/s"}},"buttons":[{{"type":"web_url","url":"https://shop.example/buy","title":"Buy"}},{{"type":"postback","title":"Ask","payload":"ASK_SNEAKER"}}]}}]}}}}}}}}"#
            ),
        ),
        (
            "sendButtonTemplate",
            json!({"userId": USER, "messageText": "Need help?", "buttons": {"values": [{"type": "postback", "title": "Talk to us", "payload": "HUMAN"}]}}),
            format!(
                r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachment":{{"type":"template","payload":{{"template_type":"button","text":"Need help?","buttons":[{{"type":"postback","title":"Talk to us","payload":"HUMAN"}}]}}}}}}}}"#
            ),
        ),
        (
            "react",
            json!({"userId": USER, "messageId": "aWdfZAG1faWQ"}),
            format!(r#"{{"recipient":{{"id":"{USER}"}},"sender_action":"react","payload":{{"message_id":"aWdfZAG1faWQ","reaction":"love"}}}}"#),
        ),
        (
            "react",
            json!({"userId": USER, "messageId": "aWdfZAG1faWQ", "reaction": "😂"}),
            format!(r#"{{"recipient":{{"id":"{USER}"}},"sender_action":"react","payload":{{"message_id":"aWdfZAG1faWQ","reaction":"😂"}}}}"#),
        ),
        (
            "unreact",
            json!({"userId": USER, "messageId": "aWdfZAG1faWQ"}),
            format!(r#"{{"recipient":{{"id":"{USER}"}},"sender_action":"unreact","payload":{{"message_id":"aWdfZAG1faWQ"}}}}"#),
        ),
        ("sendAction", json!({"userId": USER, "action": "mark_seen"}), format!(r#"{{"recipient":{{"id":"{USER}"}},"sender_action":"mark_seen"}}"#)),
        (
            "sendPrivateReply",
            json!({"commentId": "17858893269000001", "messageText": "Here is your guide"}),
            r#"{"recipient":{"comment_id":"17858893269000001"},"message":{"text":"Here is your guide"}}"#.to_string(),
        ),
        (
            "sendPrivateReply",
            json!({"commentId": "17858893269000001", "replyWith": "media", "mediaType": "file", "mediaUrl": "https://a.example/guide.pdf"}),
            r#"{"recipient":{"comment_id":"17858893269000001"},"message":{"attachment":{"type":"file","payload":{"url":"https://a.example/guide.pdf"}}}}"#.to_string(),
        ),
    ];
    for (operation, item, expected) in cases {
        let (url, body) = sent(operation, item);
        assert_eq!(url, SEND_URL, "{operation}");
        assert_eq!(body, expected, "{operation}");
    }
}

#[test]
fn message_options_put_reply_to_at_the_top_level_and_human_agent_implies_message_tag() {
    let (_, body) = sent(
        "sendMessage",
        json!({"userId": USER, "messageText": "Hi", "replyToMessageId": "m_1", "tag": "HUMAN_AGENT"}),
    );
    assert_eq!(
        body,
        format!(r#"{{"recipient":{{"id":"{USER}"}},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{{"text":"Hi"}},"reply_to":{{"mid":"m_1"}}}}"#)
    );
    let (_, body) = sent("sendMessage", json!({"userId": USER, "messageText": "Hi", "messagingType": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}));
    assert_eq!(
        body,
        format!(r#"{{"recipient":{{"id":"{USER}"}},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{{"text":"Hi"}}}}"#),
        "Message Tag set with its tag: sent as asked"
    );
    let (_, body) = sent("sendHeartSticker", json!({"userId": USER, "messagingType": "UPDATE"}));
    assert_eq!(body, format!(r#"{{"recipient":{{"id":"{USER}"}},"messaging_type":"UPDATE","message":{{"attachment":{{"type":"like_heart"}}}}}}"#));
}

#[test]
fn sender_actions_and_reactions_never_carry_message_options() {
    let options = json!({"replyToMessageId": "m_1", "messagingType": "MESSAGE_TAG", "tag": "HUMAN_AGENT"});
    for (operation, mut item) in [
        ("sendAction", json!({"userId": USER, "action": "typing_on"})),
        ("react", json!({"userId": USER, "messageId": "m_2"})),
        ("unreact", json!({"userId": USER, "messageId": "m_2"})),
    ] {
        for (key, value) in options.as_object().unwrap() {
            item[key] = value.clone();
        }
        let (_, body) = sent(operation, item);
        for field in ["reply_to", "messaging_type", "tag", "\"message\""] {
            assert!(!body.contains(field), "{operation} carries {field}: {body}");
        }
    }
}

#[test]
fn tags_other_than_human_agent_and_inconsistent_messaging_types_are_refused() {
    let message = refused("sendMessage", json!({"userId": USER, "messageText": "Hi", "tag": "ACCOUNT_UPDATE"}));
    assert!(message.starts_with("Tag must be HUMAN_AGENT, the only message tag Instagram accepts"), "{message}");
    assert!(message.contains(r#"got "ACCOUNT_UPDATE""#), "{message}");
    let message = refused("sendMessage", json!({"userId": USER, "messageText": "Hi", "messagingType": "MESSAGE_TAG"}));
    assert_eq!(message, "Tag is required when Messaging Type is Message Tag: set it to HUMAN_AGENT");
    let message = refused("sendMessage", json!({"userId": USER, "messageText": "Hi", "messagingType": "RESPONSE", "tag": "HUMAN_AGENT"}));
    assert_eq!(message, r#"Messaging Type must be MESSAGE_TAG when a Tag is set; got "RESPONSE""#);
    let message = refused("sendMessage", json!({"userId": USER, "messageText": "Hi", "messagingType": "PROMOTION"}));
    assert!(message.starts_with(r#"Messaging Type must be one of "RESPONSE", "UPDATE", "MESSAGE_TAG"; got "PROMOTION""#), "{message}");
}

#[test]
fn upload_attachment_from_a_url_posts_to_the_page_s_message_attachments() {
    let execution = start_with(
        json!({"pageId": "1122334455"}),
        "uploadAttachment",
        json!([{"mediaType": "image", "mediaUrl": "https://a.example/logo.png"}]),
    );
    let request = request(&execution, 0);
    assert_eq!(request["url"], "https://graph.facebook.com/v18.0/1122334455/message_attachments");
    assert_eq!(
        request["body"]["text"],
        r#"{"platform":"instagram","message":{"attachment":{"type":"image","payload":{"url":"https://a.example/logo.png","is_reusable":true}}}}"#
    );
    let done = answer(&execution, 0, 1, None, 200, r#"{"attachment_id":"1857777774821032"}"#);
    assert_eq!(done["outcome"], "done");
    let item = &done["outputs"][0];
    assert_eq!(item["attachmentId"], "1857777774821032");
    assert_eq!(item["mediaType"], "image");
    assert_eq!(item["mediaUrl"], "https://a.example/logo.png");
    assert_eq!(item["operation"], "uploadAttachment");
    assert!(item.get("messageId").is_none());
}

// ---------------------------------------------------------------------------------------
// Binary media: read the Page, upload once, send by attachment ID
// ---------------------------------------------------------------------------------------

#[test]
fn a_file_is_uploaded_as_multipart_and_then_sent_by_its_attachment_id() {
    let execution = start(
        "sendMedia",
        json!([{"userId": USER, "mediaSource": "binary", "binaryPropertyName": file("application/pdf", 52_000, "prices.pdf")}]),
    );
    // The credential has no Page ID: the Page's own node first, shared by the execution.
    let first = request(&execution, 0);
    assert_eq!(first["method"], "GET");
    assert_eq!(first["url"], "https://graph.facebook.com/v18.0/me");
    assert_eq!(first["query"], json!([["fields", "id"]]));
    assert_eq!(first["coalesce"], "request");
    assert_eq!(first["rateClass"], "read");

    let upload = answer(&execution, 0, 1, None, 200, r#"{"id":"1122334455","name":"Shop"}"#);
    assert_eq!(upload["outcome"], "next", "{upload}");
    assert_eq!(upload["outputs"], json!([]));
    let request = &upload["request"];
    assert_eq!(request["url"], "https://graph.facebook.com/v18.0/1122334455/message_attachments");
    assert_eq!(request["coalesce"], "content", "identical bytes are uploaded once");
    assert_eq!(
        request["body"],
        json!({"kind": "multipart", "parts": [
            {"kind": "text", "name": "platform", "value": "instagram"},
            {"kind": "text", "name": "message", "value": r#"{"attachment":{"type":"file","payload":{"is_reusable":true}}}"#},
            {"kind": "binary", "name": "filedata", "property": "data", "fileName": "prices.pdf", "mimeType": "application/pdf"}
        ]})
    );

    let send = answer(&execution, 0, 1, step_of(&upload), 200, r#"{"attachment_id":"999000111"}"#);
    assert_eq!(send["outcome"], "next");
    assert_eq!(send["request"]["url"], SEND_URL);
    assert_eq!(
        send["request"]["body"]["text"],
        format!(r#"{{"recipient":{{"id":"{USER}"}},"message":{{"attachment":{{"type":"file","payload":{{"attachment_id":"999000111"}}}}}}}}"#)
    );
    assert!(send["request"].get("coalesce").is_none(), "sends are never shared");

    let done = answer(&execution, 0, 1, step_of(&send), 200, &format!(r#"{{"recipient_id":"{USER}","message_id":"mid.1"}}"#));
    assert_eq!(done["outcome"], "done");
    let item = &done["outputs"][0];
    assert_eq!(item["mediaType"], "file");
    assert_eq!(item["attachmentId"], "999000111");
    assert_eq!(item["fileName"], "prices.pdf");
    assert_eq!(item["messageId"], "mid.1");
    assert_eq!(item["sentAt"], NOW);
}

#[test]
fn with_a_page_id_in_the_credential_the_upload_comes_first() {
    let execution = start_with(
        json!({"pageId": "1122334455"}),
        "sendMedia",
        json!([{"userId": USER, "mediaSource": "binary", "binaryPropertyName": file("image/png", 1000, "a.png")}]),
    );
    let first = request(&execution, 0);
    assert_eq!(first["url"], "https://graph.facebook.com/v18.0/1122334455/message_attachments");
    let send = answer(&execution, 0, 1, None, 200, r#"{"attachment_id":"42"}"#);
    assert_eq!(send["outcome"], "next");
    assert!(send["request"]["body"]["text"].as_str().unwrap().contains(r#""attachment_id":"42""#));
}

#[test]
fn an_upload_is_asked_again_after_a_timeout_but_the_send_after_it_is_not() {
    let execution = start(
        "sendMedia",
        json!([{"userId": USER, "mediaSource": "binary", "binaryPropertyName": file("image/png", 1000, "a.png")}]),
    );
    assert_eq!(fail(&execution, 1, None, "ETIMEDOUT")["outcome"], "retry", "reading the Page is safe to repeat");
    let upload_step = Some(Step { number: 1, emitted: 0, carry: Some("1122334455".into()) });
    assert_eq!(fail(&execution, 1, upload_step, "ECONNRESET")["outcome"], "retry", "an unseen upload is harmless");
    let send_step = Some(Step { number: 2, emitted: 0, carry: Some("42".into()) });
    let failed = fail(&execution, 1, send_step, "ECONNRESET");
    assert_eq!(failed["outcome"], "failed", "the message may have been delivered");
    assert_eq!(failed["error"]["deliveryUnknown"], true);
}

#[test]
fn a_page_node_without_an_id_fails_the_item_without_sending() {
    let execution = start(
        "sendMedia",
        json!([{"userId": USER, "mediaSource": "binary", "binaryPropertyName": file("image/png", 1000, "a.png")}]),
    );
    let failed = answer(&execution, 0, 1, None, 200, r#"{"name":"Shop"}"#);
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["error"]["deliveryUnknown"], false);
}

#[test]
fn upload_attachment_of_a_file_reads_the_page_then_uploads_once() {
    let item = json!([{"mediaSource": "binary", "binaryPropertyName": file("image/png", 1000, "a.png")}]);
    let execution = start("uploadAttachment", item.clone());
    assert_eq!(request(&execution, 0)["url"], "https://graph.facebook.com/v18.0/me");
    // Meta's node id may arrive as a number; it is the Page ID all the same.
    let upload = answer(&execution, 0, 1, None, 200, r#"{"id":1122334455}"#);
    assert_eq!(upload["outcome"], "next", "{upload}");
    assert_eq!(upload["request"]["url"], "https://graph.facebook.com/v18.0/1122334455/message_attachments");
    assert_eq!(upload["request"]["body"]["kind"], "multipart");
    let done = answer(&execution, 0, 1, step_of(&upload), 200, r#"{"attachment_id":"42"}"#);
    assert_eq!(done["outcome"], "done", "{done}");
    assert_eq!(done["outputs"][0]["attachmentId"], "42");
    // An id that is not a Page's numeric ID is never put into a path.
    for node in [r#"{"id":""}"#, r#"{"id":"12a"}"#, r#"{"id":"../x"}"#] {
        let execution = start("uploadAttachment", item.clone());
        assert_eq!(answer(&execution, 0, 1, None, 200, node)["outcome"], "failed", "{node}");
    }
}

#[test]
fn instagram_login_refuses_uploads_and_points_to_url_sending() {
    for (operation, item) in [
        ("sendMedia", json!({"userId": USER, "mediaSource": "binary", "binaryPropertyName": file("image/png", 1000, "a.png")})),
        ("uploadAttachment", json!({"mediaSource": "binary", "binaryPropertyName": file("image/png", 1000, "a.png")})),
        ("uploadAttachment", json!({"mediaType": "image", "mediaUrl": "https://a.example/a.png"})),
    ] {
        let message = refused_with(json!({"loginType": "instagram"}), operation, item);
        assert!(message.contains("cannot be uploaded with Instagram Login"), "{message}");
        assert!(message.contains("Facebook Login only"), "{message}");
        assert!(message.contains("Media Source: URL"), "{message}");
    }
    // Sending by URL works with Instagram Login.
    let execution = start_with(
        json!({"loginType": "instagram"}),
        "sendMedia",
        json!([{"userId": USER, "mediaType": "image", "mediaUrl": "https://a.example/a.png"}]),
    );
    assert_eq!(request(&execution, 0)["url"], "https://graph.instagram.com/v18.0/me/messages");
}

#[test]
fn binary_files_are_checked_by_mime_type_and_size_before_anything_is_uploaded() {
    let send = |binary: Value| json!({"userId": USER, "mediaSource": "binary", "binaryPropertyName": binary});
    let accepted = |binary: Value| {
        let execution = start("sendMedia", json!([send(binary)]));
        assert!(execution.plan().refused.is_empty(), "{:?}", execution.plan().refused);
    };
    // Every format Meta lists, at its size limit.
    for (mime, limit) in [
        ("image/png", 8 * MB),
        ("image/jpeg", 8 * MB),
        ("image/gif", 8 * MB),
        ("audio/aac", 25 * MB),
        ("audio/x-m4a", 25 * MB),
        ("audio/wav", 25 * MB),
        ("audio/mp4", 25 * MB),
        ("video/mp4", 25 * MB),
        ("video/ogg", 25 * MB),
        ("video/x-msvideo", 25 * MB),
        ("video/quicktime", 25 * MB),
        ("video/webm", 25 * MB),
        ("application/pdf", 25 * MB),
    ] {
        accepted(file(mime, limit, "f"));
        let message = refused("sendMedia", send(file(mime, limit + 1, "f")));
        assert_eq!(
            message,
            format!(
                r#"Input Binary Field "data" is {} bytes; Instagram accepts {mime} files up to {limit} bytes ({} MB), so it was not uploaded"#,
                limit + 1,
                limit / MB
            )
        );
    }
    let message = refused("sendMedia", send(file("image/webp", 10, "a.webp")));
    assert!(message.starts_with(r#"Input Binary Field "data" is a file of type "image/webp", which Instagram does not accept"#), "{message}");
    let message = refused("sendMedia", send(json!({"property": "attachment", "missing": true})));
    assert!(message.starts_with(r#"Input Binary Field "attachment" holds no file on this item"#), "{message}");
    // No description of the file at all: the field's default property, and no file.
    let message = refused("sendMedia", send(json!(null)));
    assert!(message.starts_with(r#"Input Binary Field "data" holds no file on this item"#), "{message}");
    let message = refused("sendMedia", send(file("image/png", 0, "a.png")));
    assert_eq!(message, r#"Input Binary Field "data" is an empty file"#);
    // A MIME type with parameters and in capitals is still the type.
    accepted(file("Image/PNG; charset=binary", 10, "a.png"));
    // Any file name a person gives, except control characters and overlong names.
    accepted(file("application/pdf", 10, "Preisliste März \"2026\".pdf"));
    let message = refused("sendMedia", send(file("application/pdf", 10, "a\u{7}.pdf")));
    assert!(message.contains("no control characters"), "{message}");
    accepted(file("application/pdf", 10, &format!("{}.pdf", chars('a', 251))));
    let message = refused("sendMedia", send(file("application/pdf", 10, &format!("{}.pdf", chars('a', 252)))));
    assert!(message.contains("at most 255 bytes"), "{message}");
}

#[test]
fn a_declared_media_type_must_agree_with_the_file() {
    let item = json!({"userId": USER, "mediaSource": "binary", "mediaType": "image", "binaryPropertyName": file("application/pdf", 10, "prices.pdf")});
    assert_eq!(
        refused("sendMedia", item),
        r#"Media Type says "image" but the file "prices.pdf" is file (application/pdf); choose Auto or make them agree"#
    );
    let execution = start(
        "sendMedia",
        json!([{"userId": USER, "mediaSource": "binary", "mediaType": "file", "binaryPropertyName": file("application/pdf", 10, "prices.pdf")}]),
    );
    assert!(execution.plan().refused.is_empty());
}

// ---------------------------------------------------------------------------------------
// Limits at their boundary and one past it
// ---------------------------------------------------------------------------------------

#[test]
fn text_is_limited_to_1000_utf8_bytes_with_emoji_counted_as_four() {
    for operation in ["sendMessage", "sendQuickReplies", "sendButtonTemplate", "sendPrivateReply"] {
        let item = |text: &str| {
            let mut item = json!({"userId": USER, "commentId": "1790000001", "messageText": text});
            item["quickReplies"] = json!([{"title": "A", "payload": "A"}]);
            item["buttons"] = json!([{"type": "postback", "title": "A", "payload": "A"}]);
            item
        };
        // The button template's 640-character limit comes first for plain letters.
        if operation != "sendButtonTemplate" {
            assert!(start(operation, json!([item(&chars('a', 1000))])).plan().refused.is_empty(), "{operation}");
            let message = refused(operation, item(&chars('a', 1001)));
            assert!(message.starts_with("Message Text is 1001 bytes long in UTF-8 (1001 characters); Instagram allows at most 1000 bytes"), "{operation}: {message}");
        }
        assert!(start(operation, json!([item(&chars('😀', 250))])).plan().refused.is_empty(), "{operation}");
        let message = refused(operation, item(&chars('😀', 251)));
        assert!(message.starts_with("Message Text is 1004 bytes long in UTF-8 (251 characters)"), "{operation}: {message}");
    }
}

#[test]
fn button_template_text_is_limited_to_640_characters() {
    let item = |text: String| json!({"userId": USER, "messageText": text, "buttons": [{"type": "postback", "title": "A", "payload": "A"}]});
    assert!(start("sendButtonTemplate", json!([item(chars('a', 640))])).plan().refused.is_empty());
    let message = refused("sendButtonTemplate", item(chars('a', 641)));
    assert_eq!(message, "Message Text is 641 characters long; Instagram allows at most 640 characters here, so shorten it by 1");
}

#[test]
fn quick_replies_are_1_to_13_with_titles_of_20_characters_and_a_payload() {
    let reply = |title: String| json!({"title": title, "payload": "P"});
    let item = |replies: Vec<Value>| json!({"userId": USER, "messageText": "Pick", "quickReplies": {"values": replies}});
    assert!(start("sendQuickReplies", json!([item(vec![reply("a".into()); 13])])).plan().refused.is_empty());
    assert_eq!(refused("sendQuickReplies", item(vec![reply("a".into()); 14])), "Quick Replies must hold 1 to 13 quick replies; got 14");
    assert_eq!(refused("sendQuickReplies", item(vec![])), "Quick Replies must hold 1 to 13 quick replies; got 0");
    assert!(start("sendQuickReplies", json!([item(vec![reply(chars('🎉', 20))])])).plan().refused.is_empty());
    let message = refused("sendQuickReplies", item(vec![reply(chars('🎉', 21))]));
    assert!(message.starts_with("Quick Replies quick reply 1: Title is 21 characters long; Instagram allows at most 20"), "{message}");
    let message = refused("sendQuickReplies", item(vec![json!({"title": "A", "payload": " "})]));
    assert!(message.starts_with("Quick Replies quick reply 1: Payload is required"), "{message}");
    assert!(start("sendQuickReplies", json!([item(vec![json!({"title": "A", "payload": chars('x', 1000)})])])).plan().refused.is_empty());
    let message = refused("sendQuickReplies", item(vec![json!({"title": "A", "payload": chars('x', 1001)})]));
    assert!(message.contains("Payload is 1001 characters long; Instagram allows at most 1000"), "{message}");
}

#[test]
fn quick_replies_are_read_as_n8n_may_hold_them() {
    let with = |replies: Value| json!({"userId": USER, "messageText": "Pick", "quickReplies": replies});
    let body = |replies: Value| {
        let execution = start("sendQuickReplies", json!([with(replies)]));
        serde_json::from_str::<Value>(request(&execution, 0)["body"]["text"].as_str().unwrap()).unwrap()
    };
    // One entry as an object under `values`, or as the collection itself; a numeric payload is its digits.
    let one = body(json!({"values": {"title": "S", "payload": 7}}));
    assert_eq!(one["message"]["quick_replies"], json!([{"content_type": "text", "title": "S", "payload": "7"}]));
    let bare = body(json!({"title": "M", "payload": "M"}));
    assert_eq!(bare["message"]["quick_replies"][0]["title"], "M");
    // An empty collection holds no reply.
    assert_eq!(refused("sendQuickReplies", with(json!({}))), "Quick Replies must hold 1 to 13 quick replies; got 0");
    // A control character in a title is refused; a line break is not one of them.
    let message = refused("sendQuickReplies", with(json!([{"title": "S\u{7}", "payload": "S"}])));
    assert!(message.ends_with("Title contains the control character U+0007"), "{message}");
    assert!(start("sendQuickReplies", json!([with(json!([{"title": "S\nM", "payload": "S"}]))])).plan().refused.is_empty());
}

#[test]
fn generic_template_elements_are_checked_one_by_one() {
    let element = |title: String| json!({"title": title, "subtitle": "s"});
    let item = |elements: Vec<Value>| json!({"userId": USER, "elements": {"values": elements}});
    assert!(start("sendGenericTemplate", json!([item(vec![element("a".into()); 10])])).plan().refused.is_empty());
    assert_eq!(refused("sendGenericTemplate", item(vec![element("a".into()); 11])), "Elements must hold 1 to 10 elements; got 11");
    assert_eq!(refused("sendGenericTemplate", item(vec![])), "Elements must hold 1 to 10 elements; got 0");
    assert!(start("sendGenericTemplate", json!([item(vec![element(chars('é', 80))])])).plan().refused.is_empty());
    let message = refused("sendGenericTemplate", item(vec![element(chars('é', 81))]));
    assert!(message.starts_with("Elements element 1: Title is 81 characters long; Instagram allows at most 80"), "{message}");
    assert!(start("sendGenericTemplate", json!([item(vec![json!({"title": "T", "subtitle": chars('é', 80)})])])).plan().refused.is_empty());
    let message = refused("sendGenericTemplate", item(vec![json!({"title": "T", "subtitle": chars('s', 81)})]));
    assert!(message.starts_with("Elements element 1: Subtitle is 81 characters long; Instagram allows at most 80"), "{message}");
    let message = refused("sendGenericTemplate", item(vec![json!({"title": "T"})]));
    assert_eq!(message, "Elements element 1: besides its Title, set at least one of Subtitle, Image URL, Default Action URL or a button");
    let button = json!({"type": "postback", "title": "B", "payload": "P"});
    assert!(start("sendGenericTemplate", json!([item(vec![json!({"title": "T", "buttons": [button, button, button]})])])).plan().refused.is_empty());
    let message = refused("sendGenericTemplate", item(vec![json!({"title": "T", "buttons": [button, button, button, button]})]));
    assert_eq!(message, "Elements element 1: at most 3 buttons; got 4");
    let message = refused("sendGenericTemplate", item(vec![json!({"title": "T", "imageUrl": "http://a.example/a.jpg"})]));
    assert!(message.starts_with("Elements element 1: Image URL "), "{message}");
    assert!(message.contains("https"), "{message}");
    let message = refused("sendGenericTemplate", item(vec![json!({"title": "T", "buttons": [{"type": "phone_number", "title": "Call", "payload": "+1"}]})]));
    assert!(message.contains("Type must be web_url or postback"), "{message}");
}

#[test]
fn button_templates_hold_1_to_3_buttons_with_titles_of_20_characters() {
    let button = |title: String| json!({"type": "web_url", "title": title, "url": "https://a.example"});
    let item = |buttons: Vec<Value>| json!({"userId": USER, "messageText": "Hi", "buttons": {"values": buttons}});
    assert!(start("sendButtonTemplate", json!([item(vec![button("a".into()); 3])])).plan().refused.is_empty());
    assert_eq!(refused("sendButtonTemplate", item(vec![button("a".into()); 4])), "Buttons must hold 1 to 3 buttons; got 4");
    assert_eq!(refused("sendButtonTemplate", item(vec![])), "Buttons must hold 1 to 3 buttons; got 0");
    assert!(start("sendButtonTemplate", json!([item(vec![button(chars('ß', 20))])])).plan().refused.is_empty());
    let message = refused("sendButtonTemplate", item(vec![button(chars('ß', 21))]));
    assert!(message.starts_with("Buttons button 1: Title is 21 characters long; Instagram allows at most 20"), "{message}");
    let message = refused("sendButtonTemplate", item(vec![json!({"type": "web_url", "title": "Go"})]));
    assert_eq!(message, "Buttons button 1: URL is required for a URL button");
}

#[test]
fn image_lists_hold_2_to_10_https_urls() {
    let urls = |count: usize| (0..count).map(|i| format!("https://a.example/{i}.jpg")).collect::<Vec<_>>();
    let item = |urls: Vec<String>| json!({"userId": USER, "imageUrls": urls});
    assert!(start("sendImages", json!([item(urls(2))])).plan().refused.is_empty());
    assert!(start("sendImages", json!([item(urls(10))])).plan().refused.is_empty());
    assert_eq!(refused("sendImages", item(urls(1))), "Image URLs must hold 2 to 10 image URLs; got 1");
    assert_eq!(refused("sendImages", item(urls(11))), "Image URLs must hold 2 to 10 image URLs; got 11");
    let message = refused("sendImages", item(vec!["https://a.example/1.jpg".into(), "http://a.example/2.jpg".into()]));
    assert!(message.starts_with("Image URLs (URL 2) "), "{message}");
}

#[test]
fn ids_and_reactions_are_checked_before_anything_is_sent() {
    let message = refused("react", json!({"userId": USER, "messageId": "m 1"}));
    assert!(message.starts_with("Message ID "), "{message}");
    let message = refused("react", json!({"userId": USER, "messageId": "m_1", "reaction": "two words"}));
    assert!(message.starts_with("Reaction must be love or a single emoji"), "{message}");
    let message = refused("sharePost", json!({"userId": USER, "postId": "17900/../me"}));
    assert!(message.starts_with("Post ID "), "{message}");
    let message = refused("sendPrivateReply", json!({"commentId": "abc", "messageText": "Hi"}));
    assert!(message.starts_with("Comment ID "), "{message}");
    let message = refused("getMessages", json!({"conversationId": "../me/messages"}));
    assert!(message.starts_with("Conversation ID "), "{message}");
    let message = refused("getConversations", json!({"returnAll": false, "limit": 0}));
    assert_eq!(message, "Limit must be a whole number from 1 to 10000");
    let message = refused("getConversations", json!({"returnAll": false, "limit": 10_001}));
    assert_eq!(message, "Limit must be a whole number from 1 to 10000");
}

// ---------------------------------------------------------------------------------------
// Reactions, private replies
// ---------------------------------------------------------------------------------------

#[test]
fn a_reaction_succeeds_on_the_recipient_alone_and_has_no_message_id() {
    let execution = start("react", json!([{"userId": USER, "messageId": "m_1", "reaction": "😂"}]));
    let done = answer(&execution, 0, 1, None, 200, &format!(r#"{{"recipient_id":"{USER}"}}"#));
    let item = &done["outputs"][0];
    assert_eq!(item["senderAction"], "react");
    assert_eq!(item["targetMessageId"], "m_1");
    assert_eq!(item["reaction"], "😂");
    assert!(item.get("messageId").is_none());
    assert!(item.get("sentAt").is_none());
    assert_eq!(fail(&execution, 1, None, "ETIMEDOUT")["outcome"], "retry", "a reaction is safe to repeat");
}

#[test]
fn a_private_reply_names_the_commenter_from_meta_s_answer() {
    let execution = start("sendPrivateReply", json!([{"commentId": "17858893269000001", "messageText": "Here you go"}]));
    let request = request(&execution, 0);
    assert_eq!(request["rateClass"], "privateReply");
    let done = answer(&execution, 0, 1, None, 200, r#"{"recipient_id":"17841499999999999","message_id":"mid.pr"}"#);
    let item = &done["outputs"][0];
    assert_eq!(item["userId"], "17841499999999999");
    assert_eq!(item["commentId"], "17858893269000001");
    assert_eq!(item["messageText"], "Here you go");
    assert_eq!(item["messageId"], "mid.pr");
    assert_eq!(fail(&execution, 1, None, "ETIMEDOUT")["outcome"], "failed", "Meta allows one reply: never resent blind");
}

#[test]
fn a_comment_gets_one_private_reply_per_run_the_repeats_are_refused_before_sending() {
    let execution = start(
        "sendPrivateReply",
        json!([
            {"commentId": "1785", "messageText": "First"},
            {"commentId": "1786", "messageText": "Other comment"},
            {"commentId": "1785", "messageText": "Again"},
            {"commentId": "1785", "replyWith": "media", "mediaType": "image", "mediaUrl": "https://a.example/a.jpg"},
        ]),
    );
    let plan = execution.plan();
    let refused: Vec<u32> = plan.refused.iter().map(|r| r.index).collect();
    assert_eq!(refused, vec![2, 3]);
    for index in [2, 3] {
        assert_eq!(
            refusal(&execution, index),
            "Comment ID is the same as item 0's: Instagram takes one private reply per comment, so only item 0 is sent"
        );
    }
    assert_eq!(request(&execution, 1)["body"]["text"], r#"{"recipient":{"comment_id":"1786"},"message":{"text":"Other comment"}}"#);
    // Direct messages to one person are not limited this way.
    let messages = start("sendMessage", json!([{"userId": USER, "messageText": "a"}, {"userId": USER, "messageText": "a"}]));
    assert!(messages.plan().refused.is_empty());
}

#[test]
fn the_outside_window_hint_says_what_the_operation_can_do() {
    let outside = r#"{"error":{"message":"This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2534022}}"#;
    let hint = |operation: &str, item: Value| {
        let verdict = answer(&start(operation, json!([item])), 0, 1, None, 400, outside);
        assert_eq!(verdict["error"]["reason"], "outside_window");
        assert_eq!(verdict["error"]["item"]["hint"], verdict["error"]["hint"]);
        verdict["error"]["hint"].as_str().unwrap().to_string()
    };
    let message = hint("sendMessage", json!({"userId": USER, "messageText": "Hi"}));
    assert!(message.contains("Tag: HUMAN_AGENT") && message.contains("already carried HUMAN_AGENT"), "{message}");
    let reply = hint("sendPrivateReply", json!({"commentId": "1785", "messageText": "Hi"}));
    assert!(reply.contains("one private reply per comment, within 7 days"), "{reply}");
    assert!(!reply.contains("Tag: HUMAN_AGENT"), "a private reply takes no tag: {reply}");
    for (operation, item) in [
        ("react", json!({"userId": USER, "messageId": "aWdfZAG1faWQ"})),
        ("sendAction", json!({"userId": USER, "action": "typing_on"})),
    ] {
        let untagged = hint(operation, item);
        assert!(untagged.contains("24 hours") && untagged.contains("take no message tag"), "{operation}: {untagged}");
    }
}

#[test]
fn an_item_sent_by_an_earlier_run_is_skipped_with_its_identity_and_no_request() {
    let execution = start("sendMessage", json!([{"userId": USER, "messageText": "Spring sale"}]));
    let text = execution.skipped(0).json().to_string();
    let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key} missing: {text}"));
    let order: Vec<usize> = ["success", "operation", "userId", "skipped", "timestamp", "nodeVersion"].iter().map(|key| at(key)).collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "in a sent item's order: {text}");
    let item: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(item.as_object().unwrap().len(), 6, "{text}");
    assert_eq!((&item["success"], &item["operation"], &item["userId"], &item["skipped"]), (&json!(true), &json!("sendMessage"), &json!(USER), &json!(true)));
    assert_outputs_match_their_schema(&json!({ "outputs": [item] }));
    let reply = start("sendPrivateReply", json!([{"commentId": "1785", "messageText": "Hi"}]));
    let item: Value = serde_json::from_str(reply.skipped(0).json()).unwrap();
    assert_eq!((&item["commentId"], &item["skipped"]), (&json!("1785"), &json!(true)));
}

#[test]
fn a_media_private_reply_is_paced_as_a_private_reply() {
    let execution = start(
        "sendPrivateReply",
        json!([{"commentId": "1785", "replyWith": "media", "mediaType": "video", "mediaUrl": "https://a.example/v.mp4"}]),
    );
    assert_eq!(request(&execution, 0)["rateClass"], "privateReply");
    let done = answer(&execution, 0, 1, None, 200, r#"{"recipient_id":"17841499999999999","message_id":"mid.pr"}"#);
    let item = &done["outputs"][0];
    assert_eq!(item["userId"], "17841499999999999");
    assert_eq!(item["commentId"], "1785");
    assert_eq!(item["mediaUrl"], "https://a.example/v.mp4");
}

// ---------------------------------------------------------------------------------------
// Conversations: paths, paging, one item per entry
// ---------------------------------------------------------------------------------------

fn conversations(ids: std::ops::Range<u32>, next: Option<&str>) -> String {
    let data: Vec<Value> = ids
        .map(|i| json!({"id": format!("c{i}"), "updated_time": "2026-01-01T00:00:00+0000", "participants": {"data": [{"username": "shop", "id": "1"}, {"username": format!("u{i}"), "id": format!("2{i}")}]}}))
        .collect();
    let mut page = json!({"data": data});
    if let Some(after) = next {
        page["paging"] = json!({"cursors": {"before": "b", "after": after}, "next": format!("https://graph.facebook.com/v18.0/me/conversations?access_token={}&after={after}", TOKEN)});
    }
    page.to_string()
}

#[test]
fn conversations_are_read_page_by_page_up_to_the_limit() {
    let execution = start("getConversations", json!([{"returnAll": false, "limit": 30}]));
    let first = request(&execution, 0);
    assert_eq!(first["method"], "GET");
    assert_eq!(first["url"], "https://graph.facebook.com/v18.0/me/conversations");
    assert_eq!(first["query"], json!([["platform", "instagram"], ["fields", "id,updated_time,participants"], ["limit", "25"]]));
    assert_eq!(first["rateClass"], "conversations");

    let page1 = answer(&execution, 0, 1, None, 200, &conversations(0..25, Some("CUR1")));
    assert_eq!(page1["outcome"], "next");
    assert_eq!(page1["outputs"].as_array().unwrap().len(), 25);
    assert_eq!(page1["step"], json!({"number": 1, "emitted": 25, "carry": "CUR1"}));
    assert_eq!(page1["request"]["query"], json!([["platform", "instagram"], ["fields", "id,updated_time,participants"], ["limit", "5"], ["after", "CUR1"]]));
    let item = &page1["outputs"][0];
    assert_eq!(item["conversationId"], "c0");
    assert_eq!(item["participants"], json!([{"username": "shop", "id": "1"}, {"username": "u0", "id": "20"}]), "an edge reads as its list");
    assert!(item.get("id").is_none());
    // The next page URL carries the token: it is never used or shown.
    assert!(!page1.to_string().contains(&*TOKEN));

    // Meta returns more than asked: the limit still holds.
    let page2 = answer(&execution, 0, 1, step_of(&page1), 200, &conversations(25..35, Some("CUR2")));
    assert_eq!(page2["outcome"], "done");
    assert_eq!(page2["outputs"].as_array().unwrap().len(), 5);
    assert_eq!(page2["outputs"][4]["conversationId"], "c29");
}

#[test]
fn return_all_reads_until_meta_has_no_next_page_or_the_cursor_stops_moving() {
    let execution = start("getConversations", json!([{"returnAll": true}]));
    let page1 = answer(&execution, 0, 1, None, 200, &conversations(0..25, Some("CUR1")));
    let page2 = answer(&execution, 0, 1, step_of(&page1), 200, &conversations(25..50, Some("CUR2")));
    assert_eq!(page2["outcome"], "next");
    assert_eq!(page2["request"]["query"][2], json!(["limit", "25"]));
    let page3 = answer(&execution, 0, 1, step_of(&page2), 200, &conversations(50..60, None));
    assert_eq!(page3["outcome"], "done");
    assert_eq!(page3["outputs"].as_array().unwrap().len(), 10);
    let repeated = answer(&execution, 0, 1, step_of(&page2), 200, &conversations(50..60, Some("CUR2")));
    assert_eq!(repeated["outcome"], "done", "a cursor that does not move ends the list");
    let empty = answer(&execution, 0, 1, step_of(&page2), 200, &conversations(0..0, Some("CUR3")));
    assert_eq!(empty["outcome"], "done");
    assert_eq!(empty["outputs"], json!([]));
}

#[test]
fn conversations_follow_the_login_type_and_filter_by_user() {
    let execution = start_with(json!({"pageId": "1122334455"}), "getConversations", json!([{"userId": USER}]));
    let first = request(&execution, 0);
    assert_eq!(first["url"], "https://graph.facebook.com/v18.0/1122334455/conversations");
    assert_eq!(first["query"][3], json!(["user_id", USER]));
    assert_eq!(first["query"][2], json!(["limit", "25"]), "50 by default, so 25 first");
    let execution = start_with(json!({"loginType": "instagram", "pageId": "1122334455"}), "getConversations", json!([{}]));
    assert_eq!(request(&execution, 0)["url"], "https://graph.instagram.com/v18.0/me/conversations");
}

#[test]
fn messages_are_read_from_the_conversation_s_messages_edge() {
    let execution = start("getMessages", json!([{"conversationId": "aWdfZAG06MTpJR01lc3NhZA", "limit": 3}]));
    let first = request(&execution, 0);
    assert_eq!(first["url"], "https://graph.facebook.com/v18.0/aWdfZAG06MTpJR01lc3NhZA/messages");
    assert_eq!(first["query"], json!([["fields", "id,created_time,from,to,message,attachments"], ["limit", "3"]]));
    let page = json!({"data": [
        {"id": "m3", "created_time": "2026-01-01T00:00:03+0000", "from": {"username": "u", "id": "2"}, "to": {"data": [{"username": "shop", "id": "1"}]}, "message": "Hi"},
        {"id": "m2", "created_time": "2026-01-01T00:00:02+0000", "attachments": {"data": [{"image_data": {"url": "https://cdn/x.jpg"}}]}, "from": {"id": "2"}}
    ]});
    let done = answer(&execution, 0, 1, None, 200, &page.to_string());
    assert_eq!(done["outcome"], "done");
    let first = &done["outputs"][0];
    assert_eq!(first["conversationId"], "aWdfZAG06MTpJR01lc3NhZA");
    assert_eq!(first["messageId"], "m3");
    assert_eq!(first["to"], json!([{"username": "shop", "id": "1"}]));
    assert_eq!(first["message"], "Hi");
    assert_eq!(done["outputs"][1]["attachments"], json!([{"image_data": {"url": "https://cdn/x.jpg"}}]));
}

#[test]
fn a_page_that_is_not_a_list_fails_the_item() {
    let execution = start("getMessages", json!([{"conversationId": "c1"}]));
    let failed = answer(&execution, 0, 1, None, 200, r#"{"data":"nope"}"#);
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(fail(&execution, 1, None, "ECONNRESET")["outcome"], "retry", "reads are safe to repeat");
}

// ---------------------------------------------------------------------------------------
// Login types and rate classes
// ---------------------------------------------------------------------------------------

#[test]
fn the_login_type_decides_the_host_unless_a_base_url_is_given() {
    let url = |credentials: Value| {
        let execution = start_with(credentials, "sendMessage", json!([{"userId": USER, "messageText": "Hi"}]));
        assert!(execution.plan().setup_error.is_none(), "{:?}", execution.plan().setup_error);
        request(&execution, 0)["url"].as_str().unwrap().to_string()
    };
    assert_eq!(url(json!({"loginType": "instagram"})), "https://graph.instagram.com/v18.0/me/messages");
    assert_eq!(url(json!({"loginType": "facebook"})), "https://graph.facebook.com/v18.0/me/messages");
    assert_eq!(url(json!({"loginType": "auto", "accessToken": format!("IGQV{}", TOKEN)})), "https://graph.instagram.com/v18.0/me/messages");
    assert_eq!(url(json!({"accessToken": format!("EAAB{}", TOKEN)})), "https://graph.facebook.com/v18.0/me/messages");
    assert_eq!(
        url(json!({"loginType": "instagram", "baseUrl": "http://127.0.0.1:9999"})),
        "http://127.0.0.1:9999/v18.0/me/messages",
        "a test server or proxy is kept"
    );
    let bad = start_with(json!({"loginType": "twitter"}), "sendMessage", json!([{"userId": USER, "messageText": "Hi"}]));
    assert_eq!(bad.plan().setup_error.unwrap().message, r#"Login Type must be auto, facebook or instagram; got "twitter""#);
    let bad = start_with(json!({"pageId": "me"}), "sendMessage", json!([{"userId": USER, "messageText": "Hi"}]));
    assert!(bad.plan().setup_error.unwrap().message.starts_with("Page ID must be the Facebook Page's numeric ID"));
}

#[test]
fn the_plan_carries_meta_s_limit_for_each_class_and_login_type() {
    let caps = |credentials: Value| {
        let execution = start_with(credentials, "sendMessage", json!([]));
        serde_json::to_value(execution.plan()).unwrap()["rateCaps"].clone()
    };
    assert_eq!(
        caps(json!({"loginType": "facebook"})),
        json!([
            {"rateClass": "send", "calls": 300, "windowMs": 1000},
            {"rateClass": "media", "calls": 10, "windowMs": 1000},
            {"rateClass": "conversations", "calls": 2, "windowMs": 1000},
            {"rateClass": "privateReply", "calls": 750, "windowMs": 3_600_000}
        ])
    );
    assert_eq!(caps(json!({"loginType": "instagram"}))[0], json!({"rateClass": "send", "calls": 100, "windowMs": 1000}));
    let audio = start("sendMedia", json!([{"userId": USER, "mediaType": "audio", "mediaUrl": "https://a.example/a.m4a"}]));
    assert_eq!(request(&audio, 0)["rateClass"], "media");
    let image = start("sendMedia", json!([{"userId": USER, "mediaType": "image", "mediaUrl": "https://a.example/a.png"}]));
    assert_eq!(request(&image, 0)["rateClass"], "send");
}

#[test]
fn short_values_and_ids_stop_at_their_length() {
    let react = |reaction: String| json!({"userId": USER, "messageId": "m_1", "reaction": reaction});
    assert!(start("react", json!([react(chars('😂', 16))])).plan().refused.is_empty());
    let message = refused("react", react(chars('😂', 17)));
    assert!(message.starts_with("Reaction must be love or a single emoji (at most 16 characters, no spaces)"), "{message}");
    let unreact = |id: String| json!({"userId": USER, "messageId": id});
    assert!(start("unreact", json!([unreact(chars('a', 512))])).plan().refused.is_empty());
    assert_eq!(refused("unreact", unreact(chars('a', 513))), "Message ID is 513 characters long; an ID Meta gives has at most 512");
    let media = |url: String| json!({"userId": USER, "mediaType": "image", "mediaUrl": url});
    let url_of = |length: usize| format!("https://a.example/{}", chars('a', length - "https://a.example/".len()));
    assert!(start("sendMedia", json!([media(url_of(2048))])).plan().refused.is_empty());
    let message = refused("sendMedia", media(url_of(2049)));
    assert!(message.starts_with("Media URL is 2049 characters long"), "{message}");
}

#[test]
fn a_profile_answer_holding_an_error_is_the_error_whatever_its_status() {
    let execution = start("getProfile", json!([{"userId": USER}]));
    let verdict = answer(&execution, 0, 1, None, 200, r#"{"error":{"message":"Unsupported get request","type":"GraphMethodException","code":100}}"#);
    assert_eq!(verdict["outcome"], "failed", "{verdict}");
    assert_eq!(verdict["error"]["item"]["errorCode"], 100, "{verdict}");
}
