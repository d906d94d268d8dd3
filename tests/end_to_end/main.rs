//! End-to-end tests: the real component in wasmtime, real HTTP to the mock
//! HubSpot. Each module covers one capability; `common` holds the fixtures.

mod common;
mod record_actions;
