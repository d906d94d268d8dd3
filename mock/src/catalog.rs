//! The property catalogs and default pipelines in `data/`, embedded at build time and
//! parsed once per process into what validation, reads and the schema endpoints need.
//!
//! Each `data/properties/<path_name>.json` is HubSpot's `GET /crm/v3/properties/{type}`
//! response and each `data/pipelines/<path_name>.json` its `GET /crm/v3/pipelines/{type}`
//! response. A catalog that is still `{"results": []}` means "not known yet": the mock
//! then skips property validation for that type and treats every property name as known.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::Value;

use crate::objects::ObjectType;

const PROPERTY_SOURCES: [(ObjectType, &str, &str); 15] = [
    (
        ObjectType::Contacts,
        "contacts.json",
        include_str!("../data/properties/contacts.json"),
    ),
    (
        ObjectType::Companies,
        "companies.json",
        include_str!("../data/properties/companies.json"),
    ),
    (
        ObjectType::Deals,
        "deals.json",
        include_str!("../data/properties/deals.json"),
    ),
    (
        ObjectType::Tickets,
        "tickets.json",
        include_str!("../data/properties/tickets.json"),
    ),
    (
        ObjectType::Products,
        "products.json",
        include_str!("../data/properties/products.json"),
    ),
    (
        ObjectType::LineItems,
        "line_items.json",
        include_str!("../data/properties/line_items.json"),
    ),
    (
        ObjectType::Quotes,
        "quotes.json",
        include_str!("../data/properties/quotes.json"),
    ),
    (
        ObjectType::Calls,
        "calls.json",
        include_str!("../data/properties/calls.json"),
    ),
    (
        ObjectType::Emails,
        "emails.json",
        include_str!("../data/properties/emails.json"),
    ),
    (
        ObjectType::Meetings,
        "meetings.json",
        include_str!("../data/properties/meetings.json"),
    ),
    (
        ObjectType::Notes,
        "notes.json",
        include_str!("../data/properties/notes.json"),
    ),
    (
        ObjectType::PostalMail,
        "postal_mail.json",
        include_str!("../data/properties/postal_mail.json"),
    ),
    (
        ObjectType::Tasks,
        "tasks.json",
        include_str!("../data/properties/tasks.json"),
    ),
    (
        ObjectType::Leads,
        "leads.json",
        include_str!("../data/properties/leads.json"),
    ),
    (
        ObjectType::Pets,
        "pets.json",
        include_str!("../data/properties/pets.json"),
    ),
];

const PIPELINE_SOURCES: [(ObjectType, &str, &str); 3] = [
    (
        ObjectType::Deals,
        "deals.json",
        include_str!("../data/pipelines/deals.json"),
    ),
    (
        ObjectType::Tickets,
        "tickets.json",
        include_str!("../data/pipelines/tickets.json"),
    ),
    (
        ObjectType::Leads,
        "leads.json",
        include_str!("../data/pipelines/leads.json"),
    ),
];

/// A data file that does not parse as the HubSpot response it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CatalogError {
    pub(crate) file: String,
    pub(crate) reason: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "data/{}: {}", self.file, self.reason)
    }
}

impl std::error::Error for CatalogError {}

/// One property definition: the fields the mock acts on, and the JSON it serves.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PropertyDef {
    pub(crate) name: String,
    /// HubSpot's `type`: `bool`, `date`, `datetime`, `enumeration`, `number`, `string`, …
    pub(crate) kind: String,
    pub(crate) field_type: String,
    pub(crate) options: Vec<OptionDef>,
    pub(crate) has_unique_value: bool,
    pub(crate) read_only_value: bool,
    pub(crate) external_options: bool,
    pub(crate) archived: bool,
    pub(crate) data_sensitivity: Option<String>,
    /// `referencedObjectType`, e.g. `OWNER` for `hubspot_owner_id`.
    pub(crate) referenced_object_type: Option<String>,
    pub(crate) raw: Value,
}

