//! Oracles and input formats shared by the fuzz targets: what every request the
//! connector builds and every answer it maps must satisfy, checked from outside.
//!
//! Each check returns `Err(reason)` instead of panicking so that the unit tests
//! below can prove every check rejects a deliberately broken value; the targets
//! turn an `Err` into a panic, which libFuzzer reports as a crash.

use hubspot_connector::action::{ACTIONS, Action};
use hubspot_connector::api_version::ApiVersion;
use hubspot_connector::batch::{BatchKind, BatchRequest};
use hubspot_connector::entity::ObjectType;
use hubspot_connector::error::TransportFailure;
use hubspot_connector::error::{Error, MAX_ERROR_BODY};
use hubspot_connector::http::{HttpRequest, HttpResponse, Method, Repeatable};
use hubspot_connector::limits::{
    MAX_FILTER_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS_TOTAL, MAX_SEARCH_LIMIT, MIN_SEARCH_LIMIT,
};
use hubspot_connector::request::ActionRequest;
use hubspot_connector::transport::{Delivery, SendError};
use serde_json::{Map, Value};

/// The only prefixes a built request's path may start with.
pub const PATH_PREFIXES: [&str; 8] = [
    "/crm/v3/objects/",
    "/crm/v3/pipelines/",
    "/crm/v3/properties/",
    "/crm/v3/owners",
    "/crm-object-schemas/v3/schemas",
    "/crm/v4/objects/",
    "/crm/v4/associations/",
    "/crm/associations/v4/",
];

/// Whether `path` is a read the connector makes to resolve names (owners,
/// custom object schemas, one property's definition, the association labels
/// between two types) rather than the action's own request.
pub fn is_lookup(path: &str) -> bool {
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    let one_property = path
        .strip_prefix("/crm/v3/properties/")
        .is_some_and(|rest| rest.matches('/').count() == 1);
    let labels = path
        .strip_prefix("/crm/associations/v4/")
        .is_some_and(|rest| rest.ends_with("/labels") && rest.matches('/').count() == 2);
    path.starts_with("/crm/v3/owners") || path.starts_with("/crm-object-schemas/v3/schemas") || one_property || labels
}

/// Whether an association write needs the pair's labels read first: a label,
/// or a type id without its category.
fn needs_labels(request: &ActionRequest) -> bool {
    match request {
        ActionRequest::Associate(associate) => {
            associate.label.is_some() || (associate.type_id.is_some() && associate.category.is_none())
        }
        ActionRequest::RemoveAssociation(remove) => remove.label.is_some(),
        _ => false,
    }
}

/// The API version the targets build requests for: the one whose paths
/// [`PATH_PREFIXES`] and [`check_request`] describe. Every version differs
/// only in the prefix, which the connector's own tests cover.
/// (Were `v3` ever dropped, the default's paths would fail every check.)
pub fn v3() -> ApiVersion {
    ApiVersion::named("v3").unwrap_or_default()
}

/// The action a fuzz input's first byte selects: `'0'`..`'8'` pick the
/// actions in [`ACTIONS`] order, so seed files stay readable text; every
/// other byte maps onto the list too.
pub fn action_from_byte(byte: u8) -> Action {
    ACTIONS[usize::from(byte.wrapping_sub(b'0')) % ACTIONS.len()].action
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes text that may hold only unreserved characters and `%XX` escapes
/// with upper-case hex; anything else is an error, so this doubles as the
/// check that a value was fully encoded.
pub fn percent_decode_strict(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let high = bytes.get(index + 1).copied().and_then(hex_value);
            let low = bytes.get(index + 2).copied().and_then(hex_value);
            match (high, low) {
                (Some(high), Some(low)) => decoded.push(high * 16 + low),
                _ => return Err(format!("bad escape at byte {index} of {text:?}")),
            }
            index += 3;
        } else if is_unreserved(byte) {
            decoded.push(byte);
            index += 1;
        } else {
            return Err(format!("unencoded byte {byte:#04x} at {index} of {text:?}"));
        }
    }
    String::from_utf8(decoded).map_err(|_| format!("{text:?} does not decode to UTF-8"))
}

fn object_segment(object_type: &str) -> Result<String, String> {
    ObjectType::parse(object_type)
        .map(|t| t.path_segment().to_owned())
        .map_err(|_| format!("accepted the unknown object type {object_type:?}"))
}

/// The `properties` a read or listing asks for: the caller's, or the
/// object type's defaults when the caller names none.
fn asked_properties(given: &[String], object_type: &str) -> Vec<(&'static str, String)> {
    if given.is_empty() {
        let defaults = ObjectType::parse(object_type).map_or(&[][..], |t| t.default_properties());
        defaults.iter().map(|p| ("properties", (*p).to_owned())).collect()
    } else {
        given.iter().map(|p| ("properties", p.clone())).collect()
    }
}

