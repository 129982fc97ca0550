// The IC's key derivation for threshold Schnorr Ed25519 keys (the scheme of the replica's
// `ic-ed25519` package): every path element is an arbitrary byte string; each step is
//   OKM    = HKDF-SHA512(ikm = encode(P) || idx, salt = chain code, info = "Ed25519", 96 bytes)
//   offset = OKM[0..64] as a big-endian integer mod ℓ
//   P'     = P + offset·G,  chain code' = OKM[64..96]
// The derived secret scalar is the master scalar plus the summed offsets (mod ℓ). Threshold Ed25519
// keys are bare scalars (no RFC 8032 seed), so signing takes a scalar: see signEd25519WithScalar.
//
// API (Uint8Array in/out, synchronous):
//   deriveEd25519PublicKey(publicKey: 32 bytes, chainCode: 32 bytes, path: Uint8Array[])
//     → { publicKey: 32 bytes, chainCode: 32 bytes, offset: bigint }
//   deriveEd25519SecretScalar(scalar: bigint, chainCode, path)
//     → { scalar: bigint, publicKey: 32 bytes, chainCode: 32 bytes }
//   ed25519PublicKeyOfScalar(scalar) → 32 bytes
//   signEd25519WithScalar(scalar, message) → 64-byte signature (R || S), verifiable by any RFC 8032
//     verifier against ed25519PublicKeyOfScalar(scalar); the nonce is deterministic.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE, bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes as concat } from '../bytes.ts';

const Point = ed25519.Point;
type EdPoint = InstanceType<typeof Point>;

/** ℓ, the order of the Ed25519 prime-order subgroup. */
export const ED25519_ORDER: bigint = Point.Fn.ORDER;

const INFO = new TextEncoder().encode('Ed25519');
const NONCE_DOMAIN = new TextEncoder().encode('mockic/threshold-ed25519-nonce/v1');

export interface DerivedEd25519PublicKey {
  publicKey: Uint8Array;
  chainCode: Uint8Array;
  offset: bigint;
}

export interface DerivedEd25519SecretScalar {
  scalar: bigint;
  publicKey: Uint8Array;
  chainCode: Uint8Array;
}


function mulBase(k: bigint): EdPoint {
  return k === 0n ? Point.ZERO : Point.BASE.multiply(k);
}

function deriveFromPoint(
  master: EdPoint,
  chainCode: Uint8Array,
  path: readonly Uint8Array[],
): { point: EdPoint; chainCode: Uint8Array; offset: bigint } {
  if (chainCode.length !== 32) throw new RangeError(`chain code must be 32 bytes, got ${chainCode.length}`);
  let point = master;
  let cc: Uint8Array = Uint8Array.from(chainCode);
  let sum = 0n;
  for (const idx of path) {
    const okm = hkdf(sha512, concat(point.toBytes(), idx), cc, INFO, 96);
    const offset = bytesToNumberBE(okm.subarray(0, 64)) % ED25519_ORDER;
    point = point.add(mulBase(offset));
    sum = (sum + offset) % ED25519_ORDER;
    cc = okm.slice(64, 96);
  }
  return { point, chainCode: cc, offset: sum };
}

/** Derive a public key (and chain code) from a 32-byte Ed25519 public key along `path`. */
export function deriveEd25519PublicKey(
  publicKey: Uint8Array,
  chainCode: Uint8Array,
  path: readonly Uint8Array[],
): DerivedEd25519PublicKey {
  const r = deriveFromPoint(Point.fromBytes(publicKey), chainCode, path);
  return { publicKey: r.point.toBytes(), chainCode: r.chainCode, offset: r.offset };
}

/** Derive a secret scalar (and its public key and chain code) from a master scalar along `path`. */
export function deriveEd25519SecretScalar(
  scalar: bigint,
  chainCode: Uint8Array,
  path: readonly Uint8Array[],
): DerivedEd25519SecretScalar {
  if (scalar <= 0n || scalar >= ED25519_ORDER) throw new RangeError('ed25519 secret scalar out of range');
  const r = deriveFromPoint(Point.BASE.multiply(scalar), chainCode, path);
  return { scalar: (scalar + r.offset) % ED25519_ORDER, publicKey: r.point.toBytes(), chainCode: r.chainCode };
}

/** The 32-byte public key a·G of a secret scalar. */
export function ed25519PublicKeyOfScalar(scalar: bigint): Uint8Array {
  return Point.BASE.multiply(scalar).toBytes();
}

/**
 * An RFC 8032 Ed25519 signature by the secret scalar `scalar` (not a seed): R = r·G,
 * S = r + SHA512(R || A || M)·a mod ℓ, with r derived deterministically from the scalar and message.
 */
export function signEd25519WithScalar(scalar: bigint, message: Uint8Array): Uint8Array {
  if (scalar <= 0n || scalar >= ED25519_ORDER) throw new RangeError('ed25519 secret scalar out of range');
  const a = numberToBytesLE(scalar, 32);
  const A = Point.BASE.multiply(scalar).toBytes();
  const nonceKey = sha512(concat(NONCE_DOMAIN, a)).subarray(0, 32);
  let r = bytesToNumberLE(sha512(concat(nonceKey, message))) % ED25519_ORDER;
  if (r === 0n) r = 1n;
  const R = Point.BASE.multiply(r).toBytes();
  const k = bytesToNumberLE(sha512(concat(R, A, message))) % ED25519_ORDER;
  const S = (r + k * scalar) % ED25519_ORDER;
  return concat(R, numberToBytesLE(S, 32));
}
