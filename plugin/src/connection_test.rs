//! The connection test: proves the credential works and reports, per entity,
//! whether the token may read and write, and which scopes it lacks.

use serde::Serialize;
use serde_json::{Value, json};

use crate::answer::Decode;
use crate::api_version::Family;
use crate::client::Client;
use crate::entity::{ENTITIES, Entity, RECOMMENDED_SCOPES};
use crate::error::Error;
use crate::http::{HttpRequest, Method, PathBuilder, Repeatable};
use crate::transport::Transport;

/// HubSpot's endpoint that lists a legacy private app token's scopes.
pub const TOKEN_INFO_PATH: &str = "/oauth/v2/private-apps/get/access-token-info";

/// HubSpot's token-information answer: the account and the granted scopes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenInfo {
    /// The HubSpot account id, when the answer has one.
    pub hub_id: Option<u64>,
    /// The scopes granted to the token.
    pub scopes: Vec<String>,
}

/// Read leniently, as the answer has varied: members of another type count
/// as absent, scopes that are not strings are skipped.
impl Decode for TokenInfo {
    fn decode(body: String) -> Result<Self, String> {
        let info = Value::decode(body)?;
        Ok(Self {
            hub_id: info.get("hubId").and_then(Value::as_u64),
            scopes: info
                .get("scopes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|scope| scope.as_str().map(str::to_owned))
                .collect(),
        })
    }
}

/// Whether the token may do something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Yes.
    Granted,
    /// A scope is missing.
    Denied,
    /// Not determinable without writing.
    Unknown,
}

/// How the report learnt the scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeSource {
    /// From HubSpot's token-information endpoint.
    TokenInfo,
    /// From one read per entity.
    Probe,
}

/// Access to one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityAccess {
    /// The connector's entity name.
    pub entity: String,
    /// Reading.
    pub read: Access,
    /// Writing.
    pub write: Access,
    /// Scopes to add for full access.
    pub missing_scopes: Vec<String>,
}

/// The result of the connection test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    /// Always true: a failed test is an error.
    pub ok: bool,
    /// The HubSpot account id, when known.
    pub hub_id: Option<u64>,
    /// How the scopes were learnt.
    pub source: ScopeSource,
    /// The granted scopes, when HubSpot listed them.
    pub granted_scopes: Vec<String>,
    /// One entry per entity, in the specification's order.
    pub entities: Vec<EntityAccess>,
    /// Scopes from the setup guide that the token lacks.
    pub missing_scopes: Vec<String>,
}

/// Runs the test. With a token, HubSpot's token-information endpoint gives
/// the scopes in one call; when the connector cannot see the token (the host
/// adds it) or HubSpot does not know it as a private app token (a Service
/// Key or an OAuth token, whose scopes no endpoint reports), one `limit=1`
/// read per entity shows what can be read. Nothing is assumed from the
/// token's form.
pub fn test_connection<T: Transport>(client: &mut Client<'_, T>) -> Result<ConnectionReport, Error> {
    if let Some(token) = client.endpoint().token().map(str::to_owned) {
        let request = HttpRequest {
            method: Method::Post,
            path_and_query: TOKEN_INFO_PATH.to_owned(),
            body: Some(json!({ "tokenKey": token }).to_string().into_bytes()),
            repeatable: Repeatable::Yes,
        };
        match client.send::<TokenInfo>(&request) {
            Ok(info) => return Ok(from_scopes(info)),
            // Not a private app token (a Service Key, an OAuth token), which the
            // endpoint refuses as unknown: learn by reading. A token HubSpot does
            // not accept at all fails the first read with the same 401.
            Err(
                Error::Unauthorized(_)
                | Error::NotFound(_)
                | Error::HubSpot(_)
                | Error::Validation { .. }
                | Error::Forbidden { .. },
            ) => {}
            Err(other) => return Err(other),
        }
    }
    probe(client)
}

fn from_scopes(info: TokenInfo) -> ConnectionReport {
    let granted = info.scopes;
    let has_any = |scopes: &[&str]| scopes.iter().any(|scope| granted.iter().any(|g| g == scope));
    let entities = ENTITIES
        .iter()
        .map(|entity| {
            let read = has_any(entity.read_scopes);
            let write = has_any(entity.write_scopes);
            let mut missing_scopes = Vec::new();
            if !read {
                missing_scopes.extend(entity.read_scopes.first().map(|s| (*s).to_owned()));
            }
            if !write {
                missing_scopes.extend(entity.write_scopes.first().map(|s| (*s).to_owned()));
            }
            EntityAccess {
                entity: entity.name.to_owned(),
                read: if read { Access::Granted } else { Access::Denied },
                write: if write { Access::Granted } else { Access::Denied },
                missing_scopes,
            }
        })
        .collect();
    let missing_scopes = RECOMMENDED_SCOPES
        .iter()
        .filter(|scope| !granted.iter().any(|g| satisfies(g, scope)))
        .map(|scope| (*scope).to_owned())
        .collect();
    ConnectionReport {
        ok: true,
        hub_id: info.hub_id,
        source: ScopeSource::TokenInfo,
        granted_scopes: granted,
        entities,
        missing_scopes,
    }
}

