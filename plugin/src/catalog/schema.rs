//! JSON Schemas (draft 2020-12) of every action's input, built from the same
//! tables the validation reads: entities, operators, categories and limits.

use serde_json::{Value, json};

use crate::action::Action;
use crate::batch::BatchKind;
use crate::entity::{ENTITIES, MAX_CUSTOM_NAME_CHARS, accepted_names, near_miss_pattern, pipelined_names};
use crate::limits::{
    BATCH_READ_HISTORY_SIZE, BATCH_SIZE, MAX_ASSOCIATION_TYPES, MAX_ASSOCIATIONS, MAX_BATCH_INPUTS, MAX_EMAIL_CHARS,
    MAX_FILTER_GROUPS, MAX_FILTER_VALUES, MAX_FILTERS_PER_GROUP, MAX_ID_CHARS, MAX_LIST_LIMIT, MAX_LIST_RESULTS,
    MAX_NAME_CHARS, MAX_NAME_LIST, MAX_PROPERTIES, MAX_PROPERTY_VALUE_CHARS, MAX_QUERY_CHARS, MAX_SEARCH_LIMIT,
    MAX_SEARCH_MAX_RESULTS, MAX_SEARCH_RESULTS, MAX_SORTS, MIN_SEARCH_LIMIT,
};
use crate::request::AssociationCategory;
use crate::search::{Arity, KEYSET_PROPERTY, OPERATORS, SortDirection};

