//! Which endpoint a request is for (method and path), what access it needs, which
//! rate-limit headers its reply carries, and the handler that answers it.

use serde_json::Value;

use crate::association_endpoints;
use crate::auth::Access;
use crate::batch_endpoints::{self, BatchOperation};
use crate::handler::{Call, Reply};
use crate::headers::RateLimitHeaders;
use crate::object_endpoints;
use crate::schema_endpoints;

/// The endpoints the mock serves for an object type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    CreateRecord,
    ListRecords,
    SearchRecords,
    ReadRecord(String),
    UpdateRecord(String),
    ArchiveRecord(String),
    ListPipelines,
    ReadPipeline(String),
    ListStages(String),
    ReadStage(String, String),
    ListProperties,
    ReadProperty(String),
    /// `PUT …/{id}/associations/default/{toType}/{toId}`.
    AssociateDefault(String, String, String),
    /// `PUT …/{id}/associations/{toType}/{toId}`.
    Associate(String, String, String),
    /// `GET …/{id}/associations/{toType}` (not in 2026-09).
    ListAssociations(String, String),
    /// `DELETE …/{id}/associations/{toType}/{toId}`.
    RemoveAssociations(String, String, String),
    /// `POST {associations}/{type}/{toType}/batch/read`.
    BatchReadAssociations(String),
    /// `POST {associations}/{type}/{toType}/batch/labels/archive`.
    ArchiveAssociationLabels(String),
    /// `GET {association labels}/{type}/{toType}/labels`.
    AssociationLabels(String),
    /// `POST …/objects/{objectType}/batch/{operation}`.
    Batch(BatchOperation),
}

impl Endpoint {
    /// The access the endpoint needs to its object type.
    pub(crate) fn access(&self) -> Access {
        match self {
            Self::CreateRecord
            | Self::UpdateRecord(_)
            | Self::ArchiveRecord(_)
            | Self::AssociateDefault(..)
            | Self::Associate(..)
            | Self::RemoveAssociations(..)
            | Self::ArchiveAssociationLabels(_) => Access::Write,
            Self::ListRecords
            | Self::SearchRecords
            | Self::ReadRecord(_)
            | Self::ListAssociations(..)
            | Self::BatchReadAssociations(_)
            | Self::AssociationLabels(_) => Access::Read,
            Self::Batch(operation) if operation.reads() => Access::Read,
            Self::Batch(_) => Access::Write,
            Self::ListPipelines
            | Self::ReadPipeline(_)
            | Self::ListStages(_)
            | Self::ReadStage(..)
            | Self::ListProperties
            | Self::ReadProperty(_) => Access::Schema,
        }
    }

    /// Which rate-limit headers an authenticated reply from this endpoint carries.
    pub(crate) fn rate_limit_headers(&self) -> RateLimitHeaders {
        match self {
            Self::SearchRecords => RateLimitHeaders::DailyOnly,
            _ => RateLimitHeaders::Full,
        }
    }
}

/// The API versions the mock serves, as their path spells them: HubSpot's
/// unversioned `v3` (`/crm/v3/objects/…`) and its date-based versions
/// (`/crm/objects/2026-09/…`).
pub const API_VERSIONS: [&str; 3] = ["v3", "2026-03", "2026-09"];

/// The first date-based version whose associations spec has no single-record read.
const ASSOCIATIONS_LIST_DROPPED: &str = "2026-09";

/// The first date-based version whose writes obey the account's validation rules.
const VALIDATION_RULES_FROM: &str = "2026-09";

/// The first date-based version whose `Property` schema (`openapi/2026-09/properties.json`)
/// no longer has these members, and the members: replies through it leave them out.
const PROPERTY_MEMBERS_DROPPED: (&str, [&str; 3]) = (
    "2026-09",
    ["currencyPropertyName", "numberDisplayHint", "textDisplayHint"],
);

/// An API version the mock serves, one of [`API_VERSIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ApiVersion(&'static str);

impl ApiVersion {
    fn parse(text: &str) -> Option<Self> {
        API_VERSIONS.iter().find(|name| **name == text).map(|name| Self(name))
    }

