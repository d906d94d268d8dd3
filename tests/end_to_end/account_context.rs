//! What an agent needs before it writes: the account's owners (and owners by
//! e-mail on writes), its object types with custom objects by name, property
//! search sized for a model, and listing records past 10,000; through
//! `tool.invoke`, the typed `crm` functions and the CLI, under every API version.
#![expect(
    clippy::panic,
    reason = "fixtures outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::process::{Command, Output, Stdio};

use hubspot_end_to_end::TOKEN_VARIABLE;
use hubspot_harness::wit::Error;
use hubspot_harness::wit::crm;
use hubspot_mock::API_VERSIONS;
use serde_json::{Value, json};

use crate::common::{Env, record_ids};
use crate::crm_typed::typed;

/// The seeded owners: id and e-mail of each active one, in HubSpot's order.
const ACTIVE_OWNERS: [(&str, &str); 4] = [
    ("110000001", "jade.chen@example.com"),
    ("110000002", "jane.doe@example.com"),
    ("110000003", "marcus.lee@example.com"),
    ("110000004", "jade.chan@example.com"),
];
/// The mock account's custom object.
const PETS_TYPE_ID: &str = "2-3604285";

/// `path` as `version` spells the family's prefix: owners and objects live
/// under `/crm/{family}/{version}` (`/crm/v3/{family}` for v3), schemas under
/// `/crm-object-schemas/{version}/schemas`.
fn versioned(family: &str, version: &str, rest: &str) -> String {
    match (family, version) {
        ("schemas", version) => format!("/crm-object-schemas/{version}/schemas{rest}"),
        (family, "v3") => format!("/crm/v3/{family}{rest}"),
        (family, version) => format!("/crm/{family}/{version}{rest}"),
    }
}

