//! Feeds arbitrary bytes to one node execution through the API the node uses:
//! `Execution::start` (with the bytes as text, and with a JSON document built around them),
//! `plan`, `request`, and `settle` with a response and with a transport failure. Checks
//! that nothing panics, every output is JSON, every input item gets a plan, and distinctive
//! secrets never reach an output. The operation is picked by the attempt byte's high bits.
//!
//! Input layout: 12 control bytes (status, attempt, flags, random), then parts separated
//! by 0xFF (a byte UTF-8 never uses): raw input, userId, messageText, accessToken,
//! appSecret, N8N_META_UUID, headers, body, transport code, transport message, baseUrl,
//! apiVersion.
#![no_main]

use instagram_messaging_core::execution::{Answer, Execution, HttpResponse, TransportFailure};
use instagram_messaging_core::operations::Step;
use instagram_messaging_core::proof::AppSecretProof;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

/// Plainly made up: the fuzzer needs fixed, reproducible credentials.
const VALID_TOKEN: &str = "fuzz#made-up-token#0123";
const VALID_SECRET: &str = "fuzz~made-up-secret~0123";

struct Control {
    status: u16,
    attempt: u32,
    flags: u8,
    random: f64,
}

impl Control {
    fn read(bytes: &[u8]) -> Self {
        let mut padded = [0u8; 12];
        padded[..bytes.len().min(12)].copy_from_slice(&bytes[..bytes.len().min(12)]);
        Control {
            status: u16::from_le_bytes([padded[0], padded[1]]),
            attempt: u32::from(padded[2]),
            flags: padded[3],
            random: f64::from_bits(u64::from_le_bytes(padded[4..12].try_into().unwrap())),
        }
    }

    fn flag(&self, bit: u8) -> bool {
        self.flags & (1 << bit) != 0
    }
}

fn parse(output: &str) -> Value {
    serde_json::from_str(output).unwrap_or_else(|err| panic!("output is not JSON ({err}): {output}"))
}

fn check_no_leak(output: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!output.contains(secret.as_str()), "secret {secret:?} leaked: {output}");
    }
}

/// The operations and the parameter the second part fills for each; every item also carries
/// valid values for the other fields (`ITEM_REST`), so each operation gets past them.
const OPERATIONS: [(&str, &str); 16] = [
    ("sendMessage", "messageText"),
    ("sendMedia", "mediaUrl"),
    ("sendImages", "imageUrls"),
    ("sendHeartSticker", "replyToMessageId"),
    ("sharePost", "postId"),
    ("sendQuickReplies", "quickReplies"),
    ("sendGenericTemplate", "elements"),
    ("sendButtonTemplate", "buttons"),
    ("react", "reaction"),
    ("unreact", "messageId"),
    ("sendAction", "action"),
    ("sendPrivateReply", "commentId"),
    ("uploadAttachment", "binaryPropertyName"),
    ("getConversations", "limit"),
    ("getMessages", "conversationId"),
    ("getProfile", "fields"),
];
const ITEM_REST: &str = r#""mediaType":"image","messageId":"m_1","commentId":"17858","conversationId":"c1","postId":"1790","imageUrls":"https://a.example/1.jpg\nhttps://a.example/2.jpg","quickReplies":{"values":[{"title":"A","payload":"A"}]},"buttons":[{"type":"postback","title":"A","payload":"A"}],"elements":[{"title":"T","subtitle":"S"}],"mediaSource":"binary","binaryPropertyName":{"property":"data","mimeType":"image/png","fileName":"a.png","size":10},"returnAll":true"#;

