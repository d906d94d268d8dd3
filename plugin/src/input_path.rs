//! Where in the caller's input a problem is, as structured segments, and how
//! that reads in the caller's vocabulary: JSON member names or WIT field names.

use std::fmt::Write as _;

/// An input member the connector knows, with its name in each vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `tool.invoke`'s action name.
    Action,
    /// The connection every call takes.
    Connection,
    /// The connection's token.
    AccessToken,
    /// The connection's API base.
    ApiBase,
    /// The connection's HubSpot API version.
    ApiVersion,
    /// The object type, where the JSON input calls it `entity`.
    Entity,
    /// The object type, where the JSON input calls it `objectType`.
    ObjectType,
    /// A record's id (`entityId` in JSON).
    RecordId,
    /// Property names to return, or property values to write.
    Properties,
    /// Property names to return with their history.
    PropertiesWithHistory,
    /// Associated types to return, or links to create.
    Associations,
    /// The recycle-bin flag.
    Archived,
    /// The unique property a record id is a value of.
    IdProperty,
    /// A pipeline's id.
    PipelineId,
    /// A stage's id.
    StageId,
    /// The JSON input's search criteria; the WIT search request is flat.
    SearchObj,
    /// A search's filter groups.
    FilterGroups,
    /// A filter group's filters.
    Filters,
    /// A filter's or sort's property.
    PropertyName,
    /// A filter's operator.
    Operator,
    /// The one value of an operator such as `EQ`: in WIT, the operator's payload.
    Value,
    /// `BETWEEN`'s low bound: `value` in JSON.
    LowValue,
    /// `BETWEEN`'s high bound.
    HighValue,
    /// The list of `IN` and `NOT_IN`: in WIT, the operator's payload.
    Values,
    /// A search's sorts.
    Sorts,
    /// A sort's property name, which JSON may give as the sort itself.
    SortProperty,
    /// A sort's direction.
    Direction,
    /// A search's free text.
    Query,
    /// A search's page size.
    Limit,
    /// A search's paging cursor.
    After,
    /// An association's target, a JSON object of its own.
    AssociationTo,
    /// An association target's id (`to.id` in JSON, `to-id` in WIT).
    AssociationToId,
    /// An association's types.
    Types,
    /// An association type's category.
    AssociationCategory,
    /// An association type's id.
    AssociationTypeId,
    /// Records to read by following the cursor.
    MaxResults,
    /// An owner's e-mail address.
    Email,
    /// Answer with the essentials only.
    Compact,
    /// Check and plan a write without sending it; the typed interface has a
    /// function of its own for it.
    DryRun,
    /// The object type at an association's other end.
    ToEntity,
    /// The record id at an association's other end.
    ToRecordId,
    /// An association label, such as `Decision maker`.
    Label,
    /// A batch action's list of inputs.
    Inputs,
    /// The id of one input of a batch update or upsert.
    InputId,
    /// The id of one input of a batch read or archive: `id` of the JSON
    /// input, the list element itself in WIT.
    ListedId,
}

