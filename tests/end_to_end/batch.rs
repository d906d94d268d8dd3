//! The batch actions against the mock: inputs of any length split into
//! HubSpot's batch size and merged back, partial failures named by the
//! caller's indexes, upserts that say which records are new, reads with
//! history in fifties, archives, dry runs that send only reads, and a create
//! chunk whose answer is lost reported in doubt and never sent again.
//! Through `tool.invoke`, the CLI and the typed `crm` functions.
#![expect(
    clippy::expect_used,
    reason = "fixtures outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::process::Stdio;

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_harness::wit::{Error, crm};
use hubspot_mock::{API_VERSIONS, Fault, FaultRule, RecordedRequest};
use serde_json::{Value, json};

use crate::common::{Env, path_in_version};
use crate::crm_typed::typed;

/// The batch requests the mock received for `operation`.
fn batch_requests(env: &Env, operation: &str) -> Vec<RecordedRequest> {
    env.requests()
        .into_iter()
        .filter(|request| request.method == "POST" && request.path.ends_with(&format!("/batch/{operation}")))
        .collect()
}

fn inputs_sent(request: &RecordedRequest) -> usize {
    let body: Value = serde_json::from_slice(&request.body).expect("a batch body is JSON");
    body["inputs"].as_array().map_or(0, Vec::len)
}

fn contacts(count: usize, tag: &str) -> Vec<Value> {
    (0..count)
        .map(|index| json!({"properties": {"email": format!("{tag}{index}@example.com"), "firstname": "P"}}))
        .collect()
}

fn indexes(value: &Value) -> Vec<u64> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

#[test]
pub(crate) fn contacts_batch_create_of_250_goes_in_three_chunks_under_every_version() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        let input = json!({"entity": "contacts", "inputs": contacts(250, "p")});
        let answer = env.ok("batch-create", &input.to_string());
        assert_eq!(answer["status"], "COMPLETE", "{version}: {answer}");
        assert_eq!(answer["results"].as_array().map(Vec::len), Some(250));
        assert_eq!(
            (answer["chunks"].as_u64(), answer["numErrors"].as_u64()),
            (Some(3), Some(0))
        );
        let sent = batch_requests(&env, "create");
        assert_eq!(sent.iter().map(inputs_sent).collect::<Vec<_>>(), [100, 100, 50]);
        assert_eq!(
            sent[0].path,
            path_in_version("/crm/objects/2026-09/contacts/batch/create", version)
        );
        assert_eq!(env.mock.record_count("contacts", false), 250);
        // Each record names the input it was created from.
        let traced: Vec<&str> = answer["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|record| record["objectWriteTraceId"].as_str())
            .collect();
        assert_eq!(traced.len(), 250);
        assert!(traced.contains(&"249"));
    }
}

#[test]
fn contacts_batch_create_partial_failure_names_the_failed_inputs() {
    let env = Env::new();
    env.create("contacts", json!({"email": "taken@example.com"}));
    let mut inputs = contacts(150, "q");
    inputs[7]["properties"]["email"] = json!("not an address");
    inputs[130]["properties"]["email"] = json!("taken@example.com");
    let answer = env.ok(
        "batch-create",
        &json!({"entity": "contacts", "inputs": inputs}).to_string(),
    );
    assert_eq!(answer["status"], "PARTIAL", "{answer}");
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(148));
    assert_eq!(answer["numErrors"], 2);
    let failed: Vec<Vec<u64>> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| indexes(&error["inputIndexes"]))
        .collect();
    assert_eq!(failed, [vec![7], vec![130]]);
    assert_eq!(answer["errors"][0]["category"], "VALIDATION_ERROR");
    assert_eq!(env.mock.record_count("contacts", false), 1 + 148);
    assert_eq!(answer["inDoubt"], json!([]));
}

