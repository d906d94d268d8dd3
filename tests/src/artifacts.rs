//! The built programs the suites run besides the embedded connector: the
//! `hubspot-harness` binary, the hostile component and the service
//! component, each built once per process, and the embedded connector as a file.
//!
//! Both come from a nested `cargo build` into the target directory the suite
//! itself was built in, so the harness binary shares every compiled
//! dependency with the tests (no second wasmtime build) and the hostile
//! component is built only when a test asks for it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The component target.
const WASM_TARGET: &str = "wasm32-wasip2";
/// The profile the components are built with (the workspace's `[profile.component]`).
const COMPONENT_PROFILE: &str = "component";
/// Where the components are built: the directory `host-harness/build.rs`
/// builds the connector in, so the two share their guest dependencies.
const COMPONENT_TARGET_DIR: &str = "component-build";

/// The `hubspot-harness` binary of this checkout, built on first use.
///
/// # Panics
///
/// When cargo cannot build it; the message carries cargo's.
pub fn harness_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let layout = Layout::of_this_process();
        let mut command = cargo();
        command
            .args(["build", "--package", "hubspot-harness", "--bin", "hubspot-harness"])
            .args(layout.profile_args())
            .arg("--target-dir")
            .arg(&layout.target_dir);
        run(command, "the hubspot-harness binary");
        layout
            .profile_dir
            .join(format!("hubspot-harness{}", std::env::consts::EXE_SUFFIX))
    })
}

/// A command running [`harness_binary`], untouched by the user's setup: no
/// token, API base or API version from the environment, and a compile cache
/// of its own in the target directory instead of the user's.
pub fn harness_command() -> Command {
    let mut command = Command::new(harness_binary());
    command
        .env_remove(crate::TOKEN_VARIABLE)
        .env_remove("HUBSPOT_API_BASE")
        .env_remove("HUBSPOT_API_VERSION")
        .env_remove("RUST_LOG")
        .env(
            "HUBSPOT_HARNESS_CACHE_DIR",
            Layout::of_this_process().target_dir.join("harness-compile-cache"),
        );
    command
}

/// The hostile component (`tests/hostile-component`), built on first use.
///
/// # Panics
///
/// When cargo cannot build it; the message carries cargo's.
pub fn hostile_component() -> &'static Path {
    static COMPONENT: OnceLock<PathBuf> = OnceLock::new();
    COMPONENT.get_or_init(|| build_component("hostile-component", "the hostile component"))
}

/// The connector as a `wasi:http` service component (`service/`), built on first use.
///
/// # Panics
///
/// When cargo cannot build it; the message carries cargo's.
pub fn service_component() -> &'static Path {
    static COMPONENT: OnceLock<PathBuf> = OnceLock::new();
    COMPONENT.get_or_init(|| build_component("hubspot-service", "the service component"))
}

/// The connector component the harness embeds ([`hubspot_harness::COMPONENT`]),
/// written to a file once per process, for hosts that load it from disk.
///
/// # Panics
///
/// When the file cannot be written.
pub fn connector_component() -> &'static Path {
    static COMPONENT: OnceLock<PathBuf> = OnceLock::new();
    COMPONENT.get_or_init(|| {
        let directory = target_dir().join(COMPONENT_TARGET_DIR).join("embedded");
        let path = directory.join("hubspot_connector.wasm");
        // Written aside and renamed, so that another test process never reads half a file.
        let partial = directory.join(format!("hubspot_connector.wasm.{}", std::process::id()));
        if let Err(error) = std::fs::create_dir_all(&directory)
            .and_then(|()| std::fs::write(&partial, hubspot_harness::COMPONENT))
            .and_then(|()| std::fs::rename(&partial, &path))
        {
            fail(&format!(
                "could not write the connector component to {}: {error}",
                path.display()
            ));
        }
        path
    })
}

/// The target directory this process was built in.
pub fn target_dir() -> PathBuf {
    Layout::of_this_process().target_dir
}

/// Builds the workspace package `package` for the component target, without
/// features it does not ask for (a separate cargo run, so the connector's
/// exports are not unified into the service), and returns its `.wasm`.
fn build_component(package: &str, what: &str) -> PathBuf {
    let target_dir = target_dir().join(COMPONENT_TARGET_DIR);
    let mut command = cargo();
    command
        .args(["build", "--package", package, "--target", WASM_TARGET])
        .args(["--profile", COMPONENT_PROFILE])
        .arg("--target-dir")
        .arg(&target_dir);
    // The host's flags are not the guest's (as in host-harness/build.rs).
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        command.env_remove(variable);
    }
    run(command, what);
    target_dir
        .join(WASM_TARGET)
        .join(COMPONENT_PROFILE)
        .join(format!("{}.wasm", package.replace('-', "_")))
}

/// Where this process was built: `<target>/<profile>/` or `<target>/<profile>/deps/`.
struct Layout {
    target_dir: PathBuf,
    profile_dir: PathBuf,
}

impl Layout {
    #[expect(
        clippy::expect_used,
        reason = "test support: no executable path means no test can run"
    )]
    fn of_this_process() -> Self {
        let executable = std::env::current_exe().expect("the test executable has a path");
        let mut profile_dir = executable
            .parent()
            .expect("an executable lives in a directory")
            .to_path_buf();
        if profile_dir.file_name().is_some_and(|name| name == "deps") {
            profile_dir.pop();
        }
        let target_dir = profile_dir
            .parent()
            .expect("a profile directory lives in a target directory")
            .to_path_buf();
        Self {
            target_dir,
            profile_dir,
        }
    }

    /// The cargo options that build into [`Self::profile_dir`].
    fn profile_args(&self) -> Vec<OsString> {
        match self.profile_dir.file_name() {
            Some(name) if name == "debug" => Vec::new(),
            Some(name) => vec!["--profile".into(), name.to_owned()],
            None => Vec::new(),
        }
    }
}

/// The cargo that runs the tests (or, outside cargo, the one on `PATH`).
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn run(mut command: Command, what: &str) {
    match command.output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => fail(&format!(
            "building {what} failed ({command:?}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )),
        Err(error) => fail(&format!("cargo could not run to build {what}: {error}")),
    }
}

#[expect(clippy::panic, reason = "test support: a build that fails fails the test")]
fn fail(message: &str) -> ! {
    panic!("{message}")
}
