//! Associations between records over HubSpot's v4 and date-based associations
//! APIs: associate two records (with a label, a type id, or HubSpot's default
//! association), read a record's associations with their labels, remove them
//! (all of them, or one label), and list the labels between two object types.
//!
//! A label is given by name and resolved to its type id and category through
//! the labels endpoint (one GET) before anything is written; an unknown or
//! ambiguous label is invalid input listing the labels of the pair.
//!
//! A record's associations are read with `GET …/associations/{toType}` where
//! the version has it (v4 for v3 connections, 2026-03); 2026-09's
//! specification has no such read, so there the connector reads them with the
//! batch read of the one record (`POST /crm/associations/2026-09/{from}/{to}/batch/read`),
//! whose answer lists the same `{toObjectId, associationTypes}` items and
//! pages them with the same `after` cursor, given in the body.

use serde::de::Deserializer;
use serde::{Deserialize, de};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::action::Action;
use crate::answer::{Decode, Paged, Paging};
use crate::api_version::{ApiVersion, Family};
use crate::dry_run::{PlannedRequest, WritePreview, WriteProblem, planned};
use crate::entity::ObjectType;
use crate::error::{Error, TransportError, TransportFailure};
use crate::http::{HttpRequest, Method, PathBuilder, Repeatable};
use crate::input_path::{Field, InputPath};
use crate::limits::{MAX_ASSOCIATIONS_PAGE, MAX_NAME_CHARS};
use crate::lookup::{Collected, Lookups};
use crate::request::{AssociationCategory, AssociationType};
use crate::transport::Transport;
use crate::validate::{self, shorten};

/// `PUT {record associations}/{type}/{id}/associations[/default]/{toType}/{toId}`:
/// associates two records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociateRequest {
    /// The first record's object type as given.
    pub object_type: String,
    /// The first record's id.
    pub record_id: String,
    /// The other record's object type as given.
    pub to_object_type: String,
    /// The other record's id.
    pub to_record_id: String,
    /// An association label between the two types, by name.
    pub label: Option<String>,
    /// An association type id, instead of a label.
    pub type_id: Option<u32>,
    /// The type id's category; looked up with the labels when absent.
    pub category: Option<AssociationCategory>,
}

/// `GET {record associations}/{type}/{id}/associations/{toType}`, every page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationsRequest {
    /// The record's object type as given.
    pub object_type: String,
    /// The record's id.
    pub record_id: String,
    /// The associated object type as given.
    pub to_object_type: String,
}

/// `DELETE {record associations}/{type}/{id}/associations/{toType}/{toId}`, or
/// one label only through `POST {associations}/{type}/{toType}/batch/labels/archive`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoveAssociationRequest {
    /// The first record's object type as given.
    pub object_type: String,
    /// The first record's id.
    pub record_id: String,
    /// The other record's object type as given.
    pub to_object_type: String,
    /// The other record's id.
    pub to_record_id: String,
    /// Remove only this label; without it, every association between the two.
    pub label: Option<String>,
}

/// `GET {association labels}/{type}/{toType}/labels`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationLabelsRequest {
    /// The object type as given.
    pub object_type: String,
    /// The other object type as given.
    pub to_object_type: String,
}

/// An association write to plan without sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssociationWrite {
    /// An associate.
    Associate(AssociateRequest),
    /// A removal.
    Remove(RemoveAssociationRequest),
}

/// One association type between two object types, as HubSpot lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AssociationLabel {
    /// Who defined it.
    #[serde(deserialize_with = "category")]
    pub category: AssociationCategory,
    /// Its id.
    #[serde(rename = "typeId")]
    pub type_id: u32,
    /// Its label; HubSpot's unlabelled types have none.
    #[serde(default)]
    pub label: Option<String>,
}

/// A record associated with the one read, with every type between the two.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AssociatedObject {
    /// The associated record's id.
    #[serde(rename = "toObjectId", deserialize_with = "id_text")]
    pub to_object_id: String,
    /// The association types between the two records.
    #[serde(rename = "associationTypes", default)]
    pub association_types: Vec<AssociationLabel>,
}