#[test]
pub(crate) fn contacts_batch_upsert_creates_or_updates_by_email() {
    let env = Env::new();
    let existing = env.create("contacts", json!({"email": "ann@example.com", "firstname": "Ann"}));
    let input = json!({"entity": "contacts", "idProperty": "email", "inputs": [
        {"id": "ann@example.com", "properties": {"jobtitle": "CTO"}},
        {"id": "new.person@example.com", "properties": {"firstname": "New"}},
    ]});
    let answer = env.ok("batch-upsert", &input.to_string());
    let results = answer["results"].as_array().expect("results");
    let by_new = |new: bool| {
        results
            .iter()
            .find(|record| record["new"] == new)
            .unwrap_or_else(|| panic!("no record with new {new}: {answer}"))
    };
    assert_eq!(by_new(false)["id"], existing.as_str());
    assert_eq!(by_new(false)["properties"]["jobtitle"], "CTO");
    assert_eq!(by_new(true)["properties"]["email"], "new.person@example.com");
    let sent: Value = serde_json::from_slice(&batch_requests(&env, "upsert")[0].body).expect("JSON");
    assert_eq!(sent["inputs"][1]["idProperty"], "email");
    assert_eq!(env.mock.record_count("contacts", false), 2);
}

#[test]
pub(crate) fn contacts_batch_read_with_history_goes_in_fifties_and_names_missing_ids() {
    let env = Env::new();
    let records: Vec<(String, Vec<(String, String)>)> = (0..120)
        .map(|n| {
            (
                (500 + n).to_string(),
                vec![("email".to_owned(), format!("r{n}@example.com"))],
            )
        })
        .collect();
    env.mock.seed_records("contacts", records).expect("seeded");
    let mut inputs: Vec<Value> = (0..120).map(|n| json!({"id": (500 + n).to_string()})).collect();
    inputs.insert(60, json!({"id": "999999"}));
    let input = json!({"entity": "contacts", "inputs": inputs, "properties": ["email"],
                       "propertiesWithHistory": ["email"]});
    let answer = env.ok("batch-read", &input.to_string());
    let sent = batch_requests(&env, "read");
    assert_eq!(sent.iter().map(inputs_sent).collect::<Vec<_>>(), [50, 50, 21]);
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(120));
    assert!(
        answer["results"][0]["propertiesWithHistory"]["email"].is_array(),
        "{answer}"
    );
    assert_eq!(answer["numErrors"], 1);
    assert_eq!(answer["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(indexes(&answer["errors"][0]["inputIndexes"]), [60]);

    // Without history, 121 inputs are two requests.
    env.clear();
    let input = json!({"entity": "contacts", "inputs": inputs});
    env.ok("batch-read", &input.to_string());
    assert_eq!(
        batch_requests(&env, "read").iter().map(inputs_sent).collect::<Vec<_>>(),
        [100, 21]
    );
}

/// A deal named `name` in the default pipeline's first stage; its id.
fn new_deal(env: &Env, name: &str) -> String {
    env.create(
        "deals",
        json!({"dealname": name, "pipeline": "default", "dealstage": "appointmentscheduled"}),
    )
}

#[test]
pub(crate) fn deals_batch_update_and_archive_report_each_input() {
    let env = Env::new();
    let first = new_deal(&env, "A");
    let second = new_deal(&env, "B");
    let input = json!({"entity": "deals", "inputs": [
        {"id": first, "properties": {"amount": "100"}},
        {"id": "999999", "properties": {"amount": "200"}},
        {"id": second, "properties": {"amount": "300"}},
    ]});
    let answer = env.ok("batch-update", &input.to_string());
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(2), "{answer}");
    assert_eq!(indexes(&answer["errors"][0]["inputIndexes"]), [1]);

    let input = json!({"entity": "deals", "inputs": [{"id": first}, {"id": second}]});
    let answer = env.ok("batch-archive", &input.to_string());
    assert_eq!(indexes(&answer["archived"]), [0, 1], "{answer}");
    assert_eq!(answer["status"], "COMPLETE");
    assert_eq!(env.mock.record_count("deals", false), 0);
}

