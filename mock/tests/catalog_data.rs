//! Checks the mock's property catalogs and default pipelines (`data/`) against HubSpot's
//! own OpenAPI schemas (`openapi/`) and against the invariants the mock relies on.
//!
//! Reads the files straight from disk, so it does not depend on the crate's library code.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

/// Every object type with a catalog under `data/properties/`.
const TYPES: [&str; 14] = [
    "companies",
    "contacts",
    "deals",
    "line_items",
    "products",
    "tickets",
    "quotes",
    "calls",
    "emails",
    "meetings",
    "notes",
    "postal_mail",
    "tasks",
    "leads",
];

/// Types whose records have an owner (`hubspot_owner_id`) in HubSpot.
const OWNED_TYPES: [&str; 12] = [
    "companies",
    "contacts",
    "deals",
    "tickets",
    "quotes",
    "calls",
    "emails",
    "meetings",
    "notes",
    "postal_mail",
    "tasks",
    "leads",
];

/// `type` values of `PropertyCreate.type` in the properties spec.
const PROPERTY_TYPES: [&str; 7] = [
    "bool",
    "date",
    "datetime",
    "enumeration",
    "number",
    "phone_number",
    "string",
];

type TestResult = Result<(), String>;

fn data_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn load(rel: &str) -> Result<Value, String> {
    let path = data_path(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// OpenAPI 3.0 `nullable: true` widens a schema's `type` (and `enum`) by `null`; JSON Schema
/// has no such keyword and would ignore it. Rewrite it into plain JSON Schema so a `null`
/// is accepted exactly where the spec allows one (and nowhere else). Returns the number of
/// rewritten schemas.
fn rewrite_nullable(value: &mut Value) -> usize {
    let mut count = 0;
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true)) {
                // OAS 3.0.3: `nullable` without a sibling `type` has no effect.
                if let Some(Value::String(ty)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([ty, "null"]));
                    if let Some(Value::Array(variants)) = map.get_mut("enum")
                        && !variants.contains(&Value::Null)
                    {
                        variants.push(Value::Null);
                    }
                    count += 1;
                }
            }
            for child in map.values_mut() {
                count += rewrite_nullable(child);
            }
        }
        Value::Array(items) => {
            for child in items {
                count += rewrite_nullable(child);
            }
        }
        _ => {}
    }
    count
}

/// A validator for `#/components/schemas/{schema}` with the whole OpenAPI document as the
/// root resource, so every internal `$ref` resolves as in the spec. OpenAPI 3.0 schema
/// objects are a JSON Schema draft-4/5 dialect, hence draft 4; `format` is asserted
/// (`date-time` matters here; OpenAPI-only formats such as `int32` are unknown and ignored).
fn openapi_validator(spec: &str, schema: &str) -> Result<jsonschema::Validator, String> {
    let mut doc = load(&format!("openapi/{spec}"))?;
    rewrite_nullable(&mut doc);
    let root = doc
        .as_object_mut()
        .ok_or_else(|| format!("openapi/{spec} is not a JSON object"))?;
    let pointer = format!("#/components/schemas/{schema}");
    if root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(|s| s.get(schema))
        .is_none()
    {
        return Err(format!("openapi/{spec} has no {pointer}"));
    }
    root.insert("$ref".into(), Value::String(pointer));
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&doc)
        .map_err(|e| format!("cannot build a validator for {spec} {schema}: {e}"))
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

fn results<'a>(doc: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    doc.get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{what}: no `results` array"))
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value.as_object().ok_or_else(|| format!("{what}: not an object"))
}

fn str_field<'a>(value: &'a Value, key: &str, what: &str) -> Result<&'a str, String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{what}: `{key}` missing or not a string"))
}

fn bool_field(value: &Value, key: &str, what: &str) -> Result<bool, String> {
    value
        .get(key)
        .and_then(Value::as_bool)
        .ok_or_else(|| format!("{what}: `{key}` missing or not a bool"))
}

fn properties(object_type: &str) -> Result<Vec<Value>, String> {
    let doc = load(&format!("data/properties/{object_type}.json"))?;
    results(&doc, object_type).cloned()
}

fn by_name(props: &[Value]) -> BTreeMap<String, &Value> {
    props
        .iter()
        .filter_map(|p| Some((p.get("name")?.as_str()?.to_owned(), p)))
        .collect()
}