/// What a request's URL must decode to.
struct ExpectedUrl {
    /// The path's segments, decoded.
    segments: Vec<String>,
    /// The query's key and decoded value pairs, in order.
    query: Vec<(&'static str, String)>,
}

/// The URL `request` must produce.
fn expected_url(request: &ActionRequest) -> Result<ExpectedUrl, String> {
    let base = |kind: &str, object_type: &str| -> Result<Vec<String>, String> {
        Ok(vec![
            "crm".into(),
            "v3".into(),
            kind.into(),
            object_segment(object_type)?,
        ])
    };
    let mut query: Vec<(&'static str, String)> = Vec::new();
    let segments = match request {
        ActionRequest::Create(create) => base("objects", &create.object_type)?,
        ActionRequest::Read(read) => {
            query.extend(asked_properties(&read.properties, &read.object_type));
            query.extend(
                read.properties_with_history
                    .iter()
                    .map(|p| ("propertiesWithHistory", p.clone())),
            );
            for association in &read.associations {
                query.push(("associations", object_segment(association)?));
            }
            if read.archived {
                query.push(("archived", "true".into()));
            }
            if let Some(id_property) = &read.id_property {
                query.push(("idProperty", id_property.clone()));
            }
            let mut segments = base("objects", &read.object_type)?;
            segments.push(read.record_id.clone());
            segments
        }
        ActionRequest::Update(update) => {
            if let Some(id_property) = &update.id_property {
                query.push(("idProperty", id_property.clone()));
            }
            let mut segments = base("objects", &update.object_type)?;
            segments.push(update.record_id.clone());
            segments
        }
        ActionRequest::Archive(archive) => {
            let mut segments = base("objects", &archive.object_type)?;
            segments.push(archive.record_id.clone());
            segments
        }
        ActionRequest::Search(search) => {
            let mut segments = base("objects", &search.object_type)?;
            segments.push("search".into());
            segments
        }
        ActionRequest::GetPipelines(pipelines) => base("pipelines", &pipelines.object_type)?,
        ActionRequest::GetPipelineStage(stage) => {
            let mut segments = base("pipelines", &stage.object_type)?;
            segments.extend([stage.pipeline_id.clone(), "stages".into(), stage.stage_id.clone()]);
            segments
        }
        ActionRequest::GetProperties(properties) => {
            if properties.archived {
                query.push(("archived", "true".into()));
            }
            base("properties", &properties.object_type)?
        }
        ActionRequest::TestConnection => return Err("the connection test builds no request".into()),
        ActionRequest::List(list) => {
            query.extend(asked_properties(&list.properties, &list.object_type));
            query.extend(
                list.properties_with_history
                    .iter()
                    .map(|p| ("propertiesWithHistory", p.clone())),
            );
            for association in &list.associations {
                query.push(("associations", object_segment(association)?));
            }
            if list.archived {
                query.push(("archived", "true".into()));
            }
            let page_size = match list.max_results {
                Some(max) => Some(list.limit.unwrap_or(100).min(max)),
                None => list.limit,
            };
            if let Some(size) = page_size {
                query.push(("limit", size.to_string()));
            }
            if let Some(after) = &list.after {
                query.push(("after", after.clone()));
            }
            base("objects", &list.object_type)?
        }
        ActionRequest::GetOwners(owners) => {
            query.push(("limit", "100".into()));
            if let Some(email) = &owners.email {
                query.push(("email", email.clone()));
            }
            if owners.archived {
                query.push(("archived", "true".into()));
            }
            vec!["crm".into(), "v3".into(), "owners".into()]
        }
        ActionRequest::GetObjectTypes => vec!["crm-object-schemas".into(), "v3".into(), "schemas".into()],
        ActionRequest::GetAssociationLabels(labels) => labels_url(&labels.object_type, &labels.to_object_type)?,
        ActionRequest::Associate(associate) if needs_labels(request) => {
            labels_url(&associate.object_type, &associate.to_object_type)?
        }
        ActionRequest::RemoveAssociation(remove) if needs_labels(request) => {
            labels_url(&remove.object_type, &remove.to_object_type)?
        }
        ActionRequest::Associate(associate) => {
            let mut segments = record_associations_url(&associate.object_type, &associate.record_id)?;
            if associate.type_id.is_none() {
                segments.push("default".into());
            }
            segments.extend([
                object_segment(&associate.to_object_type)?,
                associate.to_record_id.clone(),
            ]);
            segments
        }
        ActionRequest::RemoveAssociation(remove) => {
            let mut segments = record_associations_url(&remove.object_type, &remove.record_id)?;
            segments.extend([object_segment(&remove.to_object_type)?, remove.to_record_id.clone()]);
            segments
        }
        ActionRequest::GetAssociations(associations) => {
            query.push(("limit", "500".into()));
            let mut segments = record_associations_url(&associations.object_type, &associations.record_id)?;
            segments.push(object_segment(&associations.to_object_type)?);
            segments
        }
        ActionRequest::Batch(batch) => {
            if batch.kind == BatchKind::Read && batch.archived {
                query.push(("archived", "true".into()));
            }
            let operation = match batch.kind {
                BatchKind::Create => "create",
                BatchKind::Read => "read",
                BatchKind::Update => "update",
                BatchKind::Upsert => "upsert",
                BatchKind::Archive => "archive",
            };
            let mut segments = base("objects", &batch.object_type)?;
            segments.extend(["batch".into(), operation.into()]);
            segments
        }
    };
    Ok(ExpectedUrl { segments, query })
}

/// `/crm/associations/v4/{from}/{to}/labels`, decoded.
fn labels_url(from: &str, to: &str) -> Result<Vec<String>, String> {
    Ok(vec![
        "crm".into(),
        "associations".into(),
        "v4".into(),
        object_segment(from)?,
        object_segment(to)?,
        "labels".into(),
    ])
}

/// `/crm/v4/objects/{type}/{id}/associations`, decoded.
fn record_associations_url(object_type: &str, id: &str) -> Result<Vec<String>, String> {
    Ok(vec![
        "crm".into(),
        "v4".into(),
        "objects".into(),
        object_segment(object_type)?,
        id.to_owned(),
        "associations".into(),
    ])
}

/// The query keys each action may send.
fn known_query_keys(action: Action) -> &'static [&'static str] {
    match action {
        Action::Read => &[
            "properties",
            "propertiesWithHistory",
            "associations",
            "archived",
            "idProperty",
        ],
        Action::Update => &["idProperty"],
        Action::GetProperties => &["archived"],
        Action::List => &[
            "properties",
            "propertiesWithHistory",
            "associations",
            "archived",
            "limit",
            "after",
        ],
        Action::GetOwners => &["limit", "email", "archived"],
        Action::GetAssociations => &["limit"],
        Action::BatchRead => &["archived"],
        _ => &[],
    }
}

/// Checks a request `to_http` built for `request`: fixed prefix, every
/// segment and query value fully encoded and decoding to exactly the value
/// it came from, no dot segments, only known query keys, and a JSON body
/// that says what the request says.
pub fn check_request(request: &ActionRequest, http: &HttpRequest) -> Result<(), String> {
    let action = request.action();
    let (path, query) = match http.path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (http.path_and_query.as_str(), None),
    };
    if !PATH_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
        return Err(format!("path {path:?} does not start with a fixed prefix"));
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let mut decoded = Vec::with_capacity(segments.len());
    for segment in &segments {
        if segment.is_empty() || *segment == "." || *segment == ".." {
            return Err(format!("path {path:?} has an empty or dot segment"));
        }
        decoded.push(percent_decode_strict(segment)?);
    }
    let ExpectedUrl {
        segments: expected_segments,
        query: expected_query,
    } = expected_url(request)?;
    if decoded != expected_segments {
        return Err(format!(
            "path {path:?} decodes to {decoded:?}, expected {expected_segments:?}"
        ));
    }

    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(query) = query {
        for pair in query.split('&') {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("query part {pair:?} is not key=value"))?;
            if !known_query_keys(action).contains(&key) {
                return Err(format!("unknown query key {key:?} for {}", action.name()));
            }
            pairs.push((key, percent_decode_strict(value)?));
        }
    }
    let expected_pairs: Vec<(&str, String)> = expected_query.into_iter().collect();
    if pairs != expected_pairs {
        return Err(format!("query decodes to {pairs:?}, expected {expected_pairs:?}"));
    }

    let (method, has_body, repeatable) = match request {
        _ if needs_labels(request) => (Method::Get, false, Repeatable::Yes),
        ActionRequest::Associate(associate) => (Method::Put, associate.type_id.is_some(), Repeatable::Yes),
        ActionRequest::RemoveAssociation(_) => (Method::Delete, false, Repeatable::Yes),
        _ => match action {
            Action::Create | Action::BatchCreate => (Method::Post, true, Repeatable::OnlyIfUnprocessed),
            Action::Search | Action::BatchRead | Action::BatchUpdate | Action::BatchUpsert | Action::BatchArchive => {
                (Method::Post, true, Repeatable::Yes)
            }
            Action::Update => (Method::Patch, true, Repeatable::Yes),
            Action::Archive => (Method::Delete, false, Repeatable::Yes),
            _ => (Method::Get, false, Repeatable::Yes),
        },
    };
    if (http.method, http.body.is_some(), http.repeatable) != (method, has_body, repeatable) {
        return Err(format!(
            "{} built {:?} with body {} and {:?}",
            action.name(),
            http.method,
            http.body.is_some(),
            http.repeatable
        ));
    }
    if let Some(body) = &http.body {
        let json: Value = serde_json::from_slice(body).map_err(|error| format!("body is not JSON: {error}"))?;
        check_body(request, &json)?;
    }
    Ok(())
}

