//! `X-Hub-Signature-256: sha256=<64 lowercase hex digits>`, read strictly: one value, the
//! `sha256=` prefix, and exactly 32 bytes of hex. Anything else is refused with the reason.

/// Why a signature header could not be used, or did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Repeated(usize),
    Empty,
    WrongAlgorithm(String),
    NoPrefix,
    NotHex,
    WrongLength(usize),
    Mismatch,
}

impl SignatureError {
    pub fn reason(&self) -> String {
        match self {
            SignatureError::Missing => "no X-Hub-Signature-256 header".into(),
            SignatureError::Repeated(count) => format!("X-Hub-Signature-256 arrived {count} times"),
            SignatureError::Empty => "X-Hub-Signature-256 is empty".into(),
            SignatureError::WrongAlgorithm(algorithm) => {
                format!("X-Hub-Signature-256 names {algorithm}, not sha256")
            }
            SignatureError::NoPrefix => "X-Hub-Signature-256 lacks the sha256= prefix".into(),
            SignatureError::NotHex => "X-Hub-Signature-256 holds characters that are not hex digits".into(),
            SignatureError::WrongLength(digits) => {
                format!("X-Hub-Signature-256 holds {digits} hex digits, not 64")
            }
            SignatureError::Mismatch => {
                "X-Hub-Signature-256 does not match the body under any configured secret".into()
            }
        }
    }
}

/// The 32-byte MAC the header carries.
pub fn read(values: &[String]) -> Result<Vec<u8>, SignatureError> {
    let value = match values {
        [] => return Err(SignatureError::Missing),
        [one] => one.trim(),
        many => return Err(SignatureError::Repeated(many.len())),
    };
    if value.is_empty() {
        return Err(SignatureError::Empty);
    }
    // Node joins a repeated header with ", ".
    if value.contains(',') {
        return Err(SignatureError::Repeated(value.split(',').count()));
    }
    let Some(hex_digits) = value.strip_prefix("sha256=") else {
        return Err(match value.split_once('=') {
            Some((algorithm, _)) if !algorithm.is_empty() => SignatureError::WrongAlgorithm(short(algorithm)),
            _ => SignatureError::NoPrefix,
        });
    };
    if !hex_digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SignatureError::NotHex);
    }
    if hex_digits.len() != 64 {
        return Err(SignatureError::WrongLength(hex_digits.len()));
    }
    hex::decode(hex_digits).map_err(|_| SignatureError::NotHex)
}

/// An algorithm name as the log shows it: a few plain characters, never the whole header.
fn short(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::{read, SignatureError};

    #[test]
    fn a_header_naming_another_algorithm_says_which_and_one_naming_none_lacks_the_prefix() {
        let reason = |value: &str| read(&[value.to_string()]).unwrap_err().reason();
        assert_eq!(reason("md5=abc"), SignatureError::WrongAlgorithm("md5".into()).reason());
        assert_eq!(reason("=abc"), SignatureError::NoPrefix.reason());
        assert_eq!(reason("abc"), SignatureError::NoPrefix.reason());
    }
}
