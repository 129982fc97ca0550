// Certificates from readState verify with the agents' Certificate.create against the root key the
// certifier publishes, and lookup_path finds what the state tree holds (time, certified_data,
// module_hash, controllers, metadata, subnet ranges and nodes, request statuses) and proves absent
// what it does not hold. Tampered certificates and a wrong root key fail verification.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { Replica } from '@mockic/runtime';
import { Cbor as IcpCbor } from '@icp-sdk/core/agent';
import { Certifier, blsVerify, controllersCbor, decodeCbor, decodeLeb128, digest, encodeSelfDescribed, hashTreeFromCbor, lookupPath, STATE_ROOT_DOMAIN, type CborValue } from '../../src/certification/index.ts';
import { agents, verifyCertificate } from './agents.ts';
import { CANDID, hex, setup, submitAndRun } from './support.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const requestId = (n: number) => new Uint8Array(32).fill(n);

for (const { name, lib } of agents) {
  const { LookupPathStatus } = lib;
  const verify = (certificate: Uint8Array, rootKey: Uint8Array, canisterId: Principal) => verifyCertificate(lib, certificate, rootKey, canisterId);
  const found = (cert: Awaited<ReturnType<typeof verify>>, path: Array<string | Uint8Array>): Uint8Array => {
    const r = cert.lookup_path(path);
    assert.is(r.status, LookupPathStatus.Found, `${path.map((p) => (typeof p === 'string' ? p : hex(p))).join('/')} should be found`);
    return (r as { value: Uint8Array }).value;
  };

  test(`${name}: a read_state certificate verifies and holds the replica's state`, async () => {
    const { replica, certifier, canisterId } = await setup();
    const id = canisterId.toUint8Array();
    const data = new Uint8Array(32).fill(0xab);
    submitAndRun(replica, canisterId, 'certify', data, requestId(1));
    submitAndRun(replica, canisterId, 'refuse', new Uint8Array(), requestId(2));
    const subnetId = certifier.subnetFor(canisterId).toUint8Array();
    const paths = [
      ['canister', id, 'certified_data'],
      ['canister', id, 'module_hash'],
      ['canister', id, 'controllers'],
      ['canister', id, 'metadata', 'candid:service'],
      ['canister', id, 'metadata', 'secret'],
      ['request_status', requestId(1)],
      ['request_status', requestId(2)],
      ['request_status', requestId(3)],
      ['subnet', subnetId],
      ['canister', Principal.fromText('aaaaa-aa').toUint8Array(), 'module_hash'],
    ].map((p) => p.map((l) => (typeof l === 'string' ? utf8(l) : l)));
    const bytes = certifier.readState(paths);
    assert.is(hex(bytes.slice(0, 3)), 'd9d9f7');
    const cert = await verify(bytes, certifier.rootKeyDer, canisterId);

    assert.is(decodeLeb128(found(cert, ['time'])), replica.time);
    assert.equal(found(cert, ['canister', id, 'certified_data']), data);
    assert.equal(found(cert, ['canister', id, 'module_hash']), replica.canister(canisterId).moduleHash);
    assert.equal(found(cert, ['canister', id, 'controllers']), controllersCbor(replica.canister(canisterId).settings.controllers));
    assert.equal(decodeCbor(found(cert, ['canister', id, 'controllers'])), [Principal.anonymous().toUint8Array()]);
    assert.is(text(found(cert, ['canister', id, 'metadata', 'candid:service'])), CANDID);
    assert.is(text(found(cert, ['canister', id, 'metadata', 'secret'])), 'for controllers');

    assert.is(text(found(cert, ['request_status', requestId(1), 'status'])), 'replied');
    assert.equal(found(cert, ['request_status', requestId(1), 'reply']), data);
    assert.is(text(found(cert, ['request_status', requestId(2), 'status'])), 'rejected');
    assert.is(decodeLeb128(found(cert, ['request_status', requestId(2), 'reject_code'])), 4n);
    assert.is(text(found(cert, ['request_status', requestId(2), 'reject_message'])), 'not today');
    assert.is(text(found(cert, ['request_status', requestId(2), 'error_code'])), 'IC0406');
    assert.is(cert.lookup_path(['request_status', requestId(1), 'reject_code']).status, LookupPathStatus.Absent);

    // subnet: public key (signed by the root key: no delegation), type, ranges, nodes
    assert.equal(found(cert, ['subnet', subnetId, 'public_key']), certifier.rootKeyDer);
    assert.is(text(found(cert, ['subnet', subnetId, 'type'])), 'application');
    const ranges = IcpCbor.decode(found(cert, ['subnet', subnetId, 'canister_ranges'])) as Uint8Array[][];
    const range = ranges[0] as Uint8Array[];
    assert.is(Principal.fromUint8Array(range[0] as Uint8Array).toText(), 'bkyz2-fmaaa-aaaaa-qaaaq-cai');
    assert.ok(Principal.fromUint8Array(range[1] as Uint8Array).gtEq(canisterId));
    const nodes = certifier.nodesFor(canisterId);
    assert.is(nodes.length, 4);
    for (const n of nodes) assert.equal(found(cert, ['subnet', subnetId, 'node', n.nodeId.toUint8Array(), 'public_key']), n.publicKeyDer);

    // absent: an unknown request, an unknown canister; unrequested paths stay unknown
    assert.is(cert.lookup_path(['request_status', requestId(3), 'status']).status, LookupPathStatus.Absent);
    assert.is(cert.lookup_path(['canister', Principal.fromText('aaaaa-aa').toUint8Array(), 'module_hash']).status, LookupPathStatus.Absent);
    assert.is(cert.lookup_path(['request_status', requestId(9), 'status']).status, LookupPathStatus.Absent);
    // A certificate of `time` only leaves the rest unknown. (The agents' label comparison is not a
    // proper lexicographic order, so they may call such paths Absent: check with the spec's lookup.)
    const timeOnlyBytes = certifier.readState([]);
    const timeOnly = await verify(timeOnlyBytes, certifier.rootKeyDer, canisterId);
    assert.is(decodeLeb128(found(timeOnly, ['time'])), replica.time);
    const timeOnlyTree = hashTreeFromCbor((decodeCbor(timeOnlyBytes) as { tree: CborValue }).tree);
    assert.is(lookupPath(['request_status', requestId(1), 'status'], timeOnlyTree).status, 'unknown');
    assert.is(lookupPath(['canister', id, 'certified_data'], timeOnlyTree).status, 'unknown');
  });

  test(`${name}: tampered certificates and a wrong root key fail verification`, async () => {
    const { replica, certifier, canisterId } = await setup();
    submitAndRun(replica, canisterId, 'certify', new Uint8Array([1, 2, 3]), requestId(7));
    const bytes = certifier.readState([[utf8('request_status'), requestId(7)]]);
    await verify(bytes, certifier.rootKeyDer, canisterId);

    const decoded = decodeCbor(bytes) as { tree: CborValue; signature: Uint8Array };
    const badSig = decoded.signature.slice();
    badSig[badSig.length - 1] ^= 1;
    const rejects = async (certificate: Uint8Array, rootKey = certifier.rootKeyDer) => {
      let failed = false;
      try {
        await verify(certificate, rootKey, canisterId);
      } catch {
        failed = true;
      }
      assert.ok(failed, 'verification should fail');
    };
    await rejects(encodeSelfDescribed({ tree: decoded.tree, signature: badSig }));
    // change the reply in the tree: the root hash no longer matches the signature
    const tampered = encodeSelfDescribed({ tree: decoded.tree, signature: decoded.signature });
    const at = Buffer.from(tampered).indexOf(Buffer.from([1, 2, 3]));
    assert.ok(at > 0);
    tampered[at] = 9;
    await rejects(tampered);
    const other = Certifier.create(await Replica.create({ seed: 'another seed' }), { setReplicaRootKey: false });
    await rejects(bytes, other.rootKeyDer);
    other.dispose();
  });
}