fn invalid_input(result: Result<Value, Error>) -> (String, String) {
    match result {
        Err(Error::InvalidInput(problem)) => (problem.path, problem.message),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[test]
pub(crate) fn owners_are_listed_every_page_by_e_mail_and_archived_under_every_version() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        let owners = env.ok("get-owners", "{}");
        let listed: Vec<(&str, &str)> = owners["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|owner| {
                (
                    owner["id"].as_str().unwrap_or(""),
                    owner["email"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(listed, ACTIVE_OWNERS, "{version}: {owners}");
        assert!(owners.get("paging").is_none(), "{owners}");
        let jade = &owners["results"][0];
        assert_eq!(
            (jade["firstName"].as_str(), jade["lastName"].as_str()),
            (Some("Jade"), Some("Chen"))
        );
        assert_eq!(jade["teams"][0]["name"], "Enterprise Sales", "{jade}");
        assert_eq!(env.only_request().path, versioned("owners", version, ""));

        env.clear();
        let one = env.ok("get-owners", r#"{"email": "marcus.lee@example.com"}"#);
        assert_eq!(one["results"].as_array().map(Vec::len), Some(1), "{one}");
        assert_eq!(one["results"][0]["id"], "110000003");
        let request = env.only_request();
        assert!(
            request
                .query
                .as_deref()
                .unwrap_or("")
                .contains("email=marcus.lee%40example.com"),
            "{request:?}"
        );

        let archived = env.ok("get-owners", r#"{"archived": true}"#);
        let emails: Vec<&str> = archived["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|owner| owner["email"].as_str())
            .collect();
        assert_eq!(emails, ["priya.patel@example.com"], "{version}");

        env.clear();
        let (path, message) = invalid_input(env.invoke("get-owners", r#"{"email": "marcus"}"#));
        assert_eq!(path, "email");
        assert!(message.contains("e-mail address"), "{message}");
        assert!(env.requests().is_empty());
    }
}

#[test]
pub(crate) fn owners_come_typed_with_their_teams() {
    let env = Env::new();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            let request = crm::OwnersRequest {
                email: Some("jane.doe@example.com".to_owned()),
                archived: false,
            };
            crm.call_get_owners(store, &conn, &request).await
        })
    });
    let owners = call.result.expect("the owners");
    let [jane] = owners.as_slice() else {
        panic!("one owner expected: {owners:?}");
    };
    assert_eq!(
        (jane.id.as_str(), jane.first_name.as_deref()),
        ("110000002", Some("Jane"))
    );
    let teams: Vec<(&str, bool)> = jane
        .teams
        .iter()
        .map(|team| (team.name.as_str(), team.primary))
        .collect();
    assert_eq!(teams, [("Enterprise Sales", true), ("Customer Success", false)]);
}

#[test]
pub(crate) fn an_owner_named_by_e_mail_or_name_is_written_as_the_owner_s_id() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        let deal = env.create(
            "deals",
            json!({"dealname": "Acme renewal", "hubspot_owner_id": "110000003"}),
        );
        env.clear();
        let updated = env.ok(
            "update",
            &json!({"entity": "deals", "entityId": deal, "properties": {"hubspot_owner_id": "Jade.Chen@example.com"}})
                .to_string(),
        );
        assert_eq!(
            updated["properties"]["hubspot_owner_id"], "110000001",
            "{version}: {updated}"
        );
        let requests = env.requests();
        let methods: Vec<&str> = requests.iter().map(|request| request.method.as_str()).collect();
        assert_eq!(methods, ["GET", "PATCH"], "{version}: {requests:#?}");
        assert_eq!(requests[0].path, versioned("owners", version, ""));
        assert!(String::from_utf8_lossy(&requests[1].body).contains(r#""hubspot_owner_id":"110000001""#));

        let by_name = env.ok(
            "create",
            r#"{"entity": "tasks", "properties": {"hs_task_subject": "Call back", "hubspot_owner_id": "marcus lee"}}"#,
        );
        assert_eq!(by_name["properties"]["hubspot_owner_id"], "110000003", "{by_name}");
    }
}

#[test]
pub(crate) fn an_unknown_owner_is_invalid_input_naming_the_closest_and_nothing_is_written() {
    let env = Env::new();
    let deal = env.create("deals", json!({"dealname": "Acme renewal"}));
    env.clear();
    let input =
        json!({"entity": "deals", "entityId": deal, "properties": {"hubspot_owner_id": "jade.chen@exmaple.com"}});
    let (path, message) = invalid_input(env.invoke("update", &input.to_string()));
    assert_eq!(path, "properties.hubspot_owner_id");
    assert!(
        message.contains("the closest are jade.chen@example.com (Jade Chen, id 110000001), jade.chan@example.com"),
        "{message}"
    );
    assert!(
        env.requests().iter().all(|request| request.method == "GET"),
        "{:#?}",
        env.requests()
    );
    let unchanged = env.ok(
        "read",
        &json!({"entity": "deals", "entityId": deal, "properties": ["hubspot_owner_id"]}).to_string(),
    );
    assert_eq!(unchanged["properties"]["hubspot_owner_id"], Value::Null, "{unchanged}");
}

#[test]
pub(crate) fn object_types_list_the_custom_object_which_works_by_name_under_every_version() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        let types = env.ok("get-object-types", "{}");
        let results = types["results"].as_array().expect("results");
        let contacts = results.iter().find(|t| t["name"] == "contacts").expect("contacts");
        assert_eq!(
            (contacts["objectTypeId"].as_str(), contacts["custom"].as_bool()),
            (Some("0-1"), Some(false))
        );
        let pets = results
            .iter()
            .find(|t| t["name"] == "pets")
            .unwrap_or_else(|| panic!("{types}"));
        assert_eq!(pets["objectTypeId"], PETS_TYPE_ID);
        assert_eq!(pets["fullyQualifiedName"], "p12345678_pets");
        assert_eq!(pets["labels"], json!({"singular": "Pet", "plural": "Pets"}));
        assert_eq!(pets["requiredProperties"], json!(["pet_name"]));
        assert_eq!(env.only_request().path, versioned("schemas", version, ""));

        env.clear();
        let created = env.ok(
            "create",
            r#"{"entity": "pets", "properties": {"pet_name": "Rex", "species": "dog"}}"#,
        );
        let id = created["id"].as_str().expect("an id").to_owned();
        let paths: Vec<String> = env.requests().into_iter().map(|request| request.path).collect();
        assert_eq!(
            paths,
            [
                versioned("schemas", version, ""),
                versioned("objects", version, &format!("/{PETS_TYPE_ID}"))
            ],
            "{version}"
        );

        let read = env.ok(
            "read",
            &json!({"entity": "Pets", "entityId": id, "properties": ["pet_name"]}).to_string(),
        );
        assert_eq!(read["properties"]["pet_name"], "Rex", "{read}");
        let found = env.ok(
            "search",
            r#"{"entity": "p12345678_pets", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "species", "operator": "EQ", "value": "dog"}]}], "properties": ["pet_name"]}}"#,
        );
        assert_eq!(found["total"], 1, "{found}");
        let properties = env.ok(
            "get-properties",
            r#"{"objectType": "pets", "query": "name", "compact": true}"#,
        );
        assert_eq!(properties["results"][0]["name"], "pet_name", "{properties}");

        env.clear();
        let (path, message) = invalid_input(env.invoke("read", r#"{"entity": "cars", "entityId": "1"}"#));
        assert_eq!(path, "entity");
        assert!(message.contains(&format!("pets ({PETS_TYPE_ID})")), "{message}");
        let paths: Vec<String> = env.requests().into_iter().map(|request| request.path).collect();
        assert_eq!(paths, [versioned("schemas", version, "")]);
    }
}

#[test]
pub(crate) fn object_types_and_custom_records_come_typed() {
    let env = Env::new();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move { crm.call_get_object_types(store, &conn).await })
    });
    let types = call.result.expect("the object types");
    let pets = types.iter().find(|t| t.name == "pets").expect("pets");
    assert_eq!(
        (pets.object_type_id.as_str(), pets.custom, pets.plural_label.as_str()),
        (PETS_TYPE_ID, true, "Pets")
    );
    assert!(types.iter().any(|t| t.name == "leads" && !t.custom));

    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            let request = crm::CreateRequest {
                object_type: "pets".to_owned(),
                properties: vec![crm::PropertyValue {
                    name: "pet_name".to_owned(),
                    value: "Misty".to_owned(),
                }],
                associations: Vec::new(),
            };
            crm.call_create(store, &conn, &request).await
        })
    });
    let created = call.result.expect("a pet");
    assert!(
        created
            .properties
            .iter()
            .any(|p| p.name == "pet_name" && p.value.as_deref() == Some("Misty"))
    );
}

