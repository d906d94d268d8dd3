//! The batch record endpoints, `POST /crm/v3/objects/{objectType}/batch/{create|read|
//! update|upsert|archive}`: each input goes through the same checks as the single
//! endpoint's, and the reply is HubSpot's batch answer: 201 (create) or 200 with
//! `results` when every input succeeds, 207 with `errors` and `numErrors` besides
//! when some fail, 204 for archive.
//!
//! ⚠ Choices where HubSpot is undocumented:
//! - More than 100 inputs (50 for a read with `propertiesWithHistory`) answer 400
//!   `VALIDATION_ERROR` "Too many inputs: the limit is 100, got 101", and nothing is done.
//! - A create whose inputs do not all carry a unique `objectWriteTraceId` is all or
//!   nothing: the first failing input's error answers for the whole request and no
//!   record is created. With them, each input succeeds or fails on its own and each
//!   error's `context.objectWriteTraceId` names its input; each record carries its
//!   input's `objectWriteTraceId`.
//! - Update, upsert and read fail per input: an id that names no record is one
//!   `OBJECT_NOT_FOUND` error listing every such id in `context.ids`; any other refusal
//!   is the single endpoint's error with the input's id in `context.ids`.
//! - The same id twice in one update or upsert answers 400 "Duplicate IDs found in
//!   batch input: [id]".
//! - Upsert needs each input's `idProperty`; a record whose value of it matches `id`
//!   (e-mail case-insensitively) is updated (`new: false`), else one is created with
//!   that value set (`new: true`).
//! - Archive archives every numeric id that names a live record and ignores the rest,
//!   as the single archive does.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::errors::ApiError;
use crate::handler::{Call, Reply};
use crate::object_endpoints::{create_one, locate_by, update_one};
use crate::render::{Selection, record_json};
use crate::requests::{self, AssociationInput, CreateBody, PropertyMap, Scalar};
use crate::timestamps::{format_iso, now_ms};

/// Most inputs in one batch request.
const BATCH_LIMIT: usize = 100;
/// Most inputs in one batch read that asks for `propertiesWithHistory`.
const BATCH_LIMIT_WITH_HISTORY: usize = 50;

/// Which batch endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BatchOperation {
    Create,
    Read,
    Update,
    Upsert,
    Archive,
}

impl BatchOperation {
    /// The operation a path's last segment names.
    pub(crate) fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "create" => Self::Create,
            "read" => Self::Read,
            "update" => Self::Update,
            "upsert" => Self::Upsert,
            "archive" => Self::Archive,
            _ => return None,
        })
    }

    /// Whether it only reads.
    pub(crate) fn reads(self) -> bool {
        self == Self::Read
    }
}

