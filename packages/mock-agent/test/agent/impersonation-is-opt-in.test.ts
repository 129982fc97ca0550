// Impersonation is a test convenience that stays opt-in: a MockAgent created with `impersonate`
// (or switched with setPrincipal) calls as any principal without a key; an interface without
// `allowImpersonation` refuses such unsigned requests like the IC does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { Replica } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';
import { MockAgent, ImpersonatedIdentity, Certifier } from '../../src/index.ts';

const WAT = `(module
  (import "ic0" "msg_caller_size" (func $size (result i32)))
  (import "ic0" "msg_caller_copy" (func $copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func $me (call $copy (i32.const 0) (i32.const 0) (call $size)) (call $append (i32.const 0) (call $size)) (call $reply))
  (func (export "canister_update whoami") (call $me))
  (func (export "canister_query whoami_query") (call $me)))`;

const alice = Principal.fromText('xkbqi-2qaaa-aaaah-qbpqq-cai');
const bob = Principal.fromUint8Array(new Uint8Array([9, 9, 9, 9]));

async function setup() {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT) });
  return { replica, id, certifier: Certifier.create(replica) };
}

test('impersonate: updates and queries arrive with the chosen caller', async () => {
  const { replica, id, certifier } = await setup();
  const agent = await MockAgent.create({ replica, certifier, impersonate: alice });
  const r = await agent.call(id, { methodName: 'whoami', arg: new Uint8Array(), effectiveCanisterId: id });
  assert.ok(r.response.ok);
  const q = await agent.query(id, { methodName: 'whoami_query', arg: new Uint8Array() });
  assert.is(q.status, 'replied');
  if (q.status === 'replied') assert.equal(new Uint8Array(q.reply.arg), alice.toUint8Array());
  agent.setPrincipal(bob);
  const q2 = await agent.query(id, { methodName: 'whoami_query', arg: new Uint8Array() });
  if (q2.status === 'replied') assert.equal(new Uint8Array(q2.reply.arg), bob.toUint8Array());
  else assert.unreachable('query must reply');
});

test('without opting in, an unsigned request for a named principal is refused', async () => {
  const { replica, id, certifier } = await setup();
  const agent = await MockAgent.create({ replica, certifier, identity: new ImpersonatedIdentity(alice) });
  const e = await agent.query(id, { methodName: 'whoami_query', arg: new Uint8Array() }).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(e instanceof Error, 'refused');
});

test.run();
