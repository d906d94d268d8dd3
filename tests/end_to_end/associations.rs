//! Associations with labels over HubSpot's v4 and dated associations APIs:
//! `associate` (default, by label name, by type id), `get-associations` (every
//! page), `remove-association` (all, or one label) and `get-association-labels`,
//! through `tool.invoke`, the typed `crm` functions and the CLI, under every API
//! version; labels are resolved by name and an unknown label writes nothing.
#![expect(
    clippy::panic,
    reason = "fixtures outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::process::Stdio;

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_harness::wit::{Error, crm};
use hubspot_mock::API_VERSIONS;
use serde_json::{Value, json};

use crate::common::Env;
use crate::crm_typed::typed;

const DEAL: &str = "30000001";
const FIRST: &str = "10000001";
const SECOND: &str = "10000002";
const COMPANY: &str = "20000001";

/// A mock with the CLI's sample records, called through `version`.
fn env(version: &str) -> Env {
    let env = Env::new().with_api_version(version);
    for (kind, id, name) in [
        ("contacts", FIRST, ("email", "ann@example.com")),
        ("contacts", SECOND, ("email", "bob@example.com")),
        ("companies", COMPANY, ("name", "Acme")),
        ("deals", DEAL, ("dealname", "Acme renewal")),
    ] {
        env.mock
            .seed_record(kind, id, &[name])
            .unwrap_or_else(|error| panic!("{kind} {id}: {error}"));
    }
    env
}

/// The path prefix of a record's associations under `version`.
fn records_prefix(version: &str) -> String {
    if version == "v3" {
        "/crm/v4/objects".to_owned()
    } else {
        format!("/crm/objects/{version}")
    }
}

/// The labels of each association to `to_id` in a get-associations answer.
fn labels_of(answer: &Value, to_id: &str) -> Vec<Value> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {answer}"))
        .iter()
        .find(|item| item["toObjectId"] == to_id)
        .map(|item| {
            item["associationTypes"]
                .as_array()
                .unwrap_or_else(|| panic!("no types in {item}"))
                .iter()
                .map(|kind| kind.get("label").cloned().unwrap_or(Value::Null))
                .collect()
        })
        .unwrap_or_default()
}

fn writes(env: &Env) -> Vec<String> {
    env.requests()
        .into_iter()
        .filter(|request| request.method != "GET")
        .map(|request| format!("{} {}", request.method, request.path))
        .collect()
}

#[test]
pub(crate) fn associations_default_and_labelled_are_made_read_and_listed_under_every_version() {
    for version in API_VERSIONS {
        let env = env(version);
        let prefix = records_prefix(version);
        let default = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": FIRST});
        let answer = env.ok("associate", &default.to_string());
        assert_eq!(
            answer["results"][0]["associationSpec"]["associationTypeId"], 3,
            "{version}: {answer}"
        );
        assert_eq!(
            env.only_request().path,
            format!("{prefix}/deals/{DEAL}/associations/default/contacts/{FIRST}")
        );

        env.clear();
        let labelled = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": SECOND,
            "label": "  decision MAKER "});
        let answer = env.ok("associate", &labelled.to_string());
        assert_eq!(answer["labels"], json!(["Decision maker"]), "{version}: {answer}");
        let requests = env.requests();
        let labels_path = if version == "v3" {
            "/crm/associations/v4/deals/contacts/labels".to_owned()
        } else {
            format!("/crm/associations/{version}/deals/contacts/labels")
        };
        assert_eq!(
            requests
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>(),
            [
                format!("GET {labels_path}"),
                format!("PUT {prefix}/deals/{DEAL}/associations/contacts/{SECOND}")
            ],
            "{version}"
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&requests[1].body).expect("JSON"),
            json!([{"associationCategory": "USER_DEFINED", "associationTypeId": 1001}])
        );

        // A read through the objects API sees what associate made.
        let read = env.ok(
            "read",
            &json!({"entity": "deals", "entityId": DEAL, "associations": ["contacts"]}).to_string(),
        );
        let kinds: Vec<&str> = read["associations"]["contacts"]["results"]
            .as_array()
            .expect("associations")
            .iter()
            .filter_map(|item| item["type"].as_str())
            .collect();
        assert_eq!(
            kinds,
            ["deal_to_contact", "deal_to_contact", "decision_maker"],
            "{version}"
        );

        let listed = env.ok(
            "get-associations",
            &json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts"}).to_string(),
        );
        assert_eq!(labels_of(&listed, FIRST), [Value::Null], "{version}: {listed}");
        assert_eq!(
            labels_of(&listed, SECOND),
            [Value::Null, json!("Decision maker")],
            "{version}"
        );

        // By type id, its category looked up with the labels.
        let by_id = json!({"entity": "contacts", "entityId": FIRST, "toEntity": "companies", "toEntityId": COMPANY,
            "associationTypeId": 1005});
        env.ok("associate", &by_id.to_string());
        let listed = env.ok(
            "get-associations",
            &json!({"entity": "companies", "entityId": COMPANY, "toEntity": "contacts"}).to_string(),
        );
        assert_eq!(
            labels_of(&listed, FIRST),
            [Value::Null, json!("Former employee")],
            "{version}"
        );

        let labels = env.ok(
            "get-association-labels",
            &json!({"entity": "deals", "toEntity": "contacts"}).to_string(),
        );
        let names: Vec<&str> = labels["results"]
            .as_array()
            .expect("labels")
            .iter()
            .filter_map(|kind| kind["label"].as_str())
            .collect();
        assert_eq!(names, ["Decision maker", "Champion"], "{version}");
    }
}

