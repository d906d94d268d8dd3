//! End-to-end behaviour of the mock over real HTTP: records, associations, history,
//! archive, search, list, pipelines, properties, auth, errors, headers and robustness;
//! leads and their create rules; the API versions, account validation rules (2026-09
//! writes only) and Service Keys.

#![allow(clippy::panic, reason = "a failing test panics")]

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::net::TcpStream;
use std::time::Duration;

use common::{Client, Connection, Reply, versioned_path};
use hubspot_mock::{
    API_VERSIONS, DEFAULT_PORTAL_ID, DEFAULT_TOKEN, MockConfig, MockError, MockServer, TokenGrant, ValidationRule,
    all_scopes,
};
use serde_json::{Value, json};

fn start() -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::default()).unwrap_or_else(|e| panic!("start: {e}"));
    let client = Client::new(server.local_addr(), DEFAULT_TOKEN);
    (server, client)
}

fn start_with(tokens: Vec<TokenGrant>) -> MockServer {
    MockServer::start(MockConfig {
        tokens,
        ..MockConfig::default()
    })
    .unwrap_or_else(|e| panic!("start: {e}"))
}

fn created_id(reply: &Reply) -> String {
    assert_eq!(reply.status, 201, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()["id"].as_str().map(str::to_owned).unwrap_or_default()
}

fn create(client: &Client, object_type: &str, properties: Value) -> String {
    created_id(&client.post(
        &format!("/crm/v3/objects/{object_type}"),
        &json!({ "properties": properties }),
    ))
}

fn assert_error(reply: &Reply, status: u16, category: &str) -> Value {
    assert_eq!(reply.status, status, "{}", String::from_utf8_lossy(&reply.body));
    let body = reply.json();
    assert_eq!(body["status"], "error");
    assert_eq!(body["category"], category, "{body}");
    assert_eq!(
        Some(body["correlationId"].as_str().unwrap_or_default()),
        reply.header("x-hubspot-correlation-id")
    );
    body
}

fn is_iso_ms(value: &Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    text.len() == 24 && text.ends_with('Z') && text.as_bytes()[19] == b'.'
}

// ---------------------------------------------------------------------------------------
// Create, read, update
// ---------------------------------------------------------------------------------------

#[test]
fn contacts_create_returns_201_with_system_properties() {
    let (_server, client) = start();
    let reply = client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "john@example.com", "firstname": "John", "lastname": "Doe",
            "phone": "+1-555-123-4567", "company": "Acme Corp", "jobtitle": "Software Engineer"}}),
    );
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("content-type"), Some("application/json;charset=utf-8"));
    let body = reply.json();
    let id = body["id"].as_str().unwrap_or_default();
    assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    let properties = &body["properties"];
    assert_eq!(properties["email"], "john@example.com");
    assert_eq!(properties["jobtitle"], "Software Engineer");
    assert_eq!(properties["hs_object_id"], id);
    assert!(is_iso_ms(&properties["createdate"]));
    assert!(is_iso_ms(&properties["lastmodifieddate"]));
    assert!(is_iso_ms(&body["createdAt"]));
    assert_eq!(body["createdAt"], properties["createdate"]);
    assert_eq!(body["archived"], false);
    assert!(body.get("associations").is_none());
    assert!(body.get("archivedAt").is_none());
}

#[test]
fn records_create_use_the_right_date_properties_per_type() {
    let (_server, client) = start();
    let cases = [
        (
            "companies",
            json!({"name": "Acme"}),
            "createdate",
            "hs_lastmodifieddate",
        ),
        ("deals", json!({"dealname": "D"}), "createdate", "hs_lastmodifieddate"),
        (
            "tickets",
            json!({"subject": "S", "hs_pipeline_stage": "1"}),
            "createdate",
            "hs_lastmodifieddate",
        ),
        (
            "notes",
            json!({"hs_note_body": "n"}),
            "hs_createdate",
            "hs_lastmodifieddate",
        ),
        (
            "tasks",
            json!({"hs_task_subject": "t"}),
            "hs_createdate",
            "hs_lastmodifieddate",
        ),
    ];
    for (object_type, properties, created, modified) in cases {
        let reply = client.post(
            &format!("/crm/v3/objects/{object_type}"),
            &json!({"properties": properties}),
        );
        assert_eq!(
            reply.status,
            201,
            "{object_type}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let body = reply.json();
        assert!(is_iso_ms(&body["properties"][created]), "{object_type}");
        assert!(is_iso_ms(&body["properties"][modified]), "{object_type}");
    }
}

#[test]
fn deals_create_fills_default_pipeline_and_normalises_closedate() {
    let (_server, client) = start();
    let reply = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "Enterprise License - Q1 2025", "dealstage": "appointmentscheduled",
            "amount": 50000, "closedate": "2025-03-31"}}),
    );
    assert_eq!(reply.status, 201, "{}", String::from_utf8_lossy(&reply.body));
    let properties = &reply.json()["properties"];
    assert_eq!(properties["pipeline"], "default");
    assert_eq!(properties["amount"], "50000");
    assert_eq!(properties["closedate"], "2025-03-31T00:00:00.000Z");
}

#[test]
fn contacts_read_returns_defaults_requested_and_null_properties() {
    let (_server, client) = start();
    let id = create(&client, "contacts", json!({"email": "ann@example.com", "phone": "1"}));
    let defaults = client.get(&format!("/crm/v3/objects/contacts/{id}")).json();
    let keys: BTreeSet<&str> = defaults["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        BTreeSet::from([
            "createdate",
            "email",
            "firstname",
            "hs_object_id",
            "lastmodifieddate",
            "lastname"
        ])
    );
    assert_eq!(defaults["properties"]["firstname"], Value::Null);

    for query in [
        "properties=phone,jobtitle,nope",
        "properties=phone&properties=jobtitle&properties=nope",
    ] {
        let reply = client.get(&format!("/crm/v3/objects/contacts/{id}?{query}"));
        assert_eq!(reply.status, 200);
        let properties = &reply.json()["properties"];
        assert_eq!(properties["phone"], "1", "{query}");
        assert_eq!(properties["jobtitle"], Value::Null, "{query}");
        assert!(properties.get("nope").is_none(), "{query}");
        assert!(properties.get("email").is_none(), "{query}");
        assert_eq!(properties["hs_object_id"], id.as_str());
    }
}

#[test]
fn contacts_read_by_email_id_property_ignores_case() {
    let (_server, client) = start();
    let id = create(&client, "contacts", json!({"email": "Jane@Example.com"}));
    let reply = client.get("/crm/v3/objects/contacts/jane%40example.com?idProperty=email");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["id"], id.as_str());
    let missing = client.get("/crm/v3/objects/contacts/nobody%40example.com?idProperty=email");
    let body = assert_error(&missing, 404, "OBJECT_NOT_FOUND");
    assert_eq!(body["context"]["id"], json!(["nobody@example.com"]));
    let by_object_id = client.get(&format!("/crm/v3/objects/contacts/{id}?idProperty=hs_object_id"));
    assert_eq!(by_object_id.status, 200);
}

#[test]
fn contacts_read_with_non_unique_id_property_is_400() {
    let (_server, client) = start();
    create(&client, "contacts", json!({"lastname": "Doe"}));
    let reply = client.get("/crm/v3/objects/contacts/Doe?idProperty=lastname");
    let body = assert_error(&reply, 400, "VALIDATION_ERROR");
    assert!(body["message"].as_str().unwrap_or_default().contains("lastname"));
}

#[test]
fn contacts_update_returns_200_and_updates_modified_date() {
    let (_server, client) = start();
    let id = create(&client, "contacts", json!({"email": "u@example.com"}));
    let before = client.get(&format!("/crm/v3/objects/contacts/{id}")).json();
    std::thread::sleep(Duration::from_millis(5));
    let reply = client.patch(
        &format!("/crm/v3/objects/contacts/{id}"),
        &json!({"properties": {"phone": "+1-555-987-6543", "jobtitle": "Senior Software Engineer"}}),
    );
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    let body = reply.json();
    assert_eq!(body["properties"]["jobtitle"], "Senior Software Engineer");
    assert_eq!(body["properties"]["email"], "u@example.com");
    assert!(body["updatedAt"].as_str() > before["updatedAt"].as_str());
    assert_eq!(body["properties"]["lastmodifieddate"], body["updatedAt"]);
    assert_eq!(body["createdAt"], before["createdAt"]);
}

