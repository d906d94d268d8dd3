//! The account's owners (the users records can be assigned to) and the owners endpoints
//! `GET /crm/v3/owners` and `GET /crm/v3/owners/{ownerId}` (dated: `/crm/owners/{version}`),
//! shaped as `openapi/crmOwners.json` says.
//!
//! ⚠ Choices where HubSpot is undocumented:
//! - Lists are ordered by owner id; `after` is the id of the next page's first owner and
//!   `paging.next.link` is `?after=<id>`, like the mock's record lists. A cursor that is
//!   not an owner id answers 400.
//! - `limit` defaults to 100 (the spec's default) and must be 1..=500; anything else
//!   answers 400 `VALIDATION_ERROR`, as HubSpot's parameter validation does.
//! - `email` matches the whole address, ignoring letter case.
//! - An archived owner (a deactivated user) has no `userId`, only
//!   `userIdIncludingInactive`.
//! - An unknown owner answers 404 `OBJECT_NOT_FOUND` with `context.id`.

use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::handler::Reply;
use crate::query::QueryParams;

/// Default page size of owner lists (`crmOwners.json`).
const DEFAULT_LIMIT: u64 = 100;
/// Largest page of owner lists.
const MAX_LIMIT: u64 = 500;

/// When the seeded owners were created and last updated.
const SEEDED_AT: &str = "2024-02-05T14:21:07.512Z";

/// A team an [`Owner`] belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerTeam {
    /// The team's id, e.g. `"7001"`.
    pub id: String,
    /// The team's name.
    pub name: String,
    /// Whether this is the owner's primary team.
    pub primary: bool,
}

impl OwnerTeam {
    /// A team with `id` and `name`, primary or not.
    pub fn new(id: impl Into<String>, name: impl Into<String>, primary: bool) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            primary,
        }
    }
}

/// One of the account's owners, served as HubSpot's `PublicOwner`. Records take the
/// `id` of a live (not archived) owner as their `hubspot_owner_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The owner id (digits), the value of `hubspot_owner_id`.
    pub id: String,
    /// The owner's e-mail address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The id of the owner's user.
    pub user_id: u64,
    /// The teams the owner is in.
    pub teams: Vec<OwnerTeam>,
    /// A deactivated owner: listed only with `archived=true`, not assignable.
    pub archived: bool,
    /// When the owner was created and last updated (ISO-8601).
    pub created_at: String,
}

impl Owner {
    /// A live owner without teams, created at a fixed instant.
    pub fn new(
        id: impl Into<String>,
        email: impl Into<String>,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        user_id: u64,
    ) -> Self {
        Self {
            id: id.into(),
            email: email.into(),
            first_name: first_name.into(),
            last_name: last_name.into(),
            user_id,
            teams: Vec::new(),
            archived: false,
            created_at: SEEDED_AT.to_owned(),
        }
    }

    /// The same owner in `teams`.
    pub fn with_teams(self, teams: Vec<OwnerTeam>) -> Self {
        Self { teams, ..self }
    }

    /// The same owner, archived.
    pub fn archived(self) -> Self {
        Self { archived: true, ..self }
    }

    /// The owner as `PublicOwner`.
    fn json(&self) -> Value {
        let mut owner = json!({
            "id": self.id,
            "email": self.email,
            "type": "PERSON",
            "firstName": self.first_name,
            "lastName": self.last_name,
            "userIdIncludingInactive": self.user_id,
            "createdAt": self.created_at,
            "updatedAt": self.created_at,
            "archived": self.archived,
            "teams": self.teams.iter().map(|team| json!({
                "id": team.id, "name": team.name, "primary": team.primary,
            })).collect::<Vec<_>>(),
        });
        if !self.archived {
            owner["userId"] = json!(self.user_id);
        }
        owner
    }

    fn sort_key(&self) -> (u64, &str) {
        (self.id.parse().unwrap_or(u64::MAX), &self.id)
    }
}

