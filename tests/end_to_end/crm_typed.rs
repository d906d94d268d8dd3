//! The typed `crm` interface, one function at a time: WIT records in, WIT
//! records out, over the same validation and HTTP path as `tool.invoke`.
#![expect(
    clippy::panic,
    reason = "fixtures outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use hubspot_harness::wit::crm::{self, Guest};
use hubspot_harness::wit::{Connection, Error, TransportFailure};
use hubspot_harness::{BoxFuture, Call, CallState};
use hubspot_mock::{self, Fault, FaultRule, RateLimitPolicy, RateLimitStyle, RecordedRequest};
use serde_json::{Value, json};

use crate::common::{Env, connector, runtime};

/// What a `crm` function returns to the host.
type Answer<'a, T> = BoxFuture<'a, hubspot_harness::wasmtime::Result<Result<T, Error>>>;

/// Runs one `crm` function against `env`'s mock.
pub(crate) fn typed<T, F>(env: &Env, call: F) -> Call<T>
where
    T: Send + 'static,
    F: for<'a> FnOnce(&'a Guest, &'a mut hubspot_harness::wasmtime::Store<CallState>, Connection) -> Answer<'a, T>
        + Send
        + 'static,
{
    runtime()
        .block_on(connector().crm(&env.connection, call))
        .unwrap_or_else(|error| panic!("the crm call did not complete: {error}"))
}

fn value(name: &str, value: &str) -> crm::PropertyValue {
    crm::PropertyValue {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

/// The entry for `name`, which must be present (its value may be `None`).
fn entry<'a>(record: &'a crm::CrmRecord, name: &str) -> &'a crm::PropertyEntry {
    record
        .properties
        .iter()
        .find(|entry| entry.name == name)
        .unwrap_or_else(|| panic!("no property {name} in {record:?}"))
}

fn text<'a>(record: &'a crm::CrmRecord, name: &str) -> Option<&'a str> {
    entry(record, name).value.as_deref()
}

/// The active (or archived) properties of `object_type`, all of them.
fn properties_request(object_type: &str, archived: bool) -> crm::PropertiesRequest {
    crm::PropertiesRequest {
        object_type: object_type.to_owned(),
        archived,
        query: None,
    }
}

/// A read of one record with HubSpot's default properties.
fn read_request(object_type: &str, record_id: &str) -> crm::ReadRequest {
    crm::ReadRequest {
        object_type: object_type.to_owned(),
        record_id: record_id.to_owned(),
        properties: Vec::new(),
        properties_with_history: Vec::new(),
        associations: Vec::new(),
        archived: false,
        id_property: None,
    }
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn assert_request(request: &RecordedRequest, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) {
    assert_eq!(request.method, method);
    assert_eq!(request.path, path);
    assert_eq!(request.query_pairs(), pairs(query));
    assert_eq!(request.body_json(), body);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", hubspot_mock::DEFAULT_TOKEN).as_str())
    );
}

