//! One node execution, as a state machine the wrapper drives:
//!
//! 1. [`Execution::start`] takes everything the wrapper gathered (operation, credential,
//!    environment value, clock, options, every item's parameters) in one call, checks the
//!    setup, computes the proof once and plans every item.
//! 2. [`Execution::plan_json`] hands back, per item, the request to send or the refusal.
//! 3. For each response, [`Execution::settle_response`] (or, when no response came,
//!    [`Execution::settle_transport_failure`]) says: sent (with the output item), retry
//!    after a wait, or failed (with the error item).

use crate::credentials::{Credentials, RawCredentials};
use crate::environment::{check_meta_uuid, META_UUID_VARIABLE};
use crate::error::CoreError;
use crate::operations::{ItemParams, Operation, Planned};
use crate::output::{to_ascii_json, ErrorReport, OutputContext};
use crate::proof::AppSecretProof;
use crate::redact::Redactor;
use crate::response::{self, Reading};
use crate::retry::{self, Decision, FailureClass, RetryPolicy, WaitAdvice};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::cell::RefCell;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartInput<'a> {
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

struct Setup {
    credentials: Credentials,
    redactor: Redactor,
    context: OutputContext,
    retry: RetryPolicy,
}

pub struct Execution {
    operation_name: &'static str,
    timestamp: String,
    setup: Result<Setup, CoreError>,
    items: Vec<Result<Planned, CoreError>>,
    /// Each item's final outcome, as its output item (JSON), once settled.
    outcomes: RefCell<Vec<Option<String>>>,
}

/// What settling one response decided.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Meta accepted the message; `item` is the success output item (JSON).
    Sent { item: String },
    /// Send the same request again after `after_ms`; `pause_all`: everyone waits.
    Retry { after_ms: u64, pause_all: bool, reason: String },
    /// Final failure; the report carries the error output item.
    Failed { report: ErrorReport },
}

/// A verdict and Meta's usage report (for adaptive slowdown), if the response had one.
#[derive(Debug, Clone)]
pub struct Settled {
    pub verdict: Verdict,
    pub usage_percent: Option<f64>,
}

