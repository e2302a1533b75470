//! Every input field an operation reads, declared once: its parameter name in n8n, the
//! label users see (in the editor and in errors), and the rule its value must follow.
//! Operations list the fields they read; the node description shows the same names and
//! labels (a test keeps them equal), and the wrapper gathers exactly these parameters.

use crate::error::InputError;
use crate::operations::ItemParams;
use crate::validate;
use serde::Serialize;

/// Meta's limit for a text message, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 1000;

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// The key the core reads the value under, and the n8n parameter name.
    pub name: &'static str,
    /// Where n8n keeps the value: the parameter name, or `collection.option`.
    pub parameter: &'static str,
    /// The label n8n shows; error messages start with it.
    pub label: &'static str,
    /// The stable code of an error about this field (`invalid_user_id`).
    pub error_code: &'static str,
    pub required: bool,
    pub rule: Rule,
}

/// What a field's value must be.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Rule {
    /// An Instagram-scoped ID: digits only, no leading zero.
    Igsid,
    /// Text sent exactly as given, at most `max_bytes` UTF-8 bytes.
    #[serde(rename_all = "camelCase")]
    Text { max_bytes: usize },
    /// One of a fixed list of values.
    Choice { values: &'static [&'static str], default: &'static str },
    /// An absolute https URL Meta fetches.
    #[serde(rename_all = "camelCase")]
    HttpsUrl { max_length: usize },
    /// A comma-separated list of Graph API field names.
    #[serde(rename_all = "camelCase")]
    FieldList { default: &'static str, max_fields: usize },
}

impl Field {
    /// Reads and checks this field of one item; the value to send, normalised.
    pub fn read(&'static self, params: &ItemParams) -> Result<String, InputError> {
        let value = params.get(self.name);
        match &self.rule {
            Rule::Igsid => validate::igsid(self, &value),
            Rule::Text { max_bytes } => validate::text(self, *max_bytes, &value),
            Rule::Choice { values, .. } => validate::choice(self, values, &value),
            Rule::HttpsUrl { max_length } => validate::https_url(self, *max_length, &value),
            Rule::FieldList { default, max_fields } => validate::field_list(self, default, *max_fields, &value),
        }
    }
}

pub static USER_ID: Field = Field {
    name: "userId",
    parameter: "userId",
    label: "User ID",
    error_code: "invalid_user_id",
    required: true,
    rule: Rule::Igsid,
};

pub static MESSAGE_TEXT: Field = Field {
    name: "messageText",
    parameter: "messageText",
    label: "Message Text",
    error_code: "invalid_message_text",
    required: true,
    rule: Rule::Text { max_bytes: MAX_TEXT_BYTES },
};

pub static SENDER_ACTION: Field = Field {
    name: "action",
    parameter: "action",
    label: "Action",
    error_code: "invalid_action",
    required: true,
    rule: Rule::Choice { values: &["typing_on", "typing_off", "mark_seen"], default: "typing_on" },
};

pub static MEDIA_TYPE: Field = Field {
    name: "mediaType",
    parameter: "mediaType",
    label: "Media Type",
    error_code: "invalid_media_type",
    required: true,
    rule: Rule::Choice { values: &["image", "video", "audio", "file"], default: "image" },
};

pub static MEDIA_URL: Field = Field {
    name: "mediaUrl",
    parameter: "mediaUrl",
    label: "Media URL",
    error_code: "invalid_media_url",
    required: true,
    rule: Rule::HttpsUrl { max_length: 2048 },
};

pub static PROFILE_FIELDS: Field = Field {
    name: "fields",
    parameter: "options.fields",
    label: "Fields",
    error_code: "invalid_fields",
    required: false,
    rule: Rule::FieldList { default: "name,username,profile_pic", max_fields: 20 },
};
