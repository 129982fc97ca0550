// Persistence of a whole replica in its state directory (the dev server's restart-where-you-left-off).
// After every round the ReplicaCheckpointer writes what changed: for each canister the 4 KiB heap
// pages written since the previous checkpoint (HeapMemory.takeCheckpointPages), the stable memory
// pages committed since then (tracked at the store's commit), and a manifest with every canister's
// settings, cycles, version, status, certified data, global timer, module hash, Wasm globals and log. The
// Wasm modules themselves are kept by hash (a recording compilation cache sees every module the
// replica compiles, so no install path needs to be intercepted). All of a round's writes form one
// atomic checkpoint (CheckpointLog: write-ahead log, then in-place writes), so a crash leaves either
// the previous round's state or this one's, for all canisters together. restoreReplica rebuilds the
// canisters, with the same ids, from the last checkpoint.
//
// Layout under the state directory:
//   checkpoint/replica.json             the manifest (replaced by rename)
//   checkpoint/wal                      the write-ahead log of a checkpoint in progress
//   checkpoint/wasm/<sha256>.wasm       installed modules, by module hash
//   checkpoint/canisters/<id>/heap      Wasm heap pages (raw, 4 KiB pages, logical size = file size)
//   checkpoint/canisters/<id>/stable    stable memory pages (raw, size = file size)
//   checkpoint/snapshots/<snapshot id>/{heap,stable,chunks/<sha256>}  canister snapshots (written
//                                       once when taken, removed when deleted; metadata in the manifest)
//   canisters/                          the live replica's stable memory files (rebuilt on restore)
import { Principal } from '@dfinity/principal';
import { Replica, type ReplicaOptions } from '../replica/replica.ts';
import type { Canister, CanisterSettings, CanisterStatus, LogVisibility } from '../canister/canister.ts';
import type { HeapMemory } from '../execution/heap-memory.ts';
import type { TransactionalStableMemory } from '../execution/canister-instance.ts';
import { CompilationCache, sharedCompilationCache, type CompiledCanisterModule } from '../wasm/compilation-cache.ts';
import { canisterModuleOf } from '../replica/canister-module-of.ts';
import { createVolume, writeFileAtomic, type Volume } from '../state/volume.ts';
import { CHECKPOINT_PAGE, CheckpointLog, type CheckpointOp, type CheckpointStep } from './checkpoint-log.ts';
import { toHex as hex, fromHex as unhex } from '../bytes.ts';
import type { CanisterSnapshot } from '../management/canister-snapshots.ts';
import { ChunkStore } from '../management/chunk-store.ts';

const DIR = 'checkpoint';
const MANIFEST = `${DIR}/replica.json`;
const WASM_PAGE = 65536;

/** A compilation cache that remembers the bytes of every module it is asked for, by module hash. */
export class RecordingCompilationCache extends CompilationCache {
  private readonly inner: CompilationCache;
  private readonly modules = new Map<string, Uint8Array>();

  constructor(inner: CompilationCache = sharedCompilationCache) {
    super({ maxBytes: 0 });
    this.inner = inner;
  }

  override get(wasmBytes: Uint8Array): CompiledCanisterModule {
    const compiled = this.inner.get(wasmBytes);
    const key = hex(compiled.hash);
    if (!this.modules.has(key)) this.modules.set(key, wasmBytes.slice());
    return compiled;
  }

  override has(hash: Uint8Array): boolean {
    return this.inner.has(hash);
  }

  /** The installed bytes of the module with this hash (hex), if this cache compiled it. */
  wasmOf(hashHex: string): Uint8Array | undefined {
    return this.modules.get(hashHex);
  }
}

type EncodedGlobal = { i64: string } | { f64: string };

interface EncodedSettings {
  controllers: string[];
  freezingThreshold: string;
  wasmMemoryLimit: string;
  wasmMemoryThreshold: string;
  reservedCyclesLimit: string;
  computeAllocation: string;
  memoryAllocation: string;
  logVisibility: { kind: LogVisibility['kind']; principals?: string[] };
  environmentVariables: Array<[string, string]>;
}

