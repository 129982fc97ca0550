// The fs interface that canister state lives on (DESIGN 6). It is synchronous because the System API
// is: a Wasm host call (ic0.stable64_read, ic0.stable64_write) cannot await. Two implementations share
// one body: memfs (in memory, the default, one per replica) and node:fs under a root directory (the
// dev server's persistence). Paths are POSIX-style and always relative to the volume's root; a path
// that would leave the root is refused, so a canister id or snapshot name can never write elsewhere.
import * as nodeFs from 'node:fs';
import * as posix from 'node:path/posix';
import { join as joinNative, resolve as resolveNative, sep as nativeSep } from 'node:path';
import { memfs } from 'memfs';

/** An open file of a volume. */
export type FileDescriptor = number;

/** How to open a file: `read` (must exist, read only), `readWrite` (must exist), `create` (read-write,
 *  created if missing, kept if present), `truncate` (read-write, created or emptied). */
export type OpenMode = 'read' | 'readWrite' | 'create' | 'truncate';

/** A small synchronous file system: what the page store and checkpoints need, nothing more. */
export interface Volume {
  open(path: string, mode: OpenMode): FileDescriptor;
  close(fd: FileDescriptor): void;
  /** Reads up to `dst.length` bytes at `position`; returns the count read (short only at end of file). */
  readAt(fd: FileDescriptor, dst: Uint8Array, position: number): number;
  /** Writes all of `src` at `position`, extending the file (with zeros) if needed. */
  writeAt(fd: FileDescriptor, src: Uint8Array, position: number): void;
  /** Length of the open file in bytes. */
  size(fd: FileDescriptor): number;
  truncate(fd: FileDescriptor, length: number): void;
  /** Makes the file's data durable (a no-op in memory). */
  fsync(fd: FileDescriptor): void;
  /** Makes the directory's entries (creations, renames, deletions) durable (a no-op in memory). */
  fsyncDirectory(path: string): void;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  exists(path: string): boolean;
  mkdirp(path: string): void;
  /** Names of the entries of a directory, sorted; empty if it does not exist. */
  list(path: string): string[];
  readFile(path: string): Uint8Array;
  writeFile(path: string, bytes: Uint8Array): void;
  /** Removes a file or a directory tree; no error if absent. */
  remove(path: string): void;
}

/** The subset of the synchronous `node:fs` API that both node:fs and memfs provide. */
interface SyncFs {
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fstatSync(fd: number): { size: number | bigint };
  ftruncateSync(fd: number, len: number): void;
  fsyncSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  existsSync(path: string): boolean;
  mkdirSync(path: string, options: { recursive: true }): unknown;
  readdirSync(path: string): unknown[];
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: Uint8Array): void;
  rmSync(path: string, options: { recursive: true; force: true }): void;
}

const FLAGS: Record<OpenMode, string> = { read: 'r', readWrite: 'r+', create: 'a+', truncate: 'w+' };