#[test]
pub(crate) fn associations_of_a_record_are_read_across_every_page_under_every_version() {
    const MANY: u64 = 501;
    for version in API_VERSIONS {
        let env = env(version);
        let contacts: Vec<(String, Vec<(String, String)>)> = (0..MANY)
            .map(|n| {
                (
                    format!("{}", 40_000_000 + n),
                    vec![("email".to_owned(), format!("c{n}@example.com"))],
                )
            })
            .collect();
        let ids: Vec<String> = contacts.iter().map(|(id, _)| id.clone()).collect();
        env.mock.seed_records("contacts", contacts).expect("contacts seeded");
        for id in &ids {
            env.mock
                .seed_association("deals", DEAL, "contacts", id, 3)
                .expect("associated");
        }
        env.clear();
        let listed = env.ok(
            "get-associations",
            &json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts"}).to_string(),
        );
        let read: Vec<&str> = listed["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|item| item["toObjectId"].as_str())
            .collect();
        assert_eq!(read, ids, "{version}: every association once, in order");
        assert!(listed.get("paging").is_none(), "{version}");
        let requests = env.requests();
        assert_eq!(requests.len(), 2, "{version}: two pages");
        if version == "2026-09" {
            assert!(
                requests
                    .iter()
                    .all(|r| r.method == "POST" && r.path == "/crm/associations/2026-09/deals/contacts/batch/read")
            );
            let second: Value = serde_json::from_slice(&requests[1].body).expect("JSON");
            assert_eq!(second["inputs"][0]["after"], ids[499].as_str());
        } else {
            assert_eq!(
                requests[1].query.as_deref(),
                Some(format!("limit=500&after={}", ids[499]).as_str())
            );
        }
        // A record without associations has none, under the batch read too.
        let none = env.ok(
            "get-associations",
            &json!({"entity": "deals", "entityId": DEAL, "toEntity": "companies"}).to_string(),
        );
        assert_eq!(none["results"], json!([]), "{version}");
    }
}

#[test]
pub(crate) fn associations_removing_one_label_keeps_the_rest_and_removing_without_label_removes_all() {
    for version in API_VERSIONS {
        let env = env(version);
        env.mock
            .seed_association("deals", DEAL, "contacts", SECOND, 1001)
            .expect("decision maker");
        env.mock
            .seed_association("deals", DEAL, "contacts", SECOND, 1003)
            .expect("champion");
        let list = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts"}).to_string();
        let one = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": SECOND,
            "label": "champion"});
        env.clear();
        let answer = env.ok("remove-association", &one.to_string());
        assert_eq!(
            answer,
            json!({"entityId": DEAL, "toEntityId": SECOND, "removed": true, "label": "champion"})
        );
        let batch = if version == "v3" {
            "/crm/v4/associations".to_owned()
        } else {
            format!("/crm/associations/{version}")
        };
        assert_eq!(
            writes(&env),
            [format!("POST {batch}/deals/contacts/batch/labels/archive")],
            "{version}"
        );
        assert_eq!(
            labels_of(&env.ok("get-associations", &list), SECOND),
            [Value::Null, json!("Decision maker")],
            "{version}"
        );

        let all = json!({"entity": "contacts", "entityId": SECOND, "toEntity": "deals", "toEntityId": DEAL});
        env.clear();
        env.ok("remove-association", &all.to_string());
        assert_eq!(
            writes(&env),
            [format!(
                "DELETE {}/contacts/{SECOND}/associations/deals/{DEAL}",
                records_prefix(version)
            )]
        );
        assert_eq!(env.ok("get-associations", &list)["results"], json!([]), "{version}");
    }
}

