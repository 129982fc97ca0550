// The threshold-key methods of aaaaa-aa, called by a real (Motoko) canister: ecdsa_public_key and
// sign_with_ecdsa, schnorr_public_key and sign_with_schnorr (BIP340 and Ed25519); signatures verify
// against the returned keys; fees are charged (too few cycles: the replica's reject, all refunded);
// unknown keys get the routing error; users cannot call the methods; the seed decides the keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { compileMotoko } from '@mockic/fixtures';
import { Replica, UserError, type ReplicaOptions } from '@mockic/runtime';
import { externalMethods } from '../../src/management/threshold-candid.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const MGMT = Principal.managementCanister();
const alice = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const TEN_B = 10_000_000_000n;

const PROXY = `
import IC "mo:core/InternetComputer";
import Principal "mo:core/Principal";
import Error "mo:core/Error";
import Cycles "mo:core/Cycles";

// Forwards raw calls to aaaaa-aa with cycles; reports rejects with their code. (Refunds are checked
// through the balance: Motoko's Cycles.refunded() reads 0 here.)
persistent actor Proxy {
  public func call(method : Text, arg : Blob, cycles : Nat) : async { result : { #ok : Blob; #err : (Text, Text) }; refunded : Nat } {
    try {
      let r = await (with cycles) IC.call(Principal.fromText("aaaaa-aa"), method, arg);
      { result = #ok(r); refunded = Cycles.refunded() }
    } catch (e) {
      { result = #err(debug_show (Error.code(e)), Error.message(e)); refunded = Cycles.refunded() }
    }
  };
  public query func balance() : async Nat { Cycles.balance() };
};
`;

const ProxyReply = IDL.Record({
  result: IDL.Variant({ ok: IDL.Vec(IDL.Nat8), err: IDL.Tuple(IDL.Text, IDL.Text) }),
  refunded: IDL.Nat,
});

type Method = keyof typeof externalMethods;

async function setup(options: ReplicaOptions = {}): Promise<{ replica: Replica; proxy: Principal }> {
  const replica = await Replica.create(options);
  const proxy = await replica.installCanister({ wasm: compileMotoko(PROXY).wasm, controllers: [alice], cycles: 1_000_000_000_000_000n });
  return { replica, proxy };
}

/** Calls `method` from the proxy: { ok: decoded reply } or { err: [code, message] }, and the refund. */
async function call(
  replica: Replica,
  proxy: Principal,
  method: Method,
  value: unknown,
  cycles = 0n,
): Promise<{ ok?: any; err?: [string, string]; spent: bigint }> {
  const arg = new Uint8Array(IDL.encode(externalMethods[method].arg, [value]));
  const before = await balance(replica, proxy);
  const bytes = await replica.update(proxy, 'call', new Uint8Array(IDL.encode([IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat], [method, arg, cycles])));
  const spent = before - (await balance(replica, proxy));
  const r = IDL.decode([ProxyReply], bytes)[0] as any;
  if ('err' in r.result) return { err: r.result.err, spent };
  return { ok: IDL.decode(externalMethods[method].ret, r.result.ok)[0], spent };
}

/** Execution and message fees of one proxy call stay far below this; attached cycles are far above. */
const EXECUTION_FEES = 1_000_000_000n;
const T = 1_000_000_000_000n;

const ecdsaKey = (name = 'dfx_test_key') => ({ curve: { secp256k1: null }, name });
const bip340Key = (name = 'dfx_test_key') => ({ algorithm: { bip340secp256k1: null }, name });
const ed25519Key = (name = 'dfx_test_key') => ({ algorithm: { ed25519: null }, name });

