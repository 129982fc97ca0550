// Requests the management canister cannot serve: an undecodable payload (IC0408), an unknown method
// (IC0536), a method implemented elsewhere that was not registered, and a registered one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alice, installProxy, MGMT, rejection, setup, viaProxy, IDL } from './management-support.ts';

test('a payload that is not valid Candid is refused with IC0408', async () => {
  const { replica } = await setup();
  const e = await rejection(replica.update(MGMT, 'canister_status', new Uint8Array([1, 2, 3]), { sender: alice }));
  assert.is(e.errorCode, 'IC0408');
  assert.match(e.description, 'Error decoding candid: ');
});

test('an unknown method is refused with IC0536', async () => {
  const { replica } = await setup();
  const e = await rejection(replica.update(MGMT, 'start', new Uint8Array(IDL.encode([], [])), { sender: alice }));
  assert.is(e.errorCode, 'IC0536');
  assert.is(e.description, "Management canister has no method 'start'");
});

test('a method served by another module is registered with register()', async () => {
  const { replica, management } = await setup();
  const proxy = await installProxy(replica, alice);
  const before = await viaProxy(replica, proxy, 'http_request', undefined);
  assert.match(before.err ?? '', 'not implemented yet');
  management.register('http_request', (call) => call.reply(new Uint8Array([7])));
  const after = await viaProxy(replica, proxy, 'http_request', undefined);
  assert.equal(after.ok, new Uint8Array([7]));
});

test.run();
