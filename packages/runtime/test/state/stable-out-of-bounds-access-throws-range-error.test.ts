import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore } from '../../src/state/index.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

test('reads and writes past the size, or at a negative offset, throw RangeError and change nothing', () => {
  const store = StablePageStore.open(new MemfsVolume(), 'stable');
  assert.throws(() => store.read(0n, new Uint8Array(1)), isRangeError);
  store.grow(1n);
  store.write(65535n, new Uint8Array([5]));
  assert.throws(() => store.write(65535n, new Uint8Array([1, 2])), isRangeError);
  assert.throws(() => store.read(65530n, new Uint8Array(7)), isRangeError);
  assert.throws(() => store.write(-1n, new Uint8Array(1)), isRangeError);
  assert.throws(() => store.read(2n ** 64n, new Uint8Array(1)), isRangeError);
  assert.is(store.pagesWrittenSinceCommit(), 1);
  const last = new Uint8Array(1);
  store.read(65535n, last);
  assert.is(last[0], 5);
  // Zero-length accesses at the end are in bounds.
  store.read(65536n, new Uint8Array(0));
});

test.run();
