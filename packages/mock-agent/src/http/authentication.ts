// Who sent a request, and may they: the replica's ingress validation of the authentication envelope
// (IC interface spec, "Authentication" and "Signatures"). Anonymous requests carry no key and no
// signature; every other sender must be the self-authenticating principal of `sender_pubkey`
// (SHA-224 of the DER key ‖ 0x02), and `sender_sig` must verify over `\x0Aic-request` ‖ request id
// with the key the delegation chain ends in. Supported keys: Ed25519, ECDSA P-256 and secp256k1
// (DER SubjectPublicKeyInfo, raw r‖s signatures over SHA-256), and WebAuthn (COSE EC2 P-256 and RSA
// RS256 keys wrapped in DER, CBOR signatures whose clientDataJSON challenge is the signed message), and canister
// signatures (Internet Identity's delegations; checked against the replica's root key). Delegations
// are signed over `\x1Aic-request-auth-delegation` ‖ hash_of_map(delegation), must not be expired
// at replica time, and their `targets` narrow the canisters the request may reach. Error texts
// follow the replica's RequestValidationError display (rs/validator/src/ingress_validation.rs).
import { createPublicKey, verify as rsaVerify } from 'node:crypto';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha224, sha256 } from '@noble/hashes/sha2.js';
import { decode as cborDecode, type CborValue } from '../certification/cbor.ts';
import { verifyCanisterSignature } from './canister-signature.ts';
import { bytesEqual, concatBytes, hashOfMap, toHex, type HashableValue } from './request-id.ts';

/** `\x0Aic-request`: the domain separator of request signatures. */
export const IC_REQUEST_DOMAIN = Uint8Array.from([0x0a, ...new TextEncoder().encode('ic-request')]);
/** `\x1Aic-request-auth-delegation`: the domain separator of delegation signatures. */
export const IC_DELEGATION_DOMAIN = Uint8Array.from([0x1a, ...new TextEncoder().encode('ic-request-auth-delegation')]);
/** `\x0Bic-response`: the domain separator of node signatures on query responses. */
export const IC_RESPONSE_DOMAIN = Uint8Array.from([0x0b, ...new TextEncoder().encode('ic-response')]);

/** At most this many delegations in a chain, and this many targets in one delegation. */
export const MAX_DELEGATIONS = 20;
export const MAX_DELEGATION_TARGETS = 1000;

/** One entry of `sender_delegation`, as decoded from the envelope. */
export interface SignedDelegation {
  delegation: { pubkey: Uint8Array; expiration: bigint; targets?: Uint8Array[] };
  signature: Uint8Array;
}

export interface EnvelopeAuthentication {
  /** `content.sender` (principal bytes). */
  sender: Uint8Array;
  /** The request id the signature covers. */
  requestId: Uint8Array;
  senderPubkey?: Uint8Array;
  senderSig?: Uint8Array;
  senderDelegation?: SignedDelegation[];
}

/** Canister ids (lowercase hex of their bytes) the request may act on, or all of them. */
export type CanisterIdSet = { kind: 'all' } | { kind: 'some'; ids: Set<string> };

export type AuthenticationResult = { ok: true; targets: CanisterIdSet } | { ok: false; message: string };

export interface VerificationContext {
  /** The replica's DER-encoded root key: canister signatures carry certificates signed under it. */
  rootKeyDer?: Uint8Array;
}

export function canisterIdSetContains(set: CanisterIdSet, canisterId: Uint8Array): boolean {
  return set.kind === 'all' || set.ids.has(toHex(canisterId));
}

/** The self-authenticating principal of a DER-encoded public key. */
export function selfAuthenticatingPrincipal(derPublicKey: Uint8Array): Principal {
  return Principal.fromUint8Array(concatBytes(sha224(derPublicKey), Uint8Array.of(0x02)));
}

/**
 * Validates the authentication part of a request at replica time `now` (nanoseconds). Returns the
 * canisters the request may target, or the replica's error text (served with HTTP 400).
 */
