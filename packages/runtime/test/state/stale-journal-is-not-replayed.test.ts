import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore, journalPathOf } from '../../src/state/index.ts';
import { CrashingVolume, SimulatedCrash } from './crashing-volume.ts';

test('a valid journal of an older commit (its deletion lost) is not replayed over newer commits', () => {
  const inner = new MemfsVolume();
  const crashing = new CrashingVolume(inner);
  const store = StablePageStore.open(crashing, 'stable');
  store.grow(1n);
  store.write(0n, new Uint8Array([1]));
  const logStart = crashing.log.length;
  store.commit();
  const unlinkStep = crashing.log.slice(logStart).findIndex((op) => op.startsWith('unlink'));
  assert.ok(unlinkStep > 0);

  // Commit 2, crashing at the journal's removal: the data file is complete, the journal left behind.
  store.write(0n, new Uint8Array([2]));
  crashing.ops = 0;
  crashing.crashAt = unlinkStep;
  assert.throws(() => store.commit(), (e: unknown) => e instanceof SimulatedCrash);
  const journal2 = inner.readFile(journalPathOf('stable')).slice();

  // Reopen (replays commit 2 idempotently), then commit 3 normally.
  const reopened = StablePageStore.open(inner, 'stable');
  reopened.write(0n, new Uint8Array([3]));
  reopened.commit();
  reopened.close();

  // Commit 2's journal reappears (e.g. its unlink never reached the disk): it must be ignored.
  inner.writeFile(journalPathOf('stable'), journal2);
  const last = StablePageStore.open(inner, 'stable');
  const b = new Uint8Array(1);
  last.read(0n, b);
  assert.is(b[0], 3);
});

test.run();
