// Cycles through the management canister: deposit_cycles moves the attached cycles to the target,
// provisional_top_up_canister mints them, deposit_cycles is refused for users.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alice, createEmpty, ic, installProxy, rejection, setup, viaProxy } from './management-support.ts';

test('deposit_cycles adds the attached cycles to the target and takes them from the caller', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const id = await createEmpty(replica, alice, { amount: [1_000n] });
  const before = replica.canister(proxy).balance;
  const r = await viaProxy(replica, proxy, 'deposit_cycles', { canister_id: id }, { cycles: 5_000_000n });
  assert.ok('ok' in r && !r.err, r.err);
  assert.is(replica.canister(id).balance, 5_001_000n);
  assert.ok(replica.canister(proxy).balance <= before - 5_000_000n);
});

test('provisional_top_up_canister adds the amount', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice, { amount: [10n] });
  await ic(replica, 'provisional_top_up_canister', { canister_id: id, amount: 90n }, alice);
  const s = await ic(replica, 'canister_status', { canister_id: id }, alice);
  assert.is(s.cycles, 100n);
});

test('deposit_cycles to a canister that does not exist refunds the cycles', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const ghost = replica.createCanister({ controllers: [alice] });
  replica.deleteCanister(ghost);
  const spent = async (cycles: bigint) => {
    const before = replica.canister(proxy).balance;
    const r = await viaProxy(replica, proxy, 'deposit_cycles', { canister_id: ghost }, { cycles });
    assert.match(r.err ?? '', `Canister ${ghost.toText()} not found.`);
    return before - replica.canister(proxy).balance;
  };
  const small = await spent(1n);
  const large = await spent(1_000_000_000_000n);
  // Only execution fees are spent: the attached cycles come back.
  assert.ok(large - small < 1_000_000n, `${large} vs ${small}`);
});

test('a user cannot call deposit_cycles', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const e = await rejection(ic(replica, 'deposit_cycles', { canister_id: id }, alice));
  assert.is(e.description, 'Only canisters can call ic00 method deposit_cycles');
});

test.run();
