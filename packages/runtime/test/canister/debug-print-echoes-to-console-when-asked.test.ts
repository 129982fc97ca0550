// debug_print goes to the canister log always, and to the console only when the replica is asked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica } from '@mockic/runtime';
import { lifecycleWasm } from './lifecycle-fixture.ts';

test('echo callback receives the canister id and line', async () => {
  const lines: string[] = [];
  const replica = await Replica.create({ debugPrint: (id, line) => lines.push(`${id} ${line}`) });
  const id = await replica.installCanister({ wasm: await lifecycleWasm() });
  assert.equal(lines, [`${id.toText()} init ran`]);
  assert.equal(replica.canister(id).log.lines(), ['init ran']);
});

test('silent by default', async () => {
  const original = console.log;
  const seen: unknown[] = [];
  console.log = (...a: unknown[]) => seen.push(a);
  try {
    const replica = await Replica.create();
    await replica.installCanister({ wasm: await lifecycleWasm() });
  } finally {
    console.log = original;
  }
  assert.equal(seen, []);
});

test.run();
