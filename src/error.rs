//! Every refusal the core can give, as one type. Each variant carries what the user needs
//! to see; [`CoreError::message`] is the text n8n shows, and it is defined here only.

use crate::graph_error::GraphError;
use serde::Serialize;

/// Where an error comes from decides how the wrapper reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The instance or the credential is misconfigured: no item can be sent.
    Setup,
    /// One item's parameters are invalid: that item is not sent.
    Input,
    /// Meta answered with an error.
    Api,
    /// The request may or may not have reached Meta (5xx without an error body, a
    /// timeout or a connection dropped after sending).
    DeliveryUnknown,
    /// The request never left (connection refused, name not resolved).
    Transport,
}

/// The input field an error is about, named as in the node's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Field {
    #[serde(rename = "userId")]
    UserId,
    #[serde(rename = "messageText")]
    MessageText,
}

impl Field {
    pub fn display_name(self) -> &'static str {
        match self {
            Field::UserId => "User ID",
            Field::MessageText => "Message Text",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    MissingEnvironment { variable: &'static str, min_len: usize, found_len: Option<usize> },
    MissingAccessToken,
    MissingAppSecret,
    MalformedAccessToken,
    MalformedAppSecret,
    InvalidApiVersion { got: String },
    InvalidBaseUrl { reason: &'static str },
    UnknownOperation { got: String },
    /// The wrapper's own call into the core was malformed (a bug, not a user error).
    BadCall { reason: String },
    InvalidField { field: Field, problem: String },
    /// n8n could not produce a parameter's value (an expression failed).
    ParameterUnavailable { parameter: String, reason: String },
    Api { status: u16, graph: GraphError },
    UnreadableErrorBody { status: u16, body: BodyShape },
    UnexpectedSuccessBody { status: u16, body: BodyShape },
    DeliveryUnknown { reason: String },
    Transport { reason: String },
    /// The execution stopped (cancelled, or stopped at an earlier failure) before this
    /// item was sent.
    NotSent,
    /// The core failed (a WebAssembly trap) while reading this item's answer.
    Internal,
}

/// What an unreadable body looked like, described without dumping it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyShape {
    Empty,
    Html { bytes: usize },
    TruncatedJson { bytes: usize },
    Json { bytes: usize },
    Text { bytes: usize },
}

impl BodyShape {
    pub fn describe(&self) -> String {
        match self {
            BodyShape::Empty => "an empty body".into(),
            BodyShape::Html { bytes } => format!("an HTML page ({bytes} bytes)"),
            BodyShape::TruncatedJson { bytes } => format!("incomplete JSON ({bytes} bytes)"),
            BodyShape::Json { bytes } => format!("JSON without the expected fields ({bytes} bytes)"),
            BodyShape::Text { bytes } => format!("a non-JSON body ({bytes} bytes)"),
        }
    }
}

impl CoreError {
    pub fn kind(&self) -> ErrorKind {
        use CoreError::*;
        match self {
            MissingEnvironment { .. }
            | MissingAccessToken
            | MissingAppSecret
            | MalformedAccessToken
            | MalformedAppSecret
            | InvalidApiVersion { .. }
            | InvalidBaseUrl { .. }
            | UnknownOperation { .. }
            | BadCall { .. } => ErrorKind::Setup,
            InvalidField { .. } | ParameterUnavailable { .. } => ErrorKind::Input,
            Api { .. } | UnreadableErrorBody { .. } | UnexpectedSuccessBody { .. } => ErrorKind::Api,
            DeliveryUnknown { .. } | Internal => ErrorKind::DeliveryUnknown,
            Transport { .. } | NotSent => ErrorKind::Transport,
        }
    }

    /// A stable identifier for tests and for users filtering error items.
    pub fn code(&self) -> &'static str {
        use CoreError::*;
        match self {
            MissingEnvironment { .. } => "missing_environment",
            MissingAccessToken => "missing_access_token",
            MissingAppSecret => "missing_app_secret",
            MalformedAccessToken => "malformed_access_token",
            MalformedAppSecret => "malformed_app_secret",
            InvalidApiVersion { .. } => "invalid_api_version",
            InvalidBaseUrl { .. } => "invalid_base_url",
            UnknownOperation { .. } => "unknown_operation",
            BadCall { .. } => "bad_call",
            InvalidField { field: Field::UserId, .. } => "invalid_user_id",
            InvalidField { field: Field::MessageText, .. } => "invalid_message_text",
            ParameterUnavailable { .. } => "parameter_unavailable",
            Api { .. } => "api_error",
            UnreadableErrorBody { .. } => "unreadable_error_body",
            UnexpectedSuccessBody { .. } => "unexpected_success_body",
            DeliveryUnknown { .. } => "delivery_unknown",
            Transport { .. } => "transport_error",
            NotSent => "not_sent",
            Internal => "core_trap",
        }
    }

    /// The message n8n shows. Never contains a secret: secrets are not stored in errors,
    /// and text that came from outside is redacted before it gets here.
    pub fn message(&self) -> String {
        use CoreError::*;
        match self {
            MissingEnvironment { variable, min_len, found_len } => {
                let found = match found_len {
                    None => "it is not set".to_string(),
                    Some(0) => "it is empty".to_string(),
                    Some(n) => format!("it has only {n} characters"),
                };
                format!(
                    "Environment variable {variable} must be defined: set {variable} to a UUID \
                     (at least {min_len} characters) in the environment of the n8n process and \
                     restart n8n; {found}"
                )
            }
            MissingAccessToken => "Access token is required".into(),
            MissingAppSecret => "App Secret is required for server-side API calls".into(),
            MalformedAccessToken => "Access token contains characters a token cannot have \
                 (spaces, line breaks or other non-printable characters inside it); paste the \
                 token again"
                .into(),
            MalformedAppSecret => "App Secret contains characters an app secret cannot have \
                 (spaces, line breaks or other non-printable characters inside it); paste it again"
                .into(),
            InvalidApiVersion { got } => format!(
                "API Version must look like v18.0 (the letter v, a major and a minor number); got {}",
                quote_for_message(got)
            ),
            InvalidBaseUrl { reason } => format!(
                "Base URL must be an http(s) address such as https://graph.facebook.com: {reason}"
            ),
            UnknownOperation { got } => {
                format!("Unknown operation {}; this node supports sendMessage", quote_for_message(got))
            }
            BadCall { reason } => format!("Internal error in the Instagram node: {reason}"),
            InvalidField { field, problem } => format!("{} {problem}", field.display_name()),
            ParameterUnavailable { parameter, reason } => {
                format!("Could not read the parameter {}: {reason}", quote_for_message(parameter))
            }
            Api { graph, .. } => format!("API Error: {}", graph.message),
            UnreadableErrorBody { status, body } => format!(
                "API Error: Meta answered HTTP {status} with {} instead of a Graph API error",
                body.describe()
            ),
            UnexpectedSuccessBody { status, body } => format!(
                "API Error: Meta answered HTTP {status} with {} instead of a message ID; the message \
                 may or may not have been sent",
                body.describe()
            ),
            DeliveryUnknown { reason } => format!(
                "Delivery unknown: {reason}. The message may or may not have been sent, so it was \
                 not sent again; check the conversation before retrying, or enable the option \
                 Retry When Delivery Is Unknown"
            ),
            Transport { reason } => format!("Could not reach the Graph API: {reason}"),
            NotSent => "Not sent: the execution stopped before this message was sent".into(),
            Internal => "Internal error in the Instagram node core while reading the response; the \
                 message may or may not have been sent. Please report this."
                .into(),
        }
    }

    /// A short, actionable hint, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            CoreError::Api { graph, .. } => graph.hint().map(str::to_string),
            CoreError::InvalidBaseUrl { .. } => Some(
                "Use https://graph.facebook.com for Facebook Login tokens or \
                 https://graph.instagram.com for Instagram Login tokens"
                    .into(),
            ),
            _ => None,
        }
    }

    pub fn field(&self) -> Option<Field> {
        match self {
            CoreError::InvalidField { field, .. } => Some(*field),
            _ => None,
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            CoreError::Api { status, .. }
            | CoreError::UnreadableErrorBody { status, .. }
            | CoreError::UnexpectedSuccessBody { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl std::fmt::Display for CoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for CoreError {}

/// Quotes user input for an error message: escaped, so invisible and control characters
/// show, and cut short so a 10 MB string never becomes a 10 MB message.
pub fn quote_for_message(value: &str) -> String {
    const MAX_CHARS: usize = 40;
    let mut quoted = String::with_capacity(MAX_CHARS + 8);
    quoted.push('"');
    for (shown, ch) in value.chars().enumerate() {
        if shown == MAX_CHARS {
            quoted.push_str("\"… (");
            quoted.push_str(&value.chars().count().to_string());
            quoted.push_str(" characters)");
            return quoted;
        }
        if ch == '"' {
            quoted.push_str("\\\"");
        } else if ch.is_control() || is_invisible(ch) {
            quoted.push_str(&format!("\\u{{{:04X}}}", ch as u32));
        } else {
            quoted.push(ch);
        }
    }
    quoted.push('"');
    quoted
}

/// Characters that render as nothing (zero-width, bidi marks, BOM): shown escaped.
pub fn is_invisible(ch: char) -> bool {
    matches!(ch,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}')
}