#[derive(Debug, Deserialize)]
struct Inputs<T> {
    inputs: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateInput {
    #[serde(default)]
    properties: PropertyMap,
    #[serde(default)]
    associations: Vec<AssociationInput>,
    #[serde(default)]
    object_write_trace_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdInput {
    id: Scalar,
    #[serde(default)]
    id_property: Option<String>,
    #[serde(default)]
    properties: PropertyMap,
    #[serde(default)]
    object_write_trace_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadBody {
    inputs: Vec<IdInput>,
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    properties_with_history: Vec<String>,
    #[serde(default)]
    id_property: Option<String>,
}

/// Answer a batch request.
pub(crate) fn handle(call: Call<'_>, operation: BatchOperation) -> Result<Reply, ApiError> {
    let started = now_ms();
    let outcome = match operation {
        BatchOperation::Create => create(call)?,
        BatchOperation::Read => read(call)?,
        BatchOperation::Update => update(call, false)?,
        BatchOperation::Upsert => update(call, true)?,
        BatchOperation::Archive => return archive(call),
    };
    let mut body = json!({
        "status": "COMPLETE",
        "results": outcome.results,
        "startedAt": format_iso(started),
        "completedAt": format_iso(now_ms()),
    });
    if outcome.errors.is_empty() {
        let status = if operation == BatchOperation::Create { 201 } else { 200 };
        return Ok(Reply::Json(status, body));
    }
    body["numErrors"] = json!(outcome.errors.len());
    body["errors"] = Value::Array(outcome.errors);
    Ok(Reply::Json(207, body))
}

/// The records and the per-input errors of a batch.
#[derive(Default)]
struct Outcome {
    results: Vec<Value>,
    errors: Vec<Value>,
}

/// `inputs` of at most `limit`, or HubSpot's 400.
fn inputs<T: serde::de::DeserializeOwned>(body: &[u8], limit: usize) -> Result<Vec<T>, ApiError> {
    let Inputs { inputs } = requests::parse(body)?;
    check_limit(inputs.len(), limit)?;
    Ok(inputs)
}

fn check_limit(count: usize, limit: usize) -> Result<(), ApiError> {
    if count > limit {
        return Err(ApiError::validation(format!(
            "Too many inputs: the limit is {limit}, got {count}"
        )));
    }
    Ok(())
}

/// HubSpot's `StandardError` for one input: the single endpoint's error with what
/// names the input added to its context.
fn standard_error(error: &ApiError, named_by: (&str, Vec<String>)) -> Value {
    let mut context = error.context.clone();
    let (key, values) = named_by;
    context.entry(key.to_owned()).or_default().extend(values);
    let mut body = Map::new();
    body.insert("status".to_owned(), json!("error"));
    body.insert(
        "category".to_owned(),
        json!(error.category.unwrap_or("VALIDATION_ERROR")),
    );
    if let Some(sub_category) = error.sub_category {
        body.insert("subCategory".to_owned(), json!(sub_category));
    }
    body.insert("message".to_owned(), json!(error.message));
    body.insert("context".to_owned(), json!(context));
    body.insert("errors".to_owned(), json!([]));
    body.insert("links".to_owned(), json!({}));
    Value::Object(body)
}

fn create(mut call: Call<'_>) -> Result<Outcome, ApiError> {
    let body = call.body.to_vec();
    let inputs: Vec<CreateInput> = inputs(&body, BATCH_LIMIT)?;
    let traces: Vec<&str> = inputs
        .iter()
        .filter_map(|input| input.object_write_trace_id.as_deref())
        .collect();
    let mut unique = traces.clone();
    unique.sort_unstable();
    unique.dedup();
    let traced = traces.len() == inputs.len() && unique.len() == traces.len();
    let mut outcome = Outcome::default();
    if !traced {
        // All or nothing: every input is checked before any record is made.
        let bodies: Vec<CreateBody> = inputs
            .into_iter()
            .map(|input| CreateBody {
                properties: input.properties,
                associations: input.associations,
            })
            .collect();
        for body in &bodies {
            crate::object_endpoints::check_create(&call, body)?;
        }
        for body in bodies {
            outcome.results.push(create_one(&mut call, body)?);
        }
        return Ok(outcome);
    }
    for input in inputs {
        let trace = input.object_write_trace_id.unwrap_or_default();
        let body = CreateBody {
            properties: input.properties,
            associations: input.associations,
        };
        match create_one(&mut call, body) {
            Ok(mut record) => {
                record["objectWriteTraceId"] = json!(trace);
                outcome.results.push(record);
            }
            Err(error) => outcome
                .errors
                .push(standard_error(&error, ("objectWriteTraceId", vec![trace]))),
        }
    }
    Ok(outcome)
}

fn read(call: Call<'_>) -> Result<Outcome, ApiError> {
    let body: ReadBody = requests::parse(call.body)?;
    let limit = if body.properties_with_history.is_empty() {
        BATCH_LIMIT
    } else {
        BATCH_LIMIT_WITH_HISTORY
    };
    check_limit(body.inputs.len(), limit)?;
    let archived = call.query.flag("archived");
    let mut outcome = Outcome::default();
    let mut missing = Vec::new();
    let mut seen = Vec::new();
    for input in &body.inputs {
        let raw_id = input.id.0.as_str();
        match locate_by(&call, raw_id, archived, body.id_property.as_deref()) {
            Ok(id) if seen.contains(&id) => {}
            Ok(id) => {
                seen.push(id);
                if let Some(record) = call.store.record(call.object_type, id) {
                    let mut json = record_json(
                        call.catalog,
                        record,
                        Selection::Requested(&body.properties),
                        &body.properties_with_history,
                    );
                    if body.id_property.is_some() {
                        json.insert("id".to_owned(), json!(id.to_string()));
                    }
                    outcome.results.push(Value::Object(json));
                }
            }
            Err(error) if error.status == 404 => missing.push(raw_id.to_owned()),
            Err(error) => return Err(error),
        }
    }
    if !missing.is_empty() {
        outcome.errors.push(not_found(&call, missing));
    }
    Ok(outcome)
}

/// One `OBJECT_NOT_FOUND` error for every id that names no record.
fn not_found(call: &Call<'_>, ids: Vec<String>) -> Value {
    let error = ApiError::new(
        404,
        "OBJECT_NOT_FOUND",
        format!(
            "Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.",
            call.object_type.singular().to_ascii_uppercase()
        ),
    );
    standard_error(&error, ("ids", ids))
}

fn update(mut call: Call<'_>, upsert: bool) -> Result<Outcome, ApiError> {
    let body = call.body.to_vec();
    let inputs: Vec<IdInput> = inputs(&body, BATCH_LIMIT)?;
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    for input in &inputs {
        *counted.entry(input.id.0.as_str()).or_default() += 1;
    }
    let twice: Vec<&str> = counted
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(id, _)| id)
        .collect();
    if !twice.is_empty() {
        return Err(ApiError::validation(format!(
            "Duplicate IDs found in batch input: [{}]. IDs must be unique",
            twice.join(", ")
        )));
    }
    let mut outcome = Outcome::default();
    let mut missing = Vec::new();
    for input in inputs {
        let raw_id = input.id.0.clone();
        let id_property = input.id_property.as_deref().map(str::trim).filter(|p| !p.is_empty());
        if upsert && id_property.is_none() {
            let error = ApiError::validation("idProperty is required for upsert");
            outcome.errors.push(standard_error(&error, ("ids", vec![raw_id])));
            continue;
        }
        let located = locate_by(&call, &raw_id, false, id_property);
        let written = match (located, id_property) {
            (Ok(id), _) => update_one(&mut call, id, input.properties).map(|record| (record, false)),
            (Err(error), Some(property)) if upsert && error.status == 404 && property != "hs_object_id" => {
                let mut properties = input.properties;
                properties.insert(property.to_owned(), Scalar(raw_id.clone()));
                let body = CreateBody {
                    properties,
                    associations: Vec::new(),
                };
                create_one(&mut call, body).map(|record| (record, true))
            }
            (Err(error), _) => Err(error),
        };
        match written {
            Ok((mut record, new)) => {
                if upsert {
                    record["new"] = json!(new);
                }
                if let Some(trace) = input.object_write_trace_id {
                    record["objectWriteTraceId"] = json!(trace);
                }
                outcome.results.push(record);
            }
            Err(error) if error.status == 404 => missing.push(raw_id),
            Err(error) => outcome.errors.push(standard_error(&error, ("ids", vec![raw_id]))),
        }
    }
    if !missing.is_empty() {
        outcome.errors.push(not_found(&call, missing));
    }
    Ok(outcome)
}

fn archive(call: Call<'_>) -> Result<Reply, ApiError> {
    let inputs: Vec<IdInput> = inputs(call.body, BATCH_LIMIT)?;
    for input in inputs {
        if let Ok(id) = input.id.0.trim().parse::<u64>() {
            call.store.archive(call.object_type, id);
        }
    }
    Ok(Reply::NoContent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::object_endpoints::tests::call;
    use crate::objects::ObjectType;
    use crate::store::Store;

    fn answer(reply: Result<Reply, ApiError>) -> (u16, Value) {
        match reply {
            Ok(Reply::Json(status, body)) => (status, body),
            Ok(Reply::NoContent) => (204, Value::Null),
            Ok(Reply::Error(error)) | Err(error) => (error.status, json!({"message": error.message})),
        }
    }

    fn contacts(emails: &[&str], traced: bool) -> Vec<u8> {
        let inputs: Vec<Value> = emails
            .iter()
            .enumerate()
            .map(|(index, email)| {
                let mut input = json!({"properties": {"email": email}, "associations": []});
                if traced {
                    input["objectWriteTraceId"] = json!(index.to_string());
                }
                input
            })
            .collect();
        json!({ "inputs": inputs }).to_string().into_bytes()
    }

    #[test]
    fn batch_create_fails_per_input_only_with_trace_ids() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let body = contacts(&["a@example.com", "not-an-email", "b@example.com"], true);
        let (status, reply) = answer(handle(call(&catalog, &mut store, "", &body), BatchOperation::Create));
        assert_eq!(status, 207, "{reply}");
        assert_eq!(reply["numErrors"], 1);
        assert_eq!(reply["errors"][0]["context"]["objectWriteTraceId"], json!(["1"]));
        assert_eq!(reply["results"][1]["objectWriteTraceId"], "2");
        assert_eq!(store.count(ObjectType::Contacts, false), 2);

        let body = contacts(&["c@example.com", "not-an-email"], false);
        let (status, _) = answer(handle(call(&catalog, &mut store, "", &body), BatchOperation::Create));
        assert_eq!(status, 400);
        assert_eq!(store.count(ObjectType::Contacts, false), 2, "nothing created");

        let body = contacts(&["d@example.com"], false);
        let (status, reply) = answer(handle(call(&catalog, &mut store, "", &body), BatchOperation::Create));
        assert_eq!((status, reply["status"].as_str()), (201, Some("COMPLETE")));
    }

    #[test]
    fn batch_requests_over_the_limit_are_refused() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let emails: Vec<String> = (0..101).map(|n| format!("p{n}@example.com")).collect();
        let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
        let body = contacts(&refs, true);
        let (status, _) = answer(handle(call(&catalog, &mut store, "", &body), BatchOperation::Create));
        assert_eq!(status, 400);
        let ids: Vec<Value> = (0..51).map(|n| json!({"id": n.to_string()})).collect();
        let body = json!({"inputs": ids, "properties": [], "propertiesWithHistory": ["email"]}).to_string();
        let (status, _) = answer(handle(
            call(&catalog, &mut store, "", body.as_bytes()),
            BatchOperation::Read,
        ));
        assert_eq!(status, 400);
        assert_eq!(store.count(ObjectType::Contacts, true), 0);
    }

    #[test]
    fn batch_read_update_and_archive_name_unknown_ids() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let id = store.create(
            ObjectType::Contacts,
            &BTreeMap::from([("email".to_owned(), "a@example.com".to_owned())]),
        );
        let body = json!({"inputs": [{"id": id.to_string()}, {"id": "999"}], "properties": ["email"],
                          "propertiesWithHistory": []})
        .to_string();
        let (status, reply) = answer(handle(
            call(&catalog, &mut store, "", body.as_bytes()),
            BatchOperation::Read,
        ));
        assert_eq!(status, 207);
        assert_eq!(reply["results"][0]["properties"]["email"], "a@example.com");
        assert_eq!(reply["errors"][0]["category"], "OBJECT_NOT_FOUND");
        assert_eq!(reply["errors"][0]["context"]["ids"], json!(["999"]));

        let body = json!({"inputs": [{"id": id.to_string(), "properties": {"firstname": "Ann"}},
                                      {"id": "999", "properties": {"firstname": "Bo"}}]})
        .to_string();
        let (status, reply) = answer(handle(
            call(&catalog, &mut store, "", body.as_bytes()),
            BatchOperation::Update,
        ));
        assert_eq!(status, 207);
        assert_eq!(reply["results"][0]["properties"]["firstname"], "Ann");
        assert_eq!(reply["errors"][0]["context"]["ids"], json!(["999"]));

        let twice = json!({"inputs": [{"id": "1", "properties": {}}, {"id": "1", "properties": {}}]}).to_string();
        let (status, _) = answer(handle(
            call(&catalog, &mut store, "", twice.as_bytes()),
            BatchOperation::Update,
        ));
        assert_eq!(status, 400);

        let body = json!({"inputs": [{"id": id.to_string()}, {"id": "999"}]}).to_string();
        let (status, _) = answer(handle(
            call(&catalog, &mut store, "", body.as_bytes()),
            BatchOperation::Archive,
        ));
        assert_eq!(status, 204);
        assert_eq!(store.count(ObjectType::Contacts, false), 0);
    }

    #[test]
    fn batch_upsert_creates_or_updates_by_the_id_property() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        store.create(
            ObjectType::Contacts,
            &BTreeMap::from([("email".to_owned(), "a@example.com".to_owned())]),
        );
        let body = json!({"inputs": [
            {"id": "A@example.com", "idProperty": "email", "properties": {"firstname": "Ann"}},
            {"id": "b@example.com", "idProperty": "email", "properties": {"firstname": "Bo"}}]})
        .to_string();
        let (status, reply) = answer(handle(
            call(&catalog, &mut store, "", body.as_bytes()),
            BatchOperation::Upsert,
        ));
        assert_eq!(status, 200, "{reply}");
        assert_eq!(reply["results"][0]["new"], false);
        assert_eq!(reply["results"][1]["new"], true);
        assert_eq!(reply["results"][1]["properties"]["email"], "b@example.com");
        assert_eq!(store.count(ObjectType::Contacts, false), 2);
    }
}
