// Only controllers may manage a canister: a user who is not a controller is refused by the ingress
// filter (IC0512), a canister that is not a controller gets the canister manager's IC0512 with the
// controllers listed; controllers succeed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motokoFixture } from '@mockic/fixtures';
import { alice, bob, createEmpty, ic, installProxy, rejection, setup, viaProxy } from './management-support.ts';

test('a user who is not a controller cannot install code (ingress filter, IC0512)', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const e = await rejection(
    ic(replica, 'install_code', { mode: { install: null }, canister_id: id, wasm_module: motokoFixture('counter').wasm, arg: new Uint8Array(), sender_canister_version: [] }, bob),
  );
  assert.is(e.errorCode, 'IC0512');
  assert.is(e.description, `Only controllers of canister ${id.toText()} can call ic00 method install_code`);
});

test('a user who is not a controller cannot read the canister status', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const e = await rejection(ic(replica, 'canister_status', { canister_id: id }, bob));
  assert.is(e.errorCode, 'IC0512');
});

test('a canister that is not a controller gets the replica error naming the controllers', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const id = await createEmpty(replica, alice);
  const r = await viaProxy(replica, proxy, 'stop_canister', { canister_id: id });
  assert.is(
    r.err,
    `Only the controllers of the canister ${id.toText()} can control it.\nCanister's controllers: ${alice.toText()}\nSender's ID: ${proxy.toText()}\n` +
      'Execute this call from a controller of the target canister or add the current caller as a controller. See documentation: http://internetcomputer.org/docs/current/references/execution-errors#invalid-controller',
  );
});

test('a controlling canister may manage the canister', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const id = await createEmpty(replica, alice, { settings: [{ controllers: [[alice, proxy]], compute_allocation: [], memory_allocation: [], freezing_threshold: [], reserved_cycles_limit: [], log_visibility: [], wasm_memory_limit: [], wasm_memory_threshold: [], environment_variables: [] }] });
  const r = await viaProxy(replica, proxy, 'canister_status', { canister_id: id });
  assert.ok(r.ok, r.err);
  assert.equal(Object.keys(r.ok.status), ['running']);
});

test('a user request about a canister that does not exist is refused with IC0301', async () => {
  const { replica } = await setup();
  const ghost = replica.createCanister({ controllers: [alice] });
  replica.deleteCanister(ghost);
  const e = await rejection(ic(replica, 'start_canister', { canister_id: ghost }, alice));
  assert.is(e.errorCode, 'IC0301');
  assert.is(e.description, `Canister ${ghost.toText()} not found`);
});

test.run();
