//! HubSpot's per-app limits, enforced: with [`MockConfig::rate_limits`](crate::MockConfig)
//! set, each token gets a burst window (`max_per_interval` requests per `interval_ms`,
//! searches included) and a search window (`searches_per_second`), and a request over
//! either is answered 429 instead of being handled, as HubSpot answers it.
//!
//! Without it the mock only counts (see `headers.rs`) and never refuses, so tests that
//! are not about limits are not disturbed by them. ⚠ HubSpot calls its burst limit
//! "rolling"; the mock keeps fixed windows that start at the first request after the
//! previous window ended (as its rate-limit headers count), which is at least as strict
//! towards a client that spaces requests by a rolling window.

use std::collections::HashMap;

use serde_json::json;

use crate::faults::Canned;
use crate::headers::{DAILY_LIMIT, JSON_CONTENT_TYPE};

/// The limits a mock enforces per token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// The burst window, in milliseconds (HubSpot: 10,000).
    pub interval_ms: u64,
    /// Requests per token per burst window (HubSpot: 100 for Free/Starter, 190 above).
    pub max_per_interval: u64,
    /// Search requests per token per second (HubSpot: 5).
    pub searches_per_second: u64,
}

impl Default for RateLimits {
    /// A Free/Starter private app's limits.
    fn default() -> Self {
        Self {
            interval_ms: 10_000,
            max_per_interval: 100,
            searches_per_second: 5,
        }
    }
}

/// One fixed window's count.
#[derive(Clone, Copy, Debug, Default)]
struct Window {
    start_ms: i64,
    used: u64,
}

impl Window {
    /// Counts a request at `at` if fewer than `max` were counted in the window that
    /// holds `at`; `false` (nothing counted) when the window is full.
    fn admit(&mut self, at: i64, span_ms: u64, max: u64) -> bool {
        let span = i64::try_from(span_ms).unwrap_or(i64::MAX);
        if at.saturating_sub(self.start_ms) >= span || at < self.start_ms {
            *self = Window { start_ms: at, used: 0 };
        }
        if self.used >= max {
            return false;
        }
        self.used += 1;
        true
    }
}

/// What each token has used.
#[derive(Clone, Copy, Debug, Default)]
struct Account {
    burst: Window,
    search: Window,
}

/// The enforcing counters of a mock with [`RateLimits`].
#[derive(Debug)]
pub(crate) struct Limiter {
    limits: RateLimits,
    accounts: HashMap<String, Account>,
    refused: u64,
}

/// A request the limiter let through: what is left of its token's burst window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Admitted {
    pub(crate) remaining: u64,
}

