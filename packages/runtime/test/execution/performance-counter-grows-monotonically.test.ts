// performance_counter(0) reports the instructions the message executed so far: it grows with the
// work done, monotonically, and a message with more work reports more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { decode, IDL, nat } from '../support/candid.ts';

async function around(n: number): Promise<[bigint, bigint]> {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('long-loop').wasm });
  return decode([IDL.Nat64, IDL.Nat64], await replica.query(id, 'counterAround', nat(n))) as [bigint, bigint];
}

test('after > before > 0 within one message', async () => {
  const [before, after] = await around(1000);
  assert.ok(before > 0n, `before = ${before}`);
  assert.ok(after > before, `${after} > ${before}`);
});

test('the counted work grows linearly with the iterations', async () => {
  const [b1, a1] = await around(10_000);
  const [b2, a2] = await around(20_000);
  const d1 = a1 - b1;
  const d2 = a2 - b2;
  const ratio = Number(d2) / Number(d1);
  assert.ok(ratio > 1.8 && ratio < 2.2, `ratio ${ratio} (${d1} vs ${d2})`);
});

test.run();