/// The labels between two object types: `{"results": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LabelList {
    /// The types.
    pub results: Vec<AssociationLabel>,
}

impl Decode for LabelList {
    fn decode(body: String) -> Result<Self, String> {
        crate::answer::shaped(&body)
    }
}

/// The associated records a listing read, decoded; an item of the wrong
/// shape makes the answer malformed, as a page of the wrong shape would.
pub fn associated_objects(collected: Collected<Box<RawValue>>) -> Result<Vec<AssociatedObject>, Error> {
    collected
        .results
        .iter()
        .map(|item| {
            serde_json::from_str(item.get()).map_err(|error| {
                Error::Transport(TransportError {
                    kind: TransportFailure::MalformedResponse,
                    message: format!("HubSpot's answer does not have the documented shape: {error}"),
                    status: Some(200),
                    attempts: collected.pages,
                })
            })
        })
        .collect()
}

/// One page of the batch read of one record's associations: the `to` items
/// of its one result as HubSpot sent them, and that result's cursor. HubSpot
/// answers a record without associations with no result and an error that
/// says so.
#[derive(Debug)]
pub struct BatchAssociations {
    /// The associated records on this page.
    pub to: Vec<Box<RawValue>>,
    /// The cursor to the next page.
    pub paging: Option<Paging>,
}

#[derive(Deserialize)]
struct BatchAnswer {
    #[serde(default)]
    results: Vec<BatchResult>,
}

#[derive(Deserialize)]
struct BatchResult {
    #[serde(default)]
    to: Vec<Box<RawValue>>,
    #[serde(default)]
    paging: Option<Paging>,
}

impl Decode for BatchAssociations {
    fn decode(body: String) -> Result<Self, String> {
        let answer: BatchAnswer = crate::answer::shaped(&body)?;
        let mut to = Vec::new();
        let mut paging = None;
        for result in answer.results {
            to.extend(result.to);
            paging = paging.or(result.paging);
        }
        Ok(Self { to, paging })
    }
}

impl Paged for BatchAssociations {
    type Item = Box<RawValue>;
    fn next_after(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_ref().map(|next| next.after.as_str())
    }
    fn total(&self) -> Option<u64> {
        None
    }
    fn items(&self) -> &[Box<RawValue>] {
        &self.to
    }
    fn into_items(self) -> Vec<Box<RawValue>> {
        self.to
    }
}

fn category<'de, D: Deserializer<'de>>(deserializer: D) -> Result<AssociationCategory, D::Error> {
    let text = String::deserialize(deserializer)?;
    AssociationCategory::parse(&text).ok_or_else(|| de::Error::custom(format!("unknown association category {text}")))
}

fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        other => Err(de::Error::custom(format!(
            "an id must be text or a number, not {other}"
        ))),
    }
}

/// The two object types of an association, checked.
struct Ends<'a> {
    from: ObjectType<'a>,
    to: ObjectType<'a>,
}

fn ends<'a>(action: Action, from: &'a str, to: &'a str) -> Result<Ends<'a>, Error> {
    Ok(Ends {
        from: validate::object_type(from, &action.object_type_path())?,
        to: validate::object_type(to, &InputPath::root().field(Field::ToEntity))?,
    })
}

/// A HubSpot record id: digits, and nothing sent for anything else.
fn check_id(id: &str, field: Field) -> Result<(), Error> {
    let path = InputPath::root().field(field);
    validate::check_identifier(id, &path)?;
    if id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::invalid(
            &path,
            format!("`{}` is not a HubSpot record id (record ids are digits)", shorten(id)),
        ))
    }
}

fn check_label(label: &str) -> Result<(), Error> {
    let path = InputPath::root().field(Field::Label);
    if label.trim().is_empty() {
        return Err(Error::invalid(
            &path,
            "must name a label such as \"Decision maker\"; leave `label` out for the default association",
        ));
    }
    if label.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            &path,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if label.chars().any(char::is_control) {
        return Err(Error::invalid(&path, "must not contain control characters"));
    }
    Ok(())
}

/// How an association's type is given, once checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Given<'r> {
    /// HubSpot's default association of the pair.
    Default,
    /// A label by name, to resolve.
    Label(&'r str),
    /// A type id whose category is to be looked up.
    TypeId(u32),
    /// A type id with its category.
    Type(AssociationType),
}

