//! Labels where HubSpot wants internal values: a dropdown or stage value
//! given by its label is refused by HubSpot, then written once more as the
//! option's internal value; through `tool.invoke`, the typed `crm` functions
//! and the CLI. Unknown and ambiguous labels keep HubSpot's refusal.
#![expect(
    clippy::panic,
    reason = "fixtures outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::process::Stdio;

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_harness::wit::{Error, ValidationError, crm};
use hubspot_mock::RecordedRequest;
use serde_json::{Value, json};

use crate::common::Env;
use crate::crm_typed::typed;

fn body(request: &RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|error| panic!("not JSON ({error}): {request:?}"))
}

fn methods(requests: &[RecordedRequest]) -> Vec<&str> {
    requests.iter().map(|request| request.method.as_str()).collect()
}

fn validation<T: std::fmt::Debug>(result: Result<T, Error>) -> ValidationError {
    match result {
        Err(Error::Validation(validation)) => validation,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A deal in the default pipeline at its first stage.
fn deal(env: &Env) -> String {
    let id = env.create(
        "deals",
        json!({"dealname": "Acme renewal", "pipeline": "default", "dealstage": "appointmentscheduled"}),
    );
    env.clear();
    id
}

#[test]
fn deals_update_stage_by_label_is_written_as_its_id_on_the_second_try() {
    let env = Env::new();
    let id = deal(&env);
    let updated = env.ok(
        "update",
        &json!({"entity": "deals", "entityId": id, "properties": {"dealstage": "Closed Won"}}).to_string(),
    );
    assert_eq!(updated["properties"]["dealstage"], "closedwon", "{updated}");
    let requests = env.requests();
    assert_eq!(methods(&requests), ["PATCH", "GET", "PATCH"], "{requests:#?}");
    assert_eq!(body(&requests[0]), json!({"properties": {"dealstage": "Closed Won"}}));
    assert_eq!(requests[1].path, "/crm/pipelines/2026-09/deals");
    assert_eq!(body(&requests[2]), json!({"properties": {"dealstage": "closedwon"}}));
}

#[test]
fn contacts_create_lifecyclestage_by_label_creates_one_record() {
    let env = Env::new();
    let created = env.ok(
        "create",
        r#"{"entity": "contacts", "properties": {"email": "ann@example.com", "lifecyclestage": " marketing qualified lead "}}"#,
    );
    assert_eq!(
        created["properties"]["lifecyclestage"], "marketingqualifiedlead",
        "{created}"
    );
    let requests = env.requests();
    // HubSpot's refusal lists the options with their labels: no lookup.
    assert_eq!(methods(&requests), ["POST", "POST"], "{requests:#?}");
    assert_eq!(
        body(&requests[0])["properties"]["lifecyclestage"],
        " marketing qualified lead "
    );
    assert_eq!(
        body(&requests[1])["properties"]["lifecyclestage"],
        "marketingqualifiedlead"
    );
    assert_eq!(env.mock.record_count("contacts", true), 1);

    // A multiple-checkbox value: each part a value or one option's label.
    env.clear();
    let created = env.ok(
        "create",
        r#"{"entity": "contacts", "properties": {"email": "bo@example.com", "hs_buying_role": "CHAMPION;budget holder"}}"#,
    );
    assert_eq!(
        created["properties"]["hs_buying_role"], "CHAMPION;BUDGET_HOLDER",
        "{created}"
    );
    assert_eq!(methods(&env.requests()), ["POST", "POST"]);
}

#[test]
fn values_already_right_cost_one_request() {
    let env = Env::new();
    let id = deal(&env);
    let updated = env.ok(
        "update",
        &json!({"entity": "deals", "entityId": id, "properties": {"dealstage": "closedwon"}}).to_string(),
    );
    assert_eq!(updated["properties"]["dealstage"], "closedwon");
    assert_eq!(env.only_request().method, "PATCH");
}

#[test]
fn an_unknown_label_keeps_the_validation_error_with_the_allowed_values() {
    let env = Env::new();
    let refused = validation(env.invoke(
        "create",
        r#"{"entity": "contacts", "properties": {"email": "ann@example.com", "lifecyclestage": "Prospect"}}"#,
    ));
    let problem = &refused.problems[0];
    assert_eq!(
        (problem.name.as_str(), problem.code.as_str()),
        ("lifecyclestage", "INVALID_OPTION")
    );
    assert!(
        problem
            .allowed_values
            .iter()
            .any(|value| value == "marketingqualifiedlead"),
        "{problem:?}"
    );
    assert_eq!(env.requests().len(), 1, "nothing to match, nothing sent again");
    assert_eq!(env.mock.record_count("contacts", true), 0);

    let id = deal(&env);
    let refused = validation(env.invoke(
        "update",
        &json!({"entity": "deals", "entityId": id, "properties": {"dealstage": "Won"}}).to_string(),
    ));
    assert!(
        refused.problems[0].allowed_values.contains(&"closedwon".to_owned()),
        "{refused:?}"
    );
    assert_eq!(methods(&env.requests()), ["PATCH", "GET"]);
}

#[test]
fn an_ambiguous_stage_label_keeps_the_validation_error_with_the_allowed_values() {
    let env = Env::new();
    let stage = |id: &str, label: &str, order: u32| {
        json!({"id": id, "label": label, "displayOrder": order, "metadata": {"probability": "1.0", "isClosed": "true"},
               "archived": false, "createdAt": "2025-01-06T09:00:00Z", "updatedAt": "2025-01-06T09:00:00Z"})
    };
    env.mock
        .seed_pipeline(
            "deals",
            json!({"id": "renewals", "label": "Renewals", "displayOrder": 1, "archived": false,
                   "createdAt": "2025-01-06T09:00:00Z", "updatedAt": "2025-01-06T09:00:00Z",
                   "stages": [stage("renewed", "Won", 0), stage("renewed-early", "won ", 1)]}),
        )
        .unwrap();
    let id = env.create(
        "deals",
        json!({"dealname": "Acme renewal", "pipeline": "renewals", "dealstage": "renewed"}),
    );
    env.clear();
    let refused = validation(env.invoke(
        "update",
        &json!({"entity": "deals", "entityId": id, "properties": {"dealstage": "WON"}}).to_string(),
    ));
    assert_eq!(refused.problems[0].allowed_values, ["renewed", "renewed-early"]);
    assert_eq!(methods(&env.requests()), ["PATCH", "GET"]);
    // A label of the record's pipeline, not the default's, is matched there.
    let moved = env.ok(
        "update",
        &json!({"entity": "deals", "entityId": id, "properties": {"pipeline": "Sales Pipeline", "dealstage": "closed won"}})
            .to_string(),
    );
    assert_eq!(
        (&moved["properties"]["pipeline"], &moved["properties"]["dealstage"]),
        (&json!("default"), &json!("closedwon")),
        "{moved}"
    );
}

#[test]
fn typed_create_and_update_take_labels() {
    let env = Env::new();
    let value = |name: &str, value: &str| crm::PropertyValue {
        name: name.to_owned(),
        value: value.to_owned(),
    };
    let request = crm::CreateRequest {
        object_type: "contacts".to_owned(),
        properties: vec![value("email", "ann@example.com"), value("lifecyclestage", "Lead")],
        associations: Vec::new(),
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_create(store, &conn, &request).await })
    });
    let record = call.result.expect("the contact is created");
    assert_eq!(call.requests_sent, 2);
    let stage = |record: &crm::CrmRecord| {
        record
            .properties
            .iter()
            .find(|entry| entry.name == "lifecyclestage")
            .and_then(|entry| entry.value.clone())
    };
    assert_eq!(stage(&record).as_deref(), Some("lead"));

    env.clear();
    let request = crm::UpdateRequest {
        object_type: "contacts".to_owned(),
        record_id: record.id.clone(),
        properties: vec![value("lifecyclestage", "customer")],
        id_property: None,
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_update(store, &conn, &request).await })
    });
    assert_eq!(stage(&call.result.expect("updated")).as_deref(), Some("customer"));
    assert_eq!(call.requests_sent, 1, "a value already right is sent once");

    let request = crm::UpdateRequest {
        object_type: "contacts".to_owned(),
        record_id: record.id,
        properties: vec![value("lifecyclestage", "Sales Qualified Lead")],
        id_property: None,
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_update(store, &conn, &request).await })
    });
    assert_eq!(
        stage(&call.result.expect("updated")).as_deref(),
        Some("salesqualifiedlead")
    );
    assert_eq!(call.requests_sent, 2);
}

#[test]
fn cli_update_by_stage_label_writes_the_stage_id() {
    let env = Env::new();
    let id = deal(&env);
    let output = hubspot_end_to_end::artifacts::harness_command()
        .stdin(Stdio::null())
        .env(TOKEN_VARIABLE, &env.connection.access_token)
        .args(["invoke", "update", "--api-base", &env.mock.base_url()])
        .arg(json!({"entity": "deals", "entityId": id, "properties": {"dealstage": "Closed Won"}}).to_string())
        .output()
        .expect("the harness runs");
    assert_eq!(output.status.code(), Some(0), "{output:#?}");
    let updated: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(updated["properties"]["dealstage"], "closedwon", "{updated}");
    let requests = env.requests();
    assert_eq!(methods(&requests), ["PATCH", "GET", "PATCH"], "{requests:#?}");
    assert_eq!(body(&requests[2]), json!({"properties": {"dealstage": "closedwon"}}));
}
