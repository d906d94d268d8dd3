//! The engine's settings: epoch interruption for the CPU budget, and the
//! pooling allocator sized from the [`Sandbox`], so that each call's instance
//! takes a slot reserved up front and its memory starts as a copy-on-write
//! image of the component's data instead of being built and zeroed anew.

use wasmtime::{Config, Enabled, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::sandbox::Sandbox;

/// Most core instances, memories and tables one component instance may hold
/// in a slot. The connector has a handful of core instances (its module and
/// the shims `wasm-component-ld` adds), one memory and a few tables.
const CORE_INSTANCES_PER_COMPONENT: u32 = 16;
const MEMORIES_PER_COMPONENT: u32 = 2;
const TABLES_PER_COMPONENT: u32 = 8;

/// Bytes of a slot's linear memory and tables kept resident between calls:
/// a call of the connector touches a few hundred KiB of memory and a few KiB
/// of tables, so this covers it, and bounds what an idle slot holds.
const KEEP_RESIDENT_MEMORY: usize = 1024 * 1024;
const KEEP_RESIDENT_TABLE: usize = 64 * 1024;

/// Bytes of a linear-memory page.
const WASM_PAGE: usize = 64 * 1024;

/// The configuration every engine of this crate uses (the compile cache keys
/// compiled code by it).
pub(crate) fn config(sandbox: &Sandbox) -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    if let Some(slots) = sandbox.instance_slots.filter(|slots| *slots > 0) {
        let memory = sandbox.memory_bytes.div_ceil(WASM_PAGE).max(1) * WASM_PAGE;
        let mut pooling = PoolingAllocationConfig::default();
        pooling
            .total_component_instances(slots)
            .total_core_instances(slots.saturating_mul(CORE_INSTANCES_PER_COMPONENT))
            .max_core_instances_per_component(CORE_INSTANCES_PER_COMPONENT)
            .total_memories(slots.saturating_mul(MEMORIES_PER_COMPONENT))
            .max_memories_per_component(MEMORIES_PER_COMPONENT)
            .total_tables(slots.saturating_mul(TABLES_PER_COMPONENT))
            .max_tables_per_component(TABLES_PER_COMPONENT)
            .total_stacks(slots)
            .max_memory_size(memory);
        // A slot's memory is reset for the next call by writing back the
        // pages the call touched (found with Linux's PAGEMAP_SCAN where the
        // kernel has it) rather than by `madvise`: no system call to unmap,
        // no page faults to map the pages in again, no TLB shootdown across
        // threads. That halves instantiation. Up to this much stays resident
        // per slot between calls; a call's memory beyond it is returned to
        // the system as before.
        pooling
            .linear_memory_keep_resident(KEEP_RESIDENT_MEMORY.min(memory))
            .table_keep_resident(KEEP_RESIDENT_TABLE)
            .pagemap_scan(Enabled::Auto);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
        // Each slot reserves address space for the sandbox's memory cap rather
        // than wasmtime's 4 GiB default, so a thousand slots fit many times
        // over in a process; loads then carry bounds checks, which cost the
        // connector little next to its I/O.
        config.memory_reservation(memory as u64);
        config.memory_init_cow(true);
    }
    config
}
