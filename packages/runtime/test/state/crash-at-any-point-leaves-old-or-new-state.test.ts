import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemfsVolume, StablePageStore } from '../../src/state/index.ts';
import { CrashingVolume, SimulatedCrash, pattern } from './crashing-volume.ts';

// Old state: 2 Wasm pages of pattern 1. New state: 3 pages, with scattered page writes of pattern 2.
function oldState(): Uint8Array {
  return pattern(2 * 65536, 1).slice();
}
function newState(): Uint8Array {
  const s = new Uint8Array(3 * 65536);
  s.set(pattern(2 * 65536, 1));
  s.set(pattern(10_000, 2), 3000);
  s.set(pattern(5000, 3), 100_000);
  s.set(pattern(4096, 4), 2 * 65536 + 4096);
  return s;
}

function run(crashAt: number, torn: number): { sawCrash: boolean; state: Uint8Array } {
  const inner = new MemfsVolume();
  const setup = StablePageStore.open(inner, 'stable');
  setup.grow(2n);
  setup.write(0n, oldState());
  setup.commit();
  setup.close();

  const crashing = new CrashingVolume(inner);
  const store = StablePageStore.open(crashing, 'stable');
  store.grow(1n);
  store.write(3000n, pattern(10_000, 2));
  store.write(100_000n, pattern(5000, 3));
  store.write(2n * 65536n + 4096n, pattern(4096, 4));
  crashing.ops = 0;
  crashing.crashAt = crashAt;
  crashing.tornFraction = torn;
  let sawCrash = false;
  try {
    store.commit();
  } catch (e) {
    if (!(e instanceof SimulatedCrash)) throw e;
    sawCrash = true;
  }
  return { sawCrash, state: StablePageStore.open(inner, 'stable').readAll() };
}

test('a crash at every mutating step of a commit leaves exactly the old or exactly the new state', () => {
  const old = oldState();
  const neu = newState();
  let olds = 0;
  let news = 0;
  for (const torn of [0, 0.5, 0.999]) {
    for (let at = 0; ; at++) {
      const { sawCrash, state } = run(at, torn);
      const isOld = state.length === old.length && state.every((b, i) => b === old[i]);
      const isNew = state.length === neu.length && state.every((b, i) => b === neu[i]);
      assert.ok(isOld || isNew, `crash at step ${at} (torn ${torn}) left a mixed state`);
      if (isOld) olds++;
      if (isNew) news++;
      if (!sawCrash) {
        assert.ok(isNew);
        break;
      }
    }
  }
  assert.ok(olds > 0 && news > 0, 'both outcomes were exercised');
});

test.run();
