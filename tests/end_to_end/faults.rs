//! Faults and hostile input, end to end: every fault the mock can inject, against the
//! actions it matters for, and the hostile inputs an agent may send, each case run
//! through the real `hubspot-harness` binary against a mock of its own. The table of what
//! the connector did is `RELIABILITY.md`: the suite renders it and fails when the
//! committed file differs (`UPDATE_RELIABILITY=1` rewrites the file instead).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use hubspot_connector::limits::{
    MAX_FILTER_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS_TOTAL, MAX_INPUT_BYTES, MAX_INPUT_DEPTH, MAX_QUERY_CHARS,
    MAX_RESPONSE_BYTES, MAX_SEARCH_LIMIT,
};
use hubspot_connector::retry::RetryPolicy;
use hubspot_connector::transport::Timeouts;
use hubspot_harness::Sandbox;
use hubspot_harness::cli::TOKEN_VARIABLE;
use hubspot_harness::hubspot_mock::{
    self, Fault, FaultRule, MockConfig, MockServer, RateLimitPolicy, RateLimitStyle, RecordedRequest, TokenGrant,
};
use serde_json::{Value, json};

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
const CONTACTS: &str = "/crm/v3/objects/contacts";
/// The contact every mock starts with.
const SEEDED_ID: &str = "101";
/// Harness processes run at once.
const PARALLEL: usize = 6;
/// The document the suite renders.
const RELIABILITY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md");

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
struct Case {
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

