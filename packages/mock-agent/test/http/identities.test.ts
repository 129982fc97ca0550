// Signed requests from every key type agents use, checked by the replica's ingress validation:
// Ed25519, secp256k1, ECDSA P-256 (WebCrypto), and delegation chains (valid, expired, wrong target).
// Identities come from @icp-sdk/core: @dfinity/identity 3.4.3 cannot load next to @noble/curves 2
// (its peer is ^1.9), and the envelope format is the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, ProtocolError, HttpErrorCode, type Identity } from '@dfinity/agent';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { Principal as SdkPrincipal } from '@icp-sdk/core/principal';
import { createReplicaFetch } from '../../src/http/replica-fetch.ts';
import { counterIdl, world } from './setup.ts';

const w = await world();
const fetch = createReplicaFetch(w.replica, w.certifier);

async function counterAs(identity: Identity) {
  const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, identity, shouldFetchRootKey: true, retryTimes: 0 });
  return Actor.createActor(counterIdl, { agent, canisterId: w.counter });
}

function lastSender(): string {
  const records = [...w.replica.ingress.all()];
  return (records[records.length - 1] as { sender: { toText(): string } }).sender.toText();
}

async function expectHttp400(p: Promise<unknown>, text: string): Promise<void> {
  const before = await w.replica.query(w.counter, 'get', new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]));
  try {
    await p;
    assert.unreachable('should fail');
  } catch (e) {
    assert.instance(e, ProtocolError);
    const code = (e as ProtocolError).cause.code;
    assert.instance(code, HttpErrorCode);
    assert.is((code as HttpErrorCode).status, 400);
    assert.match((code as HttpErrorCode).bodyText ?? '', text);
  }
  const after = await w.replica.query(w.counter, 'get', new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]));
  assert.equal(after, before, 'a rejected request changes no state');
}

for (const [name, make] of [
  ['Ed25519KeyIdentity', async () => Ed25519KeyIdentity.generate()],
  ['Secp256k1KeyIdentity', async () => Secp256k1KeyIdentity.generate()],
  ['ECDSAKeyIdentity (P-256)', async () => ECDSAKeyIdentity.generate()],
] as const) {
  test(`${name}: the update runs as the self-authenticating principal`, async () => {
    const id = await make();
    const counter = await counterAs(id as unknown as Identity);
    const n = (await counter['inc']!()) as bigint;
    assert.ok(n >= 1n);
    assert.is(lastSender(), id.getPrincipal().toText());
  });
}

test('DelegationIdentity: a valid chain signs for the delegating principal', async () => {
  const root = Ed25519KeyIdentity.generate();
  const session = Ed25519KeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Number(w.replica.time / 1_000_000n) + 3_600_000), {
    targets: [SdkPrincipal.fromText(w.counter.toText())],
  });
  const id = DelegationIdentity.fromDelegation(session, chain);
  const counter = await counterAs(id as unknown as Identity);
  await counter['inc']!();
  assert.is(lastSender(), root.getPrincipal().toText());
});

test('DelegationIdentity: an expired delegation is refused with the replica text', async () => {
  const root = Ed25519KeyIdentity.generate();
  const session = Ed25519KeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Number(w.replica.time / 1_000_000n) - 60_000));
  const counter = await counterAs(DelegationIdentity.fromDelegation(session, chain) as unknown as Identity);
  await expectHttp400(counter['inc']!(), 'Invalid delegation expiry: Specified sender delegation has expired');
});

test('DelegationIdentity: a canister outside the targets is refused', async () => {
  const root = Ed25519KeyIdentity.generate();
  const session = Ed25519KeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Number(w.replica.time / 1_000_000n) + 3_600_000), {
    targets: [SdkPrincipal.fromText(w.callee.toText())],
  });
  const counter = await counterAs(DelegationIdentity.fromDelegation(session, chain) as unknown as Identity);
  await expectHttp400(counter['inc']!(), `Canister ${w.counter.toText()} is not one of the delegation targets`);
});

test('a delegation signed by another key is refused', async () => {
  const root = Ed25519KeyIdentity.generate();
  const other = Ed25519KeyIdentity.generate();
  const session = Ed25519KeyIdentity.generate();
  const forged = await DelegationChain.create(other, session.getPublicKey(), new Date(Number(w.replica.time / 1_000_000n) + 3_600_000));
  const chain = DelegationChain.fromDelegations(forged.delegations, root.getPublicKey().toDer());
  const counter = await counterAs(DelegationIdentity.fromDelegation(session, chain) as unknown as Identity);
  await expectHttp400(counter['inc']!(), 'Invalid delegation: Invalid basic signature');
});

test.run();
