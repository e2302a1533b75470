//! Properties of the trigger's signature check, for any secret and any body: a signature
//! made over the exact bytes verifies; one flipped bit in the body, the signature or the
//! secret is refused; and no request of any shape makes the core panic.

use hmac::{Hmac, Mac};
use instagram_messaging_core::webhook::{receive, NamedSecret, Request};
use proptest::prelude::*;

fn sign(secret: &[u8], body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn request(secret: &str, mac: &[u8]) -> Request {
    Request {
        method: "POST".into(),
        signatures: vec![format!("sha256={}", hex::encode(mac))],
        has_body: true,
        secrets: vec![NamedSecret { name: "appSecret".into(), value: secret.into() }],
        verify_token: "token".into(),
        ..Request::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_signature_over_the_exact_bytes_verifies(secret in "\\PC{1,300}", body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let response = receive(&request(&secret, &sign(secret.as_bytes(), &body)), &body);
        prop_assert_eq!(response.status, 200);
    }

    #[test]
    fn one_flipped_bit_anywhere_is_refused(
        secret in "\\PC{1,300}",
        body in proptest::collection::vec(any::<u8>(), 1..1024),
        bit in any::<usize>(),
        which in 0u8..3,
    ) {
        let mac = sign(secret.as_bytes(), &body);
        let (secret, body, mac) = match which {
            0 => {
                let mut body = body.clone();
                let at = bit % (body.len() * 8);
                body[at / 8] ^= 1 << (at % 8);
                (secret, body, mac)
            }
            1 => {
                let mut mac = mac.clone();
                let at = bit % (mac.len() * 8);
                mac[at / 8] ^= 1 << (at % 8);
                (secret, body, mac)
            }
            _ => {
                // One bit of one character's code point: the secret is still text (a flip
                // that would leave Unicode's range, or land on a surrogate, flips bit 0).
                let mut chars: Vec<char> = secret.chars().collect();
                let at = (bit / 21) % chars.len();
                let code = chars[at] as u32;
                chars[at] = char::from_u32(code ^ (1 << (bit % 21))).unwrap_or_else(|| char::from_u32(code ^ 1).unwrap());
                (chars.into_iter().collect(), body, mac)
            }
        };
        let response = receive(&request(&secret, &mac), &body);
        prop_assert_eq!(response.status, 403);
        prop_assert!(response.items.is_empty());
    }

    #[test]
    fn no_request_makes_the_core_panic(
        method in "(GET|POST|get|PUT|)",
        signatures in proptest::collection::vec(".{0,80}", 0..3),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        query in proptest::collection::hash_map("(hub\\.mode|hub\\.verify_token|hub\\.challenge|x)", ".{0,40}", 0..4),
        events in proptest::collection::vec("(message|echo|comment|x|)", 0..4),
        has_body in any::<bool>(),
    ) {
        let mut request: Request = serde_json::from_value(serde_json::json!({
            "method": method, "signatures": signatures, "hasBody": has_body, "query": query,
            "verifyToken": "token", "settings": {"events": events}, "nowMs": 1.0,
        })).unwrap();
        request.secrets = vec![NamedSecret { name: "appSecret".into(), value: "secret".into() }];
        let response = receive(&request, &body);
        prop_assert!([200, 401, 403].contains(&response.status));
        prop_assert_eq!(response.items.len(), response.keys.len());
    }

    #[test]
    fn any_signed_body_is_answered_200_and_never_panics(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let response = receive(&request("secret", &sign(b"secret", &body)), &body);
        prop_assert_eq!(response.status, 200);
    }
}
