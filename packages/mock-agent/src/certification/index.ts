// The certification layer of @mockic/mock-agent: CBOR, hash trees, the root key and node keys, the
// replica's state tree and the Certifier that signs it. The HTTP interface uses these through the
// StateCertifier contract; tests and tools may use the parts directly.
export type { NodeSigner, StateCertifier } from './certifier-api.ts';
export { Certifier, DEFAULT_CERTIFICATION_SEED, subnetKeyPair } from './certifier.ts';
export type { CertifiedState, CertifierOptions } from './certifier.ts';
export { CborError, CborTag, SelfDescribed, SELF_DESCRIBE_TAG, decode as decodeCbor, encode as encodeCbor, encodeSelfDescribed } from './cbor.ts';
export type { CborValue, DecodeOptions as CborDecodeOptions } from './cbor.ts';
export {
  EMPTY,
  buildTree,
  compareLabels,
  digest,
  fork,
  forkOf,
  hashTreeFromCbor,
  hashTreeToString,
  labeled,
  leaf,
  lookupPath,
  lookupSubtree,
  pruned,
  witness,
} from './hash-tree.ts';
export type { HashTree, Label, LabeledTree, LookupResult } from './hash-tree.ts';
export { BLS_DER_PREFIX, BLS_G1_DST, BlsKeyPair, STATE_ROOT_DOMAIN, blsPublicKeyFromDer, blsPublicKeyToDer, blsVerify } from './root-key.ts';
export type { CertificationSeed } from './root-key.ts';
export { ED25519_DER_PREFIX, Ed25519Node, ed25519PublicKeyToDer } from './node-keys.ts';
export {
  StateTreeBuilder,
  canisterRangesCbor,
  controllersCbor,
  decodeLeb128,
  leb128,
  metadataVisibility,
  requestIdOfMessageId,
  requestStatusTree,
  subnetTypeOf,
} from './state-tree.ts';
export type { SubnetKeys } from './state-tree.ts';
export { verifyCertificate } from './verify-certificate.ts';
export type { CertificateCheck } from './verify-certificate.ts';
