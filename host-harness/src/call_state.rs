//! The store state of one call, built from the [`Sandbox`]: no files, no
//! environment, no stdin, no sockets; only outgoing HTTP through the policy hook.

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::outbound::Outbound;
use crate::sandbox::Sandbox;

/// Bytes of guest stdout and stderr kept per call (a panic message fits).
const CAPTURED_OUTPUT_BYTES: usize = 64 * 1024;

/// Most resources (requests, header maps, bodies, streams, pollables) a call
/// may hold at once. They live in host memory, outside the linear-memory cap,
/// so wasmtime's default of a million would let a guest that never drops
/// them make the host allocate gigabytes; the connector holds a few dozen.
const MAX_RESOURCES: usize = 1_000;

/// Bytes one header map built by the guest may hold (wasmtime's default is
/// 128 KiB); with [`MAX_RESOURCES`] this bounds what hoarded headers cost.
const MAX_HEADER_BYTES: usize = 16 * 1024;

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
        let mut http = WasiHttpCtx::new();
        http.set_field_size_limit(MAX_HEADER_BYTES);
        let mut table = ResourceTable::new();
        table.set_max_capacity(MAX_RESOURCES);
        Self {
            wasi,
            http,
            table,
            limits: MemoryLimit::new(sandbox.memory_bytes),
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
///
/// The caps are on the store's memories and tables together: a component may
/// hold many core instances, each with its own memory and tables, and a cap
/// per memory would let it multiply the limit.
#[derive(Debug)]
pub(crate) struct MemoryLimit {
    max_bytes: usize,
    /// Bytes of all the store's linear memories.
    total_bytes: usize,
    /// Elements of all the store's tables.
    total_elements: usize,
    pub(crate) exceeded: bool,
}

impl MemoryLimit {
    fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            total_bytes: 0,
            total_elements: 0,
            exceeded: false,
        }
    }
}

/// Most table elements (function references) a guest may have.
const MAX_TABLE_ELEMENTS: usize = 100_000;

impl ResourceLimiter for MemoryLimit {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.total_bytes.saturating_sub(current).saturating_add(desired);
        // Checked first: with the pooling allocator a memory's maximum is the
        // slot, the size of the cap, and growth past the cap is still the
        // sandbox's limit at work.
        if total > self.max_bytes {
            self.exceeded = true;
            return Err(wasmtime::format_err!(
                "the component asked for {total} bytes of memory in all; the limit is {}",
                self.max_bytes
            ));
        }
        if maximum.is_some_and(|maximum| desired > maximum) {
            // wasmtime refuses this growth itself; counting it would be wrong.
            return Ok(false);
        }
        self.total_bytes = total;
        Ok(true)
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.total_elements.saturating_sub(current).saturating_add(desired);
        if maximum.is_some_and(|maximum| desired > maximum) || total > MAX_TABLE_ELEMENTS {
            return Ok(false);
        }
        self.total_elements = total;
        Ok(true)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_limit_caps_all_memories_together() {
        let mut limit = MemoryLimit::new(100);
        assert!(limit.memory_growing(0, 60, None).unwrap());
        // A second memory: alone it would fit, together they must not pass the cap.
        assert!(limit.memory_growing(0, 40, None).unwrap());
        assert!(limit.memory_growing(40, 41, None).is_err());
        assert!(limit.exceeded);
        // One memory's growth replaces its old size rather than adding to it.
        let mut limit = MemoryLimit::new(100);
        assert!(limit.memory_growing(0, 60, None).unwrap());
        assert!(limit.memory_growing(60, 100, None).unwrap());
        assert!(!limit.exceeded);
    }

    #[test]
    fn memory_limit_does_not_count_growth_past_a_memorys_own_maximum() {
        let mut limit = MemoryLimit::new(100);
        assert!(!limit.memory_growing(0, 90, Some(50)).unwrap());
        assert!(limit.memory_growing(0, 100, None).unwrap());
        assert!(!limit.exceeded);
    }

    #[test]
    fn table_limit_caps_all_tables_together() {
        let mut limit = MemoryLimit::new(0);
        assert!(limit.table_growing(0, MAX_TABLE_ELEMENTS - 10, None).unwrap());
        assert!(!limit.table_growing(0, 11, None).unwrap());
        assert!(limit.table_growing(0, 10, None).unwrap());
        assert!(
            !limit
                .table_growing(MAX_TABLE_ELEMENTS - 10, MAX_TABLE_ELEMENTS - 9, None)
                .unwrap()
        );
    }
}
