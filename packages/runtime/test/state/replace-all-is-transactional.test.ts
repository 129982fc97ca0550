import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore } from '../../src/state/index.ts';
import { pattern } from './crashing-volume.ts';

test('replaceAll hides the old content at once, is dropped by rollback and persisted by commit', () => {
  const volume = new MemfsVolume();
  const store = StablePageStore.open(volume, 'stable');
  store.grow(3n);
  store.write(0n, pattern(3 * 65536, 1));
  store.commit();

  store.replaceAll(pattern(70_000, 2));
  assert.is(store.sizePages(), 2n);
  const expected = new Uint8Array(2 * 65536);
  expected.set(pattern(70_000, 2));
  assert.equal(store.readAll(), expected);
  store.rollback();
  assert.equal(store.readAll(), pattern(3 * 65536, 1));

  store.replaceAll(pattern(70_000, 2));
  store.commit();
  store.close();
  assert.equal(StablePageStore.open(volume, 'stable').readAll(), expected);
});

test('replaceAll with no bytes empties stable memory', () => {
  const store = StablePageStore.open(new MemfsVolume(), 'stable');
  store.grow(1n);
  store.write(0n, new Uint8Array([1]));
  store.commit();
  store.replaceAll(new Uint8Array(0));
  store.commit();
  assert.is(store.sizePages(), 0n);
  store.grow(1n);
  assert.ok(store.readAll().every((b) => b === 0));
});

test.run();
