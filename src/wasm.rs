//! The JavaScript boundary. Values cross it as JavaScript objects: the core turns them
//! into JSON with the engine's own `JSON.stringify` (which escapes an unpaired surrogate
//! instead of replacing it, so the core can refuse it) and hands results back through
//! `JSON.parse`. One call plans every item of an execution.

use crate::clock::iso8601;
use crate::credentials::RawCredentials;
use crate::execution::{Execution as CoreExecution, Settled, Verdict};
use crate::proof::{AppSecretProof, Authorization};
use js_sys::JSON;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// `JSON.stringify` replacer writing each BigInt as its decimal digits (exact, like the
    /// text of a number). Without it one BigInt anywhere (an expression such as
    /// `{{ BigInt($json.id) }}` in one item) makes `JSON.stringify` throw for the whole
    /// input, and every item of the execution would be lost.
    static BIGINT_AS_DIGITS: Closure<dyn Fn(JsValue, JsValue) -> JsValue> =
        Closure::new(|_key: JsValue, value: JsValue| {
            if value.is_bigint() {
                value.unchecked_into::<js_sys::BigInt>().to_string(10).map(JsValue::from).unwrap_or(JsValue::NULL)
            } else {
                value
            }
        });
}

/// JSON text of any JavaScript value; `null` for what JSON cannot hold (undefined,
/// functions, cycles), which every reader then treats as missing. A BigInt becomes its
/// decimal digits.
fn to_json(value: &JsValue) -> String {
    if value.is_undefined() {
        return "null".to_string();
    }
    BIGINT_AS_DIGITS
        .with(|replacer| JSON::stringify_with_replacer(value, replacer.as_ref()))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "null".to_string())
}

fn from_json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// One node execution; see [`crate::execution`]. JavaScript must call `free()` when done.
///
/// It crosses the boundary as little as possible: `planCompact` once; per answer from Meta
/// `settle`/`settleFailure`, answering with a number; `outputs` once.
#[wasm_bindgen]
pub struct Execution {
    inner: CoreExecution,
    last: RefCell<Last>,
}

/// Details of the last verdict `settle`/`settleFailure` returned as a number.
#[derive(Default)]
struct Last {
    pause_all: bool,
    usage_percent: Option<f64>,
    reason: String,
    error: Option<String>,
}

/// `settle` answers: this code, or a wait in milliseconds (0 or more) before a resend.
pub const SETTLED_SENT: f64 = -1.0;
pub const SETTLED_FAILED: f64 = -2.0;

fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

#[wasm_bindgen]
impl Execution {
    /// `input`: `{operation, credentials, environment, startedAt, retry, items: [{...params}]}`.
    pub fn start(input: &JsValue) -> Execution {
        Execution { inner: CoreExecution::start(&to_json(input)), last: RefCell::default() }
    }

    /// `{setupError?, endpoint: {method, url, headers} | null, bodies: "b0\nb1\n…",
    /// refused: {"<index>": errorReport}}`: item i's body is line i (empty when refused).
    #[wasm_bindgen(js_name = planCompact)]
    pub fn plan_compact(&self) -> JsValue {
        let plan = self.inner.plan_compact();
        let out = js_sys::Object::new();
        if let Some(error) = &plan.setup_error {
            set(&out, "setupError", &from_json(error));
        }
        set(&out, "endpoint", &plan.endpoint.as_deref().map_or(JsValue::NULL, from_json));
        set(&out, "bodies", &JsValue::from_str(&plan.bodies));
        set(&out, "refused", &from_json(&plan.refused));
        out.into()
    }

    /// Settles item `index` from Meta's answer: [`SETTLED_SENT`], [`SETTLED_FAILED`]
    /// (details in `lastError`), or the wait in ms before resending (`lastPauseAll`:
    /// everyone waits). `headersJson`: the `relevantHeaders()` the response had, as JSON.
    /// `nowMs`: the clock when the answer arrived.
    #[allow(clippy::too_many_arguments)]
    pub fn settle(&self, index: u32, attempt: u32, status: u16, headers_json: &str, body: &str, now_ms: f64, random: f64) -> f64 {
        let settled = self.inner.settle(index as usize, attempt, status, headers_json, body, &iso8601(now_ms), random);
        self.remember(settled)
    }

    /// Settles item `index` after a request that got no answer (`code`: ECONNREFUSED,
    /// ETIMEDOUT, ...). Answers like `settle`.
    #[wasm_bindgen(js_name = settleFailure)]
    pub fn settle_failure(&self, index: u32, attempt: u32, code: &str, message: &str, random: f64) -> f64 {
        let settled = self.inner.settle_failure(index as usize, attempt, code, message, random);
        self.remember(settled)
    }