/// The owners a default [`MockConfig`](crate::MockConfig) seeds: five people in two
/// teams, two of them with near-identical names, one archived.
pub fn default_owners() -> Vec<Owner> {
    let enterprise = |primary| OwnerTeam::new("7001", "Enterprise Sales", primary);
    let success = |primary| OwnerTeam::new("7002", "Customer Success", primary);
    vec![
        Owner::new("110000001", "jade.chen@example.com", "Jade", "Chen", 9_000_001).with_teams(vec![enterprise(true)]),
        Owner::new("110000002", "jane.doe@example.com", "Jane", "Doe", 9_000_002)
            .with_teams(vec![enterprise(true), success(false)]),
        Owner::new("110000003", "marcus.lee@example.com", "Marcus", "Lee", 9_000_003).with_teams(vec![success(true)]),
        Owner::new("110000004", "jade.chan@example.com", "Jade", "Chan", 9_000_004),
        Owner::new("110000005", "priya.patel@example.com", "Priya", "Patel", 9_000_005).archived(),
    ]
}

/// Whether `value` is the id of a live owner, so a record may take it as its owner.
pub(crate) fn is_assignable(owners: &[Owner], value: &str) -> bool {
    owners.iter().any(|owner| !owner.archived && owner.id == value.trim())
}

/// `GET /crm/v3/owners` → `CollectionResponsePublicOwnerForwardPaging`.
pub(crate) fn list(owners: &[Owner], query: &QueryParams) -> Result<Reply, ApiError> {
    let limit = match query.first("limit").map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "Invalid limit {raw}: limit must be an integer from 1 to {MAX_LIMIT}."
                ))
            })?,
    };
    let archived = query.flag("archived");
    let email = query.first("email").map(str::trim).filter(|email| !email.is_empty());
    let mut matching: Vec<&Owner> = owners
        .iter()
        .filter(|owner| owner.archived == archived)
        .filter(|owner| email.is_none_or(|email| owner.email.eq_ignore_ascii_case(email)))
        .collect();
    matching.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let start = match query.first("after").map(str::trim) {
        None | Some("") => 0,
        Some(after) => matching.iter().position(|owner| owner.id == after).ok_or_else(|| {
            ApiError::validation(format!("Invalid paging cursor {after}: after must be an owner id."))
        })?,
    };
    let page_size = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut rest = matching.into_iter().skip(start);
    let results: Vec<Value> = rest.by_ref().take(page_size).map(Owner::json).collect();
    let mut body = json!({ "results": results });
    if let Some(next) = rest.next() {
        body["paging"] = json!({"next": {"after": next.id, "link": format!("?after={}", next.id)}});
    }
    Ok(Reply::Json(200, body))
}

