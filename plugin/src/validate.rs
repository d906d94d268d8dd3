//! The checks every request passes before anything is sent: object types,
//! names, ids, property values and HubSpot's search limits, each failure at its path.

use std::collections::BTreeSet;

use crate::action::Action;
use crate::entity::{ENTITIES, Entity, ObjectType, UnknownObjectType};
use crate::error::Error;
use crate::input_path::{Field, InputPath, PropertyPart};
use crate::limits::{
    MAX_ASSOCIATION_TYPES, MAX_ASSOCIATIONS, MAX_EMAIL_CHARS, MAX_FILTER_GROUPS, MAX_FILTER_VALUES,
    MAX_FILTERS_PER_GROUP, MAX_FILTERS_TOTAL, MAX_ID_CHARS, MAX_NAME_CHARS, MAX_NAME_LIST, MAX_PROPERTIES,
    MAX_PROPERTY_VALUE_CHARS, MAX_QUERY_CHARS, MAX_SEARCH_LIMIT, MAX_SEARCH_RESULTS, MAX_SORTS, MIN_SEARCH_LIMIT,
};
use crate::request::{
    ArchiveRequest, AssociationInput, CreateRequest, ListRequest, OwnersRequest, PipelinesRequest, PropertiesRequest,
    ReadRequest, StageRequest, UpdateRequest,
};
use crate::search::{Arity, KEYSET_PROPERTY, Operand, SearchRequest};

/// Checks a create; its object type, resolved.
pub fn create(request: &CreateRequest) -> Result<ObjectType<'_>, Error> {
    let root = InputPath::root();
    let object_type = object_type(&request.object_type, &Action::Create.object_type_path())?;
    check_properties(&request.properties, &root.field(Field::Properties), true)?;
    check_associations(&request.associations, &root.field(Field::Associations))?;
    if let Some(entity) = object_type.entity() {
        check_create_requires(entity, request, &root)?;
    }
    Ok(object_type)
}

/// What HubSpot requires of every new record of `entity` (a lead's name and
/// contact), refused here rather than by HubSpot.
pub(crate) fn check_create_requires(entity: &Entity, request: &CreateRequest, root: &InputPath) -> Result<(), Error> {
    let requires = &entity.create_requires;
    for required in requires.properties {
        let given = request
            .properties
            .iter()
            .any(|(name, value)| name == required && !value.trim().is_empty());
        if !given {
            return Err(Error::invalid(
                &root.field(Field::Properties),
                format!(
                    "HubSpot requires `{required}` on every new record of {}; add it",
                    entity.name
                ),
            ));
        }
    }
    if let Some((target, type_id)) = requires.association
        && request.associations.is_empty()
    {
        return Err(Error::invalid(
            &root.field(Field::Associations),
            format!(
                "HubSpot requires every new record of {} to be associated with an existing record of {target}; add \
                 {{\"to\": {{\"id\": \"<{target} id>\"}}, \"types\": [{{\"associationCategory\": \"HUBSPOT_DEFINED\", \
                 \"associationTypeId\": {type_id}}}]}}",
                entity.name
            ),
        ));
    }
    Ok(())
}

/// What planning needs of a checked read: the object types, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadTypes<'a> {
    /// The record's type.
    pub object_type: ObjectType<'a>,
    /// The types whose associated ids to return, in the order asked.
    pub associations: Vec<ObjectType<'a>>,
}

/// Checks a read.
pub fn read(request: &ReadRequest) -> Result<ReadTypes<'_>, Error> {
    let root = InputPath::root();
    let object_type = object_type(&request.object_type, &Action::Read.object_type_path())?;
    check_record_id(&request.record_id, request.id_property.as_deref(), &root)?;
    check_names(&request.properties, &root.field(Field::Properties))?;
    check_names(
        &request.properties_with_history,
        &root.field(Field::PropertiesWithHistory),
    )?;
    let associations = association_types(&request.associations, &root.field(Field::Associations))?;
    Ok(ReadTypes {
        object_type,
        associations,
    })
}