    /// Settles item `index` as failed because an earlier instance trapped on its answer.
    /// Answers like `settle` (always the failed code).
    #[wasm_bindgen(js_name = settleInternalFailure)]
    pub fn settle_internal_failure(&self, index: u32) -> f64 {
        let settled = self.inner.settle_internal_failure(index as usize);
        self.remember(settled)
    }

    #[wasm_bindgen(js_name = lastPauseAll)]
    pub fn last_pause_all(&self) -> bool {
        self.last.borrow().pause_all
    }

    /// Meta's usage report with the last answer, in percent; NaN when it had none.
    #[wasm_bindgen(js_name = lastUsagePercent)]
    pub fn last_usage_percent(&self) -> f64 {
        self.last.borrow().usage_percent.unwrap_or(f64::NAN)
    }

    /// Why the last answer asks for a resend.
    #[wasm_bindgen(js_name = lastReason)]
    pub fn last_reason(&self) -> String {
        self.last.borrow().reason.clone()
    }

    /// The error report of the last failure (`{kind, code, message, hint?, httpStatus?, item}`).
    #[wasm_bindgen(js_name = lastError)]
    pub fn last_error(&self) -> JsValue {
        self.last.borrow().error.as_deref().map_or(JsValue::NULL, from_json)
    }

    /// One output item per input item, in input order.
    pub fn outputs(&self) -> JsValue {
        from_json(&self.inner.outputs_json())
    }

    fn remember(&self, settled: Settled) -> f64 {
        let mut last = self.last.borrow_mut();
        last.usage_percent = settled.usage_percent;
        match settled.verdict {
            Verdict::Sent { .. } => SETTLED_SENT,
            Verdict::Retry { after_ms, pause_all, reason } => {
                last.pause_all = pause_all;
                last.reason = reason;
                after_ms as f64
            }
            Verdict::Failed { report } => {
                last.error = serde_json::to_string(&report).ok();
                SETTLED_FAILED
            }
        }
    }

    #[wasm_bindgen(js_name = itemCount)]
    pub fn item_count(&self) -> u32 {
        self.inner.item_count() as u32
    }

}

thread_local! {
    /// The last credential's proof: computed once per credential, not once per request.
    static LAST_PROOF: RefCell<Option<(String, String, AppSecretProof)>> = const { RefCell::new(None) };
}

fn proof_for(creds: &crate::credentials::Credentials) -> AppSecretProof {
    LAST_PROOF.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((token, secret, proof)) = &*cache {
            if *token == creds.access_token && *secret == creds.app_secret {
                return proof.clone();
            }
        }
        let proof = AppSecretProof::compute(&creds.app_secret, &creds.access_token);
        *cache = Some((creds.access_token.clone(), creds.app_secret.clone(), proof.clone()));
        proof
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum AuthorizeResult {
    Authorization(Authorization),
    Error { message: String, code: &'static str },
}

/// What the credential adds to a request: `{authorization: {headers, qs, graphBase}}`,
/// or `{error: {message, code}}` when the credential is incomplete.
#[wasm_bindgen]
pub fn authorize(credentials: &JsValue) -> JsValue {
    let raw: RawCredentials = serde_json::from_str(&to_json(credentials)).unwrap_or_default();
    let out = match raw.check() {
        Ok(creds) => AuthorizeResult::Authorization(Authorization::new(&creds, &proof_for(&creds))),
        Err(err) => AuthorizeResult::Error { message: err.message(), code: err.code() },
    };
    out.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// The package version the core was built as.
#[wasm_bindgen(js_name = nodeVersion)]
pub fn node_version() -> String {
    crate::NODE_VERSION.to_string()
}

/// The response headers the core reads (lower case, as Node names them); the wrapper
/// passes these, and only these, to `settle`.
#[wasm_bindgen(js_name = relevantHeaders)]
pub fn relevant_headers_names() -> Vec<String> {
    crate::response::RELEVANT_HEADERS.iter().map(|name| name.to_string()).collect()
}

/// The key under which the wrapper reports a parameter n8n could not evaluate.
#[wasm_bindgen(js_name = parameterErrorKey)]
pub fn parameter_error_key() -> String {
    crate::operations::PARAMETER_ERROR_KEY.to_string()
}

/// The environment variables the product requires; the wrapper reads exactly these.
#[wasm_bindgen(js_name = requiredEnvironment)]
pub fn required_environment() -> Vec<String> {
    crate::environment::REQUIRED.iter().map(|name| name.to_string()).collect()
}
