//! Per-field input rules. Each function takes a parameter value as it arrived from n8n
//! (any JSON type, since expressions can produce numbers, objects or nothing) and returns
//! the normalised value to send, or an error naming the field and the fix.

use crate::error::{is_invisible, quote_for_message, CoreError, Field};
use serde_json::Value;

/// Meta's limit for a text message, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 1000;
/// IGSIDs are 15 to 20 digits today; anything past this is certainly not one.
pub const MAX_USER_ID_DIGITS: usize = 32;
/// The largest integer a JavaScript number holds exactly (2^53 - 1).
pub const MAX_EXACT_JS_INTEGER: u64 = 9_007_199_254_740_991;

const IGSID_EXAMPLE: &str = "17841400000000000";

/// A parameter value as the core receives it.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// The parameter was absent.
    Missing,
    /// A string holding an unpaired UTF-16 surrogate: JavaScript can hold it, UTF-8
    /// cannot, so it can never be sent as typed.
    LoneSurrogate,
    Value(Value),
}

fn invalid(field: Field, problem: String) -> CoreError {
    CoreError::InvalidField { field, problem }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The recipient's Instagram-scoped ID: digits only, surrounding whitespace trimmed.
pub fn user_id(value: &ParamValue) -> Result<String, CoreError> {
    let field = Field::UserId;
    let required = || {
        invalid(
            field,
            format!(
                "is required: enter the recipient's Instagram-scoped ID (IGSID), digits only, \
                 for example {IGSID_EXAMPLE}"
            ),
        )
    };
    let value = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => return Err(required()),
        ParamValue::LoneSurrogate => {
            return Err(invalid(
                field,
                format!(
                    "contains a broken character (an unpaired UTF-16 surrogate); an IGSID is \
                     digits only, for example {IGSID_EXAMPLE}"
                ),
            ))
        }
        ParamValue::Value(value) => value,
    };
    match value {
        Value::String(text) => user_id_from_text(text),
        Value::Number(number) => match number.as_u64() {
            Some(0) => Err(invalid(field, format!("must be a positive IGSID such as {IGSID_EXAMPLE}; got 0"))),
            Some(n) if n <= MAX_EXACT_JS_INTEGER => Ok(n.to_string()),
            Some(n) => Err(invalid(
                field,
                format!(
                    "arrived as the number {n}, which is too large for JavaScript to hold exactly, \
                     so its last digits may already be wrong; pass the ID as text (for example \
                     {{{{ String($json.id) }}}} or the original string field)"
                ),
            )),
            None => Err(invalid(
                field,
                format!(
                    "must be a whole positive number (the recipient's IGSID, for example \
                     {IGSID_EXAMPLE}); got the number {number}"
                ),
            )),
        },
        other => Err(invalid(
            field,
            format!(
                "must be text or a number holding the recipient's IGSID (for example \
                 {IGSID_EXAMPLE}); an expression produced {}",
                type_name(other)
            ),
        )),
    }
}

fn user_id_from_text(text: &str) -> Result<String, CoreError> {
    let field = Field::UserId;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid(
            field,
            format!(
                "is empty: enter the recipient's Instagram-scoped ID (IGSID), digits only, for \
                 example {IGSID_EXAMPLE}"
            ),
        ));
    }
    if let Some((position, ch)) = trimmed.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(invalid(
            field,
            format!(
                "must be the recipient's Instagram-scoped ID (IGSID): digits 0-9 only, for example \
                 {IGSID_EXAMPLE}; got {} with {} at character {}",
                quote_for_message(trimmed),
                describe_char(ch),
                position + 1
            ),
        ));
    }
    if trimmed.starts_with('0') {
        return Err(invalid(
            field,
            format!(
                "must not start with 0: an IGSID is a positive number such as {IGSID_EXAMPLE}; got {}",
                quote_for_message(trimmed)
            ),
        ));
    }
    if trimmed.len() > MAX_USER_ID_DIGITS {
        return Err(invalid(
            field,
            format!(
                "has {} digits, more than any IGSID ({MAX_USER_ID_DIGITS} at most); check that \
                 the field holds only the recipient's ID",
                trimmed.len()
            ),
        ));
    }
    Ok(trimmed.to_string())
}

/// The text to send: sent exactly as given, so it is checked, never altered.
pub fn message_text(value: &ParamValue) -> Result<String, CoreError> {
    let field = Field::MessageText;
    let value = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => {
            return Err(invalid(
                field,
                format!("is required: enter the text to send (1 to {MAX_TEXT_BYTES} bytes)"),
            ))
        }
        ParamValue::LoneSurrogate => {
            return Err(invalid(
                field,
                "contains a broken character (an unpaired UTF-16 surrogate, often half of an \
                 emoji cut by an expression such as .slice() or .substring()); it cannot be sent \
                 faithfully: fix the text or the expression"
                    .to_string(),
            ))
        }
        ParamValue::Value(value) => value,
    };
    let text = match value {
        Value::String(text) => text.clone(),
        // An expression such as {{ $json.total }} yields a number; its text is what the user means.
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        other => {
            return Err(invalid(
                field,
                format!(
                    "must be text; an expression produced {} (for a list, join it first, for \
                     example {{{{ $json.lines.join('\\n') }}}})",
                    type_name(other)
                ),
            ))
        }
    };
    if text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err(invalid(
            field,
            if text.is_empty() {
                "is empty: enter the text to send".to_string()
            } else {
                "holds only whitespace or invisible characters: enter the text to send".to_string()
            },
        ));
    }
    if let Some((position, ch)) = text.chars().enumerate().find(|(_, c)| is_unsendable_control(*c)) {
        return Err(invalid(
            field,
            format!(
                "contains the control character U+{:04X} at character {}, which Instagram cannot \
                 show; remove it (line breaks and tabs are fine)",
                ch as u32,
                position + 1
            ),
        ));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(invalid(
            field,
            format!(
                "is {} bytes long in UTF-8 ({} characters); Instagram allows at most \
                 {MAX_TEXT_BYTES} bytes, so shorten it by {} bytes (emoji and accented letters \
                 take 2 to 4 bytes each)",
                text.len(),
                text.chars().count(),
                text.len() - MAX_TEXT_BYTES
            ),
        ));
    }
    Ok(text)
}

