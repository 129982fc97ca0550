import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore } from '../../src/state/index.ts';

test('pages never written read as zero, also past the end of the data file but within the size', () => {
  const volume = new MemfsVolume();
  const store = StablePageStore.open(volume, 'stable');
  store.grow(4n);
  store.write(10n, new Uint8Array([1, 2, 3]));
  store.commit();
  // The data file holds the header page and one content page; the memory is 256 KiB.
  const fd = volume.open('stable', 'read');
  assert.is(volume.size(fd), 2 * 4096);
  volume.close(fd);
  const all = new Uint8Array(4 * 65536);
  store.read(0n, all);
  const expected = new Uint8Array(4 * 65536);
  expected.set([1, 2, 3], 10);
  assert.equal(all, expected);
  // Freshly grown (uncommitted) pages read zero as well.
  store.grow(1n);
  const tail = new Uint8Array(65536).fill(7);
  store.read(4n * 65536n, tail);
  assert.ok(tail.every((b) => b === 0));
});

test.run();
