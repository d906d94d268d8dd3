//! Reads an action's JSON input, exactly as the specification's samples write
//! it, into a typed request; every problem names its JSON path.

use serde_json::{Map, Value};

use crate::action::Action;
use crate::error::Error;
use crate::input_path::{Field, InputPath, PropertyPart};
use crate::limits::{
    MAX_INPUT_BYTES, MAX_INPUT_DEPTH, MAX_LIST_LIMIT, MAX_LIST_RESULTS, MAX_SEARCH_LIMIT, MAX_SEARCH_MAX_RESULTS,
    MIN_SEARCH_LIMIT,
};
use crate::request::{
    ActionRequest, ArchiveRequest, AssociateRequest, AssociationCategory, AssociationInput, AssociationLabelsRequest,
    AssociationType, AssociationsRequest, CreateRequest, ListRequest, OwnersRequest, PipelinesRequest,
    PropertiesRequest, ReadRequest, RemoveAssociationRequest, StageRequest, UpdateRequest,
};
use crate::search::{Arity, Filter, Operand, Operator, SearchRequest, Sort, SortDirection, operator_names};
use crate::validate::shorten;

/// The members of `searchObj`.
pub const SEARCH_FIELDS: &[Field] = &[
    Field::FilterGroups,
    Field::Properties,
    Field::Sorts,
    Field::Query,
    Field::Limit,
    Field::After,
    Field::MaxResults,
];
/// The members of one filter.
pub const FILTER_FIELDS: &[Field] = &[
    Field::PropertyName,
    Field::Operator,
    Field::Value,
    Field::HighValue,
    Field::Values,
];

/// A parsed input: the request, and whether the caller asked only to check
/// and plan it (`dryRun`, which only writes accept).
#[derive(Debug, Clone)]
pub struct Call {
    /// The request.
    pub request: ActionRequest,
    /// Plan the write and report its problems without sending it.
    pub dry_run: bool,
}

/// Parses `input_json` for `action`. Empty input counts as `{}`.
pub fn parse(action: Action, input_json: &str) -> Result<ActionRequest, Error> {
    parse_call(action, input_json).map(|call| call.request)
}