/// C0 controls other than tab, line feed and carriage return, DEL, and C1 controls.
fn is_unsendable_control(ch: char) -> bool {
    ch.is_control() && !matches!(ch, '\t' | '\n' | '\r')
}

fn describe_char(ch: char) -> String {
    if ch.is_ascii_graphic() {
        format!("'{ch}'")
    } else {
        format!("the invisible or non-ASCII character U+{:04X}", ch as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(value: Value) -> ParamValue {
        ParamValue::Value(value)
    }

    #[test]
    fn accepts_an_igsid_and_trims_surrounding_whitespace() {
        assert_eq!(user_id(&v(json!("17841400000000000"))).unwrap(), "17841400000000000");
        assert_eq!(user_id(&v(json!(" 17841400000000000\n"))).unwrap(), "17841400000000000");
    }

    #[test]
    fn accepts_an_exact_number() {
        assert_eq!(user_id(&v(json!(1234567890123456u64))).unwrap(), "1234567890123456");
    }

    #[test]
    fn refuses_numbers_past_two_to_the_53() {
        let err = user_id(&v(json!(17841400000000000u64))).unwrap_err();
        assert!(err.message().contains("too large for JavaScript"), "{}", err.message());
    }

    #[test]
    fn refuses_non_digit_user_ids_naming_field_and_example() {
        for bad in ["abc", "+1784", "-1784", "1.5", "1e5", "17841 400", "1784\u{200B}1"] {
            let err = user_id(&v(json!(bad))).unwrap_err();
            let message = err.message();
            assert!(message.starts_with("User ID "), "{message}");
            assert!(message.contains("17841400000000000"), "{message}");
            assert_eq!(err.code(), "invalid_user_id");
        }
    }

    #[test]
    fn refuses_leading_zero_and_overlong_ids() {
        assert!(user_id(&v(json!("0123"))).unwrap_err().message().contains("must not start with 0"));
        assert!(user_id(&v(json!("1".repeat(33)))).unwrap_err().message().contains("33 digits"));
    }

    #[test]
    fn refuses_missing_empty_and_wrongly_typed_user_ids() {
        for value in [ParamValue::Missing, v(json!(null)), v(json!("")), v(json!("   "))] {
            assert_eq!(user_id(&value).unwrap_err().code(), "invalid_user_id");
        }
        for value in [json!(true), json!([1]), json!({"id": 1}), json!(-5), json!(1.5), json!(0)] {
            assert_eq!(user_id(&v(value)).unwrap_err().code(), "invalid_user_id");
        }
    }

    #[test]
    fn sends_text_exactly_as_given() {
        let text = "  Hi 👋🏽 مرحبا\n";
        assert_eq!(message_text(&v(json!(text))).unwrap(), text);
    }

    #[test]
    fn text_of_exactly_1000_bytes_passes_and_1001_fails_with_both_sizes() {
        assert!(message_text(&v(json!("a".repeat(1000)))).is_ok());
        let message = message_text(&v(json!("a".repeat(1001)))).unwrap_err().message();
        assert!(message.contains("1001 bytes") && message.contains("at most 1000 bytes"), "{message}");
    }

    #[test]
    fn counts_bytes_not_characters() {
        let four_byte = "😀".repeat(250);
        assert!(message_text(&v(json!(four_byte))).is_ok());
        let too_long = format!("{four_byte}a");
        assert!(message_text(&v(json!(too_long))).unwrap_err().message().contains("1001 bytes"));
    }

    #[test]
    fn refuses_empty_whitespace_and_lone_surrogates() {
        assert!(message_text(&v(json!(""))).unwrap_err().message().contains("is empty"));
        assert!(message_text(&v(json!(" \n "))).unwrap_err().message().contains("only whitespace"));
        assert!(message_text(&v(json!("\u{200B}\u{FEFF}"))).unwrap_err().message().contains("invisible"));
        let message = message_text(&ParamValue::LoneSurrogate).unwrap_err().message();
        assert!(message.contains("unpaired UTF-16 surrogate"), "{message}");
    }

    #[test]
    fn refuses_control_characters_but_not_line_breaks() {
        assert!(message_text(&v(json!("a\tb\r\nc"))).is_ok());
        let message = message_text(&v(json!("ab\u{0}c"))).unwrap_err().message();
        assert!(message.contains("U+0000 at character 3"), "{message}");
    }

    #[test]
    fn numbers_and_booleans_become_their_text() {
        assert_eq!(message_text(&v(json!(42))).unwrap(), "42");
        assert_eq!(message_text(&v(json!(true))).unwrap(), "true");
        assert!(message_text(&v(json!(["a"]))).unwrap_err().message().contains("a list"));
        assert!(message_text(&v(json!({}))).unwrap_err().message().contains("an object"));
    }
}