    fn name(&self) -> String {
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

/// Every case, in the table's order.
fn cases() -> Vec<Case> {
    let max = RetryPolicy::default().max_attempts;
    let json_error = |status| Fault::Status { status, html: false };
    let html_error = |status| Fault::Status { status, html: true };
    let mut cases = Vec::new();

    // Rate limits: HubSpot did not process the request, so everything is retried.
    cases.push(
        Case::new(
            "429 ten-secondly, docs body, `Retry-After: 1`, once",
            "create",
            "waits the `Retry-After`, sends again; exactly one record",
            Expect::Ok,
            2,
        )
        .fault(
            rate_limited(RateLimitPolicy::TenSecondlyRolling, RateLimitStyle::Docs, Some(1), None),
            Some(1),
        )
        .takes(secs(1), secs(8)),
    );
    cases.push(
        Case::new(
            "429 ten-secondly, docs body, interval header 200 ms, twice",
            "read",
            "waits the interval, sends again",
            Expect::Ok,
            3,
        )
        .fault(
            rate_limited(
                RateLimitPolicy::TenSecondlyRolling,
                RateLimitStyle::Docs,
                None,
                Some(200),
            ),
            Some(2),
        )
        .takes(millis(400), secs(8)),
    );
    for action in ["search", "create"] {
        cases.push(
            Case::new(
                "429 secondly, recorded body (`category: RATE_LIMITS`, no headers), once",
                action,
                "waits 1 s (the secondly window), sends again",
                Expect::Ok,
                2,
            )
            .fault(
                rate_limited(RateLimitPolicy::Secondly, RateLimitStyle::Recorded, None, None),
                Some(1),
            )
            .takes(secs(1), secs(8)),
        );
    }
    cases.push(
        Case::new(
            "429 ten-secondly, recorded body, interval header 100 ms, every time",
            "update",
            "waits and retries until the attempts run out",
            Expect::RateLimited {
                policy: "ten-secondly",
                retry_after_ms: Some(100),
            },
            max,
        )
        .fault(
            rate_limited(
                RateLimitPolicy::TenSecondlyRolling,
                RateLimitStyle::Recorded,
                None,
                Some(100),
            ),
            None,
        )
        .takes(millis(300), secs(8)),
    );
    for (action, style) in [("read", RateLimitStyle::Docs), ("create", RateLimitStyle::Recorded)] {
        cases.push(
            Case::new(
                format!(
                    "429 daily, {} body",
                    if style == RateLimitStyle::Docs {
                        "docs"
                    } else {
                        "recorded"
                    }
                ),
                action,
                "gives up at once: the quota resets at midnight",
                Expect::RateLimited {
                    policy: "daily",
                    retry_after_ms: None,
                },
                1,
            )
            .fault(rate_limited(RateLimitPolicy::Daily, style, None, None), None),
        );
    }

    // Server errors and locks: HubSpot did not process the request.
    for (action, status, html) in [
        ("read", 500, false),
        ("update", 502, true),
        ("archive", 503, false),
        ("search", 504, true),
    ] {
        cases.push(
            Case::new(
                format!("{status} with {}, twice", body_style(html)),
                action,
                "backs off, sends again",
                Expect::Ok,
                3,
            )
            .fault(Fault::Status { status, html }, Some(2)),
        );
    }
    cases.push(
        Case::new(
            "503 every time",
            "read",
            "backs off and retries until the attempts run out",
            Expect::HubSpot(503),
            max,
        )
        .fault(json_error(503), None),
    );
    for (status, html) in [(500, false), (502, true)] {
        cases.push(
            Case::new(
                "500 with a JSON body or 502 with an HTML body, once",
                "create",
                "does not send again: HubSpot may have created the record",
                Expect::HubSpot(status),
                1,
            )
            .variant(format!("{status}, {}", body_style(html)))
            .fault(Fault::Status { status, html }, Some(1)),
        );
    }
    cases.push(
        Case::new(
            "423 Locked, once",
            "update",
            "waits at least 2 s, sends again",
            Expect::Ok,
            2,
        )
        .fault(json_error(423), Some(1))
        .takes(secs(2), secs(9)),
    );
    cases.push(
        Case::new(
            "423 Locked, once",
            "create",
            "does not send again",
            Expect::HubSpot(423),
            1,
        )
        .fault(html_error(423), Some(1)),
    );

    // Connections that break.
    cases.push(
        Case::new(
            "connection dropped before the request is handled, once",
            "read",
            "sends again",
            Expect::Ok,
            2,
        )
        .fault(Fault::DropBeforeProcessing, Some(1)),
    );
    cases.push(
        Case::new(
            "connection dropped before the request is handled, once",
            "create",
            "does not send again: it cannot tell whether HubSpot got it",
            Expect::Transport("connection"),
            1,
        )
        .fault(Fault::DropBeforeProcessing, Some(1)),
    );
    cases.push(
        Case::new(
            "connection dropped after the request is handled, once",
            "create",
            "does not send again: the record exists once, no duplicate",
            Expect::Transport("connection"),
            1,
        )
        .fault(Fault::DropAfterProcessing, Some(1))
        .created(1),
    );
    for action in ["update", "archive"] {
        cases.push(
            Case::new(
                "connection dropped after the request is handled, once",
                action,
                "sends again (repeating it changes nothing)",
                Expect::Ok,
                2,
            )
            .fault(Fault::DropAfterProcessing, Some(1)),
        );
    }
    // A large body makes the write meet the closed connection before the refusal is
    // known, the order that once made a refused create look as if it may have left.
    let large: serde_json::Map<String, Value> = (0..10)
        .map(|n| (format!("notes{n}"), Value::from("x".repeat(60_000))))
        .collect();
    let large_create = json!({"entity": "contacts", "properties": large}).to_string();
    for (variant, input) in [("small body", input_for("create")), ("600 kB body", large_create)] {
        cases.push(
            Case::new(
                "connection refused (nothing listening)",
                "create",
                "backs off and retries (the request never left) until the attempts run out",
                Expect::Transport("connection"),
                max,
            )
            .variant(variant)
            .input(input)
            .target(Target::Refused)
            .mock_saw(0),
        );
    }

    // Slow answers: the first byte comes after the request timeout.
    cases.push(
        Case::new(
            format!(
                "first byte after {} (request timeout {}), once",
                seconds(SLOW),
                seconds(SHORT_TIMEOUT)
            ),
            "read",
            "times out, sends again",
            Expect::Ok,
            2,
        )
        .fault(Fault::Delay { ms: millis_of(SLOW) }, Some(1))
        .request_timeout(SHORT_TIMEOUT)
        .takes(SHORT_TIMEOUT, secs(8)),
    );
    cases.push(
        Case::new(
            format!(
                "first byte after {} (request timeout {}), once",
                seconds(SLOW),
                seconds(SHORT_TIMEOUT)
            ),
            "create",
            "times out, does not send again: the record exists once",
            Expect::Transport("timeout"),
            1,
        )
        .fault(Fault::Delay { ms: millis_of(SLOW) }, Some(1))
        .created(1)
        .request_timeout(SHORT_TIMEOUT)
        .takes(SHORT_TIMEOUT, secs(8)),
    );
    cases.push(
        Case::new(
            format!(
                "first byte after {} (request timeout {}), every time",
                seconds(SLOW),
                seconds(SHORT_TIMEOUT)
            ),
            "update",
            "times out and retries until the attempts run out",
            Expect::Transport("timeout"),
            max,
        )
        .fault(Fault::Delay { ms: millis_of(SLOW) }, None)
        .request_timeout(SHORT_TIMEOUT)
        .takes(SHORT_TIMEOUT * max, secs(12)),
    );

    // Broken answers.
    cases.push(
        Case::new("malformed JSON with 200, once", "read", "sends again", Expect::Ok, 2)
            .fault(Fault::MalformedJson, Some(1)),
    );
    cases.push(
        Case::new(
            "malformed JSON with 201",
            "create",
            "does not send again: the record exists once",
            Expect::Transport("malformed-response"),
            1,
        )
        .fault(Fault::MalformedJson, None)
        .created(1),
    );
    let cut_short = "body cut short (`Content-Length` larger than sent, then close), once";
    cases.push(Case::new(cut_short, "read", "sends again", Expect::Ok, 2).fault(Fault::TruncatedBody, Some(1)));
    cases.push(
        Case::new(
            cut_short,
            "create",
            "does not send again: the record exists once",
            Expect::Transport("connection"),
            1,
        )
        .fault(Fault::TruncatedBody, Some(1))
        .created(1),
    );
    let html = "HTML page with 200 (a proxy answered), once";
    cases.push(Case::new(html, "search", "sends again", Expect::Ok, 2).fault(Fault::HtmlSuccess, Some(1)));
    cases.push(
        Case::new(
            html,
            "create",
            "does not send again",
            Expect::Transport("malformed-response"),
            1,
        )
        .fault(Fault::HtmlSuccess, Some(1)),
    );
    let text_plain = "JSON labelled `text/plain`, every time";
    cases.push(
        Case::new(
            text_plain,
            "read",
            "retries until the attempts run out",
            Expect::Transport("malformed-response"),
            max,
        )
        .fault(Fault::WrongContentType, None),
    );
    cases.push(
        Case::new(
            text_plain,
            "create",
            "does not send again: the record exists once",
            Expect::Transport("malformed-response"),
            1,
        )
        .fault(Fault::WrongContentType, None)
        .created(1),
    );
    let cap = u64::try_from(MAX_RESPONSE_BYTES).unwrap_or(u64::MAX);
    let oversized = cap + MIB;
    for action in ["read", "create"] {
        cases.push(
            Case::new(
                format!(
                    "body of {} MiB announced in `Content-Length` (cap {} MiB), every time",
                    oversized / MIB,
                    cap / MIB
                ),
                action,
                "refuses it before reading; does not send again (the answer would be as large)",
                Expect::Transport("response-too-large"),
                1,
            )
            .fault(
                Fault::OversizedBody {
                    bytes: oversized,
                    chunked: false,
                },
                None,
            )
            .created(usize::from(action == "create")),
        );
    }
    cases.push(
        Case::new(
            format!(
                "body of {} MiB sent chunked (cap {} MiB), every time",
                oversized / MIB,
                cap / MIB
            ),
            "read",
            "stops reading at the cap; does not send again",
            Expect::Transport("response-too-large"),
            1,
        )
        .fault(
            Fault::OversizedBody {
                bytes: oversized,
                chunked: true,
            },
            None,
        )
        // Streaming the cap through the sandbox takes a while on a loaded machine.
        .takes(Duration::ZERO, secs(15)),
    );

    // Hostile input.
    cases.push(
        Case::new(
            "id `12/../../owners?x=1` (with `idProperty`)",
            "read",
            "sends it as one encoded path segment",
            Expect::NotFound,
            1,
        )
        .input(json!({"entity": "contacts", "entityId": "12/../../owners?x=1", "idProperty": "email"}).to_string())
        .inspect(|requests| {
            let path = requests.first().map(|r| r.path.as_str());
            let segments = requests.first().map(RecordedRequest::path_segments).unwrap_or_default();
            let query = requests.first().map(RecordedRequest::query_pairs).unwrap_or_default();
            if path == Some("/crm/v3/objects/contacts/12%2F..%2F..%2Fowners%3Fx%3D1")
                && segments.last().map(String::as_str) == Some("12/../../owners?x=1")
                && query == [("idProperty".to_owned(), "email".to_owned())]
            {
                Ok(())
            } else {
                Err(format!("the id left its segment: {path:?} {query:?}"))
            }
        }),
    );
    cases.push(
        Case::new(
            "CR/LF in the access token",
            "read",
            "refuses it before sending; the token is not echoed",
            Expect::InvalidInput("connection.accessToken"),
            0,
        )
        .token(format!("{TOKEN}\r\nX-Injected: 1")),
    );
    let padding = "x".repeat(MAX_INPUT_BYTES);
    cases.push(
        Case::new(
            format!("input over {} MiB", MAX_INPUT_BYTES / (1024 * 1024)),
            "create",
            "refuses it before sending",
            Expect::InvalidInput(""),
            0,
        )
        .input(json!({"entity": "contacts", "properties": {"notes": padding}}).to_string()),
    );
    let depth = MAX_INPUT_DEPTH * 4;
    cases.push(
        Case::new(
            format!("input nested {depth} deep"),
            "create",
            "refuses it before sending",
            Expect::InvalidInput(""),
            0,
        )
        .input(format!(
            r#"{{"entity": "contacts", "properties": {{"notes": {}1{}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )),
    );
    let filter = json!({"propertyName": "email", "operator": "HAS_PROPERTY"});
    let group = |filters: usize| json!({"filters": vec![filter.clone(); filters]});
    let over_limits = [
        (
            "too many filter groups",
            json!({"filterGroups": vec![group(1); MAX_FILTER_GROUPS + 1]}),
            "searchObj.filterGroups",
        ),
        (
            "too many filters in a group",
            json!({"filterGroups": [group(MAX_FILTERS_PER_GROUP + 1)]}),
            "searchObj.filterGroups[0].filters",
        ),
        (
            "too many filters in all",
            json!({"filterGroups": vec![group(MAX_FILTERS_PER_GROUP - 1); MAX_FILTER_GROUPS - 1]}),
            "searchObj.filterGroups",
        ),
        (
            "limit over the maximum",
            json!({"limit": MAX_SEARCH_LIMIT + 1}),
            "searchObj.limit",
        ),
        (
            "query over the maximum length",
            json!({"query": "q".repeat(MAX_QUERY_CHARS + 1)}),
            "searchObj.query",
        ),
    ];
    const { assert!((MAX_FILTER_GROUPS - 1) * (MAX_FILTERS_PER_GROUP - 1) > MAX_FILTERS_TOTAL) };
    for (variant, search, path) in over_limits {
        cases.push(
            Case::new(
                "search over HubSpot's limits (groups, filters, limit, query length)",
                "search",
                "refuses it before sending, naming the field",
                Expect::InvalidInput(path),
                0,
            )
            .variant(variant)
            .input(search_input(&search).to_string()),
        );
    }
    cases
}

fn millis_of(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// What one harness run produced.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs the harness for `case` against `base`, killing it if it outlives the case's bound.
fn run_harness(case: &Case, base: &str) -> Result<Run, String> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hubspot-harness"))
        .args(["invoke", case.action, "-", "--api-base", base, "--debug"])
        .arg("--request-timeout")
        .arg(case.request_timeout.as_secs_f64().to_string())
        .arg("--deadline")
        .arg(DEADLINE.as_secs_f64().to_string())
        .env(TOKEN_VARIABLE, &case.token)
        .env_remove("HUBSPOT_API_BASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the harness did not start: {e}"))?;
    let input = case.input.clone();
    let mut stdin = child.stdin.take().ok_or("stdin is not piped")?;
    // The harness may refuse before reading everything; a broken pipe is then fine.
    let writer = thread::spawn(move || drop(stdin.write_all(input.as_bytes())));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    // Compiling the component takes a while on a loaded machine; the call itself is
    // bounded by the case.
    let code = wait_at_most(&mut child, case.at_most + secs(30));
    let _ = writer.join();
    Ok(Run {
        code,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// The exit code, or `None` if the process had to be killed.
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(millis(10));
    }
}

/// Runs `case` and checks everything it must show; `Err` says what was wrong.
fn check(case: &Case) -> Result<(), String> {
    let config = MockConfig {
        tokens: vec![TokenGrant {
            token: TOKEN.to_owned(),
            scopes: hubspot_mock::all_scopes(),
        }],
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).map_err(|e| format!("the mock did not start: {e}"))?;
    mock.seed_record(
        "contacts",
        SEEDED_ID,
        &[("email", "ann@example.com"), ("firstname", "Ann")],
    )
    .map_err(|e| e.to_string())?;
    let seeded = mock.record_count("contacts", true);
    mock.add_faults(case.rules.clone());
    let base = match case.target {
        Target::Mock => mock.base_url(),
        Target::Refused => refused_base()?,
    };
    let run = run_harness(case, &base)?;
    let context = || format!("{run:#?}");
    let fail = |what: String| Err(format!("{what}\n{}", context()));

    let Some(code) = run.code else {
        return fail(format!("still running after {:?}; killed", run.elapsed));
    };
    if run.stdout.contains(TOKEN) || run.stderr.contains(TOKEN) {
        return fail("the token leaked".to_owned());
    }
    let lines: Vec<&str> = run.stderr.lines().collect();
    let debug: Value = lines
        .first()
        .and_then(|line| serde_json::from_str(line).ok())
        .unwrap_or(Value::Null);
    let (Some(sent), Some(elapsed_ms)) = (
        debug["debug"]["requestsSent"].as_u64(),
        debug["debug"]["elapsedMs"].as_u64(),
    ) else {
        return fail("no --debug line on stderr".to_owned());
    };
    // The call's own time, without the process start and the component's compilation.
    let elapsed = millis(elapsed_ms);
    if elapsed < case.at_least || elapsed > case.at_most {
        return fail(format!(
            "the call took {elapsed:?}, expected {:?} to {:?}",
            case.at_least, case.at_most
        ));
    }
    if sent != u64::from(case.attempts) {
        return fail(format!("requestsSent {sent}, expected {}", case.attempts));
    }
    match &case.expect {
        Expect::Ok => {
            if code != 0 || lines.len() != 1 {
                return fail(format!("expected success, exit code {code}"));
            }
            if !serde_json::from_str::<Value>(&run.stdout).is_ok_and(|v| v.is_object()) {
                return fail("stdout is not a JSON object".to_owned());
            }
        }
        expected => {
            let error: Value = lines
                .last()
                .and_then(|line| serde_json::from_str(line).ok())
                .unwrap_or(Value::Null);
            let error = &error["error"];
            let wanted_code = if matches!(expected, Expect::InvalidInput(_)) {
                2
            } else {
                1
            };
            if code != wanted_code || !run.stdout.is_empty() {
                return fail(format!("exit code {code}, expected {wanted_code} and no stdout"));
            }
            if let Err(problem) = error_matches(expected, error) {
                return fail(problem);
            }
            let attempts = error["attempts"].as_u64().unwrap_or(0);
            if attempts != u64::from(case.attempts) {
                return fail(format!("error.attempts {attempts}, expected {}", case.attempts));
            }
        }
    }
    let requests = mock.requests();
    if requests.len() != case.mock_saw {
        return fail(format!(
            "the mock saw {} requests, expected {}",
            requests.len(),
            case.mock_saw
        ));
    }
    if let Some(created) = case.created {
        let now = mock.record_count("contacts", true);
        if now != seeded + created {
            return fail(format!("{} records created, expected {created}", now - seeded));
        }
    }
    if let Some(inspect) = case.inspect {
        inspect(&requests).or_else(fail)?;
    }
    Ok(())
}

fn error_matches(expected: &Expect, error: &Value) -> Result<(), String> {
    let kind = error["kind"].as_str().unwrap_or_default();
    let ok = match expected {
        Expect::Ok => false,
        Expect::RateLimited { policy, retry_after_ms } => {
            kind == "rate-limited"
                && error["status"] == 429
                && error["policy"] == *policy
                && error["retryAfterMs"].as_u64() == *retry_after_ms
        }
        Expect::HubSpot(status) => kind == "hubspot" && error["status"] == *status,
        Expect::NotFound => kind == "not-found" && error["status"] == 404,
        Expect::Transport(failure) => kind == "transport" && error["failure"] == *failure,
        Expect::InvalidInput(path) => kind == "invalid-input" && error["path"] == *path,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected {}, got {error}", expected.describe()))
    }
}

/// `http://127.0.0.1:PORT` with nothing listening on the port.
fn refused_base() -> Result<String, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    drop(listener);
    Ok(format!("http://127.0.0.1:{port}"))
}

/// Runs every case on [`PARALLEL`] threads; the outcome of each, in order.
fn run_all(cases: &[Case]) -> Vec<Result<(), String>> {
    // The slowest cases first, so that the waits overlap.
    let mut order: Vec<(usize, &Case)> = cases.iter().enumerate().collect();
    order.sort_by_key(|(_, case)| std::cmp::Reverse((case.at_least, case.attempts)));
    let queue = Mutex::new(order.into_iter().collect::<VecDeque<_>>());
    let results = Mutex::new(vec![None; cases.len()]);
    thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut queue| queue.pop_front());
                    let Ok(Some((index, case))) = next else { break };
                    let outcome = check(case);
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some(outcome);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|| Err("not run".to_owned())))
        .collect()
}

