//! Bearer tokens and scopes: who is calling (401 otherwise) and whether the token holds
//! one of the scopes an endpoint accepts (403 `MISSING_SCOPES` otherwise).
//!
//! The accepted scopes per object type come from the `security` sections of HubSpot's
//! per-object OpenAPI specs (`contacts.json`, `tickets.json`, …, each listing
//! alternatives: any one grants). Additions and ⚠ choices:
//! - Tickets also accept `crm.objects.tickets.read`/`.write`, the granular scopes
//!   HubSpot's private-app UI offers and the product spec tells users to pick.
//! - Reading properties or pipelines of a type accepts the type's read and write scopes,
//!   plus `crm.schemas.<type>.read` (and for engagements `crm.objects.<type>.read`) where
//!   the properties/pipelines specs list one; products and postal mail have no schema
//!   scope there.
//! - A write scope does not grant reads of records, as in the specs.
//! - Custom objects (`pets`, see `objects.rs`) take `crm.objects.custom.read`/`.write`
//!   (`customObjects.json`); their properties also `crm.schemas.custom.read`, which
//!   `properties.json` lists.
//! - Owners take `crm.objects.owners.read` (`crmOwners.json`; its `automation` and
//!   legacy `contacts` alternatives are not granted here). Custom object schemas take
//!   `crm.schemas.custom.read` or `crm.objects.custom.read` (`schemas.json` lists both;
//!   its sensitive-data variants are not modelled).
//! - The 403 body lists every accepted scope in `requiredGranularScopes`, as the example
//!   in HubSpot's error-handling guide does.

use serde_json::json;

use crate::errors::ApiError;
use crate::handler::Reply;
use crate::objects::ObjectType;
use crate::recording::RecordedRequest;
use crate::requests::{self, TokenInfoBody};

/// What kind of credential a token is, which decides whether HubSpot's private-app
/// token-information endpoint knows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenKind {
    /// A legacy private app's access token: token-info lists its scopes.
    #[default]
    PrivateApp,
    /// A Service Key (or an OAuth access token): accepted as a bearer token, but no
    /// endpoint reports its scopes, so token-info does not know it.
    ServiceKey,
}

/// A bearer token the mock accepts, with the scopes granted to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    /// The token as sent in `Authorization: Bearer <token>`.
    pub token: String,
    /// The scopes granted; an endpoint answers 403 `MISSING_SCOPES` when none of the
    /// scopes it accepts is among them.
    pub scopes: Vec<String>,
    /// The kind of credential.
    pub kind: TokenKind,
}

impl TokenGrant {
    /// A private app token granted `scopes`.
    pub fn new(token: impl Into<String>, scopes: &[&str]) -> Self {
        Self::private_app(token, scopes.iter().map(|scope| (*scope).to_owned()).collect())
    }

    /// A private app token granted `scopes`.
    pub fn private_app(token: impl Into<String>, scopes: Vec<String>) -> Self {
        Self {
            token: token.into(),
            scopes,
            kind: TokenKind::PrivateApp,
        }
    }

    /// A Service Key granted `scopes`, unknown to token-info.
    pub fn service_key(token: impl Into<String>, scopes: Vec<String>) -> Self {
        Self {
            token: token.into(),
            scopes,
            kind: TokenKind::ServiceKey,
        }
    }
}

/// What a request does with an object type, for the scope check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read, list or search records.
    Read,
    /// Create, update or archive records.
    Write,
    /// Read the type's property definitions or pipelines.
    Schema,
}

/// The scope that grants reading custom object schemas.
const SCHEMAS_CUSTOM_READ: &str = "crm.schemas.custom.read";

/// The scopes of which any one grants `GET /crm/v3/owners[/{ownerId}]`.
pub(crate) const OWNERS_SCOPES: &[&str] = &["crm.objects.owners.read"];

/// The scopes of which any one grants `GET /crm-object-schemas/v3/schemas[/{objectType}]`.
pub(crate) const CUSTOM_SCHEMA_SCOPES: &[&str] = &[SCHEMAS_CUSTOM_READ, "crm.objects.custom.read"];

struct ScopeRule {
    read: &'static [&'static str],
    write: &'static [&'static str],
    schema: &'static [&'static str],
}

