// The IC's key derivation for secp256k1 threshold keys (threshold ECDSA and threshold Schnorr
// BIP340): an extension of BIP32/SLIP-0010 unhardened derivation in which every path element is an
// arbitrary byte string instead of a 4-byte index. Both public keys and secret keys can be derived;
// the derived secret key is the master secret plus the summed offsets, so a public key derived from
// the master public key matches the public key of the derived secret.
//
// One step (ckd), for path element `idx` at point P with chain code c:
//   I  = HMAC-SHA512(key = c, data = SEC1-compressed(P) || idx)
//   IL = I[0..32] as a big-endian integer, IR = I[32..64]
//   if IL >= n:      retry with data = 0x01 || IR || idx        (SLIP-0010)
//   P' = P + IL·G;   if P' is the identity, retry with data = 0x01 || IR || idx
//   result: P', chain code IR, offset IL
// The replica prepends the caller's canister id to the caller's derivation_path, and uses an
// all-zero chain code for the master key (see threshold-signer.ts).
//
// API (Uint8Array in/out, synchronous):
//   deriveSecp256k1PublicKey(publicKey: SEC1 33|65 bytes, chainCode: 32 bytes, path: Uint8Array[])
//     → { publicKey: 33-byte SEC1 compressed, chainCode: 32 bytes, offset: bigint }
//   deriveSecp256k1SecretKey(secretKey: 32 bytes | bigint, chainCode, path)
//     → { secretKey: 32 bytes, publicKey: 33 bytes, chainCode: 32 bytes }
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes as concat } from '../bytes.ts';

const Point = secp256k1.Point;
type Secp256k1Point = InstanceType<typeof Point>;

/** The order of the secp256k1 group. */
export const SECP256K1_ORDER: bigint = Point.Fn.ORDER;

/** Maximum number of derivation path elements (BIP32 depth is one byte). */
export const MAXIMUM_DERIVATION_PATH_LENGTH = 255;

export interface DerivedSecp256k1PublicKey {
  /** SEC1 compressed, 33 bytes. */
  publicKey: Uint8Array;
  chainCode: Uint8Array;
  /** The sum of the per-step offsets, mod n: derived secret = master secret + offset. */
  offset: bigint;
}

export interface DerivedSecp256k1SecretKey {
  /** 32-byte big-endian scalar. */
  secretKey: Uint8Array;
  /** SEC1 compressed, 33 bytes. */
  publicKey: Uint8Array;
  chainCode: Uint8Array;
}


function checkChainCode(chainCode: Uint8Array): void {
  if (chainCode.length !== 32) throw new RangeError(`chain code must be 32 bytes, got ${chainCode.length}`);
}

/** HMAC step: returns [next chain code, offset < n]. */
function ckd(idx: Uint8Array, input: Uint8Array, chainCode: Uint8Array): [Uint8Array, bigint] {
  let data = input;
  for (;;) {
    const i = hmac(sha512, chainCode, concat(data, idx));
    const offset = bytesToNumberBE(i.subarray(0, 32));
    const nextChainCode = i.slice(32, 64);
    if (offset < SECP256K1_ORDER) return [nextChainCode, offset];
    data = concat(Uint8Array.of(0x01), nextChainCode);
  }
}

function mulBase(k: bigint): Secp256k1Point {
  return k === 0n ? Point.ZERO : Point.BASE.multiply(k);
}

/** One public derivation step: returns [next point, next chain code, offset]. */
function ckdPub(idx: Uint8Array, pt: Secp256k1Point, chainCode: Uint8Array): [Secp256k1Point, Uint8Array, bigint] {
  let input: Uint8Array = pt.toBytes(true);
  for (;;) {
    const [nextChainCode, offset] = ckd(idx, input, chainCode);
    const next = pt.add(mulBase(offset));
    if (!next.equals(Point.ZERO)) return [next, nextChainCode, offset];
    input = concat(Uint8Array.of(0x01), nextChainCode);
  }
}

function deriveFromPoint(
  master: Secp256k1Point,
  chainCode: Uint8Array,
  path: readonly Uint8Array[],
): { point: Secp256k1Point; chainCode: Uint8Array; offset: bigint } {
  checkChainCode(chainCode);
  let point = master;
  let cc: Uint8Array = Uint8Array.from(chainCode);
  let offset = 0n;
  for (const idx of path) {
    const [p, c, o] = ckdPub(idx, point, cc);
    point = p;
    cc = c;
    offset = (offset + o) % SECP256K1_ORDER;
  }
  return { point, chainCode: cc, offset };
}

/** Derive a public key (and chain code) from a SEC1-encoded public key along `path`. */
export function deriveSecp256k1PublicKey(
  publicKey: Uint8Array,
  chainCode: Uint8Array,
  path: readonly Uint8Array[],
): DerivedSecp256k1PublicKey {
  const r = deriveFromPoint(Point.fromBytes(publicKey), chainCode, path);
  return { publicKey: r.point.toBytes(true), chainCode: r.chainCode, offset: r.offset };
}

/** Derive a secret key (and its public key and chain code) from a secret scalar along `path`. */
export function deriveSecp256k1SecretKey(
  secretKey: Uint8Array | bigint,
  chainCode: Uint8Array,
  path: readonly Uint8Array[],
): DerivedSecp256k1SecretKey {
  const sk = typeof secretKey === 'bigint' ? secretKey : bytesToNumberBE(secretKey);
  if (sk <= 0n || sk >= SECP256K1_ORDER) throw new RangeError('secp256k1 secret key out of range');
  const r = deriveFromPoint(Point.BASE.multiply(sk), chainCode, path);
  const derived = (sk + r.offset) % SECP256K1_ORDER;
  return { secretKey: numberToBytesBE(derived, 32), publicKey: r.point.toBytes(true), chainCode: r.chainCode };
}
