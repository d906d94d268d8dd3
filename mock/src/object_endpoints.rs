//! The record endpoints under `/crm/v3/objects/{objectType}`: create, read, update,
//! archive, list and search, from request parsing to the reply.
//!
//! ⚠ Choices where HubSpot is undocumented:
//! - `idProperty` may name `hs_object_id`, contact `email` (matched case-insensitively) or
//!   a catalog property with `hasUniqueValue`; anything else answers 400 `Property "x" is
//!   not a unique identifier…`. Until a type's catalog is filled in, any property is taken.
//! - `archived=true` reads find only archived records, as the parameter's description
//!   says ("Whether to return only results that have been archived").
//! - Archiving an unknown or already archived record answers 204 like a fresh archive.
//! - `?associations=` naming no object type answers 400 "Unable to infer object type
//!   from: X", as a captured HubSpot reply shows (the spec says they are ignored).
//! - Associations on create must use a type id of its category (`HUBSPOT_DEFINED`, or
//!   `USER_DEFINED` for the account's labels) that leads away from the new record's type (else 400 `Invalid association type …`) to a live record (else
//!   HubSpot's real 400 "One or more associations are invalid" with
//!   `INVALID_OBJECT_IDS`, `objectId`, `objectType` in `context`).
//! - Leads also obey HubSpot's lead create rules (`lead_rules.rs`).
//! - Lists page by record id: `after` is the id of the page's first record, `limit`
//!   defaults to 10 (the spec's default) and is clamped to 1..=100 (HubSpot's guides give
//!   100 as the most per page; the spec states no maximum), or to 1..=50 with
//!   `propertiesWithHistory` (the spec: it "will reduce the maximum number of objects";
//!   50 is HubSpot's batch-read limit with history), and `paging.next.link` is
//!   `?after=<id>` like the spec's example.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::associations;
use crate::errors::ApiError;
use crate::handler::{Call, Reply};
use crate::lead_rules;
use crate::objects::ObjectType;
use crate::render::{Selection, associations_json, record_json};
use crate::requests::{self, AssociationInput, CreateBody, PropertyMap, UpdateBody};
use crate::search;
use crate::store::Record;
use crate::validation::{PropertyIssue, WriteCheck, issues_error, unique_conflict};

/// Default page size of list calls.
const LIST_DEFAULT_LIMIT: usize = 10;
/// Largest page of list calls.
const LIST_MAX_LIMIT: usize = 100;
/// Largest page of list calls that ask for `propertiesWithHistory`.
const LIST_MAX_LIMIT_WITH_HISTORY: usize = 50;

/// `POST /crm/v3/objects/{objectType}` → 201 with the new record.
pub(crate) fn create(mut call: Call<'_>) -> Result<Reply, ApiError> {
    let body: CreateBody = requests::parse(call.body)?;
    let created = create_one(&mut call, body)?;
    Ok(Reply::Json(201, created))
}

/// What a create stores: the property values, and each association's type and target.
pub(crate) type CheckedCreate = (BTreeMap<String, String>, Vec<(associations::AssociationType, u64)>);

/// The checks of a create, in the order HubSpot makes them: property values (with the
/// lead rules), unique values, associations; the values to store and the links.
pub(crate) fn check_create(call: &Call<'_>, body: &CreateBody) -> Result<CheckedCreate, ApiError> {
    let input = requests::into_strings(body.properties.clone());
    let checked = WriteCheck {
        catalog: call.catalog,
        pipelines: call.store.pipelines(call.object_type),
        object_type: call.object_type,
        existing: None,
        required: &call.required_properties,
        owners: call.owners,
    }
    .check(&input);
    let values = with_lead_rules(checked, call.object_type, &input, true)
        .map_err(|issues| issues_error(&issues, call.portal_id))?;
    if let Some(conflict) = unique_conflict(call.store, call.catalog, call.object_type, None, &values) {
        return Err(conflict);
    }
    let links = association_targets(call, &body.associations)?;
    lead_rules::check_associations(call.object_type, &links)?;
    Ok((values, links))
}