fn find<'a>(props: &'a [Value], name: &str, object_type: &str) -> Result<&'a Value, String> {
    props
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| format!("{object_type}: property `{name}` missing"))
}

fn option_values(prop: &Value) -> Vec<String> {
    prop.get("options")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|o| o.get("value").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn is_archived(prop: &Value) -> bool {
    prop.get("archived").and_then(Value::as_bool) == Some(true)
}

fn read_only_value(prop: &Value) -> Option<bool> {
    prop.get("modificationMetadata")?.get("readOnlyValue")?.as_bool()
}

fn stage_ids(pipeline_file: &str, pipeline_id: &str) -> Result<Vec<String>, String> {
    let doc = load(pipeline_file)?;
    let pipeline = results(&doc, pipeline_file)?
        .iter()
        .find(|p| p.get("id").and_then(Value::as_str) == Some(pipeline_id))
        .ok_or_else(|| format!("{pipeline_file}: no pipeline `{pipeline_id}`"))?;
    pipeline
        .get("stages")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{pipeline_file}: pipeline `{pipeline_id}` has no stages"))?
        .iter()
        .map(|s| str_field(s, "id", "stage").map(str::to_owned))
        .collect()
}

/// Fails with every collected problem at once rather than the first one.
fn report(problems: &[String]) -> TestResult {
    if problems.is_empty() {
        return Ok(());
    }
    let mut text = format!("{} problem(s):", problems.len());
    for problem in problems {
        let _ = write!(text, "\n  - {problem}");
    }
    Err(text)
}

#[test]
fn property_catalogs_validate_against_the_openapi_schema() -> TestResult {
    let collection = openapi_validator("properties.json", "CollectionResponsePropertyNoPaging")?;
    let single = openapi_validator("properties.json", "Property")?;
    let mut problems = Vec::new();
    for object_type in TYPES {
        let doc = load(&format!("data/properties/{object_type}.json"))?;
        problems.extend(
            schema_errors(&collection, &doc)
                .into_iter()
                .map(|e| format!("{object_type}: {e}")),
        );
        for prop in results(&doc, object_type)? {
            let name = prop.get("name").and_then(Value::as_str).unwrap_or("?");
            problems.extend(
                schema_errors(&single, prop)
                    .into_iter()
                    .map(|e| format!("{object_type}.{name}: {e}")),
            );
        }
    }
    report(&problems)
}

#[test]
fn pipelines_validate_against_the_openapi_schema() -> TestResult {
    let collection = openapi_validator("pipelines.json", "CollectionResponsePipelineNoPaging")?;
    let stage = openapi_validator("pipelines.json", "PipelineStage")?;
    let mut problems = Vec::new();
    for file in [
        "data/pipelines/deals.json",
        "data/pipelines/tickets.json",
        "data/pipelines/leads.json",
    ] {
        let doc = load(file)?;
        problems.extend(
            schema_errors(&collection, &doc)
                .into_iter()
                .map(|e| format!("{file}: {e}")),
        );
        for pipeline in results(&doc, file)? {
            for s in pipeline.get("stages").and_then(Value::as_array).into_iter().flatten() {
                problems.extend(
                    schema_errors(&stage, s)
                        .into_iter()
                        .map(|e| format!("{file}: stage: {e}")),
                );
            }
        }
    }
    report(&problems)
}

/// The schema validators must actually reject bad data; guards against a validator that
/// silently accepts everything (e.g. a `$ref` that resolved to an empty schema).
#[test]
fn openapi_validators_reject_malformed_documents() -> TestResult {
    let property = openapi_validator("properties.json", "Property")?;
    let no_options = json!({"name": "x", "label": "X", "type": "string", "fieldType": "text",
                            "description": "", "groupName": "g"});
    let bad_timestamp = json!({"name": "x", "label": "X", "type": "string", "fieldType": "text",
                               "description": "", "groupName": "g", "options": [],
                               "createdAt": "yesterday"});
    let bad_option = json!({"name": "x", "label": "X", "type": "enumeration", "fieldType": "select",
                            "description": "", "groupName": "g", "options": [{"label": "A"}]});
    let stage = openapi_validator("pipelines.json", "PipelineStage")?;
    let number_metadata = json!({"id": "1", "label": "New", "displayOrder": 0, "archived": false,
                                 "createdAt": "1970-01-01T00:00:00Z",
                                 "updatedAt": "1970-01-01T00:00:00Z",
                                 "metadata": {"probability": 0.2}});
    assert!(!property.is_valid(&no_options), "a property without `options` passed");
    assert!(!property.is_valid(&bad_timestamp), "a non-date-time `createdAt` passed");
    assert!(
        !property.is_valid(&bad_option),
        "an option without `value`/`hidden` passed"
    );
    assert!(
        !stage.is_valid(&number_metadata),
        "a non-string stage metadata value passed"
    );
    Ok(())
}

#[test]
fn rewrite_nullable_widens_only_typed_schemas() -> TestResult {
    let mut schema = json!({
        "properties": {
            "a": {"type": "string", "nullable": true, "enum": ["x"]},
            "b": {"type": "integer", "nullable": false},
            "c": {"nullable": true, "$ref": "#/components/schemas/C"}
        }
    });
    assert_eq!(rewrite_nullable(&mut schema), 1);
    assert_eq!(
        schema,
        json!({"properties": {
            "a": {"type": ["string", "null"], "enum": ["x", null]},
            "b": {"type": "integer"},
            "c": {"$ref": "#/components/schemas/C"}
        }})
    );
    Ok(())
}

#[test]
fn property_names_are_unique_per_type() -> TestResult {
    let mut problems = Vec::new();
    for object_type in TYPES {
        let mut seen = BTreeSet::new();
        for prop in properties(object_type)? {
            let name = str_field(&prop, "name", object_type)?;
            if !seen.insert(name.to_owned()) {
                problems.push(format!("{object_type}: `{name}` appears twice"));
            }
        }
    }
    report(&problems)
}

#[test]
fn catalog_sizes_are_realistic() -> TestResult {
    let mut problems = Vec::new();
    for object_type in TYPES {
        let props = properties(object_type)?;
        let live = props.iter().filter(|p| !is_archived(p)).count();
        let (min, max) = match object_type {
            "contacts" | "companies" | "deals" | "tickets" => (25, 60),
            _ => (12, 30),
        };
        if !(min..=max).contains(&live) {
            problems.push(format!("{object_type}: {live} live properties, expected {min}..={max}"));
        }
    }
    report(&problems)
}

/// `type`, `fieldType` and `options` must agree the way they do in HubSpot.
#[test]
fn types_field_types_and_options_are_consistent() -> TestResult {
    // fieldType values of `PropertyCreate.fieldType`, plus the read-only calculated
    // field types HubSpot reports for its own properties.
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        (
            "string",
            &[
                "text",
                "textarea",
                "html",
                "phonenumber",
                "file",
                "calculation_equation",
            ][..],
        ),
        (
            "number",
            &[
                "number",
                "calculation_equation",
                "calculation_rollup",
                "calculation_score",
            ][..],
        ),
        ("date", &["date"][..]),
        (
            "datetime",
            &[
                "date",
                "calculation_read_time",
                "calculation_equation",
                "calculation_rollup",
            ][..],
        ),
        ("bool", &["booleancheckbox", "calculation_equation"][..]),
        (
            "enumeration",
            &["select", "radio", "checkbox", "booleancheckbox", "calculation_equation"][..],
        ),
        ("phone_number", &["phonenumber"][..]),
    ]);
    let mut problems = Vec::new();
    for object_type in TYPES {
        for prop in properties(object_type)? {
            let name = str_field(&prop, "name", object_type)?;
            let what = format!("{object_type}.{name}");
            let ty = str_field(&prop, "type", &what)?;
            let field_type = str_field(&prop, "fieldType", &what)?;
            if !PROPERTY_TYPES.contains(&ty) {
                problems.push(format!("{what}: unknown type `{ty}`"));
                continue;
            }
            if !allowed.get(ty).is_some_and(|f| f.contains(&field_type)) {
                problems.push(format!("{what}: fieldType `{field_type}` with type `{ty}`"));
            }
            let external = bool_field(&prop, "externalOptions", &what)?;
            let values = option_values(&prop);
            let options = prop
                .get("options")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{what}: no options array"))?;
            let labels: BTreeSet<_> = options
                .iter()
                .filter_map(|o| o.get("label").and_then(Value::as_str))
                .collect();
            let distinct: BTreeSet<_> = values.iter().collect();
            if distinct.len() != options.len() || labels.len() != options.len() {
                problems.push(format!("{what}: option values/labels are not unique"));
            }
            match ty {
                "enumeration" if values.is_empty() && !external => {
                    problems.push(format!("{what}: enumeration without options"));
                }
                "bool" if values != ["true", "false"] => {
                    problems.push(format!("{what}: bool options are {values:?}"));
                }
                "enumeration" | "bool" => {}
                _ if !options.is_empty() => {
                    problems.push(format!("{what}: `{ty}` property has options"));
                }
                _ => {}
            }
            if external && ty != "enumeration" {
                problems.push(format!("{what}: externalOptions on a `{ty}` property"));
            }
        }
    }
    report(&problems)
}