/// One option of an enumeration property.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OptionDef {
    pub(crate) label: String,
    pub(crate) value: String,
    #[serde(default)]
    pub(crate) display_order: Option<i64>,
    #[serde(default)]
    pub(crate) hidden: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PropertyFields {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    field_type: Option<String>,
    #[serde(default)]
    options: Option<Vec<OptionDef>>,
    #[serde(default)]
    has_unique_value: Option<bool>,
    #[serde(default)]
    modification_metadata: Option<ModificationFields>,
    #[serde(default)]
    external_options: Option<bool>,
    #[serde(default)]
    archived: Option<bool>,
    #[serde(default)]
    data_sensitivity: Option<String>,
    #[serde(default)]
    referenced_object_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ModificationFields {
    #[serde(default)]
    read_only_value: Option<bool>,
}

impl PropertyDef {
    fn from_json(raw: Value) -> Result<Self, String> {
        let fields: PropertyFields = serde_json::from_value(raw.clone()).map_err(|error| error.to_string())?;
        Ok(Self {
            name: fields.name,
            kind: fields.kind,
            field_type: fields.field_type.unwrap_or_default(),
            options: fields.options.unwrap_or_default(),
            has_unique_value: fields.has_unique_value.unwrap_or(false),
            read_only_value: fields
                .modification_metadata
                .and_then(|metadata| metadata.read_only_value)
                .unwrap_or(false),
            external_options: fields.external_options.unwrap_or(false),
            archived: fields.archived.unwrap_or(false),
            data_sensitivity: fields.data_sensitivity,
            referenced_object_type: fields.referenced_object_type,
            raw,
        })
    }
}

/// A pipeline as HubSpot returns it, with the ids the mock validates against.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pipeline {
    pub(crate) id: String,
    pub(crate) archived: bool,
    pub(crate) stages: Vec<Stage>,
    pub(crate) raw: Value,
}

/// A pipeline stage as HubSpot returns it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stage {
    pub(crate) id: String,
    pub(crate) archived: bool,
    pub(crate) raw: Value,
}

impl Pipeline {
    /// Check `raw` has every member the OpenAPI `Pipeline` (and its `PipelineStage`s)
    /// requires, with the right JSON types.
    pub(crate) fn from_json(raw: Value) -> Result<Self, String> {
        let object = raw.as_object().ok_or("a pipeline must be a JSON object")?;
        let id = require_string(object, "id", "pipeline")?;
        require_string(object, "label", "pipeline")?;
        require_integer(object, "displayOrder", "pipeline")?;
        require_string(object, "createdAt", "pipeline")?;
        require_string(object, "updatedAt", "pipeline")?;
        let archived = require_bool(object, "archived", "pipeline")?;
        let stage_values = object
            .get("stages")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("pipeline {id}: `stages` must be an array"))?;
        let mut stages = Vec::with_capacity(stage_values.len());
        for stage in stage_values {
            let fields = stage
                .as_object()
                .ok_or_else(|| format!("pipeline {id}: a stage must be a JSON object"))?;
            let stage_id = require_string(fields, "id", "stage")?;
            require_string(fields, "label", "stage")?;
            require_integer(fields, "displayOrder", "stage")?;
            require_string(fields, "createdAt", "stage")?;
            require_string(fields, "updatedAt", "stage")?;
            if !fields.get("metadata").is_some_and(Value::is_object) {
                return Err(format!("stage {stage_id}: `metadata` must be an object"));
            }
            stages.push(Stage {
                id: stage_id,
                archived: require_bool(fields, "archived", "stage")?,
                raw: stage.clone(),
            });
        }
        Ok(Self {
            id,
            archived,
            stages,
            raw,
        })
    }

    /// The stages that are not archived, in order.
    pub(crate) fn live_stages(&self) -> impl Iterator<Item = &Stage> {
        self.stages.iter().filter(|stage| !stage.archived)
    }
}

type Members = serde_json::Map<String, Value>;

fn require_string(object: &Members, key: &str, what: &str) -> Result<String, String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{what}: `{key}` must be a string"))
}

fn require_integer(object: &Members, key: &str, what: &str) -> Result<i64, String> {
    object
        .get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("{what}: `{key}` must be an integer"))
}

fn require_bool(object: &Members, key: &str, what: &str) -> Result<bool, String> {
    object
        .get(key)
        .and_then(Value::as_bool)
        .ok_or_else(|| format!("{what}: `{key}` must be a boolean"))
}

