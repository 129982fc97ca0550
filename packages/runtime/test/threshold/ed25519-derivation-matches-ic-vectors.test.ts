// The Ed25519 derivation (threshold Schnorr ed25519) reproduces published vectors of the IC's scheme:
//  - keys the ICP mainnet returned for schnorr_public_key, derived from their parent key and chain
//    code (dfinity/ic-pub-key test/samples.json);
//  - mainnet and PocketIC master public keys (zero chain code) with the canister id as the first
//    path element (dfinity/ic-pub-key mainnet_derivation / pocketic_derivation tests);
//  - BIP32-style index paths of dfinity/ic packages/ic-ed25519/tests/tests.rs
//    (should_produce_expected_derived_public_keys).
// Private derivation agrees with public derivation, and scalar signatures verify as RFC 8032.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  deriveEd25519PublicKey,
  deriveEd25519SecretScalar,
  ed25519PublicKeyOfScalar,
  signEd25519WithScalar,
} from '../../src/threshold/ed25519-derivation.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const ZERO_CHAIN_CODE = new Uint8Array(32);
const bip32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

test('mainnet sample: caller key, 2/444/66666', () => {
  const d = deriveEd25519PublicKey(
    hex('5dc497e58f2eaaa2acb80f8f235e754ea243ab2c1d5683d55eec5b3275b31691'),
    hex('96094ba65eb8d6e71797b837a27bf175d8ad2828fa508fab3d57041550dc0334'),
    ['2', '444', '66666'].map(utf8),
  );
  assert.is(toHex(d.publicKey), 'd41c15e8f8f718ada435d38c96a8f04ca342e70c9396642bc2c1c08da8cc0406');
  assert.is(toHex(d.chainCode), '541a8e8b26c80efcb462d036e88ae6e66e46876e3deceb2c54ddfecc94e2a1aa');
});

test('mainnet sample: canister key, 2/444/66666', () => {
  const d = deriveEd25519PublicKey(
    hex('da38b16641af7626e372070ff9f844b7c89d1012850d2198393849d79d3d2d5d'),
    hex('985be5283a68fc22540930ca02680f86c771419ece571eb838b33eb5604cfbc0'),
    ['2', '444', '66666'].map(utf8),
  );
  assert.is(toHex(d.publicKey), '7b3e64014987350f8ef9b89e0e804032c9c2de3b1825a789d0fd53266b5b0e71');
  assert.is(toHex(d.chainCode), '0816a73ea47f024698baab4c453f6381acc0b829384974eb96c611ab63837b05');
});

const H5JWF = 'h5jwf-5iaaa-aaaan-qmvoa-cai';
const POCKET = 'uzt4z-lp777-77774-qaabq-cai';
const pocketPath = (key: string): Uint8Array[] => `Test Derivation For PocketIC Ed25519 ${key}`.split(' ').map(utf8);

const masterVectors: Array<{ name: string; master: string; canister: string; path: Uint8Array[]; expected: string }> = [
  {
    name: 'mainnet test_key_1',
    master: '6c0824beb37621bcca6eecc237ed1bc4e64c9c59dcb85344aa7f9cc8278ee31f',
    canister: H5JWF,
    path: [hex('48656C6C6F'), hex('5468726573686F6C64'), hex('5369676E617475726573')],
    expected: 'd9a2ce6a3cd33fe16dce37e045609e51ff516e93bb51013823d6d7a915e3cfb9',
  },
  {
    name: 'mainnet key_1',
    master: '476374d9df3a8af28d3164dc2422cff894482eadd1295290b6d9ad92b2eeaa5c',
    canister: H5JWF,
    path: [hex('ABCDEF'), hex('012345')],
    expected: '43f0008b26564b6da51f585ad47669dfeb1db6d94d7dd216bd304fc1f5f5e997',
  },
  {
    name: 'PocketIC key_1',
    master: 'db415b8eb85bd5127b0984723e0448054042cf40e7a9c262ed0cc87ecea98349',
    canister: POCKET,
    path: pocketPath('key_1'),
    expected: '41a958daab5eded78e32e06be097ff85563a0d71230114bf52cfb7d633110393',
  },
  {
    name: 'PocketIC test_key_1',
    master: '6ed9121ecf701b9e301fce17d8a65214888984e8211225691b089d6b219ec144',
    canister: POCKET,
    path: pocketPath('test_key_1'),
    expected: '6a0d9ea275f24797b451a42b824bda2a8576d35c73de08417092cbe0128849dc',
  },
  {
    name: 'PocketIC dfx_test_key',
    master: '7124afcb1be5927cac0397a7447b9c3cda2a4099af62d9bc0a2c2fe42d33efe1',
    canister: POCKET,
    path: pocketPath('dfx_test_key'),
    expected: '3e9346f7c29d9c3a651309edbf92afbe1ac2eb6c02f2d384f6c105a5b6e8c75f',
  },
];

