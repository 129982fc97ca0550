import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore, journalPathOf } from '../../src/state/index.ts';
import { CrashingVolume, SimulatedCrash, pattern } from './crashing-volume.ts';

function committedA(volume: MemfsVolume): void {
  const store = StablePageStore.open(volume, 'stable');
  store.grow(2n);
  store.write(0n, pattern(2 * 65536, 1));
  store.commit();
  store.close();
}

test('a crash half way through writing the journal leaves the old state, and the journal is removed', () => {
  const inner = new MemfsVolume();
  committedA(inner);
  const crashing = new CrashingVolume(inner);
  const store = StablePageStore.open(crashing, 'stable');
  store.grow(1n);
  store.write(4096n, pattern(8192, 2));
  crashing.ops = 0;
  crashing.crashAt = 1; // op 0 opens the journal, op 1 writes it (half of it)
  assert.throws(() => store.commit(), (e: unknown) => e instanceof SimulatedCrash);
  assert.ok(inner.exists(journalPathOf('stable')));

  const reopened = StablePageStore.open(inner, 'stable');
  assert.is(reopened.sizePages(), 2n);
  assert.equal(reopened.readAll(), pattern(2 * 65536, 1));
  assert.not.ok(inner.exists(journalPathOf('stable')));
});

test('a complete journal cut short by a few bytes is discarded', () => {
  const inner = new MemfsVolume();
  committedA(inner);
  const crashing = new CrashingVolume(inner);
  const store = StablePageStore.open(crashing, 'stable');
  store.write(0n, pattern(3 * 4096, 9));
  crashing.ops = 0;
  crashing.crashAt = 3; // open, write, fsync of the journal done; crash on the first data-file write
  crashing.tornFraction = 0; // ... before any byte of it lands
  assert.throws(() => store.commit(), (e: unknown) => e instanceof SimulatedCrash);
  const journal = inner.readFile(journalPathOf('stable'));
  inner.writeFile(journalPathOf('stable'), journal.subarray(0, journal.length - 3));

  const reopened = StablePageStore.open(inner, 'stable');
  assert.equal(reopened.readAll(), pattern(2 * 65536, 1));
});

test.run();
