//! The tool catalog `describe` returns: its shape, its input schemas against
//! the specification's samples and against malformed input (which the
//! connector must refuse as well), and its examples against the specification.
#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "fixtures outside #[test] functions: a panic there is a failed test, as clippy.toml allows in tests"
)]

use std::sync::OnceLock;

use hubspot_harness::wit::Error;
use serde_json::{Value, json};

use crate::common::{Env, connector, runtime, spec_samples};

/// Every action, in the catalog's order.
pub(crate) const ACTIONS: [&str; 21] = [
    "create",
    "read",
    "update",
    "archive",
    "search",
    "get-pipelines",
    "get-pipeline-stage",
    "get-properties",
    "test-connection",
    "list",
    "get-owners",
    "get-object-types",
    "associate",
    "get-associations",
    "remove-association",
    "get-association-labels",
    "batch-create",
    "batch-read",
    "batch-update",
    "batch-upsert",
    "batch-archive",
];
/// The specification's actions, the first of [`ACTIONS`].
const SPEC_ACTIONS: usize = 9;

/// The examples beyond the specification's samples and the lead examples:
/// owners by e-mail, custom objects by name, property search, listing.
const CONTEXT_EXAMPLES: [&str; 23] = [
    "Create a Deal Owned by a Colleague, by E-mail",
    "Read a Custom Object Record by Name",
    "Find Phone Properties of Contacts, Compact",
    "Search Every Matching Contact Past 10,000",
    "List Deals",
    "List Every Contact",
    "List Owners",
    "Find an Owner by E-mail",
    "List Object Types with Custom Objects",
    "Move a Deal to Closed Won by Label",
    "Preview Creating a Deal",
    "Associate a Deal with a Contact",
    "Mark a Contact as a Deal's Decision Maker",
    "List a Deal's Contacts with their Labels",
    "Remove One Label from a Deal's Contact",
    "Preview Removing a Contact from a Company",
    "List the Labels from Deals to Contacts",
    "Create Several Contacts at Once",
    "Preview Creating Several Contacts",
    "Read Contacts by E-mail",
    "Update Several Deals",
    "Create or Update Contacts by E-mail",
    "Archive Several Deals",
];

fn is_context_example(example: &Value) -> bool {
    CONTEXT_EXAMPLES.iter().any(|title| example["title"] == *title)
}

/// `describe()`, parsed once.
fn catalog() -> &'static Value {
    static CATALOG: OnceLock<Value> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let text = runtime().block_on(connector().describe()).expect("describe runs");
        serde_json::from_str(&text).expect("describe returns JSON")
    })
}

fn entry(action: &str) -> &'static Value {
    catalog()["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|entry| entry["name"] == action)
        .unwrap_or_else(|| panic!("no catalog entry for {action}"))
}

fn validator(action: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&entry(action)["inputSchema"])
        .unwrap_or_else(|error| panic!("{action}: the schema does not compile: {error}"))
}

/// The schema's complaints about `input`, one line each.
fn schema_errors(action: &str, input: &Value) -> Vec<String> {
    validator(action)
        .iter_errors(input)
        .map(|error| format!("{} at `{}`", error, error.instance_path()))
        .collect()
}

#[test]
pub(crate) fn catalog_describes_every_action_with_every_member() {
    let catalog = catalog();
    assert_eq!(catalog["name"], "hubspot");
    assert!(catalog["version"].as_str().is_some_and(|v| !v.is_empty()));
    assert!(catalog["description"].as_str().is_some_and(|d| d.len() > 100));
    let actions = catalog["actions"].as_array().expect("actions");
    let names: Vec<&str> = actions.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ACTIONS);
    for entry in actions {
        let name = &entry["name"];
        let mut keys: Vec<&str> = entry.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["description", "examples", "inputSchema", "name", "output", "title"],
            "{name}"
        );
        for text in ["title", "description", "output"] {
            assert!(
                entry[text].as_str().is_some_and(|t| t.trim().len() > 10),
                "{name}: {text}"
            );
        }
        let schema = &entry["inputSchema"];
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(schema["type"], "object", "{name}");
        assert_eq!(schema["additionalProperties"], false, "{name}");
        if let Err(error) = jsonschema::draft202012::meta::validate(schema) {
            panic!("{name}: not a valid draft 2020-12 schema: {error}");
        }
        let examples = entry["examples"].as_array().expect("examples");
        assert_eq!(examples.is_empty(), name == "test-connection", "{name}");
        for example in examples {
            assert!(example["title"].is_string() && example["input"].is_object(), "{name}");
        }
    }
    // The connection test takes nothing.
    assert!(validator("test-connection").is_valid(&json!({})));
    assert!(!validator("test-connection").is_valid(&json!({"entity": "contacts"})));
}

