//! The object types an account has: HubSpot's standard ones, from the entity
//! table, and its custom objects, from their schemas.

use serde::Serialize;

use crate::answer::ObjectSchema;
use crate::entity::ENTITIES;

/// One object type, as `get-object-types` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectTypeInfo {
    /// What `entity` and `objectType` take: the connector's entity name, or
    /// the custom object's name.
    pub name: String,
    /// HubSpot's type id (`0-1`, `2-3604285`).
    pub object_type_id: String,
    /// A custom object's `p<portal>_<name>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    /// Labels for one record and for many.
    pub labels: TypeLabels,
    /// Whether the account defined it.
    pub custom: bool,
    /// The property shown as a record's name, for custom objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_display_property: Option<String>,
    /// Properties every new record needs, for custom objects.
    pub required_properties: Vec<String>,
}

/// An object type's labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeLabels {
    /// For one record.
    pub singular: String,
    /// For many.
    pub plural: String,
}

/// The standard types in the entity table's order, then the account's
/// custom objects that are not archived, in HubSpot's order.
pub fn all(schemas: &[ObjectSchema]) -> Vec<ObjectTypeInfo> {
    let standard = ENTITIES.iter().map(|entity| ObjectTypeInfo {
        name: entity.name.to_owned(),
        object_type_id: entity.type_id.to_owned(),
        fully_qualified_name: None,
        labels: TypeLabels {
            singular: entity.labels.singular.to_owned(),
            plural: entity.labels.plural.to_owned(),
        },
        custom: false,
        primary_display_property: None,
        required_properties: Vec::new(),
    });
    let custom = schemas
        .iter()
        .filter(|schema| !schema.archived)
        .map(|schema| ObjectTypeInfo {
            name: schema.name.clone(),
            object_type_id: schema.object_type_id.clone(),
            fully_qualified_name: Some(schema.fully_qualified_name.clone()),
            labels: TypeLabels {
                singular: schema.labels.singular.clone().unwrap_or_else(|| schema.name.clone()),
                plural: schema.labels.plural.clone().unwrap_or_else(|| schema.name.clone()),
            },
            custom: true,
            primary_display_property: schema.primary_display_property.clone(),
            required_properties: schema.required_properties.clone(),
        });
    standard.chain(custom).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::SchemaLabels;

    #[test]
    fn custom_objects_follow_the_standard_types_and_archived_ones_are_left_out() {
        let pets = ObjectSchema {
            name: "pets".into(),
            fully_qualified_name: "p1_pets".into(),
            object_type_id: "2-1".into(),
            labels: SchemaLabels {
                singular: Some("Pet".into()),
                plural: Some("Pets".into()),
            },
            primary_display_property: Some("pet_name".into()),
            required_properties: vec!["pet_name".into()],
            archived: false,
        };
        let retired = ObjectSchema {
            name: "cars".into(),
            archived: true,
            ..pets.clone()
        };
        let types = all(&[pets, retired]);
        assert_eq!(types.len(), ENTITIES.len() + 1);
        assert_eq!(types[1].name, "contacts");
        assert_eq!(types[1].labels.plural, "Contacts");
        let last = types.last().unwrap();
        assert_eq!((last.name.as_str(), last.custom), ("pets", true));
        assert_eq!(last.required_properties, ["pet_name"]);
    }
}
