// Callbacks of inter-canister calls, with a WAT proxy: a reject reaches the reject callback with its
// code and message; a trapping reply callback rolls back and runs the cleanup callback; attached
// cycles move to the callee as far as it accepts them and the rest is refunded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Principal } from '@dfinity/principal';
import { Replica, UserError, ErrorCode, RejectCode } from '@mockic/runtime';
import { watFixture } from '@mockic/fixtures';
import { forwardArg } from '../support/proxy.ts';


async function setup() {
  const replica = await Replica.create({ chargeCycles: false });
  const wasm = await watFixture('proxy');
  const a = await replica.installCanister({ wasm });
  const b = await replica.installCanister({ wasm });
  return { replica, a, b };
}

const counters = async (replica: Replica, id: Principal) => {
  const r = await replica.query(id, 'counters', new Uint8Array());
  const dv = new DataView(r.buffer, r.byteOffset, 8);
  return { cleanups: dv.getInt32(0, true), replies: dv.getInt32(4, true) };
};

test('a reject reaches the reject callback with CANISTER_REJECT and the message', async () => {
  const { replica, a, b } = await setup();
  const r = await replica.update(a, 'forward', forwardArg(b, 0, 0n, 'reject_me'));
  assert.is(r[0], RejectCode.CANISTER_REJECT);
  assert.is(new TextDecoder().decode(r.subarray(1)), 'nope');
});

test('a call to a missing method reaches the reject callback with the callee error', async () => {
  const { replica, a, b } = await setup();
  const r = await replica.update(a, 'forward', forwardArg(b, 0, 0n, 'no_such_method'));
  assert.is(r[0], RejectCode.CANISTER_ERROR);
  assert.match(new TextDecoder().decode(r.subarray(1)), "has no update method 'no_such_method'");
});

test('a trapping reply callback is rolled back; the caller sees the trap', async () => {
  const { replica, a, b } = await setup();
  const e = await replica.update(a, 'forward', forwardArg(b, 1, 0n, 'reject_me')).then(
    () => undefined,
    (x: unknown) => x,
  );
  // reject_me rejects, so the reject callback (which does not trap) answers
  assert.is(e, undefined);
  const e2 = await replica.update(a, 'forward', forwardArg(b, 1, 0n, 'accept_half')).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e2, UserError);
  assert.is((e2 as UserError).code, ErrorCode.CanisterCalledTrap);
  assert.match((e2 as UserError).description, 'reply callback traps');
  assert.equal(await counters(replica, a), { cleanups: 0, replies: 0 });
});

test('with call_on_cleanup the cleanup callback runs and its effects stay', async () => {
  const { replica, a, b } = await setup();
  const e = await replica.update(a, 'forward', forwardArg(b, 2, 0n, 'accept_half')).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  assert.equal(await counters(replica, a), { cleanups: 1, replies: 0 });
});

test('cycles: the callee accepts half, the other half is refunded to the caller', async () => {
  const { replica, a, b } = await setup();
  const before = { a: replica.canister(a).balance, b: replica.canister(b).balance };
  const r = await replica.update(a, 'forward', forwardArg(b, 0, 1_000_000n, 'accept_half'));
  assert.is(new TextDecoder().decode(r.subarray(0, 2)), 'ok');
  const refunded = new DataView(r.buffer, r.byteOffset + 2, 8).getBigUint64(0, true);
  assert.is(refunded, 500_000n);
  const xnet = replica.fees.call(BigInt('accept_half'.length), 0n);
  assert.is(replica.canister(b).balance - before.b, 500_000n);
  assert.is(before.a - replica.canister(a).balance, 500_000n + xnet);
});

test.run();