#[test]
fn every_property_is_hubspot_defined_with_metadata_and_timestamps() -> TestResult {
    let mut problems = Vec::new();
    for object_type in TYPES {
        for prop in properties(object_type)? {
            let name = str_field(&prop, "name", object_type)?;
            let what = format!("{object_type}.{name}");
            let fields = object(&prop, &what)?;
            if fields.get("hubspotDefined") != Some(&Value::Bool(true)) {
                problems.push(format!("{what}: not hubspotDefined"));
            }
            for key in [
                "displayOrder",
                "calculated",
                "externalOptions",
                "hasUniqueValue",
                "hidden",
                "formField",
                "modificationMetadata",
                "createdAt",
                "updatedAt",
            ] {
                if !fields.contains_key(key) {
                    problems.push(format!("{what}: `{key}` missing"));
                }
            }
            let created = str_field(&prop, "createdAt", &what)?;
            let updated = str_field(&prop, "updatedAt", &what)?;
            // Same `YYYY-MM-DDTHH:MM:SS.mmmZ` shape throughout, so text order is time order.
            if created.len() != 24 || updated.len() != 24 || created > updated {
                problems.push(format!("{what}: createdAt {created} / updatedAt {updated}"));
            }
        }
    }
    report(&problems)
}

#[test]
fn system_properties_are_present_and_read_only() -> TestResult {
    let mut problems = Vec::new();
    for object_type in TYPES {
        let props = properties(object_type)?;
        let (created, modified) = match object_type {
            "contacts" => ("createdate", "lastmodifieddate"),
            "companies" | "deals" => ("createdate", "hs_lastmodifieddate"),
            _ => ("hs_createdate", "hs_lastmodifieddate"),
        };
        let id = find(&props, "hs_object_id", object_type)?;
        if id.get("type") != Some(&json!("number")) || id.get("calculated") != Some(&json!(true)) {
            problems.push(format!("{object_type}.hs_object_id: not a calculated number"));
        }
        for name in ["hs_object_id", created, modified] {
            let prop = find(&props, name, object_type)?;
            // HubSpot lets integrations set a deal's create date (its own
            // definition of the property says `readOnlyValue: false`).
            let writable = object_type == "deals" && name == "createdate";
            if read_only_value(prop) != Some(!writable) {
                problems.push(format!("{object_type}.{name}: value is not read-only"));
            }
            if is_archived(prop) {
                problems.push(format!("{object_type}.{name}: archived"));
            }
            if name != "hs_object_id" && prop.get("type") != Some(&json!("datetime")) {
                problems.push(format!("{object_type}.{name}: not a datetime"));
            }
        }
    }
    report(&problems)
}

