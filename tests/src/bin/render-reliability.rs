//! Renders RELIABILITY.md: runs every case of the fault suite through the
//! `hubspot-harness` binary and, only if all of them pass, writes the file.
//!
//! `cargo run -p hubspot-end-to-end --bin render-reliability`

use std::process::ExitCode;

use hubspot_end_to_end::faults::{self, RELIABILITY_MD};

fn main() -> ExitCode {
    let cases = faults::cases();
    eprintln!("running {} fault cases…", cases.len());
    let outcomes = faults::run_all(&cases);
    let failures: Vec<String> = cases
        .iter()
        .zip(&outcomes)
        .filter_map(|(case, outcome)| outcome.as_ref().err().map(|why| format!("{}: {why}", case.name())))
        .collect();
    if !failures.is_empty() {
        eprintln!(
            "{} of {} cases failed; RELIABILITY.md is left as it was:\n\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n\n")
        );
        return ExitCode::FAILURE;
    }
    if let Err(error) = std::fs::write(RELIABILITY_MD, faults::document(&cases)) {
        eprintln!("{RELIABILITY_MD} could not be written: {error}");
        return ExitCode::FAILURE;
    }
    eprintln!("all {} cases passed; wrote {RELIABILITY_MD}", cases.len());
    ExitCode::SUCCESS
}