#[test]
pub(crate) fn contacts_crm_create_with_an_association_returns_the_typed_record() {
    let env = Env::new();
    env.mock
        .seed_record("companies", "11223344", &[("name", "Globex"), ("domain", "globex.com")])
        .unwrap();
    let request = crm::CreateRequest {
        object_type: "contacts".to_owned(),
        properties: vec![
            value("email", "jane.smith@globex.com"),
            value("firstname", "Jane"),
            value("lifecyclestage", "lead"),
        ],
        associations: vec![crm::AssociationInput {
            to_id: "11223344".to_owned(),
            types: vec![crm::AssociationType {
                category: crm::AssociationCategory::HubspotDefined,
                type_id: 1,
            }],
        }],
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_create(store, &conn, &request).await })
    });
    assert_eq!(call.requests_sent, 1);
    let record = call.result.expect("the contact is created");
    assert!(
        !record.id.is_empty() && record.id.bytes().all(|b| b.is_ascii_digit()),
        "{record:?}"
    );
    assert_eq!(text(&record, "email"), Some("jane.smith@globex.com"));
    assert_eq!(text(&record, "firstname"), Some("Jane"));
    assert_eq!(text(&record, "lifecyclestage"), Some("lead"));
    assert_eq!(text(&record, "hs_object_id"), Some(record.id.as_str()));
    assert!(
        record.created_at.ends_with('Z') && record.updated_at.ends_with('Z'),
        "{record:?}"
    );
    assert!(!record.archived && record.archived_at.is_none());
    assert!(record.properties_with_history.is_empty() && record.associations.is_empty());
    assert_request(
        &env.only_request(),
        "POST",
        "/crm/objects/2026-09/contacts",
        &[],
        Some(json!({
            "properties": {"email": "jane.smith@globex.com", "firstname": "Jane", "lifecyclestage": "lead"},
            "associations": [{"to": {"id": "11223344"},
                              "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}],
        })),
    );
    let company = env.ok(
        "read",
        r#"{"entity": "companies", "entityId": "11223344", "associations": ["contacts"]}"#,
    );
    assert_eq!(
        company["associations"]["contacts"]["results"][0]["id"],
        record.id.as_str()
    );
}

#[test]
pub(crate) fn deals_crm_read_returns_history_associations_and_unset_properties_as_none() {
    let env = Env::new();
    env.mock
        .seed_record(
            "deals",
            "98765432",
            &[
                ("dealname", "Enterprise License - Q1 2025"),
                ("amount", "50000"),
                ("pipeline", "default"),
                ("dealstage", "appointmentscheduled"),
            ],
        )
        .unwrap();
    env.mock
        .seed_record("contacts", "12345678", &[("email", "john.doe@example.com")])
        .unwrap();
    env.mock
        .seed_association("deals", "98765432", "contacts", "12345678", 3)
        .unwrap();
    env.ok(
        "update",
        r#"{"entity": "deals", "entityId": "98765432", "properties": {"dealstage": "contractsent"}}"#,
    );
    env.clear();
    let request = crm::ReadRequest {
        object_type: "deals".to_owned(),
        record_id: "98765432".to_owned(),
        properties: vec!["dealname".to_owned(), "amount".to_owned(), "closedate".to_owned()],
        properties_with_history: vec!["dealstage".to_owned()],
        associations: vec!["contacts".to_owned()],
        archived: false,
        id_property: None,
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_read(store, &conn, &request).await })
    });
    let deal = call.result.expect("the deal is read");
    assert_eq!(deal.id, "98765432");
    assert_eq!(text(&deal, "dealname"), Some("Enterprise License - Q1 2025"));
    assert_eq!(text(&deal, "amount"), Some("50000"));
    assert_eq!(text(&deal, "closedate"), None, "requested but unset");
    let history: Vec<&crm::PropertyHistory> = deal.properties_with_history.iter().collect();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].name, "dealstage");
    let values: Vec<&str> = history[0].versions.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["contractsent", "appointmentscheduled"]);
    assert!(
        history[0]
            .versions
            .iter()
            .all(|v| v.timestamp.ends_with('Z') && !v.source_type.is_empty())
    );
    assert_eq!(deal.associations.len(), 1);
    assert_eq!(deal.associations[0].object_type, "contacts");
    assert!(
        deal.associations[0]
            .results
            .iter()
            .any(|a| a.id == "12345678" && a.association_type == "deal_to_contact"),
        "{:?}",
        deal.associations
    );
    assert_request(
        &env.only_request(),
        "GET",
        "/crm/objects/2026-09/deals/98765432",
        &[
            ("properties", "dealname"),
            ("properties", "amount"),
            ("properties", "closedate"),
            ("propertiesWithHistory", "dealstage"),
            ("associations", "contacts"),
        ],
        None,
    );

    let missing = read_request("deals", "404404");
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_read(store, &conn, &missing).await })
    });
    match call.result {
        Err(Error::NotFound(detail)) => {
            assert_eq!(detail.status, 404);
            assert_eq!(detail.category.as_deref(), Some("OBJECT_NOT_FOUND"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
pub(crate) fn contacts_crm_update_by_email_returns_the_record_and_refusals_are_typed() {
    let env = Env::new();
    env.mock
        .seed_record(
            "contacts",
            "501",
            &[("email", "ann@example.com"), ("phone", "+1-555-000-0001")],
        )
        .unwrap();
    let request = crm::UpdateRequest {
        object_type: "contacts".to_owned(),
        record_id: "ann@example.com".to_owned(),
        properties: vec![value("phone", "+1-555-987-6543")],
        id_property: Some("email".to_owned()),
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_update(store, &conn, &request).await })
    });
    let record = call.result.expect("the contact is updated");
    assert_eq!(record.id, "501");
    assert_eq!(text(&record, "phone"), Some("+1-555-987-6543"));
    assert_request(
        &env.only_request(),
        "PATCH",
        "/crm/objects/2026-09/contacts/ann%40example.com",
        &[("idProperty", "email")],
        Some(json!({"properties": {"phone": "+1-555-987-6543"}})),
    );

    env.clear();
    let refused = crm::UpdateRequest {
        object_type: "contacts".to_owned(),
        record_id: "501".to_owned(),
        properties: vec![value("lifecyclestage", "Client")],
        id_property: None,
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_update(store, &conn, &refused).await })
    });
    match call.result {
        Err(Error::Validation(validation)) => {
            assert_eq!(validation.detail.status, 400);
            let problem = &validation.problems[0];
            assert_eq!(
                (problem.name.as_str(), problem.code.as_str()),
                ("lifecyclestage", "INVALID_OPTION")
            );
            assert_eq!(problem.allowed_values.len(), 8);
            assert!(problem.allowed_values.iter().any(|v| v == "customer"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.requests().len(), 1);
}

#[test]
pub(crate) fn deals_crm_archive_moves_the_record_to_the_recycle_bin() {
    let env = Env::new();
    env.mock
        .seed_record(
            "deals",
            "98765432",
            &[("dealname", "Lost"), ("dealstage", "closedlost")],
        )
        .unwrap();
    let request = crm::ArchiveRequest {
        object_type: "deals".to_owned(),
        record_id: "98765432".to_owned(),
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_archive(store, &conn, &request).await })
    });
    assert_eq!(call.result, Ok(()));
    assert_request(
        &env.only_request(),
        "DELETE",
        "/crm/objects/2026-09/deals/98765432",
        &[],
        None,
    );
    assert_eq!(
        (
            env.mock.record_count("deals", false),
            env.mock.record_count("deals", true)
        ),
        (0, 1)
    );

    let archived = crm::ReadRequest {
        archived: true,
        ..read_request("deals", "98765432")
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_read(store, &conn, &archived).await })
    });
    let deal = call.result.expect("the archived deal is read");
    assert!(deal.archived && deal.archived_at.is_some(), "{deal:?}");

    env.clear();
    let by_email = crm::ArchiveRequest {
        object_type: "contacts".to_owned(),
        record_id: "ann@example.com".to_owned(),
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_archive(store, &conn, &by_email).await })
    });
    match call.result {
        Err(Error::InvalidInput(problem)) => {
            assert_eq!(problem.path, "archive-request.record-id", "{}", problem.message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(call.requests_sent, 0);
    assert!(env.requests().is_empty());
}

fn search_request(after: Option<String>, limit: u32) -> crm::SearchRequest {
    crm::SearchRequest {
        object_type: "deals".to_owned(),
        filter_groups: vec![crm::FilterGroup {
            filters: vec![crm::Filter {
                property_name: "amount".to_owned(),
                operator: crm::FilterOperator::Gte("1000".to_owned()),
            }],
        }],
        properties: vec!["dealname".to_owned(), "amount".to_owned()],
        sorts: vec![crm::Sort {
            property_name: "amount".to_owned(),
            direction: crm::SortDirection::Ascending,
        }],
        query: None,
        limit: Some(limit),
        after,
        max_results: None,
    }
}

#[test]
pub(crate) fn deals_crm_search_pages_with_a_typed_cursor() {
    let env = Env::new();
    for (id, amount) in [("1", "500"), ("2", "150000"), ("3", "5000"), ("4", "50000")] {
        env.mock
            .seed_record("deals", id, &[("dealname", &format!("Deal {id}")), ("amount", amount)])
            .unwrap();
    }
    let first = search_request(None, 2);
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_search(store, &conn, &first).await })
    });
    let page = call.result.expect("the first page");
    assert_eq!(page.total, 3);
    let amounts: Vec<Option<&str>> = page.results.iter().map(|r| text(r, "amount")).collect();
    assert_eq!(amounts, [Some("5000"), Some("50000")]);
    let after = page.next_after.clone().expect("a second page");
    assert_request(
        &env.only_request(),
        "POST",
        "/crm/objects/2026-09/deals/search",
        &[],
        Some(json!({
            "filterGroups": [{"filters": [{"propertyName": "amount", "operator": "GTE", "value": "1000"}]}],
            "sorts": [{"propertyName": "amount", "direction": "ASCENDING"}],
            "properties": ["dealname", "amount"],
            "limit": 2,
        })),
    );

    env.clear();
    let second = search_request(Some(after.clone()), 2);
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_search(store, &conn, &second).await })
    });
    let page = call.result.expect("the second page");
    assert_eq!(page.total, 3);
    assert_eq!(page.results.len(), 1);
    assert_eq!(text(&page.results[0], "dealname"), Some("Deal 2"));
    assert_eq!(page.next_after, None);
    assert_eq!(env.only_request().body_json().unwrap()["after"], after.as_str());

    env.clear();
    let too_many = search_request(None, 201);
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_search(store, &conn, &too_many).await })
    });
    match call.result {
        Err(Error::InvalidInput(problem)) => {
            assert_eq!(problem.path, "search-request.limit");
            assert!(problem.message.contains("1 to 200"), "{}", problem.message);
        }
        other => panic!("{other:?}"),
    }
    assert!(env.requests().is_empty());
}

