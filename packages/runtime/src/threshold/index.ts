// Threshold signatures (tECDSA, tSchnorr BIP340/Ed25519) with the IC's key derivation.
export { ThresholdSigner, taprootTweakedSecret, taprootOutputKey } from './threshold-signer.ts';
export type {
  CanisterIdLike,
  SchnorrAlgorithm,
  ThresholdSignerOptions,
  PublicKeyResult,
  EcdsaPublicKeyArgs,
  SignWithEcdsaArgs,
  SchnorrPublicKeyArgs,
  SchnorrAux,
  SignWithSchnorrArgs,
} from './threshold-signer.ts';
export {
  MasterKeys,
  keyIdText,
  deriveMasterSecret,
  DEFAULT_KEY_NAMES,
  DEFAULT_REPLICA_SEED,
  THRESHOLD_SCHEMES,
} from './master-keys.ts';
export type { MasterKey, MasterKeysOptions, ThresholdScheme } from './master-keys.ts';
export {
  deriveSecp256k1PublicKey,
  deriveSecp256k1SecretKey,
  SECP256K1_ORDER,
  MAXIMUM_DERIVATION_PATH_LENGTH,
} from './ecdsa-derivation.ts';
export type { DerivedSecp256k1PublicKey, DerivedSecp256k1SecretKey } from './ecdsa-derivation.ts';
export {
  deriveEd25519PublicKey,
  deriveEd25519SecretScalar,
  ed25519PublicKeyOfScalar,
  signEd25519WithScalar,
  ED25519_ORDER,
} from './ed25519-derivation.ts';
export type { DerivedEd25519PublicKey, DerivedEd25519SecretScalar } from './ed25519-derivation.ts';
