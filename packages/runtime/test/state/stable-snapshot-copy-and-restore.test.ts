import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore } from '../../src/state/index.ts';
import { pattern } from './crashing-volume.ts';

test('copyTo snapshots the committed state; restoreFrom brings it back and drops pending writes', () => {
  const volume = new MemfsVolume();
  const snapshots = new MemfsVolume();
  const store = StablePageStore.open(volume, 'canister/stable');
  store.grow(2n);
  store.write(0n, pattern(100_000, 1));
  store.commit();
  store.write(0n, new Uint8Array([42])); // pending: not part of the snapshot
  store.copyTo(snapshots, 'snap-1/stable');

  const snap = StablePageStore.open(snapshots, 'snap-1/stable');
  const expected = new Uint8Array(2 * 65536);
  expected.set(pattern(100_000, 1));
  assert.equal(snap.readAll(), expected);
  snap.close();

  store.rollback();
  store.grow(1n);
  store.write(0n, pattern(3 * 65536, 7));
  store.commit();
  store.write(5n, new Uint8Array([1]));
  store.restoreFrom(snapshots, 'snap-1/stable');
  assert.is(store.sizePages(), 2n);
  assert.is(store.pagesWrittenSinceCommit(), 0);
  assert.equal(store.readAll(), expected);
  store.close();
  assert.equal(StablePageStore.open(volume, 'canister/stable').readAll(), expected);
});

test('delete removes the stored stable memory', () => {
  const volume = new MemfsVolume();
  const store = StablePageStore.open(volume, 'stable');
  store.grow(1n);
  store.write(0n, new Uint8Array([1]));
  store.commit();
  store.delete();
  assert.not.ok(volume.exists('stable'));
  assert.is(StablePageStore.open(volume, 'stable').sizePages(), 0n);
});

test.run();
