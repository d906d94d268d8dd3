//! One entry point per action, shared by `tool.invoke` and the `crm` functions:
//! check and plan the request, resolve what only the account knows (custom
//! objects by name, owners by e-mail), then send it and decode the answer as `D`.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::action::Action;
use crate::answer::{Decode, Keyed, Page, Paged, PropertyDefinition, PropertyList, SearchResults};
use crate::api_version::ApiVersion;
use crate::association::{
    self, AssociateRequest, AssociationLabelsRequest, AssociationWrite, AssociationsRequest, RemoveAssociationRequest,
};
use crate::client::Client;
use crate::connection::Connection;
use crate::connection_test::{self, ConnectionReport};
use crate::dry_run::WritePreview;
use crate::entity::ObjectType;
use crate::error::Error;
use crate::http::HttpRequest;
use crate::input_path::{Field, InputPath, PropertyPart};
use crate::labels;
use crate::limits::{MAX_ASSOCIATIONS_READ, MAX_LIST_LIMIT, MAX_OWNERS, SEARCH_PAGE_GAP};
use crate::lookup::{Collected, Lookups, Pager};
use crate::object_types::{self, ObjectTypeInfo};
use crate::plan;
use crate::property_search::{self, PropertyText};
use crate::request::{
    ArchiveRequest, CreateRequest, ListRequest, OwnersRequest, PipelinesRequest, PropertiesRequest, ReadRequest,
    StageRequest, UpdateRequest,
};
use crate::retry::RetryPolicy;
use crate::search::{SearchCursor, SearchRequest};
use crate::transport::Transport;

/// Creates a record; HubSpot answers with it. Dropdown and stage values
/// given by label are written as their internal values (see [`write`]).
pub fn create<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &CreateRequest,
) -> Result<D, Error> {
    write(transport, connection, request, plan::create)
}

/// Reads a record.
pub fn read<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &ReadRequest,
) -> Result<D, Error> {
    send(transport, connection, request, plan::read)
}

/// Updates a record; HubSpot answers with it. Dropdown and stage values
/// given by label are written as their internal values (see [`write`]).
pub fn update<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &UpdateRequest,
) -> Result<D, Error> {
    write(transport, connection, request, plan::update)
}

/// Archives a record; HubSpot answers 204 with no body.
pub fn archive<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &ArchiveRequest,
) -> Result<(), Error> {
    send(transport, connection, request, plan::archive)
}

/// Searches records; HubSpot answers with one page.
pub fn search<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &SearchRequest,
) -> Result<D, Error> {
    send(transport, connection, request, plan::search)
}

/// Searches page after page up to the request's `max_results` (one page
/// without it): by HubSpot's `after` while within its first 10,000 results,
/// by `hs_object_id` past them ([`SearchRequest::page`]), each request at
/// least [`SEARCH_PAGE_GAP`] after the previous answer so that the search
/// stays within HubSpot's per-second limit. The cursor handed back is
/// HubSpot's `after`; keyset paging has none to give.
pub fn search_pages<T: Transport, R: DeserializeOwned + Keyed>(
    transport: &mut T,
    connection: &Connection,
    request: &SearchRequest,
) -> Result<Collected<R>, Error> {
    let (mut lookups, first) = begin(transport, connection, &|version| plan::search(request, version))?;
    let version = lookups.version();
    let resolved = resolve(&mut lookups, request)?;
    let request = resolved.as_ref().unwrap_or(request);
    let Some(max) = request.max_results else {
        let first = match &resolved {
            Some(resolved) => plan::search(resolved, version)?,
            None => first,
        };
        let page: SearchResults<R> = lookups.send(&first)?;
        return Ok(Collected {
            next_after: page.next_after().map(str::to_owned),
            total: Some(page.total),
            results: page.results,
            pages: 1,
        });
    };
    let keyset = request.needs_keyset();
    let collected = lookups.collect_pages::<SearchResults<R>, SearchCursor>(
        None,
        max as usize,
        Pager {
            page: |cursor: Option<&SearchCursor>, wanted: usize| {
                let wanted = u32::try_from(wanted).unwrap_or(u32::MAX);
                plan::search_page(request, version, cursor, Some(plan::search_page_size(request, wanted)))
            },
            next: |answer: &SearchResults<R>| {
                let after = answer.next_after()?;
                if keyset {
                    answer.results.last()?.record_id().map(SearchCursor::AboveId)
                } else {
                    Some(SearchCursor::After(after.to_owned()))
                }
            },
            gap: Some(SEARCH_PAGE_GAP),
        },
    )?;
    Ok(Collected {
        results: collected.results,
        next_after: match collected.next_after {
            Some(SearchCursor::After(after)) => Some(after),
            Some(SearchCursor::AboveId(_)) | None => None,
        },
        pages: collected.pages,
        total: collected.total,
    })
}

/// Lists an object type's pipelines with their stages.
pub fn get_pipelines<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &PipelinesRequest,
) -> Result<D, Error> {
    send(transport, connection, request, plan::pipelines)
}

/// Reads one pipeline stage.
pub fn get_pipeline_stage<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &StageRequest,
) -> Result<D, Error> {
    send(transport, connection, request, plan::stage)
}

/// Lists an object type's property definitions as HubSpot's JSON, narrowed
/// to the request's query and made compact when it asks.
pub fn get_properties_json<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &PropertiesRequest,
) -> Result<String, Error> {
    let Page { results, .. } = send::<_, _, Page<serde_json::Value>>(transport, connection, request, plan::properties)?;
    Ok(property_search::narrow(
        results,
        request.query.as_deref(),
        request.compact,
    ))
}

/// Lists an object type's property definitions, the query's best matches first.
pub fn get_properties<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &PropertiesRequest,
) -> Result<Vec<PropertyDefinition>, Error> {
    let PropertyList { results } = send(transport, connection, request, plan::properties)?;
    Ok(property_search::select(
        results,
        request.query.as_deref(),
        |definition| PropertyText {
            name: &definition.name,
            label: &definition.label,
            description: &definition.description,
            group: &definition.group_name,
        },
    ))
}

