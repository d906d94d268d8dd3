//! Property tests of the connector's guarantees against hostile input: what
//! percent-encoding emits, where ids land in a URL, what reaches a JSON body,
//! and which searches are refused before anything is sent.
//!
//! Each property states the exact expected outcome (accepted or rejected, and
//! what is built), so a check that stopped rejecting or started rejecting too
//! much fails here. The fuzz targets in `fuzz/` cover the same ground with
//! unstructured input.

use std::time::Duration;

use hubspot_connector::api_version::ApiVersion;
use hubspot_connector::connection::Connection;
use hubspot_connector::error::Error;
use hubspot_connector::http::{HttpRequest, HttpResponse, PathBuilder, percent_encode};
use hubspot_connector::input_path::{InputPath, Vocabulary};
use hubspot_connector::limits::{
    MAX_FILTER_GROUPS, MAX_FILTER_VALUES, MAX_FILTERS_PER_GROUP, MAX_FILTERS_TOTAL, MAX_ID_CHARS, MAX_NAME_CHARS,
    MAX_SEARCH_LIMIT, MIN_SEARCH_LIMIT,
};
use hubspot_connector::request::{
    ActionRequest, ArchiveRequest, CreateRequest, ReadRequest, StageRequest, UpdateRequest,
};
use hubspot_connector::search::SearchRequest;
use hubspot_connector::tool::invoke;
use hubspot_connector::transport::{Outgoing, SendError, Transport};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Decodes text made only of RFC 3986 unreserved characters and `%XX`
/// escapes with upper-case hex; `None` for anything else, so a successful
/// decode also proves the text was fully encoded.
fn decode_strict(text: &str) -> Option<String> {
    let hex = |byte: u8| match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    let mut decoded = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                let high = hex(*bytes.get(index + 1)?)?;
                let low = hex(*bytes.get(index + 2)?)?;
                decoded.push(high * 16 + low);
                index += 3;
            }
            byte if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') => {
                decoded.push(byte);
                index += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(decoded).ok()
}

/// The path's segments after the leading `/`, and the query if any.
fn split_url(path_and_query: &str) -> (Vec<&str>, Option<&str>) {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    (path.trim_start_matches('/').split('/').collect(), query)
}

fn built(request: &ActionRequest) -> Result<HttpRequest, Error> {
    // The v3 paths: the assertions below index their segments.
    let v3 = ApiVersion::named("v3").ok_or_else(|| Error::invalid(&InputPath::root(), "no v3"))?;
    request
        .to_http(v3)
        .and_then(|http| http.ok_or_else(|| Error::invalid(&InputPath::root(), "no request")))
}

/// The JSON path of an input rejection, `None` for anything else.
fn rejected_at(result: &Result<HttpRequest, Error>) -> Option<String> {
    match result {
        Err(Error::InvalidInput(problem)) => Some(problem.path_in(Vocabulary::Json)),
        _ => None,
    }
}

/// What the connector promises to accept as an id that goes into a URL.
fn acceptable_id(id: &str, digits_only: bool) -> bool {
    !id.is_empty()
        && id.chars().count() <= MAX_ID_CHARS
        && !id.bytes().all(|b| b == b'.')
        && !id.chars().any(char::is_control)
        && (!digits_only || id.bytes().all(|b| b.is_ascii_digit()))
}

/// HubSpot's internal property names: a letter or underscore, then letters,
/// digits, underscores or hyphens.
fn acceptable_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= MAX_NAME_CHARS
        && bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Strings of every kind, weighted towards the characters that matter in a
/// URL: separators, dots, percent signs, whitespace and control characters.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,12}",
        r"[./?#%&=+ \t\r\n\x00a-zA-Z0-9~_-]{0,16}",
        r"\.{1,3}",
        "%[0-9a-fA-F]{2}(%2[eE]){0,2}",
        r"[a-z@.+]{1,20}",
        prop::collection::vec(any::<char>(), 1000..1040).prop_map(|chars| chars.into_iter().collect()),
        "[0-9]{1020,1030}",
    ]
}

fn body_json(http: &HttpRequest) -> Option<Value> {
    http.body.as_deref().and_then(|body| serde_json::from_slice(body).ok())
}

/// A transport that records the body of every request sent and answers
/// each with `200 {}`.
#[derive(Debug, Default)]
struct Recorder {
    bodies: Vec<Option<Vec<u8>>>,
}

impl Transport for Recorder {
    fn send(&mut self, request: &Outgoing<'_>) -> Result<HttpResponse, SendError> {
        self.bodies.push(request.body.map(<[u8]>::to_vec));
        Ok(HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: b"{}".to_vec(),
        })
    }
    fn sleep(&mut self, _: Duration) {}
    fn now(&mut self) -> Duration {
        Duration::ZERO
    }
    fn random(&mut self) -> u64 {
        0
    }
}

