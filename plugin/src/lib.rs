//! The HubSpot CRM connector: pure logic that turns an agent's JSON input or
//! a typed WIT request into HubSpot CRM v3 calls and HubSpot's answers into
//! results or typed errors.
//!
//! Everything here compiles and is unit-tested natively. The WebAssembly
//! component is the `component` module, a thin layer that exports the WIT
//! interfaces and sends requests through `wasi:http`.
//!
//! A call flows: [`input`] (JSON) or the WIT glue (typed) builds a
//! [`request::ActionRequest`]; [`request`] checks it and builds the HTTP
//! request; [`client`] sends it through a [`transport::Transport`] under the
//! [`retry`] policy; [`response`] maps the answer; [`tool`] ties it together.

pub mod action;
pub mod answer;
pub mod catalog;
pub mod client;
pub mod connection;
pub mod connection_test;
pub mod entity;
pub mod error;
pub mod http;
pub mod input;
pub mod input_path;
pub mod limits;
pub mod plan;
pub mod request;
pub mod response;
pub mod retry;
pub mod search;
pub mod tool;
pub mod transport;
pub mod validate;

#[cfg(target_arch = "wasm32")]
mod component;