    /// Whether writes obey the account's validation rules (date-based versions
    /// from 2026-09; their names sort by date).
    pub(crate) fn enforces_validation_rules(self) -> bool {
        self.is_at_least(VALIDATION_RULES_FROM)
    }

    /// Property definition members this version's spec does not have.
    fn dropped_property_members(self) -> &'static [&'static str] {
        let (from, members) = &PROPERTY_MEMBERS_DROPPED;
        if self.is_at_least(from) { members } else { &[] }
    }

    /// Whether the version's associations spec has `GET …/{id}/associations/{toType}` and
    /// answers a batch read with errors 207 (2026-09's has neither).
    fn lists_record_associations(self) -> bool {
        !self.is_at_least(ASSOCIATIONS_LIST_DROPPED)
    }

    /// Whether this is a date-based version from `first` on (their names sort by date).
    fn is_at_least(self, first: &str) -> bool {
        self.0 != "v3" && self.0 >= first
    }
}

/// An account-level endpoint, one that names no object type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AccountEndpoint {
    /// `GET /crm/v3/owners`.
    ListOwners,
    /// `GET /crm/v3/owners/{ownerId}`.
    ReadOwner(String),
    /// `GET /crm-object-schemas/v3/schemas`.
    ListSchemas,
    /// `GET /crm-object-schemas/v3/schemas/{objectType}`.
    ReadSchema(String),
}

impl AccountEndpoint {
    /// The scopes of which any one grants the endpoint.
    pub(crate) fn accepted_scopes(&self) -> &'static [&'static str] {
        match self {
            Self::ListOwners | Self::ReadOwner(_) => crate::auth::OWNERS_SCOPES,
            Self::ListSchemas | Self::ReadSchema(_) => crate::auth::CUSTOM_SCHEMA_SCOPES,
        }
    }
}

/// A resolved request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /oauth/v2/private-apps/get/access-token-info`, which needs no token.
    TokenInfo,
    /// An account-level endpoint (owners, custom object schemas) through `version`.
    Account {
        endpoint: AccountEndpoint,
        version: ApiVersion,
    },
    /// An endpoint of the object type named by the raw `{objectType}` segment.
    Typed {
        endpoint: Endpoint,
        object_type: String,
        version: ApiVersion,
    },
}

/// Splits `/crm/v3/{family}/…` and `/crm/{family}/{version}/…` into the
/// family, the version and the rest of the path.
fn versioned<'p>(parts: &'p [&'p str]) -> Option<(&'p str, ApiVersion, &'p [&'p str])> {
    match parts {
        ["crm", "v3", family, rest @ ..] => Some((family, ApiVersion::parse("v3")?, rest)),
        ["crm", family, version, rest @ ..] if *version != "v3" => Some((family, ApiVersion::parse(version)?, rest)),
        _ => None,
    }
}

/// The route of `method` on the decoded path `segments`, if the mock serves it.
pub(crate) fn resolve(method: &str, segments: &[String]) -> Option<Route> {
    let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    if let ("POST", ["oauth", "v2", "private-apps", "get", "access-token-info"]) = (method, parts.as_slice()) {
        return Some(Route::TokenInfo);
    }
    if let Some(route) = account_route(method, &parts) {
        return Some(route);
    }
    if let Some(route) = association_route(method, &parts) {
        return Some(route);
    }
    let (family, version, rest) = versioned(&parts)?;
    let owned = |text: &str| text.to_owned();
    let (endpoint, kind) = match (method, family, rest) {
        ("POST", "objects", [kind]) => (Endpoint::CreateRecord, kind),
        ("GET", "objects", [kind]) => (Endpoint::ListRecords, kind),
        ("POST", "objects", [kind, "search"]) => (Endpoint::SearchRecords, kind),
        ("POST", "objects", [kind, "batch", operation]) => (Endpoint::Batch(BatchOperation::parse(operation)?), kind),
        ("GET", "objects", [kind, id]) => (Endpoint::ReadRecord(owned(id)), kind),
        ("PATCH", "objects", [kind, id]) => (Endpoint::UpdateRecord(owned(id)), kind),
        ("DELETE", "objects", [kind, id]) => (Endpoint::ArchiveRecord(owned(id)), kind),
        ("GET", "pipelines", [kind]) => (Endpoint::ListPipelines, kind),
        ("GET", "pipelines", [kind, pipeline]) => (Endpoint::ReadPipeline(owned(pipeline)), kind),
        ("GET", "pipelines", [kind, pipeline, "stages"]) => (Endpoint::ListStages(owned(pipeline)), kind),
        ("GET", "pipelines", [kind, pipeline, "stages", stage]) => {
            (Endpoint::ReadStage(owned(pipeline), owned(stage)), kind)
        }
        ("GET", "properties", [kind]) => (Endpoint::ListProperties, kind),
        ("GET", "properties", [kind, name]) => (Endpoint::ReadProperty(owned(name)), kind),
        _ => return None,
    };
    Some(Route::Typed {
        endpoint,
        object_type: (*kind).to_owned(),
        version,
    })
}

