//! Shared by the Rust test crates: secrets made up afresh on every run (no test carries a
//! fixed token or app secret; the `~` and `#` keep them from matching fixed text), and
//! helpers several suites use. Not every crate uses every item.
#![allow(dead_code)]

use std::fmt;
use std::ops::Deref;
use std::sync::LazyLock;

pub struct Secret(LazyLock<String>);

impl Secret {
    pub const fn new(make: fn() -> String) -> Self {
        Secret(LazyLock::new(make))
    }
}

impl Deref for Secret {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

/// 32 random hex digits: from the engine's Math.random in wasm, std's hasher keys natively.
fn random_hex() -> String {
    #[cfg(target_arch = "wasm32")]
    let parts = [js_sys::Math::random(), js_sys::Math::random()].map(|r| (r * 18_446_744_073_709_551_615.0) as u64);
    #[cfg(not(target_arch = "wasm32"))]
    let parts = [0u64, 1].map(|salt| {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.finish()
    });
    format!("{:016x}{:016x}", parts[0], parts[1])
}

pub static TOKEN: Secret = Secret::new(|| format!("test~token#{}", random_hex()));
pub static SECRET: Secret = Secret::new(|| format!("test~secret#{}", random_hex()));

/// The appsecret_proof, computed with the `hmac` crate directly (not through the core).
pub fn proof_of(secret: &str, token: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Every string anywhere inside a JSON value (keys and values).
pub fn all_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(list) => list.iter().for_each(|v| all_strings(v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                all_strings(v, out);
            }
        }
        _ => {}
    }
}

/// The keys of a JSON object, in the order they appear in the text.
pub struct OrderedKeys(pub Vec<String>);

impl<'de> serde::Deserialize<'de> for OrderedKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> serde::de::Visitor<'de> for KeysVisitor {
            type Value = OrderedKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OrderedKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(OrderedKeys(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

