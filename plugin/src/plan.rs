//! The HTTP request each action becomes once validated: method, path with
//! every value percent-encoded, query, JSON body, and whether it may be resent.

use serde_json::{Map, Value, json};

use crate::api_version::{ApiVersion, Family};
use crate::entity::ObjectType;
use crate::error::Error;
use crate::http::{HttpRequest, Method, PathBuilder, Repeatable};
use crate::limits::{MAX_LIST_LIMIT, MAX_SEARCH_LIMIT, OWNERS_PAGE};
use crate::request::{
    ActionRequest, ArchiveRequest, AssociationInput, CreateRequest, ListRequest, OwnersRequest, PipelinesRequest,
    PropertiesRequest, ReadRequest, StageRequest, UpdateRequest,
};
use crate::search::{Filter, Operand, SearchCursor, SearchRequest};
use crate::validate::{self, ReadTypes};

/// `POST {objects}/{type}`, once the request passed [`validate::create`].
pub fn create(request: &CreateRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let object_type = validate::create(request)?;
    let mut body = Map::new();
    body.insert("properties".into(), properties_json(&request.properties));
    if !request.associations.is_empty() {
        body.insert("associations".into(), associations_json(&request.associations));
    }
    Ok(HttpRequest {
        method: Method::Post,
        path_and_query: objects_path(version, object_type).finish(),
        body: Some(Value::Object(body).to_string().into_bytes()),
        repeatable: Repeatable::OnlyIfUnprocessed,
    })
}

/// `GET {objects}/{type}/{id}`, once the request passed [`validate::read`].
pub fn read(request: &ReadRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let types = validate::read(request)?;
    let path = objects_path(version, types.object_type).segment(&request.record_id);
    let mut path = record_query(
        path,
        &types,
        &request.properties,
        &request.properties_with_history,
        request.archived,
    );
    if let Some(id_property) = &request.id_property {
        path = path.query("idProperty", id_property);
    }
    Ok(get(path.finish()))
}

/// `PATCH {objects}/{type}/{id}`, once the request passed [`validate::update`].
pub fn update(request: &UpdateRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let object_type = validate::update(request)?;
    let mut path = objects_path(version, object_type).segment(&request.record_id);
    if let Some(id_property) = &request.id_property {
        path = path.query("idProperty", id_property);
    }
    Ok(HttpRequest {
        method: Method::Patch,
        path_and_query: path.finish(),
        body: Some(
            json!({ "properties": properties_json(&request.properties) })
                .to_string()
                .into_bytes(),
        ),
        repeatable: Repeatable::Yes,
    })
}

/// `DELETE {objects}/{type}/{id}`, once the request passed [`validate::archive`].
pub fn archive(request: &ArchiveRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let object_type = validate::archive(request)?;
    Ok(HttpRequest {
        method: Method::Delete,
        path_and_query: objects_path(version, object_type).segment(&request.record_id).finish(),
        body: None,
        repeatable: Repeatable::Yes,
    })
}

/// `POST {objects}/{type}/search`, once the request passed
/// [`validate::search`]: the request as given, or the first page of one that
/// reads up to `max_results` (HubSpot's largest page unless it names a `limit`).
pub fn search(request: &SearchRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let page_size = request.max_results.map(|max| search_page_size(request, max));
    search_page(request, version, None, page_size)
}

/// The page size of a search that reads up to `wanted` more results.
pub fn search_page_size(request: &SearchRequest, wanted: u32) -> u32 {
    request.limit.unwrap_or(MAX_SEARCH_LIMIT).min(wanted)
}

/// One page of a search that pages on its own ([`SearchRequest::page`]):
/// from `cursor` (the request's own `after` for the first page), `page_size`
/// results; `None` sends the request exactly as given.
pub fn search_page(
    request: &SearchRequest,
    version: ApiVersion,
    cursor: Option<&SearchCursor>,
    page_size: Option<u32>,
) -> Result<HttpRequest, Error> {
    let object_type = validate::search(request)?;
    let body = match page_size {
        Some(size) => search_body(&request.page(cursor, size), object_type.default_properties()),
        None => search_body(request, object_type.default_properties()),
    };
    Ok(HttpRequest {
        method: Method::Post,
        path_and_query: objects_path(version, object_type).literal("search").finish(),
        body: Some(body.to_string().into_bytes()),
        repeatable: Repeatable::Yes,
    })
}