/// The plan in the form that crosses the JavaScript boundary cheaply: the request every
/// item shares, and each item's body on its own line (JSON text never holds a raw line
/// break); refused items have an empty line and an entry in `refused`.
pub struct CompactPlan {
    pub setup_error: Option<String>,
    pub endpoint: Option<String>,
    pub bodies: String,
    pub refused: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    setup_error: Option<ErrorReport>,
    items: Vec<ItemPlan>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum ItemPlan {
    Send(crate::request::HttpRequest),
    Refused(ErrorReport),
}

impl Execution {
    /// Never fails: a malformed call becomes a setup error every item reports.
    pub fn start(input: &str) -> Execution {
        let parsed: StartInput = match serde_json::from_str(input) {
            Ok(parsed) => parsed,
            Err(err) => {
                let err = CoreError::BadCall { reason: format!("unreadable execution input: {err}") };
                // Every input item still gets its (failed) plan, so output stays paired with
                // input even when another field (credential, options) is malformed.
                #[derive(Deserialize)]
                struct ItemsOnly<'a> {
                    #[serde(borrow, default)]
                    items: Vec<&'a RawValue>,
                }
                let item_count = serde_json::from_str::<ItemsOnly>(input).map_or(0, |only| only.items.len());
                return Execution {
                    operation_name: "unknown",
                    timestamp: String::new(),
                    items: (0..item_count).map(|_| Err(err.clone())).collect(),
                    setup: Err(err),
                    outcomes: RefCell::new(vec![None; item_count]),
                };
            }
        };
        let operation = Operation::from_name(parsed.operation.as_deref().unwrap_or(""));
        let operation_name = operation.as_ref().map(|op| op.name()).unwrap_or("unknown");
        let setup = operation.and_then(|operation| {
            check_meta_uuid(parsed.environment.get(META_UUID_VARIABLE).and_then(|v| v.as_deref()))?;
            let credentials = parsed.credentials.check()?;
            Ok((operation, credentials))
        });
        let (setup, items) = match setup {
            Err(err) => (Err(err), Vec::new()),
            Ok((operation, credentials)) => {
                let proof = AppSecretProof::compute(&credentials.app_secret, &credentials.access_token);
                let redactor = Redactor::new([
                    credentials.access_token.as_str(),
                    credentials.app_secret.as_str(),
                    proof.as_query_value(),
                ]);
                let items = parsed
                    .items
                    .iter()
                    .map(|raw| {
                        ItemParams::from_raw(raw).and_then(|params| operation.plan(&params)).map_err(|err| match err {
                            // n8n's expression errors can quote anything the expression touched.
                            CoreError::ParameterUnavailable { parameter, reason } => CoreError::ParameterUnavailable {
                                parameter: redactor.clean(&parameter),
                                // Redact before shortening: a cut through a secret would
                                // otherwise leave its start unrecognised.
                                reason: short(&redactor.clean(&reason)),
                            },
                            other => other,
                        })
                    })
                    .collect();
                let context = OutputContext { timestamp: parsed.started_at.clone(), proof_shown: proof.truncated() };
                let retry = RetryPolicy {
                    max_retries: parsed.retry.max_retries.min(retry::MAX_MAX_RETRIES),
                    ..parsed.retry
                };
                (Ok(Setup { credentials, redactor, context, retry }), items)
            }
        };
        let item_count = parsed.items.len();
        let mut execution =
            Execution { operation_name, timestamp: parsed.started_at, setup, items, outcomes: RefCell::new(Vec::new()) };
        if execution.setup.is_err() {
            let err = execution.setup.as_ref().err().cloned().expect("checked");
            execution.items = (0..item_count).map(|_| Err(err.clone())).collect();
        }
        execution.outcomes = RefCell::new(vec![None; execution.items.len()]);
        execution
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    pub fn setup_error(&self) -> Option<&CoreError> {
        self.setup.as_ref().err()
    }

    /// The requests to send, one per item, or each item's refusal.
    pub fn plan_json(&self) -> String {
        let items = self
            .items
            .iter()
            .map(|item| match (item, &self.setup) {
                (Ok(planned), Ok(setup)) => ItemPlan::Send(planned.request(&setup.credentials)),
                (Err(err), _) | (_, Err(err)) => ItemPlan::Refused(self.report(err, None)),
            })
            .collect();
        let report = PlanReport {
            setup_error: self.setup.as_ref().err().map(|err| self.report(err, None)),
            items,
        };
        serde_json::to_string(&report).expect("plans always serialise")
    }

