//! The mock's owners, custom object schemas and the custom object `pets` over real HTTP,
//! through every API version's spelling: routes, scopes, headers, paging, filters, owner
//! checks on writes and custom object records.

#![allow(clippy::panic, reason = "a failing test panics")]

mod common;

use common::{Client, Reply};
use hubspot_mock::{
    API_VERSIONS, DEFAULT_TOKEN, MockConfig, MockServer, Owner, OwnerTeam, TokenGrant, ValidationRule, default_owners,
};
use serde_json::{Value, json};

const PETS: &str = "2-3604285";
const PETS_FQN: &str = "p12345678_pets";

fn start() -> (MockServer, Client) {
    start_with(MockConfig::default())
}

fn start_with(config: MockConfig) -> (MockServer, Client) {
    let server = MockServer::start(config).unwrap_or_else(|e| panic!("start: {e}"));
    let client = Client::new(server.local_addr(), DEFAULT_TOKEN);
    (server, client)
}

/// The owners list path of `version`.
fn owners_path(version: &str) -> String {
    if version == "v3" {
        "/crm/v3/owners".to_owned()
    } else {
        format!("/crm/owners/{version}")
    }
}

/// The schemas list path of `version`.
fn schemas_path(version: &str) -> String {
    format!("/crm-object-schemas/{version}/schemas")
}