/** One canister in the manifest. */
export interface CanisterManifestEntry {
  id: string;
  settings: EncodedSettings;
  status: CanisterStatus;
  balance: string;
  version: string;
  certifiedData: string;
  globalTimer: string;
  module?: { hash: string; heapBytes: number; globals: EncodedGlobal[]; stableBytes: number };
  /** The canister log (fetch_canister_logs): next index and [index, time, hex content] records. */
  logs?: { next: string; records: Array<[string, string, string]> };
}

/** One canister snapshot in the manifest (its heap, stable memory and chunks are files). */
export interface SnapshotManifestEntry {
  id: string;
  canisterId: string;
  takenAt: string;
  canisterVersion: string;
  moduleHash: string;
  heapBytes: number;
  stableBytes: number;
  globals: EncodedGlobal[];
  certifiedData: string;
  globalTimer: string;
  chunks: Array<{ hash: string; bytes: number }>;
  totalSize: string;
}

/** The manifest of a checkpoint. */
export interface ReplicaManifest {
  version: 1;
  /** Replica time at the checkpoint (nanoseconds). */
  time: string;
  canisters: CanisterManifestEntry[];
  /** Canister snapshots, and each canister's next snapshot number (absent in older checkpoints). */
  snapshots?: SnapshotManifestEntry[];
  snapshotCounters?: Array<[string, string]>;
}

/** What the checkpointer knows about a canister's persisted state. */
interface Tracked {
  heap: HeapMemory | undefined;
  heapBytes: number;
  stable: TransactionalStableMemory | undefined;
  stableBytes: number;
  /** Stable memory pages committed since the last checkpoint. */
  stableDirty: Set<number>;
  /** The stable memory was replaced wholesale since the last checkpoint. */
  stableFull: boolean;
}

export interface ReplicaCheckpointerOptions {
  /** Called when a checkpoint after a round fails (default: console.error). The replica keeps running. */
  onError?: (error: unknown) => void;
  /** Called after each checkpoint that wrote something. */
  onCheckpoint?: (info: { canisters: number; pagesWritten: number; round: bigint }) => void;
}

/** Writes a replica's state into its state directory after every round, incrementally and atomically. */
export class ReplicaCheckpointer {
  readonly replica: Replica;
  readonly volume: Volume;
  private readonly cache: RecordingCompilationCache;
  private readonly log: CheckpointLog;
  private readonly tracked = new Map<string, Tracked>();
  /** Snapshots whose files are written (snapshots never change once taken). */
  private readonly persistedSnapshots = new Set<string>();
  private readonly options: ReplicaCheckpointerOptions;
  private lastManifestKey = '';
  private unsubscribe: (() => void) | undefined;
  /** Checkpoints written so far (those that found nothing to write are not counted). */
  checkpoints = 0;

  constructor(replica: Replica, cache: RecordingCompilationCache, options: ReplicaCheckpointerOptions = {}) {
    this.replica = replica;
    this.volume = replica.volume;
    this.cache = cache;
    this.options = options;
    this.log = new CheckpointLog(this.volume, DIR);
  }

  /** Checkpoints after every round from now on. */
  start(): this {
    this.unsubscribe ??= this.replica.onRound(() => {
      try {
        this.checkpoint();
      } catch (e) {
        (this.options.onError ?? ((x) => console.error('mockic: checkpoint failed:', x)))(e);
      }
    });
    return this;
  }

