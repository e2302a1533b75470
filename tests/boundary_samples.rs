#![cfg(not(target_arch = "wasm32"))]
//! One sample of every value that crosses the wasm boundary, in every variant and with every
//! optional field filled, written to `target/boundary-samples.json`. The TypeScript suite
//! (tests/node/boundaryTypes.test.ts) type-checks each sample against the types the wrapper
//! declares in js-wrapper/bridge/types.d.ts, in both directions: no Rust field the types
//! lack, no declared field Rust never sends.
//!
//! The `match`es are exhaustive: a new variant does not compile until it has a sample here.

use instagram_messaging_core::catalog::catalog;
use instagram_messaging_core::error::{ApiError, CoreError, SetupError};
use instagram_messaging_core::execution::{Abandoned, Answer, Execution, HttpResponse, TransportFailure, Verdict};
use instagram_messaging_core::graph_error::GraphError;
use instagram_messaging_core::operations::Step;
use instagram_messaging_core::output::{ErrorReport, Identity, OutputItem};
use instagram_messaging_core::request::{Body, Coalesce, Headers, HttpRequest, Method, Part, RateClass};
use instagram_messaging_core::request_chunk::request_chunk;
use instagram_messaging_core::token::{digest, plan_for as token_plan_for, refresh_call_for, renewal_for, Grant, RefreshAnswer};
use serde_json::{json, Value};

mod common;
use common::{SECRET, TOKEN};

fn error_report() -> ErrorReport {
    let graph = GraphError {
        message: "(#551) This person isn't available right now.".into(),
        error_type: Some("IGApiException".into()),
        code: Some(551),
        subcode: Some(1545041),
        user_title: Some("Unavailable".into()),
        user_message: Some("This person is unavailable".into()),
        fbtrace_id: Some("Atrace".into()),
        is_transient: false,
    };
    let mut report = ErrorReport::new(&CoreError::Api(ApiError::Graph { status: 400, graph }), "sendMessage", Identity(vec![("userId", "17841400000000001".into())]), "t", Some(false));
    report.item.delivery_unknown = Some(true);
    report.item.error_field = Some("userId");
    report
}

fn request(body: Body) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: "https://graph.facebook.com/v18.0/me/messages".into(),
        query: vec![("fields".into(), "name".into())],
        headers: Headers { content_type: Some("application/json"), accept: "application/json" },
        body: Some(body),
        rate_class: RateClass::Send,
        coalesce: Some(Coalesce::Request),
    }
}

fn every_body() -> Vec<Body> {
    let json_body = Body::Json { text: "{}".into() };
    let samples = vec![
        json_body.clone(),
        Body::Multipart {
            parts: vec![
                Part::Text { name: "platform".into(), value: "instagram".into() },
                Part::Binary { name: "filedata".into(), property: "data".into(), file_name: "a.png".into(), mime_type: "image/png".into() },
            ],
        },
    ];
    for body in &samples {
        match body {
            Body::Json { .. } | Body::Multipart { .. } => {}
        }
        if let Body::Multipart { parts } = body {
            for part in parts {
                match part {
                    Part::Text { .. } | Part::Binary { .. } => {}
                }
            }
        }
    }
    samples
}

fn every_verdict() -> Vec<Verdict> {
    let output = || vec![OutputItem::new(&json!({"success": true}))];
    let step = Step { number: 1, emitted: 2, carry: Some("cursor".into()) };
    let samples = vec![
        Verdict::Done { outputs: output(), usage_percent: Some(80.0) },
        Verdict::Next { outputs: output(), request: request(Body::Json { text: "{}".into() }), step, usage_percent: Some(1.0) },
        Verdict::Retry { after_ms: 500, pause_all: true, reason: "throttled".into(), usage_percent: None },
        Verdict::Failed { error: error_report(), usage_percent: None },
    ];
    for verdict in &samples {
        match verdict {
            Verdict::Done { .. } | Verdict::Next { .. } | Verdict::Retry { .. } | Verdict::Failed { .. } => {}
        }
    }
    samples
}

fn every_method_and_rate_class() -> Vec<HttpRequest> {
    let mut samples = Vec::new();
    for method in [Method::Get, Method::Post, Method::Delete] {
        for rate_class in [RateClass::Send, RateClass::Media, RateClass::Conversations, RateClass::PrivateReply, RateClass::Read] {
            match rate_class {
                RateClass::Send | RateClass::Media | RateClass::Conversations | RateClass::PrivateReply | RateClass::Read => {}
            }
            samples.push(HttpRequest { method, rate_class, ..request(Body::Json { text: "{}".into() }) });
        }
    }
    for coalesce in [None, Some(Coalesce::Request), Some(Coalesce::Content)] {
        match coalesce {
            None | Some(Coalesce::Request) | Some(Coalesce::Content) => {}
        }
        samples.push(HttpRequest { coalesce, ..request(Body::Json { text: "{}".into() }) });
    }
    samples
}

fn execution_input() -> Value {
    json!({
        "resource": "message",
        "operation": "sendMessage",
        "credentials": {"accessToken": *TOKEN, "appSecret": *SECRET, "apiVersion": "v18.0", "baseUrl": "https://graph.facebook.com", "loginType": "facebook", "pageId": "1234567890"},
        "environment": {"N8N_META_UUID": "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b"},
        "startedAt": "2026-01-01T00:00:00.000Z",
        "retry": {"maxRetries": 3, "retryUnknownDelivery": false},
        "items": [{"userId": "17841400000000001", "messageText": "hi"}, {"userId": "bad", "messageText": "hi"}]
    })
}