/// Every type's properties and default pipelines.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    properties: BTreeMap<ObjectType, Vec<PropertyDef>>,
    pipelines: BTreeMap<ObjectType, Vec<Pipeline>>,
}

impl Catalog {
    /// The catalog built from the embedded `data/` files, parsed on first use.
    pub(crate) fn embedded() -> Result<Arc<Catalog>, CatalogError> {
        static EMBEDDED: OnceLock<Result<Arc<Catalog>, CatalogError>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                let properties =
                    PROPERTY_SOURCES.map(|(object_type, file, text)| (object_type, format!("properties/{file}"), text));
                let pipelines =
                    PIPELINE_SOURCES.map(|(object_type, file, text)| (object_type, format!("pipelines/{file}"), text));
                Catalog::parse(&properties, &pipelines).map(Arc::new)
            })
            .clone()
    }

    /// Build a catalog from `(type, file name, JSON text)` sources.
    pub(crate) fn parse(
        property_sources: &[(ObjectType, String, &str)],
        pipeline_sources: &[(ObjectType, String, &str)],
    ) -> Result<Self, CatalogError> {
        let mut catalog = Self::default();
        for (object_type, file, text) in property_sources {
            let definitions = results(file, text)?
                .into_iter()
                .map(PropertyDef::from_json)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|reason| CatalogError {
                    file: file.clone(),
                    reason,
                })?;
            catalog.properties.insert(*object_type, definitions);
        }
        for (object_type, file, text) in pipeline_sources {
            let pipelines = results(file, text)?
                .into_iter()
                .map(Pipeline::from_json)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|reason| CatalogError {
                    file: file.clone(),
                    reason,
                })?;
            catalog.pipelines.insert(*object_type, pipelines);
        }
        Ok(catalog)
    }

    /// Every property definition of `object_type`, archived ones included, in file order.
    pub(crate) fn properties(&self, object_type: ObjectType) -> &[PropertyDef] {
        self.properties.get(&object_type).map(Vec::as_slice).unwrap_or_default()
    }

    /// Whether the catalog of `object_type` has been filled in.
    pub(crate) fn knows_properties_of(&self, object_type: ObjectType) -> bool {
        !self.properties(object_type).is_empty()
    }

    /// The non-archived property `name` of `object_type`.
    pub(crate) fn property(&self, object_type: ObjectType, name: &str) -> Option<&PropertyDef> {
        self.properties(object_type)
            .iter()
            .find(|definition| definition.name == name && !definition.archived)
    }

    /// Whether a read may return `name` for `object_type` (as `null` when unset): system
    /// properties always, others when the catalog has them or is still empty.
    pub(crate) fn is_readable(&self, object_type: ObjectType, name: &str) -> bool {
        object_type.system_properties().contains(&name)
            || !self.knows_properties_of(object_type)
            || self.property(object_type, name).is_some()
    }

    /// The default pipelines of `object_type` from `data/`.
    pub(crate) fn pipelines(&self, object_type: ObjectType) -> &[Pipeline] {
        self.pipelines.get(&object_type).map(Vec::as_slice).unwrap_or_default()
    }
}

