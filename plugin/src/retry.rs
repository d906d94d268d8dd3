//! When a failed request is sent again, and after how long: the connector's
//! retry policy, in one place.

use std::time::Duration;

use crate::error::{Error, RateLimitPolicy, TransportFailure};
use crate::http::Repeatable;
use crate::transport::{Delivery, SendError};

/// The retry rules, in order, as markdown: one item per rule. The policy
/// below implements them; documents that explain it quote them from here.
pub const RULES: &[&str] = &[
    "Never more than `max_attempts` requests, and never a wait that would end after the action's `deadline`: \
     then the last error is returned.",
    "**429**: HubSpot did not process the request, so every request is retried, creates included. The wait is \
     `Retry-After` when present, otherwise the limit's window (`X-HubSpot-RateLimit-Interval-Milliseconds`, 10 s \
     for the ten-secondly burst limit, 1 s for the search \"secondly\" limit), plus up to 10 % jitter. A **daily** \
     429 is not retried: the quota resets at midnight in the account's time zone.",
    "**5xx and 423**: retried only for requests that are safe to repeat (reads, updates, archives, searches; see \
     `Repeatable`), with exponential backoff and full jitter (`base_delay × 2^n`, at most `max_delay`); 423 (a \
     locked record) waits at least 2 s.",
    "**Transport failures**: requests that are safe to repeat are retried like 5xx; a create only when the request \
     certainly never left (`Delivery::NotSent`), so a record is never created twice. A host denial and a response \
     over the size cap are never retried: the same request would meet the same answer.",
    "A **malformed** success body (not JSON, or not the shape the action reads) is retried only for requests \
     that are safe to repeat: for a create it means HubSpot did create the record.",
    "Every other answer (4xx) is final.",
];

/// The retry policy: it follows [`RULES`], with the limits below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most requests per call, the first included.
    pub max_attempts: u32,
    /// First backoff step.
    pub base_delay: Duration,
    /// Longest backoff step.
    pub max_delay: Duration,
    /// Longest time an action may take, retries included.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            deadline: Duration::from_secs(30),
        }
    }
}

