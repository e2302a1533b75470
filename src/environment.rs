//! The product requires `N8N_META_UUID` in the n8n process environment. The wrapper reads
//! the variable (the one place that touches `process.env`) and hands its value here.

use crate::error::SetupError;

pub const META_UUID_VARIABLE: &str = "N8N_META_UUID";
pub const META_UUID_MIN_LEN: usize = 8;

/// Every environment variable the core needs; the wrapper reads exactly these.
pub const REQUIRED: [&str; 1] = [META_UUID_VARIABLE];

/// Checks the value of `N8N_META_UUID`: set, not blank, at least 8 characters once
/// surrounding whitespace is trimmed.
pub fn check_meta_uuid(value: Option<&str>) -> Result<(), SetupError> {
    let found_len = value.map(|v| v.trim().chars().count());
    match found_len {
        Some(n) if n >= META_UUID_MIN_LEN => Ok(()),
        _ => Err(SetupError::MissingEnvironment {
            variable: META_UUID_VARIABLE,
            min_len: META_UUID_MIN_LEN,
            found_len,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_uuid() {
        assert_eq!(check_meta_uuid(Some("0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b")), Ok(()));
    }

    #[test]
    fn accepts_exactly_eight_characters() {
        assert_eq!(check_meta_uuid(Some("12345678")), Ok(()));
    }

    #[test]
    fn refuses_missing_blank_and_short_values_naming_the_variable() {
        for value in [None, Some(""), Some("   "), Some("1234567"), Some("  1234567  ")] {
            let err = crate::error::CoreError::Setup(check_meta_uuid(value).unwrap_err());
            let message = err.message();
            assert!(message.contains("N8N_META_UUID"), "{message}");
            assert!(message.contains("must be defined"), "{message}");
            assert_eq!(err.code(), "missing_environment");
        }
    }

    #[test]
    fn says_what_was_found() {
        let message = |value| crate::error::CoreError::Setup(check_meta_uuid(value).unwrap_err()).message();
        assert!(message(None).contains("not set"));
        assert!(message(Some(" ")).contains("empty"));
        assert!(message(Some("abc")).contains("only 3 characters"));
    }
}
