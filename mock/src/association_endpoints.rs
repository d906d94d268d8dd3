//! HubSpot's v4 associations API, served under `/crm/v4/objects/…`,
//! `/crm/v4/associations/…` and `/crm/associations/v4/…` (the `v3` version of the mock)
//! and under the date-based paths `/crm/objects/{version}/…` and
//! `/crm/associations/{version}/…`, over the same store reads use (see
//! `associations.rs` for the types and labels).
//!
//! - `PUT …/associations/default/{toType}/{toId}` makes the pair's unlabeled default type
//!   and answers 200 with a batch response naming it.
//! - `PUT …/associations/{toType}/{toId}` with `[{associationCategory, associationTypeId}]`
//!   answers 201 with the labels now between the two records; a type id that does not lead
//!   from the record's type to `toType` in that category is 400 `VALIDATION_ERROR`.
//! - `GET …/associations/{toType}` (not in 2026-09's spec, so not served there) lists
//!   `{toObjectId, associationTypes}` by target id; `limit` defaults to 500 and is clamped to
//!   1..=500 (the spec's stated maximum), `after` is the last target id of the previous page.
//! - `POST …/batch/read` answers each input's page the same way (⚠ 500 targets per input
//!   and page: the spec states no page size); an input without associations gets no
//!   result but an error "No contact is associated with deal …" and the answer is 207, as
//!   HubSpot's is (200 in 2026-09, whose spec lists no 207) (its `subCategory` `NO_ASSOCIATIONS_FOUND` is left out: the spec types
//!   `subCategory` as an object).
//! - `DELETE …/associations/{toType}/{toId}` removes every type between the two records,
//!   `POST …/batch/labels/archive` only the types given; 204 in v4, 200 with a batch
//!   response in the dated versions, as their specs say.
//! - An unknown or archived record is 404 `OBJECT_NOT_FOUND`; `toType` naming no object
//!   type is HubSpot's 400 "Unable to infer object type".

use serde::Deserialize;
use serde_json::{Value, json};

use crate::associations::{self, AssociationType};
use crate::errors::ApiError;
use crate::handler::{Call, Reply};
use crate::objects::ObjectType;
use crate::requests::AssociationCategory;
use crate::timestamps::{format_iso, now_ms};

/// Associations per page of a record's associations, at most (and by default).
const PAGE: usize = 500;

/// One `{associationCategory, associationTypeId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    association_category: AssociationCategory,
    association_type_id: u32,
}

#[derive(Debug, Deserialize)]
struct ObjectId {
    id: Value,
}

#[derive(Debug, Deserialize)]
struct LabelsInput {
    from: ObjectId,
    to: ObjectId,
    types: Vec<Spec>,
}

#[derive(Debug, Deserialize)]
struct ReadInput {
    id: Value,
    #[serde(default)]
    after: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Inputs<T> {
    inputs: Vec<T>,
}

fn to_type(call: &Call<'_>, raw: &str) -> Result<ObjectType, ApiError> {
    ObjectType::resolve(raw, call.portal_id).ok_or_else(|| ApiError::unknown_object_type(raw))
}

fn id_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The id of a live record of `object_type`, or 404.
fn live(call: &Call<'_>, object_type: ObjectType, raw_id: &str) -> Result<u64, ApiError> {
    raw_id
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|id| {
            call.store
                .record(object_type, *id)
                .is_some_and(|record| !record.is_archived())
        })
        .ok_or_else(|| ApiError::object_not_found(raw_id))
}

/// The type `spec` names from `from` to `to`, or HubSpot's 400.
fn kind_of(spec: &Spec, from: ObjectType, to: ObjectType) -> Result<AssociationType, ApiError> {
    associations::from_type(from, spec.association_type_id)
        .filter(|kind| kind.to == to && kind.category == spec.association_category)
        .ok_or_else(|| {
            ApiError::validation(format!(
                "{} {} is not a valid association type from {} to {}",
                spec.association_category.as_str(),
                spec.association_type_id,
                from.path_name(),
                to.path_name()
            ))
        })
}

