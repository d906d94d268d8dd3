//! `POST /crm/v3/objects/{objectType}/search`: the request body and HubSpot's limits on
//! it, filter and free-text matching, sorting, and offset paging with the 10,000 cap.
//!
//! Sources: `PublicObjectSearchRequest` and `Filter` in `openapi/objects.json` (fields,
//! operators, the 200 page and 3000-character `query` caps); HubSpot's changelog of Aug
//! 2024 (5 filter groups,
//! <https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api>);
//! HubSpot's current docs as third parties quote them (6 filters per group, 18 in all,
//! 10,000 results per query, one sort); issues #9 and #559 of the Node SDK (`sorts` as
//! objects; see the crate docs).
//!
//! Semantics (⚠ where the mock had to choose):
//! - Filter groups are OR-ed, the filters of a group AND-ed; an empty group matches all.
//! - Values compare as numbers when both sides are numbers, else as instants when both
//!   read as one (epoch ms or ISO-8601), else as case-insensitive text.
//! - `EQ`/`NEQ` use that comparison, so text equality ignores case. `IN`/`NOT_IN` compare
//!   the stored value lower-cased with each given value as given, numbers numerically: as
//!   HubSpot documents, `IN` on text properties wants lower-case values.
//! - A property that is unset (or `""`) matches `NEQ`, `NOT_IN`, `NOT_HAS_PROPERTY` and
//!   `NOT_CONTAINS_TOKEN` only ⚠. A filter on a property the catalog lacks acts as unset ⚠.
//! - `CONTAINS_TOKEN` matches case-insensitively, with `*` as a wildcard, against the whole
//!   value or any of its tokens (split at whitespace, then also at punctuation), so
//!   `*@example.com` and `example` both find `ann@example.com` ⚠; a pattern of several
//!   words needs each word to match.
//! - `query` matches records where every word of it is a case-insensitive prefix of a word
//!   (text after whitespace or punctuation) in one of the type's searchable properties ⚠.
//! - `sorts` entries are strings (`"createdate"`, ascending) or
//!   `{"propertyName", "direction": "ASCENDING"|"DESCENDING"}`; only the first is honoured,
//!   as reported for HubSpot ⚠. Unset values sort last either way; ties and unsorted
//!   results go by ascending id ⚠.
//! - `after` is an offset (a string, or a number as some clients send it); `paging` is
//!   present only when more results are reachable; results past the 10,000th are
//!   unreachable and asking for them is a 400.
//! - Limits answered with 400 `VALIDATION_ERROR` (the strictest published values; the
//!   messages are the mock's own ⚠): more than 5 groups, more than 6 filters in a group,
//!   more than 18 filters, `limit` above 200 or negative, `query` over 3000 characters, an
//!   unknown operator, a missing `value`/`highValue`/`values`, an `after` that is not a
//!   non-negative integer.
//! - New records are searchable at once (HubSpot's index lags a little) ⚠.

use std::cmp::Ordering;

use serde::Deserialize;

use crate::errors::ApiError;
use crate::objects::ObjectType;
use crate::requests::{self, Scalar};
use crate::store::Record;
use crate::timestamps::parse_instant;
use crate::validation::is_number;

/// At most this many filter groups.
pub(crate) const MAX_FILTER_GROUPS: usize = 5;
/// At most this many filters in one group.
pub(crate) const MAX_FILTERS_PER_GROUP: usize = 6;
/// At most this many filters in all groups together.
pub(crate) const MAX_FILTERS: usize = 18;
/// The largest page.
pub(crate) const MAX_LIMIT: i64 = 200;
/// The page size when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: usize = 10;
/// The longest `query`, in characters.
pub(crate) const MAX_QUERY_CHARS: usize = 3000;
/// How many results of one search can be paged through.
pub(crate) const MAX_REACHABLE: usize = 10_000;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchBody {
    #[serde(default)]
    filter_groups: Option<Vec<FilterGroupBody>>,
    #[serde(default)]
    sorts: Option<Vec<SortBody>>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    properties: Option<Vec<String>>,
    #[serde(default)]
    limit: Option<Scalar>,
    #[serde(default)]
    after: Option<Scalar>,
}

