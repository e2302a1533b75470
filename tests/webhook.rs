//! The Instagram Trigger's core: Meta's handshake, the signature over the raw bytes, and
//! deliveries read into items, against vectors signed with OpenSSL
//! (tests/webhook_vectors/README.md), not by the core.

use instagram_messaging_core::webhook::{receive, NamedSecret, Request, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The secret the vectors were signed with (made up for them; see the README beside them).
const VECTOR_SECRET: &str = "vector-secret-made-up-for-these-tests";
const ACCOUNT: &str = "17841400000000999";
const CUSTOMER: &str = "17841411111111111";

fn vector(name: &str) -> (Vec<u8>, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhook_vectors");
    let body = std::fs::read(format!("{dir}/{name}.json")).unwrap();
    let signature = std::fs::read_to_string(format!("{dir}/{name}.sha256")).unwrap().trim().to_string();
    (body, format!("sha256={signature}"))
}

fn post(signatures: &[&str], secrets: &[(&str, &str)], events: &[&str]) -> Request {
    let mut request: Request = serde_json::from_value(json!({
        "method": "POST",
        "signatures": signatures,
        "hasBody": true,
        "verifyToken": "verify-me",
        "settings": {"events": events, "includeRawEvent": false},
        "nowMs": 1_767_225_000_000.0_f64,
    }))
    .unwrap();
    request.secrets = secrets.iter().map(|(name, value)| NamedSecret { name: name.to_string(), value: value.to_string() }).collect();
    request
}

const ALL_EVENTS: &[&str] = &["message", "echo", "reaction", "postback", "read", "referral", "comment", "liveComment", "mention"];

/// A vector delivered with its OpenSSL signature, every event kind on.
fn deliver(name: &str) -> Response {
    let (body, signature) = vector(name);
    receive(&post(&[&signature], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS), &body)
}

fn items(response: &Response) -> Vec<Value> {
    response.items.iter().map(|item| serde_json::from_str(item.json()).unwrap()).collect()
}

fn only_item(name: &str) -> Value {
    let response = deliver(name);
    assert_eq!(response.status, 200, "{name}: {:?}", response.reason);
    let mut items = items(&response);
    assert_eq!(items.len(), 1, "{name}: {:?}", response.reason);
    items.remove(0)
}

// ---------------------------------------------------------------------------------------
// Every event kind, from Meta's example shapes
// ---------------------------------------------------------------------------------------

#[test]
fn a_text_message_becomes_an_item_ready_for_send_message() {
    let item = only_item("message_text");
    assert_eq!(
        item,
        json!({
            "eventType": "message",
            "accountId": ACCOUNT,
            "userId": CUSTOMER,
            "senderId": CUSTOMER,
            "recipientId": ACCOUNT,
            "timestamp": 1_767_225_600_000_u64,
            "time": "2026-01-01T00:00:00.000Z",
            "messageId": "aWdfZAG1faWQ6MTIzNDU2Nzg5",
            "text": "Hi, is the white sneaker in stock?"
        })
    );
    let response = deliver("message_text");
    assert_eq!(response.body, "EVENT_RECEIVED");
    assert_eq!(response.keys, ["mid:aWdfZAG1faWQ6MTIzNDU2Nzg5"]);
    assert_eq!(response.matched_secret.as_deref(), Some("appSecret"));
}

#[test]
fn attachments_story_replies_quick_replies_and_replies_keep_what_meta_sent() {
    let image = only_item("message_image");
    assert_eq!(image["attachments"], json!([{"type": "image", "payload": {"url": "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=abc"}}]));
    assert!(image.get("text").is_none());
    let story = only_item("message_story_reply");
    assert_eq!(story["replyTo"], json!({"story": {"url": "https://lookaside.fbsbx.com/story/1", "id": "17900000000000111"}}));
    assert_eq!(story["text"], "Love this!");
    let quick = only_item("message_quick_reply");
    assert_eq!(quick["quickReplyPayload"], "SIZE_M");
    let reply = only_item("message_reply_to");
    assert_eq!(reply["replyTo"], json!({"messageId": "aWdfZAG1faWQ6MTIzNDU2Nzg5"}));
}

#[test]
fn an_echo_names_the_customer_as_user_and_is_off_by_default() {
    let echo = only_item("echo");
    assert_eq!(echo["eventType"], "echo");
    assert_eq!(echo["userId"], CUSTOMER, "the other party: the recipient of your own message");
    assert_eq!(echo["senderId"], ACCOUNT);
    let (body, signature) = vector("echo");
    let defaults = receive(&post(&[&signature], &[("appSecret", VECTOR_SECRET)], &["message"]), &body);
    assert_eq!(defaults.status, 200);
    assert!(defaults.items.is_empty(), "the workflow's own reply starts nothing");
    assert_eq!(defaults.reason.as_deref(), Some("no event this trigger listens to (1 of other kinds, 0 unknown)"));
}

#[test]
fn reactions_postbacks_reads_and_referrals() {
    let react = only_item("reaction_react");
    assert_eq!(react["eventType"], "reaction");
    assert_eq!(react["messageId"], "aWdfZAG1faWQ6echo");
    assert_eq!(react["reaction"], json!({"action": "react", "reaction": "love", "emoji": "❤️"}));
    let unreact = only_item("reaction_unreact");
    assert_eq!(unreact["reaction"], json!({"action": "unreact"}));
    assert_eq!(deliver("reaction_react").keys, ["reaction:aWdfZAG1faWQ6echo:react"]);
    assert_eq!(deliver("reaction_unreact").keys, ["reaction:aWdfZAG1faWQ6echo:unreact"]);
    let postback = only_item("postback");
    assert_eq!(postback["postback"], json!({"title": "Talk to us", "payload": "HUMAN"}));
    assert_eq!(postback["userId"], CUSTOMER);
    assert_eq!(deliver("postback").keys, ["mid:aWdfZAG1faWQ6postback"]);
    let read = only_item("read");
    assert_eq!((read["eventType"].clone(), read["messageId"].clone()), (json!("read"), json!("aWdfZAG1faWQ6echo")));
    let referral = only_item("referral");
    assert_eq!(referral["referral"]["ref"], "summer-sale");
    assert_eq!(referral["referral"]["ad_id"], "120200000000001");
}

#[test]
fn comments_live_comments_and_mentions_come_from_changes() {
    let comment = only_item("comment");
    assert_eq!(
        comment,
        json!({
            "eventType": "comment",
            "accountId": ACCOUNT,
            "userId": CUSTOMER,
            "senderId": CUSTOMER,
            "timestamp": 1_767_225_611_000_u64,
            "time": "2026-01-01T00:00:11.000Z",
            "text": "GUIDE please",
            "commentId": "17858893269000333",
            "mediaId": "17900000000000222",
            "username": "ada.l"
        }),
        "changes carry seconds: the time becomes ms"
    );
    assert_eq!(deliver("comment").keys, ["comment:17858893269000333"]);
    assert_eq!(only_item("live_comment")["eventType"], "liveComment");
    let mention = only_item("mention");
    assert_eq!((mention["commentId"].clone(), mention["mediaId"].clone()), (json!("17858893269000777"), json!("17900000000000666")));
    assert!(mention.get("userId").is_none());
}

#[test]
fn the_raw_event_comes_along_when_asked() {
    let (body, signature) = vector("message_text");
    let mut request = post(&[&signature], &[("appSecret", VECTOR_SECRET)], &["message"]);
    request.settings.include_raw_event = true;
    let item: Value = serde_json::from_str(receive(&request, &body).items[0].json()).unwrap();
    assert_eq!(item["raw"]["message"]["mid"], "aWdfZAG1faWQ6MTIzNDU2Nzg5");
    assert_eq!(item["raw"]["sender"]["id"], CUSTOMER);
}

#[test]
fn a_delivery_of_two_entries_and_three_events_each_gives_six_items_in_time_order() {
    let response = deliver("two_entries_three_events");
    let texts: Vec<Value> = items(&response).iter().map(|item| item["text"].clone()).collect();
    assert_eq!(texts, ["first", "second", "third", "fourth", "fifth", "sixth"]);
    assert_eq!(response.keys, ["mid:mid.e1.1", "mid:mid.e2.2", "mid:mid.e1.3", "mid:mid.e2.4", "mid:mid.e1.5", "mid:mid.e2.6"]);
}

#[test]
fn unknown_event_kinds_are_accepted_and_start_nothing() {
    let response = deliver("unknown_kind");
    assert_eq!(response.status, 200);
    assert!(response.items.is_empty());
    assert_eq!(response.reason.as_deref(), Some("no event this trigger listens to (0 of other kinds, 2 unknown)"));
}

// ---------------------------------------------------------------------------------------
// The signature: raw bytes, constant time, every header defect
// ---------------------------------------------------------------------------------------

#[test]
fn escaped_unicode_verifies_as_sent_and_fails_once_re_serialised() {
    let item = only_item("escaped_unicode");
    assert_eq!(item["text"], "Café 😀 https://shop.example/café");
    let (body, signature) = vector("escaped_unicode");
    let reserialised = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert_ne!(reserialised, body);
    let response = receive(&post(&[&signature], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS), &reserialised);
    assert_eq!(response.status, 403);
    assert!(response.items.is_empty());
}

#[test]
fn every_vector_fails_under_another_secret_and_with_a_flipped_byte() {
    for name in ["message_text", "comment", "two_entries_three_events", "escaped_unicode"] {
        let (body, signature) = vector(name);
        let wrong = receive(&post(&[&signature], &[("appSecret", "another-secret")], ALL_EVENTS), &body);
        assert_eq!((wrong.status, wrong.items.len()), (403, 0), "{name}");
        let mut flipped = body.clone();
        flipped[body.len() / 2] ^= 0x01;
        let tampered = receive(&post(&[&signature], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS), &flipped);
        assert_eq!((tampered.status, tampered.items.len()), (403, 0), "{name}");
    }
}

#[test]
fn either_configured_secret_may_sign_and_the_answer_names_which() {
    let (body, signature) = vector("message_text");
    let response = receive(&post(&[&signature], &[("appSecret", "the-meta-app-secret"), ("webhookSecret", VECTOR_SECRET)], ALL_EVENTS), &body);
    assert_eq!(response.status, 200);
    assert_eq!(response.matched_secret.as_deref(), Some("webhookSecret"));
    let text = serde_json::to_string(&response).unwrap();
    assert!(!text.contains(VECTOR_SECRET) && !text.contains(&signature[7..]), "no secret or signature in the answer");
}

#[test]
fn every_header_defect_is_refused_with_401_and_a_mismatch_with_403() {
    let (body, signature) = vector("message_text");
    let hex = &signature[7..];
    let upper = format!("sha256={}", hex.to_uppercase());
    let cases: Vec<(Vec<String>, u16, &str)> = vec![
        (vec![], 401, "no X-Hub-Signature-256 header"),
        (vec![String::new()], 401, "X-Hub-Signature-256 is empty"),
        (vec![hex.to_string()], 401, "X-Hub-Signature-256 lacks the sha256= prefix"),
        (vec![format!("sha1={}", &hex[..40])], 401, "X-Hub-Signature-256 names sha1, not sha256"),
        (vec![format!("sha256={}", &hex[..63])], 401, "X-Hub-Signature-256 holds 63 hex digits, not 64"),
        (vec![format!("sha256={}0", hex)], 401, "X-Hub-Signature-256 holds 65 hex digits, not 64"),
        (vec![format!("sha256={}zz", &hex[..62])], 401, "X-Hub-Signature-256 holds characters that are not hex digits"),
        (vec!["sha256=".to_string()], 401, "X-Hub-Signature-256 holds 0 hex digits, not 64"),
        (vec![signature.clone(), signature.clone()], 401, "X-Hub-Signature-256 arrived 2 times"),
        (vec![format!("{signature}, {signature}")], 401, "X-Hub-Signature-256 arrived 2 times"),
        (vec![format!("sha256={}", "0".repeat(64))], 403, "X-Hub-Signature-256 does not match the body under any configured secret"),
    ];
    for (signatures, status, reason) in cases {
        let refs: Vec<&str> = signatures.iter().map(String::as_str).collect();
        let response = receive(&post(&refs, &[("appSecret", VECTOR_SECRET)], ALL_EVENTS), &body);
        assert_eq!((response.status, response.reason.as_deref()), (status, Some(reason)), "{signatures:?}");
        assert!(response.items.is_empty() && response.keys.is_empty());
        assert!(!response.reason.unwrap().contains(hex), "the reason never quotes the signature");
    }
    // Hex digits in capitals are the same bytes.
    assert_eq!(receive(&post(&[&upper], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS), &body).status, 200);
}

#[test]
fn no_secret_or_no_raw_body_means_reject() {
    let (body, signature) = vector("message_text");
    let none = receive(&post(&[&signature], &[("appSecret", "")], ALL_EVENTS), &body);
    assert_eq!(none.status, 403);
    assert!(none.reason.unwrap().starts_with("no secret is configured"));
    let mut request = post(&[&signature], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS);
    request.has_body = false;
    let no_body = receive(&request, &body);
    assert_eq!((no_body.status, no_body.items.len()), (403, 0));
    let odd = Request { method: "PUT".into(), ..post(&[&signature], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS) };
    assert_eq!(receive(&odd, &body).status, 403);
}

#[test]
fn signed_bodies_that_are_not_deliveries_get_200_and_start_nothing() {
    use hmac::{Hmac, Mac};
    let sign = |body: &[u8]| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(VECTOR_SECRET.as_bytes()).unwrap();
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    };
    for (body, reason) in [
        (&b"not json"[..], "the body is not JSON"),
        (b"[1,2]", "the body is not a JSON object"),
        (br#"{"object":"page","entry":[]}"#, "the delivery is for object \"page\", not instagram"),
        (br#"{"object":"Call +1 555 0100 now","entry":[]}"#, "the delivery is for another kind of object, not instagram"),
        (br#"{"object":"instagram"}"#, "the body has no entry list"),
        (br#"{"object":"instagram","entry":[]}"#, "the delivery holds no events"),
    ] {
        let response = receive(&post(&[&sign(body)], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS), body);
        assert_eq!(response.status, 200, "{reason}");
        assert!(response.items.is_empty());
        assert!(response.reason.as_deref().unwrap().starts_with(reason), "{:?}", response.reason);
    }
}

/// A delivery signed with the vectors' secret, every event kind on.
fn signed(body: &Value) -> Vec<Value> {
    use hmac::{Hmac, Mac};
    let body = body.to_string();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(VECTOR_SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    items(&receive(&post(&[&signature], &[("appSecret", VECTOR_SECRET)], ALL_EVENTS), body.as_bytes()))
}

/// One message event from `sender` at `timestamp`, in an entry sent at 1767225600 s.
fn message_event(sender: Value, timestamp: Value) -> Value {
    let item = signed(&json!({"object": "instagram", "entry": [{"id": ACCOUNT, "time": 1_767_225_600, "messaging": [
        {"sender": {"id": sender}, "recipient": {"id": ACCOUNT}, "timestamp": timestamp, "message": {"mid": "m_1", "text": "hi"}}
    ]}]}));
    assert_eq!(item.len(), 1, "{item:?}");
    item[0].clone()
}

#[test]
fn ids_and_times_are_read_as_meta_may_send_them() {
    let numeric = message_event(json!(17_841_411_111_111_111u64), json!(1_767_225_600_123u64));
    assert_eq!(numeric["userId"], CUSTOMER, "a numeric id reads as text");
    assert_eq!(numeric["timestamp"], json!(1_767_225_600_123u64));
    assert!(message_event(json!(""), json!(1_767_225_600_123u64))["userId"].is_null(), "an empty id is no id");
    // A negative time is no time: the entry's time (in seconds) stands in.
    assert_eq!(message_event(json!(CUSTOMER), json!(-5))["timestamp"], json!(1_767_225_600_000u64));
    // Below 10^11 a time is seconds; 10^11 itself is milliseconds.
    assert_eq!(message_event(json!(CUSTOMER), json!(99_999_999_999u64))["timestamp"], json!(99_999_999_999_000u64));
    assert_eq!(message_event(json!(CUSTOMER), json!(100_000_000_000u64))["timestamp"], json!(100_000_000_000u64));
    // Whole milliseconds are integers; a fraction, or a time past 9e15, stays a float.
    assert_eq!(message_event(json!(CUSTOMER), json!(1_767_225_600_000.5))["timestamp"], json!(1_767_225_600_000.5));
    assert_eq!(message_event(json!(CUSTOMER), json!(9e15))["timestamp"], json!(9e15));
}

#[test]
fn keys_without_an_id_are_digests_that_tell_events_apart() {
    let read = deliver("read").keys;
    assert!(read[0].starts_with("read:") && read[0].len() == "read:".len() + 32, "{read:?}");
    assert_eq!(deliver("read").keys, read, "the same event, the same key");
    assert_ne!(deliver("referral").keys, read);
}

// ---------------------------------------------------------------------------------------
// The handshake
// ---------------------------------------------------------------------------------------

fn get(query: &[(&str, &str)], verify_token: &str) -> Response {
    let request = Request {
        method: "GET".into(),
        query: query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<HashMap<_, _>>(),
        verify_token: verify_token.into(),
        ..Request::default()
    };
    receive(&request, b"")
}

#[test]
fn the_handshake_echoes_a_plain_challenge_for_the_right_token_only() {
    let ok = get(&[("hub.mode", "subscribe"), ("hub.verify_token", "verify-me"), ("hub.challenge", "1158201444")], "verify-me");
    assert_eq!((ok.status, ok.body.as_str()), (200, "1158201444"));
    assert!(ok.items.is_empty());
    type Case<'a> = (Vec<(&'a str, String)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (vec![("hub.mode", "subscribe".into()), ("hub.verify_token", "verify-mE".into()), ("hub.challenge", "1".into())], "verify-me", "does not match"),
        (vec![("hub.mode", "subscribe".into()), ("hub.verify_token", "verify-me-".into()), ("hub.challenge", "1".into())], "verify-me", "does not match"),
        (vec![("hub.mode", "subscribe".into()), ("hub.challenge", "1".into())], "verify-me", "does not match"),
        (vec![("hub.mode", "unsubscribe".into()), ("hub.verify_token", "verify-me".into()), ("hub.challenge", "1".into())], "verify-me", "hub.mode"),
        (vec![("hub.mode", "subscribe".into()), ("hub.verify_token", "".into()), ("hub.challenge", "1".into())], "", "no Verify Token"),
        (vec![("hub.mode", "subscribe".into()), ("hub.verify_token", "verify-me".into()), ("hub.challenge", "<script>x</script>".into())], "verify-me", "not a plain token"),
        (vec![("hub.mode", "subscribe".into()), ("hub.verify_token", "verify-me".into()), ("hub.challenge", "".into())], "verify-me", "not a plain token"),
        (vec![("hub.mode", "subscribe".into()), ("hub.verify_token", "verify-me".into()), ("hub.challenge", "a".repeat(257))], "verify-me", "not a plain token"),
    ];
    for (query, token, reason) in cases {
        let refs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = get(&refs, token);
        assert_eq!(response.status, 403, "{query:?}");
        assert!(response.reason.as_deref().unwrap().contains(reason), "{:?}", response.reason);
        assert_eq!(response.body, "Forbidden");
    }
    let dashed = get(&[("hub.mode", "subscribe"), ("hub.verify_token", "verify-me"), ("hub.challenge", "a-1_b")], "verify-me");
    assert_eq!((dashed.status, dashed.body.as_str()), (200, "a-1_b"), "- and _ are plain");
    let longest = "a".repeat(256);
    assert_eq!(get(&[("hub.mode", "subscribe"), ("hub.verify_token", "verify-me"), ("hub.challenge", &longest)], "verify-me").body, longest);
}
