// The contract between an instrumented canister module and the host that runs it. The rewriter
// (instrument-module.ts) produces modules that follow it; the execution layer relies on nothing else.
// Keeping it in one file lets both sides evolve without reading each other's code.
//
// Memory 0 (the canister's heap) becomes an import, so the host owns the WebAssembly.Memory: it can
// keep the same memory across an upgrade with wasm_memory_persistence = keep, and grow it itself.
// Memory 1 is a dirty map, also imported: one byte per 4 KiB page of memory 0. Before any store to a
// page whose byte is 0, the module calls `first_write(page)`; the host saves the page's committed
// content (the undo log), sets the byte to 1 and remembers the page. Commit and rollback then cost
// O(pages written), never O(heap).
//
// memory.size and memory.grow go through a logical page count (`__mockic_pages`), because a
// WebAssembly.Memory cannot shrink: when a message that grew memory traps, the host restores the
// logical size and the pages beyond it stay zero (their first writes were in the undo log).
//
// Instantiation: the instrumented module keeps the canister's start function and active data/element
// segments, so `new WebAssembly.Instance` writes active data segments into memory 0 (without
// first_write) and runs the start function with the counter at START_FUNCTION_BUDGET. Instantiate
// against a fresh memory at install/reinstall/upgrade only; keep the instance between messages.
// InstrumentedModule (instrument-module.ts) describes the result: memory64, memoryLimits,
// mutableGlobals, dropFlagGlobals, mutatedTables.

/** Import module name for everything the instrumentation adds. */
export const ABI_MODULE = '__mockic';

/** Imports the instrumented module declares (module `__mockic`). */
export const ABI_IMPORTS = {
  /** Memory 0, the canister heap: `(memory $m i32|i64 <min> <max>?)` as declared by the canister
   * (`InstrumentedModule.memoryLimits`, index type i64 when `memory64`; create it with
   * `address: 'i64'` and BigInt sizes). A canister without memory imports `(memory i32 0 0)`. */
  memory: 'memory',
  /** Memory 1, `(memory i32 0)` (no maximum), one byte per 4 KiB page of memory 0: 0 = clean, anything
   * else = already written in this message. The host keeps it at least ceil(physical bytes of memory 0
   * / 4096) bytes long (16 bytes per Wasm page; one map page covers 256 MiB), growing it with memory 0,
   * and zeroes the bytes of the written pages at commit and rollback. */
  dirtyMap: 'dirty_map',
  /** `() -> ()`: the counter went below zero at a check point. The host throws (never returns normally
   * unless it refilled the counter). */
  outOfInstructions: 'out_of_instructions',
  /** `(page: i32) -> ()`: first store to 4 KiB page `page` of memory 0 in this message, called before
   * the store. Host saves the page (undo log) and sets its dirty byte to 1. Every store (all widths,
   * v128 and lane stores; both pages of a store straddling a boundary) and every destination page of
   * memory.fill/copy/init reports this way, page by page; there is no range import. A store about to
   * trap out of bounds may first report a page at or beyond the end of memory 0: ignore those. */
  firstWrite: 'first_write',
  /** `(deltaPages: i64) -> i64`: memory.grow of memory 0, in 64 KiB Wasm pages, for wasm32 and wasm64
   * alike (the module converts). Returns the previous logical page count, or -1 when refused (declared
   * maximum, wasm_memory_limit, heap limit). The host updates `__mockic_pages` itself. */
  memoryGrow: 'memory_grow',
} as const;

/** Exports the instrumented module adds. */
export const ABI_EXPORTS = {
  /** Mutable i64 global: instructions left. Each basic block subtracts its cost (the IC cost model);
   * function entries and loop headers check `< 0` and call `out_of_instructions`. Bulk memory and
   * table operations subtract their length (saturating at i64 min). The value can be negative after a
   * message (a block is charged when it starts; only entries and loop headers check). */
  counter: '__mockic_counter',
  /** Mutable i64 global: logical size of memory 0 in 64 KiB pages, what memory.size returns. */
  pages: '__mockic_pages',
  /** Prefix of the exports of every mutable global of the canister, by global index:
   * `__mockic_global_<index>`, so the host can snapshot and restore them on trap. The same prefix also
   * exports one mutable i32 drop flag per passive data/element segment (1 = dropped): data.drop and
   * elem.drop only set the flag, and memory.init/table.init of a flagged segment behave as on a dropped
   * segment, so restoring the flag with the other globals un-drops it (`dropFlagGlobals`). */
  globalPrefix: '__mockic_global_',
  /** Prefix of table exports `__mockic_table_<index>`: table 0 always (callbacks are called through
   * it), plus every table the code can mutate (table.set/grow/fill/copy/init, listed in
   * `InstrumentedModule.mutatedTables`): the host snapshots the mutated ones around each message. */
  tablePrefix: '__mockic_table_',
} as const;

/** Bytes per dirty-map entry: the host tracks 4 KiB pages, as the replica does. */
export const DIRTY_PAGE_SIZE = 4096;
/** Bytes per Wasm page. */
export const WASM_PAGE_SIZE = 65536;

/** Initial value of the counter global: the budget of the start function, which runs inside
 * `new WebAssembly.Instance` before the host can set the counter. */
export const START_FUNCTION_BUDGET = 5_000_000_000n;
