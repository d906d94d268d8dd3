//! A connector component that attacks its host on command, so that the
//! end-to-end tests can check that the host's sandbox holds.
//!
//! It implements the same `connector` world as the real connector, so the
//! harness loads it unchanged. `tool.invoke`'s action names the misbehaviour
//! (`loop`, `alloc`, `trap`, `sleep`, `fetch`, `env`, `fs`, `stdin`,
//! `echo-token`, `spam`, `hoard`, `body-budget`, `connect`, `resolve`, `ok`);
//! see `component.rs`. Everything is wasm-only: natively this crate is empty.

#[cfg(target_arch = "wasm32")]
mod component;