/// Parses `input_json` for `action` like [`parse`], with its `dryRun` flag.
pub fn parse_call(action: Action, input_json: &str) -> Result<Call, Error> {
    let root = InputPath::root();
    if input_json.len() > MAX_INPUT_BYTES {
        return Err(Error::invalid(
            &root,
            format!("the input is larger than {MAX_INPUT_BYTES} bytes"),
        ));
    }
    let value: Value = if input_json.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(input_json)
            .map_err(|error| Error::invalid(&root, format!("the input is not valid JSON: {error}")))?
    };
    if depth(&value) > MAX_INPUT_DEPTH {
        return Err(Error::invalid(
            &root,
            format!("the input nests deeper than {MAX_INPUT_DEPTH} levels"),
        ));
    }
    let input = Object::new(&value, root)?;
    input.deny_unknown(action.info().input)?;
    // Only the actions that list the member accept it; deny_unknown refused it elsewhere.
    let dry_run = input.optional_bool(Field::DryRun)?;
    let request = match action {
        Action::Create => ActionRequest::Create(CreateRequest {
            object_type: input.required_str(Field::Entity)?,
            properties: input
                .required(Field::Properties)
                .and_then(|v| properties(v, &input.path(Field::Properties)))?,
            associations: input
                .optional(Field::Associations)
                .map(|v| associations(v, &input.path(Field::Associations)))
                .transpose()?
                .unwrap_or_default(),
        }),
        Action::Read => ActionRequest::Read(ReadRequest {
            object_type: input.required_str(Field::Entity)?,
            record_id: input.required_id(Field::RecordId)?,
            properties: input.optional_names(Field::Properties)?,
            properties_with_history: input.optional_names(Field::PropertiesWithHistory)?,
            associations: input.optional_names(Field::Associations)?,
            archived: input.optional_bool(Field::Archived)?,
            id_property: input.optional_str(Field::IdProperty)?,
        }),
        Action::Update => ActionRequest::Update(UpdateRequest {
            object_type: input.required_str(Field::Entity)?,
            record_id: input.required_id(Field::RecordId)?,
            properties: input
                .required(Field::Properties)
                .and_then(|v| properties(v, &input.path(Field::Properties)))?,
            id_property: input.optional_str(Field::IdProperty)?,
        }),
        Action::Archive => ActionRequest::Archive(ArchiveRequest {
            object_type: input.required_str(Field::Entity)?,
            record_id: input.required_id(Field::RecordId)?,
        }),
        Action::Search => {
            let object_type = input.required_str(Field::Entity)?;
            let search = Object::new(input.required(Field::SearchObj)?, input.path(Field::SearchObj))?;
            ActionRequest::Search(search_request(object_type, &search)?)
        }
        Action::GetPipelines => ActionRequest::GetPipelines(PipelinesRequest {
            object_type: input.required_str(Field::Entity)?,
        }),
        Action::GetPipelineStage => ActionRequest::GetPipelineStage(StageRequest {
            object_type: input.required_str(Field::Entity)?,
            pipeline_id: input.required_id(Field::PipelineId)?,
            stage_id: input.required_id(Field::StageId)?,
        }),
        Action::GetProperties => ActionRequest::GetProperties(PropertiesRequest {
            object_type: input.required_str(Field::ObjectType)?,
            archived: input.optional_bool(Field::Archived)?,
            query: input.optional_str(Field::Query)?,
            compact: input.optional_bool(Field::Compact)?,
        }),
        Action::TestConnection => ActionRequest::TestConnection,
        Action::List => ActionRequest::List(ListRequest {
            object_type: input.required_str(Field::Entity)?,
            properties: input.optional_names(Field::Properties)?,
            properties_with_history: input.optional_names(Field::PropertiesWithHistory)?,
            associations: input.optional_names(Field::Associations)?,
            archived: input.optional_bool(Field::Archived)?,
            limit: input.optional_count(Field::Limit, MAX_LIST_LIMIT)?,
            after: input.optional_cursor(Field::After)?,
            max_results: input.optional_count(Field::MaxResults, MAX_LIST_RESULTS)?,
        }),
        Action::GetOwners => ActionRequest::GetOwners(OwnersRequest {
            email: input.optional_str(Field::Email)?,
            archived: input.optional_bool(Field::Archived)?,
        }),
        Action::GetObjectTypes => ActionRequest::GetObjectTypes,
        Action::Associate => ActionRequest::Associate(AssociateRequest {
            object_type: input.required_str(Field::Entity)?,
            record_id: input.required_id(Field::RecordId)?,
            to_object_type: input.required_str(Field::ToEntity)?,
            to_record_id: input.required_id(Field::ToRecordId)?,
            label: input.optional_str(Field::Label)?,
            type_id: input
                .optional(Field::AssociationTypeId)
                .map(|value| type_id(value, &input.path(Field::AssociationTypeId)))
                .transpose()?,
            category: input
                .optional(Field::AssociationCategory)
                .map(|value| category(value, &input.path(Field::AssociationCategory)))
                .transpose()?,
        }),
        Action::GetAssociations => ActionRequest::GetAssociations(AssociationsRequest {
            object_type: input.required_str(Field::Entity)?,
            record_id: input.required_id(Field::RecordId)?,
            to_object_type: input.required_str(Field::ToEntity)?,
        }),
        Action::RemoveAssociation => ActionRequest::RemoveAssociation(RemoveAssociationRequest {
            object_type: input.required_str(Field::Entity)?,
            record_id: input.required_id(Field::RecordId)?,
            to_object_type: input.required_str(Field::ToEntity)?,
            to_record_id: input.required_id(Field::ToRecordId)?,
            label: input.optional_str(Field::Label)?,
        }),
        Action::GetAssociationLabels => ActionRequest::GetAssociationLabels(AssociationLabelsRequest {
            object_type: input.required_str(Field::Entity)?,
            to_object_type: input.required_str(Field::ToEntity)?,
        }),
        Action::BatchCreate | Action::BatchRead | Action::BatchUpdate | Action::BatchUpsert | Action::BatchArchive => {
            ActionRequest::Batch(crate::batch::parse(action, &input)?)
        }
    };
    Ok(Call { request, dry_run })
}

