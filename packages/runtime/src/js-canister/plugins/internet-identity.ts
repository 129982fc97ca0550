// A minimal Internet Identity stand-in for delegation flows: prepare_delegation / get_delegation /
// get_principal with II's Candid shapes. The user key of (anchor, frontend) is an Ed25519 key
// derived from the plugin's seed (real II uses canister signatures); the delegation signature is
// Ed25519 over "\x1Aic-request-auth-delegation" + the representation-independent hash of the
// delegation, which is what agents and the IC check for a delegation from an Ed25519 key — so a
// test can verify it, or build a DelegationChain from it. Through its http_request it also serves a
// sign-in page (internet-identity-page.ts) that speaks the II client protocol of
// @dfinity/auth-client, so a dapp's "Login with Internet Identity" works offline: the page asks for
// an identity number and `/authorize?anchor=&origin=&session_key=&max_ttl=` answers the signed
// delegation as JSON. Not included: anchors, devices and authentication (anyone may sign in as any
// identity number), WebAuthn, canister signatures, the real II frontend.
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, toHex as hex } from '../../bytes.ts';
import { defineCanister, type JsCanister } from '../js-canister.ts';
import type { JsContext } from '../js-context.ts';
import { INTERNET_IDENTITY_PAGE } from './internet-identity-page.ts';

export const INTERNET_IDENTITY_CANDID = `type UserNumber = nat64;
type PublicKey = blob;
type SessionKey = PublicKey;
type UserKey = PublicKey;
type FrontendHostname = text;
type Timestamp = nat64;
type Delegation = record { pubkey : PublicKey; expiration : Timestamp; targets : opt vec principal };
type SignedDelegation = record { delegation : Delegation; signature : blob };
type GetDelegationResponse = variant { signed_delegation : SignedDelegation; no_such_delegation };
type HeaderField = record { text; text };
type HttpRequest = record { method : text; url : text; headers : vec HeaderField; body : blob; certificate_version : opt nat16 };
type HttpResponse = record { status_code : nat16; headers : vec HeaderField; body : blob; upgrade : opt bool };
service : {
  http_request : (HttpRequest) -> (HttpResponse) query;
  prepare_delegation : (UserNumber, FrontendHostname, SessionKey, opt nat64) -> (UserKey, Timestamp);
  get_delegation : (UserNumber, FrontendHostname, SessionKey, Timestamp) -> (GetDelegationResponse) query;
  get_principal : (UserNumber, FrontendHostname) -> (principal) query;
}
`;

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410). */
const ED25519_DER_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
export const DELEGATION_DOMAIN = new TextEncoder().encode('\x1Aic-request-auth-delegation');

/** Default and longest delegation lifetime, as II: 30 minutes and 30 days. */
const DEFAULT_TTL = 30n * 60n * 1_000_000_000n;
const MAX_TTL = 30n * 24n * 3600n * 1_000_000_000n;

export interface InternetIdentityOptions {
  /** Seed of the user keys (default 'mockic-internet-identity'). */
  seed?: string;
}

export interface Delegation {
  pubkey: Uint8Array;
  expiration: bigint;
  targets: [] | [Principal[]];
}

function leb128(n: bigint): Uint8Array {
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
  return Uint8Array.from(out);
}

/** The representation-independent hash of a delegation (IC interface spec, "Request ids"). */
export function delegationHash(d: Delegation): Uint8Array {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const fields: Array<[string, Uint8Array]> = [
    ['pubkey', sha256(d.pubkey)],
    ['expiration', sha256(leb128(d.expiration))],
  ];
  if (d.targets.length > 0) fields.push(['targets', sha256(concatBytes(...(d.targets[0] as Principal[]).map((p) => sha256(p.toUint8Array()))))]);
  const entries = fields.map(([k, v]) => concatBytes(sha256(utf8(k)), v));
  entries.sort((a, b) => {
    for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    return a.length - b.length;
  });
  return sha256(concatBytes(...entries));
}

/** The bytes the user key signs for a delegation. */
export function delegationSignedBytes(d: Delegation): Uint8Array {
  return concatBytes(DELEGATION_DOMAIN, delegationHash(d));
}

/** The raw 32-byte Ed25519 key inside a DER user key. */
export function rawEd25519Key(der: Uint8Array): Uint8Array {
  return der.slice(ED25519_DER_PREFIX.length);
}

interface IiState {
  /** `${anchor}|${frontend}|${session key hex}|${expiration}` → signature. */
  signatures: Map<string, Uint8Array>;
}