    /// The plan for the JavaScript boundary; see [`CompactPlan`].
    pub fn plan_compact(&self) -> CompactPlan {
        let mut bodies = String::new();
        let mut refused = Map::new();
        let mut endpoint = None;
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                bodies.push('\n');
            }
            match (item, &self.setup) {
                (Ok(planned), Ok(setup)) => {
                    let mut request = planned.request(&setup.credentials);
                    if let Some(body) = request.body.take() {
                        bodies.push_str(&body);
                    }
                    if endpoint.is_none() {
                        endpoint = Some(serde_json::to_string(&request).expect("requests serialise"));
                    }
                }
                (Err(err), _) | (_, Err(err)) => {
                    let report = serde_json::to_value(self.report(err, None)).expect("reports serialise");
                    refused.insert(index.to_string(), report);
                }
            }
        }
        CompactPlan {
            setup_error: self.setup.as_ref().err().map(|err| serde_json::to_string(&self.report(err, None)).expect("reports serialise")),
            endpoint,
            bodies,
            refused: Value::Object(refused).to_string(),
        }
    }

    /// Settles one item from Meta's response. `attempt` counts sends of this item so far
    /// (1 after the first); `now` is the wrapper's clock (ISO-8601) when the response
    /// arrived; `random` is in [0, 1), for jitter. A final verdict is recorded for
    /// [`Execution::outputs_json`].
    #[allow(clippy::too_many_arguments)]
    pub fn settle(&self, index: usize, attempt: u32, status: u16, headers_json: &str, body: &str, now: &str, random: f64) -> Settled {
        let (setup, planned) = match self.planned(index) {
            Ok(found) => found,
            Err(report) => return Settled { verdict: Verdict::Failed { report }, usage_percent: None },
        };
        let headers: Map<String, Value> =
            if headers_json == "{}" { Map::new() } else { serde_json::from_str(headers_json).unwrap_or_default() };
        let (advice, pressure) = response::read_headers(&headers);
        let verdict = match response::read(status, body, &setup.redactor) {
            Reading::Accepted { message_id, .. } => {
                Verdict::Sent { item: planned.success_item(&message_id, now, &setup.context) }
            }
            Reading::Failed { error, class } => self.decide(setup, error, class, attempt, &advice, random),
        };
        self.record(index, &verdict);
        Settled { verdict, usage_percent: pressure.usage_percent }
    }

    /// [`Execution::settle`], answered as JSON: `{"outcome":"sent","item"}`,
    /// `{"outcome":"retry","afterMs","pauseAll","reason"}` or `{"outcome":"failed","error"}`,
    /// each with `usagePercent` when Meta reported usage.
    #[allow(clippy::too_many_arguments)]
    pub fn settle_response(&self, index: usize, attempt: u32, status: u16, headers_json: &str, body: &str, now: &str, random: f64) -> String {
        settled_json(self.settle(index, attempt, status, headers_json, body, now, random))
    }

    /// Settles one item whose request got no response. `code` is the client's error code
    /// (`ECONNREFUSED`, `ETIMEDOUT`, ...), `message` its text (redacted here).
    pub fn settle_failure(&self, index: usize, attempt: u32, code: &str, message: &str, random: f64) -> Settled {
        let setup = match self.planned(index) {
            Ok((setup, _)) => setup,
            Err(report) => return Settled { verdict: Verdict::Failed { report }, usage_percent: None },
        };
        // Redact before shortening: a cut through a secret would leave its start unrecognised.
        let detail = short(&setup.redactor.clean(message));
        let code_shown = short(&setup.redactor.clean(code));
        let class = transport_class(code, message);
        let error = match class {
            FailureClass::NotAccepted | FailureClass::Permanent => {
                CoreError::Transport { reason: format!("{detail} ({code_shown}); the message was not sent") }
            }
            _ => CoreError::DeliveryUnknown {
                reason: format!("the connection failed after the request was sent: {detail} ({code_shown})"),
            },
        };
        let verdict = self.decide(setup, error, class, attempt, &WaitAdvice::default(), random);
        self.record(index, &verdict);
        Settled { verdict, usage_percent: None }
    }

    /// [`Execution::settle_failure`], answered as JSON like [`Execution::settle_response`].
    pub fn settle_transport_failure(&self, index: usize, attempt: u32, code: &str, message: &str, random: f64) -> String {
        settled_json(self.settle_failure(index, attempt, code, message, random))
    }

    /// One output item per input item, in input order, as a JSON array: the success item,
    /// the error item, or, for an item never settled (the execution stopped first), an
    /// error saying it was not sent.
    pub fn outputs_json(&self) -> String {
        let outcomes = self.outcomes.borrow();
        let mut out = String::with_capacity(outcomes.iter().map(|o| o.as_ref().map_or(160, String::len) + 1).sum::<usize>() + 2);
        out.push('[');
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            match (item, &outcomes[index]) {
                (Err(err), _) => out.push_str(&self.error_item_json(err)),
                (Ok(_), Some(settled)) => out.push_str(settled),
                (Ok(_), None) => out.push_str(&self.error_item_json(&CoreError::NotSent)),
            }
        }
        out.push(']');
        out
    }

    /// Settles item `index` as failed because the core itself failed (a WebAssembly trap)
    /// while reading its answer: the wrapper calls this on a fresh instance.
    pub fn settle_internal_failure(&self, index: usize) -> Settled {
        let verdict = match self.planned(index) {
            Ok(_) => Verdict::Failed { report: self.report(&CoreError::Internal, Some(false)) },
            Err(report) => Verdict::Failed { report },
        };
        self.record(index, &verdict);
        Settled { verdict, usage_percent: None }
    }

    fn error_item_json(&self, error: &CoreError) -> String {
        to_ascii_json(&self.report(error, None).item)
    }

    fn record(&self, index: usize, verdict: &Verdict) {
        let item = match verdict {
            Verdict::Sent { item } => item.clone(),
            Verdict::Failed { report } => to_ascii_json(&report.item),
            Verdict::Retry { .. } => return,
        };
        if let Some(slot) = self.outcomes.borrow_mut().get_mut(index) {
            *slot = Some(item);
        }
    }

    fn decide(&self, setup: &Setup, error: CoreError, class: FailureClass, attempt: u32, advice: &WaitAdvice, random: f64) -> Verdict {
        match retry::decide(class, attempt, &setup.retry, advice, random) {
            Decision::Retry { after_ms, pause_all } => Verdict::Retry { after_ms, pause_all, reason: error.message() },
            Decision::GiveUp { wait_ms } => {
                let retryable = matches!(class, FailureClass::RateLimited | FailureClass::NotAccepted);
                let mut report = self.report(&error, Some(retryable));
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
                Verdict::Failed { report }
            }
        }
    }

    fn planned(&self, index: usize) -> Result<(&Setup, &Planned), ErrorReport> {
        let setup = self.setup.as_ref().map_err(|err| self.report(err, None))?;
        match self.items.get(index) {
            Some(Ok(planned)) => Ok((setup, planned)),
            Some(Err(err)) => Err(self.report(err, None)),
            None => Err(self.report(
                &CoreError::BadCall { reason: format!("item {index} does not exist ({} items)", self.items.len()) },
                None,
            )),
        }
    }

    fn report(&self, error: &CoreError, retryable: Option<bool>) -> ErrorReport {
        ErrorReport::new(error, self.operation_name, &self.timestamp, retryable)
    }
}