#[test]
fn owner_properties_reference_owners() -> TestResult {
    let mut problems = Vec::new();
    for object_type in TYPES {
        let props = properties(object_type)?;
        let owner = by_name(&props).get("hubspot_owner_id").copied();
        match (OWNED_TYPES.contains(&object_type), owner) {
            (true, None) => problems.push(format!("{object_type}: hubspot_owner_id missing")),
            (false, Some(_)) => problems.push(format!("{object_type}: unexpected hubspot_owner_id")),
            (_, Some(owner)) => {
                let expected = [
                    ("type", json!("enumeration")),
                    ("fieldType", json!("select")),
                    ("externalOptions", json!(true)),
                    ("referencedObjectType", json!("OWNER")),
                    ("options", json!([])),
                ];
                for (key, value) in expected {
                    if owner.get(key) != Some(&value) {
                        problems.push(format!("{object_type}.hubspot_owner_id: `{key}` is not {value}"));
                    }
                }
                if read_only_value(owner) != Some(false) {
                    problems.push(format!("{object_type}.hubspot_owner_id: read-only value"));
                }
            }
            (false, None) => {}
        }
    }
    report(&problems)
}

#[test]
fn each_type_has_one_to_three_archived_properties() -> TestResult {
    let mut problems = Vec::new();
    for object_type in TYPES {
        let props = properties(object_type)?;
        let mut archived = 0;
        for prop in &props {
            let name = str_field(prop, "name", object_type)?;
            let has_archived_at = prop.get("archivedAt").is_some();
            match prop.get("archived") {
                Some(Value::Bool(true)) if has_archived_at => archived += 1,
                Some(Value::Bool(true)) => {
                    problems.push(format!("{object_type}.{name}: archived without archivedAt"));
                }
                None | Some(Value::Bool(false)) if has_archived_at => {
                    problems.push(format!("{object_type}.{name}: archivedAt but not archived"));
                }
                None | Some(Value::Bool(false)) => {}
                Some(other) => problems.push(format!("{object_type}.{name}: archived = {other}")),
            }
        }
        if !(1..=3).contains(&archived) {
            problems.push(format!("{object_type}: {archived} archived properties"));
        }
    }
    report(&problems)
}

