// The canister's Wasm heap (memory 0) as the host owns it, with an undo log that makes commit and
// rollback cost O(pages written) instead of O(heap) (DESIGN decision 3).
//
// The undo log lives in memory 2 (instrumentation-abi.ts): before the first store to each 4 KiB page
// in a message, the instrumented module itself sets the page's byte in the dirty map (memory 1),
// appends the page index to the list and copies the page's committed content into the next 4 KiB
// slot; System API writes and bulk operations do the same from the host (firstWrite). Commit clears
// the dirty bytes of the listed pages and empties the log; rollback copies the saved slots back and
// restores the logical size. A WebAssembly.Memory cannot shrink, so pages beyond the logical size
// stay physically present but zero.
//
// The slot count and list base are globals of the instance (`__mockic_undo_count`,
// `__mockic_undo_list`); attach() hands the log over to another instance sharing this heap.
import { DIRTY_PAGE_SIZE, WASM_PAGE_SIZE } from '../wasm/instrumentation-abi.ts';
import type { HeapView } from '../system-api/host-interfaces.ts';
import { ExecutionTrap } from './execution-trap.ts';

/** Bytes of memory 2 per undo slot: the page content plus its u32 list entry. */
const SLOT_BYTES = DIRTY_PAGE_SIZE + 4;

/** A message's effect on the heap, as data. */
export interface HeapDelta {
  pages: Array<[number, Uint8Array]>;
  sizePages: bigint;
}

export interface HeapMemoryOptions {
  memory64: boolean;
  /** Declared initial size, in Wasm pages. */
  initialPages: bigint;
  /** Hard maximum in Wasm pages: the declared maximum, capped by the heap limit of the memory type. */
  maxPages: bigint;
}

/** The undo-log globals of an instance. */
export interface UndoGlobals {
  count: WebAssembly.Global;
  list: WebAssembly.Global;
}

export class HeapMemory implements HeapView {
  readonly memory: WebAssembly.Memory;
  readonly dirtyMap: WebAssembly.Memory;
  /** Memory 2: undo slots and the page list. */
  readonly undoMemory: WebAssembly.Memory;
  readonly memory64: boolean;
  readonly maxPages: bigint;
  /** Bytes of the heap the Wasm memory limit allows in this message (undefined: no limit enforced). */
  wasmMemoryLimit: bigint | undefined;
  private pages: bigint;
  private committedPages: bigint;
  private heapBytes: Uint8Array;
  private mapBytes: Uint8Array;
  private undoBytes: Uint8Array;
  /** Slots memory 2 has room for; the list starts at capacity * 4096. */
  private capacity = 0;
  /** The attached instance's globals; before attach, the count lives in `ownCount`. */
  private globals: UndoGlobals | undefined;
  private ownCount = 0;
  /** List entries of the current log already handed out by takeCheckpointPages. */
  private checkpointed = 0;
  /** Pages written since the last call of takeCheckpointPages, from logs already closed. */
  private readonly sinceCheckpoint = new Set<number>();

  constructor(options: HeapMemoryOptions) {
    this.memory64 = options.memory64;
    this.maxPages = options.maxPages;
    this.pages = options.initialPages;
    this.committedPages = options.initialPages;
    this.memory = options.memory64
      ? new WebAssembly.Memory({
          initial: options.initialPages,
          maximum: options.maxPages,
          address: 'i64',
        } as unknown as WebAssembly.MemoryDescriptor)
      : new WebAssembly.Memory({ initial: Number(options.initialPages), maximum: Number(options.maxPages) });
    this.dirtyMap = new WebAssembly.Memory({ initial: mapPagesFor(Number(options.initialPages)) });
    this.undoMemory = new WebAssembly.Memory({ initial: 0n, address: 'i64' } as unknown as WebAssembly.MemoryDescriptor);
    this.heapBytes = new Uint8Array(this.memory.buffer);
    this.mapBytes = new Uint8Array(this.dirtyMap.buffer);
    this.undoBytes = new Uint8Array(this.undoMemory.buffer);
    this.ensureUndoCapacity();
  }

  /** Makes `globals` (of a new instance importing this heap) hold the undo log from now on. */
  attach(globals: UndoGlobals): void {
    if (this.globals === globals) return;
    const count = this.count();
    this.globals = globals;
    globals.count.value = count;
    globals.list.value = BigInt(this.capacity * DIRTY_PAGE_SIZE);
  }

  private count(): number {
    return this.globals ? (this.globals.count.value as number) : this.ownCount;
  }