/// Which associations paths a prefix serves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AssociationFamily {
    /// `…/objects/{type}/{id}/associations/…`.
    Record,
    /// `…/{type}/{toType}/batch/…`.
    Batch,
    /// `…/{type}/{toType}/labels`.
    Labels,
    /// Both of the above: the dated `/crm/associations/{version}`.
    BatchAndLabels,
}

/// The associations routes: v4 (`/crm/v4/objects`, `/crm/v4/associations`,
/// `/crm/associations/v4`, served as the mock's `v3`) and dated (`/crm/objects/{version}`,
/// `/crm/associations/{version}`).
fn association_route(method: &str, parts: &[&str]) -> Option<Route> {
    use AssociationFamily::{Batch, BatchAndLabels, Labels, Record};
    let v3 = || ApiVersion::parse("v3");
    let (family, version, rest) = match parts {
        ["crm", "v4", "objects", rest @ ..] => (Record, v3()?, rest),
        ["crm", "objects", version, rest @ ..] if *version != "v3" && rest.get(2) == Some(&"associations") => {
            (Record, ApiVersion::parse(version)?, rest)
        }
        ["crm", "v4", "associations", rest @ ..] => (Batch, v3()?, rest),
        ["crm", "associations", "v4", rest @ ..] => (Labels, v3()?, rest),
        ["crm", "associations", version, rest @ ..] if *version != "v3" => {
            (BatchAndLabels, ApiVersion::parse(version)?, rest)
        }
        _ => return None,
    };
    let owned = |text: &str| text.to_owned();
    let batch = matches!(family, Batch | BatchAndLabels);
    let labels = matches!(family, Labels | BatchAndLabels);
    let (endpoint, kind) = match (method, family, rest) {
        ("PUT", Record, [kind, id, "associations", "default", to, to_id]) => {
            (Endpoint::AssociateDefault(owned(id), owned(to), owned(to_id)), kind)
        }
        ("PUT", Record, [kind, id, "associations", to, to_id]) => {
            (Endpoint::Associate(owned(id), owned(to), owned(to_id)), kind)
        }
        ("DELETE", Record, [kind, id, "associations", to, to_id]) => {
            (Endpoint::RemoveAssociations(owned(id), owned(to), owned(to_id)), kind)
        }
        ("GET", Record, [kind, id, "associations", to]) if version.lists_record_associations() => {
            (Endpoint::ListAssociations(owned(id), owned(to)), kind)
        }
        ("POST", _, [kind, to, "batch", "read"]) if batch => (Endpoint::BatchReadAssociations(owned(to)), kind),
        ("POST", _, [kind, to, "batch", "labels", "archive"]) if batch => {
            (Endpoint::ArchiveAssociationLabels(owned(to)), kind)
        }
        ("GET", _, [kind, to, "labels"]) if labels => (Endpoint::AssociationLabels(owned(to)), kind),
        _ => return None,
    };
    Some(Route::Typed {
        endpoint,
        object_type: (*kind).to_owned(),
        version,
    })
}

