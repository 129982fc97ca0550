// performance_counter(0) in a WAT loop of 1000 iterations grows by at least the loop's instructions
// (about 5 per iteration after the IC cost model) and by less than 100 per iteration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica } from '@mockic/runtime';
import { lifecycleWasm } from './lifecycle-fixture.ts';

test('1000 iterations', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await lifecycleWasm() });
  const r = await replica.query(id, 'perf', new Uint8Array());
  const dv = new DataView(r.buffer, r.byteOffset, 16);
  const before = dv.getBigUint64(0, true);
  const after = dv.getBigUint64(8, true);
  assert.ok(before > 0n);
  const delta = after - before;
  assert.ok(delta >= 5_000n && delta < 100_000n, `delta ${delta}`);
});

test.run();