/// `GET /crm/v3/owners/{ownerId}` → `PublicOwner`.
pub(crate) fn read(owners: &[Owner], raw_id: &str, query: &QueryParams) -> Result<Reply, ApiError> {
    let archived = query.flag("archived");
    let by_user_id = match query.first("idProperty").map(str::trim) {
        None | Some("" | "id") => false,
        Some("userId") => true,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "Invalid idProperty {other}: must be one of [id, userId]."
            )));
        }
    };
    let wanted = raw_id.trim();
    owners
        .iter()
        .filter(|owner| owner.archived == archived)
        .find(|owner| {
            if by_user_id {
                owner.user_id.to_string() == wanted
            } else {
                owner.id == wanted
            }
        })
        .map(|owner| Reply::Json(200, owner.json()))
        .ok_or_else(|| {
            let mut error = ApiError::new(404, "OBJECT_NOT_FOUND", format!("Owner {wanted} was not found."));
            error.context.insert("id".to_owned(), vec![wanted.to_owned()]);
            error
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(reply: Result<Reply, ApiError>) -> Value {
        match reply {
            Ok(Reply::Json(200, body)) => body,
            other => panic!("expected 200, got {other:?}"),
        }
    }

    fn status(reply: Result<Reply, ApiError>) -> u16 {
        match reply {
            Ok(Reply::Json(status, _)) => status,
            Ok(Reply::NoContent) => 204,
            Ok(Reply::Error(error)) | Err(error) => error.status,
        }
    }

    fn ids(body: &Value) -> Vec<String> {
        body["results"]
            .as_array()
            .map(|results| {
                results
                    .iter()
                    .filter_map(|owner| owner["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn query(text: &str) -> QueryParams {
        QueryParams::parse(Some(text))
    }

    #[test]
    fn owners_list_returns_live_owners_in_id_order_with_teams() {
        let owners = default_owners();
        let page = body(list(&owners, &query("")));
        assert_eq!(ids(&page), ["110000001", "110000002", "110000003", "110000004"]);
        assert!(page.get("paging").is_none());
        let jane = &page["results"][1];
        assert_eq!(jane["email"], "jane.doe@example.com");
        assert_eq!(jane["type"], "PERSON");
        assert_eq!(jane["userId"], 9_000_002);
        assert_eq!(
            jane["teams"][1],
            json!({"id": "7002", "name": "Customer Success", "primary": false})
        );
    }

    #[test]
    fn owners_list_pages_with_a_cursor_until_the_last_page() {
        let owners = default_owners();
        let first = body(list(&owners, &query("limit=3")));
        assert_eq!(ids(&first), ["110000001", "110000002", "110000003"]);
        assert_eq!(first["paging"]["next"]["after"], "110000004");
        assert_eq!(first["paging"]["next"]["link"], "?after=110000004");
        let second = body(list(&owners, &query("limit=3&after=110000004")));
        assert_eq!(ids(&second), ["110000004"]);
        assert!(second.get("paging").is_none());
        assert_eq!(status(list(&owners, &query("after=nope"))), 400);
    }

    #[test]
    fn owners_list_limit_must_be_from_1_to_500() {
        let owners = default_owners();
        for ok in ["1", "500", " 7 "] {
            assert_eq!(status(list(&owners, &query(&format!("limit={ok}")))), 200, "{ok}");
        }
        for bad in ["0", "501", "-1", "x", "1.5"] {
            assert_eq!(status(list(&owners, &query(&format!("limit={bad}")))), 400, "{bad}");
        }
    }

    #[test]
    fn owners_list_filters_by_email_ignoring_case() {
        let owners = default_owners();
        let found = body(list(&owners, &query("email=JADE.Chen%40example.com")));
        assert_eq!(ids(&found), ["110000001"]);
        assert!(ids(&body(list(&owners, &query("email=jade%40example.com")))).is_empty());
        let archived = body(list(&owners, &query("email=priya.patel%40example.com")));
        assert!(ids(&archived).is_empty(), "archived owners need archived=true");
    }

    #[test]
    fn owners_archived_are_listed_and_read_only_when_asked_for() {
        let owners = default_owners();
        let page = body(list(&owners, &query("archived=true")));
        assert_eq!(ids(&page), ["110000005"]);
        assert_eq!(page["results"][0]["archived"], true);
        assert!(page["results"][0].get("userId").is_none());
        assert_eq!(page["results"][0]["userIdIncludingInactive"], 9_000_005);
        assert_eq!(status(read(&owners, "110000005", &query(""))), 404);
        assert_eq!(status(read(&owners, "110000005", &query("archived=true"))), 200);
        assert!(!is_assignable(&owners, "110000005"));
        assert!(is_assignable(&owners, "110000001"));
        assert!(!is_assignable(&owners, "jade.chen@example.com"));
    }

    #[test]
    fn owners_read_by_id_or_user_id() {
        let owners = default_owners();
        assert_eq!(body(read(&owners, "110000003", &query("")))["lastName"], "Lee");
        assert_eq!(
            body(read(&owners, "110000003", &query("idProperty=id")))["lastName"],
            "Lee"
        );
        assert_eq!(
            body(read(&owners, "9000004", &query("idProperty=userId")))["lastName"],
            "Chan"
        );
        assert_eq!(status(read(&owners, "9000004", &query(""))), 404);
        assert_eq!(status(read(&owners, "110000003", &query("idProperty=email"))), 400);
        assert_eq!(status(read(&owners, "1", &query(""))), 404);
    }
}
