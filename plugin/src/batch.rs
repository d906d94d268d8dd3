//! The batch actions: `inputs` of any length checked like the single
//! action's, sent in chunks of HubSpot's batch size one after another
//! through the call's client, and HubSpot's answers merged into one result
//! that says what happened to every input, by its index in the caller's list.
//!
//! How a chunk can end, and what the merged result says of its inputs:
//! - HubSpot answers 200/201/204: its records are in `results`; every input
//!   of an archive chunk is `archived`.
//! - HubSpot answers 207: the records in `results`, and each error in
//!   `errors` with the indexes of the inputs it names (`inputIndexes`):
//!   by each create input's `objectWriteTraceId` (its index), by the ids in
//!   the error's `context.ids` for the others. The inputs of a write
//!   refused only for values given by their labels are sent once more, in
//!   one request, with the options' internal values (`resend_labels`).
//! - A definite error for the whole chunk (400, 404, 409, or a retryable
//!   error still failing once the retry policy gave up on a request that is
//!   safe to resend): one error naming every input of the chunk.
//! - A create chunk whose outcome is unknown (no answer, a 5xx, a body that
//!   cannot be read): its inputs are `inDoubt` and it is never sent again,
//!   as for `create`; the run goes on with the next chunk.
//! - An error that every further chunk would meet (401, 403, a 429 that
//!   the retry policy gave up on, a host denial): the run stops; the chunks
//!   not sent are `notSent` and the error is `stoppedBy`. On the first chunk,
//!   when nothing was written yet, the action fails with that error instead.
//!
//! 429s are retried per request by the client like any call's, and the
//! host's per-account rate budget paces every request the component sends.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::action::Action;
use crate::answer::{CrmRecord, Decode};
use crate::api_version::ApiVersion;
use crate::connection::Connection;
use crate::dry_run::{self, WritePreview, WriteProblem};
use crate::entity::ObjectType;
use crate::error::{Error, TransportError, TransportFailure};
use crate::execute::{connect, resolve_object_types, resolve_owners};
use crate::http::{HttpRequest, Method, Repeatable};
use crate::input::{self, Object};
use crate::input_path::{Field, InputPath, PropertyPart, Vocabulary};
use crate::labels;
use crate::limits::{BATCH_READ_HISTORY_SIZE, BATCH_SIZE, MAX_BATCH_INPUTS};
use crate::lookup::Lookups;
use crate::order;
use crate::plan::{associations_json, objects_path, properties_json, properties_or_default};
use crate::request::{AssociationInput, CreateRequest};
use crate::response::property_problems;
use crate::transport::Transport;
use crate::validate::{self, shorten};

/// Which batch endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    /// `batch/create`.
    Create,
    /// `batch/read`.
    Read,
    /// `batch/update`.
    Update,
    /// `batch/upsert`.
    Upsert,
    /// `batch/archive`.
    Archive,
}

impl BatchKind {
    /// The kind of a batch action; `None` for the others.
    pub fn of(action: Action) -> Option<Self> {
        Some(match action {
            Action::BatchCreate => Self::Create,
            Action::BatchRead => Self::Read,
            Action::BatchUpdate => Self::Update,
            Action::BatchUpsert => Self::Upsert,
            Action::BatchArchive => Self::Archive,
            _ => return None,
        })
    }

    /// The action of this kind.
    pub fn action(self) -> Action {
        match self {
            Self::Create => Action::BatchCreate,
            Self::Read => Action::BatchRead,
            Self::Update => Action::BatchUpdate,
            Self::Upsert => Action::BatchUpsert,
            Self::Archive => Action::BatchArchive,
        }
    }

    /// The last segment of the endpoint's path.
    fn segment(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Update => "update",
            Self::Upsert => "upsert",
            Self::Archive => "archive",
        }
    }

    /// Whether the inputs are addressed by id.
    fn has_ids(self) -> bool {
        self != Self::Create
    }

    /// Whether the inputs carry properties to write.
    fn writes(self) -> bool {
        matches!(self, Self::Create | Self::Update | Self::Upsert)
    }

    /// The members of one input.
    fn input_fields(self) -> &'static [Field] {
        match self {
            Self::Create => &[Field::Properties, Field::Associations],
            Self::Update | Self::Upsert => &[Field::InputId, Field::Properties],
            Self::Read | Self::Archive => &[Field::ListedId],
        }
    }

    /// The member of an input that holds its id.
    fn id_field(self) -> Field {
        match self {
            Self::Read | Self::Archive => Field::ListedId,
            Self::Create | Self::Update | Self::Upsert => Field::InputId,
        }
    }
}

/// One input of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchInput {
    /// The record's id, or its `id_property` value (empty for a create).
    pub id: String,
    /// Property values to write (create, update, upsert).
    pub properties: Vec<(String, String)>,
    /// Links to existing records (create).
    pub associations: Vec<AssociationInput>,
}

/// A batch action's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRequest {
    /// Which endpoint.
    pub kind: BatchKind,
    /// The object type as given.
    pub object_type: String,
    /// The inputs, in the caller's order.
    pub inputs: Vec<BatchInput>,
    /// Properties to return (read).
    pub properties: Vec<String>,
    /// Properties to return with history (read).
    pub properties_with_history: Vec<String>,
    /// Read from the recycle bin (read).
    pub archived: bool,
    /// The unique property the ids are values of (read, update; upsert requires it).
    pub id_property: Option<String>,
}

impl BatchRequest {
    /// An empty request of `kind` for `object_type`.
    pub fn new(kind: BatchKind, object_type: impl Into<String>) -> Self {
        Self {
            kind,
            object_type: object_type.into(),
            inputs: Vec::new(),
            properties: Vec::new(),
            properties_with_history: Vec::new(),
            archived: false,
            id_property: None,
        }
    }

    /// The inputs per request: HubSpot's batch size, smaller for a read
    /// with property history.
    pub fn chunk_size(&self) -> usize {
        if self.kind == BatchKind::Read && !self.properties_with_history.is_empty() {
            BATCH_READ_HISTORY_SIZE
        } else {
            BATCH_SIZE
        }
    }

    /// The ranges of input indexes each request sends.
    pub fn chunks(&self) -> Vec<Range<usize>> {
        let size = self.chunk_size();
        (0..self.inputs.len())
            .step_by(size)
            .map(|start| start..(start + size).min(self.inputs.len()))
            .collect()
    }
}

