//! Dry runs of writes: `"dryRun": true` checks and plans a create, update or
//! archive and sends nothing but reads (the mock's log proves it); the
//! planned request is the one the real write then sends. Through
//! `tool.invoke`, the typed `crm` function and the CLI.
#![expect(
    clippy::panic,
    reason = "fixtures outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::process::Stdio;

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_harness::wit::{Error, crm};
use hubspot_mock::{API_VERSIONS, RecordedRequest};
use serde_json::{Value, json};

use crate::common::Env;
use crate::crm_typed::typed;

fn body(request: &RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|error| panic!("not JSON ({error}): {request:?}"))
}

/// Every request the mock received was a read.
fn only_reads(env: &Env) {
    let requests = env.requests();
    assert!(requests.iter().all(|request| request.method == "GET"), "{requests:#?}");
}

/// The planned request equals the one the mock then received.
fn same_request(planned: &Value, sent: &RecordedRequest) {
    assert_eq!(planned["method"], sent.method.as_str(), "{planned} {sent:?}");
    assert_eq!(planned["path"], sent.path.as_str(), "{planned} {sent:?}");
    assert_eq!(
        planned.get("query").and_then(Value::as_str),
        sent.query.as_deref(),
        "{planned} {sent:?}"
    );
    match planned.get("body") {
        Some(planned_body) => assert_eq!(planned_body, &body(sent)),
        None => assert!(sent.body.is_empty(), "{sent:?}"),
    }
}

#[test]
fn a_dry_run_create_sends_only_reads_and_plans_what_the_create_then_sends() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        let before = env.mock.record_count("deals", false);
        let input = json!({
            "entity": "deals",
            "properties": {"dealname": "Acme renewal", "pipeline": "default", "dealstage": "appointmentscheduled",
                "amount": "1200", "hubspot_owner_id": "jade.chen@example.com"},
        });
        let mut dry = input.clone();
        dry["dryRun"] = json!(true);
        let preview = env.ok("create", &dry.to_string());
        only_reads(&env);
        assert_eq!(env.mock.record_count("deals", false), before, "{version}");
        assert_eq!(
            (&preview["dryRun"], &preview["problems"]),
            (&json!(true), &json!([])),
            "{version}: {preview}"
        );
        let planned = &preview["requests"][0];
        assert_eq!(preview["requests"].as_array().map(Vec::len), Some(1), "{preview}");
        assert_eq!(
            planned["body"]["properties"]["hubspot_owner_id"], "110000001",
            "{preview}"
        );
        let text = preview.to_string();
        assert!(
            !text.contains(&env.connection.access_token) && !text.contains("Bearer"),
            "{text}"
        );

        env.clear();
        env.ok("create", &input.to_string());
        let sent = env.requests();
        let write = sent.iter().find(|request| request.method != "GET").expect("the create");
        same_request(planned, write);
        assert_eq!(env.mock.record_count("deals", false), before + 1, "{version}");
    }
}

#[test]
fn a_dry_run_update_and_archive_plan_what_the_writes_then_send() {
    let env = Env::new();
    let id = env.create("deals", json!({"dealname": "Acme renewal"}));
    let before = env.mock.record_count("deals", false);
    env.clear();
    let update =
        json!({"entity": "deals", "entityId": id, "properties": {"dealname": "Acme renewal 2", "amount": "5"}});
    let mut dry = update.clone();
    dry["dryRun"] = json!(true);
    let preview = env.ok("update", &dry.to_string());
    only_reads(&env);
    let read = env.ok(
        "read",
        &json!({"entity": "deals", "entityId": id, "properties": ["dealname"]}).to_string(),
    );
    assert_eq!(
        read["properties"]["dealname"], "Acme renewal",
        "the dry run changed nothing"
    );
    env.clear();
    env.ok("update", &update.to_string());
    same_request(&preview["requests"][0], &env.only_request());

    env.clear();
    let archive = json!({"entity": "deals", "entityId": id});
    let preview = env.ok(
        "archive",
        &json!({"entity": "deals", "entityId": id, "dryRun": true}).to_string(),
    );
    assert!(env.requests().is_empty(), "an archive's dry run needs no read");
    assert_eq!(env.mock.record_count("deals", false), before);
    env.ok("archive", &archive.to_string());
    same_request(&preview["requests"][0], &env.only_request());
    assert_eq!(env.mock.record_count("deals", false), before - 1);
}

