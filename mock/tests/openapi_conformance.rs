//! Every kind of response the mock produces, validated against HubSpot's official OpenAPI
//! schemas in `openapi/` — the schema the spec names for that path, method and status —
//! through every API version the mock serves: `v3` replies against the top-level specs,
//! `2026-03` and `2026-09` replies (same requests, dated paths such as
//! `/crm/objects/2026-09/{objectType}`) against the dated specs in `openapi/<version>/`.
//! Lead replies are also checked against each dated version's `leads.json` (v3 has no
//! leads spec; its lead replies are checked against the generic `objects.json`).
//! Owners are checked against `crmOwners.json` and custom object schemas against
//! `schemas.json` of each version; records of the custom object `pets` against
//! `objects.json` of each version and, for v3, also `customObjects.json`.
//!
//! How OpenAPI 3.0 is turned into JSON Schema here:
//! - Schemas are validated as JSON Schema draft 4 (OpenAPI 3.0's schema objects are an
//!   extended subset of it), with `$ref`s resolved inside the spec's `components`.
//!   `example` and `description` are annotations. The specs use no `nullable`,
//!   `allOf`/`oneOf`, `readOnly` or `discriminator`, so nothing else needs translating.
//! - Formats are asserted: `date-time` by the validator's RFC 3339 check, `uuid` by a check
//!   added here. `int32` is a format on integers, which JSON Schema formats do not apply
//!   to; it goes unchecked (every integer the mock sends is far inside the range).
//! - Strict mode: every object schema that lists `properties` and says nothing of
//!   `additionalProperties` gets `additionalProperties: false`, so a member the spec does
//!   not define (a typo, an invented field) fails, too.
//!
//! Where the real API differs from the spec, the schema is patched, each patch named:
//! - `properties` values may be `null`: HubSpot returns a requested but unset property as
//!   `null` (recorded responses), while the spec types the map's values as `string`.
//! - Error bodies carry `"status": "error"` (every recorded HubSpot error does; the spec's
//!   `Error` lacks it, which only matters in strict mode).
//! - "Unable to infer object type" errors have no `category` (captured real responses),
//!   which the spec's `Error` requires; that one body is checked with `category` optional.
//!
//! The token-info endpoint has no schema in these specs and is checked in `api.rs`.

#![allow(clippy::panic, reason = "a failing test panics")]

mod common;

use std::path::PathBuf;

use common::{Client, Reply, versioned_path};
use hubspot_mock::{API_VERSIONS, DEFAULT_TOKEN, MockConfig, MockServer, TokenGrant};
use jsonschema::Validator;
use serde_json::{Map, Value, json};

/// The patches described in the module doc.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Patch {
    /// Only the documented deviations.
    Deviations,
    /// Also `category` optional in `Error`.
    NoCategory,
}