#[derive(Debug, Deserialize)]
struct FilterGroupBody {
    #[serde(default)]
    filters: Option<Vec<FilterBody>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterBody {
    property_name: String,
    operator: String,
    #[serde(default)]
    value: Option<Scalar>,
    #[serde(default)]
    high_value: Option<Scalar>,
    #[serde(default)]
    values: Option<Vec<Scalar>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SortBody {
    Name(String),
    #[serde(rename_all = "camelCase")]
    Spec {
        property_name: String,
        #[serde(default)]
        direction: Option<String>,
    },
}

/// A filter operator with its operands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Operator {
    Eq(String),
    Neq(String),
    Lt(String),
    Lte(String),
    Gt(String),
    Gte(String),
    Between(String, String),
    In(Vec<String>),
    NotIn(Vec<String>),
    HasProperty,
    NotHasProperty,
    ContainsToken(String),
    NotContainsToken(String),
}

/// One filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Filter {
    pub(crate) property: String,
    pub(crate) operator: Operator,
}

/// The sort order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sort {
    pub(crate) property: String,
    pub(crate) descending: bool,
}

/// A search request that passed HubSpot's checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SearchRequest {
    pub(crate) groups: Vec<Vec<Filter>>,
    pub(crate) sort: Option<Sort>,
    pub(crate) query: Option<String>,
    /// The properties asked for; empty means the type's defaults.
    pub(crate) properties: Vec<String>,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SearchPage {
    pub(crate) total: usize,
    pub(crate) ids: Vec<u64>,
    pub(crate) next_after: Option<String>,
}

/// Read and check a search body.
pub(crate) fn parse(body: &[u8]) -> Result<SearchRequest, ApiError> {
    let body: SearchBody = if body.iter().all(u8::is_ascii_whitespace) {
        SearchBody::default()
    } else {
        requests::parse(body)?
    };
    let group_bodies = body.filter_groups.unwrap_or_default();
    if group_bodies.len() > MAX_FILTER_GROUPS {
        return Err(ApiError::validation(format!(
            "Too many filter groups: {}. A search can have at most {MAX_FILTER_GROUPS} filter groups.",
            group_bodies.len()
        )));
    }
    let mut groups = Vec::with_capacity(group_bodies.len());
    let mut filter_count = 0;
    for group in group_bodies {
        let filters = group.filters.unwrap_or_default();
        if filters.len() > MAX_FILTERS_PER_GROUP {
            return Err(ApiError::validation(format!(
                "Too many filters in a filter group: {}. A filter group can have at most {MAX_FILTERS_PER_GROUP} filters.",
                filters.len()
            )));
        }
        filter_count += filters.len();
        groups.push(filters.into_iter().map(parse_filter).collect::<Result<Vec<_>, _>>()?);
    }
    if filter_count > MAX_FILTERS {
        return Err(ApiError::validation(format!(
            "Too many filters: {filter_count}. A search can have at most {MAX_FILTERS} filters in all."
        )));
    }
    let sort = body
        .sorts
        .unwrap_or_default()
        .into_iter()
        .next()
        .map(parse_sort)
        .transpose()?;
    let query = body.query.filter(|query| !query.trim().is_empty());
    if let Some(query) = &query {
        let length = query.chars().count();
        if length > MAX_QUERY_CHARS {
            return Err(ApiError::validation(format!(
                "The query is {length} characters long. A query can have at most {MAX_QUERY_CHARS} characters."
            )));
        }
    }
    let limit = match body.limit {
        None => DEFAULT_LIMIT,
        Some(Scalar(raw)) => parse_limit(&raw)?,
    };
    let offset = match body.after {
        None => 0,
        Some(Scalar(raw)) => parse_after(&raw)?,
    };
    Ok(SearchRequest {
        groups,
        sort,
        query,
        properties: body.properties.unwrap_or_default(),
        limit,
        offset,
    })
}

