//! Auto-subscription's requests, answer by answer: what activation asks Meta for on each
//! login type, what it records, and that deactivation removes only that.

use instagram_messaging_core::credentials::RawCredentials;
use instagram_messaging_core::webhook::subscription::{step, Answered, Next, Record, SubscriptionInput};
use serde_json::{json, Value};

const APP_ID: &str = "1234567890123";
const APP_SECRET: &str = "app-secret-made-up-for-this-test";
const CALLBACK: &str = "https://n8n.example.com/webhook/abc/webhook";

fn credentials(extra: Value) -> instagram_messaging_core::credentials::Credentials {
    let mut raw = json!({"accessToken": "EAAtest-page-token", "appSecret": APP_SECRET});
    for (key, value) in extra.as_object().unwrap() {
        raw[key] = value.clone();
    }
    serde_json::from_value::<RawCredentials>(raw).unwrap().check().unwrap()
}

fn input(record: Option<Record>) -> SubscriptionInput {
    SubscriptionInput {
        app_id: APP_ID.into(),
        app_secret: APP_SECRET.into(),
        callback_url: CALLBACK.into(),
        verify_token: "verify-me".into(),
        fields: vec!["messages".into(), "comments".into()],
        record,
    }
}

fn ok(body: Value) -> Answered {
    Answered { status: 200, body: body.to_string() }
}

fn as_json(next: &Next) -> Value {
    serde_json::to_value(next).unwrap()
}

#[test]
fn facebook_login_subscribes_the_app_then_the_page_and_records_what_it_added() {
    let creds = credentials(json!({}));
    let mut answers = Vec::new();
    let first = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!(first["call"]["method"], "GET");
    assert_eq!(first["call"]["url"], format!("https://graph.facebook.com/v18.0/{APP_ID}/subscriptions"));
    assert_eq!(first["call"]["auth"], "app");
    assert_eq!(first["call"]["authorization"], format!("Bearer {APP_ID}|{APP_SECRET}"));

    answers.push(ok(json!({"data": [{"object": "instagram", "callback_url": CALLBACK, "active": true, "fields": [{"name": "messages", "version": "v18.0"}]}, {"object": "page", "callback_url": "https://other.example/hook", "fields": []}]})));
    let post = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!(post["call"]["method"], "POST");
    assert_eq!(
        post["call"]["form"],
        json!([["object", "instagram"], ["callback_url", CALLBACK], ["verify_token", "verify-me"], ["fields", "messages,comments"], ["include_values", "true"]])
    );

    answers.push(ok(json!({"success": true})));
    let me = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!((me["call"]["url"].clone(), me["call"]["auth"].clone()), (json!("https://graph.facebook.com/v18.0/me"), json!("credential")));

    answers.push(ok(json!({"id": "104000000000001"})));
    let listed = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!(listed["call"]["url"], "https://graph.facebook.com/v18.0/104000000000001/subscribed_apps");

    answers.push(ok(json!({"data": []})));
    let subscribe = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!(subscribe["call"]["method"], "POST");
    assert_eq!(subscribe["call"]["query"], json!([["subscribed_fields", "messages,comments"]]));

    answers.push(ok(json!({"success": true})));
    let done = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!(
        done,
        json!({"next": "subscribed", "record": {
            "appId": APP_ID, "appFieldsAdded": ["comments"], "accountEdge": "104000000000001/subscribed_apps",
            "accountFieldsBefore": null, "accountFieldsAdded": ["messages", "comments"]
        }})
    );
}