/// Checks an update; its object type, resolved.
pub fn update(request: &UpdateRequest) -> Result<ObjectType<'_>, Error> {
    let root = InputPath::root();
    let object_type = object_type(&request.object_type, &Action::Update.object_type_path())?;
    check_record_id(&request.record_id, request.id_property.as_deref(), &root)?;
    check_properties(&request.properties, &root.field(Field::Properties), false)?;
    Ok(object_type)
}

/// Checks an archive; its object type, resolved.
pub fn archive(request: &ArchiveRequest) -> Result<ObjectType<'_>, Error> {
    let object_type = object_type(&request.object_type, &Action::Archive.object_type_path())?;
    check_record_id(&request.record_id, None, &InputPath::root())?;
    Ok(object_type)
}

/// Checks a search against HubSpot's limits; its object type, resolved.
pub fn search(request: &SearchRequest) -> Result<ObjectType<'_>, Error> {
    let object_type = object_type(&request.object_type, &Action::Search.object_type_path())?;
    check_search(request, &InputPath::root().field(Field::SearchObj))?;
    Ok(object_type)
}

/// Checks a pipeline listing; its object type, resolved.
pub fn pipelines(request: &PipelinesRequest) -> Result<ObjectType<'_>, Error> {
    pipelined_object_type(&request.object_type, &Action::GetPipelines.object_type_path())
}

/// Checks a stage lookup; its object type, resolved.
pub fn stage(request: &StageRequest) -> Result<ObjectType<'_>, Error> {
    let root = InputPath::root();
    let object_type = pipelined_object_type(&request.object_type, &Action::GetPipelineStage.object_type_path())?;
    check_identifier(&request.pipeline_id, &root.field(Field::PipelineId))?;
    check_identifier(&request.stage_id, &root.field(Field::StageId))?;
    Ok(object_type)
}

/// Checks a property listing; its object type, resolved.
pub fn properties(request: &PropertiesRequest) -> Result<ObjectType<'_>, Error> {
    let object_type = object_type(&request.object_type, &Action::GetProperties.object_type_path())?;
    if let Some(query) = &request.query {
        check_query(query, &InputPath::root().field(Field::Query))?;
    }
    Ok(object_type)
}

/// Checks a listing; its object type and associated types, resolved.
pub fn list(request: &ListRequest) -> Result<ReadTypes<'_>, Error> {
    let root = InputPath::root();
    let object_type = object_type(&request.object_type, &Action::List.object_type_path())?;
    check_names(&request.properties, &root.field(Field::Properties))?;
    check_names(
        &request.properties_with_history,
        &root.field(Field::PropertiesWithHistory),
    )?;
    if let Some(after) = &request.after {
        check_identifier(after, &root.field(Field::After))?;
    }
    let associations = association_types(&request.associations, &root.field(Field::Associations))?;
    Ok(ReadTypes {
        object_type,
        associations,
    })
}

/// Checks an owner listing: an e-mail filter must look like one.
pub fn owners(request: &OwnersRequest) -> Result<(), Error> {
    match &request.email {
        Some(email) if !is_email(email) => Err(Error::invalid(
            &InputPath::root().field(Field::Email),
            format!(
                "`{}` is not an e-mail address; give an owner's address such as jane@example.com, or leave \
                 `email` out to list every owner",
                shorten(email)
            ),
        )),
        _ => Ok(()),
    }
}

/// Text that can only be an e-mail address: one `@` with text on both
/// sides, no spaces or control characters, within RFC 5321's length.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    text.len() <= MAX_EMAIL_CHARS
        && !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A free-text query: not blank, within HubSpot's search query limit.
