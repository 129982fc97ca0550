import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore } from '../../src/state/index.ts';
import { pattern } from './crashing-volume.ts';

test('a write spanning several 4 KiB and 64 KiB page boundaries reads back exactly, before and after commit', () => {
  const store = StablePageStore.open(new MemfsVolume(), 'stable');
  assert.is(store.grow(3n), 0n);
  const data = pattern(70_000, 1);
  const offset = 65536n - 1234n; // starts mid 4 KiB page, crosses the first Wasm page boundary
  store.write(offset, data);
  const before = new Uint8Array(data.length);
  store.read(offset, before);
  assert.equal(before, data);
  store.commit();
  const after = new Uint8Array(data.length);
  store.read(offset, after);
  assert.equal(after, data);
  // A read straddling written and unwritten bytes sees both.
  const edge = new Uint8Array(10);
  store.read(offset - 5n, edge);
  assert.equal(edge, new Uint8Array([0, 0, 0, 0, 0, ...data.subarray(0, 5)]));
});

test('small writes inside one page keep the rest of the committed page', () => {
  const store = StablePageStore.open(new MemfsVolume(), 'stable');
  store.grow(1n);
  store.write(0n, pattern(4096, 2));
  store.commit();
  store.write(100n, new Uint8Array([9, 9, 9]));
  const page = new Uint8Array(4096);
  store.read(0n, page);
  const expected = pattern(4096, 2);
  expected.set([9, 9, 9], 100);
  assert.equal(page, expected);
});

test.run();
