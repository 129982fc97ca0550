// Persists a canister's execution state (Wasm heap, globals, small metadata) so the dev server can
// restart where it left off (DESIGN 6). The heap goes to a JournaledPageFile and only the pages written
// since the last checkpoint are written; globals and metadata go to a small JSON file replaced by
// rename. The two files are made consistent by a generation number: the next metadata file is made
// durable first, then the heap commit carries the same generation as its tag (the commit point), then
// the metadata file is renamed into place. On open, a heap at generation g with a pending metadata file
// of generation g rolls forward; a pending file of any other generation is discarded. So a crash at any
// point leaves the previous checkpoint or the new one, never the heap of one with the globals of another.
import { JournaledPageFile, PAGE_SIZE } from './journaled-page-file.ts';
import { type Volume, writeFileAtomic } from './volume.ts';
import { toHex as hex, fromHex as unhex } from '../bytes.ts';

/** A Wasm global's value with its type (the IC reads and writes them between messages and upgrades). */
export type CheckpointGlobal =
  | { type: 'i32'; value: number }
  | { type: 'i64'; value: bigint }
  | { type: 'f32'; value: number }
  | { type: 'f64'; value: number }
  | { type: 'v128'; value: Uint8Array };

/** The heap to checkpoint: a view of the memory, and the 4 KiB pages written since the last checkpoint. */
export interface CheckpointHeap {
  /** The heap's bytes (e.g. `new Uint8Array(memory.buffer)`); its length is the heap size. */
  bytes: Uint8Array;
  /** Indices of 4 KiB pages written since the last checkpoint; pages at or past the end are ignored. */
  writtenPages: Iterable<number>;
}

export interface CheckpointInput {
  heap: CheckpointHeap;
  globals: readonly CheckpointGlobal[];
  /** Any JSON-serialisable value (no bigints, no Uint8Arrays). */
  metadata: unknown;
  /** The stored heap is replaced rather than patched: pages not in `writtenPages` become zero. */
  fullRewrite?: boolean;
}

export interface LoadedCheckpoint<M = unknown> {
  /** The heap bytes (a view of the given `into` array when one was given). */
  heap: Uint8Array;
  globals: CheckpointGlobal[];
  metadata: M;
  /** Increases by one with each checkpoint written. */
  generation: bigint;
}

const HEAP_FILE = 'heap.pages';
const META_FILE = 'checkpoint.json';
const NEXT_META_FILE = 'checkpoint.next.json';

type EncodedGlobal = { type: CheckpointGlobal['type']; bits: string };

interface MetaFile {
  version: 1;
  generation: string;
  heapBytes: number;
  globals: EncodedGlobal[];
  metadata: unknown;
}

/** The checkpoint of one canister in a directory of a volume. */
export class CanisterCheckpoint {
  readonly volume: Volume;
  readonly directory: string;
  private readonly heap: JournaledPageFile;
  private meta: MetaFile | undefined;

  private constructor(volume: Volume, directory: string, heap: JournaledPageFile, meta: MetaFile | undefined) {
    this.volume = volume;
    this.directory = directory;
    this.heap = heap;
    this.meta = meta;
  }

  /** Opens (creating if needed) the checkpoint directory and recovers from an interrupted write. */
  static open(volume: Volume, directory: string): CanisterCheckpoint {
    volume.mkdirp(directory);
    const heap = JournaledPageFile.open(volume, join(directory, HEAP_FILE));
    try {
      const generation = heap.tag();
      const metaPath = join(directory, META_FILE);
      const nextPath = join(directory, NEXT_META_FILE);
      if (volume.exists(nextPath)) {
        const next = parseMeta(volume, nextPath);
        if (next !== undefined && BigInt(next.generation) === generation) {
          volume.rename(nextPath, metaPath); // the heap commit happened: roll forward
          volume.fsyncDirectory(directory);
        } else {
          volume.unlink(nextPath); // the heap commit did not happen: roll back
        }
      }
      const meta = volume.exists(metaPath) ? parseMeta(volume, metaPath) : undefined;
      if (meta === undefined ? generation !== 0n : BigInt(meta.generation) !== generation) {
        throw new Error(`checkpoint in ${directory} is inconsistent: heap generation ${generation}, metadata ${meta?.generation}`);
      }
      return new CanisterCheckpoint(volume, directory, heap, meta);
    } catch (e) {
      heap.close();
      throw e;
    }
  }

  /** The generation of the last checkpoint written, 0n if none. */
  generation(): bigint {
    return this.meta === undefined ? 0n : BigInt(this.meta.generation);
  }

  /** Whether a checkpoint has been written. */
  exists(): boolean {
    return this.meta !== undefined;
  }