#[test]
fn pipeline_properties_match_the_default_pipelines() -> TestResult {
    let deals = properties("deals")?;
    let tickets = properties("tickets")?;
    let leads = properties("leads")?;
    let checks = [
        (
            "deals",
            "dealstage",
            option_values(find(&deals, "dealstage", "deals")?),
            stage_ids("data/pipelines/deals.json", "default")?,
        ),
        (
            "deals",
            "pipeline",
            option_values(find(&deals, "pipeline", "deals")?),
            vec!["default".to_owned()],
        ),
        (
            "tickets",
            "hs_pipeline_stage",
            option_values(find(&tickets, "hs_pipeline_stage", "tickets")?),
            stage_ids("data/pipelines/tickets.json", "0")?,
        ),
        (
            "tickets",
            "hs_pipeline",
            option_values(find(&tickets, "hs_pipeline", "tickets")?),
            vec!["0".to_owned()],
        ),
        (
            "leads",
            "hs_pipeline_stage",
            option_values(find(&leads, "hs_pipeline_stage", "leads")?),
            stage_ids("data/pipelines/leads.json", "lead-pipeline-id")?,
        ),
        (
            "leads",
            "hs_pipeline",
            option_values(find(&leads, "hs_pipeline", "leads")?),
            vec!["lead-pipeline-id".to_owned()],
        ),
    ];
    let mut problems = Vec::new();
    for (object_type, name, options, expected) in checks {
        if options != expected {
            problems.push(format!(
                "{object_type}.{name}: options {options:?}, expected {expected:?}"
            ));
        }
    }
    report(&problems)
}

#[test]
fn default_deal_pipeline_has_hubspots_stages() -> TestResult {
    let doc = load("data/pipelines/deals.json")?;
    let pipelines = results(&doc, "deal pipelines")?;
    assert_eq!(pipelines.len(), 1);
    let pipeline = &pipelines[0];
    assert_eq!(pipeline.get("id"), Some(&json!("default")));
    assert_eq!(pipeline.get("label"), Some(&json!("Sales Pipeline")));
    assert_eq!(pipeline.get("displayOrder"), Some(&json!(0)));
    assert_eq!(pipeline.get("createdAt"), Some(&json!("1970-01-01T00:00:00Z")));
    assert_eq!(pipeline.get("archived"), Some(&json!(false)));
    let expected = [
        ("appointmentscheduled", "0.2", "false"),
        ("qualifiedtobuy", "0.4", "false"),
        ("presentationscheduled", "0.6", "false"),
        ("decisionmakerboughtin", "0.8", "false"),
        ("contractsent", "0.9", "false"),
        ("closedwon", "1.0", "true"),
        ("closedlost", "0.0", "true"),
    ];
    let stages = pipeline
        .get("stages")
        .and_then(Value::as_array)
        .ok_or("deal pipeline: no stages")?;
    assert_eq!(stages.len(), expected.len());
    for (order, (stage, (id, probability, closed))) in stages.iter().zip(expected).enumerate() {
        assert_eq!(stage.get("id"), Some(&json!(id)));
        assert_eq!(stage.get("displayOrder"), Some(&json!(order)));
        assert_eq!(stage.get("archived"), Some(&json!(false)));
        assert_eq!(
            stage.get("metadata"),
            Some(&json!({"isClosed": closed, "probability": probability})),
            "stage {id}"
        );
    }
    Ok(())
}

