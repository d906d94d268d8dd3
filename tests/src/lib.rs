//! What the end-to-end suites share: the built programs they run besides the
//! embedded connector ([`artifacts`]), the other hosts they run the components
//! in ([`tools`]), and the fault suite's cases, runner and the RELIABILITY.md
//! rendered from them ([`faults`]).

pub mod artifacts;
pub mod faults;
pub mod tools;

/// The environment variable `hubspot-harness` reads the access token from.
pub const TOKEN_VARIABLE: &str = "HUBSPOT_ACCESS_TOKEN";
