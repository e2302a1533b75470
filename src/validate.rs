//! The rules a field's value must follow. Each function takes a parameter value as it
//! arrived from n8n (any JSON type, since expressions can produce numbers, objects or
//! nothing) and returns the normalised value to send, or an error naming the field and
//! the fix. Which rule a field follows is declared in [`crate::fields`].

use crate::error::{is_invisible, quote_for_message, InputError};
use crate::fields::Field;
use serde_json::Value;

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

fn invalid(field: &'static Field, problem: String) -> InputError {
    InputError::InvalidField { field, problem }
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

/// An Instagram-scoped ID: digits only, surrounding whitespace trimmed.
pub fn igsid(field: &'static Field, value: &ParamValue) -> Result<String, InputError> {
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
        Value::String(text) => igsid_from_text(field, text),
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

fn igsid_from_text(field: &'static Field, text: &str) -> Result<String, InputError> {
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

/// Whether a parameter was left unset (absent, null, or empty text).
pub fn is_unset(value: &ParamValue) -> bool {
    match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => true,
        ParamValue::Value(Value::String(text)) => text.trim().is_empty(),
        _ => false,
    }
}

/// Text to send: sent exactly as given, so it is checked, never altered. `max_chars`: where
/// Meta also counts characters (Unicode scalar values).
pub fn text(field: &'static Field, max_bytes: usize, max_chars: Option<usize>, value: &ParamValue) -> Result<String, InputError> {
    let value = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => {
            return Err(invalid(field, format!("is required: enter the text to send (1 to {max_bytes} bytes)")))
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
    let chars = text.chars().count();
    if let Some(max_chars) = max_chars.filter(|max| chars > *max) {
        return Err(invalid(
            field,
            format!(
                "is {chars} characters long; Instagram allows at most {max_chars} characters here, so \
                 shorten it by {}",
                chars - max_chars
            ),
        ));
    }
    if text.len() > max_bytes {
        return Err(invalid(
            field,
            format!(
                "is {} bytes long in UTF-8 ({chars} characters); Instagram allows at most \
                 {max_bytes} bytes, so shorten it by {} bytes (emoji and accented letters \
                 take 2 to 4 bytes each)",
                text.len(),
                text.len() - max_bytes
            ),
        ));
    }
    Ok(text)
}

/// One of a fixed list of values, matched exactly (n8n's option values are exact). An
/// optional field left unset takes `default`.
pub fn choice(field: &'static Field, values: &[&str], default: &str, value: &ParamValue) -> Result<String, InputError> {
    let allowed = || values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ");
    match value {
        ParamValue::Value(Value::String(text)) if values.contains(&text.as_str()) => Ok(text.clone()),
        ParamValue::Missing | ParamValue::Value(Value::Null) if !field.required => Ok(default.to_string()),
        ParamValue::Missing | ParamValue::Value(Value::Null) => {
            Err(invalid(field, format!("is required: choose one of {}", allowed())))
        }
        ParamValue::Value(Value::String(text)) => {
            Err(invalid(field, format!("must be one of {}; got {}", allowed(), quote_for_message(text))))
        }
        ParamValue::LoneSurrogate => {
            Err(invalid(field, format!("must be one of {}; got text with a broken character", allowed())))
        }
        ParamValue::Value(other) => Err(invalid(
            field,
            format!("must be one of {}; an expression produced {}", allowed(), type_name(other)),
        )),
    }
}

/// An absolute `https` URL that Meta's servers fetch: no spaces or control characters, no
/// user name or password, a host name.
pub fn https_url(field: &'static Field, max_length: usize, value: &ParamValue) -> Result<String, InputError> {
    const EXAMPLE: &str = "https://example.com/picture.jpg";
    let text = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => {
            return Err(invalid(field, format!("is required: enter an https address such as {EXAMPLE}")))
        }
        ParamValue::LoneSurrogate => {
            return Err(invalid(field, "contains a broken character (an unpaired UTF-16 surrogate)".to_string()))
        }
        ParamValue::Value(Value::String(text)) => text.trim(),
        ParamValue::Value(other) => {
            return Err(invalid(
                field,
                format!("must be an https address such as {EXAMPLE}; an expression produced {}", type_name(other)),
            ))
        }
    };
    if text.is_empty() {
        return Err(invalid(field, format!("is empty: enter an https address such as {EXAMPLE}")));
    }
    let Some(rest) = text.get(..8).filter(|scheme| scheme.eq_ignore_ascii_case("https://")).map(|_| &text[8..]) else {
        return Err(invalid(
            field,
            format!(
                "must be an absolute https address (Meta fetches only https), such as {EXAMPLE}; got {}",
                quote_for_message(text)
            ),
        ));
    };
    if text.len() > max_length {
        return Err(invalid(field, format!("is {} characters long; at most {max_length} are allowed", text.len())));
    }
    if let Some(ch) = text.chars().find(|c| c.is_whitespace() || c.is_control() || is_invisible(*c)) {
        return Err(invalid(
            field,
            format!("contains {} (encode spaces as %20); got {}", describe_char(ch), quote_for_message(text)),
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid(field, "must not contain a user name or password".to_string()));
    }
    let host = authority.rsplit_once(':').map_or(authority, |(host, _port)| host);
    if host.is_empty() {
        return Err(invalid(field, format!("has no host name; got {}", quote_for_message(text))));
    }
    Ok(text.to_string())
}

/// A comma-separated list of Graph API field names (`name,username,profile_pic`); blank
/// means the default list. Spaces around names are dropped; duplicates are refused.
pub fn field_list(field: &'static Field, default: &str, max_fields: usize, value: &ParamValue) -> Result<String, InputError> {
    let text = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => return Ok(default.to_string()),
        ParamValue::Value(Value::String(text)) if text.trim().is_empty() => return Ok(default.to_string()),
        ParamValue::Value(Value::String(text)) => text.as_str(),
        ParamValue::LoneSurrogate => {
            return Err(invalid(field, "contains a broken character (an unpaired UTF-16 surrogate)".to_string()))
        }
        ParamValue::Value(other) => {
            return Err(invalid(
                field,
                format!("must be a comma-separated list such as {default}; an expression produced {}", type_name(other)),
            ))
        }
    };
    let names: Vec<&str> = text.split(',').map(str::trim).collect();
    if names.len() > max_fields {
        return Err(invalid(field, format!("lists {} fields; at most {max_fields} are allowed", names.len())));
    }
    for (index, name) in names.iter().enumerate() {
        let well_formed = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed {
            return Err(invalid(
                field,
                format!(
                    "must be a comma-separated list of field names (lower-case letters, digits and _), such as \
                     {default}; got {} as field {}",
                    quote_for_message(name),
                    index + 1
                ),
            ));
        }
        if names[..index].contains(name) {
            return Err(invalid(field, format!("lists {} twice", quote_for_message(name))));
        }
    }
    Ok(names.join(","))
}

/// An ID Meta made (message, conversation, attachment): letters, digits and `_ - = . :`, so
/// it can never change the path it is put in.
pub fn graph_id(field: &'static Field, max_length: usize, value: &ParamValue) -> Result<String, InputError> {
    let text = match value {
        ParamValue::Value(Value::String(text)) => text.trim(),
        ParamValue::Value(Value::Number(number)) => return Ok(number.to_string()),
        ParamValue::Missing | ParamValue::Value(Value::Null) => {
            return Err(invalid(field, "is required: use the ID Meta gave (from a webhook or an earlier step)".to_string()))
        }
        ParamValue::LoneSurrogate => {
            return Err(invalid(field, "contains a broken character (an unpaired UTF-16 surrogate)".to_string()))
        }
        ParamValue::Value(other) => {
            return Err(invalid(field, format!("must be the ID text Meta gave; an expression produced {}", type_name(other))))
        }
    };
    if text.is_empty() {
        return Err(invalid(field, "is empty: use the ID Meta gave (from a webhook or an earlier step)".to_string()));
    }
    if text.len() > max_length {
        return Err(invalid(field, format!("is {} characters long; an ID Meta gives has at most {max_length}", text.len())));
    }
    if let Some((position, ch)) =
        text.chars().enumerate().find(|(_, c)| !(c.is_ascii_alphanumeric() || "_-=.:".contains(*c)))
    {
        return Err(invalid(
            field,
            format!(
                "must be an ID as Meta gives it (letters, digits and _ - = . : only); got {} with {} at character {}",
                quote_for_message(text),
                describe_char(ch),
                position + 1
            ),
        ));
    }
    Ok(text.to_string())
}

/// A numeric ID (a post, a comment): digits only, like an IGSID.
pub fn digits(field: &'static Field, value: &ParamValue) -> Result<String, InputError> {
    let text = match value {
        ParamValue::Value(Value::String(text)) => text.trim().to_string(),
        ParamValue::Value(Value::Number(number)) => match number.as_u64() {
            Some(n) if n <= MAX_EXACT_JS_INTEGER => n.to_string(),
            _ => {
                return Err(invalid(
                    field,
                    "arrived as a number too large for JavaScript to hold exactly; pass the ID as text".to_string(),
                ))
            }
        },
        ParamValue::Missing | ParamValue::Value(Value::Null) => {
            return Err(invalid(field, "is required: use the numeric ID Meta gave (from a webhook)".to_string()))
        }
        ParamValue::LoneSurrogate => {
            return Err(invalid(field, "contains a broken character (an unpaired UTF-16 surrogate)".to_string()))
        }
        ParamValue::Value(other) => {
            return Err(invalid(field, format!("must be a numeric ID; an expression produced {}", type_name(other))))
        }
    };
    if text.is_empty() {
        return Err(invalid(field, "is empty: use the numeric ID Meta gave (from a webhook)".to_string()));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > MAX_USER_ID_DIGITS {
        return Err(invalid(field, format!("must be a numeric ID, digits only; got {}", quote_for_message(&text))));
    }
    Ok(text)
}

/// A few characters of free text (a reaction: `love`, or an emoji): no spaces or controls.
pub fn short(field: &'static Field, max_chars: usize, default: &str, value: &ParamValue) -> Result<String, InputError> {
    let text = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => return Ok(default.to_string()),
        ParamValue::Value(Value::String(text)) if text.trim().is_empty() => return Ok(default.to_string()),
        ParamValue::Value(Value::String(text)) => text.trim(),
        ParamValue::LoneSurrogate => {
            return Err(invalid(field, "contains a broken character (an unpaired UTF-16 surrogate, often half an emoji)".to_string()))
        }
        ParamValue::Value(other) => {
            return Err(invalid(field, format!("must be text such as {default}; an expression produced {}", type_name(other))))
        }
    };
    if text.chars().count() > max_chars || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            field,
            format!("must be {default} or a single emoji (at most {max_chars} characters, no spaces); got {}", quote_for_message(text)),
        ));
    }
    Ok(text.to_string())
}