#[test]
fn batch_bad_input_and_dry_runs_send_no_write() {
    let env = Env::new();
    let mut inputs = contacts(120, "d");
    inputs[110]["properties"]["lifecyclestage"] = json!("Lead");
    inputs[111]["properties"]["emial"] = json!("typo@example.com");
    let input = json!({"entity": "contacts", "inputs": inputs, "dryRun": true});
    let preview = env.ok("batch-create", &input.to_string());
    assert!(env.requests().iter().all(|request| request.method == "GET"));
    assert_eq!(env.mock.record_count("contacts", false), 0);
    let requests = preview["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1]["body"]["inputs"][10]["properties"]["lifecyclestage"],
        "lead"
    );
    assert_eq!(requests[1]["body"]["inputs"][10]["objectWriteTraceId"], "110");
    assert_eq!(preview["problems"][0]["property"], "inputs[111].properties.emial");

    // Bad input is refused at its path before anything is sent.
    env.clear();
    let mut inputs = contacts(3, "e");
    inputs[2]["properties"] = json!({"bad name": "x"});
    match env.invoke(
        "batch-create",
        &json!({"entity": "contacts", "inputs": inputs}).to_string(),
    ) {
        Err(Error::InvalidInput(problem)) => assert_eq!(problem.path, "inputs[2].properties.bad name"),
        other => panic!("{other:?}"),
    }
    match env.invoke(
        "batch-read",
        r#"{"entity": "contacts", "inputs": [{"id": "1"}], "dryRun": true}"#,
    ) {
        Err(Error::InvalidInput(problem)) => assert_eq!(problem.path, "dryRun"),
        other => panic!("{other:?}"),
    }
    assert!(env.requests().is_empty());
}

#[test]
fn contacts_batch_create_chunk_without_an_answer_is_in_doubt_and_not_sent_again() {
    let env = Env::new();
    env.mock.add_faults(vec![
        FaultRule::new(Fault::DropAfterProcessing)
            .method("POST")
            .path_prefix("/crm/objects/2026-09/contacts/batch/create")
            .times(1),
    ]);
    let input = json!({"entity": "contacts", "inputs": contacts(150, "f")});
    let answer = env.ok("batch-create", &input.to_string());
    assert_eq!(batch_requests(&env, "create").len(), 2, "the lost chunk went once");
    assert_eq!(indexes(&answer["inDoubt"]), (0..100).collect::<Vec<u64>>());
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(50));
    assert_eq!(answer["status"], "PARTIAL");
    // The mock did create them: that is why they are in doubt, not failed.
    assert_eq!(env.mock.record_count("contacts", false), 150);
}

