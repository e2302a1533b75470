//! Upload Attachment: upload media once, send it many times by its attachment ID (Send
//! Media, Media Source: Attachment ID). Meta keeps reusable attachments for 90 days.
//! Facebook Login only: `POST {base}/{version}/{PAGE_ID}/message_attachments` with
//! `platform=instagram` and the media's URL (JSON) or file (multipart `filedata`); the Page ID
//! comes from the credential or from `GET /me`, once per execution.

use super::upload::{self, Upload};
use super::{Accepted, Context, Expectation, ItemParams, OperationSpec, Planned, Step, MESSAGE};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::fields::{BINARY_MEDIA_TYPE, BINARY_PROPERTY, MEDIA_TYPE, MEDIA_URL, UPLOAD_SOURCE};
use crate::output::{OrderedObject, OutputItem};
use crate::request::{HttpRequest, RateClass};
use crate::response::{AnswerKind, Success};
use serde_json::Value;

pub static SPEC: OperationSpec = OperationSpec {
    resource: &MESSAGE,
    name: "uploadAttachment",
    fields: &[&UPLOAD_SOURCE, &MEDIA_TYPE, &BINARY_MEDIA_TYPE, &MEDIA_URL, &BINARY_PROPERTY],
    // From a URL; a file gives `fileName` instead of `mediaUrl`.
    output_fields: &[
        "success",
        "operation",
        "attachmentId",
        "mediaType",
        "mediaUrl",
        "fileName",
        "appSecretProofUsed",
        "timestamp",
        "nodeVersion",
    ],
    rate_class: RateClass::Send,
    answer: AnswerKind::AttachmentId,
    // Uploading again makes a second attachment nobody sees: safe to repeat.
    changes: false,
    plan,
};

#[derive(Debug, Clone, PartialEq, Eq)]
struct UploadAttachment {
    upload: Upload,
    credentials_page_id: bool,
}

fn plan(params: &ItemParams, credentials: &Credentials) -> Result<Box<dyn Planned>, InputError> {
    let upload = match UPLOAD_SOURCE.read(params)?.as_str() {
        "binary" => {
            let file = upload::read_file(params, credentials)?;
            Upload::Binary(file)
        }
        _ => {
            upload::check_login_type(&UPLOAD_SOURCE, credentials)?;
            Upload::Url { media_type: MEDIA_TYPE.read(params)?, url: MEDIA_URL.read(params)? }
        }
    };
    Ok(Box::new(UploadAttachment { upload, credentials_page_id: credentials.page_id.is_some() }))
}

impl Planned for UploadAttachment {
    fn request(&self, ctx: &Context) -> HttpRequest {
        upload::first_request(ctx.credentials, &self.upload)
    }

    fn expects(&self, step: Option<&Step>, ctx: &Context) -> Option<Expectation> {
        Some(upload::expects(ctx.credentials, step))
    }

    fn accepted(&self, success: Success, step: Option<&Step>, _now: &str, ctx: &Context) -> Accepted {
        let number = step.map_or(if self.credentials_page_id { upload::STEP_UPLOAD } else { upload::STEP_PAGE }, |s| s.number);
        match (number, success) {
            (upload::STEP_PAGE, Success::Object(node)) => match upload::page_id_of(&node) {
                Ok(page_id) => Accepted::Next {
                    outputs: Vec::new(),
                    request: upload::upload_request(ctx.credentials, &page_id, &self.upload),
                    step: Step { number: upload::STEP_UPLOAD, emitted: 0, carry: Some(page_id) },
                },
                Err(error) => Accepted::Failed(error),
            },
            (_, Success::Attachment { attachment_id }) => {
                let mut item = OrderedObject::new();
                item.push("success", Value::Bool(true));
                item.push("operation", Value::from(SPEC.name));
                item.push("attachmentId", Value::from(attachment_id));
                item.push("mediaType", Value::from(self.upload.media_type()));
                match &self.upload {
                    Upload::Url { url, .. } => item.push("mediaUrl", Value::from(url.as_str())),
                    Upload::Binary(file) => item.push("fileName", Value::from(file.file_name.as_str())),
                }
                item.push("appSecretProofUsed", Value::from(ctx.output.proof_shown.as_str()));
                item.push("timestamp", Value::from(ctx.output.timestamp.as_str()));
                item.push("nodeVersion", Value::from(crate::NODE_VERSION));
                Accepted::Done(vec![OutputItem::new(&item)])
            }
            (step, _) => Accepted::Failed(
                crate::error::SetupError::BadCall { reason: format!("an answer for step {step}, which this item does not have") }.into(),
            ),
        }
    }
}
