// A canister's stable memory: committed pages in a JournaledPageFile, plus an overlay of the 4 KiB
// pages the running message has written. Reads see the committed state through the overlay; commit
// persists only the overlay (O(pages written), DESIGN 3) and rollback just drops it, so a trapping
// message costs nothing to undo however large stable memory is. Implements the System API's
// StableMemoryAccess; ranges are handled a page (or a run of clean pages) at a time, never per byte.
import type { StableMemoryAccess } from '../system-api/host-interfaces.ts';
import { JournaledPageFile, PAGE_SIZE } from './journaled-page-file.ts';
import type { Volume } from './volume.ts';

/** Bytes per Wasm page, the unit of stable memory's size. */
export const WASM_PAGE_SIZE = 65536;

const PAGES_PER_WASM_PAGE = WASM_PAGE_SIZE / PAGE_SIZE;

/**
 * The IC's stable memory limit: 500 GiB (internetcomputer.org "Storage": "Stable memory is limited to
 * 500GiB"; `MAX_STABLE_MEMORY_IN_BYTES` of dfinity/ic), i.e. 8_192_000 Wasm pages.
 */
export const MAX_STABLE_MEMORY_PAGES = 8_192_000n;

export interface StablePageStoreOptions {
  /** Largest size `grow` may reach, in 64 KiB pages. Defaults to MAX_STABLE_MEMORY_PAGES. */
  maxPages?: bigint;
}

/** Uncommitted stable-memory writes as data. */
export interface StableDelta {
  pages: Map<number, Uint8Array>;
  sizePages: bigint;
  discardCommitted: boolean;
}

/** Stable memory of one canister on a volume. Offsets in bytes, sizes in 64 KiB Wasm pages. */
export class StablePageStore implements StableMemoryAccess {
  private file: JournaledPageFile;
  private readonly maxPages: bigint;
  /** Committed size in Wasm pages. */
  private committedPages: bigint;
  /** Size in Wasm pages as this message sees it. */
  private currentPages: bigint;
  /** 4 KiB pages written since the last commit, by page index. */
  private readonly dirty = new Map<number, Uint8Array>();
  /** Set by replaceAll: committed content is invisible and is dropped at commit. */
  private discardCommitted = false;

  private constructor(file: JournaledPageFile, maxPages: bigint) {
    this.file = file;
    this.maxPages = maxPages;
    this.committedPages = BigInt(Math.ceil(file.sizePages() / PAGES_PER_WASM_PAGE));
    this.currentPages = this.committedPages;
  }

  /** Opens (or creates, empty) the stable memory stored at `path`; recovers from a crash if needed. */
  static open(volume: Volume, path: string, options: StablePageStoreOptions = {}): StablePageStore {
    const maxPages = options.maxPages ?? MAX_STABLE_MEMORY_PAGES;
    if (maxPages < 0n) throw new RangeError('maxPages must not be negative');
    return new StablePageStore(JournaledPageFile.open(volume, path), maxPages);
  }

  get volume(): Volume {
    return this.file.volume;
  }

  get path(): string {
    return this.file.path;
  }

  sizePages(): bigint {
    return this.currentPages;
  }

  grow(pages: bigint): bigint {
    const previous = this.currentPages;
    if (pages < 0n || previous + pages > this.maxPages) return -1n;
    this.currentPages = previous + pages;
    return previous;
  }

  read(offset: bigint, dst: Uint8Array): void {
    const start = this.checkRange(offset, dst.length, 'read');
    const end = start + dst.length;
    const committedBytes = this.discardCommitted ? 0 : this.file.sizeBytes();
    let pos = start;
    while (pos < end) {
      const page = Math.floor(pos / PAGE_SIZE);
      const inPage = pos - page * PAGE_SIZE;
      const dirty = this.dirty.get(page);
      if (dirty !== undefined) {
        const n = Math.min(PAGE_SIZE - inPage, end - pos);
        dst.set(dirty.subarray(inPage, inPage + n), pos - start);
        pos += n;
        continue;
      }
      // A run of clean pages is read from the committed file in one call.
      let runEnd = Math.min(end, (page + 1) * PAGE_SIZE);
      if (this.dirty.size === 0) runEnd = end;
      else while (runEnd < end && !this.dirty.has(runEnd / PAGE_SIZE)) runEnd = Math.min(end, runEnd + PAGE_SIZE);
      const fromFileEnd = Math.min(runEnd, committedBytes);
      if (fromFileEnd > pos) this.file.read(pos, dst.subarray(pos - start, fromFileEnd - start));
      if (runEnd > Math.max(pos, fromFileEnd)) dst.fill(0, Math.max(pos, fromFileEnd) - start, runEnd - start);
      pos = runEnd;
    }
  }

