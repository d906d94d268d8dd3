//! What every endpoint handler works with and returns: the [`Call`] the router hands it
//! and the [`Reply`] the server renders.

use serde_json::Value;

use crate::catalog::Catalog;
use crate::errors::ApiError;
use crate::objects::ObjectType;
use crate::owners::Owner;
use crate::query::QueryParams;
use crate::store::Store;

/// What the mock answers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Reply {
    /// A JSON body with a status.
    Json(u16, Value),
    /// 204 without a body.
    NoContent,
    /// A HubSpot error body.
    Error(ApiError),
}

impl From<ApiError> for Reply {
    fn from(error: ApiError) -> Self {
        Self::Error(error)
    }
}

/// What a record or schema handler works with.
pub(crate) struct Call<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) store: &'a mut Store,
    pub(crate) portal_id: u64,
    pub(crate) object_type: ObjectType,
    /// Properties the account's validation rules require of this type, when the
    /// request's API version enforces them.
    pub(crate) required_properties: Vec<&'a str>,
    /// The account's owners, which owner-referencing properties must name.
    pub(crate) owners: &'a [Owner],
    pub(crate) query: QueryParams,
    pub(crate) body: &'a [u8],
}
