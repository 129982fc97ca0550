// canister_info (callable by canisters only): total number of changes, the most recent ones with
// their origin and details (creation, code deployment, controllers change, uninstall), module hash
// and controllers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motokoFixture } from '@mockic/fixtures';
import { alice, bob, createEmpty, ic, installProxy, rejection, settings, setup, viaProxy } from './management-support.ts';

test('canister_info lists creation, deployment, controllers change and uninstall in order', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const id = await createEmpty(replica, alice);
  const wasm = motokoFixture('counter').wasm;
  await ic(replica, 'install_code', { mode: { install: null }, canister_id: id, wasm_module: wasm, arg: new Uint8Array(), sender_canister_version: [] }, alice);
  await ic(replica, 'update_settings', { canister_id: id, settings: settings({ controllers: [[alice, bob]] }), sender_canister_version: [] }, alice);
  await ic(replica, 'uninstall_code', { canister_id: id, sender_canister_version: [] }, bob);
  const r = await viaProxy(replica, proxy, 'canister_info', { canister_id: id, num_requested_changes: [10n] });
  assert.ok(r.ok, r.err);
  const info = r.ok;
  assert.is(info.total_num_changes, 4n);
  assert.equal(
    info.recent_changes.map((c: { details: object }) => Object.keys(c.details)[0]),
    ['creation', 'code_deployment', 'controllers_change', 'code_uninstall'],
  );
  assert.equal(info.recent_changes[0].origin, { from_user: { user_id: alice } });
  assert.equal(info.recent_changes[1].details.code_deployment.mode, { install: null });
  assert.is(info.recent_changes[1].details.code_deployment.module_hash.length, 32);
  assert.equal(info.recent_changes[3].origin, { from_user: { user_id: bob } });
  const versions = info.recent_changes.map((c: { canister_version: bigint }) => c.canister_version);
  assert.equal(versions, [...versions].sort((a: bigint, b: bigint) => (a < b ? -1 : 1)));
  assert.equal(info.module_hash, []);
  assert.is(info.controllers.length, 2);
});

test('num_requested_changes limits the changes returned; the total still counts all', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const id = await createEmpty(replica, alice);
  for (let i = 0; i < 3; i++) {
    await ic(replica, 'update_settings', { canister_id: id, settings: settings({ controllers: [[alice]] }), sender_canister_version: [] }, alice);
  }
  const r = await viaProxy(replica, proxy, 'canister_info', { canister_id: id, num_requested_changes: [2n] });
  assert.is(r.ok.total_num_changes, 4n);
  assert.is(r.ok.recent_changes.length, 2);
});

test('changes made by a canister name it as the origin', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const r = await viaProxy(replica, proxy, 'provisional_create_canister_with_cycles', { amount: [], settings: [], specified_id: [], sender_canister_version: [] });
  const child = r.ok.canister_id;
  const info = await viaProxy(replica, proxy, 'canister_info', { canister_id: child, num_requested_changes: [1n] });
  assert.equal(info.ok.recent_changes[0].origin, { from_canister: { canister_id: proxy, canister_version: [] } });
});

test('a user cannot call canister_info', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const e = await rejection(ic(replica, 'canister_info', { canister_id: id, num_requested_changes: [] }, alice));
  assert.is(e.description, 'Only canisters can call ic00 method canister_info');
});

test.run();
