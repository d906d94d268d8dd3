//! What one call looks up in the account before, or instead of, a single
//! request: custom object type ids by name, owner ids by e-mail or name, and
//! listings that take several pages. Each lookup is made at most once per
//! call; nothing outlives the call.

use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::answer::{ObjectSchema, Owner, Page, Paged, PropertyDefinition};
use crate::api_version::ApiVersion;
use crate::client::Client;
use crate::entity::{ObjectType, entity_names};
use crate::error::Error;
use crate::http::HttpRequest;
use crate::input_path::InputPath;
use crate::limits::MAX_OWNERS;
use crate::order;
use crate::plan;
use crate::request::OwnersRequest;
use crate::transport::Transport;
use crate::validate::{is_email, shorten};

/// The property every object type has for its owner.
pub const OWNER_PROPERTY: &str = "hubspot_owner_id";
/// How property definitions mark a value that is an owner's id.
const OWNER_REFERENCE: &str = "OWNER";
/// How many near matches an unknown owner's error lists.
const CLOSEST_OWNERS: usize = 3;

/// The records of a listing that follows HubSpot's cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected<T, C = String> {
    /// Every record read, in HubSpot's order.
    pub results: Vec<T>,
    /// Where the listing stopped with records left: pass as `after` to go on.
    pub next_after: Option<C>,
    /// Requests made.
    pub pages: u32,
    /// HubSpot's count of matches, as the first page gave it (search only).
    pub total: Option<u64>,
}

/// How a listing goes from one page to the next.
#[derive(Debug)]
pub struct Pager<Q, N> {
    /// The request for a cursor (`None` for the first page) and the number
    /// of records still wanted.
    pub page: Q,
    /// The cursor after a page, when HubSpot says more are left.
    pub next: N,
    /// The least time from one answer to the next request, for endpoints
    /// with a per-second limit.
    pub gap: Option<Duration>,
}

/// A call's client, its API version and what it looked up so far.
#[derive(Debug)]
pub struct Lookups<'t, T: Transport> {
    client: Client<'t, T>,
    version: ApiVersion,
    schemas: Option<Vec<ObjectSchema>>,
    owners: Option<Vec<Owner>>,
}

impl<'t, T: Transport> Lookups<'t, T> {
    /// Nothing looked up yet.
    pub fn new(client: Client<'t, T>, version: ApiVersion) -> Self {
        Self {
            client,
            version,
            schemas: None,
            owners: None,
        }
    }

    /// The API version every request uses.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// Gives the next request the whole deadline again: for actions that
    /// send one request after another, whose number the caller bounds.
    pub fn restart_deadline(&mut self) {
        self.client.restart_deadline();
    }

    /// Sends one request through the call's client.
    pub fn send<D: crate::answer::Decode>(&mut self, request: &HttpRequest) -> Result<D, Error> {
        self.client.send(request)
    }

    /// Reads pages from `first_after` on until `max` records are read or
    /// HubSpot has no more; `page` builds the request for a cursor and the
    /// number of records still wanted.
    pub fn collect<R: DeserializeOwned>(
        &mut self,
        first_after: Option<String>,
        max: usize,
        mut page: impl FnMut(Option<&str>, usize) -> Result<HttpRequest, Error>,
    ) -> Result<Collected<R>, Error> {
        self.collect_pages::<Page<R>, String>(
            first_after,
            max,
            Pager {
                page: |after: Option<&String>, wanted| page(after.map(String::as_str), wanted),
                next: |answer: &Page<R>| answer.next_after().map(str::to_owned),
                gap: None,
            },
        )
    }