export function authenticate(auth: EnvelopeAuthentication, now: bigint, context: VerificationContext = {}): AuthenticationResult {
  const sender = Principal.fromUint8Array(auth.sender);
  const anonymous = sender.isAnonymous();
  if (auth.senderSig === undefined || auth.senderPubkey === undefined) {
    if (auth.senderSig === undefined && auth.senderPubkey === undefined && (auth.senderDelegation?.length ?? 0) === 0) {
      if (anonymous) return { ok: true, targets: { kind: 'all' } };
      return fail(`Missing signature from user: ${sender.toText()}`);
    }
    if (anonymous) return fail('Signature is not allowed for the anonymous user');
    return fail(`Missing signature from user: ${sender.toText()}`);
  }
  if (anonymous) return fail('Signature is not allowed for the anonymous user');
  if (!bytesEqual(selfAuthenticatingPrincipal(auth.senderPubkey).toUint8Array(), auth.sender)) {
    return fail(`The user id ${sender.toText()} does not match the public key ${toHex(auth.senderPubkey)}`);
  }
  const delegations = auth.senderDelegation ?? [];
  for (const d of delegations) {
    if (d.delegation.expiration < now) {
      return fail(
        `Invalid delegation expiry: Specified sender delegation has expired:\n` +
          `Provided expiry:    ${formatTime(d.delegation.expiration)}\n` +
          `Local replica time: ${formatTime(now)}`,
      );
    }
  }
  if (delegations.length > MAX_DELEGATIONS) {
    return fail(`Invalid delegation: Chain of delegations is too long: got ${delegations.length} delegations, but at most ${MAX_DELEGATIONS} are allowed`);
  }
  let targets = { kind: 'all' } as CanisterIdSet;
  let pubkey = auth.senderPubkey;
  const seen = new Set<string>([toHex(pubkey)]);
  for (const d of delegations) {
    const message = concatBytes(IC_DELEGATION_DOMAIN, hashOfMap(delegationMap(d.delegation)));
    const error = verifySignature(pubkey, d.signature, message, context);
    if (error) return fail(`Invalid delegation: ${error}`);
    const next = d.delegation.pubkey;
    const key = toHex(next);
    if (seen.has(key)) {
      return fail(`Invalid delegation: Chain of delegations contains at least one cycle: first repeating public key encountered 0x${key}`);
    }
    seen.add(key);
    if (d.delegation.targets !== undefined) {
      if (d.delegation.targets.length > MAX_DELEGATION_TARGETS) {
        return fail(
          `Invalid delegation: Delegation target error: expected at most ${MAX_DELEGATION_TARGETS} targets per delegation, but got ${d.delegation.targets.length}`,
        );
      }
      const ids = new Set(d.delegation.targets.map(toHex));
      const previous: CanisterIdSet = targets;
      targets = previous.kind === 'all' ? { kind: 'some', ids } : { kind: 'some', ids: new Set([...previous.ids].filter((t: string) => ids.has(t))) };
    }
    pubkey = next;
  }
  const error = verifySignature(pubkey, auth.senderSig, concatBytes(IC_REQUEST_DOMAIN, auth.requestId), context);
  if (error) return fail(`Invalid signature: ${error}`);
  return { ok: true, targets };
}

function fail(message: string): AuthenticationResult {
  return { ok: false, message };
}

function delegationMap(d: SignedDelegation['delegation']): { [key: string]: HashableValue | undefined } {
  return { pubkey: d.pubkey, expiration: d.expiration, targets: d.targets };
}

// ------------------------------------------------------------------ public keys and signatures

type ParsedKey =
  | { kind: 'ed25519'; key: Uint8Array }
  | { kind: 'p256' | 'secp256k1'; key: Uint8Array }
  | { kind: 'webauthn-p256'; key: Uint8Array }
  | { kind: 'webauthn-rsa'; n: Uint8Array; e: Uint8Array }
  | { kind: 'canister-signature'; key: Uint8Array }
  | { kind: 'unsupported'; reason: string };

const OID_ED25519 = '2b6570';
const OID_EC_PUBLIC_KEY = '2a8648ce3d0201';
const OID_P256 = '2a8648ce3d030107';
const OID_SECP256K1 = '2b8104000a';
const OID_COSE = '2b0601040183b8430101';
const OID_CANISTER_SIG = '2b0601040183b8430102';
const OID_RSA = '2a864886f70d010101';