impl Given<'_> {
    fn needs_labels(self) -> bool {
        matches!(self, Self::Label(_) | Self::TypeId(_))
    }
}

fn check_associate(request: &AssociateRequest) -> Result<(Ends<'_>, Given<'_>), Error> {
    let ends = ends(Action::Associate, &request.object_type, &request.to_object_type)?;
    check_id(&request.record_id, Field::RecordId)?;
    check_id(&request.to_record_id, Field::ToRecordId)?;
    let root = InputPath::root();
    let given = match (&request.label, request.type_id, request.category) {
        (Some(_), Some(_), _) => {
            return Err(Error::invalid(
                &root.field(Field::Label),
                "give either `label` or `associationTypeId`, not both",
            ));
        }
        (_, None, Some(_)) => {
            return Err(Error::invalid(
                &root.field(Field::AssociationCategory),
                "goes with `associationTypeId`; a label needs no category",
            ));
        }
        (Some(label), None, None) => {
            check_label(label)?;
            Given::Label(label)
        }
        (None, Some(0), _) => {
            return Err(Error::invalid(
                &root.field(Field::AssociationTypeId),
                "must be a positive integer such as 3 (deal to contact)",
            ));
        }
        (None, Some(type_id), Some(category)) => Given::Type(AssociationType { category, type_id }),
        (None, Some(type_id), None) => Given::TypeId(type_id),
        (None, None, None) => Given::Default,
    };
    Ok((ends, given))
}

fn check_remove(request: &RemoveAssociationRequest) -> Result<(Ends<'_>, Given<'_>), Error> {
    let ends = ends(Action::RemoveAssociation, &request.object_type, &request.to_object_type)?;
    check_id(&request.record_id, Field::RecordId)?;
    check_id(&request.to_record_id, Field::ToRecordId)?;
    let given = match &request.label {
        Some(label) => {
            check_label(label)?;
            Given::Label(label)
        }
        None => Given::Default,
    };
    Ok((ends, given))
}

/// `{record associations}/{type}/{id}/associations`.
fn record_path(version: ApiVersion, from: ObjectType<'_>, id: &str) -> PathBuilder {
    PathBuilder::new(&version.prefix(Family::RecordAssociations))
        .segment(from.path_segment())
        .segment(id)
        .literal("associations")
}

/// `{associations}/{type}/{toType}/batch`.
fn batch_path(version: ApiVersion, ends: &Ends<'_>) -> PathBuilder {
    PathBuilder::new(&version.prefix(Family::Associations))
        .segment(ends.from.path_segment())
        .segment(ends.to.path_segment())
        .literal("batch")
}

fn labels_http(version: ApiVersion, ends: &Ends<'_>) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        path_and_query: PathBuilder::new(&version.prefix(Family::AssociationLabels))
            .segment(ends.from.path_segment())
            .segment(ends.to.path_segment())
            .literal("labels")
            .finish(),
        body: None,
        repeatable: Repeatable::Yes,
    }
}

fn spec_json(kind: AssociationType) -> Value {
    json!({ "associationCategory": kind.category.name(), "associationTypeId": kind.type_id })
}

fn put(request: &AssociateRequest, ends: &Ends<'_>, kind: Option<AssociationType>, version: ApiVersion) -> HttpRequest {
    let path = record_path(version, ends.from, &request.record_id);
    let (path, body) = match kind {
        None => (path.literal("default"), None),
        Some(kind) => (path, Some(Value::Array(vec![spec_json(kind)]).to_string().into_bytes())),
    };
    HttpRequest {
        method: Method::Put,
        path_and_query: path
            .segment(ends.to.path_segment())
            .segment(&request.to_record_id)
            .finish(),
        body,
        repeatable: Repeatable::Yes,
    }
}