    /// Reads pages of `P` from `first` on until `max` items are read or
    /// HubSpot has no more, moving from page to page as `pager` says. Each
    /// page gets the whole deadline: the listing as a whole is bounded by `max`.
    pub fn collect_pages<P: Paged, C: PartialEq>(
        &mut self,
        first: Option<C>,
        max: usize,
        mut pager: Pager<impl FnMut(Option<&C>, usize) -> Result<HttpRequest, Error>, impl FnMut(&P) -> Option<C>>,
    ) -> Result<Collected<P::Item, C>, Error> {
        let mut results: Vec<P::Item> = Vec::new();
        let mut cursor = first;
        let mut pages = 0;
        let mut total = None;
        let mut answered: Option<Duration> = None;
        loop {
            let wanted = max - results.len();
            let request = (pager.page)(cursor.as_ref(), wanted)?;
            if let (Some(gap), Some(answered)) = (pager.gap, answered) {
                self.client.wait_until(answered + gap);
            }
            if pages > 0 {
                self.client.restart_deadline();
            }
            let answer: P = self.client.send(&request)?;
            answered = Some(self.client.now());
            pages += 1;
            if pages == 1 {
                total = answer.total();
            }
            let next = (pager.next)(&answer);
            let empty = answer.items().is_empty();
            let advanced = next.is_some() && next != cursor;
            results.extend(answer.into_items().into_iter().take(wanted));
            match next {
                // A cursor that does not move, or a page without records,
                // would never end: stop and hand the cursor back.
                Some(next) if results.len() < max && advanced && !empty => cursor = Some(next),
                next_after => {
                    return Ok(Collected {
                        results,
                        next_after,
                        pages,
                        total,
                    });
                }
            }
        }
    }

    /// The account's custom object schemas, read once per call.
    pub fn schemas(&mut self) -> Result<&[ObjectSchema], Error> {
        if self.schemas.is_none() {
            let Page { results, .. } = self.client.send::<Page<ObjectSchema>>(&plan::schemas(self.version))?;
            self.schemas = Some(results);
        }
        Ok(self.schemas.as_deref().unwrap_or_default())
    }

    /// The type id of the custom object `name` (its name, fully qualified
    /// name or label, in any letter case), or invalid input at `path` that
    /// lists the account's custom objects.
    pub fn custom_type_id(&mut self, name: &str, path: &InputPath) -> Result<String, Error> {
        let schemas = self.schemas()?;
        let by_name: Vec<&ObjectSchema> = schemas
            .iter()
            .filter(|schema| {
                schema.name.eq_ignore_ascii_case(name) || schema.fully_qualified_name.eq_ignore_ascii_case(name)
            })
            .collect();
        let by_label: Vec<&ObjectSchema> = schemas
            .iter()
            .filter(|schema| {
                [&schema.labels.singular, &schema.labels.plural]
                    .into_iter()
                    .flatten()
                    .any(|label| label.eq_ignore_ascii_case(name))
            })
            .collect();
        match (by_name.as_slice(), by_label.as_slice()) {
            ([schema], _) | ([], [schema]) => Ok(schema.object_type_id.clone()),
            _ => {
                let known: Vec<String> = schemas
                    .iter()
                    .map(|schema| format!("{} ({})", schema.name, schema.object_type_id))
                    .collect();
                let custom = if known.is_empty() {
                    "this account has no custom objects".to_owned()
                } else {
                    format!("this account's custom objects are {}", known.join(", "))
                };
                Err(Error::invalid(
                    path,
                    format!(
                        "unknown object type `{}`: the built-in ones are {}; {custom}",
                        shorten(name),
                        entity_names().join(", ")
                    ),
                ))
            }
        }
    }

    /// Every active owner, page after page, read once per call.
    pub fn owners(&mut self) -> Result<&[Owner], Error> {
        if self.owners.is_none() {
            let request = OwnersRequest::default();
            let version = self.version;
            let collected =
                self.collect::<Owner>(None, MAX_OWNERS, |after, _| plan::owners_page(&request, version, after))?;
            self.owners = Some(collected.results);
        }
        Ok(self.owners.as_deref().unwrap_or_default())
    }