fn spec(file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `#/components/…` reference of the JSON response schema for a path, method and status
/// (falling back to `default`, through `components/responses`).
fn response_ref(doc: &Value, path: &str, method: &str, status: u16) -> String {
    let responses = &doc["paths"][path][method]["responses"];
    let mut response = responses
        .get(status.to_string())
        .or_else(|| responses.get("default"))
        .cloned()
        .unwrap_or_else(|| panic!("{method} {path} {status}: no response in spec"));
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/responses/");
        response = doc["components"]["responses"][name].clone();
    }
    let content = response["content"]
        .as_object()
        .and_then(|content| content.values().next())
        .cloned()
        .unwrap_or_else(|| panic!("{method} {path} {status}: no content in spec"));
    content["schema"]["$ref"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{method} {path} {status}: schema is not a $ref"))
}

fn make_strict(schema: &mut Value) {
    match schema {
        Value::Object(members) => {
            if members.contains_key("properties") && !members.contains_key("additionalProperties") {
                members.insert("additionalProperties".to_owned(), json!(false));
            }
            for (key, value) in members.iter_mut() {
                // Member names under `properties` are not schemas' keywords.
                if key == "properties" {
                    if let Value::Object(properties) = value {
                        properties.values_mut().for_each(make_strict);
                    }
                } else {
                    make_strict(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_strict),
        _ => {}
    }
}

fn patched_components(doc: &Value, patch: Patch) -> Value {
    let mut components = doc["components"].clone();
    let schemas = &mut components["schemas"];
    for name in ["SimplePublicObject", "SimplePublicObjectWithAssociations"] {
        if schemas.get(name).is_some() {
            schemas[name]["properties"]["properties"]["additionalProperties"] = json!({"type": ["string", "null"]});
        }
    }
    if schemas.get("Error").is_some() {
        schemas["Error"]["properties"]["status"] = json!({"type": "string", "enum": ["error"]});
        if patch == Patch::NoCategory
            && let Some(required) = schemas["Error"]["required"].as_array_mut()
        {
            required.retain(|name| name != "category");
        }
    }
    make_strict(&mut components);
    components
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|group| group.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn validator(doc: &Value, reference: &str, patch: Patch) -> Validator {
    let root = json!({"$ref": reference, "components": patched_components(doc, patch)});
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .with_format("uuid", is_uuid)
        .build(&root)
        .unwrap_or_else(|e| panic!("{reference}: {e}"))
}

/// The copy of spec `file` for `version`.
fn spec_file(version: &str, file: &str) -> String {
    if version == "v3" {
        file.to_owned()
    } else {
        format!("{version}/{file}")
    }
}

/// Validate `reply`, received through `version`, against the schema that version's spec
/// `file` names for it; `path` is the v3 spelling of the spec's path key.
fn conforms(version: &str, file: &str, path: &str, method: &str, reply: &Reply, patch: Patch) {
    conforms_at(version, file, &versioned_path(version, path), method, reply, patch);
}

/// [`conforms`] with the spec's path key as `version` spells it.
fn conforms_at(version: &str, file: &str, path: &str, method: &str, reply: &Reply, patch: Patch) {
    let file = &spec_file(version, file);
    let doc = spec(file);
    let reference = response_ref(&doc, path, method, reply.status);
    let body = reply.json();
    assert!(!body.is_null(), "{method} {path} {}: body is not JSON", reply.status);
    let validator = validator(&doc, &reference, patch);
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {} vs {reference}:\n{}\n{body:#}",
        reply.status,
        errors.join("\n")
    );
}

fn objects(version: &str, path: &str, method: &str, reply: &Reply) {
    conforms(version, "objects.json", path, method, reply, Patch::Deviations);
}

/// Validate a lead reply against `leads.json` of a dated version, whose path keys name
/// either `{objectType}` or (2026-03) `leads` and `{leadsId}`; v3 has no leads spec.
fn leads(version: &str, path: &str, method: &str, reply: &Reply) {
    if version == "v3" {
        objects(version, path, method, reply);
        return;
    }
    let file = spec_file(version, "leads.json");
    let doc = spec(&file);
    let generic = versioned_path(version, path);
    let key = if doc["paths"].get(&generic).is_some() {
        generic
    } else {
        generic
            .replace("{objectType}", "leads")
            .replace("{objectId}", "{leadsId}")
    };
    assert!(doc["paths"].get(&key).is_some(), "{file}: no path {key}");
    let reference = response_ref(&doc, &key, method, reply.status);
    let errors: Vec<String> = validator(&doc, &reference, Patch::Deviations)
        .iter_errors(&reply.json())
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{file} {method} {key} {}:\n{}\n{:#}",
        reply.status,
        errors.join("\n"),
        reply.json()
    );
}

fn start() -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::default()).unwrap_or_else(|e| panic!("start: {e}"));
    let client = Client::new(server.local_addr(), DEFAULT_TOKEN);
    (server, client)
}

const RECORDS: &str = "/crm/v3/objects/{objectType}";
const RECORD: &str = "/crm/v3/objects/{objectType}/{objectId}";
const SEARCH: &str = "/crm/v3/objects/{objectType}/search";

fn id_of(reply: &Reply) -> String {
    assert_eq!(reply.status, 201, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()["id"].as_str().map(str::to_owned).unwrap_or_default()
}

#[test]
fn openapi_record_create_read_update_conform() {
    for version in API_VERSIONS {
        openapi_record_create_read_update_conform_through(version);
    }
}

fn openapi_record_create_read_update_conform_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    let created = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D", "dealstage": "appointmentscheduled", "amount": "10", "closedate": "2025-03-31"}}),
    );
    objects(version, RECORDS, "post", &created);
    let id = id_of(&created);
    let read = client.get(&format!("/crm/v3/objects/deals/{id}"));
    assert_eq!(read.status, 200);
    objects(version, RECORD, "get", &read);
    let with_null = client.get(&format!("/crm/v3/objects/deals/{id}?properties=dealname,description"));
    assert_eq!(with_null.json()["properties"]["description"], Value::Null);
    objects(version, RECORD, "get", &with_null);
    let updated = client.patch(
        &format!("/crm/v3/objects/deals/{id}"),
        &json!({"properties": {"dealstage": "closedwon"}}),
    );
    assert_eq!(updated.status, 200);
    objects(version, RECORD, "patch", &updated);
}

#[test]
fn openapi_record_read_with_associations_history_and_archive_conforms() {
    for version in API_VERSIONS {
        openapi_record_read_with_associations_history_and_archive_conforms_through(version);
    }
}

fn openapi_record_read_with_associations_history_and_archive_conforms_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    let company = id_of(&client.post("/crm/v3/objects/companies", &json!({"properties": {"name": "Acme"}})));
    let contact = id_of(&client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "a@acme.com"}, "associations": [
            {"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}),
    ));
    client.patch(
        &format!("/crm/v3/objects/contacts/{contact}"),
        &json!({"properties": {"email": "b@acme.com"}}),
    );
    let read = client.get(&format!(
        "/crm/v3/objects/contacts/{contact}?associations=companies&propertiesWithHistory=email,firstname&properties=email,jobtitle"
    ));
    assert_eq!(read.status, 200);
    assert!(read.json().get("associations").is_some() && read.json().get("propertiesWithHistory").is_some());
    objects(version, RECORD, "get", &read);
    assert_eq!(
        client.delete(&format!("/crm/v3/objects/contacts/{contact}")).status,
        204
    );
    let archived = client.get(&format!("/crm/v3/objects/contacts/{contact}?archived=true"));
    assert_eq!(archived.status, 200);
    assert!(archived.json().get("archivedAt").is_some());
    objects(version, RECORD, "get", &archived);
}

#[test]
fn openapi_list_and_search_pages_conform() {
    for version in API_VERSIONS {
        openapi_list_and_search_pages_conform_through(version);
    }
}

fn openapi_list_and_search_pages_conform_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    let company = id_of(&client.post("/crm/v3/objects/companies", &json!({"properties": {"name": "Acme"}})));
    for index in 0..3 {
        client.post(
            "/crm/v3/objects/contacts",
            &json!({"properties": {"email": format!("{index}@x.io")}, "associations": [
                {"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]}]}),
        );
    }
    let list = client.get("/crm/v3/objects/contacts?limit=2&associations=companies&properties=email,nope");
    assert_eq!(list.status, 200);
    assert!(list.json().get("paging").is_some());
    objects(version, RECORDS, "get", &list);
    let search = client.post(
        "/crm/v3/objects/contacts/search",
        &json!({"filterGroups": [{"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}],
            "properties": ["email", "firstname"], "limit": 2}),
    );
    assert_eq!(search.status, 200);
    assert!(search.json().get("paging").is_some());
    objects(version, SEARCH, "post", &search);
    let empty = client.post("/crm/v3/objects/deals/search", &json!({}));
    assert_eq!(empty.json(), json!({"total": 0, "results": []}));
    objects(version, SEARCH, "post", &empty);
}

#[test]
fn openapi_record_error_bodies_conform() {
    for version in API_VERSIONS {
        openapi_record_error_bodies_conform_through(version);
    }
}

fn openapi_record_error_bodies_conform_through(version: &'static str) {
    let server = MockServer::start(MockConfig {
        tokens: vec![
            TokenGrant::new(
                DEFAULT_TOKEN,
                &hubspot_mock::all_scopes()
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            ),
            TokenGrant::new("read-only", &["crm.objects.contacts.read"]),
        ],
        ..MockConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let client = Client::new(server.local_addr(), DEFAULT_TOKEN).at(version);
    client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "taken@x.io"}}),
    );
    let cases: Vec<(&str, &str, Reply)> = vec![
        (
            RECORDS,
            "post",
            client.post(
                "/crm/v3/objects/contacts",
                &json!({"properties": {"foo": "1", "lifecyclestage": "x"}}),
            ),
        ),
        (
            RECORDS,
            "post",
            client.send("POST", "/crm/v3/objects/contacts", Some(b"{oops")),
        ),
        (
            RECORDS,
            "post",
            client.post(
                "/crm/v3/objects/contacts",
                &json!({"properties": {"email": "taken@x.io"}}),
            ),
        ),
        (
            RECORDS,
            "post",
            client.post(
                "/crm/v3/objects/contacts",
                &json!({"associations": [
            {"to": {"id": "9"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}),
            ),
        ),
        (
            RECORDS,
            "post",
            client.send(
                "POST",
                "/crm/v3/objects/contacts",
                Some(&vec![b' '; 10 * 1024 * 1024 + 1]),
            ),
        ),
        (
            RECORDS,
            "get",
            Client::anonymous(server.local_addr())
                .at(version)
                .get("/crm/v3/objects/contacts"),
        ),
        (
            RECORDS,
            "post",
            Client::new(server.local_addr(), "read-only")
                .at(version)
                .post("/crm/v3/objects/contacts", &json!({})),
        ),
        (RECORD, "get", client.get("/crm/v3/objects/contacts/999")),
        (
            RECORD,
            "get",
            client.get("/crm/v3/objects/contacts/x?idProperty=firstname"),
        ),
        (
            SEARCH,
            "post",
            client.post("/crm/v3/objects/contacts/search", &json!({"limit": 500})),
        ),
        (RECORDS, "get", client.get("/crm/v3/nothing/here")),
    ];
    let statuses: Vec<u16> = cases.iter().map(|(_, _, reply)| reply.status).collect();
    assert_eq!(statuses, [400, 400, 409, 400, 413, 401, 403, 404, 400, 400, 404]);
    for (path, method, reply) in &cases {
        objects(version, path, method, reply);
    }
    let unknown_type = client.get("/crm/v3/objects/widgets");
    assert_eq!(unknown_type.status, 400);
    conforms(
        version,
        "objects.json",
        RECORDS,
        "get",
        &unknown_type,
        Patch::NoCategory,
    );
}

#[test]
fn openapi_pipelines_conform() {
    for version in API_VERSIONS {
        openapi_pipelines_conform_through(version);
    }
}

fn openapi_pipelines_conform_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    for object_type in ["deals", "tickets", "leads"] {
        let list = client.get(&format!("/crm/v3/pipelines/{object_type}"));
        assert_eq!(list.status, 200);
        conforms(
            version,
            "pipelines.json",
            "/crm/v3/pipelines/{objectType}",
            "get",
            &list,
            Patch::Deviations,
        );
        let pipeline_id = list.json()["results"][0]["id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_default();
        let pipeline = client.get(&format!("/crm/v3/pipelines/{object_type}/{pipeline_id}"));
        conforms(
            version,
            "pipelines.json",
            "/crm/v3/pipelines/{objectType}/{pipelineId}",
            "get",
            &pipeline,
            Patch::Deviations,
        );
        let stages = client.get(&format!("/crm/v3/pipelines/{object_type}/{pipeline_id}/stages"));
        conforms(
            version,
            "pipelines.json",
            "/crm/v3/pipelines/{objectType}/{pipelineId}/stages",
            "get",
            &stages,
            Patch::Deviations,
        );
        let stage_id = stages.json()["results"][0]["id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_default();
        let stage = client.get(&format!(
            "/crm/v3/pipelines/{object_type}/{pipeline_id}/stages/{stage_id}"
        ));
        assert_eq!(stage.status, 200);
        conforms(
            version,
            "pipelines.json",
            "/crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}",
            "get",
            &stage,
            Patch::Deviations,
        );
    }
    let missing = client.get("/crm/v3/pipelines/deals/nope");
    assert_eq!(missing.status, 404);
    conforms(
        version,
        "pipelines.json",
        "/crm/v3/pipelines/{objectType}/{pipelineId}",
        "get",
        &missing,
        Patch::Deviations,
    );
    let unsupported = client.get("/crm/v3/pipelines/contacts");
    assert_eq!(unsupported.status, 400);
    conforms(
        version,
        "pipelines.json",
        "/crm/v3/pipelines/{objectType}",
        "get",
        &unsupported,
        Patch::Deviations,
    );
}

#[test]
fn openapi_properties_conform_for_every_type() {
    for version in API_VERSIONS {
        openapi_properties_conform_for_every_type_through(version);
    }
}

fn openapi_properties_conform_for_every_type_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    for object_type in [
        "contacts",
        "companies",
        "deals",
        "tickets",
        "products",
        "line_items",
        "quotes",
        "calls",
        "emails",
        "meetings",
        "notes",
        "postal_mail",
        "tasks",
        "leads",
    ] {
        for query in ["", "?archived=true"] {
            let list = client.get(&format!("/crm/v3/properties/{object_type}{query}"));
            assert_eq!(list.status, 200);
            conforms(
                version,
                "properties.json",
                "/crm/v3/properties/{objectType}",
                "get",
                &list,
                Patch::Deviations,
            );
        }
    }
    let one = client.get("/crm/v3/properties/deals/dealstage");
    assert_eq!(one.status, 200);
    conforms(
        version,
        "properties.json",
        "/crm/v3/properties/{objectType}/{propertyName}",
        "get",
        &one,
        Patch::Deviations,
    );
    let missing = client.get("/crm/v3/properties/deals/nope");
    assert_eq!(missing.status, 404);
    conforms(
        version,
        "properties.json",
        "/crm/v3/properties/{objectType}/{propertyName}",
        "get",
        &missing,
        Patch::Deviations,
    );
}

#[test]
fn openapi_lead_replies_conform() {
    for version in API_VERSIONS {
        openapi_lead_replies_conform_through(version);
    }
}

fn openapi_lead_replies_conform_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    let contact = id_of(&client.post("/crm/v3/objects/contacts", &json!({"properties": {"email": "l@x.io"}})));
    let primary_contact = json!([{"to": {"id": contact},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 578}]}]);
    let created = client.post(
        "/crm/v3/objects/leads",
        &json!({"properties": {"hs_lead_name": "Acme", "hs_lead_type": "UPSELL"}, "associations": primary_contact}),
    );
    leads(version, RECORDS, "post", &created);
    let id = id_of(&created);
    let read = client.get(&format!(
        "/crm/v3/objects/leads/{id}?associations=contacts&properties=hs_lead_name,hs_lead_label"
    ));
    assert_eq!(read.status, 200);
    assert!(read.json().get("associations").is_some());
    leads(version, RECORD, "get", &read);
    let updated = client.patch(
        &format!("/crm/v3/objects/leads/{id}"),
        &json!({"properties": {"hs_pipeline_stage": "connected-stage-id"}}),
    );
    assert_eq!(updated.status, 200);
    leads(version, RECORD, "patch", &updated);
    let list = client.get("/crm/v3/objects/leads?associations=contacts");
    assert_eq!(list.status, 200);
    leads(version, RECORDS, "get", &list);
    let search = client.post(
        "/crm/v3/objects/leads/search",
        &json!({"query": "acme", "properties": ["hs_lead_name"]}),
    );
    assert_eq!(search.json()["total"], 1);
    leads(version, SEARCH, "post", &search);
    let unnamed = client.post(
        "/crm/v3/objects/leads",
        &json!({"properties": {}, "associations": primary_contact}),
    );
    assert_eq!(unnamed.status, 400);
    leads(version, RECORDS, "post", &unnamed);
    let alone = client.post("/crm/v3/objects/leads", &json!({"properties": {"hs_lead_name": "B"}}));
    assert_eq!(alone.status, 400);
    leads(version, RECORDS, "post", &alone);
    let pipelines = client.get("/crm/v3/pipelines/leads");
    assert_eq!(pipelines.status, 200);
    conforms(
        version,
        "pipelines.json",
        "/crm/v3/pipelines/{objectType}",
        "get",
        &pipelines,
        Patch::Deviations,
    );
    let property = client.get("/crm/v3/properties/leads/hs_lead_type");
    assert_eq!(property.status, 200);
    conforms(
        version,
        "properties.json",
        "/crm/v3/properties/{objectType}/{propertyName}",
        "get",
        &property,
        Patch::Deviations,
    );
}

#[test]
fn openapi_validation_rejects_what_the_spec_forbids() {
    let doc = spec("objects.json");
    let record = validator(&doc, "#/components/schemas/SimplePublicObject", Patch::Deviations);
    let good = json!({"id": "1", "properties": {"a": "x", "b": null}, "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-01T00:00:00.000Z", "archived": false});
    assert!(record.is_valid(&good));
    let mut missing_id = good.clone();
    if let Some(members) = missing_id.as_object_mut() {
        members.remove("id");
    }
    assert!(!record.is_valid(&missing_id));
    let mut extra = good.clone();
    extra["createdat"] = json!("typo");
    assert!(!record.is_valid(&extra), "strict mode rejects unknown members");
    let mut bad_time = good.clone();
    bad_time["createdAt"] = json!("yesterday");
    assert!(!record.is_valid(&bad_time), "date-time format is asserted");
    let mut number_value = good;
    number_value["properties"]["a"] = json!(5);
    assert!(!record.is_valid(&number_value));
    let error = validator(&doc, "#/components/schemas/Error", Patch::Deviations);
    let body = json!({"status": "error", "message": "m", "correlationId": "not-a-uuid", "category": "X"});
    assert!(!error.is_valid(&body), "uuid format is asserted");
    let no_category =
        json!({"status": "error", "message": "m", "correlationId": "aeb5f871-7f07-4993-9211-075dc63e7cbf"});
    assert!(!error.is_valid(&no_category));
    assert!(validator(&doc, "#/components/schemas/Error", Patch::NoCategory).is_valid(&no_category));
    let mut strict = Map::new();
    strict.insert(
        "properties".to_owned(),
        json!({"a": {"type": "object", "properties": {"b": {}}}}),
    );
    let mut schema = Value::Object(strict);
    make_strict(&mut schema);
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["a"]["additionalProperties"], false);
    assert!(schema["properties"].get("additionalProperties").is_none());
}

/// The owners list path and spec key of `version` (`/crm/v3/owners`, `/crm/owners/2026-09`).
fn owners_key(version: &str) -> String {
    if version == "v3" {
        "/crm/v3/owners".to_owned()
    } else {
        format!("/crm/owners/{version}")
    }
}

#[test]
fn openapi_owner_replies_conform() {
    for version in API_VERSIONS {
        openapi_owner_replies_conform_through(version);
    }
}

fn openapi_owner_replies_conform_through(version: &'static str) {
    let (_server, client) = start();
    let list_key = owners_key(version);
    let one_key = format!("{list_key}/{{ownerId}}");
    let owners =
        |reply: &Reply, key: &str| conforms_at(version, "crmOwners.json", key, "get", reply, Patch::Deviations);
    let all = client.get(&list_key);
    assert_eq!(all.status, 200);
    owners(&all, &list_key);
    let page = client.get(&format!("{list_key}?limit=2"));
    assert!(page.json().get("paging").is_some());
    owners(&page, &list_key);
    let archived = client.get(&format!("{list_key}?archived=true"));
    assert_eq!(archived.json()["results"][0]["archived"], true);
    owners(&archived, &list_key);
    let by_email = client.get(&format!("{list_key}?email=jane.doe%40example.com"));
    assert_eq!(by_email.json()["results"][0]["teams"].as_array().map(Vec::len), Some(2));
    owners(&by_email, &list_key);
    let one = client.get(&format!("{list_key}/110000001"));
    assert_eq!(one.status, 200);
    owners(&one, &one_key);
    let missing = client.get(&format!("{list_key}/1"));
    assert_eq!(missing.status, 404);
    owners(&missing, &one_key);
    let too_many = client.get(&format!("{list_key}?limit=501"));
    assert_eq!(too_many.status, 400);
    owners(&too_many, &list_key);
}

#[test]
fn openapi_schema_replies_conform() {
    for version in API_VERSIONS {
        openapi_schema_replies_conform_through(version);
    }
}

fn openapi_schema_replies_conform_through(version: &'static str) {
    let (_server, client) = start();
    let list_key = format!("/crm-object-schemas/{version}/schemas");
    let one_key = format!("{list_key}/{{objectType}}");
    let schemas = |reply: &Reply, key: &str| conforms_at(version, "schemas.json", key, "get", reply, Patch::Deviations);
    let mut lists = vec![list_key.clone()];
    if version == "v3" {
        lists.push("/crm/v3/schemas".to_owned());
    }
    for list in lists {
        let all = client.get(&list);
        assert_eq!(all.status, 200);
        assert_eq!(all.json()["results"].as_array().map(Vec::len), Some(1));
        schemas(&all, &list_key);
        schemas(&client.get(&format!("{list}?archived=true")), &list_key);
        for spelling in ["2-3604285", "p12345678_pets", "pets"] {
            let one = client.get(&format!("{list}/{spelling}"));
            assert_eq!(one.status, 200);
            schemas(&one, &one_key);
        }
        let trimmed = client.get(&format!(
            "{list}/pets?includePropertyDefinitions=false&includeAssociationDefinitions=false&includeAuditMetadata=false"
        ));
        assert_eq!(trimmed.json()["properties"], json!([]));
        schemas(&trimmed, &one_key);
        let missing = client.get(&format!("{list}/widgets"));
        assert_eq!(missing.status, 404);
        schemas(&missing, &one_key);
    }
}

#[test]
fn openapi_custom_object_records_conform() {
    for version in API_VERSIONS {
        openapi_custom_object_records_conform_through(version);
    }
}

fn openapi_custom_object_records_conform_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    let both = |path: &str, method: &str, reply: &Reply| {
        objects(version, path, method, reply);
        if version == "v3" {
            conforms(version, "customObjects.json", path, method, reply, Patch::Deviations);
        }
    };
    let contact = id_of(&client.post("/crm/v3/objects/contacts", &json!({"properties": {"email": "p@x.io"}})));
    let created = client.post(
        "/crm/v3/objects/2-3604285",
        &json!({"properties": {"pet_name": "Rex", "species": "dog", "birth_date": "2021-02-03"}, "associations": [
            {"to": {"id": contact}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 861}]}]}),
    );
    both(RECORDS, "post", &created);
    let id = id_of(&created);
    for _ in 0..3 {
        client.post(
            "/crm/v3/objects/2-3604285",
            &json!({"properties": {"pet_name": "More"}}),
        );
    }
    let read = client.get(&format!(
        "/crm/v3/objects/p12345678_pets/{id}?associations=contacts&propertiesWithHistory=species&properties=pet_name,nope"
    ));
    assert_eq!(read.status, 200);
    both(RECORD, "get", &read);
    let updated = client.patch(
        &format!("/crm/v3/objects/2-3604285/{id}"),
        &json!({"properties": {"species": "cat"}}),
    );
    assert_eq!(updated.status, 200);
    both(RECORD, "patch", &updated);
    let page = client.get("/crm/v3/objects/2-3604285?limit=2&associations=contacts&properties=pet_name,species");
    assert!(page.json().get("paging").is_some());
    both(RECORDS, "get", &page);
    let last = client.get(&format!(
        "/crm/v3/objects/2-3604285?limit=2&after={}",
        page.json()["paging"]["next"]["after"].as_str().unwrap_or_default()
    ));
    assert!(last.json().get("paging").is_none());
    both(RECORDS, "get", &last);
    let search = client.post(
        "/crm/v3/objects/p12345678_pets/search",
        &json!({"query": "rex", "properties": ["pet_name"]}),
    );
    assert_eq!(search.json()["total"], 1);
    both(SEARCH, "post", &search);
    let unnamed = client.post("/crm/v3/objects/2-3604285", &json!({"properties": {"species": "dog"}}));
    assert_eq!(unnamed.status, 400);
    both(RECORDS, "post", &unnamed);
    let unowned = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D", "hubspot_owner_id": "jade.chen@example.com"}}),
    );
    assert_eq!(unowned.status, 400);
    objects(version, RECORDS, "post", &unowned);
    assert_eq!(client.delete(&format!("/crm/v3/objects/2-3604285/{id}")).status, 204);
    let archived = client.get("/crm/v3/objects/2-3604285?archived=true");
    assert_eq!(archived.json()["results"][0]["archived"], true);
    both(RECORDS, "get", &archived);
    let property = client.get("/crm/v3/properties/2-3604285/species");
    assert_eq!(property.status, 200);
    conforms(
        version,
        "properties.json",
        "/crm/v3/properties/{objectType}/{propertyName}",
        "get",
        &property,
        Patch::Deviations,
    );
    let properties = client.get("/crm/v3/properties/p12345678_pets");
    conforms(
        version,
        "properties.json",
        "/crm/v3/properties/{objectType}",
        "get",
        &properties,
        Patch::Deviations,
    );
}

