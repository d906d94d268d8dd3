//! The fault suite: every fault the mock can inject, against the actions it
//! matters for, and the hostile inputs an agent may send. Each case runs the
//! real `hubspot-harness` binary against a mock of its own ([`check`]), and
//! `RELIABILITY.md` is rendered from the cases ([`document`]).

mod cases;
mod document;
mod run;

use std::time::Duration;

use hubspot_mock::{Fault, FaultRule, RateLimitPolicy, RateLimitStyle, RecordedRequest};
use serde_json::{Value, json};

pub use cases::cases;
pub use document::{RELIABILITY_MD, document};
pub use run::{check, run_all};

/// The token every case runs with; no output may contain it.
const TOKEN: &str = "pat-na1-faults-9f4e2b6d-never-print-me";
/// The per-request timeout ceiling the cases run with (`--request-timeout`): ample, so
/// that a loaded machine does not turn an answer into a timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The ceiling of the cases whose first byte comes late.
const SHORT_TIMEOUT: Duration = Duration::from_secs(1);
/// The wall clock the cases run with (`--deadline`).
const DEADLINE: Duration = Duration::from_secs(20);
/// A first byte this late misses [`SHORT_TIMEOUT`].
const SLOW: Duration = Duration::from_millis(2500);
/// A mebibyte.
const MIB: u64 = 1024 * 1024;
/// Where the records of every case live.
const CONTACTS: &str = "/crm/objects/2026-09/contacts";
/// The contact every mock starts with.
const SEEDED_ID: &str = "101";
/// Harness processes run at once.
const PARALLEL: usize = 6;

/// The result a case must end with.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// Success: HubSpot's JSON on stdout.
    Ok,
    /// `rate-limited` with this policy and wait.
    RateLimited {
        policy: &'static str,
        retry_after_ms: Option<u64>,
    },
    /// `hubspot` with this status.
    HubSpot(u16),
    /// `not-found`.
    NotFound,
    /// `transport` with this `failure`.
    Transport(&'static str),
    /// `invalid-input` at this path.
    InvalidInput(&'static str),
}

impl Expect {
    /// The result as the table shows it.
    fn describe(&self) -> String {
        match self {
            Self::Ok => "success".to_owned(),
            Self::RateLimited {
                policy,
                retry_after_ms: Some(ms),
            } => format!("`rate-limited` ({policy}, `retryAfterMs` {ms})"),
            Self::RateLimited { policy, .. } => format!("`rate-limited` ({policy}, no `retryAfterMs`)"),
            Self::HubSpot(status) => format!("`hubspot` {status}"),
            Self::NotFound => "`not-found`".to_owned(),
            Self::Transport(failure) => format!("`transport` / `{failure}`"),
            Self::InvalidInput(_) => "`invalid-input`, nothing sent".to_owned(),
        }
    }
}

/// Where a case sends its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Its mock.
    Mock,
    /// A port nobody listens on.
    Refused,
}

/// A look at the requests the mock received; `Err` says what is wrong.
type Inspect = fn(&[RecordedRequest]) -> Result<(), String>;

/// One run of the harness and everything it must show.
#[derive(Debug, Clone)]
pub struct Case {
    /// The fault or input, as the table's first column shows it.
    row: String,
    /// The action.
    action: &'static str,
    /// What the connector does, in words.
    does: &'static str,
    /// Which variant of the row this is, for failure messages.
    variant: String,
    rules: Vec<FaultRule>,
    target: Target,
    token: String,
    input: String,
    expect: Expect,
    /// Requests the connector must make (`attempts` of the error, `requestsSent`).
    attempts: u32,
    /// Requests the mock must see.
    mock_saw: usize,
    /// Records the action must leave created (`create` only).
    created: Option<usize>,
    /// Bounds on the call's time (`elapsedMs` of `--debug`).
    at_least: Duration,
    at_most: Duration,
    /// A look at what the mock received.
    inspect: Option<Inspect>,
    /// `--request-timeout`.
    request_timeout: Duration,
}

impl Case {
    fn new(row: impl Into<String>, action: &'static str, does: &'static str, expect: Expect, attempts: u32) -> Self {
        // A failed create leaves nothing unless its case says the mock handled it.
        let created = (action == "create").then_some(usize::from(expect == Expect::Ok));
        Self {
            row: row.into(),
            action,
            does,
            variant: String::new(),
            rules: Vec::new(),
            target: Target::Mock,
            token: TOKEN.to_owned(),
            input: input_for(action),
            expect,
            attempts,
            mock_saw: attempts as usize,
            created,
            at_least: Duration::ZERO,
            at_most: Duration::from_secs(8),
            inspect: None,
            request_timeout: REQUEST_TIMEOUT,
        }
    }

    fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The fault, applied to this action's requests, `times` times (`None`: always).
    fn fault(mut self, fault: Fault, times: Option<u32>) -> Self {
        let mut rule = FaultRule::new(fault)
            .method(method_of(self.action))
            .path_prefix(CONTACTS);
        rule.times = times;
        self.rules = vec![rule];
        self
    }

    fn variant(mut self, variant: impl Into<String>) -> Self {
        self.variant = variant.into();
        self
    }

    fn created(mut self, created: usize) -> Self {
        self.created = Some(created);
        self
    }

    fn mock_saw(mut self, requests: usize) -> Self {
        self.mock_saw = requests;
        self
    }

    fn takes(mut self, at_least: Duration, at_most: Duration) -> Self {
        self.at_least = at_least;
        self.at_most = at_most;
        self
    }

    fn input(mut self, input: String) -> Self {
        self.input = input;
        self
    }

    fn token(mut self, token: String) -> Self {
        self.token = token;
        self
    }

    fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    fn inspect(mut self, inspect: Inspect) -> Self {
        self.inspect = Some(inspect);
        self
    }

    /// The case as a test name: its row, action and variant.
    pub fn name(&self) -> String {
        let variant = if self.variant.is_empty() {
            String::new()
        } else {
            format!(" [{}]", self.variant)
        };
        format!("{} × {}{variant}", self.row, self.action)
    }
}

fn method_of(action: &str) -> &'static str {
    match action {
        "create" | "search" => "POST",
        "update" => "PATCH",
        "archive" => "DELETE",
        _ => "GET",
    }
}

fn input_for(action: &str) -> String {
    let input = match action {
        "create" => json!({"entity": "contacts", "properties": {"email": "new@example.com", "firstname": "Ann"}}),
        "read" => json!({"entity": "contacts", "entityId": SEEDED_ID, "properties": ["email"]}),
        "update" => json!({"entity": "contacts", "entityId": SEEDED_ID, "properties": {"firstname": "Bea"}}),
        "archive" => json!({"entity": "contacts", "entityId": SEEDED_ID}),
        _ => search_input(&json!({
            "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "ann@example.com"}]}],
            "limit": 10
        })),
    };
    input.to_string()
}

fn search_input(search: &Value) -> Value {
    json!({"entity": "contacts", "searchObj": search})
}

fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

fn rate_limited(
    policy: RateLimitPolicy,
    style: RateLimitStyle,
    retry_after: Option<u64>,
    interval: Option<u64>,
) -> Fault {
    Fault::RateLimited {
        policy,
        style,
        retry_after_secs: retry_after,
        interval_ms: interval,
    }
}

fn body_style(html: bool) -> &'static str {
    if html { "an HTML body" } else { "a JSON body" }
}

/// `200 ms`, `1 s`, `2.5 s`.
fn seconds(duration: Duration) -> String {
    if duration < secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}

/// Whole milliseconds, as `--debug` reports them.
fn millis_of(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