fn exercise(execution: &Execution, control: &Control, parts: &[String], expected_items: Option<usize>, secrets: &[String]) {
    let plan = execution.plan();
    let planned = plan.item_count as usize;
    assert_eq!(planned, execution.item_count());
    if let Some(expected) = expected_items {
        assert_eq!(planned, expected, "every input item gets a plan");
    }
    let plan_text = serde_json::to_string(&plan).expect("plans serialise");
    parse(&plan_text);
    check_no_leak(&plan_text, secrets);
    for index in 0..=planned {
        match execution.request(index) {
            Ok(request) => {
                assert!(plan.setup_error.is_none());
                let text = serde_json::to_string(&request).expect("requests serialise");
                check_no_leak(&text, secrets);
                if let Some(body) = request.json_body() {
                    parse(body);
                }
            }
            Err(report) => assert_eq!(report.item.success, false),
        }
        // A later step of a multi-step item (a page, an upload), with a carried value.
        let step = (control.attempt & 0x08 != 0).then(|| Step {
            number: control.attempt & 0x03,
            emitted: (control.attempt >> 2) & 0x01,
            carry: Some(parts[9].clone()),
        });
        let answer = Answer {
            index: index as u32,
            attempt: control.attempt,
            step,
            response: Some(HttpResponse {
                status: control.status,
                headers: serde_json::from_str(&parts[6]).unwrap_or_default(),
                body: parts[7].clone(),
            }),
            failure: None,
            now_ms: control.random * 1e12,
            random: control.random,
        };
        let settled = execution.settle(&answer).to_json();
        let value = parse(&settled);
        assert!(matches!(value["outcome"].as_str(), Some("done" | "next" | "retry" | "failed")), "{settled}");
        if value["outcome"] != "done" {
            check_no_leak(&settled, secrets);
        }
        let failed = Answer {
            response: None,
            failure: Some(TransportFailure { code: parts[8].clone(), message: parts[9].clone() }),
            ..answer
        };
        let transport = execution.settle(&failed).to_json();
        let value = parse(&transport);
        assert!(matches!(value["outcome"].as_str(), Some("retry" | "failed")), "{transport}");
        check_no_leak(&transport, secrets);
    }
}

fuzz_target!(|data: &[u8]| {
    let (control_bytes, rest) = data.split_at(data.len().min(12));
    let control = Control::read(control_bytes);
    let mut parts: Vec<String> = rest.split(|b| *b == 0xFF).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    parts.resize(12, String::new());

    // 1. The bytes as the whole input text.
    let execution = Execution::start(&parts[0]);
    exercise(&execution, &control, &parts, None, &[]);

    // 2. A JSON document built around the parts. With a flag set, userId / messageText /
    // headers go in unquoted, so the fuzzer can write any JSON there (lone surrogate
    // escapes, numbers, objects) or break the document.
    let (token, secret, uuid) = if control.flag(3) {
        (VALID_TOKEN.to_string(), VALID_SECRET.to_string(), "0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b".to_string())
    } else {
        (parts[3].clone(), parts[4].clone(), parts[5].clone())
    };
    let quoted = |text: &str| Value::String(text.to_string()).to_string();
    let field = |raw: bool, text: &str| if raw { text.to_string() } else { quoted(text) };
    let credentials = if control.flag(4) {
        json!({"accessToken": token, "appSecret": secret, "baseUrl": parts[10], "apiVersion": parts[11]})
    } else {
        json!({"accessToken": token, "appSecret": secret})
    };
    let (operation, second) = OPERATIONS[usize::from((control.attempt >> 4) as u8 % 16)];
    // The second part last: of two equal keys, the core reads the later.
    let item = format!(
        r#"{{{ITEM_REST},"userId":{},"{second}":{}}}"#,
        field(control.flag(0), &parts[1]),
        field(control.flag(1), &parts[2])
    );
    let item_count = 1 + usize::from(control.flags >> 5);
    let items = vec![item; item_count].join(",");
    let document = format!(
        r#"{{"operation":"{operation}","credentials":{credentials},"environment":{{"N8N_META_UUID":{}}},"startedAt":"2026-01-01T00:00:00.000Z","retry":{{"maxRetries":{},"retryUnknownDelivery":{}}},"items":[{items}]}}"#,
        quoted(&uuid),
        control.attempt % 12,
        control.flag(2),
    );
    // Without raw parts the document is valid JSON holding exactly `item_count` items.
    let expected = (!control.flag(0) && !control.flag(1)).then_some(item_count);
    // Secrets to look for: the fixed token and app secret (whose edges no fixed text of the
    // core can supply) and the full proof, unless the fuzzer also typed them into a
    // parameter the core rightly echoes (the message text, a refused User ID).
    let typed = [&parts[1], &parts[2], &parts[10], &parts[11]];
    let mut secrets: Vec<String> = Vec::new();
    if control.flag(3) {
        secrets.extend([VALID_TOKEN.to_string(), VALID_SECRET.to_string()]);
    }
    if !token.trim().is_empty() && !secret.trim().is_empty() {
        secrets.push(AppSecretProof::compute(secret.trim(), token.trim()).as_query_value().to_string());
    }
    secrets.retain(|s| !typed.iter().any(|t| t.contains(s.as_str())));
    let execution = Execution::start(&document);
    exercise(&execution, &control, &parts, expected, &secrets);
});