fn depth(value: &Value) -> usize {
    // Iterative, so that depth itself cannot exhaust the stack.
    let mut deepest = 0;
    let mut pending = vec![(value, 1)];
    while let Some((value, level)) = pending.pop() {
        deepest = deepest.max(level);
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|v| (v, level + 1))),
            Value::Object(map) => pending.extend(map.values().map(|v| (v, level + 1))),
            _ => {}
        }
    }
    deepest
}

/// A JSON object being read, with the path that leads to it.
pub(crate) struct Object<'a> {
    map: &'a Map<String, Value>,
    path: InputPath,
}

impl<'a> Object<'a> {
    pub(crate) fn new(value: &'a Value, path: InputPath) -> Result<Self, Error> {
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            other => Err(Error::invalid(
                &path,
                format!("must be a JSON object, not {}", kind(other)),
            )),
        }
    }

    pub(crate) fn path(&self, field: Field) -> InputPath {
        self.path.field(field)
    }

    /// Rejects members the action does not know, suggesting the one meant.
    pub(crate) fn deny_unknown(&self, known: &[Field]) -> Result<(), Error> {
        let names = json_names(known);
        let Some(unknown) = self.map.keys().find(|key| !names.contains(&key.as_str())) else {
            return Ok(());
        };
        let normalise = |s: &str| s.to_ascii_lowercase().replace(['_', '-', ' '], "");
        let suggestion = names.iter().find(|k| normalise(k) == normalise(unknown));
        let hint = match suggestion {
            Some(meant) => format!("; did you mean `{meant}`?"),
            None if json_names(SEARCH_FIELDS).contains(&unknown.as_str()) && known.contains(&Field::SearchObj) => {
                "; search criteria go inside `searchObj`".to_owned()
            }
            None if known.is_empty() => "; this action takes no input members".to_owned(),
            None => format!("; the accepted members are {}", quoted(&names)),
        };
        Err(Error::invalid(
            &self.path.key(unknown),
            format!("unknown member `{}`{hint}", shorten(unknown)),
        ))
    }

    /// A member that must be present and not null.
    pub(crate) fn required(&self, field: Field) -> Result<&'a Value, Error> {
        self.optional(field)
            .ok_or_else(|| Error::invalid(&self.path(field), "is required".to_owned()))
    }

    /// A member that may be absent; null counts as absent.
    pub(crate) fn optional(&self, field: Field) -> Option<&'a Value> {
        field
            .json()
            .and_then(|name| self.map.get(name))
            .filter(|value| !value.is_null())
    }

    pub(crate) fn required_str(&self, field: Field) -> Result<String, Error> {
        string(self.required(field)?, &self.path(field))
    }

    pub(crate) fn optional_str(&self, field: Field) -> Result<Option<String>, Error> {
        self.optional(field)
            .map(|value| string(value, &self.path(field)))
            .transpose()
    }

    /// An id: a string, or a non-negative integer taken as its decimal text.
    pub(crate) fn required_id(&self, field: Field) -> Result<String, Error> {
        id(self.required(field)?, &self.path(field))
    }

    pub(crate) fn optional_bool(&self, field: Field) -> Result<bool, Error> {
        match self.optional(field) {
            None => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(other) => Err(Error::invalid(
                &self.path(field),
                format!("must be true or false, not {}", kind(other)),
            )),
        }
    }

    /// A whole number from 1 to `max`, if present.
    fn optional_count(&self, field: Field, max: u32) -> Result<Option<u32>, Error> {
        let Some(value) = self.optional(field) else {
            return Ok(None);
        };
        let count = match value {
            Value::Number(number) => whole_number(number).and_then(|n| u32::try_from(n).ok()),
            _ => None,
        };
        match count {
            Some(count) if (1..=max).contains(&count) => Ok(Some(count)),
            _ => Err(Error::invalid(
                &self.path(field),
                format!(
                    "must be a whole number from 1 to {max}, not {}",
                    shorten(&value.to_string())
                ),
            )),
        }
    }

    /// A paging cursor: HubSpot's text, or a number taken as its decimal text.
    fn optional_cursor(&self, field: Field) -> Result<Option<String>, Error> {
        self.optional(field)
            .map(|value| id(value, &self.path(field)))
            .transpose()
    }

    pub(crate) fn optional_names(&self, field: Field) -> Result<Vec<String>, Error> {
        self.optional(field)
            .map_or(Ok(Vec::new()), |value| names(value, &self.path(field)))
    }
}

