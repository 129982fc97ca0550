// Requests the replica refuses: the HTTP status and plain-text body it sends, and no state change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { IcHttpInterface } from '../../src/http/ic-http-interface.ts';
import { requestIdOf } from '../../src/http/request-id.ts';
import { IC_REQUEST_DOMAIN } from '../../src/http/authentication.ts';
import { decode, encodeSelfDescribed, type CborValue } from '../../src/certification/cbor.ts';
import { nowNanos, world } from './setup.ts';

const w = await world();
const iface = new IcHttpInterface(w.replica, w.certifier);
const EMPTY_ARGS = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const count = async () => w.replica.query(w.counter, 'get', EMPTY_ARGS);

function content(overrides: Record<string, CborValue> = {}): Record<string, CborValue> {
  return {
    request_type: 'call',
    canister_id: w.counter.toUint8Array(),
    method_name: 'inc',
    arg: EMPTY_ARGS,
    sender: Principal.anonymous().toUint8Array(),
    ingress_expiry: w.replica.time + 60_000_000_000n,
    nonce: crypto.getRandomValues(new Uint8Array(8)),
    ...overrides,
  };
}

async function unchanged(f: () => void): Promise<void> {
  const before = await count();
  const ingress = [...w.replica.ingress.all()].length;
  f();
  assert.equal(await count(), before);
  assert.is([...w.replica.ingress.all()].length, ingress);
}

test('a well-formed anonymous v2 call is accepted (202) and runs', async () => {
  const r = iface.call('v2', w.counter, encodeSelfDescribed({ content: content() }));
  assert.is(r.status, 202);
  w.replica.tick();
  assert.ok(text(await count()) !== text(EMPTY_ARGS));
});

test('malformed CBOR: 400', async () => {
  await unchanged(() => {
    const r = iface.dispatch('POST', `/api/v3/canister/${w.counter.toText()}/call`, new Uint8Array([0xa1, 0x61]));
    assert.is(r.status, 400);
    assert.match(text(r.body), /^Failed to deserialize cbor request: /);
  });
});

test('wrong content type: 400', () => {
  const r = iface.dispatch('POST', `/api/v3/canister/${w.counter.toText()}/call`, encodeSelfDescribed({ content: content() }), 'application/json');
  assert.is(r.status, 400);
  assert.is(text(r.body), 'Unexpected content-type, expected application/cbor.');
});

test('wrong signature: 400 Invalid signature', async () => {
  const id = Ed25519KeyIdentity.generate();
  const c = content({ sender: id.getPrincipal().toUint8Array() });
  const sig = new Uint8Array(await id.sign(new Uint8Array([...IC_REQUEST_DOMAIN, ...requestIdOf(c as never)])));
  sig[0] = (sig[0] as number) ^ 1;
  await unchanged(() => {
    const r = iface.call('v3', w.counter, encodeSelfDescribed({ content: c, sender_pubkey: new Uint8Array(id.getPublicKey().toDer()), sender_sig: sig }));
    assert.is(r.status, 400);
    assert.match(text(r.body), /^Invalid signature: Invalid basic signature: /);
  });
});

test('a sender that is not the key\'s principal: 400', async () => {
  const id = Ed25519KeyIdentity.generate();
  const c = content({ sender: Ed25519KeyIdentity.generate().getPrincipal().toUint8Array() });
  const sig = new Uint8Array(await id.sign(new Uint8Array([...IC_REQUEST_DOMAIN, ...requestIdOf(c as never)])));
  const r = iface.call('v3', w.counter, encodeSelfDescribed({ content: c, sender_pubkey: new Uint8Array(id.getPublicKey().toDer()), sender_sig: sig }));
  assert.is(r.status, 400);
  assert.match(text(r.body), /^The user id .* does not match the public key /);
});

test('expired ingress: 400 Invalid request expiry', async () => {
  await unchanged(() => {
    const r = iface.call('v3', w.counter, encodeSelfDescribed({ content: content({ ingress_expiry: w.replica.time - 1n }) }));
    assert.is(r.status, 400);
    assert.match(text(r.body), /^Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: /);
  });
  const far = iface.call('v3', w.counter, encodeSelfDescribed({ content: content({ ingress_expiry: w.replica.time + 10n * 60_000_000_000n }) }));
  assert.is(far.status, 400);
});

test('unknown canister: 200 with a non-replicated rejection (v3) / reject body (v2), IC0301', async () => {
  const ghost = Principal.fromText('2vxsx-fae') && Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, 0x0f, 0xff, 0xf0, 1, 1]));
  await unchanged(() => {
    const r = iface.call('v3', ghost, encodeSelfDescribed({ content: content({ canister_id: ghost.toUint8Array() }) }));
    assert.is(r.status, 200);
    const body = decode(r.body) as Record<string, CborValue>;
    assert.is(body['status'], 'non_replicated_rejection');
    assert.is(body['error_code'], 'IC0301');
    assert.is(body['reject_code'], 3);
    assert.is(body['reject_message'], `Canister ${ghost.toText()} not found`);
    const v2 = decode(iface.call('v2', ghost, encodeSelfDescribed({ content: content({ canister_id: ghost.toUint8Array() }) })).body) as Record<string, CborValue>;
    assert.is(v2['error_code'], 'IC0301');
    assert.is(v2['status'], undefined);
  });
});

test('canister id not matching the effective canister id: 400', async () => {
  await unchanged(() => {
    const r = iface.call('v3', w.callee, encodeSelfDescribed({ content: content() }));
    assert.is(r.status, 400);
    assert.is(text(r.body), `Specified CanisterId ${w.counter.toText()} does not match effective canister id in URL ${w.callee.toText()}`);
  });
});

test('read_state of another sender\'s request: 403; unknown path: 404', () => {
  const c = content();
  iface.call('v2', w.counter, encodeSelfDescribed({ content: c }));
  const rid = requestIdOf(c as never);
  const id = Ed25519KeyIdentity.generate();
  const rs = { request_type: 'read_state', paths: [[new TextEncoder().encode('request_status'), rid]], sender: id.getPrincipal().toUint8Array(), ingress_expiry: nowNanos() + 60_000_000_000n };
  return id.sign(new Uint8Array([...IC_REQUEST_DOMAIN, ...requestIdOf(rs as never)])).then((sig) => {
    const r = iface.readCanisterState('v2', w.counter, encodeSelfDescribed({ content: rs, sender_pubkey: new Uint8Array(id.getPublicKey().toDer()), sender_sig: new Uint8Array(sig) }));
    assert.is(r.status, 403);
    assert.is(text(r.body), 'The user tries to access Request ID not signed by the caller.');
    const bad = iface.readCanisterState('v2', w.counter, encodeSelfDescribed({ content: { ...rs, sender: Principal.anonymous().toUint8Array(), paths: [[new TextEncoder().encode('canister'), w.counter.toUint8Array(), new TextEncoder().encode('certified_data')]] } }));
    assert.is(bad.status, 404);
    assert.is(text(bad.body), 'Invalid path requested.');
  });
});

test('unknown routes: 404; GET on a POST endpoint: 405', () => {
  assert.is(iface.dispatch('POST', '/api/v9/canister/aaaaa-aa/call', new Uint8Array()).status, 404);
  assert.is(iface.dispatch('GET', `/api/v2/canister/${w.counter.toText()}/call`, new Uint8Array()).status, 405);
  const s = decode(iface.dispatch('GET', '/api/v2/status', new Uint8Array()).body) as Record<string, CborValue>;
  assert.is(s['replica_health_status'], 'healthy');
  assert.equal(s['root_key'], w.certifier.rootKeyDer);
});

test.run();
