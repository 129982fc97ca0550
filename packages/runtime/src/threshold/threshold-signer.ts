// Threshold signatures of the management canister, computed in one process: the work behind
// ecdsa_public_key, sign_with_ecdsa, schnorr_public_key and sign_with_schnorr. The caller (the
// management canister dispatcher) decodes the Candid arguments, resolves the canister id (the
// `canister_id` argument or the calling canister), charges fees, and encodes the result; this class
// does the cryptography with the IC's key derivation:
//   derivation path = [canister id bytes, ...derivation_path]   (the canister id comes first)
//   master chain code = 32 zero bytes
//   secp256k1 (ECDSA and BIP340): BIP32-style derivation, see ecdsa-derivation.ts
//   Ed25519: HKDF-SHA512 derivation, see ed25519-derivation.ts
// Public keys and chain codes therefore match what the IC would return for the same master key, and
// the published mainnet/PocketIC vectors are reproduced by the derivation modules' tests.
//
// API (synchronous; Uint8Array in/out; canisterId is the raw principal bytes or any object with
// toUint8Array(), e.g. a Principal):
//   new ThresholdSigner({ seed?, keyNames?, otherKeyIds? })
//   ecdsaPublicKey({ canisterId, derivationPath, keyName })
//     → { publicKey: 33-byte SEC1 compressed, chainCode: 32 bytes }
//   signWithEcdsa({ canisterId, messageHash: 32 bytes, derivationPath, keyName })
//     → 64 bytes r || s, low-s (RFC 6979 nonce: deterministic)
//   schnorrPublicKey({ canisterId, derivationPath, keyName, algorithm: 'bip340secp256k1' | 'ed25519' })
//     → { publicKey: 33-byte SEC1 compressed (bip340) | 32 bytes (ed25519), chainCode }
//   signWithSchnorr({ canisterId, message, derivationPath, keyName, algorithm,
//                     aux?: { bip341: { merkle_root_hash: 0 or 32 bytes } } })
//     → 64 bytes: a BIP340 signature (by the key tweaked as BIP341 says when aux.bip341 is given:
//       t = TaggedHash("TapTweak", x(P) || merkle_root_hash), so it verifies against the taproot
//       output key x(P + t·G)), or an RFC 8032 Ed25519 signature.
// Failures throw UserError (error code IC0406 CanisterRejectedMessage, reject code
// CANISTER_REJECT). An unknown key name gets the replica's routing error:
//   Unable to route management canister request sign_with_ecdsa: ChainKeyError("Requested unknown
//   threshold key: ecdsa:Secp256k1:foo, existing keys: [ecdsa:Secp256k1:dfx_test_key, ...]")
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { ErrorCode } from '../errors/error-code.ts';
import { UserError } from '../errors/user-error.ts';
import {
  MAXIMUM_DERIVATION_PATH_LENGTH,
  SECP256K1_ORDER,
  deriveSecp256k1SecretKey,
} from './ecdsa-derivation.ts';
import { deriveEd25519SecretScalar, signEd25519WithScalar } from './ed25519-derivation.ts';
import { MasterKeys, keyIdText, type MasterKey, type ThresholdScheme } from './master-keys.ts';

export type CanisterIdLike = Uint8Array | { toUint8Array(): Uint8Array };
export type SchnorrAlgorithm = 'bip340secp256k1' | 'ed25519';

export interface ThresholdSignerOptions {
  /** Replica seed the master keys come from; default DEFAULT_REPLICA_SEED. */
  seed?: Uint8Array;
  /** Key names held for every scheme; default dfx_test_key, test_key_1, key_1. */
  keyNames?: readonly string[];
  /** Further key ids to list in the unknown-key error (e.g. "vetkd:Bls12_381_G2:dfx_test_key"). */
  otherKeyIds?: readonly string[];
}

export interface PublicKeyResult {
  publicKey: Uint8Array;
  chainCode: Uint8Array;
}

export interface EcdsaPublicKeyArgs {
  canisterId: CanisterIdLike;
  derivationPath: readonly Uint8Array[];
  keyName: string;
}

export interface SignWithEcdsaArgs extends EcdsaPublicKeyArgs {
  messageHash: Uint8Array;
}

