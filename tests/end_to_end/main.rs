//! End-to-end tests: the real component in wasmtime, real HTTP to the mock
//! HubSpot; also the components in hosts nobody here wrote (`wasmtime_cli`,
//! `node`). Each module covers one capability; `common` holds the fixtures.

mod account_context;
mod associations;
mod batch;
mod catalog;
mod cli;
mod common;
mod compile_cache;
mod connections;
mod contract;
mod crm_typed;
mod discovery;
mod dry_run;
mod engagements;
mod labels;
mod mcp;
mod node;
mod process;
mod rate_budget;
mod record_actions;
mod sandbox;
mod search_past_cap;
mod wasmtime_cli;