impl Limiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            accounts: HashMap::new(),
            refused: 0,
        }
    }

    /// Counts a request of `token` at `at` (milliseconds), or refuses it with HubSpot's
    /// 429. A search must fit both windows; a refused request counts in neither.
    pub(crate) fn admit(&mut self, token: &str, search: bool, at: i64) -> Result<Admitted, Canned> {
        let limits = self.limits;
        let account = self.accounts.entry(token.to_owned()).or_default();
        let mut burst = account.burst;
        if !burst.admit(at, limits.interval_ms, limits.max_per_interval) {
            self.refused += 1;
            return Err(refusal(Policy::Burst, limits));
        }
        if search && !account.search.admit(at, 1_000, limits.searches_per_second) {
            self.refused += 1;
            return Err(refusal(Policy::Search, limits));
        }
        account.burst = burst;
        Ok(Admitted {
            remaining: limits.max_per_interval.saturating_sub(burst.used),
        })
    }

    /// How many requests were answered 429 so far.
    pub(crate) fn refused(&self) -> u64 {
        self.refused
    }

    /// Replaces the burst headers of an admitted request's reply with this limiter's
    /// numbers, so that a client reading them sees the limits it is held to.
    pub(crate) fn rewrite_headers(&self, headers: &mut [(&'static str, String)], admitted: Admitted) {
        for (name, value) in headers.iter_mut() {
            match *name {
                "x-hubspot-ratelimit-interval-milliseconds" => *value = self.limits.interval_ms.to_string(),
                "x-hubspot-ratelimit-max" => *value = self.limits.max_per_interval.to_string(),
                "x-hubspot-ratelimit-remaining" => *value = admitted.remaining.to_string(),
                _ => {}
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Policy {
    Burst,
    Search,
}

/// HubSpot's 429 in the style of its usage guidelines; the burst refusal carries the
/// burst headers with `-Remaining: 0`, a search refusal only the daily pair, as recorded.
fn refusal(policy: Policy, limits: RateLimits) -> Canned {
    let (message, name) = match policy {
        Policy::Burst => (
            "You have reached your ten_secondly_rolling limit.",
            "TEN_SECONDLY_ROLLING",
        ),
        Policy::Search => ("You have reached your secondly limit.", "SECONDLY"),
    };
    let body = json!({
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "policyName": name,
        "requestId": crate::errors::correlation_id(),
    });
    let mut headers = vec![
        ("content-type", JSON_CONTENT_TYPE.to_owned()),
        ("x-hubspot-ratelimit-daily", DAILY_LIMIT.to_string()),
        ("x-hubspot-ratelimit-daily-remaining", (DAILY_LIMIT / 2).to_string()),
    ];
    if policy == Policy::Burst {
        headers.push((
            "x-hubspot-ratelimit-interval-milliseconds",
            limits.interval_ms.to_string(),
        ));
        headers.push(("x-hubspot-ratelimit-max", limits.max_per_interval.to_string()));
        headers.push(("x-hubspot-ratelimit-remaining", "0".to_owned()));
    }
    Canned {
        status: 429,
        headers,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: RateLimits = RateLimits {
        interval_ms: 1_000,
        max_per_interval: 3,
        searches_per_second: 2,
    };

    fn policy_of(refused: &Canned) -> String {
        let body: serde_json::Value = serde_json::from_slice(&refused.body).unwrap();
        body["policyName"].as_str().unwrap().to_owned()
    }

    #[test]
    fn rate_limits_refuse_past_the_burst_window_per_token() {
        let mut limiter = Limiter::new(LIMITS);
        for left in [2, 1, 0] {
            assert_eq!(limiter.admit("a", false, 0), Ok(Admitted { remaining: left }));
        }
        let refused = limiter.admit("a", false, 999).unwrap_err();
        assert_eq!(refused.status, 429);
        assert_eq!(policy_of(&refused), "TEN_SECONDLY_ROLLING");
        assert!(
            refused
                .headers
                .contains(&("x-hubspot-ratelimit-remaining", "0".to_owned()))
        );
        // Another token has its own window.
        assert_eq!(limiter.admit("b", false, 999), Ok(Admitted { remaining: 2 }));
        // The next window starts afresh.
        assert_eq!(limiter.admit("a", false, 1_000), Ok(Admitted { remaining: 2 }));
        assert_eq!(limiter.refused(), 1);
    }

    #[test]
    fn rate_limits_hold_searches_to_their_own_second() {
        let mut limiter = Limiter::new(LIMITS);
        assert!(limiter.admit("a", true, 0).is_ok());
        assert!(limiter.admit("a", true, 10).is_ok());
        let refused = limiter.admit("a", true, 20).unwrap_err();
        assert_eq!(policy_of(&refused), "SECONDLY");
        // A refused search used nothing of the burst window: one request is left.
        assert_eq!(limiter.admit("a", false, 30), Ok(Admitted { remaining: 0 }));
        assert!(limiter.admit("a", true, 1_000).is_ok());
    }

    #[test]
    fn rate_limits_rewrite_the_burst_headers_only() {
        let limiter = Limiter::new(LIMITS);
        let mut headers = vec![
            ("x-hubspot-ratelimit-daily", "250000".to_owned()),
            ("x-hubspot-ratelimit-max", "100".to_owned()),
            ("x-hubspot-ratelimit-remaining", "99".to_owned()),
            ("x-hubspot-ratelimit-interval-milliseconds", "10000".to_owned()),
        ];
        limiter.rewrite_headers(&mut headers, Admitted { remaining: 1 });
        assert_eq!(headers[0].1, "250000");
        assert_eq!(headers[1].1, "3");
        assert_eq!(headers[2].1, "1");
        assert_eq!(headers[3].1, "1000");
    }
}