/** Verifies `sig` over `message` with a DER public key; returns the replica's error text or undefined. */
export function verifySignature(derKey: Uint8Array, sig: Uint8Array, message: Uint8Array, context: VerificationContext = {}): string | undefined {
  const key = parsePublicKey(derKey);
  switch (key.kind) {
    case 'unsupported':
      return `Invalid public key: Malformed public key: algorithm: Placeholder, key_bytes: 0x${toHex(derKey)}, internal_error: ${key.reason}`;
    case 'ed25519':
      return safeVerify(() => ed25519.verify(sig, message, key.key)) ? undefined : basicSigError('Ed25519', derKey, sig);
    case 'p256':
      return safeVerify(() => sig.length === 64 && p256.verify(sig, message, key.key, { lowS: false })) ? undefined : basicSigError('EcdsaP256', derKey, sig);
    case 'secp256k1':
      return safeVerify(() => sig.length === 64 && secp256k1.verify(sig, message, key.key, { lowS: false }))
        ? undefined
        : basicSigError('EcdsaSecp256k1', derKey, sig);
    case 'webauthn-p256':
    case 'webauthn-rsa':
      return verifyWebAuthn(key, sig, message);
    case 'canister-signature': {
      if (!context.rootKeyDer) return 'Invalid canister signature: no root key to verify the certificate against';
      const error = verifyCanisterSignature(derKey, key.key, sig, message, context.rootKeyDer);
      return error === undefined ? undefined : `Invalid canister signature: ${error}`;
    }
  }
}

function basicSigError(algorithm: string, key: Uint8Array, sig: Uint8Array): string {
  return `Invalid basic signature: Signature verification failed: algorithm: ${algorithm}, public_key_bytes: 0x${toHex(key)}, sig_bytes: 0x${toHex(sig)}, internal_error: signature verification failed`;
}

function safeVerify(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

/** Parses a DER SubjectPublicKeyInfo into the key kind and its raw key bytes. */
export function parsePublicKey(der: Uint8Array): ParsedKey {
  try {
    const spki = readTlv(der, 0);
    if (spki.tag !== 0x30 || spki.end !== der.length) return { kind: 'unsupported', reason: 'not a DER SubjectPublicKeyInfo' };
    const algo = readTlv(der, spki.start);
    if (algo.tag !== 0x30) return { kind: 'unsupported', reason: 'missing AlgorithmIdentifier' };
    const oid = readTlv(der, algo.start);
    if (oid.tag !== 0x06) return { kind: 'unsupported', reason: 'missing algorithm OID' };
    const oidHex = toHex(der.subarray(oid.start, oid.end));
    let param: string | undefined;
    if (oid.end < algo.end) {
      const p = readTlv(der, oid.end);
      if (p.tag === 0x06) param = toHex(der.subarray(p.start, p.end));
    }
    const bits = readTlv(der, algo.end);
    if (bits.tag !== 0x03 || der[bits.start] !== 0) return { kind: 'unsupported', reason: 'missing public key BIT STRING' };
    const raw = der.slice(bits.start + 1, bits.end);
    switch (oidHex) {
      case OID_ED25519:
        return raw.length === 32 ? { kind: 'ed25519', key: raw } : { kind: 'unsupported', reason: 'Ed25519 key of wrong length' };
      case OID_EC_PUBLIC_KEY:
        if (param === OID_P256) return { kind: 'p256', key: raw };
        if (param === OID_SECP256K1) return { kind: 'secp256k1', key: raw };
        return { kind: 'unsupported', reason: 'unsupported ECDSA curve' };
      case OID_COSE:
        return coseKey(raw);
      case OID_CANISTER_SIG:
        return { kind: 'canister-signature', key: raw };
      case OID_RSA:
        return { kind: 'unsupported', reason: 'RSA signatures are not allowed except in webauthn context' };
      default:
        return { kind: 'unsupported', reason: `unknown algorithm OID ${oidHex}` };
    }
  } catch (e) {
    return { kind: 'unsupported', reason: e instanceof Error ? e.message : String(e) };
  }
}

function readTlv(b: Uint8Array, pos: number): { tag: number; start: number; end: number } {
  if (pos + 2 > b.length) throw new Error('truncated DER');
  const tag = b[pos] as number;
  let len = b[pos + 1] as number;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (b[start + i] as number);
    start += n;
  }
  const end = start + len;
  if (end > b.length) throw new Error('truncated DER');
  return { tag, start, end };
}