#[test]
pub(crate) fn deals_crm_get_pipelines_returns_typed_stages_with_their_metadata() {
    let env = Env::new();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move { crm.call_get_pipelines(store, &conn, "deals").await })
    });
    let pipelines = call.result.expect("the pipelines");
    let default = pipelines
        .iter()
        .find(|p| p.id == "default")
        .expect("the default pipeline");
    assert_eq!((default.label.as_str(), default.display_order), ("Sales Pipeline", 0));
    assert_eq!(default.created_at, "1970-01-01T00:00:00Z");
    assert!(!default.archived);
    type Metadata = Vec<(String, String)>;
    let stages: Vec<(&str, i32, Metadata)> = default
        .stages
        .iter()
        .map(|s| (s.id.as_str(), s.display_order, s.metadata.clone()))
        .collect();
    let meta = |closed: &str, probability: &str| pairs(&[("isClosed", closed), ("probability", probability)]);
    assert_eq!(
        stages,
        [
            ("appointmentscheduled", 0, meta("false", "0.2")),
            ("qualifiedtobuy", 1, meta("false", "0.4")),
            ("presentationscheduled", 2, meta("false", "0.6")),
            ("decisionmakerboughtin", 3, meta("false", "0.8")),
            ("contractsent", 4, meta("false", "0.9")),
            ("closedwon", 5, meta("true", "1.0")),
            ("closedlost", 6, meta("true", "0.0")),
        ]
    );
    assert_request(&env.only_request(), "GET", "/crm/pipelines/2026-09/deals", &[], None);

    env.clear();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move { crm.call_get_pipelines(store, &conn, "contacts").await })
    });
    match call.result {
        Err(Error::InvalidInput(problem)) => {
            assert_eq!(problem.path, "object-type");
            assert!(problem.message.contains("tickets"), "{}", problem.message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(call.requests_sent, 0);
}

#[test]
pub(crate) fn deals_crm_get_pipeline_stage_returns_the_stage_or_not_found() {
    let env = Env::new();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            crm.call_get_pipeline_stage(store, &conn, "deals", "default", "closedwon")
                .await
        })
    });
    let stage = call.result.expect("the stage");
    assert_eq!(
        stage,
        crm::PipelineStage {
            id: "closedwon".to_owned(),
            label: "Closed Won".to_owned(),
            display_order: 5,
            metadata: pairs(&[("isClosed", "true"), ("probability", "1.0")]),
            archived: false,
            created_at: "1970-01-01T00:00:00Z".to_owned(),
            updated_at: "1970-01-01T00:00:00Z".to_owned(),
        }
    );
    assert_request(
        &env.only_request(),
        "GET",
        "/crm/pipelines/2026-09/deals/default/stages/closedwon",
        &[],
        None,
    );

    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            crm.call_get_pipeline_stage(store, &conn, "tickets", "support-pipeline", "in-progress")
                .await
        })
    });
    match call.result {
        Err(Error::NotFound(detail)) => assert_eq!(detail.status, 404),
        other => panic!("{other:?}"),
    }
}