fn remove(
    request: &RemoveAssociationRequest,
    ends: &Ends<'_>,
    kind: Option<AssociationType>,
    version: ApiVersion,
) -> HttpRequest {
    match kind {
        None => HttpRequest {
            method: Method::Delete,
            path_and_query: record_path(version, ends.from, &request.record_id)
                .segment(ends.to.path_segment())
                .segment(&request.to_record_id)
                .finish(),
            body: None,
            repeatable: Repeatable::Yes,
        },
        Some(kind) => HttpRequest {
            method: Method::Post,
            path_and_query: batch_path(version, ends).literal("labels").literal("archive").finish(),
            body: Some(
                json!({ "inputs": [{
                    "from": { "id": request.record_id },
                    "to": { "id": request.to_record_id },
                    "types": [spec_json(kind)],
                }] })
                .to_string()
                .into_bytes(),
            ),
            repeatable: Repeatable::Yes,
        },
    }
}

/// The first request of an associate: the PUT, or the labels GET when a
/// label or a type id without category is to be resolved.
pub fn associate_first(request: &AssociateRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let (ends, given) = check_associate(request)?;
    Ok(match given {
        Given::Default => put(request, &ends, None, version),
        Given::Type(kind) => put(request, &ends, Some(kind), version),
        Given::Label(_) | Given::TypeId(_) => labels_http(version, &ends),
    })
}

/// The first request of a removal: the DELETE, or the labels GET for a label.
pub fn remove_first(request: &RemoveAssociationRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let (ends, given) = check_remove(request)?;
    Ok(match given {
        Given::Label(_) => labels_http(version, &ends),
        _ => remove(request, &ends, None, version),
    })
}

/// `GET {association labels}/{type}/{toType}/labels`.
pub fn labels(request: &AssociationLabelsRequest, version: ApiVersion) -> Result<HttpRequest, Error> {
    let ends = ends(
        Action::GetAssociationLabels,
        &request.object_type,
        &request.to_object_type,
    )?;
    Ok(labels_http(version, &ends))
}

/// One page of a record's associations from `after`: the GET where the
/// version has it, the batch read of the one record otherwise.
pub fn associations_page(
    request: &AssociationsRequest,
    version: ApiVersion,
    after: Option<&str>,
) -> Result<HttpRequest, Error> {
    let ends = ends(Action::GetAssociations, &request.object_type, &request.to_object_type)?;
    check_id(&request.record_id, Field::RecordId)?;
    if version.reads_record_associations {
        let mut path = record_path(version, ends.from, &request.record_id)
            .segment(ends.to.path_segment())
            .query("limit", &MAX_ASSOCIATIONS_PAGE.to_string());
        if let Some(after) = after {
            path = path.query("after", after);
        }
        return Ok(HttpRequest {
            method: Method::Get,
            path_and_query: path.finish(),
            body: None,
            repeatable: Repeatable::Yes,
        });
    }
    let mut input = json!({ "id": request.record_id });
    if let Some(after) = after {
        input["after"] = Value::from(after);
    }
    Ok(HttpRequest {
        method: Method::Post,
        path_and_query: batch_path(version, &ends).literal("read").finish(),
        body: Some(json!({ "inputs": [input] }).to_string().into_bytes()),
        repeatable: Repeatable::Yes,
    })
}

/// A label or type id the pair does not have: where it was given, what is
/// wrong, and the pair's labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    field: Field,
    message: String,
    labels: Vec<String>,
}

impl Unresolved {
    /// Invalid input at the member that named it.
    pub fn into_error(self) -> Error {
        Error::invalid(&InputPath::root().field(self.field), self.message)
    }

    fn into_problem(self) -> WriteProblem {
        WriteProblem {
            property: self.field.json().unwrap_or_default().to_owned(),
            message: self.message,
            allowed_values: self.labels,
        }
    }
}

/// One type as an error lists it: `` `Decision maker` (USER_DEFINED 1) ``.
fn listed(kind: &AssociationLabel) -> String {
    match &kind.label {
        Some(label) => format!("`{label}` ({} {})", kind.category.name(), kind.type_id),
        None => format!("unlabelled ({} {})", kind.category.name(), kind.type_id),
    }
}