fn properties_json(properties: &[(String, String)]) -> Value {
    Value::Object(
        properties
            .iter()
            .map(|(name, value)| (name.clone(), Value::from(value.as_str())))
            .collect::<Map<_, _>>(),
    )
}

fn check_body(request: &ActionRequest, body: &Value) -> Result<(), String> {
    if let ActionRequest::Associate(associate) = request {
        let category = associate.category.map(|category| category.name());
        let expected = serde_json::json!([{
            "associationCategory": category,
            "associationTypeId": associate.type_id,
        }]);
        return if body == &expected {
            Ok(())
        } else {
            Err(format!("associate body {body} is not the type given"))
        };
    }
    let object = body.as_object().ok_or("body is not a JSON object")?;
    match request {
        ActionRequest::Create(create) => {
            if object.get("properties") != Some(&properties_json(&create.properties)) {
                return Err(format!("create body {body} does not carry the properties given"));
            }
            let associations = object.get("associations").and_then(Value::as_array);
            let sent_ids: Vec<&str> = associations
                .into_iter()
                .flatten()
                .map(|a| a.pointer("/to/id").and_then(Value::as_str).unwrap_or(""))
                .collect();
            let given_ids: Vec<&str> = create.associations.iter().map(|a| a.to_id.as_str()).collect();
            if sent_ids != given_ids {
                return Err(format!("create body associates {sent_ids:?}, given {given_ids:?}"));
            }
        }
        ActionRequest::Update(update) => {
            if body != &serde_json::json!({ "properties": properties_json(&update.properties) }) {
                return Err(format!(
                    "update body {body} does not carry exactly the properties given"
                ));
            }
        }
        ActionRequest::Search(_) => check_search_body(object)?,
        ActionRequest::Batch(batch) => check_batch_body(batch, object)?,
        _ => return Err("a body on a request that takes none".into()),
    }
    Ok(())
}