/// Creates one record as `POST /crm/v3/objects/{objectType}` does; the new record as
/// the reply shows it.
pub(crate) fn create_one(call: &mut Call<'_>, body: CreateBody) -> Result<Value, ApiError> {
    let (values, links) = check_create(call, &body)?;
    let id = call.store.create(call.object_type, &values);
    for (kind, to_id) in links {
        call.store.associate(kind, id, to_id);
    }
    let record = stored(call, id)?;
    Ok(Value::Object(record_json(call.catalog, record, Selection::AllSet, &[])))
}

/// The property check's outcome with the lead rules' issues added, so one 400 names
/// every bad property.
fn with_lead_rules(
    checked: Result<BTreeMap<String, String>, Vec<PropertyIssue>>,
    object_type: ObjectType,
    input: &BTreeMap<String, String>,
    is_create: bool,
) -> Result<BTreeMap<String, String>, Vec<PropertyIssue>> {
    let lead_issues = lead_rules::missing_properties(object_type, input, is_create);
    match checked {
        Ok(values) if lead_issues.is_empty() => Ok(values),
        Ok(_) => Err(lead_issues),
        Err(mut issues) => {
            let extra: Vec<PropertyIssue> = lead_issues
                .into_iter()
                .filter(|lead| issues.iter().all(|issue| issue.name != lead.name))
                .collect();
            issues.extend(extra);
            issues.sort_by(|a, b| a.name.cmp(&b.name));
            Err(issues)
        }
    }
}

/// The record with `id` (just written or located), as the reply shows it.
fn stored<'a>(call: &'a Call<'_>, id: u64) -> Result<&'a Record, ApiError> {
    call.store
        .record(call.object_type, id)
        .ok_or_else(|| ApiError::object_not_found(&id.to_string()))
}

/// Check a create's associations and return the type and target of each.
fn association_targets(
    call: &Call<'_>,
    inputs: &[AssociationInput],
) -> Result<Vec<(associations::AssociationType, u64)>, ApiError> {
    let mut links = Vec::new();
    for input in inputs {
        if input.types.is_empty() {
            return Err(ApiError::validation(
                "Invalid association: `types` must name at least one association type",
            ));
        }
        for spec in &input.types {
            let kind = associations::from_type(call.object_type, spec.association_type_id)
                .filter(|kind| kind.category == spec.association_category)
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "Invalid association type {} {}: no such association type leads from {}",
                        spec.association_category.as_str(),
                        spec.association_type_id,
                        call.object_type.singular()
                    ))
                })?;
            let raw_id = input.to.id.0.trim();
            let target = raw_id
                .parse::<u64>()
                .ok()
                .filter(|to_id| {
                    call.store
                        .record(kind.to, *to_id)
                        .is_some_and(|record| !record.is_archived())
                })
                .ok_or_else(|| invalid_target(kind.to, raw_id))?;
            links.push((kind, target));
        }
    }
    Ok(links)
}

fn invalid_target(object_type: ObjectType, raw_id: &str) -> ApiError {
    let mut error = ApiError::validation("One or more associations are invalid");
    error.context = BTreeMap::from([
        (
            "INVALID_OBJECT_IDS".to_owned(),
            vec![format!("{}={raw_id} is not valid", object_type.singular())],
        ),
        ("objectId".to_owned(), vec![raw_id.to_owned()]),
        ("objectType".to_owned(), vec![object_type.singular().to_owned()]),
    ]);
    error
}

/// The id of the record `raw_id` names (an id, or a value of `idProperty`) among the
/// archived or the live records.
fn locate(call: &Call<'_>, raw_id: &str, archived: bool) -> Result<u64, ApiError> {
    locate_by(call, raw_id, archived, call.query.first("idProperty"))
}

