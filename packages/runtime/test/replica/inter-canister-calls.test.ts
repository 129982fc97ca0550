// Inter-canister calls between real Motoko canisters: an update chain, a trap in the callee seen as
// a reject by the caller (whose state before the await stays), a call to a missing canister, and
// the order of calls between a pair of canisters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { Replica, UserError, RejectCode } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { args, decode, decodeNat, IDL, none } from '../support/candid.ts';

async function pair() {
  const replica = await Replica.create();
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const callee = await replica.installCanister({ wasm: motokoFixture('callee').wasm });
  return { replica, caller, callee };
}

test('an update calls an update on another canister and returns its reply', async () => {
  const { replica, caller, callee } = await pair();
  const r = await replica.update(caller, 'callAdd', args([IDL.Principal, IDL.Nat], [callee, 5n]));
  assert.is(decodeNat(r), 5n);
  assert.is(decodeNat(await replica.update(caller, 'callAdd', args([IDL.Principal, IDL.Nat], [callee, 7n]))), 12n);
  assert.is(decodeNat(await replica.query(callee, 'peek', none())), 12n);
  assert.is(decodeNat(await replica.query(caller, 'callCount', none())), 2n);
});

test('a trap in the callee reaches the caller as a reject; the caller keeps its state', async () => {
  const { replica, caller, callee } = await pair();
  const r = await replica.update(caller, 'callFail', args([IDL.Principal, IDL.Text], [callee, 'boom']));
  const message = decode([IDL.Text], r)[0] as string;
  assert.match(message, "Canister called `ic0.trap` with message: 'boom'");
  assert.is(decodeNat(await replica.query(caller, 'callCount', none())), 1n);
  assert.is(decode([IDL.Text], await replica.query(caller, 'lastErrorMessage', none()))[0], message);
  // the callee's own state rolled back: its call counter did not move
  assert.is(decodeNat(await replica.query(callee, 'callCount', none())), 0n);
});

test('a call to a canister that does not exist is rejected', async () => {
  const { replica, caller } = await pair();
  const ghost = Principal.fromText('aaaaa-aa') && Principal.fromUint8Array(new Uint8Array([0x80, 0, 0, 0, 0, 0x1f, 0xff, 0xfe, 1, 1]));
  const e = await replica.update(caller, 'callAdd', args([IDL.Principal, IDL.Nat], [ghost, 1n])).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  assert.is((e as UserError).rejectCode, RejectCode.CANISTER_REJECT);
  assert.match((e as UserError).description, 'not found');
});

test('calls from one canister to another arrive in the order they were made', async () => {
  const { replica, caller, callee } = await pair();
  const ids = [];
  for (let i = 1; i <= 20; i++) ids.push(replica.submitIngress(caller, 'callAdd', args([IDL.Principal, IDL.Nat], [callee, BigInt(i)])));
  replica.tick();
  let expected = 0n;
  for (let i = 1; i <= 20; i++) {
    expected += BigInt(i);
    const rec = replica.ingressStatus(ids[i - 1] as string);
    assert.is(rec?.state.status, 'replied');
    if (rec?.state.status === 'replied') assert.is(decodeNat(rec.state.reply), expected);
  }
});

test.run();