    /// Whether `name` of `object_type` holds an owner's id: the owner
    /// property itself, or a property whose definition says so. Only
    /// properties named like an owner are asked about, so that writing an
    /// e-mail address to `email` costs no request.
    pub fn is_owner_property(&mut self, object_type: ObjectType<'_>, name: &str) -> Result<bool, Error> {
        if name == OWNER_PROPERTY {
            return Ok(true);
        }
        if !name.to_ascii_lowercase().contains("owner") {
            return Ok(false);
        }
        let request = plan::property_definition(object_type, name, self.version);
        match self.client.send::<PropertyDefinition>(&request) {
            Ok(definition) => Ok(definition.referenced_object_type.as_deref() == Some(OWNER_REFERENCE)),
            // HubSpot names an unknown property when the write itself fails.
            Err(Error::NotFound(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// The id of the active owner `value` names by e-mail address or full
    /// name; ids and empty values pass unchanged. An unknown or ambiguous
    /// owner is invalid input at `path` naming the closest owners.
    pub fn owner_id(&mut self, value: &str, path: &InputPath) -> Result<String, Error> {
        let given = value.trim();
        if given.is_empty() || given.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(value.to_owned());
        }
        let matches: Vec<Owner> = if is_email(given) {
            let request = OwnersRequest {
                email: Some(given.to_owned()),
                archived: false,
            };
            let page: Page<Owner> = self.client.send(&plan::owners_page(&request, self.version, None)?)?;
            page.results
                .into_iter()
                .filter(|owner| {
                    !owner.archived && owner.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(given))
                })
                .collect()
        } else {
            self.owners()?
                .iter()
                .filter(|owner| owner.full_name().eq_ignore_ascii_case(given))
                .cloned()
                .collect()
        };
        match matches.as_slice() {
            [owner] => Ok(owner.id.clone()),
            [] => {
                let closest = closest_owners(given, self.owners()?);
                Err(Error::invalid(
                    path,
                    format!(
                        "no active HubSpot owner is `{}`; {}",
                        shorten(given),
                        if closest.is_empty() {
                            "the account has no active owners".to_owned()
                        } else {
                            format!(
                                "the closest are {}. Give an owner's id, e-mail address or full name (get-owners \
                                 lists them)",
                                describe_owners(&closest)
                            )
                        }
                    ),
                ))
            }
            several => {
                let several: Vec<&Owner> = several.iter().collect();
                Err(Error::invalid(
                    path,
                    format!(
                        "`{}` names {} owners: {}. Give the id of the one meant",
                        shorten(given),
                        several.len(),
                        describe_owners(&several)
                    ),
                ))
            }
        }
    }
}

/// `e-mail (First Last, id 123)` for each owner.
fn describe_owners(owners: &[&Owner]) -> String {
    owners
        .iter()
        .map(|owner| {
            let email = owner.email.as_deref().unwrap_or("no e-mail");
            let name = owner.full_name();
            if name.is_empty() {
                format!("{email} (id {})", owner.id)
            } else {
                format!("{email} ({name}, id {})", owner.id)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The owners whose e-mail address or name is fewest edits away from
/// `given`, in HubSpot's order among equals.
fn closest_owners<'o>(given: &str, owners: &'o [Owner]) -> Vec<&'o Owner> {
    let given = given.to_ascii_lowercase();
    let distances: Vec<usize> = owners
        .iter()
        .map(|owner| {
            let by_email = owner
                .email
                .as_deref()
                .map_or(usize::MAX, |email| edit_distance(&given, &email.to_ascii_lowercase()));
            let by_name = edit_distance(&given, &owner.full_name().to_ascii_lowercase());
            by_email.min(by_name)
        })
        .collect();
    let distance = |index: usize| distances.get(index).copied().unwrap_or(usize::MAX);
    let mut ranked: Vec<usize> = (0..owners.len()).collect();
    order::sort_by(&mut ranked, &|a, b| distance(a).cmp(&distance(b)).then(a.cmp(&b)));
    ranked
        .into_iter()
        .take(CLOSEST_OWNERS)
        .filter_map(|index| owners.get(index))
        .collect()
}

/// Levenshtein distance by characters; the inputs are an e-mail address
/// (checked to be short) and a name, so the table stays small.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(id: &str, email: &str, first: &str, last: &str) -> Owner {
        Owner {
            id: id.into(),
            email: Some(email.into()),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            user_id: None,
            archived: false,
            teams: Vec::new(),
        }
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("jade.chen", "jade.chan"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn the_closest_owners_come_first() {
        let owners = [
            owner("1", "marcus.lee@example.com", "Marcus", "Lee"),
            owner("2", "jade.chan@example.com", "Jade", "Chan"),
            owner("3", "jade.chen@example.com", "Jade", "Chen"),
        ];
        let closest = closest_owners("jade.chen@exmple.com", &owners);
        let ids: Vec<&str> = closest.iter().map(|owner| owner.id.as_str()).collect();
        assert_eq!(ids, ["3", "2", "1"]);
        assert_eq!(
            describe_owners(&closest[..1]),
            "jade.chen@example.com (Jade Chen, id 3)"
        );
    }
}