  /** Stops checkpointing after rounds (a final checkpoint is written first). */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.checkpoint();
  }

  /**
   * Writes a checkpoint of everything that changed since the last one; returns false when nothing
   * had. `onStep` is a test hook: throwing from it simulates a crash at that step.
   */
  checkpoint(onStep?: (step: CheckpointStep) => void): boolean {
    const ops: CheckpointOp[] = [];
    const entries: CanisterManifestEntry[] = [];
    const seen = new Set<string>();
    let pagesWritten = 0;
    for (const id of this.replica.canisterIds()) {
      const c = this.replica.canister(id);
      const key = c.idText;
      seen.add(key);
      let t = this.tracked.get(key);
      if (!t) {
        t = { heap: undefined, heapBytes: 0, stable: undefined, stableBytes: 0, stableDirty: new Set(), stableFull: false };
        this.tracked.set(key, t);
      }
      const base = `${DIR}/canisters/${key}`;
      const instance = c.liveInstance();
      const module = c.installedModule;
      let moduleEntry: CanisterManifestEntry['module'];
      if (instance && module) {
        const hashHex = hex(module.hash);
        this.ensureWasm(hashHex, key);
        // Heap: the pages written since the last checkpoint, or all of a heap not seen before.
        const heap = instance.heap;
        const heapBytes = heap.byteLength();
        const bytes = heap.bytes();
        const written = heap.takeCheckpointPages();
        const heapFull = t.heap !== heap;
        const heapPages = heapFull ? nonZeroPages(bytes, heapBytes) : written.filter((p) => (p + 1) * CHECKPOINT_PAGE <= heapBytes);
        if (heapFull || heapPages.length > 0 || heapBytes !== t.heapBytes) {
          ops.push({
            kind: 'pages',
            path: `${base}/heap`,
            fullRewrite: heapFull,
            sizeBytes: heapBytes,
            indices: heapPages,
            pages: heapPages.map((p) => bytes.subarray(p * CHECKPOINT_PAGE, (p + 1) * CHECKPOINT_PAGE)),
          });
          pagesWritten += heapPages.length;
        }
        t.heap = heap;
        t.heapBytes = heapBytes;
        // Stable memory: the pages committed since the last checkpoint, or all of a new store.
        const stable = c.stableMemory();
        const stableBytes = Number(stable.sizePages()) * WASM_PAGE;
        const stableFull = t.stable !== stable || t.stableFull;
        if (t.stable !== stable) this.track(stable, t);
        const stablePages = stableFull
          ? nonZeroStablePages(stable, stableBytes)
          : [...t.stableDirty].filter((p) => (p + 1) * CHECKPOINT_PAGE <= stableBytes).sort((a, b) => a - b);
        if (stableFull || stablePages.length > 0 || stableBytes !== t.stableBytes) {
          ops.push({
            kind: 'pages',
            path: `${base}/stable`,
            fullRewrite: stableFull,
            sizeBytes: stableBytes,
            indices: stablePages,
            pages: stablePages.map((p) => {
              const page = new Uint8Array(CHECKPOINT_PAGE);
              stable.read(BigInt(p * CHECKPOINT_PAGE), page);
              return page;
            }),
          });
          pagesWritten += stablePages.length;
        }
        t.stableDirty.clear();
        t.stableFull = false;
        t.stableBytes = stableBytes;
        moduleEntry = { hash: hashHex, heapBytes, globals: instance.globalValues().map(encodeGlobal), stableBytes };
      } else if (t.heap || t.stable) {
        // Uninstalled: its files go.
        ops.push({ kind: 'remove', path: `${base}/heap` }, { kind: 'remove', path: `${base}/stable` });
        t.heap = undefined;
        t.stable = undefined;
        t.heapBytes = t.stableBytes = 0;
      }
      entries.push(entryOf(c, moduleEntry));
    }
    for (const key of [...this.tracked.keys()]) {
      if (seen.has(key)) continue;
      this.tracked.delete(key);
      ops.push({ kind: 'remove', path: `${DIR}/canisters/${key}` });
    }
    const snapshots = this.snapshotOps(ops);
    const snapshotCounters = this.replica.managementCanister.snapshots.localIdCounters().map(([k, v]) => [k, v.toString()] as [string, string]);
    const manifestKey = JSON.stringify([entries, snapshots, snapshotCounters]);
    if (ops.length === 0 && manifestKey === this.lastManifestKey) return false;
    const manifest: ReplicaManifest = { version: 1, time: this.replica.time.toString(), canisters: entries, snapshots, snapshotCounters };
    this.log.commit({ ops, manifestPath: MANIFEST, manifest: new TextEncoder().encode(JSON.stringify(manifest, null, 1)) }, onStep);
    this.lastManifestKey = manifestKey;
    this.checkpoints++;
    this.options.onCheckpoint?.({ canisters: entries.length, pagesWritten, round: this.replica.round });
    return true;
  }

  /** Files for snapshots taken since the last checkpoint, removals for deleted ones; the manifest entries. */
  private snapshotOps(ops: CheckpointOp[]): SnapshotManifestEntry[] {
    const entries: SnapshotManifestEntry[] = [];
    const live = new Set<string>();
    for (const s of this.replica.managementCanister.snapshots.all()) {
      live.add(s.idHex);
      const base = `${DIR}/snapshots/${s.idHex}`;
      const hashHex = hex(s.state.module.hash);
      const chunks = s.chunkStore.hashes().map((h) => ({ hash: hex(h), data: s.chunkStore.get(h) as Uint8Array }));
      if (!this.persistedSnapshots.has(s.idHex)) {
        this.ensureWasm(hashHex, s.canisterId.toText());
        ops.push(wholeFile(`${base}/heap`, s.state.heap), wholeFile(`${base}/stable`, s.state.stable));
        for (const c of chunks) ops.push(wholeFile(`${base}/chunks/${c.hash}`, c.data));
        this.persistedSnapshots.add(s.idHex);
      }
      entries.push({
        id: s.idHex,
        canisterId: s.canisterId.toText(),
        takenAt: s.takenAtNanos.toString(),
        canisterVersion: s.canisterVersion.toString(),
        moduleHash: hashHex,
        heapBytes: s.state.heap.length,
        stableBytes: s.state.stable.length,
        globals: s.state.globals.map(encodeGlobal),
        certifiedData: hex(s.state.certifiedData),
        globalTimer: s.state.globalTimer.toString(),
        chunks: chunks.map((c) => ({ hash: c.hash, bytes: c.data.length })),
        totalSize: s.totalSize.toString(),
      });
    }
    for (const id of [...this.persistedSnapshots]) {
      if (live.has(id)) continue;
      ops.push({ kind: 'remove', path: `${DIR}/snapshots/${id}` });
      this.persistedSnapshots.delete(id);
    }
    return entries;
  }

  /** Marks restored snapshots as written. */
  adoptSnapshots(ids: Iterable<string>): void {
    for (const id of ids) this.persistedSnapshots.add(id);
  }

  /** Records the pages of every commit of `stable` from now on. */
  private track(stable: TransactionalStableMemory, t: Tracked): void {
    t.stable = stable;
    t.stableDirty.clear();
    const commit = stable.commit;
    stable.commit = function (this: TransactionalStableMemory) {
      if (t.stable === stable) {
        const delta = stable.captureDelta();
        if (delta.discardCommitted) t.stableFull = true;
        for (const page of delta.pages.keys()) t.stableDirty.add(page);
      }
      return commit.call(stable);
    };
  }

  /** Adopts a restored canister's state as already checkpointed. */
  adopt(c: Canister): void {
    const instance = c.liveInstance();
    const t: Tracked = { heap: undefined, heapBytes: 0, stable: undefined, stableBytes: 0, stableDirty: new Set(), stableFull: false };
    if (instance && c.installedModule) {
      instance.heap.takeCheckpointPages();
      t.heap = instance.heap;
      t.heapBytes = instance.heap.byteLength();
      const stable = c.stableMemory();
      this.track(stable, t);
      t.stableBytes = Number(stable.sizePages()) * WASM_PAGE;
    }
    this.tracked.set(c.idText, t);
  }

  /** Marks the current canisters' metadata as written (after a restore). */
  adoptManifest(): void {
    this.lastManifestKey = JSON.stringify(this.replica.canisterIds().map((id) => {
      const c = this.replica.canister(id);
      const instance = c.liveInstance();
      const module = c.installedModule;
      return entryOf(
        c,
        instance && module
          ? {
              hash: hex(module.hash),
              heapBytes: instance.heap.byteLength(),
              globals: instance.globalValues().map(encodeGlobal),
              stableBytes: Number(c.stableMemory().sizePages()) * WASM_PAGE,
            }
          : undefined,
      );
    }));
  }

  private ensureWasm(hashHex: string, canisterId: string): void {
    const path = `${DIR}/wasm/${hashHex}.wasm`;
    if (this.volume.exists(path)) return;
    const wasm = this.cache.wasmOf(hashHex);
    if (!wasm) throw new Error(`the module of canister ${canisterId} (${hashHex}) was not compiled by this checkpointer's cache`);
    this.volume.mkdirp(`${DIR}/wasm`);
    writeFileAtomic(this.volume, path, wasm);
  }
}

