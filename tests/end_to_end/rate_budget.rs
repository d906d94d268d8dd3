//! The host's per-account rate budget against a mock that enforces HubSpot's
//! limits with 429s: many concurrent calls of one account get no 429, a
//! second account is not held up by the first, and without the budget the
//! same load does meet 429s (so the first assertion can fail).
//!
//! The mock's window is shortened to one second (ten requests) so the test
//! takes seconds, not minutes; the budget is configured to match, as a host
//! would configure it for an account whose limits it knows.
#![expect(clippy::expect_used, reason = "helpers of tests: a panic here is a failed test")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hubspot_harness::wit::Connection;
use hubspot_harness::{Call, Connector, Invocation, RateLimits, Sandbox};
use hubspot_mock::{MockConfig, MockServer, TokenGrant};

use crate::common::runtime;

const ACCOUNT_A: &str = "pat-na1-budget-account-a";
const ACCOUNT_B: &str = "pat-na1-budget-account-b";
const BURST: u32 = 10;
const SEARCHES: u32 = 5;

fn mock() -> MockServer {
    let grant = |token: &str| TokenGrant::private_app(token, hubspot_mock::all_scopes());
    let mock = MockServer::start(MockConfig {
        tokens: vec![grant(ACCOUNT_A), grant(ACCOUNT_B)],
        rate_limits: Some(hubspot_mock::RateLimits {
            interval_ms: 1_000,
            max_per_interval: u64::from(BURST),
            searches_per_second: u64::from(SEARCHES),
        }),
        ..MockConfig::default()
    })
    .expect("the mock starts");
    mock.seed_record("companies", "101", &[("name", "Globex")])
        .expect("seeded");
    mock
}

fn connector(rate_limits: Option<RateLimits>) -> Arc<Connector> {
    let sandbox = Sandbox {
        rate_limits,
        ..Sandbox::default()
    };
    Arc::new(Connector::embedded(sandbox).expect("the component loads"))
}

fn matching_budget() -> Option<RateLimits> {
    Some(RateLimits {
        requests_per_window: BURST,
        window: Duration::from_secs(1),
        searches_per_second: SEARCHES,
    })
}

/// One finished call and its place in the order calls finished in.
struct Finished {
    call: Call<String>,
    order: usize,
}

/// Runs `inputs` of `action` for `token` at the same time.
async fn burst(
    connector: &Arc<Connector>,
    mock: &MockServer,
    token: &str,
    action: &str,
    inputs: Vec<String>,
    finished: &Arc<AtomicUsize>,
) -> Vec<Finished> {
    let tasks: Vec<_> = inputs
        .into_iter()
        .map(|input| {
            let connector = Arc::clone(connector);
            let finished = Arc::clone(finished);
            let invocation = Invocation {
                connection: Connection {
                    access_token: token.to_owned(),
                    api_base: Some(mock.base_url()),
                    api_version: None,
                },
                action: action.to_owned(),
                input,
            };
            tokio::spawn(async move {
                let call = connector.invoke(&invocation).await.expect("the call completes");
                Finished {
                    call,
                    order: finished.fetch_add(1, Ordering::SeqCst),
                }
            })
        })
        .collect();
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.expect("the task ends"));
    }
    done
}

fn creates(count: usize) -> Vec<String> {
    (0..count)
        .map(|n| format!(r#"{{"entity": "companies", "properties": {{"name": "Acme {n}"}}}}"#))
        .collect()
}

#[test]
fn one_account_s_burst_meets_no_429_and_another_account_is_not_held_up() {
    const CALLS: usize = 35;
    let mock = mock();
    let connector = connector(matching_budget());
    let finished = Arc::new(AtomicUsize::new(0));
    let (a, b) = runtime().block_on(async {
        let reads = vec![r#"{"entity": "companies", "entityId": "101"}"#.to_owned(); 5];
        tokio::join!(
            burst(&connector, &mock, ACCOUNT_A, "create", creates(CALLS), &finished),
            async {
                // Account B starts once A has filled its window.
                tokio::time::sleep(Duration::from_millis(200)).await;
                let mut done = Vec::new();
                for read in reads {
                    done.extend(burst(&connector, &mock, ACCOUNT_B, "read", vec![read], &finished).await);
                }
                done
            }
        )
    });
    assert_eq!(mock.rate_limit_refusals(), 0, "the mock answered 429");
    for done in &a {
        assert!(done.call.result.is_ok(), "{:?}", done.call.result);
        assert_eq!(done.call.requests_sent, 1, "a request was retried");
    }
    // The first window's worth went at once, every other create waited.
    let delayed: u32 = a.iter().map(|done| done.call.requests_delayed).sum();
    assert_eq!(delayed as usize, CALLS - BURST as usize);
    assert_eq!(mock.record_count("companies", false), CALLS + 1);
    // B never waited, and was through before A's waiting creates were.
    for done in &b {
        assert!(done.call.result.is_ok(), "{:?}", done.call.result);
        assert_eq!(done.call.requests_delayed, 0);
    }
    let last_of_b = b.iter().map(|done| done.order).max().expect("B ran");
    let last_of_a = a.iter().map(|done| done.order).max().expect("A ran");
    assert!(last_of_b < last_of_a, "B finished at {last_of_b}, A at {last_of_a}");
    let by_b = mock
        .requests()
        .iter()
        .filter(|request| request.header("authorization") == Some(&format!("Bearer {ACCOUNT_B}")))
        .count();
    assert_eq!(by_b, 5);
}

#[test]
fn searches_keep_their_own_five_per_second() {
    const CALLS: usize = 12;
    let mock = mock();
    let connector = connector(matching_budget());
    let finished = Arc::new(AtomicUsize::new(0));
    let search = r#"{"entity": "companies", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "name", "operator": "EQ", "value": "Globex"}]}]}}"#;
    let done = runtime().block_on(burst(
        &connector,
        &mock,
        ACCOUNT_A,
        "search",
        vec![search.to_owned(); CALLS],
        &finished,
    ));
    assert_eq!(mock.rate_limit_refusals(), 0, "the mock answered 429");
    for done in &done {
        assert!(done.call.result.is_ok(), "{:?}", done.call.result);
        assert_eq!(done.call.requests_sent, 1);
    }
    let delayed: u32 = done.iter().map(|done| done.call.requests_delayed).sum();
    assert_eq!(delayed as usize, CALLS - SEARCHES as usize);
}

#[test]
fn without_the_budget_the_same_burst_meets_the_mock_s_429s() {
    let mock = mock();
    let connector = connector(None);
    let finished = Arc::new(AtomicUsize::new(0));
    let done = runtime().block_on(burst(&connector, &mock, ACCOUNT_A, "create", creates(20), &finished));
    assert!(mock.rate_limit_refusals() > 0);
    assert!(
        done.iter()
            .any(|done| done.call.requests_sent > 1 || done.call.result.is_err())
    );
}
