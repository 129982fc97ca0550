// The write-ahead log that makes a replica checkpoint atomic across files and canisters. A checkpoint
// is one record: the page writes of every canister's heap and stable memory file, the files to
// remove, and the new manifest. It goes to `wal.tmp`, is fsynced and renamed to `wal` (the commit
// point; a SHA-256 over the record guards against torn writes as well), and only then is applied:
// pages written in place, files truncated to their sizes, the manifest replaced by rename, and the log
// deleted. Applying is idempotent, so recovery simply re-applies a complete log and discards a torn
// one: after a crash at any point the directory holds the previous checkpoint or the new one.
import { createHash } from 'node:crypto';
import { type Volume, writeFileAtomic } from '../state/volume.ts';

/** Bytes per page of the checkpoint files (the heap's and stable memory's dirty-page granularity). */
export const CHECKPOINT_PAGE = 4096;

const MAGIC = new TextEncoder().encode('MKICWAL1');

/** Writes to one page file: `pages[k]` goes to page `indices[k]`; then the file has `sizeBytes`. */
export interface PageFileUpdate {
  kind: 'pages';
  path: string;
  /** Empty the file first (a new heap or stable memory): pages not written read as zero. */
  fullRewrite: boolean;
  sizeBytes: number;
  indices: number[];
  pages: Uint8Array[];
}

export type CheckpointOp = PageFileUpdate | { kind: 'remove'; path: string };

/** One atomic checkpoint: file operations plus the manifest that describes the result. */
export interface CheckpointRecord {
  ops: CheckpointOp[];
  manifestPath: string;
  manifest: Uint8Array;
}

/** Test hook: called after each step of a checkpoint; throwing simulates a crash there. */
export type CheckpointStep = 'log-written' | 'pages-written' | 'manifest-written';

interface EncodedOp {
  kind: 'pages' | 'remove';
  path: string;
  fullRewrite?: boolean;
  sizeBytes?: number;
  indices?: number[];
  /** Byte offset of this op's pages in the data section. */
  offset?: number;
}

/** Serialises a record: magic, u32 header length, JSON header, page data, SHA-256 of all before. */
export function encodeRecord(record: CheckpointRecord): Uint8Array {
  let dataBytes = record.manifest.length;
  for (const op of record.ops) if (op.kind === 'pages') dataBytes += op.indices.length * CHECKPOINT_PAGE;
  let offset = record.manifest.length;
  const ops: EncodedOp[] = record.ops.map((op) => {
    if (op.kind === 'remove') return { kind: 'remove', path: op.path };
    const e: EncodedOp = { kind: 'pages', path: op.path, fullRewrite: op.fullRewrite, sizeBytes: op.sizeBytes, indices: op.indices, offset };
    offset += op.indices.length * CHECKPOINT_PAGE;
    return e;
  });
  const header = new TextEncoder().encode(JSON.stringify({ manifestPath: record.manifestPath, manifestBytes: record.manifest.length, ops }));
  const total = MAGIC.length + 4 + header.length + dataBytes + 32;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, MAGIC.length + 4);
  const data = MAGIC.length + 4 + header.length;
  out.set(record.manifest, data);
  let at = data + record.manifest.length;
  for (const op of record.ops) {
    if (op.kind !== 'pages') continue;
    for (const page of op.pages) {
      out.set(page.subarray(0, CHECKPOINT_PAGE), at);
      at += CHECKPOINT_PAGE;
    }
  }
  out.set(createHash('sha256').update(out.subarray(0, total - 32)).digest(), total - 32);
  return out;
}

/** Parses a record; undefined when it is torn, truncated or corrupt. */
export function decodeRecord(bytes: Uint8Array): CheckpointRecord | undefined {
  if (bytes.length < MAGIC.length + 4 + 32) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return undefined;
  const digest = createHash('sha256').update(bytes.subarray(0, bytes.length - 32)).digest();
  if (!equal(digest, bytes.subarray(bytes.length - 32))) return undefined;
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength))) as {
    manifestPath: string;
    manifestBytes: number;
    ops: EncodedOp[];
  };
  const data = bytes.subarray(MAGIC.length + 4 + headerLength, bytes.length - 32);
  const ops: CheckpointOp[] = header.ops.map((e) => {
    if (e.kind === 'remove') return { kind: 'remove', path: e.path };
    const indices = e.indices ?? [];
    const base = e.offset ?? 0;
    return {
      kind: 'pages',
      path: e.path,
      fullRewrite: e.fullRewrite === true,
      sizeBytes: e.sizeBytes ?? 0,
      indices,
      pages: indices.map((_, k) => data.subarray(base + k * CHECKPOINT_PAGE, base + (k + 1) * CHECKPOINT_PAGE)),
    };
  });
  return { ops, manifestPath: header.manifestPath, manifest: data.subarray(0, header.manifestBytes) };
}

/** The write-ahead log of a checkpoint directory. */
export class CheckpointLog {
  readonly volume: Volume;
  readonly directory: string;

  constructor(volume: Volume, directory: string) {
    this.volume = volume;
    this.directory = directory;
  }

  private get path(): string {
    return `${this.directory}/wal`;
  }

  /** Completes or discards an interrupted checkpoint. Returns what happened. */
  recover(): 'none' | 'rolled-forward' | 'discarded' {
    const { volume } = this;
    if (volume.exists(`${this.path}.tmp`)) volume.unlink(`${this.path}.tmp`);
    if (!volume.exists(this.path)) return 'none';
    const record = decodeRecord(volume.readFile(this.path));
    if (record === undefined) {
      volume.unlink(this.path);
      volume.fsyncDirectory(this.directory);
      return 'discarded';
    }
    this.apply(record);
    return 'rolled-forward';
  }

  /** Writes `record` atomically: log first (the commit point), then the files, then drops the log. */
  commit(record: CheckpointRecord, onStep?: (step: CheckpointStep) => void): void {
    const { volume } = this;
    volume.mkdirp(this.directory);
    writeFileAtomic(volume, this.path, encodeRecord(record));
    onStep?.('log-written');
    this.apply(record, onStep);
  }

  private apply(record: CheckpointRecord, onStep?: (step: CheckpointStep) => void): void {
    const { volume } = this;
    for (const op of record.ops) {
      if (op.kind === 'remove') {
        volume.remove(op.path);
        continue;
      }
      const dir = op.path.slice(0, op.path.lastIndexOf('/'));
      if (dir) volume.mkdirp(dir);
      const fd = volume.open(op.path, 'create');
      try {
        if (op.fullRewrite) volume.truncate(fd, 0);
        for (let k = 0; k < op.indices.length; k++) {
          const at = (op.indices[k] as number) * CHECKPOINT_PAGE;
          if (at >= op.sizeBytes) continue;
          const page = op.pages[k] as Uint8Array;
          volume.writeAt(fd, page.subarray(0, Math.min(CHECKPOINT_PAGE, op.sizeBytes - at)), at);
        }
        if (volume.size(fd) !== op.sizeBytes) volume.truncate(fd, op.sizeBytes);
        volume.fsync(fd);
      } finally {
        volume.close(fd);
      }
    }
    onStep?.('pages-written');
    writeFileAtomic(volume, record.manifestPath, record.manifest);
    onStep?.('manifest-written');
    volume.unlink(this.path);
    volume.fsyncDirectory(this.directory);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
