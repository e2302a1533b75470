//! The JavaScript boundary: a thin adapter over the same Rust API the tests drive
//! ([`crate::execution`], [`crate::catalog`], [`crate::proof`], [`crate::signature`]).
//! Values cross as JavaScript objects. Inputs become JSON with the engine's own
//! `JSON.stringify` (which escapes an unpaired surrogate instead of replacing it, so the
//! core can refuse it); results come back through `JSON.parse` of ASCII-only JSON text.
//! The shapes are the Rust types' serde forms; `js-wrapper/bridge/types.ts` describes
//! them, and a test checks the two agree.

use crate::credentials::RawCredentials;
use crate::execution::{Abandoned, Answer, Execution as CoreExecution, HttpResponse, TransportFailure};
use crate::output::to_ascii_json;
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

#[wasm_bindgen]
extern "C" {
    /// An `Answer` (types.d.ts), read through its getters. Each value is checked for its
    /// type here, so a wrong type reads as missing in every build.
    pub type AnswerObject;
    #[wasm_bindgen(method, getter)]
    fn index(this: &AnswerObject) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn attempt(this: &AnswerObject) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn step(this: &AnswerObject) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn response(this: &AnswerObject) -> Option<ResponseObject>;
    #[wasm_bindgen(method, getter)]
    fn failure(this: &AnswerObject) -> Option<FailureObject>;
    #[wasm_bindgen(method, getter, js_name = nowMs)]
    fn now_ms(this: &AnswerObject) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn random(this: &AnswerObject) -> JsValue;

    pub type ResponseObject;
    #[wasm_bindgen(method, getter)]
    fn status(this: &ResponseObject) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &ResponseObject) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn body(this: &ResponseObject) -> JsValue;

    pub type FailureObject;
    #[wasm_bindgen(method, getter)]
    fn code(this: &FailureObject) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn message(this: &FailureObject) -> JsValue;
}

/// JSON text of any JavaScript value; `null` for what JSON cannot hold (undefined,
/// functions, cycles), which every reader then treats as missing. A BigInt becomes its
/// decimal digits.
fn to_json(value: &JsValue) -> String {
    if value.is_undefined() {
        return "null".to_string();
    }
    // The engine's own stringify first; only a BigInt makes it throw, and then the replacer
    // (which calls back into the core for every value) turns each BigInt into its digits.
    JSON::stringify(value)
        .or_else(|_| BIGINT_AS_DIGITS.with(|replacer| JSON::stringify_with_replacer(value, replacer.as_ref())))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "null".to_string())
}

fn from_json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    from_json(&to_ascii_json(value))
}

/// A whole number from a JavaScript value; anything that is not a number reads as 0.
fn whole(value: JsValue) -> u32 {
    match value.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 => n.min(u32::MAX as f64) as u32,
        _ => 0,
    }
}

/// Whether a value is an object, so its getters can be called.
fn object<T: JsCast>(value: JsValue) -> Option<T> {
    value.is_object().then(|| value.unchecked_into())
}

/// Reads an answer object (`Answer` in types.d.ts). A missing or mistyped field reads as
/// missing; the core then reports the answer as unreadable rather than guessing.
fn read_answer(value: &JsValue) -> Answer {
    let Some(answer) = object::<AnswerObject>(value.clone()) else { return Answer::default() };
    let step = answer.step();
    let response = answer.response().and_then(|r| object::<ResponseObject>(r.into()));
    let failure = answer.failure().and_then(|f| object::<FailureObject>(f.into()));
    Answer {
        index: whole(answer.index()),
        attempt: whole(answer.attempt()),
        step: if step.is_object() { serde_json::from_str(&to_json(&step)).ok() } else { None },
        response: response.map(|response| {
            let headers = response.headers();
            HttpResponse {
                status: whole(response.status()).min(u16::MAX as u32) as u16,
                // Only the few headers the core reads come over; none is the usual case.
                headers: if headers.is_object() {
                    serde_json::from_str(&to_json(&headers)).unwrap_or_default()
                } else {
                    Default::default()
                },
                body: response.body().as_string().unwrap_or_default(),
            }
        }),
        failure: failure.map(|failure| TransportFailure {
            code: failure.code().as_string().unwrap_or_default(),
            message: failure.message().as_string().unwrap_or_default(),
        }),
        now_ms: answer.now_ms().as_f64().unwrap_or(f64::NAN),
        random: answer.random().as_f64().unwrap_or(f64::NAN),
    }
}

/// One node execution; see [`crate::execution`]. JavaScript must call `free()` when done.
#[wasm_bindgen]
pub struct Execution {
    inner: CoreExecution,
}

#[wasm_bindgen]
impl Execution {
    /// `input`: `ExecutionInput` in types.ts.
    pub fn start(input: &JsValue) -> Execution {
        Execution { inner: CoreExecution::start(&to_json(input)) }
    }

    /// `Plan`: the set-up error and the refused items.
    pub fn plan(&self) -> JsValue {
        to_js(&self.inner.plan())
    }

    /// Items `from` to `from + count` (fewer past the last item): each valid item's first
    /// request or its refusal, encoded as [`crate::request_chunk`] describes. Requests cross
    /// in chunks because one crossing costs more than building a request.
    pub fn requests(&self, from: u32, count: u32) -> String {
        crate::request_chunk::request_chunk(&self.inner, from as usize, count as usize)
    }

    /// `Verdict` for an `Answer`.
    pub fn settle(&self, answer: &JsValue) -> JsValue {
        from_json(&self.inner.settle(&read_answer(answer)).to_json())
    }

    /// The output item of an item an earlier run already sent (Skip If Sent Before).
    pub fn skipped(&self, index: u32) -> JsValue {
        from_json(self.inner.skipped(index as usize).json())
    }