export interface SchnorrPublicKeyArgs {
  canisterId: CanisterIdLike;
  derivationPath: readonly Uint8Array[];
  keyName: string;
  algorithm: SchnorrAlgorithm;
}

export interface SchnorrAux {
  bip341: { merkle_root_hash: Uint8Array };
}

export interface SignWithSchnorrArgs extends SchnorrPublicKeyArgs {
  message: Uint8Array;
  aux?: SchnorrAux | null;
}

const AUX_RAND = new Uint8Array(32);

function canisterBytes(id: CanisterIdLike): Uint8Array {
  return id instanceof Uint8Array ? id : id.toUint8Array();
}

function rejected(message: string): UserError {
  return new UserError(ErrorCode.CanisterRejectedMessage, message);
}

function schemeOf(algorithm: SchnorrAlgorithm): ThresholdScheme {
  switch (algorithm) {
    case 'bip340secp256k1':
      return 'schnorr-bip340secp256k1';
    case 'ed25519':
      return 'schnorr-ed25519';
    default:
      throw rejected(`Unknown Schnorr algorithm: ${String(algorithm)}`);
  }
}

export class ThresholdSigner {
  readonly masterKeys: MasterKeys;
  private readonly otherKeyIds: readonly string[];

  constructor(options: ThresholdSignerOptions = {}) {
    const keyOptions: { seed?: Uint8Array; keyNames?: readonly string[] } = {};
    if (options.seed !== undefined) keyOptions.seed = options.seed;
    if (options.keyNames !== undefined) keyOptions.keyNames = options.keyNames;
    this.masterKeys = new MasterKeys(keyOptions);
    this.otherKeyIds = options.otherKeyIds ?? [];
  }

  /** Every key id this subnet holds, sorted as the replica lists them. */
  existingKeyIds(): string[] {
    return [...this.masterKeys.keyIds(), ...this.otherKeyIds].sort(compareKeyIds);
  }

  /** The master public key and (zero) chain code of a key, e.g. for offline derivation in a test. */
  masterPublicKey(scheme: ThresholdScheme, keyName: string): PublicKeyResult {
    const key = this.key(scheme, keyName, 'master_public_key');
    return { publicKey: Uint8Array.from(key.publicKey), chainCode: Uint8Array.from(key.chainCode) };
  }

  ecdsaPublicKey(args: EcdsaPublicKeyArgs): PublicKeyResult {
    const key = this.key('ecdsa-secp256k1', args.keyName, 'ecdsa_public_key');
    const d = deriveSecp256k1SecretKey(key.secret, key.chainCode, this.path(args.canisterId, args.derivationPath));
    return { publicKey: d.publicKey, chainCode: d.chainCode };
  }

  signWithEcdsa(args: SignWithEcdsaArgs): Uint8Array {
    // Routing (the key lookup) comes before execution's argument checks, as in the replica.
    const key = this.key('ecdsa-secp256k1', args.keyName, 'sign_with_ecdsa');
    if (args.messageHash.length !== 32) throw rejected('message_hash must be 32 bytes');
    const d = deriveSecp256k1SecretKey(key.secret, key.chainCode, this.path(args.canisterId, args.derivationPath));
    return secp256k1.sign(args.messageHash, d.secretKey, { prehash: false, lowS: true });
  }

  schnorrPublicKey(args: SchnorrPublicKeyArgs): PublicKeyResult {
    const scheme = schemeOf(args.algorithm);
    const key = this.key(scheme, args.keyName, 'schnorr_public_key');
    const path = this.path(args.canisterId, args.derivationPath);
    if (scheme === 'schnorr-ed25519') {
      const d = deriveEd25519SecretScalar(key.secret, key.chainCode, path);
      return { publicKey: d.publicKey, chainCode: d.chainCode };
    }
    const d = deriveSecp256k1SecretKey(key.secret, key.chainCode, path);
    return { publicKey: d.publicKey, chainCode: d.chainCode };
  }