/// Reads a batch action's JSON input (its members already checked against
/// the action table).
pub(crate) fn parse(action: Action, input: &Object<'_>) -> Result<BatchRequest, Error> {
    let kind = BatchKind::of(action).ok_or_else(|| {
        Error::invalid(
            &InputPath::root().field(Field::Action),
            format!("`{}` is not a batch action", action.name()),
        )
    })?;
    let mut request = BatchRequest::new(kind, input.required_str(Field::Entity)?);
    request.id_property = if kind == BatchKind::Upsert {
        Some(input.required_str(Field::IdProperty)?)
    } else if matches!(kind, BatchKind::Read | BatchKind::Update) {
        input.optional_str(Field::IdProperty)?
    } else {
        None
    };
    if kind == BatchKind::Read {
        request.properties = input.optional_names(Field::Properties)?;
        request.properties_with_history = input.optional_names(Field::PropertiesWithHistory)?;
        request.archived = input.optional_bool(Field::Archived)?;
    }
    let at = input.path(Field::Inputs);
    let Value::Array(items) = input.required(Field::Inputs)? else {
        return Err(Error::invalid(&at, "must be a list of inputs"));
    };
    if items.len() > MAX_BATCH_INPUTS {
        return Err(Error::invalid(
            &at,
            format!("at most {MAX_BATCH_INPUTS} inputs per call; split the list"),
        ));
    }
    for (index, item) in items.iter().enumerate() {
        let item = Object::new(item, at.index(index))?;
        item.deny_unknown(kind.input_fields())?;
        let mut parsed = BatchInput::default();
        if kind.has_ids() {
            let field = kind.id_field();
            parsed.id = input::id(item.required(field)?, &item.path(field))?;
        }
        if kind.writes() {
            parsed.properties = input::properties(item.required(Field::Properties)?, &item.path(Field::Properties))?;
        }
        if kind == BatchKind::Create
            && let Some(associations) = item.optional(Field::Associations)
        {
            parsed.associations = input::associations(associations, &item.path(Field::Associations))?;
        }
        request.inputs.push(parsed);
    }
    Ok(request)
}

/// Checks a batch as the single action checks each of its inputs, with
/// paths such as `inputs[3].properties.email`; its object type, resolved.
pub fn validate(request: &BatchRequest) -> Result<ObjectType<'_>, Error> {
    let root = InputPath::root();
    let object_type = validate::object_type(&request.object_type, &request.kind.action().object_type_path())?;
    let at = root.field(Field::Inputs);
    if request.inputs.is_empty() {
        return Err(Error::invalid(&at, "name at least one input"));
    }
    if request.inputs.len() > MAX_BATCH_INPUTS {
        return Err(Error::invalid(
            &at,
            format!("at most {MAX_BATCH_INPUTS} inputs per call; split the list"),
        ));
    }
    if let Some(id_property) = &request.id_property {
        validate::check_name(id_property, &root.field(Field::IdProperty))?;
    }
    validate::check_names(&request.properties, &root.field(Field::Properties))?;
    validate::check_names(
        &request.properties_with_history,
        &root.field(Field::PropertiesWithHistory),
    )?;
    // A BTreeMap: std's HashMap would make the component import a random seed.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, input) in request.inputs.iter().enumerate() {
        let item = at.index(index);
        if request.kind.has_ids() {
            let id_path = item.field(request.kind.id_field());
            check_id(request, &input.id, &id_path)?;
            if let Some(first) = seen.insert(&input.id, index) {
                return Err(Error::invalid(
                    &id_path,
                    format!(
                        "`{}` is also inputs[{first}]: give each record once",
                        shorten(&input.id)
                    ),
                ));
            }
        }
        match request.kind {
            BatchKind::Create => {
                validate::check_properties(&input.properties, &item.field(Field::Properties), true)?;
                validate::check_associations(&input.associations, &item.field(Field::Associations))?;
                if let Some(entity) = object_type.entity() {
                    let single = CreateRequest {
                        object_type: request.object_type.clone(),
                        properties: input.properties.clone(),
                        associations: input.associations.clone(),
                    };
                    validate::check_create_requires(entity, &single, &item)?;
                }
            }
            BatchKind::Update | BatchKind::Upsert => {
                validate::check_properties(&input.properties, &item.field(Field::Properties), false)?;
            }
            BatchKind::Read | BatchKind::Archive => {}
        }
    }
    Ok(object_type)
}

/// Record ids are HubSpot's numeric ids unless `idProperty` names the
/// unique property they are values of.
fn check_id(request: &BatchRequest, id: &str, path: &InputPath) -> Result<(), Error> {
    validate::check_identifier(id, path)?;
    if request.id_property.is_some() || id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let hint = if request.kind == BatchKind::Archive {
        "; archive takes record ids only"
    } else if id.contains('@') {
        "; to address contacts by e-mail, add \"idProperty\": \"email\""
    } else {
        "; to address records by another unique property, name it in `idProperty`"
    };
    Err(Error::invalid(
        path,
        format!(
            "`{}` is not a HubSpot record id (record ids are digits){hint}",
            shorten(id)
        ),
    ))
}

/// `POST {objects}/{type}/batch/{kind}` for the inputs in `range`, once the
/// request passed [`validate`]. Each create input carries its index in the
/// caller's list as `objectWriteTraceId`, so that HubSpot answers each one
/// apart (207) and its errors name it.
pub fn plan_chunk(request: &BatchRequest, version: ApiVersion, range: Range<usize>) -> Result<HttpRequest, Error> {
    let object_type = validate(request)?;
    Ok(chunk_request(request, object_type, version, range))
}

/// [`plan_chunk`] for a request already checked: a batch of many chunks
/// checks its inputs once, not once per chunk.
fn chunk_request(
    request: &BatchRequest,
    object_type: ObjectType<'_>,
    version: ApiVersion,
    range: Range<usize>,
) -> HttpRequest {
    let indexes: Vec<usize> = range.collect();
    inputs_request(request, object_type, version, &indexes)
}