/// The owners and schemas routes: `/crm/v3/owners[/{ownerId}]`,
/// `/crm/owners/{version}[/{ownerId}]`, `/crm-object-schemas/{v3|version}/schemas[/{objectType}]`
/// and the older alias `/crm/v3/schemas[/{objectType}]`.
fn account_route(method: &str, parts: &[&str]) -> Option<Route> {
    if method != "GET" {
        return None;
    }
    let (endpoint, version) = match parts {
        ["crm-object-schemas", version, "schemas", rest @ ..] => (schema_endpoint(rest)?, ApiVersion::parse(version)?),
        ["crm", "v3", "schemas", rest @ ..] => (schema_endpoint(rest)?, ApiVersion::parse("v3")?),
        _ => match versioned(parts)? {
            ("owners", version, []) => (AccountEndpoint::ListOwners, version),
            ("owners", version, [id]) => (AccountEndpoint::ReadOwner((*id).to_owned()), version),
            _ => return None,
        },
    };
    Some(Route::Account { endpoint, version })
}

fn schema_endpoint(rest: &[&str]) -> Option<AccountEndpoint> {
    match rest {
        [] => Some(AccountEndpoint::ListSchemas),
        [object_type] => Some(AccountEndpoint::ReadSchema((*object_type).to_owned())),
        _ => None,
    }
}

/// Answer an authorized request for an account-level endpoint.
pub(crate) fn dispatch_account(
    endpoint: &AccountEndpoint,
    catalog: &crate::catalog::Catalog,
    owners: &[crate::owners::Owner],
    portal_id: u64,
    query: &crate::query::QueryParams,
) -> Reply {
    let result = match endpoint {
        AccountEndpoint::ListOwners => crate::owners::list(owners, query),
        AccountEndpoint::ReadOwner(id) => crate::owners::read(owners, id, query),
        AccountEndpoint::ListSchemas => Ok(crate::custom_objects::list(catalog, portal_id, query)),
        AccountEndpoint::ReadSchema(raw) => crate::custom_objects::read(catalog, portal_id, raw, query),
    };
    result.unwrap_or_else(Reply::Error)
}

