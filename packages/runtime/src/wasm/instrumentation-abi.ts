// The contract between an instrumented canister module and the host that runs it. The rewriter
// (instrument-module.ts) produces modules that follow it; the execution layer relies on nothing else.
// Keeping it in one file lets both sides evolve without reading each other's code.
//
// Memory 0 (the canister's heap) becomes an import, so the host owns the WebAssembly.Memory: it can
// keep the same memory across an upgrade with wasm_memory_persistence = keep, and grow it itself.
// Memory 1 is a dirty map, also imported: one byte per 4 KiB page of memory 0. Memory 2 is the undo
// log: 4 KiB slots holding the committed content of the pages written in this message, plus a list of
// their page indices. Before any store to a page whose byte is 0, the module itself (never calling the
// host) sets the byte to 1, appends the page to the list and copies the page into the next slot —
// inline for stores inside a loop (a call in a loop body, even on a cold branch, makes TurboFan spill
// the loop's live values on every iteration), through the module's own `$save` function elsewhere
// (keeps the instrumented module about half the size). The host does the same for System API writes and bulk operations. Commit and
// rollback then cost O(pages written), never O(heap).
//
// Out of instructions is a plain `unreachable` at function entries and loop headers (again: no call);
// the host classifies a Wasm trap that happens while the counter is < 0 as the instruction limit.
//
// memory.size and memory.grow go through a logical page count (`__mockic_pages`), because a
// WebAssembly.Memory cannot shrink: when a message that grew memory traps, the host restores the
// logical size and the pages beyond it stay zero (their first writes were in the undo log).
//
// Instantiation: the instrumented module keeps the canister's active data/element segments, so
// `new WebAssembly.Instance` writes active data segments into memory 0 (without touching the undo
// log). The start section is removed and the start function exported as `__mockic_start`: the host
// calls it right after instantiation, with the counter set and the undo globals attached, so that a
// start function running out of instructions is recognized as such. Instantiate against a fresh
// memory at install/reinstall/upgrade only; keep the instance between messages.
// InstrumentedModule (instrument-module.ts) describes the result: memory64, memoryLimits,
// mutableGlobals, dropFlagGlobals, mutatedTables.

// The instrumented module also carries a `metadata.code.branch_hint` custom section marking the
// first-write cold paths unlikely (only used by V8 under --experimental-wasm-branch-hinting); it is not
// part of the host contract.

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
  /** Memory 2, `(memory i64 0)` (memory64, no maximum): the undo log. Layout:
   *  - slot k at bytes [k * 4096, (k + 1) * 4096): committed content of the k-th page written in this
   *    message;
   *  - the page list at byte `__mockic_undo_list` (a host-set exported global): u32 little-endian
   *    page index of slot k at `list + 4 * k`.
   * `__mockic_undo_count` slots are in use. Stores never check capacity: the host keeps memory 2 at
   * least `cap * 4096 + cap * 4` bytes with `list = cap * 4096`, cap = physical 4 KiB pages of memory 0
   * (each page is saved at most once per message), growing it (and moving the `count` live list
   * entries, updating `__mockic_undo_list`) whenever memory 0 grows. Only touched slots cost memory. */
  undo: 'undo',
  /** `() -> ()`: the counter went below zero in the `$charge`/`$bulk` helpers (bulk memory and table
   * operations). The host throws. Function entries and loop headers do not call it: they execute
   * `unreachable`, and the host classifies any Wasm trap with `__mockic_counter < 0` as out of
   * instructions. */
  outOfInstructions: 'out_of_instructions',
  /** `(page: i32) -> ()`: called only by the `$bulk` helper (memory.fill/copy/init), once per clean
   * destination page of memory 0, before the operation. The host saves the page into the undo log
   * exactly as the inline store path does (map byte, list entry, slot, `__mockic_undo_count + 1`).
   * Plain stores (all widths, v128 and lane stores; both pages of a store straddling a boundary) save
   * their pages without the host: when the dirty byte is 0 and `page < memory.size(0) * 16`, the module sets the
   * byte to 1, writes `list[count] = page`, copies the page to slot `count` with a v128 loop and
   * increments `__mockic_undo_count`. A store about to trap out of bounds skips the save (and traps). */
  firstWrite: 'first_write',
  /** `(deltaPages: i64) -> i64`: memory.grow of memory 0, in 64 KiB Wasm pages, for wasm32 and wasm64
   * alike (the module converts). Returns the previous logical page count, or -1 when refused (declared
   * maximum, wasm_memory_limit, heap limit). The host updates `__mockic_pages` itself. */
  memoryGrow: 'memory_grow',
} as const;

/** Exports the instrumented module adds. */
export const ABI_EXPORTS = {
  /** Mutable i64 global: instructions left. Each basic block subtracts its cost (the IC cost model);
   * function entries and loop headers check `< 0` and execute `unreachable` (the host reads the counter
   * to tell out-of-instructions from a genuine `unreachable`). Bulk memory and
   * table operations subtract their length (saturating at i64 min). The value can be negative after a
   * message (a block is charged when it starts; only entries and loop headers check). */
  counter: '__mockic_counter',
  /** Mutable i64 global: logical size of memory 0 in 64 KiB pages, what memory.size returns. */
  pages: '__mockic_pages',
  /** Mutable i32 global: number of undo slots in use in this message (0 between messages: the host
   * resets it at commit and rollback). The host copies it into a new instance sharing the heap. */
  undoCount: '__mockic_undo_count',
  /** Mutable i64 global: byte offset of the undo page list in memory 2 (set by the host). */
  undoList: '__mockic_undo_list',
  /** Function `() -> ()`, present when the canister has a start function: the host calls it once,
   * right after instantiation (the instrumented module has no start section). */
  start: '__mockic_start',
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
