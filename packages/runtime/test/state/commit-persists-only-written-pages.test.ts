import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore, PAGE_SIZE } from '../../src/state/index.ts';
import { pattern } from './crashing-volume.ts';

test('commit writes exactly the dirty 4 KiB pages and leaves every other byte of the data file alone', () => {
  const volume = new MemfsVolume();
  const store = StablePageStore.open(volume, 'stable');
  store.grow(16n); // 1 MiB
  store.write(0n, pattern(16 * 65536, 1));
  assert.equal(store.commit(), { pagesWritten: 256 });
  const before = volume.readFile('stable').slice();

  store.write(5n * 4096n + 10n, new Uint8Array([0xaa])); // page 5
  store.write(100n * 4096n - 1n, new Uint8Array([0xbb, 0xcc])); // pages 99 and 100
  assert.is(store.pagesWrittenSinceCommit(), 3);
  assert.equal(store.commit(), { pagesWritten: 3 });

  const after = volume.readFile('stable');
  assert.is(after.length, before.length);
  const changedPages = new Set<number>();
  for (let i = 0; i < after.length; i++) if (after[i] !== before[i]) changedPages.add(Math.floor(i / PAGE_SIZE));
  // File page 0 is the header; content page i is file page i + 1.
  assert.equal([...changedPages].sort((a, b) => a - b), [0, 6, 100, 101]);
  assert.not.ok(volume.exists('stable.journal'));
});

test.run();