#[test]
pub(crate) fn cli_batch_create_and_dry_run_print_the_merged_result() {
    let env = Env::new();
    let base = env.mock.base_url();
    let run = |input: &Value| {
        let output = hubspot_end_to_end::artifacts::harness_command()
            .env(TOKEN_VARIABLE, hubspot_mock::DEFAULT_TOKEN)
            .args(["invoke", "batch-create", &input.to_string(), "--api-base", &base])
            .stdin(Stdio::null())
            .output()
            .expect("the harness runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        // Not a terminal: no progress line.
        assert!(!stderr.contains('\r'), "{stderr:?}");
        serde_json::from_slice::<Value>(&output.stdout).expect("stdout is JSON")
    };
    let preview = run(&json!({"entity": "contacts", "inputs": contacts(101, "c"), "dryRun": true}));
    assert_eq!(preview["requests"].as_array().map(Vec::len), Some(2));
    assert!(env.requests().iter().all(|request| request.method == "GET"));
    let answer = run(&json!({"entity": "contacts", "inputs": contacts(101, "c")}));
    assert_eq!(
        (answer["status"].as_str(), answer["chunks"].as_u64()),
        (Some("COMPLETE"), Some(2))
    );
    assert_eq!(env.mock.record_count("contacts", false), 101);

    // The README's example, against the CLI's own mock.
    let output = hubspot_end_to_end::artifacts::harness_command()
        .args([
            "invoke",
            "batch-upsert",
            r#"{"entity": "contacts", "idProperty": "email", "inputs": [{"id": "john.doe@example.com", "properties": {"jobtitle": "CTO"}}, {"id": "ann.lee@example.com", "properties": {"firstname": "Ann"}}]}"#,
            "--mock",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let answer: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let new: Vec<&Value> = answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["new"])
        .collect();
    assert_eq!(new.len(), 2, "{answer}");
}

/// Runs the CLI with its own mock on `action` and `input`; the JSON it prints.
fn cli_mock(action: &str, input: &str) -> Value {
    let output = hubspot_end_to_end::artifacts::harness_command()
        .args(["invoke", action, input, "--mock"])
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
pub(crate) fn cli_batch_read_update_and_archive_run_against_the_cli_s_mock() {
    // The README's examples, against the CLI's own mock and its sample records.
    let read = cli_mock(
        "batch-read",
        r#"{"entity": "contacts", "inputs": [{"id": "10000001"}, {"id": "10000002"}], "properties": ["email"]}"#,
    );
    assert_eq!(read["results"].as_array().map(Vec::len), Some(2), "{read}");
    let updated = cli_mock(
        "batch-update",
        r#"{"entity": "contacts", "inputs": [{"id": "10000001", "properties": {"jobtitle": "CTO"}}, {"id": "10000002", "properties": {"jobtitle": "CFO"}}]}"#,
    );
    assert_eq!(updated["status"], "COMPLETE", "{updated}");
    let archived = cli_mock(
        "batch-archive",
        r#"{"entity": "deals", "inputs": [{"id": "30000001"}]}"#,
    );
    assert_eq!(archived["archived"], json!([0]), "{archived}");
    let created = cli_mock(
        "batch-create",
        r#"{"entity": "contacts", "inputs": [{"properties": {"email": "ann.lee@example.com"}}, {"properties": {"email": "bo.diaz@example.com"}}]}"#,
    );
    assert_eq!(created["results"].as_array().map(Vec::len), Some(2), "{created}");
}

fn value(name: &str, value: &str) -> crm::PropertyValue {
    crm::PropertyValue {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

#[test]
pub(crate) fn contacts_crm_batch_create_read_and_preview_are_typed() {
    let env = Env::new();
    let inputs: Vec<crm::BatchCreateInput> = (0..120)
        .map(|n| crm::BatchCreateInput {
            properties: vec![value("email", &format!("t{n}@example.com"))],
            associations: Vec::new(),
        })
        .collect();
    let mut with_bad = inputs.clone();
    with_bad[105].properties = vec![value("email", "not an address")];
    let request = crm::BatchCreateRequest {
        object_type: "contacts".to_owned(),
        inputs: with_bad,
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_batch(store, &conn, &crm::BatchRequest::Create(request)).await })
    });
    let result = call.result.expect("the batch runs");
    assert_eq!((result.results.len(), result.chunks), (119, 2));
    assert_eq!(result.failures.len(), 1);
    assert_eq!(result.failures[0].input_indexes, [105]);
    assert_eq!(result.failures[0].category, "VALIDATION_ERROR");
    let mut created: Vec<u32> = result.results.iter().filter_map(|r| r.input_index).collect();
    created.sort_unstable();
    assert_eq!(created, (0..120).filter(|n| *n != 105).collect::<Vec<u32>>());
    let ids: Vec<String> = result.results.iter().take(3).map(|r| r.record.id.clone()).collect();

    let request = crm::BatchReadRequest {
        object_type: "contacts".to_owned(),
        inputs: vec![ids[0].clone(), "999999".to_owned(), ids[2].clone()],
        properties: vec!["email".to_owned()],
        properties_with_history: Vec::new(),
        id_property: None,
        archived: false,
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_batch(store, &conn, &crm::BatchRequest::Read(request)).await })
    });
    let read = call.result.expect("the read runs");
    assert_eq!(read.results.len(), 2);
    assert_eq!(read.failures[0].input_indexes, [1]);

    // A preview plans every chunk and sends only reads.
    env.clear();
    let request = crm::BatchWriteRequest::Create(crm::BatchCreateRequest {
        object_type: "contacts".to_owned(),
        inputs,
    });
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_preview_batch(store, &conn, &request).await })
    });
    let preview = call.result.expect("the batch is planned");
    assert_eq!(preview.requests.len(), 2);
    assert!(env.requests().iter().all(|request| request.method == "GET"));

    // Bad input names its WIT path and sends nothing.
    env.clear();
    let request = crm::BatchArchiveRequest {
        object_type: "contacts".to_owned(),
        inputs: vec!["1".to_owned(), "x@example.com".to_owned()],
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_batch(store, &conn, &crm::BatchRequest::Archive(request)).await })
    });
    match call.result {
        Err(Error::InvalidInput(problem)) => assert_eq!(problem.path, "batch-archive-request.inputs[1]"),
        other => panic!("{other:?}"),
    }
    assert!(env.requests().is_empty());
}