/// The type `given` names among the pair's `types`.
fn choose(types: &[AssociationLabel], given: Given<'_>, ends: &Ends<'_>) -> Result<AssociationType, Unresolved> {
    let pair = format!("from {} to {}", ends.from.path_segment(), ends.to.path_segment());
    let all: Vec<String> = types.iter().map(listed).collect();
    let names: Vec<String> = types.iter().filter_map(|kind| kind.label.clone()).collect();
    let known = if all.is_empty() {
        format!("HubSpot defines no association types {pair}")
    } else {
        format!("the types {pair} are {}", all.join(", "))
    };
    let (field, matching): (Field, Vec<&AssociationLabel>) = match given {
        Given::Label(label) => {
            let wanted = label.trim();
            let matching = types
                .iter()
                .filter(|kind| {
                    kind.label
                        .as_deref()
                        .is_some_and(|name| name.trim().eq_ignore_ascii_case(wanted))
                })
                .collect();
            (Field::Label, matching)
        }
        Given::TypeId(type_id) => (
            Field::AssociationTypeId,
            types.iter().filter(|kind| kind.type_id == type_id).collect(),
        ),
        Given::Type(kind) => return Ok(kind),
        Given::Default => {
            return Err(Unresolved {
                field: Field::Label,
                message: known,
                labels: names,
            });
        }
    };
    match matching.as_slice() {
        [kind] => Ok(AssociationType {
            category: kind.category,
            type_id: kind.type_id,
        }),
        [] => {
            let what = match given {
                Given::Label(label) => format!("no association label `{}` {pair}", shorten(label.trim())),
                _ => format!("no association type with this id {pair}"),
            };
            Err(Unresolved {
                field,
                message: format!("{what}; {known}; leave `label` out for the default association"),
                labels: names,
            })
        }
        several => Err(Unresolved {
            field,
            message: format!(
                "{} association types {pair} match: {}; give `associationTypeId` and `associationCategory` instead",
                several.len(),
                several.iter().map(|kind| listed(kind)).collect::<Vec<_>>().join(", ")
            ),
            labels: names,
        }),
    }
}

/// Reads the pair's types once and picks the one `given` names.
fn resolve_type<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    ends: &Ends<'_>,
    given: Given<'_>,
) -> Result<Result<AssociationType, Unresolved>, Error> {
    let LabelList { results } = lookups.send(&labels_http(lookups.version(), ends))?;
    Ok(choose(&results, given, ends))
}

/// The associate to send, its label resolved through the labels endpoint
/// when it has one (the only request this sends).
pub fn plan_associate<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    request: &AssociateRequest,
) -> Result<Result<HttpRequest, Unresolved>, Error> {
    let (ends, given) = check_associate(request)?;
    let version = lookups.version();
    if !given.needs_labels() {
        return Ok(Ok(associate_first(request, version)?));
    }
    Ok(resolve_type(lookups, &ends, given)?.map(|kind| put(request, &ends, Some(kind), version)))
}

/// The removal to send, its label resolved like [`plan_associate`]'s.
pub fn plan_remove<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    request: &RemoveAssociationRequest,
) -> Result<Result<HttpRequest, Unresolved>, Error> {
    let (ends, given) = check_remove(request)?;
    let version = lookups.version();
    if !given.needs_labels() {
        return Ok(Ok(remove(request, &ends, None, version)));
    }
    Ok(resolve_type(lookups, &ends, given)?.map(|kind| remove(request, &ends, Some(kind), version)))
}

