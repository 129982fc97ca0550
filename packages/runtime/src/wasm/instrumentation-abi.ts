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

/** Import module name for everything the instrumentation adds. */
export const ABI_MODULE = '__mockic';

/** Imports the instrumented module declares (module `__mockic`). */
export const ABI_IMPORTS = {
  /** Memory 0, the canister heap: `(memory $m i32|i64 <min> <max>?)` as declared by the canister. */
  memory: 'memory',
  /** Memory 1, i32 index, one byte per 4 KiB page of memory 0. Host grows it with memory 0. */
  dirtyMap: 'dirty_map',
  /** `() -> ()`: the counter went below zero at a check point. The host throws (never returns normally
   * unless it refilled the counter). */
  outOfInstructions: 'out_of_instructions',
  /** `(page: i32) -> ()`: first store to 4 KiB page `page` of memory 0 in this message. Host sets the
   * dirty byte to 1. */
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
   * table operations subtract their length. */
  counter: '__mockic_counter',
  /** Mutable i64 global: logical size of memory 0 in 64 KiB pages, what memory.size returns. */
  pages: '__mockic_pages',
  /** Prefix of the exports of every mutable global of the canister, by global index:
   * `__mockic_global_<index>`, so the host can snapshot and restore them on trap. */
  globalPrefix: '__mockic_global_',
  /** Prefix of table exports `__mockic_table_<index>`, present only for modules whose code can mutate a
   * table (table.set/grow/fill/copy/init): the host snapshots those tables around each message. */
  tablePrefix: '__mockic_table_',
} as const;

/** Bytes per dirty-map entry: the host tracks 4 KiB pages, as the replica does. */
export const DIRTY_PAGE_SIZE = 4096;
/** Bytes per Wasm page. */
export const WASM_PAGE_SIZE = 65536;

/** Initial value of the counter global: the budget of the start function, which runs inside
 * `new WebAssembly.Instance` before the host can set the counter. */
export const START_FUNCTION_BUDGET = 5_000_000_000n;