/// A batch's first request: at most HubSpot's batch size of inputs, the
/// first ones given, each create input traced by its index.
fn check_batch_body(batch: &BatchRequest, body: &Map<String, Value>) -> Result<(), String> {
    let inputs = body
        .get("inputs")
        .and_then(Value::as_array)
        .ok_or("a batch body without inputs")?;
    if inputs.is_empty() || inputs.len() > batch.chunk_size() || inputs.len() > batch.inputs.len() {
        return Err(format!("a batch chunk of {} inputs sent", inputs.len()));
    }
    for (index, (sent, given)) in inputs.iter().zip(&batch.inputs).enumerate() {
        let ok = match batch.kind {
            BatchKind::Create => {
                sent.get("properties") == Some(&properties_json(&given.properties))
                    && sent.get("objectWriteTraceId") == Some(&Value::from(index.to_string()))
            }
            BatchKind::Update | BatchKind::Upsert => {
                sent.get("properties") == Some(&properties_json(&given.properties))
                    && sent.get("id") == Some(&Value::from(given.id.as_str()))
            }
            BatchKind::Read | BatchKind::Archive => sent == &serde_json::json!({ "id": given.id }),
        };
        if !ok {
            return Err(format!("batch input {index} sent as {sent}"));
        }
    }
    Ok(())
}

/// HubSpot's search limits, read off the body actually sent.
pub fn check_search_body(body: &Map<String, Value>) -> Result<(), String> {
    const KEYS: [&str; 6] = ["filterGroups", "sorts", "query", "properties", "limit", "after"];
    if let Some(key) = body.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(format!("search body has unknown member {key:?}"));
    }
    if let Some(limit) = body.get("limit") {
        let limit = limit.as_u64().ok_or("search limit is not an integer")?;
        if !(u64::from(MIN_SEARCH_LIMIT)..=u64::from(MAX_SEARCH_LIMIT)).contains(&limit) {
            return Err(format!("search limit {limit} sent"));
        }
    }
    let groups = match body.get("filterGroups") {
        None => return Ok(()),
        Some(groups) => groups.as_array().ok_or("filterGroups is not an array")?,
    };
    if groups.len() > MAX_FILTER_GROUPS {
        return Err(format!("{} filter groups sent", groups.len()));
    }
    let mut total = 0;
    for group in groups {
        let filters = group
            .get("filters")
            .and_then(Value::as_array)
            .ok_or("a filter group without filters")?;
        if filters.is_empty() || filters.len() > MAX_FILTERS_PER_GROUP {
            return Err(format!("a filter group of {} filters sent", filters.len()));
        }
        total += filters.len();
    }
    if total > MAX_FILTERS_TOTAL {
        return Err(format!("{total} filters sent"));
    }
    Ok(())
}

/// An error returned before anything was sent must be `InvalidInput`.
pub fn check_rejection(error: &Error) -> Result<(), String> {
    match error {
        Error::InvalidInput(problem) if !problem.message.is_empty() => Ok(()),
        other => Err(format!("input was rejected with {other:?} instead of invalid-input")),
    }
}

