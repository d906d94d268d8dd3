//! The HubSpot CRM connector: pure logic that turns an agent's JSON input or
//! a typed WIT request into HubSpot CRM API calls and HubSpot's answers into
//! results or typed errors.
//!
//! Everything here compiles and is unit-tested natively. The WebAssembly
//! component is the `component` module, a thin layer that exports the WIT
//! interfaces and sends requests through `wasi:http`.
//!
//! Every action, through `tool.invoke` or a `crm` function, takes one path:
//!
//! 1. **parse**: [`input`] reads `tool.invoke`'s JSON (the component converts
//!    a `crm` WIT record) into the action's typed [`request`];
//! 2. **validate**: [`validate`] checks it against [`limits`] and the
//!    [`entity`] and [`search`] tables, before the connection is checked;
//! 3. **plan**: [`plan`] builds the [`http::HttpRequest`];
//! 4. **send and decode**: the [`client`] sends it through a
//!    [`transport::Transport`] under the [`retry`] policy, reads the response
//!    with [`response`] and decodes the [`answer`], retrying a body of the
//!    wrong shape like any malformed response;
//! 5. **map errors**: every failure is an [`error::Error`]; an input problem's
//!    [`input_path::InputPath`] is rendered in the caller's vocabulary.
//!
//! [`execute`] has the one entry point per action that runs steps 2 to 4;
//! [`tool`] wraps it in JSON, the component in WIT types. The [`action`]
//! table names the actions and their members; [`catalog`] describes them.

pub mod action;
pub mod answer;
pub mod api_version;
pub mod association;
pub mod batch;
pub mod catalog;
pub mod client;
pub mod connection;
pub mod connection_test;
pub mod dry_run;
pub mod entity;
pub mod error;
pub mod execute;
pub mod http;
pub mod input;
pub mod input_path;
pub mod labels;
pub mod limits;
pub mod lookup;
pub mod object_types;
pub mod order;
pub mod plan;
pub mod property_search;
pub mod request;
pub mod response;
pub mod retry;
pub mod search;
pub mod tool;
pub mod transport;
pub mod validate;

#[cfg(all(target_arch = "wasm32", feature = "component"))]
mod component;
// Outside `component` because every component built on this crate sends
// through it: the connector and the `wasi:http` service.
#[cfg(target_arch = "wasm32")]
#[path = "component/wasi_transport.rs"]
pub mod wasi_transport;
