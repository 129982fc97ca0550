// Installing a JS canister again: an upgrade keeps the committed state (postUpgrade may migrate
// it) and changes the module hash when the code changes; a reinstall starts from state().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Replica, defineCanister } from '@mockic/runtime';
import { query, update } from './support.ts';

const v1 = defineCanister({
  candid: 'service : { inc : () -> (nat); get : () -> (nat) query }',
  state: () => ({ count: 0n }),
  methods: { inc: ({ state }) => ++state.count, get: ({ state }) => state.count },
});
const v2 = defineCanister({
  candid: 'service : { inc : () -> (nat); get : () -> (nat) query }',
  state: () => ({ count: 0n }),
  postUpgrade: ({ state }) => {
    state.count *= 10n;
  },
  methods: { inc: ({ state }) => (state.count += 2n), get: ({ state }) => state.count },
});

test('upgrade keeps state, reinstall resets it', async () => {
  const replica = await Replica.create();
  const id = await replica.installJsCanister(v1);
  const hash1 = replica.canister(id).moduleHash;
  await update(replica, id, 'inc');
  await update(replica, id, 'inc');
  await replica.installJsCanister(v2, { canisterId: id, mode: 'upgrade' });
  assert.is(await query(replica, id, 'get', [], { rets: [IDL.Nat] }), 20n);
  assert.is(await update(replica, id, 'inc', [], { rets: [IDL.Nat] }), 22n);
  assert.not.equal(replica.canister(id).moduleHash, hash1);
  await replica.installJsCanister(v1, { canisterId: id, mode: 'reinstall' });
  assert.is(await query(replica, id, 'get', [], { rets: [IDL.Nat] }), 0n);
  assert.equal(replica.canister(id).moduleHash, hash1);
});

test.run();