impl Field {
    /// The name in the JSON input and in the WIT records; `None` where the
    /// field has no segment of its own in that vocabulary.
    fn names(self) -> (Option<&'static str>, Option<&'static str>) {
        match self {
            Self::Action => (Some("action"), Some("action")),
            Self::Connection => (Some("connection"), Some("connection")),
            Self::AccessToken => (Some("accessToken"), Some("access-token")),
            Self::ApiBase => (Some("apiBase"), Some("api-base")),
            Self::ApiVersion => (Some("apiVersion"), Some("api-version")),
            Self::Entity => (Some("entity"), Some("object-type")),
            Self::ObjectType => (Some("objectType"), Some("object-type")),
            Self::RecordId => (Some("entityId"), Some("record-id")),
            Self::Properties => (Some("properties"), Some("properties")),
            Self::PropertiesWithHistory => (Some("propertiesWithHistory"), Some("properties-with-history")),
            Self::Associations => (Some("associations"), Some("associations")),
            Self::Archived => (Some("archived"), Some("archived")),
            Self::IdProperty => (Some("idProperty"), Some("id-property")),
            Self::PipelineId => (Some("pipelineId"), Some("pipeline-id")),
            Self::StageId => (Some("stageId"), Some("stage-id")),
            Self::SearchObj => (Some("searchObj"), None),
            Self::FilterGroups => (Some("filterGroups"), Some("filter-groups")),
            Self::Filters => (Some("filters"), Some("filters")),
            Self::PropertyName => (Some("propertyName"), Some("property-name")),
            Self::Operator => (Some("operator"), Some("operator")),
            Self::Value => (Some("value"), Some("operator")),
            Self::LowValue => (Some("value"), Some("operator.low")),
            Self::HighValue => (Some("highValue"), Some("operator.high")),
            Self::Values => (Some("values"), Some("operator")),
            Self::Sorts => (Some("sorts"), Some("sorts")),
            Self::SortProperty => (None, Some("property-name")),
            Self::Direction => (Some("direction"), Some("direction")),
            Self::Query => (Some("query"), Some("query")),
            Self::Limit => (Some("limit"), Some("limit")),
            Self::After => (Some("after"), Some("after")),
            Self::AssociationTo => (Some("to"), None),
            Self::AssociationToId => (Some("id"), Some("to-id")),
            Self::Types => (Some("types"), Some("types")),
            Self::AssociationCategory => (Some("associationCategory"), Some("category")),
            Self::AssociationTypeId => (Some("associationTypeId"), Some("type-id")),
            Self::MaxResults => (Some("maxResults"), Some("max-results")),
            Self::Email => (Some("email"), Some("email")),
            Self::Compact => (Some("compact"), Some("compact")),
            Self::DryRun => (Some("dryRun"), None),
            Self::ToEntity => (Some("toEntity"), Some("to-object-type")),
            Self::ToRecordId => (Some("toEntityId"), Some("to-record-id")),
            Self::Label => (Some("label"), Some("label")),
            Self::Inputs => (Some("inputs"), Some("inputs")),
            Self::InputId => (Some("id"), Some("id")),
            Self::ListedId => (Some("id"), None),
        }
    }

    /// The member's name in the JSON input, where it has one.
    pub fn json(self) -> Option<&'static str> {
        self.names().0
    }

    /// The field's name in the WIT records, where it has one.
    pub fn wit(self) -> Option<&'static str> {
        self.names().1
    }

    /// A parameter of every function rather than a member of the request.
    fn is_parameter(self) -> bool {
        matches!(self, Self::Action | Self::Connection)
    }
}

/// Which part of a property to write is at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyPart {
    /// Its name.
    Name,
    /// Its value.
    Value,
}

/// One step of an [`InputPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A member the connector knows.
    Field(Field),
    /// A JSON member the connector does not know, by its key.
    Key(String),
    /// An element of a list.
    Index(usize),
    /// One property of a create or update: a member of the JSON object of
    /// values, an element of the WIT list of `property-value`s.
    Property {
        /// Its position in the list.
        index: usize,
        /// Its name.
        name: String,
        /// Whether the name or the value is at fault.
        part: PropertyPart,
    },
}

/// The caller's names for the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    /// `tool.invoke`'s JSON members, from the action's input object.
    Json,
    /// The WIT fields of a `crm` function, from its parameter: paths into its
    /// request record start with the record's name (`search-request`); the
    /// functions with scalar parameters have none. See `Action::wit_vocabulary`.
    Wit {
        /// The WIT type name of the function's request record, if it takes one.
        request_record: Option<&'static str>,
    },
}

/// Where in the input a problem is: a path from the input's root (the JSON
/// input object, or the WIT function's parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputPath(Vec<Segment>);