/// A yes/no parameter: a boolean, or the text `true`/`false` an expression may give.
pub fn boolean(field: &'static Field, default: bool, value: &ParamValue) -> Result<bool, InputError> {
    match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => Ok(default),
        ParamValue::Value(Value::Bool(flag)) => Ok(*flag),
        ParamValue::Value(Value::String(text)) if text.trim() == "true" => Ok(true),
        ParamValue::Value(Value::String(text)) if text.trim() == "false" => Ok(false),
        ParamValue::Value(other) => Err(invalid(field, format!("must be true or false; an expression produced {}", type_name(other)))),
        ParamValue::LoneSurrogate => Err(invalid(field, "must be true or false".to_string())),
    }
}

/// A whole number from `min` to `max`.
pub fn integer(field: &'static Field, min: u64, max: u64, default: u64, value: &ParamValue) -> Result<u64, InputError> {
    let number = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => return Ok(default),
        ParamValue::Value(Value::Number(number)) => number.as_f64(),
        ParamValue::Value(Value::String(text)) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(n) if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => Ok(n as u64),
        _ => Err(invalid(field, format!("must be a whole number from {min} to {max}"))),
    }
}

/// Between `min` and `max` absolute https URLs: a list, or text with one per line.
pub fn url_list(field: &'static Field, min: usize, max: usize, max_length: usize, value: &ParamValue) -> Result<Vec<String>, InputError> {
    let entries: Vec<Value> = match value {
        ParamValue::Value(Value::Array(list)) => list.clone(),
        ParamValue::Value(Value::String(text)) => {
            text.lines().map(str::trim).filter(|line| !line.is_empty()).map(|line| Value::String(line.into())).collect()
        }
        ParamValue::Missing | ParamValue::Value(Value::Null) => Vec::new(),
        ParamValue::LoneSurrogate => {
            return Err(invalid(field, "contains a broken character (an unpaired UTF-16 surrogate)".to_string()))
        }
        ParamValue::Value(other) => {
            return Err(invalid(field, format!("must be a list of https URLs, or one per line; an expression produced {}", type_name(other))))
        }
    };
    if entries.len() < min || entries.len() > max {
        return Err(invalid(field, format!("must hold {min} to {max} image URLs; got {}", entries.len())));
    }
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            https_url(field, max_length, &ParamValue::Value(entry.clone())).map_err(|err| match err {
                InputError::InvalidField { field, problem } => {
                    InputError::InvalidField { field, problem: format!("(URL {}) {problem}", index + 1) }
                }
                other => other,
            })
        })
        .collect()
}