test('ecdsa_public_key + sign_with_ecdsa: the signature verifies against the returned key', async () => {
  const { replica, proxy } = await setup();
  const path = [utf8('wallet'), new Uint8Array([0, 1])];
  const pk = await call(replica, proxy, 'ecdsa_public_key', { canister_id: [], derivation_path: path, key_id: ecdsaKey() });
  assert.is(pk.ok.public_key.length, 33);
  assert.is(pk.ok.chain_code.length, 32);
  // canister_id defaults to the caller: naming it explicitly gives the same key; another canister another.
  const same = await call(replica, proxy, 'ecdsa_public_key', { canister_id: [proxy], derivation_path: path, key_id: ecdsaKey() });
  assert.equal(same.ok.public_key, pk.ok.public_key);
  const other = await call(replica, proxy, 'ecdsa_public_key', { canister_id: [alice], derivation_path: path, key_id: ecdsaKey() });
  assert.not.equal(other.ok.public_key, pk.ok.public_key);
  // ... and matches the signer's derivation for the proxy's id.
  assert.equal(pk.ok.public_key, replica.thresholdSigner.ecdsaPublicKey({ canisterId: proxy, derivationPath: path, keyName: 'dfx_test_key' }).publicKey);

  const messageHash = sha256(utf8('pay 1 BTC'));
  const attached = TEN_B + T;
  const sig = await call(replica, proxy, 'sign_with_ecdsa', { message_hash: messageHash, derivation_path: path, key_id: ecdsaKey() }, attached);
  assert.is(sig.err, undefined);
  assert.is(sig.ok.signature.length, 64);
  assert.ok(secp256k1.verify(sig.ok.signature, messageHash, pk.ok.public_key, { prehash: false }));
  assert.not.ok(secp256k1.verify(sig.ok.signature, sha256(utf8('other')), pk.ok.public_key, { prehash: false }));
  // The fee is kept, the rest refunded.
  assert.ok(sig.spent >= TEN_B && sig.spent < TEN_B + EXECUTION_FEES, `spent ${sig.spent}`);
});

test('schnorr bip340secp256k1: public key and signature verify (BIP340, x-only key)', async () => {
  const { replica, proxy } = await setup();
  const path = [utf8('taproot')];
  const pk = await call(replica, proxy, 'schnorr_public_key', { canister_id: [], derivation_path: path, key_id: bip340Key('test_key_1') });
  assert.is(pk.ok.public_key.length, 33);
  const message = utf8('a message of any length for BIP340');
  const sig = await call(
    replica,
    proxy,
    'sign_with_schnorr',
    { message, derivation_path: path, key_id: bip340Key('test_key_1'), aux: [] },
    TEN_B,
  );
  assert.is(sig.ok.signature.length, 64);
  assert.ok(sig.spent >= TEN_B && sig.spent < TEN_B + EXECUTION_FEES, `spent ${sig.spent}`);
  assert.ok(schnorr.verify(sig.ok.signature, message, pk.ok.public_key.subarray(1)));
  assert.not.ok(schnorr.verify(sig.ok.signature, utf8('tampered'), pk.ok.public_key.subarray(1)));
});

test('schnorr ed25519: public key and signature verify (RFC 8032)', async () => {
  const { replica, proxy } = await setup();
  const pk = await call(replica, proxy, 'schnorr_public_key', { canister_id: [], derivation_path: [], key_id: ed25519Key() });
  assert.is(pk.ok.public_key.length, 32);
  const message = utf8('hello ed25519');
  const sig = await call(replica, proxy, 'sign_with_schnorr', { message, derivation_path: [], key_id: ed25519Key(), aux: [] }, TEN_B + T);
  assert.is(sig.ok.signature.length, 64);
  assert.ok(sig.spent >= TEN_B && sig.spent < TEN_B + EXECUTION_FEES, `spent ${sig.spent}`);
  assert.ok(ed25519.verify(sig.ok.signature, message, pk.ok.public_key));
  assert.not.ok(ed25519.verify(sig.ok.signature, utf8('tampered'), pk.ok.public_key));
});