fn parse_limit(raw: &str) -> Result<usize, ApiError> {
    let limit: i64 = raw
        .trim()
        .parse()
        .map_err(|_| ApiError::validation(format!("Invalid limit {raw}: the limit must be an integer.")))?;
    if !(0..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation(format!(
            "Invalid limit {limit}: the limit must be between 0 and {MAX_LIMIT}."
        )));
    }
    usize::try_from(limit).map_err(|_| ApiError::validation("Invalid limit"))
}

fn parse_after(raw: &str) -> Result<usize, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(0);
    }
    let offset: usize = raw.parse().map_err(|_| {
        ApiError::validation(format!(
            "Invalid paging cursor {raw}: after must be a non-negative integer."
        ))
    })?;
    if offset >= MAX_REACHABLE {
        return Err(ApiError::validation(format!(
            "Paging past {MAX_REACHABLE} results is not supported (after={offset}). Narrow the search instead."
        )));
    }
    Ok(offset)
}

fn parse_sort(sort: SortBody) -> Result<Sort, ApiError> {
    match sort {
        SortBody::Name(property) => Ok(Sort {
            property,
            descending: false,
        }),
        SortBody::Spec {
            property_name,
            direction,
        } => {
            let descending = match direction.as_deref() {
                None | Some("ASCENDING") => false,
                Some("DESCENDING") => true,
                Some(other) => {
                    return Err(ApiError::validation(format!(
                        "Invalid sort direction {other}: expected ASCENDING or DESCENDING."
                    )));
                }
            };
            Ok(Sort {
                property: property_name,
                descending,
            })
        }
    }
}

fn parse_filter(filter: FilterBody) -> Result<Filter, ApiError> {
    let FilterBody {
        property_name,
        operator,
        value,
        high_value,
        values,
    } = filter;
    let needs = |what: &str| {
        ApiError::validation(format!(
            "The {operator} filter on property {property_name} requires {what}."
        ))
    };
    let value = || value.clone().map(|Scalar(value)| value).ok_or_else(|| needs("a value"));
    let values = || {
        values
            .clone()
            .map(|values| values.into_iter().map(|Scalar(value)| value).collect::<Vec<_>>())
            .filter(|values| !values.is_empty())
            .ok_or_else(|| needs("values"))
    };
    let operator = match operator.as_str() {
        "EQ" => Operator::Eq(value()?),
        "NEQ" => Operator::Neq(value()?),
        "LT" => Operator::Lt(value()?),
        "LTE" => Operator::Lte(value()?),
        "GT" => Operator::Gt(value()?),
        "GTE" => Operator::Gte(value()?),
        "BETWEEN" => {
            let low = value()?;
            let high = high_value
                .clone()
                .map(|Scalar(high)| high)
                .ok_or_else(|| needs("a highValue"))?;
            Operator::Between(low, high)
        }
        "IN" => Operator::In(values()?),
        "NOT_IN" => Operator::NotIn(values()?),
        "HAS_PROPERTY" => Operator::HasProperty,
        "NOT_HAS_PROPERTY" => Operator::NotHasProperty,
        "CONTAINS_TOKEN" => Operator::ContainsToken(value()?),
        "NOT_CONTAINS_TOKEN" => Operator::NotContainsToken(value()?),
        other => {
            return Err(ApiError::validation(format!(
                "Invalid input JSON: Cannot deserialize value of type `FilterOperator` from String \
                 \"{other}\": not one of the values accepted for Enum class: [EQ, NEQ, LT, LTE, GT, \
                 GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN, \
                 NOT_CONTAINS_TOKEN]"
            )));
        }
    };
    Ok(Filter {
        property: property_name,
        operator,
    })
}

/// Order two property values: numbers numerically, instants chronologically, text
/// case-insensitively.
pub(crate) fn compare_values(left: &str, right: &str) -> Ordering {
    if is_number(left)
        && is_number(right)
        && let (Ok(left), Ok(right)) = (left.trim().parse::<f64>(), right.trim().parse::<f64>())
    {
        return left.partial_cmp(&right).unwrap_or(Ordering::Equal);
    }
    if let (Some(left), Some(right)) = (parse_instant(left), parse_instant(right)) {
        return left.cmp(&right);
    }
    left.to_lowercase().cmp(&right.to_lowercase())
}