    /// The `ErrorReport` of an item never settled; `why`: `notSent`, `coreFailed` or
    /// `coreFailedBeforeSending`.
    pub fn abandon(&self, index: u32, why: &str) -> JsValue {
        let why = serde_json::from_value(serde_json::Value::from(why)).unwrap_or(Abandoned::NotSent);
        to_js(&self.inner.abandon(index as usize, why))
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

fn setup_error(err: crate::error::SetupError) -> AuthorizeResult {
    let err = crate::error::CoreError::Setup(err);
    AuthorizeResult::Error { message: err.message(), code: err.code() }
}

/// What the credential adds to a request: `{authorization: {headers, qs, graphBase}}`,
/// or `{error: {message, code}}` when the credential is incomplete.
#[wasm_bindgen]
pub fn authorize(credentials: &JsValue) -> JsValue {
    let raw: RawCredentials = serde_json::from_str(&to_json(credentials)).unwrap_or_default();
    let out = match raw.check() {
        Ok(creds) => AuthorizeResult::Authorization(Authorization::new(&creds, &proof_for(&creds))),
        Err(err) => setup_error(err),
    };
    to_js(&out)
}

/// Checks a credential without an execution (the trigger's activation, the credential
/// test): `{ok: {apiVersion, baseUrl}}` or `{error: {message, code}}`. Never echoes a secret.
#[wasm_bindgen(js_name = checkCredentials)]
pub fn check_credentials(credentials: &JsValue) -> JsValue {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Checked {
        #[serde(rename_all = "camelCase")]
        Ok { api_version: String, base_url: String },
        #[serde(untagged)]
        Error(AuthorizeResult),
    }
    let raw: RawCredentials = serde_json::from_str(&to_json(credentials)).unwrap_or_default();
    let out = match raw.check() {
        Ok(creds) => Checked::Ok { api_version: creds.api_version, base_url: creds.base_url },
        Err(err) => Checked::Error(setup_error(err)),
    };
    to_js(&out)
}

/// Whether `mac` is the HMAC-SHA256 of `message` keyed by `key`, compared in constant time.
#[wasm_bindgen(js_name = verifyHmacSha256)]
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], mac: &[u8]) -> bool {
    crate::signature::verify_hmac_sha256(key, message, mac)
}

/// The Instagram Trigger's decision on one webhook request (`WebhookDecision` in
/// types.d.ts): `head` is `WebhookRequest`, `body` the raw bytes n8n received. A head that
/// cannot be read is refused like any other bad request.
#[wasm_bindgen(js_name = receiveWebhook)]
pub fn receive_webhook(head: &JsValue, body: &[u8]) -> JsValue {
    let request: crate::webhook::Request = serde_json::from_str(&to_json(head)).unwrap_or_default();
    to_js(&crate::webhook::receive(&request, body))
}

/// The next step of the trigger's auto-subscription (`SubscriptionStep` in types.d.ts):
/// `{unsubscribing, input, credentials, answers}` in, `{next: call|subscribed|unsubscribed|
/// failed, …}` out. A credential that does not check out fails the step.
#[wasm_bindgen(js_name = webhookSubscription)]
pub fn webhook_subscription(step: &JsValue) -> JsValue {
    use crate::webhook::subscription::{self, Answered, Next, SubscriptionInput};
    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase", default)]
    struct Step {
        unsubscribing: bool,
        input: SubscriptionInput,
        credentials: RawCredentials,
        answers: Vec<Answered>,
    }
    let step: Step = serde_json::from_str(&to_json(step)).unwrap_or_default();
    let next = match step.credentials.check() {
        Ok(credentials) => subscription::step(step.unsubscribing, &step.input, &credentials, &step.answers),
        Err(err) => Next::Failed { message: crate::error::CoreError::Setup(err).message() },
    };
    to_js(&next)
}

/// Everything the core declares (`Catalog` in types.ts): operations, fields, defaults,
/// limits, labels.
#[wasm_bindgen]
pub fn catalog() -> JsValue {
    from_json(&crate::catalog::catalog_json())
}

/// Tokens that last (`crate::token`): whether to refresh the credential's token now, and
/// what to warn about: `{renew, warning?}`. `nowMs`: the wrapper's clock.
#[wasm_bindgen(js_name = tokenPlan)]
pub fn token_plan(credentials: &JsValue, now_ms: f64) -> JsValue {
    to_js(&crate::token::plan_for(&to_json(credentials), now_ms))
}

/// The token request `{method, url, qs, authorization}` for `grant` (`"refresh"`, the
/// default, or `"exchange"`), or null for an incomplete credential.
#[wasm_bindgen(js_name = tokenRefreshCall)]
pub fn token_refresh_call(credentials: &JsValue, grant: Option<String>) -> JsValue {
    to_js(&crate::token::refresh_call_for(&to_json(credentials), read_grant(grant)))
}

/// What to store after the `grant` call: `{accessToken?, tokenState, tokenExpiresAt, …}`,
/// with `next: "exchange"` when that call should follow. `answer`: `{status, body}` or `{failure}`.
#[wasm_bindgen(js_name = tokenRenewal)]
pub fn token_renewal(credentials: &JsValue, answer: &JsValue, now_ms: f64, grant: Option<String>) -> JsValue {
    let answer: crate::token::RefreshAnswer = serde_json::from_str(&to_json(answer)).unwrap_or_default();
    to_js(&crate::token::renewal_for(&to_json(credentials), read_grant(grant), &answer, now_ms))
}

fn read_grant(grant: Option<String>) -> crate::token::Grant {
    grant.and_then(|g| serde_json::from_value(serde_json::Value::String(g)).ok()).unwrap_or_default()
}