#[test]
fn catalog_accepts_every_spec_sample_byte_for_byte_and_every_example() {
    let samples = spec_samples();
    assert_eq!(samples.len(), 28);
    for sample in &samples {
        let input: Value = serde_json::from_str(&sample.json)
            .unwrap_or_else(|error| panic!("{}: the sample is not JSON: {error}", sample.title));
        let errors = schema_errors(sample.action, &input);
        assert!(errors.is_empty(), "{}: {errors:#?}", sample.title);
    }
    for action in ACTIONS {
        for example in entry(action)["examples"].as_array().unwrap() {
            let errors = schema_errors(action, &example["input"]);
            assert!(errors.is_empty(), "{}: {errors:#?}", example["title"]);
        }
    }
}

/// The masked addresses of the specification (its page turned every e-mail
/// address into "[email protected]") and what the catalog writes instead.
const UNMASKED: [(&str, &str); 4] = [
    ("Create a Contact", "john.doe@example.com"),
    ("Create a Contact with Association to Company", "jane.smith@example.com"),
    ("Update with Custom ID Property", "john.doe@example.com"),
    ("Search Contacts by Email", "john.doe@example.com"),
];

const MASKED: &str = "[email protected]";

/// Replaces every masked address in `value` by `address`; returns how many.
fn unmask(value: &mut Value, address: &str) -> usize {
    match value {
        Value::String(text) if text.as_str() == MASKED => {
            *text = address.to_owned();
            1
        }
        Value::Array(items) => items.iter_mut().map(|item| unmask(item, address)).sum(),
        Value::Object(map) => map.values_mut().map(|item| unmask(item, address)).sum(),
        _ => 0,
    }
}

/// Whether a catalog example is about Leads, which the specification predates.
fn is_lead_example(example: &Value) -> bool {
    let input = &example["input"];
    input["entity"] == "leads" || input["objectType"] == "leads"
}

#[test]
fn catalog_examples_are_the_spec_samples_with_realistic_addresses() {
    let mut unmasked = 0;
    let mut compared = 0;
    for action in ACTIONS {
        let examples: Vec<&Value> = entry(action)["examples"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|example| !is_lead_example(example) && !is_context_example(example))
            .collect();
        let samples: Vec<_> = spec_samples().into_iter().filter(|s| s.action == action).collect();
        let example_titles: Vec<&str> = examples.iter().filter_map(|e| e["title"].as_str()).collect();
        let sample_titles: Vec<&str> = samples.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(example_titles, sample_titles, "{action}: same samples, same order");
        for (sample, example) in samples.iter().zip(examples) {
            let mut expected: Value = serde_json::from_str(&sample.json).unwrap();
            if let Some((_, address)) = UNMASKED.iter().find(|(title, _)| *title == sample.title) {
                let replaced = unmask(&mut expected, address);
                assert_eq!(replaced, 1, "{}", sample.title);
                unmasked += replaced;
            }
            assert_eq!(example["input"], expected, "{}", sample.title);
            compared += 1;
        }
    }
    assert_eq!((compared, unmasked), (28, UNMASKED.len()));
    // Besides the specification's samples, one example per action for Leads.
    let leads = ACTIONS
        .iter()
        .flat_map(|action| entry(action)["examples"].as_array().unwrap())
        .filter(|example| is_lead_example(example))
        .count();
    assert_eq!(leads, SPEC_ACTIONS - 1);
    let context = ACTIONS
        .iter()
        .flat_map(|action| entry(action)["examples"].as_array().unwrap())
        .filter(|example| is_context_example(example))
        .count();
    assert_eq!(context, CONTEXT_EXAMPLES.len());
    // No masked address is left anywhere in the catalog.
    assert!(!catalog().to_string().contains("protected]"));
}