#[test]
pub(crate) fn tickets_crm_get_properties_returns_typed_definitions() {
    let env = Env::new();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            crm.call_get_properties(store, &conn, &properties_request("tickets", false))
                .await
        })
    });
    let properties = call.result.expect("the properties");
    let find = |name: &str| {
        properties
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let priority = find("hs_ticket_priority");
    assert_eq!(
        (priority.type_.as_str(), priority.field_type.as_str()),
        ("enumeration", "select")
    );
    let options: Vec<&str> = priority.options.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(options, ["LOW", "MEDIUM", "HIGH", "URGENT"]);
    assert!(priority.options.iter().all(|o| !o.label.is_empty() && !o.hidden));
    assert!(!priority.read_only_value && priority.hubspot_defined && !priority.archived);
    assert!(!priority.label.is_empty() && !priority.group_name.is_empty());
    let ticket_id = find("hs_ticket_id");
    assert!(ticket_id.read_only_value && ticket_id.calculated, "{ticket_id:?}");
    assert!(find("createdate").read_only_value);
    assert!(!find("subject").read_only_value);
    assert!(properties.iter().all(|p| !p.archived && p.created_at.is_some()));
    assert_request(&env.only_request(), "GET", "/crm/properties/2026-09/tickets", &[], None);

    env.clear();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            crm.call_get_properties(store, &conn, &properties_request("tickets", true))
                .await
        })
    });
    let archived = call.result.expect("the archived properties");
    let names: Vec<&str> = archived.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["nps_follow_up_question_version"]);
    assert!(archived.iter().all(|p| p.archived));
    assert_eq!(env.only_request().query.as_deref(), Some("archived=true"));
}

