//! Every input field an operation reads, declared once: its parameter name in n8n, the
//! label users see (in the editor and in errors), and the rule its value must follow.
//! Operations list the fields they read; the node description shows the same names and
//! labels (a test keeps them equal), and the wrapper gathers exactly these parameters.

use crate::error::InputError;
use crate::operations::ItemParams;
use crate::{templates, validate};
use serde::Serialize;

/// Meta's limit for a text message, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 1000;
/// Meta's limit for the text of a button template, in characters.
pub const MAX_BUTTON_TEMPLATE_CHARS: usize = 640;
/// Binary files Meta accepts, by MIME type: the media type each becomes and its size limit.
pub const BINARY_FORMATS: &[BinaryFormat] = &[
    BinaryFormat { mime_type: "image/png", media_type: "image", max_bytes: 8 * MB },
    BinaryFormat { mime_type: "image/jpeg", media_type: "image", max_bytes: 8 * MB },
    BinaryFormat { mime_type: "image/gif", media_type: "image", max_bytes: 8 * MB },
    BinaryFormat { mime_type: "audio/aac", media_type: "audio", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "audio/mp4", media_type: "audio", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "audio/x-m4a", media_type: "audio", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "audio/m4a", media_type: "audio", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "audio/wav", media_type: "audio", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "audio/x-wav", media_type: "audio", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "audio/wave", media_type: "audio", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "video/mp4", media_type: "video", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "video/ogg", media_type: "video", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "video/x-msvideo", media_type: "video", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "video/avi", media_type: "video", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "video/quicktime", media_type: "video", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "video/webm", media_type: "video", max_bytes: 25 * MB },
    BinaryFormat { mime_type: "application/pdf", media_type: "file", max_bytes: 25 * MB },
];
const MB: u64 = 1024 * 1024;

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BinaryFormat {
    pub mime_type: &'static str,
    pub media_type: &'static str,
    pub max_bytes: u64,
}

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
    /// Text sent exactly as given, at most `max_bytes` UTF-8 bytes (and `max_chars`
    /// characters, counted as Unicode scalar values, where Meta counts characters).
    #[serde(rename_all = "camelCase")]
    Text { max_bytes: usize, max_chars: Option<usize> },
    /// An ID Meta made (a message, conversation or attachment ID): letters, digits and
    /// `_ - = . :` only, so it is safe in a URL path.
    #[serde(rename_all = "camelCase")]
    GraphId { max_length: usize },
    /// A numeric ID (a post, a comment).
    Digits,
    /// A yes/no parameter.
    Boolean { default: bool },
    /// A whole number in a range.
    Integer { min: u64, max: u64, default: u64 },
    /// Between `min` and `max` absolute https URLs: a list, or one per line.
    #[serde(rename_all = "camelCase")]
    UrlList { min: usize, max: usize, max_length: usize },
    /// Quick replies: `{title, payload}` each.
    #[serde(rename_all = "camelCase")]
    QuickReplies { max_count: usize, max_title_chars: usize, max_payload_chars: usize },
    /// Buttons: `{type: web_url|postback, title, url|payload}` each.
    #[serde(rename_all = "camelCase")]
    Buttons { min: usize, max: usize, max_title_chars: usize, max_payload_chars: usize },
    /// Generic template elements.
    #[serde(rename_all = "camelCase")]
    Elements { max_count: usize, max_title_chars: usize, max_subtitle_chars: usize, max_buttons: usize },
    /// An input item's binary property, named by the parameter (`default` when unset): the
    /// wrapper reports its MIME type, file name and size.
    Binary { formats: &'static [BinaryFormat], default: &'static str },
    /// Free text of a few characters: a reaction (`love`, or an emoji).
    #[serde(rename_all = "camelCase")]
    Short { max_chars: usize, default: &'static str },
    /// One of a fixed list of values; `default` is used when the parameter is not set.
    Choice { values: &'static [&'static str], default: &'static str },
    /// An absolute https URL Meta fetches.
    #[serde(rename_all = "camelCase")]
    HttpsUrl { max_length: usize },
    /// A comma-separated list of Graph API field names.
    #[serde(rename_all = "camelCase")]
    FieldList { default: &'static str, max_fields: usize },
}

impl Field {
    /// Reads and checks this field of one item: the text to send, normalised. For a field
    /// that is not required, a missing value reads as the rule's default (or an error that
    /// the field is required, where the rule has none).
    pub fn read(&'static self, params: &ItemParams) -> Result<String, InputError> {
        let value = params.get(self.name);
        match &self.rule {
            Rule::Igsid => validate::igsid(self, &value),
            Rule::Text { max_bytes, max_chars } => validate::text(self, *max_bytes, *max_chars, &value),
            Rule::Choice { values, default } => validate::choice(self, values, default, &value),
            Rule::HttpsUrl { max_length } => validate::https_url(self, *max_length, &value),
            Rule::FieldList { default, max_fields } => validate::field_list(self, default, *max_fields, &value),
            Rule::GraphId { max_length } => validate::graph_id(self, *max_length, &value),
            Rule::Digits => validate::digits(self, &value),
            Rule::Short { max_chars, default } => validate::short(self, *max_chars, default, &value),
            other => unreachable!("{} is not read as text ({other:?})", self.name),
        }
    }

    /// The field's text, or `None` when it is not set (for optional fields).
    pub fn read_optional(&'static self, params: &ItemParams) -> Result<Option<String>, InputError> {
        if validate::is_unset(&params.get(self.name)) {
            Ok(None)
        } else {
            self.read(params).map(Some)
        }
    }

    pub fn flag(&'static self, params: &ItemParams) -> Result<bool, InputError> {
        let Rule::Boolean { default } = self.rule else { unreachable!("{} is not a yes/no field", self.name) };
        validate::boolean(self, default, &params.get(self.name))
    }

    pub fn number(&'static self, params: &ItemParams) -> Result<u64, InputError> {
        let Rule::Integer { min, max, default } = self.rule else { unreachable!("{} is not a number field", self.name) };
        validate::integer(self, min, max, default, &params.get(self.name))
    }

    pub fn urls(&'static self, params: &ItemParams) -> Result<Vec<String>, InputError> {
        let Rule::UrlList { min, max, max_length } = self.rule else { unreachable!("{} is not a URL list", self.name) };
        validate::url_list(self, min, max, max_length, &params.get(self.name))
    }

    pub fn quick_replies(&'static self, params: &ItemParams) -> Result<Vec<templates::QuickReply>, InputError> {
        templates::quick_replies(self, &params.get(self.name))
    }

    pub fn buttons(&'static self, params: &ItemParams) -> Result<Vec<templates::Button>, InputError> {
        templates::buttons(self, &params.get(self.name))
    }

    pub fn elements(&'static self, params: &ItemParams) -> Result<Vec<templates::Element>, InputError> {
        templates::elements(self, &params.get(self.name))
    }

    pub fn binary(&'static self, params: &ItemParams) -> Result<validate::BinaryFile, InputError> {
        let Rule::Binary { formats, default } = self.rule else { unreachable!("{} is not a binary field", self.name) };
        validate::binary(self, formats, default, &params.get(self.name))
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
    rule: Rule::Text { max_bytes: MAX_TEXT_BYTES, max_chars: None },
};

/// The text above a button template's buttons: Meta counts it in characters too.
pub static BUTTON_TEMPLATE_TEXT: Field = Field {
    name: "messageText",
    parameter: "messageText",
    label: "Message Text",
    error_code: "invalid_message_text",
    required: true,
    rule: Rule::Text { max_bytes: MAX_TEXT_BYTES, max_chars: Some(MAX_BUTTON_TEMPLATE_CHARS) },
};

pub static SENDER_ACTION: Field = Field {
    name: "action",
    parameter: "action",
    label: "Action",
    error_code: "invalid_action",
    required: true,
    rule: Rule::Choice { values: &["typing_on", "typing_off", "mark_seen"], default: "typing_on" },
};

pub static MEDIA_SOURCE: Field = Field {
    name: "mediaSource",
    parameter: "mediaSource",
    label: "Media Source",
    error_code: "invalid_media_source",
    required: false,
    rule: Rule::Choice { values: &["url", "binary", "attachmentId"], default: "url" },
};

/// Upload Attachment: where the media comes from.
pub static UPLOAD_SOURCE: Field = Field {
    name: "mediaSource",
    parameter: "mediaSource",
    label: "Media Source",
    error_code: "invalid_media_source",
    required: false,
    rule: Rule::Choice { values: &["url", "binary"], default: "url" },
};

/// What the media at a URL or behind an attachment ID is.
pub static MEDIA_TYPE: Field = Field {
    name: "mediaType",
    parameter: "mediaType",
    label: "Media Type",
    error_code: "invalid_media_type",
    required: false,
    rule: Rule::Choice { values: &["image", "video", "audio", "file"], default: "image" },
};

/// What a file from the input item is: `auto` takes it from the MIME type; a declared type
/// must agree with the file. The same parameter as [`MEDIA_TYPE`], shown for files.
pub static BINARY_MEDIA_TYPE: Field = Field {
    name: "mediaType",
    parameter: "mediaType",
    label: "Media Type",
    error_code: "invalid_media_type",
    required: false,
    rule: Rule::Choice { values: &["auto", "image", "video", "audio", "file"], default: "auto" },
};

pub static MEDIA_URL: Field = Field {
    name: "mediaUrl",
    parameter: "mediaUrl",
    label: "Media URL",
    error_code: "invalid_media_url",
    required: false,
    rule: Rule::HttpsUrl { max_length: 2048 },
};

pub static BINARY_PROPERTY: Field = Field {
    name: "binaryPropertyName",
    parameter: "binaryPropertyName",
    label: "Input Binary Field",
    error_code: "invalid_binary_property",
    required: false,
    rule: Rule::Binary { formats: BINARY_FORMATS, default: "data" },
};

pub static ATTACHMENT_ID: Field = Field {
    name: "attachmentId",
    parameter: "attachmentId",
    label: "Attachment ID",
    error_code: "invalid_attachment_id",
    required: false,
    rule: Rule::GraphId { max_length: 512 },
};

pub static IMAGE_URLS: Field = Field {
    name: "imageUrls",
    parameter: "imageUrls",
    label: "Image URLs",
    error_code: "invalid_image_urls",
    required: true,
    rule: Rule::UrlList { min: 2, max: 10, max_length: 2048 },
};

pub static POST_ID: Field = Field {
    name: "postId",
    parameter: "postId",
    label: "Post ID",
    error_code: "invalid_post_id",
    required: true,
    rule: Rule::Digits,
};

pub static QUICK_REPLIES: Field = Field {
    name: "quickReplies",
    parameter: "quickReplies",
    label: "Quick Replies",
    error_code: "invalid_quick_replies",
    required: true,
    rule: Rule::QuickReplies { max_count: 13, max_title_chars: 20, max_payload_chars: 1000 },
};

pub static ELEMENTS: Field = Field {
    name: "elements",
    parameter: "elements",
    label: "Elements",
    error_code: "invalid_elements",
    required: true,
    rule: Rule::Elements { max_count: 10, max_title_chars: 80, max_subtitle_chars: 80, max_buttons: 3 },
};

pub static BUTTONS: Field = Field {
    name: "buttons",
    parameter: "buttons",
    label: "Buttons",
    error_code: "invalid_buttons",
    required: true,
    rule: Rule::Buttons { min: 1, max: 3, max_title_chars: 20, max_payload_chars: 1000 },
};

/// The message a reaction is about.
pub static MESSAGE_ID: Field = Field {
    name: "messageId",
    parameter: "messageId",
    label: "Message ID",
    error_code: "invalid_message_id",
    required: true,
    rule: Rule::GraphId { max_length: 512 },
};

pub static REACTION: Field = Field {
    name: "reaction",
    parameter: "reaction",
    label: "Reaction",
    error_code: "invalid_reaction",
    required: false,
    rule: Rule::Short { max_chars: 16, default: "love" },
};

pub static COMMENT_ID: Field = Field {
    name: "commentId",
    parameter: "commentId",
    label: "Comment ID",
    error_code: "invalid_comment_id",
    required: true,
    rule: Rule::Digits,
};

/// What a private reply carries: a text, or media.
pub static REPLY_CONTENT: Field = Field {
    name: "replyWith",
    parameter: "replyWith",
    label: "Reply With",
    error_code: "invalid_reply_with",
    required: false,
    rule: Rule::Choice { values: &["text", "media"], default: "text" },
};

pub static REPLY_TO_MESSAGE_ID: Field = Field {
    name: "replyToMessageId",
    parameter: "options.replyToMessageId",
    label: "Reply To Message ID",
    error_code: "invalid_reply_to_message_id",
    required: false,
    rule: Rule::GraphId { max_length: 512 },
};

pub static MESSAGING_TYPE: Field = Field {
    name: "messagingType",
    parameter: "options.messagingType",
    label: "Messaging Type",
    error_code: "invalid_messaging_type",
    required: false,
    rule: Rule::Choice { values: &["RESPONSE", "UPDATE", "MESSAGE_TAG"], default: "RESPONSE" },
};

/// The message tag: HUMAN_AGENT is the only one Instagram accepts.
pub static TAG: Field = Field {
    name: "tag",
    parameter: "options.tag",
    label: "Tag",
    error_code: "invalid_tag",
    required: false,
    rule: Rule::Choice { values: &["HUMAN_AGENT"], default: "HUMAN_AGENT" },
};

pub static CONVERSATION_ID: Field = Field {
    name: "conversationId",
    parameter: "conversationId",
    label: "Conversation ID",
    error_code: "invalid_conversation_id",
    required: true,
    rule: Rule::GraphId { max_length: 512 },
};

/// Get Conversations: only the conversation with this person, when given.
pub static CONVERSATION_USER_ID: Field = Field {
    name: "userId",
    parameter: "userId",
    label: "User ID",
    error_code: "invalid_user_id",
    required: false,
    rule: Rule::Igsid,
};

pub static RETURN_ALL: Field = Field {
    name: "returnAll",
    parameter: "returnAll",
    label: "Return All",
    error_code: "invalid_return_all",
    required: false,
    rule: Rule::Boolean { default: false },
};

pub static LIMIT: Field = Field {
    name: "limit",
    parameter: "limit",
    label: "Limit",
    error_code: "invalid_limit",
    required: false,
    rule: Rule::Integer { min: 1, max: 10_000, default: 50 },
};

pub static PROFILE_FIELDS: Field = Field {
    name: "fields",
    parameter: "options.fields",
    label: "Fields",
    error_code: "invalid_fields",
    required: false,
    rule: Rule::FieldList { default: "name,username,profile_pic", max_fields: 20 },
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Meta's limits, written out: images 8 MB; audio, video and PDF 25 MB.
    #[test]
    fn each_binary_format_has_metas_size_limit() {
        let image = 8 * 1_048_576;
        let other = 25 * 1_048_576;
        let expected: Vec<(&str, &str, u64)> = vec![
            ("image/png", "image", image),
            ("image/jpeg", "image", image),
            ("image/gif", "image", image),
            ("audio/aac", "audio", other),
            ("audio/mp4", "audio", other),
            ("audio/x-m4a", "audio", other),
            ("audio/m4a", "audio", other),
            ("audio/wav", "audio", other),
            ("audio/x-wav", "audio", other),
            ("audio/wave", "audio", other),
            ("video/mp4", "video", other),
            ("video/ogg", "video", other),
            ("video/x-msvideo", "video", other),
            ("video/avi", "video", other),
            ("video/quicktime", "video", other),
            ("video/webm", "video", other),
            ("application/pdf", "file", other),
        ];
        let actual: Vec<(&str, &str, u64)> =
            BINARY_FORMATS.iter().map(|f| (f.mime_type, f.media_type, f.max_bytes)).collect();
        assert_eq!(actual, expected);
    }
}
