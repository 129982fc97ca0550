import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore, journalPathOf } from '../../src/state/index.ts';
import { CrashingVolume, SimulatedCrash, pattern } from './crashing-volume.ts';

test('a journal written and synced but never applied is replayed on open', () => {
  const inner = new MemfsVolume();
  const first = StablePageStore.open(inner, 'stable');
  first.grow(1n);
  first.write(0n, pattern(65536, 1));
  first.commit();
  first.close();

  const crashing = new CrashingVolume(inner);
  const store = StablePageStore.open(crashing, 'stable');
  store.grow(2n);
  store.write(60_000n, pattern(20_000, 2));
  crashing.ops = 0;
  crashing.crashAt = 3; // journal: open, write, fsync; then the first in-place write crashes, torn
  assert.throws(() => store.commit(), (e: unknown) => e instanceof SimulatedCrash);
  assert.ok(inner.exists(journalPathOf('stable')));

  const reopened = StablePageStore.open(inner, 'stable');
  assert.is(reopened.sizePages(), 3n);
  const expected = new Uint8Array(3 * 65536);
  expected.set(pattern(65536, 1));
  expected.set(pattern(20_000, 2), 60_000);
  assert.equal(reopened.readAll(), expected);
  assert.not.ok(inner.exists(journalPathOf('stable')));
  // Replaying again (the journal's removal lost in a second crash) changes nothing.
  reopened.close();
  assert.equal(StablePageStore.open(inner, 'stable').readAll(), expected);
});

test.run();