/// Whether `text` is a JSON text by RFC 8259's grammar, recognised without
/// recursion (any depth) and without converting numbers (any magnitude), so
/// it judges exactly the grammar and nothing a particular parser adds.
pub fn is_json_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    // Open containers: `true` for an object, `false` for an array.
    let mut open: Vec<bool> = Vec::new();
    let skip_ws = |at: &mut usize| {
        while matches!(bytes.get(*at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            *at += 1;
        }
    };
    loop {
        // A value is expected at `at`.
        skip_ws(&mut at);
        match bytes.get(at) {
            Some(b'{') | Some(b'[') => {
                let object = bytes[at] == b'{';
                at += 1;
                skip_ws(&mut at);
                let close = if object { b'}' } else { b']' };
                if bytes.get(at) == Some(&close) {
                    at += 1;
                } else {
                    open.push(object);
                    if object && !member_name(bytes, &mut at, &skip_ws) {
                        return false;
                    }
                    continue;
                }
            }
            Some(b'"') => {
                if !string(bytes, &mut at) {
                    return false;
                }
            }
            Some(b't') if bytes[at..].starts_with(b"true") => at += 4,
            Some(b'f') if bytes[at..].starts_with(b"false") => at += 5,
            Some(b'n') if bytes[at..].starts_with(b"null") => at += 4,
            Some(b'-' | b'0'..=b'9') => {
                if !number(bytes, &mut at) {
                    return false;
                }
            }
            _ => return false,
        }
        // A value ended: close containers or move to the next element.
        loop {
            skip_ws(&mut at);
            let Some(&object) = open.last() else {
                return at == bytes.len();
            };
            match bytes.get(at) {
                Some(b',') => {
                    at += 1;
                    if object && !member_name(bytes, &mut at, &skip_ws) {
                        return false;
                    }
                    break;
                }
                Some(b'}') if object => {
                    at += 1;
                    open.pop();
                }
                Some(b']') if !object => {
                    at += 1;
                    open.pop();
                }
                _ => return false,
            }
        }
    }
}

/// Reads `"name" :` of an object member.
fn member_name(bytes: &[u8], at: &mut usize, skip_ws: &impl Fn(&mut usize)) -> bool {
    skip_ws(at);
    if bytes.get(*at) != Some(&b'"') || !string(bytes, at) {
        return false;
    }
    skip_ws(at);
    if bytes.get(*at) != Some(&b':') {
        return false;
    }
    *at += 1;
    true
}

/// Reads a string starting at its opening quote. The text is valid UTF-8
/// already; escapes of lone surrogates are grammatical.
fn string(bytes: &[u8], at: &mut usize) -> bool {
    *at += 1;
    loop {
        match bytes.get(*at) {
            None => return false,
            Some(b'"') => {
                *at += 1;
                return true;
            }
            Some(b'\\') => match bytes.get(*at + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => *at += 2,
                Some(b'u') => {
                    let hex = bytes.get(*at + 2..*at + 6);
                    if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                        return false;
                    }
                    *at += 6;
                }
                _ => return false,
            },
            Some(0x00..=0x1f) => return false,
            Some(_) => *at += 1,
        }
    }
}

/// Reads `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number(bytes: &[u8], at: &mut usize) -> bool {
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > start
    };
    if bytes.get(*at) == Some(&b'-') {
        *at += 1;
    }
    match bytes.get(*at) {
        Some(b'0') => *at += 1,
        Some(b'1'..=b'9') => {
            digits(at);
        }
        _ => return false,
    }
    if bytes.get(*at) == Some(&b'.') {
        *at += 1;
        if !digits(at) {
            return false;
        }
    }
    if matches!(bytes.get(*at), Some(b'e' | b'E')) {
        *at += 1;
        if matches!(bytes.get(*at), Some(b'+' | b'-')) {
            *at += 1;
        }
        if !digits(at) {
            return false;
        }
    }
    true
}

