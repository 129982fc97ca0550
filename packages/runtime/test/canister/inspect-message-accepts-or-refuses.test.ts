// canister_inspect_message runs in its own context with the method name; a message is accepted
// only if it calls accept_message, and nothing it does is committed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { Replica } from '@mockic/runtime';
import { lifecycleWasm } from './lifecycle-fixture.ts';

test('accepts set_value, refuses methods starting with x', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await lifecycleWasm() });
  const canister = replica.canister(id);
  assert.is(canister.inspect('set_value', new Uint8Array(), Principal.anonymous()).accepted, true);
  assert.is(canister.inspect('xyz', new Uint8Array(), Principal.anonymous()).accepted, false);
});

test.run();
