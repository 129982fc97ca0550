// Canister signatures (interface spec, "Canister signatures"): the scheme Internet Identity signs
// delegations with. The public key names the signing canister and a seed; the signature is a
// certificate of that canister's certified_data plus a hash tree whose root hash is that
// certified_data and which holds sig/<sha256(seed)>/<sha256(message)> = "". Verifying one costs a BLS
// pairing check, and an agent sends the same delegation with every call, query and status poll, so
// positive results are remembered (bounded), as the replica caches verified signatures too.
import { sha256 } from '@noble/hashes/sha2.js';
import { decode as cborDecode, type CborValue } from '../certification/cbor.ts';
import { hashTreeFromCbor, lookupPath, digest, type HashTree } from '../certification/hash-tree.ts';
import { verifyCertificate } from '../certification/verify-certificate.ts';
import { bytesEqual, concatBytes, toHex } from './request-id.ts';

const SELF_DESCRIBE_PREFIX = Uint8Array.of(0xd9, 0xd9, 0xf7);
const VERIFIED_CACHE_LIMIT = 4096;
const verified = new Set<string>();

/** A canister-signature public key (the DER BIT STRING content): |canister id| · canister id · seed. */
export function parseCanisterSignatureKey(raw: Uint8Array): { canisterId: Uint8Array; seed: Uint8Array } | undefined {
  const n = raw[0];
  if (n === undefined || n > 29 || raw.length < 1 + n) return undefined;
  return { canisterId: raw.slice(1, 1 + n), seed: raw.slice(1 + n) };
}

/**
 * Verifies canister signature `sig` over `message` for the key `raw` (BIT STRING content of the DER
 * key `der`) against the replica's root key. Returns the replica's error text, or undefined.
 */
export function verifyCanisterSignature(der: Uint8Array, raw: Uint8Array, sig: Uint8Array, message: Uint8Array, rootKeyDer: Uint8Array): string | undefined {
  const cacheKey = toHex(sha256(concatBytes(rootKeyDer, der, sha256(sig), sha256(message))));
  if (verified.has(cacheKey)) return undefined;
  const error = check(der, raw, sig, message, rootKeyDer);
  if (error === undefined) {
    if (verified.size >= VERIFIED_CACHE_LIMIT) verified.clear();
    verified.add(cacheKey);
  }
  return error;
}

function check(der: Uint8Array, raw: Uint8Array, sig: Uint8Array, message: Uint8Array, rootKeyDer: Uint8Array): string | undefined {
  const malformed = (reason: string) =>
    `Malformed signature: algorithm: IcCanisterSignature, sig_bytes: 0x${toHex(sig)}, internal_error: ${reason}`;
  const failed = (reason: string) =>
    `Signature verification failed: algorithm: IcCanisterSignature, public_key_bytes: 0x${toHex(raw)}, sig_bytes: 0x${toHex(sig)}, internal_error: ${reason}`;
  const key = parseCanisterSignatureKey(raw);
  if (!key) {
    return `Malformed public key: algorithm: IcCanisterSignature, key_bytes: 0x${toHex(der)}, internal_error: invalid canister id length`;
  }
  if (sig.length < 3 || !bytesEqual(sig.subarray(0, 3), SELF_DESCRIBE_PREFIX)) {
    return malformed("signature CBOR doesn't have a self-describing tag");
  }
  let certificate: Uint8Array;
  let tree: HashTree;
  try {
    const decoded = cborDecode(sig);
    const record = decoded as { [key: string]: CborValue };
    const cert = record && typeof record === 'object' ? record['certificate'] : undefined;
    if (!(cert instanceof Uint8Array)) throw new Error('missing field `certificate`');
    certificate = cert;
    tree = hashTreeFromCbor(record['tree']);
  } catch (e) {
    return malformed(`failed to parse signature CBOR: ${e instanceof Error ? e.message : String(e)}`);
  }
  const cert = verifyCertificate(certificate, rootKeyDer, key.canisterId);
  if (!cert.ok) return cert.malformed ? malformed(`malformed certificate: ${cert.reason}`) : failed(`certificate verification failed: ${cert.reason}`);
  const certified = lookupPath(['canister', key.canisterId, 'certified_data'], cert.tree);
  if (certified.status !== 'found' || !bytesEqual(certified.value, digest(tree))) {
    return failed('certificate verification failed: the certified data of the signing canister does not match the root hash of the signature tree');
  }
  const seedHash = sha256(key.seed);
  const messageHash = sha256(message);
  const entry = lookupPath(['sig', seedHash, messageHash], tree);
  if (entry.status !== 'found' || entry.value.length !== 0) {
    return failed(`the signature tree doesn't contain sig/${toHex(seedHash)}/${toHex(messageHash)} path`);
  }
  return undefined;
}