  private setCount(n: number): void {
    if (this.globals) this.globals.count.value = n;
    else this.ownCount = n;
  }

  /** Logical size in Wasm pages (what memory.size returns). */
  sizePages(): bigint {
    return this.pages;
  }

  byteLength(): number {
    return Number(this.pages) * WASM_PAGE_SIZE;
  }

  bytes(): Uint8Array {
    if (this.heapBytes.buffer !== this.memory.buffer || this.heapBytes.byteLength === 0) {
      this.heapBytes = new Uint8Array(this.memory.buffer);
    }
    return this.heapBytes;
  }

  private map(): Uint8Array {
    if (this.mapBytes.buffer !== this.dirtyMap.buffer || this.mapBytes.byteLength === 0) {
      this.mapBytes = new Uint8Array(this.dirtyMap.buffer);
    }
    return this.mapBytes;
  }

  private undo(): Uint8Array {
    if (this.undoBytes.buffer !== this.undoMemory.buffer || this.undoBytes.byteLength === 0) {
      this.undoBytes = new Uint8Array(this.undoMemory.buffer);
    }
    return this.undoBytes;
  }

  private listEntry(undo: Uint8Array, k: number): number {
    const at = this.capacity * DIRTY_PAGE_SIZE + 4 * k;
    return ((undo[at] as number) | ((undo[at + 1] as number) << 8) | ((undo[at + 2] as number) << 16) | ((undo[at + 3] as number) << 24)) >>> 0;
  }

  /** Saves the committed content of a 4 KiB page before its first write (System API, bulk ops). */
  firstWrite(page: number): void {
    const heap = this.bytes();
    const start = page * DIRTY_PAGE_SIZE;
    // A write beyond the memory traps right after this call; nothing to save.
    if (page < 0 || start >= heap.byteLength) return;
    const map = this.map();
    if (map[page] !== 0) return;
    const undo = this.undo();
    const n = this.count();
    undo.set(heap.subarray(start, start + DIRTY_PAGE_SIZE), n * DIRTY_PAGE_SIZE);
    const at = this.capacity * DIRTY_PAGE_SIZE + 4 * n;
    undo[at] = page & 0xff;
    undo[at + 1] = (page >>> 8) & 0xff;
    undo[at + 2] = (page >>> 16) & 0xff;
    undo[at + 3] = page >>> 24;
    map[page] = 1;
    this.setCount(n + 1);
  }

  markWritten(offset: number, length: number): void {
    if (length <= 0) return;
    const map = this.map();
    const last = Math.floor((offset + length - 1) / DIRTY_PAGE_SIZE);
    for (let p = Math.floor(offset / DIRTY_PAGE_SIZE); p <= last; p++) {
      if (map[p] === 0) this.firstWrite(p);
    }
  }

  /**
   * `memory.grow` by `delta` Wasm pages: the previous size, or -1n when the declared maximum or the
   * heap limit refuses it. Exceeding the canister's wasm_memory_limit traps instead (IC spec).
   */
  grow(delta: bigint): bigint {
    const previous = this.pages;
    const next = previous + delta;
    if (delta < 0n || next > this.maxPages) return -1n;
    const limit = this.wasmMemoryLimit;
    if (limit !== undefined && limit > 0n && next * BigInt(WASM_PAGE_SIZE) > limit && delta > 0n) {
      throw new ExecutionTrap({ kind: 'wasm-memory-limit', bytes: next * BigInt(WASM_PAGE_SIZE), limit });
    }
    this.ensurePhysical(next);
    this.pages = next;
    return previous;
  }

  private ensurePhysical(pages: bigint): void {
    const physical = BigInt(this.memory.buffer.byteLength / WASM_PAGE_SIZE);
    if (pages > physical) {
      // Grow the physical memory geometrically (by half again, within the maximum): canisters grow
      // a page at a time, and each WebAssembly.Memory.grow costs tens of microseconds. Pages
      // beyond the logical size stay zero and unreachable until a memory.grow makes them logical.
      let target = physical + physical / 2n;
      if (target < pages) target = pages;
      if (target > this.maxPages) target = this.maxPages;
      const delta = target - physical;
      if (this.memory64) (this.memory.grow as unknown as (d: bigint) => bigint)(delta);
      else this.memory.grow(Number(delta));
    }
    const neededMapPages = mapPagesFor(Number(pages));
    const mapPages = this.dirtyMap.buffer.byteLength / WASM_PAGE_SIZE;
    if (neededMapPages > mapPages) this.dirtyMap.grow(neededMapPages - mapPages);
    this.ensureUndoCapacity();
  }