/// The id of the record `raw_id` names as a value of `id_property` (its id when
/// absent) among the archived or the live records.
pub(crate) fn locate_by(
    call: &Call<'_>,
    raw_id: &str,
    archived: bool,
    id_property: Option<&str>,
) -> Result<u64, ApiError> {
    let not_found = || ApiError::object_not_found(raw_id);
    let id_property = id_property.map(str::trim).filter(|p| !p.is_empty());
    let record = match id_property {
        None | Some("hs_object_id") => {
            let id = raw_id.trim().parse::<u64>().map_err(|_| not_found())?;
            call.store
                .record(call.object_type, id)
                .filter(|record| record.is_archived() == archived)
        }
        Some(property) => {
            let ignore_case = call.object_type == ObjectType::Contacts && property == "email";
            let unique = ignore_case
                || !call.catalog.knows_properties_of(call.object_type)
                || call
                    .catalog
                    .property(call.object_type, property)
                    .is_some_and(|definition| definition.has_unique_value);
            if !unique {
                return Err(ApiError::validation(format!(
                    "Property \"{property}\" is not a unique identifier. idProperty must name a \
                     property whose values are unique."
                )));
            }
            call.store.find(call.object_type, archived, |record| {
                record.value(property).is_some_and(|value| {
                    if ignore_case {
                        value.eq_ignore_ascii_case(raw_id)
                    } else {
                        value == raw_id
                    }
                })
            })
        }
    };
    record.map(|record| record.id).ok_or_else(not_found)
}

/// The object types `?associations=` names, or the 400 for one that names none.
fn association_types(call: &Call<'_>) -> Result<Vec<ObjectType>, ApiError> {
    let mut types = Vec::new();
    for raw in call.query.list("associations") {
        let object_type =
            ObjectType::resolve(&raw, call.portal_id).ok_or_else(|| ApiError::unknown_object_type(&raw))?;
        if !types.contains(&object_type) {
            types.push(object_type);
        }
    }
    Ok(types)
}

/// A record as reads and lists return it.
fn read_view(call: &Call<'_>, record: &Record, associated: &[ObjectType]) -> Value {
    let properties = call.query.list("properties");
    let history = call.query.list("propertiesWithHistory");
    let mut json = record_json(call.catalog, record, Selection::Requested(&properties), &history);
    if let Some(associations) = associations_json(call.store, record, associated) {
        json.insert("associations".to_owned(), associations);
    }
    Value::Object(json)
}

/// `GET /crm/v3/objects/{objectType}/{objectId}` → 200 with the record.
pub(crate) fn read(call: Call<'_>, raw_id: &str) -> Result<Reply, ApiError> {
    let associated = association_types(&call)?;
    let id = locate(&call, raw_id, call.query.flag("archived"))?;
    let record = stored(&call, id)?;
    Ok(Reply::Json(200, read_view(&call, record, &associated)))
}

/// `PATCH /crm/v3/objects/{objectType}/{objectId}` → 200 with the updated record.
pub(crate) fn update(mut call: Call<'_>, raw_id: &str) -> Result<Reply, ApiError> {
    let id = locate(&call, raw_id, false)?;
    let body: UpdateBody = requests::parse(call.body)?;
    let updated = update_one(&mut call, id, body.properties)?;
    Ok(Reply::Json(200, updated))
}

/// Writes `properties` to the live record `id` as `PATCH` does; the record as the
/// reply shows it.
pub(crate) fn update_one(call: &mut Call<'_>, id: u64, properties: PropertyMap) -> Result<Value, ApiError> {
    let input = requests::into_strings(properties);
    let checked = WriteCheck {
        catalog: call.catalog,
        pipelines: call.store.pipelines(call.object_type),
        object_type: call.object_type,
        existing: call.store.record(call.object_type, id),
        required: &call.required_properties,
        owners: call.owners,
    }
    .check(&input);
    let values = with_lead_rules(checked, call.object_type, &input, false)
        .map_err(|issues| issues_error(&issues, call.portal_id))?;
    if let Some(conflict) = unique_conflict(call.store, call.catalog, call.object_type, Some(id), &values) {
        return Err(conflict);
    }
    call.store.update(call.object_type, id, &values);
    let record = stored(call, id)?;
    Ok(Value::Object(record_json(call.catalog, record, Selection::AllSet, &[])))
}

/// `DELETE /crm/v3/objects/{objectType}/{objectId}` → 204.
pub(crate) fn archive(call: Call<'_>, raw_id: &str) -> Result<Reply, ApiError> {
    if let Ok(id) = raw_id.trim().parse::<u64>() {
        call.store.archive(call.object_type, id);
    }
    Ok(Reply::NoContent)
}