export interface RestoreReplicaOptions extends ReplicaOptions, ReplicaCheckpointerOptions {
  /** The state directory: stable memory lives here, and every round is checkpointed here. */
  stateDirectory: string;
  /** Drop any saved state and start empty. */
  clean?: boolean;
  /** Do not checkpoint after rounds (call checkpointer.checkpoint() yourself). */
  manual?: boolean;
}

export interface RestoredReplica {
  replica: Replica;
  checkpointer: ReplicaCheckpointer;
  /** The canisters rebuilt from the checkpoint, in creation order. */
  restored: Principal[];
  /** What recovery found: no interrupted checkpoint, one completed, or a torn one discarded. */
  recovery: 'none' | 'rolled-forward' | 'discarded';
}

/**
 * Opens a persistent replica: recovers an interrupted checkpoint, rebuilds every canister of the last
 * checkpoint with its id, module, heap, globals, stable memory, settings, cycles, version, status,
 * certified data and global timer, and checkpoints after every round from then on.
 */
export async function restoreReplica(options: RestoreReplicaOptions): Promise<RestoredReplica> {
  const volume = createVolume({ directory: options.stateDirectory });
  if (options.clean) volume.remove(DIR);
  const recovery = new CheckpointLog(volume, DIR).recover();
  // The live stable memory files of the previous run are superseded by the checkpoint.
  volume.remove('canisters');
  const cache = new RecordingCompilationCache(options.compilationCache ?? sharedCompilationCache);
  const replica = await Replica.create({ ...options, compilationCache: cache });
  const checkpointer = new ReplicaCheckpointer(replica, cache, options);
  const restored: Principal[] = [];
  if (volume.exists(MANIFEST)) {
    const manifest = JSON.parse(new TextDecoder().decode(volume.readFile(MANIFEST))) as ReplicaManifest;
    if (manifest.version !== 1) throw new Error(`unsupported checkpoint version ${String(manifest.version)} in ${options.stateDirectory}`);
    if (!replica.clock.isLive && BigInt(manifest.time) > replica.time) replica.setTime(BigInt(manifest.time));
    for (const entry of manifest.canisters) {
      const c = restoreCanister(replica, volume, cache, entry);
      checkpointer.adopt(c);
      restored.push(c.id);
    }
    const snapshots = replica.managementCanister.snapshots;
    for (const e of manifest.snapshots ?? []) snapshots.add(restoreSnapshot(volume, cache, e));
    for (const [canister, next] of manifest.snapshotCounters ?? []) snapshots.setLocalIdCounter(canister, BigInt(next));
    checkpointer.adoptSnapshots((manifest.snapshots ?? []).map((e) => e.id));
    checkpointer.adoptManifest();
  }
  if (!options.manual) checkpointer.start();
  return { replica, checkpointer, restored, recovery };
}

