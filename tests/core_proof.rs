//! `appsecret_proof`: HMAC-SHA256 checked against RFC 4231 and against an independent
//! HMAC written here from plain SHA-256 with explicit ipad/opad.

use instagram_messaging_core::proof::{self, AppSecretProof};
use sha2::{Digest, Sha256};

/// HMAC-SHA256 as RFC 2104 defines it, written independently of the `hmac` crate:
/// keys longer than the 64-byte block are hashed first, then zero-padded to the block.
fn reference_hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        let hashed = Sha256::digest(key);
        block_key[..hashed.len()].copy_from_slice(&hashed);
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = block_key.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = block_key.iter().map(|b| b ^ 0x5c).collect();

    let mut inner = Sha256::new();
    inner.update(&ipad);
    inner.update(message);
    let inner_hash = inner.finalize();

    let mut outer = Sha256::new();
    outer.update(&opad);
    outer.update(inner_hash);
    outer.finalize().into()
}

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).expect("test vector is hex")
}

struct Vector {
    case: u32,
    key: Vec<u8>,
    data: Vec<u8>,
    /// The expected HMAC-SHA-256 from RFC 4231 section 4 (hex). Case 5 lists only the
    /// first 128 bits.
    expected: &'static str,
}

/// RFC 4231, section 4: test cases 1 to 7.
fn rfc4231_vectors() -> Vec<Vector> {
    vec![
        Vector {
            case: 1,
            key: vec![0x0b; 20],
            data: b"Hi There".to_vec(),
            expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        },
        Vector {
            case: 2,
            key: b"Jefe".to_vec(),
            data: b"what do ya want for nothing?".to_vec(),
            expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        },
        Vector {
            case: 3,
            key: vec![0xaa; 20],
            data: vec![0xdd; 50],
            expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        },
        Vector {
            case: 4,
            key: unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
            data: vec![0xcd; 50],
            expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        },
        Vector {
            case: 5,
            key: vec![0x0c; 20],
            data: b"Test With Truncation".to_vec(),
            expected: "a3b6167473100ee06e0c796c2955552b",
        },
        Vector {
            case: 6,
            key: vec![0xaa; 131],
            data: b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        },
        Vector {
            case: 7,
            key: vec![0xaa; 131],
            data: b"This is a test using a larger than block-size key and a larger than block-size data. \
The key needs to be hashed before being used by the HMAC algorithm."
                .to_vec(),
            expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        },
    ]
}

fn vector(case: u32) -> Vector {
    rfc4231_vectors().into_iter().find(|v| v.case == case).expect("known case")
}

fn assert_full_vector(case: u32) {
    let v = vector(case);
    let mac = proof::hmac_sha256(&v.key, &v.data);
    assert_eq!(hex::encode(mac), v.expected, "RFC 4231 test case {case}");
}

#[test]
fn matches_rfc4231_case_1_short_binary_key() {
    assert_full_vector(1);
}

#[test]
fn matches_rfc4231_case_2_key_shorter_than_output() {
    assert_full_vector(2);
}

#[test]
fn matches_rfc4231_case_3_combined_key_and_data_longer_than_block() {
    assert_full_vector(3);
}

#[test]
fn matches_rfc4231_case_4_counting_key() {
    assert_full_vector(4);
}

#[test]
fn matches_rfc4231_case_5_truncated_to_128_bits() {
    let v = vector(5);
    let mac = proof::hmac_sha256(&v.key, &v.data);
    assert_eq!(v.expected.len(), 32, "case 5 lists 16 bytes");
    assert_eq!(hex::encode(&mac[..16]), v.expected);
}

#[test]
fn matches_rfc4231_case_6_key_longer_than_block_is_hashed_first() {
    assert_full_vector(6);
}

#[test]
fn matches_rfc4231_case_7_long_key_and_long_data() {
    assert_full_vector(7);
}

#[test]
fn reference_hmac_itself_matches_every_rfc4231_vector() {
    // Guards the independent implementation used below.
    for v in rfc4231_vectors() {
        let mac = hex::encode(reference_hmac_sha256(&v.key, &v.data));
        assert!(mac.starts_with(v.expected), "case {}: {mac}", v.case);
    }
}

#[test]
fn agrees_with_independent_hmac_for_keys_around_the_block_size() {
    // Keys of length 0..=130 cover: empty, shorter than, exactly, and longer than the
    // 64-byte block (hashed first). Messages of several lengths too.
    for key_len in 0..=130usize {
        let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
        for msg_len in [0usize, 1, 55, 56, 63, 64, 65, 200] {
            let message: Vec<u8> = (0..msg_len).map(|i| (i * 13 + 1) as u8).collect();
            assert_eq!(
                proof::hmac_sha256(&key, &message),
                reference_hmac_sha256(&key, &message),
                "key {key_len} bytes, message {msg_len} bytes"
            );
        }
    }
}

