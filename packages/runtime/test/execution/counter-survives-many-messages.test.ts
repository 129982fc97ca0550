// Orthogonal persistence: a Motoko counter keeps its heap state across many update messages, and
// queries see the committed state without changing it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { decodeNat, nat, none } from '../support/candid.ts';

test('500 updates each see the previous one; queries do not commit', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('counter').wasm });
  for (let i = 1; i <= 500; i++) {
    assert.is(decodeNat(await replica.update(id, 'inc', none())), BigInt(i));
  }
  assert.is(decodeNat(await replica.update(id, 'add', nat(1000))), 1500n);
  assert.is(decodeNat(await replica.query(id, 'get', none())), 1500n);
  assert.is(decodeNat(await replica.query(id, 'get', none())), 1500n);
});

test('two canisters from one module keep separate state', async () => {
  const replica = await Replica.create();
  const wasm = motokoFixture('counter').wasm;
  const a = await replica.installCanister({ wasm });
  const b = await replica.installCanister({ wasm });
  await replica.update(a, 'add', nat(5));
  await replica.update(b, 'add', nat(7));
  assert.is(decodeNat(await replica.query(a, 'get', none())), 5n);
  assert.is(decodeNat(await replica.query(b, 'get', none())), 7n);
});

test.run();