/// `{category, typeId, label?}`: the spec types `label` as a string, so an unlabeled
/// type has none (HubSpot's answers carry `null`).
fn spec_json(kind: AssociationType) -> Value {
    let mut spec = json!({"category": kind.category.as_str(), "typeId": kind.id});
    if let Some(label) = kind.v4_label {
        spec["label"] = json!(label);
    }
    spec
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::missing_body());
    }
    serde_json::from_slice(body).map_err(|error| ApiError::invalid_json(&error))
}

fn batch_times() -> (String, String) {
    let now = format_iso(now_ms());
    (now.clone(), now)
}

/// `PUT …/{objectType}/{objectId}/associations/default/{toType}/{toId}`.
pub(crate) fn associate_default(
    call: Call<'_>,
    raw_id: &str,
    raw_to: &str,
    raw_to_id: &str,
) -> Result<Reply, ApiError> {
    let to = to_type(&call, raw_to)?;
    let from_id = live(&call, call.object_type, raw_id)?;
    let to_id = live(&call, to, raw_to_id)?;
    let kind = associations::default_between(call.object_type, to).ok_or_else(|| {
        ApiError::validation(format!(
            "There is no default association type from {} to {}",
            call.object_type.path_name(),
            to.path_name()
        ))
    })?;
    call.store.associate(kind, from_id, to_id);
    let (started, completed) = batch_times();
    Ok(Reply::Json(
        200,
        json!({
            "status": "COMPLETE",
            "results": [{
                "from": {"id": from_id.to_string()},
                "to": {"id": to_id.to_string()},
                "associationSpec": {"associationCategory": kind.category.as_str(), "associationTypeId": kind.id},
            }],
            "startedAt": started,
            "completedAt": completed,
        }),
    ))
}

/// `PUT …/{objectType}/{objectId}/associations/{toType}/{toId}`.
pub(crate) fn associate(call: Call<'_>, raw_id: &str, raw_to: &str, raw_to_id: &str) -> Result<Reply, ApiError> {
    let to = to_type(&call, raw_to)?;
    let specs: Vec<Spec> = parse(call.body)?;
    if specs.is_empty() {
        return Err(ApiError::validation("At least one association type is required"));
    }
    let kinds = specs
        .iter()
        .map(|spec| kind_of(spec, call.object_type, to))
        .collect::<Result<Vec<_>, _>>()?;
    let from_id = live(&call, call.object_type, raw_id)?;
    let to_id = live(&call, to, raw_to_id)?;
    for kind in kinds {
        call.store.associate(kind, from_id, to_id);
    }
    let labels: Vec<&str> = call
        .store
        .associations(call.object_type, from_id, to)
        .into_iter()
        .filter(|(target, _)| *target == to_id)
        .filter_map(|(_, type_id)| associations::by_id(type_id).and_then(|kind| kind.v4_label))
        .collect();
    Ok(Reply::Json(
        201,
        json!({
            "fromObjectTypeId": call.object_type.type_id(),
            "fromObjectId": from_id.to_string(),
            "toObjectTypeId": to.type_id(),
            "toObjectId": to_id.to_string(),
            "labels": labels,
        }),
    ))
}

/// The record's associations to `to` after target `after`, at most `limit` targets,
/// each with its types; and the cursor when more are left.
fn page_of(
    call: &Call<'_>,
    from_id: u64,
    to: ObjectType,
    after: Option<&str>,
    limit: usize,
) -> (Vec<Value>, Option<String>) {
    let after: u64 = after.and_then(|after| after.trim().parse().ok()).unwrap_or(0);
    let mut targets: Vec<(u64, Vec<Value>)> = Vec::new();
    for (target, type_id) in call.store.associations(call.object_type, from_id, to) {
        if target <= after {
            continue;
        }
        let Some(kind) = associations::by_id(type_id) else {
            continue;
        };
        let spec = spec_json(kind);
        match targets.last_mut() {
            Some((last, types)) if *last == target => types.push(spec),
            _ => targets.push((target, vec![spec])),
        }
    }
    let more = targets.len() > limit;
    targets.truncate(limit);
    let next = more
        .then(|| targets.last().map(|(target, _)| target.to_string()))
        .flatten();
    let results = targets
        .into_iter()
        .map(|(target, types)| json!({"toObjectId": target.to_string(), "associationTypes": types}))
        .collect();
    (results, next)
}