fn rule(object_type: ObjectType) -> ScopeRule {
    const CONTACTS_READ: &[&str] = &["crm.objects.contacts.read"];
    const CONTACTS_WRITE: &[&str] = &["crm.objects.contacts.write"];
    const CUSTOM_READ: &[&str] = &["crm.objects.custom.read"];
    const CUSTOM_WRITE: &[&str] = &["crm.objects.custom.write"];
    match object_type {
        ObjectType::Contacts => ScopeRule {
            read: CONTACTS_READ,
            write: CONTACTS_WRITE,
            schema: &["crm.schemas.contacts.read"],
        },
        ObjectType::Companies => ScopeRule {
            read: &["crm.objects.companies.read"],
            write: &["crm.objects.companies.write"],
            schema: &["crm.schemas.companies.read"],
        },
        ObjectType::Deals => ScopeRule {
            read: &["crm.objects.deals.read"],
            write: &["crm.objects.deals.write"],
            schema: &["crm.schemas.deals.read"],
        },
        ObjectType::Tickets => ScopeRule {
            read: &["tickets", "crm.objects.tickets.read"],
            write: &["tickets", "crm.objects.tickets.write"],
            schema: &["crm.schemas.tickets.read"],
        },
        ObjectType::Products => ScopeRule {
            read: &["crm.objects.products.read", "e-commerce"],
            write: &["crm.objects.products.write", "e-commerce"],
            schema: &[],
        },
        ObjectType::LineItems => ScopeRule {
            read: &["crm.objects.line_items.read", "e-commerce"],
            write: &["crm.objects.line_items.write", "e-commerce"],
            schema: &["crm.schemas.line_items.read"],
        },
        ObjectType::Quotes => ScopeRule {
            read: &["crm.objects.quotes.read", "e-commerce"],
            write: &["crm.objects.quotes.write", "e-commerce"],
            schema: &["crm.schemas.quotes.read"],
        },
        ObjectType::Calls => ScopeRule {
            read: CONTACTS_READ,
            write: CONTACTS_WRITE,
            schema: &["crm.schemas.calls.read", "crm.objects.calls.read"],
        },
        ObjectType::Emails => ScopeRule {
            read: &["crm.objects.contacts.read", "sales-email-read"],
            write: &["crm.objects.contacts.write", "sales-email-read"],
            schema: &["crm.schemas.emails.read", "crm.objects.emails.read"],
        },
        ObjectType::Meetings => ScopeRule {
            read: CONTACTS_READ,
            write: CONTACTS_WRITE,
            schema: &["crm.schemas.meetings.read", "crm.objects.meetings.read"],
        },
        ObjectType::Notes => ScopeRule {
            read: CONTACTS_READ,
            write: CONTACTS_WRITE,
            schema: &["crm.schemas.notes.read", "crm.objects.notes.read"],
        },
        ObjectType::PostalMail => ScopeRule {
            read: CONTACTS_READ,
            write: CONTACTS_WRITE,
            schema: &[],
        },
        ObjectType::Tasks => ScopeRule {
            read: CONTACTS_READ,
            write: CONTACTS_WRITE,
            schema: &["crm.schemas.tasks.read", "crm.objects.tasks.read"],
        },
        ObjectType::Leads => ScopeRule {
            read: &["crm.objects.leads.read"],
            write: &["crm.objects.leads.write"],
            schema: &[],
        },
        ObjectType::Pets => ScopeRule {
            read: CUSTOM_READ,
            write: CUSTOM_WRITE,
            schema: &[SCHEMAS_CUSTOM_READ],
        },
    }
}

/// The scopes of which any one grants `access` to `object_type`, without duplicates.
pub(crate) fn accepted_scopes(object_type: ObjectType, access: Access) -> Vec<&'static str> {
    let rule = rule(object_type);
    let groups: &[&[&'static str]] = match access {
        Access::Read => &[rule.read],
        Access::Write => &[rule.write],
        Access::Schema => &[rule.read, rule.write, rule.schema],
    };
    let mut scopes: Vec<&'static str> = Vec::new();
    for scope in groups.iter().flat_map(|group| group.iter()) {
        if !scopes.contains(scope) {
            scopes.push(scope);
        }
    }
    scopes
}

/// Every scope the mock knows: those that grant some endpoint it serves, sorted.
pub fn all_scopes() -> Vec<String> {
    let mut scopes: Vec<String> = ObjectType::ALL
        .into_iter()
        .flat_map(|object_type| accepted_scopes(object_type, Access::Schema))
        .chain(OWNERS_SCOPES.iter().copied())
        .chain(CUSTOM_SCHEMA_SCOPES.iter().copied())
        .map(str::to_owned)
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// The grant of the request's bearer token, or the 401 to answer.
pub(crate) fn authenticate<'a>(
    request: &RecordedRequest,
    tokens: &'a [TokenGrant],
) -> Result<&'a TokenGrant, ApiError> {
    let token = request
        .header("authorization")
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or_else(ApiError::unauthenticated)?;
    find_grant(tokens, token).ok_or_else(ApiError::unauthenticated)
}

