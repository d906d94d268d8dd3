//! End-to-end tests: the real component in wasmtime, real HTTP to the mock
//! HubSpot. Each module covers one capability; `common` holds the fixtures.

mod catalog;
mod cli;
mod common;
mod contract;
mod crm_typed;
mod discovery;
mod mcp;
mod rate_budget;
mod record_actions;
mod sandbox;
