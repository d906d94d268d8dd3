//! A wasmtime host for the HubSpot connector component.
//!
//! [`Connector`] compiles the component once, pre-instantiates it, and runs
//! every call in a fresh, sandboxed store: the component may reach only the
//! connection's API base, sees no files, environment or stdin, and each call
//! is bounded in memory, CPU time and wall-clock time ([`Sandbox`]). The
//! `hubspot-harness` binary ([`cli`]) drives it from the command line, and
//! [`hubspot_mock`] provides a faithful in-memory HubSpot to run it against.

#![deny(missing_docs)]

pub mod cli;
pub mod demo;
mod engine;
mod outbound;
pub mod report;
mod sandbox;

pub use engine::{BoxFuture, Call, CallError, Connector, Invocation};
pub use hubspot_mock;
pub use sandbox::{CallState, Credential, Sandbox};

/// The WIT types of the component's interfaces, generated from `wit/`.
pub mod wit {
    pub use crate::engine::bindings::exports::connector::hubspot::crm;
    pub use crate::engine::bindings::exports::connector::hubspot::types::{
        ApiError, ConflictError, Connection, Error, ForbiddenError, InputProblem, PropertyProblem, RateLimitPolicy,
        RateLimitedError, TransportError, TransportFailure, ValidationError,
    };
}

/// The connector component this crate was built with (the `plugin` crate
/// compiled for `wasm32-wasip2`).
pub const COMPONENT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hubspot_connector.wasm"));