#[test]
fn writes_a_sample_of_every_boundary_value() {
    let input = execution_input();
    let execution = Execution::start(&input.to_string());
    let plan = execution.plan();
    assert!(plan.setup_error.is_none(), "the sample input is valid");
    assert_eq!(plan.refused.len(), 1, "the sample input has one refused item");
    let mut with_setup_error = execution_input();
    with_setup_error["environment"] = json!({});
    let setup_plan = Execution::start(&with_setup_error.to_string()).plan();
    assert!(setup_plan.setup_error.is_some());

    let answers = vec![
        Answer {
            index: 0,
            attempt: 1,
            step: Some(Step { number: 1, emitted: 0, carry: Some("after".into()) }),
            response: Some(HttpResponse {
                status: 200,
                headers: serde_json::from_value(json!({"retry-after": "1"})).unwrap(),
                body: "{}".into(),
            }),
            failure: None,
            now_ms: 1.0,
            random: 0.5,
        },
        Answer {
            failure: Some(TransportFailure { code: "ECONNRESET".into(), message: "socket hang up".into() }),
            ..Answer::default()
        },
    ];
    // Every answer sample is one the core reads.
    for answer in &answers {
        let _ = execution.settle(answer);
    }
    for why in [Abandoned::NotSent, Abandoned::CoreFailed, Abandoned::CoreFailedBeforeSending] {
        match why {
            Abandoned::NotSent | Abandoned::CoreFailed | Abandoned::CoreFailedBeforeSending => {}
        }
    }

    let mut planned: Vec<Value> = every_body().into_iter().map(|body| json!({ "request": request(body) })).collect();
    planned.extend(every_method_and_rate_class().into_iter().map(|request| json!({ "request": request })));
    planned.push(json!({ "refused": error_report() }));

    // Requests cross in chunks: the chunk's first line (heads and items), for a JSON send, a
    // refused item, a file upload (a multipart head; with the Page ID, the upload first) and
    // a read (a GET with a query).
    let mut with_file = execution_input();
    with_file["operation"] = json!("sendMedia");
    with_file["items"] = json!([{"userId": "17841400000000001", "mediaSource": "binary", "binaryPropertyName": {"property": "data", "mimeType": "image/png", "fileName": "a.png", "size": 10}}]);
    let mut read = execution_input();
    read["resource"] = json!("user");
    read["operation"] = json!("getProfile");
    read["items"] = json!([{"userId": "17841400000000001"}]);
    let chunks: Vec<Value> = [execution, Execution::start(&with_file.to_string()), Execution::start(&read.to_string())]
        .iter()
        .map(|execution| {
            let text = request_chunk(execution, 0, 64);
            serde_json::from_str(text.split('\n').next().unwrap()).unwrap()
        })
        .collect();
    let execution = Execution::start(&input.to_string());

    let verdicts: Vec<Value> = every_verdict().iter().map(|v| serde_json::from_str(&v.to_json()).unwrap()).collect();
    let setup_report = ErrorReport::new(&CoreError::Setup(SetupError::MissingAccessToken), "sendMessage", Identity::default(), "t", None);
    // An Instagram-Login credential whose token is known and expires on 2026-12-06.
    let held = json!({
        "accessToken": "IGAAtoken", "appSecret": SECRET, "loginType": "instagram",
        "tokenState": digest("IGAAtoken"), "tokenDigest": digest("IGAAtoken"), "tokenExpiresAt": "2026-12-06T00:00:00.000Z",
        "tokenRenewedAt": "", "tokenCheckedAt": "", "tokenRenewalError": "",
    })
    .to_string();
    let pasted = json!({"accessToken": "IGAAshort", "appSecret": SECRET, "loginType": "instagram"}).to_string();
    let samples = json!({
        "ExecutionInput": [input],
        "Plan": [plan, setup_plan],
        "PlannedRequest": planned,
        "Answer": answers,
        "Verdict": verdicts,
        "ErrorReport": [error_report(), setup_report, execution.abandon(0, Abandoned::CoreFailed)],
        "AbandonReason": [Abandoned::NotSent, Abandoned::CoreFailed, Abandoned::CoreFailedBeforeSending],
        "Catalog": [catalog()],
        "RequestChunk": chunks,
        "TokenPlan": [token_plan_for(&held, 0.0), token_plan_for(&held, 1_796_428_800_000.0)],
        "TokenRefreshCall": [refresh_call_for(&held, Grant::Refresh).unwrap(), refresh_call_for(&held, Grant::Exchange).unwrap()],
        "TokenRenewal": [
            renewal_for(&held, Grant::Refresh, &RefreshAnswer { status: Some(200), body: r#"{"access_token":"IGAAnew","expires_in":5184000}"#.into(), failure: None }, 0.0).unwrap(),
            renewal_for(&held, Grant::Refresh, &RefreshAnswer { status: None, body: String::new(), failure: Some("ECONNRESET".into()) }, 0.0).unwrap(),
            // A token the fields do not describe, refused: the exchange comes next.
            renewal_for(&pasted, Grant::Refresh, &RefreshAnswer { status: Some(400), body: r#"{"error":{"message":"too young","code":100}}"#.into(), failure: None }, 0.0).unwrap(),
        ],
    });
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/boundary-samples.json");
    std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/target")).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(&samples).unwrap()).unwrap();
}
