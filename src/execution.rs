//! One node execution, as the wrapper drives it. The same API serves the node (through
//! the wasm boundary), the Rust tests, the property tests and the fuzz target:
//!
//! 1. [`Execution::start`] takes everything the wrapper gathered (operation, credential,
//!    environment value, clock, options, every item's parameters) in one call, checks the
//!    set-up, computes the proof once and validates every item.
//! 2. [`Execution::plan`] says which items are refused, and why; [`Execution::request`]
//!    gives a valid item's first request.
//! 3. [`Execution::settle`] reads one [`Answer`] (Meta's response, or the transport failure
//!    that replaced it) into a [`Verdict`]: done (with the output items), a next request
//!    (with the output items so far), retry after a wait, or failed (with the error item).
//! 4. [`Execution::abandon`] gives the error item of an item that was never settled.
//!
//! After `start`, the execution never changes: every answer carries what the core needs
//! (the attempt, the step), and output items go to the wrapper as they settle. A fresh
//! instance started from the same input answers every later call the same way.

use crate::api_version;
use crate::clock::iso8601;
use crate::credentials::{Credentials, RawCredentials};
use crate::environment::{check_meta_uuid, META_UUID_VARIABLE};
use crate::graph_error;
use crate::error::{ApiError, CoreError, ExecutionError, InputError, SetupError, TransportError};
use crate::operations::{self, Accepted, Context, Expectation, ItemParams, OperationSpec, ParamsError, Planned, Step};
use crate::output::{ErrorReport, Identity, OrderedObject, OutputContext, OutputItem};
use crate::output_schema::SKIPPED_FIELD;
use crate::proof::AppSecretProof;
use crate::redact::Redactor;
use crate::request::{rate_caps, HttpRequest, RateCap};
use crate::response::{self, Reading};
use crate::retry::{self, Decision, FailureClass, RetryPolicy, WaitAdvice};
use crate::validate::ParamValue;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Everything one execution needs, gathered by the wrapper in a single pass.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartInput<'a> {
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    credentials: RawCredentials,
    /// The variables [`crate::environment::REQUIRED`] names, as the n8n process has them.
    #[serde(default)]
    environment: std::collections::HashMap<String, Option<String>>,
    #[serde(default)]
    started_at: String,
    #[serde(default)]
    retry: RetryPolicy,
    #[serde(borrow, default)]
    items: Vec<&'a RawValue>,
}

/// Meta's answer to one request, or the transport failure that took its place.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Answer {
    /// The input item the request was for.
    pub index: u32,
    /// How many times this request has been sent, this one included (1 on the first send).
    pub attempt: u32,
    /// The step the request belonged to (`None`: the item's first request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<HttpResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<TransportFailure>,
    /// The wrapper's clock when the answer arrived (ms since the Unix epoch).
    pub now_ms: f64,
    /// A number in [0, 1) from the wrapper, for retry jitter.
    pub random: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpResponse {
    pub status: u16,
    /// The response headers the core reads ([`response::RELEVANT_HEADERS`]); others are ignored.
    pub headers: Map<String, Value>,
    pub body: String,
}

/// A request that got no HTTP response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TransportFailure {
    /// The client's error code: `ECONNREFUSED`, `ETIMEDOUT`, `ECONNRESET`, ...
    pub code: String,
    /// The client's error text (redacted before it is shown).
    pub message: String,
}

/// What the core decided about one answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Verdict {
    /// The item is done: its output items, usually one.
    #[serde(rename_all = "camelCase")]
    Done { outputs: Vec<OutputItem>, usage_percent: Option<f64> },
    /// Output items so far, and the next request for the same item; its answer carries `step`.
    #[serde(rename_all = "camelCase")]
    Next { outputs: Vec<OutputItem>, request: HttpRequest, step: Step, usage_percent: Option<f64> },
    /// Send the same request again after `after_ms`; `pause_all`: every request waits.
    #[serde(rename_all = "camelCase")]
    Retry { after_ms: u64, pause_all: bool, reason: String, usage_percent: Option<f64> },
    /// The item failed: the error item, and what the wrapper raises without Continue On Fail.
    #[serde(rename_all = "camelCase")]
    Failed { error: ErrorReport, usage_percent: Option<f64> },
}