fn ids(reply: &Reply) -> Vec<String> {
    reply.json()["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|item| item["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn assert_error(reply: &Reply, status: u16, category: &str) -> Value {
    assert_eq!(reply.status, status, "{}", String::from_utf8_lossy(&reply.body));
    let body = reply.json();
    assert_eq!(body["status"], "error");
    assert_eq!(body["category"], category, "{body}");
    body
}

fn created_id(reply: &Reply) -> String {
    assert_eq!(reply.status, 201, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()["id"].as_str().map(str::to_owned).unwrap_or_default()
}

#[test]
fn owners_are_listed_through_every_version_with_and_without_trailing_slash() {
    let (_server, client) = start();
    for version in API_VERSIONS {
        for path in [owners_path(version), format!("{}/", owners_path(version))] {
            let reply = client.get(&path);
            assert_eq!(reply.status, 200, "{path}");
            assert_eq!(
                ids(&reply),
                ["110000001", "110000002", "110000003", "110000004"],
                "{path}"
            );
            assert!(reply.json().get("paging").is_none());
            assert_eq!(reply.header("x-hubspot-ratelimit-max"), Some("100"), "{path}");
            assert!(reply.header("x-hubspot-ratelimit-daily").is_some(), "{path}");
        }
        let jade = client.get(&format!("{}/110000001", owners_path(version)));
        assert_eq!(jade.status, 200);
        let body = jade.json();
        assert_eq!(body["email"], "jade.chen@example.com");
        assert_eq!(body["firstName"], "Jade");
        assert_eq!(body["lastName"], "Chen");
        assert_eq!(body["userId"], 9_000_001);
        assert_eq!(body["type"], "PERSON");
        assert_eq!(
            body["teams"],
            json!([{"id": "7001", "name": "Enterprise Sales", "primary": true}])
        );
        let by_user = client.get(&format!("{}/9000003?idProperty=userId", owners_path(version)));
        assert_eq!(by_user.json()["id"], "110000003");
        assert_error(
            &client.get(&format!("{}/42", owners_path(version))),
            404,
            "OBJECT_NOT_FOUND",
        );
    }
}

#[test]
fn owners_page_filter_by_email_and_show_archived_only_when_asked() {
    let (_server, client) = start();
    let first = client.get("/crm/v3/owners?limit=2");
    assert_eq!(ids(&first), ["110000001", "110000002"]);
    let after = first.json()["paging"]["next"]["after"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_default();
    let second = client.get(&format!("/crm/owners/2026-09?limit=2&after={after}"));
    assert_eq!(ids(&second), ["110000003", "110000004"]);
    assert!(second.json().get("paging").is_none());
    assert_error(&client.get("/crm/v3/owners?limit=501"), 400, "VALIDATION_ERROR");
    assert_eq!(client.get("/crm/v3/owners?limit=500").status, 200);

    let jane = client.get("/crm/v3/owners?email=Jane.Doe%40Example.com");
    assert_eq!(ids(&jane), ["110000002"]);
    assert_eq!(jane.json()["results"][0]["teams"][1]["name"], "Customer Success");
    assert!(ids(&client.get("/crm/v3/owners?email=jade%40example.com")).is_empty());

    let archived = client.get("/crm/v3/owners?archived=true");
    assert_eq!(ids(&archived), ["110000005"]);
    assert_eq!(archived.json()["results"][0]["email"], "priya.patel@example.com");
    assert_error(&client.get("/crm/v3/owners/110000005"), 404, "OBJECT_NOT_FOUND");
    assert_eq!(client.get("/crm/v3/owners/110000005?archived=true").status, 200);
}

#[test]
fn owners_and_schemas_need_their_scopes() {
    let (server, _client) = start_with(MockConfig {
        tokens: vec![
            TokenGrant::new("none", &["crm.objects.contacts.read"]),
            TokenGrant::new("owners", &["crm.objects.owners.read"]),
            TokenGrant::new("custom", &["crm.objects.custom.read"]),
            TokenGrant::new("schemas", &["crm.schemas.custom.read"]),
        ],
        ..MockConfig::default()
    });
    let as_token = |token: &str| Client::new(server.local_addr(), token);
    let refused = assert_error(&as_token("none").get("/crm/v3/owners"), 403, "MISSING_SCOPES");
    assert_eq!(
        refused["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.owners.read"])
    );
    assert_eq!(as_token("owners").get("/crm/v3/owners").status, 200);
    assert_error(&as_token("owners").get("/crm/v3/schemas"), 403, "MISSING_SCOPES");
    for token in ["custom", "schemas"] {
        assert_eq!(
            as_token(token).get("/crm-object-schemas/v3/schemas").status,
            200,
            "{token}"
        );
    }
    assert_eq!(as_token("custom").get(&format!("/crm/v3/objects/{PETS}")).status, 200);
    assert_error(
        &as_token("schemas").get(&format!("/crm/v3/objects/{PETS}")),
        403,
        "MISSING_SCOPES",
    );
    assert_eq!(
        as_token("schemas").get(&format!("/crm/v3/properties/{PETS}")).status,
        200
    );
    assert_error(
        &Client::anonymous(server.local_addr()).get("/crm/v3/owners"),
        401,
        "INVALID_AUTHENTICATION",
    );
    let all = hubspot_mock::all_scopes();
    for scope in [
        "crm.objects.owners.read",
        "crm.schemas.custom.read",
        "crm.objects.custom.read",
        "crm.objects.custom.write",
    ] {
        assert!(all.iter().any(|known| known == scope), "{scope}");
    }
}

#[test]
fn owners_come_from_the_config() {
    let mut owners = vec![
        Owner::new("5", "solo@example.com", "Solo", "Owner", 77).with_teams(vec![OwnerTeam::new("1", "Team", true)]),
    ];
    owners.push(Owner::new("6", "gone@example.com", "Gone", "Owner", 78).archived());
    let (server, client) = start_with(MockConfig {
        owners,
        ..MockConfig::default()
    });
    assert_eq!(server.owners().len(), 2);
    assert_eq!(ids(&client.get("/crm/v3/owners")), ["5"]);
    let deal = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D", "hubspot_owner_id": "110000001"}}),
    );
    assert_error(&deal, 400, "VALIDATION_ERROR");
    let owned = client.post(
        "/crm/v3/objects/deals",
        &json!({"properties": {"dealname": "D", "hubspot_owner_id": "5"}}),
    );
    assert_eq!(owned.status, 201);
    assert_eq!(default_owners().len(), 5);
}

#[test]
fn writes_take_only_live_owner_ids_as_hubspot_owner_id() {
    let (_server, client) = start();
    for version in API_VERSIONS {
        let client = client.at(version);
        let created = client.post(
            "/crm/v3/objects/deals",
            &json!({"properties": {"dealname": "Big", "hubspot_owner_id": "110000001"}}),
        );
        let id = created_id(&created);
        assert_eq!(created.json()["properties"]["hubspot_owner_id"], "110000001");
        for (bad, object_type) in [
            ("jade.chen@example.com", "deals"),
            ("123", "contacts"),
            ("110000005", "companies"),
            ("Jade Chen", "tickets"),
        ] {
            let refused = client.post(
                &format!("/crm/v3/objects/{object_type}"),
                &json!({"properties": {"hubspot_owner_id": bad}}),
            );
            let body = assert_error(&refused, 400, "VALIDATION_ERROR");
            let message = body["message"].as_str().unwrap_or_default();
            assert!(message.contains("INVALID_OWNER_ID"), "{message}");
            assert!(message.contains(&format!("{bad} is not a valid owner id")), "{message}");
        }
        let update = client.patch(
            &format!("/crm/v3/objects/deals/{id}"),
            &json!({"properties": {"hubspot_owner_id": "marcus.lee@example.com"}}),
        );
        assert_error(&update, 400, "VALIDATION_ERROR");
        let reassigned = client.patch(
            &format!("/crm/v3/objects/deals/{id}"),
            &json!({"properties": {"hubspot_owner_id": "110000003"}}),
        );
        assert_eq!(reassigned.json()["properties"]["hubspot_owner_id"], "110000003");
        let cleared = client.patch(
            &format!("/crm/v3/objects/deals/{id}"),
            &json!({"properties": {"hubspot_owner_id": ""}}),
        );
        assert_eq!(cleared.status, 200);
    }
}

#[test]
fn owner_properties_reference_owners_in_the_catalogs() {
    let (_server, client) = start();
    for object_type in ["deals", "contacts", "companies", "tickets", "calls", "tasks"] {
        let reply = client.get(&format!("/crm/v3/properties/{object_type}/hubspot_owner_id"));
        let definition = reply.json();
        assert_eq!(definition["referencedObjectType"], "OWNER", "{object_type}");
        assert_eq!(definition["externalOptions"], true, "{object_type}");
        assert_eq!(definition["type"], "enumeration", "{object_type}");
        assert_eq!(definition["fieldType"], "select", "{object_type}");
        assert_eq!(definition["options"], json!([]), "{object_type}");
    }
}

#[test]
fn schemas_are_listed_and_read_through_every_spelling() {
    let (_server, client) = start();
    let mut lists: Vec<String> = API_VERSIONS.iter().map(|version| schemas_path(version)).collect();
    lists.push("/crm/v3/schemas".to_owned());
    for list in lists {
        for path in [list.clone(), format!("{list}/")] {
            let reply = client.get(&path);
            assert_eq!(reply.status, 200, "{path}");
            assert_eq!(reply.header("x-hubspot-ratelimit-max"), Some("100"), "{path}");
            let body = reply.json();
            assert_eq!(body["results"].as_array().map(Vec::len), Some(1), "{path}");
            assert!(body.get("paging").is_none());
            assert_eq!(body["results"][0]["fullyQualifiedName"], PETS_FQN);
        }
        assert_eq!(
            client.get(&format!("{list}?archived=true")).json(),
            json!({"results": []})
        );
        for spelling in [PETS, PETS_FQN, "pets"] {
            let one = client.get(&format!("{list}/{spelling}"));
            assert_eq!(one.status, 200, "{list}/{spelling}");
            let schema = one.json();
            assert_eq!(schema["objectTypeId"], PETS);
            assert_eq!(schema["name"], "pets");
            assert_eq!(schema["labels"]["plural"], "Pets");
            assert_eq!(schema["requiredProperties"], json!(["pet_name"]));
        }
        assert_error(&client.get(&format!("{list}/widgets")), 404, "OBJECT_NOT_FOUND");
    }
}

#[test]
fn schemas_use_the_configured_portal_id() {
    let (server, client) = start_with(MockConfig {
        portal_id: 777,
        ..MockConfig::default()
    });
    assert_eq!(server.portal_id(), 777);
    let schema = client.get("/crm/v3/schemas/p777_pets").json();
    assert_eq!(schema["fullyQualifiedName"], "p777_pets");
    assert_eq!(client.get("/crm/v3/objects/p777_pets").status, 200);
    assert_eq!(client.get(&format!("/crm/v3/objects/{PETS_FQN}")).status, 400);
}

#[test]
fn pets_records_work_by_type_id_and_fully_qualified_name_but_not_by_name() {
    let (server, client) = start();
    for version in API_VERSIONS {
        let client = client.at(version);
        let created = client.post(
            &format!("/crm/v3/objects/{PETS}"),
            &json!({"properties": {"pet_name": "Rex", "species": "dog", "birth_date": "2020-05-01"}}),
        );
        let id = created_id(&created);
        let properties = &created.json()["properties"];
        assert_eq!(properties["pet_name"], "Rex");
        assert!(properties["hs_createdate"].is_string() && properties["hs_lastmodifieddate"].is_string());

        let read = client.get(&format!("/crm/v3/objects/{PETS_FQN}/{id}"));
        assert_eq!(read.status, 200);
        let defaults = read.json()["properties"].clone();
        let mut names: Vec<&str> = defaults
            .as_object()
            .map(|members| members.keys().map(String::as_str).collect())
            .unwrap_or_default();
        names.sort_unstable();
        assert_eq!(
            names,
            ["hs_createdate", "hs_lastmodifieddate", "hs_object_id", "pet_name"]
        );

        let updated = client.patch(
            &format!("/crm/v3/objects/{PETS}/{id}"),
            &json!({"properties": {"species": "cat"}}),
        );
        assert_eq!(updated.json()["properties"]["species"], "cat");
        let bad_species = client.patch(
            &format!("/crm/v3/objects/{PETS}/{id}"),
            &json!({"properties": {"species": "dragon"}}),
        );
        assert_error(&bad_species, 400, "VALIDATION_ERROR");
        let cleared_name = client.patch(
            &format!("/crm/v3/objects/{PETS}/{id}"),
            &json!({"properties": {"pet_name": ""}}),
        );
        assert_error(&cleared_name, 400, "VALIDATION_ERROR");

        let unnamed = client.post(
            &format!("/crm/v3/objects/{PETS}"),
            &json!({"properties": {"species": "dog"}}),
        );
        let body = assert_error(&unnamed, 400, "VALIDATION_ERROR");
        assert!(body["message"].as_str().unwrap_or_default().contains("pet_name"));

        let search = client.post(
            &format!("/crm/v3/objects/{PETS_FQN}/search"),
            &json!({"query": "rex", "properties": ["pet_name", "species"]}),
        );
        assert_eq!(search.status, 200);
        assert!(ids(&search).contains(&id));
        assert!(search.json()["results"][0]["properties"]["species"].is_string());

        let list = client.get(&format!("/crm/v3/objects/{PETS}?properties=pet_name,species"));
        assert!(ids(&list).contains(&id));

        for by_name in ["pets", "PETS", "pet"] {
            let refused = client.get(&format!("/crm/v3/objects/{by_name}"));
            assert_eq!(refused.status, 400, "{by_name}");
            assert_eq!(
                refused.json()["message"],
                format!("Unable to infer object type from: {by_name}")
            );
        }

        assert_eq!(client.delete(&format!("/crm/v3/objects/{PETS_FQN}/{id}")).status, 204);
        assert_eq!(client.get(&format!("/crm/v3/objects/{PETS}/{id}")).status, 404);
    }
    assert_eq!(server.record_count(PETS, true), API_VERSIONS.len());
    assert_eq!(server.record_count(PETS_FQN, false), 0);
}

#[test]
fn pets_properties_are_served_by_type_id_and_fully_qualified_name() {
    let (_server, client) = start();
    for version in API_VERSIONS {
        let client = client.at(version);
        for spelling in [PETS, PETS_FQN] {
            let list = client.get(&format!("/crm/v3/properties/{spelling}"));
            assert_eq!(list.status, 200);
            let names: Vec<String> = list.json()["results"]
                .as_array()
                .map(|results| {
                    results
                        .iter()
                        .filter_map(|p| p["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            for name in ["pet_name", "species", "birth_date", "hs_object_id"] {
                assert!(names.iter().any(|known| known == name), "{name}");
            }
            let species = client.get(&format!("/crm/v3/properties/{spelling}/species")).json();
            assert_eq!(species["type"], "enumeration");
            assert_eq!(
                species["options"][2],
                json!({"label": "Rabbit", "value": "rabbit", "displayOrder": 2, "hidden": false})
            );
        }
        assert_eq!(client.get("/crm/v3/properties/pets").status, 400);
    }
}

#[test]
fn pets_associate_with_contacts() {
    let (server, client) = start();
    let contact = created_id(&client.post(
        "/crm/v3/objects/contacts",
        &json!({"properties": {"email": "owner@example.com"}}),
    ));
    let pet = created_id(&client.post(
        &format!("/crm/v3/objects/{PETS}"),
        &json!({"properties": {"pet_name": "Tom"}, "associations": [
            {"to": {"id": contact}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 861}]}]}),
    ));
    let read = client.get(&format!("/crm/v3/objects/{PETS}/{pet}?associations=contacts"));
    assert_eq!(
        read.json()["associations"]["contacts"]["results"][0],
        json!({"id": contact, "type": "pets_to_contact"})
    );
    let back = client.get(&format!("/crm/v3/objects/contacts/{contact}?associations={PETS_FQN}"));
    assert_eq!(back.json()["associations"]["pets"]["results"][0]["id"], pet.as_str());
    server
        .seed_record(PETS, "900", &[("pet_name", "Seeded")])
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .seed_association(PETS_FQN, "900", "contacts", &contact, 861)
        .unwrap_or_else(|e| panic!("{e}"));
    let both = client.get(&format!("/crm/v3/objects/contacts/{contact}?associations={PETS}"));
    assert_eq!(
        both.json()["associations"]["pets"]["results"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn seed_records_seeds_many_records_at_once_for_list_paging() {
    let (server, client) = start();
    let records: Vec<(String, Vec<(String, String)>)> = (1..=250)
        .map(|n| (n.to_string(), vec![("pet_name".to_owned(), format!("Pet {n}"))]))
        .collect();
    server.seed_records(PETS, records).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(server.record_count(PETS, false), 250);
    let mut seen = Vec::new();
    let mut path = format!("/crm/objects/2026-09/{PETS}?limit=100");
    loop {
        let page = client.get(&path);
        assert_eq!(page.status, 200);
        seen.extend(ids(&page));
        match page.json()["paging"]["next"]["after"].as_str() {
            Some(after) => path = format!("/crm/objects/2026-09/{PETS}?limit=100&after={after}"),
            None => break,
        }
    }
    let expected: Vec<String> = (1..=250).map(|n: u32| n.to_string()).collect();
    assert_eq!(seen, expected);
    let bad = server.seed_records(PETS, vec![("x1".to_owned(), Vec::new())]);
    assert!(bad.is_err());
    assert!(server.seed_records("pets", Vec::new()).is_err());
    assert_eq!(server.record_count(PETS, false), 250);
}

#[test]
fn list_defaults_to_10_caps_at_100_and_honours_archived() {
    let (server, client) = start();
    let records: Vec<(String, Vec<(String, String)>)> = (1..=150)
        .map(|n| (n.to_string(), vec![("dealname".to_owned(), format!("D{n}"))]))
        .collect();
    server.seed_records("deals", records).unwrap_or_else(|e| panic!("{e}"));
    for version in API_VERSIONS {
        let client = client.at(version);
        let page = client.get("/crm/v3/objects/deals");
        assert_eq!(ids(&page).len(), 10);
        assert_eq!(page.json()["paging"]["next"]["after"], "11");
        assert_eq!(ids(&client.get("/crm/v3/objects/deals?limit=1000")).len(), 100);
        let with_history = client.get("/crm/v3/objects/deals?limit=100&propertiesWithHistory=dealname");
        assert_eq!(ids(&with_history).len(), 50);
        assert!(with_history.json()["results"][0]["propertiesWithHistory"]["dealname"].is_array());
    }
    assert_eq!(client.delete("/crm/v3/objects/deals/3").status, 204);
    let archived = client.get("/crm/v3/objects/deals?archived=true");
    assert_eq!(ids(&archived), ["3"]);
    assert!(!ids(&client.get("/crm/v3/objects/deals")).contains(&"3".to_owned()));
}

#[test]
fn validation_rules_may_name_custom_objects_by_fully_qualified_name() {
    let (_server, client) = start_with(MockConfig {
        validation_rules: vec![ValidationRule::required(PETS_FQN, "species")],
        ..MockConfig::default()
    });
    let refused = client.at("2026-09").post(
        &format!("/crm/v3/objects/{PETS}"),
        &json!({"properties": {"pet_name": "Rex"}}),
    );
    assert_error(&refused, 400, "VALIDATION_ERROR");
    let allowed = client.at("2026-03").post(
        &format!("/crm/v3/objects/{PETS}"),
        &json!({"properties": {"pet_name": "Rex"}}),
    );
    assert_eq!(allowed.status, 201);
}