/// Checks what `response::interpret` made of `response`: a 2xx is success
/// exactly when its body is blank, or is UTF-8 JSON text not labelled as
/// something else, and a malformed-response error carrying status and
/// attempts otherwise; any other status is the typed error for it.
pub fn check_interpretation(
    response: &HttpResponse,
    attempts: u32,
    result: &Result<hubspot_connector::response::Success, Error>,
) -> Result<(), String> {
    let status = response.status;
    let blank = response.body.iter().all(u8::is_ascii_whitespace);
    let labelled_json = response
        .header("content-type")
        .is_none_or(|content_type| content_type.to_ascii_lowercase().contains("json"));
    let json_text = std::str::from_utf8(&response.body).is_ok_and(is_json_text);
    let acceptable = blank || (labelled_json && json_text);
    match result {
        Ok(success) => {
            if !(200..300).contains(&status) {
                return Err(format!("status {status} was taken for success"));
            }
            if !acceptable {
                return Err("a body that is not JSON text was taken for success".into());
            }
            if success.status != status {
                return Err(format!("success carries status {} for {status}", success.status));
            }
            let expected_body = if blank { &[][..] } else { response.body.as_slice() };
            if success.body.as_bytes() != expected_body {
                return Err("the success body is not the body received".into());
            }
            if blank && !success.body.is_empty() {
                return Err("a blank body was not read as empty".into());
            }
        }
        Err(Error::Transport(transport)) => {
            if !(200..300).contains(&status) {
                return Err(format!("status {status} became a transport error"));
            }
            if acceptable {
                return Err(format!(
                    "an acceptable {status} body was called malformed: {transport:?}"
                ));
            }
            if transport.kind != TransportFailure::MalformedResponse
                || transport.status != Some(status)
                || transport.attempts != attempts
            {
                return Err(format!("a bad {status} body gave {transport:?}"));
            }
        }
        Err(error) => {
            let detail = error
                .api_error()
                .ok_or_else(|| format!("status {status} gave {error:?} without HubSpot's answer"))?;
            if detail.status != status || detail.attempts != attempts {
                return Err(format!(
                    "status {status} after {attempts} attempts gave {} after {}",
                    detail.status, detail.attempts
                ));
            }
            let expected_kind = match status {
                401 => "unauthorized",
                403 => "forbidden",
                404 => "not-found",
                409 => "conflict",
                429 => "rate-limited",
                400 if detail.category.as_deref() == Some("VALIDATION_ERROR") => "validation",
                _ => "hubspot",
            };
            if error.kind() != expected_kind || (200..300).contains(&status) {
                return Err(format!("status {status} mapped to {}", error.kind()));
            }
            if !error.to_string().contains(&status.to_string()) {
                return Err(format!(
                    "the message {:?} does not name status {status}",
                    error.to_string()
                ));
            }
            if detail.body.len() > MAX_ERROR_BODY || !String::from_utf8_lossy(&response.body).starts_with(&detail.body)
            {
                return Err("the kept error body is not a bounded prefix of the body received".into());
            }
            if let Error::Conflict {
                existing_id: Some(id), ..
            } = error
                && (id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(format!("conflict names the existing id {id:?}"));
            }
            if let Error::Forbidden { missing_scopes, .. } = error {
                let mut unique = missing_scopes.clone();
                unique.sort();
                unique.dedup();
                if unique.len() != missing_scopes.len() {
                    return Err("missing scopes are repeated".into());
                }
            }
        }
    }
    Ok(())
}

/// Parses the text form of an HTTP response the fuzz seeds use:
///
/// ```text
/// STATUS [ATTEMPTS]
/// header-name: value
///
/// body bytes…
/// ```
///
/// Every byte string parses to something: a status line without digits is
/// status 0, header lines without `:` are skipped, header names are lower-cased
/// as the transport does.
pub fn parse_response(data: &[u8]) -> (HttpResponse, u32) {
    let (head, body) = match find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let mut numbers = lines.next().unwrap_or("").split_whitespace().map(|word| {
        word.bytes()
            .filter(u8::is_ascii_digit)
            .fold(0u64, |n, d| n.wrapping_mul(10).wrapping_add(u64::from(d - b'0')))
    });
    // Truncation is the point: any digit string maps onto some status.
    let status = (numbers.next().unwrap_or(0) % 65_536) as u16;
    let attempts = (numbers.next().unwrap_or(1) % 1_000) as u32;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| {
            (
                name.trim().to_ascii_lowercase(),
                value.strip_prefix(' ').unwrap_or(value).to_owned(),
            )
        })
        .collect();
    (
        HttpResponse {
            status,
            headers,
            body: body.to_vec(),
        },
        attempts,
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// One scripted answer to a request: a response, or a failure to get one.
#[derive(Debug, Clone)]
pub enum Answer {
    /// An HTTP response.
    Response(HttpResponse),
    /// No response.
    Failure(SendError),
}

/// A scripted `tool::invoke` call in the text form of the fuzz seeds:
/// setup lines (`action NAME`, `token TOKEN`, `base URL` or `base -`,
/// `input JSON`, `latency MS`, `random N`, `start NANOS`), then answers,
/// each after a line `%%`: a response in [`parse_response`]'s form, or
/// `! KIND DELIVERY` (`denied|dns|connection|timeout|tls|protocol|other`,
/// `not-sent|maybe-sent`).
#[derive(Debug, Clone)]
pub struct Script {
    /// The action name given to `invoke`.
    pub action: String,
    /// The access token.
    pub token: String,
    /// The API base; `None` for HubSpot's.
    pub base: Option<String>,
    /// The action's JSON input.
    pub input: String,
    /// Time each request takes, in milliseconds.
    pub latency_ms: u64,
    /// What the transport's random source returns.
    pub random: u64,
    /// The monotonic clock's reading at the start, in nanoseconds.
    pub start_nanos: u64,
    /// The answers, in order.
    pub answers: Vec<Answer>,
}

/// Parses a [`Script`]; every byte string parses to something.
pub fn parse_script(data: &[u8]) -> Script {
    let mut sections = split_sections(data).into_iter();
    let mut script = Script {
        action: "read".into(),
        token: "pat-na1-fuzz".into(),
        base: Some("http://127.0.0.1:9".into()),
        input: String::new(),
        latency_ms: 10,
        random: 0,
        start_nanos: 0,
        answers: Vec::new(),
    };
    let setup = String::from_utf8_lossy(sections.next().unwrap_or(&[]));
    let number = |text: &str| text.trim().parse::<u64>().unwrap_or(0);
    for line in setup.split('\n') {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "action" => script.action = value.to_owned(),
            "token" => script.token = value.to_owned(),
            "base" if value == "-" => script.base = None,
            "base" => script.base = Some(value.to_owned()),
            "input" => script.input = value.to_owned(),
            "latency" => script.latency_ms = number(value) % 100_000,
            "random" => script.random = number(value),
            "start" => script.start_nanos = number(value),
            _ => {}
        }
    }
    for section in sections.take(64) {
        script.answers.push(match section.strip_prefix(b"! ") {
            Some(failure) => {
                let failure = String::from_utf8_lossy(failure);
                let mut words = failure.split_whitespace();
                let kind = match words.next().unwrap_or("") {
                    "denied" => TransportFailure::Denied,
                    "dns" => TransportFailure::Dns,
                    "connection" => TransportFailure::Connection,
                    "timeout" => TransportFailure::Timeout,
                    "tls" => TransportFailure::Tls,
                    "protocol" => TransportFailure::Protocol,
                    _ => TransportFailure::Other,
                };
                let delivery = match words.next() {
                    Some("not-sent") => Delivery::NotSent,
                    _ => Delivery::MaybeSent,
                };
                Answer::Failure(SendError {
                    kind,
                    message: "scripted failure".into(),
                    delivery,
                })
            }
            None => Answer::Response(parse_response(section).0),
        });
    }
    script
}

