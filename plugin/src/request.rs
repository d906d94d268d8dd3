//! The typed request of each action: what `tool.invoke` parses its JSON into
//! (see [`crate::input`]) and `crm` converts its WIT records into.

use crate::action::Action;
pub use crate::association::{
    AssociateRequest, AssociationLabelsRequest, AssociationsRequest, RemoveAssociationRequest,
};
use crate::search::SearchRequest;

/// Who defined an association type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssociationCategory {
    /// `HUBSPOT_DEFINED`.
    HubspotDefined,
    /// `USER_DEFINED`.
    UserDefined,
    /// `INTEGRATOR_DEFINED`.
    IntegratorDefined,
    /// `WORK`.
    Work,
}

impl AssociationCategory {
    /// Every category.
    pub const ALL: [Self; 4] = [
        Self::HubspotDefined,
        Self::UserDefined,
        Self::IntegratorDefined,
        Self::Work,
    ];

    /// HubSpot's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::HubspotDefined => "HUBSPOT_DEFINED",
            Self::UserDefined => "USER_DEFINED",
            Self::IntegratorDefined => "INTEGRATOR_DEFINED",
            Self::Work => "WORK",
        }
    }

    /// Parses HubSpot's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|category| category.name() == text)
    }
}

/// One association type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssociationType {
    /// Who defined it.
    pub category: AssociationCategory,
    /// Its id, such as 1 for contact to company.
    pub type_id: u32,
}

/// A link from a new record to an existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationInput {
    /// The existing record's id.
    pub to_id: String,
    /// The association types.
    pub types: Vec<AssociationType>,
}

/// `POST /crm/v3/objects/{type}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateRequest {
    /// The object type as given.
    pub object_type: String,
    /// Property values, in the order given.
    pub properties: Vec<(String, String)>,
    /// Links to existing records.
    pub associations: Vec<AssociationInput>,
}

/// `GET /crm/v3/objects/{type}/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadRequest {
    /// The object type as given.
    pub object_type: String,
    /// The record id, or its `id_property` value.
    pub record_id: String,
    /// Properties to return.
    pub properties: Vec<String>,
    /// Properties to return with history.
    pub properties_with_history: Vec<String>,
    /// Associated object types to return.
    pub associations: Vec<String>,
    /// Read from the recycle bin.
    pub archived: bool,
    /// The unique property `record_id` holds a value of.
    pub id_property: Option<String>,
}

/// `PATCH /crm/v3/objects/{type}/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateRequest {
    /// The object type as given.
    pub object_type: String,
    /// The record id, or its `id_property` value.
    pub record_id: String,
    /// Property values to write.
    pub properties: Vec<(String, String)>,
    /// The unique property `record_id` holds a value of.
    pub id_property: Option<String>,
}

/// `DELETE /crm/v3/objects/{type}/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveRequest {
    /// The object type as given.
    pub object_type: String,
    /// The record id.
    pub record_id: String,
}

/// `GET /crm/v3/pipelines/{type}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelinesRequest {
    /// The object type as given.
    pub object_type: String,
}

/// `GET /crm/v3/pipelines/{type}/{pipeline}/stages/{stage}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageRequest {
    /// The object type as given.
    pub object_type: String,
    /// The pipeline's id.
    pub pipeline_id: String,
    /// The stage's id.
    pub stage_id: String,
}

/// `GET /crm/v3/properties/{type}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PropertiesRequest {
    /// The object type as given.
    pub object_type: String,
    /// Return the archived properties instead of the active ones.
    pub archived: bool,
    /// Keep only the properties whose name, label, description or group
    /// matches every word, best matches first.
    pub query: Option<String>,
    /// Answer with what a model needs to write a value, not the whole definition.
    pub compact: bool,
}

/// `GET /crm/v3/objects/{type}`: records in HubSpot's list order, following
/// the cursor up to `max_results`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRequest {
    /// The object type as given.
    pub object_type: String,
    /// Properties to return.
    pub properties: Vec<String>,
    /// Properties to return with history.
    pub properties_with_history: Vec<String>,
    /// Associated object types to return.
    pub associations: Vec<String>,
    /// List the recycle bin instead.
    pub archived: bool,
    /// Records per request; HubSpot's default when absent.
    pub limit: Option<u32>,
    /// Cursor to start from.
    pub after: Option<String>,
    /// Follow the cursor until this many records are read; one page when absent.
    pub max_results: Option<u32>,
}

/// `GET /crm/v3/owners`: the account's owners, every page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnersRequest {
    /// Only the owner with this e-mail address.
    pub email: Option<String>,
    /// List the deactivated owners instead of the active ones.
    pub archived: bool,
}

/// A request for one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRequest {
    /// See [`CreateRequest`].
    Create(CreateRequest),
    /// See [`ReadRequest`].
    Read(ReadRequest),
    /// See [`UpdateRequest`].
    Update(UpdateRequest),
    /// See [`ArchiveRequest`].
    Archive(ArchiveRequest),
    /// See [`SearchRequest`].
    Search(SearchRequest),
    /// See [`PipelinesRequest`].
    GetPipelines(PipelinesRequest),
    /// See [`StageRequest`].
    GetPipelineStage(StageRequest),
    /// See [`PropertiesRequest`].
    GetProperties(PropertiesRequest),
    /// Check the credential.
    TestConnection,
    /// See [`ListRequest`].
    List(ListRequest),
    /// See [`OwnersRequest`].
    GetOwners(OwnersRequest),
    /// The standard object types and the account's custom objects.
    GetObjectTypes,
    /// See [`AssociateRequest`].
    Associate(AssociateRequest),
    /// See [`AssociationsRequest`].
    GetAssociations(AssociationsRequest),
    /// See [`RemoveAssociationRequest`].
    RemoveAssociation(RemoveAssociationRequest),
    /// See [`AssociationLabelsRequest`].
    GetAssociationLabels(AssociationLabelsRequest),
    /// See [`crate::batch::BatchRequest`].
    Batch(crate::batch::BatchRequest),
}

impl ActionRequest {
    /// Which action this is.
    pub fn action(&self) -> Action {
        match self {
            Self::Create(_) => Action::Create,
            Self::Read(_) => Action::Read,
            Self::Update(_) => Action::Update,
            Self::Archive(_) => Action::Archive,
            Self::Search(_) => Action::Search,
            Self::GetPipelines(_) => Action::GetPipelines,
            Self::GetPipelineStage(_) => Action::GetPipelineStage,
            Self::GetProperties(_) => Action::GetProperties,
            Self::TestConnection => Action::TestConnection,
            Self::List(_) => Action::List,
            Self::GetOwners(_) => Action::GetOwners,
            Self::GetObjectTypes => Action::GetObjectTypes,
            Self::Associate(_) => Action::Associate,
            Self::GetAssociations(_) => Action::GetAssociations,
            Self::RemoveAssociation(_) => Action::RemoveAssociation,
            Self::GetAssociationLabels(_) => Action::GetAssociationLabels,
            Self::Batch(request) => request.kind.action(),
        }
    }
}