/// Lists records in HubSpot's order: one page, or page after page up to
/// `max_results` (the list endpoint has neither search's 10,000-result cap
/// nor its rate limit).
pub fn list<T: Transport, R: DeserializeOwned>(
    transport: &mut T,
    connection: &Connection,
    request: &ListRequest,
) -> Result<Collected<R>, Error> {
    let (mut lookups, first) = begin(transport, connection, &|version| plan::list(request, version))?;
    let version = lookups.version();
    let resolved = resolve(&mut lookups, request)?;
    let request = resolved.as_ref().unwrap_or(request);
    let Some(max) = request.max_results else {
        let first = match &resolved {
            Some(resolved) => plan::list(resolved, version)?,
            None => first,
        };
        let page: Page<R> = lookups.send(&first)?;
        let next_after = page.next_after().map(str::to_owned);
        return Ok(Collected {
            results: page.results,
            next_after,
            pages: 1,
            total: None,
        });
    };
    let page_size = request.limit.unwrap_or(MAX_LIST_LIMIT);
    lookups.collect(request.after.clone(), max as usize, |after, wanted| {
        let size = u32::try_from(wanted).map_or(page_size, |wanted| wanted.min(page_size));
        plan::list_page(request, version, after, Some(size))
    })
}

/// The account's owners, every page (up to the connector's cap).
pub fn get_owners<T: Transport, R: DeserializeOwned>(
    transport: &mut T,
    connection: &Connection,
    request: &OwnersRequest,
) -> Result<Collected<R>, Error> {
    let (mut lookups, _) = begin(transport, connection, &|version| {
        plan::owners_page(request, version, None)
    })?;
    let version = lookups.version();
    lookups.collect(None, MAX_OWNERS, |after, _| plan::owners_page(request, version, after))
}

/// HubSpot's standard object types and the account's custom objects.
pub fn get_object_types<T: Transport>(
    transport: &mut T,
    connection: &Connection,
) -> Result<Vec<ObjectTypeInfo>, Error> {
    let (mut lookups, _) = begin(transport, connection, &|version| Ok(plan::schemas(version)))?;
    Ok(object_types::all(lookups.schemas()?))
}

/// Associates two records: with HubSpot's default association, a type id,
/// or a label given by name (resolved through the pair's labels, one GET;
/// an unknown or ambiguous label is invalid input and nothing is written).
pub fn associate<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &AssociateRequest,
) -> Result<D, Error> {
    let (mut lookups, _) = begin(transport, connection, &|version| {
        association::associate_first(request, version)
    })?;
    let resolved = resolve(&mut lookups, request)?;
    let request = resolved.as_ref().unwrap_or(request);
    let http = association::plan_associate(&mut lookups, request)?.map_err(association::Unresolved::into_error)?;
    lookups.send(&http)
}

/// A record's associations to an object type with their labels, every page
/// (up to [`MAX_ASSOCIATIONS_READ`]), each as HubSpot sent it; see
/// [`association`] for the request each version reads them with.
pub fn get_associations<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &AssociationsRequest,
) -> Result<Collected<Box<RawValue>>, Error> {
    let (mut lookups, _) = begin(transport, connection, &|version| {
        association::associations_page(request, version, None)
    })?;
    let version = lookups.version();
    let resolved = resolve(&mut lookups, request)?;
    let request = resolved.as_ref().unwrap_or(request);
    let page =
        |after: Option<&String>, _: usize| association::associations_page(request, version, after.map(String::as_str));
    if version.reads_record_associations {
        lookups.collect_pages::<Page<Box<RawValue>>, String>(
            None,
            MAX_ASSOCIATIONS_READ,
            Pager {
                page,
                next: |answer: &Page<Box<RawValue>>| answer.next_after().map(str::to_owned),
                gap: None,
            },
        )
    } else {
        lookups.collect_pages::<association::BatchAssociations, String>(
            None,
            MAX_ASSOCIATIONS_READ,
            Pager {
                page,
                next: |answer: &association::BatchAssociations| answer.next_after().map(str::to_owned),
                gap: None,
            },
        )
    }
}

/// Removes every association between two records, or only the one label
/// given (resolved like [`associate`]'s); HubSpot answers with no record.
pub fn remove_association<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &RemoveAssociationRequest,
) -> Result<(), Error> {
    let (mut lookups, _) = begin(transport, connection, &|version| {
        association::remove_first(request, version)
    })?;
    let resolved = resolve(&mut lookups, request)?;
    let request = resolved.as_ref().unwrap_or(request);
    let http = association::plan_remove(&mut lookups, request)?.map_err(association::Unresolved::into_error)?;
    lookups.send(&http)
}

/// The association types and labels HubSpot defines from one object type to another.
pub fn get_association_labels<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &AssociationLabelsRequest,
) -> Result<D, Error> {
    send(transport, connection, request, association::labels)
}

/// Plans an associate or a removal without sending it: custom object names
/// and the label are resolved (reads); an unknown label is a problem.
pub fn preview_association<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &AssociationWrite,
) -> Result<WritePreview, Error> {
    let planned = match request {
        AssociationWrite::Associate(request) => {
            let (mut lookups, _) = begin(transport, connection, &|version| {
                association::associate_first(request, version)
            })?;
            let resolved = resolve(&mut lookups, request)?;
            association::plan_associate(&mut lookups, resolved.as_ref().unwrap_or(request))?
        }
        AssociationWrite::Remove(request) => {
            let (mut lookups, _) = begin(transport, connection, &|version| {
                association::remove_first(request, version)
            })?;
            let resolved = resolve(&mut lookups, request)?;
            association::plan_remove(&mut lookups, resolved.as_ref().unwrap_or(request))?
        }
    };
    Ok(association::preview_plan(planned))
}

/// Checks the credential and reports what it may read and write; see
/// [`connection_test`] for the requests it makes.
pub fn test_connection<T: Transport>(transport: &mut T, connection: &Connection) -> Result<ConnectionReport, Error> {
    let mut client = Client::new(transport, connection, RetryPolicy::default())?;
    connection_test::test_connection(&mut client)
}

/// Plans the request for the connection's API version, resolves the names
/// in it, and sends it under the default policy; the client decodes the
/// answer inside its retry loop.
fn send<T: Transport, R: Resolvable, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &R,
    plan: fn(&R, ApiVersion) -> Result<HttpRequest, Error>,
) -> Result<D, Error> {
    let (mut lookups, first) = begin(transport, connection, &|version| plan(request, version))?;
    let http = match resolve(&mut lookups, request)? {
        Some(resolved) => plan(&resolved, lookups.version())?,
        None => first,
    };
    lookups.send(&http)
}