function restoreCanister(replica: Replica, volume: Volume, cache: CompilationCache, e: CanisterManifestEntry): Canister {
  const id = Principal.fromText(e.id);
  replica.createCanister({ specifiedId: id, cycles: BigInt(e.balance), settings: decodeSettings(e.settings), controllers: e.settings.controllers.map((p) => Principal.fromText(p)) });
  const c = replica.canister(id);
  if (e.module) {
    const wasm = volume.readFile(`${DIR}/wasm/${e.module.hash}.wasm`);
    const module = canisterModuleOf(cache.get(wasm), wasm.length);
    const base = `${DIR}/canisters/${e.id}`;
    const heap = readSized(volume, `${base}/heap`, e.module.heapBytes);
    const stable = readSized(volume, `${base}/stable`, e.module.stableBytes);
    c.restoreExecutionState(
      {
        module,
        heap,
        globals: e.module.globals.map(decodeGlobal),
        stable,
        certifiedData: unhex(e.certifiedData),
        globalTimer: BigInt(e.globalTimer),
      },
      { restoreGlobalTimer: true },
    );
  }
  if (e.logs) {
    c.log.restore(
      e.logs.records.map(([idx, ts, content]) => ({ idx: BigInt(idx), timestampNanos: BigInt(ts), content: unhex(content) })),
      BigInt(e.logs.next),
    );
  }
  c.certifiedData = unhex(e.certifiedData);
  c.globalTimer = BigInt(e.globalTimer);
  c.version = BigInt(e.version);
  c.status = e.status;
  c.balance = BigInt(e.balance);
  return c;
}