#[test]
fn default_ticket_pipeline_has_hubspots_stages() -> TestResult {
    let doc = load("data/pipelines/tickets.json")?;
    let pipelines = results(&doc, "ticket pipelines")?;
    assert_eq!(pipelines.len(), 1);
    let pipeline = &pipelines[0];
    assert_eq!(pipeline.get("id"), Some(&json!("0")));
    assert_eq!(pipeline.get("label"), Some(&json!("Support Pipeline")));
    assert_eq!(pipeline.get("createdAt"), Some(&json!("1970-01-01T00:00:00Z")));
    let expected = [
        ("1", "New", "OPEN"),
        ("2", "Waiting on contact", "OPEN"),
        ("3", "Waiting on us", "OPEN"),
        ("4", "Closed", "CLOSED"),
    ];
    let stages = pipeline
        .get("stages")
        .and_then(Value::as_array)
        .ok_or("ticket pipeline: no stages")?;
    assert_eq!(stages.len(), expected.len());
    for (order, (stage, (id, label, state))) in stages.iter().zip(expected).enumerate() {
        assert_eq!(stage.get("id"), Some(&json!(id)));
        assert_eq!(stage.get("label"), Some(&json!(label)));
        assert_eq!(stage.get("displayOrder"), Some(&json!(order)));
        let metadata = stage.get("metadata").ok_or("ticket stage without metadata")?;
        assert_eq!(metadata.get("ticketState"), Some(&json!(state)), "stage {id}");
        let closed = if state == "CLOSED" { "true" } else { "false" };
        assert_eq!(metadata.get("isClosed"), Some(&json!(closed)), "stage {id}");
    }
    Ok(())
}

#[test]
fn default_lead_pipeline_has_hubspots_stages() -> TestResult {
    let doc = load("data/pipelines/leads.json")?;
    let pipelines = results(&doc, "lead pipelines")?;
    assert_eq!(pipelines.len(), 1);
    let pipeline = &pipelines[0];
    assert_eq!(pipeline.get("id"), Some(&json!("lead-pipeline-id")));
    assert_eq!(pipeline.get("createdAt"), Some(&json!("1970-01-01T00:00:00Z")));
    let expected = [
        ("new-stage-id", "New", false),
        ("attempting-stage-id", "Attempting", false),
        ("connected-stage-id", "Connected", false),
        ("qualified-stage-id", "Qualified", true),
        ("unqualified-stage-id", "Disqualified", true),
    ];
    let stages = pipeline
        .get("stages")
        .and_then(Value::as_array)
        .ok_or("lead pipeline: no stages")?;
    assert_eq!(stages.len(), expected.len());
    for (order, (stage, (id, label, closed))) in stages.iter().zip(expected).enumerate() {
        assert_eq!(stage.get("id"), Some(&json!(id)));
        assert_eq!(stage.get("label"), Some(&json!(label)));
        assert_eq!(stage.get("displayOrder"), Some(&json!(order)));
        let metadata = stage.get("metadata").ok_or("lead stage without metadata")?;
        assert_eq!(metadata.get("isClosed"), Some(&json!(closed.to_string())), "stage {id}");
    }
    Ok(())
}

