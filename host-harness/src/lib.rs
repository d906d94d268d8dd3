//! A wasmtime host for the HubSpot connector component.
//!
//! [`Connector`] compiles the component once, pre-instantiates it, and runs
//! every call in a fresh, sandboxed store: the component may reach only the
//! connection's API base, sees no files, environment or stdin, and each call
//! is bounded in memory, CPU time and wall-clock time ([`Sandbox`]); a call
//! that breaks a bound ends with a [`CallError`]. The `hubspot-harness`
//! binary in this package drives it from the command line.

#![deny(missing_docs)]

mod allocation;
mod cache;
mod call_state;
mod engine;
mod observer;
mod outbound;
mod pool;
mod rate_budget;
mod sandbox;

pub use cache::{CACHE_DIR_VARIABLE, CompileCache, Loaded};
pub use call_state::CallState;
pub use engine::{BoxFuture, COMPONENT, Call, CallError, Connector, Invocation};
pub use observer::{RequestObserver, SentRequest};
pub use rate_budget::RateLimits;
pub use sandbox::{Credential, DEFAULT_API_BASE, DEFAULT_INSTANCE_SLOTS, Sandbox};
/// The wasmtime this host is built on: its `Store` and `Result` appear in
/// [`Connector::crm`], so an embedder names them through this re-export.
pub use wasmtime;

/// The WIT types of the component's interfaces, generated from `wit/`.
pub mod wit {
    pub use crate::engine::bindings::exports::connector::hubspot::crm;
    pub use crate::engine::bindings::exports::connector::hubspot::types::{
        ApiError, ConflictError, Connection, Error, ForbiddenError, InputProblem, PropertyProblem, RateLimitPolicy,
        RateLimitedError, TransportError, TransportFailure, ValidationError,
    };
}