/// The members' names in the JSON input.
fn json_names(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().filter_map(|field| field.json()).collect()
}

fn string(value: &Value, path: &InputPath) -> Result<String, Error> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(Error::invalid(path, format!("must be a string, not {}", kind(other)))),
    }
}

/// A JSON number that is a whole, non-negative number: `12` and, as JSON
/// Schema's `integer` also allows, `12.0` (up to 2^53, where `f64` is exact).
pub fn whole_number(number: &serde_json::Number) -> Option<u64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    number.as_u64().or_else(|| {
        number
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=EXACT).contains(n))
            // Exact: a whole number within 2^53.
            .map(|n| n as u64)
    })
}

pub(crate) fn id(value: &Value, path: &InputPath) -> Result<String, Error> {
    let whole = match value {
        Value::String(text) => return Ok(text.clone()),
        Value::Number(number) => whole_number(number),
        _ => None,
    };
    whole.map(|n| n.to_string()).ok_or_else(|| {
        Error::invalid(
            path,
            format!("must be a string such as \"12345678\", not {}", kind(value)),
        )
    })
}

pub(crate) fn names(value: &Value, path: &InputPath) -> Result<Vec<String>, Error> {
    let Value::Array(items) = value else {
        return Err(Error::invalid(
            path,
            format!(
                "must be an array of names such as [\"email\", \"firstname\"], not {}",
                kind(value)
            ),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| string(item, &path.index(index)))
        .collect()
}

/// A property value as HubSpot stores it: text. Numbers and booleans are
/// written as their JSON text; an array of values becomes HubSpot's
/// `a;b;c` multi-select form.
fn property_value(value: &Value, path: &InputPath) -> Result<String, Error> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Err(Error::invalid(
            path,
            "must not be null; to clear a value, send an empty string \"\"",
        )),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let part = match item {
                    Value::String(_) | Value::Number(_) | Value::Bool(_) => property_value(item, &path.index(index))?,
                    other => {
                        return Err(Error::invalid(
                            &path.index(index),
                            format!("a multi-select value lists strings, not {}", kind(other)),
                        ));
                    }
                };
                if part.contains(';') {
                    return Err(Error::invalid(
                        &path.index(index),
                        "a multi-select option cannot contain `;`",
                    ));
                }
                parts.push(part);
            }
            Ok(parts.join(";"))
        }
        Value::Object(_) => Err(Error::invalid(
            path,
            "must be a string, number or boolean (HubSpot keeps every property value as text)",
        )),
    }
}

pub(crate) fn properties(value: &Value, path: &InputPath) -> Result<Vec<(String, String)>, Error> {
    let Value::Object(map) = value else {
        return Err(Error::invalid(
            path,
            format!(
                "must be an object of property values such as {{\"firstname\": \"Jane\"}}, not {}",
                kind(value)
            ),
        ));
    };
    map.iter()
        .enumerate()
        .map(|(index, (name, value))| {
            let path = path.property(index, name, PropertyPart::Value);
            Ok((name.clone(), property_value(value, &path)?))
        })
        .collect()
}