#[test]
pub(crate) fn contacts_crm_batch_update_upsert_and_archive_are_typed() {
    let env = Env::new();
    let ann = env.create("contacts", json!({"email": "ann@example.com"}));
    let bo = env.create("contacts", json!({"email": "bo@example.com"}));
    let request = crm::BatchUpdateRequest {
        object_type: "contacts".to_owned(),
        inputs: vec![
            crm::BatchWriteInput {
                id: ann.clone(),
                properties: vec![value("firstname", "Ann")],
            },
            crm::BatchWriteInput {
                id: "999999".to_owned(),
                properties: vec![value("firstname", "Nobody")],
            },
        ],
        id_property: None,
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_batch(store, &conn, &crm::BatchRequest::Update(request)).await })
    });
    let updated = call.result.expect("the update runs");
    assert_eq!(updated.results.len(), 1);
    assert_eq!(updated.failures[0].input_indexes, [1]);

    let request = crm::BatchUpsertRequest {
        object_type: "contacts".to_owned(),
        id_property: "email".to_owned(),
        inputs: vec![
            crm::BatchWriteInput {
                id: "bo@example.com".to_owned(),
                properties: vec![value("firstname", "Bo")],
            },
            crm::BatchWriteInput {
                id: "cy@example.com".to_owned(),
                properties: vec![value("firstname", "Cy")],
            },
        ],
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_batch(store, &conn, &crm::BatchRequest::Upsert(request)).await })
    });
    let upserted = call.result.expect("the upsert runs");
    let flags: Vec<(String, Option<bool>)> = upserted.results.iter().map(|r| (r.record.id.clone(), r.new)).collect();
    assert!(flags.contains(&(bo.clone(), Some(false))), "{flags:?}");
    assert_eq!(flags.iter().filter(|(_, new)| *new == Some(true)).count(), 1);

    let request = crm::BatchArchiveRequest {
        object_type: "contacts".to_owned(),
        inputs: vec![ann, bo],
    };
    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_batch(store, &conn, &crm::BatchRequest::Archive(request)).await })
    });
    let archived = call.result.expect("the archive runs");
    assert_eq!(archived.archived, [0, 1]);
    assert!(archived.stopped_by.is_none() && archived.in_doubt.is_empty());
    assert_eq!(env.mock.record_count("contacts", false), 1);
}

#[test]
fn a_connector_s_observer_sees_each_chunk_as_it_goes_out() {
    let env = Env::new();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<hubspot_harness::SentRequest>::new()));
    let record = std::sync::Arc::clone(&seen);
    let connector = hubspot_harness::Connector::embedded(hubspot_harness::Sandbox::default())
        .expect("the embedded component loads")
        .with_observer(std::sync::Arc::new(move |sent: &hubspot_harness::SentRequest| {
            record.lock().expect("not poisoned").push(sent.clone());
        }));
    let invocation = hubspot_harness::Invocation {
        connection: env.connection.clone(),
        action: "batch-create".to_owned(),
        input: json!({"entity": "contacts", "inputs": contacts(201, "o")}).to_string(),
    };
    let call = crate::common::runtime()
        .block_on(connector.invoke(&invocation))
        .expect("the call completes");
    assert!(call.result.is_ok(), "{:?}", call.result);
    let seen = seen.lock().expect("not poisoned").clone();
    let numbers: Vec<u32> = seen.iter().map(|sent| sent.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(
        seen.iter()
            .all(|sent| sent.method == "POST" && sent.path == "/crm/objects/2026-09/contacts/batch/create"),
        "{seen:?}"
    );
    assert_eq!(call.requests_sent, 3);
}