/// Sends a write like [`send`]; when HubSpot refuses it with
/// `INVALID_OPTION` and every refused value is exactly one option's label,
/// sends it once more with those options' internal values. A value that is
/// already right costs nothing more. Sending a create again is safe here:
/// HubSpot answered the first with a 400, so nothing was created. When the
/// labels cannot be matched, or looking them up fails, HubSpot's refusal
/// stands, with its allowed values.
fn write<T: Transport, R: Resolvable, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &R,
    plan: fn(&R, ApiVersion) -> Result<HttpRequest, Error>,
) -> Result<D, Error> {
    let (mut lookups, first) = begin(transport, connection, &|version| plan(request, version))?;
    let (mut request, http) = match resolve(&mut lookups, request)? {
        Some(resolved) => {
            let http = plan(&resolved, lookups.version())?;
            (resolved, http)
        }
        None => (request.clone(), first),
    };
    let (detail, problems) = match lookups.send(&http) {
        Err(Error::Validation { detail, problems }) => (detail, problems),
        other => return other,
    };
    let Some((object_type, written)) = request.written() else {
        return Err(Error::Validation { detail, problems });
    };
    // Checked before anything was sent, and resolved above.
    let Ok(object_type) = ObjectType::parse(object_type) else {
        return Err(Error::Validation { detail, problems });
    };
    let replacements = match labels::internal_values(&mut lookups, object_type, written, &detail.body, &problems) {
        Ok(Some(replacements)) => replacements,
        Ok(None) | Err(_) => return Err(Error::Validation { detail, problems }),
    };
    for (index, value) in replacements {
        if let Some((_, written_value)) = written.get_mut(index) {
            *written_value = value;
        }
    }
    let http = plan(&request, lookups.version())?;
    lookups.send(&http)
}

/// Checks and plans the request, then the connection; the plan is the
/// request to send when nothing in it needs resolving.
///
/// The input is checked before the connection, so that a caller fixes its
/// input first and bad input never costs a request. Until the connection is
/// checked the plan uses the default version; a connection naming an unknown
/// version then fails its check, and nothing is sent.
///
/// `plan` is behind a reference so that the component has one copy of this
/// whatever the request.
pub(crate) fn begin<'t, T: Transport>(
    transport: &'t mut T,
    connection: &Connection,
    plan: &dyn Fn(ApiVersion) -> Result<HttpRequest, Error>,
) -> Result<(Lookups<'t, T>, HttpRequest), Error> {
    let version = ApiVersion::from_connection(connection.api_version.as_deref()).unwrap_or_default();
    let first = plan(version)?;
    Ok((connect(transport, connection, version)?, first))
}

/// The call's client, once the connection is checked.
pub(crate) fn connect<'t, T: Transport>(
    transport: &'t mut T,
    connection: &Connection,
    version: ApiVersion,
) -> Result<Lookups<'t, T>, Error> {
    let client = Client::new(transport, connection, RetryPolicy::default())?;
    Ok(Lookups::new(client, version))
}

/// The request with custom object names turned into type ids and owners
/// given by e-mail or name into owner ids; `None` when nothing needed it.
pub(crate) fn resolve<T: Transport, R: Resolvable>(
    lookups: &mut Lookups<'_, T>,
    request: &R,
) -> Result<Option<R>, Error> {
    let mut resolved = request.clone();
    let mut changed = resolve_object_types(lookups, resolved.object_types())?;
    if let Some((object_type, properties)) = resolved.written() {
        changed |= resolve_owners(
            lookups,
            object_type,
            properties,
            &InputPath::root().field(Field::Properties),
        )?;
    }
    Ok(changed.then_some(resolved))
}

