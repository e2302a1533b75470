//! Meta's subscription check: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
//! The token is compared in constant time; the challenge is echoed only when it is a plain
//! token, so the answer can never carry markup or script.

use super::Response;
use std::collections::HashMap;

/// The longest challenge echoed.
pub const MAX_CHALLENGE_CHARS: usize = 256;

pub fn answer(query: &HashMap<String, String>, verify_token: &str) -> Response {
    if verify_token.is_empty() {
        return Response::refuse(403, "the trigger has no Verify Token configured");
    }
    if query.get("hub.mode").map(String::as_str) != Some("subscribe") {
        return Response::refuse(403, "hub.mode is not subscribe");
    }
    let presented = query.get("hub.verify_token").map(String::as_str).unwrap_or_default();
    if !same_secret(presented, verify_token) {
        return Response::refuse(403, "hub.verify_token does not match the trigger's Verify Token");
    }
    let challenge = query.get("hub.challenge").map(String::as_str).unwrap_or_default();
    if !is_plain_token(challenge) {
        return Response::refuse(
            403,
            format!("hub.challenge is not a plain token (letters, digits, - and _, 1 to {MAX_CHALLENGE_CHARS} characters)"),
        );
    }
    Response { status: 200, body: challenge.to_string(), reason: None, matched_secret: None, items: vec![], keys: vec![] }
}

/// Whether two secrets are equal, in time that does not depend on where they differ or on
/// their lengths: both go through HMAC-SHA256 under one key, and the digests are compared
/// with `hmac`'s `verify_slice`.
pub fn same_secret(presented: &str, expected: &str) -> bool {
    use hmac::{Hmac, Mac};
    const KEY: &[u8] = b"instagram-trigger verify token";
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(KEY).expect("HMAC accepts keys of any length");
    mac.update(expected.as_bytes());
    let expected = mac.finalize().into_bytes();
    crate::signature::verify_hmac_sha256(KEY, presented.as_bytes(), &expected)
}

fn is_plain_token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_CHALLENGE_CHARS
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
