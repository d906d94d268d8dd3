//! A stateful, in-memory mock of HubSpot's CRM v3 REST API.
//!
//! The mock serves the endpoints the HubSpot connector uses — records (create, read,
//! update, archive, list, search), pipelines, properties, owners, custom object schemas
//! (one custom object, `pets`) and the private-app token-info call — with HubSpot's shapes, error bodies, headers and limits. Each module names its
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

mod association_endpoints;
mod associations;
mod auth;
mod batch_endpoints;
mod body;
mod catalog;
mod config;
mod control;
mod custom_objects;
mod errors;
mod faults;
mod handler;
mod headers;
mod lead_rules;
mod object_endpoints;
mod objects;
mod owners;
mod query;
mod rate_limits;
mod recording;
mod render;
mod requests;
mod routes;
mod schema_endpoints;
mod search;
mod seed_error;
mod server;
mod store;
mod timestamps;
mod validation;

pub use auth::{TokenGrant, TokenKind, all_scopes};
pub use config::{DEFAULT_PORTAL_ID, DEFAULT_TOKEN, MockConfig, MockTls, ValidationRule};
pub use faults::{Fault, FaultRule, RateLimitPolicy, RateLimitStyle, UNEXPECTED_JSON};
pub use owners::{Owner, OwnerTeam, default_owners};
pub use rate_limits::RateLimits;
pub use recording::RecordedRequest;
pub use routes::API_VERSIONS;
pub use seed_error::MockError;
pub use server::MockServer;
