// Canister signatures (interface spec, "Canister signatures"), the scheme Internet Identity signs its
// delegations with: a signer canister certifies the root hash of a sig/<seed hash>/<message hash>
// tree, and a DelegationIdentity whose chain starts at the canister-signature key calls another
// canister through the real agent. Forgeries — a message not in the tree, certified data that does
// not match, a certificate under another root key, a subnet delegation for the wrong canister — are
// refused with HTTP 400 and change nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, ProtocolError, HttpErrorCode, type Identity } from '@dfinity/agent';
import { Delegation, DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { Replica } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';
import { Certifier } from '../../src/certification/certifier.ts';
import { encodeSelfDescribed, type CborValue } from '../../src/certification/cbor.ts';
import { buildTree, digest, witness, type HashTree } from '../../src/certification/hash-tree.ts';
import { authenticate, IC_DELEGATION_DOMAIN, selfAuthenticatingPrincipal } from '../../src/http/authentication.ts';
import { concatBytes, hashOfMap } from '../../src/http/request-id.ts';
import { createReplicaFetch } from '../../src/http/replica-fetch.ts';
import { counterIdl, nowNanos, world } from './setup.ts';

const SIGNER_WAT = `(module
  (import "ic0" "msg_arg_data_size" (func $size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $copy (param i32 i32 i32)))
  (import "ic0" "certified_data_set" (func $set (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_update certify")
    (call $copy (i32.const 0) (i32.const 0) (call $size))
    (call $set (i32.const 0) (call $size))
    (call $reply)))`;

const w = await world();
const signerWasm = await compileWat(SIGNER_WAT);
const signer = await w.replica.installCanister({ wasm: signerWasm, controllers: [w.controller], sender: w.controller });
const fetch = createReplicaFetch(w.replica, w.certifier);

/** DER SubjectPublicKeyInfo of a canister-signature key (OID 1.3.6.1.4.1.56387.1.2). */
function canisterSigKey(canisterId: Principal, seed: Uint8Array): Uint8Array {
  const id = canisterId.toUint8Array();
  const raw = concatBytes(Uint8Array.of(id.length), id, seed);
  const algorithm = Uint8Array.of(0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb8, 0x43, 0x01, 0x02);
  const bits = concatBytes(Uint8Array.of(0x03, raw.length + 1, 0x00), raw);
  return concatBytes(Uint8Array.of(0x30, algorithm.length + bits.length), algorithm, bits);
}

/** The tree a signer canister keeps: sig/<sha256(seed)>/<sha256(message)> = "". */
function sigTree(seed: Uint8Array, ...messages: Uint8Array[]): HashTree {
  return buildTree([['sig', [[sha256(seed), messages.map((m) => [sha256(m), new Uint8Array(0)] as const)]]]]);
}

function delegationMessage(pubkey: Uint8Array, expiration: bigint): Uint8Array {
  return concatBytes(IC_DELEGATION_DOMAIN, hashOfMap({ pubkey, expiration }));
}

async function certify(canisterId: Principal, rootHash: Uint8Array): Promise<void> {
  await w.replica.update(canisterId, 'certify', rootHash, { sender: w.controller });
}

interface Signed {
  der: Uint8Array;
  session: Ed25519KeyIdentity;
  expiration: bigint;
  message: Uint8Array;
}

function newDelegation(seed: Uint8Array, canisterId: Principal = signer): Signed {
  const session = Ed25519KeyIdentity.generate();
  const expiration = w.replica.time + 3_600_000_000_000n;
  const pubkey = new Uint8Array(session.getPublicKey().toDer());
  return { der: canisterSigKey(canisterId, seed), session, expiration, message: delegationMessage(pubkey, expiration) };
}

function identityOf(s: Signed, signature: Uint8Array): Identity {
  const delegation = new Delegation(new Uint8Array(s.session.getPublicKey().toDer()), s.expiration);
  const chain = DelegationChain.fromDelegations([{ delegation, signature: signature as never }], s.der as never);
  return DelegationIdentity.fromDelegation(s.session, chain) as unknown as Identity;
}

async function counterAs(identity: Identity) {
  const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, identity, shouldFetchRootKey: true, retryTimes: 0 });
  return Actor.createActor(counterIdl, { agent, canisterId: w.counter });
}

const getArg = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]);

async function expectRefused(identity: Identity, text: string): Promise<void> {
  const before = await w.replica.query(w.counter, 'get', getArg);
  try {
    await (await counterAs(identity))['inc']!();
    assert.unreachable('should fail');
  } catch (e) {
    assert.instance(e, ProtocolError);
    const code = (e as ProtocolError).cause.code as HttpErrorCode;
    assert.is(code.status, 400);
    assert.match(code.bodyText ?? '', 'Invalid delegation: Invalid canister signature');
    assert.match(code.bodyText ?? '', text);
  }
  assert.equal(await w.replica.query(w.counter, 'get', getArg), before, 'a refused request changes no state');
}