/// The request for the inputs at `indexes` (in the caller's list).
fn inputs_request(
    request: &BatchRequest,
    object_type: ObjectType<'_>,
    version: ApiVersion,
    indexes: &[usize],
) -> HttpRequest {
    let items: Vec<Value> = indexes
        .iter()
        .filter_map(|&index| Some((request.inputs.get(index)?, index)))
        .map(|(input, index)| match request.kind {
            BatchKind::Create => json!({
                "properties": properties_json(&input.properties),
                "associations": associations_json(&input.associations),
                "objectWriteTraceId": index.to_string(),
            }),
            BatchKind::Update | BatchKind::Upsert => {
                let mut item = json!({ "id": input.id, "properties": properties_json(&input.properties) });
                if let Some(id_property) = &request.id_property {
                    item["idProperty"] = Value::from(id_property.as_str());
                }
                item
            }
            BatchKind::Read | BatchKind::Archive => json!({ "id": input.id }),
        })
        .collect();
    let mut body = Map::new();
    body.insert("inputs".into(), Value::Array(items));
    if request.kind == BatchKind::Read {
        body.insert(
            "properties".into(),
            json!(properties_or_default(&request.properties, object_type)),
        );
        body.insert("propertiesWithHistory".into(), json!(request.properties_with_history));
        if let Some(id_property) = &request.id_property {
            body.insert("idProperty".into(), Value::from(id_property.as_str()));
        }
    }
    let mut path = objects_path(version, object_type)
        .literal("batch")
        .literal(request.kind.segment());
    if request.kind == BatchKind::Read && request.archived {
        path = path.query("archived", "true");
    }
    HttpRequest {
        method: Method::Post,
        path_and_query: path.finish(),
        body: Some(Value::Object(body).to_string().into_bytes()),
        repeatable: if request.kind == BatchKind::Create {
            Repeatable::OnlyIfUnprocessed
        } else {
            Repeatable::Yes
        },
    }
}

/// The first chunk's request: what a batch sends first.
pub fn plan_first(request: &BatchRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let first = request.chunks().into_iter().next().unwrap_or(0..0);
    plan_chunk(request, version, first)
}

/// What HubSpot answers a batch request with; an archive's 204 has no body.
#[derive(Debug, Default, Deserialize)]
struct ChunkAnswer {
    #[serde(default)]
    results: Vec<Box<RawValue>>,
    #[serde(default)]
    errors: Vec<Map<String, Value>>,
}

impl Decode for ChunkAnswer {
    fn decode(body: String) -> Result<Self, String> {
        if body.is_empty() {
            return Ok(Self::default());
        }
        serde_json::from_str(&body)
            .map_err(|error| format!("HubSpot's batch answer does not have the documented shape: {error}"))
    }
}

/// One failure: HubSpot's error for some inputs, or a chunk's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFailure {
    /// The inputs it concerns, by index in the caller's list; empty when
    /// HubSpot's error names none the connector can map.
    pub input_indexes: Vec<usize>,
    /// The HTTP status, for an error that failed a whole chunk; HubSpot
    /// gives none for the errors inside a 207.
    pub status: Option<u16>,
    /// HubSpot's `category` (`TRANSPORT` when no answer came).
    pub category: String,
    /// HubSpot's `message`.
    pub message: String,
    /// HubSpot's error object as received, or one in its shape.
    pub body: Map<String, Value>,
}

/// The merged result of a batch action.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    /// Every record HubSpot answered with, chunk after chunk, as received.
    pub results: Vec<Box<RawValue>>,
    /// Every failure.
    pub failures: Vec<BatchFailure>,
    /// Create inputs whose chunk's outcome is unknown: they may or may not
    /// have been created, and were not sent again.
    pub in_doubt: Vec<usize>,
    /// Inputs never sent because the run stopped.
    pub not_sent: Vec<usize>,
    /// The error that stopped the run, when one did.
    pub stopped_by: Option<Error>,
    /// Archive inputs archived (every input of a chunk HubSpot answered).
    pub archived: Vec<usize>,
    /// Requests that carried inputs, a resend of labelled inputs included
    /// (the client's retries not counted).
    pub chunks: u32,
}

impl BatchOutcome {
    /// Whether every input succeeded.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && self.in_doubt.is_empty() && self.not_sent.is_empty()
    }
}

/// Runs a batch: checks every input (nothing is sent on a problem), resolves
/// custom object names and owners as the single writes do, then sends the
/// chunks one after another, each with the whole deadline; see the module
/// documentation for how each chunk's end is reported.
pub fn run<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &BatchRequest,
) -> Result<BatchOutcome, Error> {
    let (mut lookups, request) = prepare(transport, connection, request)?;
    let version = lookups.version();
    // Checked again with its names resolved, once for every chunk.
    let object_type = validate(&request)?;
    let mut outcome = BatchOutcome::default();
    for (number, range) in request.chunks().into_iter().enumerate() {
        if outcome.stopped_by.is_some() {
            outcome.not_sent.extend(range);
            continue;
        }
        let http = chunk_request(&request, object_type, version, range.clone());
        if number > 0 {
            lookups.restart_deadline();
        }
        outcome.chunks += 1;
        match lookups.send::<ChunkAnswer>(&http) {
            Ok(answer) => {
                let answer = resend_labels(&mut lookups, &request, object_type, range.clone(), answer, &mut outcome);
                merge(&request, range, answer, &mut outcome);
            }
            Err(error) if stops_the_run(&error) => {
                if number == 0 {
                    return Err(error);
                }
                outcome.not_sent.extend(range);
                outcome.stopped_by = Some(error);
            }
            Err(error) if request.kind == BatchKind::Create && outcome_unknown(&error) => {
                outcome.in_doubt.extend(range);
            }
            Err(error) => outcome.failures.push(chunk_failure(&error, range.collect())),
        }
    }
    Ok(outcome)
}