fn check_query(query: &str, path: &InputPath) -> Result<(), Error> {
    if query.trim().is_empty() {
        return Err(Error::invalid(
            path,
            "must not be blank; leave it out to list everything",
        ));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(
            path,
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Resolves an object type, or says which names are accepted.
pub(crate) fn object_type<'a>(text: &'a str, path: &InputPath) -> Result<ObjectType<'a>, Error> {
    ObjectType::parse(text).map_err(|UnknownObjectType| {
        Error::invalid(
            path,
            format!("unknown object type `{}`: {UnknownObjectType}", shorten(text)),
        )
    })
}

/// Resolves an object type that can have pipelines: deals, tickets, or a
/// custom object. HubSpot refuses pipelines of the other built-in types, so
/// asking is refused here, before anything is sent.
fn pipelined_object_type<'a>(text: &'a str, path: &InputPath) -> Result<ObjectType<'a>, Error> {
    let resolved = object_type(text, path)?;
    match resolved.entity() {
        Some(entity) if !entity.has_pipelines => {
            let pipelined: Vec<&str> = ENTITIES.iter().filter(|e| e.has_pipelines).map(|e| e.name).collect();
            Err(Error::invalid(
                path,
                format!(
                    "{} have no pipelines in HubSpot; pipelines exist for {} and for custom objects",
                    entity.name,
                    pipelined.join(" and ")
                ),
            ))
        }
        _ => Ok(resolved),
    }
}

/// Checks a HubSpot internal name (property or `idProperty`): a letter or
/// underscore, then letters, digits, underscores or hyphens.
pub(crate) fn check_name(name: &str, path: &InputPath) -> Result<(), Error> {
    let mut bytes = name.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    let rest_ok = bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if name.len() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            path,
            format!("a property name is at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if !first_ok || !rest_ok {
        return Err(Error::invalid(
            path,
            format!(
                "`{}` is not a HubSpot property name: internal names are like `firstname` or `hs_lead_status` \
                 (letters, digits and underscores; use get-properties to list them)",
                shorten(name)
            ),
        ));
    }
    Ok(())
}

pub(crate) fn check_names(names: &[String], path: &InputPath) -> Result<(), Error> {
    if names.len() > MAX_NAME_LIST {
        return Err(Error::invalid(path, format!("at most {MAX_NAME_LIST} names")));
    }
    names
        .iter()
        .enumerate()
        .try_for_each(|(index, name)| check_name(name, &path.index(index)))
}

fn association_types<'a>(names: &'a [String], path: &InputPath) -> Result<Vec<ObjectType<'a>>, Error> {
    if names.len() > MAX_NAME_LIST {
        return Err(Error::invalid(path, format!("at most {MAX_NAME_LIST} object types")));
    }
    names
        .iter()
        .enumerate()
        .map(|(index, name)| object_type(name, &path.index(index)))
        .collect()
}

/// Checks an id or key taken from input that goes into a URL: not empty, not
/// a dot segment, no control characters.
pub(crate) fn check_identifier(value: &str, path: &InputPath) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(path, "must not be empty"));
    }
    if value.chars().count() > MAX_ID_CHARS {
        return Err(Error::invalid(
            path,
            format!("must be at most {MAX_ID_CHARS} characters"),
        ));
    }
    if value.bytes().all(|b| b == b'.') {
        return Err(Error::invalid(path, "`.` and `..` are not ids"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            path,
            "must not contain control characters such as line breaks",
        ));
    }
    Ok(())
}

/// Record ids are HubSpot's numeric ids unless `idProperty` says which unique
/// property the value belongs to.
fn check_record_id(record_id: &str, id_property: Option<&str>, root: &InputPath) -> Result<(), Error> {
    let path = root.field(Field::RecordId);
    check_identifier(record_id, &path)?;
    match id_property {
        Some(id_property) => check_name(id_property, &root.field(Field::IdProperty)),
        None if record_id.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        None => {
            let hint = if record_id.contains('@') {
                "; to address a contact by e-mail, add \"idProperty\": \"email\""
            } else {
                "; to address a record by another unique property, name it in `idProperty`"
            };
            Err(Error::invalid(
                &path,
                format!(
                    "`{}` is not a HubSpot record id (record ids are digits){hint}",
                    shorten(record_id)
                ),
            ))
        }
    }
}

