//! Quick replies, buttons and generic-template elements: read from n8n's fixed collections
//! (`{values: [...]}`, or a plain list from an expression), checked against Meta's limits,
//! and shaped as the Send API expects them. Characters are counted as Unicode scalar values.

use crate::error::{quote_for_message, InputError};
use crate::fields::{Field, Rule};
use crate::validate::{self, ParamValue};
use serde::Serialize;
use serde_json::{Map, Value};

/// `{"content_type":"text","title","payload"}`: Instagram takes text quick replies only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuickReply {
    content_type: &'static str,
    pub title: String,
    pub payload: String,
}

/// A button: opens a URL, or sends its payload back to the account as a postback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Button {
    WebUrl { url: String, title: String },
    Postback { title: String, payload: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_action: Option<DefaultAction>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefaultAction {
    #[serde(rename = "type")]
    kind: &'static str,
    pub url: String,
}

fn invalid(field: &'static Field, problem: String) -> InputError {
    InputError::InvalidField { field, problem }
}

/// The entries of a fixed collection: `{values: [...]}`, a plain list, or one object.
fn entries(field: &'static Field, value: &ParamValue) -> Result<Vec<Map<String, Value>>, InputError> {
    let list = match value {
        ParamValue::Missing | ParamValue::Value(Value::Null) => Vec::new(),
        ParamValue::Value(Value::Object(map)) => match map.get("values") {
            Some(Value::Array(list)) => list.clone(),
            Some(Value::Object(one)) => vec![Value::Object(one.clone())],
            None if map.is_empty() => Vec::new(),
            _ => vec![Value::Object(map.clone())],
        },
        ParamValue::Value(Value::Array(list)) => list.clone(),
        ParamValue::LoneSurrogate => {
            return Err(invalid(field, "contains a broken character (an unpaired UTF-16 surrogate)".to_string()))
        }
        ParamValue::Value(_) => return Err(invalid(field, "must be a list of entries".to_string())),
    };
    list.into_iter()
        .enumerate()
        .map(|(index, entry)| match entry {
            Value::Object(map) => Ok(map),
            _ => Err(invalid(field, format!("entry {} must be an object with its fields", index + 1))),
        })
        .collect()
}

/// A text member of an entry: present, text, trimmed; `None` when absent or blank.
fn member(entry: &Map<String, Value>, name: &str) -> Option<String> {
    match entry.get(name) {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    }
}

fn check_chars(field: &'static Field, at: &str, label: &str, text: &str, max: usize) -> Result<(), InputError> {
    let count = text.chars().count();
    if count > max {
        return Err(invalid(
            field,
            format!("{at}: {label} is {count} characters long; Instagram allows at most {max} (got {})", quote_for_message(text)),
        ));
    }
    if let Some(ch) = text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
        return Err(invalid(field, format!("{at}: {label} contains the control character U+{:04X}", ch as u32)));
    }
    Ok(())
}

fn https(field: &'static Field, at: &str, label: &str, url: &str) -> Result<String, InputError> {
    validate::https_url(field, 2048, &ParamValue::Value(Value::String(url.to_string()))).map_err(|err| match err {
        InputError::InvalidField { field, problem } => invalid(field, format!("{at}: {label} {problem}")),
        other => other,
    })
}

pub fn quick_replies(field: &'static Field, value: &ParamValue) -> Result<Vec<QuickReply>, InputError> {
    let Rule::QuickReplies { max_count, max_title_chars, max_payload_chars } = field.rule else {
        unreachable!("{} holds no quick replies", field.name)
    };
    let list = entries(field, value)?;
    if list.is_empty() || list.len() > max_count {
        return Err(invalid(field, format!("must hold 1 to {max_count} quick replies; got {}", list.len())));
    }
    list.iter()
        .enumerate()
        .map(|(index, entry)| {
            let at = format!("quick reply {}", index + 1);
            let title = member(entry, "title").ok_or_else(|| invalid(field, format!("{at}: Title is required")))?;
            check_chars(field, &at, "Title", &title, max_title_chars)?;
            let payload = member(entry, "payload").ok_or_else(|| {
                invalid(field, format!("{at}: Payload is required (it comes back in the webhook when the person taps)"))
            })?;
            check_chars(field, &at, "Payload", &payload, max_payload_chars)?;
            Ok(QuickReply { content_type: "text", title, payload })
        })
        .collect()
}

