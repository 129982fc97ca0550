// The three things the System API needs from the instance that runs the canister: its heap, its
// stable memory and its instruction meter. Interfaces, so the System API is tested and reasoned
// about without the Wasm rewriter, and so the same API could run inside a worker (DESIGN 8).

/** The canister's Wasm memory as the System API may touch it. */
export interface HeapView {
  /** Logical size in bytes (what memory.size reports, times 64 KiB). */
  byteLength(): number;
  /** A view of the whole physical memory; re-fetch after anything that may grow it. */
  bytes(): Uint8Array;
  /** Must be called before the host writes [offset, offset+length): keeps rollback O(pages written). */
  markWritten(offset: number, length: number): void;
}

/** The canister's stable memory. Offsets and sizes in bytes, sizes of the memory in 64 KiB pages. */
export interface StableMemoryAccess {
  sizePages(): bigint;
  /** Returns the previous size, or -1n when the growth is refused. */
  grow(pages: bigint): bigint;
  read(offset: bigint, dst: Uint8Array): void;
  write(offset: bigint, src: Uint8Array): void;
}

/** The instruction counter of the running message. */
export interface InstructionMeter {
  /** Counts `n` more instructions; throws the instruction-limit trap when the limit is passed. */
  charge(n: bigint): void;
  /** Instructions executed by this message so far. */
  executed(): bigint;
}
