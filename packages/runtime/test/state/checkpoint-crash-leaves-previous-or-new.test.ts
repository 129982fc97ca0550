import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CanisterCheckpoint, MemfsVolume } from '../../src/state/index.ts';
import { CrashingVolume, SimulatedCrash } from './crashing-volume.ts';

function heapOf(fill: number): Uint8Array {
  return new Uint8Array(65536).fill(fill);
}

test('a crash at any step of writing a checkpoint leaves the previous or the new one, consistently', () => {
  let olds = 0;
  let news = 0;
  for (let at = 0; ; at++) {
    const inner = new MemfsVolume();
    const first = CanisterCheckpoint.open(inner, 'c');
    first.write({ heap: { bytes: heapOf(1), writtenPages: Array.from({ length: 16 }, (_, i) => i) }, globals: [{ type: 'i32', value: 1 }], metadata: { v: 1 } });
    first.close();

    const crashing = new CrashingVolume(inner);
    const cp = CanisterCheckpoint.open(crashing, 'c');
    crashing.ops = 0;
    crashing.crashAt = at;
    let crashed = false;
    try {
      cp.write({ heap: { bytes: heapOf(2), writtenPages: Array.from({ length: 16 }, (_, i) => i) }, globals: [{ type: 'i32', value: 2 }], metadata: { v: 2 } });
    } catch (e) {
      if (!(e instanceof SimulatedCrash)) throw e;
      crashed = true;
    }
    const loaded = CanisterCheckpoint.open(inner, 'c').load<{ v: number }>();
    assert.ok(loaded !== undefined);
    const v = loaded.metadata.v;
    assert.equal(loaded.globals, [{ type: 'i32', value: v }], `step ${at}: globals match metadata`);
    assert.ok(loaded.heap.every((b) => b === v), `step ${at}: heap matches metadata (${v})`);
    if (v === 1) olds++;
    else news++;
    if (!crashed) {
      assert.is(v, 2);
      break;
    }
  }
  assert.ok(olds > 0 && news > 0);
});

test.run();