/// The longest file name sent with an upload, in UTF-8 bytes (what file systems allow).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// A file from the input item's binary data, as the wrapper describes it (the bytes stay in
/// the wrapper): which property, its MIME type, file name and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryFile {
    pub property: String,
    pub mime_type: String,
    pub file_name: String,
    pub size: u64,
    /// The media type Meta knows the file as: image, audio, video or file.
    pub media_type: &'static str,
}

/// `value`: the wrapper's description of the file (`{property, mimeType, fileName, size}`, or
/// `{property, missing: true}`); anything else reads as no file in `default_property`.
pub fn binary(
    field: &'static Field,
    formats: &[crate::fields::BinaryFormat],
    default_property: &str,
    value: &ParamValue,
) -> Result<BinaryFile, InputError> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Described {
        property: String,
        mime_type: Option<String>,
        file_name: Option<String>,
        size: Option<u64>,
        missing: bool,
    }
    let described: Described = match value {
        ParamValue::Value(value @ Value::Object(_)) => serde_json::from_value(value.clone()).unwrap_or_default(),
        _ => Described { property: default_property.into(), missing: true, ..Described::default() },
    };
    let property = described.property;
    if described.missing {
        return Err(invalid(
            field,
            format!(
                "{} holds no file on this item: read or download the file in an earlier node, or name the field it is in",
                quote_for_message(&property)
            ),
        ));
    }
    let mime_type = described.mime_type.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let accepted = || {
        let mut names: Vec<&str> = formats.iter().map(|f| f.mime_type).collect();
        names.dedup();
        names.join(", ")
    };
    let Some(format) = formats.iter().find(|format| format.mime_type == mime_type) else {
        return Err(invalid(
            field,
            format!(
                "{} is a file of type {}, which Instagram does not accept; it accepts {}",
                quote_for_message(&property),
                quote_for_message(&mime_type),
                accepted()
            ),
        ));
    };
    let size = described.size.unwrap_or(0);
    if size > format.max_bytes {
        return Err(invalid(
            field,
            format!(
                "{} is {size} bytes; Instagram accepts {} files up to {} bytes ({} MB), so it was not uploaded",
                quote_for_message(&property),
                format.mime_type,
                format.max_bytes,
                format.max_bytes / (1024 * 1024)
            ),
        ));
    }
    if size == 0 {
        return Err(invalid(field, format!("{} is an empty file", quote_for_message(&property))));
    }
    let file_name = described.file_name.filter(|name| !name.trim().is_empty()).unwrap_or_else(|| format!("file.{}", format.mime_type.rsplit('/').next().unwrap_or("bin")));
    if file_name.len() > MAX_FILE_NAME_BYTES || file_name.chars().any(char::is_control) {
        return Err(invalid(
            field,
            format!(
                "has the file name {}, which cannot be sent: a file name has at most {MAX_FILE_NAME_BYTES} bytes and no \
                 control characters (rename it, for example with the Edit Fields node)",
                quote_for_message(&file_name)
            ),
        ));
    }
    Ok(BinaryFile { property, mime_type, file_name, size, media_type: format.media_type })
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
    use crate::fields::{MEDIA_TYPE, MEDIA_URL, MESSAGE_TEXT, PROFILE_FIELDS, USER_ID};
    use serde_json::json;

    fn v(value: Value) -> ParamValue {
        ParamValue::Value(value)
    }

    fn user_id(value: &ParamValue) -> Result<String, InputError> {
        igsid(&USER_ID, value)
    }

    fn message_text(value: &ParamValue) -> Result<String, InputError> {
        text(&MESSAGE_TEXT, 1000, None, value)
    }

    fn message(err: InputError) -> String {
        crate::error::CoreError::Input(err).message()
    }

    #[test]
    fn text_of_only_whitespace_or_invisible_characters_is_refused() {
        for blank in ["  \n\t ", "\u{200B}\u{200D}\u{FEFF}", "\u{200E}\u{200F}", " \u{200B} "] {
            let refused = message(message_text(&v(json!(blank))).unwrap_err());
            assert!(refused.contains("holds only whitespace or invisible characters"), "{blank:?}: {refused}");
        }
        assert!(message(message_text(&v(json!(""))).unwrap_err()).contains("is empty"));
        assert_eq!(message_text(&v(json!(" \u{200B}hi "))).unwrap(), " \u{200B}hi ", "sent exactly as given");
    }

    #[test]
    fn a_parameter_is_unset_when_absent_null_or_blank_text() {
        for unset in [ParamValue::Missing, v(json!(null)), v(json!("")), v(json!(" \n\t"))] {
            assert!(is_unset(&unset), "{unset:?}");
        }
        for set in [v(json!("x")), v(json!(" x ")), v(json!(0)), v(json!(false)), v(json!([])), ParamValue::LoneSurrogate] {
            assert!(!is_unset(&set), "{set:?}");
        }
    }

    #[test]
    fn a_numeric_id_holds_up_to_32_digits_and_numbers_javascript_holds_exactly() {
        use crate::fields::{COMMENT_ID, POST_ID};
        assert_eq!(digits(&POST_ID, &v(json!(9_007_199_254_740_991u64))).unwrap(), "9007199254740991");
        let too_large = message(digits(&POST_ID, &v(json!(9_007_199_254_740_992u64))).unwrap_err());
        assert!(too_large.contains("too large for JavaScript"), "{too_large}");
        assert_eq!(digits(&COMMENT_ID, &v(json!(" 12345678901234567890123456789012 "))).unwrap().len(), 32);
        let long = message(digits(&COMMENT_ID, &v(json!("123456789012345678901234567890123"))).unwrap_err());
        assert!(long.contains("digits only"), "{long}");
    }

    #[test]
    fn a_reaction_left_blank_is_the_default() {
        use crate::fields::REACTION;
        for blank in [ParamValue::Missing, v(json!(null)), v(json!("")), v(json!("  \t"))] {
            assert_eq!(short(&REACTION, 16, "love", &blank).unwrap(), "love", "{blank:?}");
        }
        assert_eq!(short(&REACTION, 16, "love", &v(json!(" \u{1F602} "))).unwrap(), "\u{1F602}");
    }

    #[test]
    fn yes_and_no_arrive_as_booleans_or_as_the_text_true_and_false() {
        use crate::fields::RETURN_ALL;
        assert!(boolean(&RETURN_ALL, false, &v(json!("true"))).unwrap());
        assert!(boolean(&RETURN_ALL, false, &v(json!(" true\n"))).unwrap());
        assert!(!boolean(&RETURN_ALL, true, &v(json!("false"))).unwrap());
        assert!(!boolean(&RETURN_ALL, true, &v(json!(" false "))).unwrap());
        assert!(boolean(&RETURN_ALL, true, &ParamValue::Missing).unwrap());
        for refused in [json!("yes"), json!("TRUE"), json!(""), json!(1)] {
            assert!(boolean(&RETURN_ALL, false, &v(refused.clone())).is_err(), "{refused}");
        }
    }

    #[test]
    fn a_whole_number_may_arrive_as_text() {
        use crate::fields::LIMIT;
        assert_eq!(integer(&LIMIT, 1, 10_000, 50, &v(json!("25"))).unwrap(), 25);
        assert_eq!(integer(&LIMIT, 1, 10_000, 50, &v(json!(" 7 "))).unwrap(), 7);
        assert_eq!(integer(&LIMIT, 1, 10_000, 50, &v(json!(10_000))).unwrap(), 10_000);
        for refused in [json!("abc"), json!("2.5"), json!("0"), json!(10_001)] {
            assert!(integer(&LIMIT, 1, 10_000, 50, &v(refused.clone())).is_err(), "{refused}");
        }
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
        assert!(message(err).contains("too large for JavaScript"));
    }

    #[test]
    fn refuses_non_digit_user_ids_naming_field_and_example() {
        for bad in ["abc", "+1784", "-1784", "1.5", "1e5", "17841 400", "1784\u{200B}1"] {
            let text = message(user_id(&v(json!(bad))).unwrap_err());
            assert!(text.starts_with("User ID "), "{text}");
            assert!(text.contains("17841400000000000"), "{text}");
        }
    }

    #[test]
    fn refuses_leading_zero_and_overlong_ids() {
        assert!(message(user_id(&v(json!("0123"))).unwrap_err()).contains("must not start with 0"));
        assert!(message(user_id(&v(json!("1".repeat(33)))).unwrap_err()).contains("33 digits"));
    }

    #[test]
    fn sends_text_exactly_as_given() {
        let sent = "  Hi 👋🏽 مرحبا\n";
        assert_eq!(message_text(&v(json!(sent))).unwrap(), sent);
    }

    #[test]
    fn text_of_exactly_1000_bytes_passes_and_1001_fails_with_both_sizes() {
        assert!(message_text(&v(json!("a".repeat(1000)))).is_ok());
        let text = message(message_text(&v(json!("a".repeat(1001)))).unwrap_err());
        assert!(text.contains("1001 bytes") && text.contains("at most 1000 bytes"), "{text}");
    }

    #[test]
    fn counts_bytes_not_characters() {
        let four_byte = "😀".repeat(250);
        assert!(message_text(&v(json!(four_byte))).is_ok());
        let too_long = format!("{four_byte}a");
        assert!(message(message_text(&v(json!(too_long))).unwrap_err()).contains("1001 bytes"));
    }

    #[test]
    fn refuses_control_characters_but_not_line_breaks() {
        assert!(message_text(&v(json!("a\tb\r\nc"))).is_ok());
        let text = message(message_text(&v(json!("ab\u{0}c"))).unwrap_err());
        assert!(text.contains("U+0000 at character 3"), "{text}");
    }

    #[test]
    fn choice_accepts_listed_values_only() {
        assert_eq!(choice(&MEDIA_TYPE, &["image", "video"], "image", &v(json!("video"))).unwrap(), "video");
        let text = message(choice(&MEDIA_TYPE, &["image", "video"], "image", &v(json!("Image"))).unwrap_err());
        assert_eq!(text, "Media Type must be one of \"image\", \"video\"; got \"Image\"");
        // An optional choice left unset takes its default; a required one is refused.
        assert_eq!(choice(&MEDIA_TYPE, &["image"], "image", &ParamValue::Missing).unwrap(), "image");
        let action = &crate::fields::SENDER_ACTION;
        assert!(message(choice(action, &["typing_on"], "typing_on", &ParamValue::Missing).unwrap_err()).contains("is required"));
    }

    #[test]
    fn https_url_accepts_absolute_https_only() {
        let url = |text: &str| https_url(&MEDIA_URL, 2048, &v(json!(text)));
        assert_eq!(url(" https://cdn.example.com/a.jpg?x=1 ").unwrap(), "https://cdn.example.com/a.jpg?x=1");
        assert_eq!(url("HTTPS://cdn.example.com:8443/a").unwrap(), "HTTPS://cdn.example.com:8443/a");
        for (bad, phrase) in [
            ("http://cdn.example.com/a.jpg", "absolute https"),
            ("/a.jpg", "absolute https"),
            ("https://", "no host"),
            ("https://user:pw@cdn.example.com/a", "user name or password"),
            ("https://cdn.example.com/a b.jpg", "encode spaces"),
            ("https://cdn.example.com/\u{200B}", "U+200B"),
            ("", "is empty"),
        ] {
            let text = message(url(bad).unwrap_err());
            assert!(text.starts_with("Media URL ") && text.contains(phrase), "{bad}: {text}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(message(url(&long).unwrap_err()).contains("at most 2048"));
    }

    #[test]
    fn field_list_defaults_normalises_and_refuses_bad_names() {
        let list = |value: ParamValue| field_list(&PROFILE_FIELDS, "name,username", 3, &value);
        assert_eq!(list(ParamValue::Missing).unwrap(), "name,username");
        assert_eq!(list(v(json!("  "))).unwrap(), "name,username");
        assert_eq!(list(v(json!("name, profile_pic"))).unwrap(), "name,profile_pic");
        assert!(message(list(v(json!("name,name"))).unwrap_err()).contains("twice"));
        assert!(message(list(v(json!("a,b,c,d"))).unwrap_err()).contains("at most 3"));
        assert!(message(list(v(json!("name,{id}"))).unwrap_err()).contains("field 2"));
        assert!(message(list(v(json!("name,,id"))).unwrap_err()).contains("field 2"));
    }
}