#[test]
fn associations_an_unknown_label_is_invalid_input_listing_the_labels_and_writes_nothing() {
    let env = env("2026-09");
    for action in ["associate", "remove-association"] {
        env.clear();
        let input = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": FIRST,
            "label": "Mentor"});
        match env.invoke(action, &input.to_string()) {
            Err(Error::InvalidInput(problem)) => {
                assert_eq!(problem.path, "label");
                for name in ["`Mentor`", "`Decision maker` (USER_DEFINED 1001)", "`Champion`"] {
                    assert!(problem.message.contains(name), "{action}: {}", problem.message);
                }
            }
            other => panic!("{action}: {other:?}"),
        }
        assert!(writes(&env).is_empty(), "{action}: only the labels were read");
    }
    // A custom object by name: resolved through the schemas, then its labels read by type id.
    env.clear();
    let labels = env.ok(
        "get-association-labels",
        &json!({"entity": "pets", "toEntity": "contacts"}).to_string(),
    );
    assert_eq!(labels["results"][0]["typeId"], 861, "{labels}");
    let paths: Vec<String> = env.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(
        paths,
        [
            "/crm-object-schemas/2026-09/schemas",
            "/crm/associations/2026-09/2-3604285/contacts/labels"
        ]
    );
    // Bad ids are refused before anything is sent.
    env.clear();
    for (input, path) in [
        (
            json!({"entity": "deals", "entityId": "", "toEntity": "contacts", "toEntityId": FIRST}),
            "entityId",
        ),
        (
            json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": "ann"}),
            "toEntityId",
        ),
        (
            json!({"entity": "deals", "entityId": DEAL, "toEntity": "contact", "toEntityId": FIRST}),
            "toEntity",
        ),
    ] {
        match env.invoke("associate", &input.to_string()) {
            Err(Error::InvalidInput(problem)) => assert_eq!(problem.path, path, "{input}"),
            other => panic!("{input}: {other:?}"),
        }
    }
    assert!(env.requests().is_empty());
}

#[test]
fn associations_dry_runs_send_only_reads_and_plan_what_the_writes_then_send() {
    for version in API_VERSIONS {
        let env = env(version);
        let input = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": FIRST,
            "label": "Champion"});
        let mut dry = input.clone();
        dry["dryRun"] = json!(true);
        let preview = env.ok("associate", &dry.to_string());
        assert!(writes(&env).is_empty(), "{version}");
        assert_eq!(preview["problems"], json!([]), "{preview}");
        let planned = preview["requests"][0].clone();
        assert_eq!(
            planned["body"],
            json!([{"associationCategory": "USER_DEFINED", "associationTypeId": 1003}]),
            "{preview}"
        );
        env.clear();
        env.ok("associate", &input.to_string());
        let sent = env.requests().into_iter().find(|r| r.method == "PUT").expect("the PUT");
        assert_eq!(
            (planned["method"].as_str(), planned["path"].as_str()),
            (Some("PUT"), Some(sent.path.as_str()))
        );

        env.clear();
        let preview = env.ok(
            "remove-association",
            &json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": FIRST,
                "dryRun": true})
            .to_string(),
        );
        assert!(env.requests().is_empty(), "{version}: removing all needs no read");
        assert_eq!(preview["requests"][0]["method"], "DELETE", "{preview}");
        let unknown = env.ok(
            "associate",
            &json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": FIRST,
                "label": "Mentor", "dryRun": true})
            .to_string(),
        );
        assert_eq!(unknown["requests"], json!([]), "{unknown}");
        assert_eq!(unknown["problems"][0]["property"], "label");
        assert_eq!(
            unknown["problems"][0]["allowedValues"],
            json!(["Decision maker", "Champion"])
        );
        assert!(writes(&env).is_empty(), "{version}");
    }
}