pub(crate) fn check_properties(
    properties: &[(String, String)],
    path: &InputPath,
    allow_empty: bool,
) -> Result<(), Error> {
    if properties.is_empty() && !allow_empty {
        return Err(Error::invalid(
            path,
            "name at least one property to change, such as {\"phone\": \"+1-555-987-6543\"}",
        ));
    }
    if properties.len() > MAX_PROPERTIES {
        return Err(Error::invalid(
            path,
            format!("at most {MAX_PROPERTIES} properties per request"),
        ));
    }
    // A BTreeSet: std's HashSet would make the component import a random seed.
    let mut seen = BTreeSet::new();
    for (index, (name, value)) in properties.iter().enumerate() {
        let name_path = path.property(index, name, PropertyPart::Name);
        check_name(name, &name_path)?;
        if value.chars().count() > MAX_PROPERTY_VALUE_CHARS {
            return Err(Error::invalid(
                &path.property(index, name, PropertyPart::Value),
                format!("HubSpot keeps at most {MAX_PROPERTY_VALUE_CHARS} characters in a property"),
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(Error::invalid(&name_path, "the property is given twice"));
        }
    }
    Ok(())
}

pub(crate) fn check_associations(associations: &[AssociationInput], path: &InputPath) -> Result<(), Error> {
    if associations.len() > MAX_ASSOCIATIONS {
        return Err(Error::invalid(
            path,
            format!("at most {MAX_ASSOCIATIONS} associations per record"),
        ));
    }
    for (index, association) in associations.iter().enumerate() {
        let item = path.index(index);
        let id_path = item.field(Field::AssociationTo).field(Field::AssociationToId);
        check_identifier(&association.to_id, &id_path)?;
        if !association.to_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid(
                &id_path,
                "must be the numeric id of the record to associate with",
            ));
        }
        let types_path = item.field(Field::Types);
        if association.types.is_empty() {
            return Err(Error::invalid(
                &types_path,
                "give at least one association type, such as {\"associationCategory\": \"HUBSPOT_DEFINED\", \"associationTypeId\": 1}",
            ));
        }
        if association.types.len() > MAX_ASSOCIATION_TYPES {
            return Err(Error::invalid(
                &types_path,
                format!("at most {MAX_ASSOCIATION_TYPES} types per association"),
            ));
        }
    }
    Ok(())
}

fn check_search(request: &SearchRequest, path: &InputPath) -> Result<(), Error> {
    let groups_path = path.field(Field::FilterGroups);
    if request.filter_groups.len() > MAX_FILTER_GROUPS {
        return Err(Error::invalid(
            &groups_path,
            format!(
                "HubSpot accepts at most {MAX_FILTER_GROUPS} filter groups; got {}",
                request.filter_groups.len()
            ),
        ));
    }
    let mut total = 0;
    for (group_index, filters) in request.filter_groups.iter().enumerate() {
        let filters_path = groups_path.index(group_index).field(Field::Filters);
        if filters.is_empty() {
            return Err(Error::invalid(
                &filters_path,
                "a filter group needs at least one filter",
            ));
        }
        if filters.len() > MAX_FILTERS_PER_GROUP {
            return Err(Error::invalid(
                &filters_path,
                format!(
                    "HubSpot accepts at most {MAX_FILTERS_PER_GROUP} filters in a group; got {}",
                    filters.len()
                ),
            ));
        }
        total += filters.len();
        for (index, filter) in filters.iter().enumerate() {
            let filter_path = filters_path.index(index);
            check_name(&filter.property_name, &filter_path.field(Field::PropertyName))?;
            let operator = filter.operator;
            if filter.operand.arity() != operator.arity() {
                return Err(Error::invalid(
                    &filter_path.field(Field::Operator),
                    format!("{} takes {}", operator.name(), takes(operator.arity())),
                ));
            }
            match &filter.operand {
                Operand::None => {}
                Operand::Value(value) => check_operand(value, &filter_path.field(Field::Value))?,
                Operand::Range { low, high } => {
                    check_operand(low, &filter_path.field(Field::LowValue))?;
                    check_operand(high, &filter_path.field(Field::HighValue))?;
                }
                Operand::Values(values) => {
                    let values_path = filter_path.field(Field::Values);
                    if values.is_empty() {
                        return Err(Error::invalid(
                            &values_path,
                            format!("{} needs at least one value", operator.name()),
                        ));
                    }
                    if values.len() > MAX_FILTER_VALUES {
                        return Err(Error::invalid(
                            &values_path,
                            format!("at most {MAX_FILTER_VALUES} values"),
                        ));
                    }
                    for (value_index, value) in values.iter().enumerate() {
                        check_operand(value, &values_path.index(value_index))?;
                    }
                }
            }
        }
    }
    if total > MAX_FILTERS_TOTAL {
        return Err(Error::invalid(
            &groups_path,
            format!("HubSpot accepts at most {MAX_FILTERS_TOTAL} filters across all groups; got {total}"),
        ));
    }
    check_names(&request.properties, &path.field(Field::Properties))?;
    if request.sorts.len() > MAX_SORTS {
        return Err(Error::invalid(
            &path.field(Field::Sorts),
            format!("at most {MAX_SORTS} sorts (HubSpot applies the first)"),
        ));
    }
    for (index, sort) in request.sorts.iter().enumerate() {
        let name_path = path.field(Field::Sorts).index(index).field(Field::SortProperty);
        check_name(&sort.property_name, &name_path)?;
    }
    if let Some(query) = &request.query {
        let chars = query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(Error::invalid(
                &path.field(Field::Query),
                format!("HubSpot accepts a query of at most {MAX_QUERY_CHARS} characters; got {chars}"),
            ));
        }
    }
    if let Some(limit) = request.limit
        && !(MIN_SEARCH_LIMIT..=MAX_SEARCH_LIMIT).contains(&limit)
    {
        return Err(Error::invalid(
            &path.field(Field::Limit),
            format!("must be from {MIN_SEARCH_LIMIT} to {MAX_SEARCH_LIMIT}; got {limit}"),
        ));
    }
    check_keyset(request, path, total)?;
    if let Some(after) = &request.after {
        let after_path = path.field(Field::After);
        check_identifier(after, &after_path)?;
        // A numeric cursor is an offset; one too large for a u64 is past the cap too.
        if after.bytes().all(|b| b.is_ascii_digit())
            && after.parse::<u64>().map_or(true, |offset| offset >= MAX_SEARCH_RESULTS)
        {
            return Err(Error::invalid(
                &after_path,
                format!(
                    "HubSpot's search reaches only the first {MAX_SEARCH_RESULTS} results; narrow the filters instead of paging further"
                ),
            ));
        }
    }
    Ok(())
}