#[test]
pub(crate) fn contacts_crm_test_connection_reports_typed_access() {
    let token = "pat-na1-contacts-and-deal-reads";
    let env = Env::with_scopes(
        token,
        &[
            "crm.objects.contacts.read",
            "crm.objects.contacts.write",
            "crm.objects.deals.read",
        ],
    );
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move { crm.call_test_connection(store, &conn).await })
    });
    let report = call.result.expect("the report");
    assert_eq!(report.source, crm::ScopeSource::TokenInfo);
    assert_eq!(report.hub_id, Some(hubspot_mock::DEFAULT_PORTAL_ID));
    assert_eq!(report.granted_scopes.len(), 3);
    assert_eq!(report.entities.len(), 14);
    let access = |name: &str| {
        report
            .entities
            .iter()
            .find(|e| e.entity == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let contacts = access("contacts");
    assert_eq!(
        (contacts.read, contacts.write),
        (crm::Access::Granted, crm::Access::Granted)
    );
    assert!(contacts.missing_scopes.is_empty());
    let deals = access("deals");
    assert_eq!((deals.read, deals.write), (crm::Access::Granted, crm::Access::Denied));
    assert_eq!(deals.missing_scopes, ["crm.objects.deals.write"]);
    let companies = access("companies");
    assert_eq!(
        (companies.read, companies.write),
        (crm::Access::Denied, crm::Access::Denied)
    );
    assert!(report.missing_scopes.iter().any(|s| s == "crm.objects.deals.write"));
    assert!(
        !report
            .missing_scopes
            .iter()
            .any(|s| s.starts_with("crm.objects.contacts"))
    );
    let request = env.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/oauth/v2/private-apps/get/access-token-info")
    );
    assert_eq!(request.body_json(), Some(json!({ "tokenKey": token })));
}