pub(crate) fn associations(value: &Value, path: &InputPath) -> Result<Vec<AssociationInput>, Error> {
    let Value::Array(items) = value else {
        return Err(Error::invalid(
            path,
            format!("must be an array of associations, not {}", kind(value)),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let item = Object::new(item, path.index(index))?;
            item.deny_unknown(&[Field::AssociationTo, Field::Types])?;
            let to = Object::new(item.required(Field::AssociationTo)?, item.path(Field::AssociationTo))?;
            to.deny_unknown(&[Field::AssociationToId])?;
            let types_path = item.path(Field::Types);
            let Value::Array(types) = item.required(Field::Types)? else {
                return Err(Error::invalid(&types_path, "must be an array of association types"));
            };
            Ok(AssociationInput {
                to_id: to.required_id(Field::AssociationToId)?,
                types: types
                    .iter()
                    .enumerate()
                    .map(|(index, value)| association_type(value, &types_path.index(index)))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

fn association_type(value: &Value, path: &InputPath) -> Result<AssociationType, Error> {
    let object = Object::new(value, path.clone())?;
    object.deny_unknown(&[Field::AssociationCategory, Field::AssociationTypeId])?;
    Ok(AssociationType {
        category: category(
            object.required(Field::AssociationCategory)?,
            &object.path(Field::AssociationCategory),
        )?,
        type_id: type_id(
            object.required(Field::AssociationTypeId)?,
            &object.path(Field::AssociationTypeId),
        )?,
    })
}

/// An association category in HubSpot's spelling.
fn category(value: &Value, path: &InputPath) -> Result<AssociationCategory, Error> {
    let name = string(value, path)?;
    AssociationCategory::parse(&name).ok_or_else(|| {
        let names: Vec<&str> = AssociationCategory::ALL.iter().map(|c| c.name()).collect();
        Error::invalid(
            path,
            format!(
                "`{}` is not an association category; use one of {}",
                shorten(&name),
                quoted(&names)
            ),
        )
    })
}

/// An association type id: a positive whole number.
fn type_id(value: &Value, path: &InputPath) -> Result<u32, Error> {
    match value {
        Value::Number(number) => whole_number(number)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0),
        _ => None,
    }
    .ok_or_else(|| Error::invalid(path, "must be a positive integer such as 1 (contact to company)"))
}

fn search_request(object_type: String, search: &Object<'_>) -> Result<SearchRequest, Error> {
    search.deny_unknown(SEARCH_FIELDS)?;
    let groups_path = search.path(Field::FilterGroups);
    let filter_groups = match search.optional(Field::FilterGroups) {
        None => Vec::new(),
        Some(Value::Array(groups)) => groups
            .iter()
            .enumerate()
            .map(|(index, group)| filter_group(group, &groups_path.index(index)))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(Error::invalid(
                &groups_path,
                format!(
                    "must be an array of {{\"filters\": [...]}} objects, not {}",
                    kind(other)
                ),
            ));
        }
    };
    let sorts_path = search.path(Field::Sorts);
    let sorts = match search.optional(Field::Sorts) {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| sort(item, &sorts_path.index(index)))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(Error::invalid(
                &sorts_path,
                format!("must be an array, not {}", kind(other)),
            ));
        }
    };
    let limit_path = search.path(Field::Limit);
    let limit = match search.optional(Field::Limit) {
        None => None,
        Some(Value::Number(number)) => Some(
            whole_number(number)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| limit_error(&limit_path, &number.to_string()))?,
        ),
        Some(other) => return Err(limit_error(&limit_path, kind(other))),
    };
    Ok(SearchRequest {
        object_type,
        filter_groups,
        properties: search.optional_names(Field::Properties)?,
        sorts,
        query: search.optional_str(Field::Query)?,
        limit,
        after: search
            .optional(Field::After)
            .map(|value| id(value, &search.path(Field::After)))
            .transpose()?,
        max_results: search.optional_count(Field::MaxResults, MAX_SEARCH_MAX_RESULTS)?,
    })
}

fn limit_error(path: &InputPath, got: &str) -> Error {
    Error::invalid(
        path,
        format!("must be an integer from {MIN_SEARCH_LIMIT} to {MAX_SEARCH_LIMIT}; got {got}"),
    )
}

fn filter_group(value: &Value, path: &InputPath) -> Result<Vec<Filter>, Error> {
    let group = Object::new(value, path.clone())?;
    group.deny_unknown(&[Field::Filters])?;
    let filters_path = group.path(Field::Filters);
    match group.required(Field::Filters)? {
        Value::Array(filters) => filters
            .iter()
            .enumerate()
            .map(|(index, filter)| self::filter(filter, &filters_path.index(index)))
            .collect(),
        other => Err(Error::invalid(
            &filters_path,
            format!("must be an array of filters, not {}", kind(other)),
        )),
    }
}

fn filter(value: &Value, path: &InputPath) -> Result<Filter, Error> {
    let filter = Object::new(value, path.clone())?;
    filter.deny_unknown(FILTER_FIELDS)?;
    let property_name = filter.required_str(Field::PropertyName)?;
    let operator_name = filter.required_str(Field::Operator)?;
    let operator = Operator::from_name(&operator_name).ok_or_else(|| {
        Error::invalid(
            &filter.path(Field::Operator),
            format!(
                "`{}` is not a search operator; use one of {}",
                shorten(&operator_name),
                quoted(&operator_names())
            ),
        )
    })?;
    let scalar = |field: Field| -> Result<Option<String>, Error> {
        filter
            .optional(field)
            .map(|value| match value {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => property_value(value, &filter.path(field)),
                other => Err(Error::invalid(
                    &filter.path(field),
                    format!("must be a string, not {}", kind(other)),
                )),
            })
            .transpose()
    };
    let value = scalar(Field::Value)?;
    let high_value = scalar(Field::HighValue)?;
    let values = match filter.optional(Field::Values) {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let path = filter.path(Field::Values).index(index);
                    match item {
                        Value::String(_) | Value::Number(_) | Value::Bool(_) => property_value(item, &path),
                        other => Err(Error::invalid(&path, format!("must be a string, not {}", kind(other)))),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(other) => {
            return Err(Error::invalid(
                &filter.path(Field::Values),
                format!("must be an array of strings, not {}", kind(other)),
            ));
        }
    };
    let name = operator.name();
    let unexpected = |field: Field, instead: &str| {
        let key = field.json().unwrap_or_default();
        Error::invalid(&filter.path(field), format!("{name} does not take `{key}`{instead}"))
    };
    let missing = |field: Field, example: &str| {
        let key = field.json().unwrap_or_default();
        Error::invalid(
            &filter.path(field),
            format!("{name} needs `{key}`, for example {example}"),
        )
    };
    let operand = match operator.arity() {
        Arity::Value => {
            if values.is_some() {
                return Err(unexpected(Field::Values, "; to match any of several values use IN"));
            }
            if high_value.is_some() {
                return Err(unexpected(Field::HighValue, "; for a range use BETWEEN"));
            }
            Operand::Value(value.ok_or_else(|| missing(Field::Value, "\"value\": \"lead\""))?)
        }
        Arity::Range => {
            if values.is_some() {
                return Err(unexpected(Field::Values, ""));
            }
            let low = value.ok_or_else(|| missing(Field::LowValue, "\"value\": \"10000\" (the low bound)"))?;
            let high =
                high_value.ok_or_else(|| missing(Field::HighValue, "\"highValue\": \"100000\" (the high bound)"))?;
            Operand::Range { low, high }
        }
        Arity::Values => {
            if value.is_some() {
                return Err(unexpected(Field::Value, "; list the values in `values`"));
            }
            if high_value.is_some() {
                return Err(unexpected(Field::HighValue, ""));
            }
            Operand::Values(values.ok_or_else(|| {
                missing(
                    Field::Values,
                    "\"values\": [\"appointmentscheduled\", \"qualifiedtobuy\"]",
                )
            })?)
        }
        Arity::Nothing => {
            for (field, present) in [
                (Field::Value, value.is_some()),
                (Field::HighValue, high_value.is_some()),
                (Field::Values, values.is_some()),
            ] {
                if present {
                    return Err(unexpected(field, ""));
                }
            }
            Operand::None
        }
    };
    Ok(Filter {
        property_name,
        operator,
        operand,
    })
}

fn sort(value: &Value, path: &InputPath) -> Result<Sort, Error> {
    match value {
        Value::String(name) => Ok(Sort {
            property_name: name.clone(),
            direction: SortDirection::Ascending,
        }),
        Value::Object(_) => {
            let sort = Object::new(value, path.clone())?;
            sort.deny_unknown(&[Field::PropertyName, Field::Direction])?;
            let direction = match sort.optional_str(Field::Direction)? {
                None => SortDirection::Ascending,
                Some(text) => SortDirection::parse(&text).ok_or_else(|| {
                    Error::invalid(
                        &sort.path(Field::Direction),
                        format!(
                            "`{}` is not a direction; use \"ASCENDING\" or \"DESCENDING\"",
                            shorten(&text)
                        ),
                    )
                })?,
            };
            Ok(Sort {
                property_name: sort.required_str(Field::PropertyName)?,
                direction,
            })
        }
        other => Err(Error::invalid(
            path,
            format!(
                "must be a property name such as \"createdate\" or {{\"propertyName\": \"createdate\", \"direction\": \"DESCENDING\"}}, not {}",
                kind(other)
            ),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input_path::Vocabulary;

    fn problem(action: Action, input: &str) -> (String, String) {
        match parse(action, input) {
            Err(Error::InvalidInput(problem)) => (problem.path_in(Vocabulary::Json), problem.message),
            other => panic!("expected invalid input for {input}, got {other:?}"),
        }
    }

    #[test]
    fn the_create_sample_with_an_association_parses() {
        let request = parse(
            Action::Create,
            r#"{"entity": "contacts", "properties": {"email": "jane@example.com", "firstname": "Jane", "lastname": "Smith"},
                "associations": [{"to": {"id": "12345678"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}"#,
        );
        let Ok(ActionRequest::Create(create)) = request else {
            panic!("{request:?}")
        };
        assert_eq!(create.object_type, "contacts");
        assert_eq!(create.properties.len(), 3);
        assert_eq!(
            create.associations,
            vec![AssociationInput {
                to_id: "12345678".into(),
                types: vec![AssociationType {
                    category: AssociationCategory::HubspotDefined,
                    type_id: 1
                }],
            }]
        );
    }

    #[test]
    fn search_accepts_plain_and_object_sorts_and_a_numeric_cursor() {
        let request = parse(
            Action::Search,
            r#"{"entity": "deals", "searchObj": {"sorts": ["amount", {"propertyName": "createdate", "direction": "DESCENDING"}], "after": 0, "limit": 50}}"#,
        );
        let Ok(ActionRequest::Search(search)) = request else {
            panic!("{request:?}")
        };
        assert_eq!(search.after.as_deref(), Some("0"));
        assert_eq!(search.sorts[0].direction, SortDirection::Ascending);
        assert_eq!(search.sorts[1].direction, SortDirection::Descending);
        assert_eq!(search.limit, Some(50));
    }

    #[test]
    fn numbers_booleans_and_lists_become_hubspot_text() {
        let request = parse(
            Action::Update,
            r#"{"entity": "deals", "entityId": 98765432, "properties": {"amount": 55000, "hs_is_closed": true, "tags": ["a", "b"]}}"#,
        );
        let Ok(ActionRequest::Update(update)) = request else {
            panic!("{request:?}")
        };
        assert_eq!(update.record_id, "98765432");
        assert_eq!(
            update.properties,
            vec![
                ("amount".into(), "55000".into()),
                ("hs_is_closed".into(), "true".into()),
                ("tags".into(), "a;b".into())
            ]
        );
    }

    #[test]
    fn missing_and_mistyped_members_name_their_path() {
        assert_eq!(problem(Action::Create, r#"{"entity": "contacts"}"#).0, "properties");
        assert_eq!(
            problem(Action::Read, r#"{"entity": "contacts", "entityId": true}"#).0,
            "entityId"
        );
        assert_eq!(problem(Action::Read, r#"{"entity": 3, "entityId": "1"}"#).0, "entity");
        let (path, message) = problem(
            Action::Update,
            r#"{"entity": "contacts", "entityId": "1", "properties": {"phone": null}}"#,
        );
        assert_eq!(path, "properties.phone");
        assert!(message.contains("\"\""), "{message}");
    }

    #[test]
    fn unknown_members_suggest_the_intended_one() {
        let (path, message) = problem(Action::Read, r#"{"entity": "contacts", "entityID": "1"}"#);
        assert_eq!(path, "entityID");
        assert!(message.contains("`entityId`"), "{message}");
        let (_, message) = problem(Action::Search, r#"{"entity": "contacts", "filterGroups": []}"#);
        assert!(message.contains("searchObj"), "{message}");
    }

    #[test]
    fn operators_and_their_operands_are_checked() {
        let search = |filter: &str| {
            format!(r#"{{"entity": "deals", "searchObj": {{"filterGroups": [{{"filters": [{filter}]}}]}}}}"#)
        };
        let (path, message) = problem(
            Action::Search,
            &search(r#"{"propertyName": "amount", "operator": "LIKE", "value": "1"}"#),
        );
        assert_eq!(path, "searchObj.filterGroups[0].filters[0].operator");
        assert!(message.contains("CONTAINS_TOKEN"), "{message}");
        let (path, _) = problem(
            Action::Search,
            &search(r#"{"propertyName": "amount", "operator": "BETWEEN", "value": "1"}"#),
        );
        assert_eq!(path, "searchObj.filterGroups[0].filters[0].highValue");
        let (path, _) = problem(
            Action::Search,
            &search(r#"{"propertyName": "dealstage", "operator": "IN", "value": "x"}"#),
        );
        assert_eq!(path, "searchObj.filterGroups[0].filters[0].value");
        let (path, _) = problem(
            Action::Search,
            &search(r#"{"propertyName": "dealstage", "operator": "IN"}"#),
        );
        assert_eq!(path, "searchObj.filterGroups[0].filters[0].values");
        let (path, message) = problem(
            Action::Search,
            &search(r#"{"propertyName": "email", "operator": "EQ", "values": ["a"]}"#),
        );
        assert_eq!(path, "searchObj.filterGroups[0].filters[0].values");
        assert!(message.contains("IN"), "{message}");
        let (path, _) = problem(
            Action::Search,
            &search(r#"{"propertyName": "email", "operator": "HAS_PROPERTY", "value": "a"}"#),
        );
        assert_eq!(path, "searchObj.filterGroups[0].filters[0].value");
        // Each value is one value: not a list of them, not null.
        for item in [r#"["a", "b"]"#, "null", r#"{"value": "a"}"#] {
            let (path, message) = problem(
                Action::Search,
                &search(&format!(
                    r#"{{"propertyName": "dealstage", "operator": "IN", "values": ["closedwon", {item}]}}"#
                )),
            );
            assert_eq!(path, "searchObj.filterGroups[0].filters[0].values[1]", "{item}");
            assert!(message.starts_with("must be a string"), "{item}: {message}");
        }
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_part_are_integers() {
        let whole = parse(
            Action::Search,
            r#"{"entity": "deals", "searchObj": {"limit": 20.0, "after": 40.0}}"#,
        );
        let Ok(ActionRequest::Search(search)) = whole else {
            panic!("{whole:?}")
        };
        assert_eq!((search.limit, search.after.as_deref()), (Some(20), Some("40")));
    }

    #[test]
    fn limits_must_be_integers() {
        assert_eq!(
            problem(Action::Search, r#"{"entity": "deals", "searchObj": {"limit": "10"}}"#).0,
            "searchObj.limit"
        );
        assert_eq!(
            problem(Action::Search, r#"{"entity": "deals", "searchObj": {"limit": 2.5}}"#).0,
            "searchObj.limit"
        );
        assert_eq!(
            problem(Action::Search, r#"{"entity": "deals", "searchObj": {"limit": -1}}"#).0,
            "searchObj.limit"
        );
    }

    #[test]
    fn hostile_shapes_are_rejected_without_recursion() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(problem(Action::Read, &deep).0, "");
        let deep_object = format!(
            r#"{{"entity": "contacts", "properties": {}1{}}}"#,
            "[".repeat(40),
            "]".repeat(40)
        );
        assert_eq!(problem(Action::Create, &deep_object).0, "");
        assert_eq!(problem(Action::Read, "not json").0, "");
        assert_eq!(problem(Action::Read, "[]").0, "");
        let huge = format!(r#"{{"entity": "{}"}}"#, "x".repeat(MAX_INPUT_BYTES));
        assert_eq!(problem(Action::GetPipelines, &huge).0, "");
    }

    #[test]
    fn test_connection_takes_empty_input() {
        assert_eq!(parse(Action::TestConnection, ""), Ok(ActionRequest::TestConnection));
        assert_eq!(parse(Action::TestConnection, "{}"), Ok(ActionRequest::TestConnection));
        assert_eq!(problem(Action::TestConnection, r#"{"x": 1}"#).0, "x");
    }

    #[test]
    fn null_optional_members_count_as_absent() {
        let request = parse(
            Action::Read,
            r#"{"entity": "contacts", "entityId": "1", "idProperty": null, "archived": null}"#,
        );
        let Ok(ActionRequest::Read(read)) = request else {
            panic!("{request:?}")
        };
        assert_eq!((read.id_property, read.archived), (None, false));
    }
}
