// install_code through the management canister: install, upgrade (state kept), reinstall (state reset),
// install on a non-empty canister refused, uninstall_code empties the canister.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motokoFixture } from '@mockic/fixtures';
import { alice, createEmpty, ic, rejection, setup } from './management-support.ts';
import { decodeNat, nat, none } from '../support/candid.ts';

const wasm = () => motokoFixture('counter').wasm;
const install = (mode: unknown, canister_id: unknown) => ({ mode, canister_id, wasm_module: wasm(), arg: new Uint8Array(), sender_canister_version: [] });

test('install_code installs a module whose hash canister_status reports', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'install_code', install({ install: null }, id), alice);
  assert.is(decodeNat(await replica.update(id, 'inc', none(), { sender: alice })), 1n);
  const s = await ic(replica, 'canister_status', { canister_id: id }, alice);
  assert.equal(s.module_hash, [replica.canister(id).moduleHash]);
  assert.is(s.module_hash[0].length, 32);
});

test('upgrade keeps the counter, reinstall resets it', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'install_code', install({ install: null }, id), alice);
  await replica.update(id, 'add', nat(41), { sender: alice });
  await ic(replica, 'install_code', install({ upgrade: [{ skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] }] }, id), alice);
  assert.is(decodeNat(await replica.query(id, 'get', none())), 41n);
  await ic(replica, 'install_code', install({ reinstall: null }, id), alice);
  assert.is(decodeNat(await replica.query(id, 'get', none())), 0n);
});

test('mode install on a canister with code is refused with IC0514', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'install_code', install({ install: null }, id), alice);
  const e = await rejection(ic(replica, 'install_code', install({ install: null }, id), alice));
  assert.is(e.errorCode, 'IC0514');
});

test('uninstall_code removes the module', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'install_code', install({ install: null }, id), alice);
  await ic(replica, 'uninstall_code', { canister_id: id, sender_canister_version: [] }, alice);
  const s = await ic(replica, 'canister_status', { canister_id: id }, alice);
  assert.equal(s.module_hash, []);
  const e = await rejection(replica.update(id, 'inc', none(), { sender: alice }));
  assert.is(e.errorCode, 'IC0537');
});

test.run();