/// The grant of `token`, if the mock knows it.
pub(crate) fn find_grant<'a>(tokens: &'a [TokenGrant], token: &str) -> Option<&'a TokenGrant> {
    tokens.iter().find(|grant| grant.token == token)
}

/// `Ok` when `grant` holds a scope that grants `access` to `object_type`, else the 403.
pub(crate) fn authorize(grant: &TokenGrant, object_type: ObjectType, access: Access) -> Result<(), ApiError> {
    authorize_any(grant, &accepted_scopes(object_type, access))
}

/// `Ok` when `grant` holds one of the `accepted` scopes, else the 403 listing them.
pub(crate) fn authorize_any(grant: &TokenGrant, accepted: &[&str]) -> Result<(), ApiError> {
    if accepted
        .iter()
        .any(|scope| grant.scopes.iter().any(|granted| granted == scope))
    {
        Ok(())
    } else {
        Err(ApiError::missing_scopes(accepted))
    }
}

/// `POST /oauth/v2/private-apps/get/access-token-info`: what the mock knows about the
/// token in `{"tokenKey"}` — 200 `{userId, hubId, appId, scopes}`, with ids made up per
/// token (stable: they follow the token's place in the configuration). ⚠ An unknown
/// token answers the 401 of a bad credential, the same body as any other endpoint's.
pub(crate) fn token_info(body: &[u8], tokens: &[TokenGrant], portal_id: u64) -> Reply {
    let request: TokenInfoBody = match requests::parse(body) {
        Ok(request) => request,
        Err(error) => return Reply::Error(error),
    };
    let known = |grant: &TokenGrant| grant.token == request.token_key && grant.kind == TokenKind::PrivateApp;
    let Some(position) = tokens.iter().position(known) else {
        return Reply::Error(ApiError::unauthenticated());
    };
    let index = u64::try_from(position).unwrap_or(u64::MAX);
    Reply::Json(
        200,
        json!({
            "userId": FIRST_USER_ID.saturating_add(index),
            "hubId": portal_id,
            "appId": FIRST_APP_ID.saturating_add(index),
            "scopes": tokens[position].scopes,
        }),
    )
}