#[test]
fn contacts_crm_create_names_a_bad_property_in_wit_terms_and_sends_nothing() {
    let env = Env::new();
    let request = crm::CreateRequest {
        object_type: "contacts".to_owned(),
        properties: vec![value("email", "ann@example.com"), value("First Name", "Ann")],
        associations: Vec::new(),
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_create(store, &conn, &request).await })
    });
    match call.result {
        Err(Error::InvalidInput(problem)) => {
            assert_eq!(problem.path, "create-request.properties[1].name", "{}", problem.message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(call.requests_sent, 0);
    assert!(env.requests().is_empty());
}

#[test]
fn deals_crm_read_of_the_wrong_shape_after_a_503_counts_every_attempt() {
    let env = Env::new();
    env.mock
        .seed_record("deals", "98765432", &[("dealname", "Big deal")])
        .unwrap();
    env.mock.add_faults(vec![
        FaultRule::new(Fault::Status {
            status: 503,
            html: false,
        })
        .method("GET")
        .times(1),
        FaultRule::new(Fault::UnexpectedJson).method("GET"),
    ]);
    let request = read_request("deals", "98765432");
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_read(store, &conn, &request).await })
    });
    // A read is safe to repeat, so the wrong shape is retried like any malformed
    // answer until the attempts run out; the error counts all of them.
    let sent = env.requests().len();
    assert_eq!(sent, 4, "a 503, then three answers of the wrong shape");
    match call.result {
        Err(Error::Transport(transport)) => {
            assert_eq!(transport.kind, TransportFailure::MalformedResponse, "{transport:?}");
            assert_eq!(transport.status, Some(200), "{transport:?}");
            assert_eq!(transport.attempts, 4, "{transport:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(call.requests_sent, 4);
}

#[test]
fn contacts_crm_create_of_the_wrong_shape_after_a_429_is_not_sent_again() {
    let env = Env::new();
    env.mock.add_faults(vec![
        FaultRule::new(Fault::RateLimited {
            policy: RateLimitPolicy::TenSecondlyRolling,
            style: RateLimitStyle::Docs,
            retry_after_secs: None,
            interval_ms: Some(100),
        })
        .method("POST")
        .times(1),
        FaultRule::new(Fault::UnexpectedJson).method("POST"),
    ]);
    let request = crm::CreateRequest {
        object_type: "contacts".to_owned(),
        properties: vec![value("email", "ann@example.com")],
        associations: Vec::new(),
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_create(store, &conn, &request).await })
    });
    // The 429 was not processed and is retried; the second answer is of the wrong
    // shape, but HubSpot did create the record, so the create is not sent again.
    match call.result {
        Err(Error::Transport(transport)) => {
            assert_eq!(transport.kind, TransportFailure::MalformedResponse, "{transport:?}");
            assert_eq!(transport.status, Some(201), "{transport:?}");
            assert_eq!(transport.attempts, 2, "{transport:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((call.requests_sent, env.requests().len()), (2, 2));
    assert_eq!(env.mock.record_count("contacts", true), 1, "exactly one contact");
}

/// One request as two mocks can compare it: method, path, query and body.
type Sent = (String, String, Vec<(String, String)>, Option<Value>);

/// What a mock received, without the parts that differ between two mocks.
pub(crate) fn sent(env: &Env) -> Vec<Sent> {
    env.requests()
        .into_iter()
        .map(|r| (r.method.clone(), r.path.clone(), r.query_pairs(), r.body_json()))
        .collect()
}

/// A mock with the deal the inputs below address.
pub(crate) fn env_with_a_deal() -> Env {
    let env = Env::new();
    env.mock
        .seed_record("deals", "98765432", &[("dealname", "Big deal"), ("amount", "5")])
        .unwrap_or_else(|error| panic!("the deal is seeded: {error}"));
    env
}

/// Whether a `crm` function failed, and how.
#[expect(clippy::result_large_err, reason = "the WIT error as the component returns it")]
pub(crate) fn outcome<T>(result: Result<T, Error>) -> Result<(), Error> {
    result.map(drop)
}

/// Runs one `crm` function on a fresh mock, keeping only whether it failed and how.
pub(crate) fn through_crm<F>(call: F) -> (Result<(), Error>, Env)
where
    F: for<'a> FnOnce(&'a Guest, &'a mut hubspot_harness::wasmtime::Store<CallState>, Connection) -> Answer<'a, ()>
        + Send
        + 'static,
{
    let env = env_with_a_deal();
    let result = typed(&env, call).result;
    (result, env)
}

#[test]
fn every_action_sends_the_same_requests_through_tool_and_crm() {
    let between = crm::Filter {
        property_name: "amount".to_owned(),
        operator: crm::FilterOperator::Between(crm::ValueRange {
            low: "1".to_owned(),
            high: "9".to_owned(),
        }),
    };
    type Runs = Vec<(&'static str, &'static str, (Result<(), Error>, Env))>;
    let runs: Runs = vec![
        (
            "create",
            r#"{"entity": "contacts", "properties": {"email": "ann@example.com", "firstname": "Ann"}}"#,
            through_crm(|crm, store, conn| {
                let request = crm::CreateRequest {
                    object_type: "contacts".to_owned(),
                    properties: vec![value("email", "ann@example.com"), value("firstname", "Ann")],
                    associations: Vec::new(),
                };
                Box::pin(async move { crm.call_create(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "read",
            r#"{"entity": "deals", "entityId": "98765432", "properties": ["dealname"]}"#,
            through_crm(|crm, store, conn| {
                let request = crm::ReadRequest {
                    properties: vec!["dealname".to_owned()],
                    ..read_request("deals", "98765432")
                };
                Box::pin(async move { crm.call_read(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "update",
            r#"{"entity": "deals", "entityId": "98765432", "properties": {"dealname": "Bigger deal"}}"#,
            through_crm(|crm, store, conn| {
                let request = crm::UpdateRequest {
                    object_type: "deals".to_owned(),
                    record_id: "98765432".to_owned(),
                    properties: vec![value("dealname", "Bigger deal")],
                    id_property: None,
                };
                Box::pin(async move { crm.call_update(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "archive",
            r#"{"entity": "deals", "entityId": "98765432"}"#,
            through_crm(|crm, store, conn| {
                let request = crm::ArchiveRequest {
                    object_type: "deals".to_owned(),
                    record_id: "98765432".to_owned(),
                };
                Box::pin(async move { crm.call_archive(store, &conn, &request).await })
            }),
        ),
        (
            "search",
            r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "amount", "operator": "BETWEEN", "value": "1", "highValue": "9"}]}], "sorts": ["amount"], "limit": 5}}"#,
            through_crm(move |crm, store, conn| {
                let request = crm::SearchRequest {
                    object_type: "deals".to_owned(),
                    filter_groups: vec![crm::FilterGroup { filters: vec![between] }],
                    properties: Vec::new(),
                    sorts: vec![crm::Sort {
                        property_name: "amount".to_owned(),
                        direction: crm::SortDirection::Ascending,
                    }],
                    query: None,
                    limit: Some(5),
                    after: None,
                    max_results: None,
                };
                Box::pin(async move { crm.call_search(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "get-pipelines",
            r#"{"entity": "deals"}"#,
            through_crm(|crm, store, conn| {
                Box::pin(async move { crm.call_get_pipelines(store, &conn, "deals").await.map(outcome) })
            }),
        ),
        (
            "get-pipeline-stage",
            r#"{"entity": "deals", "pipelineId": "default", "stageId": "closedwon"}"#,
            through_crm(|crm, store, conn| {
                Box::pin(async move {
                    crm.call_get_pipeline_stage(store, &conn, "deals", "default", "closedwon")
                        .await
                        .map(outcome)
                })
            }),
        ),
        (
            "get-properties",
            r#"{"objectType": "tickets", "archived": true}"#,
            through_crm(|crm, store, conn| {
                Box::pin(async move {
                    crm.call_get_properties(store, &conn, &properties_request("tickets", true))
                        .await
                        .map(outcome)
                })
            }),
        ),
        (
            "test-connection",
            "{}",
            through_crm(|crm, store, conn| {
                Box::pin(async move { crm.call_test_connection(store, &conn).await.map(outcome) })
            }),
        ),
        (
            "list",
            r#"{"entity": "deals", "properties": ["dealname"], "limit": 2, "maxResults": 5}"#,
            through_crm(|crm, store, conn| {
                let request = crm::ListRequest {
                    object_type: "deals".to_owned(),
                    properties: vec!["dealname".to_owned()],
                    properties_with_history: Vec::new(),
                    associations: Vec::new(),
                    archived: false,
                    limit: Some(2),
                    after: None,
                    max_results: Some(5),
                };
                Box::pin(async move { crm.call_list(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "get-owners",
            r#"{"email": "jade.chen@example.com"}"#,
            through_crm(|crm, store, conn| {
                let request = crm::OwnersRequest {
                    email: Some("jade.chen@example.com".to_owned()),
                    archived: false,
                };
                Box::pin(async move { crm.call_get_owners(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "get-object-types",
            "{}",
            through_crm(|crm, store, conn| {
                Box::pin(async move { crm.call_get_object_types(store, &conn).await.map(outcome) })
            }),
        ),
        (
            "associate",
            r#"{"entity": "deals", "entityId": "98765432", "toEntity": "deals", "toEntityId": "98765432", "associationTypeId": 451}"#,
            through_crm(|crm, store, conn| {
                let request = crm::AssociateRequest {
                    object_type: "deals".to_owned(),
                    record_id: "98765432".to_owned(),
                    to_object_type: "deals".to_owned(),
                    to_record_id: "98765432".to_owned(),
                    label: None,
                    type_id: Some(451),
                    category: None,
                };
                Box::pin(async move { crm.call_associate(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "get-associations",
            r#"{"entity": "deals", "entityId": "98765432", "toEntity": "contacts"}"#,
            through_crm(|crm, store, conn| {
                let request = crm::AssociationsRequest {
                    object_type: "deals".to_owned(),
                    record_id: "98765432".to_owned(),
                    to_object_type: "contacts".to_owned(),
                };
                Box::pin(async move { crm.call_get_associations(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "remove-association",
            r#"{"entity": "deals", "entityId": "98765432", "toEntity": "deals", "toEntityId": "98765432"}"#,
            through_crm(|crm, store, conn| {
                let request = crm::RemoveAssociationRequest {
                    object_type: "deals".to_owned(),
                    record_id: "98765432".to_owned(),
                    to_object_type: "deals".to_owned(),
                    to_record_id: "98765432".to_owned(),
                    label: None,
                };
                Box::pin(async move { crm.call_remove_association(store, &conn, &request).await.map(outcome) })
            }),
        ),
        (
            "get-association-labels",
            r#"{"entity": "deals", "toEntity": "contacts"}"#,
            through_crm(|crm, store, conn| {
                let request = crm::AssociationLabelsRequest {
                    object_type: "deals".to_owned(),
                    to_object_type: "contacts".to_owned(),
                };
                Box::pin(async move {
                    crm.call_get_association_labels(store, &conn, &request)
                        .await
                        .map(outcome)
                })
            }),
        ),
    ];
    assert_eq!(
        runs.len(),
        16,
        "one run per action but the batch actions (see batch.rs)"
    );
    for (action, input, typed) in runs {
        assert_same_requests(action, input, typed);
    }
}

/// Runs `action` with `input` through `tool.invoke` on a fresh account and
/// checks that it succeeds and sends exactly what the typed call sent.
pub(crate) fn assert_same_requests(action: &str, input: &str, (typed_result, typed_env): (Result<(), Error>, Env)) {
    let tool_env = env_with_a_deal();
    let tool_result = tool_env.invoke(action, input);
    assert!(typed_result.is_ok(), "{action} through crm: {typed_result:?}");
    assert!(tool_result.is_ok(), "{action} through tool: {tool_result:?}");
    let requests = sent(&tool_env);
    assert!(!requests.is_empty(), "{action} sent nothing");
    assert_eq!(
        requests,
        sent(&typed_env),
        "{action}: tool and crm sent different requests"
    );
}

#[test]
fn deals_bad_input_gets_the_same_message_through_tool_and_crm_in_each_vocabulary() {
    let tool_env = Env::new();
    let tool = match tool_env.invoke("read", r#"{"entity": "deals", "entityId": "big-deal"}"#) {
        Err(Error::InvalidInput(problem)) => problem,
        other => panic!("{other:?}"),
    };
    let (typed, typed_env) = through_crm(|crm, store, conn| {
        let request = read_request("deals", "big-deal");
        Box::pin(async move { crm.call_read(store, &conn, &request).await.map(outcome) })
    });
    let Err(Error::InvalidInput(typed)) = typed else {
        panic!("{typed:?}")
    };
    assert_eq!(
        (tool.path.as_str(), typed.path.as_str()),
        ("entityId", "read-request.record-id")
    );
    assert_eq!(tool.message, typed.message);
    assert!(tool_env.requests().is_empty() && typed_env.requests().is_empty());
}