fn split_sections(data: &[u8]) -> Vec<&[u8]> {
    let mut sections = Vec::new();
    let mut rest = data;
    while let Some(at) = find(rest, b"\n%%\n") {
        sections.push(&rest[..at]);
        rest = &rest[at + 4..];
    }
    sections.push(rest);
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use hubspot_connector::request::{ReadRequest, UpdateRequest};

    #[test]
    fn association_requests_pass_the_oracle_and_a_wrong_one_does_not() {
        let inputs = [
            (
                "associate",
                r#"{"entity":"deals","entityId":"1","toEntity":"contacts","toEntityId":"2"}"#,
            ),
            (
                "associate",
                r#"{"entity":"deals","entityId":"1","toEntity":"contacts","toEntityId":"2","label":"Champion"}"#,
            ),
            (
                "associate",
                r#"{"entity":"deals","entityId":"1","toEntity":"0-1","toEntityId":"2","associationTypeId":3,"associationCategory":"HUBSPOT_DEFINED"}"#,
            ),
            (
                "get-associations",
                r#"{"entity":"deals","entityId":"1","toEntity":"contacts"}"#,
            ),
            (
                "remove-association",
                r#"{"entity":"deals","entityId":"1","toEntity":"contacts","toEntityId":"2"}"#,
            ),
            (
                "remove-association",
                r#"{"entity":"deals","entityId":"1","toEntity":"contacts","toEntityId":"2","label":"x"}"#,
            ),
            (
                "get-association-labels",
                r#"{"entity":"deals","toEntity":"line_items"}"#,
            ),
        ];
        for (action, input) in inputs {
            let action = Action::from_name(action).unwrap();
            let request = hubspot_connector::input::parse(action, input).unwrap();
            let http = request.to_http(v3()).unwrap().unwrap();
            assert_eq!(check_request(&request, &http), Ok(()), "{input}");
            let mut wrong = http.clone();
            wrong.path_and_query = wrong.path_and_query.replacen("deals", "tickets", 1);
            assert!(check_request(&request, &wrong).is_err(), "{input}");
        }
        let labelled = "/crm/associations/v4/deals/contacts/labels";
        assert!(is_lookup(labelled) && !is_lookup("/crm/v4/objects/deals/1/associations/contacts"));
    }

    fn read(id: &str) -> ActionRequest {
        ActionRequest::Read(ReadRequest {
            object_type: "contacts".into(),
            record_id: id.into(),
            properties: vec!["email".into()],
            ..ReadRequest::default()
        })
    }

    fn get(path_and_query: &str) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            path_and_query: path_and_query.into(),
            body: None,
            repeatable: Repeatable::Yes,
        }
    }

    #[test]
    fn the_request_oracle_accepts_a_correct_request() {
        assert_eq!(
            check_request(&read("12"), &get("/crm/v3/objects/contacts/12?properties=email")),
            Ok(())
        );
    }

    #[test]
    fn the_request_oracle_catches_each_kind_of_violation() {
        for (id, path) in [
            ("12", "/crm/v3/owners/12?properties=email"),
            ("1/2", "/crm/v3/objects/contacts/1/2?properties=email"),
            ("..", "/crm/v3/objects/contacts/..?properties=email"),
            ("a b", "/crm/v3/objects/contacts/a b?properties=email"),
            ("a#b", "/crm/v3/objects/contacts/a#b?properties=email"),
            ("12", "/crm/v3/objects/contacts/12?properties=email&debug=1"),
            ("12", "/crm/v3/objects/contacts/12?properties=e%2"),
            ("12", "/crm/v3/objects/contacts/12"),
            ("12", "/crm/v3/objects/contacts/13?properties=email"),
        ] {
            assert!(check_request(&read(id), &get(path)).is_err(), "{path}");
        }
        let update = ActionRequest::Update(UpdateRequest {
            object_type: "contacts".into(),
            record_id: "1".into(),
            properties: vec![("a".into(), "b".into())],
            id_property: None,
        });
        let mut patch = HttpRequest {
            method: Method::Patch,
            path_and_query: "/crm/v3/objects/contacts/1".into(),
            body: Some(br#"{"properties":{"a":"b"}}"#.to_vec()),
            repeatable: Repeatable::Yes,
        };
        assert_eq!(check_request(&update, &patch), Ok(()));
        patch.body = Some(br#"{"properties":{"a":"b"}"#.to_vec());
        assert!(check_request(&update, &patch).is_err());
        patch.body = Some(br#"{"properties":{"a":"c"}}"#.to_vec());
        assert!(check_request(&update, &patch).is_err());
    }

    #[test]
    fn the_search_oracle_enforces_hubspot_s_limits() {
        let body = |json: Value| json.as_object().cloned().unwrap_or_default();
        assert_eq!(check_search_body(&body(serde_json::json!({"limit": 200}))), Ok(()));
        assert!(check_search_body(&body(serde_json::json!({"limit": 0}))).is_err());
        assert!(check_search_body(&body(serde_json::json!({"limit": 201}))).is_err());
        let group = |n: usize| serde_json::json!({ "filters": vec![serde_json::json!({}); n] });
        assert!(check_search_body(&body(serde_json::json!({"filterGroups": [group(7)]}))).is_err());
        assert!(check_search_body(&body(serde_json::json!({"filterGroups": [group(0)]}))).is_err());
        assert!(check_search_body(&body(serde_json::json!({"filterGroups": vec![group(6); 4]}))).is_err());
        assert_eq!(
            check_search_body(&body(serde_json::json!({"filterGroups": vec![group(6); 3]}))),
            Ok(())
        );
    }

    #[test]
    fn the_json_recogniser_follows_rfc_8259() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for good in [
            "0",
            " -0.5e+10 ",
            "1e400",
            r#""\ud800""#,
            r#"{"a":[1,{"b":null}],"c":"\"\\\/\b\f\n\r\t\u00e9"}"#,
            "[]",
            "{}",
            "[true,false]",
            deep.as_str(),
        ] {
            assert!(is_json_text(good), "{good:?}");
        }
        for bad in [
            "",
            " ",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\"}",
            "{1:2}",
            "[1 2]",
            "\"a",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\t\"",
            "nul",
            "truex",
            "[]]",
            "[",
            "{\"a\":1}}",
            "NaN",
        ] {
            assert!(!is_json_text(bad), "{bad:?}");
        }
    }

    #[test]
    fn strict_decoding_rejects_anything_not_encoded() {
        assert_eq!(percent_decode_strict("a%2Fb~"), Ok("a/b~".into()));
        for bad in ["a/b", "a b", "%2f", "%4", "%", "a?b", "%FF"] {
            assert!(percent_decode_strict(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_response_oracle_catches_a_lost_status() {
        let (response, attempts) = parse_response(b"503 2\ncontent-type: text/html\n\n<html>");
        assert_eq!((response.status, attempts), (503, 2));
        let right = hubspot_connector::response::interpret(response.clone(), attempts);
        assert_eq!(check_interpretation(&response, attempts, &right), Ok(()));
        let wrong: Result<_, Error> = Err(Error::NotFound(Box::default()));
        assert!(check_interpretation(&response, attempts, &wrong).is_err());
    }

    #[test]
    fn scripts_parse_setup_and_answers() {
        let script =
            parse_script(b"action create\ninput {}\nbase -\n%%\n429\nretry-after: 1\n\n{}\n%%\n! connection not-sent");
        assert_eq!(
            (script.action.as_str(), script.input.as_str(), script.base),
            ("create", "{}", None)
        );
        assert_eq!(script.answers.len(), 2);
        assert!(
            matches!(&script.answers[0], Answer::Response(r) if r.status == 429 && r.header("retry-after") == Some("1"))
        );
        assert!(matches!(&script.answers[1], Answer::Failure(f) if f.delivery == Delivery::NotSent));
    }
}
