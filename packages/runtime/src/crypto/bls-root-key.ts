// The replica's root key (DESIGN decision 7): a BLS12-381 key pair derived from a seed (the same seed
// gives the same root key, so a test or a dev server can pin it). The root subnet's id is the
// self-authenticating principal of its DER form, as on the IC, so agents find the subnet's node keys
// and canister ranges where they look for them. Its public key is DER-wrapped exactly as the
// IC's root key its public key DER-wrapped exactly as the
// IC's root key (agents compare the 37-byte prefix before the 96-byte G2 point), and signatures on
// `\x0Dic-state-root` ‖ root_hash in the IC's "min-sig" scheme: signatures in G1 (48 bytes), keys
// in G2, hash-to-curve with DST BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_ (what agents verify).
import { createHash } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { concatBytes as concat, fromHex as hexToBytes } from '../bytes.ts';

export { concat, hexToBytes };

/** The default seed of the root key: fixed, so a dev server's root key survives restarts. */
export const DEFAULT_ROOT_KEY_SEED = 'mockic certification';

/** A seed as ReplicaOptions takes it. */
export type CertificationSeed = Uint8Array | string | bigint | number;

/** DER prefix of an IC BLS12-381 G2 public key (SubjectPublicKeyInfo with the IC's OIDs). */
export const BLS_DER_PREFIX = hexToBytes('308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100');
/** Domain separator of certificate signatures: length byte 13 and "ic-state-root". */
export const STATE_ROOT_DOMAIN = Uint8Array.from([13, ...new TextEncoder().encode('ic-state-root')]);
/** Hash-to-curve DST of IC signatures (BLS signatures in G1, "min-sig"). */
export const BLS_G1_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

const G1 = bls12_381.shortSignatures;



/** The bytes of a seed (text as UTF-8, numbers in decimal). */
export function seedBytes(seed: CertificationSeed): Uint8Array {
  if (seed instanceof Uint8Array) return seed;
  return new TextEncoder().encode(typeof seed === 'string' ? seed : `#${seed.toString()}`);
}

/** `n` bytes derived from `seed` for `purpose` (SHA-512 of purpose, separator and seed). */
export function deriveBytes(seed: CertificationSeed, purpose: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let block = 0, off = 0; off < n; block++) {
    const h = createHash('sha512').update(`mockic ${purpose} #${block}\0`).update(seedBytes(seed)).digest();
    out.set(h.subarray(0, Math.min(h.length, n - off)), off);
    off += h.length;
  }
  return out;
}

/** The DER wrapping of a raw 96-byte G2 public key, as /api/v2/status serves the root key. */
export function blsPublicKeyToDer(raw: Uint8Array): Uint8Array {
  if (raw.length !== 96) throw new Error(`a BLS12-381 G2 public key has 96 bytes, not ${raw.length}`);
  return concat(BLS_DER_PREFIX, raw);
}

/** The raw key inside a DER-wrapped BLS public key; throws on another prefix or length. */
export function blsPublicKeyFromDer(der: Uint8Array): Uint8Array {
  const prefix = der.subarray(0, BLS_DER_PREFIX.length);
  if (der.length !== BLS_DER_PREFIX.length + 96 || !prefix.every((b, i) => b === BLS_DER_PREFIX[i])) {
    throw new Error('not a DER-encoded BLS12-381 G2 public key');
  }
  return der.slice(BLS_DER_PREFIX.length);
}

/** A BLS12-381 key pair that signs state roots (the root key, or a subnet's key). */
export class BlsKeyPair {
  readonly publicKeyRaw: Uint8Array;
  readonly publicKeyDer: Uint8Array;
  private readonly secretKey: Uint8Array;

  private constructor(secretKey: Uint8Array) {
    this.secretKey = secretKey;
    this.publicKeyRaw = G1.getPublicKey(secretKey).toBytes(true);
    this.publicKeyDer = blsPublicKeyToDer(this.publicKeyRaw);
  }

  /** The key pair of `seed` (and `purpose`, so several keys come from one seed). */
  static fromSeed(seed: CertificationSeed, purpose = 'root key'): BlsKeyPair {
    return new BlsKeyPair(G1.keygen(deriveBytes(seed, purpose, 48)).secretKey);
  }

  /** Signs `message` (48-byte compressed G1 point). */
  sign(message: Uint8Array): Uint8Array {
    return G1.sign(G1.hash(message, BLS_G1_DST), this.secretKey).toBytes(true);
  }

  /** The certificate signature on a state tree's root hash: sign(`\x0Dic-state-root` ‖ root_hash). */
  signStateRoot(rootHash: Uint8Array): Uint8Array {
    return this.sign(concat(STATE_ROOT_DOMAIN, rootHash));
  }
}

/** Verifies a min-sig BLS signature (public key raw G2 or DER). */
export function blsVerify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  const raw = publicKey.length === 96 ? publicKey : blsPublicKeyFromDer(publicKey);
  try {
    return G1.verify(signature, G1.hash(message, BLS_G1_DST), raw);
  } catch {
    return false;
  }
}