#[test]
fn contacts_update_by_email_id_property() {
    let (_server, client) = start();
    let id = create(&client, "contacts", json!({"email": "jane@example.com"}));
    let reply = client.patch(
        "/crm/v3/objects/contacts/jane@example.com?idProperty=email",
        &json!({"properties": {"lifecyclestage": "customer"}}),
    );
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(reply.json()["id"], id.as_str());
    assert_eq!(reply.json()["properties"]["lifecyclestage"], "customer");
}

#[test]
fn records_update_missing_record_is_404() {
    let (_server, client) = start();
    let reply = client.patch(
        "/crm/v3/objects/deals/424242",
        &json!({"properties": {"dealname": "x"}}),
    );
    let body = assert_error(&reply, 404, "OBJECT_NOT_FOUND");
    assert_eq!(body["message"], "Object not found.  objectId are usually numeric.");
    assert_eq!(body["context"]["id"], json!(["424242"]));
}

#[test]
fn deals_read_with_history_lists_values_newest_first() {
    let (_server, client) = start();
    let id = create(
        &client,
        "deals",
        json!({"dealname": "D", "dealstage": "appointmentscheduled"}),
    );
    for stage in ["qualifiedtobuy", "closedwon"] {
        let reply = client.patch(
            &format!("/crm/v3/objects/deals/{id}"),
            &json!({"properties": {"dealstage": stage}}),
        );
        assert_eq!(reply.status, 200);
    }
    let body = client
        .get(&format!(
            "/crm/v3/objects/deals/{id}?properties=dealname,amount&propertiesWithHistory=dealstage"
        ))
        .json();
    let history = body["propertiesWithHistory"]["dealstage"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let values: Vec<&str> = history.iter().filter_map(|entry| entry["value"].as_str()).collect();
    assert_eq!(values, ["closedwon", "qualifiedtobuy", "appointmentscheduled"]);
    assert!(
        history
            .iter()
            .all(|entry| entry["sourceType"] == "API" && is_iso_ms(&entry["timestamp"]))
    );
    assert!(history[0]["timestamp"].as_str() > history[2]["timestamp"].as_str());
    assert_eq!(body["properties"]["dealname"], "D");
    assert!(body["properties"].get("dealstage").is_none());
}

// ---------------------------------------------------------------------------------------
// Associations
// ---------------------------------------------------------------------------------------

#[test]
fn contacts_create_with_company_association_reads_back_both_types() {
    let (_server, client) = start();
    let company = create(
        &client,
        "companies",
        json!({"name": "Acme Corporation", "domain": "acme.com"}),
    );
    let reply = client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "jane@acme.com", "firstname": "Jane", "lastname": "Smith"},
            "associations": [{"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}),
    );
    let contact = created_id(&reply);
    assert!(reply.json().get("associations").is_none());
    let body = client
        .get(&format!(
            "/crm/v3/objects/contacts/{contact}?associations=companies,deals"
        ))
        .json();
    assert_eq!(
        body["associations"],
        json!({"companies": {"results": [
            {"id": company, "type": "contact_to_company"},
            {"id": company, "type": "contact_to_company_unlabeled"}
        ]}})
    );
    let reverse = client
        .get(&format!("/crm/v3/objects/companies/{company}?associations=contacts"))
        .json();
    assert_eq!(
        reverse["associations"]["contacts"]["results"],
        json!([{"id": contact, "type": "company_to_contact"}, {"id": contact, "type": "company_to_contact_unlabeled"}])
    );
}

#[test]
fn deals_read_with_associations_by_type_id_and_repeated_keys() {
    let (server, client) = start();
    let contact = create(&client, "contacts", json!({"email": "c@x.io"}));
    let company = create(&client, "companies", json!({"name": "X"}));
    let reply = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D"}, "associations": [
            {"to": {"id": contact.parse::<u64>().unwrap_or_default()}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]},
            {"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}]}]}),
    );
    let deal = created_id(&reply);
    let body = client
        .get(&format!(
            "/crm/v3/objects/deals/{deal}?associations=0-1&associations=COMPANY"
        ))
        .json();
    assert_eq!(
        body["associations"]["contacts"]["results"],
        json!([{"id": contact, "type": "deal_to_contact"}])
    );
    assert_eq!(
        body["associations"]["companies"]["results"],
        json!([{"id": company, "type": "deal_to_company_unlabeled"}])
    );
    let task = server.seed_record("tasks", "77", &[("hs_task_subject", "Call back")]);
    assert_eq!(task, Ok(()));
    assert_eq!(server.seed_association("tasks", "77", "deals", &deal, 216), Ok(()));
    let with_task = client
        .get(&format!("/crm/v3/objects/deals/{deal}?associations=tasks"))
        .json();
    assert_eq!(
        with_task["associations"]["tasks"]["results"],
        json!([{"id": "77", "type": "deal_to_task"}])
    );
}

#[test]
fn records_read_with_unknown_association_type_is_400() {
    let (_server, client) = start();
    let id = create(&client, "contacts", json!({}));
    let reply = client.get(&format!("/crm/v3/objects/contacts/{id}?associations=credentialing_2_0"));
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["message"],
        "Unable to infer object type from: credentialing_2_0"
    );
}

#[test]
fn contacts_create_with_invalid_association_is_400_and_creates_nothing() {
    let (server, client) = start();
    let company = create(&client, "companies", json!({"name": "X"}));
    let wrong_type = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D"}, "associations": [
            {"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}),
    );
    let body = assert_error(&wrong_type, 400, "VALIDATION_ERROR");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("HUBSPOT_DEFINED 1"),
        "{body}"
    );
    let user_defined = client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {}, "associations": [
            {"to": {"id": company}, "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 1}]}]}),
    );
    assert_error(&user_defined, 400, "VALIDATION_ERROR");
    let missing_target = client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "a@b.co"}, "associations": [
            {"to": {"id": "12345678"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}),
    );
    let body = assert_error(&missing_target, 400, "VALIDATION_ERROR");
    assert_eq!(body["message"], "One or more associations are invalid");
    assert_eq!(
        body["context"],
        json!({"INVALID_OBJECT_IDS": ["COMPANY=12345678 is not valid"], "objectId": ["12345678"], "objectType": ["COMPANY"]})
    );
    assert_eq!(server.record_count("contacts", true), 0);
    assert_eq!(server.record_count("deals", true), 0);
}

// ---------------------------------------------------------------------------------------
// Validation and conflicts
// ---------------------------------------------------------------------------------------

#[test]
fn contacts_create_unknown_property_is_400_in_hubspots_shape() {
    let (_server, client) = start();
    let reply = client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "a@b.co", "foo": "x"}}),
    );
    let body = assert_error(&reply, 400, "VALIDATION_ERROR");
    assert_eq!(
        body["message"],
        format!(
            "Property values were not valid: [{{\"isValid\":false,\"message\":\"Property \\\"foo\\\" does not exist\",\
             \"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"foo\",\"localizedErrorMessage\":\"Property \\\"foo\\\" does not exist\",\
             \"portalId\":{DEFAULT_PORTAL_ID}}}]"
        )
    );
    assert_eq!(
        body["errors"],
        json!([{"message": "Property \"foo\" does not exist", "code": "PROPERTY_DOESNT_EXIST", "context": {"propertyName": ["foo"]}}])
    );
}

#[test]
fn contacts_create_bad_values_report_every_issue() {
    let (server, client) = start();
    let reply = client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "not-an-email", "lifecyclestage": "Lead", "createdate": "2020-01-01",
            "associatedcompanyid": "abc"}}),
    );
    let body = assert_error(&reply, 400, "VALIDATION_ERROR");
    let codes: Vec<(String, String)> = body["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e["context"]["propertyName"][0].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("associatedcompanyid", "INVALID_INTEGER"),
        ("createdate", "READ_ONLY_VALUE"),
        ("email", "INVALID_EMAIL"),
        ("lifecyclestage", "INVALID_OPTION"),
    ];
    assert_eq!(
        codes,
        expected
            .iter()
            .map(|(n, c)| ((*n).to_owned(), (*c).to_owned()))
            .collect::<Vec<_>>()
    );
    let options = body["errors"][3]["message"].as_str().unwrap_or_default();
    assert!(
        options.starts_with("Lead was not one of the allowed options: [label: \"Subscriber\"\nvalue: \"subscriber\"\n"),
        "{options}"
    );
    assert!(options.contains("value: \"lead\"") && options.contains("value: \"customer\""));
    assert_eq!(server.record_count("contacts", true), 0);
}