/// The fault table: one row per fault or input and action, its cases counted.
fn table(cases: &[Case], outcomes: &[Result<(), String>]) -> String {
    struct Row<'a> {
        first: &'a Case,
        results: Vec<String>,
        attempts: Vec<u32>,
        tried: usize,
        passed: usize,
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        let index = match rows
            .iter()
            .position(|row| row.first.row == case.row && row.first.action == case.action)
        {
            Some(index) => index,
            None => {
                rows.push(Row {
                    first: case,
                    results: Vec::new(),
                    attempts: Vec::new(),
                    tried: 0,
                    passed: 0,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[index];
        row.tried += 1;
        row.passed += usize::from(outcome.is_ok());
        let result = case.expect.describe();
        if !row.results.contains(&result) {
            row.results.push(result);
        }
        if !row.attempts.contains(&case.attempts) {
            row.attempts.push(case.attempts);
        }
    }
    let mut text = String::from(
        "| fault or input | action | what the connector does | result | attempts | cases passed / tried |\n\
         |---|---|---|---|---|---|\n",
    );
    for row in rows {
        let attempts: Vec<String> = row.attempts.iter().map(u32::to_string).collect();
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} / {} |",
            row.first.row,
            row.first.action,
            row.first.does,
            row.results.join(", "),
            attempts.join(", "),
            row.passed,
            row.tried
        );
    }
    text
}

/// The numbered rules of `RetryPolicy`'s doc comment in `plugin/src/retry.rs`, as
/// markdown (intra-doc links become plain code).
fn retry_rules() -> String {
    let source = include_str!("../../plugin/src/retry.rs");
    let mut lines = source
        .lines()
        .skip_while(|line| line.trim() != "/// Rules, in order:")
        .skip(1);
    let mut rules = String::new();
    for line in lines.by_ref() {
        let Some(text) = line.trim().strip_prefix("///") else {
            break;
        };
        let _ = writeln!(rules, "{}", plain_links(text.strip_prefix(' ').unwrap_or(text)));
    }
    rules
}

/// `[`x`](Self::x)` and `[`x`]` become `` `x` ``.
fn plain_links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find("`]") else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&after[..=end]);
        rest = &after[end + 2..];
        if rest.starts_with('(')
            && let Some(close) = rest.find(')')
        {
            rest = &rest[close + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// `200 ms`, `1 s`, `2.5 s`.
fn seconds(duration: Duration) -> String {
    if duration < secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}

/// The whole of RELIABILITY.md.
fn document(cases: &[Case], outcomes: &[Result<(), String>]) -> String {
    let policy = RetryPolicy::default();
    let guest = Timeouts::default();
    let host = Sandbox::default();
    let mib = |bytes: u64| bytes / MIB;
    let mut text = String::new();
    let _ = write!(
        text,
        "# Reliability

<!-- Generated by tests/end_to_end/faults.rs from the cases it runs; do not edit by hand.
     Regenerate: UPDATE_RELIABILITY=1 cargo test -p hubspot-harness --test end_to_end faults -->

What the connector does when HubSpot throttles, fails, stalls or answers with garbage, and
when its input is hostile. Every row of the table below is one or more cases of the
end-to-end suite `tests/end_to_end/faults.rs`: the real `hubspot-harness` binary runs the
component against a mock HubSpot that injects the fault (see `FaultRule` in
`host-harness/mock/src/faults.rs`). The suite renders this file and fails when it differs,
so it cannot drift from what the connector does. Each case also checks that the run ended
within its time bound, that the number of requests the connector made (`attempts` of the
error, `requestsSent` of `--debug`) and the mock received are as listed, that a create
left exactly the records it should (never a duplicate), and that the access token appears
nowhere in the output.

## Retry policy

The rules, quoted from the doc comment of `RetryPolicy` in
[`plugin/src/retry.rs`](plugin/src/retry.rs):

{rules}
With the defaults: at most {attempts} requests per action, backoff from {base} up to {max_delay}
(full jitter), and a deadline of {deadline} per action, retries included.

## Timeouts and limits

| what | connector (guest) | host ceiling (`Sandbox::default()`) |
|---|---|---|
| connect | {g_connect} | {h_connect} |
| first byte | {g_first} | {h_first} |
| between bytes | {g_between} | {h_between} |
| whole action | {deadline} (then the last error, `transport`/`timeout` if none) | {wall} wall clock (then a `host` error) |
| response body | {body_cap} MiB (`transport`/`response-too-large`) | {host_cap} MiB |

The connector lowers each timeout to the time left before its deadline; the host lowers
it further to its ceiling. `hubspot-harness invoke --request-timeout SECS` lowers the
host's three ceilings and `--deadline SECS` sets the wall clock (the suite runs with
{suite_timeout}, {short_timeout} for the late first bytes, and {suite_deadline}).

## Faults and hostile input

",
        rules = retry_rules(),
        attempts = policy.max_attempts,
        base = seconds(policy.base_delay),
        max_delay = seconds(policy.max_delay),
        deadline = seconds(policy.deadline),
        g_connect = seconds(guest.connect),
        g_first = seconds(guest.first_byte),
        g_between = seconds(guest.between_bytes),
        h_connect = seconds(host.connect_timeout),
        h_first = seconds(host.first_byte_timeout),
        h_between = seconds(host.between_bytes_timeout),
        wall = seconds(host.wall_clock),
        body_cap = mib(u64::try_from(MAX_RESPONSE_BYTES).unwrap_or(u64::MAX)),
        host_cap = mib(host.max_response_bytes),
        suite_timeout = seconds(REQUEST_TIMEOUT),
        short_timeout = seconds(SHORT_TIMEOUT),
        suite_deadline = seconds(DEADLINE),
    );
    text.push_str(&table(cases, outcomes));
    text.push_str(
        &"
\"Once\" and \"twice\" mean the fault hits that many requests and the next ones succeed;
\"every time\" means it never stops. Faults that answer instead of HubSpot (429, 5xx,
423, an HTML page, a connection dropped before the request is handled) leave nothing
created; the others spoil the answer to a request HubSpot did handle, which is why a
create is then never sent again.

## Injecting faults by hand

`hubspot-harness mock --faults FILE` serves the mock with the fault rules in FILE, a JSON
list. While it runs, `POST /__mock/faults` (a JSON list) adds rules, `GET /__mock/faults`
lists the ones that may still fire and `DELETE /__mock/faults` removes them all. `/__mock/`
is no HubSpot path: it needs no token, and its requests are neither recorded nor faulted.
A rule matches on `method` and `pathPrefix` (both optional), fires for the first `times`
matching requests (every one without it), and names its `fault`. One of each kind, as a
file for `--faults`:

```json
{examples}```

## Fuzzing

The pure logic is also fuzzed: see [fuzz/README.md](fuzz/README.md).
"
        .replace("{examples}", &fault_examples()),
    );
    text
}

