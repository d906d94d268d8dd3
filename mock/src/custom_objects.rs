//! The account's custom object schemas and the endpoints that serve them,
//! `GET /crm-object-schemas/v3/schemas[/{objectType}]` (also `/crm/v3/schemas…` and the
//! dated `/crm-object-schemas/{version}/schemas…`), shaped as `openapi/schemas.json`'s
//! `ObjectSchema` says.
//!
//! The mock's account has exactly one custom object, `pets` (see `objects.rs`): its
//! property definitions are the catalog's (`data/properties/pets.json`), its other facts
//! are here. ⚠ Choices:
//! - The schema's ids (`3604285`, `2-3604285`) are those of a custom object in the 2022
//!   recordings; labels, display and required properties are the mock's.
//! - Pets associate with contacts through association type ids [`PETS_TO_CONTACTS`] and
//!   its reverse (see `associations.rs`); the schema's `AssociationDefinition` carries
//!   the pets→contacts id.
//! - `{objectType}` may be the type id, the fully qualified name or the name, in any
//!   letter case for the names; standard object types and anything else answer 404.
//! - `archived=true` lists archived schemas: there are none.
//! - `includePropertyDefinitions=false` and `includeAssociationDefinitions=false` empty
//!   those (required) arrays; `includeAuditMetadata=false` leaves out the timestamps and
//!   user ids, which the spec marks optional.

use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::errors::ApiError;
use crate::handler::Reply;
use crate::objects::ObjectType;
use crate::query::QueryParams;

/// The association type id from pets to contacts (its reverse is this plus one).
pub(crate) const PETS_TO_CONTACTS: u32 = 861;

/// When the `pets` schema was created and last updated.
const PETS_CREATED_AT: &str = "2025-04-02T09:15:27.431Z";
/// The user who created the `pets` schema (the seeded owner Jade Chen's user).
const PETS_CREATED_BY: u64 = 9_000_001;

/// The facts of a custom object's schema that are not in the property catalog.
struct SchemaFacts {
    object_type: ObjectType,
    id: &'static str,
    singular_label: &'static str,
    plural_label: &'static str,
    description: &'static str,
    secondary_display_properties: &'static [&'static str],
    associations: &'static [(u32, ObjectType)],
}

const SCHEMAS: &[SchemaFacts] = &[SchemaFacts {
    object_type: ObjectType::Pets,
    id: "3604285",
    singular_label: "Pet",
    plural_label: "Pets",
    description: "The pets of the account's contacts.",
    secondary_display_properties: &["species"],
    associations: &[(PETS_TO_CONTACTS, ObjectType::Contacts)],
}];

/// What the schema endpoints include, from their `include…` parameters.
struct Include {
    properties: bool,
    associations: bool,
    audit: bool,
}

impl Include {
    fn from(query: &QueryParams) -> Self {
        // Each defaults to true: only an explicit `false` turns it off.
        let on = |key: &str| {
            query
                .first(key)
                .is_none_or(|value| !value.trim().eq_ignore_ascii_case("false"))
        };
        Self {
            properties: on("includePropertyDefinitions"),
            associations: on("includeAssociationDefinitions"),
            audit: on("includeAuditMetadata"),
        }
    }
}

