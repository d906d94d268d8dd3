//! Records as HubSpot returns them: the `SimplePublicObject` JSON with the properties a
//! request selects, their history and the associated record ids.
//!
//! Which properties come back:
//! - a create or update returns every property the record has a value for (HubSpot's
//!   guide shows a ticket create returning all its set properties);
//! - a read, list or search returns the properties asked for, or the type's defaults when
//!   none are (the table in `info.description` of `openapi/objects.json`), plus
//!   `hs_object_id` and the create/modify dates always; one asked for but unset is `null`
//!   (both as in the 2022 recordings, see the crate docs), one the catalog does not know
//!   is left out (the spec's `properties` parameter: "they will be ignored");
//! - a cleared value comes back as `""`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::associations;
use crate::catalog::Catalog;
use crate::objects::ObjectType;
use crate::store::{Record, Store};
use crate::timestamps::format_iso;

/// Which properties a response carries.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Selection<'a> {
    /// Every property that has a value (create and update responses).
    AllSet,
    /// The named properties, or the type's defaults when the list is empty.
    Requested(&'a [String]),
}

/// The record as `SimplePublicObject`, with `propertiesWithHistory` when `history` names
/// properties.
pub(crate) fn record_json(
    catalog: &Catalog,
    record: &Record,
    selection: Selection<'_>,
    history: &[String],
) -> Map<String, Value> {
    let mut json = Map::new();
    json.insert("id".to_owned(), json!(record.id.to_string()));
    json.insert(
        "properties".to_owned(),
        Value::Object(properties(catalog, record, selection)),
    );
    if !history.is_empty() {
        json.insert(
            "propertiesWithHistory".to_owned(),
            Value::Object(properties_with_history(catalog, record, history)),
        );
    }
    json.insert("createdAt".to_owned(), json!(format_iso(record.created_at)));
    json.insert("updatedAt".to_owned(), json!(format_iso(record.updated_at)));
    json.insert("archived".to_owned(), json!(record.is_archived()));
    if let Some(archived_at) = record.archived_at {
        json.insert("archivedAt".to_owned(), json!(format_iso(archived_at)));
    }
    json
}

fn properties(catalog: &Catalog, record: &Record, selection: Selection<'_>) -> Map<String, Value> {
    let object_type = record.object_type;
    let mut selected: BTreeMap<String, Value> = BTreeMap::new();
    match selection {
        Selection::AllSet => {
            for (name, value) in &record.properties {
                selected.insert(name.clone(), json!(value));
            }
        }
        Selection::Requested(names) => {
            // Defaults are HubSpot's own properties: they come back even when unset.
            let defaults = names.is_empty();
            let wanted: Vec<&str> = if defaults {
                object_type.default_properties().to_vec()
            } else {
                names.iter().map(String::as_str).collect()
            };
            for name in wanted {
                let value = match record.properties.get(name) {
                    Some(value) => json!(value),
                    None if defaults || catalog.is_readable(object_type, name) => Value::Null,
                    None => continue,
                };
                selected.insert(name.to_owned(), value);
            }
            for name in object_type.system_properties() {
                let value = record.properties.get(name).map_or(Value::Null, |v| json!(v));
                selected.insert(name.to_owned(), value);
            }
        }
    }
    selected.into_iter().collect()
}

fn properties_with_history(catalog: &Catalog, record: &Record, names: &[String]) -> Map<String, Value> {
    let mut selected = BTreeMap::new();
    for name in names {
        let entries = match record.history.get(name) {
            Some(entries) => entries
                .iter()
                .map(|entry| {
                    json!({
                        "value": entry.value,
                        "timestamp": format_iso(entry.timestamp),
                        "sourceType": entry.source_type,
                    })
                })
                .collect(),
            None if catalog.is_readable(record.object_type, name) => Vec::new(),
            None => continue,
        };
        selected.insert(name.clone(), Value::Array(entries));
    }
    selected.into_iter().collect()
}

