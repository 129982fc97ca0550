import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore } from '../../src/state/index.ts';
import { pattern } from './crashing-volume.ts';

test('rollback drops the writes and the growth of the message, keeping the committed state', () => {
  const store = StablePageStore.open(new MemfsVolume(), 'stable');
  store.grow(1n);
  store.write(0n, pattern(5000, 1));
  store.commit();
  store.grow(2n);
  store.write(4000n, pattern(100_000, 2));
  assert.is(store.sizePages(), 3n);
  assert.ok(store.pagesWrittenSinceCommit() > 0);
  store.rollback();
  assert.is(store.sizePages(), 1n);
  assert.is(store.pagesWrittenSinceCommit(), 0);
  const back = new Uint8Array(5000);
  store.read(0n, back);
  assert.equal(back, pattern(5000, 1));
  assert.throws(() => store.read(65536n, new Uint8Array(1)), (e: unknown) => e instanceof RangeError);
  // A commit after the rollback writes nothing.
  assert.equal(store.commit(), { pagesWritten: 0 });
});

test.run();