fn results(file: &str, text: &str) -> Result<Vec<Value>, CatalogError> {
    #[derive(Deserialize)]
    struct Envelope {
        results: Vec<Value>,
    }
    serde_json::from_str::<Envelope>(text)
        .map(|envelope| envelope.results)
        .map_err(|error| CatalogError {
            file: file.to_owned(),
            reason: error.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn catalog_embedded_data_parses() {
        let catalog = Catalog::embedded();
        assert!(catalog.is_ok(), "{:?}", catalog.err());
    }

    #[test]
    fn catalog_embedded_properties_have_unique_names() {
        let Ok(catalog) = Catalog::embedded() else {
            panic!("embedded catalog does not parse");
        };
        for object_type in ObjectType::ALL {
            let mut names = std::collections::BTreeSet::new();
            for definition in catalog.properties(object_type) {
                assert!(
                    names.insert((definition.name.as_str(), definition.archived)),
                    "{} lists {} twice",
                    object_type.path_name(),
                    definition.name
                );
            }
        }
    }

    #[test]
    fn catalog_embedded_system_properties_exist_when_filled_in() {
        let Ok(catalog) = Catalog::embedded() else {
            panic!("embedded catalog does not parse");
        };
        for object_type in ObjectType::ALL {
            if !catalog.knows_properties_of(object_type) {
                continue;
            }
            for name in object_type.system_properties() {
                assert!(
                    catalog.property(object_type, name).is_some(),
                    "{} has no property {name}",
                    object_type.path_name()
                );
            }
        }
    }

    #[test]
    fn catalog_parse_reads_the_fields_validation_needs() {
        let text = json!({"results": [
            {"name": "lifecyclestage", "label": "Lifecycle Stage", "type": "enumeration",
             "fieldType": "radio", "description": "", "groupName": "g",
             "options": [{"label": "Lead", "value": "lead", "displayOrder": 1, "hidden": false}],
             "modificationMetadata": {"archivable": true, "readOnlyDefinition": true, "readOnlyValue": false}},
            {"name": "hs_object_id", "label": "Record ID", "type": "number", "fieldType": "number",
             "description": "", "groupName": "g", "options": [], "hasUniqueValue": true,
             "modificationMetadata": {"archivable": false, "readOnlyDefinition": true, "readOnlyValue": true}},
            {"name": "old", "label": "Old", "type": "string", "fieldType": "text",
             "description": "", "groupName": "g", "options": [], "archived": true}
        ]})
        .to_string();
        let catalog = Catalog::parse(&[(ObjectType::Contacts, "contacts.json".to_owned(), &text)], &[]);
        let Ok(catalog) = catalog else {
            panic!("{:?}", catalog.err());
        };
        let stage = catalog.property(ObjectType::Contacts, "lifecyclestage");
        assert_eq!(stage.map(|p| p.options.len()), Some(1));
        assert_eq!(stage.map(|p| p.read_only_value), Some(false));
        let id = catalog.property(ObjectType::Contacts, "hs_object_id");
        assert_eq!(id.map(|p| (p.read_only_value, p.has_unique_value)), Some((true, true)));
        assert!(catalog.property(ObjectType::Contacts, "old").is_none());
        assert!(catalog.is_readable(ObjectType::Contacts, "createdate"));
        assert!(!catalog.is_readable(ObjectType::Contacts, "old"));
        assert!(catalog.is_readable(ObjectType::Deals, "anything"));
    }

    #[test]
    fn catalog_parse_reports_the_broken_file() {
        let broken = Catalog::parse(
            &[(
                ObjectType::Deals,
                "properties/deals.json".to_owned(),
                "{\"results\": [{}]}",
            )],
            &[],
        );
        let error = broken.err();
        assert_eq!(error.as_ref().map(|e| e.file.as_str()), Some("properties/deals.json"));
        let not_json = Catalog::parse(&[], &[(ObjectType::Deals, "p".to_owned(), "[")]);
        assert!(not_json.is_err());
    }

    #[test]
    fn catalog_pipeline_from_json_requires_hubspot_members() {
        let good = json!({"id": "default", "label": "Sales", "displayOrder": 0,
            "createdAt": "1970-01-01T00:00:00Z", "updatedAt": "1970-01-01T00:00:00Z",
            "archived": false, "stages": [{"id": "a", "label": "A", "displayOrder": 0,
            "metadata": {"probability": "0.2"}, "createdAt": "1970-01-01T00:00:00Z",
            "updatedAt": "1970-01-01T00:00:00Z", "archived": true}]});
        let pipeline = Pipeline::from_json(good.clone());
        assert_eq!(pipeline.as_ref().map(|p| p.stages.len()), Ok(1));
        assert_eq!(pipeline.map(|p| p.live_stages().count()), Ok(0));
        for key in ["id", "label", "displayOrder", "stages", "archived"] {
            let mut broken = good.clone();
            if let Some(object) = broken.as_object_mut() {
                object.remove(key);
            }
            assert!(Pipeline::from_json(broken).is_err(), "{key}");
        }
        let mut no_metadata = good;
        no_metadata["stages"][0]["metadata"] = json!(null);
        assert!(Pipeline::from_json(no_metadata).is_err());
    }
}
