//! The fault suite, one test per case (`cargo test -p hubspot-end-to-end --test
//! faults`), and one more that fails when RELIABILITY.md differs from a fresh
//! render of the cases.

use std::collections::BTreeSet;
use std::process::ExitCode;

use hubspot_end_to_end::faults::{self, RELIABILITY_MD};
use libtest_mimic::{Arguments, Failed, Trial};

/// Cases mostly wait (on backoff, timeouts and slow answers), so more of them
/// run at once than there are cores.
const DEFAULT_THREADS: usize = 6;

fn main() -> ExitCode {
    let mut arguments = Arguments::from_args();
    arguments.test_threads.get_or_insert(DEFAULT_THREADS);
    let cases = faults::cases();
    let mut names = BTreeSet::new();
    let mut trials: Vec<Trial> = Vec::with_capacity(cases.len() + 1);
    for case in cases {
        let name = case.name();
        if !names.insert(name.clone()) {
            trials.push(Trial::test(format!("duplicate case name: {name}"), move || {
                Err(Failed::from("two cases share this name; give one a variant"))
            }));
            continue;
        }
        trials.push(Trial::test(name, move || faults::check(&case).map_err(Failed::from)));
    }
    trials.push(Trial::test("reliability_md_matches_a_fresh_render", || {
        let rendered = faults::document(&faults::cases());
        let committed = std::fs::read_to_string(RELIABILITY_MD).unwrap_or_default();
        if committed == rendered {
            Ok(())
        } else {
            Err(Failed::from(
                "RELIABILITY.md differs from what the fault cases say; run \
                 `cargo run -p hubspot-end-to-end --bin render-reliability` and review the diff",
            ))
        }
    }));
    libtest_mimic::run(&arguments, trials).exit_code()
}
