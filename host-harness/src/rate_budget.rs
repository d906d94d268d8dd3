//! The per-account rate budget. HubSpot's limits are per account (per app),
//! shared by every call that uses its credential, so each call's own view of
//! 429s is too late: the host keeps the budget for all calls of a
//! [`Connector`](crate::Connector) and the outgoing-request hook asks it before
//! each request.
//!
//! An account is what the host can tell apart: the origin and the
//! `Authorization` value, kept only as a keyed hash (logs show the hash). Each
//! account has a burst window (100 requests per 10 s unless configured, or
//! what HubSpot's `X-HubSpot-RateLimit-Max` / `-Interval-Milliseconds`
//! headers say) and a search window (5 per second; a search counts in both).
//! A request holds its slot from the moment it is sent until one window after
//! its answer arrives: HubSpot counts it somewhere in between, so however
//! HubSpot aligns its window, no window sees more than the limit. When
//! HubSpot's `-Remaining` says fewer requests are left than the budget thinks
//! (another client of the same account), the difference is held for a window.
//! A request that would exceed the budget waits; when the wait would not end
//! before the call's deadline, the hook answers a 429 itself instead of
//! sending (see [`Refusal`]). Accounts never wait for one another.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use http_body_util::{BodyExt, Full};
use tokio::sync::Notify;
use tokio::time::Instant;

/// HubSpot's published limits, which the budget starts from for every account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests per burst window, until HubSpot's headers name the account's
    /// own limit (100 for a Free/Starter private app, 190 above it).
    pub requests_per_window: u32,
    /// The burst window (HubSpot: 10 s, rolling).
    pub window: Duration,
    /// Search requests (`POST …/search`) per second.
    pub searches_per_second: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            requests_per_window: 100,
            window: Duration::from_secs(10),
            searches_per_second: 5,
        }
    }
}

/// The search limit's window.
const SEARCH_WINDOW: Duration = Duration::from_secs(1);

/// Longest burst window believed from HubSpot's headers; a larger value is a
/// broken header, not a limit to wait for.
const MAX_WINDOW: Duration = Duration::from_secs(60);

/// Time left for the request itself: a wait must end this long before the
/// call's deadline, or the request is refused at once.
const SEND_MARGIN: Duration = Duration::from_secs(1);

/// One account, as a keyed hash of its origin and credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Account(u64);

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The slots of one limit: requests in flight, and when each finished one
/// stops counting.
#[derive(Debug)]
struct Window {
    limit: u32,
    span: Duration,
    in_flight: u32,
    until: Vec<Instant>,
}

impl Window {
    fn new(limit: u32, span: Duration) -> Self {
        Self {
            limit: limit.max(1),
            span,
            in_flight: 0,
            until: Vec::new(),
        }
    }

    fn prune(&mut self, now: Instant) {
        self.until.retain(|until| *until > now);
    }

    fn used(&self) -> u32 {
        self.in_flight
            .saturating_add(u32::try_from(self.until.len()).unwrap_or(u32::MAX))
    }

    fn full(&self) -> bool {
        self.used() >= self.limit
    }

    /// When the next slot frees by itself; `None` when only requests in
    /// flight hold the window (one frees when its answer arrives).
    fn next_free(&self) -> Option<Instant> {
        self.until.iter().min().copied()
    }

    fn release(&mut self, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.until.push(now + self.span);
    }
}

/// What HubSpot's answer said about the account's burst limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Observed {
    max: Option<u32>,
    interval: Option<Duration>,
    remaining: Option<u32>,
}

impl Observed {
    /// The burst headers of an answer. A 429 teaches nothing here: the
    /// connector's retry policy waits out the window it names.
    pub(crate) fn from_response(status: u16, headers: &HeaderMap) -> Self {
        if status == 429 {
            return Self::default();
        }
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        Self {
            max: number("x-hubspot-ratelimit-max").and_then(|max| u32::try_from(max).ok()),
            interval: number("x-hubspot-ratelimit-interval-milliseconds").map(Duration::from_millis),
            remaining: number("x-hubspot-ratelimit-remaining").map(|left| u32::try_from(left).unwrap_or(u32::MAX)),
        }
    }
}

