//! Which failures may be sent again, and after how long.
//!
//! A message may be resent only when Meta's answer proves it was not accepted: throttling,
//! a transient error Meta reports as such, or a connection that failed before the request
//! was written. A 5xx without an error body, a timeout or a connection dropped after the
//! request went out leaves delivery unknown: resent only if the user opted in.

use serde::Deserialize;

/// Longest single wait the node accepts; past it the item fails with Meta's estimate.
pub const MAX_WAIT_MS: u64 = 60_000;
pub const BASE_DELAY_MS: u64 = 500;
pub const DEFAULT_MAX_RETRIES: u32 = 3;
pub const MAX_MAX_RETRIES: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub retry_unknown_delivery: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: DEFAULT_MAX_RETRIES, retry_unknown_delivery: false }
    }
}

/// Why a request failed, as far as resending is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// Meta throttled the call: not accepted; wait, and everyone else should wait too.
    RateLimited,
    /// Meta reported a temporary failure, or the request never left: not accepted.
    NotAccepted,
    /// The request may have been accepted.
    DeliveryUnknown,
    /// Sending again gives the same answer.
    Permanent,
}

/// Meta's own word on how long to wait, read from the response headers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaitAdvice {
    pub retry_after_ms: Option<u64>,
    pub regain_access_ms: Option<u64>,
}

impl WaitAdvice {
    fn longest(&self) -> Option<u64> {
        match (self.retry_after_ms, self.regain_access_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the same request again after `after_ms`. `pause_all`: the limit is shared, so
    /// every request of the execution should wait.
    Retry { after_ms: u64, pause_all: bool },
    /// Report the failure. `wait_ms`: Meta asked for a longer wait than the node accepts.
    GiveUp { wait_ms: Option<u64> },
}

/// `attempt`: how many times this item was already sent (1 after the first send).
/// `random`: a number in [0, 1) from the caller, for jitter.
pub fn decide(class: FailureClass, attempt: u32, policy: &RetryPolicy, advice: &WaitAdvice, random: f64) -> Decision {
    let may_retry = match class {
        FailureClass::RateLimited | FailureClass::NotAccepted => true,
        FailureClass::DeliveryUnknown => policy.retry_unknown_delivery,
        FailureClass::Permanent => false,
    };
    let retries_used = attempt.saturating_sub(1);
    if !may_retry || retries_used >= policy.max_retries.min(MAX_MAX_RETRIES) {
        return Decision::GiveUp { wait_ms: None };
    }
    let after_ms = match advice.longest() {
        Some(asked) if asked > MAX_WAIT_MS => return Decision::GiveUp { wait_ms: Some(asked) },
        // Meta's wait, plus up to half a base delay so the waiting requests spread out.
        Some(asked) => asked + (BASE_DELAY_MS as f64 / 2.0 * unit(random)) as u64,
        None => backoff_ms(retries_used, random),
    };
    Decision::Retry { after_ms, pause_all: class == FailureClass::RateLimited }
}

/// Capped exponential backoff with "equal jitter": half fixed, half random, so waits
/// never collapse to zero and concurrent retries spread out.
pub fn backoff_ms(retries_used: u32, random: f64) -> u64 {
    let ceiling = BASE_DELAY_MS.saturating_mul(1u64 << retries_used.min(16)).min(MAX_WAIT_MS);
    let half = ceiling / 2;
    half + (half as f64 * unit(random)) as u64
}

/// The caller's random number, forced into [0, 1].
fn unit(random: f64) -> f64 {
    if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.5 }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy { max_retries: 3, retry_unknown_delivery: false };

    #[test]
    fn retries_throttling_and_pauses_everyone() {
        let d = decide(FailureClass::RateLimited, 1, &POLICY, &WaitAdvice::default(), 0.0);
        assert!(matches!(d, Decision::Retry { pause_all: true, .. }));
    }

    #[test]
    fn never_resends_unknown_delivery_by_default() {
        let d = decide(FailureClass::DeliveryUnknown, 1, &POLICY, &WaitAdvice::default(), 0.5);
        assert_eq!(d, Decision::GiveUp { wait_ms: None });
        let opted_in = RetryPolicy { retry_unknown_delivery: true, ..POLICY };
        let d = decide(FailureClass::DeliveryUnknown, 1, &opted_in, &WaitAdvice::default(), 0.5);
        assert!(matches!(d, Decision::Retry { pause_all: false, .. }));
    }

    #[test]
    fn never_resends_permanent_errors() {
        let d = decide(FailureClass::Permanent, 1, &POLICY, &WaitAdvice::default(), 0.5);
        assert_eq!(d, Decision::GiveUp { wait_ms: None });
    }

    #[test]
    fn stops_after_max_retries() {
        let advice = WaitAdvice::default();
        assert!(matches!(decide(FailureClass::NotAccepted, 3, &POLICY, &advice, 0.5), Decision::Retry { .. }));
        assert_eq!(decide(FailureClass::NotAccepted, 4, &POLICY, &advice, 0.5), Decision::GiveUp { wait_ms: None });
        let none = RetryPolicy { max_retries: 0, ..POLICY };
        assert_eq!(decide(FailureClass::RateLimited, 1, &none, &advice, 0.5), Decision::GiveUp { wait_ms: None });
    }

    #[test]
    fn honours_retry_after_and_gives_up_on_long_waits() {
        let advice = WaitAdvice { retry_after_ms: Some(7_000), regain_access_ms: None };
        match decide(FailureClass::RateLimited, 1, &POLICY, &advice, 0.9) {
            Decision::Retry { after_ms, .. } => assert!((7_000..=7_500).contains(&after_ms), "{after_ms}"),
            other => panic!("{other:?}"),
        }
        // Meta's wait plus up to half the base delay (250 ms), by the caller's random number.
        for (random, expected) in [(0.0, 7_000), (0.5, 7_125), (1.0, 7_250)] {
            assert_eq!(
                decide(FailureClass::RateLimited, 1, &POLICY, &advice, random),
                Decision::Retry { after_ms: expected, pause_all: true },
                "random {random}"
            );
        }
        let long = WaitAdvice { retry_after_ms: None, regain_access_ms: Some(5 * 60_000) };
        assert_eq!(
            decide(FailureClass::RateLimited, 1, &POLICY, &long, 0.5),
            Decision::GiveUp { wait_ms: Some(300_000) }
        );
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        assert_eq!(backoff_ms(0, 0.0), 250);
        assert_eq!(backoff_ms(0, 1.0), 500);
        assert_eq!(backoff_ms(2, 0.0), 1_000);
        assert_eq!(backoff_ms(30, 1.0), MAX_WAIT_MS);
        assert_eq!(backoff_ms(1, f64::NAN), 750);
    }
}