  signWithSchnorr(args: SignWithSchnorrArgs): Uint8Array {
    const scheme = schemeOf(args.algorithm);
    const key = this.key(scheme, args.keyName, 'sign_with_schnorr');
    const path = this.path(args.canisterId, args.derivationPath);
    const aux = args.aux ?? undefined;
    if (scheme === 'schnorr-ed25519') {
      if (aux !== undefined) throw rejected('sign_with_schnorr: auxiliary inputs are only supported for bip340secp256k1');
      const d = deriveEd25519SecretScalar(key.secret, key.chainCode, path);
      return signEd25519WithScalar(d.scalar, args.message);
    }
    const d = deriveSecp256k1SecretKey(key.secret, key.chainCode, path);
    if (aux === undefined) return schnorr.sign(args.message, d.secretKey, AUX_RAND);
    const root = aux.bip341.merkle_root_hash;
    if (root.length !== 0 && root.length !== 32) {
      throw rejected(`sign_with_schnorr: the bip341 merkle_root_hash must be 0 or 32 bytes, got ${root.length}`);
    }
    return schnorr.sign(args.message, taprootTweakedSecret(d.secretKey, root), AUX_RAND);
  }

  private key(scheme: ThresholdScheme, keyName: string, method: string): MasterKey {
    const key = this.masterKeys.get(scheme, keyName);
    if (key !== undefined) return key;
    const existing = this.existingKeyIds().join(', ');
    throw rejected(
      `Unable to route management canister request ${method}: ChainKeyError("Requested unknown threshold key: ` +
        `${keyIdText(scheme, keyName)}, existing keys: [${existing}]")`,
    );
  }

  private path(canisterId: CanisterIdLike, derivationPath: readonly Uint8Array[]): Uint8Array[] {
    if (derivationPath.length > MAXIMUM_DERIVATION_PATH_LENGTH) {
      throw rejected(
        `derivation_path has ${derivationPath.length} elements, more than the maximum of ${MAXIMUM_DERIVATION_PATH_LENGTH}`,
      );
    }
    return [canisterBytes(canisterId), ...derivationPath];
  }
}

/**
 * The BIP341 key-path secret for `secretKey` and a taproot merkle root (empty: no script tree):
 * d' = d̂ + t mod n, with d̂ = d or n - d so that d̂·G has an even y, and
 * t = TaggedHash("TapTweak", x(d̂·G) || merkleRoot).
 */
export function taprootTweakedSecret(secretKey: Uint8Array, merkleRoot: Uint8Array): Uint8Array {
  const n = SECP256K1_ORDER;
  let d = bytesToNumberBE(secretKey);
  const P = secp256k1.Point.BASE.multiply(d);
  if (P.toAffine().y % 2n !== 0n) d = n - d;
  const xOnly = P.toBytes(true).subarray(1);
  const t = bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', xOnly, merkleRoot));
  if (t >= n) throw rejected('sign_with_schnorr: the taproot tweak is not a valid scalar');
  const tweaked = (d + t) % n;
  if (tweaked === 0n) throw rejected('sign_with_schnorr: the taproot tweak gives the zero key');
  return numberToBytesBE(tweaked, 32);
}

/**
 * The BIP341 output key x(P + t·G) (32 bytes) of a SEC1 public key and a taproot merkle root: what a
 * signature from signWithSchnorr with aux.bip341 verifies against.
 */
export function taprootOutputKey(publicKey: Uint8Array, merkleRoot: Uint8Array): Uint8Array {
  const xOnly = secp256k1.Point.fromBytes(publicKey).toBytes(true).subarray(1);
  const even = schnorr.utils.lift_x(bytesToNumberBE(xOnly));
  const t = bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', xOnly, merkleRoot));
  return even.add(secp256k1.Point.BASE.multiply(t)).toBytes(true).subarray(1);
}

const SCHEME_RANK: Record<string, number> = { ecdsa: 0, schnorr: 1, vetkd: 2 };
const CURVE_RANK: Record<string, number> = { Bip340Secp256k1: 0, Ed25519: 1 };

/** The replica's key id order: by kind (ecdsa, schnorr, vetkd), then curve/algorithm, then name. */
function compareKeyIds(a: string, b: string): number {
  const [ka = '', ca = '', ...na] = a.split(':');
  const [kb = '', cb = '', ...nb] = b.split(':');
  const rank = (SCHEME_RANK[ka] ?? 9) - (SCHEME_RANK[kb] ?? 9);
  if (rank !== 0) return rank;
  const curve = (CURVE_RANK[ca] ?? 0) - (CURVE_RANK[cb] ?? 0);
  if (curve !== 0) return curve;
  const nameA = na.join(':');
  const nameB = nb.join(':');
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}