/// Whether a request may go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admission {
    /// It holds its slots now.
    Admitted,
    /// Not before this instant; `None`: not before a request in flight ends.
    Wait(Option<Instant>),
}

/// One account's windows.
#[derive(Debug)]
struct AccountState {
    burst: Window,
    search: Window,
    /// Woken whenever a slot is given back.
    changed: Arc<Notify>,
}

impl AccountState {
    fn new(limits: &RateLimits) -> Self {
        Self {
            burst: Window::new(limits.requests_per_window, limits.window),
            search: Window::new(limits.searches_per_second, SEARCH_WINDOW),
            changed: Arc::new(Notify::new()),
        }
    }

    fn admit(&mut self, search: bool, now: Instant) -> Admission {
        self.burst.prune(now);
        self.search.prune(now);
        let blocking: Vec<&Window> = [Some(&self.burst), search.then_some(&self.search)]
            .into_iter()
            .flatten()
            .filter(|window| window.full())
            .collect();
        if blocking.is_empty() {
            self.burst.in_flight += 1;
            if search {
                self.search.in_flight += 1;
            }
            return Admission::Admitted;
        }
        // Every blocking window must free a slot; wait for the last of them.
        let frees: Option<Vec<Instant>> = blocking.iter().map(|window| window.next_free()).collect();
        Admission::Wait(frees.and_then(|frees| frees.into_iter().max()))
    }

    fn release(&mut self, search: bool, now: Instant, observed: Observed) {
        self.burst.release(now);
        if search {
            self.search.release(now);
        }
        self.learn(now, observed);
    }

    /// Follows HubSpot's headers: its limit and window replace the configured
    /// ones, and requests it counted that the budget did not (another client
    /// of the account) are held for a window.
    fn learn(&mut self, now: Instant, observed: Observed) {
        if let (Some(max), Some(interval)) = (observed.max, observed.interval)
            && max > 0
            && !interval.is_zero()
            && interval <= MAX_WINDOW
        {
            self.burst.limit = max;
            self.burst.span = interval;
        }
        if let Some(remaining) = observed.remaining {
            self.burst.prune(now);
            let counted = self.burst.limit.saturating_sub(remaining);
            for _ in self.burst.used()..counted {
                self.burst.until.push(now + self.burst.span);
            }
        }
    }

    fn idle(&mut self, now: Instant) -> bool {
        self.burst.prune(now);
        self.search.prune(now);
        self.burst.used() == 0 && self.search.used() == 0
    }
}

/// The budget shared by every call of a connector.
#[derive(Debug)]
pub(crate) struct RateBudget {
    limits: RateLimits,
    hasher: RandomState,
    accounts: Mutex<HashMap<Account, AccountState>>,
}

/// A request the budget let through; dropping it without
/// [`finish`](Self::finish) (no answer) gives its slots back all the same.
#[derive(Debug)]
pub(crate) struct Permit {
    budget: Arc<RateBudget>,
    account: Account,
    search: bool,
    delayed: bool,
    finished: bool,
}

impl Permit {
    /// Whether the request had to wait for the budget.
    pub(crate) fn delayed(&self) -> bool {
        self.delayed
    }

    /// The answer arrived: give the slots back and learn from its headers.
    pub(crate) fn finish(mut self, status: u16, headers: &HeaderMap) {
        self.finished = true;
        self.budget
            .release(self.account, self.search, Observed::from_response(status, headers));
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.finished {
            self.budget.release(self.account, self.search, Observed::default());
        }
    }
}

/// A request that could not go within the call's deadline. The hook answers
/// it with [`Refusal::response`] instead of sending it, so the connector sees
/// a rate-limit error with the wait to tell the agent, and HubSpot sees no
/// request it would refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    retry_after: Duration,
    search: bool,
}

