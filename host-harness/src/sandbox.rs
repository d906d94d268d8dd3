//! What each call may do: the per-call limits and credential mode a host
//! chooses, and the store state built from them (no files, no environment,
//! no stdin, no sockets; only outgoing HTTP through the policy hook).

use std::time::Duration;

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::outbound::Outbound;

/// Who puts the access token on requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Credential {
    /// The guest receives the connection's token and sends it itself.
    #[default]
    Guest,
    /// The host keeps the token: the guest gets an empty one, and the host
    /// adds `Authorization: Bearer <token>` to requests for the allowed
    /// origin, so the component never sees the credential.
    Host,
}

/// The limits every call runs under. The host owns these; the guest's own
/// timeouts are lowered to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    /// Largest linear memory, in bytes.
    pub memory_bytes: usize,
    /// Longest time the guest may spend executing (not waiting on I/O).
    pub cpu_time: Duration,
    /// Longest time a call may take in all.
    pub wall_clock: Duration,
    /// Ceiling on the guest's connect timeout.
    pub connect_timeout: Duration,
    /// Ceiling on the guest's first-byte timeout.
    pub first_byte_timeout: Duration,
    /// Ceiling on the guest's between-bytes timeout.
    pub between_bytes_timeout: Duration,
    /// Largest response body passed to the guest, in bytes.
    pub max_response_bytes: u64,
    /// Who adds the token to requests.
    pub credential: Credential,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self {
            memory_bytes: 128 * 1024 * 1024,
            cpu_time: Duration::from_secs(5),
            wall_clock: Duration::from_secs(45),
            connect_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(30),
            between_bytes_timeout: Duration::from_secs(30),
            max_response_bytes: 48 * 1024 * 1024,
            credential: Credential::Guest,
        }
    }
}

/// Bytes of guest stdout and stderr kept per call (a panic message fits).
const CAPTURED_OUTPUT_BYTES: usize = 64 * 1024;

/// Everything one call's store holds (opaque: a host only passes it on).
pub struct CallState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    pub(crate) limits: MemoryLimit,
    outbound: Outbound,
}

impl std::fmt::Debug for CallState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallState").finish_non_exhaustive()
    }
}

impl CallState {
    /// A state with nothing but the outbound policy; `stderr` captures what
    /// the guest prints (a panic message, say).
    pub(crate) fn new(sandbox: &Sandbox, outbound: Outbound, stderr: MemoryOutputPipe) -> Self {
        let wasi = WasiCtx::builder()
            .stdout(MemoryOutputPipe::new(CAPTURED_OUTPUT_BYTES))
            .stderr(stderr)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .socket_addr_check(|_, _| Box::pin(async { false }))
            .build();
        let limits = MemoryLimit {
            max_bytes: sandbox.memory_bytes,
            exceeded: false,
        };
        Self {
            wasi,
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            limits,
            outbound,
        }
    }

    /// A fresh pipe for a call's captured stderr.
    pub(crate) fn stderr_pipe() -> MemoryOutputPipe {
        MemoryOutputPipe::new(CAPTURED_OUTPUT_BYTES)
    }
}

/// Caps linear memory and remembers whether the guest ran into the cap, so
/// that the trap it causes can be reported as what it is.
#[derive(Debug)]
pub(crate) struct MemoryLimit {
    max_bytes: usize,
    pub(crate) exceeded: bool,
}

/// Most table elements (function references) a guest may have.
const MAX_TABLE_ELEMENTS: usize = 100_000;

impl ResourceLimiter for MemoryLimit {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.exceeded = true;
            return Err(wasmtime::format_err!(
                "the component asked for {desired} bytes of memory; the limit is {}",
                self.max_bytes
            ));
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for CallState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.outbound,
        }
    }
}