/// The pattern of a HubSpot internal name, as `validate::check_name` checks it.
pub const NAME_PATTERN: &str = "^[A-Za-z_][A-Za-z0-9_-]*$";
/// The pattern of a custom object type id.
pub const CUSTOM_OBJECT_PATTERN: &str = "^2-[0-9]{1,18}$";
/// The pattern of a custom object's name or fully qualified name, as
/// `ObjectType::parse` takes it.
pub const CUSTOM_NAME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9_]*$";
/// Text without control characters (Unicode `Cc`, what `char::is_control`
/// matches), as `validate::check_identifier` requires of ids.
pub const NO_CONTROL_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// The input schema of `action`.
pub fn input_schema(action: Action) -> Value {
    let (properties, required) = match action {
        Action::Create => (
            json!({
                "entity": object_type("The type of record to create."),
                "properties": property_values(0, "Property values of the new record, by internal name."),
                "associations": associations(),
                "dryRun": dry_run(),
            }),
            vec!["entity", "properties"],
        ),
        Action::Read => (
            json!({
                "entity": object_type("The type of record to read."),
                "entityId": record_id(),
                "properties": optional(names("Properties to return. Without it HubSpot returns only a few defaults.")),
                "propertiesWithHistory": optional(names("Properties to return with every past value.")),
                "associations": optional(object_types("Object types whose associated record ids to return.")),
                "archived": optional(json!({"type": "boolean", "description": "Read a record from the recycle bin."})),
                "idProperty": id_property(),
            }),
            vec!["entity", "entityId"],
        ),
        Action::Update => (
            json!({
                "entity": object_type("The type of record to update."),
                "entityId": record_id(),
                "properties": property_values(1, "Property values to change, by internal name; \"\" clears a value."),
                "idProperty": id_property(),
                "dryRun": dry_run(),
            }),
            vec!["entity", "entityId", "properties"],
        ),
        Action::Archive => (
            json!({
                "entity": object_type("The type of record to archive."),
                "entityId": numeric_id("The record's id."),
                "dryRun": dry_run(),
            }),
            vec!["entity", "entityId"],
        ),
        Action::Search => (
            json!({
                "entity": object_type("The type of record to search."),
                "searchObj": search_object(),
            }),
            vec!["entity", "searchObj"],
        ),
        Action::GetPipelines => (
            json!({ "entity": pipelined_object_type("The object type whose pipelines to list.") }),
            vec!["entity"],
        ),
        Action::GetPipelineStage => (
            json!({
                "entity": pipelined_object_type("The object type."),
                "pipelineId": identifier("The pipeline's id, such as \"default\" for the default deal pipeline."),
                "stageId": identifier("The stage's id, such as \"appointmentscheduled\"."),
            }),
            vec!["entity", "pipelineId", "stageId"],
        ),
        Action::GetProperties => (
            json!({
                "objectType": object_type("The object type whose properties to list."),
                "archived": optional(json!({"type": "boolean", "description": "List the archived properties instead of the active ones."})),
                "query": optional(json!({
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_QUERY_CHARS,
                    "pattern": "\\S",
                    "description": "Words to look for in the properties' names, labels, groups and descriptions; every word must match, best matches come first.",
                })),
                "compact": optional(json!({"type": "boolean", "description": "Return only name, label, type, fieldType, readOnly, referencedObjectType and the dropdown options' values and labels."})),
            }),
            vec!["objectType"],
        ),
        Action::TestConnection
        | Action::GetObjectTypes
        | Action::BatchCreate
        | Action::BatchRead
        | Action::BatchUpdate
        | Action::BatchUpsert
        | Action::BatchArchive => (json!({}), Vec::new()),
        Action::List => (
            json!({
                "entity": object_type("The type of record to list."),
                "properties": optional(names("Properties to return. Without it HubSpot returns only a few defaults.")),
                "propertiesWithHistory": optional(names("Properties to return with every past value.")),
                "associations": optional(object_types("Object types whose associated record ids to return.")),
                "archived": optional(json!({"type": "boolean", "description": "List the recycle bin instead."})),
                "limit": optional(count(MAX_LIST_LIMIT, "Records per request; HubSpot's default is 10.")),
                "after": optional(cursor("The cursor from a previous answer's `paging.next.after`, to go on from there.")),
                "maxResults": optional(count(MAX_LIST_RESULTS, "Follow HubSpot's cursor until this many records are read; without it, one page.")),
            }),
            vec!["entity"],
        ),
        Action::Associate => (
            json!({
                "entity": object_type("The first record's object type."),
                "entityId": numeric_id("The first record's id."),
                "toEntity": object_type("The other record's object type."),
                "toEntityId": numeric_id("The other record's id."),
                "label": optional(association_label("The association label to give, such as \"Decision maker\"; get-association-labels lists them. Without `label` and `associationTypeId`, HubSpot's default association of the pair.")),
                "associationTypeId": optional(json!({"type": "integer", "minimum": 1, "description": "An association type id instead of a label, such as 3 (deal to contact)."})),
                "associationCategory": optional(json!({"type": "string", "enum": categories(), "description": "The type id's category; looked up with the pair's labels when absent."})),
                "dryRun": association_dry_run(),
            }),
            vec!["entity", "entityId", "toEntity", "toEntityId"],
        ),
        Action::GetAssociations => (
            json!({
                "entity": object_type("The record's object type."),
                "entityId": numeric_id("The record's id."),
                "toEntity": object_type("The object type whose associated records to list."),
            }),
            vec!["entity", "entityId", "toEntity"],
        ),
        Action::RemoveAssociation => (
            json!({
                "entity": object_type("The first record's object type."),
                "entityId": numeric_id("The first record's id."),
                "toEntity": object_type("The other record's object type."),
                "toEntityId": numeric_id("The other record's id."),
                "label": optional(association_label("Remove only this label; without it, every association between the two records.")),
                "dryRun": association_dry_run(),
            }),
            vec!["entity", "entityId", "toEntity", "toEntityId"],
        ),
        Action::GetAssociationLabels => (
            json!({
                "entity": object_type("The object type the associations lead from."),
                "toEntity": object_type("The object type they lead to."),
            }),
            vec!["entity", "toEntity"],
        ),
        Action::GetOwners => (
            json!({
                "email": optional(json!({
                    "type": "string",
                    "format": "email",
                    "maxLength": MAX_EMAIL_CHARS,
                    "description": "Only the owner with this e-mail address.",
                })),
                "archived": optional(json!({"type": "boolean", "description": "List deactivated owners instead of the active ones."})),
            }),
            Vec::new(),
        ),
    };
    let (properties, required) = match batch_schema(action) {
        Some(batch) => batch,
        None => (properties, required),
    };
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if matches!(action, Action::Read | Action::Update) {
        // Without idProperty the id is HubSpot's numeric record id.
        schema["if"] = json!({ "properties": { "idProperty": { "type": "null" } } });
        schema["then"] = json!({ "properties": { "entityId": numeric_id("The record's id.") } });
    }
    schema
}

/// An association label by name.
fn association_label(description: &str) -> Value {
    json!({
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_NAME_CHARS,
        "pattern": "\\S",
        "description": description,
    })
}

fn categories() -> Vec<&'static str> {
    AssociationCategory::ALL.iter().map(|c| c.name()).collect()
}

