// The secp256k1 derivation (threshold ECDSA and threshold Schnorr BIP340) reproduces published
// vectors of the IC's scheme:
//  - keys the ICP mainnet returned for ecdsa_public_key / schnorr_public_key, derived from their
//    parent key and chain code (dfinity/ic-pub-key test/samples.json, made with mainnet calls);
//  - mainnet and PocketIC master public keys (zero chain code) with the canister id as the first
//    path element (dfinity/ic-pub-key mainnet_derivation / pocketic_derivation tests);
//  - SLIP-0010 test vector 1 for secp256k1, private and public derivation (dfinity/ic
//    packages/ic-secp256k1/tests/tests.rs, should_match_slip10_derivation_test_data).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { deriveSecp256k1PublicKey, deriveSecp256k1SecretKey } from '../../src/threshold/ecdsa-derivation.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const ZERO_CHAIN_CODE = new Uint8Array(32);

/** "2/444/66666" → three elements (the ic-pub-key blob path format, here without escapes). */
const blobPath = (p: string | null): Uint8Array[] => (p === null ? [] : p.split('/').map(utf8));

const canisterPath = (canister: string, rest: Uint8Array[]): Uint8Array[] => [
  Principal.fromText(canister).toUint8Array(),
  ...rest,
];

// ---------------------------------------------------------------- mainnet call samples

const samples: Array<{ name: string; pk: string; cc: string; path: string | null; epk: string; ecc: string }> = [
  {
    name: 'ecdsa key_1, empty path',
    pk: '02b84ff3f88329a887657d0309bd1a1af9e37601e5d1a535d6fe7d42e37f79f40a',
    cc: '212891bc032f28d369bacf39dc369feb516eced9a3d83498246aead1546f8cd1',
    path: null,
    epk: '02b84ff3f88329a887657d0309bd1a1af9e37601e5d1a535d6fe7d42e37f79f40a',
    ecc: '212891bc032f28d369bacf39dc369feb516eced9a3d83498246aead1546f8cd1',
  },
  {
    name: 'ecdsa canister key, 2/444/66666',
    pk: '02b84ff3f88329a887657d0309bd1a1af9e37601e5d1a535d6fe7d42e37f79f40a',
    cc: '212891bc032f28d369bacf39dc369feb516eced9a3d83498246aead1546f8cd1',
    path: '2/444/66666',
    epk: '024bf78e40bb51d2c6c14c11aa8f3af1549741de5acdf925e6dc230dfc5daa22d9',
    ecc: 'bc35b8515f03aa1543081e2af4e878f28b27f3ce00c035f4068702d33ee88586',
  },
  {
    name: 'ecdsa caller key, 2/444/66666',
    pk: '0291f38cada7f498d467a18527dc6706b6343b124062776a9996077820d2c76be2',
    cc: '9cfbcc11fbc2d401c3719785c31840a2bad151baf28c3795bc63f5fbc9cb26d7',
    path: '2/444/66666',
    epk: '024279ea3e07582bd07388725255b3806276f2997323cedbcfa78fea658740c8a2',
    ecc: '1b2cfa6fa9720fe41c730761d804577bdce4ec93098e44a4dc78746b4e8d2c5d',
  },
  {
    name: 'ecdsa caller key, bungee',
    pk: '0291f38cada7f498d467a18527dc6706b6343b124062776a9996077820d2c76be2',
    cc: '9cfbcc11fbc2d401c3719785c31840a2bad151baf28c3795bc63f5fbc9cb26d7',
    path: 'bungee',
    epk: '02cc48da88c3b372cb5d5ac2665c92da65714de07ad148a5a838bb5e95fbddb591',
    ecc: '2dfe858431260fefb8b8093cfbf69bd1428c08757eee9131b901f9010238703b',
  },
  {
    name: 'ecdsa caller key, two empty elements',
    pk: '0291f38cada7f498d467a18527dc6706b6343b124062776a9996077820d2c76be2',
    cc: '9cfbcc11fbc2d401c3719785c31840a2bad151baf28c3795bc63f5fbc9cb26d7',
    path: '/',
    epk: '03e204c5244fc5a7a98be3d643fca87b3f0b73db55cdd23abb197c191c89e4bfc6',
    ecc: 'f28e1c6f888684f2a46ab564e648e08a45e27b2d5b7b799ffd6adbd424dc643f',
  },
  {
    name: 'bip340 canister key, 2/444/66666',
    pk: '030466da666fe067f52cb5337a72e7722123ab3fc82f92b8a5f92b89d0e9bbd6e1',
    cc: '8b51936ff7862e556e31f1116a657469f00083497062db2e8ee9573e3346a83a',
    path: '2/444/66666',
    epk: '0329d1f060d8225b2547abd7b7cdccc56ea675cfacd46a75863bd98d9a5dcafca7',
    ecc: '4741d01b413e340d0a253e8adf860fd28cea1eebfad71493bac7476e6d20b1ab',
  },
  {
    name: 'bip340 caller key, 2/444/66666',
    pk: '03d81a2def33c99ce5e60138d66e68474ab3560ee26882c26ea790bf6ecfa2a213',
    cc: '4698afadc51f3b38434e66f35ae73d37347446cf0a0bcbda43ed7a7e0cd9efa7',
    path: '2/444/66666',
    epk: '024e1e180ae1a1b685a5834e40ecd239e1624bd2a8bdee4e7f0fa70e8de9804765',
    ecc: '2e04ed5006d04725fea1508a00c35da2f033b39d8a8ab3d86d0b66ed347656ce',
  },
];