test('the signature is min-sig BLS on the domain-separated root hash; rounds re-certify lazily', async () => {
  const { replica, certifier, canisterId } = await setup();
  const first = decodeCbor(certifier.readState([])) as { tree: CborValue; signature: Uint8Array };
  assert.is(first.signature.length, 48);
  const root = digest(hashTreeFromCbor(first.tree));
  assert.equal(root, certifier.certifiedState().rootHash);
  assert.ok(blsVerify(certifier.rootKeyRaw, first.signature, new Uint8Array([...STATE_ROOT_DOMAIN, ...root])));
  assert.ok(blsVerify(certifier.rootKeyDer, first.signature, new Uint8Array([...STATE_ROOT_DOMAIN, ...root])));
  assert.not.ok(blsVerify(certifier.rootKeyRaw, first.signature, new Uint8Array([...STATE_ROOT_DOMAIN, ...root.map((x) => x ^ 1)])));
  // nothing changed: same certified state object
  const s1 = certifier.certifiedState();
  assert.is(certifier.certifiedState(), s1);
  // a round marks the state stale; the next certificate shows the new certified data
  replica.advanceTime(1_000_000_000n);
  await replica.update(canisterId, 'certify', new Uint8Array([42]));
  const s2 = certifier.certifiedState();
  assert.is.not(s2, s1);
  assert.is(s2.time, replica.time);
  // a change outside a round (test API) is noticed too
  replica.setTime(replica.time + 5n);
  assert.is(certifier.certifiedState().time, replica.time);
  // the root key is what canisters read with ic0.root_key_copy
  assert.equal(await replica.update(canisterId, 'root_key', new Uint8Array()), certifier.rootKeyDer);
  assert.equal(replica.rootKey, certifier.rootKeyDer);
  certifier.dispose();
});

test.run();