  /** Writes a new checkpoint crash-safely; returns the number of heap pages written and its generation. */
  write(input: CheckpointInput): { pagesWritten: number; generation: bigint } {
    const generation = this.generation() + 1n;
    const heapBytes = input.heap.bytes.length;
    const sizePages = Math.ceil(heapBytes / PAGE_SIZE);
    const meta: MetaFile = {
      version: 1,
      generation: generation.toString(),
      heapBytes,
      globals: input.globals.map(encodeGlobal),
      metadata: input.metadata,
    };
    const encoded = new TextEncoder().encode(JSON.stringify(meta));
    const nextPath = join(this.directory, NEXT_META_FILE);
    writeFileAtomic(this.volume, nextPath, encoded);
    const bytes = input.heap.bytes;
    const pages = new Map<number, Uint8Array>();
    for (const p of input.heap.writtenPages) {
      if (!Number.isInteger(p) || p < 0) throw new RangeError(`invalid heap page index ${p}`);
      if (p < sizePages) pages.set(p, bytes.subarray(p * PAGE_SIZE, Math.min(heapBytes, (p + 1) * PAGE_SIZE)));
    }
    const { pagesWritten } = this.heap.commit({
      pages,
      sizePages,
      tag: generation,
      discardExisting: input.fullRewrite === true,
    });
    this.volume.rename(nextPath, join(this.directory, META_FILE));
    this.volume.fsyncDirectory(this.directory);
    this.meta = meta;
    return { pagesWritten, generation };
  }

  /**
   * Loads the last checkpoint, or undefined if none. With `into`, heap bytes are restored into it (it
   * must be at least as long as the heap; bytes past the heap are left alone); otherwise a new array.
   */
  load<M = unknown>(into?: Uint8Array): LoadedCheckpoint<M> | undefined {
    const meta = this.meta;
    if (meta === undefined) return undefined;
    if (into !== undefined && into.length < meta.heapBytes) {
      throw new RangeError(`heap of ${meta.heapBytes} bytes does not fit into ${into.length} bytes`);
    }
    const heap = into === undefined ? new Uint8Array(meta.heapBytes) : into.subarray(0, meta.heapBytes);
    const stored = Math.min(meta.heapBytes, this.heap.sizeBytes());
    this.heap.read(0, heap.subarray(0, stored));
    if (into !== undefined) heap.fill(0, stored);
    return {
      heap,
      globals: meta.globals.map(decodeGlobal),
      metadata: structuredClone(meta.metadata) as M,
      generation: BigInt(meta.generation),
    };
  }

  close(): void {
    this.heap.close();
  }

  /** Closes and removes the checkpoint directory. */
  delete(): void {
    this.heap.close();
    this.volume.remove(this.directory);
    this.meta = undefined;
  }
}

function join(directory: string, name: string): string {
  return directory === '' || directory === '/' ? name : `${directory.replace(/\/+$/, '')}/${name}`;
}

function parseMeta(volume: Volume, path: string): MetaFile | undefined {
  try {
    const meta = JSON.parse(new TextDecoder().decode(volume.readFile(path))) as MetaFile;
    if (meta.version !== 1 || typeof meta.generation !== 'string' || !Array.isArray(meta.globals)) return undefined;
    return meta;
  } catch {
    return undefined;
  }
}

// Globals are stored as their bit patterns, so -0, NaN payloads, infinities and full i64s survive JSON.
function encodeGlobal(g: CheckpointGlobal): EncodedGlobal {
  const dv = new DataView(new ArrayBuffer(16));
  switch (g.type) {
    case 'i32':
      dv.setInt32(0, g.value, true);
      return { type: g.type, bits: hex(new Uint8Array(dv.buffer, 0, 4)) };
    case 'i64':
      dv.setBigInt64(0, BigInt.asIntN(64, g.value), true);
      return { type: g.type, bits: hex(new Uint8Array(dv.buffer, 0, 8)) };
    case 'f32':
      dv.setFloat32(0, g.value, true);
      return { type: g.type, bits: hex(new Uint8Array(dv.buffer, 0, 4)) };
    case 'f64':
      dv.setFloat64(0, g.value, true);
      return { type: g.type, bits: hex(new Uint8Array(dv.buffer, 0, 8)) };
    case 'v128':
      if (g.value.length !== 16) throw new RangeError('a v128 global has 16 bytes');
      return { type: g.type, bits: hex(g.value) };
  }
}

function decodeGlobal(e: EncodedGlobal): CheckpointGlobal {
  const bytes = unhex(e.bits);
  const dv = new DataView(bytes.buffer);
  switch (e.type) {
    case 'i32':
      return { type: 'i32', value: dv.getInt32(0, true) };
    case 'i64':
      return { type: 'i64', value: dv.getBigInt64(0, true) };
    case 'f32':
      return { type: 'f32', value: dv.getFloat32(0, true) };
    case 'f64':
      return { type: 'f64', value: dv.getFloat64(0, true) };
    case 'v128':
      return { type: 'v128', value: bytes };
    default:
      throw new Error(`unknown global type ${String((e as { type: unknown }).type)}`);
  }
}