for (const s of samples) {
  test(`mainnet sample: ${s.name}`, () => {
    const d = deriveSecp256k1PublicKey(hex(s.pk), hex(s.cc), blobPath(s.path));
    assert.is(toHex(d.publicKey), s.epk);
    assert.is(toHex(d.chainCode), s.ecc);
  });
}

// ---------------------------------------------------------------- master keys + canister id

const H5JWF = 'h5jwf-5iaaa-aaaan-qmvoa-cai';
const HELLO_PATH = [hex('48656C6C6F'), hex('5468726573686F6C64'), hex('5369676E617475726573')];
const ABCDEF_PATH = [hex('ABCDEF'), hex('012345')];

const masterVectors: Array<{ name: string; master: string; canister: string; path: Uint8Array[]; expected: string }> = [
  {
    name: 'mainnet ecdsa test_key_1',
    master: '02f9ac345f6be6db51e1c5612cddb59e72c3d0d493c994d12035cf13257e3b1fa7',
    canister: H5JWF,
    path: HELLO_PATH,
    expected: '0315ae8bb8c6e9f78eec2167f5ac773067f37a39da1a1efbc585f9e90658d1c620',
  },
  {
    name: 'mainnet ecdsa key_1',
    master: '02121bc3a5c38f38ca76487c72007ebbfd34bc6c4cb80a671655aa94585bbd0a02',
    canister: H5JWF,
    path: ABCDEF_PATH,
    expected: '02735ca28b5c3e380016d7f28bf4703b540a8bbe8e24beffdc021455ca2ab93fe3',
  },
  {
    name: 'mainnet bip340 test_key_1',
    master: '037a651a2e5ef3d1ef63e84c4c4caa029fa4a43a347a91e4d84a8e846853d51be1',
    canister: H5JWF,
    path: HELLO_PATH,
    expected: '0237ca6a41c1db8ab40410445250a5d46fbec7f3e449c8f40f86d8622a4106cebd',
  },
  {
    name: 'mainnet bip340 key_1',
    master: '02246e29785f06d37a8a50c49f6152a34df74738f8c13a44f59fef4cbe90eb13ac',
    canister: H5JWF,
    path: ABCDEF_PATH,
    expected: '03e5e92c2399985f82521b110ac3dbf697a6b9522002c0d31d0b7cd5352c343457',
  },
  {
    name: 'PocketIC ecdsa key_1',
    master: '036ad6e838b46811ad79c37b2f4b854b7a05f406715b2935edc5d3251e7666977b',
    canister: 'uzt4z-lp777-77774-qaabq-cai',
    path: 'Test Derivation For PocketIC ECDSA secp256k1 key_1'.split(' ').map(utf8),
    expected: '03bca84b5629dc70a37cadb5b3cda0bfc35abc5658f1d9bf8335b10199785a3836',
  },
  {
    name: 'PocketIC ecdsa test_key_1',
    master: '03cc365e15cb552589c7175717b2ac63d1050b9bb2e5aed35432b1b1be55d3abcf',
    canister: 'uzt4z-lp777-77774-qaabq-cai',
    path: 'Test Derivation For PocketIC ECDSA secp256k1 test_key_1'.split(' ').map(utf8),
    expected: '022ff35c84bd4cf899707789cfe5db76ce4a650563e678c53e8b128cb4bf4c3763',
  },
  {
    name: 'PocketIC ecdsa dfx_test_key',
    master: '03e6f78b1a90e361c5cc9903f73bb8acbe3bc17ad01e82554d25cf0ecd70c67484',
    canister: 'uzt4z-lp777-77774-qaabq-cai',
    path: 'Test Derivation For PocketIC ECDSA secp256k1 dfx_test_key'.split(' ').map(utf8),
    expected: '03f005cf69911ae75f622ce0a621ccddba1a30ea1f6c3d67dd56acbbddb88a9374',
  },
  // PocketIC's BIP340 master keys are the same points as its ECDSA keys, per ic-pub-key.
  {
    name: 'PocketIC bip340 key_1',
    master: '036ad6e838b46811ad79c37b2f4b854b7a05f406715b2935edc5d3251e7666977b',
    canister: 'uzt4z-lp777-77774-qaabq-cai',
    path: 'Test Derivation For PocketIC Bip340secp256k1 key_1'.split(' ').map(utf8),
    expected: '024f77f16549f46e56ef2d33223487dddce3ca4fab7368e2b2cb5c03286d59756a',
  },
  {
    name: 'PocketIC bip340 test_key_1',
    master: '03cc365e15cb552589c7175717b2ac63d1050b9bb2e5aed35432b1b1be55d3abcf',
    canister: 'uzt4z-lp777-77774-qaabq-cai',
    path: 'Test Derivation For PocketIC Bip340secp256k1 test_key_1'.split(' ').map(utf8),
    expected: '029b3356b7f6070eb611f88a9a0ea1071131269ed4a6765ce8809796d048aafb33',
  },
  {
    name: 'PocketIC bip340 dfx_test_key',
    master: '03e6f78b1a90e361c5cc9903f73bb8acbe3bc17ad01e82554d25cf0ecd70c67484',
    canister: 'uzt4z-lp777-77774-qaabq-cai',
    path: 'Test Derivation For PocketIC Bip340secp256k1 dfx_test_key'.split(' ').map(utf8),
    expected: '02cf1cf363bf09db82d48a8e18a58abbc7d95a9c9e85167a6cc5dea5d81cac2904',
  },
];