impl InputPath {
    /// The input as a whole.
    pub fn root() -> Self {
        Self::default()
    }

    /// The known member `field` of the value at this path.
    pub fn field(&self, field: Field) -> Self {
        self.with(Segment::Field(field))
    }

    /// The JSON member `key` of the object at this path.
    pub fn key(&self, key: &str) -> Self {
        self.with(Segment::Key(key.to_owned()))
    }

    /// The element `index` of the list at this path.
    pub fn index(&self, index: usize) -> Self {
        self.with(Segment::Index(index))
    }

    /// The property `name`, at `index` in the list at this path.
    pub fn property(&self, index: usize, name: &str, part: PropertyPart) -> Self {
        self.with(Segment::Property {
            index,
            name: name.to_owned(),
            part,
        })
    }

    fn with(&self, segment: Segment) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment);
        Self(segments)
    }

    /// The path as the caller names things: in JSON
    /// `searchObj.filterGroups[0].filters[1].operator` (empty for the input
    /// as a whole); in WIT `search-request.filter-groups[0].filters[1].operator`,
    /// starting at the function's request record or scalar parameter.
    pub fn render(&self, vocabulary: Vocabulary) -> String {
        let mut text = String::new();
        if let Vocabulary::Wit {
            request_record: Some(record),
        } = vocabulary
        {
            let at_a_parameter = matches!(self.0.first(), Some(Segment::Field(field)) if field.is_parameter());
            if !at_a_parameter {
                text.push_str(record);
            }
        }
        for segment in &self.0 {
            match (segment, vocabulary) {
                (Segment::Field(field), Vocabulary::Json) => member(&mut text, field.json()),
                (Segment::Field(field), Vocabulary::Wit { .. }) => member(&mut text, field.wit()),
                (Segment::Key(key), _) => member(&mut text, Some(key)),
                (Segment::Index(index), _) => {
                    // Writing to a String cannot fail.
                    let _ = write!(text, "[{index}]");
                }
                (Segment::Property { name, .. }, Vocabulary::Json) => member(&mut text, Some(name)),
                (Segment::Property { index, part, .. }, Vocabulary::Wit { .. }) => {
                    let part = match part {
                        PropertyPart::Name => "name",
                        PropertyPart::Value => "value",
                    };
                    let _ = write!(text, "[{index}].{part}");
                }
            }
        }
        text
    }
}

