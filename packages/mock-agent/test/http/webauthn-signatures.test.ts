// WebAuthn senders (passkeys, security keys, Windows Hello): a COSE key wrapped in DER
// (OID 1.3.6.1.4.1.56387.1.1), and signatures that are CBOR { authenticator_data, client_data_json,
// signature } whose clientDataJSON challenge is the signed message. P-256 (ES256) and RSA (RS256)
// identities sign real calls through HttpAgent; a wrong challenge and a tampered signature are
// refused with the replica's texts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { Actor, HttpAgent, SignIdentity, type PublicKey, type Signature } from '@dfinity/agent';
import { p256 } from '@noble/curves/nist.js';
import { encode as cborEncode } from '../../src/certification/cbor.ts';
import { authenticate, IC_REQUEST_DOMAIN, selfAuthenticatingPrincipal } from '../../src/http/authentication.ts';
import { concatBytes } from '../../src/http/request-id.ts';
import { createReplicaFetch } from '../../src/http/replica-fetch.ts';
import { counterIdl, world } from './setup.ts';

const w = await world();
const fetch = createReplicaFetch(w.replica, w.certifier);
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const OID_COSE = Uint8Array.of(0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb8, 0x43, 0x01, 0x01);

/** DER length bytes (short or long form). */
function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  return n < 0x100 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
}

function coseDer(cose: Uint8Array): Uint8Array {
  const algorithm = concatBytes(Uint8Array.of(0x30), derLength(OID_COSE.length), OID_COSE);
  const bits = concatBytes(Uint8Array.of(0x03), derLength(cose.length + 1), Uint8Array.of(0), cose);
  return concatBytes(Uint8Array.of(0x30), derLength(algorithm.length + bits.length), algorithm, bits);
}

interface WebAuthnKey {
  der: Uint8Array;
  /** The authenticator's signature over authenticatorData ‖ SHA-256(clientDataJSON). */
  signRaw(signed: Uint8Array): Uint8Array;
}

function p256Key(): WebAuthnKey {
  const secret = p256.utils.randomSecretKey();
  const pub = p256.getPublicKey(secret, false);
  const cose = cborEncode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, pub.slice(1, 33)], [-3, pub.slice(33, 65)]]));
  return { der: coseDer(cose), signRaw: (signed) => p256.sign(signed, secret, { format: 'der' }) };
}

function rsaKey(): WebAuthnKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const n = new Uint8Array(Buffer.from(jwk.n, 'base64url'));
  const e = new Uint8Array(Buffer.from(jwk.e, 'base64url'));
  const cose = cborEncode(new Map<number, number | Uint8Array>([[1, 3], [3, -257], [-1, n], [-2, e]]));
  return { der: coseDer(cose), signRaw: (signed) => new Uint8Array(rsaSign('sha256', signed, privateKey)) };
}

const AUTH_DATA = concatBytes(sha256(new TextEncoder().encode('localhost')), Uint8Array.of(0x05, 0, 0, 0, 1));

/** The CBOR signature a browser's WebAuthn assertion gives for `message` (optionally with another challenge). */
function assertion(key: WebAuthnKey, message: Uint8Array, challenge = b64url(message)): Uint8Array {
  const clientDataJson = JSON.stringify({ type: 'webauthn.get', challenge, origin: 'http://localhost:5173' });
  const signature = key.signRaw(concatBytes(AUTH_DATA, sha256(new TextEncoder().encode(clientDataJson))));
  return cborEncode({ authenticator_data: AUTH_DATA, client_data_json: clientDataJson, signature });
}

class WebAuthnIdentity extends SignIdentity {
  readonly key: WebAuthnKey;
  constructor(key: WebAuthnKey) {
    super();
    this.key = key;
  }
  getPublicKey(): PublicKey {
    const der = this.key.der;
    return { rawKey: der, derKey: der, toDer: () => der } as unknown as PublicKey;
  }
  async sign(blob: Uint8Array): Promise<Signature> {
    return assertion(this.key, blob) as unknown as Signature;
  }
}

for (const [name, make] of [
  ['P-256 (ES256)', p256Key],
  ['RSA (RS256)', rsaKey],
] as const) {
  test(`a ${name} WebAuthn identity signs calls as its self-authenticating principal`, async () => {
    const key = make();
    const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, identity: new WebAuthnIdentity(key), shouldFetchRootKey: true, retryTimes: 0 });
    await Actor.createActor(counterIdl, { agent, canisterId: w.counter })['inc']!();
    const records = [...w.replica.ingress.all()];
    assert.is((records[records.length - 1] as { sender: { toText(): string } }).sender.toText(), selfAuthenticatingPrincipal(key.der).toText());
  });

  test(`${name}: a wrong challenge and a tampered signature are refused`, () => {
    const key = make();
    const requestId = sha256(new TextEncoder().encode('some request'));
    const message = concatBytes(IC_REQUEST_DOMAIN, requestId);
    const auth = (senderSig: Uint8Array) =>
      authenticate({ sender: selfAuthenticatingPrincipal(key.der).toUint8Array(), requestId, senderPubkey: key.der, senderSig }, w.replica.time);
    assert.equal(auth(assertion(key, message)), { ok: true, targets: { kind: 'all' } });
    const wrong = auth(assertion(key, message, b64url(sha256(message))));
    assert.ok(!wrong.ok && wrong.message.includes('Challenge in ClientDataJSON does not match the signed message'), JSON.stringify(wrong));
    const good = assertion(key, message);
    const tampered = good.slice();
    tampered[tampered.length - 5] ^= 0xff; // inside the signature bytes, the last field of the map
    const bad = auth(tampered);
    assert.ok(!bad.ok && bad.message.includes('Verifying signature failed'), JSON.stringify(bad));
  });
}

test.run();
