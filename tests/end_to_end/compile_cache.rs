//! The compile cache as the `hubspot-harness` binary uses it: the first
//! process compiles the component and stores it, the next one loads it and
//! does not compile; `--no-cache` compiles; an entry someone altered is not
//! loaded.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "fixtures of tests: a panic here is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hubspot_harness::CACHE_DIR_VARIABLE;
use serde_json::Value;

/// A cache directory of this test's own, empty.
fn empty_cache_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hubspot-harness-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `invoke read --mock --debug` with the cache in `dir`; returns how
/// the component was obtained, as `--debug` reports it.
fn loaded_by_a_process(dir: &Path, extra: &[&str]) -> String {
    let output = Command::new(hubspot_end_to_end::artifacts::harness_binary())
        .env(CACHE_DIR_VARIABLE, dir)
        .env_remove(hubspot_end_to_end::TOKEN_VARIABLE)
        .args([
            "invoke",
            "read",
            r#"{"entity": "contacts", "entityId": "1"}"#,
            "--mock",
            "--debug",
        ])
        .args(extra)
        .output()
        .expect("the harness runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let debug: Value = stderr
        .lines()
        .find_map(|line| {
            serde_json::from_str::<Value>(line)
                .ok()
                .filter(|line| line.get("debug").is_some())
        })
        .unwrap_or_else(|| panic!("no debug line: {stderr}"));
    // A read of a record the fresh mock does not hold: not found, exit 1.
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    debug["debug"]["component"]
        .as_str()
        .unwrap_or_else(|| panic!("{debug}"))
        .to_owned()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the cache directory exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "cwasm"))
        .collect();
    entries.sort();
    entries
}

#[test]
fn compile_cache_second_process_loads_instead_of_compiling() {
    let dir = empty_cache_dir("second");
    assert_eq!(loaded_by_a_process(&dir, &[]), "compiled-and-cached");
    assert_eq!(entries(&dir).len(), 1);
    assert_eq!(loaded_by_a_process(&dir, &[]), "from-cache");
    assert_eq!(loaded_by_a_process(&dir, &["--no-cache"]), "compiled");
    assert_eq!(entries(&dir).len(), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn compile_cache_ignores_an_entry_it_did_not_write() {
    let dir = empty_cache_dir("tampered");
    assert_eq!(loaded_by_a_process(&dir, &[]), "compiled-and-cached");
    let entry = entries(&dir).pop().expect("one entry");
    let mut bytes = std::fs::read(&entry).expect("the entry reads");
    // One byte of the compiled code changed, the MAC left as it was.
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::remove_file(&entry).expect("the entry is removed");
    std::fs::write(&entry, &bytes).expect("the altered entry is written");
    assert_eq!(loaded_by_a_process(&dir, &[]), "compiled-and-cached");
    assert_eq!(loaded_by_a_process(&dir, &[]), "from-cache");
    let _ = std::fs::remove_dir_all(dir);
}