/// The flag that plans an association write without sending it.
fn association_dry_run() -> Value {
    optional(json!({
        "type": "boolean",
        "description": "Check and plan the write without sending it: answers with the exact request it would send \
            (after resolving the label, a read) and the problems found (an unknown label, with the pair's labels).",
    }))
}

/// The properties and required members of a batch action's input; `None`
/// for the other actions.
fn batch_schema(action: Action) -> Option<(Value, Vec<&'static str>)> {
    let kind = BatchKind::of(action)?;
    let id = |description: &str| match kind {
        BatchKind::Archive => numeric_id(description),
        _ => identifier(description),
    };
    let item = match kind {
        BatchKind::Create => json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["properties"],
            "properties": {
                "properties": property_values(0, "Property values of the new record, by internal name."),
                "associations": associations(),
            },
        }),
        BatchKind::Read | BatchKind::Archive => json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["id"],
            "properties": { "id": id("The record's id (for batch-read, or its value of `idProperty`).") },
        }),
        BatchKind::Update | BatchKind::Upsert => json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "properties"],
            "properties": {
                "id": id("The record's id, or its value of `idProperty`."),
                "properties": property_values(1, "Property values to write, by internal name; \"\" clears a value."),
            },
        }),
    };
    let inputs = json!({
        "type": "array",
        "minItems": 1,
        "maxItems": MAX_BATCH_INPUTS,
        "description": format!(
            "The inputs, any number up to {MAX_BATCH_INPUTS}: the connector sends them in chunks of {BATCH_SIZE}. \
             Errors and the in-doubt list name inputs by their index here."
        ),
        "items": item,
    });
    let mut properties = json!({
        "entity": object_type("The type of the records."),
        "inputs": inputs,
    });
    let mut required = vec!["entity", "inputs"];
    match kind {
        BatchKind::Read => {
            properties["properties"] = optional(names(
                "Properties to return. Without it HubSpot returns only a few defaults.",
            ));
            properties["propertiesWithHistory"] = optional(names(&format!(
                "Properties to return with every past value; chunks are then {BATCH_READ_HISTORY_SIZE} inputs."
            )));
            properties["idProperty"] = optional(name(
                "A unique property the ids are values of, such as \"email\" for contacts. Omit for record ids.",
            ));
            properties["archived"] =
                optional(json!({"type": "boolean", "description": "Read records from the recycle bin."}));
        }
        BatchKind::Update => {
            properties["idProperty"] = optional(name(
                "A unique property the ids are values of, such as \"email\" for contacts. Omit for record ids.",
            ));
        }
        BatchKind::Upsert => {
            properties["idProperty"] = name(
                "The unique property the ids are values of, such as \"email\" for contacts: a record whose value \
                 matches is updated, otherwise one is created.",
            );
            required.push("idProperty");
        }
        BatchKind::Create | BatchKind::Archive => {}
    }
    if kind != BatchKind::Read {
        properties["dryRun"] = dry_run();
    }
    Some((properties, required))
}

/// The flag that plans a write without sending it.
fn dry_run() -> Value {
    optional(json!({
        "type": "boolean",
        "description": "Check and plan the write without sending it: answers with the exact request(s) it would send \
            and the problems found (unknown or read-only properties, values outside a dropdown's options).",
    }))
}

fn count(max: u32, description: &str) -> Value {
    json!({ "type": "integer", "minimum": 1, "maximum": max, "description": description })
}

/// A paging cursor: HubSpot's text, or a number.
fn cursor(description: &str) -> Value {
    json!({
        "anyOf": [
            { "type": "string", "minLength": 1, "maxLength": MAX_ID_CHARS, "pattern": NO_CONTROL_PATTERN },
            { "type": "integer", "minimum": 0 },
        ],
        "description": description,
    })
}

fn optional(mut schema: Value) -> Value {
    // Null counts as absent, as agents often send it for unused members.
    let types = match schema.get("type") {
        Some(Value::String(single)) => json!([single, "null"]),
        _ => return json!({ "anyOf": [schema, { "type": "null" }] }),
    };
    schema["type"] = types;
    // An `enum` restricts the type too: null must be one of its values.
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        values.push(Value::Null);
    }
    schema
}

fn object_type(description: &str) -> Value {
    json!({
        "description": format!(
            "{description} One of {}; HubSpot's path names (line_items, postal_mail) and object type ids (0-1 …) work too, \
             as do a custom object's name (such as pets), fully qualified name or type id (2-…): get-object-types \
             lists them.",
            ENTITIES.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
        ),
        "anyOf": [
            { "type": "string", "enum": accepted_names() },
            { "type": "string", "pattern": CUSTOM_OBJECT_PATTERN },
            custom_name(),
        ],
    })
}