#[test]
fn companies_create_sample_industry_is_not_an_option() {
    let (_server, client) = start();
    let reply = client.post(
        "/crm/v3/objects/companies",
        &json!({"properties": {"name": "Acme Corporation", "domain": "acme.com", "industry": "Technology",
            "phone": "+1-555-000-0000", "city": "San Francisco", "state": "California"}}),
    );
    let body = assert_error(&reply, 400, "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["code"], "INVALID_OPTION");
    let ok = client.post(
        "/crm/v3/objects/companies",
        &json!({"properties": {"name": "Acme", "industry": "COMPUTER_SOFTWARE", "numberofemployees": "500", "annualrevenue": "10000000"}}),
    );
    assert_eq!(ok.status, 201, "{}", String::from_utf8_lossy(&ok.body));
}

#[test]
fn deals_invalid_stage_is_400_listing_the_pipelines_stages() {
    let (_server, client) = start();
    let reply = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D", "dealstage": "won"}}),
    );
    let body = assert_error(&reply, 400, "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["code"], "INVALID_OPTION");
    assert_eq!(
        body["errors"][0]["message"],
        "won is not a valid pipeline stage ID. Valid options are: pipelineId=default : [appointmentscheduled, \
         qualifiedtobuy, presentationscheduled, decisionmakerboughtin, contractsent, closedwon, closedlost]"
    );
    let id = create(&client, "deals", json!({"dealname": "D", "dealstage": "contractsent"}));
    let update = client.patch(
        &format!("/crm/v3/objects/deals/{id}"),
        &json!({"properties": {"dealstage": "2"}}),
    );
    assert_error(&update, 400, "VALIDATION_ERROR");
}

#[test]
fn tickets_stage_must_belong_to_pipeline_zero() {
    let (_server, client) = start();
    let ok = client.post(
        "/crm/v3/objects/tickets",
        &json!({"properties": {"subject": "S", "hs_pipeline_stage": "2"}}),
    );
    assert_eq!(ok.status, 201, "{}", String::from_utf8_lossy(&ok.body));
    assert_eq!(ok.json()["properties"]["hs_pipeline"], "0");
    let bad = client.post(
        "/crm/v3/objects/tickets",
        &json!({"properties": {"hs_pipeline_stage": "closedwon"}}),
    );
    let body = assert_error(&bad, 400, "VALIDATION_ERROR");
    assert_eq!(
        body["errors"][0]["context"]["propertyName"],
        json!(["hs_pipeline_stage"])
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("pipelineId=0 : [1, 2, 3, 4]")
    );
}

#[test]
fn deals_seeded_pipeline_becomes_valid_for_records() {
    let (server, client) = start();
    let pipeline = json!({"id": "enterprise", "label": "Enterprise", "displayOrder": 1, "archived": false,
        "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z",
        "stages": [{"id": "discovery", "label": "Discovery", "displayOrder": 0, "archived": false,
            "metadata": {"isClosed": "false", "probability": "0.1"},
            "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}]});
    assert_eq!(server.seed_pipeline("deals", pipeline.clone()), Ok(()));
    let reply = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D", "pipeline": "enterprise", "dealstage": "discovery"}}),
    );
    assert_eq!(reply.status, 201, "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(client.get("/crm/v3/pipelines/deals/enterprise").json(), pipeline);
    assert!(matches!(
        server.seed_pipeline("deals", json!({"id": 1})),
        Err(MockError::InvalidPipeline(_))
    ));
}

#[test]
fn contacts_duplicate_email_is_409_on_create_and_update() {
    let (_server, client) = start();
    let first = create(&client, "contacts", json!({"email": "dup@example.com"}));
    let second = create(&client, "contacts", json!({"email": "other@example.com"}));
    let duplicate = client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "DUP@example.com"}}),
    );
    let body = assert_error(&duplicate, 409, "CONFLICT");
    assert_eq!(body["message"], format!("Contact already exists. Existing ID: {first}"));
    let update = client.patch(
        &format!("/crm/v3/objects/contacts/{second}"),
        &json!({"properties": {"email": "dup@example.com"}}),
    );
    assert_error(&update, 409, "CONFLICT");
    let same = client.patch(
        &format!("/crm/v3/objects/contacts/{first}"),
        &json!({"properties": {"email": "dup@example.com"}}),
    );
    assert_eq!(same.status, 200);
}

#[test]
fn records_malformed_json_is_400_invalid_input() {
    let (_server, client) = start();
    for body in [
        &b"{not json"[..],
        b"{\"properties\": []}",
        b"[1,2]",
        b"{\"properties\": {\"a\": {}}}",
    ] {
        let reply = client.send("POST", "/crm/v3/objects/contacts", Some(body));
        let json = assert_error(&reply, 400, "VALIDATION_ERROR");
        assert!(
            json["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Invalid input JSON on line 1, column "),
            "{json}"
        );
    }
    let empty = client.send("PATCH", "/crm/v3/objects/contacts/1", Some(b""));
    assert_eq!(empty.status, 404);
    let id = create(&client, "contacts", json!({}));
    let empty = client.send("PATCH", &format!("/crm/v3/objects/contacts/{id}"), Some(b""));
    let json = assert_error(&empty, 400, "VALIDATION_ERROR");
    assert_eq!(
        json["message"],
        "Invalid JSON input: a request body was expected, but none found"
    );
}

// ---------------------------------------------------------------------------------------
// Archive
// ---------------------------------------------------------------------------------------

#[test]
fn companies_archive_hides_the_record_unless_archived_is_asked_for() {
    let (server, client) = start();
    let id = create(
        &client,
        "companies",
        json!({"name": "Gone Inc", "domain": "gone.example"}),
    );
    let reply = client.delete(&format!("/crm/v3/objects/companies/{id}"));
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
    assert!(reply.header("content-type").is_none());
    assert!(reply.header("x-hubspot-correlation-id").is_some());
    let plain = client.get(&format!("/crm/v3/objects/companies/{id}"));
    assert_error(&plain, 404, "OBJECT_NOT_FOUND");
    let archived = client.get(&format!("/crm/v3/objects/companies/{id}?archived=true"));
    assert_eq!(archived.status, 200);
    let body = archived.json();
    assert_eq!(body["archived"], true);
    assert!(is_iso_ms(&body["archivedAt"]));
    let search = client
        .post("/crm/v3/objects/companies/search", &json!({"query": "gone"}))
        .json();
    assert_eq!(search["total"], 0);
    let listed = client.get("/crm/v3/objects/companies?archived=true").json();
    assert_eq!(listed["results"][0]["id"], id.as_str());
    assert_eq!(client.get("/crm/v3/objects/companies").json()["results"], json!([]));
    assert_eq!(client.delete(&format!("/crm/v3/objects/companies/{id}")).status, 204);
    assert_eq!(client.delete("/crm/v3/objects/companies/999999").status, 204);
    assert_eq!(server.record_count("companies", false), 0);
    assert_eq!(server.record_count("companies", true), 1);
    let update = client.patch(
        &format!("/crm/v3/objects/companies/{id}"),
        &json!({"properties": {"name": "x"}}),
    );
    assert_error(&update, 404, "OBJECT_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------
// Search and list
// ---------------------------------------------------------------------------------------

#[test]
fn contacts_search_filters_sorts_and_pages() {
    let (_server, client) = start();
    for (email, stage, state) in [
        ("a@x.io", "lead", "California"),
        ("b@x.io", "lead", "Texas"),
        ("c@x.io", "customer", "California"),
        ("d@x.io", "lead", "California"),
    ] {
        create(
            &client,
            "contacts",
            json!({"email": email, "lifecyclestage": stage, "state": state}),
        );
    }
    let body = json!({"filterGroups": [{"filters": [
            {"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"},
            {"propertyName": "state", "operator": "EQ", "value": "California"}]}],
        "properties": ["email", "lifecyclestage"],
        "sorts": [{"propertyName": "email", "direction": "DESCENDING"}], "limit": 1, "after": 0});
    let page = client.post("/crm/v3/objects/contacts/search", &body);
    assert_eq!(page.status, 200);
    let json = page.json();
    assert_eq!(json["total"], 2);
    assert_eq!(json["results"][0]["properties"]["email"], "d@x.io");
    assert_eq!(json["results"][0]["properties"]["lifecyclestage"], "lead");
    assert!(json["results"][0]["properties"].get("firstname").is_none());
    assert!(json["results"][0].get("associations").is_none());
    assert_eq!(json["paging"], json!({"next": {"after": "1"}}));
    let mut next = body.clone();
    next["after"] = json!("1");
    let last = client.post("/crm/v3/objects/contacts/search", &next).json();
    assert_eq!(last["results"][0]["properties"]["email"], "a@x.io");
    assert!(last.get("paging").is_none());

    let sorted = client
        .post(
            "/crm/v3/objects/contacts/search",
            &json!({"sorts": ["email"], "properties": ["email"]}),
        )
        .json();
    let emails: Vec<&str> = sorted["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["properties"]["email"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(emails, ["a@x.io", "b@x.io", "c@x.io", "d@x.io"]);
    let defaults = &sorted["results"][0]["properties"];
    assert!(defaults.get("createdate").is_some() && defaults.get("hs_object_id").is_some());
}

#[test]
fn deals_search_by_stage_and_amount_range() {
    let (_server, client) = start();
    for (name, stage, amount) in [
        ("small", "appointmentscheduled", "5000"),
        ("mid", "qualifiedtobuy", "25000"),
        ("big", "closedwon", "150000"),
    ] {
        create(
            &client,
            "deals",
            json!({"dealname": name, "dealstage": stage, "amount": amount}),
        );
    }
    let names = |body: Value| -> Vec<String> {
        client.post("/crm/v3/objects/deals/search", &body).json()["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|x| x["properties"]["dealname"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        names(
            json!({"filterGroups": [{"filters": [{"propertyName": "dealstage", "operator": "IN",
            "values": ["appointmentscheduled", "qualifiedtobuy"]}]}], "sorts": ["amount"], "limit": 50, "after": 0})
        ),
        ["small", "mid"]
    );
    assert_eq!(
        names(
            json!({"filterGroups": [{"filters": [{"propertyName": "amount", "operator": "BETWEEN",
            "value": "10000", "highValue": "100000"}]}], "properties": ["dealname", "amount"]})
        ),
        ["mid"]
    );
}

#[test]
fn records_search_limits_are_400() {
    let (_server, client) = start();
    let filter = json!({"propertyName": "email", "operator": "HAS_PROPERTY"});
    for body in [
        json!({"filterGroups": vec![json!({"filters": [filter]}); 6]}),
        json!({"filterGroups": [{"filters": vec![filter.clone(); 7]}]}),
        json!({"limit": 201}),
        json!({"query": "q".repeat(3001)}),
        json!({"filterGroups": [{"filters": [{"propertyName": "a", "operator": "SOUNDS_LIKE", "value": "x"}]}]}),
        json!({"filterGroups": [{"filters": [{"propertyName": "a", "operator": "BETWEEN", "value": "1"}]}]}),
        json!({"filterGroups": [{"filters": [{"propertyName": "a", "operator": "IN"}]}]}),
        json!({"after": "10000"}),
    ] {
        let reply = client.post("/crm/v3/objects/contacts/search", &body);
        assert_error(&reply, 400, "VALIDATION_ERROR");
        assert!(reply.header("x-hubspot-ratelimit-max").is_none());
    }
}

#[test]
fn contacts_list_pages_by_id_cursor() {
    let (_server, client) = start();
    let ids: Vec<String> = (0..5)
        .map(|i| create(&client, "contacts", json!({"email": format!("{i}@x.io")})))
        .collect();
    let first = client.get("/crm/v3/objects/contacts?limit=2&properties=email").json();
    assert_eq!(first["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["results"][0]["id"], ids[0].as_str());
    assert_eq!(first["results"][0]["properties"]["email"], "0@x.io");
    let after = first["paging"]["next"]["after"].as_str().unwrap_or_default().to_owned();
    assert_eq!(after, ids[2]);
    assert_eq!(first["paging"]["next"]["link"], format!("?after={after}"));
    let rest = client
        .get(&format!("/crm/v3/objects/contacts?limit=10&after={after}"))
        .json();
    assert_eq!(rest["results"].as_array().map(Vec::len), Some(3));
    assert!(rest.get("paging").is_none());
    let defaulted = client.get("/crm/v3/objects/contacts").json();
    assert_eq!(defaulted["results"].as_array().map(Vec::len), Some(5));
}

// ---------------------------------------------------------------------------------------
// Pipelines and properties
// ---------------------------------------------------------------------------------------

#[test]
fn deals_pipelines_list_read_and_stages() {
    let (_server, client) = start();
    let list = client.get("/crm/v3/pipelines/deals");
    assert_eq!(list.status, 200);
    let pipelines = list.json();
    assert_eq!(pipelines["results"][0]["id"], "default");
    let default = client.get("/crm/v3/pipelines/deals/default").json();
    assert_eq!(default, pipelines["results"][0]);
    let stages = client.get("/crm/v3/pipelines/deals/default/stages").json();
    assert_eq!(stages["results"], default["stages"]);
    let stage = client.get("/crm/v3/pipelines/deals/default/stages/closedwon").json();
    assert_eq!(stage["id"], "closedwon");
    assert_eq!(stage["metadata"]["isClosed"], "true");
    assert_error(&client.get("/crm/v3/pipelines/deals/nope"), 404, "OBJECT_NOT_FOUND");
    assert_error(
        &client.get("/crm/v3/pipelines/deals/default/stages/nope"),
        404,
        "OBJECT_NOT_FOUND",
    );
    let tickets = client.get("/crm/v3/pipelines/0-5").json();
    assert_eq!(tickets["results"][0]["id"], "0");
    assert_error(&client.get("/crm/v3/pipelines/contacts"), 400, "VALIDATION_ERROR");
}

#[test]
fn contacts_properties_hide_archived_ones_unless_asked() {
    let (_server, client) = start();
    let live = client.get("/crm/v3/properties/contacts").json();
    let names = |body: &Value| -> BTreeSet<String> {
        body["results"]
            .as_array()
            .map(|r| r.iter().filter_map(|p| p["name"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let live_names = names(&live);
    assert!(live_names.contains("email") && live_names.contains("lifecyclestage"));
    assert!(
        live["results"]
            .as_array()
            .is_some_and(|r| r.iter().all(|p| p.get("archived") != Some(&json!(true))))
    );
    let archived = client.get("/crm/v3/properties/contacts?archived=true").json();
    let archived_names = names(&archived);
    assert!(!archived_names.is_empty());
    assert!(archived_names.is_disjoint(&live_names));
    assert!(
        archived["results"]
            .as_array()
            .is_some_and(|r| r.iter().all(|p| p["archived"] == true))
    );
    let email = client.get("/crm/v3/properties/contacts/email").json();
    assert_eq!(email["name"], "email");
    assert_eq!(email["type"], "string");
    let one_archived = archived_names.iter().next().cloned().unwrap_or_default();
    assert_eq!(
        client
            .get(&format!("/crm/v3/properties/contacts/{one_archived}"))
            .status,
        404
    );
    assert_eq!(
        client
            .get(&format!("/crm/v3/properties/contacts/{one_archived}?archived=true"))
            .status,
        200
    );
    let missing = assert_error(&client.get("/crm/v3/properties/contacts/nope"), 404, "OBJECT_NOT_FOUND");
    assert_eq!(missing["subCategory"], "PROPERTY_DOESNT_EXIST");
    let some = client.get("/crm/v3/properties/deals?properties=amount,dealname").json();
    assert_eq!(
        names(&some),
        BTreeSet::from(["amount".to_owned(), "dealname".to_owned()])
    );
}

// ---------------------------------------------------------------------------------------
// Object types, auth and scopes
// ---------------------------------------------------------------------------------------

#[test]
fn records_object_type_accepts_ids_and_singular_names() {
    let (_server, client) = start();
    let id = create(&client, "0-1", json!({"email": "t@x.io"}));
    for spelling in ["contacts", "CONTACT", "contact", "0-1"] {
        assert_eq!(
            client.get(&format!("/crm/v3/objects/{spelling}/{id}")).status,
            200,
            "{spelling}"
        );
    }
    assert!(
        !create(
            &client,
            "line_items",
            json!({"name": "Item", "quantity": "2", "price": "10"})
        )
        .is_empty()
    );
    assert!(!create(&client, "postal_mail", json!({})).is_empty());
    let unknown = client.get("/crm/v3/objects/widgets");
    assert_eq!(unknown.status, 400);
    let body = unknown.json();
    assert_eq!(body["message"], "Unable to infer object type from: widgets");
    assert!(body.get("category").is_none());
    assert_eq!(
        body["correlationId"].as_str(),
        unknown.header("x-hubspot-correlation-id")
    );
    assert_eq!(client.get("/crm/v3/objects/lineItems/1").status, 400);
}

#[test]
fn records_without_or_with_unknown_token_are_401() {
    let (server, _client) = start();
    for client in [
        Client::anonymous(server.local_addr()),
        Client::new(server.local_addr(), "pat-na1-wrong"),
    ] {
        let reply = client.get("/crm/v3/objects/contacts");
        let body = assert_error(&reply, 401, "INVALID_AUTHENTICATION");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Authentication credentials not found.")
        );
        assert!(reply.header("x-hubspot-ratelimit-daily").is_none());
    }
    let basic = Connection::open(server.local_addr()).and_then(|mut c| {
        c.request(
            "GET",
            "/crm/v3/objects/contacts",
            &[("Authorization", "Basic abc")],
            None,
        )
    });
    assert_eq!(basic.map(|r| r.status).ok(), Some(401));
}

#[test]
fn records_missing_scope_is_403_with_required_scopes() {
    let server = start_with(vec![
        TokenGrant::new("contacts-only", &["crm.objects.contacts.read"]),
        TokenGrant::new(
            "tickets-granular",
            &["crm.objects.tickets.read", "crm.schemas.deals.read"],
        ),
        TokenGrant::new("ecommerce", &["e-commerce"]),
    ]);
    let contacts = Client::new(server.local_addr(), "contacts-only");
    assert_eq!(contacts.get("/crm/v3/objects/contacts").status, 200);
    assert_eq!(contacts.get("/crm/v3/objects/notes").status, 200);
    let write = contacts.post("/crm/v3/objects/contacts", &json!({"properties": {}}));
    let body = assert_error(&write, 403, "MISSING_SCOPES");
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.contacts.write"])
    );
    assert_eq!(body["links"]["scopes"], "https://developers.hubspot.com/scopes");
    let deals = contacts.get("/crm/v3/objects/deals");
    let body = assert_error(&deals, 403, "MISSING_SCOPES");
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.deals.read"])
    );
    let tickets = Client::new(server.local_addr(), "tickets-granular");
    assert_eq!(tickets.get("/crm/v3/objects/tickets").status, 200);
    assert_eq!(tickets.get("/crm/v3/pipelines/deals").status, 200);
    assert_eq!(tickets.get("/crm/v3/properties/deals").status, 200);
    assert_eq!(tickets.get("/crm/v3/objects/deals").status, 403);
    let ecommerce = Client::new(server.local_addr(), "ecommerce");
    assert_eq!(
        ecommerce
            .post("/crm/v3/objects/products", &json!({"properties": {"name": "P"}}))
            .status,
        201
    );
    assert_eq!(ecommerce.get("/crm/v3/objects/line_items").status, 200);
}

#[test]
fn token_info_reports_scopes_of_known_tokens() {
    let server = start_with(vec![
        TokenGrant::new(DEFAULT_TOKEN, &[]),
        TokenGrant::new("pat-na1-limited", &["crm.objects.contacts.read", "tickets"]),
    ]);
    let client = Client::anonymous(server.local_addr());
    let reply = client.post(
        "/oauth/v2/private-apps/get/access-token-info",
        &json!({"tokenKey": "pat-na1-limited"}),
    );
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["hubId"], DEFAULT_PORTAL_ID);
    assert_eq!(body["scopes"], json!(["crm.objects.contacts.read", "tickets"]));
    assert!(body["userId"].is_u64() && body["appId"].is_u64());
    let unknown = client.post(
        "/oauth/v2/private-apps/get/access-token-info",
        &json!({"tokenKey": "nope"}),
    );
    assert_error(&unknown, 401, "INVALID_AUTHENTICATION");
    let malformed = client.send("POST", "/oauth/v2/private-apps/get/access-token-info", Some(b"{"));
    assert_error(&malformed, 400, "VALIDATION_ERROR");
}

#[test]
fn token_info_default_token_has_all_scopes() {
    let (server, _client) = start();
    let client = Client::anonymous(server.local_addr());
    let body = client
        .post(
            "/oauth/v2/private-apps/get/access-token-info",
            &json!({"tokenKey": DEFAULT_TOKEN}),
        )
        .json();
    assert_eq!(body["scopes"], json!(all_scopes()));
}

// ---------------------------------------------------------------------------------------
// Headers, errors, recording
// ---------------------------------------------------------------------------------------

#[test]
fn records_replies_carry_correlation_and_rate_limit_headers() {
    let (_server, client) = start();
    let list = client.get("/crm/v3/objects/contacts");
    let correlation = list.header("x-hubspot-correlation-id").unwrap_or_default().to_owned();
    assert_eq!(correlation.len(), 36);
    assert_eq!(list.header("x-hubspot-ratelimit-daily"), Some("250000"));
    assert_eq!(list.header("x-hubspot-ratelimit-interval-milliseconds"), Some("10000"));
    assert_eq!(list.header("x-hubspot-ratelimit-max"), Some("100"));
    let remaining: u64 = list
        .header("x-hubspot-ratelimit-remaining")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let daily_remaining: u64 = list
        .header("x-hubspot-ratelimit-daily-remaining")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(remaining < 100 && daily_remaining < 250_000);
    let again = client.get("/crm/v3/objects/contacts");
    assert_ne!(again.header("x-hubspot-correlation-id"), Some(correlation.as_str()));
    let next_daily: u64 = again
        .header("x-hubspot-ratelimit-daily-remaining")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert_eq!(next_daily, daily_remaining - 1);
    let search = client.post("/crm/v3/objects/contacts/search", &json!({}));
    assert_eq!(search.header("x-hubspot-ratelimit-daily"), Some("250000"));
    assert!(search.header("x-hubspot-ratelimit-daily-remaining").is_some());
    for name in [
        "x-hubspot-ratelimit-max",
        "x-hubspot-ratelimit-remaining",
        "x-hubspot-ratelimit-interval-milliseconds",
    ] {
        assert!(search.header(name).is_none(), "{name}");
    }
}

#[test]
fn records_unknown_paths_are_404_json() {
    let (_server, client) = start();
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/crm/v4/objects/contacts"),
        ("PUT", "/crm/v3/objects/contacts/1"),
        ("GET", "/crm/v3/objects"),
    ] {
        let reply = client.send(method, path, None);
        let body = assert_error(&reply, 404, "OBJECT_NOT_FOUND");
        assert_eq!(body["message"], "Resource not found", "{method} {path}");
    }
}

#[test]
fn records_oversized_body_is_413() {
    let (server, client) = start();
    let huge = vec![b' '; 10 * 1024 * 1024 + 1];
    let reply = client.send("POST", "/crm/v3/objects/contacts", Some(&huge));
    assert_error(&reply, 413, "VALIDATION_ERROR");
    assert_eq!(server.requests().last().map(|r| r.body.len()), Some(10 * 1024 * 1024));
    assert_eq!(client.get("/crm/v3/objects/contacts").status, 200);
}

#[test]
fn requests_are_recorded_raw_including_rejected_ones() {
    let (server, client) = start();
    Client::anonymous(server.local_addr()).get("/crm/v3/objects/contacts");
    client.post("/crm/v3/objects/contacts/search?x=1", &json!({"query": "a b"}));
    client.get("/crm/v3/objects/contacts/a%40b.co?idProperty=email&properties=a,b&properties=c");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].method, "GET");
    assert!(requests[0].header("authorization").is_none());
    assert_eq!(requests[1].body_json(), Some(json!({"query": "a b"})));
    assert_eq!(requests[1].query.as_deref(), Some("x=1"));
    assert_eq!(
        requests[1].header("Authorization"),
        Some(format!("Bearer {DEFAULT_TOKEN}").as_str())
    );
    assert_eq!(requests[2].path, "/crm/v3/objects/contacts/a%40b.co");
    assert_eq!(
        requests[2].path_segments(),
        ["crm", "v3", "objects", "contacts", "a@b.co"]
    );
    assert_eq!(
        requests[2].query_pairs(),
        [("idProperty", "email"), ("properties", "a,b"), ("properties", "c")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    server.clear_requests();
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// Seeding API
// ---------------------------------------------------------------------------------------

#[test]
fn seed_record_and_association_errors_are_typed() {
    let (server, client) = start();
    assert_eq!(
        server.seed_record(
            "contacts",
            "12345678",
            &[("email", "seed@x.io"), ("createdate", "2024-01-01")]
        ),
        Ok(())
    );
    let body = client.get("/crm/v3/objects/contacts/12345678").json();
    assert_eq!(body["properties"]["email"], "seed@x.io");
    assert_eq!(body["createdAt"], "2024-01-01T00:00:00.000Z");
    assert_eq!(
        client
            .get("/crm/v3/objects/contacts/12345678?propertiesWithHistory=email")
            .json()["propertiesWithHistory"]["email"][0]["value"],
        "seed@x.io"
    );
    assert_eq!(create(&client, "contacts", json!({})), "12345679");
    assert_eq!(
        server.seed_record("widgets", "1", &[]),
        Err(MockError::UnknownObjectType("widgets".to_owned()))
    );
    assert_eq!(
        server.seed_record("contacts", "abc", &[]),
        Err(MockError::InvalidRecordId("abc".to_owned()))
    );
    assert_eq!(
        server.seed_association("contacts", "12345678", "companies", "5", 1),
        Err(MockError::RecordNotFound {
            object_type: "companies".to_owned(),
            id: "5".to_owned()
        })
    );
    assert!(matches!(
        server.seed_association("contacts", "12345678", "deals", "5", 1),
        Err(MockError::InvalidAssociationType { type_id: 1, .. })
    ));
    assert_eq!(server.record_count("widgets", true), 0);
    assert!(!MockError::UnknownObjectType("w".to_owned()).to_string().is_empty());
}

// ---------------------------------------------------------------------------------------
// Connections and robustness
// ---------------------------------------------------------------------------------------

#[test]
fn server_keeps_connections_alive_and_serves_concurrently() {
    let (server, _client) = start();
    let addr = server.local_addr();
    let mut connection = Connection::open(addr).unwrap_or_else(|e| panic!("{e}"));
    let auth = format!("Bearer {DEFAULT_TOKEN}");
    for index in 0..20 {
        let body = json!({"properties": {"email": format!("k{index}@x.io")}}).to_string();
        let reply = connection
            .request(
                "POST",
                "/crm/v3/objects/contacts",
                &[("Authorization", &auth)],
                Some(body.as_bytes()),
            )
            .unwrap_or_else(|e| panic!("request {index}: {e}"));
        assert_eq!(reply.status, 201);
    }
    let threads: Vec<_> = (0..8)
        .map(|worker| {
            std::thread::spawn(move || {
                let client = Client::new(addr, DEFAULT_TOKEN);
                (0..10)
                    .map(|index| create(&client, "companies", json!({"name": format!("w{worker}-{index}")})))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids = BTreeSet::new();
    for thread in threads {
        ids.extend(thread.join().unwrap_or_default());
    }
    assert_eq!(ids.len(), 80);
    assert_eq!(server.record_count("companies", false), 80);
    assert_eq!(server.record_count("contacts", false), 20);
}

#[test]
fn server_survives_garbage_and_random_bodies() {
    let (server, client) = start();
    for garbage in [
        &b"NOT HTTP AT ALL\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        b"\x00\xff\xfe\r\n\r\n",
    ] {
        if let Ok(mut connection) = Connection::open(server.local_addr()) {
            let _ = connection.send_raw(garbage);
            let _ = connection.read_reply(false);
        }
    }
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let targets = [
        ("POST", "/crm/v3/objects/contacts"),
        ("POST", "/crm/v3/objects/deals/search"),
        ("PATCH", "/crm/v3/objects/deals/1001"),
        ("POST", "/oauth/v2/private-apps/get/access-token-info"),
        ("GET", "/crm/v3/objects/contacts/%ff%fe?properties=%00&associations=%"),
    ];
    let fragments: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"properties\":",
        b"\"filterGroups\":",
        b"\"filters\":",
        b"null",
        b"1e999",
        b"\"\\ud800\"",
        b",",
        b"{\"value\":true}",
    ];
    for round in 0..300 {
        let (method, target) = targets[round % targets.len()];
        let body: Vec<u8> = (0..(next() % 12))
            .flat_map(|_| fragments[usize::try_from(next() % 12).unwrap_or(0)].iter().copied())
            .collect();
        let reply = client.send(method, target, Some(&body));
        assert!(
            reply.status < 500,
            "{method} {target} {:?} -> {}",
            String::from_utf8_lossy(&body),
            reply.status
        );
    }
    assert_eq!(client.get("/crm/v3/objects/contacts").status, 200);
}

#[test]
fn server_shutdown_closes_the_port() {
    let (server, client) = start();
    let addr = server.local_addr();
    let mut idle = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(client.get("/crm/v3/objects/contacts").status, 200);
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    server.shutdown();
    assert!(TcpStream::connect(addr).is_err());
    let _ = idle.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buffer = [0_u8; 1];
    assert_eq!(idle.read(&mut buffer).unwrap_or(0), 0);
    let dropped = MockServer::start(MockConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let dropped_addr = dropped.local_addr();
    drop(dropped);
    assert!(TcpStream::connect(dropped_addr).is_err());
}

#[test]
fn server_is_shareable_and_usable_from_async_hosts() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<MockServer>();
    assert_send_sync::<MockError>();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        let server = MockServer::start(MockConfig::default()).unwrap_or_else(|e| panic!("{e}"));
        let client = Client::new(server.local_addr(), DEFAULT_TOKEN);
        assert_eq!(client.get("/crm/v3/objects/contacts").status, 200);
        drop(server);
    });
}

#[test]
fn quotes_create_date_off_midnight_is_invalid_date() {
    let (_server, client) = start();
    // 2020-01-16T13:01:00Z: a `date` property takes midnight UTC only.
    let reply = client.post(
        "/crm/v3/objects/quotes",
        &json!({"properties": {"hs_title": "Renewal", "hs_expiration_date": "1579179660000"}}),
    );
    let body = assert_error(&reply, 400, "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["code"], "INVALID_DATE");
    assert_eq!(
        body["errors"][0]["message"],
        "1579179660000 is at 13:1:0.0 UTC, not midnight!"
    );
    let midnight = client.post(
        "/crm/v3/objects/quotes",
        &json!({"properties": {"hs_title": "Renewal", "hs_expiration_date": "1579132800000"}}),
    );
    assert_eq!(midnight.status, 201, "{midnight:?}");
}

// ---------------------------------------------------------------------------------------
// Leads
// ---------------------------------------------------------------------------------------

/// A lead create body: `hs_lead_name` unless `name` is `None`, associated with `to` by
/// the HubSpot-defined `type_ids`.
fn lead_body(name: Option<&str>, to: &[(&str, u32)]) -> Value {
    let properties = name.map_or_else(|| json!({}), |name| json!({"hs_lead_name": name}));
    let associations: Vec<Value> = to
        .iter()
        .map(|(id, type_id)| {
            json!({"to": {"id": id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]})
        })
        .collect();
    json!({"properties": properties, "associations": associations})
}

fn association_types(reply: &Reply, collection: &str, id: &str) -> BTreeSet<String> {
    reply.json()["associations"][collection]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|result| result["id"] == id)
        .filter_map(|result| result["type"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn leads_create_with_primary_contact_reads_back_from_both_sides() {
    let (_server, client) = start();
    let contact = create(&client, "contacts", json!({"email": "lead@acme.com"}));
    let created = client.post(
        "/crm/v3/objects/leads",
        &lead_body(Some("Acme expansion"), &[(&contact, 578)]),
    );
    let lead = created_id(&created);
    let properties = &created.json()["properties"];
    assert_eq!(properties["hs_lead_name"], "Acme expansion");
    assert_eq!(properties["hs_pipeline"], "lead-pipeline-id");
    assert!(properties["hs_createdate"].is_string() && properties["hs_lastmodifieddate"].is_string());

    let read = client.get(&format!("/crm/v3/objects/0-136/{lead}?associations=contacts"));
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["properties"]["hs_lead_name"], "Acme expansion");
    assert_eq!(
        association_types(&read, "contacts", &contact),
        BTreeSet::from(["lead_to_contact".to_owned(), "lead_to_contact_unlabeled".to_owned()])
    );
    let from_contact = client.get(&format!("/crm/v3/objects/contacts/{contact}?associations=leads"));
    assert_eq!(
        association_types(&from_contact, "leads", &lead),
        BTreeSet::from(["contact_to_lead".to_owned(), "contact_to_lead_unlabeled".to_owned()])
    );
}

#[test]
fn leads_create_needs_a_name_and_an_existing_contact() {
    let (server, client) = start();
    let contact = create(&client, "contacts", json!({"email": "c@acme.com"}));
    let company = create(&client, "companies", json!({"name": "Acme"}));

    let unnamed = client.post("/crm/v3/objects/leads", &lead_body(None, &[(&contact, 578)]));
    let body = assert_error(&unnamed, 400, "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["context"]["propertyName"], json!(["hs_lead_name"]));
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("\"name\":\"hs_lead_name\"")
    );
    let blank = client.post("/crm/v3/objects/leads", &lead_body(Some(""), &[(&contact, 578)]));
    assert_error(&blank, 400, "VALIDATION_ERROR");

    let alone = client.post("/crm/v3/objects/leads", &lead_body(Some("L"), &[]));
    let body = assert_error(&alone, 400, "VALIDATION_ERROR");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("existing contact"),
        "{body}"
    );
    assert_eq!(body["context"]["requiredAssociation"], json!(["CONTACT"]));
    let company_only = client.post("/crm/v3/objects/leads", &lead_body(Some("L"), &[(&company, 610)]));
    assert_error(&company_only, 400, "VALIDATION_ERROR");
    let ghost = client.post("/crm/v3/objects/leads", &lead_body(Some("L"), &[("999999", 578)]));
    let body = assert_error(&ghost, 400, "VALIDATION_ERROR");
    assert_eq!(body["message"], "One or more associations are invalid");
    let wrong_direction = client.post("/crm/v3/objects/leads", &lead_body(Some("L"), &[(&contact, 579)]));
    assert_error(&wrong_direction, 400, "VALIDATION_ERROR");
    assert_eq!(server.record_count("leads", true), 0, "refused creates store nothing");

    let lead = created_id(&client.post(
        "/crm/v3/objects/leads",
        &lead_body(Some("L"), &[(&contact, 608), (&company, 610)]),
    ));
    let cleared = client.patch(
        &format!("/crm/v3/objects/leads/{lead}"),
        &json!({"properties": {"hs_lead_name": ""}}),
    );
    let body = assert_error(&cleared, 400, "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["context"]["propertyName"], json!(["hs_lead_name"]));
    let renamed = client.patch(
        &format!("/crm/v3/objects/leads/{lead}"),
        &json!({"properties": {"hs_lead_type": "UPSELL"}}),
    );
    assert_eq!(renamed.status, 200);
    assert_eq!(renamed.json()["properties"]["hs_lead_name"], "L");
}

#[test]
fn leads_pipeline_stage_and_options_are_validated() {
    let (_server, client) = start();
    let contact = create(&client, "contacts", json!({"email": "c@acme.com"}));
    let mut body = lead_body(Some("L"), &[(&contact, 578)]);
    body["properties"]["hs_pipeline_stage"] = json!("won-stage");
    body["properties"]["hs_lead_type"] = json!("SIDEGRADE");
    let refused = client.post("/crm/v3/objects/leads", &body);
    let error = assert_error(&refused, 400, "VALIDATION_ERROR");
    let names: Vec<&Value> = error["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|detail| &detail["context"]["propertyName"][0])
        .collect();
    assert_eq!(names, [&json!("hs_lead_type"), &json!("hs_pipeline_stage")]);
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("pipelineId=lead-pipeline-id"), "{message}");
    assert!(message.contains("connected-stage-id"), "{message}");

    body["properties"]["hs_pipeline_stage"] = json!("connected-stage-id");
    body["properties"]["hs_lead_type"] = json!("NEW_BUSINESS");
    body["properties"]["hs_lead_label"] = json!("WARM");
    let created = client.post("/crm/v3/objects/leads", &body);
    created_id(&created);
    assert_eq!(created.json()["properties"]["hs_pipeline_stage"], "connected-stage-id");

    let pipelines = client.get("/crm/v3/pipelines/leads");
    assert_eq!(pipelines.status, 200);
    let stages: Vec<Value> = pipelines.json()["results"][0]["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|stage| stage["id"].clone())
        .collect();
    assert_eq!(pipelines.json()["results"][0]["id"], "lead-pipeline-id");
    assert_eq!(
        stages,
        [
            "new-stage-id",
            "attempting-stage-id",
            "connected-stage-id",
            "qualified-stage-id",
            "unqualified-stage-id"
        ]
    );
    let property = client.get("/crm/v3/properties/leads/hs_lead_name");
    assert_eq!(property.status, 200);
    assert_eq!(property.json()["type"], "string");
}

#[test]
fn leads_read_defaults_and_search_by_name() {
    let (_server, client) = start();
    let contact = create(&client, "contacts", json!({"email": "c@acme.com"}));
    for name in ["Acme renewal", "Globex pilot"] {
        created_id(&client.post("/crm/v3/objects/leads", &lead_body(Some(name), &[(&contact, 578)])));
    }
    let list = client.get("/crm/v3/objects/leads");
    assert_eq!(list.status, 200);
    let first = &list.json()["results"][0]["properties"];
    let keys: BTreeSet<&str> = first
        .as_object()
        .into_iter()
        .flatten()
        .map(|(key, _)| key.as_str())
        .collect();
    for name in [
        "hs_lead_name",
        "hs_lead_type",
        "hs_lead_label",
        "hs_pipeline",
        "hs_pipeline_stage",
        "hs_object_id",
        "hs_createdate",
        "hs_lastmodifieddate",
    ] {
        assert!(keys.contains(name), "{name} missing from {first}");
    }
    let search = client.post(
        "/crm/v3/objects/leads/search",
        &json!({"query": "globex", "properties": ["hs_lead_name"]}),
    );
    assert_eq!(search.status, 200);
    assert_eq!(search.json()["total"], 1);
    assert_eq!(
        search.json()["results"][0]["properties"]["hs_lead_name"],
        "Globex pilot"
    );
}

#[test]
fn leads_need_the_lead_scopes() {
    let server = start_with(vec![
        TokenGrant::new("leads-read", &["crm.objects.leads.read"]),
        TokenGrant::new(
            "contacts-only",
            &["crm.objects.contacts.read", "crm.objects.contacts.write"],
        ),
    ]);
    let reader = Client::new(server.local_addr(), "leads-read");
    assert_eq!(reader.get("/crm/v3/objects/leads").status, 200);
    assert_eq!(reader.get("/crm/v3/pipelines/leads").status, 200);
    assert_eq!(reader.get("/crm/v3/properties/leads").status, 200);
    let write = reader.post("/crm/v3/objects/leads", &json!({"properties": {}}));
    let body = assert_error(&write, 403, "MISSING_SCOPES");
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.leads.write"])
    );
    let contacts = Client::new(server.local_addr(), "contacts-only");
    let body = assert_error(&contacts.get("/crm/v3/objects/leads"), 403, "MISSING_SCOPES");
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.leads.read"])
    );
    assert_eq!(contacts.get("/crm/v3/properties/leads").status, 403);
}

// ---------------------------------------------------------------------------------------
// API versions, account validation rules, Service Keys
// ---------------------------------------------------------------------------------------

#[test]
fn versions_share_one_state() {
    let (server, client) = start();
    let id = create(&client, "contacts", json!({"email": "v@acme.com", "firstname": "Vera"}));
    for version in ["2026-09", "2026-03"] {
        let read = client.get(&format!("/crm/objects/{version}/contacts/{id}"));
        assert_eq!(read.status, 200, "{version}");
        assert_eq!(read.json()["properties"]["firstname"], "Vera", "{version}");
        let list = client.get(&format!("/crm/objects/{version}/contacts"));
        assert_eq!(list.json()["results"].as_array().map(Vec::len), Some(1), "{version}");
    }
    let dated = client.post(
        "/crm/objects/2026-03/contacts",
        &json!({"properties": {"email": "w@acme.com"}}),
    );
    let second = created_id(&dated);
    assert_eq!(client.get(&format!("/crm/v3/objects/contacts/{second}")).status, 200);
    let updated = client.patch(
        &format!("/crm/objects/2026-09/contacts/{id}"),
        &json!({"properties": {"firstname": "Vivian"}}),
    );
    assert_eq!(updated.status, 200);
    let through_v3 = client.get(&format!("/crm/v3/objects/contacts/{id}"));
    assert_eq!(through_v3.json()["properties"]["firstname"], "Vivian");
    assert_eq!(
        client.get("/crm/pipelines/2026-09/deals").json()["results"][0]["id"],
        "default"
    );
    assert_eq!(client.get("/crm/properties/2026-03/contacts/email").status, 200);
    // HubSpot's 2026-09 `Property` schema dropped the display hints; earlier versions have them.
    for (version, has_hint) in [("v3", true), ("2026-03", true), ("2026-09", false)] {
        let one = client.get(&versioned("/crm/v3/properties/tickets/time_to_close", version));
        assert_eq!(one.status, 200);
        assert_eq!(one.json().get("numberDisplayHint").is_some(), has_hint, "{version}");
        let all = client.get(&versioned("/crm/v3/properties/calls", version));
        let hinted = all.json()["results"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|definition| definition.get("numberDisplayHint").is_some());
        assert_eq!(hinted, has_hint, "{version}");
    }
    assert_eq!(server.record_count("contacts", false), 2);
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert!(
        paths
            .iter()
            .any(|path| path == &format!("/crm/objects/2026-09/contacts/{id}"))
    );
}

#[test]
fn versions_unknown_dated_version_is_404_like_any_unknown_route() {
    let (_server, client) = start();
    assert_eq!(API_VERSIONS, ["v3", "2026-03", "2026-09"]);
    for path in [
        "/crm/objects/2025-09/contacts",
        "/crm/objects/2027-03/contacts",
        "/crm/objects/2026-09-beta/contacts",
        "/crm/pipelines/v4/deals",
        "/crm/properties/latest/contacts",
    ] {
        let reply = client.get(path);
        let body = assert_error(&reply, 404, "OBJECT_NOT_FOUND");
        assert_eq!(body["message"], "Resource not found", "{path}");
    }
}

fn versioned(v3_path: &str, version: &str) -> String {
    versioned_path(version, v3_path)
}

fn start_with_rules(rules: Vec<ValidationRule>) -> (MockServer, Client) {
    let server = MockServer::start(MockConfig {
        validation_rules: rules,
        ..MockConfig::default()
    })
    .unwrap_or_else(|e| panic!("start: {e}"));
    let client = Client::new(server.local_addr(), DEFAULT_TOKEN);
    (server, client)
}

#[test]
fn validation_rules_apply_to_2026_09_writes_only() {
    let (server, client) = start_with_rules(vec![ValidationRule::required("contacts", "lastname")]);
    let refused = client.post(
        "/crm/objects/2026-09/contacts",
        &json!({"properties": {"email": "r@acme.com"}}),
    );
    let body = assert_error(&refused, 400, "VALIDATION_ERROR");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Property values were not valid: "), "{message}");
    assert!(message.contains("\"name\":\"lastname\""), "{message}");
    assert_eq!(body["errors"][0]["context"]["propertyName"], json!(["lastname"]));
    assert_eq!(body["errors"][0]["code"], "REQUIRED_PROPERTY");
    assert_eq!(server.record_count("contacts", true), 0);

    for path in ["/crm/objects/2026-03/contacts", "/crm/v3/objects/contacts"] {
        let email = format!("{}@acme.com", path.len());
        let reply = client.post(path, &json!({"properties": {"email": email}}));
        assert_eq!(reply.status, 201, "{path}: rules are not enforced before 2026-09");
    }
    let unnamed = server.record_count("contacts", false);
    assert_eq!(unnamed, 2);

    let id = created_id(&client.post(
        "/crm/objects/2026-09/contacts",
        &json!({"properties": {"email": "ok@acme.com", "lastname": "Ok"}}),
    ));
    let cleared = client.patch(
        &format!("/crm/objects/2026-09/contacts/{id}"),
        &json!({"properties": {"lastname": ""}}),
    );
    let body = assert_error(&cleared, 400, "VALIDATION_ERROR");
    assert_eq!(body["errors"][0]["context"]["propertyName"], json!(["lastname"]));
    let untouched = client.patch(
        &format!("/crm/objects/2026-09/contacts/{id}"),
        &json!({"properties": {"firstname": "Olga"}}),
    );
    assert_eq!(untouched.status, 200);
    let cleared_v3 = client.patch(
        &format!("/crm/v3/objects/contacts/{id}"),
        &json!({"properties": {"lastname": ""}}),
    );
    assert_eq!(cleared_v3.status, 200, "v3 ignores the rules");
    let other_type = client.post("/crm/objects/2026-09/companies", &json!({"properties": {"name": "A"}}));
    assert_eq!(other_type.status, 201, "a rule binds its own type only");
}

#[test]
fn validation_rules_and_lead_rules_combine_on_2026_09() {
    let (_server, client) = start_with_rules(vec![ValidationRule::required("0-136", "hs_lead_type")]);
    let contact = create(&client, "contacts", json!({"email": "c@acme.com"}));
    let refused = client.post("/crm/objects/2026-09/leads", &lead_body(None, &[(&contact, 578)]));
    let body = assert_error(&refused, 400, "VALIDATION_ERROR");
    let names: Vec<Value> = body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|detail| detail["context"]["propertyName"][0].clone())
        .collect();
    assert_eq!(names, [json!("hs_lead_name"), json!("hs_lead_type")]);
    let through_2026_03 = client.post("/crm/objects/2026-03/leads", &lead_body(Some("L"), &[(&contact, 578)]));
    assert_eq!(through_2026_03.status, 201);
    let through_2026_03 = client.post("/crm/objects/2026-03/leads", &lead_body(None, &[(&contact, 578)]));
    assert_error(&through_2026_03, 400, "VALIDATION_ERROR");
}

#[test]
fn service_keys_work_as_bearer_tokens_but_token_info_does_not_know_them() {
    let server = start_with(vec![
        TokenGrant::private_app(DEFAULT_TOKEN, all_scopes()),
        TokenGrant::service_key("svc-key-1", vec!["crm.objects.contacts.read".to_owned()]),
    ]);
    let anonymous = Client::anonymous(server.local_addr());
    let info = |token: &str| {
        anonymous.post(
            "/oauth/v2/private-apps/get/access-token-info",
            &json!({"tokenKey": token}),
        )
    };
    let service_key = info("svc-key-1");
    let unknown = info("never-issued");
    let service_body = assert_error(&service_key, 401, "INVALID_AUTHENTICATION");
    let unknown_body = assert_error(&unknown, 401, "INVALID_AUTHENTICATION");
    assert_eq!(service_body["message"], unknown_body["message"]);
    assert_eq!(info(DEFAULT_TOKEN).status, 200);

    let key = Client::new(server.local_addr(), "svc-key-1");
    assert_eq!(key.get("/crm/objects/2026-09/contacts").status, 200);
    assert_eq!(key.get("/crm/v3/objects/contacts").status, 200);
    let write = key.post("/crm/objects/2026-09/contacts", &json!({"properties": {}}));
    let body = assert_error(&write, 403, "MISSING_SCOPES");
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.contacts.write"])
    );
}