impl Refusal {
    /// A 429 in HubSpot's documented shape, with `Retry-After` in whole
    /// seconds (rounded up) and a message that says the host answered it.
    pub(crate) fn response<E: 'static>(&self) -> http::Response<http_body_util::combinators::UnsyncBoxBody<Bytes, E>> {
        let (policy, limit) = if self.search {
            ("SECONDLY", "search")
        } else {
            ("TEN_SECONDLY_ROLLING", "ten_secondly_rolling")
        };
        let body = serde_json::json!({
            "status": "error",
            "message": format!(
                "The host's rate budget for this account has no room for this request within the call's deadline \
                 (HubSpot's {limit} limit); nothing was sent."
            ),
            "errorType": "RATE_LIMIT",
            "policyName": policy,
        });
        let seconds = self.retry_after.as_millis().div_ceil(1000).max(1);
        let mut response = http::Response::new(
            Full::new(Bytes::from(body.to_string()))
                .map_err(|never| match never {})
                .boxed_unsync(),
        );
        *response.status_mut() = http::StatusCode::TOO_MANY_REQUESTS;
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json;charset=utf-8"),
        );
        headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds as u64));
        response
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RateBudget {
    pub(crate) fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            hasher: RandomState::new(),
            accounts: Mutex::new(HashMap::new()),
        }
    }

    /// The account a request counts against, and whether it is a search;
    /// `None` for a request without a credential (HubSpot refuses it anyway).
    pub(crate) fn account_of<B>(&self, request: &http::Request<B>) -> Option<(Account, bool)> {
        let authorization = request.headers().get(AUTHORIZATION)?.as_bytes();
        let origin = (
            request.uri().scheme_str().unwrap_or_default().to_ascii_lowercase(),
            request
                .uri()
                .authority()
                .map(|authority| authority.as_str().to_ascii_lowercase())
                .unwrap_or_default(),
        );
        let account = Account(self.hasher.hash_one((origin, authorization)));
        let search = request.method() == http::Method::POST && request.uri().path().ends_with("/search");
        Some((account, search))
    }

    /// The account's state, created on first use; idle accounts are dropped
    /// then, so the map holds only accounts with requests in their windows.
    fn state<'a>(
        &self,
        accounts: &'a mut HashMap<Account, AccountState>,
        account: Account,
        now: Instant,
    ) -> &'a mut AccountState {
        if !accounts.contains_key(&account) {
            accounts.retain(|_, state| !state.idle(now));
        }
        accounts
            .entry(account)
            .or_insert_with(|| AccountState::new(&self.limits))
    }

    fn admit(&self, account: Account, search: bool, now: Instant) -> Admission {
        let mut accounts = lock(&self.accounts);
        self.state(&mut accounts, account, now).admit(search, now)
    }

    fn changed(&self, account: Account, now: Instant) -> Arc<Notify> {
        let mut accounts = lock(&self.accounts);
        Arc::clone(&self.state(&mut accounts, account, now).changed)
    }

    fn release(&self, account: Account, search: bool, observed: Observed) {
        let now = Instant::now();
        let mut accounts = lock(&self.accounts);
        let state = self.state(&mut accounts, account, now);
        state.release(search, now, observed);
        state.changed.notify_waiters();
    }

    /// Waits until `account` may send, at most until shortly before
    /// `deadline`.
    pub(crate) async fn acquire(
        self: &Arc<Self>,
        account: Account,
        search: bool,
        deadline: Instant,
    ) -> Result<Permit, Refusal> {
        let latest = deadline.checked_sub(SEND_MARGIN).unwrap_or(deadline);
        let mut delayed = false;
        loop {
            let now = Instant::now();
            let changed = self.changed(account, now);
            let notified = changed.notified();
            tokio::pin!(notified);
            // Registered before looking, so a slot given back in between wakes it.
            notified.as_mut().enable();
            let wait = match self.admit(account, search, now) {
                Admission::Admitted => {
                    return Ok(Permit {
                        budget: Arc::clone(self),
                        account,
                        search,
                        delayed,
                        finished: false,
                    });
                }
                Admission::Wait(until) => until,
            };
            let refusal = |until: Instant| Refusal {
                retry_after: until.saturating_duration_since(now),
                search,
            };
            match wait {
                Some(until) if until > latest => {
                    tracing::debug!(%account, search, wait_ms = until.saturating_duration_since(now).as_millis(),
                        "the rate budget has no room before the deadline; answering 429 without sending");
                    return Err(refusal(until));
                }
                Some(until) => {
                    if !delayed {
                        tracing::debug!(%account, search, wait_ms = until.saturating_duration_since(now).as_millis(),
                            "waiting for the account's rate budget");
                    }
                    tokio::select! {
                        () = tokio::time::sleep_until(until) => {}
                        () = notified => {}
                    }
                }
                None => {
                    tokio::select! {
                        () = tokio::time::sleep_until(latest) => {
                            let window = if search { SEARCH_WINDOW } else { self.limits.window };
                            return Err(refusal(Instant::now() + window));
                        }
                        () = notified => {}
                    }
                }
            }
            delayed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: RateLimits = RateLimits {
        requests_per_window: 3,
        window: Duration::from_secs(10),
        searches_per_second: 2,
    };

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (http::HeaderName::from_static(name), value.parse().unwrap()))
            .collect()
    }

    #[test]
    fn a_full_window_waits_for_answers_then_for_a_window_after_them() {
        let t0 = Instant::now();
        let mut state = AccountState::new(&LIMITS);
        for _ in 0..3 {
            assert_eq!(state.admit(false, t0), Admission::Admitted);
        }
        // All three in flight: nothing frees by itself.
        assert_eq!(state.admit(false, t0), Admission::Wait(None));
        state.release(false, at(t0, 200), Observed::default());
        // The slot stays held a whole window after the answer.
        assert_eq!(state.admit(false, at(t0, 300)), Admission::Wait(Some(at(t0, 10_200))));
        assert_eq!(
            state.admit(false, at(t0, 10_199)),
            Admission::Wait(Some(at(t0, 10_200)))
        );
        assert_eq!(state.admit(false, at(t0, 10_200)), Admission::Admitted);
    }

    #[test]
    fn searches_have_their_own_second_and_count_in_the_burst_window() {
        let t0 = Instant::now();
        let mut state = AccountState::new(&LIMITS);
        assert_eq!(state.admit(true, t0), Admission::Admitted);
        assert_eq!(state.admit(true, t0), Admission::Admitted);
        state.release(true, at(t0, 100), Observed::default());
        state.release(true, at(t0, 150), Observed::default());
        // A third search waits for the search second; a plain request does not.
        assert_eq!(state.admit(true, at(t0, 200)), Admission::Wait(Some(at(t0, 1_100))));
        assert_eq!(state.admit(false, at(t0, 200)), Admission::Admitted);
        // Now the burst window is full too; the search waits for the later of the two.
        state.release(false, at(t0, 300), Observed::default());
        assert_eq!(state.admit(true, at(t0, 1_200)), Admission::Wait(Some(at(t0, 10_100))));
    }

    #[test]
    fn hubspot_s_headers_set_the_limit_and_count_other_clients() {
        let t0 = Instant::now();
        let mut state = AccountState::new(&LIMITS);
        assert_eq!(state.admit(false, t0), Admission::Admitted);
        // A Professional account: 190 per 10 s, of which another client used 50.
        let answer = headers(&[
            ("x-hubspot-ratelimit-max", "190"),
            ("x-hubspot-ratelimit-interval-milliseconds", "10000"),
            ("x-hubspot-ratelimit-remaining", "139"),
        ]);
        state.release(false, at(t0, 100), Observed::from_response(200, &answer));
        assert_eq!(state.burst.limit, 190);
        assert_eq!(state.burst.used(), 51);
        for _ in 0..139 {
            assert_eq!(state.admit(false, at(t0, 200)), Admission::Admitted);
        }
        // Full: the held slots free a window after the answer that reported them.
        assert_eq!(state.admit(false, at(t0, 200)), Admission::Wait(Some(at(t0, 10_100))));
    }

    #[test]
    fn a_429_and_broken_headers_teach_nothing() {
        let answer = headers(&[
            ("x-hubspot-ratelimit-max", "100"),
            ("x-hubspot-ratelimit-interval-milliseconds", "10000"),
            ("x-hubspot-ratelimit-remaining", "0"),
        ]);
        assert_eq!(Observed::from_response(429, &answer), Observed::default());
        let t0 = Instant::now();
        let mut state = AccountState::new(&LIMITS);
        let broken = headers(&[
            ("x-hubspot-ratelimit-max", "0"),
            ("x-hubspot-ratelimit-interval-milliseconds", "86400000"),
            ("x-hubspot-ratelimit-remaining", "many"),
        ]);
        assert_eq!(state.admit(false, t0), Admission::Admitted);
        state.release(false, t0, Observed::from_response(200, &broken));
        assert_eq!((state.burst.limit, state.burst.span), (3, LIMITS.window));
        assert_eq!(state.burst.used(), 1);
    }

    #[test]
    fn accounts_are_told_apart_by_credential_and_origin_and_searches_by_path() {
        let budget = RateBudget::new(LIMITS);
        let request = |uri: &str, method: &str, token: Option<&str>| {
            let mut builder = http::Request::builder().uri(uri).method(method);
            if let Some(token) = token {
                builder = builder.header(AUTHORIZATION, format!("Bearer {token}"));
            }
            builder.body(()).unwrap()
        };
        let a = budget.account_of(&request(
            "https://api.hubapi.com/crm/v3/objects/contacts/1",
            "GET",
            Some("secret-a"),
        ));
        let a_search = budget.account_of(&request(
            "https://api.hubapi.com/crm/v3/objects/contacts/search",
            "POST",
            Some("secret-a"),
        ));
        let b = budget.account_of(&request(
            "https://api.hubapi.com/crm/v3/objects/contacts/1",
            "GET",
            Some("secret-b"),
        ));
        let elsewhere = budget.account_of(&request(
            "http://127.0.0.1:9/crm/v3/objects/contacts/1",
            "GET",
            Some("secret-a"),
        ));
        let (a, searched) = (a.unwrap(), a_search.unwrap());
        assert!(!a.1 && searched.1);
        assert_eq!(a.0, searched.0);
        assert_ne!(a.0, b.unwrap().0);
        assert_ne!(a.0, elsewhere.unwrap().0);
        // Logs name the account by its hash alone.
        assert_eq!(a.0.to_string().len(), 16);
        assert!(!a.0.to_string().contains("secret"));
        assert_eq!(
            budget.account_of(&request("https://api.hubapi.com/x", "GET", None)),
            None
        );
    }

    #[tokio::test]
    async fn a_wait_past_the_deadline_is_refused_at_once_and_other_accounts_go() {
        let budget = Arc::new(RateBudget::new(RateLimits {
            requests_per_window: 1,
            ..LIMITS
        }));
        let (a, b) = (Account(1), Account(2));
        let deadline = Instant::now() + Duration::from_secs(5);
        let first = budget.acquire(a, false, deadline).await.unwrap();
        first.finish(200, &HeaderMap::new());
        // The slot frees 10 s after the answer, past the 5 s deadline.
        let refused = budget.acquire(a, false, deadline).await.unwrap_err();
        assert!(refused.retry_after > Duration::from_secs(9));
        let response = refused.response::<std::convert::Infallible>();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[http::header::RETRY_AFTER], "10");
        let b_permit = budget.acquire(b, false, deadline).await.unwrap();
        assert!(!b_permit.delayed());
    }

    #[tokio::test]
    async fn a_waiting_request_goes_when_one_in_flight_is_dropped_and_its_window_passes() {
        let budget = Arc::new(RateBudget::new(RateLimits {
            requests_per_window: 1,
            window: Duration::from_millis(50),
            ..LIMITS
        }));
        let account = Account(7);
        let deadline = Instant::now() + Duration::from_secs(30);
        let first = budget.acquire(account, false, deadline).await.unwrap();
        let waiter = {
            let budget = Arc::clone(&budget);
            tokio::spawn(async move { budget.acquire(account, false, deadline).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        // No answer (a dropped connection): the slot is given back all the same.
        drop(first);
        let second = waiter.await.unwrap().unwrap();
        assert!(second.delayed());
    }
}
