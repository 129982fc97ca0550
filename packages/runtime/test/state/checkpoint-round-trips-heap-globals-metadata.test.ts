import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CanisterCheckpoint, DirectoryVolume, MemfsVolume, type CheckpointGlobal } from '../../src/state/index.ts';

const globals: CheckpointGlobal[] = [
  { type: 'i32', value: -123456 },
  { type: 'i64', value: -(2n ** 63n) + 5n },
  { type: 'f32', value: Math.fround(3.14159) },
  { type: 'f64', value: -0 },
  { type: 'f64', value: Number.NaN },
  { type: 'f64', value: 1e308 },
  { type: 'v128', value: new Uint8Array(16).map((_, i) => i * 3) },
];

test('heap pages, i32/i64/f32/f64/v128 globals and metadata survive a checkpoint and a reopen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-ckpt-'));
  try {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const heap = new Uint8Array(memory.buffer);
    heap.set([1, 2, 3], 0);
    heap.set([4, 5, 6], 70_000);
    const cp = CanisterCheckpoint.open(new DirectoryVolume(dir), 'canisters/abc');
    assert.not.ok(cp.exists());
    const r = cp.write({ heap: { bytes: heap, writtenPages: [0, Math.floor(70_000 / 4096)] }, globals, metadata: { name: 'counter', n: 3, tags: ['a'] } });
    assert.equal(r, { pagesWritten: 2, generation: 1n });
    cp.close();

    const again = CanisterCheckpoint.open(new DirectoryVolume(dir), 'canisters/abc');
    const fresh = new WebAssembly.Memory({ initial: 2 });
    const into = new Uint8Array(fresh.buffer);
    const loaded = again.load<{ name: string; n: number; tags: string[] }>(into);
    assert.ok(loaded !== undefined);
    assert.equal(into, heap);
    assert.is(loaded.heap.length, 2 * 65536);
    assert.equal(loaded.metadata, { name: 'counter', n: 3, tags: ['a'] });
    assert.is(loaded.generation, 1n);
    assert.is(loaded.globals.length, globals.length);
    assert.equal(loaded.globals[0], globals[0]);
    assert.equal(loaded.globals[1], globals[1]);
    assert.equal(loaded.globals[2], globals[2]);
    assert.ok(Object.is(loaded.globals[3]?.value, -0));
    assert.ok(Number.isNaN(loaded.globals[4]?.value));
    assert.equal(loaded.globals[5], globals[5]);
    assert.equal(loaded.globals[6], globals[6]);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second checkpoint writes only the pages written since the first; load without a target copies', () => {
  const volume = new MemfsVolume();
  const heap = new Uint8Array(4 * 65536).map((_, i) => i & 0xff);
  const cp = CanisterCheckpoint.open(volume, 'c');
  const all = Array.from({ length: 64 }, (_, i) => i);
  assert.is(cp.write({ heap: { bytes: heap, writtenPages: all }, globals: [], metadata: null }).pagesWritten, 64);
  heap[10 * 4096 + 1] = 0xee;
  const second = cp.write({ heap: { bytes: heap, writtenPages: [10] }, globals: [{ type: 'i32', value: 1 }], metadata: { v: 2 } });
  assert.equal(second, { pagesWritten: 1, generation: 2n });
  const loaded = CanisterCheckpoint.open(volume, 'c').load();
  assert.ok(loaded !== undefined);
  assert.equal(loaded.heap, heap);
  assert.equal(loaded.globals, [{ type: 'i32', value: 1 }]);
  assert.equal(loaded.metadata, { v: 2 });
});

test.run();
