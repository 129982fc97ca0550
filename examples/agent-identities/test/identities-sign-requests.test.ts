// The identities of @dfinity/identity (Ed25519, ECDSA P-256, secp256k1, delegations) sign requests
// that HttpAgent sends to an in-process replica through replica.fetch; the canister sees the
// identity's principal, and an expired delegation is refused. This example has its own
// @noble/curves 1.x, which @dfinity/identity 3.x needs as a peer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpAgent, type Identity } from '@dfinity/agent';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Replica } from '@mockic/runtime';
import { Certifier, createReplicaFetch } from '@mockic/mock-agent';
import { compileWat } from '@mockic/fixtures';

const WAT = `(module
  (import "ic0" "msg_caller_size" (func $size (result i32)))
  (import "ic0" "msg_caller_copy" (func $copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_update whoami")
    (call $copy (i32.const 0) (i32.const 0) (call $size)) (call $append (i32.const 0) (call $size)) (call $reply)))`;

const replica = await Replica.create({ time: BigInt(Date.now()) * 1_000_000n });
const certifier = Certifier.create(replica);
const fetch = createReplicaFetch(replica, certifier);
const canisterId = await replica.installCanister({ wasm: await compileWat(WAT) });

async function whoami(identity: Identity): Promise<Uint8Array> {
  const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, identity, shouldFetchRootKey: true });
  const { response } = await agent.call(canisterId, { methodName: 'whoami', arg: new Uint8Array(), effectiveCanisterId: canisterId });
  assert.ok(response.ok, `HTTP ${response.status}`);
  const rec = [...replica.ingress.all()].at(-1);
  assert.is(rec?.state.status, 'replied');
  return rec?.state.status === 'replied' ? rec.state.reply : new Uint8Array();
}

test('Ed25519KeyIdentity', async () => {
  const id = Ed25519KeyIdentity.generate();
  assert.equal(await whoami(id), id.getPrincipal().toUint8Array());
});

test('ECDSAKeyIdentity (P-256)', async () => {
  const id = await ECDSAKeyIdentity.generate();
  assert.equal(await whoami(id), id.getPrincipal().toUint8Array());
});

test('Secp256k1KeyIdentity', async () => {
  const id = Secp256k1KeyIdentity.generate();
  assert.equal(await whoami(id), id.getPrincipal().toUint8Array());
});

test('DelegationIdentity: the session key acts for the delegating principal', async () => {
  const root = Ed25519KeyIdentity.generate();
  const session = Ed25519KeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 60_000), { targets: [canisterId] });
  const id = DelegationIdentity.fromDelegation(session, chain);
  assert.equal(await whoami(id), root.getPrincipal().toUint8Array());
});

test('an expired delegation is refused', async () => {
  const root = Ed25519KeyIdentity.generate();
  const session = Ed25519KeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() - 60_000));
  const id = DelegationIdentity.fromDelegation(session, chain);
  const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, identity: id, shouldFetchRootKey: true, retryTimes: 0 });
  const e = await agent.call(canisterId, { methodName: 'whoami', arg: new Uint8Array(), effectiveCanisterId: canisterId }).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(e instanceof Error);
  assert.match(String((e as Error).message), 'xpir');
});

test.run();
