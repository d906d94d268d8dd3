//! The benchmark behind `BENCHMARKS.md`: the connector's actions through the
//! sandbox against the same pure logic compiled natively with a keep-alive
//! client, the component's lifecycle, many tenants at once, HTTPS, and size.
//! `cargo run -p hubspot-bench --bin bench -- --help` says how to run it.

pub mod native;
pub mod size;
pub mod stats;