function restoreSnapshot(volume: Volume, cache: CompilationCache, e: SnapshotManifestEntry): CanisterSnapshot {
  const base = `${DIR}/snapshots/${e.id}`;
  const wasm = volume.readFile(`${DIR}/wasm/${e.moduleHash}.wasm`);
  const chunkStore = new ChunkStore();
  for (const c of e.chunks) chunkStore.insert(readSized(volume, `${base}/chunks/${c.hash}`, c.bytes));
  return {
    id: unhex(e.id),
    idHex: e.id,
    canisterId: Principal.fromText(e.canisterId),
    takenAtNanos: BigInt(e.takenAt),
    canisterVersion: BigInt(e.canisterVersion),
    state: {
      module: canisterModuleOf(cache.get(wasm), wasm.length),
      heap: readSized(volume, `${base}/heap`, e.heapBytes),
      globals: e.globals.map(decodeGlobal),
      stable: readSized(volume, `${base}/stable`, e.stableBytes),
      certifiedData: unhex(e.certifiedData),
      globalTimer: BigInt(e.globalTimer),
    },
    chunkStore,
    totalSize: BigInt(e.totalSize),
  };
}

/** A checkpoint op writing `bytes` as a whole file (its non-zero 4 KiB pages; size = bytes.length). */
function wholeFile(path: string, bytes: Uint8Array): CheckpointOp {
  // whole pages for the scan (a chunk's length is arbitrary); the log writes only sizeBytes
  const padded = bytes.length % CHECKPOINT_PAGE === 0 ? bytes : new Uint8Array(Math.ceil(bytes.length / CHECKPOINT_PAGE) * CHECKPOINT_PAGE);
  if (padded !== bytes) padded.set(bytes);
  const indices = nonZeroPages(padded, padded.length);
  return {
    kind: 'pages',
    path,
    fullRewrite: true,
    sizeBytes: bytes.length,
    indices,
    pages: indices.map((p) => {
      const page = new Uint8Array(CHECKPOINT_PAGE);
      page.set(bytes.subarray(p * CHECKPOINT_PAGE, Math.min(bytes.length, (p + 1) * CHECKPOINT_PAGE)));
      return page;
    }),
  };
}

function readSized(volume: Volume, path: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  if (size > 0 && volume.exists(path)) {
    const bytes = volume.readFile(path);
    out.set(bytes.subarray(0, Math.min(size, bytes.length)));
  }
  return out;
}

function entryOf(c: Canister, module: CanisterManifestEntry['module']): CanisterManifestEntry {
  const entry: CanisterManifestEntry = {
    id: c.idText,
    settings: encodeSettings(c.settings),
    status: c.status,
    balance: c.balance.toString(),
    version: c.version.toString(),
    certifiedData: hex(c.certifiedData),
    globalTimer: c.globalTimer.toString(),
  };
  if (module) entry.module = module;
  if (c.log.nextIndex > 0n) {
    entry.logs = { next: c.log.nextIndex.toString(), records: c.log.all().map((r) => [r.idx.toString(), r.timestampNanos.toString(), hex(r.content)]) };
  }
  return entry;
}