/// A custom object's name: not a near miss of a built-in name, which the
/// connector refuses rather than looks up.
fn custom_name() -> Value {
    json!({
        "type": "string",
        "pattern": CUSTOM_NAME_PATTERN,
        "maxLength": MAX_CUSTOM_NAME_CHARS,
        "not": { "pattern": near_miss_pattern() },
    })
}

/// An object type that has pipelines: deals, tickets or a custom object.
fn pipelined_object_type(description: &str) -> Value {
    json!({
        "description": format!("{description} Deals, tickets, leads (or their ids 0-3, 0-5, 0-136), or a custom object's name or type id (2-…)."),
        "anyOf": [
            { "type": "string", "enum": pipelined_names() },
            { "type": "string", "pattern": CUSTOM_OBJECT_PATTERN },
            custom_name(),
        ],
    })
}

fn object_types(description: &str) -> Value {
    json!({
        "type": "array",
        "description": description,
        "maxItems": MAX_NAME_LIST,
        "items": object_type("An associated object type."),
    })
}

fn name(description: &str) -> Value {
    json!({ "type": "string", "pattern": NAME_PATTERN, "maxLength": MAX_NAME_CHARS, "description": description })
}

fn names(description: &str) -> Value {
    json!({
        "type": "array",
        "description": description,
        "maxItems": MAX_NAME_LIST,
        "items": name("A property's internal name, such as \"firstname\"."),
    })
}

fn identifier(description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_ID_CHARS,
                "pattern": NO_CONTROL_PATTERN,
                "not": { "pattern": "^\\.+$" },
            },
            { "type": "integer", "minimum": 0 },
        ],
    })
}

fn numeric_id(description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            { "type": "string", "pattern": "^[0-9]+$", "maxLength": MAX_ID_CHARS },
            { "type": "integer", "minimum": 0 },
        ],
    })
}

fn record_id() -> Value {
    identifier("The record's numeric id, or its value of `idProperty` (such as an e-mail address).")
}

fn id_property() -> Value {
    optional(name(
        "A unique property that `entityId` holds a value of, such as \"email\" for contacts. Omit to use the record id.",
    ))
}

fn scalar() -> Value {
    json!([
        { "type": "string", "maxLength": MAX_PROPERTY_VALUE_CHARS },
        { "type": "number" },
        { "type": "boolean" },
    ])
}

fn property_values(min: usize, description: &str) -> Value {
    let mut alternatives = scalar();
    if let Value::Array(list) = &mut alternatives {
        list.push(json!({
            "type": "array",
            "description": "Options of a multiple-checkbox property; sent as HubSpot's \"a;b\" form.",
            "items": { "anyOf": scalar(), "not": { "type": "string", "pattern": ";" } },
        }));
    }
    json!({
        "type": "object",
        "description": format!("{description} Values are text to HubSpot: numbers and booleans are sent as text, dates as YYYY-MM-DD or epoch milliseconds."),
        "minProperties": min,
        "maxProperties": MAX_PROPERTIES,
        "propertyNames": { "pattern": NAME_PATTERN, "maxLength": MAX_NAME_CHARS },
        "additionalProperties": { "anyOf": alternatives },
    })
}

fn associations() -> Value {
    let categories: Vec<&str> = AssociationCategory::ALL.iter().map(|c| c.name()).collect();
    optional(json!({
        "type": "array",
        "description": "Existing records to link the new one to.",
        "maxItems": MAX_ASSOCIATIONS,
        "items": {
            "type": "object",
            "required": ["to", "types"],
            "additionalProperties": false,
            "properties": {
                "to": {
                    "type": "object",
                    "required": ["id"],
                    "additionalProperties": false,
                    "properties": { "id": numeric_id("The id of the record to link to.") },
                },
                "types": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_ASSOCIATION_TYPES,
                    "items": {
                        "type": "object",
                        "required": ["associationCategory", "associationTypeId"],
                        "additionalProperties": false,
                        "properties": {
                            "associationCategory": { "type": "string", "enum": categories },
                            "associationTypeId": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": u32::MAX,
                                "description": "HubSpot's association type id, such as 1 for contact to company.",
                            },
                        },
                    },
                },
            },
        },
    }))
}