#[test]
pub(crate) fn property_search_answers_a_handful_of_compact_entries() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        let whole = env.ok("get-properties", r#"{"objectType": "contacts"}"#);
        let found = env.call(
            "get-properties",
            r#"{"objectType": "contacts", "query": "phone", "compact": true}"#,
        );
        let text = found.result.expect("phone properties");
        assert!(text.len() < 2048, "{} bytes: {text}", text.len());
        let answer: Value = serde_json::from_str(&text).expect("JSON");
        let results = answer["results"].as_array().expect("results");
        assert!((1..=8).contains(&results.len()), "{answer}");
        assert_eq!(results[0]["name"], "phone", "{answer}");
        for entry in results {
            let keys: Vec<&str> = entry
                .as_object()
                .expect("an object")
                .keys()
                .map(String::as_str)
                .collect();
            assert!(
                keys.iter().all(|key| [
                    "name",
                    "label",
                    "type",
                    "fieldType",
                    "readOnly",
                    "referencedObjectType",
                    "options"
                ]
                .contains(key)),
                "{entry}"
            );
        }
        assert!(whole["results"].as_array().map_or(0, Vec::len) > results.len());

        let owner = env.ok(
            "get-properties",
            r#"{"objectType": "deals", "query": "owner", "compact": true}"#,
        );
        let owner_entry = owner["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|p| p["name"] == "hubspot_owner_id");
        assert_eq!(
            owner_entry.map(|p| &p["referencedObjectType"]),
            Some(&json!("OWNER")),
            "{owner}"
        );
    }
    let env = Env::new();
    let (path, _) = invalid_input(env.invoke("get-properties", r#"{"objectType": "contacts", "query": "  "}"#));
    assert_eq!(path, "query");
    assert!(env.requests().is_empty());
}

#[test]
pub(crate) fn typed_property_search_ranks_the_best_match_first() {
    let env = Env::new();
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            let request = crm::PropertiesRequest {
                object_type: "contacts".to_owned(),
                archived: false,
                query: Some("mobile phone".to_owned()),
            };
            crm.call_get_properties(store, &conn, &request).await
        })
    });
    let found = call.result.expect("the properties");
    assert_eq!(found.first().map(|p| p.name.as_str()), Some("mobilephone"), "{found:?}");
}

