//! Create, read, update, archive and search: every sample of the
//! specification exactly as written, realistic flows, and the ways they fail.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers of tests: a panic here is a failed test"
)]

use hubspot_harness::wit::Error;
use hubspot_mock::{API_VERSIONS, RecordedRequest};
use serde_json::{Value, json};

use crate::common::{Env, Sample, path_in_version, samples_of};

/// The records the specification's samples refer to.
pub(crate) fn seeded() -> Env {
    let env = Env::new();
    let mock = &env.mock;
    mock.seed_record(
        "contacts",
        "12345678",
        &[
            ("email", "john.doe@example.com"),
            ("firstname", "John"),
            ("lastname", "Doe"),
            ("phone", "+1-555-123-4567"),
            ("company", "Acme Corp"),
            ("lifecyclestage", "lead"),
            ("state", "California"),
        ],
    )
    .expect("contact seeded");
    mock.seed_record(
        "companies",
        "12345678",
        &[("name", "Acme Corporation"), ("domain", "acme.com")],
    )
    .expect("company seeded");
    mock.seed_record("companies", "11223344", &[("name", "Globex"), ("domain", "globex.com")])
        .expect("company seeded");
    mock.seed_record(
        "deals",
        "98765432",
        &[
            ("dealname", "Enterprise License - Q1 2025"),
            ("amount", "50000"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    )
    .expect("deal seeded");
    mock.seed_record(
        "deals",
        "98765433",
        &[
            ("dealname", "Starter"),
            ("amount", "5000"),
            ("dealstage", "qualifiedtobuy"),
            ("pipeline", "default"),
        ],
    )
    .expect("deal seeded");
    mock.seed_record(
        "deals",
        "98765434",
        &[
            ("dealname", "Platform"),
            ("amount", "150000"),
            ("dealstage", "closedwon"),
            ("pipeline", "default"),
        ],
    )
    .expect("deal seeded");
    mock.seed_association("deals", "98765432", "contacts", "12345678", 3)
        .expect("association seeded");
    mock.seed_association("deals", "98765432", "companies", "11223344", 5)
        .expect("association seeded");
    env
}

/// What a sample must send and what must come back. Shared with the CLI
/// tests, which run the same samples through the `hubspot-harness` binary.
pub(crate) struct Expectation {
    pub(crate) title: &'static str,
    method: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    body: Option<Value>,
    pub(crate) outcome: Outcome,
}

/// How a sample ends.
pub(crate) enum Outcome {
    /// It succeeds; the check sees the mock after the call and the JSON answer.
    Ok(fn(&Env, &Value)),
    /// HubSpot refuses `property` with `code` (HTTP 400 `VALIDATION_ERROR`),
    /// naming `allowed` among the valid values when one is given.
    Refused {
        property: &'static str,
        code: &'static str,
        allowed: Option<&'static str>,
    },
    /// HubSpot has no such record (HTTP 404).
    NotFound,
}

impl Expectation {
    /// Asserts that `request` is exactly the one the sample must send.
    /// Asserts that `request` is the one the sample sends under API `version`.
    pub(crate) fn assert_request(&self, request: &RecordedRequest, token: &str, version: &str) {
        let title = self.title;
        assert_eq!(request.method, self.method, "{title}");
        assert_eq!(request.path, path_in_version(self.path, version), "{title} ({version})");
        let expected: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(request.query_pairs(), expected, "{title}");
        assert_eq!(request.body_json(), self.body, "{title}");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {token}").as_str()),
            "{title}"
        );
    }

    /// Asserts that the typed result of `tool.invoke` is the expected one.
    fn assert_result(&self, env: &Env, result: Result<Value, Error>) {
        let title = self.title;
        match (&self.outcome, result) {
            (Outcome::Ok(check), Ok(value)) => check(env, &value),
            (
                Outcome::Refused {
                    property,
                    code,
                    allowed,
                },
                Err(Error::Validation(validation)),
            ) => {
                let problem = validation.problems.iter().find(|p| p.name == *property);
                let problem = problem.unwrap_or_else(|| panic!("{title}: no problem for {property}: {validation:?}"));
                assert_eq!(problem.code, *code, "{title}");
                assert_eq!(validation.detail.status, 400, "{title}");
                assert!(
                    validation.detail.message.contains(property),
                    "{title}: {}",
                    validation.detail.message
                );
                if let Some(allowed) = allowed {
                    assert!(
                        problem.allowed_values.iter().any(|v| v == allowed),
                        "{title}: {problem:?}"
                    );
                }
            }
            (Outcome::NotFound, Err(Error::NotFound(detail))) => assert_eq!(detail.status, 404, "{title}"),
            (_, result) => panic!("{title}: unexpected result {result:?}"),
        }
    }
}

/// The expectation of `sample`, which must have one.
pub(crate) fn expectation_of<'a>(sample: &Sample, expectations: &'a [Expectation]) -> &'a Expectation {
    expectations
        .iter()
        .find(|e| e.title == sample.title)
        .unwrap_or_else(|| panic!("the sample `{}` has no expectation", sample.title))
}