/// Whether the granted scope `granted` fulfils the setup guide's `wanted`.
/// The guide's `crm.schemas.read` is, in HubSpot's scope list, one scope per
/// object type (`crm.schemas.contacts.read`, …): any of them counts.
fn satisfies(granted: &str, wanted: &str) -> bool {
    granted == wanted
        || (wanted == "crm.schemas.read" && granted.starts_with("crm.schemas.") && granted.ends_with(".read"))
}

fn probe<T: Transport>(client: &mut Client<'_, T>) -> Result<ConnectionReport, Error> {
    let mut entities = Vec::with_capacity(ENTITIES.len());
    let mut missing_scopes: Vec<String> = Vec::new();
    for entity in ENTITIES {
        let access = probe_entity(client, entity)?;
        for scope in &access.missing_scopes {
            if !missing_scopes.contains(scope) {
                missing_scopes.push(scope.clone());
            }
        }
        entities.push(access);
    }
    Ok(ConnectionReport {
        ok: true,
        hub_id: None,
        source: ScopeSource::Probe,
        granted_scopes: Vec::new(),
        entities,
        missing_scopes,
    })
}

fn probe_entity<T: Transport>(client: &mut Client<'_, T>, entity: &Entity) -> Result<EntityAccess, Error> {
    let request = HttpRequest {
        method: Method::Get,
        path_and_query: PathBuilder::new(&client.endpoint().version.prefix(Family::Objects))
            .segment(entity.path_name)
            .query("limit", "1")
            .finish(),
        body: None,
        repeatable: Repeatable::Yes,
    };
    let (read, missing_scopes) = match client.send::<()>(&request) {
        Ok(_) => (Access::Granted, Vec::new()),
        Err(Error::Forbidden { missing_scopes, .. }) => {
            // HubSpot lists the scopes any one of which would do: recommend
            // the setup guide's when it is among them, as token-info does.
            let recommended = entity.read_scopes.first().map(|s| (*s).to_owned());
            let scopes = match recommended {
                Some(scope) if missing_scopes.is_empty() || missing_scopes.contains(&scope) => vec![scope],
                _ => missing_scopes,
            };
            (Access::Denied, scopes)
        }
        Err(other) => return Err(other),
    };
    Ok(EntityAccess {
        entity: entity.name.to_owned(),
        read,
        write: Access::Unknown,
        missing_scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::{Scripted, connection, json};
    use crate::connection::Connection;
    use crate::retry::RetryPolicy;

    #[test]
    fn token_info_scopes_decide_each_entity() {
        let info = r#"{"userId": 1, "hubId": 4242, "appId": 7, "scopes": ["crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.deals.read"]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, info))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let report = test_connection(&mut client).unwrap();
        assert_eq!((report.source, report.hub_id), (ScopeSource::TokenInfo, Some(4242)));
        let access = |name: &str| report.entities.iter().find(|e| e.entity == name).unwrap();
        assert_eq!(
            (access("contacts").read, access("contacts").write),
            (Access::Granted, Access::Granted)
        );
        assert_eq!(
            (access("notes").read, access("notes").write),
            (Access::Granted, Access::Granted)
        );
        assert_eq!(
            (access("deals").read, access("deals").write),
            (Access::Granted, Access::Denied)
        );
        assert_eq!(access("deals").missing_scopes, vec!["crm.objects.deals.write"]);
        assert_eq!(access("companies").read, Access::Denied);
        assert!(report.missing_scopes.contains(&"crm.schemas.read".to_owned()));
        assert!(satisfies("crm.schemas.deals.read", "crm.schemas.read"));
        assert!(!satisfies("crm.schemas.deals.write", "crm.schemas.read"));
        assert!(!report.missing_scopes.contains(&"crm.objects.contacts.read".to_owned()));
        let body = transport.sent[0].3.as_deref().unwrap();
        assert!(transport.sent[0].1.ends_with(TOKEN_INFO_PATH));
        assert!(body.contains("pat-na1-test"), "{body}");
    }

    #[test]
    fn a_token_without_scopes_is_told_the_setup_guide_s_scopes_once_each() {
        let info = r#"{"userId": 1, "hubId": 4242, "appId": 7, "scopes": []}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, info))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let report = test_connection(&mut client).unwrap();
        let tickets = report.entities.iter().find(|e| e.entity == "tickets").unwrap();
        assert_eq!(
            tickets.missing_scopes,
            vec!["crm.objects.tickets.read", "crm.objects.tickets.write"]
        );
        for entity in &report.entities {
            let mut scopes = entity.missing_scopes.clone();
            scopes.dedup();
            assert_eq!(scopes, entity.missing_scopes, "{}", entity.entity);
        }
    }

    const UNAUTHORIZED: &str = r#"{"status":"error","message":"bad","category":"INVALID_AUTHENTICATION"}"#;

    #[test]
    fn an_invalid_token_is_unauthorized_once_a_read_confirms_it() {
        let mut transport = Scripted::answering(vec![Ok(json(401, UNAUTHORIZED)), Ok(json(401, UNAUTHORIZED))]);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        assert!(matches!(test_connection(&mut client), Err(Error::Unauthorized(_))));
        assert_eq!(transport.sent.len(), 2);
        assert!(transport.sent[0].1.ends_with(TOKEN_INFO_PATH));
    }

    #[test]
    fn a_service_key_unknown_to_token_info_is_probed() {
        let mut answers = vec![Ok(json(401, UNAUTHORIZED))];
        answers.extend(vec![Ok(json(200, r#"{"results":[]}"#)); ENTITIES.len()]);
        let mut transport = Scripted::answering(answers);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let report = test_connection(&mut client).unwrap();
        assert_eq!((report.source, report.hub_id), (ScopeSource::Probe, None));
        assert!(report.entities.iter().all(|e| e.read == Access::Granted));
        assert_eq!(transport.sent.len(), 1 + ENTITIES.len());
    }

    #[test]
    fn without_a_visible_token_each_entity_is_probed() {
        let forbidden = r#"{"status":"error","message":"missing","category":"MISSING_SCOPES","errors":[{"message":"m","context":{"requiredGranularScopes":["crm.objects.deals.read"]}}]}"#;
        let mut answers = vec![Ok(json(200, r#"{"results":[]}"#)); ENTITIES.len()];
        answers[2] = Ok(json(403, forbidden));
        let mut transport = Scripted::answering(answers);
        let host_adds_token = Connection {
            access_token: String::new(),
            api_base: None,
            api_version: None,
        };
        let mut client = Client::new(&mut transport, &host_adds_token, RetryPolicy::default()).unwrap();
        let report = test_connection(&mut client).unwrap();
        assert_eq!(report.source, ScopeSource::Probe);
        assert_eq!(transport.sent.len(), ENTITIES.len());
        assert!(transport.sent[0].1.ends_with("/crm/objects/2026-09/companies?limit=1"));
        assert_eq!(report.entities[2].read, Access::Denied);
        assert_eq!(report.entities[2].write, Access::Unknown);
        assert_eq!(report.missing_scopes, vec!["crm.objects.deals.read"]);
    }

    #[test]
    fn a_probe_recommends_one_of_the_alternative_scopes_hubspot_names() {
        let forbidden = |scopes: &str| {
            Ok(json(
                403,
                &format!(
                    r#"{{"status":"error","message":"missing","category":"MISSING_SCOPES","errors":[{{"message":"One or more of the following scopes are required.","context":{{"requiredGranularScopes":{scopes}}}}}]}}"#
                ),
            ))
        };
        let mut answers = vec![Ok(json(200, r#"{"results":[]}"#)); ENTITIES.len()];
        let tickets = ENTITIES.iter().position(|e| e.name == "tickets").unwrap();
        let line_items = ENTITIES.iter().position(|e| e.name == "lineItems").unwrap();
        answers[tickets] = forbidden(r#"["tickets", "crm.objects.tickets.read"]"#);
        answers[line_items] = forbidden(r#"["crm.objects.line_items.read", "e-commerce"]"#);
        answers[0] = forbidden(r#"["crm.objects.companies.sensitive.read"]"#);
        let mut transport = Scripted::answering(answers);
        let host_adds_token = Connection {
            access_token: String::new(),
            api_base: None,
            api_version: None,
        };
        let mut client = Client::new(&mut transport, &host_adds_token, RetryPolicy::default()).unwrap();
        let report = test_connection(&mut client).unwrap();
        assert_eq!(
            report.entities[tickets].missing_scopes,
            vec!["crm.objects.tickets.read"]
        );
        assert_eq!(
            report.entities[line_items].missing_scopes,
            vec!["crm.objects.line_items.read"]
        );
        // A scope the connector does not know of is passed on as HubSpot named it.
        assert_eq!(
            report.entities[0].missing_scopes,
            vec!["crm.objects.companies.sensitive.read"]
        );
    }

    #[test]
    fn an_oauth_token_falls_back_to_probing() {
        let mut answers = vec![Ok(json(
            404,
            r#"{"status":"error","message":"not found","category":"OBJECT_NOT_FOUND"}"#,
        ))];
        answers.extend(vec![Ok(json(200, r#"{"results":[]}"#)); ENTITIES.len()]);
        let mut transport = Scripted::answering(answers);
        let mut client = Client::new(&mut transport, &connection(), RetryPolicy::default()).unwrap();
        let report = test_connection(&mut client).unwrap();
        assert_eq!(report.source, ScopeSource::Probe);
        assert!(report.entities.iter().all(|e| e.read == Access::Granted));
    }
}