/// One rule of each fault kind, as the JSON list `--faults FILE` takes.
fn fault_examples() -> String {
    let rules = [
        FaultRule::new(rate_limited(
            RateLimitPolicy::TenSecondlyRolling,
            RateLimitStyle::Docs,
            Some(1),
            Some(10_000),
        ))
        .method("POST")
        .path_prefix(CONTACTS)
        .times(2),
        FaultRule::new(rate_limited(
            RateLimitPolicy::Secondly,
            RateLimitStyle::Recorded,
            None,
            None,
        ))
        .path_prefix("/crm/v3/objects/deals/search"),
        FaultRule::new(Fault::Status {
            status: 502,
            html: true,
        })
        .times(1),
        FaultRule::new(Fault::DropBeforeProcessing).method("GET"),
        FaultRule::new(Fault::DropAfterProcessing).method("POST").times(1),
        FaultRule::new(Fault::Delay { ms: 2500 }),
        FaultRule::new(Fault::MalformedJson),
        FaultRule::new(Fault::TruncatedBody),
        FaultRule::new(Fault::HtmlSuccess),
        FaultRule::new(Fault::WrongContentType),
        FaultRule::new(Fault::OversizedBody {
            bytes: 34_603_008,
            chunked: true,
        }),
    ];
    let lines: Vec<String> = rules
        .iter()
        .map(|rule| format!("  {}", serde_json::to_string(rule).unwrap_or_default()))
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

#[test]
fn faults_and_hostile_input_end_as_reliability_md_says() {
    let cases = cases();
    let started = Instant::now();
    let outcomes = run_all(&cases);
    let elapsed = started.elapsed();
    eprintln!("{} fault and hostile-input cases ran in {elapsed:?}", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .zip(&outcomes)
        .filter_map(|(case, outcome)| outcome.as_ref().err().map(|why| format!("{}: {why}", case.name())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (in {elapsed:?}):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    let rendered = document(&cases, &outcomes);
    let path = Path::new(RELIABILITY);
    if std::env::var_os("UPDATE_RELIABILITY").is_some_and(|value| value == "1") {
        std::fs::write(path, &rendered).expect("RELIABILITY.md is written");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == rendered,
        "RELIABILITY.md differs from what the fault suite observed; run \
         `UPDATE_RELIABILITY=1 cargo test -p hubspot-harness --test end_to_end faults` and review the diff.\n\
         --- rendered ---\n{rendered}"
    );
}

/// One request over a fresh connection: the status and the body.
fn http(addr: &str, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
    let mut stream = std::net::TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\
         Authorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        hubspot_mock::DEFAULT_TOKEN,
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).map_err(|e| e.to_string())?;
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

#[test]
fn faults_mock_command_takes_a_fault_file_and_the_control_endpoint() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("faults-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let rules = dir.join("faults.json");
    let list = r#"[{"method": "GET", "times": 1, "fault": {"kind": "status", "status": 503}}]"#;
    std::fs::write(&rules, list).map_err(|e| e.to_string())?;
    let not_a_list = dir.join("not-a-list.json");
    std::fs::write(&not_a_list, r#"{"fault": "all of them"}"#).map_err(|e| e.to_string())?;

    let refused = Command::new(env!("CARGO_BIN_EXE_hubspot-harness"))
        .args(["mock", "--listen", "127.0.0.1:0", "--faults"])
        .arg(&not_a_list)
        .output()
        .map_err(|e| e.to_string())?;
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("fault rules"));

    let mut mock = Command::new(env!("CARGO_BIN_EXE_hubspot-harness"))
        .args(["mock", "--listen", "127.0.0.1:0", "--faults"])
        .arg(&rules)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let checked = (|| {
        let mut stdout = mock.stdout.take().ok_or("stdout is not piped")?;
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while byte[0] != b'\n' {
            stdout
                .read_exact(&mut byte)
                .map_err(|e| format!("no announcement: {e}"))?;
            line.push(byte[0]);
        }
        let announced: Value = serde_json::from_slice(&line).map_err(|e| e.to_string())?;
        let base = announced["mock"]["apiBase"].as_str().ok_or("no apiBase")?;
        let addr = base.trim_start_matches("http://");
        let read = format!("{CONTACTS}/1");
        assert_eq!(http(addr, "GET", &read, "")?.0, 503, "the file's fault fires once");
        assert_eq!(http(addr, "GET", &read, "")?.0, 404);
        let added = http(addr, "POST", "/__mock/faults", list)?;
        assert_eq!(added.0, 200, "{added:?}");
        assert_eq!(http(addr, "GET", &read, "")?.0, 503, "a posted fault fires");
        let (status, listed) = http(addr, "GET", "/__mock/faults", "")?;
        assert_eq!((status, listed.as_str()), (200, r#"{"faults":[]}"#));
        assert_eq!(http(addr, "POST", "/__mock/faults", list)?.0, 200);
        assert_eq!(http(addr, "DELETE", "/__mock/faults", "")?.0, 204);
        assert_eq!(http(addr, "GET", &read, "")?.0, 404, "cleared");
        Ok::<(), String>(())
    })();
    let _ = mock.kill();
    let _ = mock.wait();
    let _ = std::fs::remove_dir_all(&dir);
    checked
}

#[test]
fn faults_retry_rules_are_quoted_from_the_policy_doc_comment() {
    let rules = retry_rules();
    assert!(rules.starts_with("1. "), "{rules}");
    assert!(rules.contains("**429**") && rules.contains("daily"), "{rules}");
    assert!(!rules.contains("](") && !rules.contains("[`"), "{rules}");
    assert_eq!(
        plain_links("see [`deadline`](Self::deadline) and [`Repeatable`]."),
        "see `deadline` and `Repeatable`."
    );
}

#[test]
fn faults_durations_read_naturally() {
    assert_eq!(seconds(millis(200)), "200 ms");
    assert_eq!(seconds(secs(1)), "1 s");
    assert_eq!(seconds(millis(2500)), "2.5 s");
}

#[test]
fn faults_table_counts_the_variants_of_a_row() {
    let case = |variant: &str| Case::new("503", "read", "retries", Expect::HubSpot(503), 4).variant(variant.to_owned());
    let cases = [
        case("a"),
        case("b"),
        Case::new("503", "create", "stops", Expect::HubSpot(503), 1),
        Case::new("503", "create", "stops", Expect::HubSpot(502), 1),
    ];
    let outcomes = [Ok(()), Err("no".to_owned()), Ok(()), Ok(())];
    let table = table(&cases, &outcomes);
    assert!(
        table.contains("| 503 | read | retries | `hubspot` 503 | 4 | 1 / 2 |"),
        "{table}"
    );
    assert!(
        table.contains("| 503 | create | stops | `hubspot` 503, `hubspot` 502 | 1 | 2 / 2 |"),
        "{table}"
    );
}