/// The mock a sample runs against: the seeded records, and for the sample
/// that reads an archived record, that record archived.
pub(crate) fn env_for(sample: &Sample) -> Env {
    let env = seeded();
    if sample.title == "Read Archived Record" {
        env.ok("archive", r#"{"entity": "contacts", "entityId": "12345678"}"#);
        env.clear();
    }
    env
}

/// One expectation per sample of the record actions, in the specification's order.
pub(crate) fn expectations() -> Vec<Expectation> {
    vec![
        // The specification's sample addresses were masked to "[email protected]"
        // by the page it was copied from; HubSpot refuses that as an e-mail.
        Expectation {
            title: "Create a Contact",
            method: "POST",
            path: "/crm/objects/2026-09/contacts",
            query: &[],
            body: Some(
                json!({"properties": {"email": "[email protected]", "firstname": "John", "lastname": "Doe",
                "phone": "+1-555-123-4567", "company": "Acme Corp", "jobtitle": "Software Engineer"}}),
            ),
            outcome: Outcome::Refused {
                property: "email",
                code: "INVALID_EMAIL",
                allowed: None,
            },
        },
        Expectation {
            title: "Create a Deal",
            method: "POST",
            path: "/crm/objects/2026-09/deals",
            query: &[],
            body: Some(
                json!({"properties": {"dealname": "Enterprise License - Q1 2025", "dealstage": "appointmentscheduled",
                "pipeline": "default", "amount": "50000", "closedate": "2025-03-31"}}),
            ),
            outcome: Outcome::Ok(|env, deal| {
                assert_eq!(deal["properties"]["dealname"], "Enterprise License - Q1 2025");
                assert_eq!(deal["properties"]["dealstage"], "appointmentscheduled");
                assert!(
                    deal["id"]
                        .as_str()
                        .is_some_and(|id| id.bytes().all(|b| b.is_ascii_digit()))
                );
                assert!(deal["createdAt"].is_string());
                assert_eq!(env.mock.record_count("deals", false), 4);
            }),
        },
        Expectation {
            title: "Create a Company",
            method: "POST",
            path: "/crm/objects/2026-09/companies",
            query: &[],
            body: Some(
                json!({"properties": {"name": "Acme Corporation", "domain": "acme.com", "industry": "Technology",
                "phone": "+1-555-000-0000", "city": "San Francisco", "state": "California"}}),
            ),
            outcome: Outcome::Refused {
                property: "industry",
                code: "INVALID_OPTION",
                allowed: Some("COMPUTER_SOFTWARE"),
            },
        },
        Expectation {
            title: "Create a Contact with Association to Company",
            method: "POST",
            path: "/crm/objects/2026-09/contacts",
            query: &[],
            body: Some(
                json!({"properties": {"email": "[email protected]", "firstname": "Jane", "lastname": "Smith"},
                "associations": [{"to": {"id": "12345678"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}),
            ),
            outcome: Outcome::Refused {
                property: "email",
                code: "INVALID_EMAIL",
                allowed: None,
            },
        },
        Expectation {
            title: "Basic Read",
            method: "GET",
            path: "/crm/objects/2026-09/contacts/12345678",
            query: &[],
            body: None,
            outcome: Outcome::Ok(|_, contact| {
                assert_eq!(contact["id"], "12345678");
                assert_eq!(contact["properties"]["email"], "john.doe@example.com");
                assert_eq!(contact["archived"], false);
            }),
        },
        Expectation {
            title: "Read with Specific Properties",
            method: "GET",
            path: "/crm/objects/2026-09/contacts/12345678",
            query: &[
                ("properties", "email"),
                ("properties", "firstname"),
                ("properties", "lastname"),
                ("properties", "phone"),
                ("properties", "company"),
            ],
            body: None,
            outcome: Outcome::Ok(|_, contact| {
                assert_eq!(contact["properties"]["company"], "Acme Corp");
                assert_eq!(contact["properties"]["phone"], "+1-555-123-4567");
                assert!(
                    contact["properties"].get("state").is_none(),
                    "only requested properties: {contact}"
                );
            }),
        },
        Expectation {
            title: "Read with Associations",
            method: "GET",
            path: "/crm/objects/2026-09/deals/98765432",
            query: &[
                ("properties", "dealname"),
                ("properties", "amount"),
                ("properties", "dealstage"),
                ("associations", "contacts"),
                ("associations", "companies"),
            ],
            body: None,
            outcome: Outcome::Ok(|_, deal| {
                assert_eq!(deal["associations"]["contacts"]["results"][0]["id"], "12345678");
                assert_eq!(deal["associations"]["companies"]["results"][0]["id"], "11223344");
                assert_eq!(deal["properties"]["amount"], "50000");
            }),
        },
        Expectation {
            title: "Read with Property History",
            method: "GET",
            path: "/crm/objects/2026-09/deals/98765432",
            query: &[
                ("properties", "dealname"),
                ("properties", "amount"),
                ("propertiesWithHistory", "dealstage"),
            ],
            body: None,
            outcome: Outcome::Ok(|_, deal| {
                let history = deal["propertiesWithHistory"]["dealstage"].as_array().expect("history");
                assert_eq!(history[0]["value"], "appointmentscheduled");
                assert!(history[0]["timestamp"].is_string() && history[0]["sourceType"].is_string());
            }),
        },
        Expectation {
            title: "Read Archived Record",
            method: "GET",
            path: "/crm/objects/2026-09/contacts/12345678",
            query: &[("archived", "true")],
            body: None,
            outcome: Outcome::Ok(|_, contact| {
                assert_eq!(contact["archived"], true);
                assert!(contact["archivedAt"].is_string());
            }),
        },
        Expectation {
            title: "Update Contact Information",
            method: "PATCH",
            path: "/crm/objects/2026-09/contacts/12345678",
            query: &[],
            body: Some(json!({"properties": {"phone": "+1-555-987-6543", "jobtitle": "Senior Software Engineer"}})),
            outcome: Outcome::Ok(|_, contact| {
                assert_eq!(contact["properties"]["phone"], "+1-555-987-6543");
                assert_eq!(contact["properties"]["jobtitle"], "Senior Software Engineer");
            }),
        },
        Expectation {
            title: "Update Deal Stage",
            method: "PATCH",
            path: "/crm/objects/2026-09/deals/98765432",
            query: &[],
            body: Some(json!({"properties": {"dealstage": "closedwon", "amount": "55000", "closedate": "2025-02-15"}})),
            outcome: Outcome::Ok(|_, deal| {
                assert_eq!(deal["properties"]["dealstage"], "closedwon");
                assert_eq!(deal["properties"]["amount"], "55000");
            }),
        },
        Expectation {
            title: "Update Company Information",
            method: "PATCH",
            path: "/crm/objects/2026-09/companies/11223344",
            query: &[],
            body: Some(
                json!({"properties": {"numberofemployees": "500", "annualrevenue": "10000000", "industry": "Software"}}),
            ),
            outcome: Outcome::Refused {
                property: "industry",
                code: "INVALID_OPTION",
                allowed: Some("COMPUTER_SOFTWARE"),
            },
        },
        Expectation {
            title: "Update with Custom ID Property",
            method: "PATCH",
            path: "/crm/objects/2026-09/contacts/%5Bemail%20protected%5D",
            query: &[("idProperty", "email")],
            body: Some(json!({"properties": {"lifecyclestage": "customer"}})),
            outcome: Outcome::NotFound,
        },
        Expectation {
            title: "Archive a Contact",
            method: "DELETE",
            path: "/crm/objects/2026-09/contacts/12345678",
            query: &[],
            body: None,
            outcome: Outcome::Ok(|env, answer| {
                assert_eq!(answer, &json!({"id": "12345678", "archived": true}));
                assert_eq!(env.mock.record_count("contacts", false), 0);
            }),
        },
        Expectation {
            title: "Archive a Deal",
            method: "DELETE",
            path: "/crm/objects/2026-09/deals/98765432",
            query: &[],
            body: None,
            outcome: Outcome::Ok(|_, answer| assert_eq!(answer, &json!({"id": "98765432", "archived": true}))),
        },
        Expectation {
            title: "Archive a Company",
            method: "DELETE",
            path: "/crm/objects/2026-09/companies/11223344",
            query: &[],
            body: None,
            outcome: Outcome::Ok(|_, answer| assert_eq!(answer, &json!({"id": "11223344", "archived": true}))),
        },
        Expectation {
            title: "Search Contacts by Email",
            method: "POST",
            path: "/crm/objects/2026-09/contacts/search",
            query: &[],
            body: Some(
                json!({"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "[email protected]"}]}],
                "properties": ["email", "firstname", "lastname", "phone"],
                "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}], "limit": 10, "after": "0"}),
            ),
            outcome: Outcome::Ok(|_, page| assert_eq!(page, &json!({"total": 0, "results": []}))),
        },
        Expectation {
            title: "Search Deals by Stage",
            method: "POST",
            path: "/crm/objects/2026-09/deals/search",
            query: &[],
            body: Some(
                json!({"filterGroups": [{"filters": [{"propertyName": "dealstage", "operator": "IN", "values": ["appointmentscheduled", "qualifiedtobuy"]}]}],
                "properties": ["dealname", "amount", "dealstage", "closedate"],
                "sorts": [{"propertyName": "amount", "direction": "ASCENDING"}], "limit": 50, "after": "0"}),
            ),
            outcome: Outcome::Ok(|_, page| {
                assert_eq!(page["total"], 2);
                let amounts: Vec<&str> = page["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|r| r["properties"]["amount"].as_str())
                    .collect();
                assert_eq!(amounts, ["5000", "50000"]);
            }),
        },
        Expectation {
            title: "Search with Multiple Filters",
            method: "POST",
            path: "/crm/objects/2026-09/contacts/search",
            query: &[],
            body: Some(
                json!({"filterGroups": [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"},
                {"propertyName": "state", "operator": "EQ", "value": "California"}]}],
                "properties": ["email", "firstname", "lastname", "company", "lifecyclestage"],
                "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}], "limit": 100, "after": "0"}),
            ),
            outcome: Outcome::Ok(|_, page| {
                assert_eq!(page["total"], 1);
                assert_eq!(page["results"][0]["id"], "12345678");
                assert_eq!(page["results"][0]["properties"]["lifecyclestage"], "lead");
            }),
        },
        Expectation {
            title: "Search Deals by Amount Range",
            method: "POST",
            path: "/crm/objects/2026-09/deals/search",
            query: &[],
            body: Some(
                json!({"filterGroups": [{"filters": [{"propertyName": "amount", "operator": "BETWEEN", "value": "10000", "highValue": "100000"}]}],
                "properties": ["dealname", "amount", "dealstage"],
                "sorts": [{"propertyName": "amount", "direction": "ASCENDING"}], "limit": 25, "after": "0"}),
            ),
            outcome: Outcome::Ok(|_, page| {
                assert_eq!(page["total"], 1);
                assert_eq!(
                    page["results"][0]["properties"]["dealname"],
                    "Enterprise License - Q1 2025"
                );
            }),
        },
    ]
}

/// The record actions whose samples the specification gives.
pub(crate) const RECORD_ACTIONS: [&str; 5] = ["create", "read", "update", "archive", "search"];

#[test]
pub(crate) fn spec_samples_of_record_actions_send_the_documented_requests() {
    let expectations = expectations();
    for version in API_VERSIONS {
        let mut covered = 0;
        for action in RECORD_ACTIONS {
            for sample in samples_of(action) {
                let expectation = expectation_of(&sample, &expectations);
                let env = env_for(&sample).with_api_version(version);
                let result = env.invoke(sample.action, &sample.json);
                expectation.assert_request(&env.only_request(), &env.connection.access_token, version);
                expectation.assert_result(&env, result);
                covered += 1;
            }
        }
        assert_eq!(covered, expectations.len(), "every expectation belongs to a sample");
        assert_eq!(covered, 20);
    }
}

#[test]
fn contacts_create_with_association_links_both_ways() {
    let env = Env::new();
    let company = env.create("companies", json!({"name": "Acme Corporation", "domain": "acme.com"}));
    let input = json!({"entity": "contacts", "properties": {"email": "jane.smith@acme.com", "firstname": "Jane"},
        "associations": [{"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]});
    let contact = env.ok("create", &input.to_string());
    let read = env.ok(
        "read",
        &json!({"entity": "companies", "entityId": company, "associations": ["contacts"]}).to_string(),
    );
    let linked: Vec<&str> = read["associations"]["contacts"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert!(linked.contains(&contact["id"].as_str().unwrap()), "{read}");
}

#[test]
fn contacts_update_by_email_finds_the_record() {
    let env = Env::new();
    let id = env.create(
        "contacts",
        json!({"email": "jane.smith@acme.com", "lifecyclestage": "lead"}),
    );
    let updated = env.ok(
        "update",
        r#"{"entity": "contacts", "entityId": "jane.smith@acme.com", "idProperty": "email", "properties": {"lifecyclestage": "customer"}}"#,
    );
    assert_eq!(updated["id"], id.as_str());
    assert_eq!(updated["properties"]["lifecyclestage"], "customer");
    let request = env.requests().pop().unwrap();
    assert_eq!(request.path, "/crm/objects/2026-09/contacts/jane.smith%40acme.com");
}

#[test]
fn contacts_create_duplicate_email_is_a_conflict_naming_the_existing_record() {
    let env = Env::new();
    let id = env.create("contacts", json!({"email": "jane.smith@acme.com"}));
    match env.invoke(
        "create",
        r#"{"entity": "contacts", "properties": {"email": "jane.smith@acme.com"}}"#,
    ) {
        Err(Error::Conflict(conflict)) => {
            assert_eq!(conflict.existing_id.as_deref(), Some(id.as_str()));
            assert_eq!(conflict.detail.status, 409);
            assert!(conflict.detail.correlation_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.mock.record_count("contacts", false), 1);
}

#[test]
fn deals_read_with_history_shows_each_stage_newest_first() {
    let env = Env::new();
    let id = env.create(
        "deals",
        json!({"dealname": "Renewal", "pipeline": "default", "dealstage": "appointmentscheduled"}),
    );
    env.ok(
        "update",
        &json!({"entity": "deals", "entityId": id, "properties": {"dealstage": "contractsent"}}).to_string(),
    );
    let deal = env.ok(
        "read",
        &json!({"entity": "deals", "entityId": id, "propertiesWithHistory": ["dealstage"]}).to_string(),
    );
    let values: Vec<&str> = deal["propertiesWithHistory"]["dealstage"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["value"].as_str())
        .collect();
    assert_eq!(values, ["contractsent", "appointmentscheduled"]);
}

#[test]
fn deals_archive_hides_the_record_until_read_as_archived() {
    let env = Env::new();
    let id = env.create(
        "deals",
        json!({"dealname": "Lost", "pipeline": "default", "dealstage": "closedlost"}),
    );
    assert_eq!(
        env.ok("archive", &json!({"entity": "deals", "entityId": id}).to_string()),
        json!({"id": id, "archived": true})
    );
    let read = json!({"entity": "deals", "entityId": id});
    assert!(matches!(env.invoke("read", &read.to_string()), Err(Error::NotFound(_))));
    let archived = env.ok(
        "read",
        &json!({"entity": "deals", "entityId": id, "archived": true}).to_string(),
    );
    assert_eq!(archived["archived"], true);
}

#[test]
fn contacts_search_pages_through_every_match_with_string_cursors() {
    let env = Env::new();
    for n in 0..5 {
        env.create(
            "contacts",
            json!({"email": format!("lead{n}@acme.com"), "lifecyclestage": "lead"}),
        );
    }
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let mut search = json!({"filterGroups": [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"}]}], "limit": 2});
        if let Some(cursor) = &after {
            search["after"] = json!(cursor);
        }
        let page = env.ok(
            "search",
            &json!({"entity": "contacts", "searchObj": search}).to_string(),
        );
        assert_eq!(page["total"], 5);
        seen.extend(
            page["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        match page["paging"]["next"]["after"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
}

#[test]
fn every_entity_spelling_reaches_hubspot_s_path() {
    let env = Env::new();
    for (entity, path) in [
        ("lineItems", "line_items"),
        ("line_items", "line_items"),
        ("postalMails", "postal_mail"),
        ("0-3", "deals"),
        ("2-3604285", "2-3604285"),
    ] {
        env.clear();
        let _ = env.invoke("read", &json!({"entity": entity, "entityId": "1"}).to_string());
        assert_eq!(
            env.only_request().path,
            format!("/crm/objects/2026-09/{path}/1"),
            "{entity}"
        );
    }
}

/// Invalid input gets a typed error naming the field, and HubSpot never sees it.
fn refused_before_sending(action: &str, input: &str, path: &str) -> String {
    let env = Env::new();
    let call = env.call(action, input);
    assert_eq!(call.requests_sent, 0, "{input}");
    assert!(env.requests().is_empty(), "{input}");
    match call.result {
        Err(Error::InvalidInput(problem)) => {
            assert_eq!(problem.path, path, "{input}: {}", problem.message);
            problem.message
        }
        other => panic!("{input}: expected invalid input, got {other:?}"),
    }
}

#[test]
fn contacts_create_unknown_entity_lists_the_accepted_ones() {
    // A misspelt built-in name is refused at once.
    let message = refused_before_sending(
        "create",
        r#"{"entity": "Contact", "properties": {"email": "a@b.co"}}"#,
        "entity",
    );
    for entity in ["companies", "contacts", "deals", "lineItems", "postalMails", "tasks"] {
        assert!(message.contains(entity), "{message}");
    }
    // A name that could be a custom object's costs one read of the account's
    // schemas, and nothing is written.
    let env = Env::new();
    let result = env.invoke("create", r#"{"entity": "invoices", "properties": {"email": "a@b.co"}}"#);
    let Err(Error::InvalidInput(problem)) = result else {
        panic!("expected invalid input, got {result:?}");
    };
    assert_eq!(problem.path, "entity");
    for known in ["contacts", "lineItems", "pets (2-3604285)"] {
        assert!(problem.message.contains(known), "{}", problem.message);
    }
    let request = env.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/crm-object-schemas/2026-09/schemas")
    );
}

#[test]
fn contacts_invalid_inputs_are_refused_before_sending() {
    refused_before_sending("read", r#"{"entity": "contacts"}"#, "entityId");
    refused_before_sending("update", r#"{"entity": "contacts", "entityId": "1"}"#, "properties");
    refused_before_sending(
        "create",
        r#"{"entity": "contacts", "properties": "email=a@b.co"}"#,
        "properties",
    );
    refused_before_sending(
        "read",
        r#"{"entity": "contacts", "entityId": "jane@acme.com"}"#,
        "entityId",
    );
    refused_before_sending("read", "{not json", "");
    refused_before_sending(
        "archive",
        r#"{"entity": "contacts", "entityId": "1", "force": true}"#,
        "force",
    );
    let search = |filter: &str| {
        format!(r#"{{"entity": "deals", "searchObj": {{"filterGroups": [{{"filters": [{filter}]}}]}}}}"#)
    };
    let message = refused_before_sending(
        "search",
        &search(r#"{"propertyName": "amount", "operator": "ABOUT", "value": "1"}"#),
        "searchObj.filterGroups[0].filters[0].operator",
    );
    assert!(message.contains("NOT_CONTAINS_TOKEN"), "{message}");
    refused_before_sending(
        "search",
        &search(r#"{"propertyName": "amount", "operator": "BETWEEN", "value": "1"}"#),
        "searchObj.filterGroups[0].filters[0].highValue",
    );
    refused_before_sending(
        "search",
        &search(r#"{"propertyName": "dealstage", "operator": "IN"}"#),
        "searchObj.filterGroups[0].filters[0].values",
    );
    for limit in [0, 201] {
        refused_before_sending(
            "search",
            &format!(r#"{{"entity": "deals", "searchObj": {{"limit": {limit}}}}}"#),
            "searchObj.limit",
        );
    }
}

#[test]
fn contacts_read_missing_record_is_not_found() {
    let env = Env::new();
    match env.invoke("read", r#"{"entity": "contacts", "entityId": "404404"}"#) {
        Err(Error::NotFound(detail)) => {
            assert_eq!(detail.status, 404);
            assert_eq!(detail.category.as_deref(), Some("OBJECT_NOT_FOUND"));
            assert!(detail.correlation_id.is_some());
            assert_eq!(detail.attempts, 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn contacts_read_with_a_wrong_token_is_unauthorized() {
    let mut env = Env::new();
    env.connection.access_token = "pat-na1-not-a-real-token".into();
    match env.invoke("read", r#"{"entity": "contacts", "entityId": "1"}"#) {
        Err(Error::Unauthorized(detail)) => {
            assert_eq!(detail.status, 401);
            assert!(detail.message.contains("Service Key"), "{}", detail.message);
            assert!(!detail.message.contains("not-a-real-token") && !detail.body.contains("not-a-real-token"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn deals_create_without_the_deals_scope_is_forbidden_with_the_missing_scope() {
    let env = Env::with_scopes(
        "pat-na1-contacts-only",
        &["crm.objects.contacts.read", "crm.objects.contacts.write"],
    );
    match env.invoke("create", r#"{"entity": "deals", "properties": {"dealname": "x"}}"#) {
        Err(Error::Forbidden(forbidden)) => {
            assert_eq!(forbidden.detail.status, 403);
            assert!(
                forbidden.missing_scopes.iter().any(|s| s == "crm.objects.deals.write"),
                "{forbidden:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn contacts_hostile_ids_stay_one_encoded_segment() {
    let env = Env::new();
    let hostile = "12/../../owners?x=1#frag";
    let _ = env.invoke(
        "read",
        &json!({"entity": "contacts", "entityId": hostile, "idProperty": "email"}).to_string(),
    );
    let request = env.only_request();
    assert_eq!(
        request.path,
        "/crm/objects/2026-09/contacts/12%2F..%2F..%2Fowners%3Fx%3D1%23frag"
    );
    assert_eq!(request.path_segments().last().map(String::as_str), Some(hostile));
    assert_eq!(
        request.query_pairs(),
        vec![("idProperty".to_owned(), "email".to_owned())]
    );
}

#[test]
fn contacts_create_through_2026_09_obeys_the_account_s_validation_rules() {
    let config = hubspot_mock::MockConfig {
        validation_rules: vec![hubspot_mock::ValidationRule::required("contacts", "lastname")],
        ..hubspot_mock::MockConfig::default()
    };
    let env = Env::with_config(config, hubspot_mock::DEFAULT_TOKEN);
    let input = r#"{"entity": "contacts", "properties": {"email": "jade.chen@example.com", "firstname": "Jade"}}"#;
    match env.invoke("create", input) {
        Err(Error::Validation(refused)) => {
            assert_eq!(refused.detail.status, 400);
            assert_eq!(refused.detail.category.as_deref(), Some("VALIDATION_ERROR"));
            let names: Vec<&str> = refused.problems.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, ["lastname"], "{refused:?}");
            assert!(refused.problems[0].message.contains("validation rules"), "{refused:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.only_request().path, "/crm/objects/2026-09/contacts");
    env.clear();
    assert_eq!(env.mock.record_count("contacts", true), 0, "nothing was created");
    // The same account through versions before 2026-09 does not enforce its rules.
    let mut env = env;
    for (version, path) in [
        ("2026-03", "/crm/objects/2026-03/contacts"),
        ("v3", "/crm/v3/objects/contacts"),
    ] {
        env.connection.api_version = Some(version.to_owned());
        let email = format!("jade.{version}@example.com");
        let input = json!({"entity": "contacts", "properties": {"email": email, "firstname": "Jade"}});
        let created = env.ok("create", &input.to_string());
        assert_eq!(created["properties"]["firstname"], "Jade", "{version}: {created}");
        assert_eq!(env.only_request().path, path);
        env.clear();
    }
}
