// The subnet's threshold master keys, in one process: for every key name (by default dfx_test_key,
// test_key_1 and key_1, the names a local replica / PocketIC holds) one secret per scheme —
// ECDSA secp256k1, Schnorr BIP340 secp256k1, Schnorr Ed25519 — derived deterministically from a
// replica seed, so the same seed gives the same keys in every run and a different seed different
// keys. On the IC these secrets are secret-shared among the subnet's nodes; here there is one
// process, so the secret scalar simply exists. The master chain code is all zeros, as on the IC.
//
// Master secret = HMAC-SHA512(key = seed, "mockic/threshold-master-key/v1\0" || key id text)
// as a big-endian integer, reduced into [1, n-1] (n: the curve's group order). The key id text is
// the replica's: "ecdsa:Secp256k1:<name>", "schnorr:Bip340Secp256k1:<name>",
// "schnorr:Ed25519:<name>".
//
// API:
//   new MasterKeys({ seed?: Uint8Array, keyNames?: readonly string[] })
//   .get(scheme, name) → MasterKey | undefined    .keyIds() → string[] (the replica's order)
//   keyIdText(scheme, name) → string               DEFAULT_KEY_NAMES, DEFAULT_REPLICA_SEED
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ED25519_ORDER, ed25519PublicKeyOfScalar } from './ed25519-derivation.ts';
import { SECP256K1_ORDER } from './ecdsa-derivation.ts';

/** The three threshold schemes of the management canister. */
export type ThresholdScheme = 'ecdsa-secp256k1' | 'schnorr-bip340secp256k1' | 'schnorr-ed25519';

export const THRESHOLD_SCHEMES: readonly ThresholdScheme[] = [
  'ecdsa-secp256k1',
  'schnorr-bip340secp256k1',
  'schnorr-ed25519',
];

/** The key names a local replica (dfx, PocketIC) holds for every scheme. */
export const DEFAULT_KEY_NAMES: readonly string[] = ['dfx_test_key', 'test_key_1', 'key_1'];

/** The seed a replica uses when it is given none. */
export const DEFAULT_REPLICA_SEED: Uint8Array = sha256(new TextEncoder().encode('mockic default replica seed'));

const DOMAIN = 'mockic/threshold-master-key/v1\0';

export interface MasterKey {
  scheme: ThresholdScheme;
  name: string;
  /** "ecdsa:Secp256k1:key_1" etc., as the replica prints key ids. */
  keyId: string;
  /** The secret scalar, in [1, n-1]. */
  secret: bigint;
  /** SEC1 compressed (33 bytes) for the secp256k1 schemes, 32 bytes for Ed25519. */
  publicKey: Uint8Array;
  /** 32 zero bytes. */
  chainCode: Uint8Array;
}

export interface MasterKeysOptions {
  /** Any bytes; default DEFAULT_REPLICA_SEED. */
  seed?: Uint8Array;
  /** Default DEFAULT_KEY_NAMES. */
  keyNames?: readonly string[];
}

/** The replica's textual key id. */
export function keyIdText(scheme: ThresholdScheme, name: string): string {
  switch (scheme) {
    case 'ecdsa-secp256k1':
      return `ecdsa:Secp256k1:${name}`;
    case 'schnorr-bip340secp256k1':
      return `schnorr:Bip340Secp256k1:${name}`;
    case 'schnorr-ed25519':
      return `schnorr:Ed25519:${name}`;
  }
}

function orderOf(scheme: ThresholdScheme): bigint {
  return scheme === 'schnorr-ed25519' ? ED25519_ORDER : SECP256K1_ORDER;
}

/** The master secret scalar for (seed, scheme, name). */
export function deriveMasterSecret(seed: Uint8Array, scheme: ThresholdScheme, name: string): bigint {
  const label = new TextEncoder().encode(DOMAIN + keyIdText(scheme, name));
  const wide = bytesToNumberBE(hmac(sha512, seed, label));
  const n = orderOf(scheme);
  return (wide % (n - 1n)) + 1n;
}

function publicKeyOf(scheme: ThresholdScheme, secret: bigint): Uint8Array {
  return scheme === 'schnorr-ed25519'
    ? ed25519PublicKeyOfScalar(secret)
    : secp256k1.Point.BASE.multiply(secret).toBytes(true);
}

export class MasterKeys {
  readonly seed: Uint8Array;
  readonly keyNames: readonly string[];
  private readonly keys = new Map<string, MasterKey>();

  constructor(options: MasterKeysOptions = {}) {
    this.seed = Uint8Array.from(options.seed ?? DEFAULT_REPLICA_SEED);
    this.keyNames = [...(options.keyNames ?? DEFAULT_KEY_NAMES)];
  }

  /** The master key of `scheme` named `name`, or undefined if the subnet holds no such key. */
  get(scheme: ThresholdScheme, name: string): MasterKey | undefined {
    if (!this.keyNames.includes(name)) return undefined;
    const keyId = keyIdText(scheme, name);
    let key = this.keys.get(keyId);
    if (key === undefined) {
      const secret = deriveMasterSecret(this.seed, scheme, name);
      key = { scheme, name, keyId, secret, publicKey: publicKeyOf(scheme, secret), chainCode: new Uint8Array(32) };
      this.keys.set(keyId, key);
    }
    return key;
  }

  /**
   * Every key id held, in the replica's order (ECDSA before Schnorr, BIP340 before Ed25519, then
   * by name), as its "existing keys" listing prints them.
   */
  keyIds(): string[] {
    const names = [...this.keyNames].sort();
    return THRESHOLD_SCHEMES.flatMap((scheme) => names.map((name) => keyIdText(scheme, name)));
  }
}