for (const v of masterVectors) {
  test(`master key + canister id: ${v.name}`, () => {
    const path = [Principal.fromText(v.canister).toUint8Array(), ...v.path];
    const d = deriveEd25519PublicKey(hex(v.master), ZERO_CHAIN_CODE, path);
    assert.is(toHex(d.publicKey), v.expected);
  });
}

const icEd25519: Array<{ path: number[]; key: string; cc: string; ek: string; ecc: string }> = [
  {
    path: [1],
    key: '931387a550eb4524a7af29381b938df38e76aeecac08e2cfaae4f4ca99bb4881',
    cc: '0000000000000000000000000000000000000000000000000000000000000000',
    ek: '6f3086e738ab5417c6e02504464f208a763f0fba0c4d7ade40694773b6c2273c',
    ecc: 'd34e4e22d2c008ccc7e9bb9882fbc025a1e5516e3421d8e932dbc0be35f787a0',
  },
  {
    path: [2],
    key: '6f3086e738ab5417c6e02504464f208a763f0fba0c4d7ade40694773b6c2273c',
    cc: 'd34e4e22d2c008ccc7e9bb9882fbc025a1e5516e3421d8e932dbc0be35f787a0',
    ek: '8efb675fcaf45c93e785ff535e380d9019c876a7c5faed264b911f97ef34d838',
    ecc: '2562ad75c50708f8d20c442e48b3f8ee851570be256ef0a7060b9f755a837216',
  },
  {
    path: [1, 2],
    key: '931387a550eb4524a7af29381b938df38e76aeecac08e2cfaae4f4ca99bb4881',
    cc: '0000000000000000000000000000000000000000000000000000000000000000',
    ek: '8efb675fcaf45c93e785ff535e380d9019c876a7c5faed264b911f97ef34d838',
    ecc: '2562ad75c50708f8d20c442e48b3f8ee851570be256ef0a7060b9f755a837216',
  },
];

for (const v of icEd25519) {
  test(`ic-ed25519 vector: path [${v.path.join(', ')}]`, () => {
    const d = deriveEd25519PublicKey(hex(v.key), hex(v.cc), v.path.map(bip32));
    assert.is(toHex(d.publicKey), v.ek);
    assert.is(toHex(d.chainCode), v.ecc);
  });
}

test('private derivation matches public derivation, and the derived scalar signs verifiably', () => {
  const master = 0x1234567890abcdef1234567890abcdef1234567890abcdefn;
  const chainCode = new Uint8Array(32).fill(7);
  const path = [utf8('canister'), utf8(''), bip32(42)];
  const pub = deriveEd25519PublicKey(ed25519PublicKeyOfScalar(master), chainCode, path);
  const priv = deriveEd25519SecretScalar(master, chainCode, path);
  assert.is(toHex(priv.publicKey), toHex(pub.publicKey));
  assert.is(toHex(ed25519PublicKeyOfScalar(priv.scalar)), toHex(pub.publicKey));
  assert.is(toHex(priv.chainCode), toHex(pub.chainCode));
  for (const msg of [new Uint8Array(0), utf8('hello'), new Uint8Array(1000).fill(3)]) {
    const sig = signEd25519WithScalar(priv.scalar, msg);
    assert.is(sig.length, 64);
    assert.ok(ed25519.verify(sig, msg, pub.publicKey, { zip215: false }));
    assert.not.ok(ed25519.verify(sig, utf8('other'), pub.publicKey));
  }
});

test.run();
