// delete_canister: only a stopped canister can be deleted; its cycles are gone with it; a canister
// cannot delete itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alice, createEmpty, ic, installProxy, rejection, settings, setup, viaProxy } from './management-support.ts';

test('deleting a running canister is refused with IC0510', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const e = await rejection(ic(replica, 'delete_canister', { canister_id: id }, alice));
  assert.is(e.errorCode, 'IC0510');
  assert.match(e.description, `Canister ${id.toText()} must be stopped before it is deleted.`);
});

test('a stopped canister is deleted and no longer exists', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'stop_canister', { canister_id: id }, alice);
  await ic(replica, 'delete_canister', { canister_id: id }, alice);
  assert.is(replica.findCanister(id), undefined);
  const e = await rejection(ic(replica, 'canister_status', { canister_id: id }, alice));
  assert.is(e.errorCode, 'IC0301');
});

test('a canister cannot delete itself', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  await ic(replica, 'update_settings', { canister_id: proxy, settings: settings({ controllers: [[alice, proxy]] }), sender_canister_version: [] }, alice);
  const r = await viaProxy(replica, proxy, 'delete_canister', { canister_id: proxy });
  assert.match(r.err ?? '', `Canister ${proxy.toText()} cannot delete itself.`);
});

test.run();