#[test]
fn deactivation_removes_only_what_activation_added() {
    let creds = credentials(json!({"pageId": "104000000000001"}));
    let record = Record {
        app_id: APP_ID.into(),
        app_fields_added: vec!["comments".into()],
        account_edge: "104000000000001/subscribed_apps".into(),
        account_fields_before: None,
        account_fields_added: vec!["messages".into(), "comments".into()],
    };
    let mut answers = Vec::new();
    let first = as_json(&step(true, &input(Some(record.clone())), &creds, &answers));
    assert_eq!(first["call"]["method"], "DELETE");
    assert_eq!(first["call"]["query"], json!([["object", "instagram"], ["fields", "comments"]]));
    answers.push(ok(json!({"success": true})));
    let second = as_json(&step(true, &input(Some(record.clone())), &creds, &answers));
    assert_eq!((second["call"]["method"].clone(), second["call"]["url"].clone()), (json!("DELETE"), json!("https://graph.facebook.com/v18.0/104000000000001/subscribed_apps")));
    answers.push(ok(json!({"success": true})));
    assert_eq!(as_json(&step(true, &input(Some(record.clone())), &creds, &answers)), json!({"next": "unsubscribed"}));

    // The account had other fields before: they are put back, not deleted.
    let kept = Record { account_fields_before: Some(vec!["messages".into()]), account_fields_added: vec!["comments".into()], app_fields_added: vec![], ..record };
    let restore = as_json(&step(true, &input(Some(kept)), &creds, &[]));
    assert_eq!((restore["call"]["method"].clone(), restore["call"]["query"].clone()), (json!("POST"), json!([["subscribed_fields", "messages"]])));
    assert_eq!(as_json(&step(true, &input(None), &creds, &[])), json!({"next": "unsubscribed"}), "nothing recorded, nothing removed");
}

#[test]
fn instagram_login_subscribes_me_on_its_host_and_the_app_on_facebook_s() {
    let creds = credentials(json!({"loginType": "instagram"}));
    let answers = vec![ok(json!({"data": []})), ok(json!({"success": true}))];
    let listed = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!(listed["call"]["url"], "https://graph.instagram.com/v18.0/me/subscribed_apps");
    let first = as_json(&step(false, &input(None), &creds, &[]));
    assert_eq!(first["call"]["url"], format!("https://graph.facebook.com/v18.0/{APP_ID}/subscriptions"));
}

#[test]
fn another_callback_is_left_alone_and_failures_carry_no_secret() {
    let creds = credentials(json!({}));
    let taken = vec![ok(json!({"data": [{"object": "instagram", "callback_url": "https://elsewhere.example/hook", "fields": []}]}))];
    let refused = as_json(&step(false, &input(None), &creds, &taken));
    assert_eq!(refused["next"], "failed");
    assert!(refused["message"].as_str().unwrap().contains("already points at https://elsewhere.example/hook"));

    let echo = vec![Answered { status: 400, body: json!({"error": {"message": format!("Invalid token {APP_ID}|{APP_SECRET}"), "code": 190}}).to_string() }];
    let failed = as_json(&step(false, &input(None), &creds, &echo));
    let message = failed["message"].as_str().unwrap();
    assert!(message.starts_with("Meta refused reading the app's webhook subscriptions: Invalid token"));
    assert!(!message.contains(APP_SECRET), "{message}");

    let no_app = SubscriptionInput { app_id: String::new(), ..input(None) };
    assert!(as_json(&step(false, &no_app, &creds, &[]))["message"].as_str().unwrap().contains("App ID"));
}

#[test]
fn activating_again_keeps_what_the_first_activation_found() {
    let creds = credentials(json!({"pageId": "104000000000001"}));
    let first = Record {
        app_id: APP_ID.into(),
        app_fields_added: vec!["comments".into()],
        account_edge: "104000000000001/subscribed_apps".into(),
        account_fields_before: None,
        account_fields_added: vec!["messages".into(), "comments".into()],
    };
    // Everything is in place now: the app and the Page have both fields.
    let answers = vec![
        ok(json!({"data": [{"object": "instagram", "callback_url": CALLBACK, "fields": [{"name": "messages"}, {"name": "comments"}]}]})),
        ok(json!({"success": true})),
        ok(json!({"data": [{"id": APP_ID, "subscribed_fields": ["messages", "comments"]}]})),
    ];
    let again = as_json(&step(false, &input(Some(first.clone())), &creds, &answers));
    assert_eq!(again["next"], "subscribed");
    assert_eq!(serde_json::from_value::<Record>(again["record"].clone()).unwrap(), first, "the record still says what to undo");
}