#[test]
fn every_batch_action_sends_the_same_requests_through_tool_and_crm() {
    use crate::crm_typed::{assert_same_requests, outcome, through_crm};
    let deal = "98765432";
    let write = |id: &str, name: &str, value: &str| crm::BatchWriteInput {
        id: id.to_owned(),
        properties: vec![self::value(name, value)],
    };
    let runs: Vec<(&str, String, crm::BatchRequest)> = vec![
        (
            "batch-create",
            json!({"entity": "deals", "inputs": [{"properties": {"dealname": "A"}}, {"properties": {"dealname": "B"}}]})
                .to_string(),
            crm::BatchRequest::Create(crm::BatchCreateRequest {
                object_type: "deals".to_owned(),
                inputs: ["A", "B"]
                    .iter()
                    .map(|name| crm::BatchCreateInput {
                        properties: vec![value("dealname", name)],
                        associations: Vec::new(),
                    })
                    .collect(),
            }),
        ),
        (
            "batch-read",
            json!({"entity": "deals", "inputs": [{"id": deal}, {"id": "1"}], "properties": ["amount"],
                   "propertiesWithHistory": ["dealname"], "archived": false})
            .to_string(),
            crm::BatchRequest::Read(crm::BatchReadRequest {
                object_type: "deals".to_owned(),
                inputs: vec![deal.to_owned(), "1".to_owned()],
                properties: vec!["amount".to_owned()],
                properties_with_history: vec!["dealname".to_owned()],
                id_property: None,
                archived: false,
            }),
        ),
        (
            "batch-update",
            json!({"entity": "deals", "inputs": [{"id": deal, "properties": {"amount": "7"}}]}).to_string(),
            crm::BatchRequest::Update(crm::BatchUpdateRequest {
                object_type: "deals".to_owned(),
                inputs: vec![write(deal, "amount", "7")],
                id_property: None,
            }),
        ),
        (
            "batch-upsert",
            json!({"entity": "contacts", "idProperty": "email",
                   "inputs": [{"id": "ann@example.com", "properties": {"firstname": "Ann"}}]})
            .to_string(),
            crm::BatchRequest::Upsert(crm::BatchUpsertRequest {
                object_type: "contacts".to_owned(),
                id_property: "email".to_owned(),
                inputs: vec![write("ann@example.com", "firstname", "Ann")],
            }),
        ),
        (
            "batch-archive",
            json!({"entity": "deals", "inputs": [{"id": deal}]}).to_string(),
            crm::BatchRequest::Archive(crm::BatchArchiveRequest {
                object_type: "deals".to_owned(),
                inputs: vec![deal.to_owned()],
            }),
        ),
    ];
    assert_eq!(runs.len(), 5, "one run per batch action");
    for (action, input, request) in runs {
        let typed = through_crm(move |crm, store, conn| {
            Box::pin(async move { crm.call_batch(store, &conn, &request).await.map(outcome) })
        });
        assert_same_requests(action, &input, typed);
    }
}

#[test]
fn pets_batch_create_takes_a_custom_object_by_name() {
    let env = Env::new();
    let input = json!({"entity": "pets", "inputs": [
        {"properties": {"pet_name": "Rex", "species": "dog"}},
        {"properties": {"pet_name": "Tom", "species": "cat"}},
    ]});
    let answer = env.ok("batch-create", &input.to_string());
    assert_eq!(answer["status"], "COMPLETE", "{answer}");
    let sent = batch_requests(&env, "create");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/crm/objects/2026-09/2-3604285/batch/create");
    assert_eq!(env.mock.record_count("2-3604285", false), 2);
}