/// A search that reads past HubSpot's 10,000th result is paged by
/// `hs_object_id`: it cannot keep another order, and every filter group needs
/// room for the `hs_object_id` filter (`total` filters are in use).
fn check_keyset(request: &SearchRequest, path: &InputPath, total: usize) -> Result<(), Error> {
    if !request.needs_keyset() {
        return Ok(());
    }
    if !request.sorts_by_id_or_not_at_all() {
        return Err(Error::invalid(
            &path.field(Field::Sorts),
            format!(
                "HubSpot's search reaches only the first {MAX_SEARCH_RESULTS} results, and the connector goes past \
                 them by paging in {KEYSET_PROPERTY} order, which cannot keep this sort: leave the sorts out (or sort \
                 by {KEYSET_PROPERTY} ascending) to read more, or ask for at most {MAX_SEARCH_RESULTS} results"
            ),
        ));
    }
    let groups_path = path.field(Field::FilterGroups);
    let why = format!(
        "reading past HubSpot's first {MAX_SEARCH_RESULTS} results adds a filter on {KEYSET_PROPERTY} to every filter \
         group"
    );
    if let Some(index) = request
        .filter_groups
        .iter()
        .position(|filters| filters.len() >= MAX_FILTERS_PER_GROUP)
    {
        return Err(Error::invalid(
            &groups_path.index(index).field(Field::Filters),
            format!(
                "{why}, and HubSpot accepts at most {MAX_FILTERS_PER_GROUP} filters in a group: use at most {} here, \
                 or ask for at most {MAX_SEARCH_RESULTS} results",
                MAX_FILTERS_PER_GROUP - 1
            ),
        ));
    }
    let added = request.filter_groups.len().max(1);
    if total + added > MAX_FILTERS_TOTAL {
        return Err(Error::invalid(
            &groups_path,
            format!(
                "{why}, and HubSpot accepts at most {MAX_FILTERS_TOTAL} filters across all groups: with {added} \
                 group(s), use at most {} filters, or ask for at most {MAX_SEARCH_RESULTS} results",
                MAX_FILTERS_TOTAL - added
            ),
        ));
    }
    Ok(())
}