/// Sends once more, in one request, the inputs of a chunk HubSpot refused
/// only because a value was given by its label: each whose error is a
/// validation refusal where every problem is `INVALID_OPTION` and every
/// refused value is exactly one option's (or stage's) label, with those
/// options' internal values. Each keeps its index (a create its
/// `objectWriteTraceId`); its first error gives way to the second answer.
/// An input whose labels do not match keeps HubSpot's error; a chunk
/// without such errors costs nothing more. Sending creates again is safe:
/// HubSpot refused these inputs, so none of them was created.
fn resend_labels<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    request: &BatchRequest,
    object_type: ObjectType<'_>,
    range: Range<usize>,
    mut answer: ChunkAnswer,
    outcome: &mut BatchOutcome,
) -> ChunkAnswer {
    if !request.kind.writes() || answer.errors.is_empty() {
        return answer;
    }
    let mut corrected = request.clone();
    let mut read = labels::ReadChoices::default();
    // (position in `answer.errors`, input index)
    let mut resent: Vec<(usize, usize)> = Vec::new();
    for (position, error) in answer.errors.iter().enumerate() {
        let [index] = error_indexes(request, range.clone(), error)[..] else {
            continue;
        };
        let Some(message) = error.get("message").and_then(Value::as_str) else {
            continue;
        };
        let problems = property_problems(message);
        let Some(input) = corrected.inputs.get_mut(index) else {
            continue;
        };
        let body = Value::Object(error.clone()).to_string();
        let Ok(Some(replacements)) =
            labels::internal_values_reusing(lookups, &mut read, object_type, &input.properties, &body, &problems)
        else {
            continue;
        };
        if replacements.is_empty() {
            continue;
        }
        for (at, value) in replacements {
            if let Some((_, written)) = input.properties.get_mut(at) {
                *written = value;
            }
        }
        resent.push((position, index));
    }
    if resent.is_empty() {
        return answer;
    }
    let indexes: Vec<usize> = resent.iter().map(|&(_, index)| index).collect();
    let http = inputs_request(&corrected, object_type, lookups.version(), &indexes);
    outcome.chunks += 1;
    let second = match lookups.send::<ChunkAnswer>(&http) {
        Ok(second) => second,
        Err(error) if request.kind == BatchKind::Create && outcome_unknown(&error) => {
            outcome.in_doubt.extend(&indexes);
            ChunkAnswer::default()
        }
        // HubSpot's first refusal stands.
        Err(_) => return answer,
    };
    let mut position = 0;
    answer.errors.retain(|_| {
        let kept = !resent.iter().any(|&(at, _)| at == position);
        position += 1;
        kept
    });
    answer.results.extend(second.results);
    answer.errors.extend(second.errors);
    answer
}

/// Checks the request, then the connection, and resolves the names in it.
fn prepare<'t, T: Transport>(
    transport: &'t mut T,
    connection: &Connection,
    request: &BatchRequest,
) -> Result<(Lookups<'t, T>, BatchRequest), Error> {
    validate(request)?;
    let version = ApiVersion::from_connection(connection.api_version.as_deref()).unwrap_or_default();
    let mut lookups = connect(transport, connection, version)?;
    let mut resolved = request.clone();
    let at = request.kind.action().object_type_path();
    resolve_object_types(&mut lookups, vec![(at, &mut resolved.object_type)])?;
    if request.kind.writes() {
        let object_type = resolved.object_type.clone();
        let inputs = InputPath::root().field(Field::Inputs);
        for (index, input) in resolved.inputs.iter_mut().enumerate() {
            let at = inputs.index(index).field(Field::Properties);
            resolve_owners(&mut lookups, &object_type, &mut input.properties, &at)?;
        }
    }
    Ok((lookups, resolved))
}

/// Errors every further chunk would meet: the run stops on them.
fn stops_the_run(error: &Error) -> bool {
    match error {
        Error::Unauthorized(_) | Error::Forbidden { .. } | Error::RateLimited { .. } => true,
        Error::Transport(transport) => transport.kind == TransportFailure::Denied,
        _ => false,
    }
}

/// Whether a create may have happened although no usable answer came: as
/// for `create`, such a chunk is never sent again.
fn outcome_unknown(error: &Error) -> bool {
    match error {
        Error::Transport(_) => true,
        Error::HubSpot(detail) => detail.status >= 500,
        _ => false,
    }
}

/// Adds one chunk's answer to the outcome.
fn merge(request: &BatchRequest, range: Range<usize>, answer: ChunkAnswer, outcome: &mut BatchOutcome) {
    if request.kind == BatchKind::Archive {
        outcome.archived.extend(range.clone());
    }
    outcome.results.extend(answer.results);
    for error in answer.errors {
        let input_indexes = error_indexes(request, range.clone(), &error);
        let text = |name: &str| error.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        outcome.failures.push(BatchFailure {
            input_indexes,
            status: None,
            category: text("category"),
            message: text("message"),
            body: error,
        });
    }
}

/// The inputs of the chunk `range` an error inside a 207 names: by the
/// `objectWriteTraceId` each create input carries, by id for the others.
fn error_indexes(request: &BatchRequest, range: Range<usize>, error: &Map<String, Value>) -> Vec<usize> {
    let context = error.get("context").and_then(Value::as_object);
    let named = |key: &str| -> Vec<String> {
        let mut texts: Vec<String> = context
            .and_then(|context| context.get(key))
            .and_then(Value::as_array)
            .map(|values| values.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        if let Some(own) = error.get(key).and_then(Value::as_str) {
            texts.push(own.to_owned());
        }
        texts
    };
    let mut indexes: Vec<usize> = if request.kind == BatchKind::Create {
        named("objectWriteTraceId")
            .iter()
            .filter_map(|trace| trace.parse::<usize>().ok())
            .filter(|index| range.contains(index))
            .collect()
    } else {
        let ids = named("ids");
        range
            .filter(|&index| {
                request.inputs.get(index).is_some_and(|input| {
                    ids.iter()
                        .any(|id| *id == input.id || id.eq_ignore_ascii_case(&input.id))
                })
            })
            .collect()
    };
    order::sort_by(&mut indexes, &|a, b| a.cmp(&b));
    indexes.dedup();
    indexes
}

/// A whole chunk's error, naming each of its inputs.
fn chunk_failure(error: &Error, input_indexes: Vec<usize>) -> BatchFailure {
    let body = error_body(error);
    let text = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    BatchFailure {
        input_indexes,
        status: error.api_error().map(|detail| detail.status),
        category: text("category"),
        message: text("message"),
        body,
    }
}

/// HubSpot's error body as an object in its `StandardError` shape, or one
/// made in that shape for an error without a body.
fn error_body(error: &Error) -> Map<String, Value> {
    let mut body = error
        .api_error()
        .and_then(|detail| serde_json::from_str::<Map<String, Value>>(&detail.body).ok())
        .unwrap_or_default();
    let category = match (error, error.api_error()) {
        (Error::Transport(_), _) => Some("TRANSPORT".to_owned()),
        (_, Some(detail)) => detail.category.clone(),
        _ => None,
    };
    body.entry("status").or_insert_with(|| Value::from("error"));
    if let Some(category) = category {
        body.entry("category").or_insert_with(|| Value::from(category));
    }
    let message = match error.api_error() {
        Some(detail) => detail.message.clone(),
        None => error.to_string(),
    };
    body.entry("message").or_insert_with(|| Value::from(message));
    body
}

/// A record of a batch answer, typed: the record, the index of the input
/// it was created from (creates) and whether it was created (upserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedRecord {
    /// The record.
    pub record: CrmRecord,
    /// The create input's index, from its `objectWriteTraceId`.
    pub input_index: Option<usize>,
    /// Upsert's `new`.
    pub new: Option<bool>,
}

