import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore, MAX_STABLE_MEMORY_PAGES } from '../../src/state/index.ts';

test('the default limit is the IC stable memory limit of 500 GiB', () => {
  assert.is(MAX_STABLE_MEMORY_PAGES, 8_192_000n);
  assert.is(MAX_STABLE_MEMORY_PAGES * 65536n, 500n * 1024n ** 3n);
  const store = StablePageStore.open(new MemfsVolume(), 'stable');
  assert.is(store.grow(MAX_STABLE_MEMORY_PAGES + 1n), -1n);
  assert.is(store.grow(MAX_STABLE_MEMORY_PAGES), 0n); // growing is free: nothing is allocated
  assert.is(store.grow(1n), -1n);
  assert.is(store.sizePages(), MAX_STABLE_MEMORY_PAGES);
});

test('growth beyond a configured maximum returns -1n and leaves the size unchanged', () => {
  const store = StablePageStore.open(new MemfsVolume(), 'stable', { maxPages: 10n });
  assert.is(store.grow(4n), 0n);
  assert.is(store.grow(7n), -1n);
  assert.is(store.sizePages(), 4n);
  assert.is(store.grow(6n), 4n);
  assert.is(store.grow(0n), 10n);
  assert.is(store.grow(1n), -1n);
});

test.run();