/// Seeds `count` contacts with ids from 1 and e-mail addresses.
fn seed_contacts(env: &Env, count: u32) {
    for id in 1..=count {
        let email = format!("contact{id}@example.com");
        env.mock
            .seed_record("contacts", &id.to_string(), &[("email", email.as_str())])
            .unwrap_or_else(|error| panic!("contact {id}: {error}"));
    }
}

#[test]
pub(crate) fn a_listing_past_ten_thousand_returns_every_record_once() {
    let env = Env::new();
    seed_contacts(&env, 12_000);
    let listed = env.ok(
        "list",
        r#"{"entity": "contacts", "properties": ["email"], "maxResults": 20000}"#,
    );
    let results = listed["results"].as_array().expect("results");
    let mut ids = record_ids(&listed);
    assert_eq!(ids.len(), 12_000);
    ids.dedup();
    assert_eq!(ids, (1..=12_000).collect::<Vec<u64>>());
    assert_eq!(results[41]["properties"]["email"], "contact42@example.com");
    assert!(listed.get("paging").is_none(), "{}", listed["paging"]);
    let requests = env.requests();
    assert_eq!(requests.len(), 120);
    assert!(
        requests
            .iter()
            .all(|request| request.method == "GET" && request.path == "/crm/objects/2026-09/contacts")
    );

    // Stopping short hands back the cursor to go on from, and it does.
    env.clear();
    let first = env.ok("list", r#"{"entity": "contacts", "limit": 100, "maxResults": 250}"#);
    assert_eq!(first["results"].as_array().map(Vec::len), Some(250));
    let after = first["paging"]["next"]["after"].clone();
    assert_eq!(env.requests().len(), 3);
    let next = env.ok(
        "list",
        &json!({"entity": "contacts", "limit": 5, "after": after}).to_string(),
    );
    assert_eq!(next["results"][0]["id"], "251", "{next}");
    assert_eq!(next["results"].as_array().map(Vec::len), Some(5));
}

#[test]
pub(crate) fn a_listing_follows_every_version_s_paths_and_comes_typed() {
    for version in API_VERSIONS {
        let env = Env::new().with_api_version(version);
        seed_contacts(&env, 30);
        let page = env.ok("list", r#"{"entity": "contacts", "limit": 10}"#);
        assert_eq!(page["results"].as_array().map(Vec::len), Some(10));
        assert_eq!(page["paging"]["next"]["after"], "11", "{page}");
        assert_eq!(env.only_request().path, versioned("objects", version, "/contacts"));
    }
    let env = Env::new();
    seed_contacts(&env, 30);
    let call = typed(&env, |crm, store, conn| {
        Box::pin(async move {
            let request = crm::ListRequest {
                object_type: "contacts".to_owned(),
                properties: vec!["email".to_owned()],
                properties_with_history: Vec::new(),
                associations: Vec::new(),
                archived: false,
                limit: Some(7),
                after: None,
                max_results: Some(20),
            };
            crm.call_list(store, &conn, &request).await
        })
    });
    let page = call.result.expect("a page");
    assert_eq!(page.results.len(), 20);
    assert_eq!(page.results[19].id, "20");
    assert_eq!(page.next_after.as_deref(), Some("21"));
    let env = Env::new();
    let (path, message) = invalid_input(env.invoke("list", r#"{"entity": "contacts", "limit": 101}"#));
    assert_eq!(path, "limit");
    assert!(message.contains("1 to 100"), "{message}");
    assert!(env.requests().is_empty());
}

/// The harness binary with the mock's token and no inherited settings.
fn harness() -> Command {
    let mut command = hubspot_end_to_end::artifacts::harness_command();
    command.stdin(Stdio::null());
    command
}

fn stdout_json(output: &Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "{output:#?}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {output:#?}"))
}

#[test]
pub(crate) fn cli_resolves_an_owner_by_e_mail_and_refuses_an_unknown_one_before_writing() {
    // The README's example, against the CLI's own mock and its sample deal.
    let output = harness()
        .args([
            "invoke",
            "update",
            r#"{"entity":"deals","entityId":"30000001","properties":{"hubspot_owner_id":"jade.chen@example.com"}}"#,
            "--mock",
        ])
        .output()
        .expect("the harness runs");
    assert_eq!(stdout_json(&output)["properties"]["hubspot_owner_id"], "110000001");

    // Against a mock kept running, to see what was sent.
    let env = Env::new();
    let deal = env.create("deals", json!({"dealname": "Acme renewal"}));
    env.clear();
    let output = harness()
        .env(TOKEN_VARIABLE, &env.connection.access_token)
        .args(["invoke", "update", "--api-base", &env.mock.base_url()])
        .arg(
            json!({"entity": "deals", "entityId": deal, "properties": {"hubspot_owner_id": "jade.chen@exmaple.com"}})
                .to_string(),
        )
        .output()
        .expect("the harness runs");
    assert_eq!(output.status.code(), Some(2), "{output:#?}");
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error: Value = serde_json::from_str(stderr.lines().last().unwrap_or_default()).expect("a JSON error line");
    assert_eq!(error["error"]["kind"], "invalid-input", "{error}");
    assert_eq!(error["error"]["path"], "properties.hubspot_owner_id", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("jade.chen@example.com"),
        "{error}"
    );
    let requests = env.requests();
    assert!(
        !requests.is_empty() && requests.iter().all(|request| request.method == "GET"),
        "{requests:#?}"
    );
}

#[test]
pub(crate) fn cli_lists_object_types_properties_and_records_of_the_sample_account() {
    let run = |action: &str, input: &str| {
        let output = harness()
            .args(["invoke", action, input, "--mock"])
            .output()
            .expect("the harness runs");
        stdout_json(&output)
    };
    let types = run("get-object-types", "{}");
    assert!(
        types["results"]
            .as_array()
            .expect("results")
            .iter()
            .any(|t| t["name"] == "pets"),
        "{types}"
    );
    let pets = run(
        "list",
        r#"{"entity": "pets", "properties": ["pet_name"], "maxResults": 10}"#,
    );
    let names: Vec<&str> = pets["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|pet| pet["properties"]["pet_name"].as_str())
        .collect();
    assert_eq!(names, ["Rex", "Misty"], "{pets}");
    let read = run(
        "read",
        r#"{"entity": "pets", "entityId": "1001", "properties": ["pet_name", "species"]}"#,
    );
    assert_eq!(read["properties"]["species"], "dog", "{read}");
    let owners = run("get-owners", r#"{"email": "jade.chen@example.com"}"#);
    assert_eq!(owners["results"][0]["id"], "110000001", "{owners}");
    let phone = run(
        "get-properties",
        r#"{"objectType": "contacts", "query": "phone", "compact": true}"#,
    );
    assert_eq!(phone["results"][0]["name"], "phone", "{phone}");
}
