//! Search past HubSpot's 10,000-result cap: `maxResults` pages by
//! `hs_object_id` once the cap is in the way, within HubSpot's search rate
//! limit; through `tool.invoke`, the typed `crm` search and the CLI.
#![expect(
    clippy::expect_used,
    reason = "fixtures outside #[test] functions: a failed expectation there is a failed test"
)]

use std::process::Stdio;

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_harness::wit::{Error, crm};
use hubspot_mock::{MockConfig, RateLimits, RecordedRequest};
use serde_json::{Value, json};

use crate::common::{Env, record_ids};
use crate::crm_typed::typed;

/// More contacts than HubSpot's search pages reach.
const CONTACTS: u64 = 12_000;
/// HubSpot's largest search page.
const PAGE: u64 = 200;

/// A mock that holds searches to HubSpot's 5 per second (and its burst
/// limit), seeded with contacts 1 to [`CONTACTS`], each with an e-mail address.
fn seeded() -> Env {
    let config = MockConfig {
        rate_limits: Some(RateLimits::default()),
        ..MockConfig::default()
    };
    let env = Env::with_config(config, hubspot_mock::DEFAULT_TOKEN);
    let records = (1..=CONTACTS)
        .map(|id| {
            (
                id.to_string(),
                vec![("email".to_owned(), format!("contact{id}@example.com"))],
            )
        })
        .collect();
    env.mock.seed_records("contacts", records).expect("contacts seeded");
    env
}

/// Checks that the ids are every contact once, in id order.
fn assert_every_contact_once(ids: &[u64]) {
    assert_eq!(ids.len() as u64, CONTACTS);
    assert_eq!(ids, (1..=CONTACTS).collect::<Vec<u64>>().as_slice());
}

/// Checks the searches the mock received: one per page, offsets up to the
/// cap never passed, then `hs_object_id GT` the last id in every group, and
/// no request refused for going over the search rate limit.
fn assert_paged_by_id(env: &Env, groups: usize) {
    let searches: Vec<RecordedRequest> = env
        .requests()
        .into_iter()
        .filter(|request| request.path.ends_with("/search"))
        .collect();
    assert_eq!(searches.len() as u64, CONTACTS / PAGE, "one request per page");
    let mut above = None;
    for (index, search) in searches.iter().enumerate() {
        let body = search.body_json().expect("a JSON body");
        assert_eq!(
            body["sorts"],
            json!([{"propertyName": "hs_object_id", "direction": "ASCENDING"}])
        );
        assert_eq!(body["limit"], PAGE, "{body}");
        assert_eq!(body.get("after"), None, "{body}");
        let id_filters: Vec<&Value> = body["filterGroups"]
            .as_array()
            .map(|groups| {
                groups
                    .iter()
                    .flat_map(|group| group["filters"].as_array().into_iter().flatten())
                    .filter(|filter| filter["propertyName"] == "hs_object_id")
                    .collect()
            })
            .unwrap_or_default();
        match above {
            None => assert!(id_filters.is_empty(), "{body}"),
            Some(last) => {
                assert_eq!(id_filters.len(), groups, "{body}");
                for filter in id_filters {
                    assert_eq!(
                        *filter,
                        json!({"propertyName": "hs_object_id", "operator": "GT", "value": format!("{last}")})
                    );
                }
            }
        }
        above = Some((index as u64 + 1) * PAGE);
    }
    assert_eq!(env.mock.rate_limit_refusals(), 0, "the connector paced itself");
}

