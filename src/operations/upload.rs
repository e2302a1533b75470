//! Uploading media to Meta once, for sending by attachment ID (reusable for 90 days).
//!
//! Meta documents the Attachment Upload API for Facebook Login only:
//! `POST /{PAGE_ID}/message_attachments` with `platform=instagram` and
//! `message={"attachment":{"type","payload":{"is_reusable":true,"url"?}}}`, plus the file as
//! the multipart part `filedata`. The Page ID comes from the credential, or from `GET /me`
//! (a Page token's own node) once per execution. With Instagram Login there is no
//! documented endpoint, so the node refuses rather than guess one.

use super::{Expectation, ItemParams, Step};
use crate::credentials::{Credentials, LoginType};
use crate::error::{quote_for_message, ApiError, BodyShape, CoreError, Expected, InputError};
use crate::fields::{Field, BINARY_MEDIA_TYPE, BINARY_PROPERTY};
use crate::request::{graph_url, Coalesce, HttpRequest, Part, RateClass};
use crate::response::AnswerKind;
use crate::validate::BinaryFile;
use serde::Serialize;
use serde_json::{Map, Value};

/// What is uploaded: a URL Meta fetches, or a file from the input item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    Url { url: String, media_type: String },
    Binary(BinaryFile),
}

impl Upload {
    pub fn media_type(&self) -> &str {
        match self {
            Upload::Url { media_type, .. } => media_type,
            Upload::Binary(file) => file.media_type,
        }
    }

    /// Audio and video count against Meta's stricter media limit.
    pub fn rate_class(&self) -> RateClass {
        if matches!(self.media_type(), "audio" | "video") { RateClass::Media } else { RateClass::Send }
    }
}

/// Instagram Login has no documented upload endpoint: a clear error pointing to URL sending.
pub fn check_login_type(field: &'static Field, credentials: &Credentials) -> Result<(), InputError> {
    if credentials.login_type == LoginType::Instagram {
        return Err(InputError::InvalidField {
            field,
            problem: format!(
                "cannot be uploaded with Instagram Login: {NO_INSTAGRAM_LOGIN_UPLOAD} Put the file at an https \
                 address and send it with Send Media, Media Source: URL, or use a Facebook Login credential"
            ),
        });
    }
    Ok(())
}

/// The input item's file, checked (format, size, name), and the declared Media Type, which
/// must agree with the file's MIME type unless it is `auto`.
pub fn read_file(params: &ItemParams, credentials: &Credentials) -> Result<BinaryFile, InputError> {
    check_login_type(&BINARY_PROPERTY, credentials)?;
    let file = BINARY_PROPERTY.binary(params)?;
    let declared = BINARY_MEDIA_TYPE.read(params)?;
    if declared != "auto" && declared != file.media_type {
        return Err(InputError::InvalidField {
            field: &BINARY_MEDIA_TYPE,
            problem: format!(
                "says {} but the file {} is {} ({}); choose Auto or make them agree",
                quote_for_message(&declared),
                quote_for_message(&file.file_name),
                file.media_type,
                file.mime_type
            ),
        });
    }
    Ok(file)
}

/// Why nothing is uploaded with Instagram Login.
pub const NO_INSTAGRAM_LOGIN_UPLOAD: &str = "Meta documents the Attachment Upload API \
    (POST /{PAGE_ID}/message_attachments) for Facebook Login only, and the node does not guess an endpoint.";

/// The steps of an upload: read the Page ID (when the credential has none), then upload.
pub const STEP_PAGE: u32 = 0;
pub const STEP_UPLOAD: u32 = 1;

/// The first request: `GET /me` for the Page ID, or the upload itself.
pub fn first_request(credentials: &Credentials, upload: &Upload) -> HttpRequest {
    match &credentials.page_id {
        Some(page_id) => upload_request(credentials, page_id, upload),
        None => page_request(credentials),
    }
}

/// `GET /me?fields=id`: a Page token's own node is the Page. Shared within the execution.
pub fn page_request(credentials: &Credentials) -> HttpRequest {
    HttpRequest::get(graph_url(credentials, "me"), vec![("fields".into(), "id".into())], RateClass::Read)
        .coalesced(Coalesce::Request)
}

#[derive(Serialize)]
struct UploadMessage<'a> {
    attachment: UploadAttachment<'a>,
}

#[derive(Serialize)]
struct UploadAttachment<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    payload: UploadPayload<'a>,
}

#[derive(Serialize)]
struct UploadPayload<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    is_reusable: bool,
}

/// `POST /{PAGE_ID}/message_attachments`: JSON for a URL, multipart for a file.
pub fn upload_request(credentials: &Credentials, page_id: &str, upload: &Upload) -> HttpRequest {
    let url = graph_url(credentials, &format!("{page_id}/message_attachments"));
    match upload {
        Upload::Url { url: media_url, media_type } => {
            #[derive(Serialize)]
            struct Body<'a> {
                platform: &'static str,
                message: UploadMessage<'a>,
            }
            let message = UploadMessage {
                attachment: UploadAttachment { kind: media_type, payload: UploadPayload { url: Some(media_url), is_reusable: true } },
            };
            let body = serde_json::to_string(&Body { platform: "instagram", message }).expect("uploads serialise");
            HttpRequest::post_json(url, body, upload.rate_class()).coalesced(Coalesce::Request)
        }
        Upload::Binary(file) => {
            let message = UploadMessage {
                attachment: UploadAttachment { kind: file.media_type, payload: UploadPayload { url: None, is_reusable: true } },
            };
            let parts = vec![
                Part::Text { name: "platform".into(), value: "instagram".into() },
                Part::Text { name: "message".into(), value: serde_json::to_string(&message).expect("uploads serialise") },
                Part::Binary {
                    name: "filedata".into(),
                    property: file.property.clone(),
                    file_name: file.file_name.clone(),
                    mime_type: file.mime_type.clone(),
                },
            ];
            HttpRequest::post_multipart(url, parts, upload.rate_class()).coalesced(Coalesce::Content)
        }
    }
}

/// What the answers to an upload's steps carry: the Page's node, then the attachment ID.
/// Neither changes anything a person sees, so both are safe to ask again.
pub fn expects(credentials: &Credentials, step: Option<&Step>) -> Expectation {
    let number = step.map(|s| s.number).unwrap_or(if credentials.page_id.is_some() { STEP_UPLOAD } else { STEP_PAGE });
    match number {
        STEP_PAGE => Expectation { answer: AnswerKind::Object, changes: false },
        _ => Expectation { answer: AnswerKind::AttachmentId, changes: false },
    }
}

/// The Page ID in `GET /me`'s answer.
pub fn page_id_of(node: &Map<String, Value>) -> Result<String, CoreError> {
    match node.get("id") {
        Some(Value::String(id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => Ok(id.clone()),
        Some(Value::Number(id)) => Ok(id.to_string()),
        _ => Err(ApiError::UnexpectedSuccessBody {
            status: 200,
            body: BodyShape::Json { bytes: serde_json::to_string(node).map_or(0, |s| s.len()) },
            expected: Expected::Object,
            changes: false,
        }
        .into()),
    }
}