/// The `userId` token-info reports for the first configured token.
const FIRST_USER_ID: u64 = 7_000_001;
/// The `appId` token-info reports for the first configured token.
const FIRST_APP_ID: u64 = 3_000_001;

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with(authorization: Option<&str>) -> RecordedRequest {
        RecordedRequest {
            method: "GET".to_owned(),
            path: "/".to_owned(),
            query: None,
            headers: authorization
                .map(|value| vec![("authorization".to_owned(), value.to_owned())])
                .unwrap_or_default(),
            body: Vec::new(),
        }
    }

    #[test]
    fn auth_authenticate_accepts_known_bearer_tokens_only() {
        let tokens = [TokenGrant::new("pat-1", &["tickets"])];
        for ok in ["Bearer pat-1", "bearer pat-1", "  Bearer   pat-1  "] {
            assert!(authenticate(&request_with(Some(ok)), &tokens).is_ok(), "{ok}");
        }
        for bad in [
            None,
            Some("Bearer"),
            Some("Bearer "),
            Some("Basic pat-1"),
            Some("Bearer pat-2"),
            Some("pat-1"),
        ] {
            let error = authenticate(&request_with(bad), &tokens).err();
            assert_eq!(error.map(|e| e.status), Some(401), "{bad:?}");
        }
    }

    #[test]
    fn auth_authorize_accepts_any_alternative_scope() {
        let ecommerce = TokenGrant::new("t", &["e-commerce"]);
        assert!(authorize(&ecommerce, ObjectType::Products, Access::Write).is_ok());
        assert!(authorize(&ecommerce, ObjectType::Quotes, Access::Read).is_ok());
        assert!(authorize(&ecommerce, ObjectType::Contacts, Access::Read).is_err());

        let tickets = TokenGrant::new("t", &["crm.objects.tickets.read"]);
        assert!(authorize(&tickets, ObjectType::Tickets, Access::Read).is_ok());
        assert!(authorize(&tickets, ObjectType::Tickets, Access::Write).is_err());

        let contacts = TokenGrant::new("t", &["crm.objects.contacts.read"]);
        for engagement in [
            ObjectType::Calls,
            ObjectType::Notes,
            ObjectType::PostalMail,
            ObjectType::Emails,
        ] {
            assert!(authorize(&contacts, engagement, Access::Read).is_ok());
            assert!(authorize(&contacts, engagement, Access::Write).is_err());
        }
        let sales_email = TokenGrant::new("t", &["sales-email-read"]);
        assert!(authorize(&sales_email, ObjectType::Emails, Access::Read).is_ok());
    }

    #[test]
    fn auth_schema_reads_accept_object_or_schema_scopes() {
        let schema = TokenGrant::new("t", &["crm.schemas.deals.read"]);
        assert!(authorize(&schema, ObjectType::Deals, Access::Schema).is_ok());
        assert!(authorize(&schema, ObjectType::Deals, Access::Read).is_err());
        let write = TokenGrant::new("t", &["crm.objects.companies.write"]);
        assert!(authorize(&write, ObjectType::Companies, Access::Schema).is_ok());
        assert!(authorize(&write, ObjectType::Companies, Access::Read).is_err());
    }

    #[test]
    fn auth_custom_objects_owners_and_schemas_take_their_scopes() {
        let custom = TokenGrant::new("t", &["crm.objects.custom.read"]);
        assert!(authorize(&custom, ObjectType::Pets, Access::Read).is_ok());
        assert!(authorize(&custom, ObjectType::Pets, Access::Schema).is_ok());
        assert!(authorize(&custom, ObjectType::Pets, Access::Write).is_err());
        assert!(authorize_any(&custom, CUSTOM_SCHEMA_SCOPES).is_ok());
        assert!(authorize_any(&custom, OWNERS_SCOPES).is_err());
        let schemas = TokenGrant::new("t", &["crm.schemas.custom.read"]);
        assert!(authorize(&schemas, ObjectType::Pets, Access::Schema).is_ok());
        assert!(authorize(&schemas, ObjectType::Pets, Access::Read).is_err());
        assert!(authorize_any(&schemas, CUSTOM_SCHEMA_SCOPES).is_ok());
        let owners = TokenGrant::new("t", &["crm.objects.owners.read"]);
        assert!(authorize_any(&owners, OWNERS_SCOPES).is_ok());
        assert!(authorize(&owners, ObjectType::Deals, Access::Read).is_err());
    }

    #[test]
    fn auth_missing_scope_error_lists_the_alternatives() {
        let none = TokenGrant::new("t", &[]);
        let error = authorize(&none, ObjectType::Products, Access::Read).err();
        let body = error.map(|e| e.body("c"));
        assert_eq!(
            body.as_ref()
                .map(|b| b["errors"][0]["context"]["requiredGranularScopes"].clone()),
            Some(serde_json::json!(["crm.objects.products.read", "e-commerce"]))
        );
        assert_eq!(
            body.map(|b| b["category"].clone()),
            Some(serde_json::json!("MISSING_SCOPES"))
        );
    }

    #[test]
    fn auth_all_scopes_is_sorted_unique_and_complete() {
        let scopes = all_scopes();
        let mut sorted = scopes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(scopes, sorted);
        for object_type in ObjectType::ALL {
            for access in [Access::Read, Access::Write, Access::Schema] {
                for scope in accepted_scopes(object_type, access) {
                    assert!(scopes.iter().any(|known| known == scope), "{scope}");
                }
            }
        }
        for scope in OWNERS_SCOPES.iter().chain(CUSTOM_SCHEMA_SCOPES) {
            assert!(scopes.iter().any(|known| known == scope), "{scope}");
        }
        let full = TokenGrant::private_app("t", scopes);
        for object_type in ObjectType::ALL {
            for access in [Access::Read, Access::Write, Access::Schema] {
                assert!(authorize(&full, object_type, access).is_ok());
            }
        }
    }

    #[test]
    fn auth_token_info_reports_the_grant_or_401() {
        let tokens = [TokenGrant::new("a", &["tickets"]), TokenGrant::new("b", &[])];
        let reply = token_info(br#"{"tokenKey":"b"}"#, &tokens, 99);
        assert_eq!(
            reply,
            Reply::Json(
                200,
                json!({"userId": 7_000_002, "hubId": 99, "appId": 3_000_002, "scopes": []})
            )
        );
        let first = token_info(br#"{"tokenKey":"a"}"#, &tokens, 99);
        assert!(matches!(first, Reply::Json(200, ref body) if body["scopes"] == json!(["tickets"])));
        let unknown = token_info(br#"{"tokenKey":"zzz"}"#, &tokens, 99);
        assert!(matches!(unknown, Reply::Error(ref error) if error.status == 401));
        let with_key = [TokenGrant::service_key("key", vec!["tickets".to_owned()])];
        let service_key = token_info(br#"{"tokenKey":"key"}"#, &with_key, 99);
        assert!(matches!(service_key, Reply::Error(ref error) if error.status == 401));
        let malformed = token_info(b"{", &tokens, 99);
        assert!(matches!(malformed, Reply::Error(ref error) if error.status == 400));
    }
}