/// What a batch record carries besides a record's members.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchMembers {
    #[serde(default)]
    object_write_trace_id: Option<String>,
    #[serde(default)]
    new: Option<bool>,
}

/// The outcome's records, typed; a record of the wrong shape is a malformed
/// response (the writes it reports did happen).
pub fn typed_results(outcome: &BatchOutcome) -> Result<Vec<TypedRecord>, Error> {
    outcome
        .results
        .iter()
        .map(|raw| {
            let malformed = |error: serde_json::Error| {
                Error::Transport(TransportError {
                    kind: TransportFailure::MalformedResponse,
                    message: format!("a record of HubSpot's batch answer does not have the documented shape: {error}"),
                    status: None,
                    attempts: outcome.chunks,
                })
            };
            let record: CrmRecord = serde_json::from_str(raw.get()).map_err(malformed)?;
            let members: BatchMembers = serde_json::from_str(raw.get()).map_err(malformed)?;
            Ok(TypedRecord {
                record,
                input_index: members.object_write_trace_id.and_then(|trace| trace.parse().ok()),
                new: members.new,
            })
        })
        .collect()
}

/// The merged result as `tool.invoke` answers it: HubSpot's batch shape
/// (`status`, `results`, `numErrors`, `errors`) with what the connector
/// adds: `inputIndexes` on each error, `inDoubt`, `notSent` and `stoppedBy`
/// when the run stopped, `archived` for an archive, and the `chunks` sent.
pub fn outcome_json(request: &BatchRequest, outcome: &BatchOutcome) -> String {
    let results: Vec<&str> = outcome.results.iter().map(|record| record.get()).collect();
    let errors: Vec<Value> = outcome
        .failures
        .iter()
        .map(|failure| {
            let mut body = failure.body.clone();
            if let Some(status) = failure.status {
                body.insert("httpStatus".into(), Value::from(status));
            }
            body.insert("inputIndexes".into(), json!(failure.input_indexes));
            Value::Object(body)
        })
        .collect();
    let mut tail = Map::new();
    tail.insert(
        "status".into(),
        Value::from(if outcome.is_complete() { "COMPLETE" } else { "PARTIAL" }),
    );
    tail.insert("numErrors".into(), Value::from(errors.len()));
    tail.insert("errors".into(), Value::Array(errors));
    tail.insert("inDoubt".into(), json!(outcome.in_doubt));
    tail.insert("notSent".into(), json!(outcome.not_sent));
    if let Some(error) = &outcome.stopped_by {
        let mut stopped = error_body(error);
        if let Some(detail) = error.api_error() {
            stopped.insert("httpStatus".into(), Value::from(detail.status));
        }
        tail.insert("stoppedBy".into(), Value::Object(stopped));
    }
    if request.kind == BatchKind::Archive {
        tail.insert("archived".into(), json!(outcome.archived));
    }
    tail.insert("chunks".into(), Value::from(outcome.chunks));
    let tail = Value::Object(tail).to_string();
    // The records go in as HubSpot sent them, without a tree of each.
    let rest = tail.strip_prefix('{').unwrap_or(&tail);
    format!("{{\"results\":[{}],{rest}", results.join(","))
}