/** Normalises a volume path to a root-relative POSIX path ('' for the root); throws if it escapes. */
export function normalizeVolumePath(path: string): string {
  if (typeof path !== 'string' || path.includes('\0')) throw new TypeError(`invalid volume path: ${String(path)}`);
  const parts: string[] = [];
  for (const part of path.replaceAll('\\', '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new RangeError(`volume path escapes the volume root: ${path}`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** The shared implementation over a node:fs-shaped API; subclasses map volume paths to real paths. */
abstract class SyncFsVolume implements Volume {
  protected readonly fs: SyncFs;
  constructor(fs: SyncFs) {
    this.fs = fs;
  }
  protected abstract real(path: string): string;

  open(path: string, mode: OpenMode): FileDescriptor {
    // 'a+' would make every write append on Linux; 'create' is emulated with an existence check.
    if (mode === 'create') return this.fs.openSync(this.real(path), this.exists(path) ? 'r+' : 'w+');
    return this.fs.openSync(this.real(path), FLAGS[mode]);
  }
  close(fd: FileDescriptor): void {
    this.fs.closeSync(fd);
  }
  readAt(fd: FileDescriptor, dst: Uint8Array, position: number): number {
    let done = 0;
    while (done < dst.length) {
      const n = this.fs.readSync(fd, dst, done, dst.length - done, position + done);
      if (n <= 0) break;
      done += n;
    }
    return done;
  }
  writeAt(fd: FileDescriptor, src: Uint8Array, position: number): void {
    let done = 0;
    while (done < src.length) {
      const n = this.fs.writeSync(fd, src, done, src.length - done, position + done);
      if (n <= 0) throw new Error('short write');
      done += n;
    }
  }
  size(fd: FileDescriptor): number {
    return Number(this.fs.fstatSync(fd).size);
  }
  truncate(fd: FileDescriptor, length: number): void {
    this.fs.ftruncateSync(fd, length);
  }
  fsync(fd: FileDescriptor): void {
    this.fs.fsyncSync(fd);
  }
  fsyncDirectory(_path: string): void {}
  rename(from: string, to: string): void {
    this.fs.renameSync(this.real(from), this.real(to));
  }
  unlink(path: string): void {
    this.fs.unlinkSync(this.real(path));
  }
  exists(path: string): boolean {
    return this.fs.existsSync(this.real(path));
  }
  mkdirp(path: string): void {
    this.fs.mkdirSync(this.real(path), { recursive: true });
  }
  list(path: string): string[] {
    if (!this.exists(path)) return [];
    return this.fs.readdirSync(this.real(path)).map(String).sort();
  }
  readFile(path: string): Uint8Array {
    const b = this.fs.readFileSync(this.real(path));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  writeFile(path: string, bytes: Uint8Array): void {
    this.fs.writeFileSync(this.real(path), bytes);
  }
  remove(path: string): void {
    this.fs.rmSync(this.real(path), { recursive: true, force: true });
  }
}

/** A volume in memory (memfs): fast, isolated, gone with the process. fsync is a no-op. */
export class MemfsVolume extends SyncFsVolume {
  constructor() {
    super(memfs().fs as unknown as SyncFs);
  }
  protected real(path: string): string {
    return '/' + normalizeVolumePath(path);
  }
}

/** A volume on the real file system under `root`; no path can reach outside it (`..` is refused). */
export class DirectoryVolume extends SyncFsVolume {
  readonly root: string;
  constructor(root: string) {
    super(nodeFs as unknown as SyncFs);
    this.root = resolveNative(root);
    nodeFs.mkdirSync(this.root, { recursive: true });
  }
  protected real(path: string): string {
    const rel = normalizeVolumePath(path);
    const full = rel === '' ? this.root : joinNative(this.root, ...rel.split('/'));
    if (full !== this.root && !full.startsWith(this.root.endsWith(nativeSep) ? this.root : this.root + nativeSep)) {
      throw new RangeError(`volume path escapes the volume root: ${path}`);
    }
    return full;
  }
  override fsyncDirectory(path: string): void {
    // Directory fsync makes a rename or a new file's entry durable. Not every platform allows opening
    // a directory (Windows does not); there the rename is as durable as the OS makes it.
    let fd: number | undefined;
    try {
      fd = nodeFs.openSync(this.real(path), 'r');
      nodeFs.fsyncSync(fd);
    } catch {
      // best effort
    } finally {
      if (fd !== undefined) nodeFs.closeSync(fd);
    }
  }
}

/** A memfs volume by default, a directory volume when `directory` is given. */
export function createVolume(options: { directory?: string } = {}): Volume {
  return options.directory === undefined ? new MemfsVolume() : new DirectoryVolume(options.directory);
}

/** The directory part of a volume path ('' for the root). */
export function volumeDirname(path: string): string {
  const d = posix.dirname('/' + normalizeVolumePath(path));
  return d === '/' ? '' : d.slice(1);
}

/** Replaces the file at `path` with `bytes` atomically: write a temporary file, fsync, rename, fsync dir. */
export function writeFileAtomic(volume: Volume, path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = volume.open(tmp, 'truncate');
  try {
    volume.writeAt(fd, bytes, 0);
    volume.fsync(fd);
  } finally {
    volume.close(fd);
  }
  volume.rename(tmp, path);
  volume.fsyncDirectory(volumeDirname(path));
}
