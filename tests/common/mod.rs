//! Secrets for the Rust tests, made up afresh on every run: no test carries a fixed
//! token or app secret. The `~` and `#` keep them from ever matching fixed text.

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
