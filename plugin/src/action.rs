//! The connector's actions and the one table of what each one is called,
//! which members its JSON input has and how its WIT function names them.

use crate::error::Error;
use crate::input_path::{Field, InputPath, Vocabulary};

/// The connector's actions; what each one is called and takes is in
/// [`ACTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create a record.
    Create,
    /// Read a record.
    Read,
    /// Update a record.
    Update,
    /// Archive a record.
    Archive,
    /// Search records.
    Search,
    /// List an object type's pipelines.
    GetPipelines,
    /// Read one pipeline stage.
    GetPipelineStage,
    /// List an object type's properties.
    GetProperties,
    /// Check the credential and its scopes.
    TestConnection,
    /// List records in HubSpot's order, following the cursor.
    List,
    /// List the account's owners.
    GetOwners,
    /// List the standard object types and the account's custom objects.
    GetObjectTypes,
    /// Associate one record with another, by label or by default.
    Associate,
    /// List a record's associations to an object type, with their labels.
    GetAssociations,
    /// Remove the associations between two records, or one label of them.
    RemoveAssociation,
    /// List the association types and labels between two object types.
    GetAssociationLabels,
    /// Create records in chunks of HubSpot's batch size.
    BatchCreate,
    /// Read records by id in chunks.
    BatchRead,
    /// Update records by id in chunks.
    BatchUpdate,
    /// Create or update records by a unique property, in chunks.
    BatchUpsert,
    /// Archive records by id in chunks.
    BatchArchive,
}

/// What the connector knows of one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// Which action.
    pub action: Action,
    /// The name `tool.invoke` takes, and the `crm` function's name.
    pub name: &'static str,
    /// The members of the JSON input, required ones first.
    pub input: &'static [Field],
    /// The member that names the object type, if the action has one.
    pub object_type: Option<Field>,
    /// The WIT record the `crm` function takes, where it takes one; paths
    /// in the WIT vocabulary start there, or else at a scalar parameter.
    pub wit_request: Option<&'static str>,
}

/// Every action: the specification's, in its order, then the ones added
/// since (the order of [`Action`]).
pub const ACTIONS: &[ActionInfo] = &[
    ActionInfo {
        action: Action::Create,
        name: "create",
        input: &[Field::Entity, Field::Properties, Field::Associations, Field::DryRun],
        object_type: Some(Field::Entity),
        wit_request: Some("create-request"),
    },
    ActionInfo {
        action: Action::Read,
        name: "read",
        input: &[
            Field::Entity,
            Field::RecordId,
            Field::Properties,
            Field::PropertiesWithHistory,
            Field::Associations,
            Field::Archived,
            Field::IdProperty,
        ],
        object_type: Some(Field::Entity),
        wit_request: Some("read-request"),
    },
    ActionInfo {
        action: Action::Update,
        name: "update",
        input: &[
            Field::Entity,
            Field::RecordId,
            Field::Properties,
            Field::IdProperty,
            Field::DryRun,
        ],
        object_type: Some(Field::Entity),
        wit_request: Some("update-request"),
    },
    ActionInfo {
        action: Action::Archive,
        name: "archive",
        input: &[Field::Entity, Field::RecordId, Field::DryRun],
        object_type: Some(Field::Entity),
        wit_request: Some("archive-request"),
    },
    ActionInfo {
        action: Action::Search,
        name: "search",
        input: &[Field::Entity, Field::SearchObj],
        object_type: Some(Field::Entity),
        wit_request: Some("search-request"),
    },
    ActionInfo {
        action: Action::GetPipelines,
        name: "get-pipelines",
        input: &[Field::Entity],
        object_type: Some(Field::Entity),
        wit_request: None,
    },
    ActionInfo {
        action: Action::GetPipelineStage,
        name: "get-pipeline-stage",
        input: &[Field::Entity, Field::PipelineId, Field::StageId],
        object_type: Some(Field::Entity),
        wit_request: None,
    },
    ActionInfo {
        action: Action::GetProperties,
        name: "get-properties",
        input: &[Field::ObjectType, Field::Archived, Field::Query, Field::Compact],
        object_type: Some(Field::ObjectType),
        wit_request: Some("properties-request"),
    },
    ActionInfo {
        action: Action::TestConnection,
        name: "test-connection",
        input: &[],
        object_type: None,
        wit_request: None,
    },
    ActionInfo {
        action: Action::List,
        name: "list",
        input: &[
            Field::Entity,
            Field::Properties,
            Field::PropertiesWithHistory,
            Field::Associations,
            Field::Archived,
            Field::Limit,
            Field::After,
            Field::MaxResults,
        ],
        object_type: Some(Field::Entity),
        wit_request: Some("list-request"),
    },
    ActionInfo {
        action: Action::GetOwners,
        name: "get-owners",
        input: &[Field::Email, Field::Archived],
        object_type: None,
        wit_request: Some("owners-request"),
    },
    ActionInfo {
        action: Action::GetObjectTypes,
        name: "get-object-types",
        input: &[],
        object_type: None,
        wit_request: None,
    },
    ActionInfo {
        action: Action::Associate,
        name: "associate",
        input: &[
            Field::Entity,
            Field::RecordId,
            Field::ToEntity,
            Field::ToRecordId,
            Field::Label,
            Field::AssociationTypeId,
            Field::AssociationCategory,
            Field::DryRun,
        ],
        object_type: Some(Field::Entity),
        wit_request: Some("associate-request"),
    },
    ActionInfo {
        action: Action::GetAssociations,
        name: "get-associations",
        input: &[Field::Entity, Field::RecordId, Field::ToEntity],
        object_type: Some(Field::Entity),
        wit_request: Some("associations-request"),
    },
    ActionInfo {
        action: Action::RemoveAssociation,
        name: "remove-association",
        input: &[
            Field::Entity,
            Field::RecordId,
            Field::ToEntity,
            Field::ToRecordId,
            Field::Label,
            Field::DryRun,
        ],
        object_type: Some(Field::Entity),
        wit_request: Some("remove-association-request"),
    },
    ActionInfo {
        action: Action::GetAssociationLabels,
        name: "get-association-labels",
        input: &[Field::Entity, Field::ToEntity],
        object_type: Some(Field::Entity),
        wit_request: Some("association-labels-request"),
    },
    // The batch actions: each takes `inputs` of any length and sends them in
    // chunks of HubSpot's batch size (see `crate::batch`).
    ActionInfo {
        action: Action::BatchCreate,
        name: "batch-create",
        input: &[Field::Entity, Field::Inputs, Field::DryRun],
        object_type: Some(Field::Entity),
        wit_request: Some("batch-create-request"),
    },
    ActionInfo {
        action: Action::BatchRead,
        name: "batch-read",
        input: &[
            Field::Entity,
            Field::Inputs,
            Field::Properties,
            Field::PropertiesWithHistory,
            Field::IdProperty,
            Field::Archived,
        ],
        object_type: Some(Field::Entity),
        wit_request: Some("batch-read-request"),
    },
    ActionInfo {
        action: Action::BatchUpdate,
        name: "batch-update",
        input: &[Field::Entity, Field::Inputs, Field::IdProperty, Field::DryRun],
        object_type: Some(Field::Entity),
        wit_request: Some("batch-update-request"),
    },
    ActionInfo {
        action: Action::BatchUpsert,
        name: "batch-upsert",
        input: &[Field::Entity, Field::IdProperty, Field::Inputs, Field::DryRun],
        object_type: Some(Field::Entity),
        wit_request: Some("batch-upsert-request"),
    },
    ActionInfo {
        action: Action::BatchArchive,
        name: "batch-archive",
        input: &[Field::Entity, Field::Inputs, Field::DryRun],
        object_type: Some(Field::Entity),
        wit_request: Some("batch-archive-request"),
    },
];