/** `replica.installJsCanister(internetIdentity())`; the user key and principal of an anchor per frontend. */
export function internetIdentity(options: InternetIdentityOptions = {}): JsCanister & {
  userKey(anchor: bigint, frontend: string): Uint8Array;
  principalOf(anchor: bigint, frontend: string): Principal;
} {
  const seed = options.seed ?? 'mockic-internet-identity';
  const secretOf = (anchor: bigint, frontend: string) => sha256(new TextEncoder().encode(`${seed}|${anchor}|${frontend}`));
  const userKey = (anchor: bigint, frontend: string) => concatBytes(ED25519_DER_PREFIX, ed25519.getPublicKey(secretOf(anchor, frontend)));
  const principalOf = (anchor: bigint, frontend: string) => Principal.selfAuthenticating(userKey(anchor, frontend));
  const canister = defineCanister({
    name: 'internet-identity',
    candid: INTERNET_IDENTITY_CANDID,
    state: (): IiState => ({ signatures: new Map() }),
    methods: {
      prepare_delegation: (ctx: JsContext<IiState>) => {
        const [anchor, frontend, sessionKey, maxTtl] = ctx.args as [bigint, string, Uint8Array, [] | [bigint]];
        const ttl = maxTtl[0] === undefined ? DEFAULT_TTL : maxTtl[0] < MAX_TTL ? maxTtl[0] : MAX_TTL;
        const expiration = ctx.time + ttl;
        const delegation: Delegation = { pubkey: sessionKey, expiration, targets: [] };
        const signature = ed25519.sign(delegationSignedBytes(delegation), secretOf(anchor, frontend));
        ctx.state.signatures.set(`${anchor}|${frontend}|${hex(sessionKey)}|${expiration}`, signature);
        return [userKey(anchor, frontend), expiration];
      },
      get_delegation: (ctx: JsContext<IiState>) => {
        const [anchor, frontend, sessionKey, expiration] = ctx.args as [bigint, string, Uint8Array, bigint];
        const signature = ctx.state.signatures.get(`${anchor}|${frontend}|${hex(sessionKey)}|${expiration}`);
        if (!signature) return { no_such_delegation: null };
        return { signed_delegation: { delegation: { pubkey: sessionKey, expiration, targets: [] }, signature } };
      },
      http_request: (ctx: JsContext<IiState>) => {
        const [req] = ctx.args as [{ method: string; url: string }];
        const url = new URL(req.url, 'http://localhost');
        const respond = (status: number, contentType: string, body: string) => ({
          status_code: status,
          headers: [['content-type', contentType], ['cache-control', 'no-store']],
          body: new TextEncoder().encode(body),
          upgrade: [],
        });
        if (url.pathname === '/authorize') {
          const anchor = url.searchParams.get('anchor') ?? '';
          const origin = url.searchParams.get('origin') ?? '';
          const sessionKey = url.searchParams.get('session_key') ?? '';
          const maxTtl = url.searchParams.get('max_ttl');
          if (!/^\d+$/.test(anchor) || origin === '' || !/^([0-9a-f]{2})+$/i.test(sessionKey) || (maxTtl !== null && !/^\d+$/.test(maxTtl))) {
            return respond(400, 'text/plain', 'authorize needs anchor (a number), origin, session_key (hex DER) and optionally max_ttl (nanoseconds)');
          }
          const ttl = maxTtl === null ? DEFAULT_TTL : BigInt(maxTtl) < MAX_TTL ? BigInt(maxTtl) : MAX_TTL;
          const delegation: Delegation = { pubkey: fromHex(sessionKey), expiration: ctx.time + ttl, targets: [] };
          const signature = ed25519.sign(delegationSignedBytes(delegation), secretOf(BigInt(anchor), origin));
          return respond(
            200,
            'application/json',
            JSON.stringify({
              delegations: [{ delegation: { pubkey: sessionKey, expiration: delegation.expiration.toString() }, signature: hex(signature) }],
              userPublicKey: hex(userKey(BigInt(anchor), origin)),
            }),
          );
        }
        if (req.method.toUpperCase() !== 'GET') return respond(405, 'text/plain', 'method not allowed');
        return respond(200, 'text/html', INTERNET_IDENTITY_PAGE);
      },
      get_principal: (ctx: JsContext<IiState>) => {
        const [anchor, frontend] = ctx.args as [bigint, string];
        return principalOf(anchor, frontend);
      },
    },
  });
  return Object.assign(canister, { userKey, principalOf });
}