#[test]
pub(crate) fn contacts_search_past_ten_thousand_returns_every_record_once() {
    let env = seeded();
    let found = env.ok(
        "search",
        r#"{"entity": "contacts", "searchObj": {"properties": ["email"], "maxResults": 20000}}"#,
    );
    let results = found["results"].as_array().expect("results");
    assert_every_contact_once(&record_ids(&found));
    assert_eq!(results[11_999]["properties"]["email"], "contact12000@example.com");
    assert_eq!(
        (found["total"].as_u64(), found["pages"].as_u64()),
        (Some(CONTACTS), Some(CONTACTS / PAGE))
    );
    assert!(found.get("paging").is_none(), "{}", found["paging"]);
    // The search needed no filter groups of its own: the id filter gets one.
    assert_paged_by_id(&env, 1);

    // Typed, with a filter group of the caller's: it keeps its filter and gains the id filter.
    env.clear();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            let request = crm::SearchRequest {
                object_type: "contacts".to_owned(),
                filter_groups: vec![crm::FilterGroup {
                    filters: vec![crm::Filter {
                        property_name: "email".to_owned(),
                        operator: crm::FilterOperator::HasProperty,
                    }],
                }],
                properties: vec!["email".to_owned()],
                sorts: Vec::new(),
                query: None,
                limit: None,
                after: None,
                max_results: Some(20_000),
            };
            crm.call_search(store, &conn, &request).await
        })
    });
    let page = call.result.expect("a page");
    let ids: Vec<u64> = page
        .results
        .iter()
        .map(|record| record.id.parse().expect("numeric id"))
        .collect();
    assert_every_contact_once(&ids);
    assert_eq!((page.total, page.next_after), (CONTACTS, None));
    assert_paged_by_id(&env, 1);
}

#[test]
pub(crate) fn cli_searches_past_ten_thousand_against_a_running_mock() {
    let env = seeded();
    let output = hubspot_end_to_end::artifacts::harness_command()
        .stdin(Stdio::null())
        .env(TOKEN_VARIABLE, &env.connection.access_token)
        .args(["invoke", "search", "--api-base", &env.mock.base_url()])
        .arg(r#"{"entity": "contacts", "searchObj": {"properties": ["email"], "maxResults": 20000}}"#)
        .output()
        .expect("the harness runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_every_contact_once(&record_ids(&found));
    assert_eq!(found["pages"], CONTACTS / PAGE);
    assert_paged_by_id(&env, 1);
}

#[test]
pub(crate) fn contacts_search_stops_at_max_results_with_hubspot_s_cursor() {
    let env = seeded();
    let found = env.ok(
        "search",
        r#"{"entity": "contacts", "searchObj": {"sorts": [{"propertyName": "email", "direction": "DESCENDING"}], "limit": 100, "maxResults": 250}}"#,
    );
    assert_eq!(found["results"].as_array().map(Vec::len), Some(250));
    assert_eq!(
        (found["total"].as_u64(), found["pages"].as_u64()),
        (Some(CONTACTS), Some(3))
    );
    let after = found["paging"]["next"]["after"].clone();
    assert_eq!(after, "250", "{}", found["paging"]);
    // The cursor goes on where the pages stopped, in the caller's order.
    let next = env.ok(
        "search",
        &json!({"entity": "contacts", "searchObj": {"sorts": [{"propertyName": "email", "direction": "DESCENDING"}], "limit": 1, "after": after}}).to_string(),
    );
    let last = found["results"][249]["id"]
        .as_str()
        .and_then(|id| id.parse::<u64>().ok())
        .expect("an id");
    let following = next["results"][0]["id"]
        .as_str()
        .and_then(|id| id.parse::<u64>().ok())
        .expect("an id");
    assert_ne!(last, following);
    // One page without maxResults stays HubSpot's answer as it is: no `pages`.
    assert!(next.get("pages").is_none(), "{next}");
}

#[test]
pub(crate) fn contacts_search_sorted_past_ten_thousand_is_refused_before_sending() {
    let env = Env::new();
    let result = env.invoke(
        "search",
        r#"{"entity": "contacts", "searchObj": {"sorts": ["createdate"], "maxResults": 10001}}"#,
    );
    match result {
        Err(Error::InvalidInput(problem)) => {
            assert_eq!(problem.path, "searchObj.sorts");
            assert!(problem.message.contains("10000"), "{}", problem.message);
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            let request = crm::SearchRequest {
                object_type: "contacts".to_owned(),
                filter_groups: Vec::new(),
                properties: Vec::new(),
                sorts: vec![crm::Sort {
                    property_name: "createdate".to_owned(),
                    direction: crm::SortDirection::Descending,
                }],
                query: None,
                limit: None,
                after: Some("9000".to_owned()),
                max_results: Some(1001),
            };
            crm.call_search(store, &conn, &request).await
        })
    });
    match call.result {
        Err(Error::InvalidInput(problem)) => assert_eq!(problem.path, "search-request.sorts"),
        other => panic!("expected invalid input, got {other:?}"),
    }
    assert_eq!(call.requests_sent, 0);
    assert!(env.requests().is_empty());
}
