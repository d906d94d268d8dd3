//! HubSpot's answers as the client decodes them: the JSON `tool` passes on as
//! received, and the typed records, pages, pipelines and properties of `crm`.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An answer the client reads from a successful response, inside its retry
/// loop: a body that does not decode is a malformed response like any other.
pub trait Decode: Sized {
    /// Reads the body of a 2xx response, UTF-8 JSON or empty (as
    /// [`crate::response::interpret`] checked it); on failure, says why.
    fn decode(body: String) -> Result<Self, String>;
}

/// HubSpot's JSON answer as received (empty for 204), for `tool.invoke`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json(pub String);

impl Decode for Json {
    fn decode(body: String) -> Result<Self, String> {
        Ok(Self(body))
    }
}

/// No answer is read: archive's 204, and the reads that only probe access.
impl Decode for () {
    fn decode(_: String) -> Result<Self, String> {
        Ok(())
    }
}

/// The answer as a JSON tree, `Null` for an empty body. Valid JSON that serde
/// cannot hold (a number beyond `f64`, a lone surrogate, nesting past its
/// limit) does not decode, rather than becoming a silent `Null`.
impl Decode for Value {
    fn decode(body: String) -> Result<Self, String> {
        if body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&body).map_err(|error| format!("HubSpot's answer could not be read as JSON ({error})"))
    }
}

/// Reads a typed answer from HubSpot's JSON.
pub(crate) fn shaped<T: DeserializeOwned>(body: &str) -> Result<T, String> {
    serde_json::from_str(body).map_err(|error| format!("HubSpot's answer does not have the documented shape: {error}"))
}

impl Decode for CrmRecord {
    fn decode(body: String) -> Result<Self, String> {
        shaped(&body)
    }
}

impl Decode for SearchPage {
    fn decode(body: String) -> Result<Self, String> {
        shaped(&body)
    }
}

impl Decode for PipelineStage {
    fn decode(body: String) -> Result<Self, String> {
        shaped(&body)
    }
}

impl<T: DeserializeOwned> Decode for Results<T> {
    fn decode(body: String) -> Result<Self, String> {
        shaped(&body)
    }
}

/// The pipelines of an object type.
pub type PipelineList = Results<Pipeline>;

/// The property definitions of an object type.
pub type PropertyList = Results<PropertyDefinition>;

/// A CRM record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmRecord {
    /// Record id.
    pub id: String,
    /// Property values; `None` when requested but unset.
    #[serde(default, deserialize_with = "text_map")]
    pub properties: BTreeMap<String, Option<String>>,
    /// Property histories.
    #[serde(default)]
    pub properties_with_history: BTreeMap<String, Vec<PropertyVersion>>,
    /// Associated record ids per object type.
    #[serde(default)]
    pub associations: BTreeMap<String, AssociationCollection>,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
    /// In the recycle bin.
    #[serde(default)]
    pub archived: bool,
    /// When archived.
    #[serde(default)]
    pub archived_at: Option<String>,
}

/// One historical value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyVersion {
    /// The value.
    #[serde(deserialize_with = "text")]
    pub value: String,
    /// When it was set.
    pub timestamp: String,
    /// Where it came from.
    pub source_type: String,
    /// Source id.
    #[serde(default)]
    pub source_id: Option<String>,
    /// Source label.
    #[serde(default)]
    pub source_label: Option<String>,
    /// The user who set it.
    #[serde(default)]
    pub updated_by_user_id: Option<i64>,
}

/// Associated records of one type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AssociationCollection {
    /// The associations.
    #[serde(default)]
    pub results: Vec<AssociatedId>,
}

/// One associated record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AssociatedId {
    /// Its id.
    pub id: String,
    /// The association type's name.
    #[serde(rename = "type", default)]
    pub association_type: String,
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SearchPage {
    /// Matches across all pages.
    #[serde(default)]
    pub total: u64,
    /// This page.
    #[serde(default)]
    pub results: Vec<CrmRecord>,
    /// The cursor to the next page.
    #[serde(default)]
    pub paging: Option<Paging>,
}

impl SearchPage {
    /// The cursor to pass as `after` for the next page.
    pub fn next_after(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_ref().map(|next| next.after.as_str())
    }
}

/// Paging information.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Paging {
    /// The next page, if any.
    #[serde(default)]
    pub next: Option<NextPage>,
}

/// The next page's cursor.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NextPage {
    /// Pass as `after`.
    #[serde(deserialize_with = "text")]
    pub after: String,
}

/// A list answer: `{"results": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Results<T> {
    /// The items.
    pub results: Vec<T>,
}

/// One page of a listing HubSpot pages with a cursor: records, owners.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Page<T> {
    /// The items.
    pub results: Vec<T>,
    /// The cursor to the next page.
    #[serde(default)]
    pub paging: Option<Paging>,
}

impl<T> Page<T> {
    /// The cursor to pass as `after` for the next page.
    pub fn next_after(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_ref().map(|next| next.after.as_str())
    }
}