#[test]
pub(crate) fn associations_typed_functions_associate_list_label_and_remove() {
    let env = env("2026-03");
    let associate = crm::AssociateRequest {
        object_type: "deals".to_owned(),
        record_id: DEAL.to_owned(),
        to_object_type: "contacts".to_owned(),
        to_record_id: SECOND.to_owned(),
        label: Some("Decision maker".to_owned()),
        type_id: None,
        category: None,
    };
    let preview_request = crm::AssociationWrite::Associate(associate.clone());
    let preview = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_preview_association(store, &conn, &preview_request).await })
    })
    .result
    .expect("planned");
    assert!(writes(&env).is_empty());
    assert_eq!(preview.requests[0].method, "PUT");
    assert_eq!(
        preview.requests[0].path,
        format!("/crm/objects/2026-03/deals/{DEAL}/associations/contacts/{SECOND}")
    );

    let call = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_associate(store, &conn, &associate).await })
    });
    assert_eq!(call.result, Ok(()));

    let request = crm::AssociationsRequest {
        object_type: "deals".to_owned(),
        record_id: DEAL.to_owned(),
        to_object_type: "contacts".to_owned(),
    };
    let listed = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_get_associations(store, &conn, &request).await })
    })
    .result
    .expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].to_object_id, SECOND);
    let labels: Vec<Option<&str>> = listed[0].types.iter().map(|kind| kind.label.as_deref()).collect();
    assert_eq!(labels, [None, Some("Decision maker")]);
    assert_eq!(listed[0].types[1].category, crm::AssociationCategory::UserDefined);

    let request = crm::AssociationLabelsRequest {
        object_type: "contacts".to_owned(),
        to_object_type: "companies".to_owned(),
    };
    let labels = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_get_association_labels(store, &conn, &request).await })
    })
    .result
    .expect("labels");
    assert!(
        labels
            .iter()
            .any(|kind| kind.type_id == 1 && kind.label.as_deref() == Some("Primary"))
    );
    assert!(
        labels
            .iter()
            .any(|kind| kind.type_id == 1005 && kind.label.as_deref() == Some("Former employee"))
    );

    let remove = crm::RemoveAssociationRequest {
        object_type: "deals".to_owned(),
        record_id: DEAL.to_owned(),
        to_object_type: "contacts".to_owned(),
        to_record_id: SECOND.to_owned(),
        label: Some("Mentor".to_owned()),
    };
    let refused = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_remove_association(store, &conn, &remove).await })
    });
    match refused.result {
        Err(Error::InvalidInput(problem)) => assert_eq!(problem.path, "remove-association-request.label"),
        other => panic!("{other:?}"),
    }
    let remove = crm::RemoveAssociationRequest {
        object_type: "deals".to_owned(),
        record_id: DEAL.to_owned(),
        to_object_type: "contacts".to_owned(),
        to_record_id: SECOND.to_owned(),
        label: None,
    };
    let removed = typed(&env, move |crm, store, conn| {
        Box::pin(async move { crm.call_remove_association(store, &conn, &remove).await })
    });
    assert_eq!(removed.result, Ok(()));
    let listed = env.ok(
        "get-associations",
        &json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts"}).to_string(),
    );
    assert_eq!(listed["results"], json!([]));
}

fn cli(args: &[&str], env: Option<&Env>) -> Value {
    let mut command = hubspot_end_to_end::artifacts::harness_command();
    command.stdin(Stdio::null()).args(args);
    if let Some(env) = env {
        command
            .env(TOKEN_VARIABLE, &env.connection.access_token)
            .args(["--api-base", &env.mock.base_url()]);
    }
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("the harness does not run: {error}"));
    assert_eq!(output.status.code(), Some(0), "{args:?}: {output:#?}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{args:?}: stdout is not JSON: {error}"))
}

#[test]
pub(crate) fn cli_associates_lists_and_removes_against_a_mock() {
    // The README's examples, against the CLI's own mock.
    let labels = cli(
        &[
            "invoke",
            "get-association-labels",
            r#"{"entity":"deals","toEntity":"contacts"}"#,
            "--mock",
        ],
        None,
    );
    assert_eq!(labels["results"][1]["label"], "Decision maker", "{labels}");
    let made = cli(
        &[
            "invoke",
            "associate",
            r#"{"entity":"deals","entityId":"30000001","toEntity":"contacts","toEntityId":"10000002","label":"Decision maker"}"#,
            "--mock",
        ],
        None,
    );
    assert_eq!(made["labels"], json!(["Decision maker"]), "{made}");
    let listed = cli(
        &[
            "invoke",
            "get-associations",
            r#"{"entity":"contacts","entityId":"10000001","toEntity":"companies"}"#,
            "--mock",
        ],
        None,
    );
    assert_eq!(listed["results"][0]["toObjectId"], "20000001", "{listed}");
    assert_eq!(
        listed["results"][0]["associationTypes"][0]["label"], "Primary",
        "{listed}"
    );
    let planned = cli(
        &[
            "invoke",
            "remove-association",
            r#"{"entity":"contacts","entityId":"10000001","toEntity":"companies","toEntityId":"20000001","dryRun":true}"#,
            "--mock",
        ],
        None,
    );
    assert_eq!(planned["requests"][0]["method"], "DELETE", "{planned}");

    // Against one mock, state carries from call to call.
    let env = env("2026-09");
    let input = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts", "toEntityId": FIRST,
        "label": "Champion"})
    .to_string();
    cli(&["invoke", "associate", &input], Some(&env));
    let list = json!({"entity": "deals", "entityId": DEAL, "toEntity": "contacts"}).to_string();
    let listed = cli(&["invoke", "get-associations", &list], Some(&env));
    assert_eq!(labels_of(&listed, FIRST), [Value::Null, json!("Champion")], "{listed}");
    let removed = cli(&["invoke", "remove-association", &input], Some(&env));
    assert_eq!(removed["removed"], true);
    let listed = cli(&["invoke", "get-associations", &list], Some(&env));
    assert_eq!(labels_of(&listed, FIRST), [Value::Null], "{listed}");
}