/// The associations prefixes of `version`: records, batches, labels (v4 for `v3`).
fn association_prefixes(version: &str) -> (String, String, String) {
    if version == "v3" {
        (
            "/crm/v4/objects".to_owned(),
            "/crm/v4/associations".to_owned(),
            "/crm/associations/v4".to_owned(),
        )
    } else {
        (
            format!("/crm/objects/{version}"),
            format!("/crm/associations/{version}"),
            format!("/crm/associations/{version}"),
        )
    }
}

/// The associations spec `file` of `version` (v4's for `v3`), as `conforms_at` takes it.
fn associations_file(version: &str, file: &str) -> String {
    if version == "v3" {
        format!("v4/{file}")
    } else {
        file.to_owned()
    }
}

#[test]
fn openapi_association_replies_conform() {
    for version in API_VERSIONS {
        openapi_association_replies_conform_through(version);
    }
}

fn openapi_association_replies_conform_through(version: &'static str) {
    let (_server, client) = start();
    let (records, batch, labels) = association_prefixes(version);
    let assoc = associations_file(version, "associations.json");
    let schema = associations_file(version, "associationsSchema.json");
    let typed = client.at(version);
    let deal = id_of(&typed.post("/crm/v3/objects/deals", &json!({"properties": {"dealname": "Renewal"}})));
    let first = id_of(&typed.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "a@acme.com"}}),
    ));
    let second = id_of(&typed.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "b@acme.com"}}),
    ));
    let put = |path: &str, body: Option<&Value>| {
        let body = body.map(Value::to_string);
        client.send("PUT", path, body.as_deref().map(str::as_bytes))
    };

    let default = put(
        &format!("{records}/deals/{deal}/associations/default/contacts/{first}"),
        None,
    );
    assert_eq!(default.status, 200, "{:?}", default.json());
    assert_eq!(default.json()["results"][0]["associationSpec"]["associationTypeId"], 3);
    let key =
        format!("{records}/{{fromObjectType}}/{{fromObjectId}}/associations/default/{{toObjectType}}/{{toObjectId}}");
    conforms_at(version, &assoc, &key, "put", &default, Patch::Deviations);

    let decision_maker = json!([{"associationCategory": "USER_DEFINED", "associationTypeId": 1001}]);
    let labelled = put(
        &format!("{records}/deals/{deal}/associations/contacts/{second}"),
        Some(&decision_maker),
    );
    assert_eq!(labelled.status, 201, "{:?}", labelled.json());
    assert_eq!(labelled.json()["labels"], json!(["Decision maker"]));
    let one = format!("{records}/{{objectType}}/{{objectId}}/associations/{{toObjectType}}/{{toObjectId}}");
    conforms_at(version, &assoc, &one, "put", &labelled, Patch::Deviations);

    let wrong_pair = json!([{"associationCategory": "USER_DEFINED", "associationTypeId": 1005}]);
    let refused = put(
        &format!("{records}/deals/{deal}/associations/contacts/{second}"),
        Some(&wrong_pair),
    );
    assert_eq!(refused.status, 400);
    conforms_at(version, &assoc, &one, "put", &refused, Patch::Deviations);
    let missing = put(
        &format!("{records}/deals/{deal}/associations/contacts/999999"),
        Some(&decision_maker),
    );
    assert_eq!(missing.status, 404);
    conforms_at(version, &assoc, &one, "put", &missing, Patch::Deviations);

    let listed = client.get(&format!("{records}/deals/{deal}/associations/contacts?limit=1"));
    if version == "2026-09" {
        assert_eq!(listed.status, 404, "2026-09's spec has no single-record read");
    } else {
        assert_eq!(listed.status, 200);
        assert_eq!(listed.json()["results"][0]["toObjectId"], first.as_str());
        let after = listed.json()["paging"]["next"]["after"].as_str().map(str::to_owned);
        assert_eq!(after.as_deref(), Some(first.as_str()));
        let key = format!("{records}/{{objectType}}/{{objectId}}/associations/{{toObjectType}}");
        conforms_at(version, &assoc, &key, "get", &listed, Patch::Deviations);
        let rest = client.get(&format!(
            "{records}/deals/{deal}/associations/contacts?limit=1&after={first}"
        ));
        let types = &rest.json()["results"][0]["associationTypes"];
        assert_eq!(
            types,
            &json!([{"category": "HUBSPOT_DEFINED", "typeId": 3},
            {"category": "USER_DEFINED", "typeId": 1001, "label": "Decision maker"}])
        );
        assert!(rest.json().get("paging").is_none());
        conforms_at(version, &assoc, &key, "get", &rest, Patch::Deviations);
    }

    let read_key = format!("{batch}/{{fromObjectType}}/{{toObjectType}}/batch/read");
    let read = client.post(
        &format!("{batch}/deals/contacts/batch/read"),
        &json!({"inputs": [{"id": deal}, {"id": "999999"}]}),
    );
    assert_eq!(read.status, if version == "2026-09" { 200 } else { 207 });
    assert_eq!(read.json()["numErrors"], 1);
    assert_eq!(read.json()["results"][0]["to"].as_array().map(Vec::len), Some(2));
    conforms_at(version, &assoc, &read_key, "post", &read, Patch::Deviations);
    let read = client.post(
        &format!("{batch}/deals/contacts/batch/read"),
        &json!({"inputs": [{"id": deal}]}),
    );
    assert_eq!(read.status, 200);
    conforms_at(version, &assoc, &read_key, "post", &read, Patch::Deviations);

    let listed_labels = client.get(&format!("{labels}/deals/contacts/labels"));
    assert_eq!(listed_labels.status, 200);
    assert_eq!(
        listed_labels.json()["results"][1],
        json!({"category": "USER_DEFINED", "typeId": 1001, "label": "Decision maker"})
    );
    let key = format!("{labels}/{{fromObjectType}}/{{toObjectType}}/labels");
    conforms_at(version, &schema, &key, "get", &listed_labels, Patch::Deviations);

    let archive = client.post(
        &format!("{batch}/deals/contacts/batch/labels/archive"),
        &json!({"inputs": [{"from": {"id": deal}, "to": {"id": second},
            "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 1001}]}]}),
    );
    if version == "v3" {
        assert_eq!(archive.status, 204);
    } else {
        assert_eq!(archive.status, 200);
        let key = format!("{batch}/{{fromObjectType}}/{{toObjectType}}/batch/labels/archive");
        conforms_at(version, &assoc, &key, "post", &archive, Patch::Deviations);
    }
    let read = typed
        .get(&format!("/crm/v3/objects/deals/{deal}?associations=contacts"))
        .json();
    let kinds: Vec<&str> = read["associations"]["contacts"]["results"]
        .as_array()
        .map(|items| items.iter().filter_map(|item| item["type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        ["deal_to_contact", "deal_to_contact"],
        "the label went, the plain type stayed"
    );

    let removed = client.delete(&format!("{records}/deals/{deal}/associations/contacts/{second}"));
    assert_eq!(removed.status, 204);
    let read = typed.get(&format!("/crm/v3/objects/deals/{deal}?associations=contacts"));
    assert_eq!(
        read.json()["associations"]["contacts"]["results"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

/// Validate a batch reply against the schema `version`'s spec names for it. The dated
/// 2026-09 spec documents no 207: its one batch response type carries `errors` and
/// `numErrors`, so a partial failure is checked against the success status's schema.
fn batch(version: &str, operation: &str, reply: &Reply, success: u16) {
    let path = format!("/crm/v3/objects/{{objectType}}/batch/{operation}");
    let key = versioned_path(version, &path);
    let doc = spec(&spec_file(version, "objects.json"));
    let documented = doc["paths"][&key]["post"]["responses"]
        .get(reply.status.to_string())
        .is_some();
    let status = if documented { reply.status } else { success };
    let reference = response_ref(&doc, &key, "post", status);
    let errors: Vec<String> = validator(&doc, &reference, Patch::Deviations)
        .iter_errors(&reply.json())
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{version} batch/{operation} {} vs {reference}:\n{}\n{:#}",
        reply.status,
        errors.join("\n"),
        reply.json()
    );
}

#[test]
fn openapi_batch_replies_conform() {
    for version in API_VERSIONS {
        openapi_batch_replies_conform_through(version);
    }
}

fn openapi_batch_replies_conform_through(version: &'static str) {
    let (_server, client) = start();
    let client = client.at(version);
    let create = |emails: &[&str]| {
        let inputs: Vec<Value> = emails
            .iter()
            .enumerate()
            .map(|(index, email)| {
                json!({"properties": {"email": email, "firstname": "F"}, "associations": [],
                       "objectWriteTraceId": index.to_string()})
            })
            .collect();
        client.post("/crm/v3/objects/contacts/batch/create", &json!({ "inputs": inputs }))
    };
    let created = create(&["a@example.com", "b@example.com"]);
    assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
    batch(version, "create", &created, 201);
    let ids: Vec<String> = created.json()["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|r| r["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let partial = create(&["c@example.com", "a@example.com"]);
    assert_eq!(partial.status, 207);
    assert_eq!(
        partial.json()["errors"][0]["context"]["objectWriteTraceId"],
        json!(["1"])
    );
    batch(version, "create", &partial, 201);

    let read = |inputs: Value, history: Value| {
        client.post(
            "/crm/v3/objects/contacts/batch/read",
            &json!({"inputs": inputs, "properties": ["email", "jobtitle"], "propertiesWithHistory": history}),
        )
    };
    let all = read(json!([{"id": ids[0]}, {"id": ids[1]}]), json!(["email"]));
    assert_eq!(all.status, 200);
    batch(version, "read", &all, 200);
    let missing = read(json!([{"id": ids[0]}, {"id": "999999"}]), json!([]));
    assert_eq!(missing.status, 207);
    batch(version, "read", &missing, 200);

    let updated = client.post(
        "/crm/v3/objects/contacts/batch/update",
        &json!({"inputs": [{"id": ids[0], "properties": {"jobtitle": "CTO"}},
                           {"id": "999999", "properties": {"jobtitle": "CEO"}}]}),
    );
    assert_eq!(updated.status, 207);
    batch(version, "update", &updated, 200);

    let upserted = client.post(
        "/crm/v3/objects/contacts/batch/upsert",
        &json!({"inputs": [{"id": "b@example.com", "idProperty": "email", "properties": {"jobtitle": "CFO"}},
                           {"id": "z@example.com", "idProperty": "email", "properties": {"firstname": "Z"}}]}),
    );
    assert_eq!(upserted.status, 200);
    assert_eq!(upserted.json()["results"][1]["new"], true);
    batch(version, "upsert", &upserted, 200);
    let refused = client.post(
        "/crm/v3/objects/contacts/batch/upsert",
        &json!({"inputs": [{"id": "y@example.com", "idProperty": "email", "properties": {"lifecyclestage": "nonsense"}}]}),
    );
    assert_eq!(refused.status, 207);
    batch(version, "upsert", &refused, 200);

    let too_many: Vec<Value> = (0..101).map(|n| json!({"id": n.to_string()})).collect();
    let over = client.post("/crm/v3/objects/contacts/batch/archive", &json!({ "inputs": too_many }));
    assert_eq!(over.status, 400);
    objects(version, "/crm/v3/objects/{objectType}/batch/archive", "post", &over);
    let archived = client.post(
        "/crm/v3/objects/contacts/batch/archive",
        &json!({"inputs": [{"id": ids[0]}, {"id": "999999"}]}),
    );
    assert_eq!(archived.status, 204);
    assert!(archived.body.is_empty());
}