#[test]
fn contacts_batch_read_of_the_most_inputs_stays_within_the_sandbox() {
    let env = Env::new();
    let records: Vec<(String, Vec<(String, String)>)> = (0..100)
        .map(|n| {
            (
                (700 + n).to_string(),
                vec![("email".to_owned(), format!("m{n}@example.com"))],
            )
        })
        .collect();
    env.mock.seed_records("contacts", records).expect("seeded");
    let inputs: Vec<Value> = (0..10_000).map(|n| json!({"id": (700 + n).to_string()})).collect();
    let call = env.call(
        "batch-read",
        &json!({"entity": "contacts", "inputs": inputs}).to_string(),
    );
    let answer: Value = serde_json::from_str(&call.result.expect("the batch runs")).expect("JSON");
    assert_eq!((answer["chunks"].as_u64(), call.requests_sent), (Some(100), 100));
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(100));
    let missing: usize = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| indexes(&error["inputIndexes"]).len())
        .sum();
    assert_eq!(missing, 9_900);
}

#[test]
fn batch_writes_given_labels_send_only_the_labelled_inputs_again_under_every_version() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        let labelled = new_deal(&env, "A");
        let right = new_deal(&env, "B");
        env.clear();
        let input = json!({"entity": "deals", "inputs": [
            {"id": labelled, "properties": {"dealstage": "Closed Won"}},
            {"id": right, "properties": {"dealstage": "closedlost"}},
        ]});
        let answer = env.ok("batch-update", &input.to_string());
        assert_eq!(answer["status"], "COMPLETE", "{version}: {answer}");
        assert_eq!(answer["numErrors"], 0, "{version}: {answer}");
        let stages: Vec<(&str, &str)> = answer["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|record| Some((record["id"].as_str()?, record["properties"]["dealstage"].as_str()?)))
            .collect();
        assert!(
            stages.contains(&(labelled.as_str(), "closedwon")),
            "{version}: {answer}"
        );
        assert!(stages.contains(&(right.as_str(), "closedlost")), "{version}: {answer}");
        let requests = env.requests();
        let routes: Vec<(&str, bool)> = requests
            .iter()
            .map(|request| (request.method.as_str(), request.path.ends_with("/batch/update")))
            .collect();
        assert_eq!(
            routes,
            [("POST", true), ("GET", false), ("POST", true)],
            "{version}: {requests:#?}"
        );
        assert_eq!(
            requests[1].path,
            path_in_version("/crm/pipelines/2026-09/deals", version),
            "{version}"
        );
        assert_eq!(inputs_sent(&requests[0]), 2);
        let resent: Value = serde_json::from_slice(&requests[2].body).expect("a batch body is JSON");
        assert_eq!(
            resent["inputs"],
            json!([{"id": labelled, "properties": {"dealstage": "closedwon"}}]),
            "{version}"
        );

        // HubSpot's refusal lists the options with their labels: no lookup.
        env.clear();
        let input = json!({"entity": "contacts", "inputs": [
            {"properties": {"email": "a@example.com", "lifecyclestage": "lead"}},
            {"properties": {"email": "b@example.com", "lifecyclestage": "Marketing Qualified Lead"}},
        ]});
        let answer = env.ok("batch-create", &input.to_string());
        assert_eq!(answer["status"], "COMPLETE", "{version}: {answer}");
        assert_eq!(
            answer["results"].as_array().map(Vec::len),
            Some(2),
            "{version}: {answer}"
        );
        let sent = batch_requests(&env, "create");
        assert_eq!(env.requests().len(), 2, "{version}: {:#?}", env.requests());
        assert_eq!(sent.iter().map(inputs_sent).collect::<Vec<_>>(), [2, 1], "{version}");
        let resent: Value = serde_json::from_slice(&sent[1].body).expect("a batch body is JSON");
        assert_eq!(
            resent["inputs"][0]["properties"]["lifecyclestage"], "marketingqualifiedlead",
            "{version}"
        );
        assert_eq!(resent["inputs"][0]["objectWriteTraceId"], "1", "{version}");
        assert_eq!(env.mock.record_count("contacts", false), 2, "{version}");
    }
}
