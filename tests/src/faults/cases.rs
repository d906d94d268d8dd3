//! Every case of the fault suite, in the order of RELIABILITY.md's table.

use hubspot_connector::limits::{
    MAX_FILTER_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS_TOTAL, MAX_INPUT_BYTES, MAX_INPUT_DEPTH, MAX_QUERY_CHARS,
    MAX_RESPONSE_BYTES, MAX_SEARCH_LIMIT,
};
use hubspot_connector::retry::RetryPolicy;
use hubspot_mock::{Fault, RateLimitPolicy, RateLimitStyle, RecordedRequest};
use serde_json::json;

use super::*;

/// Every case, in the table's order.
pub fn cases() -> Vec<Case> {
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
            if path == Some("/crm/objects/2026-09/contacts/12%2F..%2F..%2Fowners%3Fx%3D1")
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
