//! Feeds arbitrary bytes to the Instagram Trigger's core: as a delivery body signed with the
//! configured secret (so the payload parser is reached), as the same body unsigned or with
//! the fuzzer's own header, and as a handshake query. Checks that nothing panics, that only
//! a valid signature starts anything, that items and keys pair up, and that no answer
//! carries the secret or the signature.
#![no_main]

use hmac::{Hmac, Mac};
use instagram_messaging_core::webhook::{receive, NamedSecret, Request};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz~made-up-webhook-secret~0123";

fn request(method: &str, signatures: Vec<String>, events: &[&str]) -> Request {
    let mut request: Request = serde_json::from_value(serde_json::json!({
        "method": method,
        "signatures": signatures,
        "hasBody": true,
        "verifyToken": "fuzz-token",
        "settings": {"events": events, "includeRawEvent": true},
        "nowMs": 1.0,
    }))
    .unwrap();
    request.secrets = vec![NamedSecret { name: "appSecret".into(), value: SECRET.into() }];
    request
}

fuzz_target!(|data: &[u8]| {
    let (header, body) = match data.iter().position(|b| *b == 0xFF) {
        Some(at) => (String::from_utf8_lossy(&data[..at]).into_owned(), &data[at + 1..]),
        None => (String::new(), data),
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let all = ["message", "echo", "reaction", "postback", "read", "referral", "comment", "liveComment", "mention"];

    let signed = receive(&request("POST", vec![signature.clone()], &all), body);
    assert_eq!(signed.status, 200, "a valid signature is always accepted");
    assert_eq!(signed.items.len(), signed.keys.len());
    for item in &signed.items {
        serde_json::from_str::<serde_json::Value>(item.json()).expect("items are JSON");
    }
    let text = serde_json::to_string(&signed).unwrap();
    assert!(!text.contains(SECRET) && !text.contains(&signature[7..]));

    let forged = receive(&request("POST", vec![header.clone()], &all), body);
    if header.trim() != signature && header.trim().to_ascii_lowercase() != signature {
        assert!(forged.items.is_empty() && forged.status != 200, "only the right signature starts anything");
    }

    let mut get = request("GET", vec![], &all);
    get.query = [("hub.mode", "subscribe"), ("hub.verify_token", "fuzz-token")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain(std::iter::once(("hub.challenge".to_string(), header)))
        .collect();
    let handshake = receive(&get, body);
    assert!(handshake.items.is_empty());
    if handshake.status == 200 {
        assert!(handshake.body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
});