test('a delegation signed by a canister signature authenticates the canister-signature principal', async () => {
  const seed = new TextEncoder().encode('anchor 10000 @ https://app.example');
  const s = newDelegation(seed);
  const tree = sigTree(seed, s.message);
  await certify(signer, digest(tree));
  const signature = encodeSelfDescribed({ certificate: w.certifier.dataCertificate(signer), tree: tree as unknown as CborValue });
  const counter = await counterAs(identityOf(s, signature));
  await counter['inc']!();
  const records = [...w.replica.ingress.all()];
  const sender = (records[records.length - 1] as { sender: Principal }).sender;
  assert.is(sender.toText(), selfAuthenticatingPrincipal(s.der).toText(), 'the sender is the principal of the canister-signature key');
  // a second call reuses the verified signature (and still works after the signer's state moved on)
  await certify(signer, new Uint8Array(32));
  await counter['inc']!();
});

test('a message the signature tree does not hold is refused', async () => {
  const seed = new TextEncoder().encode('seed-a');
  const s = newDelegation(seed);
  const tree = sigTree(seed, new TextEncoder().encode('some other message'));
  await certify(signer, digest(tree));
  const signature = encodeSelfDescribed({ certificate: w.certifier.dataCertificate(signer), tree: tree as unknown as CborValue });
  await expectRefused(identityOf(s, signature), "doesn't contain sig/");
});

test('a tree whose root hash is not the certified data is refused', async () => {
  const seed = new TextEncoder().encode('seed-b');
  const s = newDelegation(seed);
  const tree = sigTree(seed, s.message);
  await certify(signer, sha256(new TextEncoder().encode('something else')));
  const signature = encodeSelfDescribed({ certificate: w.certifier.dataCertificate(signer), tree: tree as unknown as CborValue });
  await expectRefused(identityOf(s, signature), 'does not match the root hash of the signature tree');
});

test('a certificate signed under another root key is refused', async () => {
  const seed = new TextEncoder().encode('seed-c');
  const s = newDelegation(seed);
  const tree = sigTree(seed, s.message);
  const other = await Replica.create({ time: nowNanos(), seed: 'another root key' });
  const otherCertifier = Certifier.create(other, { seed: 'another root key' });
  const otherSigner = other.createCanister({ specifiedId: signer, controllers: [w.controller], sender: w.controller });
  other.installCode({ canisterId: otherSigner, wasm: signerWasm, sender: w.controller });
  await other.update(otherSigner, 'certify', digest(tree), { sender: w.controller });
  const signature = encodeSelfDescribed({ certificate: otherCertifier.dataCertificate(otherSigner), tree: tree as unknown as CborValue });
  await expectRefused(identityOf(s, signature), 'invalid BLS signature');
});

test('a signature that is not self-described CBOR is refused as malformed', async () => {
  const s = newDelegation(new TextEncoder().encode('seed-d'));
  await expectRefused(identityOf(s, Uint8Array.of(0xa0)), "doesn't have a self-describing tag");
});

test('on a multi-subnet replica: a subnet delegation certifies a canister in its ranges, not one outside', async () => {
  const replica = await Replica.create({ time: nowNanos(), subnets: [{ kind: 'nns' }, { kind: 'application' }] });
  const certifier = Certifier.create(replica, { seed: 'canister-sig-subnets' });
  const app = replica.defaultSubnet();
  const appSigner = await replica.installCanister({ wasm: signerWasm, controllers: [w.controller], sender: w.controller });
  const nnsSigner = replica.createCanister({ subnet: replica.rootSubnet, controllers: [w.controller], sender: w.controller });
  replica.installCode({ canisterId: nnsSigner, wasm: signerWasm, sender: w.controller });
  const seed = new TextEncoder().encode('seed-e');
  const session = Ed25519KeyIdentity.generate();
  const pubkey = new Uint8Array(session.getPublicKey().toDer());
  const expiration = replica.time + 3_600_000_000_000n;
  const message = delegationMessage(pubkey, expiration);
  const tree = sigTree(seed, message);
  await replica.update(appSigner, 'certify', digest(tree), { sender: w.controller });
  await replica.update(nnsSigner, 'certify', digest(tree), { sender: w.controller });
  const auth = (der: Uint8Array, certificate: Uint8Array) => {
    const signature = encodeSelfDescribed({ certificate, tree: tree as unknown as CborValue });
    return authenticate(
      {
        sender: selfAuthenticatingPrincipal(der).toUint8Array(),
        requestId: new Uint8Array(32),
        senderPubkey: der,
        senderSig: new Uint8Array(64),
        senderDelegation: [{ delegation: { pubkey, expiration }, signature }],
      },
      replica.time,
      { rootKeyDer: certifier.rootKeyDer },
    );
  };
  // the app signer's certificate carries the app subnet's delegation: the delegation verifies (the
  // request then fails only on its dummy sender_sig, after the chain)
  const appResult = auth(canisterSigKey(appSigner, seed), certifier.dataCertificate(appSigner));
  assert.ok(!appResult.ok && appResult.message.startsWith('Invalid signature: '), !appResult.ok ? appResult.message : '');
  // a certificate of the NNS signer's certified data, signed by the app subnet: outside its ranges
  const state = certifier.certifiedState();
  const forged = certifier.certificateOf(witness(state.tree, [['time'], ['canister', nnsSigner.toUint8Array(), 'certified_data']]), state, app);
  const nnsResult = auth(canisterSigKey(nnsSigner, seed), forged);
  assert.ok(!nnsResult.ok && nnsResult.message.includes('not in the delegation subnet canister ranges'), !nnsResult.ok ? nnsResult.message : '');
});

test.run();
