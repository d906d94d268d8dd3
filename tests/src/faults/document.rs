//! RELIABILITY.md, rendered from the cases, the retry policy's rules and the
//! timeouts and limits of the connector and the host.

use std::fmt::Write as _;

use hubspot_connector::limits::MAX_RESPONSE_BYTES;
use hubspot_connector::retry::{RULES, RetryPolicy};
use hubspot_connector::transport::Timeouts;
use hubspot_harness::Sandbox;
use hubspot_mock::{Fault, FaultRule, RateLimitPolicy, RateLimitStyle};

use super::*;

/// Where RELIABILITY.md lives.
pub const RELIABILITY_MD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md");

/// The fault table: one row per fault or input and action, its cases counted.
fn table(cases: &[Case]) -> String {
    struct Row<'a> {
        first: &'a Case,
        results: Vec<String>,
        attempts: Vec<u32>,
        cases: usize,
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    for case in cases {
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
                    cases: 0,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[index];
        row.cases += 1;
        let result = case.expect.describe();
        if !row.results.contains(&result) {
            row.results.push(result);
        }
        if !row.attempts.contains(&case.attempts) {
            row.attempts.push(case.attempts);
        }
    }
    let mut text = String::from(
        "| fault or input | action | what the connector does | result | attempts | cases |\n\
         |---|---|---|---|---|---|\n",
    );
    for row in rows {
        let attempts: Vec<String> = row.attempts.iter().map(u32::to_string).collect();
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} |",
            row.first.row,
            row.first.action,
            row.first.does,
            row.results.join(", "),
            attempts.join(", "),
            row.cases
        );
    }
    text
}

/// The retry policy's rules as a numbered markdown list.
fn retry_rules() -> String {
    let mut rules = String::new();
    for (number, rule) in RULES.iter().enumerate() {
        let _ = writeln!(rules, "{}. {rule}", number + 1);
    }
    rules
}

/// The whole of RELIABILITY.md.
pub fn document(cases: &[Case]) -> String {
    let policy = RetryPolicy::default();
    let guest = Timeouts::default();
    let host = Sandbox::default();
    let mib = |bytes: u64| bytes / MIB;
    let mut text = String::new();
    let _ = write!(
        text,
        "# Reliability

<!-- Rendered by `cargo run -p hubspot-end-to-end --bin render-reliability`, which runs
     every case of the fault suite first and writes nothing if one fails; do not edit by hand. -->

What the connector does when HubSpot throttles, fails, stalls or answers with garbage, and
when its input is hostile. Every row of the table below is one or more cases of the fault
suite (`tests/src/faults/`, run by `cargo test -p hubspot-end-to-end --test faults`, one
test per case): the real `hubspot-harness` binary runs the component against a mock HubSpot
that injects the fault (see `FaultRule` in `mock/src/faults.rs`). The suite also fails when
this file differs from a fresh render of its cases, so it cannot drift from what the
connector does. Each case also checks that the run ended
within its time bound, that the number of requests the connector made (`attempts` of the
error, `requestsSent` of `--debug`) and the mock received are as listed, that a create
left exactly the records it should (never a duplicate), and that the access token appears
nowhere in the output.

## Retry policy

The rules, from `RULES` in [`plugin/src/retry.rs`](plugin/src/retry.rs):

{rules}
With the defaults: at most {attempts} requests per action, backoff from {base} up to {max_delay}
(full jitter), and a deadline of {deadline} per action, retries included. The actions that
read page after page (`list` with `maxResults`, `get-owners`) give each page the whole
deadline and the same retries, and the whole call stays within the host's wall clock below;
a lookup of owners or custom object schemas shares the deadline of the request it serves.
The batch actions send their chunks one after another, each with the whole deadline and
these rules: a 429'd chunk waits and goes again (creates included), and a create chunk
without a usable answer is never sent again: its inputs are reported `inDoubt` and the
run goes on. A 401, a 403 or a 429 that outlasts the retries stops the run; the chunks
already answered stay in the result, the rest are `notSent`.

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
    text.push_str(&table(cases));
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
        .path_prefix("/crm/objects/2026-09/deals/search"),
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
        FaultRule::new(Fault::UnexpectedJson).method("GET"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(seconds(millis(200)), "200 ms");
        assert_eq!(seconds(secs(1)), "1 s");
        assert_eq!(seconds(millis(2500)), "2.5 s");
    }

    #[test]
    fn the_table_counts_the_variants_of_a_row() {
        let case =
            |variant: &str| Case::new("503", "read", "retries", Expect::HubSpot(503), 4).variant(variant.to_owned());
        let cases = [
            case("a"),
            case("b"),
            Case::new("503", "create", "stops", Expect::HubSpot(503), 1),
            Case::new("503", "create", "stops", Expect::HubSpot(502), 1),
        ];
        let table = table(&cases);
        assert!(
            table.contains("| 503 | read | retries | `hubspot` 503 | 4 | 2 |"),
            "{table}"
        );
        assert!(
            table.contains("| 503 | create | stops | `hubspot` 503, `hubspot` 502 | 1 | 2 |"),
            "{table}"
        );
    }
}