impl Verdict {
    /// The verdict as the wrapper reads it: JSON text, ASCII only, the same text serde
    /// writes. The common verdict, done, is written directly around its output items.
    pub fn to_json(&self) -> String {
        match self {
            Verdict::Done { outputs, usage_percent } => {
                let mut json = String::with_capacity(64 + outputs.iter().map(|o| o.json().len() + 1).sum::<usize>());
                json.push_str(r#"{"outcome":"done","outputs":["#);
                for (i, output) in outputs.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    json.push_str(output.json());
                }
                json.push_str(r#"],"usagePercent":"#);
                json.push_str(&serde_json::to_string(usage_percent).expect("numbers serialise"));
                json.push('}');
                json
            }
            other => crate::output::to_ascii_json(other),
        }
    }
}

/// Which items the execution refuses, and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Set when nothing can be sent (environment, credential, operation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_error: Option<ErrorReport>,
    /// Each refused item and its error, in input order; every other item has a request.
    pub refused: Vec<Refusal>,
    pub item_count: u32,
    /// Meta's limit per rate class for the credential's login type (none after a set-up error).
    pub rate_caps: Vec<RateCap>,
    /// What the node's output pane says besides the items: an API version past its end.
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    pub index: u32,
    pub error: ErrorReport,
}

/// Why an item was never settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Abandoned {
    /// The execution stopped (cancelled, or after a failure) before the item was sent.
    NotSent,
    /// The core failed (a WebAssembly trap) while reading the item's answer.
    CoreFailed,
    /// The core failed while preparing the item's request: nothing was sent.
    CoreFailedBeforeSending,
}

struct Setup {
    credentials: Credentials,
    redactor: Redactor,
    output: OutputContext,
    retry: RetryPolicy,
}

pub struct Execution {
    operation: Option<&'static OperationSpec>,
    timestamp: String,
    setup: Result<Setup, CoreError>,
    items: Vec<Result<Box<dyn Planned>, CoreError>>,
    /// What identifies each item in its error item (its person, comment or thread).
    identities: Vec<Identity>,
}

/// The fields that identify an item's person or thread, in the order an error item shows them.
const IDENTIFYING_FIELDS: [&str; 3] = ["userId", "commentId", "conversationId"];

/// The identifying fields `operation` reads, as the item gave them (text, shortened, secrets
/// taken out), so a failed item says whom it was for even when the value was invalid.
fn identity_of(operation: &OperationSpec, raw: &RawValue, redactor: &Redactor) -> Identity {
    let Ok(params) = ItemParams::from_raw(raw) else { return Identity::default() };
    let mut identity = Vec::new();
    for name in IDENTIFYING_FIELDS {
        if !operation.fields.iter().any(|field| field.name == name) {
            continue;
        }
        let text = match params.get(name) {
            ParamValue::Value(Value::String(text)) => text,
            ParamValue::Value(Value::Number(number)) => number.to_string(),
            _ => continue,
        };
        identity.push((name, short_id(&redactor.clean(&text))));
    }
    Identity(identity)
}