fn search_object() -> Value {
    let directions = [SortDirection::Ascending.name(), SortDirection::Descending.name()];
    json!({
        "type": "object",
        "description": "The search criteria. All members are optional: {} lists records.",
        "additionalProperties": false,
        "properties": {
            "filterGroups": optional(json!({
                "type": "array",
                "description": format!(
                    "A record matches when all filters of any one group match. At most {MAX_FILTER_GROUPS} groups \
                     of at most {MAX_FILTERS_PER_GROUP} filters, {} filters in all.",
                    crate::limits::MAX_FILTERS_TOTAL
                ),
                "maxItems": MAX_FILTER_GROUPS,
                "items": {
                    "type": "object",
                    "required": ["filters"],
                    "additionalProperties": false,
                    "properties": {
                        "filters": { "type": "array", "minItems": 1, "maxItems": MAX_FILTERS_PER_GROUP, "items": filter() },
                    },
                },
            })),
            "properties": optional(names("Properties to return for each result; without it HubSpot returns a few defaults.")),
            "sorts": optional(json!({
                "type": "array",
                "description": "Sort criteria: a property name (ascending) or {propertyName, direction}. HubSpot applies the first.",
                "maxItems": MAX_SORTS,
                "items": {
                    "anyOf": [
                        name("A property to sort by, ascending."),
                        {
                            "type": "object",
                            "required": ["propertyName"],
                            "additionalProperties": false,
                            "properties": {
                                "propertyName": name("A property to sort by."),
                                "direction": optional(json!({ "type": "string", "enum": directions })),
                            },
                        },
                    ],
                },
            })),
            "query": optional(json!({
                "type": "string",
                "maxLength": MAX_QUERY_CHARS,
                "description": "Free text matched against the type's default searchable properties.",
            })),
            "limit": optional(json!({
                "type": "integer",
                "minimum": MIN_SEARCH_LIMIT,
                "maximum": MAX_SEARCH_LIMIT,
                "description": "Results per page; HubSpot's default is 10.",
            })),
            "after": optional(json!({
                "description": format!(
                    "The paging cursor from the previous page's paging.next.after. HubSpot's search reaches only the \
                     first {MAX_SEARCH_RESULTS} results."
                ),
                "anyOf": [
                    {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_ID_CHARS,
                        "pattern": NO_CONTROL_PATTERN,
                        "not": { "pattern": offsets_from_max_results() },
                    },
                    { "type": "integer", "minimum": 0, "maximum": MAX_SEARCH_RESULTS - 1 },
                ],
            })),
            "maxResults": optional(count(
                MAX_SEARCH_MAX_RESULTS,
                &format!(
                    "Read page after page until this many results; without it, one page. Past HubSpot's first \
                     {MAX_SEARCH_RESULTS} results the connector pages by {KEYSET_PROPERTY}: then leave `sorts` out \
                     (or sort by {KEYSET_PROPERTY} ascending) and keep each filter group below \
                     {MAX_FILTERS_PER_GROUP} filters."
                ),
            )),
        },
    })
}

/// Matches the decimal offsets at or past [`MAX_SEARCH_RESULTS`] (a power of
/// ten): a nonzero digit and at least as many more as its zeros.
fn offsets_from_max_results() -> String {
    let zeros = MAX_SEARCH_RESULTS.ilog10();
    format!("^0*[1-9][0-9]{{{zeros},}}$")
}