test('too few cycles: the replica reject, every cycle refunded', async () => {
  const { replica, proxy } = await setup();
  const fee = replica.fees.signWithEcdsa('dfx_test_key') as bigint;
  const messageHash = sha256(utf8('x'));
  const r = await call(replica, proxy, 'sign_with_ecdsa', { message_hash: messageHash, derivation_path: [], key_id: ecdsaKey() }, fee - 1n);
  assert.equal(r.err, ['#canister_reject', `sign_with_ecdsa request sent with ${fee - 1n} cycles, but ${fee} cycles are required.`]);
  assert.ok(r.spent < EXECUTION_FEES, `only execution fees are spent, not the attached cycles: ${r.spent}`);

  const s = await call(replica, proxy, 'sign_with_schnorr', { message: utf8('m'), derivation_path: [], key_id: ed25519Key('key_1'), aux: [] }, 0n);
  const keyFee = replica.fees.signWithSchnorr('key_1') as bigint;
  assert.equal(s.err, ['#canister_reject', `sign_with_schnorr request sent with 0 cycles, but ${keyFee} cycles are required.`]);
});

test('public keys are free: attached cycles come back', async () => {
  const { replica, proxy } = await setup();
  const r = await call(replica, proxy, 'schnorr_public_key', { canister_id: [], derivation_path: [], key_id: bip340Key() }, T);
  assert.ok(r.ok);
  assert.ok(r.spent < EXECUTION_FEES, `spent ${r.spent}`);
});

test('an unknown key gets the replica routing error (before the fee check)', async () => {
  const { replica, proxy } = await setup();
  const r = await call(replica, proxy, 'sign_with_ecdsa', { message_hash: sha256(utf8('x')), derivation_path: [], key_id: ecdsaKey('nope') }, 0n);
  assert.is(r.err?.[0], '#canister_reject');
  assert.match(
    r.err?.[1] ?? '',
    'Unable to route management canister request sign_with_ecdsa: ChainKeyError("Requested unknown threshold key: ecdsa:Secp256k1:nope, existing keys: [',
  );
  const p = await call(replica, proxy, 'schnorr_public_key', { canister_id: [], derivation_path: [], key_id: ed25519Key('nope') });
  assert.match(p.err?.[1] ?? '', 'Requested unknown threshold key: schnorr:Ed25519:nope');
});

test('a payload that does not decode is refused', async () => {
  const { replica, proxy } = await setup();
  const bytes = await replica.update(
    proxy,
    'call',
    new Uint8Array(IDL.encode([IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat], ['sign_with_ecdsa', new Uint8Array(IDL.encode([IDL.Text], ['x'])), TEN_B])),
  );
  const r = IDL.decode([ProxyReply], bytes)[0] as any;
  assert.match(r.result.err[1], 'Error decoding candid');
});

test('users (ingress) cannot call the threshold methods', async () => {
  const replica = await Replica.create();
  for (const [method, value] of [
    ['sign_with_ecdsa', { message_hash: new Uint8Array(32), derivation_path: [], key_id: ecdsaKey() }],
    ['ecdsa_public_key', { canister_id: [alice], derivation_path: [], key_id: ecdsaKey() }],
    ['sign_with_schnorr', { message: new Uint8Array(1), derivation_path: [], key_id: ed25519Key(), aux: [] }],
  ] as const) {
    const arg = new Uint8Array(IDL.encode(externalMethods[method].arg, [value]));
    try {
      await replica.update(MGMT, method, arg, { sender: alice });
      assert.unreachable('expected a rejection');
    } catch (e) {
      assert.instance(e, UserError);
      assert.is((e as UserError).description, `Only canisters can call ic00 method ${method}`);
    }
  }
});

test('the replica seed decides the master keys', async () => {
  const key = async (seed?: string): Promise<string> => {
    const { replica, proxy } = await setup(seed === undefined ? {} : { seed });
    const r = await call(replica, proxy, 'ecdsa_public_key', { canister_id: [], derivation_path: [], key_id: ecdsaKey() });
    return Buffer.from(r.ok.public_key).toString('hex');
  };
  assert.is(await key('a'), await key('a'));
  assert.is.not(await key('a'), await key('b'));
  assert.is.not(await key('a'), await key());
});

async function balance(replica: Replica, proxy: Principal): Promise<bigint> {
  return IDL.decode([IDL.Nat], await replica.query(proxy, 'balance', new Uint8Array(IDL.encode([], []))))[0] as bigint;
}

test.run();