fn in_list(value: &str, candidates: &[String]) -> bool {
    let lowered = value.to_lowercase();
    candidates.iter().any(|candidate| {
        if is_number(value) && is_number(candidate) {
            compare_values(value, candidate) == Ordering::Equal
        } else {
            lowered == *candidate
        }
    })
}

/// Whether `pattern` (lower-case, `*` any run of characters) matches all of `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] != '*' && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            backtrack = Some((p, t));
            p += 1;
        } else if let Some((star, matched)) = backtrack {
            p = star + 1;
            t = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

fn tokens(text: &str) -> Vec<String> {
    let lowered = text.to_lowercase();
    let mut tokens: Vec<String> = Vec::new();
    for word in lowered.split_whitespace() {
        tokens.push(word.to_owned());
        tokens.extend(
            word.split(|c: char| !c.is_alphanumeric())
                .filter(|part| !part.is_empty() && *part != word)
                .map(str::to_owned),
        );
    }
    tokens
}

fn contains_token(value: &str, pattern: &str) -> bool {
    let whole = value.to_lowercase();
    let value_tokens = tokens(value);
    pattern
        .to_lowercase()
        .split_whitespace()
        .all(|word| glob(word, &whole) || value_tokens.iter().any(|token| glob(word, token)))
}

/// Whether every word of `query` starts a word of some searchable property.
fn matches_query(record: &Record, object_type: ObjectType, query: &str) -> bool {
    let values: Vec<String> = object_type
        .searchable_properties()
        .iter()
        .filter_map(|name| record.value(name))
        .map(str::to_lowercase)
        .collect();
    query.to_lowercase().split_whitespace().all(|word| {
        values.iter().any(|value| {
            value.match_indices(word).any(|(at, _)| {
                value[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|before| !before.is_alphanumeric())
            })
        })
    })
}

fn filter_matches(record: &Record, filter: &Filter) -> bool {
    let value = record.value(&filter.property);
    let ordered =
        |accept: fn(Ordering) -> bool, operand: &str| value.is_some_and(|value| accept(compare_values(value, operand)));
    match &filter.operator {
        Operator::Eq(operand) => ordered(Ordering::is_eq, operand),
        Operator::Neq(operand) => !ordered(Ordering::is_eq, operand),
        Operator::Lt(operand) => ordered(Ordering::is_lt, operand),
        Operator::Lte(operand) => ordered(Ordering::is_le, operand),
        Operator::Gt(operand) => ordered(Ordering::is_gt, operand),
        Operator::Gte(operand) => ordered(Ordering::is_ge, operand),
        Operator::Between(low, high) => ordered(Ordering::is_ge, low) && ordered(Ordering::is_le, high),
        Operator::In(candidates) => value.is_some_and(|value| in_list(value, candidates)),
        Operator::NotIn(candidates) => !value.is_some_and(|value| in_list(value, candidates)),
        Operator::HasProperty => value.is_some(),
        Operator::NotHasProperty => value.is_none(),
        Operator::ContainsToken(pattern) => value.is_some_and(|value| contains_token(value, pattern)),
        Operator::NotContainsToken(pattern) => !value.is_some_and(|value| contains_token(value, pattern)),
    }
}

impl SearchRequest {
    /// Whether a live record is a result.
    pub(crate) fn matches(&self, record: &Record) -> bool {
        let filters_match = self.groups.is_empty()
            || self
                .groups
                .iter()
                .any(|group| group.iter().all(|filter| filter_matches(record, filter)));
        filters_match
            && self
                .query
                .as_deref()
                .is_none_or(|query| matches_query(record, record.object_type, query))
    }

    /// Run the search over `records` (archived ones are skipped).
    pub(crate) fn run<'a>(&self, records: impl Iterator<Item = &'a Record>) -> SearchPage {
        let mut results: Vec<&Record> = records
            .filter(|record| !record.is_archived() && self.matches(record))
            .collect();
        if let Some(sort) = &self.sort {
            results.sort_by(|a, b| {
                let by_value = match (a.value(&sort.property), b.value(&sort.property)) {
                    (Some(left), Some(right)) if sort.descending => compare_values(right, left),
                    (Some(left), Some(right)) => compare_values(left, right),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                };
                by_value.then(a.id.cmp(&b.id))
            });
        } else {
            results.sort_by_key(|record| record.id);
        }
        let total = results.len();
        let reachable = total.min(MAX_REACHABLE);
        let start = self.offset.min(reachable);
        let end = self.offset.saturating_add(self.limit).min(reachable);
        let next_after = (end < reachable && self.limit > 0).then(|| end.to_string());
        SearchPage {
            total,
            ids: results[start..end].iter().map(|record| record.id).collect(),
            next_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::catalog::Catalog;
    use crate::store::Store;
    use serde_json::{Value, json};

    fn request(body: Value) -> Result<SearchRequest, ApiError> {
        parse(body.to_string().as_bytes())
    }

    fn contacts() -> Store {
        let mut store = Store::new(&Catalog::default());
        let rows: [&[(&str, &str)]; 5] = [
            &[
                ("email", "ann@example.com"),
                ("firstname", "Ann"),
                ("lifecyclestage", "lead"),
                ("score", "10"),
                ("state", "California"),
            ],
            &[
                ("email", "bob@acme.io"),
                ("firstname", "Bob"),
                ("lifecyclestage", "customer"),
                ("score", "9.5"),
            ],
            &[
                ("email", "cy@example.com"),
                ("firstname", "Cy Young"),
                ("score", "100"),
                ("closedate", "2024-05-01T00:00:00.000Z"),
            ],
            &[("email", "dee@acme.io"), ("firstname", ""), ("lifecyclestage", "Lead")],
            &[("email", "eve@example.org"), ("lastname", "Lead-Smith")],
        ];
        for row in rows {
            let properties: BTreeMap<String, String> = row
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect();
            store.create(ObjectType::Contacts, &properties);
        }
        store
    }

    fn emails(store: &Store, body: Value) -> Vec<String> {
        let Ok(search) = request(body) else {
            panic!("search rejected");
        };
        search
            .run(store.records(ObjectType::Contacts))
            .ids
            .into_iter()
            .filter_map(|id| store.record(ObjectType::Contacts, id))
            .filter_map(|record| record.value("email").map(str::to_owned))
            .map(|email| email.split('@').next().unwrap_or_default().to_owned())
            .collect()
    }

    fn one(property: &str, operator: &str, extra: Value) -> Value {
        let mut filter = json!({"propertyName": property, "operator": operator});
        if let (Some(filter), Some(extra)) = (filter.as_object_mut(), extra.as_object()) {
            filter.extend(extra.clone());
        }
        json!({"filterGroups": [{"filters": [filter]}]})
    }

    #[test]
    fn search_eq_and_neq_compare_text_case_insensitively() {
        let store = contacts();
        assert_eq!(
            emails(&store, one("lifecyclestage", "EQ", json!({"value": "LEAD"}))),
            ["ann", "dee"]
        );
        assert_eq!(
            emails(&store, one("lifecyclestage", "NEQ", json!({"value": "lead"}))),
            ["bob", "cy", "eve"]
        );
        assert_eq!(emails(&store, one("score", "EQ", json!({"value": 10}))), ["ann"]);
    }

    #[test]
    fn search_ranges_compare_numbers_and_instants() {
        let store = contacts();
        assert_eq!(
            emails(&store, one("score", "GT", json!({"value": "9.5"}))),
            ["ann", "cy"]
        );
        assert_eq!(
            emails(&store, one("score", "GTE", json!({"value": "9.5"}))),
            ["ann", "bob", "cy"]
        );
        assert_eq!(emails(&store, one("score", "LT", json!({"value": "10"}))), ["bob"]);
        assert_eq!(
            emails(&store, one("score", "LTE", json!({"value": "10"}))),
            ["ann", "bob"]
        );
        assert_eq!(
            emails(
                &store,
                one("score", "BETWEEN", json!({"value": "9.5", "highValue": "10"}))
            ),
            ["ann", "bob"]
        );
        assert_eq!(
            emails(&store, one("closedate", "GTE", json!({"value": "1714521600000"}))),
            ["cy"]
        );
        assert_eq!(
            emails(&store, one("closedate", "LT", json!({"value": "2024-05-01"}))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn search_in_wants_lower_case_values() {
        let store = contacts();
        assert_eq!(
            emails(
                &store,
                one("lifecyclestage", "IN", json!({"values": ["lead", "customer"]}))
            ),
            ["ann", "bob", "dee"]
        );
        assert_eq!(
            emails(&store, one("lifecyclestage", "IN", json!({"values": ["Lead"]}))),
            Vec::<String>::new()
        );
        assert_eq!(
            emails(&store, one("lifecyclestage", "NOT_IN", json!({"values": ["lead"]}))),
            ["bob", "cy", "eve"]
        );
        assert_eq!(
            emails(&store, one("score", "IN", json!({"values": ["10.0", "100"]}))),
            ["ann", "cy"]
        );
    }

    #[test]
    fn search_has_property_treats_empty_as_unset() {
        let store = contacts();
        assert_eq!(
            emails(&store, one("firstname", "HAS_PROPERTY", json!({}))),
            ["ann", "bob", "cy"]
        );
        assert_eq!(
            emails(&store, one("firstname", "NOT_HAS_PROPERTY", json!({}))),
            ["dee", "eve"]
        );
    }

    #[test]
    fn search_contains_token_matches_tokens_and_wildcards() {
        let store = contacts();
        assert_eq!(
            emails(
                &store,
                one("email", "CONTAINS_TOKEN", json!({"value": "*@example.com"}))
            ),
            ["ann", "cy"]
        );
        assert_eq!(
            emails(&store, one("email", "CONTAINS_TOKEN", json!({"value": "acme"}))),
            ["bob", "dee"]
        );
        assert_eq!(
            emails(&store, one("firstname", "CONTAINS_TOKEN", json!({"value": "YOUNG"}))),
            ["cy"]
        );
        assert_eq!(
            emails(&store, one("firstname", "CONTAINS_TOKEN", json!({"value": "yo*"}))),
            ["cy"]
        );
        assert_eq!(
            emails(&store, one("firstname", "CONTAINS_TOKEN", json!({"value": "oun"}))),
            Vec::<String>::new()
        );
        assert_eq!(
            emails(
                &store,
                one("email", "NOT_CONTAINS_TOKEN", json!({"value": "*@example.com"}))
            ),
            ["bob", "dee", "eve"]
        );
    }

    #[test]
    fn search_groups_or_and_filters_and() {
        let store = contacts();
        let body = json!({"filterGroups": [
            {"filters": [
                {"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"},
                {"propertyName": "state", "operator": "EQ", "value": "California"}]},
            {"filters": [{"propertyName": "email", "operator": "EQ", "value": "eve@example.org"}]}
        ]});
        assert_eq!(emails(&store, body), ["ann", "eve"]);
        assert_eq!(emails(&store, json!({"filterGroups": [{"filters": []}]})).len(), 5);
    }

    #[test]
    fn search_query_matches_word_prefixes_in_searchable_properties() {
        let store = contacts();
        assert_eq!(emails(&store, json!({"query": "ANN"})), ["ann"]);
        assert_eq!(emails(&store, json!({"query": "example"})), ["ann", "cy", "eve"]);
        assert_eq!(emails(&store, json!({"query": "cy you"})), ["cy"]);
        assert_eq!(emails(&store, json!({"query": "oung"})), Vec::<String>::new());
        assert_eq!(emails(&store, json!({"query": "smith"})), ["eve"]);
    }

    #[test]
    fn search_sorts_accept_strings_and_objects() {
        let store = contacts();
        assert_eq!(
            emails(&store, json!({"sorts": ["score"]})),
            ["bob", "ann", "cy", "dee", "eve"]
        );
        assert_eq!(
            emails(
                &store,
                json!({"sorts": [{"propertyName": "score", "direction": "DESCENDING"}, "email"]})
            ),
            ["cy", "ann", "bob", "dee", "eve"]
        );
        assert_eq!(
            emails(
                &store,
                json!({"sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}]})
            ),
            ["eve", "dee", "cy", "bob", "ann"]
        );
        assert!(request(json!({"sorts": [{"propertyName": "a", "direction": "UP"}]})).is_err());
    }

    #[test]
    fn search_pages_with_after_offsets_and_total() {
        let store = contacts();
        let page = |body: Value| {
            request(body)
                .map(|search| search.run(store.records(ObjectType::Contacts)))
                .map(|page| (page.total, page.ids.len(), page.next_after))
        };
        assert_eq!(page(json!({"limit": 2})), Ok((5, 2, Some("2".to_owned()))));
        assert_eq!(
            page(json!({"limit": 2, "after": "2"})),
            Ok((5, 2, Some("4".to_owned())))
        );
        assert_eq!(page(json!({"limit": 2, "after": 4})), Ok((5, 1, None)));
        assert_eq!(page(json!({"limit": "2", "after": "10"})), Ok((5, 0, None)));
        assert_eq!(page(json!({"limit": 0})), Ok((5, 0, None)));
        assert_eq!(page(json!({})), Ok((5, 5, None)));
    }

    #[test]
    fn search_caps_reachable_results_at_ten_thousand() {
        let mut store = Store::new(&Catalog::default());
        for _ in 0..(MAX_REACHABLE + 5) {
            store.create(ObjectType::Notes, &BTreeMap::new());
        }
        let last =
            request(json!({"limit": 200, "after": "9900"})).map(|search| search.run(store.records(ObjectType::Notes)));
        assert_eq!(
            last.map(|page| (page.total, page.ids.len(), page.next_after)),
            Ok((MAX_REACHABLE + 5, 100, None))
        );
        let past = request(json!({"after": "10000"}));
        assert_eq!(past.err().map(|e| e.status), Some(400));
    }

    #[test]
    fn search_limits_answer_400_validation_errors() {
        let filter = json!({"propertyName": "a", "operator": "HAS_PROPERTY"});
        let group = |n: usize| json!({"filters": vec![filter.clone(); n]});
        let cases = [
            json!({"filterGroups": vec![group(1); 6]}),
            json!({"filterGroups": [group(7)]}),
            json!({"filterGroups": vec![group(4); 5]}),
            json!({"limit": 201}),
            json!({"limit": -1}),
            json!({"limit": "ten"}),
            json!({"query": "x".repeat(3001)}),
            json!({"after": "abc"}),
            one("a", "LIKE", json!({"value": "x"})),
            one("a", "BETWEEN", json!({"value": "1"})),
            one("a", "IN", json!({})),
            one("a", "IN", json!({"values": []})),
            one("a", "EQ", json!({})),
            json!({"filterGroups": [{"filters": [{"operator": "EQ", "value": "x"}]}]}),
            json!({"filterGroups": {}}),
        ];
        for case in cases {
            let error = request(case.clone()).err();
            assert_eq!(error.as_ref().map(|e| e.status), Some(400), "{case}");
            assert_eq!(error.and_then(|e| e.category), Some("VALIDATION_ERROR"), "{case}");
        }
        assert!(request(json!({"filterGroups": vec![group(3); 5], "limit": 200, "query": "x".repeat(3000)})).is_ok());
        assert!(parse(b"").is_ok());
    }

    #[test]
    fn search_glob_handles_stars_anywhere() {
        assert!(glob("*", ""));
        assert!(glob("a*c", "abbbc"));
        assert!(glob("*@x.com", "me@x.com"));
        assert!(!glob("a*c", "abcd"));
        assert!(glob("a**", "a"));
        assert!(!glob("abc", "ab"));
    }
}