fn connection() -> Connection {
    Connection {
        access_token: "pat-na1-test".into(),
        api_base: Some("http://127.0.0.1:9".into()),
        api_version: Some("v3".into()),
    }
}

/// Runs a search action on `search_obj` over a [`Recorder`].
fn run_search(search_obj: &Value) -> (Result<String, Error>, Recorder) {
    let mut transport = Recorder::default();
    let input = json!({ "entity": "contacts", "searchObj": search_obj }).to_string();
    let result = invoke(&mut transport, &connection(), "search", &input);
    (result, transport)
}

fn filter() -> impl Strategy<Value = Value> {
    prop_oneof![
        hostile_text().prop_map(|value| json!({ "propertyName": "email", "operator": "EQ", "value": value })),
        Just(json!({ "propertyName": "phone", "operator": "HAS_PROPERTY" })),
        (hostile_text(), hostile_text()).prop_map(
            |(low, high)| json!({ "propertyName": "amount", "operator": "BETWEEN", "value": low, "highValue": high })
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// decode(encode(s)) == s for every string, and the encoding consists of
    /// unreserved characters and upper-case `%XX` escapes only; a string is
    /// left unchanged exactly when it holds nothing but unreserved characters.
    #[test]
    fn percent_encoding_round_trips_and_emits_only_unreserved_characters(text in hostile_text()) {
        let encoded = percent_encode(&text);
        prop_assert_eq!(decode_strict(&encoded), Some(text.clone()), "{}", encoded);
        let all_unreserved = text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        prop_assert_eq!(encoded == text, all_unreserved);
    }

    /// A value appended with `PathBuilder::segment` is exactly one segment and
    /// a query value stays one value, whatever it contains.
    #[test]
    fn path_builder_keeps_each_value_in_its_place(segment in hostile_text(), value in hostile_text()) {
        let url = PathBuilder::new("/crm/v3/objects").segment(&segment).query("idProperty", &value).finish();
        let (segments, query) = split_url(&url);
        prop_assert_eq!(segments.len(), 4, "{}", url);
        prop_assert_eq!(decode_strict(segments[3]), Some(segment.clone()));
        let query_value = query.and_then(|q| q.strip_prefix("idProperty="));
        prop_assert_eq!(query_value.and_then(decode_strict), Some(value.clone()));
    }

    /// A record id of any content is either rejected as invalid input at
    /// `entityId` or becomes exactly one path segment that decodes back to
    /// it, for read, update and archive, with and without `idProperty`. Which
    /// of the two is exactly the documented rule: non-empty, at most
    /// MAX_ID_CHARS characters, not only dots, no control characters, and
    /// digits only unless `idProperty` names another unique property.
    #[test]
    fn a_record_id_is_rejected_or_is_exactly_one_encoded_segment(id in hostile_text(), by_email in any::<bool>()) {
        let id_property = by_email.then(|| "email".to_owned());
        let requests = [
            ActionRequest::Read(ReadRequest {
                object_type: "contacts".into(),
                record_id: id.clone(),
                properties: vec!["email".into()],
                id_property: id_property.clone(),
                ..ReadRequest::default()
            }),
            ActionRequest::Update(UpdateRequest {
                object_type: "contacts".into(),
                record_id: id.clone(),
                properties: vec![("phone".into(), "1".into())],
                id_property: id_property.clone(),
            }),
        ];
        let archive = ActionRequest::Archive(ArchiveRequest { object_type: "contacts".into(), record_id: id.clone() });
        for (request, digits_only) in requests.iter().map(|r| (r, !by_email)).chain([(&archive, true)]) {
            let result = built(request);
            if acceptable_id(&id, digits_only) {
                let http = result.map_err(|e| TestCaseError::fail(format!("{id:?} rejected: {e}")))?;
                let (segments, _) = split_url(&http.path_and_query);
                prop_assert_eq!(segments.len(), 5, "{}", http.path_and_query);
                prop_assert_eq!(&segments[..4], &["crm", "v3", "objects", "contacts"]);
                prop_assert_eq!(decode_strict(segments[4]), Some(id.clone()));
            } else {
                prop_assert_eq!(rejected_at(&result), Some("entityId".to_owned()), "{:?}", result);
            }
        }
    }

    /// Pipeline and stage ids of any content are rejected at their own member
    /// or are each exactly one segment around the literal `stages`.
    #[test]
    fn pipeline_and_stage_ids_are_rejected_or_are_exactly_one_segment_each(
        pipeline in hostile_text(),
        stage in hostile_text(),
    ) {
        let result = built(&ActionRequest::GetPipelineStage(StageRequest {
            object_type: "tickets".into(),
            pipeline_id: pipeline.clone(),
            stage_id: stage.clone(),
        }));
        if !acceptable_id(&pipeline, false) {
            prop_assert_eq!(rejected_at(&result), Some("pipelineId".to_owned()), "{:?}", result);
        } else if !acceptable_id(&stage, false) {
            prop_assert_eq!(rejected_at(&result), Some("stageId".to_owned()), "{:?}", result);
        } else {
            let http = result.map_err(|e| TestCaseError::fail(format!("rejected: {e}")))?;
            let (segments, query) = split_url(&http.path_and_query);
            prop_assert_eq!(query, None);
            prop_assert_eq!(segments.len(), 7, "{}", http.path_and_query);
            prop_assert_eq!(&segments[..4], &["crm", "v3", "pipelines", "tickets"]);
            prop_assert_eq!(segments[5], "stages");
            prop_assert_eq!(decode_strict(segments[4]), Some(pipeline.clone()));
            prop_assert_eq!(decode_strict(segments[6]), Some(stage.clone()));
        }
    }

    /// Property values of any content (quotes, backslashes, control
    /// characters, any Unicode) reach the create and update bodies unchanged:
    /// the body parses back to exactly the map given, whether the request
    /// was built from typed values or parsed from the action's JSON input.
    #[test]
    fn property_values_of_any_content_parse_back_to_the_same_map(
        properties in prop::collection::btree_map("[a-zA-Z_][a-zA-Z0-9_-]{0,24}", hostile_text(), 1..12),
    ) {
        let expected: Map<String, Value> =
            properties.iter().map(|(name, value)| (name.clone(), Value::from(value.as_str()))).collect();
        let pairs: Vec<(String, String)> = properties.clone().into_iter().collect();
        let create = built(&ActionRequest::Create(CreateRequest {
            object_type: "contacts".into(),
            properties: pairs.clone(),
            associations: Vec::new(),
        }));
        let update = built(&ActionRequest::Update(UpdateRequest {
            object_type: "deals".into(),
            record_id: "1".into(),
            properties: pairs,
            id_property: None,
        }));
        for result in [create, update] {
            let http = result.map_err(|e| TestCaseError::fail(format!("rejected: {e}")))?;
            prop_assert_eq!(body_json(&http), Some(json!({ "properties": expected.clone() })));
        }

        let mut transport = Recorder::default();
        let input = json!({ "entity": "contacts", "properties": properties }).to_string();
        prop_assert!(invoke(&mut transport, &connection(), "create", &input).is_ok());
        let sent: Option<Value> = transport.bodies.first().cloned().flatten().and_then(|b| serde_json::from_slice(&b).ok());
        prop_assert_eq!(sent, Some(json!({ "properties": expected })));
    }

    /// A property name of any content is accepted exactly when it is a
    /// HubSpot internal name, and is then a key of the body; otherwise the
    /// rejection points at it.
    #[test]
    fn property_names_are_internal_names_or_rejected_at_their_path(name in hostile_text(), value in hostile_text()) {
        let result = built(&ActionRequest::Create(CreateRequest {
            object_type: "contacts".into(),
            properties: vec![(name.clone(), value.clone())],
            associations: Vec::new(),
        }));
        if acceptable_name(&name) {
            let http = result.map_err(|e| TestCaseError::fail(format!("{name:?} rejected: {e}")))?;
            let body = body_json(&http).unwrap_or_default();
            prop_assert_eq!(body.pointer("/properties").and_then(|p| p.get(&name)), Some(&Value::from(value)));
        } else {
            let expected = format!("properties.{name}");
            prop_assert_eq!(rejected_at(&result), Some(expected));
        }
    }

    /// Any `limit` outside 1–200 is rejected, and any inside accepted, in the
    /// typed request.
    #[test]
    fn typed_search_limits_outside_1_to_200_are_rejected(limit in prop_oneof![any::<u32>(), 0..=260u32]) {
        let result = built(&ActionRequest::Search(SearchRequest {
            object_type: "contacts".into(),
            limit: Some(limit),
            ..SearchRequest::default()
        }));
        if (MIN_SEARCH_LIMIT..=MAX_SEARCH_LIMIT).contains(&limit) {
            prop_assert!(result.is_ok(), "{} rejected: {:?}", limit, result);
        } else {
            prop_assert_eq!(rejected_at(&result), Some("searchObj.limit".to_owned()));
        }
    }

    /// Any JSON `limit` that is not an integer from 1 to 200 (negative, zero,
    /// too large, beyond u32, fractional, a string) is rejected as invalid
    /// input before a request is sent; every one in range is sent, written
    /// `7` or, as JSON Schema's `integer` allows, `7.0`.
    #[test]
    fn json_search_limits_outside_1_to_200_are_rejected_before_sending(
        limit in prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-5..=260i64).prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            (1..=200u32).prop_map(|n| Value::from(f64::from(n))),
            (1..=200u32).prop_map(|n| Value::from(n.to_string())),
        ],
    ) {
        let (result, transport) = run_search(&json!({ "limit": limit }));
        let whole = limit.as_u64().or_else(|| limit.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 1e9).map(|n| n as u64));
        let in_range = whole.is_some_and(|n| (u64::from(MIN_SEARCH_LIMIT)..=u64::from(MAX_SEARCH_LIMIT)).contains(&n));
        if in_range {
            prop_assert!(result.is_ok(), "{} rejected: {:?}", limit, result);
            prop_assert_eq!(transport.bodies.len(), 1);
        } else {
            prop_assert!(matches!(result, Err(Error::InvalidInput(_))), "{} gave {:?}", limit, result);
            prop_assert!(transport.bodies.is_empty());
        }
    }

    /// A search whose filters exceed HubSpot's limits (more than 5 groups, an
    /// empty group or more than 6 filters in one, more than 18 in all) is
    /// rejected as invalid input before anything is sent; every search within
    /// them is sent with exactly the groups given.
    #[test]
    fn filter_counts_over_hubspot_s_limits_are_rejected_before_sending(
        groups in prop_oneof![
            prop::collection::vec(prop::collection::vec(filter(), 0..=8), 0..=7),
            // Near the limits, where an off-by-one would show: 3 to 5 full-ish groups total 9 to 30.
            prop::collection::vec(prop::collection::vec(filter(), 3..=MAX_FILTERS_PER_GROUP), 3..=MAX_FILTER_GROUPS),
        ],
    ) {
        let total: usize = groups.iter().map(Vec::len).sum();
        let within_limits = groups.len() <= MAX_FILTER_GROUPS
            && groups.iter().all(|g| (1..=MAX_FILTERS_PER_GROUP).contains(&g.len()))
            && total <= MAX_FILTERS_TOTAL;
        let filter_groups: Vec<Value> = groups.iter().map(|filters| json!({ "filters": filters })).collect();
        let (result, transport) = run_search(&json!({ "filterGroups": filter_groups }));
        if within_limits {
            prop_assert!(result.is_ok(), "{} groups, {} filters rejected: {:?}", groups.len(), total, result);
            let sent: Option<Value> =
                transport.bodies.first().cloned().flatten().and_then(|b| serde_json::from_slice(&b).ok());
            let sent_counts: Vec<usize> = sent
                .as_ref()
                .and_then(|s| s.get("filterGroups"))
                .and_then(Value::as_array)
                .map(|g| g.iter().map(|g| g["filters"].as_array().map_or(0, Vec::len)).collect())
                .unwrap_or_default();
            let given_counts: Vec<usize> = groups.iter().map(Vec::len).collect();
            prop_assert_eq!(sent_counts, given_counts);
        } else {
            let path = match &result {
                Err(Error::InvalidInput(problem)) => problem.path_in(Vocabulary::Json),
                other => return Err(TestCaseError::fail(format!("{} groups, {total} filters: {other:?}", groups.len()))),
            };
            prop_assert!(path.starts_with("searchObj.filterGroups"), "{}", path);
            prop_assert!(transport.bodies.is_empty());
        }
    }

    /// `IN` and `NOT_IN` take from 1 to 100 values; any other count is
    /// rejected before sending.
    #[test]
    fn in_filters_take_1_to_100_values(count in prop_oneof![0..=130usize, 95..=105usize], negate in any::<bool>()) {
        let values: Vec<String> = (0..count).map(|n| format!("v{n}")).collect();
        let operator = if negate { "NOT_IN" } else { "IN" };
        let search = json!({ "filterGroups": [{ "filters": [{ "propertyName": "dealstage", "operator": operator, "values": values }] }] });
        let (result, transport) = run_search(&search);
        if (1..=MAX_FILTER_VALUES).contains(&count) {
            prop_assert!(result.is_ok(), "{} values rejected: {:?}", count, result);
            prop_assert_eq!(transport.bodies.len(), 1);
        } else {
            prop_assert!(matches!(result, Err(Error::InvalidInput(_))), "{} values gave {:?}", count, result);
            prop_assert!(transport.bodies.is_empty());
        }
    }
}

#[test]
fn the_strict_decoder_refuses_what_the_encoder_must_never_emit() {
    // Keeps the properties above honest: their oracle must be able to fail.
    for bad in ["a/b", "a b", "a?b", "a#b", "%2f", "%2", "%", "%GG", "%FF"] {
        assert_eq!(decode_strict(bad), None, "{bad}");
    }
    assert_eq!(decode_strict("a%2Fb.~_-").as_deref(), Some("a/b.~_-"));
}
