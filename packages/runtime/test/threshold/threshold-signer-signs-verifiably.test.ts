// ThresholdSigner: ECDSA, BIP340 (plain and BIP341-tweaked) and Ed25519 signatures verify with
// @noble/curves against the public keys it returns; keys depend on canister, derivation path, key
// name and seed, and nothing else; public keys agree with offline derivation from the master public
// key; an unknown key name is refused with the replica's routing error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCode, RejectCode, UserError } from '@mockic/runtime';
import {
  ThresholdSigner,
  taprootOutputKey,
  deriveSecp256k1PublicKey,
  deriveEd25519PublicKey,
} from '../../src/threshold/index.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const A = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const B = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const PATH = [utf8('user'), Uint8Array.of(1, 2, 3)];

const signer = new ThresholdSigner();

test('sign_with_ecdsa: 64-byte low-s r||s that verifies against ecdsa_public_key', () => {
  for (const keyName of ['dfx_test_key', 'test_key_1', 'key_1']) {
    const { publicKey, chainCode } = signer.ecdsaPublicKey({ canisterId: A, derivationPath: PATH, keyName });
    assert.is(publicKey.length, 33);
    assert.ok(publicKey[0] === 2 || publicKey[0] === 3);
    assert.is(chainCode.length, 32);
    const messageHash = sha256(utf8(`hello ${keyName}`));
    const sig = signer.signWithEcdsa({ canisterId: A, derivationPath: PATH, keyName, messageHash });
    assert.is(sig.length, 64);
    const s = BigInt('0x' + toHex(sig.subarray(32)));
    assert.ok(s <= secp256k1.Point.Fn.ORDER / 2n, 'low s');
    assert.ok(secp256k1.verify(sig, messageHash, publicKey, { prehash: false }));
    assert.not.ok(secp256k1.verify(sig, sha256(utf8('other')), publicKey, { prehash: false }));
  }
});

test('sign_with_ecdsa accepts a Principal or raw bytes as canister id, and is deterministic', () => {
  const messageHash = sha256(utf8('m'));
  const a = signer.signWithEcdsa({ canisterId: A, derivationPath: PATH, keyName: 'key_1', messageHash });
  const b = signer.signWithEcdsa({ canisterId: A.toUint8Array(), derivationPath: PATH, keyName: 'key_1', messageHash });
  assert.is(toHex(a), toHex(b));
});

test('sign_with_ecdsa refuses a message hash that is not 32 bytes', () => {
  try {
    signer.signWithEcdsa({ canisterId: A, derivationPath: [], keyName: 'key_1', messageHash: new Uint8Array(31) });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).description, 'message_hash must be 32 bytes');
    assert.is((e as UserError).rejectCode, RejectCode.CANISTER_REJECT);
  }
});

test('sign_with_schnorr bip340: verifies against the x-only form of schnorr_public_key', () => {
  const { publicKey, chainCode } = signer.schnorrPublicKey({
    canisterId: A,
    derivationPath: PATH,
    keyName: 'test_key_1',
    algorithm: 'bip340secp256k1',
  });
  assert.is(publicKey.length, 33);
  assert.is(chainCode.length, 32);
  for (const message of [utf8('short'), sha256(utf8('32 bytes')), new Uint8Array(0), new Uint8Array(300).fill(9)]) {
    const sig = signer.signWithSchnorr({
      canisterId: A,
      derivationPath: PATH,
      keyName: 'test_key_1',
      algorithm: 'bip340secp256k1',
      message,
    });
    assert.is(sig.length, 64);
    assert.ok(schnorr.verify(sig, message, publicKey.subarray(1)));
    assert.not.ok(schnorr.verify(sig, utf8('tampered'), publicKey.subarray(1)));
  }
});

