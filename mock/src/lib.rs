//! A stateful, in-memory mock of HubSpot's CRM v3 REST API.
//!
//! The mock serves the endpoints the HubSpot connector uses — records (create, read,
//! update, archive, list, search), pipelines, properties and the private-app token-info
//! call — with HubSpot's shapes, error bodies, headers and limits. Each module names its
//! sources; they are:
//! - HubSpot's OpenAPI specs; `openapi/` holds the copies the tests check replies
//!   against, `openapi/PROVENANCE.md` says where each comes from;
//! - HubSpot's developer docs and changelog on developers.hubspot.com, cited by URL;
//! - HubSpot's official Node SDK (`@hubspot/api-client`), its code at
//!   HubSpot/hubspot-api-nodejs @ `395cd9bf` and the maintainers' answers in its issues;
//! - real exchanges with `api.hubapi.com` recorded (with headers) from a Free/Starter
//!   portal in Feb 2022, "the 2022 recordings": grouparoo/grouparoo @ `a453a40b`,
//!   `plugins/@grouparoo/hubspot/__tests__/fixtures/`.
//!
//! Everything HubSpot does not document exactly is marked "⚠" in the doc comment of the
//! module that makes the choice.
//!
//! ```no_run
//! use hubspot_mock::{MockConfig, MockServer, DEFAULT_TOKEN};
//!
//! let server = MockServer::start(MockConfig::default())?;
//! server.seed_record("contacts", "101", &[("email", "ann@example.com")])?;
//! // Point the connector at `server.base_url()` with `Authorization: Bearer DEFAULT_TOKEN`.
//! assert_eq!(server.record_count("contacts", false), 1);
//! # let _ = DEFAULT_TOKEN;
//! server.shutdown();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The server runs on its own thread with its own single-threaded tokio runtime, so
//! synchronous tests and asynchronous hosts can both use it. Requests pass a fixed
//! pipeline (record → fault → route → authenticate → authorize → handle, see
//! `server.rs`).
//!
//! Faults are programmable: [`MockServer::add_faults`] takes [`FaultRule`]s that answer
//! matching requests with 429s (in both of HubSpot's body styles), 5xx or 423, HTML
//! pages, dropped connections (before or after the request is handled), delays, or
//! malformed, truncated, mislabelled or oversized bodies. A standalone server takes the
//! same rules as JSON at its control endpoint, `POST /__mock/faults` (`GET` lists them,
//! `DELETE` clears them); `/__mock/` is no HubSpot path, needs no token and is not
//! recorded.

#![deny(missing_docs)]

mod associations;
mod auth;
mod body;
mod catalog;
mod control;
mod errors;
mod faults;
mod headers;
mod object_endpoints;
mod objects;
mod query;
mod recording;
mod render;
mod requests;
mod routes;
mod schema_endpoints;
mod search;
mod server;
mod store;
mod timestamps;
mod validation;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};

pub use auth::all_scopes;
pub use faults::{Fault, FaultRule, RateLimitPolicy, RateLimitStyle};
pub use recording::RecordedRequest;
pub use server::MockServer;

/// The private-app token a default [`MockConfig`] accepts, granted every scope in
/// [`all_scopes`]. Shaped like a real North-American private-app token.
pub const DEFAULT_TOKEN: &str = "pat-na1-00000000-0000-4000-8000-000000000000";

/// The portal (hub) id a default [`MockConfig`] reports.
pub const DEFAULT_PORTAL_ID: u64 = 12_345_678;

/// A bearer token the mock accepts, with the scopes granted to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    /// The token as sent in `Authorization: Bearer <token>`.
    pub token: String,
    /// The scopes granted; an endpoint answers 403 `MISSING_SCOPES` when none of the
    /// scopes it accepts is among them.
    pub scopes: Vec<String>,
}

impl TokenGrant {
    /// A grant of `scopes` to `token`.
    pub fn new(token: impl Into<String>, scopes: &[&str]) -> Self {
        Self {
            token: token.into(),
            scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
        }
    }
}

/// How to start a [`MockServer`].
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Address to listen on; the default `127.0.0.1:0` picks a free port.
    pub listen: SocketAddr,
    /// The tokens the mock accepts; by default only [`DEFAULT_TOKEN`] with [`all_scopes`].
    pub tokens: Vec<TokenGrant>,
    /// The portal id reported by token-info and embedded in validation errors.
    pub portal_id: u64,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tokens: vec![TokenGrant {
                token: DEFAULT_TOKEN.to_owned(),
                scopes: all_scopes(),
            }],
            portal_id: DEFAULT_PORTAL_ID,
        }
    }
}

/// What can go wrong when a test seeds the mock's state directly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MockError {
    /// The object type is none of the 13 the mock serves.
    UnknownObjectType(String),
    /// A record id must be a non-empty string of ASCII digits that fits in a `u64`.
    InvalidRecordId(String),
    /// No record (archived or not) has this id.
    RecordNotFound {
        /// The object type's path name, e.g. `contacts`.
        object_type: String,
        /// The id looked for.
        id: String,
    },
    /// HubSpot defines no association type with this id from the first object type
    /// to the second.
    InvalidAssociationType {
        /// The object type associated from.
        from_type: String,
        /// The object type associated to.
        to_type: String,
        /// The association type id that does not fit the pair.
        type_id: u32,
    },
    /// The JSON given as a pipeline lacks a member HubSpot's `Pipeline` requires, or
    /// has it with the wrong type.
    InvalidPipeline(String),
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownObjectType(name) => write!(f, "unknown object type `{name}`"),
            Self::InvalidRecordId(id) => {
                write!(f, "record id `{id}` is not a string of digits")
            }
            Self::RecordNotFound { object_type, id } => {
                write!(f, "no {object_type} record has id {id}")
            }
            Self::InvalidAssociationType {
                from_type,
                to_type,
                type_id,
            } => write!(
                f,
                "association type {type_id} does not lead from {from_type} to {to_type}"
            ),
            Self::InvalidPipeline(reason) => write!(f, "invalid pipeline: {reason}"),
        }
    }
}

impl std::error::Error for MockError {}