/// How an attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Failure<'a> {
    /// An error response or a malformed success.
    Response(&'a Error),
    /// No response.
    Send(&'a SendError),
}

/// Shortest wait after a 423.
const LOCKED_WAIT: Duration = Duration::from_secs(2);

impl RetryPolicy {
    /// After `attempts` requests and `elapsed` time, how long to wait before
    /// the next attempt, or `None` to give up. `random` gives the jitter.
    pub fn next_delay(
        &self,
        failure: Failure<'_>,
        repeatable: Repeatable,
        attempts: u32,
        elapsed: Duration,
        random: u64,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let safe = repeatable == Repeatable::Yes;
        let delay = match failure {
            Failure::Response(Error::RateLimited {
                policy: RateLimitPolicy::Daily,
                ..
            }) => return None,
            Failure::Response(Error::RateLimited { retry_after_ms, .. }) => {
                let wait = Duration::from_millis(retry_after_ms.unwrap_or(1000));
                wait + jitter(wait / 10, random)
            }
            Failure::Response(Error::HubSpot(detail)) if safe && (detail.status >= 500 || detail.status == 423) => {
                let backoff = self.backoff(attempts, random);
                if detail.status == 423 {
                    backoff.max(LOCKED_WAIT)
                } else {
                    backoff
                }
            }
            Failure::Response(Error::Transport(transport))
                if safe && transport.kind == TransportFailure::MalformedResponse =>
            {
                self.backoff(attempts, random)
            }
            Failure::Send(error)
                if matches!(
                    error.kind,
                    TransportFailure::Denied | TransportFailure::ResponseTooLarge
                ) =>
            {
                return None;
            }
            Failure::Send(error) if safe || error.delivery == Delivery::NotSent => self.backoff(attempts, random),
            _ => return None,
        };
        (elapsed + delay < self.deadline).then_some(delay)
    }

    /// Full jitter over an exponentially growing ceiling.
    fn backoff(&self, attempts: u32, random: u64) -> Duration {
        let exponent = attempts.saturating_sub(1).min(16);
        let ceiling = self.base_delay.saturating_mul(1 << exponent).min(self.max_delay);
        jitter(ceiling, random).max(Duration::from_millis(1))
    }
}

/// A duration from zero to `ceiling`, picked by `random`.
fn jitter(ceiling: Duration, random: u64) -> Duration {
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    match ceiling_ms.checked_add(1) {
        Some(span) => Duration::from_millis(random % span),
        None => ceiling,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, TransportError};

    fn status(status: u16) -> Error {
        Error::HubSpot(Box::new(ApiError {
            status,
            ..ApiError::default()
        }))
    }

    fn rate_limited(policy: RateLimitPolicy, retry_after_ms: Option<u64>) -> Error {
        Error::RateLimited {
            detail: Box::new(ApiError {
                status: 429,
                ..ApiError::default()
            }),
            policy,
            retry_after_ms,
        }
    }

    fn send(kind: TransportFailure, delivery: Delivery) -> SendError {
        SendError {
            kind,
            message: String::new(),
            delivery,
        }
    }

    const POLICY: RetryPolicy = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(5),
        deadline: Duration::from_secs(30),
    };

    #[test]
    fn rate_limits_wait_as_told_and_apply_to_creates_too() {
        let error = rate_limited(RateLimitPolicy::TenSecondly, Some(2000));
        let delay = POLICY.next_delay(
            Failure::Response(&error),
            Repeatable::OnlyIfUnprocessed,
            1,
            Duration::ZERO,
            0,
        );
        assert_eq!(delay, Some(Duration::from_secs(2)));
        let with_jitter = POLICY.next_delay(Failure::Response(&error), Repeatable::Yes, 1, Duration::ZERO, 150);
        assert_eq!(with_jitter, Some(Duration::from_millis(2150)));
    }

    #[test]
    fn a_daily_limit_is_final() {
        let error = rate_limited(RateLimitPolicy::Daily, None);
        assert_eq!(
            POLICY.next_delay(Failure::Response(&error), Repeatable::Yes, 1, Duration::ZERO, 0),
            None
        );
    }

    #[test]
    fn server_errors_are_retried_for_repeatable_requests_only() {
        for code in [500, 502, 503, 504, 423] {
            let error = status(code);
            assert!(
                POLICY
                    .next_delay(Failure::Response(&error), Repeatable::Yes, 1, Duration::ZERO, 7)
                    .is_some()
            );
            assert_eq!(
                POLICY.next_delay(
                    Failure::Response(&error),
                    Repeatable::OnlyIfUnprocessed,
                    1,
                    Duration::ZERO,
                    7
                ),
                None,
                "{code}"
            );
        }
        let locked = status(423);
        assert!(
            POLICY.next_delay(Failure::Response(&locked), Repeatable::Yes, 1, Duration::ZERO, 0) >= Some(LOCKED_WAIT)
        );
    }

    #[test]
    fn client_errors_are_final() {
        for error in [
            status(400),
            Error::NotFound(Box::default()),
            Error::Unauthorized(Box::default()),
        ] {
            assert_eq!(
                POLICY.next_delay(Failure::Response(&error), Repeatable::Yes, 1, Duration::ZERO, 0),
                None
            );
        }
    }

    #[test]
    fn a_create_is_resent_only_if_it_never_left() {
        let refused = send(TransportFailure::Connection, Delivery::NotSent);
        let dropped = send(TransportFailure::Connection, Delivery::MaybeSent);
        let create = Repeatable::OnlyIfUnprocessed;
        assert!(
            POLICY
                .next_delay(Failure::Send(&refused), create, 1, Duration::ZERO, 0)
                .is_some()
        );
        assert_eq!(
            POLICY.next_delay(Failure::Send(&dropped), create, 1, Duration::ZERO, 0),
            None
        );
        assert!(
            POLICY
                .next_delay(Failure::Send(&dropped), Repeatable::Yes, 1, Duration::ZERO, 0)
                .is_some()
        );
        let malformed = Error::Transport(TransportError {
            kind: TransportFailure::MalformedResponse,
            message: String::new(),
            status: Some(201),
            attempts: 1,
        });
        assert_eq!(
            POLICY.next_delay(Failure::Response(&malformed), create, 1, Duration::ZERO, 0),
            None
        );
    }

    #[test]
    fn denials_are_never_retried() {
        let denied = send(TransportFailure::Denied, Delivery::NotSent);
        assert_eq!(
            POLICY.next_delay(Failure::Send(&denied), Repeatable::Yes, 1, Duration::ZERO, 0),
            None
        );
    }

    #[test]
    fn responses_over_the_size_cap_are_never_fetched_again() {
        // Reading the cap four times over cost a read its CPU budget in the host.
        let too_large = send(TransportFailure::ResponseTooLarge, Delivery::MaybeSent);
        assert_eq!(
            POLICY.next_delay(Failure::Send(&too_large), Repeatable::Yes, 1, Duration::ZERO, 0),
            None
        );
    }

    #[test]
    fn attempts_and_the_deadline_bound_the_retries() {
        let error = status(503);
        assert_eq!(
            POLICY.next_delay(Failure::Response(&error), Repeatable::Yes, 4, Duration::ZERO, 0),
            None
        );
        let late = rate_limited(RateLimitPolicy::TenSecondly, Some(10_000));
        assert_eq!(
            POLICY.next_delay(Failure::Response(&late), Repeatable::Yes, 1, Duration::from_secs(25), 0),
            None
        );
    }

    #[test]
    fn the_rules_cover_every_kind_of_failure() {
        assert_eq!(RULES.len(), 6);
        let mentions = |needle: &str| RULES.iter().any(|rule| rule.contains(needle));
        for needle in ["429", "daily", "5xx and 423", "Transport failures", "malformed"] {
            assert!(mentions(needle), "no rule mentions {needle}");
        }
        // Plain markdown: no rustdoc links, no numbering of their own.
        for rule in RULES {
            assert!(!rule.contains("](") && !rule.contains("[`"), "{rule}");
            assert!(!rule.starts_with(|c: char| c.is_ascii_digit()), "{rule}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let ceiling = |attempts| POLICY.backoff(attempts, u64::MAX - 1);
        assert!(ceiling(1) <= Duration::from_millis(200));
        assert!(ceiling(3) <= Duration::from_millis(800));
        assert!(ceiling(30) <= POLICY.max_delay);
        assert!(POLICY.backoff(1, 0) >= Duration::from_millis(1));
    }
}
