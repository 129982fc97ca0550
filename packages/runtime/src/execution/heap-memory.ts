// The canister's Wasm heap (memory 0) as the host owns it, with an undo log that makes commit and
// rollback cost O(pages written) instead of O(heap) (DESIGN decision 3).
//
// The instrumented module calls `first_write(page)` before the first store to each 4 KiB page in a
// message; the host copies the page's committed content into the undo log and sets the page's byte in
// the dirty map (memory 1), so the module stops calling for that page. Commit clears the dirty bytes
// and forgets the log; rollback copies the saved pages back and restores the logical size. A
// WebAssembly.Memory cannot shrink, so pages beyond the logical size stay physically present but zero.
import { DIRTY_PAGE_SIZE, WASM_PAGE_SIZE } from '../wasm/instrumentation-abi.ts';
import type { HeapView } from '../system-api/host-interfaces.ts';
import { ExecutionTrap } from './execution-trap.ts';

const PAGES_PER_WASM_PAGE = WASM_PAGE_SIZE / DIRTY_PAGE_SIZE; // 16
/** Heap pages one 64 KiB page of the dirty map covers. */
const MAP_COVERAGE = WASM_PAGE_SIZE;

export interface HeapMemoryOptions {
  memory64: boolean;
  /** Declared initial size, in Wasm pages. */
  initialPages: bigint;
  /** Hard maximum in Wasm pages: the declared maximum, capped by the heap limit of the memory type. */
  maxPages: bigint;
}

export class HeapMemory implements HeapView {
  readonly memory: WebAssembly.Memory;
  readonly dirtyMap: WebAssembly.Memory;
  readonly memory64: boolean;
  readonly maxPages: bigint;
  /** Bytes of the heap the Wasm memory limit allows in this message (undefined: no limit enforced). */
  wasmMemoryLimit: bigint | undefined;
  private pages: bigint;
  private committedPages: bigint;
  /** Page index -> committed content of the page, for pages written since the last commit. */
  private readonly undo = new Map<number, Uint8Array>();
  private heapBytes: Uint8Array;
  private mapBytes: Uint8Array;
  /** Pages written since the last call of takeCheckpointPages (for persistence of the heap). */
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
    this.heapBytes = new Uint8Array(this.memory.buffer);
    this.mapBytes = new Uint8Array(this.dirtyMap.buffer);
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

  /** `first_write`: saves the committed content of a 4 KiB page before its first store. */
  firstWrite(page: number): void {
    const heap = this.bytes();
    const start = page * DIRTY_PAGE_SIZE;
    // A store beyond the memory traps right after this call; nothing to save.
    if (page < 0 || start >= heap.byteLength) return;
    const map = this.map();
    if (map[page] === 1) return;
    map[page] = 1;
    this.undo.set(page, heap.slice(start, start + DIRTY_PAGE_SIZE));
    this.sinceCheckpoint.add(page);
  }

  markWritten(offset: number, length: number): void {
    if (length <= 0) return;
    const map = this.map();
    const last = Math.floor((offset + length - 1) / DIRTY_PAGE_SIZE);
    for (let p = Math.floor(offset / DIRTY_PAGE_SIZE); p <= last; p++) {
      if (map[p] !== 1) this.firstWrite(p);
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
      const delta = pages - physical;
      if (this.memory64) (this.memory.grow as unknown as (d: bigint) => bigint)(delta);
      else this.memory.grow(Number(delta));
    }
    const neededMapPages = mapPagesFor(Number(pages));
    const mapPages = this.dirtyMap.buffer.byteLength / WASM_PAGE_SIZE;
    if (neededMapPages > mapPages) this.dirtyMap.grow(neededMapPages - mapPages);
  }

  /** Pages written since the last commit or rollback. */
  pagesWritten(): number {
    return this.undo.size;
  }

  /** Makes the message's writes the committed state. Returns how many 4 KiB pages it wrote. */
  commit(): number {
    const map = this.map();
    const n = this.undo.size;
    for (const page of this.undo.keys()) map[page] = 0;
    this.undo.clear();
    this.committedPages = this.pages;
    return n;
  }

  /** Restores the committed state: page contents and logical size. */
  rollback(): number {
    const heap = this.bytes();
    const map = this.map();
    const n = this.undo.size;
    for (const [page, saved] of this.undo) {
      heap.set(saved, page * DIRTY_PAGE_SIZE);
      map[page] = 0;
    }
    this.undo.clear();
    this.pages = this.committedPages;
    return n;
  }

  /** Sets the logical size after a restore from a checkpoint or snapshot (committed, no undo). */
  resetCommittedSize(pages: bigint): void {
    this.ensurePhysical(pages);
    this.pages = pages;
    this.committedPages = pages;
  }

  /** The 4 KiB pages written since the previous call (whatever was committed or rolled back since). */
  takeCheckpointPages(): number[] {
    const pages = [...this.sinceCheckpoint].sort((a, b) => a - b);
    this.sinceCheckpoint.clear();
    return pages;
  }
}

function mapPagesFor(wasmPages: number): number {
  const heapBytes = wasmPages * WASM_PAGE_SIZE;
  const mapBytes = Math.ceil(heapBytes / DIRTY_PAGE_SIZE);
  return Math.max(1, Math.ceil(mapBytes / MAP_COVERAGE) * (MAP_COVERAGE / WASM_PAGE_SIZE));
}

export { PAGES_PER_WASM_PAGE };