/// `GET {pipelines}/{type}`, once the request passed [`validate::pipelines`].
pub fn pipelines(request: &PipelinesRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let object_type = validate::pipelines(request)?;
    Ok(get(pipelines_path(version, object_type).finish()))
}

/// `GET {pipelines}/{type}/{pipeline}/stages/{stage}`, once the request
/// passed [`validate::stage`].
pub fn stage(request: &StageRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let object_type = validate::stage(request)?;
    Ok(get(pipelines_path(version, object_type)
        .segment(&request.pipeline_id)
        .literal("stages")
        .segment(&request.stage_id)
        .finish()))
}

/// `GET {properties}/{type}`, once the request passed [`validate::properties`].
pub fn properties(request: &PropertiesRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let object_type = validate::properties(request)?;
    let mut path = PathBuilder::new(&version.prefix(Family::Properties)).segment(object_type.path_segment());
    if request.archived {
        path = path.query("archived", "true");
    }
    Ok(get(path.finish()))
}

/// The query a read and a listing share: the properties (the type's
/// defaults when none are named), those with history, the associated types
/// and the recycle-bin flag.
fn record_query(
    path: PathBuilder,
    types: &ReadTypes<'_>,
    properties: &[String],
    properties_with_history: &[String],
    archived: bool,
) -> PathBuilder {
    let associations: Vec<String> = types
        .associations
        .iter()
        .map(|object_type| object_type.path_segment().to_owned())
        .collect();
    let properties = properties_or_default(properties, types.object_type);
    let path = path
        .query_list("properties", &properties)
        .query_list("propertiesWithHistory", properties_with_history)
        .query_list("associations", &associations);
    if archived { path.query("archived", "true") } else { path }
}

/// One page of `GET {objects}/{type}`, once the request passed
/// [`validate::list`]: from `after` (the request's own cursor for the first
/// page), `page_size` records.
pub fn list_page(
    request: &ListRequest,
    version: ApiVersion,
    after: Option<&str>,
    page_size: Option<u32>,
) -> Result<HttpRequest, Error> {
    let types = validate::list(request)?;
    let mut path = record_query(
        objects_path(version, types.object_type),
        &types,
        &request.properties,
        &request.properties_with_history,
        request.archived,
    );
    if let Some(size) = page_size {
        path = path.query("limit", &size.to_string());
    }
    if let Some(after) = after {
        path = path.query("after", after);
    }
    Ok(get(path.finish()))
}

/// The first page of a listing: the caller's cursor and page size, or
/// HubSpot's largest page when the connector follows the cursor.
pub fn list(request: &ListRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let page_size = match request.max_results {
        Some(max) => Some(request.limit.unwrap_or(MAX_LIST_LIMIT).min(max)),
        None => request.limit,
    };
    list_page(request, version, request.after.as_deref(), page_size)
}

/// One page of `GET {owners}`, once the request passed [`validate::owners`].
pub fn owners_page(request: &OwnersRequest, version: ApiVersion, after: Option<&str>) -> Result<HttpRequest, Error> {
    validate::owners(request)?;
    let mut path = PathBuilder::new(&version.prefix(Family::Owners)).query("limit", &OWNERS_PAGE.to_string());
    if let Some(email) = &request.email {
        path = path.query("email", email);
    }
    if request.archived {
        path = path.query("archived", "true");
    }
    if let Some(after) = after {
        path = path.query("after", after);
    }
    Ok(get(path.finish()))
}

/// `GET {schemas}`: the account's custom object schemas, in one answer.
pub fn schemas(version: ApiVersion) -> HttpRequest {
    get(PathBuilder::new(&version.prefix(Family::Schemas)).finish())
}

/// `GET {properties}/{type}/{name}`: one property's definition.
pub fn property_definition(object_type: ObjectType<'_>, name: &str, version: ApiVersion) -> HttpRequest {
    get(PathBuilder::new(&version.prefix(Family::Properties))
        .segment(object_type.path_segment())
        .segment(name)
        .finish())
}