/// The properties the connector and the mock's tests lean on, with the shape HubSpot gives them.
#[test]
fn well_known_properties_have_hubspots_shape() -> TestResult {
    let expected: &[(&str, &str, &str, &str)] = &[
        ("contacts", "email", "string", "text"),
        ("contacts", "firstname", "string", "text"),
        ("contacts", "lastname", "string", "text"),
        ("contacts", "phone", "string", "phonenumber"),
        ("contacts", "mobilephone", "string", "phonenumber"),
        ("contacts", "company", "string", "text"),
        ("contacts", "jobtitle", "string", "text"),
        ("contacts", "website", "string", "text"),
        ("contacts", "address", "string", "text"),
        ("contacts", "city", "string", "text"),
        ("contacts", "state", "string", "text"),
        ("contacts", "zip", "string", "text"),
        ("contacts", "country", "string", "text"),
        ("contacts", "lifecyclestage", "enumeration", "radio"),
        ("contacts", "hs_lead_status", "enumeration", "radio"),
        ("contacts", "date_of_birth", "string", "text"),
        ("companies", "name", "string", "text"),
        ("companies", "domain", "string", "text"),
        ("companies", "website", "string", "text"),
        ("companies", "industry", "enumeration", "select"),
        ("companies", "phone", "string", "phonenumber"),
        ("companies", "numberofemployees", "number", "number"),
        ("companies", "annualrevenue", "number", "number"),
        ("companies", "type", "enumeration", "radio"),
        ("companies", "lifecyclestage", "enumeration", "radio"),
        ("companies", "description", "string", "textarea"),
        ("companies", "founded_year", "string", "text"),
        ("deals", "dealname", "string", "text"),
        ("deals", "amount", "number", "number"),
        ("deals", "dealstage", "enumeration", "radio"),
        ("deals", "pipeline", "enumeration", "select"),
        ("deals", "closedate", "datetime", "date"),
        ("deals", "dealtype", "enumeration", "radio"),
        ("deals", "description", "string", "textarea"),
        ("deals", "hs_priority", "enumeration", "select"),
        ("tickets", "subject", "string", "text"),
        ("leads", "hs_lead_name", "string", "text"),
        ("leads", "hs_lead_type", "enumeration", "select"),
        ("leads", "hs_lead_label", "enumeration", "select"),
        ("leads", "hs_pipeline", "enumeration", "select"),
        ("leads", "hs_pipeline_stage", "enumeration", "select"),
        ("tickets", "content", "string", "textarea"),
        ("tickets", "hs_pipeline", "enumeration", "select"),
        ("tickets", "hs_pipeline_stage", "enumeration", "select"),
        ("tickets", "hs_ticket_priority", "enumeration", "select"),
        ("tickets", "hs_ticket_category", "enumeration", "checkbox"),
        ("tickets", "source_type", "enumeration", "select"),
        ("products", "name", "string", "text"),
        ("products", "description", "string", "textarea"),
        ("products", "price", "number", "number"),
        ("products", "hs_sku", "string", "text"),
        ("products", "hs_cost_of_goods_sold", "number", "number"),
        ("products", "recurringbillingfrequency", "enumeration", "select"),
        ("products", "hs_recurring_billing_period", "string", "text"),
        ("line_items", "name", "string", "text"),
        ("line_items", "quantity", "number", "number"),
        ("line_items", "price", "number", "number"),
        ("line_items", "amount", "number", "calculation_equation"),
        ("line_items", "hs_product_id", "number", "number"),
        ("line_items", "discount", "number", "number"),
        ("line_items", "hs_sku", "string", "text"),
        ("quotes", "hs_title", "string", "text"),
        ("quotes", "hs_expiration_date", "date", "date"),
        ("quotes", "hs_status", "enumeration", "select"),
        ("quotes", "hs_currency", "string", "text"),
        ("quotes", "hs_language", "enumeration", "select"),
        ("calls", "hs_timestamp", "datetime", "date"),
        ("calls", "hs_call_title", "string", "text"),
        ("calls", "hs_call_body", "string", "html"),
        ("calls", "hs_call_duration", "number", "number"),
        ("calls", "hs_call_direction", "enumeration", "select"),
        ("calls", "hs_call_disposition", "enumeration", "select"),
        ("calls", "hs_call_status", "enumeration", "select"),
        ("emails", "hs_timestamp", "datetime", "date"),
        ("emails", "hs_email_subject", "string", "text"),
        ("emails", "hs_email_text", "string", "textarea"),
        ("emails", "hs_email_direction", "enumeration", "select"),
        ("emails", "hs_email_status", "enumeration", "select"),
        ("meetings", "hs_timestamp", "datetime", "date"),
        ("meetings", "hs_meeting_title", "string", "text"),
        ("meetings", "hs_meeting_body", "string", "html"),
        ("meetings", "hs_meeting_start_time", "datetime", "date"),
        ("meetings", "hs_meeting_end_time", "datetime", "date"),
        ("meetings", "hs_meeting_outcome", "enumeration", "select"),
        ("meetings", "hs_meeting_location", "string", "text"),
        ("notes", "hs_timestamp", "datetime", "date"),
        ("notes", "hs_note_body", "string", "html"),
        ("notes", "hs_attachment_ids", "enumeration", "checkbox"),
        ("postal_mail", "hs_timestamp", "datetime", "date"),
        ("postal_mail", "hs_postal_mail_body", "string", "html"),
        ("tasks", "hs_timestamp", "datetime", "date"),
        ("tasks", "hs_task_subject", "string", "text"),
        ("tasks", "hs_task_body", "string", "html"),
        ("tasks", "hs_task_status", "enumeration", "select"),
        ("tasks", "hs_task_priority", "enumeration", "select"),
        ("tasks", "hs_task_type", "enumeration", "select"),
    ];
    let mut catalogs = BTreeMap::new();
    for object_type in TYPES {
        catalogs.insert(object_type, properties(object_type)?);
    }
    let mut problems = Vec::new();
    for &(object_type, name, ty, field_type) in expected {
        let props = catalogs
            .get(object_type)
            .ok_or_else(|| format!("no catalog for {object_type}"))?;
        let Ok(prop) = find(props, name, object_type) else {
            problems.push(format!("{object_type}.{name}: missing"));
            continue;
        };
        if is_archived(prop) {
            problems.push(format!("{object_type}.{name}: archived"));
        }
        let actual = (prop.get("type"), prop.get("fieldType"));
        if actual != (Some(&json!(ty)), Some(&json!(field_type))) {
            problems.push(format!("{object_type}.{name}: {actual:?}, expected {ty}/{field_type}"));
        }
    }
    report(&problems)
}