/// `GET /crm/v3/objects/{objectType}` → 200 with a page of records.
pub(crate) fn list(call: Call<'_>) -> Result<Reply, ApiError> {
    let associated = association_types(&call)?;
    let max = if call.query.list("propertiesWithHistory").is_empty() {
        LIST_MAX_LIMIT
    } else {
        LIST_MAX_LIMIT_WITH_HISTORY
    };
    let limit = match call.query.first("limit").map(str::trim) {
        None | Some("") => LIST_DEFAULT_LIMIT.min(max),
        Some(raw) => {
            let limit = raw
                .parse::<i64>()
                .map_err(|_| ApiError::validation(format!("Invalid limit {raw}: the limit must be an integer.")))?;
            usize::try_from(limit.max(1)).map_or(max, |limit| limit.min(max))
        }
    };
    let after = match call.query.first("after").map(str::trim) {
        None | Some("") => 0,
        Some(raw) => raw
            .parse::<u64>()
            .map_err(|_| ApiError::validation(format!("Invalid paging cursor {raw}: after must be a record id.")))?,
    };
    let archived = call.query.flag("archived");
    let mut page = call
        .store
        .records_from(call.object_type, after)
        .filter(|record| record.is_archived() == archived);
    let results: Vec<Value> = page
        .by_ref()
        .take(limit)
        .map(|record| read_view(&call, record, &associated))
        .collect();
    let mut body = json!({ "results": results });
    if let Some(next) = page.next() {
        body["paging"] = json!({"next": {"after": next.id.to_string(), "link": format!("?after={}", next.id)}});
    }
    Ok(Reply::Json(200, body))
}