/// The buttons of a button template, or of one generic-template element.
pub fn buttons(field: &'static Field, value: &ParamValue) -> Result<Vec<Button>, InputError> {
    let Rule::Buttons { min, max, max_title_chars, max_payload_chars } = field.rule else {
        unreachable!("{} holds no buttons", field.name)
    };
    let list = entries(field, value)?;
    if list.len() < min || list.len() > max {
        return Err(invalid(field, format!("must hold {min} to {max} buttons; got {}", list.len())));
    }
    list.iter()
        .enumerate()
        .map(|(index, entry)| button(field, &format!("button {}", index + 1), entry, max_title_chars, max_payload_chars))
        .collect()
}

fn button(field: &'static Field, at: &str, entry: &Map<String, Value>, max_title: usize, max_payload: usize) -> Result<Button, InputError> {
    let title = member(entry, "title").ok_or_else(|| invalid(field, format!("{at}: Title is required")))?;
    check_chars(field, at, "Title", &title, max_title)?;
    match member(entry, "type").as_deref().unwrap_or("web_url") {
        "web_url" => {
            let url = member(entry, "url").ok_or_else(|| invalid(field, format!("{at}: URL is required for a URL button")))?;
            Ok(Button::WebUrl { url: https(field, at, "URL", &url)?, title })
        }
        "postback" => {
            let payload = member(entry, "payload")
                .ok_or_else(|| invalid(field, format!("{at}: Payload is required for a postback button")))?;
            check_chars(field, at, "Payload", &payload, max_payload)?;
            Ok(Button::Postback { title, payload })
        }
        other => Err(invalid(
            field,
            format!("{at}: Type must be web_url or postback (Instagram takes no other button); got {}", quote_for_message(other)),
        )),
    }
}

pub fn elements(field: &'static Field, value: &ParamValue) -> Result<Vec<Element>, InputError> {
    let Rule::Elements { max_count, max_title_chars, max_subtitle_chars, max_buttons } = field.rule else {
        unreachable!("{} holds no elements", field.name)
    };
    // An element's buttons follow the button template's rules.
    let Rule::Buttons { max_title_chars: button_title_chars, max_payload_chars: button_payload_chars, .. } =
        crate::fields::BUTTONS.rule
    else {
        unreachable!("BUTTONS holds buttons")
    };
    let list = entries(field, value)?;
    if list.is_empty() || list.len() > max_count {
        return Err(invalid(field, format!("must hold 1 to {max_count} elements; got {}", list.len())));
    }
    list.iter()
        .enumerate()
        .map(|(index, entry)| {
            let at = format!("element {}", index + 1);
            let title = member(entry, "title").ok_or_else(|| invalid(field, format!("{at}: Title is required")))?;
            check_chars(field, &at, "Title", &title, max_title_chars)?;
            let subtitle = member(entry, "subtitle");
            if let Some(subtitle) = &subtitle {
                check_chars(field, &at, "Subtitle", subtitle, max_subtitle_chars)?;
            }
            let image_url = member(entry, "imageUrl").map(|url| https(field, &at, "Image URL", &url)).transpose()?;
            let default_action = member(entry, "defaultActionUrl")
                .map(|url| https(field, &at, "Default Action URL", &url).map(|url| DefaultAction { kind: "web_url", url }))
                .transpose()?;
            let raw_buttons = entries(field, &ParamValue::Value(entry.get("buttons").cloned().unwrap_or(Value::Null)))?;
            if raw_buttons.len() > max_buttons {
                return Err(invalid(field, format!("{at}: at most {max_buttons} buttons; got {}", raw_buttons.len())));
            }
            let buttons = raw_buttons
                .iter()
                .enumerate()
                .map(|(b, button_entry)| {
                    button(field, &format!("{at}, button {}", b + 1), button_entry, button_title_chars, button_payload_chars)
                })
                .collect::<Result<Vec<_>, _>>()?;
            if subtitle.is_none() && image_url.is_none() && default_action.is_none() && buttons.is_empty() {
                return Err(invalid(
                    field,
                    format!("{at}: besides its Title, set at least one of Subtitle, Image URL, Default Action URL or a button"),
                ));
            }
            Ok(Element { title, subtitle, image_url, default_action, buttons })
        })
        .collect()
}