impl<T: DeserializeOwned> Decode for Page<T> {
    fn decode(body: String) -> Result<Self, String> {
        shaped(&body)
    }
}

/// One page of search results with records of any shape (`R`): what a
/// search that pages on its own reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SearchResults<R> {
    /// Matches across all pages.
    #[serde(default)]
    pub total: u64,
    /// This page.
    #[serde(default = "Vec::new")]
    pub results: Vec<R>,
    /// The cursor to the next page.
    #[serde(default)]
    pub paging: Option<Paging>,
}

impl<R: DeserializeOwned> Decode for SearchResults<R> {
    fn decode(body: String) -> Result<Self, String> {
        shaped(&body)
    }
}

/// An answer that is one page of many, as [`crate::lookup::Lookups::collect_pages`] reads it.
pub trait Paged: Decode {
    /// What the page lists.
    type Item;
    /// The cursor to pass as `after` for the next page.
    fn next_after(&self) -> Option<&str>;
    /// HubSpot's count of matches across all pages, when the answer has one.
    fn total(&self) -> Option<u64>;
    /// This page's items.
    fn items(&self) -> &[Self::Item];
    /// This page's items, taken.
    fn into_items(self) -> Vec<Self::Item>;
}

impl<T: DeserializeOwned> Paged for Page<T> {
    type Item = T;
    fn next_after(&self) -> Option<&str> {
        Page::next_after(self)
    }
    fn total(&self) -> Option<u64> {
        None
    }
    fn items(&self) -> &[T] {
        &self.results
    }
    fn into_items(self) -> Vec<T> {
        self.results
    }
}

impl<R: DeserializeOwned> Paged for SearchResults<R> {
    type Item = R;
    fn next_after(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_ref().map(|next| next.after.as_str())
    }
    fn total(&self) -> Option<u64> {
        Some(self.total)
    }
    fn items(&self) -> &[R] {
        &self.results
    }
    fn into_items(self) -> Vec<R> {
        self.results
    }
}

/// A record whose id keyset paging reads.
pub trait Keyed {
    /// The record's id; `None` when the record has none.
    fn record_id(&self) -> Option<String>;
}

impl Keyed for CrmRecord {
    fn record_id(&self) -> Option<String> {
        Some(self.id.clone())
    }
}

/// A record as HubSpot sent it, for `tool.invoke`: only its id is read.
impl Keyed for Box<serde_json::value::RawValue> {
    fn record_id(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct Id {
            #[serde(deserialize_with = "text")]
            id: String,
        }
        serde_json::from_str::<Id>(self.get()).ok().map(|record| record.id)
    }
}

/// A user who can own records.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    /// The id `hubspot_owner_id` takes.
    #[serde(deserialize_with = "text")]
    pub id: String,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The HubSpot user behind the owner.
    #[serde(default)]
    pub user_id: Option<u64>,
    /// Deactivated.
    #[serde(default)]
    pub archived: bool,
    /// Teams.
    #[serde(default)]
    pub teams: Vec<OwnerTeam>,
}

impl Owner {
    /// `First Last`, as far as HubSpot knows the names.
    pub fn full_name(&self) -> String {
        let parts = [self.first_name.as_deref(), self.last_name.as_deref()];
        parts
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A team an owner belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OwnerTeam {
    /// Id.
    #[serde(deserialize_with = "text")]
    pub id: String,
    /// Name.
    pub name: String,
    /// The owner's primary team.
    #[serde(default)]
    pub primary: bool,
}

/// A custom object's schema, as far as the connector reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectSchema {
    /// Name (`pets`).
    pub name: String,
    /// `p<portal>_<name>`.
    pub fully_qualified_name: String,
    /// `2-…`.
    pub object_type_id: String,
    /// Labels.
    #[serde(default)]
    pub labels: SchemaLabels,
    /// The property shown as the record's name.
    #[serde(default)]
    pub primary_display_property: Option<String>,
    /// Properties every new record needs.
    #[serde(default)]
    pub required_properties: Vec<String>,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
}

/// A schema's labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SchemaLabels {
    /// For one record.
    #[serde(default)]
    pub singular: Option<String>,
    /// For many.
    #[serde(default)]
    pub plural: Option<String>,
}

/// A pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pipeline {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Position.
    #[serde(default)]
    pub display_order: i32,
    /// Stages in order.
    #[serde(default)]
    pub stages: Vec<PipelineStage>,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// A pipeline stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineStage {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Position.
    #[serde(default)]
    pub display_order: i32,
    /// Metadata, as text.
    #[serde(default, deserialize_with = "text_map_required")]
    pub metadata: BTreeMap<String, String>,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// A property definition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyDefinition {
    /// Internal name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Data type.
    #[serde(rename = "type")]
    pub property_type: String,
    /// Form control.
    pub field_type: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Group.
    #[serde(default)]
    pub group_name: String,
    /// Options of an enumeration.
    #[serde(default)]
    pub options: Vec<PropertyOption>,
    /// Write restrictions.
    #[serde(default)]
    pub modification_metadata: Option<ModificationMetadata>,
    /// Unique values.
    #[serde(default)]
    pub has_unique_value: bool,
    /// Calculated by HubSpot.
    #[serde(default)]
    pub calculated: bool,
    /// Hidden in the UI.
    #[serde(default)]
    pub hidden: bool,
    /// Defined by HubSpot.
    #[serde(default)]
    pub hubspot_defined: bool,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// What the value refers to, such as `OWNER` for an owner's id.
    #[serde(default)]
    pub referenced_object_type: Option<String>,
}

