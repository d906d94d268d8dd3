//! The headers HubSpot puts on replies: the JSON content type, the correlation id, and
//! the rate-limit counters of a Free/Starter private app.
//!
//! Replies to authenticated requests carry `X-HubSpot-RateLimit-Daily` (250000) and
//! `-Daily-Remaining`; all but search replies also carry `-Interval-Milliseconds`
//! (10000), `-Max` (100) and `-Remaining`, as in the 2022 recordings of a Free/Starter
//! portal (see the crate docs). The counters count every authenticated request (daily
//! per UTC day, burst per 10-second window) but do not limit anything yet. ⚠ Replies to
//! requests without a known token carry no rate-limit headers (there is no app to count
//! against); the `-Secondly` pair, which HubSpot may no longer send, is left out.

use crate::timestamps::now_ms;

/// `Content-Type` of every JSON reply, as HubSpot sends it.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
/// The correlation id header; equals the error body's `correlationId`.
pub(crate) const CORRELATION_ID: &str = "x-hubspot-correlation-id";

/// Daily request allowance of a Free/Starter private app.
pub(crate) const DAILY_LIMIT: u64 = 250_000;
/// The burst window.
pub(crate) const INTERVAL_MS: i64 = 10_000;
/// Requests allowed per burst window.
pub(crate) const INTERVAL_MAX: u64 = 100;

/// Which rate-limit headers a reply carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RateLimitHeaders {
    /// None: the request was not made by a known app.
    None,
    /// The two `Daily` headers (search replies).
    DailyOnly,
    /// Daily and burst headers (every other reply).
    Full,
}

/// Requests counted so far.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RateCounters {
    day: i64,
    daily_used: u64,
    window_start: i64,
    window_used: u64,
}

/// What is left after counting one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Remaining {
    pub(crate) daily: u64,
    pub(crate) interval: u64,
}

impl RateCounters {
    /// Count one request made at `now_ms()`.
    pub(crate) fn count(&mut self) -> Remaining {
        self.count_at(now_ms())
    }

    fn count_at(&mut self, at: i64) -> Remaining {
        let day = at.div_euclid(86_400_000);
        if day != self.day {
            self.day = day;
            self.daily_used = 0;
        }
        if at - self.window_start >= INTERVAL_MS || at < self.window_start {
            self.window_start = at;
            self.window_used = 0;
        }
        self.daily_used += 1;
        self.window_used += 1;
        Remaining {
            daily: DAILY_LIMIT.saturating_sub(self.daily_used),
            interval: INTERVAL_MAX.saturating_sub(self.window_used),
        }
    }
}

/// The rate-limit headers of `kind` for a request that left `remaining`.
pub(crate) fn rate_limit_headers(kind: RateLimitHeaders, remaining: Remaining) -> Vec<(&'static str, String)> {
    let daily = [
        ("x-hubspot-ratelimit-daily", DAILY_LIMIT.to_string()),
        ("x-hubspot-ratelimit-daily-remaining", remaining.daily.to_string()),
    ];
    let burst = [
        ("x-hubspot-ratelimit-interval-milliseconds", INTERVAL_MS.to_string()),
        ("x-hubspot-ratelimit-max", INTERVAL_MAX.to_string()),
        ("x-hubspot-ratelimit-remaining", remaining.interval.to_string()),
    ];
    match kind {
        RateLimitHeaders::None => Vec::new(),
        RateLimitHeaders::DailyOnly => daily.to_vec(),
        RateLimitHeaders::Full => daily.into_iter().chain(burst).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_counters_reset_per_window_and_day() {
        let mut counters = RateCounters::default();
        let start = 1_700_000_000_000;
        assert_eq!(
            counters.count_at(start),
            Remaining {
                daily: 249_999,
                interval: 99
            }
        );
        assert_eq!(
            counters.count_at(start + 9_999),
            Remaining {
                daily: 249_998,
                interval: 98
            }
        );
        assert_eq!(
            counters.count_at(start + 10_000),
            Remaining {
                daily: 249_997,
                interval: 99
            }
        );
        let next_day = (start.div_euclid(86_400_000) + 1) * 86_400_000;
        assert_eq!(
            counters.count_at(next_day),
            Remaining {
                daily: 249_999,
                interval: 99
            }
        );
    }

    #[test]
    fn headers_interval_remaining_never_goes_negative() {
        let mut counters = RateCounters::default();
        let mut last = Remaining { daily: 0, interval: 0 };
        for _ in 0..150 {
            last = counters.count_at(5);
        }
        assert_eq!(last.interval, 0);
    }

    #[test]
    fn headers_search_replies_carry_only_the_daily_pair() {
        let remaining = Remaining { daily: 10, interval: 5 };
        let names = |kind| {
            rate_limit_headers(kind, remaining)
                .into_iter()
                .map(|(name, _)| name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(RateLimitHeaders::DailyOnly),
            ["x-hubspot-ratelimit-daily", "x-hubspot-ratelimit-daily-remaining"]
        );
        assert_eq!(names(RateLimitHeaders::Full).len(), 5);
        assert!(names(RateLimitHeaders::None).is_empty());
    }
}