// `Action::info` indexes the table by the variant: the build fails if an
// entry is out of place.
const _: () = {
    let mut index = 0;
    while index < ACTIONS.len() {
        assert!(
            ACTIONS[index].action as usize == index,
            "ACTIONS must list the actions in declaration order"
        );
        index += 1;
    }
};

impl Action {
    /// Every action, in the specification's order.
    pub fn all() -> impl Iterator<Item = Self> {
        ACTIONS.iter().map(|info| info.action)
    }

    /// What the table says of this action.
    pub fn info(self) -> &'static ActionInfo {
        &ACTIONS[self as usize]
    }

    /// The name `invoke` takes.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Looks an action up by name.
    pub fn from_name(name: &str) -> Result<Self, Error> {
        ACTIONS
            .iter()
            .find(|info| info.name == name)
            .map(|info| info.action)
            .ok_or_else(|| {
                let names: Vec<&str> = ACTIONS.iter().map(|info| info.name).collect();
                Error::invalid(
                    &InputPath::root().field(Field::Action),
                    format!("unknown action `{name}`; the actions are {}", names.join(", ")),
                )
            })
    }

    /// The names this action's `crm` function gives its input.
    pub fn wit_vocabulary(self) -> Vocabulary {
        Vocabulary::Wit {
            request_record: self.info().wit_request,
        }
    }

    /// Where the object type is named in this action's input; the root for
    /// the connection test, which has none.
    pub fn object_type_path(self) -> InputPath {
        let root = InputPath::root();
        match self.info().object_type {
            Some(field) => root.field(field),
            None => root,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_appears_exactly_once_in_the_table() {
        let every = [
            Action::Create,
            Action::Read,
            Action::Update,
            Action::Archive,
            Action::Search,
            Action::GetPipelines,
            Action::GetPipelineStage,
            Action::GetProperties,
            Action::TestConnection,
            Action::List,
            Action::GetOwners,
            Action::GetObjectTypes,
            Action::Associate,
            Action::GetAssociations,
            Action::RemoveAssociation,
            Action::GetAssociationLabels,
            Action::BatchCreate,
            Action::BatchRead,
            Action::BatchUpdate,
            Action::BatchUpsert,
            Action::BatchArchive,
        ];
        assert_eq!(ACTIONS.len(), every.len());
        for action in every {
            let rows = ACTIONS.iter().filter(|info| info.action == action).count();
            assert_eq!(rows, 1, "{action:?}");
            assert_eq!(action.info().action, action);
        }
    }

    #[test]
    fn actions_round_trip_through_their_names() {
        for action in Action::all() {
            assert_eq!(Action::from_name(action.name()), Ok(action));
        }
        assert!(Action::from_name("delete").is_err());
    }

    #[test]
    fn the_object_type_member_is_one_of_the_input_members() {
        for info in ACTIONS {
            if let Some(field) = info.object_type {
                assert_eq!(info.input.first(), Some(&field), "{}", info.name);
            }
        }
    }

    #[test]
    fn wit_request_records_are_named_after_the_function() {
        for info in ACTIONS {
            if let Some(record) = info.wit_request {
                let function = info.name.strip_prefix("get-").unwrap_or(info.name);
                assert_eq!(record, format!("{function}-request"));
            }
        }
    }
}