fn short_id(text: &str) -> String {
    const MAX: usize = 100;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

impl Execution {
    /// Never fails: a malformed call becomes a set-up error every item reports.
    pub fn start(input: &str) -> Execution {
        let parsed: StartInput = match serde_json::from_str(input) {
            Ok(parsed) => parsed,
            Err(err) => {
                // Keep one refusal per item even when another field is malformed.
                #[derive(Deserialize)]
                struct ItemsOnly<'a> {
                    #[serde(borrow, default)]
                    items: Vec<&'a RawValue>,
                }
                let count = serde_json::from_str::<ItemsOnly>(input).map_or(0, |i| i.items.len());
                let error: CoreError =
                    SetupError::BadCall { reason: format!("the execution input is not valid: {err}") }.into();
                return Execution {
                    operation: None,
                    timestamp: String::new(),
                    items: (0..count).map(|_| Err(error.clone())).collect(),
                    identities: vec![Identity::default(); count],
                    setup: Err(error),
                };
            }
        };
        let operation = operations::find(parsed.resource.as_deref(), parsed.operation.as_deref().unwrap_or(""));
        let checked = operation.clone().map_err(CoreError::from).and_then(|operation| {
            check_meta_uuid(parsed.environment.get(META_UUID_VARIABLE).and_then(|v| v.as_deref()))?;
            let credentials = parsed.credentials.check()?;
            Ok((operation, credentials))
        });
        let (operation, credentials) = match checked {
            Ok(found) => found,
            Err(error) => {
                // Whatever the credential holds stays out of the identities too.
                let raw_secret = |value: &Option<Value>| value.as_ref().and_then(Value::as_str).unwrap_or("").trim().to_string();
                let secrets = [raw_secret(&parsed.credentials.access_token), raw_secret(&parsed.credentials.app_secret)];
                let redactor = Redactor::new(secrets.iter().map(String::as_str));
                let identities = match operation {
                    Ok(spec) => parsed.items.iter().map(|raw| identity_of(spec, raw, &redactor)).collect(),
                    Err(_) => vec![Identity::default(); parsed.items.len()],
                };
                return Execution {
                    operation: operation.ok(),
                    timestamp: parsed.started_at,
                    items: parsed.items.iter().map(|_| Err(error.clone())).collect(),
                    identities,
                    setup: Err(error),
                };
            }
        };
        let proof = AppSecretProof::compute(&credentials.app_secret, &credentials.access_token);
        let redactor =
            Redactor::new([credentials.access_token.as_str(), credentials.app_secret.as_str(), proof.as_query_value()]);
        let items = refuse_repeats(parsed.items.iter().map(|raw| plan_item(operation, raw, &credentials, &redactor)).collect());
        let identities = parsed.items.iter().map(|raw| identity_of(operation, raw, &redactor)).collect();
        let output = OutputContext { timestamp: parsed.started_at.clone(), proof_shown: proof.truncated() };
        // retry::decide holds the retries to retry::MAX_MAX_RETRIES, whatever the option says.
        let retry = parsed.retry;
        Execution {
            operation: Some(operation),
            timestamp: parsed.started_at,
            setup: Ok(Setup { credentials, redactor, output, retry }),
            items,
            identities,
        }
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// The set-up error and every refused item.
    pub fn plan(&self) -> Plan {
        let refused = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| {
                item.as_ref().err().map(|error| Refusal { index: index as u32, error: self.report(index, error, None) })
            })
            .collect();
        Plan {
            setup_error: self.setup.as_ref().err().map(|error| self.report(usize::MAX, error, None)),
            refused,
            item_count: self.items.len() as u32,
            rate_caps: self.setup.as_ref().map_or_else(|_| Vec::new(), |setup| rate_caps(setup.credentials.login_type)),
            notices: self
                .setup
                .as_ref()
                .ok()
                .and_then(|setup| api_version::ended(&setup.credentials.api_version, &self.timestamp))
                .map(|ended| ended.message)
                .into_iter()
                .collect(),
        }
    }

    /// Item `index`'s first request, or its refusal.
    pub fn request(&self, index: usize) -> Result<HttpRequest, ErrorReport> {
        let (setup, planned) = self.planned(index)?;
        Ok(planned.request(&self.context(setup)))
    }

    /// Reads one answer into a verdict.
    pub fn settle(&self, answer: &Answer) -> Verdict {
        let (setup, planned) = match self.planned(answer.index as usize) {
            Ok(found) => found,
            Err(error) => return Verdict::Failed { error, usage_percent: None },
        };
        let spec = self.operation.expect("a planned item has an operation");
        let ctx = self.context(setup);
        let expects = planned
            .expects(answer.step.as_ref(), &ctx)
            .unwrap_or(Expectation { answer: spec.answer, changes: spec.changes });
        match (&answer.response, &answer.failure) {
            (Some(response), _) => self.read_response(expects, setup, planned, answer, response),
            (None, Some(failure)) => self.read_failure(expects, setup, answer, failure),
            (None, None) => Verdict::Failed {
                error: self.report(
                    answer.index as usize,
                    &SetupError::BadCall { reason: "an answer needs a response or a failure".into() }.into(),
                    None,
                ),
                usage_percent: None,
            },
        }
    }

    /// The output item of an item not sent because an earlier run already sent it (the
    /// wrapper found its Skip If Sent Before key in n8n's database): `success`, `operation`,
    /// what identifies it, `skipped`, `timestamp`, `nodeVersion`.
    pub fn skipped(&self, index: usize) -> OutputItem {
        let mut item = OrderedObject::new();
        item.push("success", Value::Bool(true));
        item.push("operation", Value::from(self.operation.map_or("unknown", |spec| spec.name)));
        for (name, value) in self.identities.get(index).map(|identity| identity.0.as_slice()).unwrap_or_default() {
            item.push(name, Value::from(value.as_str()));
        }
        item.push(SKIPPED_FIELD, Value::Bool(true));
        item.push("timestamp", Value::from(self.timestamp.as_str()));
        item.push("nodeVersion", Value::from(crate::NODE_VERSION));
        OutputItem::new(&item)
    }

    /// The error item of an item that was never settled.
    pub fn abandon(&self, index: usize, why: Abandoned) -> ErrorReport {
        match self.planned(index) {
            Err(refusal) => refusal,
            Ok(_) => {
                let error = match why {
                    Abandoned::NotSent => ExecutionError::NotSent,
                    Abandoned::CoreFailed => ExecutionError::CoreFailed,
                    Abandoned::CoreFailedBeforeSending => ExecutionError::CoreFailedBeforeSending,
                };
                self.report(index, &error.into(), Some(false))
            }
        }
    }

    fn read_response(
        &self,
        expects: Expectation,
        setup: &Setup,
        planned: &dyn Planned,
        answer: &Answer,
        response: &HttpResponse,
    ) -> Verdict {
        let (advice, pressure) = response::read_headers(&response.headers);
        let usage_percent = pressure.usage_percent;
        match response::read(response.status, &response.body, expects.answer, expects.changes, &setup.redactor) {
            Reading::Succeeded(success) => {
                let now = iso8601(answer.now_ms);
                match planned.accepted(success, answer.step.as_ref(), &now, &self.context(setup)) {
                    Accepted::Done(outputs) => Verdict::Done { outputs, usage_percent },
                    Accepted::Next { outputs, request, step } => Verdict::Next { outputs, request, step, usage_percent },
                    Accepted::Failed(error) => {
                        Verdict::Failed { error: self.report(answer.index as usize, &error, Some(false)), usage_percent }
                    }
                }
            }
            Reading::Failed { error, class } => {
                let mut verdict = self.decide(setup, error, class, answer, &advice);
                set_usage(&mut verdict, usage_percent);
                verdict
            }
        }
    }

    fn read_failure(&self, expects: Expectation, setup: &Setup, answer: &Answer, failure: &TransportFailure) -> Verdict {
        // Redact before shortening: a cut through a secret would leave its start unrecognised.
        let detail = short(&setup.redactor.clean(&failure.message));
        let code_shown = short(&setup.redactor.clean(&failure.code));
        let (error, class): (CoreError, _) = match transport_class(&failure.code) {
            _ if failure.code == FILE_UNREADABLE_CODE => {
                (TransportError::FileUnreadable { reason: detail }.into(), FailureClass::Permanent)
            }
            class @ (FailureClass::NotAccepted | FailureClass::Permanent) => (
                TransportError::NotSent { reason: format!("{detail} ({code_shown}); the message was not sent") }.into(),
                class,
            ),
            // Nothing changes at Meta, so asking again is safe.
            _ if !expects.changes => (
                TransportError::NoAnswer { reason: format!("{detail} ({code_shown})") }.into(),
                FailureClass::NotAccepted,
            ),
            class => (
                TransportError::DeliveryUnknown {
                    reason: format!("the connection failed after the request was sent: {detail} ({code_shown})"),
                }
                .into(),
                class,
            ),
        };
        self.decide(setup, error, class, answer, &WaitAdvice::default())
    }

    fn decide(&self, setup: &Setup, error: CoreError, class: FailureClass, answer: &Answer, advice: &WaitAdvice) -> Verdict {
        match retry::decide(class, answer.attempt, &setup.retry, advice, answer.random) {
            Decision::Retry { after_ms, pause_all } => {
                Verdict::Retry { after_ms, pause_all, reason: error.message(), usage_percent: None }
            }
            Decision::GiveUp { wait_ms } => {
                let retryable = matches!(class, FailureClass::RateLimited | FailureClass::NotAccepted);
                let mut report = self.report(answer.index as usize, &error, Some(retryable));
                if let Some(wait_ms) = wait_ms {
                    let note = format!(
                        "Meta asks to wait about {} minute(s) before sending again; the node waits at most {} seconds.",
                        wait_ms.div_ceil(60_000),
                        retry::MAX_WAIT_MS / 1000
                    );
                    report.hint = Some(match report.hint.take() {
                        Some(hint) => format!("{hint} {note}"),
                        None => note,
                    });
                    report.item.hint = report.hint.clone();
                }
                Verdict::Failed { error: report, usage_percent: None }
            }
        }
    }

    fn context<'a>(&self, setup: &'a Setup) -> Context<'a> {
        Context { credentials: &setup.credentials, output: &setup.output }
    }

    fn planned(&self, index: usize) -> Result<(&Setup, &dyn Planned), ErrorReport> {
        let setup = self.setup.as_ref().map_err(|err| self.report(index, err, None))?;
        match self.items.get(index) {
            Some(Ok(planned)) => Ok((setup, planned.as_ref())),
            Some(Err(err)) => Err(self.report(index, err, None)),
            None => Err(self.report(
                index,
                &SetupError::BadCall { reason: format!("item {index} does not exist ({} items)", self.items.len()) }
                    .into(),
                None,
            )),
        }
    }

    /// The error report of item `index` (out of range: the execution's own, with no identity).
    fn report(&self, index: usize, error: &CoreError, retryable: Option<bool>) -> ErrorReport {
        let operation = self.operation.map_or("unknown", |spec| spec.name);
        let identity = self.identities.get(index).cloned().unwrap_or_default();
        let mut report = ErrorReport::new(error, operation, identity, &self.timestamp, retryable);
        if let (graph_error::OUTSIDE_WINDOW, Some(spec)) = (report.reason, self.operation) {
            report.hint = Some(graph_error::outside_window_hint(window_kind(spec)).to_string());
            report.item.hint = report.hint.clone();
        }
        // A token on the other login type's host: Meta's error, and the fix by name.
        if let (CoreError::Api(ApiError::Graph { graph, .. }), Ok(setup)) = (error, &self.setup) {
            if let Some(hint) = crate::credentials::wrong_host_hint(&setup.credentials, graph.code, graph.subcode) {
                report.hint = Some(hint);
                report.item.hint = report.hint.clone();
            }
        }
        report
    }
}