  /** Keeps one undo slot per physical 4 KiB page of memory 0, moving the live list entries. */
  private ensureUndoCapacity(): void {
    const needed = this.memory.buffer.byteLength / DIRTY_PAGE_SIZE;
    if (needed <= this.capacity) return;
    const bytes = needed * SLOT_BYTES;
    const have = this.undoMemory.buffer.byteLength;
    if (bytes > have) {
      const delta = Math.ceil((bytes - have) / WASM_PAGE_SIZE);
      (this.undoMemory.grow as unknown as (d: bigint) => bigint)(BigInt(delta));
    }
    const undo = this.undo();
    const n = this.count();
    const from = this.capacity * DIRTY_PAGE_SIZE;
    const to = needed * DIRTY_PAGE_SIZE;
    if (n > 0) undo.copyWithin(to, from, from + 4 * n);
    this.capacity = needed;
    if (this.globals) this.globals.list.value = BigInt(to);
  }

  /** Pages written since the last commit or rollback. */
  pagesWritten(): number {
    return this.count();
  }

  /** Closes the current log: clears the dirty bytes (restoring the pages first on rollback). */
  private closeLog(restore: boolean): number {
    const map = this.map();
    const undo = this.undo();
    const n = this.count();
    const heap = restore ? this.bytes() : undefined;
    for (let k = n - 1; k >= 0; k--) {
      const page = this.listEntry(undo, k);
      if (heap) heap.set(undo.subarray(k * DIRTY_PAGE_SIZE, (k + 1) * DIRTY_PAGE_SIZE), page * DIRTY_PAGE_SIZE);
      map[page] = 0;
      if (k >= this.checkpointed) this.sinceCheckpoint.add(page);
    }
    this.checkpointed = 0;
    this.setCount(0);
    return n;
  }

  /** Makes the message's writes the committed state. Returns how many 4 KiB pages it wrote. */
  commit(): number {
    const n = this.closeLog(false);
    this.committedPages = this.pages;
    return n;
  }

  /** Restores the committed state: page contents and logical size. */
  rollback(): number {
    const n = this.closeLog(true);
    this.pages = this.committedPages;
    return n;
  }

  /** The pages written since the last commit with their current content, and the logical size:
   * the effect of the running message as data, to apply later (deterministic time slicing). */
  captureDelta(): HeapDelta {
    const undo = this.undo();
    const heap = this.bytes();
    const n = this.count();
    const pages: Array<[number, Uint8Array]> = [];
    for (let k = 0; k < n; k++) {
      const page = this.listEntry(undo, k);
      const start = page * DIRTY_PAGE_SIZE;
      pages.push([page, heap.slice(start, start + DIRTY_PAGE_SIZE)]);
    }
    return { pages, sizePages: this.pages };
  }

  /** Re-applies a captured delta on top of the committed state, as uncommitted writes. */
  applyDelta(delta: HeapDelta): void {
    if (delta.sizePages > this.pages) {
      this.ensurePhysical(delta.sizePages);
      this.pages = delta.sizePages;
    }
    for (const [page, content] of delta.pages) {
      this.markWritten(page * DIRTY_PAGE_SIZE, DIRTY_PAGE_SIZE);
      this.bytes().set(content, page * DIRTY_PAGE_SIZE);
    }
  }

  /** Sets the logical size after a restore from a checkpoint or snapshot (committed, no undo). */
  resetCommittedSize(pages: bigint): void {
    this.ensurePhysical(pages);
    this.pages = pages;
    this.committedPages = pages;
  }

  /** The 4 KiB pages written since the previous call (whatever was committed or rolled back since). */
  takeCheckpointPages(): number[] {
    const undo = this.undo();
    const n = this.count();
    for (let k = this.checkpointed; k < n; k++) this.sinceCheckpoint.add(this.listEntry(undo, k));
    this.checkpointed = n;
    const pages = [...this.sinceCheckpoint].sort((a, b) => a - b);
    this.sinceCheckpoint.clear();
    return pages;
  }
}

/** Wasm pages of the dirty map (one byte per 4 KiB heap page) for a heap of `wasmPages`; at least one. */
function mapPagesFor(wasmPages: number): number {
  const mapBytes = Math.ceil((wasmPages * WASM_PAGE_SIZE) / DIRTY_PAGE_SIZE);
  return Math.max(1, Math.ceil(mapBytes / WASM_PAGE_SIZE));
}