/// Turns each custom object name into its type id; whether any was one.
pub(crate) fn resolve_object_types<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    object_types: Vec<(InputPath, &mut String)>,
) -> Result<bool, Error> {
    let mut changed = false;
    for (path, object_type) in object_types {
        if let Ok(ObjectType::Named(name)) = ObjectType::parse(object_type) {
            let name = name.to_owned();
            *object_type = lookups.custom_type_id(&name, &path)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Turns each owner given by e-mail or name into the owner's id; whether
/// any was one.
pub(crate) fn resolve_owners<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    object_type: &str,
    properties: &mut [(String, String)],
    at: &InputPath,
) -> Result<bool, Error> {
    // Checked before anything was sent, and resolved above.
    let Ok(object_type) = ObjectType::parse(object_type) else {
        return Ok(false);
    };
    let mut changed = false;
    for (index, (name, value)) in properties.iter_mut().enumerate() {
        if names_an_owner(value) && lookups.is_owner_property(object_type, name)? {
            *value = lookups.owner_id(value, &at.property(index, name, PropertyPart::Value))?;
            changed = true;
        }
    }
    Ok(changed)
}

/// A value an owner property takes only after resolution: not empty, not an id.
fn names_an_owner(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty() && !value.bytes().all(|b| b.is_ascii_digit())
}

/// A request that may name what only the account can resolve.
pub(crate) trait Resolvable: Clone {
    /// The object types it names, each with where it is in the input.
    fn object_types(&mut self) -> Vec<(InputPath, &mut String)>;

    /// The property values it writes, with their object type.
    fn written(&mut self) -> Option<(&str, &mut [(String, String)])> {
        None
    }
}

/// The request's own object type, at the action's object type member.
macro_rules! names_one_object_type {
    ($($request:ty => $action:expr),* $(,)?) => {$(
        impl Resolvable for $request {
            fn object_types(&mut self) -> Vec<(InputPath, &mut String)> {
                vec![($action.object_type_path(), &mut self.object_type)]
            }
        }
    )*};
}

names_one_object_type! {
    ArchiveRequest => Action::Archive,
    SearchRequest => Action::Search,
    PipelinesRequest => Action::GetPipelines,
    StageRequest => Action::GetPipelineStage,
    PropertiesRequest => Action::GetProperties,
}

impl Resolvable for CreateRequest {
    fn object_types(&mut self) -> Vec<(InputPath, &mut String)> {
        vec![(Action::Create.object_type_path(), &mut self.object_type)]
    }

    fn written(&mut self) -> Option<(&str, &mut [(String, String)])> {
        Some((&self.object_type, &mut self.properties))
    }
}

impl Resolvable for UpdateRequest {
    fn object_types(&mut self) -> Vec<(InputPath, &mut String)> {
        vec![(Action::Update.object_type_path(), &mut self.object_type)]
    }

    fn written(&mut self) -> Option<(&str, &mut [(String, String)])> {
        Some((&self.object_type, &mut self.properties))
    }
}

impl Resolvable for ReadRequest {
    fn object_types(&mut self) -> Vec<(InputPath, &mut String)> {
        with_associations(Action::Read, &mut self.object_type, &mut self.associations)
    }
}

impl Resolvable for ListRequest {
    fn object_types(&mut self) -> Vec<(InputPath, &mut String)> {
        with_associations(Action::List, &mut self.object_type, &mut self.associations)
    }
}

/// An association's two object types, each at its member.
macro_rules! names_both_ends {
    ($($request:ty => $action:expr),* $(,)?) => {$(
        impl Resolvable for $request {
            fn object_types(&mut self) -> Vec<(InputPath, &mut String)> {
                vec![
                    ($action.object_type_path(), &mut self.object_type),
                    (InputPath::root().field(Field::ToEntity), &mut self.to_object_type),
                ]
            }
        }
    )*};
}

names_both_ends! {
    AssociateRequest => Action::Associate,
    AssociationsRequest => Action::GetAssociations,
    RemoveAssociationRequest => Action::RemoveAssociation,
    AssociationLabelsRequest => Action::GetAssociationLabels,
}

/// A record's type and the associated types to return with it.
fn with_associations<'r>(
    action: Action,
    object_type: &'r mut String,
    associations: &'r mut [String],
) -> Vec<(InputPath, &'r mut String)> {
    let at = InputPath::root().field(Field::Associations);
    let mut types = vec![(action.object_type_path(), object_type)];
    types.extend(
        associations
            .iter_mut()
            .enumerate()
            .map(|(index, name)| (at.index(index), name)),
    );
    types
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{CrmRecord, Json, PipelineList};
    use crate::client::tests::{Scripted, WRONG_SHAPE, connection, json, malformed};
    use crate::http::{HttpResponse, Method};
    use crate::input_path::Vocabulary;
    use crate::search::Filter;

    fn read_request() -> ReadRequest {
        ReadRequest {
            object_type: "contacts".into(),
            record_id: "51".into(),
            ..ReadRequest::default()
        }
    }

    #[test]
    fn a_typed_read_of_the_wrong_shape_after_a_503_reports_every_attempt_and_the_status() {
        let mut answers = vec![Ok(json(503, "{}"))];
        answers.extend(vec![Ok(json(200, WRONG_SHAPE)); 3]);
        let mut transport = Scripted::answering(answers);
        let result = read::<_, CrmRecord>(&mut transport, &connection(), &read_request());
        assert_eq!(malformed(result), (Some(200), 4));
        assert_eq!(transport.sent.len(), 4);
    }

    #[test]
    fn a_typed_create_of_the_wrong_shape_is_not_sent_again() {
        let mut transport = Scripted::answering(vec![Ok(json(201, WRONG_SHAPE))]);
        let request = CreateRequest {
            object_type: "contacts".into(),
            properties: vec![("email".into(), "jane@example.com".into())],
            associations: Vec::new(),
        };
        let result = create::<_, CrmRecord>(&mut transport, &connection(), &request);
        assert_eq!(malformed(result), (Some(201), 1));
        assert_eq!(transport.sent.len(), 1);
    }

    #[test]
    fn the_raw_answer_is_the_body_as_received() {
        let body = r#"{"results":[{"id":"default","label":"Sales","stages":[]}]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, body))]);
        let request = PipelinesRequest {
            object_type: "deals".into(),
        };
        let answer = get_pipelines::<_, Json>(&mut transport, &connection(), &request);
        assert_eq!(answer, Ok(Json(body.to_owned())));
        assert_eq!(transport.sent[0].0, Method::Get);
        // The same answer lacks what a typed pipeline needs.
        let mut transport = Scripted::answering(vec![Ok(json(200, body)); 4]);
        let typed = get_pipelines::<_, PipelineList>(&mut transport, &connection(), &request);
        assert_eq!(malformed(typed), (Some(200), 4));
    }

    #[test]
    fn an_archive_reads_no_answer() {
        let mut transport = Scripted::answering(vec![Ok(HttpResponse {
            status: 204,
            ..HttpResponse::default()
        })]);
        let request = ArchiveRequest {
            object_type: "deals".into(),
            record_id: "98765432".into(),
        };
        assert_eq!(archive(&mut transport, &connection(), &request), Ok(()));
        assert_eq!(transport.sent[0].0, Method::Delete);
    }

    #[test]
    fn bad_input_is_refused_before_the_connection_is_checked() {
        let mut transport = Scripted::default();
        let bad_token = Connection {
            access_token: "a b".into(),
            api_base: None,
            api_version: None,
        };
        let no_id = ReadRequest {
            object_type: "contacts".into(),
            ..ReadRequest::default()
        };
        match read::<_, Json>(&mut transport, &bad_token, &no_id) {
            Err(Error::InvalidInput(problem)) => assert_eq!(problem.path_in(Vocabulary::Json), "entityId"),
            other => panic!("{other:?}"),
        }
        assert!(transport.sent.is_empty());
    }

    #[test]
    fn every_request_takes_the_paths_of_the_connection_s_version() {
        for (version, expected) in [
            (None, "http://127.0.0.1:9/crm/objects/2026-09/contacts/51"),
            (Some("2026-03"), "http://127.0.0.1:9/crm/objects/2026-03/contacts/51"),
            (Some("v3"), "http://127.0.0.1:9/crm/v3/objects/contacts/51"),
        ] {
            let mut transport = Scripted::answering(vec![Ok(json(200, r#"{"id":"51"}"#))]);
            let connection = Connection {
                api_version: version.map(Into::into),
                ..connection()
            };
            let answer = read::<_, Json>(&mut transport, &connection, &read_request());
            assert!(answer.is_ok(), "{version:?}: {answer:?}");
            assert_eq!(transport.sent[0].1, expected);
        }
    }

    #[test]
    fn an_unknown_version_is_refused_after_the_input_and_sends_nothing() {
        let mut transport = Scripted::default();
        let future = Connection {
            api_version: Some("2099-01".into()),
            ..connection()
        };
        match read::<_, Json>(&mut transport, &future, &read_request()) {
            Err(Error::InvalidInput(problem)) => {
                assert_eq!(problem.path_in(Vocabulary::Json), "connection.apiVersion");
                assert!(problem.message.contains("2026-09, 2026-03, v3"), "{}", problem.message);
            }
            other => panic!("{other:?}"),
        }
        let no_id = ReadRequest {
            object_type: "contacts".into(),
            ..ReadRequest::default()
        };
        match read::<_, Json>(&mut transport, &future, &no_id) {
            Err(Error::InvalidInput(problem)) => assert_eq!(problem.path_in(Vocabulary::Json), "entityId"),
            other => panic!("{other:?}"),
        }
        assert!(transport.sent.is_empty());
    }

    const SCHEMAS: &str = r#"{"results":[{"name":"pets","fullyQualifiedName":"p1_pets","objectTypeId":"2-3604285",
        "labels":{"singular":"Pet","plural":"Pets"},"requiredProperties":["pet_name"],"archived":false}]}"#;
    const BASE: &str = "http://127.0.0.1:9";

    fn urls(transport: &Scripted) -> Vec<String> {
        transport
            .sent
            .iter()
            .map(|sent| sent.1.trim_start_matches(BASE).to_owned())
            .collect()
    }

    #[test]
    fn a_custom_object_named_by_name_is_read_by_its_type_id_after_one_schema_lookup() {
        let mut transport = Scripted::answering(vec![Ok(json(200, SCHEMAS)), Ok(json(200, r#"{"id":"7"}"#))]);
        let request = ReadRequest {
            object_type: "Pets".into(),
            record_id: "7".into(),
            associations: vec!["pets".into(), "contacts".into()],
            ..ReadRequest::default()
        };
        let answer = read::<_, Json>(&mut transport, &connection(), &request);
        assert_eq!(answer, Ok(Json(r#"{"id":"7"}"#.into())));
        assert_eq!(
            urls(&transport),
            [
                "/crm-object-schemas/2026-09/schemas",
                "/crm/objects/2026-09/2-3604285/7?associations=2-3604285&associations=contacts",
            ]
        );
    }

    #[test]
    fn an_unknown_custom_object_lists_the_account_s_and_sends_nothing_to_its_path() {
        let mut transport = Scripted::answering(vec![Ok(json(200, SCHEMAS))]);
        let request = SearchRequest {
            object_type: "cars".into(),
            ..SearchRequest::default()
        };
        match search::<_, Json>(&mut transport, &connection(), &request) {
            Err(Error::InvalidInput(problem)) => {
                assert_eq!(problem.path_in(Vocabulary::Json), "entity");
                assert!(problem.message.contains("pets (2-3604285)"), "{}", problem.message);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(urls(&transport), ["/crm-object-schemas/2026-09/schemas"]);
    }

    const OWNERS: &str = r#"{"results":[
        {"id":"11","email":"jade.chen@example.com","firstName":"Jade","lastName":"Chen","archived":false},
        {"id":"14","email":"jade.chan@example.com","firstName":"Jade","lastName":"Chan","archived":false}]}"#;

    fn deal_owned_by(owner: &str) -> UpdateRequest {
        UpdateRequest {
            object_type: "deals".into(),
            record_id: "5".into(),
            properties: vec![
                ("dealname".into(), "x@example.com".into()),
                ("hubspot_owner_id".into(), owner.into()),
            ],
            id_property: None,
        }
    }

    #[test]
    fn an_owner_given_by_e_mail_is_written_as_the_owner_s_id() {
        let one = r#"{"results":[{"id":"11","email":"jade.chen@example.com","archived":false}]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, one)), Ok(json(200, r#"{"id":"5"}"#))]);
        let answer = update::<_, Json>(&mut transport, &connection(), &deal_owned_by("Jade.Chen@example.com"));
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(
            urls(&transport),
            [
                "/crm/owners/2026-09?limit=100&email=Jade.Chen%40example.com",
                "/crm/objects/2026-09/deals/5"
            ]
        );
        assert_eq!(
            transport.sent[1].3.as_deref(),
            Some(r#"{"properties":{"dealname":"x@example.com","hubspot_owner_id":"11"}}"#)
        );
    }

    #[test]
    fn an_owner_given_by_full_name_is_found_among_all_owners() {
        let mut transport = Scripted::answering(vec![Ok(json(200, OWNERS)), Ok(json(200, r#"{"id":"5"}"#))]);
        let answer = update::<_, Json>(&mut transport, &connection(), &deal_owned_by("jade chan"));
        assert!(answer.is_ok(), "{answer:?}");
        assert!(
            transport.sent[1]
                .3
                .as_deref()
                .unwrap()
                .contains(r#""hubspot_owner_id":"14""#)
        );
    }

    #[test]
    fn an_unknown_owner_names_the_closest_and_writes_nothing() {
        let none = r#"{"results":[]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, none)), Ok(json(200, OWNERS))]);
        match update::<_, Json>(&mut transport, &connection(), &deal_owned_by("jade.chen@exmaple.com")) {
            Err(Error::InvalidInput(problem)) => {
                assert_eq!(problem.path_in(Vocabulary::Json), "properties.hubspot_owner_id");
                assert!(
                    problem
                        .message
                        .contains("the closest are jade.chen@example.com (Jade Chen, id 11)"),
                    "{}",
                    problem.message
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(transport.sent.iter().all(|sent| sent.0 == Method::Get));
    }

    #[test]
    fn owner_ids_and_other_e_mail_values_cost_no_lookup() {
        let mut transport = Scripted::answering(vec![Ok(json(200, r#"{"id":"5"}"#))]);
        let answer = update::<_, Json>(&mut transport, &connection(), &deal_owned_by("11"));
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(urls(&transport), ["/crm/objects/2026-09/deals/5"]);
    }

    #[test]
    fn a_listing_follows_the_cursor_up_to_max_results_and_hands_back_the_rest() {
        let page = |ids: &[u32], next: Option<u32>| {
            let results: Vec<String> = ids.iter().map(|id| format!(r#"{{"id":"{id}"}}"#)).collect();
            let paging = next.map_or(String::new(), |n| format!(r#","paging":{{"next":{{"after":"{n}"}}}}"#));
            Ok(json(200, &format!(r#"{{"results":[{}]{paging}}}"#, results.join(","))))
        };
        let mut transport = Scripted::answering(vec![page(&[1, 2], Some(3)), page(&[3], Some(4))]);
        let request = ListRequest {
            object_type: "contacts".into(),
            limit: Some(2),
            max_results: Some(3),
            ..ListRequest::default()
        };
        let listed = list::<_, serde_json::Value>(&mut transport, &connection(), &request).unwrap();
        assert_eq!(listed.results.len(), 3);
        assert_eq!((listed.next_after.as_deref(), listed.pages), (Some("4"), 2));
        assert_eq!(
            urls(&transport),
            [
                "/crm/objects/2026-09/contacts?limit=2",
                "/crm/objects/2026-09/contacts?limit=1&after=3"
            ]
        );
    }

    const DEAL_CONTACT_LABELS: &str = r#"{"results":[{"category":"HUBSPOT_DEFINED","typeId":3},
        {"category":"USER_DEFINED","typeId":1001,"label":"Decision maker"}]}"#;

    fn labelled(label: &str) -> AssociateRequest {
        AssociateRequest {
            object_type: "deals".into(),
            record_id: "7".into(),
            to_object_type: "contacts".into(),
            to_record_id: "8".into(),
            label: Some(label.into()),
            ..AssociateRequest::default()
        }
    }

    #[test]
    fn a_label_is_read_once_and_the_association_sent_with_its_type() {
        let mut transport = Scripted::answering(vec![
            Ok(json(200, DEAL_CONTACT_LABELS)),
            Ok(json(201, r#"{"labels":["Decision maker"]}"#)),
        ]);
        let answer = associate::<_, Json>(&mut transport, &connection(), &labelled("decision maker"));
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(
            urls(&transport),
            [
                "/crm/associations/2026-09/deals/contacts/labels",
                "/crm/objects/2026-09/deals/7/associations/contacts/8"
            ]
        );
        assert_eq!(transport.sent[1].0, Method::Put);
        assert_eq!(
            transport.sent[1].3.as_deref(),
            Some(r#"[{"associationCategory":"USER_DEFINED","associationTypeId":1001}]"#)
        );
    }

    #[test]
    fn an_unknown_label_is_invalid_input_after_the_one_read_and_a_dry_run_reports_it() {
        let mut transport = Scripted::answering(vec![Ok(json(200, DEAL_CONTACT_LABELS))]);
        match associate::<_, Json>(&mut transport, &connection(), &labelled("Mentor")) {
            Err(Error::InvalidInput(invalid)) => {
                assert_eq!(invalid.path_in(Vocabulary::Json), "label");
                assert!(invalid.message.contains("`Decision maker`"), "{}", invalid.message);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(transport.sent.len(), 1);
        let mut transport = Scripted::answering(vec![Ok(json(200, DEAL_CONTACT_LABELS))]);
        let write = AssociationWrite::Associate(labelled("Mentor"));
        let preview = preview_association(&mut transport, &connection(), &write).unwrap();
        assert_eq!(preview.requests, []);
        assert_eq!(preview.problems[0].allowed_values, ["Decision maker"]);
        assert!(transport.sent.iter().all(|sent| sent.0 == Method::Get));
    }

    #[test]
    fn a_record_s_associations_are_read_page_after_page() {
        let page = |items: &str, after: Option<&str>| {
            let paging = after.map_or(String::new(), |a| format!(r#","paging":{{"next":{{"after":"{a}"}}}}"#));
            Ok(json(200, &format!(r#"{{"results":[{items}]{paging}}}"#)))
        };
        let mut transport = Scripted::answering(vec![
            page(r#"{"toObjectId":1,"associationTypes":[]}"#, Some("1")),
            page(r#"{"toObjectId":2,"associationTypes":[]}"#, None),
        ]);
        let request = AssociationsRequest {
            object_type: "deals".into(),
            record_id: "7".into(),
            to_object_type: "contacts".into(),
        };
        let v3 = Connection {
            api_version: Some("v3".into()),
            ..connection()
        };
        let collected = get_associations(&mut transport, &v3, &request).unwrap();
        let objects = association::associated_objects(collected).unwrap();
        let ids: Vec<&str> = objects.iter().map(|object| object.to_object_id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(
            urls(&transport),
            [
                "/crm/v4/objects/deals/7/associations/contacts?limit=500",
                "/crm/v4/objects/deals/7/associations/contacts?limit=500&after=1"
            ]
        );
    }

    /// A search answer: `total`, records with these ids, and HubSpot's cursor.
    fn search_answer(
        total: u32,
        ids: std::ops::RangeInclusive<u32>,
        next: Option<u32>,
    ) -> Result<HttpResponse, crate::transport::SendError> {
        let results: Vec<String> = ids.map(|id| format!(r#"{{"id":"{id}","properties":{{}},"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}}"#)).collect();
        let paging = next.map_or(String::new(), |n| format!(r#","paging":{{"next":{{"after":"{n}"}}}}"#));
        Ok(json(
            200,
            &format!(r#"{{"total":{total},"results":[{}]{paging}}}"#, results.join(",")),
        ))
    }

    fn bodies(transport: &Scripted) -> Vec<serde_json::Value> {
        transport
            .sent
            .iter()
            .map(|sent| serde_json::from_str(sent.3.as_deref().unwrap_or("null")).unwrap())
            .collect()
    }

    #[test]
    fn a_search_within_the_first_ten_thousand_follows_after_and_hands_back_the_rest() {
        let mut transport = Scripted::answering(vec![
            search_answer(40, 1..=10, Some(10)),
            search_answer(40, 11..=20, Some(20)),
            search_answer(40, 21..=25, Some(25)),
        ]);
        let request = SearchRequest {
            object_type: "contacts".into(),
            sorts: vec![crate::search::Sort {
                property_name: "createdate".into(),
                direction: crate::search::SortDirection::Descending,
            }],
            limit: Some(10),
            max_results: Some(25),
            ..SearchRequest::default()
        };
        let found = search_pages::<_, CrmRecord>(&mut transport, &connection(), &request).unwrap();
        assert_eq!(found.results.len(), 25);
        assert_eq!((found.total, found.pages), (Some(40), 3));
        assert_eq!(found.next_after.as_deref(), Some("25"));
        let bodies = bodies(&transport);
        // The caller's sort is kept; the last page asks only for what is left.
        assert_eq!(
            bodies[0],
            serde_json::json!({"sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}], "limit": 10})
        );
        assert_eq!(bodies[1]["after"], "10");
        assert_eq!(
            (&bodies[2]["after"], &bodies[2]["limit"]),
            (&serde_json::json!("20"), &serde_json::json!(5))
        );
    }

    #[test]
    fn a_search_past_ten_thousand_pages_by_id_and_paces_itself() {
        let mut transport = Scripted::answering(vec![
            search_answer(10_015, 101..=110, Some(10_000)),
            search_answer(15, 111..=120, Some(10)),
            search_answer(5, 121..=125, None),
        ]);
        let filter = Filter {
            property_name: "email".into(),
            operator: crate::search::Operator::HasProperty,
            operand: crate::search::Operand::None,
        };
        let request = SearchRequest {
            object_type: "contacts".into(),
            filter_groups: vec![vec![filter.clone()], vec![filter]],
            limit: Some(10),
            after: Some("9990".into()),
            max_results: Some(40),
            ..SearchRequest::default()
        };
        let found = search_pages::<_, CrmRecord>(&mut transport, &connection(), &request).unwrap();
        let ids: Vec<&str> = found.results.iter().map(|record| record.id.as_str()).collect();
        assert_eq!(ids, (101..=125).map(|id| id.to_string()).collect::<Vec<_>>());
        assert_eq!((found.total, found.pages, found.next_after), (Some(10_015), 3, None));
        let bodies = bodies(&transport);
        let by_id = serde_json::json!([{"propertyName": "hs_object_id", "direction": "ASCENDING"}]);
        let has_email = serde_json::json!({"propertyName": "email", "operator": "HAS_PROPERTY"});
        assert_eq!(
            (&bodies[0]["after"], &bodies[0]["sorts"]),
            (&serde_json::json!("9990"), &by_id)
        );
        assert_eq!(bodies[0]["filterGroups"][0]["filters"], serde_json::json!([has_email]));
        // Past the cap: no offset, and every group gets the id filter.
        for (body, above) in bodies[1..].iter().zip(["110", "120"]) {
            let id_filter = serde_json::json!({"propertyName": "hs_object_id", "operator": "GT", "value": above});
            assert_eq!(body.get("after"), None, "{body}");
            assert_eq!(body["sorts"], by_id);
            for group in 0..2 {
                assert_eq!(
                    body["filterGroups"][group]["filters"],
                    serde_json::json!([has_email, id_filter])
                );
            }
        }
        // Each page is asked for a whole search interval after the previous answer.
        assert_eq!(transport.slept, [SEARCH_PAGE_GAP, SEARCH_PAGE_GAP]);
    }

    #[test]
    fn a_search_past_ten_thousand_without_filters_gets_a_group_of_its_own() {
        let mut transport = Scripted::answering(vec![
            search_answer(12_000, 1..=200, Some(200)),
            search_answer(11_800, 201..=400, Some(200)),
            search_answer(11_600, 401..=410, None),
        ]);
        let request = SearchRequest {
            object_type: "deals".into(),
            max_results: Some(20_000),
            ..SearchRequest::default()
        };
        let found = search_pages::<_, CrmRecord>(&mut transport, &connection(), &request).unwrap();
        assert_eq!((found.results.len(), found.pages, found.total), (410, 3, Some(12_000)));
        let bodies = bodies(&transport);
        assert_eq!(bodies[0]["limit"], 200);
        assert_eq!(
            bodies[2]["filterGroups"],
            serde_json::json!([{"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": "400"}]}])
        );
    }

    #[test]
    fn a_sorted_search_past_ten_thousand_or_without_room_for_the_id_filter_sends_nothing() {
        let filter = |name: &str| Filter {
            property_name: name.into(),
            operator: crate::search::Operator::HasProperty,
            operand: crate::search::Operand::None,
        };
        let sorted = SearchRequest {
            object_type: "contacts".into(),
            sorts: vec![crate::search::Sort {
                property_name: "createdate".into(),
                direction: crate::search::SortDirection::Ascending,
            }],
            max_results: Some(10_001),
            ..SearchRequest::default()
        };
        let full_group = SearchRequest {
            object_type: "contacts".into(),
            filter_groups: vec![(0..6).map(|n| filter(&format!("p{n}"))).collect()],
            max_results: Some(20_000),
            ..SearchRequest::default()
        };
        let full_search = SearchRequest {
            object_type: "contacts".into(),
            filter_groups: vec![
                (0..4).map(|n| filter(&format!("a{n}"))).collect(),
                (0..4).map(|n| filter(&format!("b{n}"))).collect(),
                (0..4).map(|n| filter(&format!("c{n}"))).collect(),
                (0..4).map(|n| filter(&format!("d{n}"))).collect(),
            ],
            max_results: Some(20_000),
            ..SearchRequest::default()
        };
        for (request, path, words) in [
            (&sorted, "searchObj.sorts", "cannot keep this sort"),
            (&full_group, "searchObj.filterGroups[0].filters", "at most 5 here"),
            (&full_search, "searchObj.filterGroups", "at most 14 filters"),
        ] {
            let mut transport = Scripted::default();
            match search_pages::<_, CrmRecord>(&mut transport, &connection(), request) {
                Err(Error::InvalidInput(invalid)) => {
                    assert_eq!(invalid.path_in(Vocabulary::Json), path);
                    assert!(invalid.message.contains(words), "{}", invalid.message);
                }
                other => panic!("{other:?}"),
            }
            assert!(transport.sent.is_empty());
        }
        // Within the first 10,000 results the same requests need no id paging.
        for request in [sorted, full_group, full_search] {
            let within = SearchRequest {
                max_results: Some(10_000),
                ..request
            };
            assert!(crate::validate::search(&within).is_ok(), "{within:?}");
        }
    }

    /// HubSpot's 400 for refused values, with each `(name, message)`.
    fn refused(problems: &[(&str, &str)]) -> Result<HttpResponse, crate::transport::SendError> {
        let items: Vec<serde_json::Value> = problems
            .iter()
            .map(|(name, message)| serde_json::json!({"isValid": false, "message": message, "error": "INVALID_OPTION", "name": name}))
            .collect();
        let body = serde_json::json!({
            "status": "error",
            "message": format!("Property values were not valid: {}", serde_json::Value::Array(items)),
            "correlationId": "c",
            "category": "VALIDATION_ERROR",
        });
        Ok(json(400, &body.to_string()))
    }

    const LIFECYCLE: &str = "Marketing Qualified Lead was not one of the allowed options: [label: \"Lead\"\nvalue: \
        \"lead\"\n, label: \"Marketing Qualified Lead\"\nvalue: \"marketingqualifiedlead\"\n]";

    fn contact_with(stage: &str) -> CreateRequest {
        CreateRequest {
            object_type: "contacts".into(),
            properties: vec![
                ("email".into(), "ann@example.com".into()),
                ("lifecyclestage".into(), stage.into()),
            ],
            associations: Vec::new(),
        }
    }

    #[test]
    fn a_create_refused_for_a_label_is_sent_once_more_with_the_option_s_value() {
        let mut transport = Scripted::answering(vec![
            refused(&[("lifecyclestage", LIFECYCLE)]),
            Ok(json(201, r#"{"id":"1"}"#)),
        ]);
        let answer = create::<_, Json>(&mut transport, &connection(), &contact_with("Marketing Qualified Lead"));
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(
            urls(&transport),
            ["/crm/objects/2026-09/contacts", "/crm/objects/2026-09/contacts"]
        );
        assert_eq!(
            transport.sent[1].3.as_deref(),
            Some(r#"{"properties":{"email":"ann@example.com","lifecyclestage":"marketingqualifiedlead"}}"#)
        );
    }

    #[test]
    fn an_unknown_label_keeps_hubspot_s_refusal_and_is_not_sent_again() {
        let mut transport = Scripted::answering(vec![refused(&[("lifecyclestage", LIFECYCLE)])]);
        match create::<_, Json>(&mut transport, &connection(), &contact_with("Prospect")) {
            Err(Error::Validation { problems, .. }) => {
                assert_eq!(problems[0].allowed_values, ["lead", "marketingqualifiedlead"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(transport.sent.len(), 1);
    }

    #[test]
    fn a_stage_label_is_matched_within_the_pipeline_hubspot_checked() {
        let pipelines = r#"{"results":[
            {"id":"default","label":"Sales Pipeline","displayOrder":0,"stages":[{"id":"closedwon","label":"Closed Won"}]},
            {"id":"renewals","label":"Renewals","displayOrder":1,"stages":[{"id":"renewed","label":"Closed Won"}]}]}"#;
        let stage = "Closed Won is not a valid pipeline stage ID. Valid options are: pipelineId=renewals : [renewed]";
        let mut transport = Scripted::answering(vec![
            refused(&[("dealstage", stage)]),
            Ok(json(200, pipelines)),
            Ok(json(200, r#"{"id":"5"}"#)),
        ]);
        let request = UpdateRequest {
            object_type: "deals".into(),
            record_id: "5".into(),
            properties: vec![("dealstage".into(), "closed won".into())],
            id_property: None,
        };
        let answer = update::<_, Json>(&mut transport, &connection(), &request);
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(
            urls(&transport),
            [
                "/crm/objects/2026-09/deals/5",
                "/crm/pipelines/2026-09/deals",
                "/crm/objects/2026-09/deals/5"
            ]
        );
        assert_eq!(
            transport.sent[2].3.as_deref(),
            Some(r#"{"properties":{"dealstage":"renewed"}}"#)
        );
    }

    #[test]
    fn a_pipeline_given_by_label_brings_its_stage_label_along() {
        let pipelines = r#"{"results":[
            {"id":"default","label":"Sales Pipeline","displayOrder":0,"stages":[{"id":"closedwon","label":"Closed Won"}]},
            {"id":"renewals","label":"Renewals","displayOrder":1,"stages":[{"id":"renewed","label":"Closed Won"}]}]}"#;
        let pipeline = "Renewals is not a valid pipeline ID. Valid options are: [default, renewals]";
        let mut transport = Scripted::answering(vec![
            refused(&[("pipeline", pipeline)]),
            Ok(json(200, pipelines)),
            Ok(json(201, r#"{"id":"5"}"#)),
        ]);
        let request = CreateRequest {
            object_type: "deals".into(),
            properties: vec![
                ("dealname".into(), "Renewal".into()),
                ("pipeline".into(), "Renewals".into()),
                ("dealstage".into(), "Closed Won".into()),
            ],
            associations: Vec::new(),
        };
        let answer = create::<_, Json>(&mut transport, &connection(), &request);
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(
            transport.sent[2].3.as_deref(),
            Some(r#"{"properties":{"dealname":"Renewal","dealstage":"renewed","pipeline":"renewals"}}"#)
        );
    }

    #[test]
    fn options_listed_without_labels_are_read_from_the_property_s_definition() {
        let definition = r#"{"name":"industry","label":"Industry","type":"enumeration","fieldType":"select",
            "description":"","groupName":"companyinformation","options":[
            {"label":"Computer Software","value":"COMPUTER_SOFTWARE","hidden":false}]}"#;
        let mut transport = Scripted::answering(vec![
            refused(&[(
                "industry",
                "Computer software is not a valid option. Valid options are: [COMPUTER_SOFTWARE]",
            )]),
            Ok(json(200, definition)),
            Ok(json(201, r#"{"id":"9"}"#)),
        ]);
        let request = CreateRequest {
            object_type: "companies".into(),
            properties: vec![("industry".into(), "Computer software".into())],
            associations: Vec::new(),
        };
        let answer = create::<_, Json>(&mut transport, &connection(), &request);
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(urls(&transport)[1], "/crm/properties/2026-09/companies/industry");
        assert!(
            transport.sent[2]
                .3
                .as_deref()
                .unwrap()
                .contains(r#""industry":"COMPUTER_SOFTWARE""#)
        );
    }
}
