//! The HubSpot CRM connector as a `wasi:http` service component: it exports
//! `wasi:http/incoming-handler`, so `wasmtime serve`, Spin, SpinKube,
//! wasmCloud or any `wasi:http/proxy` host can run it behind a load balancer.
//!
//! - `GET /v1/actions` answers the connector's `describe()` catalog.
//! - `POST /v1/actions/{action}` runs the action on the JSON body (the input
//!   `tool.invoke` takes) with the tenant's `Authorization: Bearer` token, and
//!   answers with HubSpot's JSON or the typed error as JSON with a fitting
//!   status ([`reply`]).
//!
//! Everything but the WASI glue is plain Rust over the connector's own entry
//! point, `hubspot_connector::tool::invoke`, and is unit-tested natively.

pub mod reply;
pub mod service;

#[cfg(target_arch = "wasm32")]
mod component;