#[test]
fn proof_is_lowercase_hex_of_hmac_keyed_by_the_app_secret_over_the_token() {
    let (secret, token) = ("app-secret-0123", "made-up-token-abc");
    let proof = AppSecretProof::compute(secret, token);
    let expected = hex::encode(reference_hmac_sha256(secret.as_bytes(), token.as_bytes()));
    assert_eq!(proof.as_query_value(), expected);
    assert_eq!(proof.as_query_value().len(), 64);
    assert!(proof.as_query_value().bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn proof_is_not_symmetric_in_secret_and_token() {
    let forward = AppSecretProof::compute("secret-A", "token-B");
    let swapped = AppSecretProof::compute("token-B", "secret-A");
    assert_ne!(forward.as_query_value(), swapped.as_query_value());
    assert_eq!(
        swapped.as_query_value(),
        hex::encode(reference_hmac_sha256(b"token-B", b"secret-A"))
    );
}

#[test]
fn proof_for_non_ascii_and_long_secrets_matches_reference() {
    let secret = "ß€😀".repeat(30); // far longer than 64 bytes
    let token = "EAA😀token";
    assert_eq!(
        AppSecretProof::compute(&secret, token).as_query_value(),
        hex::encode(reference_hmac_sha256(secret.as_bytes(), token.as_bytes()))
    );
}

#[test]
fn truncated_shows_exactly_eight_hex_chars_and_an_ellipsis_and_is_a_prefix() {
    let proof = AppSecretProof::compute("app-secret-0123", "made-up-token-abc");
    let shown = proof.truncated();
    let (prefix, rest) = shown.split_at(shown.len() - '…'.len_utf8());
    assert_eq!(rest, "…");
    assert_eq!(prefix.chars().count(), 8);
    assert!(prefix.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert!(proof.as_query_value().starts_with(prefix));
    assert_eq!(shown.chars().count(), 9);
    assert_eq!(prefix, &proof.as_query_value()[..8]);
}

#[test]
fn debug_output_shows_only_the_truncated_proof() {
    let proof = AppSecretProof::compute("app-secret-0123", "made-up-token-abc");
    let shown = format!("{proof:?}");
    assert!(!shown.contains(proof.as_query_value()), "{shown}");
    assert!(shown.contains(&proof.truncated()), "{shown}");
}

#[test]
fn verify_accepts_the_right_proof() {
    let (secret, token) = ("app-secret-0123", "made-up-token-abc");
    let right = hex::encode(reference_hmac_sha256(secret.as_bytes(), token.as_bytes()));
    assert!(proof::verify(secret, token, &right));
}

#[test]
fn verify_rejects_a_wrong_proof() {
    let (secret, token) = ("app-secret-0123", "made-up-token-abc");
    let other_secret = hex::encode(reference_hmac_sha256(b"another-secret", token.as_bytes()));
    assert!(!proof::verify(secret, token, &other_secret));
    let other_token = hex::encode(reference_hmac_sha256(secret.as_bytes(), b"another-token"));
    assert!(!proof::verify(secret, token, &other_token));
    // One flipped hex digit.
    let mut flipped = hex::encode(reference_hmac_sha256(secret.as_bytes(), token.as_bytes())).into_bytes();
    flipped[63] = if flipped[63] == b'0' { b'1' } else { b'0' };
    assert!(!proof::verify(secret, token, std::str::from_utf8(&flipped).unwrap()));
}

#[test]
fn verify_rejects_an_uppercase_proof() {
    let (secret, token) = ("app-secret-0123", "made-up-token-abc");
    let right = hex::encode(reference_hmac_sha256(secret.as_bytes(), token.as_bytes()));
    assert!(right.bytes().any(|b| b.is_ascii_alphabetic()), "the vector must contain letters");
    assert!(!proof::verify(secret, token, &right.to_ascii_uppercase()));
}

#[test]
fn verify_rejects_a_truncated_proof() {
    let (secret, token) = ("app-secret-0123", "made-up-token-abc");
    let right = hex::encode(reference_hmac_sha256(secret.as_bytes(), token.as_bytes()));
    for len in [0, 8, 32, 62] {
        assert!(!proof::verify(secret, token, &right[..len]), "{len} hex chars");
    }
    let shown = AppSecretProof::compute(secret, token).truncated();
    assert!(!proof::verify(secret, token, &shown));
}

#[test]
fn verify_rejects_non_hex_and_padded_proofs() {
    let (secret, token) = ("app-secret-0123", "made-up-token-abc");
    let right = hex::encode(reference_hmac_sha256(secret.as_bytes(), token.as_bytes()));
    let with_g = format!("g{}", &right[1..]);
    let odd = format!("{right}0");
    let spaced = format!(" {right}");
    let extended = format!("{right}00");
    for bad in [with_g.as_str(), odd.as_str(), spaced.as_str(), extended.as_str(), "not hex at all", "zz"] {
        assert!(!proof::verify(secret, token, bad), "{bad:?}");
    }
}

#[test]
fn bearer_header_carries_the_token() {
    assert_eq!(proof::bearer("made-up-token-abc"), "Bearer made-up-token-abc");
}
