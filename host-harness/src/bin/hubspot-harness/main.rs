//! The `hubspot-harness` command: runs the connector component in the
//! sandbox from the command line, serves its actions over MCP, serves the
//! mock HubSpot, and runs the demo.

mod cli;
mod demo;
mod mcp;
mod progress;
mod report;
mod sample;

fn main() {
    std::process::exit(cli::run(std::env::args_os()));
}