/// What an operator of `arity` takes, for messages.
fn takes(arity: Arity) -> &'static str {
    match arity {
        Arity::Value => "one value",
        Arity::Range => "a low and a high bound",
        Arity::Values => "a list of values",
        Arity::Nothing => "no operand",
    }
}

fn check_operand(value: &str, path: &InputPath) -> Result<(), Error> {
    if value.chars().count() > MAX_PROPERTY_VALUE_CHARS {
        return Err(Error::invalid(
            path,
            format!("at most {MAX_PROPERTY_VALUE_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Input echoed in messages is cut short so that a huge value cannot flood them.
pub fn shorten(text: &str) -> String {
    const KEEP: usize = 64;
    if text.chars().count() <= KEEP {
        text.to_owned()
    } else {
        let head: String = text.chars().take(KEEP).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input_path::Vocabulary;
    use crate::request::ActionRequest;
    use crate::search::{Filter, Operator, Sort, SortDirection};

    fn problem(request: ActionRequest) -> (String, String) {
        match request.to_http(crate::api_version::ApiVersion::default()) {
            Err(Error::InvalidInput(problem)) => (problem.path_in(Vocabulary::Json), problem.message),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    /// The path of `request`'s input problem as its `crm` function names it.
    fn wit_path(request: ActionRequest) -> String {
        let action = request.action();
        match request.to_http(crate::api_version::ApiVersion::default()) {
            Err(Error::InvalidInput(problem)) => problem.path_in(action.wit_vocabulary()),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn a_non_numeric_id_without_id_property_is_rejected_with_a_hint() {
        let (path, message) = problem(ActionRequest::Read(ReadRequest {
            object_type: "contacts".into(),
            record_id: "jane@example.com".into(),
            ..ReadRequest::default()
        }));
        assert_eq!(path, "entityId");
        assert!(message.contains("\"idProperty\": \"email\""), "{message}");
    }

    #[test]
    fn dot_segments_never_reach_a_url() {
        for id in [".", ".."] {
            let (path, _) = problem(ActionRequest::Update(UpdateRequest {
                object_type: "contacts".into(),
                record_id: id.into(),
                properties: vec![("a".into(), "b".into())],
                id_property: Some("email".into()),
            }));
            assert_eq!(path, "entityId");
        }
        let (path, _) = problem(ActionRequest::GetPipelineStage(StageRequest {
            object_type: "deals".into(),
            pipeline_id: "..".into(),
            stage_id: "x".into(),
        }));
        assert_eq!(path, "pipelineId");
    }

    #[test]
    fn search_limits_are_checked_before_sending() {
        let filter = Filter {
            property_name: "email".into(),
            operator: Operator::HasProperty,
            operand: Operand::None,
        };
        let too_many_groups = SearchRequest {
            object_type: "contacts".into(),
            filter_groups: vec![vec![filter.clone()]; MAX_FILTER_GROUPS + 1],
            ..SearchRequest::default()
        };
        assert_eq!(
            problem(ActionRequest::Search(too_many_groups)).0,
            "searchObj.filterGroups"
        );

        let too_many_in_group = SearchRequest {
            object_type: "contacts".into(),
            filter_groups: vec![vec![filter.clone(); MAX_FILTERS_PER_GROUP + 1]],
            ..SearchRequest::default()
        };
        assert_eq!(
            problem(ActionRequest::Search(too_many_in_group)).0,
            "searchObj.filterGroups[0].filters"
        );

        let too_many_in_all = SearchRequest {
            object_type: "contacts".into(),
            filter_groups: vec![vec![filter.clone(); MAX_FILTERS_PER_GROUP]; 4],
            ..SearchRequest::default()
        };
        let (path, message) = problem(ActionRequest::Search(too_many_in_all));
        assert_eq!(path, "searchObj.filterGroups");
        assert!(message.contains("18"), "{message}");

        for limit in [0, 201] {
            let request = SearchRequest {
                object_type: "contacts".into(),
                limit: Some(limit),
                ..SearchRequest::default()
            };
            assert_eq!(problem(ActionRequest::Search(request)).0, "searchObj.limit");
        }
        let long_query = SearchRequest {
            object_type: "contacts".into(),
            query: Some("x".repeat(MAX_QUERY_CHARS + 1)),
            ..SearchRequest::default()
        };
        assert_eq!(problem(ActionRequest::Search(long_query)).0, "searchObj.query");
        let past_the_cap = SearchRequest {
            object_type: "contacts".into(),
            after: Some("10000".into()),
            ..SearchRequest::default()
        };
        assert_eq!(problem(ActionRequest::Search(past_the_cap)).0, "searchObj.after");
        for (after, accepted) in [
            ("9999", true),
            ("0009999", true),
            ("NTI1Cg%3D%3D", true),
            ("99999999999999999999999", false),
        ] {
            let search = SearchRequest {
                object_type: "contacts".into(),
                after: Some(after.into()),
                ..SearchRequest::default()
            };
            assert_eq!(
                ActionRequest::Search(search)
                    .to_http(crate::api_version::ApiVersion::default())
                    .is_ok(),
                accepted,
                "{after}"
            );
        }
    }

    #[test]
    fn an_operand_that_does_not_fit_its_operator_is_refused() {
        let request = SearchRequest {
            object_type: "deals".into(),
            filter_groups: vec![vec![Filter {
                property_name: "dealstage".into(),
                operator: Operator::Eq,
                operand: Operand::Values(vec!["a".into()]),
            }]],
            ..SearchRequest::default()
        };
        let (path, message) = problem(ActionRequest::Search(request));
        assert_eq!(path, "searchObj.filterGroups[0].filters[0].operator");
        assert_eq!(message, "EQ takes one value");
    }

    #[test]
    fn pipelines_of_types_without_any_are_refused_before_sending() {
        let (path, message) = problem(ActionRequest::GetPipelines(PipelinesRequest {
            object_type: "contacts".into(),
        }));
        assert_eq!(path, "entity");
        assert!(message.contains("deals and tickets"), "{message}");
        let (path, _) = problem(ActionRequest::GetPipelineStage(StageRequest {
            object_type: "lineItems".into(),
            pipeline_id: "default".into(),
            stage_id: "x".into(),
        }));
        assert_eq!(path, "entity");
        for pipelined in ["deals", "0-5", "2-1234"] {
            let built = ActionRequest::GetPipelines(PipelinesRequest {
                object_type: pipelined.into(),
            })
            .to_http(crate::api_version::ApiVersion::default());
            assert!(built.is_ok(), "{pipelined}: {built:?}");
        }
    }

    #[test]
    fn the_object_type_error_names_the_field_of_the_action() {
        let (path, message) = problem(ActionRequest::GetProperties(PropertiesRequest {
            object_type: "Widgets!".into(),
            ..PropertiesRequest::default()
        }));
        assert_eq!(path, "objectType");
        assert!(
            message.contains("lineItems") && message.contains("postalMails"),
            "{message}"
        );
    }

    #[test]
    fn property_names_must_be_internal_names() {
        let (path, _) = problem(ActionRequest::Create(CreateRequest {
            object_type: "contacts".into(),
            properties: vec![("First Name".into(), "Jane".into())],
            associations: Vec::new(),
        }));
        assert_eq!(path, "properties.First Name");
    }

    #[test]
    fn typed_requests_name_their_wit_fields() {
        let archive = ActionRequest::Archive(ArchiveRequest {
            object_type: "contacts".into(),
            record_id: "ann@example.com".into(),
        });
        assert_eq!(wit_path(archive), "archive-request.record-id");
        let search = ActionRequest::Search(SearchRequest {
            object_type: "contacts".into(),
            limit: Some(201),
            ..SearchRequest::default()
        });
        assert_eq!(wit_path(search), "search-request.limit");
        let pipelines = ActionRequest::GetPipelines(PipelinesRequest {
            object_type: "Deal".into(),
        });
        assert_eq!(wit_path(pipelines), "object-type");
        let create = ActionRequest::Create(CreateRequest {
            object_type: "contacts".into(),
            properties: vec![("email".into(), "a@b.co".into()), ("First Name".into(), "Jane".into())],
            associations: Vec::new(),
        });
        assert_eq!(wit_path(create), "create-request.properties[1].name");
        let long_value = ActionRequest::Update(UpdateRequest {
            object_type: "contacts".into(),
            record_id: "1".into(),
            properties: vec![("notes".into(), "x".repeat(MAX_PROPERTY_VALUE_CHARS + 1))],
            id_property: None,
        });
        assert_eq!(wit_path(long_value), "update-request.properties[0].value");
        let between = ActionRequest::Search(SearchRequest {
            object_type: "deals".into(),
            filter_groups: vec![vec![Filter {
                property_name: "amount".into(),
                operator: Operator::Between,
                operand: Operand::Range {
                    low: "1".into(),
                    high: "x".repeat(MAX_PROPERTY_VALUE_CHARS + 1),
                },
            }]],
            ..SearchRequest::default()
        });
        assert_eq!(
            wit_path(between),
            "search-request.filter-groups[0].filters[0].operator.high"
        );
        let sort = ActionRequest::Search(SearchRequest {
            object_type: "deals".into(),
            sorts: vec![Sort {
                property_name: "close date".into(),
                direction: SortDirection::Ascending,
            }],
            ..SearchRequest::default()
        });
        assert_eq!(wit_path(sort), "search-request.sorts[0].property-name");
        let association = ActionRequest::Create(CreateRequest {
            object_type: "contacts".into(),
            properties: Vec::new(),
            associations: vec![AssociationInput {
                to_id: "acme".into(),
                types: Vec::new(),
            }],
        });
        assert_eq!(wit_path(association), "create-request.associations[0].to-id");
        let stage = ActionRequest::GetPipelineStage(StageRequest {
            object_type: "deals".into(),
            pipeline_id: "default".into(),
            stage_id: "..".into(),
        });
        assert_eq!(wit_path(stage), "stage-id");
    }

    #[test]
    fn update_needs_a_property() {
        let (path, _) = problem(ActionRequest::Update(UpdateRequest {
            object_type: "contacts".into(),
            record_id: "1".into(),
            ..UpdateRequest::default()
        }));
        assert_eq!(path, "properties");
    }

    #[test]
    fn a_lead_needs_a_name_and_a_contact() {
        use crate::request::{AssociationCategory, AssociationType};
        let lead = |properties: &[(&str, &str)], associated: bool| CreateRequest {
            object_type: "leads".into(),
            properties: properties
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            associations: if associated {
                vec![AssociationInput {
                    to_id: "101".into(),
                    types: vec![AssociationType {
                        category: AssociationCategory::HubspotDefined,
                        type_id: 578,
                    }],
                }]
            } else {
                Vec::new()
            },
        };
        let refused_at = |request: &CreateRequest| match create(request) {
            Err(Error::InvalidInput(problem)) => Some((problem.path_in(Vocabulary::Json), problem.message)),
            _ => None,
        };
        let unnamed = refused_at(&lead(&[("hs_lead_type", "NEW_BUSINESS")], true));
        assert!(
            unnamed
                .as_ref()
                .is_some_and(|(path, message)| path == "properties" && message.contains("hs_lead_name")),
            "{unnamed:?}"
        );
        let blank = refused_at(&lead(&[("hs_lead_name", "  ")], true));
        assert!(blank.is_some_and(|(path, _)| path == "properties"));
        let alone = refused_at(&lead(&[("hs_lead_name", "Jade Chen")], false));
        assert!(
            alone
                .as_ref()
                .is_some_and(|(path, message)| path == "associations" && message.contains("578")),
            "{alone:?}"
        );
        assert_eq!(
            create(&lead(&[("hs_lead_name", "Jade Chen")], true)).map(|t| t.path_segment()),
            Ok("leads")
        );
        // Other entities have no such requirement.
        let contact = CreateRequest {
            object_type: "contacts".into(),
            ..lead(&[("email", "a@b.co")], false)
        };
        assert!(create(&contact).is_ok());
    }
}
