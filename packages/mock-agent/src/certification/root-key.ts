// The root key lives with the replica (@mockic/runtime): the root subnet's id derives from it.
// Re-exported here so the certification layer keeps one import path.
export {
  BLS_DER_PREFIX,
  STATE_ROOT_DOMAIN,
  BLS_G1_DST,
  BlsKeyPair,
  blsPublicKeyToDer,
  blsPublicKeyFromDer,
  blsVerify,
  deriveBytes,
  seedBytes,
  hexToBytes,
  concat,
} from '@mockic/runtime';
export type { CertificationSeed } from '@mockic/runtime';