fn record() -> Record {
    Record {
        app_id: APP_ID.into(),
        app_fields_added: vec!["comments".into()],
        account_edge: "104000000000001/subscribed_apps".into(),
        account_fields_before: None,
        account_fields_added: vec!["messages".into(), "comments".into()],
    }
}

#[test]
fn deactivation_touches_the_account_only_where_activation_changed_it() {
    let creds = credentials(json!({"pageId": "104000000000001"}));
    let unsubscribed = json!({"next": "unsubscribed"});
    // No account edge recorded: nothing to delete there.
    let no_edge = Record { app_fields_added: vec![], account_edge: String::new(), ..record() };
    assert_eq!(as_json(&step(true, &input(Some(no_edge)), &creds, &[])), unsubscribed);
    // The account was subscribed before and activation added nothing: left as it is.
    let nothing_added = Record { app_fields_added: vec![], account_fields_before: Some(vec!["messages".into()]), account_fields_added: vec![], ..record() };
    assert_eq!(as_json(&step(true, &input(Some(nothing_added)), &creds, &[])), unsubscribed);
    // Subscribed before with no fields: activation's fields are not "put back" as none.
    let empty_before = Record { app_fields_added: vec![], account_fields_before: Some(vec![]), ..record() };
    assert_eq!(as_json(&step(true, &input(Some(empty_before)), &creds, &[])), unsubscribed);
}

#[test]
fn a_failed_removal_still_lets_the_next_one_run_then_is_reported() {
    let creds = credentials(json!({"pageId": "104000000000001"}));
    let refused = Answered { status: 400, body: json!({"error": {"message": "Unsupported delete request", "code": 100}}).to_string() };
    let after_failure = as_json(&step(true, &input(Some(record())), &creds, &[refused.clone()]));
    assert_eq!((after_failure["call"]["method"].clone(), after_failure["call"]["url"].clone()), (json!("DELETE"), json!("https://graph.facebook.com/v18.0/104000000000001/subscribed_apps")));
    let reported = as_json(&step(true, &input(Some(record())), &creds, &[refused, ok(json!({"success": true}))]));
    assert_eq!(reported["next"], "failed");
    assert!(reported["message"].as_str().unwrap().starts_with("Removing the webhook subscription failed: "), "{reported}");
}

#[test]
fn activation_refuses_a_page_id_that_is_not_numeric_and_merges_only_its_own_earlier_record() {
    let creds = credentials(json!({}));
    let app_subscribed = ok(json!({"data": [{"object": "instagram", "callback_url": CALLBACK, "active": true, "fields": [{"name": "messages"}, {"name": "comments"}]}]}));
    // The app's subscription is posted again (callback and fields), then the Page is read.
    let answers = vec![app_subscribed.clone(), ok(json!({"success": true})), ok(json!({"id": "104/../1"}))];
    let reached_me = as_json(&step(false, &input(None), &creds, &answers[..2]));
    assert_eq!(reached_me["call"]["url"], "https://graph.facebook.com/v18.0/me", "{reached_me}");
    let refused = as_json(&step(false, &input(None), &creds, &answers));
    assert_eq!(refused["next"], "failed");
    assert_eq!(refused["message"], "Meta's answer to GET /me held no Page ID");

    // An earlier record of the same app for another account is not this account's state.
    let page = credentials(json!({"pageId": "104000000000001"}));
    let elsewhere = Record { account_edge: "999/subscribed_apps".into(), account_fields_before: Some(vec!["mentions".into()]), ..record() };
    let all_there = ok(json!({"data": [{"id": APP_ID, "subscribed_fields": ["messages", "comments"]}]}));
    let done = as_json(&step(false, &input(Some(elsewhere)), &page, &[app_subscribed, ok(json!({"success": true})), all_there]));
    assert_eq!(done["next"], "subscribed", "{done}");
    assert_eq!(done["record"]["accountFieldsBefore"], json!(["messages", "comments"]));
    assert_eq!(done["record"]["appFieldsAdded"], json!([]));
}