impl ActionRequest {
    /// Checks everything that can be checked without HubSpot and builds the
    /// HTTP request (the first, for the actions that page or look names up);
    /// `None` for the connection test, which makes its own.
    pub fn to_http(&self, version: ApiVersion) -> Result<Option<HttpRequest>, Error> {
        match self {
            Self::Create(request) => create(request, version),
            Self::Read(request) => read(request, version),
            Self::Update(request) => update(request, version),
            Self::Archive(request) => archive(request, version),
            Self::Search(request) => search(request, version),
            Self::GetPipelines(request) => pipelines(request, version),
            Self::GetPipelineStage(request) => stage(request, version),
            Self::GetProperties(request) => properties(request, version),
            Self::TestConnection => return Ok(None),
            Self::List(request) => list(request, version),
            Self::GetOwners(request) => owners_page(request, version, None),
            Self::GetObjectTypes => Ok(schemas(version)),
            Self::Associate(request) => crate::association::associate_first(request, version),
            Self::GetAssociations(request) => crate::association::associations_page(request, version, None),
            Self::RemoveAssociation(request) => crate::association::remove_first(request, version),
            Self::GetAssociationLabels(request) => crate::association::labels(request, version),
            Self::Batch(request) => crate::batch::plan_first(request, version),
        }
        .map(Some)
    }
}

fn get(path_and_query: String) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        path_and_query,
        body: None,
        repeatable: Repeatable::Yes,
    }
}

/// `{objects prefix}/{type}`, which every record path starts with.
pub fn objects_path(version: ApiVersion, object_type: ObjectType<'_>) -> PathBuilder {
    PathBuilder::new(&version.prefix(Family::Objects)).segment(object_type.path_segment())
}

fn pipelines_path(version: ApiVersion, object_type: ObjectType<'_>) -> PathBuilder {
    PathBuilder::new(&version.prefix(Family::Pipelines)).segment(object_type.path_segment())
}

/// Property values by name, in the order given (names are unique once validated).
pub(crate) fn properties_json(properties: &[(String, String)]) -> Value {
    // Inserted rather than collected, which would sort first: one more copy
    // of the stable sort in the component. A name given twice keeps its last
    // value either way.
    let mut object = Map::new();
    for (name, value) in properties {
        object.insert(name.clone(), Value::from(value.as_str()));
    }
    Value::Object(object)
}

pub(crate) fn associations_json(associations: &[AssociationInput]) -> Value {
    let list = associations
        .iter()
        .map(|association| {
            let types: Vec<Value> = association
                .types
                .iter()
                .map(|t| json!({ "associationCategory": t.category.name(), "associationTypeId": t.type_id }))
                .collect();
            json!({ "to": { "id": association.to_id }, "types": types })
        })
        .collect();
    Value::Array(list)
}

/// The properties to ask for: the caller's, exactly, or when it named none
/// the object type's defaults (an engagement's content).
pub(crate) fn properties_or_default(given: &[String], object_type: ObjectType<'_>) -> Vec<String> {
    if given.is_empty() {
        object_type
            .default_properties()
            .iter()
            .map(|&name| name.to_owned())
            .collect()
    } else {
        given.to_vec()
    }
}

/// The JSON body of a search, asking for `defaults` when the request names
/// no properties. Sorts always go as objects: HubSpot honours those, while
/// its handling of bare strings is undocumented.
fn search_body(request: &SearchRequest, defaults: &[&str]) -> Value {
    let mut body = Map::new();
    if !request.filter_groups.is_empty() {
        let groups: Vec<Value> = request
            .filter_groups
            .iter()
            .map(|filters| json!({ "filters": filters.iter().map(filter_json).collect::<Vec<_>>() }))
            .collect();
        body.insert("filterGroups".into(), Value::Array(groups));
    }
    if !request.sorts.is_empty() {
        let sorts: Vec<Value> = request
            .sorts
            .iter()
            .map(|sort| json!({ "propertyName": sort.property_name, "direction": sort.direction.name() }))
            .collect();
        body.insert("sorts".into(), Value::Array(sorts));
    }
    if let Some(query) = &request.query {
        body.insert("query".into(), Value::from(query.as_str()));
    }
    if !request.properties.is_empty() {
        body.insert("properties".into(), json!(request.properties));
    } else if !defaults.is_empty() {
        body.insert("properties".into(), json!(defaults));
    }
    if let Some(limit) = request.limit {
        body.insert("limit".into(), Value::from(limit));
    }
    if let Some(after) = &request.after {
        body.insert("after".into(), Value::from(after.as_str()));
    }
    Value::Object(body)
}