/// Appends a member name, after a dot unless it is the first.
fn member(text: &mut String, name: Option<&str>) {
    if let Some(name) = name {
        if !text.is_empty() {
            text.push('.');
        }
        text.push_str(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;

    fn json(path: &InputPath) -> String {
        path.render(Vocabulary::Json)
    }

    fn wit(path: &InputPath, action: Action) -> String {
        path.render(action.wit_vocabulary())
    }

    #[test]
    fn json_paths_read_like_javascript_accessors() {
        let path = InputPath::root()
            .field(Field::SearchObj)
            .field(Field::FilterGroups)
            .index(0)
            .field(Field::Filters)
            .index(2)
            .field(Field::Operator);
        assert_eq!(json(&path), "searchObj.filterGroups[0].filters[2].operator");
        assert_eq!(json(&InputPath::root()), "");
        assert_eq!(json(&InputPath::root().key("entityID")), "entityID");
        let connection = InputPath::root().field(Field::Connection).field(Field::AccessToken);
        assert_eq!(json(&connection), "connection.accessToken");
    }

    #[test]
    fn wit_paths_start_at_the_request_record() {
        let id = InputPath::root().field(Field::RecordId);
        assert_eq!(wit(&id, Action::Archive), "archive-request.record-id");
        assert_eq!(json(&id), "entityId");
        let limit = InputPath::root().field(Field::SearchObj).field(Field::Limit);
        assert_eq!(wit(&limit, Action::Search), "search-request.limit");
        let property = InputPath::root()
            .field(Field::SearchObj)
            .field(Field::FilterGroups)
            .index(0)
            .field(Field::Filters)
            .index(1)
            .field(Field::PropertyName);
        assert_eq!(
            wit(&property, Action::Search),
            "search-request.filter-groups[0].filters[1].property-name"
        );
    }

    #[test]
    fn wit_paths_of_scalar_parameters_are_the_parameter() {
        let object_type = InputPath::root().field(Field::Entity);
        assert_eq!(wit(&object_type, Action::GetPipelines), "object-type");
        assert_eq!(json(&object_type), "entity");
        let properties_type = InputPath::root().field(Field::ObjectType);
        assert_eq!(
            wit(&properties_type, Action::GetProperties),
            "properties-request.object-type"
        );
        assert_eq!(json(&properties_type), "objectType");
        let stage = InputPath::root().field(Field::StageId);
        assert_eq!(wit(&stage, Action::GetPipelineStage), "stage-id");
    }

    #[test]
    fn the_connection_is_a_parameter_of_its_own() {
        let base = InputPath::root().field(Field::Connection).field(Field::ApiBase);
        assert_eq!(wit(&base, Action::Read), "connection.api-base");
        assert_eq!(wit(&base, Action::GetPipelines), "connection.api-base");
        assert_eq!(json(&base), "connection.apiBase");
    }

    #[test]
    fn filter_operands_are_the_operator_s_payload_in_wit() {
        let filter = InputPath::root()
            .field(Field::SearchObj)
            .field(Field::FilterGroups)
            .index(0)
            .field(Field::Filters)
            .index(1);
        let cases = [
            (filter.field(Field::Value), "value", "operator"),
            (filter.field(Field::LowValue), "value", "operator.low"),
            (filter.field(Field::HighValue), "highValue", "operator.high"),
            (filter.field(Field::Values).index(3), "values[3]", "operator[3]"),
        ];
        for (path, json_tail, wit_tail) in cases {
            assert_eq!(json(&path), format!("searchObj.filterGroups[0].filters[1].{json_tail}"));
            assert_eq!(
                wit(&path, Action::Search),
                format!("search-request.filter-groups[0].filters[1].{wit_tail}")
            );
        }
        let sort = InputPath::root()
            .field(Field::SearchObj)
            .field(Field::Sorts)
            .index(2)
            .field(Field::SortProperty);
        assert_eq!(json(&sort), "searchObj.sorts[2]");
        assert_eq!(wit(&sort, Action::Search), "search-request.sorts[2].property-name");
    }

    #[test]
    fn properties_are_named_in_json_and_numbered_in_wit() {
        let properties = InputPath::root().field(Field::Properties);
        let name = properties.property(3, "First Name", PropertyPart::Name);
        assert_eq!(json(&name), "properties.First Name");
        assert_eq!(wit(&name, Action::Create), "create-request.properties[3].name");
        let value = properties.property(0, "phone", PropertyPart::Value);
        assert_eq!(json(&value), "properties.phone");
        assert_eq!(wit(&value, Action::Update), "update-request.properties[0].value");
    }

    #[test]
    fn association_targets_are_flat_in_wit() {
        let association = InputPath::root().field(Field::Associations).index(1);
        let to_id = association.field(Field::AssociationTo).field(Field::AssociationToId);
        assert_eq!(json(&to_id), "associations[1].to.id");
        assert_eq!(wit(&to_id, Action::Create), "create-request.associations[1].to-id");
        let types = association.field(Field::Types);
        assert_eq!(wit(&types, Action::Create), "create-request.associations[1].types");
    }

    #[test]
    fn empty_keys_render_as_the_old_string_paths_did() {
        assert_eq!(json(&InputPath::root().key("")), "");
        assert_eq!(json(&InputPath::root().key("").key("a")), "a");
        assert_eq!(json(&InputPath::root().field(Field::SearchObj).key("")), "searchObj.");
    }
}