/// Input that the schema and the connector must both refuse, and the path the
/// connector names.
const MALFORMED: &[(&str, &str, &str)] = &[
    ("batch-create", r#"{"entity": "contacts", "inputs": []}"#, "inputs"),
    (
        "batch-update",
        r#"{"entity": "contacts", "inputs": [{"id": "1", "properties": {}}]}"#,
        "inputs[0].properties",
    ),
    (
        "batch-upsert",
        r#"{"entity": "contacts", "inputs": [{"id": "a@b.co", "properties": {"firstname": "A"}}]}"#,
        "idProperty",
    ),
    (
        "create",
        r#"{"entity": "invoice list", "properties": {"firstname": "Ann"}}"#,
        "entity",
    ),
    (
        "create",
        r#"{"entity": "company", "properties": {"name": "Acme"}}"#,
        "entity",
    ),
    ("read", r#"{"entity": "contacts"}"#, "entityId"),
    ("archive", r#"{"entityId": "12345678"}"#, "entity"),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"limit": 0}}"#,
        "searchObj.limit",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"limit": 201}}"#,
        "searchObj.limit",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"limit": "10"}}"#,
        "searchObj.limit",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "dealname", "operator": "LIKE", "value": "Acme"}]}]}}"#,
        "searchObj.filterGroups[0].filters[0].operator",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "amount", "operator": "BETWEEN", "value": "10000"}]}]}}"#,
        "searchObj.filterGroups[0].filters[0].highValue",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "dealstage", "operator": "IN"}]}]}}"#,
        "searchObj.filterGroups[0].filters[0].values",
    ),
    (
        "search",
        r#"{"entity": "contacts", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "values": ["a@b.co"]}]}]}}"#,
        "searchObj.filterGroups[0].filters[0].values",
    ),
    (
        "search",
        r#"{"entity": "contacts", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY", "value": "x"}]}]}}"#,
        "searchObj.filterGroups[0].filters[0].value",
    ),
    (
        "search",
        r#"{"entity": "contacts", "searchObj": {"sorts": [{"propertyName": "createdate", "direction": "UP"}]}}"#,
        "searchObj.sorts[0].direction",
    ),
    (
        "search",
        r#"{"entity": "contacts", "filterGroups": [], "searchObj": {}}"#,
        "filterGroups",
    ),
    (
        "archive",
        r#"{"entity": "contacts", "entityId": "12345678", "force": true}"#,
        "force",
    ),
    (
        "read",
        r#"{"entity": "contacts", "entityId": "jane@acme.com"}"#,
        "entityId",
    ),
    (
        "update",
        r#"{"entity": "contacts", "entityId": "jane@acme.com", "properties": {"phone": "1"}}"#,
        "entityId",
    ),
    (
        "archive",
        r#"{"entity": "contacts", "entityId": "jane@acme.com"}"#,
        "entityId",
    ),
    (
        "create",
        r#"{"entity": "contacts", "properties": "email=a@b.co"}"#,
        "properties",
    ),
    (
        "update",
        r#"{"entity": "contacts", "entityId": "12345678", "properties": {}}"#,
        "properties",
    ),
    (
        "create",
        r#"{"entity": "contacts", "properties": {"email": "a@b.co"}, "associations": [{"to": {"id": "12345678"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 0}]}]}"#,
        "associations[0].types[0].associationTypeId",
    ),
    (
        "create",
        r#"{"entity": "contacts", "properties": {"email": "a@b.co"}, "associations": [{"to": {"id": "12345678"}, "types": [{"associationCategory": "HUBSPOT", "associationTypeId": 1}]}]}"#,
        "associations[0].types[0].associationCategory",
    ),
    (
        "update",
        r#"{"entity": "contacts", "entityId": "12345678", "properties": {"phone": null}}"#,
        "properties.phone",
    ),
    (
        "create",
        r#"{"entity": "contacts", "properties": {"first name": "Ann"}}"#,
        "properties.first name",
    ),
    (
        "read",
        r#"{"entity": "contacts", "entityId": "12345678", "properties": "email"}"#,
        "properties",
    ),
    (
        "get-pipeline-stage",
        r#"{"entity": "deals", "pipelineId": "default", "stageId": ""}"#,
        "stageId",
    ),
    (
        "get-properties",
        r#"{"objectType": "contacts", "archived": "true"}"#,
        "archived",
    ),
    ("get-pipelines", r#"{"entity": "Deals"}"#, "entity"),
    ("get-pipelines", r#"{"entity": "contacts"}"#, "entity"),
    ("test-connection", r#"{"verbose": true}"#, "verbose"),
    // HubSpot's search stops at 10,000 results, however the offset is written.
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"after": 10000}}"#,
        "searchObj.after",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"after": "10000"}}"#,
        "searchObj.after",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"after": "99999999999999999999999"}}"#,
        "searchObj.after",
    ),
    // Ids go into the URL: no control characters, C0 or C1.
    (
        "read",
        r#"{"entity": "contacts", "entityId": "jane@acme.com\n", "idProperty": "email"}"#,
        "entityId",
    ),
    (
        "get-pipeline-stage",
        r#"{"entity": "deals", "pipelineId": "default\u0085", "stageId": "closedwon"}"#,
        "pipelineId",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "dealstage", "operator": "IN", "values": [["closedwon", "closedlost"]]}]}]}}"#,
        "searchObj.filterGroups[0].filters[0].values[0]",
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "dealname", "operator": "EQ", "value": null}]}]}}"#,
        "searchObj.filterGroups[0].filters[0].value",
    ),
];