test('sign_with_schnorr bip340 with aux bip341: verifies against the taproot output key', () => {
  const args = { canisterId: A, derivationPath: PATH, keyName: 'key_1', algorithm: 'bip340secp256k1' as const };
  const { publicKey } = signer.schnorrPublicKey(args);
  const message = sha256(utf8('taproot spend'));
  for (const root of [new Uint8Array(0), sha256(utf8('script tree'))]) {
    const sig = signer.signWithSchnorr({ ...args, message, aux: { bip341: { merkle_root_hash: root } } });
    const outputKey = taprootOutputKey(publicKey, root);
    assert.ok(schnorr.verify(sig, message, outputKey));
    assert.not.ok(schnorr.verify(sig, message, publicKey.subarray(1)), 'not by the untweaked key');
  }
  assert.throws(
    () => signer.signWithSchnorr({ ...args, message, aux: { bip341: { merkle_root_hash: new Uint8Array(5) } } }),
    (e: unknown) => e instanceof UserError && /merkle_root_hash must be 0 or 32 bytes/.test(e.message),
  );
});

test('sign_with_schnorr ed25519: 32-byte public key, RFC 8032 signature', () => {
  const args = { canisterId: B, derivationPath: PATH, keyName: 'dfx_test_key', algorithm: 'ed25519' as const };
  const { publicKey, chainCode } = signer.schnorrPublicKey(args);
  assert.is(publicKey.length, 32);
  assert.is(chainCode.length, 32);
  const message = utf8('an ed25519 message of any length');
  const sig = signer.signWithSchnorr({ ...args, message });
  assert.is(sig.length, 64);
  assert.ok(ed25519.verify(sig, message, publicKey, { zip215: false }));
  assert.not.ok(ed25519.verify(sig, utf8('tampered'), publicKey));
  assert.throws(
    () => signer.signWithSchnorr({ ...args, message, aux: { bip341: { merkle_root_hash: new Uint8Array(0) } } }),
    (e: unknown) => e instanceof UserError,
  );
});

test('different canisters, paths, key names and schemes give different keys', () => {
  const seen = new Set<string>();
  for (const canisterId of [A, B]) {
    for (const derivationPath of [[], [utf8('a')], [utf8('b')], [utf8('a'), utf8('')]]) {
      for (const keyName of ['dfx_test_key', 'key_1']) {
        seen.add(toHex(signer.ecdsaPublicKey({ canisterId, derivationPath, keyName }).publicKey));
        seen.add(
          toHex(signer.schnorrPublicKey({ canisterId, derivationPath, keyName, algorithm: 'bip340secp256k1' }).publicKey),
        );
        seen.add(toHex(signer.schnorrPublicKey({ canisterId, derivationPath, keyName, algorithm: 'ed25519' }).publicKey));
      }
    }
  }
  assert.is(seen.size, 2 * 4 * 2 * 3);
});

test('same seed gives the same keys; a different seed gives different keys', () => {
  const seed = utf8('seed one');
  const one = new ThresholdSigner({ seed });
  const again = new ThresholdSigner({ seed: utf8('seed one') });
  const other = new ThresholdSigner({ seed: utf8('seed two') });
  const args = { canisterId: A, derivationPath: PATH, keyName: 'key_1' };
  assert.is(toHex(one.ecdsaPublicKey(args).publicKey), toHex(again.ecdsaPublicKey(args).publicKey));
  assert.is.not(toHex(one.ecdsaPublicKey(args).publicKey), toHex(other.ecdsaPublicKey(args).publicKey));
  const ed = { ...args, algorithm: 'ed25519' as const };
  assert.is(toHex(one.schnorrPublicKey(ed).publicKey), toHex(again.schnorrPublicKey(ed).publicKey));
  assert.is.not(toHex(one.schnorrPublicKey(ed).publicKey), toHex(other.schnorrPublicKey(ed).publicKey));
  // The default seed is fixed too.
  assert.is(toHex(new ThresholdSigner().ecdsaPublicKey(args).publicKey), toHex(signer.ecdsaPublicKey(args).publicKey));
});