/// `GET …/{objectType}/{objectId}/associations/{toType}`.
pub(crate) fn list(call: Call<'_>, raw_id: &str, raw_to: &str) -> Result<Reply, ApiError> {
    let to = to_type(&call, raw_to)?;
    let from_id = live(&call, call.object_type, raw_id)?;
    let limit = call
        .query
        .first("limit")
        .and_then(|limit| limit.trim().parse::<usize>().ok())
        .unwrap_or(PAGE)
        .clamp(1, PAGE);
    let (results, next) = page_of(&call, from_id, to, call.query.first("after"), limit);
    let mut body = json!({ "results": results });
    if let Some(after) = next {
        body["paging"] = json!({"next": {"after": after}});
    }
    Ok(Reply::Json(200, body))
}

/// `POST {associations}/{fromType}/{toType}/batch/read`.
/// `multi_status`: whether the version's spec answers a read with errors 207 (2026-09's
/// lists only 200, with the errors in the body).
pub(crate) fn batch_read(call: Call<'_>, raw_to: &str, multi_status: bool) -> Result<Reply, ApiError> {
    let to = to_type(&call, raw_to)?;
    let Inputs { inputs } = parse::<Inputs<ReadInput>>(call.body)?;
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let raw_id = id_text(&input.id);
        let from_id = raw_id.trim().parse::<u64>().ok();
        let page = from_id.map(|id| page_of(&call, id, to, input.after.as_deref(), PAGE));
        match page {
            Some((to_items, next)) if !to_items.is_empty() => {
                let mut result = json!({"from": {"id": raw_id}, "to": to_items});
                if let Some(after) = next {
                    result["paging"] = json!({"next": {"after": after}});
                }
                results.push(result);
            }
            _ => errors.push(json!({
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": format!(
                    "No {} is associated with {} {raw_id}.",
                    to.singular().to_ascii_lowercase(),
                    call.object_type.singular().to_ascii_lowercase()
                ),
                "context": {"fromObjectId": [raw_id]},
                "errors": [],
                "links": {},
            })),
        }
    }
    let (started, completed) = batch_times();
    let mut body = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": completed,
    });
    let status = if errors.is_empty() {
        200
    } else {
        body["numErrors"] = json!(errors.len());
        body["errors"] = Value::Array(errors);
        if multi_status { 207 } else { 200 }
    };
    Ok(Reply::Json(status, body))
}

/// `DELETE …/{objectType}/{objectId}/associations/{toType}/{toId}`.
pub(crate) fn remove(call: Call<'_>, raw_id: &str, raw_to: &str, raw_to_id: &str) -> Result<Reply, ApiError> {
    let to = to_type(&call, raw_to)?;
    let from_id = live(&call, call.object_type, raw_id)?;
    let to_id = live(&call, to, raw_to_id)?;
    call.store.dissociate(call.object_type, from_id, to, to_id);
    Ok(Reply::NoContent)
}

/// `POST {associations}/{fromType}/{toType}/batch/labels/archive`: 204 in v4, a batch
/// response in the dated versions.
pub(crate) fn archive_labels(call: Call<'_>, raw_to: &str, dated: bool) -> Result<Reply, ApiError> {
    let to = to_type(&call, raw_to)?;
    let Inputs { inputs } = parse::<Inputs<LabelsInput>>(call.body)?;
    let mut removals = Vec::new();
    for input in &inputs {
        let from_id = live(&call, call.object_type, &id_text(&input.from.id))?;
        let to_id = live(&call, to, &id_text(&input.to.id))?;
        for spec in &input.types {
            removals.push((kind_of(spec, call.object_type, to)?, from_id, to_id));
        }
    }
    for (kind, from_id, to_id) in removals {
        call.store.remove_type(kind, from_id, to_id);
    }
    if !dated {
        return Ok(Reply::NoContent);
    }
    let (started, completed) = batch_times();
    Ok(Reply::Json(
        200,
        json!({"status": "COMPLETE", "results": [], "startedAt": started, "completedAt": completed}),
    ))
}

/// `GET {association labels}/{fromType}/{toType}/labels`.
pub(crate) fn labels(call: Call<'_>, raw_to: &str) -> Result<Reply, ApiError> {
    let to = to_type(&call, raw_to)?;
    let results: Vec<Value> = associations::between(call.object_type, to)
        .into_iter()
        .map(spec_json)
        .collect();
    Ok(Reply::Json(200, json!({ "results": results })))
}