#[test]
fn catalog_malformed_inputs_are_refused_by_the_schema_and_by_the_connector() {
    let env = Env::new();
    for (action, input, path) in MALFORMED {
        let value: Value = serde_json::from_str(input).unwrap();
        assert!(
            !schema_errors(action, &value).is_empty(),
            "{action}: the schema accepts {input}"
        );
        let call = env.call(action, input);
        assert_eq!(call.requests_sent, 0, "{input}");
        match call.result {
            Err(Error::InvalidInput(problem)) => {
                assert_eq!(problem.path, *path, "{input}: {}", problem.message);
                assert!(!problem.message.is_empty());
            }
            other => panic!("{action} {input}: expected invalid input, got {other:?}"),
        }
    }
    assert!(env.requests().is_empty());
}

/// Input beyond the samples that the schema and the connector must both take.
const WELL_FORMED: &[(&str, &str)] = &[
    ("read", r#"{"entity": "contacts", "entityId": 12345678}"#),
    (
        "read",
        r#"{"entity": "contacts", "entityId": "jane@acme.com", "idProperty": "email", "properties": ["email"]}"#,
    ),
    (
        "read",
        r#"{"entity": "contacts", "entityId": "1", "idProperty": null, "archived": null, "associations": ["companies", "0-3"]}"#,
    ),
    (
        "create",
        r#"{"entity": "deals", "properties": {"dealname": "Renewal", "amount": 55000, "hs_is_closed": false, "hs_tag_ids": ["a", "b"], "description": ""}}"#,
    ),
    ("create", r#"{"entity": "2-3604285", "properties": {"name": "Custom"}}"#),
    (
        "create",
        r#"{"entity": "line_items", "properties": {"quantity": "2"}, "associations": null}"#,
    ),
    (
        "update",
        r#"{"entity": "contacts", "entityId": "jane@acme.com", "idProperty": "email", "properties": {"lifecyclestage": "customer"}}"#,
    ),
    (
        "search",
        r#"{"entity": "contacts", "searchObj": {"query": "acme", "sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}], "after": "NTI1Cg%3D%3D", "limit": 200}}"#,
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "amount", "operator": "GT", "value": 1000}, {"propertyName": "hs_lastmodifieddate", "operator": "HAS_PROPERTY"}]}, {"filters": [{"propertyName": "dealstage", "operator": "NOT_IN", "values": ["closedlost"]}]}]}}"#,
    ),
    ("search", r#"{"entity": "tickets", "searchObj": {}}"#),
    (
        "get-pipeline-stage",
        r#"{"entity": "tickets", "pipelineId": 0, "stageId": 1}"#,
    ),
    ("get-properties", r#"{"objectType": "0-1", "archived": null}"#),
    ("test-connection", "{}"),
    // Null counts as absent everywhere.
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"sorts": [{"propertyName": "amount", "direction": null}], "after": null, "query": null}}"#,
    ),
    (
        "search",
        r#"{"entity": "deals", "searchObj": {"filterGroups": [{"filters": [{"propertyName": "dealname", "operator": "EQ", "value": "Renewal", "highValue": null, "values": null}]}]}}"#,
    ),
    ("search", r#"{"entity": "deals", "searchObj": {"after": 9999}}"#),
    ("search", r#"{"entity": "deals", "searchObj": {"after": "0009999"}}"#),
    (
        "get-pipeline-stage",
        r#"{"entity": "tickets", "pipelineId": "Überprüfung\u00a0Pipeline", "stageId": "in-progress"}"#,
    ),
];

#[test]
fn catalog_well_formed_inputs_are_accepted_by_the_schema_and_sent_by_the_connector() {
    let env = Env::new();
    for (action, input) in WELL_FORMED {
        let value: Value = serde_json::from_str(input).unwrap();
        let errors = schema_errors(action, &value);
        assert!(errors.is_empty(), "{action} {input}: {errors:#?}");
        let call = env.call(action, input);
        assert!(call.requests_sent >= 1, "{action} {input}: {:?}", call.result);
        assert!(
            !matches!(call.result, Err(Error::InvalidInput(_))),
            "{action} {input}: {:?}",
            call.result
        );
    }
}

/// The lead examples in catalog order, each run against one mock under every
/// API version: create, read, update, archive, search and the discovery
/// actions, with the record ids the examples name seeded first.
#[test]
fn catalog_lead_examples_work_end_to_end_under_every_version() {
    for version in hubspot_mock::API_VERSIONS {
        let env = Env::new().with_api_version(version);
        env.mock
            .seed_record(
                "contacts",
                "12345678",
                &[("email", "john.doe@example.com"), ("firstname", "John")],
            )
            .expect("contact seeded");
        env.mock
            .seed_record(
                "leads",
                "33445566",
                &[("hs_lead_name", "Jane Roe"), ("hs_lead_label", "COLD")],
            )
            .expect("lead seeded");
        for action in ACTIONS {
            for example in entry(action)["examples"].as_array().unwrap() {
                if !is_lead_example(example) {
                    continue;
                }
                env.clear();
                let title = format!("{} ({version})", example["title"]);
                let output = env
                    .invoke(action, &example["input"].to_string())
                    .unwrap_or_else(|error| panic!("{title}: {error:?}"));
                let request = env.only_request();
                let kind = if action == "get-properties" {
                    "properties"
                } else if action.starts_with("get-pipeline") {
                    "pipelines"
                } else {
                    "objects"
                };
                let prefix = if version == "v3" {
                    format!("/crm/v3/{kind}/leads")
                } else {
                    format!("/crm/{kind}/{version}/leads")
                };
                assert!(request.path.starts_with(&prefix), "{title}: {}", request.path);
                match action {
                    "create" => {
                        assert_eq!(output["properties"]["hs_lead_name"], "John Doe", "{title}: {output}");
                        let lead = output["id"].as_str().expect("id");
                        let read = env.ok(
                            "read",
                            &json!({"entity": "leads", "entityId": lead, "associations": ["contacts"]}).to_string(),
                        );
                        let contacts = &read["associations"]["contacts"]["results"];
                        assert!(
                            contacts
                                .as_array()
                                .is_some_and(|c| c.iter().any(|a| a["id"] == "12345678")),
                            "{title}: {read}"
                        );
                    }
                    "read" => assert_eq!(output["properties"]["hs_lead_name"], "Jane Roe", "{title}: {output}"),
                    "update" => assert_eq!(output["properties"]["hs_lead_label"], "HOT", "{title}: {output}"),
                    "search" => {
                        let names: Vec<&str> = output["results"]
                            .as_array()
                            .map(|r| {
                                r.iter()
                                    .filter_map(|l| l["properties"]["hs_lead_name"].as_str())
                                    .collect()
                            })
                            .unwrap_or_default();
                        assert_eq!(names, ["John Doe"], "{title}: {output}");
                    }
                    "get-pipelines" => assert!(output.to_string().contains("lead-pipeline-id"), "{title}"),
                    "get-pipeline-stage" => assert_eq!(output["id"], "qualified-stage-id", "{title}: {output}"),
                    "get-properties" => assert!(output.to_string().contains("hs_lead_name"), "{title}"),
                    _ => {}
                }
            }
        }
        // The lead archived last is gone.
        assert!(matches!(
            env.invoke("read", r#"{"entity": "leads", "entityId": "33445566"}"#),
            Err(Error::NotFound(_))
        ));
    }
}

#[test]
fn catalog_a_lead_without_a_contact_is_refused_before_sending() {
    let env = Env::new();
    match env.invoke(
        "create",
        r#"{"entity": "leads", "properties": {"hs_lead_name": "John Doe"}}"#,
    ) {
        Err(Error::InvalidInput(problem)) => {
            assert_eq!(problem.path, "associations");
            assert!(problem.message.contains("578"), "{}", problem.message);
        }
        other => panic!("{other:?}"),
    }
    assert!(env.requests().is_empty());
}

/// The examples about owners, custom objects, property search and listing,
/// each run against a mock holding the records they name.
#[test]
fn catalog_context_examples_work_end_to_end() {
    let env = Env::new();
    env.mock
        .seed_record("2-3604285", "1001", &[("pet_name", "Rex"), ("species", "dog")])
        .expect("pet seeded");
    env.mock
        .seed_record(
            "contacts",
            "12345678",
            &[("email", "john.doe@example.com"), ("phone", "+1 555 0100")],
        )
        .expect("contact seeded");
    env.mock
        .seed_record(
            "deals",
            "98765432",
            &[("dealname", "Acme renewal"), ("dealstage", "contractsent")],
        )
        .expect("deal seeded");
    // The records the association examples name (the CLI mock's sample account).
    for (kind, id, property) in [
        ("contacts", "10000001", ("email", "ann@example.com")),
        ("contacts", "10000002", ("email", "bob@example.com")),
        ("companies", "20000001", ("name", "Acme")),
        ("deals", "30000001", ("dealname", "Acme renewal")),
    ] {
        env.mock.seed_record(kind, id, &[property]).expect("record seeded");
    }
    for action in ACTIONS {
        for example in entry(action)["examples"].as_array().unwrap() {
            if !is_context_example(example) {
                continue;
            }
            let title = &example["title"];
            let output = env
                .invoke(action, &example["input"].to_string())
                .unwrap_or_else(|error| panic!("{title}: {error:?}"));
            let results = output["results"].as_array();
            match action {
                // A dry run plans the create, with the stage label as its value.
                "create" if output["dryRun"] == true => assert_eq!(
                    (
                        &output["requests"][0]["body"]["properties"]["dealstage"],
                        &output["problems"]
                    ),
                    (&json!("closedwon"), &json!([])),
                    "{title}: {output}"
                ),
                "create" => assert_eq!(
                    output["properties"]["hubspot_owner_id"], "110000001",
                    "{title}: {output}"
                ),
                "read" => assert_eq!(output["properties"]["pet_name"], "Rex", "{title}: {output}"),
                "update" => assert_eq!(output["properties"]["dealstage"], "closedwon", "{title}: {output}"),
                "associate" if output.get("labels").is_some() => {
                    assert_eq!(output["labels"], json!(["Decision maker"]), "{title}: {output}");
                }
                "remove-association" if output["dryRun"] == true => {
                    assert_eq!(output["requests"][0]["method"], "DELETE", "{title}: {output}");
                }
                "remove-association" => assert_eq!(output["removed"], true, "{title}: {output}"),
                // A batch dry run plans the creates, with the stage label as its value.
                "batch-create" if output["dryRun"] == true => assert_eq!(
                    (
                        &output["requests"][0]["body"]["inputs"][0]["properties"]["lifecyclestage"],
                        &output["problems"]
                    ),
                    (&json!("lead"), &json!([])),
                    "{title}: {output}"
                ),
                "batch-archive" => assert_eq!(output["archived"], json!([0]), "{title}: {output}"),
                name if name.starts_with("batch-") => assert_eq!(
                    (output["status"].as_str(), results.map(Vec::len)),
                    (Some("COMPLETE"), example["input"]["inputs"].as_array().map(Vec::len)),
                    "{title}: {output}"
                ),
                _ => assert!(results.is_some_and(|results| !results.is_empty()), "{title}: {output}"),
            }
        }
    }
}