for (const v of masterVectors) {
  test(`master key + canister id: ${v.name}`, () => {
    const d = deriveSecp256k1PublicKey(hex(v.master), ZERO_CHAIN_CODE, canisterPath(v.canister, v.path));
    assert.is(toHex(d.publicKey), v.expected);
  });
}

// ---------------------------------------------------------------- SLIP-0010 (private + public)

test('SLIP-0010 vector 1 (secp256k1), path 2/1000000000: secret, public key and chain code', () => {
  const chainCode = hex('04466b9cc8e161e966409ca52986c584f07e9dc81f735db683c3ff6ec7b1503f');
  const sk = hex('cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca');
  const pk = hex('0357bfe1e341d01c69fe5654309956cbea516822fba8a601743a012a7896ee8dc2');
  const bip32 = (n: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return b;
  };
  const path = [bip32(2), bip32(1000000000)];
  const priv = deriveSecp256k1SecretKey(sk, chainCode, path);
  const pub = deriveSecp256k1PublicKey(pk, chainCode, path);
  assert.is(toHex(priv.secretKey), '471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8');
  assert.is(toHex(priv.chainCode), 'c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e');
  assert.is(toHex(pub.chainCode), 'c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e');
  assert.is(toHex(pub.publicKey), '022a471424da5e657499d1ff51cb43c47481a03b1e77f951fe64cec9f5a48f7011');
  assert.is(toHex(priv.publicKey), toHex(pub.publicKey));
});

test('an uncompressed SEC1 input key derives the same key as its compressed form', () => {
  const compressed = hex('0357bfe1e341d01c69fe5654309956cbea516822fba8a601743a012a7896ee8dc2');
  const uncompressed = secp256k1.Point.fromBytes(compressed).toBytes(false);
  assert.is(uncompressed.length, 65);
  const a = deriveSecp256k1PublicKey(uncompressed, ZERO_CHAIN_CODE, [utf8('x')]);
  const b = deriveSecp256k1PublicKey(compressed, ZERO_CHAIN_CODE, [utf8('x')]);
  assert.is(toHex(a.publicKey), toHex(b.publicKey));
  assert.is(toHex(a.chainCode), toHex(b.chainCode));
});

test.run();