/// The `associations` member for the asked-for types: per type with at least one live
/// associated record, `{"results": [{"id", "type"}]}`, one entry per association type.
pub(crate) fn associations_json(store: &Store, record: &Record, types: &[ObjectType]) -> Option<Value> {
    let mut collections = BTreeMap::new();
    for to in types {
        let results: Vec<Value> = store
            .associations(record.object_type, record.id, *to)
            .into_iter()
            .filter_map(|(to_id, type_id)| {
                associations::by_id(type_id).map(|kind| json!({"id": to_id.to_string(), "type": kind.label}))
            })
            .collect();
        if !results.is_empty() {
            collections.insert(to.path_name().to_owned(), json!({ "results": results }));
        }
    }
    (!collections.is_empty()).then(|| Value::Object(collections.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::associations::from_type;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn catalog_with(names: &[&str]) -> Catalog {
        let results: Vec<Value> = names
            .iter()
            .map(|name| {
                json!({"name": name, "label": name, "type": "string", "fieldType": "text",
                       "description": "", "groupName": "g", "options": []})
            })
            .collect();
        let text = json!({ "results": results }).to_string();
        Catalog::parse(&[(ObjectType::Contacts, "c".to_owned(), &text)], &[]).unwrap_or_default()
    }

    #[test]
    fn render_defaults_include_system_properties_and_nulls() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let id = store.create(ObjectType::Contacts, &props(&[("email", "a@b.co"), ("phone", "1")]));
        let Some(record) = store.record(ObjectType::Contacts, id) else {
            panic!("record missing");
        };
        let json = record_json(&catalog, record, Selection::Requested(&[]), &[]);
        let properties = &json["properties"];
        assert_eq!(properties["email"], "a@b.co");
        assert_eq!(properties["firstname"], Value::Null);
        assert_eq!(properties["hs_object_id"], json!(id.to_string()));
        assert!(properties.get("phone").is_none());
        assert!(properties["createdate"].is_string());
        assert!(properties["lastmodifieddate"].is_string());
        assert_eq!(json["archived"], false);
        assert!(json.get("archivedAt").is_none());
        assert!(json.get("propertiesWithHistory").is_none());
    }

    #[test]
    fn render_requested_properties_skip_unknown_names_once_the_catalog_is_known() {
        let catalog = catalog_with(&["email", "phone", "hs_object_id", "createdate", "lastmodifieddate"]);
        let mut store = Store::new(&catalog);
        let id = store.create(ObjectType::Contacts, &props(&[("email", "a@b.co"), ("phone", "")]));
        let Some(record) = store.record(ObjectType::Contacts, id) else {
            panic!("record missing");
        };
        let names = vec!["phone".to_owned(), "nope".to_owned(), "firstname".to_owned()];
        let json = record_json(&catalog, record, Selection::Requested(&names), &[]);
        let properties = &json["properties"];
        assert_eq!(properties["phone"], "");
        assert!(properties.get("nope").is_none());
        assert!(properties.get("firstname").is_none());
        assert!(properties.get("email").is_none());
        let all = record_json(&catalog, record, Selection::AllSet, &[]);
        assert_eq!(all["properties"]["email"], "a@b.co");
        assert_eq!(all["properties"]["phone"], "");
    }

    #[test]
    fn render_history_lists_values_newest_first() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let id = store.create(ObjectType::Deals, &props(&[("dealstage", "a")]));
        store.update(ObjectType::Deals, id, &props(&[("dealstage", "b")]));
        let Some(record) = store.record(ObjectType::Deals, id) else {
            panic!("record missing");
        };
        let names = vec!["dealstage".to_owned(), "amount".to_owned()];
        let json = record_json(&catalog, record, Selection::Requested(&[]), &names);
        let history = &json["propertiesWithHistory"];
        assert_eq!(history["dealstage"][0]["value"], "b");
        assert_eq!(history["dealstage"][1]["value"], "a");
        assert_eq!(history["dealstage"][0]["sourceType"], "API");
        assert_eq!(history["amount"], json!([]));
    }

    #[test]
    fn render_associations_list_each_type_and_skip_empty_collections() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let contact = store.create(ObjectType::Contacts, &props(&[]));
        let company = store.create(ObjectType::Companies, &props(&[]));
        if let Some(kind) = from_type(ObjectType::Contacts, 1) {
            store.associate(kind, contact, company);
        }
        let Some(record) = store.record(ObjectType::Contacts, contact) else {
            panic!("record missing");
        };
        let json = associations_json(&store, record, &[ObjectType::Companies, ObjectType::Deals]);
        assert_eq!(
            json,
            Some(json!({"companies": {"results": [
                {"id": company.to_string(), "type": "contact_to_company"},
                {"id": company.to_string(), "type": "contact_to_company_unlabeled"}
            ]}}))
        );
        assert_eq!(associations_json(&store, record, &[ObjectType::Deals]), None);
    }
}
