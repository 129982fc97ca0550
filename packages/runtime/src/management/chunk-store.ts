// A canister's Wasm chunk store (upload_chunk, stored_chunks, clear_chunk_store, install_chunked_code):
// chunks of at most 1 MiB keyed by their SHA-256, each accounted as a full 1 MiB as on the replica,
// up to the maximum Wasm module size (100 MiB). Listing is in hash order (the replica's BTreeMap).
import { sha256 } from '@noble/hashes/sha2.js';

/** Largest chunk (1 MiB). */
export const CHUNK_SIZE = 1024 * 1024;
/** Store capacity in bytes (the replica's wasm_max_size, 100 MiB). */
export const DEFAULT_CHUNK_STORE_CAPACITY = 100 * 1024 * 1024;

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export class ChunkStore {
  private readonly chunks = new Map<string, { hash: Uint8Array; data: Uint8Array }>();
  readonly capacityBytes: number;

  constructor(capacityBytes = DEFAULT_CHUNK_STORE_CAPACITY) {
    this.capacityBytes = capacityBytes;
  }

  /** Stores a copy of `chunk`; returns its hash. Throws a replica-worded message string on refusal. */
  insert(chunk: Uint8Array): Uint8Array {
    const hash = sha256(chunk);
    const key = toHex(hash);
    if (this.chunks.has(key)) return hash;
    if (chunk.length > CHUNK_SIZE) {
      throw new ChunkStoreError(`Wasm chunk size ${chunk.length} exceeds the maximum chunk size of ${CHUNK_SIZE}`);
    }
    if (this.chunks.size * CHUNK_SIZE >= this.capacityBytes) {
      throw new ChunkStoreError(`Wasm chunk store has already reached maximum capacity of ${this.capacityBytes} bytes`);
    }
    this.chunks.set(key, { hash, data: chunk.slice() });
    return hash;
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    return this.chunks.get(toHex(hash))?.data;
  }

  /** Hashes in ascending byte order. */
  hashes(): Uint8Array[] {
    return [...this.chunks.keys()].sort().map((k) => (this.chunks.get(k) as { hash: Uint8Array }).hash);
  }

  get size(): number {
    return this.chunks.size;
  }

  /** Memory the store accounts for: a full chunk per entry. */
  memoryBytes(): bigint {
    return BigInt(this.chunks.size) * BigInt(CHUNK_SIZE);
  }

  clear(): void {
    this.chunks.clear();
  }

  /** An independent copy (snapshots hold the chunk store as it was). */
  clone(): ChunkStore {
    const copy = new ChunkStore(this.capacityBytes);
    for (const [k, v] of this.chunks) copy.chunks.set(k, v);
    return copy;
  }
}

export class ChunkStoreError extends Error {
  override name = 'ChunkStoreError';
}