  write(offset: bigint, src: Uint8Array): void {
    const start = this.checkRange(offset, src.length, 'write');
    const end = start + src.length;
    let pos = start;
    while (pos < end) {
      const page = Math.floor(pos / PAGE_SIZE);
      const inPage = pos - page * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - inPage, end - pos);
      let buf = this.dirty.get(page);
      if (buf === undefined) {
        buf = new Uint8Array(PAGE_SIZE);
        // A page only partly overwritten starts from its committed content.
        if (n < PAGE_SIZE) this.loadCommittedPage(page, buf);
        this.dirty.set(page, buf);
      }
      buf.set(src.subarray(pos - start, pos - start + n), inPage);
      pos += n;
    }
  }

  /** Persists the written pages and the size crash-safely; returns how many 4 KiB pages were written. */
  commit(): { pagesWritten: number } {
    if (this.dirty.size === 0 && this.currentPages === this.committedPages && !this.discardCommitted) {
      return { pagesWritten: 0 };
    }
    const result = this.file.commit({
      pages: this.dirty,
      sizePages: Number(this.currentPages) * PAGES_PER_WASM_PAGE,
      discardExisting: this.discardCommitted,
    });
    this.committedPages = this.currentPages;
    this.dirty.clear();
    this.discardCommitted = false;
    return result;
  }

  /** Drops every write, growth and replacement since the last commit. */
  rollback(): void {
    this.dirty.clear();
    this.currentPages = this.committedPages;
    this.discardCommitted = false;
  }

  /** The uncommitted writes and size as data, to apply later (deterministic time slicing). */
  captureDelta(): StableDelta {
    const pages = new Map<number, Uint8Array>();
    for (const [page, buf] of this.dirty) pages.set(page, buf.slice());
    return { pages, sizePages: this.currentPages, discardCommitted: this.discardCommitted };
  }

  /** Re-applies a captured delta as uncommitted writes. */
  applyDelta(delta: StableDelta): void {
    this.dirty.clear();
    for (const [page, buf] of delta.pages) this.dirty.set(page, buf.slice());
    this.currentPages = delta.sizePages;
    this.discardCommitted = delta.discardCommitted;
  }

  /** How many 4 KiB pages the next commit would write. */
  pagesWrittenSinceCommit(): number {
    return this.dirty.size;
  }

  /** The whole content as this message sees it (size × 64 KiB bytes). */
  readAll(): Uint8Array {
    const out = new Uint8Array(Number(this.currentPages) * WASM_PAGE_SIZE);
    this.read(0n, out);
    return out;
  }

  /**
   * Replaces the whole content with `bytes` (size becomes ceil(bytes / 64 KiB) pages, the rest zero).
   * Like any write it is pending: the next commit makes it durable atomically, rollback drops it.
   * Not subject to maxPages' growth check beyond the limit itself.
   */
  replaceAll(bytes: Uint8Array): void {
    const pages = BigInt(Math.ceil(bytes.length / WASM_PAGE_SIZE));
    if (pages > this.maxPages) throw new RangeError(`${bytes.length} bytes exceed the stable memory limit`);
    this.dirty.clear();
    this.discardCommitted = true;
    this.currentPages = pages;
    for (let pos = 0; pos < bytes.length; pos += PAGE_SIZE) {
      const chunk = bytes.subarray(pos, pos + PAGE_SIZE);
      if (isZero(chunk)) continue;
      const page = new Uint8Array(PAGE_SIZE);
      page.set(chunk);
      this.dirty.set(pos / PAGE_SIZE, page);
    }
  }

  /** Copies the committed state (not pending writes) to `path` on `volume`, e.g. a canister snapshot. */
  copyTo(volume: Volume, path: string): void {
    this.file.copyTo(volume, path);
  }

  /**
   * Replaces this store's committed content with a copy of the one at `path` on `volume` (made by
   * copyTo), atomically; pending writes are dropped.
   */
  restoreFrom(volume: Volume, path: string): void {
    if (!volume.exists(path)) throw new Error(`no stable memory snapshot at ${path}`);
    const source = JournaledPageFile.open(volume, path);
    try {
      this.file.close();
      source.copyTo(this.file.volume, this.file.path);
    } finally {
      source.close();
      this.file = JournaledPageFile.open(this.file.volume, this.file.path);
    }
    this.committedPages = BigInt(Math.ceil(this.file.sizePages() / PAGES_PER_WASM_PAGE));
    this.rollback();
  }

  /** Closes the underlying file. */
  close(): void {
    this.file.close();
  }

  /** Closes and deletes the stored stable memory. */
  delete(): void {
    this.dirty.clear();
    this.file.delete();
  }

  private checkRange(offset: bigint, length: number, what: string): number {
    const size = this.currentPages * BigInt(WASM_PAGE_SIZE);
    if (offset < 0n || offset + BigInt(length) > size) {
      throw new RangeError(`stable memory ${what} [${offset}, +${length}) out of bounds (size ${size} bytes)`);
    }
    return Number(offset);
  }

  private loadCommittedPage(page: number, buf: Uint8Array): void {
    if (this.discardCommitted) return;
    const offset = page * PAGE_SIZE;
    const available = Math.min(PAGE_SIZE, this.file.sizeBytes() - offset);
    if (available > 0) this.file.read(offset, buf.subarray(0, available));
  }
}

function isZero(bytes: Uint8Array): boolean {
  // Four bytes at a time where aligned: a page is checked in 1024 steps, not 4096.
  if (bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