/// What `operation` can do about the messaging window: tagged, a private reply, or neither.
fn window_kind(operation: &OperationSpec) -> graph_error::WindowKind {
    if operation.fields.iter().any(|field| field.name == crate::fields::COMMENT_ID.name) {
        graph_error::WindowKind::PrivateReply
    } else if operation.fields.iter().any(|field| field.name == crate::fields::TAG.name) {
        graph_error::WindowKind::Taggable
    } else {
        graph_error::WindowKind::Untagged
    }
}

/// Refuses every item that repeats an earlier item's once-per-run value (a comment's one
/// private reply): the first is sent, the repeats never are.
fn refuse_repeats(mut items: Vec<Result<Box<dyn Planned>, CoreError>>) -> Vec<Result<Box<dyn Planned>, CoreError>> {
    let mut first: HashMap<(&'static str, String), usize> = HashMap::new();
    for (index, item) in items.iter_mut().enumerate() {
        let Some((field, value)) = item.as_ref().ok().and_then(|planned| planned.once_per_run()) else { continue };
        let value = value.to_string();
        if let Some(&earlier) = first.get(&(field.name, value.clone())) {
            *item = Err(InputError::InvalidField {
                field,
                problem: format!(
                    "is the same as item {earlier}'s: Instagram takes one private reply per comment, so only item {earlier} is sent"
                ),
            }
            .into());
        } else {
            first.insert((field.name, value), index);
        }
    }
    items
}

fn plan_item(
    operation: &OperationSpec,
    raw: &RawValue,
    credentials: &Credentials,
    redactor: &Redactor,
) -> Result<Box<dyn Planned>, CoreError> {
    let params = ItemParams::from_raw(raw).map_err(|err| match err {
        ParamsError::NotAnObject => CoreError::from(SetupError::BadCall {
            reason: "each item must be a JSON object of parameters".to_string(),
        }),
        ParamsError::Unavailable(crate::error::InputError::ParameterUnavailable { parameter, reason }) => {
            // n8n's expression errors can quote anything the expression touched. Redact
            // before shortening: a cut through a secret would leave its start unrecognised.
            // The wrapper names the field it was reading; the message names it as n8n shows it.
            let label = operation.fields.iter().find(|field| field.name == parameter).map(|field| field.label);
            crate::error::InputError::ParameterUnavailable {
                parameter: label.map_or_else(|| redactor.clean(&parameter), str::to_string),
                reason: short(&redactor.clean(&reason)),
            }
            .into()
        }
        ParamsError::Unavailable(other) => other.into(),
    })?;
    (operation.plan)(&params, credentials).map_err(CoreError::from)
}


fn set_usage(verdict: &mut Verdict, usage: Option<f64>) {
    match verdict {
        Verdict::Done { usage_percent, .. }
        | Verdict::Next { usage_percent, .. }
        | Verdict::Retry { usage_percent, .. }
        | Verdict::Failed { usage_percent, .. } => *usage_percent = usage,
    }
}

/// Error codes meaning the request never left this machine.
const NOT_SENT_CODES: [&str; 6] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];
/// Error codes meaning the request can never be sent as it is.
const NEVER_SENDABLE_CODES: [&str; 4] = ["ERR_INVALID_URL", "ERR_INVALID_ARG_TYPE", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED"];
/// The failure code the wrapper reports when it could not read an item's file for a
/// multipart body: nothing left.
pub const FILE_UNREADABLE_CODE: &str = "ERR_BINARY_DATA";

fn transport_class(code: &str) -> FailureClass {
    if NOT_SENT_CODES.contains(&code) {
        FailureClass::NotAccepted
    } else if NEVER_SENDABLE_CODES.contains(&code) {
        FailureClass::Permanent
    } else {
        // ECONNRESET, ETIMEDOUT, ECONNABORTED, socket hang up, anything unknown: the request
        // may have been written and processed.
        FailureClass::DeliveryUnknown
    }
}

/// Client error texts can be long (a whole request dump); keep the start.
fn short(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