impl Decode for PropertyDefinition {
    fn decode(body: String) -> Result<Self, String> {
        shaped(&body)
    }
}

impl PropertyDefinition {
    /// Whether the API refuses writes of the value.
    pub fn read_only_value(&self) -> bool {
        self.modification_metadata.as_ref().is_some_and(|m| m.read_only_value)
    }
}

/// Write restrictions of a property.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModificationMetadata {
    /// The value cannot be written.
    #[serde(default)]
    pub read_only_value: bool,
}

/// One option of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyOption {
    /// Label.
    pub label: String,
    /// The value to write.
    pub value: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Position.
    #[serde(default)]
    pub display_order: Option<i32>,
    /// Hidden.
    #[serde(default)]
    pub hidden: bool,
}

/// JSON scalars as text: HubSpot sends strings, but nothing is lost if a
/// number or boolean turns up.
fn scalar_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(scalar_text(Value::deserialize(deserializer)?).unwrap_or_default())
}

// The maps below are filled by inserting rather than collected: collecting
// into a `BTreeMap` sorts first, one more copy of the stable sort in the
// component for each map type.

fn text_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, Option<String>>, D::Error> {
    let map = Option::<BTreeMap<String, Value>>::deserialize(deserializer)?.unwrap_or_default();
    let mut texts = BTreeMap::new();
    for (key, value) in map {
        texts.insert(key, scalar_text(value));
    }
    Ok(texts)
}

fn text_map_required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    let mut texts = BTreeMap::new();
    for (key, value) in text_map(deserializer)? {
        texts.insert(key, value.unwrap_or_default());
    }
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_with_history_and_associations_reads_fully() {
        let record = CrmRecord::decode(
            r#"{"id":"512","properties":{"email":"a@b.co","firstname":null,"hs_object_id":"512"},
                "propertiesWithHistory":{"dealstage":[{"value":"closedwon","timestamp":"2024-05-02T10:00:00.000Z","sourceType":"API","updatedByUserId":123}]},
                "associations":{"companies":{"results":[{"id":"900","type":"contact_to_company"}]}},
                "createdAt":"2019-10-30T03:30:17.883Z","updatedAt":"2019-12-07T16:50:06.678Z","archived":false}"#
                .to_owned(),
        )
        .unwrap();
        assert_eq!(record.properties.get("firstname"), Some(&None));
        assert_eq!(
            record.properties_with_history["dealstage"][0].updated_by_user_id,
            Some(123)
        );
        assert_eq!(
            record.associations["companies"].results[0].association_type,
            "contact_to_company"
        );
    }

    #[test]
    fn search_pages_expose_the_next_cursor() {
        let page =
            SearchPage::decode(r#"{"total":3,"results":[],"paging":{"next":{"after":"2","link":"?after=2"}}}"#.into())
                .unwrap();
        assert_eq!(page.next_after(), Some("2"));
        let last = SearchPage::decode(r#"{"total":0,"results":[]}"#.into()).unwrap();
        assert_eq!(last.next_after(), None);
    }

    #[test]
    fn a_body_of_the_wrong_shape_does_not_decode() {
        let result = CrmRecord::decode(r#"{"results":[]}"#.into());
        assert!(
            matches!(&result, Err(why) if why.contains("documented shape")),
            "{result:?}"
        );
    }

    #[test]
    fn raw_answers_are_kept_as_received_and_trees_refuse_what_serde_cannot_hold() {
        assert_eq!(Json::decode(r#"{"id":"1"}"#.into()), Ok(Json(r#"{"id":"1"}"#.into())));
        assert_eq!(Value::decode(String::new()), Ok(Value::Null));
        assert!(Value::decode(r#"{"n": 1e400}"#.into()).is_err());
    }

    #[test]
    fn stage_metadata_becomes_text() {
        let stage = PipelineStage::decode(
            r#"{"id":"closedwon","label":"Closed won","displayOrder":5,"metadata":{"isClosed":"true","probability":1.0},"archived":false,"createdAt":"1970-01-01T00:00:00Z","updatedAt":"1970-01-01T00:00:00Z"}"#
                .to_owned(),
        )
        .unwrap();
        assert_eq!(stage.metadata["probability"], "1.0");
        assert_eq!(stage.metadata["isClosed"], "true");
    }
}
