//! Every refusal the core can give, as one type split by where it comes from: the set-up
//! (credential, environment, the call itself), one item's input, Meta's answer, the
//! transport, or the execution. Each variant carries what the user needs to see;
//! [`CoreError::message`] is the text n8n shows, and it is defined here only.

use crate::fields::Field;
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
    /// Meta answered, with an error or with something that is not the expected answer.
    Api,
    /// The request got no answer (refused, timed out, dropped).
    Transport,
    /// The execution itself: stopped before the item was sent, or the core failed.
    Execution,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    Setup(SetupError),
    Input(InputError),
    Api(ApiError),
    Transport(TransportError),
    Execution(ExecutionError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    MissingEnvironment { variable: &'static str, min_len: usize, found_len: Option<usize> },
    MissingAccessToken,
    MissingAppSecret,
    MalformedAccessToken,
    MalformedAppSecret,
    InvalidApiVersion { got: String },
    InvalidBaseUrl { reason: &'static str },
    InvalidLoginType { got: String },
    InvalidPageId,
    UnknownOperation { got: String },
    /// The wrapper's own call into the core was malformed (a bug, not a user error).
    BadCall { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    InvalidField { field: &'static Field, problem: String },
    /// n8n could not produce a parameter's value (an expression failed).
    ParameterUnavailable { parameter: String, reason: String },
}

/// What the request was expected to produce, for an answer that did not carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    MessageId,
    RecipientId,
    AttachmentId,
    List,
    Object,
}

impl Expected {
    fn describe(self) -> &'static str {
        match self {
            Expected::MessageId => "a message ID",
            Expected::RecipientId => "a recipient ID",
            Expected::AttachmentId => "an attachment ID",
            Expected::List => "a list of results",
            Expected::Object => "the requested fields",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Meta's Graph API error body.
    Graph { status: u16, graph: GraphError },
    /// An error status whose body is not a Graph API error.
    UnreadableErrorBody { status: u16, body: BodyShape },
    /// A 5xx without a Graph API error body: the request may or may not have been processed.
    ServerFailure { status: u16, body: BodyShape },
    /// A success status whose body lacks what the request produces. `changes`: the request
    /// changes something at Meta (a send), so it may or may not have happened.
    UnexpectedSuccessBody { status: u16, body: BodyShape, expected: Expected, changes: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request never left, or can never be sent as it is.
    NotSent { reason: String },
    /// The connection failed after the request was written.
    DeliveryUnknown { reason: String },
    /// A request that changes nothing at Meta (a read) got no answer.
    NoAnswer { reason: String },
    /// The item's file could not be read to upload it (n8n no longer holds its bytes):
    /// nothing was sent.
    FileUnreadable { reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionError {
    /// The execution stopped (cancelled, or stopped at an earlier failure) before this
    /// item was sent.
    NotSent,
    /// The core failed (a WebAssembly trap) while reading this item's answer.
    CoreFailed,
    /// The core failed while preparing this item's request: nothing was sent.
    CoreFailedBeforeSending,
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

impl From<SetupError> for CoreError {
    fn from(err: SetupError) -> Self {
        CoreError::Setup(err)
    }
}
impl From<InputError> for CoreError {
    fn from(err: InputError) -> Self {
        CoreError::Input(err)
    }
}
impl From<ApiError> for CoreError {
    fn from(err: ApiError) -> Self {
        CoreError::Api(err)
    }
}
impl From<TransportError> for CoreError {
    fn from(err: TransportError) -> Self {
        CoreError::Transport(err)
    }
}
impl From<ExecutionError> for CoreError {
    fn from(err: ExecutionError) -> Self {
        CoreError::Execution(err)
    }
}

/// The option a delivery-unknown error asks the user to consider; the node description
/// uses the same label (a test keeps them equal).
pub const RETRY_UNKNOWN_OPTION_LABEL: &str = "Retry Unknown Deliveries";

impl CoreError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::Setup(_) => ErrorKind::Setup,
            CoreError::Input(_) => ErrorKind::Input,
            CoreError::Api(_) => ErrorKind::Api,
            CoreError::Transport(_) => ErrorKind::Transport,
            CoreError::Execution(_) => ErrorKind::Execution,
        }
    }

    /// Whether the request may have been processed by Meta even though no proper answer
    /// says so.
    pub fn delivery_unknown(&self) -> bool {
        matches!(
            self,
            CoreError::Api(ApiError::ServerFailure { .. })
                | CoreError::Api(ApiError::UnexpectedSuccessBody { changes: true, .. })
                | CoreError::Transport(TransportError::DeliveryUnknown { .. })
                | CoreError::Execution(ExecutionError::CoreFailed)
        )
    }

    /// A stable identifier for tests and for users filtering error items.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Setup(err) => match err {
                SetupError::MissingEnvironment { .. } => "missing_environment",
                SetupError::MissingAccessToken => "missing_access_token",
                SetupError::MissingAppSecret => "missing_app_secret",
                SetupError::MalformedAccessToken => "malformed_access_token",
                SetupError::MalformedAppSecret => "malformed_app_secret",
                SetupError::InvalidApiVersion { .. } => "invalid_api_version",
                SetupError::InvalidBaseUrl { .. } => "invalid_base_url",
                SetupError::InvalidLoginType { .. } => "invalid_login_type",
                SetupError::InvalidPageId => "invalid_page_id",
                SetupError::UnknownOperation { .. } => "unknown_operation",
                SetupError::BadCall { .. } => "bad_call",
            },
            CoreError::Input(InputError::InvalidField { field, .. }) => field.error_code,
            CoreError::Input(InputError::ParameterUnavailable { .. }) => "parameter_unavailable",
            CoreError::Api(err) => match err {
                ApiError::Graph { .. } => "api_error",
                ApiError::UnreadableErrorBody { .. } => "unreadable_error_body",
                ApiError::ServerFailure { .. } => "delivery_unknown",
                ApiError::UnexpectedSuccessBody { .. } => "unexpected_success_body",
            },
            CoreError::Transport(TransportError::NotSent { .. }) => "transport_error",
            CoreError::Transport(TransportError::DeliveryUnknown { .. }) => "delivery_unknown",
            CoreError::Transport(TransportError::NoAnswer { .. }) => "transport_error",
            CoreError::Transport(TransportError::FileUnreadable { .. }) => "file_unreadable",
            CoreError::Execution(ExecutionError::NotSent) => "not_sent",
            CoreError::Execution(ExecutionError::CoreFailed | ExecutionError::CoreFailedBeforeSending) => "core_trap",
        }
    }

    /// The message n8n shows. Never contains a secret: secrets are not stored in errors,
    /// and text that came from outside is redacted before it gets here.
    pub fn message(&self) -> String {
        match self {
            CoreError::Setup(err) => setup_message(err),
            CoreError::Input(InputError::InvalidField { field, problem }) => format!("{} {problem}", field.label),
            CoreError::Input(InputError::ParameterUnavailable { parameter, reason }) => {
                format!("Could not read the parameter {}: {reason}", quote_for_message(parameter))
            }
            CoreError::Api(err) => api_message(err),
            CoreError::Transport(TransportError::NotSent { reason }) => format!("Could not reach the Graph API: {reason}"),
            CoreError::Transport(TransportError::DeliveryUnknown { reason }) => delivery_unknown_message(reason),
            CoreError::Transport(TransportError::NoAnswer { reason }) => format!("No answer from the Graph API: {reason}"),
            CoreError::Transport(TransportError::FileUnreadable { reason }) => {
                format!("Could not read the file to upload: {reason}; the message was not sent")
            }
            CoreError::Execution(ExecutionError::NotSent) => {
                "Not sent: the execution stopped before this message was sent".into()
            }
            CoreError::Execution(ExecutionError::CoreFailed) => "Internal error in the Instagram node core while \
                 reading the response; the message may or may not have been sent. Please report this."
                .into(),
            CoreError::Execution(ExecutionError::CoreFailedBeforeSending) => "Internal error in the Instagram \
                 node core while preparing the request; nothing was sent. Please report this."
                .into(),
        }
    }

    /// What went wrong, in a word that stays stable for workflows and AI agents to branch
    /// on: Meta's errors by what they mean (the hint table's reasons), the rest by [`code`](Self::code).
    pub fn reason(&self) -> &'static str {
        match self {
            CoreError::Api(ApiError::Graph { graph, .. }) => graph.reason(),
            other => other.code(),
        }
    }

    /// A short, actionable hint, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            CoreError::Api(ApiError::Graph { graph, .. }) => graph.hint().map(str::to_string),
            CoreError::Transport(TransportError::FileUnreadable { .. }) => Some(
                "n8n no longer holds this item's file (it may have been pruned from its binary data \
                 storage): run the node that produces the file again, in the same execution"
                    .into(),
            ),
            CoreError::Setup(SetupError::InvalidBaseUrl { .. }) => Some(
                "Use https://graph.facebook.com for Facebook Login tokens or \
                 https://graph.instagram.com for Instagram Login tokens"
                    .into(),
            ),
            _ => None,
        }
    }

    pub fn field(&self) -> Option<&'static Field> {
        match self {
            CoreError::Input(InputError::InvalidField { field, .. }) => Some(field),
            _ => None,
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            CoreError::Api(
                ApiError::Graph { status, .. }
                | ApiError::UnreadableErrorBody { status, .. }
                | ApiError::ServerFailure { status, .. }
                | ApiError::UnexpectedSuccessBody { status, .. },
            ) => Some(*status),
            _ => None,
        }
    }

    pub fn graph(&self) -> Option<&GraphError> {
        match self {
            CoreError::Api(ApiError::Graph { graph, .. }) => Some(graph),
            _ => None,
        }
    }
}

