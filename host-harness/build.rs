//! Builds the connector component (the `plugin` crate) for `wasm32-wasip2`
//! and places it in `OUT_DIR`, so that the harness embeds the component of
//! the same checkout.
//!
//! The nested cargo uses its own target directory (`target/component-build`)
//! so that it never waits on the lock held by the cargo that runs this
//! script. Set `HUBSPOT_CONNECTOR_WASM` to a built component to skip it (for
//! a machine without the `wasm32-wasip2` target).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "component";
const ARTIFACT: &str = "hubspot_connector.wasm";

fn main() {
    if let Err(message) = build() {
        // A build script reports failure by exiting non-zero; the message is what the user sees.
        eprintln!("\nerror: {message}\n");
        std::process::exit(1);
    }
}

fn build() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let workspace = manifest_dir
        .parent()
        .ok_or("host-harness has no parent directory")?
        .to_path_buf();
    let destination = out_dir.join(ARTIFACT);

    println!("cargo:rerun-if-env-changed=HUBSPOT_CONNECTOR_WASM");
    if let Ok(prebuilt) = env::var("HUBSPOT_CONNECTOR_WASM") {
        println!("cargo:rerun-if-changed={prebuilt}");
        std::fs::copy(&prebuilt, &destination)
            .map_err(|e| format!("HUBSPOT_CONNECTOR_WASM={prebuilt} could not be copied: {e}"))?;
        return Ok(());
    }

    for watched in [
        "plugin/src",
        "plugin/build.rs",
        "plugin/Cargo.toml",
        "wit",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(watched).display());
    }

    check_target_installed()?;

    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from)
        .join("component-build");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(&workspace)
        .args([
            "build",
            "--package",
            "hubspot-connector",
            "--target",
            TARGET,
            "--profile",
            PROFILE,
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    // The outer build's flags and wrappers are for the host, not the component.
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
    ] {
        command.env_remove(variable);
    }
    let output = command
        .output()
        .map_err(|e| format!("could not run cargo to build the component: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "building the connector component failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let built = target_dir.join(TARGET).join(PROFILE).join(ARTIFACT);
    std::fs::copy(&built, &destination).map_err(|e| format!("{} could not be copied: {e}", built.display()))?;
    Ok(())
}

/// The component target must be installed in the toolchain that builds us.
fn check_target_installed() -> Result<(), String> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let sysroot = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("could not run rustc: {e}"))?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_owned();
    let target_lib = Path::new(&sysroot).join("lib").join("rustlib").join(TARGET);
    if target_lib.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "the {TARGET} target is not installed, so the connector component cannot be built.\n       \
             Install it once with:  rustup target add {TARGET}"
        ))
    }
}