/// The request an association write would send, or the problem that keeps
/// it from being planned.
pub fn preview_plan(planned_request: Result<HttpRequest, Unresolved>) -> WritePreview {
    match planned_request {
        Ok(http) => WritePreview {
            requests: vec![planned(&http)],
            problems: Vec::new(),
        },
        Err(unresolved) => WritePreview {
            requests: Vec::<PlannedRequest>::new(),
            problems: vec![unresolved.into_problem()],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input_path::Vocabulary;

    const DEAL_CONTACT_LABELS: &str = r#"{"results":[
        {"category":"HUBSPOT_DEFINED","typeId":3,"label":null},
        {"category":"USER_DEFINED","typeId":1001,"label":"Decision maker"},
        {"category":"USER_DEFINED","typeId":1003,"label":"Champion"}]}"#;

    fn types() -> Vec<AssociationLabel> {
        match LabelList::decode(DEAL_CONTACT_LABELS.to_owned()) {
            Ok(list) => list.results,
            Err(error) => panic!("{error}"),
        }
    }

    fn deal_to_contact() -> AssociateRequest {
        AssociateRequest {
            object_type: "deals".into(),
            record_id: "30000001".into(),
            to_object_type: "contacts".into(),
            to_record_id: "10000001".into(),
            ..AssociateRequest::default()
        }
    }

    #[test]
    fn a_label_is_matched_trimmed_and_in_any_letter_case() {
        let ends = ends(Action::Associate, "deals", "contacts").unwrap();
        let kind = choose(&types(), Given::Label("  decision MAKER "), &ends);
        assert_eq!(
            kind,
            Ok(AssociationType {
                category: AssociationCategory::UserDefined,
                type_id: 1001
            })
        );
        let kind = choose(&types(), Given::TypeId(3), &ends);
        assert_eq!(kind.map(|k| k.category), Ok(AssociationCategory::HubspotDefined));
    }

    #[test]
    fn an_unknown_label_lists_the_pair_s_labels() {
        let ends = ends(Action::Associate, "deals", "contacts").unwrap();
        let unresolved = choose(&types(), Given::Label("Mentor"), &ends).unwrap_err();
        assert_eq!(unresolved.labels, ["Decision maker", "Champion"]);
        assert!(
            unresolved
                .message
                .contains("no association label `Mentor` from deals to contacts")
        );
        assert!(unresolved.message.contains("`Champion` (USER_DEFINED 1003)"));
        assert!(unresolved.message.contains("unlabelled (HUBSPOT_DEFINED 3)"));
        match unresolved.into_error() {
            Error::InvalidInput(invalid) => assert_eq!(invalid.path_in(Vocabulary::Json), "label"),
            other => panic!("{other:?}"),
        }
        let twice = vec![
            AssociationLabel {
                category: AssociationCategory::UserDefined,
                type_id: 7,
                label: Some("Owner".into()),
            },
            AssociationLabel {
                category: AssociationCategory::IntegratorDefined,
                type_id: 8,
                label: Some("owner".into()),
            },
        ];
        let ambiguous = choose(&twice, Given::Label("OWNER"), &ends).unwrap_err();
        assert!(
            ambiguous.message.starts_with("2 association types"),
            "{}",
            ambiguous.message
        );
    }

    #[test]
    fn each_way_of_giving_the_type_plans_its_request() {
        let v3 = ApiVersion::named("v3").unwrap();
        let dated = ApiVersion::default();
        let plain = associate_first(&deal_to_contact(), v3).unwrap();
        assert_eq!(plain.method, Method::Put);
        assert_eq!(
            plain.path_and_query,
            "/crm/v4/objects/deals/30000001/associations/default/contacts/10000001"
        );
        assert_eq!(plain.body, None);
        let typed = AssociateRequest {
            type_id: Some(3),
            category: Some(AssociationCategory::HubspotDefined),
            ..deal_to_contact()
        };
        let http = associate_first(&typed, dated).unwrap();
        assert_eq!(
            http.path_and_query,
            "/crm/objects/2026-09/deals/30000001/associations/contacts/10000001"
        );
        assert_eq!(
            http.body.as_deref(),
            Some(br#"[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":3}]"#.as_slice())
        );
        let labelled = AssociateRequest {
            label: Some("Champion".into()),
            ..deal_to_contact()
        };
        let http = associate_first(&labelled, v3).unwrap();
        assert_eq!(
            (http.method, http.path_and_query.as_str()),
            (Method::Get, "/crm/associations/v4/deals/contacts/labels")
        );
    }

    #[test]
    fn bad_input_is_refused_at_its_member() {
        let cases = [
            (
                AssociateRequest {
                    to_record_id: "".into(),
                    ..deal_to_contact()
                },
                "toEntityId",
            ),
            (
                AssociateRequest {
                    record_id: "abc".into(),
                    ..deal_to_contact()
                },
                "entityId",
            ),
            (
                AssociateRequest {
                    to_object_type: "contact".into(),
                    ..deal_to_contact()
                },
                "toEntity",
            ),
            (
                AssociateRequest {
                    label: Some("Champion".into()),
                    type_id: Some(3),
                    ..deal_to_contact()
                },
                "label",
            ),
            (
                AssociateRequest {
                    label: Some(" ".into()),
                    ..deal_to_contact()
                },
                "label",
            ),
            (
                AssociateRequest {
                    category: Some(AssociationCategory::UserDefined),
                    ..deal_to_contact()
                },
                "associationCategory",
            ),
            (
                AssociateRequest {
                    type_id: Some(0),
                    ..deal_to_contact()
                },
                "associationTypeId",
            ),
        ];
        for (request, path) in cases {
            match associate_first(&request, ApiVersion::default()) {
                Err(Error::InvalidInput(invalid)) => assert_eq!(invalid.path_in(Vocabulary::Json), path),
                other => panic!("{request:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_removal_deletes_all_or_archives_one_label() {
        let request = RemoveAssociationRequest {
            object_type: "contacts".into(),
            record_id: "10000001".into(),
            to_object_type: "companies".into(),
            to_record_id: "20000001".into(),
            label: None,
        };
        let ends = ends(Action::RemoveAssociation, "contacts", "companies").unwrap();
        let all = remove(&request, &ends, None, ApiVersion::named("2026-03").unwrap());
        assert_eq!(
            (all.method, all.path_and_query.as_str()),
            (
                Method::Delete,
                "/crm/objects/2026-03/contacts/10000001/associations/companies/20000001"
            )
        );
        let kind = AssociationType {
            category: AssociationCategory::UserDefined,
            type_id: 1005,
        };
        let one = remove(&request, &ends, Some(kind), ApiVersion::named("v3").unwrap());
        assert_eq!(
            one.path_and_query,
            "/crm/v4/associations/contacts/companies/batch/labels/archive"
        );
        let body: Value = serde_json::from_slice(one.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"inputs": [{"from": {"id": "10000001"}, "to": {"id": "20000001"},
                "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 1005}]}]})
        );
    }

    #[test]
    fn a_record_s_associations_are_read_by_get_or_by_batch_read_where_there_is_no_get() {
        let request = AssociationsRequest {
            object_type: "deals".into(),
            record_id: "30000001".into(),
            to_object_type: "contacts".into(),
        };
        let get = associations_page(&request, ApiVersion::named("2026-03").unwrap(), Some("5")).unwrap();
        assert_eq!(
            get.path_and_query,
            "/crm/objects/2026-03/deals/30000001/associations/contacts?limit=500&after=5"
        );
        let batch = associations_page(&request, ApiVersion::named("2026-09").unwrap(), Some("5")).unwrap();
        assert_eq!(
            (batch.method, batch.path_and_query.as_str()),
            (Method::Post, "/crm/associations/2026-09/deals/contacts/batch/read")
        );
        assert_eq!(
            batch.body.as_deref(),
            Some(br#"{"inputs":[{"after":"5","id":"30000001"}]}"#.as_slice())
        );
    }

    #[test]
    fn a_batch_read_answer_is_the_one_record_s_page() {
        let body = r#"{"status":"COMPLETE","results":[{"from":{"id":"1"},"to":[{"toObjectId":7,
            "associationTypes":[{"category":"USER_DEFINED","typeId":1001,"label":"Decision maker"}]}],
            "paging":{"next":{"after":"7"}}}],"startedAt":"x","completedAt":"y"}"#;
        let page = BatchAssociations::decode(body.to_owned()).unwrap();
        assert_eq!(page.next_after(), Some("7"));
        let item: AssociatedObject = serde_json::from_str(page.to[0].get()).unwrap();
        assert_eq!(item.to_object_id, "7");
        assert_eq!(item.association_types[0].label.as_deref(), Some("Decision maker"));
        let none = r#"{"status":"COMPLETE","results":[],"errors":[{"status":"error","category":"OBJECT_NOT_FOUND"}]}"#;
        let page = BatchAssociations::decode(none.to_owned()).unwrap();
        assert!(page.items().is_empty() && page.next_after().is_none());
    }
}