fn filter() -> Value {
    let with = |arity: Arity| -> Vec<&str> {
        OPERATORS
            .iter()
            .filter(|op| op.arity == arity)
            .map(|op| op.name)
            .collect()
    };
    let absent = json!({ "type": "null" });
    let scalar_value = json!({ "anyOf": scalar() });
    let values = json!({ "type": "array", "minItems": 1, "maxItems": MAX_FILTER_VALUES, "items": scalar_value });
    // Operands are optional (null counts as absent); the operator decides
    // which must be present and not null.
    json!({
        "type": "object",
        "required": ["propertyName", "operator"],
        "additionalProperties": false,
        "properties": {
            "propertyName": name("The property to compare."),
            "operator": {
                "type": "string",
                "enum": OPERATORS.iter().map(|op| op.name).collect::<Vec<_>>(),
                "description": OPERATORS.iter().map(|op| format!("{}: {}", op.name, op.meaning)).collect::<Vec<_>>().join("; "),
            },
            "value": optional(scalar_value.clone()),
            "highValue": optional(scalar_value.clone()),
            "values": optional(values.clone()),
        },
        "allOf": [
            {
                "if": { "properties": { "operator": { "enum": with(Arity::Value) } } },
                "then": {
                    "required": ["value"],
                    "properties": { "value": scalar_value, "highValue": absent, "values": absent },
                },
            },
            {
                "if": { "properties": { "operator": { "enum": with(Arity::Range) } } },
                "then": {
                    "required": ["value", "highValue"],
                    "properties": { "value": scalar_value, "highValue": scalar_value, "values": absent },
                },
            },
            {
                "if": { "properties": { "operator": { "enum": with(Arity::Values) } } },
                "then": {
                    "required": ["values"],
                    "properties": { "value": absent, "highValue": absent, "values": values },
                },
            },
            {
                "if": { "properties": { "operator": { "enum": with(Arity::Nothing) } } },
                "then": { "properties": { "value": absent, "highValue": absent, "values": absent } },
            },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_lists_exactly_the_members_the_parser_accepts() {
        for action in Action::all() {
            let schema = input_schema(action);
            let mut listed: Vec<&str> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut accepted: Vec<&str> = action.info().input.iter().filter_map(|f| f.json()).collect();
            listed.sort_unstable();
            accepted.sort_unstable();
            assert_eq!(listed, accepted, "{}", action.name());
        }
    }

    #[test]
    fn null_counts_as_absent_for_enumerated_and_operand_members() {
        let schema = input_schema(Action::Search);
        let search = &schema["properties"]["searchObj"]["properties"];
        let direction = &search["sorts"]["items"]["anyOf"][1]["properties"]["direction"];
        assert_eq!(direction["type"], json!(["string", "null"]));
        assert_eq!(direction["enum"], json!(["ASCENDING", "DESCENDING", null]));
        let filter = &search["filterGroups"]["items"]["properties"]["filters"]["items"];
        let admits_null = |schema: &Value| {
            schema["type"]
                .as_array()
                .is_some_and(|types| types.contains(&json!("null")))
                || schema["anyOf"]
                    .as_array()
                    .is_some_and(|alternatives| alternatives.contains(&json!({"type": "null"})))
        };
        for operand in ["value", "highValue", "values"] {
            assert!(admits_null(&filter["properties"][operand]), "{operand}");
        }
        // Where the operator needs an operand, null is not enough.
        let between = &filter["allOf"][1]["then"];
        assert_eq!(between["required"], json!(["value", "highValue"]));
        assert!(!admits_null(&between["properties"]["highValue"]));
        assert!(!admits_null(&filter["allOf"][2]["then"]["properties"]["values"]));
    }

    #[test]
    fn ids_and_cursors_are_limited_as_the_checks_limit_them() {
        // The pattern's two ranges are exactly the code points `char::is_control` matches.
        let bounds: Vec<u32> = NO_CONTROL_PATTERN
            .split("\\u")
            .skip(1)
            .map(|part| u32::from_str_radix(&part[..4], 16).unwrap())
            .collect();
        assert_eq!(bounds.len(), 4);
        for code in 0..=0x3ffu32 {
            let excluded = (bounds[0]..=bounds[1]).contains(&code) || (bounds[2]..=bounds[3]).contains(&code);
            assert_eq!(excluded, char::from_u32(code).unwrap().is_control(), "{code:#x}");
        }
        let schema = input_schema(Action::Search);
        let after = &schema["properties"]["searchObj"]["properties"]["after"]["anyOf"][0]["anyOf"];
        assert_eq!(after[1]["maximum"], MAX_SEARCH_RESULTS - 1);
        assert_eq!(after[0]["not"]["pattern"], "^0*[1-9][0-9]{4,}$");
        assert_eq!(
            10u64.pow(MAX_SEARCH_RESULTS.ilog10()),
            MAX_SEARCH_RESULTS,
            "a power of ten"
        );
        let stage = &input_schema(Action::GetPipelineStage)["properties"]["stageId"]["anyOf"][0];
        assert_eq!(stage["pattern"], NO_CONTROL_PATTERN);
    }

    #[test]
    fn search_limits_come_from_the_limits_table() {
        let schema = input_schema(Action::Search);
        let search = &schema["properties"]["searchObj"]["properties"];
        assert_eq!(search["limit"]["maximum"], MAX_SEARCH_LIMIT);
        assert_eq!(search["filterGroups"]["maxItems"], MAX_FILTER_GROUPS);
        assert_eq!(search["query"]["maxLength"], MAX_QUERY_CHARS);
    }
}