#[test]
fn well_known_options_are_hubspots_values() -> TestResult {
    let contacts = properties("contacts")?;
    let companies = properties("companies")?;
    let deals = properties("deals")?;
    let tickets = properties("tickets")?;
    let lifecycle = [
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
        "evangelist",
        "other",
    ];
    assert_eq!(option_values(find(&contacts, "lifecyclestage", "contacts")?), lifecycle);
    assert_eq!(
        option_values(find(&companies, "lifecyclestage", "companies")?),
        lifecycle
    );
    assert_eq!(
        option_values(find(&companies, "type", "companies")?),
        ["PROSPECT", "PARTNER", "RESELLER", "VENDOR", "OTHER"]
    );
    assert_eq!(
        option_values(find(&deals, "dealtype", "deals")?),
        ["newbusiness", "existingbusiness"]
    );
    assert_eq!(
        option_values(find(&tickets, "hs_ticket_priority", "tickets")?),
        ["LOW", "MEDIUM", "HIGH", "URGENT"]
    );
    let leads = properties("leads")?;
    assert_eq!(
        option_values(find(&leads, "hs_lead_type", "leads")?),
        ["NEW_BUSINESS", "UPSELL", "RE_ATTEMPTING"]
    );
    assert_eq!(
        option_values(find(&leads, "hs_lead_label", "leads")?),
        ["HOT", "WARM", "COLD"]
    );
    let industry = find(&companies, "industry", "companies")?;
    let values = option_values(industry);
    assert!(values.len() >= 140, "only {} industries", values.len());
    for value in [
        "ACCOUNTING",
        "COMPUTER_SOFTWARE",
        "INFORMATION_TECHNOLOGY_AND_SERVICES",
        "FINANCIAL_SERVICES",
        "HOSPITAL_HEALTH_CARE",
    ] {
        assert!(values.iter().any(|v| v == value), "industry option {value} missing");
    }
    let software = industry
        .get("options")
        .and_then(Value::as_array)
        .and_then(|o| o.iter().find(|o| o.get("value") == Some(&json!("COMPUTER_SOFTWARE"))))
        .and_then(|o| o.get("label"));
    assert_eq!(software, Some(&json!("Computer Software")));
    Ok(())
}
