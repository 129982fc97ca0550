// Heartbeat and global timer are system tasks: they run their export in context T, commit their
// effects, and answer nobody.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica } from '@mockic/runtime';
import { lifecycleWasm } from './lifecycle-fixture.ts';

const i32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

test('three heartbeats and one timer are counted', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await lifecycleWasm() });
  const c = replica.canister(id);
  for (let i = 0; i < 3; i++) assert.equal(c.runSystemTask('canister_heartbeat').responses, []);
  c.runSystemTask('canister_global_timer');
  assert.is(i32(await replica.query(id, 'beats', new Uint8Array())), 3);
  assert.is(i32(await replica.query(id, 'timers', new Uint8Array())), 1);
});

test('a canister without the export ignores the task', async () => {
  const replica = await Replica.create();
  const { compileWat } = await import('@mockic/fixtures');
  const id = await replica.installCanister({ wasm: await compileWat('(module (memory 1))') });
  const out = replica.canister(id).runSystemTask('canister_heartbeat');
  assert.is(out.instructions, 0n);
});

test.run();