/// The JSON form of a settlement (see [`Execution::settle_response`]).
fn settled_json(settled: Settled) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase", tag = "outcome")]
    enum Json<'a> {
        Sent {
            item: &'a RawValue,
            #[serde(rename = "usagePercent", skip_serializing_if = "Option::is_none")]
            usage_percent: Option<f64>,
        },
        #[serde(rename_all = "camelCase")]
        Retry {
            after_ms: u64,
            pause_all: bool,
            reason: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            usage_percent: Option<f64>,
        },
        Failed {
            error: &'a ErrorReport,
            #[serde(rename = "usagePercent", skip_serializing_if = "Option::is_none")]
            usage_percent: Option<f64>,
        },
    }
    let usage_percent = settled.usage_percent;
    let raw;
    let json = match &settled.verdict {
        Verdict::Sent { item } => {
            raw = RawValue::from_string(item.clone()).expect("output items are JSON");
            Json::Sent { item: &raw, usage_percent }
        }
        Verdict::Retry { after_ms, pause_all, reason } => {
            Json::Retry { after_ms: *after_ms, pause_all: *pause_all, reason, usage_percent }
        }
        Verdict::Failed { report } => Json::Failed { error: report, usage_percent },
    };
    serde_json::to_string(&json).expect("settlements always serialise")
}

/// Error codes meaning the request never left this machine.
const NOT_SENT_CODES: [&str; 6] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];
/// Error codes meaning the request can never be sent as it is.
const NEVER_SENDABLE_CODES: [&str; 4] = ["ERR_INVALID_URL", "ERR_INVALID_ARG_TYPE", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED"];

fn transport_class(code: &str, _message: &str) -> FailureClass {
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