fn setup_message(err: &SetupError) -> String {
    match err {
        SetupError::MissingEnvironment { variable, min_len, found_len } => {
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
        SetupError::MissingAccessToken => "Access token is required".into(),
        SetupError::MissingAppSecret => "App Secret is required for server-side API calls".into(),
        SetupError::MalformedAccessToken => "Access token contains characters a token cannot have \
             (spaces, line breaks or other non-printable characters inside it); paste the \
             token again"
            .into(),
        SetupError::MalformedAppSecret => "App Secret contains characters an app secret cannot have \
             (spaces, line breaks or other non-printable characters inside it); paste it again"
            .into(),
        SetupError::InvalidApiVersion { got } => format!(
            "API Version must look like v18.0 (the letter v, a major and a minor number); got {}",
            quote_for_message(got)
        ),
        SetupError::InvalidBaseUrl { reason } => {
            format!("Base URL must be an http(s) address such as https://graph.facebook.com: {reason}")
        }
        SetupError::InvalidLoginType { got } => format!(
            "Login Type must be auto, facebook or instagram; got {}",
            quote_for_message(got)
        ),
        SetupError::InvalidPageId => {
            "Page ID must be the Facebook Page's numeric ID (digits only), or empty to read it from the token".into()
        }
        SetupError::UnknownOperation { got } => format!(
            "Unknown operation {}; this node supports {}",
            quote_for_message(got),
            crate::operations::supported_names()
        ),
        SetupError::BadCall { reason } => format!("Internal error in the Instagram node: {reason}"),
    }
}

fn api_message(err: &ApiError) -> String {
    match err {
        ApiError::Graph { graph, .. } => format!("API Error: {}", graph.message),
        ApiError::UnreadableErrorBody { status, body } => format!(
            "API Error: Meta answered HTTP {status} with {} instead of a Graph API error",
            body.describe()
        ),
        ApiError::ServerFailure { status, body } => {
            delivery_unknown_message(&format!("Meta answered HTTP {status} with {}", body.describe()))
        }
        ApiError::UnexpectedSuccessBody { status, body, expected, changes } => {
            let mut message =
                format!("API Error: Meta answered HTTP {status} with {} instead of {}", body.describe(), expected.describe());
            if *changes {
                message.push_str("; the message may or may not have been sent");
            }
            message
        }
    }
}

fn delivery_unknown_message(reason: &str) -> String {
    format!(
        "Delivery unknown: {reason}. The message may or may not have been sent, so it was \
         not sent again; check the conversation before retrying, or enable the option \
         {RETRY_UNKNOWN_OPTION_LABEL}"
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_displays_as_its_message() {
        let error = CoreError::Setup(SetupError::MissingAccessToken);
        assert_eq!(error.to_string(), error.message());
        assert!(!error.to_string().is_empty());
    }
}