/// Plans a batch write without sending it: the inputs checked as the write
/// checks them, names resolved (reads), every written property checked
/// against the type's definitions (read once), values given by label planned
/// as their internal values, and every chunk's request. Each problem names
/// its property by its path, such as `inputs[3].properties.email`.
pub fn preview<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &BatchRequest,
) -> Result<WritePreview, Error> {
    if request.kind == BatchKind::Read {
        return Err(Error::invalid(
            &InputPath::root().field(Field::DryRun),
            "applies only to writes",
        ));
    }
    let (mut lookups, mut request) = prepare(transport, connection, request)?;
    let mut problems = Vec::new();
    if request.kind.writes() {
        let object_type = request.object_type.clone();
        let inputs = InputPath::root().field(Field::Inputs);
        let definitions = dry_run::definitions(&mut lookups, &object_type)?;
        for (index, input) in request.inputs.iter_mut().enumerate() {
            let checked = dry_run::check_properties(&definitions, &mut input.properties);
            let at = inputs.index(index).field(Field::Properties);
            problems.extend(checked.problems.into_iter().map(|problem| {
                let position = input
                    .properties
                    .iter()
                    .position(|(name, _)| *name == problem.property)
                    .unwrap_or_default();
                WriteProblem {
                    property: at
                        .property(position, &problem.property, PropertyPart::Name)
                        .render(Vocabulary::Json),
                    ..problem
                }
            }));
        }
    }
    let version = lookups.version();
    let object_type = validate(&request)?;
    let requests = request
        .chunks()
        .into_iter()
        .map(|range| dry_run::planned(&chunk_request(&request, object_type, version, range)))
        .collect();
    Ok(WritePreview { requests, problems })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::{Scripted, connection, json};
    use crate::http::HttpResponse;
    use crate::request::ActionRequest;
    use crate::transport::{Delivery, SendError};

    fn parse_json(action: &str, input: &str) -> Result<BatchRequest, Error> {
        match input::parse(Action::from_name(action)?, input)? {
            ActionRequest::Batch(request) => Ok(request),
            other => panic!("{other:?}"),
        }
    }

    fn creates(count: usize) -> BatchRequest {
        let mut request = BatchRequest::new(BatchKind::Create, "contacts");
        request.inputs = (0..count)
            .map(|index| BatchInput {
                properties: vec![("email".into(), format!("p{index}@example.com"))],
                ..BatchInput::default()
            })
            .collect();
        request
    }

    fn ids(kind: BatchKind, ids: &[&str]) -> BatchRequest {
        let mut request = BatchRequest::new(kind, "contacts");
        request.inputs = ids
            .iter()
            .map(|id| BatchInput {
                id: (*id).to_owned(),
                properties: if kind.writes() {
                    vec![("firstname".into(), "Ann".into())]
                } else {
                    Vec::new()
                },
                ..BatchInput::default()
            })
            .collect();
        request
    }

    fn records(ids: Range<usize>) -> String {
        let records: Vec<String> = ids
            .map(|id| format!(r#"{{"id":"{id}","properties":{{}},"objectWriteTraceId":"{id}"}}"#))
            .collect();
        format!(r#"{{"status":"COMPLETE","results":[{}]}}"#, records.join(","))
    }

    fn body(transport: &Scripted, index: usize) -> Value {
        serde_json::from_str(transport.sent[index].3.as_deref().unwrap_or("null")).unwrap()
    }

    fn invalid_path(result: Result<BatchRequest, Error>) -> String {
        match result.and_then(|request| validate(&request).map(|_| ())) {
            Err(Error::InvalidInput(invalid)) => invalid.path_in(Vocabulary::Json),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn batch_inputs_parse_in_hubspot_s_shapes() {
        let request = parse_json(
            "batch-upsert",
            r#"{"entity":"contacts","idProperty":"email","inputs":[{"id":"a@example.com","properties":{"firstname":"A"}}]}"#,
        )
        .unwrap();
        assert_eq!(request.kind, BatchKind::Upsert);
        assert_eq!(request.id_property.as_deref(), Some("email"));
        assert_eq!(request.inputs[0].id, "a@example.com");
        let read = parse_json(
            "batch-read",
            r#"{"entity":"deals","inputs":[{"id":7}],"propertiesWithHistory":["amount"],"archived":true}"#,
        )
        .unwrap();
        assert_eq!(read.inputs[0].id, "7");
        assert!(read.archived);
        assert_eq!(read.chunk_size(), BATCH_READ_HISTORY_SIZE);
    }

    #[test]
    fn batch_problems_name_the_input_they_are_in() {
        let cases = [
            ("batch-create", r#"{"entity":"contacts","inputs":[]}"#, "inputs"),
            ("batch-create", r#"{"entity":"contacts","inputs":{}}"#, "inputs"),
            (
                "batch-create",
                r#"{"entity":"contacts","inputs":[{"properties":{}},{"properties":{"bad name":"x"}}]}"#,
                "inputs[1].properties.bad name",
            ),
            (
                "batch-update",
                r#"{"entity":"contacts","inputs":[{"id":"1","properties":{"a":"b"}},{"id":"x@y.z","properties":{"a":"b"}}]}"#,
                "inputs[1].id",
            ),
            (
                "batch-update",
                r#"{"entity":"contacts","inputs":[{"id":"1","properties":{}}]}"#,
                "inputs[0].properties",
            ),
            (
                "batch-archive",
                r#"{"entity":"contacts","inputs":[{"id":"1"},{"id":"1"}]}"#,
                "inputs[1].id",
            ),
            (
                "batch-read",
                r#"{"entity":"contacts","inputs":[{"id":"1","extra":1}]}"#,
                "inputs[0].extra",
            ),
            (
                "batch-upsert",
                r#"{"entity":"contacts","inputs":[{"id":"a","properties":{"a":"b"}}]}"#,
                "idProperty",
            ),
            (
                "batch-create",
                r#"{"entity":"contact","inputs":[{"properties":{}}]}"#,
                "entity",
            ),
        ];
        for (action, input, path) in cases {
            assert_eq!(invalid_path(parse_json(action, input)), path, "{input}");
        }
        let too_many = format!(
            r#"{{"entity":"contacts","inputs":[{}]}}"#,
            vec![r#"{"id":"1"}"#; MAX_BATCH_INPUTS + 1].join(",")
        );
        assert_eq!(invalid_path(parse_json("batch-read", &too_many)), "inputs");
    }

    #[test]
    fn bad_input_sends_nothing() {
        let mut transport = Scripted::default();
        let mut request = creates(150);
        request.inputs[120].properties.push(("email".into(), "twice".into()));
        match run(&mut transport, &connection(), &request) {
            Err(Error::InvalidInput(invalid)) => {
                assert_eq!(invalid.path_in(Vocabulary::Json), "inputs[120].properties.email");
            }
            other => panic!("{other:?}"),
        }
        assert!(transport.sent.is_empty());
    }

    #[test]
    fn creates_go_in_chunks_of_100_each_input_with_its_index_as_trace_id() {
        let mut transport = Scripted::answering(vec![
            Ok(json(201, &records(0..100))),
            Ok(json(201, &records(100..200))),
            Ok(json(201, &records(200..250))),
        ]);
        let request = creates(250);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!(outcome.results.len(), 250);
        assert_eq!(outcome.chunks, 3);
        assert!(outcome.is_complete());
        let sizes: Vec<usize> = (0..3)
            .map(|n| body(&transport, n)["inputs"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, [100, 100, 50]);
        assert_eq!(body(&transport, 1)["inputs"][0]["objectWriteTraceId"], "100");
        assert_eq!(
            body(&transport, 2)["inputs"][49]["properties"]["email"],
            "p249@example.com"
        );
        assert_eq!(
            transport.sent[0].1,
            "http://127.0.0.1:9/crm/objects/2026-09/contacts/batch/create"
        );
        let merged: Value = serde_json::from_str(&outcome_json(&request, &outcome)).unwrap();
        assert_eq!(merged["status"], "COMPLETE");
        assert_eq!(merged["results"].as_array().unwrap().len(), 250);
        assert_eq!(merged["numErrors"], 0);
    }

    #[test]
    fn a_207_maps_each_error_to_the_caller_s_index() {
        let partial = json!({
            "status": "COMPLETE",
            "results": [{"id": "1", "properties": {}, "objectWriteTraceId": "100"}],
            "numErrors": 1,
            "errors": [{"status": "error", "category": "VALIDATION_ERROR", "message": "bad email",
                        "context": {"objectWriteTraceId": ["101"]}}]
        });
        let mut transport = Scripted::answering(vec![
            Ok(json(201, &records(0..100))),
            Ok(json(207, &partial.to_string())),
        ]);
        let outcome = run(&mut transport, &connection(), &creates(102)).unwrap();
        assert_eq!(outcome.failures.len(), 1);
        assert_eq!(outcome.failures[0].input_indexes, [101]);
        assert_eq!(outcome.failures[0].category, "VALIDATION_ERROR");
        assert_eq!(outcome.results.len(), 101);
        assert!(!outcome.is_complete());

        let not_found = json!({
            "status": "COMPLETE", "results": [], "numErrors": 1,
            "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "gone",
                        "context": {"ids": ["30", "10"]}}]
        });
        let mut transport = Scripted::answering(vec![Ok(json(207, &not_found.to_string()))]);
        let request = ids(BatchKind::Read, &["10", "20", "30"]);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!(outcome.failures[0].input_indexes, [0, 2]);
        let merged: Value = serde_json::from_str(&outcome_json(&request, &outcome)).unwrap();
        assert_eq!(merged["errors"][0]["inputIndexes"], json!([0, 2]));
        assert_eq!(merged["status"], "PARTIAL");
    }

    /// A 207 error refusing `value` of `name` for the input named in `context`.
    fn refused_option(context: Value, name: &str, message: &str) -> Value {
        let items = json!([{"isValid": false, "message": message, "error": "INVALID_OPTION", "name": name}]);
        json!({"status": "error", "category": "VALIDATION_ERROR",
               "message": format!("Property values were not valid: {items}"), "context": context})
    }

    #[test]
    fn labels_refused_in_a_207_are_sent_once_more_as_internal_values_for_those_inputs_only() {
        let mut request = BatchRequest::new(BatchKind::Update, "deals");
        request.inputs = [("10", "Closed Won"), ("20", "closedlost"), ("30", "Nowhere")]
            .iter()
            .map(|(id, stage)| BatchInput {
                id: (*id).into(),
                properties: vec![("dealstage".into(), (*stage).into())],
                ..BatchInput::default()
            })
            .collect();
        let stage_message = |value: &str| {
            format!(
                "{value} was not one of the allowed options. Valid options are: pipelineId=default : [closedwon, closedlost]"
            )
        };
        let first = json!({
            "status": "COMPLETE",
            "results": [{"id": "20", "properties": {"dealstage": "closedlost"}}],
            "numErrors": 2,
            "errors": [
                refused_option(json!({"ids": ["10"]}), "dealstage", &stage_message("Closed Won")),
                refused_option(json!({"ids": ["30"]}), "dealstage", &stage_message("Nowhere")),
            ]
        });
        let pipelines = json!({"results": [{"id": "default", "label": "Sales Pipeline", "displayOrder": 0,
            "stages": [{"id": "closedwon", "label": "Closed Won"}, {"id": "closedlost", "label": "Closed Lost"}]}]});
        let second = json!({"status": "COMPLETE", "results": [{"id": "10", "properties": {"dealstage": "closedwon"}}]});
        let mut transport = Scripted::answering(vec![
            Ok(json(207, &first.to_string())),
            Ok(json(200, &pipelines.to_string())),
            Ok(json(200, &second.to_string())),
        ]);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        let urls: Vec<&str> = transport.sent.iter().map(|sent| sent.1.as_str()).collect();
        assert_eq!(urls.len(), 3, "{urls:?}");
        assert!(urls[0].ends_with("/deals/batch/update"), "{urls:?}");
        assert!(
            urls[1].contains("/pipelines/") && urls[1].ends_with("/deals"),
            "{urls:?}"
        );
        assert!(urls[2].ends_with("/deals/batch/update"), "{urls:?}");
        assert_eq!(
            body(&transport, 2),
            json!({"inputs": [{"id": "10", "properties": {"dealstage": "closedwon"}}]})
        );
        // The label matched: its error is gone and its record is in; the unknown label keeps its error.
        assert_eq!(outcome.results.len(), 2);
        assert_eq!(outcome.failures.len(), 1);
        assert_eq!(outcome.failures[0].input_indexes, [2]);
        assert!(
            outcome.failures[0].message.contains("Nowhere"),
            "{:?}",
            outcome.failures[0]
        );

        // A create keeps its index as `objectWriteTraceId`; the labels HubSpot lists cost no lookup.
        let mut request = creates(3);
        request.inputs[1]
            .properties
            .push(("lifecyclestage".into(), " marketing qualified lead ".into()));
        let lifecycle = "marketing qualified lead was not one of the allowed options: [label: \"Lead\"\nvalue: \"lead\"\n, \
            label: \"Marketing Qualified Lead\"\nvalue: \"marketingqualifiedlead\"\n]";
        let first = json!({
            "status": "COMPLETE",
            "results": [{"id": "1", "properties": {}, "objectWriteTraceId": "0"},
                        {"id": "3", "properties": {}, "objectWriteTraceId": "2"}],
            "numErrors": 1,
            "errors": [refused_option(json!({"objectWriteTraceId": ["1"]}), "lifecyclestage", lifecycle)]
        });
        let mut transport = Scripted::answering(vec![
            Ok(json(207, &first.to_string())),
            Ok(json(
                201,
                r#"{"status":"COMPLETE","results":[{"id":"2","properties":{},"objectWriteTraceId":"1"}]}"#,
            )),
        ]);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!(transport.sent.len(), 2);
        assert_eq!(
            body(&transport, 1)["inputs"],
            json!([{"properties": {"email": "p1@example.com", "lifecyclestage": "marketingqualifiedlead"},
                    "associations": [], "objectWriteTraceId": "1"}])
        );
        assert!(outcome.is_complete(), "{outcome:?}");
        assert_eq!(outcome.results.len(), 3);
    }

    #[test]
    fn values_already_right_or_errors_of_another_kind_cost_no_extra_request() {
        let mut transport = Scripted::answering(vec![Ok(json(200, &records(0..2)))]);
        let outcome = run(&mut transport, &connection(), &ids(BatchKind::Update, &["0", "1"])).unwrap();
        assert!(outcome.is_complete());
        assert_eq!(transport.sent.len(), 1);

        let partial = json!({
            "status": "COMPLETE", "results": [], "numErrors": 1,
            "errors": [{"status": "error", "category": "VALIDATION_ERROR",
                        "message": "Property values were not valid: [{\"isValid\":false,\"message\":\"bad\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]",
                        "context": {"objectWriteTraceId": ["0"]}}]
        });
        let mut transport = Scripted::answering(vec![Ok(json(207, &partial.to_string()))]);
        let outcome = run(&mut transport, &connection(), &creates(1)).unwrap();
        assert_eq!(transport.sent.len(), 1);
        assert_eq!(outcome.failures[0].input_indexes, [0]);
    }

    #[test]
    fn a_create_chunk_without_an_answer_is_in_doubt_and_not_sent_again() {
        let dropped = SendError {
            kind: TransportFailure::Connection,
            message: "connection reset".into(),
            delivery: Delivery::MaybeSent,
        };
        let mut transport = Scripted::answering(vec![
            Ok(json(201, &records(0..100))),
            Err(dropped),
            Ok(json(201, &records(200..210))),
        ]);
        let outcome = run(&mut transport, &connection(), &creates(210)).unwrap();
        assert_eq!(transport.sent.len(), 3, "the second chunk went once");
        assert_eq!(outcome.in_doubt, (100..200).collect::<Vec<_>>());
        assert_eq!(outcome.results.len(), 110);
        assert_eq!(outcome.chunks, 3);
    }

    #[test]
    fn an_update_chunk_that_fails_is_retried_then_reported_for_each_input() {
        let mut transport = Scripted::answering(vec![
            Ok(json(503, "{}")),
            Ok(json(200, r#"{"status":"COMPLETE","results":[{"id":"1"}]}"#)),
        ]);
        let request = ids(BatchKind::Update, &["1"]);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!(transport.sent.len(), 2);
        assert!(outcome.is_complete());

        let refused = r#"{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR"}"#;
        let mut transport = Scripted::answering(vec![Ok(json(400, refused))]);
        let request = ids(BatchKind::Update, &["1", "2"]);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!(outcome.failures[0].input_indexes, [0, 1]);
        assert_eq!(outcome.failures[0].status, Some(400));
        assert_eq!(outcome.failures[0].category, "VALIDATION_ERROR");
    }

    #[test]
    fn a_rate_limited_chunk_waits_and_goes_again_even_for_creates() {
        let limited = HttpResponse {
            status: 429,
            headers: vec![("retry-after".into(), "1".into())],
            body: br#"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","policyName":"TEN_SECONDLY_ROLLING"}"#.to_vec(),
        };
        let mut transport = Scripted::answering(vec![
            Ok(json(201, &records(0..100))),
            Ok(limited),
            Ok(json(201, &records(100..150))),
        ]);
        let outcome = run(&mut transport, &connection(), &creates(150)).unwrap();
        assert!(outcome.is_complete(), "{outcome:?}");
        assert_eq!((outcome.chunks, outcome.results.len()), (2, 150));
        // HubSpot did not process the 429'd chunk: the same chunk went again after the wait.
        assert_eq!(transport.sent[1].3, transport.sent[2].3);
        assert_eq!(transport.slept, [std::time::Duration::from_secs(1)]);
    }

    #[test]
    fn typed_records_carry_their_input_index_and_upsert_flag() {
        let answer = r#"{"status":"COMPLETE","results":[
            {"id":"1","properties":{"email":"a@b.co"},"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z","archived":false,"objectWriteTraceId":"4","new":true}]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, answer))]);
        let outcome = run(&mut transport, &connection(), &ids(BatchKind::Upsert, &["1"]))
            .map(|outcome| typed_results(&outcome).unwrap());
        let typed = outcome.unwrap();
        assert_eq!(
            (typed[0].record.id.as_str(), typed[0].input_index, typed[0].new),
            ("1", Some(4), Some(true))
        );
        let wrong = BatchOutcome {
            results: vec![RawValue::from_string(r#"{"id":1}"#.into()).unwrap()],
            ..BatchOutcome::default()
        };
        assert!(matches!(typed_results(&wrong), Err(Error::Transport(_))));
    }

    #[test]
    fn an_error_every_chunk_would_meet_stops_the_run_and_keeps_what_was_done() {
        let forbidden = r#"{"status":"error","message":"missing scopes","category":"MISSING_SCOPES"}"#;
        let mut transport = Scripted::answering(vec![Ok(json(201, &records(0..100))), Ok(json(403, forbidden))]);
        let request = creates(300);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!(transport.sent.len(), 2);
        assert_eq!(outcome.not_sent, (100..300).collect::<Vec<_>>());
        assert!(matches!(outcome.stopped_by, Some(Error::Forbidden { .. })));
        let merged: Value = serde_json::from_str(&outcome_json(&request, &outcome)).unwrap();
        assert_eq!(merged["stoppedBy"]["httpStatus"], 403);
        assert_eq!(merged["notSent"].as_array().unwrap().len(), 200);
        // On the first chunk nothing was written: the action fails.
        let mut transport = Scripted::answering(vec![Ok(json(401, r#"{"message":"no"}"#))]);
        let result = run(&mut transport, &connection(), &creates(300));
        assert!(matches!(result, Err(Error::Unauthorized(_))), "{result:?}");
    }

    #[test]
    fn reads_with_history_go_in_fifties_and_archives_report_what_was_archived() {
        let mut request = ids(
            BatchKind::Read,
            &(1..=120)
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        request.properties_with_history = vec!["lifecyclestage".into()];
        request.id_property = Some("hs_object_id".into());
        let mut transport = Scripted::answering(vec![
            Ok(json(200, &records(0..50))),
            Ok(json(200, &records(50..100))),
            Ok(json(200, &records(100..120))),
        ]);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!((outcome.chunks, outcome.results.len()), (3, 120));
        let first = body(&transport, 0);
        assert_eq!(first["inputs"].as_array().unwrap().len(), 50);
        assert_eq!(first["propertiesWithHistory"], json!(["lifecyclestage"]));
        // HubSpot's defaults: contacts have no connector-chosen ones.
        assert_eq!(first["properties"], json!([]));
        assert_eq!(first["idProperty"], "hs_object_id");

        let mut transport = Scripted::answering(vec![Ok(HttpResponse {
            status: 204,
            ..HttpResponse::default()
        })]);
        let request = ids(BatchKind::Archive, &["5", "6"]);
        let outcome = run(&mut transport, &connection(), &request).unwrap();
        assert_eq!(outcome.archived, [0, 1]);
        assert_eq!(body(&transport, 0), json!({"inputs": [{"id": "5"}, {"id": "6"}]}));
    }

    #[test]
    fn a_batch_dry_run_reads_definitions_once_and_plans_every_chunk() {
        let definitions = r#"{"results":[
            {"name":"email","label":"Email","type":"string","fieldType":"text"},
            {"name":"lifecyclestage","label":"Lifecycle Stage","type":"enumeration","fieldType":"select",
             "options":[{"label":"Lead","value":"lead"}]}]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, definitions))]);
        let mut request = creates(120);
        request.inputs[3]
            .properties
            .push(("lifecyclestage".into(), "Lead".into()));
        request.inputs[7].properties.push(("emial".into(), "x".into()));
        let preview = preview(&mut transport, &connection(), &request).unwrap();
        assert_eq!(transport.sent.len(), 1);
        assert_eq!(transport.sent[0].0, Method::Get);
        assert_eq!(preview.requests.len(), 2);
        assert_eq!(preview.problems.len(), 1);
        assert_eq!(preview.problems[0].property, "inputs[7].properties.emial");
        let planned: Value = serde_json::from_str(preview.requests[0].body.as_deref().unwrap()).unwrap();
        assert_eq!(planned["inputs"][3]["properties"]["lifecyclestage"], "lead");
    }
}