/// `POST /crm/v3/objects/{objectType}/search` → 200 with a page of results.
pub(crate) fn search(call: Call<'_>) -> Result<Reply, ApiError> {
    let request = search::parse(call.body)?;
    let page = request.run(call.store.records(call.object_type));
    let results: Vec<Value> = page
        .ids
        .iter()
        .filter_map(|id| call.store.record(call.object_type, *id))
        .map(|record| {
            Value::Object(record_json(
                call.catalog,
                record,
                Selection::Requested(&request.properties),
                &[],
            ))
        })
        .collect();
    let mut body = json!({"total": page.total, "results": results});
    if let Some(after) = page.next_after {
        body["paging"] = json!({"next": {"after": after}});
    }
    Ok(Reply::Json(200, body))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::query::QueryParams;
    use crate::store::Store;

    /// A call on the contacts of a fresh account, for the endpoints' unit tests.
    pub(crate) fn call<'a>(catalog: &'a Catalog, store: &'a mut Store, query: &str, body: &'a [u8]) -> Call<'a> {
        Call {
            catalog,
            store,
            portal_id: 1,
            object_type: ObjectType::Contacts,
            required_properties: Vec::new(),
            owners: &[],
            query: QueryParams::parse(Some(query)),
            body,
        }
    }

    fn unique_catalog() -> Catalog {
        let text = json!({"results": [
            {"name": "badge", "label": "Badge", "type": "string", "fieldType": "text", "description": "",
             "groupName": "g", "options": [], "hasUniqueValue": true},
            {"name": "lastname", "label": "Last", "type": "string", "fieldType": "text", "description": "",
             "groupName": "g", "options": []}
        ]})
        .to_string();
        Catalog::parse(&[(ObjectType::Contacts, "c".to_owned(), &text)], &[]).unwrap_or_default()
    }

    fn status(reply: &Result<Reply, ApiError>) -> u16 {
        match reply {
            Ok(Reply::Json(status, _)) => *status,
            Ok(Reply::NoContent) => 204,
            Err(error) | Ok(Reply::Error(error)) => error.status,
        }
    }

    fn results(reply: &Result<Reply, ApiError>) -> usize {
        match reply {
            Ok(Reply::Json(_, body)) => body["results"].as_array().map_or(0, Vec::len),
            _ => 0,
        }
    }

    #[test]
    fn object_endpoints_list_clamps_limit_and_checks_the_cursor() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        for _ in 0..120 {
            store.create(ObjectType::Contacts, &BTreeMap::new());
        }
        let big = list(call(&catalog, &mut store, "limit=500", b""));
        assert_eq!(results(&big), 100);
        let small = list(call(&catalog, &mut store, "limit=-3", b""));
        assert_eq!(results(&small), 1);
        assert_eq!(status(&list(call(&catalog, &mut store, "limit=ten", b""))), 400);
        assert_eq!(status(&list(call(&catalog, &mut store, "after=abc", b""))), 400);
        let tail = list(call(&catalog, &mut store, "after=1115", b""));
        assert_eq!(results(&tail), 6);
    }

    #[test]
    fn object_endpoints_list_caps_pages_with_history_at_50() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        for _ in 0..60 {
            store.create(ObjectType::Contacts, &BTreeMap::new());
        }
        let history = list(call(&catalog, &mut store, "limit=100&propertiesWithHistory=email", b""));
        assert_eq!(results(&history), 50);
        assert_eq!(results(&list(call(&catalog, &mut store, "limit=100", b""))), 60);
    }

    #[test]
    fn object_endpoints_list_pages_through_12000_records_once_each_in_id_order() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let total = 12_345;
        for index in 0..total + 20 {
            let id = store.create(ObjectType::Contacts, &BTreeMap::new());
            // Archived records and other types sit among them but are never listed.
            if index % 617 == 0 {
                store.archive(ObjectType::Contacts, id);
            }
            if index % 1000 == 0 {
                store.create(ObjectType::Deals, &BTreeMap::new());
            }
        }
        let live: Vec<u64> = store
            .records(ObjectType::Contacts)
            .filter(|record| !record.is_archived())
            .map(|record| record.id)
            .collect();
        assert!(live.len() > 12_000);
        let mut seen: Vec<u64> = Vec::new();
        let mut query = "limit=100".to_owned();
        loop {
            let reply = list(call(&catalog, &mut store, &query, b""));
            let Ok(Reply::Json(200, body)) = reply else {
                panic!("page after {seen:?} failed");
            };
            let page: Vec<u64> = body["results"]
                .as_array()
                .map(|results| {
                    results
                        .iter()
                        .filter_map(|record| record["id"].as_str()?.parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            seen.extend(&page);
            match body["paging"]["next"]["after"].as_str() {
                Some(after) => {
                    assert_eq!(page.len(), 100, "every page but the last is full");
                    query = format!("limit=100&after={after}");
                }
                None => {
                    assert!(body.get("paging").is_none());
                    break;
                }
            }
        }
        assert_eq!(seen, live, "each live record exactly once, in id order");
    }

    #[test]
    fn object_endpoints_id_property_needs_a_unique_property() {
        let catalog = unique_catalog();
        let mut store = Store::new(&catalog);
        let properties = BTreeMap::from([
            ("badge".to_owned(), "B-7".to_owned()),
            ("lastname".to_owned(), "Doe".to_owned()),
        ]);
        let id = store.create(ObjectType::Contacts, &properties);
        let found = read(call(&catalog, &mut store, "idProperty=badge", b""), "B-7");
        let expected = id.to_string();
        assert!(matches!(&found, Ok(Reply::Json(200, body)) if body["id"] == expected.as_str()));
        let wrong_case = read(call(&catalog, &mut store, "idProperty=badge", b""), "b-7");
        assert_eq!(status(&wrong_case), 404);
        let not_unique = read(call(&catalog, &mut store, "idProperty=lastname", b""), "Doe");
        assert_eq!(status(&not_unique), 400);
        let unknown = read(call(&catalog, &mut store, "idProperty=nope", b""), "x");
        assert_eq!(status(&unknown), 400);
        let conflict = create(call(&catalog, &mut store, "", br#"{"properties":{"badge":"B-7"}}"#));
        assert_eq!(status(&conflict), 409);
    }

    #[test]
    fn object_endpoints_archive_answers_204_for_any_id() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let id = store.create(ObjectType::Contacts, &BTreeMap::new());
        for raw in [
            id.to_string(),
            id.to_string(),
            "42".to_owned(),
            "not-a-number".to_owned(),
        ] {
            assert_eq!(status(&archive(call(&catalog, &mut store, "", b""), &raw)), 204);
        }
        assert_eq!(store.count(ObjectType::Contacts, false), 0);
    }
}