/// Answer an authorized request for an object type's endpoint through `version`.
pub(crate) fn dispatch(endpoint: &Endpoint, version: ApiVersion, call: Call<'_>) -> Reply {
    let result = match endpoint {
        Endpoint::CreateRecord => object_endpoints::create(call),
        Endpoint::ListRecords => object_endpoints::list(call),
        Endpoint::SearchRecords => object_endpoints::search(call),
        Endpoint::ReadRecord(id) => object_endpoints::read(call, id),
        Endpoint::UpdateRecord(id) => object_endpoints::update(call, id),
        Endpoint::ArchiveRecord(id) => object_endpoints::archive(call, id),
        Endpoint::ListPipelines => schema_endpoints::list_pipelines(call),
        Endpoint::ReadPipeline(pipeline) => schema_endpoints::read_pipeline(call, pipeline),
        Endpoint::ListStages(pipeline) => schema_endpoints::list_stages(call, pipeline),
        Endpoint::ReadStage(pipeline, stage) => schema_endpoints::read_stage(call, pipeline, stage),
        Endpoint::ListProperties => schema_endpoints::list_properties(call),
        Endpoint::ReadProperty(name) => schema_endpoints::read_property(call, name),
        Endpoint::AssociateDefault(id, to, to_id) => association_endpoints::associate_default(call, id, to, to_id),
        Endpoint::Associate(id, to, to_id) => association_endpoints::associate(call, id, to, to_id),
        Endpoint::ListAssociations(id, to) => association_endpoints::list(call, id, to),
        Endpoint::RemoveAssociations(id, to, to_id) => association_endpoints::remove(call, id, to, to_id),
        Endpoint::BatchReadAssociations(to) => {
            association_endpoints::batch_read(call, to, version.lists_record_associations())
        }
        Endpoint::ArchiveAssociationLabels(to) => association_endpoints::archive_labels(call, to, version.0 != "v3"),
        Endpoint::AssociationLabels(to) => association_endpoints::labels(call, to),
        Endpoint::Batch(operation) => batch_endpoints::handle(call, *operation),
    };
    let mut reply = result.unwrap_or_else(Reply::Error);
    let dropped = version.dropped_property_members();
    if let (Endpoint::ListProperties | Endpoint::ReadProperty(_), Reply::Json(_, body), false) =
        (endpoint, &mut reply, dropped.is_empty())
    {
        let definitions: Vec<&mut Value> = match body.get_mut("results").and_then(Value::as_array_mut) {
            Some(results) => results.iter_mut().collect(),
            None => vec![body],
        };
        for definition in definitions.into_iter().filter_map(Value::as_object_mut) {
            for member in dropped {
                definition.remove(*member);
            }
        }
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> Option<Route> {
        resolve(method, &crate::query::path_segments(path))
    }

    #[test]
    fn routes_resolve_every_served_endpoint() {
        let cases = [
            ("POST", "/crm/v3/objects/contacts", Endpoint::CreateRecord),
            ("GET", "/crm/v3/objects/contacts/", Endpoint::ListRecords),
            ("POST", "/crm/v3/objects/0-1/search", Endpoint::SearchRecords),
            (
                "GET",
                "/crm/v3/objects/contacts/a%40b.co",
                Endpoint::ReadRecord("a@b.co".to_owned()),
            ),
            (
                "PATCH",
                "/crm/v3/objects/contacts/5",
                Endpoint::UpdateRecord("5".to_owned()),
            ),
            (
                "DELETE",
                "/crm/v3/objects/contacts/5",
                Endpoint::ArchiveRecord("5".to_owned()),
            ),
            ("GET", "/crm/v3/pipelines/deals", Endpoint::ListPipelines),
            (
                "GET",
                "/crm/v3/pipelines/deals/default",
                Endpoint::ReadPipeline("default".to_owned()),
            ),
            (
                "GET",
                "/crm/v3/pipelines/deals/default/stages",
                Endpoint::ListStages("default".to_owned()),
            ),
            (
                "GET",
                "/crm/v3/pipelines/deals/default/stages/closedwon",
                Endpoint::ReadStage("default".to_owned(), "closedwon".to_owned()),
            ),
            ("GET", "/crm/v3/properties/deals", Endpoint::ListProperties),
            (
                "GET",
                "/crm/v3/properties/deals/amount",
                Endpoint::ReadProperty("amount".to_owned()),
            ),
            (
                "POST",
                "/crm/v3/objects/contacts/batch/create",
                Endpoint::Batch(BatchOperation::Create),
            ),
            (
                "POST",
                "/crm/v3/objects/contacts/batch/read",
                Endpoint::Batch(BatchOperation::Read),
            ),
            (
                "POST",
                "/crm/v3/objects/contacts/batch/update",
                Endpoint::Batch(BatchOperation::Update),
            ),
            (
                "POST",
                "/crm/v3/objects/contacts/batch/upsert",
                Endpoint::Batch(BatchOperation::Upsert),
            ),
            (
                "POST",
                "/crm/v3/objects/contacts/batch/archive",
                Endpoint::Batch(BatchOperation::Archive),
            ),
        ];
        for (method, path, endpoint) in cases {
            let expected_type = crate::query::path_segments(path)[3].clone();
            for version in API_VERSIONS {
                let family = &crate::query::path_segments(path)[2];
                let path = match version {
                    "v3" => path.to_owned(),
                    dated => path.replacen(&format!("/v3/{family}/"), &format!("/{family}/{dated}/"), 1),
                };
                assert_eq!(
                    route(method, &path),
                    Some(Route::Typed {
                        endpoint: endpoint.clone(),
                        object_type: expected_type.clone(),
                        version: ApiVersion(version),
                    }),
                    "{method} {path}"
                );
            }
        }
        let token = route("POST", "/oauth/v2/private-apps/get/access-token-info");
        assert_eq!(token, Some(Route::TokenInfo));
    }

    #[test]
    fn routes_resolve_owners_and_schemas_in_every_spelling() {
        let account = |endpoint: AccountEndpoint, version: &'static str| {
            Some(Route::Account {
                endpoint,
                version: ApiVersion(version),
            })
        };
        for version in API_VERSIONS {
            let owners = if version == "v3" {
                "/crm/v3/owners".to_owned()
            } else {
                format!("/crm/owners/{version}")
            };
            for list in [owners.clone(), format!("{owners}/")] {
                assert_eq!(
                    route("GET", &list),
                    account(AccountEndpoint::ListOwners, version),
                    "{list}"
                );
            }
            assert_eq!(
                route("GET", &format!("{owners}/110000001")),
                account(AccountEndpoint::ReadOwner("110000001".to_owned()), version)
            );
            let schemas = format!("/crm-object-schemas/{version}/schemas");
            for list in [schemas.clone(), format!("{schemas}/")] {
                assert_eq!(
                    route("GET", &list),
                    account(AccountEndpoint::ListSchemas, version),
                    "{list}"
                );
            }
            assert_eq!(
                route("GET", &format!("{schemas}/p12345678_pets")),
                account(AccountEndpoint::ReadSchema("p12345678_pets".to_owned()), version)
            );
        }
        assert_eq!(
            route("GET", "/crm/v3/schemas"),
            account(AccountEndpoint::ListSchemas, "v3")
        );
        assert_eq!(
            route("GET", "/crm/v3/schemas/2-3604285"),
            account(AccountEndpoint::ReadSchema("2-3604285".to_owned()), "v3")
        );
        for (method, path) in [
            ("POST", "/crm/v3/owners"),
            ("GET", "/crm/v3/owners/1/teams"),
            ("GET", "/crm/owners/2025-09"),
            ("GET", "/crm/schemas/2026-09"),
            ("DELETE", "/crm-object-schemas/v3/schemas/pets"),
            ("GET", "/crm-object-schemas/v4/schemas"),
            ("GET", "/crm-object-schemas/v3/schemas/pets/associations"),
        ] {
            assert_eq!(route(method, path), None, "{method} {path}");
        }
        assert_eq!(
            AccountEndpoint::ListOwners.accepted_scopes(),
            ["crm.objects.owners.read"]
        );
        assert!(
            AccountEndpoint::ReadSchema("x".to_owned())
                .accepted_scopes()
                .contains(&"crm.objects.custom.read")
        );
    }

    #[test]
    fn routes_reject_unknown_paths_and_methods() {
        for (method, path) in [
            ("GET", "/"),
            ("GET", "/crm/v3/objects"),
            ("PUT", "/crm/v3/objects/contacts/1"),
            ("GET", "/crm/v4/objects/contacts/1"),
            ("POST", "/crm/v3/objects/contacts/1/extra"),
            ("POST", "/crm/v3/objects/contacts/batch/delete"),
            ("GET", "/crm/v3/objects/contacts/batch/read"),
            ("GET", "/oauth/v2/private-apps/get/access-token-info"),
            ("GET", "/crm/v3/properties/deals/amount/extra"),
            ("GET", "/crm/objects/2025-09/contacts/1"),
            ("GET", "/crm/objects/v3/contacts/1"),
            ("GET", "/crm/2026-09/objects/contacts/1"),
            ("GET", "/crm/objects/2026-09-beta/contacts/1"),
        ] {
            assert_eq!(route(method, path), None, "{method} {path}");
        }
    }

    #[test]
    fn validation_rules_apply_from_2026_09() {
        let enforced: Vec<bool> = API_VERSIONS
            .iter()
            .map(|name| ApiVersion(name).enforces_validation_rules())
            .collect();
        assert_eq!(enforced, [false, false, true]);
    }

    #[test]
    fn routes_search_replies_get_daily_headers_only() {
        assert_eq!(
            Endpoint::SearchRecords.rate_limit_headers(),
            RateLimitHeaders::DailyOnly
        );
        assert_eq!(Endpoint::CreateRecord.rate_limit_headers(), RateLimitHeaders::Full);
        assert_eq!(Endpoint::ReadProperty("a".to_owned()).access(), Access::Schema);
        assert_eq!(Endpoint::ArchiveRecord("1".to_owned()).access(), Access::Write);
    }
}