fn schema_json(facts: &SchemaFacts, catalog: &Catalog, portal_id: u64, include: &Include) -> Value {
    let object_type = facts.object_type;
    let type_id = object_type.type_id();
    let properties: Vec<Value> = if include.properties {
        catalog
            .properties(object_type)
            .iter()
            .filter(|definition| !definition.archived)
            .map(|definition| definition.raw.clone())
            .collect()
    } else {
        Vec::new()
    };
    let associations: Vec<Value> = if include.associations {
        facts
            .associations
            .iter()
            .map(|(id, to)| {
                let mut definition = json!({
                    "id": id.to_string(),
                    "fromObjectTypeId": type_id,
                    "toObjectTypeId": to.type_id(),
                    "name": format!("{}_to_{}", object_type.path_name(), to.path_name()),
                });
                if include.audit {
                    definition["createdAt"] = json!(PETS_CREATED_AT);
                    definition["updatedAt"] = json!(PETS_CREATED_AT);
                }
                definition
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut schema = json!({
        "id": facts.id,
        "objectTypeId": type_id,
        "name": object_type.path_name(),
        "fullyQualifiedName": object_type.fully_qualified_name(portal_id),
        "labels": {"singular": facts.singular_label, "plural": facts.plural_label},
        "description": facts.description,
        "primaryDisplayProperty": object_type.default_properties().first().copied().unwrap_or("hs_object_id"),
        "requiredProperties": object_type.required_properties(),
        "searchableProperties": object_type.searchable_properties(),
        "secondaryDisplayProperties": facts.secondary_display_properties,
        "properties": properties,
        "associations": associations,
        "allowsSensitiveProperties": false,
        "archived": false,
    });
    if include.audit {
        schema["createdAt"] = json!(PETS_CREATED_AT);
        schema["updatedAt"] = json!(PETS_CREATED_AT);
        schema["createdByUserId"] = json!(PETS_CREATED_BY);
        schema["updatedByUserId"] = json!(PETS_CREATED_BY);
    }
    schema
}

/// `GET /crm-object-schemas/v3/schemas` → `CollectionResponseObjectSchemaNoPaging`.
pub(crate) fn list(catalog: &Catalog, portal_id: u64, query: &QueryParams) -> Reply {
    let include = Include::from(query);
    // Every seeded schema is live; archived ones are asked for separately.
    let results: Vec<Value> = if query.flag("archived") {
        Vec::new()
    } else {
        SCHEMAS
            .iter()
            .map(|facts| schema_json(facts, catalog, portal_id, &include))
            .collect()
    };
    Reply::Json(200, json!({ "results": results }))
}

/// `GET /crm-object-schemas/v3/schemas/{objectType}` → `ObjectSchema`.
pub(crate) fn read(catalog: &Catalog, portal_id: u64, raw: &str, query: &QueryParams) -> Result<Reply, ApiError> {
    let wanted = raw.trim();
    SCHEMAS
        .iter()
        .find(|facts| {
            let object_type = facts.object_type;
            wanted == object_type.type_id()
                || wanted.eq_ignore_ascii_case(object_type.path_name())
                || wanted.eq_ignore_ascii_case(&object_type.fully_qualified_name(portal_id))
        })
        .map(|facts| Reply::Json(200, schema_json(facts, catalog, portal_id, &Include::from(query))))
        .ok_or_else(|| {
            let mut error = ApiError::new(404, "OBJECT_NOT_FOUND", format!("Unable to find object type {wanted}"));
            error.context.insert("objectType".to_owned(), vec![wanted.to_owned()]);
            error
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> std::sync::Arc<Catalog> {
        Catalog::embedded().unwrap_or_default()
    }

    fn body(reply: Result<Reply, ApiError>) -> Value {
        match reply {
            Ok(Reply::Json(200, body)) => body,
            other => panic!("expected 200, got {other:?}"),
        }
    }

    fn query(text: &str) -> QueryParams {
        QueryParams::parse(Some(text))
    }

    #[test]
    fn custom_objects_list_has_the_pets_schema() {
        let catalog = catalog();
        let listed = body(Ok(list(&catalog, 42, &query(""))));
        let pets = &listed["results"][0];
        assert_eq!(listed["results"].as_array().map(Vec::len), Some(1));
        assert_eq!(pets["objectTypeId"], "2-3604285");
        assert_eq!(pets["id"], "3604285");
        assert_eq!(pets["fullyQualifiedName"], "p42_pets");
        assert_eq!(pets["labels"], json!({"singular": "Pet", "plural": "Pets"}));
        assert_eq!(pets["primaryDisplayProperty"], "pet_name");
        assert_eq!(pets["requiredProperties"], json!(["pet_name"]));
        assert_eq!(pets["searchableProperties"], json!(["pet_name"]));
        assert_eq!(pets["secondaryDisplayProperties"], json!(["species"]));
        let names: Vec<&str> = pets["properties"]
            .as_array()
            .map(|properties| properties.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        for name in [
            "pet_name",
            "species",
            "birth_date",
            "hs_object_id",
            "hs_createdate",
            "hs_lastmodifieddate",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        assert_eq!(pets["associations"][0]["id"], "861");
        assert_eq!(pets["associations"][0]["toObjectTypeId"], "0-1");
        let archived = body(Ok(list(&catalog, 42, &query("archived=true"))));
        assert_eq!(archived, json!({"results": []}));
    }

    #[test]
    fn custom_objects_read_by_type_id_fully_qualified_name_or_name() {
        let catalog = catalog();
        for spelling in ["2-3604285", "p42_pets", "P42_PETS", "pets", "Pets"] {
            let pets = body(read(&catalog, 42, spelling, &query("")));
            assert_eq!(pets["name"], "pets", "{spelling}");
        }
        for unknown in ["p1_pets", "contacts", "0-1", "2-1", "pet", ""] {
            let error = read(&catalog, 42, unknown, &query("")).err();
            assert_eq!(error.map(|error| error.status), Some(404), "{unknown}");
        }
    }

    #[test]
    fn custom_objects_include_flags_trim_the_schema() {
        let catalog = catalog();
        let trimmed = body(read(
            &catalog,
            42,
            "pets",
            &query("includePropertyDefinitions=false&includeAssociationDefinitions=FALSE&includeAuditMetadata=false"),
        ));
        assert_eq!(trimmed["properties"], json!([]));
        assert_eq!(trimmed["associations"], json!([]));
        assert!(trimmed.get("createdAt").is_none() && trimmed.get("createdByUserId").is_none());
        let full = body(read(&catalog, 42, "pets", &query("includeAuditMetadata=yes")));
        assert_eq!(full["createdAt"], PETS_CREATED_AT);
    }
}