function encodeSettings(s: CanisterSettings): EncodedSettings {
  return {
    controllers: s.controllers.map((p) => p.toText()),
    freezingThreshold: s.freezingThreshold.toString(),
    wasmMemoryLimit: s.wasmMemoryLimit.toString(),
    wasmMemoryThreshold: s.wasmMemoryThreshold.toString(),
    reservedCyclesLimit: s.reservedCyclesLimit.toString(),
    computeAllocation: s.computeAllocation.toString(),
    memoryAllocation: s.memoryAllocation.toString(),
    logVisibility:
      s.logVisibility.kind === 'allowed_viewers'
        ? { kind: 'allowed_viewers', principals: s.logVisibility.principals.map((p) => p.toText()) }
        : { kind: s.logVisibility.kind },
    environmentVariables: s.environmentVariables.map(([k, v]) => [k, v]),
  };
}

function decodeSettings(s: EncodedSettings): CanisterSettings {
  const logVisibility: LogVisibility =
    s.logVisibility.kind === 'allowed_viewers'
      ? { kind: 'allowed_viewers', principals: (s.logVisibility.principals ?? []).map((p) => Principal.fromText(p)) }
      : { kind: s.logVisibility.kind };
  return {
    controllers: s.controllers.map((p) => Principal.fromText(p)),
    freezingThreshold: BigInt(s.freezingThreshold),
    wasmMemoryLimit: BigInt(s.wasmMemoryLimit),
    wasmMemoryThreshold: BigInt(s.wasmMemoryThreshold),
    reservedCyclesLimit: BigInt(s.reservedCyclesLimit),
    computeAllocation: BigInt(s.computeAllocation),
    memoryAllocation: BigInt(s.memoryAllocation),
    logVisibility,
    environmentVariables: s.environmentVariables.map(([k, v]) => [k, v] as [string, string]),
  };
}

// Numbers (i32, f32, f64 globals) are kept as f64 bit patterns, so -0, NaN and infinities survive JSON.
function encodeGlobal(v: number | bigint): EncodedGlobal {
  if (typeof v === 'bigint') return { i64: v.toString() };
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  return { f64: hex(new Uint8Array(dv.buffer)) };
}

function decodeGlobal(g: EncodedGlobal): number | bigint {
  if ('i64' in g) return BigInt(g.i64);
  return new DataView(unhex(g.f64).buffer).getFloat64(0, true);
}

/** Indices of the 4 KiB pages of `bytes[0, length)` that are not all zero. */
function nonZeroPages(bytes: Uint8Array, length: number): number[] {
  const out: number[] = [];
  const aligned = bytes.byteOffset % 4 === 0;
  for (let p = 0; p * CHECKPOINT_PAGE < length; p++) {
    const start = p * CHECKPOINT_PAGE;
    if (aligned) {
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset + start, CHECKPOINT_PAGE / 4);
      for (let i = 0; i < words.length; i++) {
        if (words[i] !== 0) {
          out.push(p);
          break;
        }
      }
    } else if (bytes.subarray(start, start + CHECKPOINT_PAGE).some((b) => b !== 0)) out.push(p);
  }
  return out;
}

/** Indices of the non-zero 4 KiB pages of a stable memory, read a megabyte at a time. */
function nonZeroStablePages(stable: TransactionalStableMemory, length: number): number[] {
  const out: number[] = [];
  const chunk = new Uint8Array(1 << 20);
  for (let at = 0; at < length; at += chunk.length) {
    const n = Math.min(chunk.length, length - at);
    const view = chunk.subarray(0, n);
    stable.read(BigInt(at), view);
    for (const p of nonZeroPages(view, n)) out.push(at / CHECKPOINT_PAGE + p);
  }
  return out;
}