#[test]
fn unknown_properties_and_bad_dropdown_values_are_problems_and_labels_become_values() {
    let env = Env::new();
    let preview = env.ok(
        "create",
        &json!({
            "entity": "contacts",
            "properties": {"email": "ann@example.com", "firstnme": "Ann", "lifecyclestage": "Prospect"},
            "dryRun": true,
        })
        .to_string(),
    );
    only_reads(&env);
    assert_eq!(env.mock.record_count("contacts", false), 0);
    let problems = preview["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{preview}");
    assert_eq!(problems[0]["property"], "firstnme");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`firstname`"),
        "{preview}"
    );
    assert_eq!(problems[1]["property"], "lifecyclestage");
    let allowed = problems[1]["allowedValues"].as_array().expect("allowed values");
    assert!(allowed.contains(&json!("marketingqualifiedlead")), "{preview}");

    env.clear();
    let preview = env.ok(
        "create",
        &json!({
            "entity": "contacts",
            "properties": {"email": "ann@example.com", "lifecyclestage": " Marketing Qualified Lead "},
            "dryRun": true,
        })
        .to_string(),
    );
    assert_eq!(preview["problems"], json!([]), "{preview}");
    assert_eq!(
        preview["requests"][0]["body"]["properties"]["lifecyclestage"], "marketingqualifiedlead",
        "{preview}"
    );
    only_reads(&env);
}

#[test]
fn bad_input_in_a_dry_run_is_invalid_input_and_sends_nothing() {
    let env = Env::new();
    for (action, input) in [
        ("create", json!({"entity": "deal", "properties": {}, "dryRun": true})),
        (
            "update",
            json!({"entity": "deals", "entityId": "1", "properties": {}, "dryRun": true}),
        ),
        ("archive", json!({"entity": "deals", "entityId": "1", "dryRun": "yes"})),
        ("read", json!({"entity": "deals", "entityId": "1", "dryRun": true})),
    ] {
        match env.invoke(action, &input.to_string()) {
            Err(Error::InvalidInput(_)) => {}
            other => panic!("{action} {input}: {other:?}"),
        }
    }
    assert!(env.requests().is_empty());
}

#[test]
fn cli_dry_run_plans_the_create_and_writes_nothing() {
    let env = Env::new();
    let output = hubspot_end_to_end::artifacts::harness_command()
        .stdin(Stdio::null())
        .env(TOKEN_VARIABLE, &env.connection.access_token)
        .args(["invoke", "create", "--api-base", &env.mock.base_url()])
        .arg(
            json!({"entity": "deals", "properties": {"dealname": "Renewal", "dealstage": "Closed Won"}, "dryRun": true})
                .to_string(),
        )
        .output()
        .expect("the harness runs");
    assert_eq!(output.status.code(), Some(0), "{output:#?}");
    let preview: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(preview["dryRun"], true, "{preview}");
    assert_eq!(preview["requests"][0]["method"], "POST", "{preview}");
    assert_eq!(
        preview["requests"][0]["body"]["properties"]["dealstage"], "closedwon",
        "{preview}"
    );
    only_reads(&env);
    assert_eq!(env.mock.record_count("deals", false), 0);

    // The CLI's own mock, as the README shows it.
    let output = hubspot_end_to_end::artifacts::harness_command()
        .stdin(Stdio::null())
        .args([
            "invoke",
            "create",
            r#"{"entity":"deals","properties":{"dealname":"Renewal","dealstage":"Closed Won"},"dryRun":true}"#,
            "--mock",
        ])
        .output()
        .expect("the harness runs");
    assert_eq!(output.status.code(), Some(0), "{output:#?}");
    let preview: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(preview["problems"], json!([]), "{preview}");
}

#[test]
pub(crate) fn typed_preview_write_plans_a_create_with_its_problems_and_sends_only_reads() {
    let env = Env::new();
    let value = |name: &str, value: &str| crm::PropertyValue {
        name: name.to_owned(),
        value: value.to_owned(),
    };
    let request = crm::WriteRequest::Create(crm::CreateRequest {
        object_type: "deals".to_owned(),
        properties: vec![
            value("dealname", "Renewal"),
            value("dealstage", "Closed Won"),
            value("dealtyp", "newbusiness"),
        ],
        associations: Vec::new(),
    });
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_preview_write(store, &conn, &request).await })
    });
    let preview = call.result.expect("the create is planned");
    only_reads(&env);
    assert_eq!(env.mock.record_count("deals", false), 0);
    let planned = &preview.requests[0];
    assert_eq!(
        (planned.method.as_str(), planned.path.as_str()),
        ("POST", "/crm/objects/2026-09/deals")
    );
    let planned_body: Value = serde_json::from_str(planned.body.as_deref().unwrap_or_default()).expect("JSON");
    assert_eq!(planned_body["properties"]["dealstage"], "closedwon");
    assert_eq!(preview.problems.len(), 1, "{preview:?}");
    assert_eq!(preview.problems[0].property, "dealtyp");
    assert!(preview.problems[0].message.contains("`dealtype`"), "{preview:?}");

    // Bad input is the typed invalid-input, named in WIT terms, and sends nothing.
    env.clear();
    let request = crm::WriteRequest::Archive(crm::ArchiveRequest {
        object_type: "deal".to_owned(),
        record_id: "1".to_owned(),
    });
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_preview_write(store, &conn, &request).await })
    });
    match call.result {
        Err(Error::InvalidInput(problem)) => assert!(problem.path.contains("object-type"), "{problem:?}"),
        other => panic!("{other:?}"),
    }
    assert!(env.requests().is_empty());
}