test('public keys equal offline derivation from the master public key with the canister id first', () => {
  for (const [scheme, derive] of [
    ['ecdsa-secp256k1', deriveSecp256k1PublicKey],
    ['schnorr-bip340secp256k1', deriveSecp256k1PublicKey],
    ['schnorr-ed25519', deriveEd25519PublicKey],
  ] as const) {
    const master = signer.masterPublicKey(scheme, 'test_key_1');
    assert.is(toHex(master.chainCode), '00'.repeat(32));
    const offline = derive(master.publicKey, master.chainCode, [A.toUint8Array(), ...PATH]);
    const online =
      scheme === 'ecdsa-secp256k1'
        ? signer.ecdsaPublicKey({ canisterId: A, derivationPath: PATH, keyName: 'test_key_1' })
        : signer.schnorrPublicKey({
            canisterId: A,
            derivationPath: PATH,
            keyName: 'test_key_1',
            algorithm: scheme === 'schnorr-ed25519' ? 'ed25519' : 'bip340secp256k1',
          });
    assert.is(toHex(online.publicKey), toHex(offline.publicKey));
    assert.is(toHex(online.chainCode), toHex(offline.chainCode));
  }
});

test('an unknown key name is refused with the replica routing error listing existing keys', () => {
  try {
    signer.signWithEcdsa({ canisterId: A, derivationPath: [], keyName: 'nope', messageHash: new Uint8Array(32) });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, UserError);
    const err = e as UserError;
    assert.is(err.code, ErrorCode.CanisterRejectedMessage);
    assert.is(err.rejectCode, RejectCode.CANISTER_REJECT);
    assert.is(
      err.description,
      'Unable to route management canister request sign_with_ecdsa: ChainKeyError("Requested unknown threshold key: ' +
        'ecdsa:Secp256k1:nope, existing keys: [ecdsa:Secp256k1:dfx_test_key, ecdsa:Secp256k1:key_1, ' +
        'ecdsa:Secp256k1:test_key_1, schnorr:Bip340Secp256k1:dfx_test_key, schnorr:Bip340Secp256k1:key_1, ' +
        'schnorr:Bip340Secp256k1:test_key_1, schnorr:Ed25519:dfx_test_key, schnorr:Ed25519:key_1, ' +
        'schnorr:Ed25519:test_key_1]")',
    );
  }
  assert.throws(
    () => signer.schnorrPublicKey({ canisterId: A, derivationPath: [], keyName: 'x', algorithm: 'ed25519' }),
    (e: unknown) =>
      e instanceof UserError &&
      e.message.includes('request schnorr_public_key: ChainKeyError("Requested unknown threshold key: schnorr:Ed25519:x,'),
  );
});

test('otherKeyIds join the existing-keys listing in the replica order', () => {
  const s = new ThresholdSigner({ keyNames: ['key_1'], otherKeyIds: ['vetkd:Bls12_381_G2:key_1'] });
  assert.equal(s.existingKeyIds(), [
    'ecdsa:Secp256k1:key_1',
    'schnorr:Bip340Secp256k1:key_1',
    'schnorr:Ed25519:key_1',
    'vetkd:Bls12_381_G2:key_1',
  ]);
  assert.throws(() => s.ecdsaPublicKey({ canisterId: A, derivationPath: [], keyName: 'test_key_1' }));
});

test('a derivation path of more than 255 elements is refused', () => {
  const derivationPath = Array.from({ length: 256 }, () => new Uint8Array(0));
  assert.throws(
    () => signer.ecdsaPublicKey({ canisterId: A, derivationPath, keyName: 'key_1' }),
    (e: unknown) => e instanceof UserError,
  );
  assert.is(
    signer.ecdsaPublicKey({ canisterId: A, derivationPath: derivationPath.slice(1), keyName: 'key_1' }).publicKey.length,
    33,
  );
});

test.run();
