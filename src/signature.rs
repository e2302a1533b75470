//! HMAC-SHA256 verification of arbitrary bytes in constant time: the webhook signature
//! Meta sends (`X-Hub-Signature-256: sha256=<hex>`) is checked with this, over the raw
//! body bytes exactly as they arrived.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Whether `mac` is the HMAC-SHA256 of `message` keyed by `key`. The comparison takes the
/// same time wherever the first difference is (`hmac`'s `verify_slice`).
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], mac: &[u8]) -> bool {
    let mut expected = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    expected.update(message);
    expected.verify_slice(mac).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_right_mac_and_refuses_any_other() {
        // RFC 4231 test case 2.
        let mac = hex::decode("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843").unwrap();
        assert!(verify_hmac_sha256(b"Jefe", b"what do ya want for nothing?", &mac));
        let mut flipped = mac.clone();
        flipped[31] ^= 1;
        assert!(!verify_hmac_sha256(b"Jefe", b"what do ya want for nothing?", &flipped));
        assert!(!verify_hmac_sha256(b"Jefe", b"what do ya want for nothing!", &mac));
        assert!(!verify_hmac_sha256(b"Jefe", b"what do ya want for nothing?", &mac[..31]));
        assert!(!verify_hmac_sha256(b"Jefe", b"what do ya want for nothing?", &[]));
    }
}