/** A COSE_Key (RFC 8152) of kty EC2, crv P-256, as WebAuthn authenticators produce. */
function coseKey(raw: Uint8Array): ParsedKey {
  const cose = cborDecode(raw, { maps: true });
  if (!(cose instanceof Map)) return { kind: 'unsupported', reason: 'COSE key is not a CBOR map' };
  const get = (k: number): CborValue => cose.get(k) ?? cose.get(BigInt(k));
  const kty = Number(get(1));
  if (kty === 3) {
    // RSA (Windows Hello and some security keys): RS256, n and e as big-endian bytes
    const n = get(-1);
    const e = get(-2);
    const alg = Number(get(3));
    if (!(n instanceof Uint8Array) || !(e instanceof Uint8Array) || alg !== -257) {
      return { kind: 'unsupported', reason: 'unsupported COSE RSA key (expected RS256 with n and e)' };
    }
    return { kind: 'webauthn-rsa', n, e };
  }
  const x = get(-2);
  const y = get(-3);
  if (kty !== 2 || Number(get(-1)) !== 1 || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) {
    return { kind: 'unsupported', reason: 'unsupported COSE key (expected EC2 on P-256)' };
  }
  return { kind: 'webauthn-p256', key: concatBytes(Uint8Array.of(0x04), x, y) };
}

/** A WebAuthn signature: CBOR {authenticator_data, client_data_json, signature}; challenge = message. */
function verifyWebAuthn(key: Extract<ParsedKey, { kind: 'webauthn-p256' | 'webauthn-rsa' }>, sig: Uint8Array, message: Uint8Array): string | undefined {
  let decoded: CborValue;
  try {
    decoded = cborDecode(sig);
  } catch (e) {
    return `Failed to parse WebAuthn signature: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!decoded || typeof decoded !== 'object' || decoded instanceof Uint8Array || Array.isArray(decoded) || decoded instanceof Map) {
    return 'Failed to parse WebAuthn signature: not a CBOR map';
  }
  const record = decoded as { [key: string]: CborValue };
  const authData = record['authenticator_data'];
  const clientDataRaw = record['client_data_json'];
  const signature = record['signature'];
  const clientData = typeof clientDataRaw === 'string' ? new TextEncoder().encode(clientDataRaw) : clientDataRaw;
  if (!(authData instanceof Uint8Array) || !(clientData instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    return 'Failed to parse WebAuthn signature: missing authenticator_data, client_data_json or signature';
  }
  let challenge: string;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(clientData));
    const c = parsed && typeof parsed === 'object' ? (parsed as { challenge?: unknown }).challenge : undefined;
    if (typeof c !== 'string') throw new Error('missing challenge');
    challenge = c;
  } catch (e) {
    return `ClientDataJSON could not be parsed: ${e instanceof Error ? e.message : String(e)}`;
  }
  const expected = base64url(message);
  if (challenge.replace(/=+$/, '') !== expected) {
    return `Challenge in ClientDataJSON does not match the signed message: expected ${expected}, got ${challenge}`;
  }
  const signed = concatBytes(authData, sha256(clientData));
  const ok =
    key.kind === 'webauthn-p256'
      ? safeVerify(() => p256.verify(signature, signed, key.key, { lowS: false, format: 'der' }))
      : safeVerify(() => rsaVerify('sha256', signed, createPublicKey({ key: { kty: 'RSA', n: base64url(key.n), e: base64url(key.e) }, format: 'jwk' }), signature));
  const keyBytes = key.kind === 'webauthn-p256' ? key.key : concatBytes(key.n, key.e);
  return ok ? undefined : `Verifying signature failed. signature: ${toHex(signature)}; message: ${toHex(signed)}; public key: ${toHex(keyBytes)}`;
}

function base64url(b: Uint8Array): string {
  let bin = '';
  for (const x of b) bin += String.fromCharCode(x);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Formats nanoseconds since 1970 as the replica's Time display: `2025-05-01 23:55:18.005285297 UTC`. */
export function formatTime(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const frac = nanos % 1_000_000_000n;
  return frac === 0n ? `${base} UTC` : `${base}.${frac.toString().padStart(9, '0')} UTC`;
}

export { bytesEqual };
