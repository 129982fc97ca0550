// Test helper: a volume that "crashes" (throws SimulatedCrash) at a chosen mutating operation, leaving
// behind exactly what a process killed at that point would leave on the inner volume. A crashing
// writeAt can first write a prefix of its bytes, to model a torn write.
import type { Volume, FileDescriptor, OpenMode } from '../../src/state/index.ts';

export class SimulatedCrash extends Error {
  constructor(op: string) {
    super(`simulated crash at ${op}`);
  }
}

export class CrashingVolume implements Volume {
  readonly inner: Volume;
  /** Mutating operations performed so far. */
  ops = 0;
  /** The operation index (0-based) that crashes; Infinity for never. */
  crashAt = Infinity;
  /** Fraction of a crashing writeAt's bytes written before the crash. */
  tornFraction = 0.5;
  readonly log: string[] = [];

  constructor(inner: Volume) {
    this.inner = inner;
  }

  private step(op: string): boolean {
    const crash = this.ops === this.crashAt;
    this.ops++;
    this.log.push(op);
    return crash;
  }

  open(path: string, mode: OpenMode): FileDescriptor {
    if (mode !== 'read' && mode !== 'readWrite' && this.step(`open ${path} ${mode}`)) throw new SimulatedCrash(`open ${path}`);
    return this.inner.open(path, mode);
  }
  close(fd: FileDescriptor): void {
    this.inner.close(fd);
  }
  readAt(fd: FileDescriptor, dst: Uint8Array, position: number): number {
    return this.inner.readAt(fd, dst, position);
  }
  writeAt(fd: FileDescriptor, src: Uint8Array, position: number): void {
    if (this.step(`writeAt ${position} +${src.length}`)) {
      this.inner.writeAt(fd, src.subarray(0, Math.floor(src.length * this.tornFraction)), position);
      throw new SimulatedCrash('writeAt');
    }
    this.inner.writeAt(fd, src, position);
  }
  size(fd: FileDescriptor): number {
    return this.inner.size(fd);
  }
  truncate(fd: FileDescriptor, length: number): void {
    if (this.step(`truncate ${length}`)) throw new SimulatedCrash('truncate');
    this.inner.truncate(fd, length);
  }
  fsync(fd: FileDescriptor): void {
    if (this.step('fsync')) throw new SimulatedCrash('fsync');
    this.inner.fsync(fd);
  }
  fsyncDirectory(path: string): void {
    this.inner.fsyncDirectory(path);
  }
  rename(from: string, to: string): void {
    if (this.step(`rename ${from} ${to}`)) throw new SimulatedCrash('rename');
    this.inner.rename(from, to);
  }
  unlink(path: string): void {
    if (this.step(`unlink ${path}`)) throw new SimulatedCrash('unlink');
    this.inner.unlink(path);
  }
  exists(path: string): boolean {
    return this.inner.exists(path);
  }
  mkdirp(path: string): void {
    this.inner.mkdirp(path);
  }
  list(path: string): string[] {
    return this.inner.list(path);
  }
  readFile(path: string): Uint8Array {
    return this.inner.readFile(path);
  }
  writeFile(path: string, bytes: Uint8Array): void {
    if (this.step(`writeFile ${path}`)) {
      this.inner.writeFile(path, bytes.subarray(0, Math.floor(bytes.length * this.tornFraction)));
      throw new SimulatedCrash('writeFile');
    }
    this.inner.writeFile(path, bytes);
  }
  remove(path: string): void {
    if (this.step(`remove ${path}`)) throw new SimulatedCrash('remove');
    this.inner.remove(path);
  }
}

/** Bytes `[0, n)` filled with a pattern derived from `seed`, so different writes are distinguishable. */
export function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 17 + (i >> 12) * 7 + 1) & 0xff;
  return out;
}