fn filter_json(filter: &Filter) -> Value {
    let mut object = Map::new();
    object.insert("propertyName".into(), Value::from(filter.property_name.as_str()));
    object.insert("operator".into(), Value::from(filter.operator.name()));
    match &filter.operand {
        Operand::None => {}
        Operand::Value(value) => {
            object.insert("value".into(), Value::from(value.as_str()));
        }
        Operand::Range { low, high } => {
            object.insert("value".into(), Value::from(low.as_str()));
            object.insert("highValue".into(), Value::from(high.as_str()));
        }
        Operand::Values(values) => {
            object.insert("values".into(), json!(values));
        }
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Operator, Sort, SortDirection};

    fn http(request: ActionRequest) -> HttpRequest {
        request.to_http(ApiVersion::default()).unwrap().unwrap()
    }

    #[test]
    fn read_puts_every_option_in_the_query() {
        let request = http(ActionRequest::Read(ReadRequest {
            object_type: "deals".into(),
            record_id: "98765432".into(),
            properties: vec!["dealname".into(), "amount".into()],
            properties_with_history: vec!["dealstage".into()],
            associations: vec!["contacts".into(), "lineItems".into()],
            archived: true,
            id_property: None,
        }));
        assert_eq!(request.method, Method::Get);
        assert_eq!(
            request.path_and_query,
            "/crm/objects/2026-09/deals/98765432?properties=dealname&properties=amount\
             &propertiesWithHistory=dealstage&associations=contacts&associations=line_items&archived=true"
        );
    }

    #[test]
    fn update_by_email_encodes_the_id_and_names_the_id_property() {
        let request = http(ActionRequest::Update(UpdateRequest {
            object_type: "contacts".into(),
            record_id: "jane+crm@example.com".into(),
            properties: vec![("lifecyclestage".into(), "customer".into())],
            id_property: Some("email".into()),
        }));
        assert_eq!(request.method, Method::Patch);
        assert_eq!(
            request.path_and_query,
            "/crm/objects/2026-09/contacts/jane%2Bcrm%40example.com?idProperty=email"
        );
        assert_eq!(
            request.body,
            Some(br#"{"properties":{"lifecyclestage":"customer"}}"#.to_vec())
        );
    }

    #[test]
    fn create_is_repeatable_only_if_unprocessed() {
        let request = http(ActionRequest::Create(CreateRequest {
            object_type: "postalMails".into(),
            properties: vec![("hs_timestamp".into(), "2025-01-01T00:00:00Z".into())],
            associations: Vec::new(),
        }));
        assert_eq!(request.path_and_query, "/crm/objects/2026-09/postal_mail");
        assert_eq!(request.repeatable, Repeatable::OnlyIfUnprocessed);
        assert_eq!(
            request.body,
            Some(br#"{"properties":{"hs_timestamp":"2025-01-01T00:00:00Z"}}"#.to_vec())
        );
    }

    #[test]
    fn search_goes_to_the_search_path() {
        let request = http(ActionRequest::Search(SearchRequest {
            object_type: "0-3".into(),
            ..SearchRequest::default()
        }));
        assert_eq!(
            (request.method, request.path_and_query.as_str()),
            (Method::Post, "/crm/objects/2026-09/deals/search")
        );
        assert_eq!(request.repeatable, Repeatable::Yes);
    }

    #[test]
    fn discovery_paths() {
        let stage = http(ActionRequest::GetPipelineStage(StageRequest {
            object_type: "tickets".into(),
            pipeline_id: "support-pipeline".into(),
            stage_id: "in progress/1".into(),
        }));
        assert_eq!(
            stage.path_and_query,
            "/crm/pipelines/2026-09/tickets/support-pipeline/stages/in%20progress%2F1"
        );
        let properties = http(ActionRequest::GetProperties(PropertiesRequest {
            object_type: "companies".into(),
            archived: true,
            query: Some("phone".into()),
            compact: true,
        }));
        assert_eq!(
            properties.path_and_query,
            "/crm/properties/2026-09/companies?archived=true"
        );
        let pipelines = http(ActionRequest::GetPipelines(PipelinesRequest {
            object_type: "deals".into(),
        }));
        assert_eq!(pipelines.path_and_query, "/crm/pipelines/2026-09/deals");
    }

    #[test]
    fn between_sends_value_and_high_value() {
        let request = SearchRequest {
            object_type: "deals".into(),
            filter_groups: vec![vec![Filter {
                property_name: "amount".into(),
                operator: Operator::Between,
                operand: Operand::Range {
                    low: "10000".into(),
                    high: "100000".into(),
                },
            }]],
            sorts: vec![Sort {
                property_name: "amount".into(),
                direction: SortDirection::Ascending,
            }],
            limit: Some(25),
            after: Some("0".into()),
            ..SearchRequest::default()
        };
        assert_eq!(
            search_body(&request, &[]),
            json!({
                "filterGroups": [{"filters": [{"propertyName": "amount", "operator": "BETWEEN", "value": "10000", "highValue": "100000"}]}],
                "sorts": [{"propertyName": "amount", "direction": "ASCENDING"}],
                "limit": 25,
                "after": "0"
            })
        );
    }

    #[test]
    fn an_empty_search_sends_an_empty_object() {
        assert_eq!(search_body(&SearchRequest::default(), &[]), json!({}));
    }

    #[test]
    fn engagements_read_without_properties_ask_for_their_content() {
        let read = |properties: Vec<String>| {
            http(ActionRequest::Read(ReadRequest {
                object_type: "notes".into(),
                record_id: "7".into(),
                properties,
                ..ReadRequest::default()
            }))
            .path_and_query
        };
        assert_eq!(
            read(Vec::new()),
            "/crm/objects/2026-09/notes/7?properties=hs_note_body&properties=hs_timestamp"
        );
        // An explicit list means exactly that list.
        assert_eq!(
            read(vec!["hs_createdate".into()]),
            "/crm/objects/2026-09/notes/7?properties=hs_createdate"
        );
        let contact = http(ActionRequest::Read(ReadRequest {
            object_type: "contacts".into(),
            record_id: "7".into(),
            ..ReadRequest::default()
        }));
        assert_eq!(contact.path_and_query, "/crm/objects/2026-09/contacts/7");
    }

    #[test]
    fn engagements_listed_without_properties_ask_for_their_content() {
        let listed = http(ActionRequest::List(ListRequest {
            object_type: "postalMails".into(),
            limit: Some(5),
            ..ListRequest::default()
        }));
        assert_eq!(
            listed.path_and_query,
            "/crm/objects/2026-09/postal_mail?properties=hs_postal_mail_body&properties=hs_timestamp&limit=5"
        );
        let chosen = http(ActionRequest::List(ListRequest {
            object_type: "postalMails".into(),
            properties: vec!["hs_createdate".into()],
            ..ListRequest::default()
        }));
        assert_eq!(
            chosen.path_and_query,
            "/crm/objects/2026-09/postal_mail?properties=hs_createdate"
        );
    }

    #[test]
    fn engagements_searched_without_properties_ask_for_their_content() {
        let body = |request: SearchRequest| {
            let sent = http(ActionRequest::Search(request)).body.unwrap();
            serde_json::from_slice::<Value>(&sent).unwrap()
        };
        let emails = SearchRequest {
            object_type: "emails".into(),
            ..SearchRequest::default()
        };
        assert_eq!(
            body(emails.clone()),
            json!({"properties": ["hs_email_subject", "hs_email_text", "hs_email_direction", "hs_timestamp"]})
        );
        let chosen = SearchRequest {
            properties: vec!["hs_email_subject".into()],
            ..emails
        };
        assert_eq!(body(chosen), json!({"properties": ["hs_email_subject"]}));
        let deals = SearchRequest {
            object_type: "deals".into(),
            ..SearchRequest::default()
        };
        assert_eq!(body(deals), json!({}));
    }

    #[test]
    fn in_sends_values_and_has_property_sends_no_operand() {
        let filters = [
            Filter {
                property_name: "dealstage".into(),
                operator: Operator::In,
                operand: Operand::Values(vec!["a".into(), "b".into()]),
            },
            Filter {
                property_name: "email".into(),
                operator: Operator::HasProperty,
                operand: Operand::None,
            },
        ];
        assert_eq!(
            filter_json(&filters[0]),
            json!({"propertyName": "dealstage", "operator": "IN", "values": ["a", "b"]})
        );
        assert_eq!(
            filter_json(&filters[1]),
            json!({"propertyName": "email", "operator": "HAS_PROPERTY"})
        );
    }
}
