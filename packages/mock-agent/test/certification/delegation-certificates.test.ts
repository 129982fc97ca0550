// Subnet delegations (interface spec, "Delegation"): certificates about a canister off the root
// subnet are signed by that subnet's key and carry a delegation certificate by the root key that
// reveals the subnet's public key and canister ranges. The agents verify them; a delegation signed
// by another key fails, and a canister outside the delegated ranges is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { Replica, canisterIdFromIndex } from '@mockic/runtime';
import * as icpSdk from '@icp-sdk/core/agent';
import { Principal as IcpPrincipal } from '@icp-sdk/core/principal';
import {
  BlsKeyPair,
  Certifier,
  blsVerify,
  canisterRangesCbor,
  decodeCbor,
  digest,
  encodeSelfDescribed,
  hashTreeFromCbor,
  lookupPath,
  STATE_ROOT_DOMAIN,
  type CborValue,
  type HashTree,
} from '../../src/certification/index.ts';
import { agents, verifyCertificate } from './agents.ts';
import { certifyingWasm, nowNanos } from './support.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

interface Cert {
  tree: CborValue;
  signature: Uint8Array;
  delegation?: { subnet_id: Uint8Array; certificate: Uint8Array };
}

/** A decoded certificate. */
const certOf = (bytes: Uint8Array): Cert => decodeCbor(bytes) as unknown as Cert;

async function world() {
  const replica = await Replica.create({ time: nowNanos(), subnets: [{ kind: 'nns' }, { kind: 'application' }] });
  const certifier = Certifier.create(replica, { seed: 'delegations', nodesPerSubnet: 2 });
  const wasm = await certifyingWasm();
  const appCanister = await replica.installCanister({ wasm });
  const nnsCanister = replica.createCanister({ subnet: replica.rootSubnet });
  replica.installCode({ canisterId: nnsCanister, wasm });
  return { replica, certifier, appCanister, nnsCanister, app: replica.defaultSubnet(), nns: replica.rootSubnet };
}

const w = await world();
const paths = (id: Principal) => [
  [utf8('canister'), id.toUint8Array(), utf8('module_hash')],
  [utf8('canister'), id.toUint8Array(), utf8('controllers')],
];
const treeOf = (c: Cert): HashTree => hashTreeFromCbor(c.tree);
const found = (t: HashTree, path: Array<string | Uint8Array>): Uint8Array => {
  const r = lookupPath(path, t);
  assert.is(r.status, 'found', `${path.map((l) => (typeof l === 'string' ? l : Principal.fromUint8Array(l).toText())).join('/')}`);
  return (r as { value: Uint8Array }).value;
};

test('each non-root subnet has its own deterministic key; the root subnet has the root key', async () => {
  const appKey = w.certifier.subnetPublicKeyDer(w.app.id);
  assert.equal(w.certifier.subnetPublicKeyDer(w.nns.id), w.certifier.rootKeyDer);
  assert.is.not(Buffer.from(appKey).toString('hex'), Buffer.from(w.certifier.rootKeyDer).toString('hex'));
  const again = Certifier.create(await Replica.create({ subnets: [{ kind: 'nns' }, { kind: 'application' }] }), { setReplicaRootKey: false });
  assert.equal(again.subnetPublicKeyDer(w.app.id), appKey);
  const otherSeed = await Replica.create({ seed: 'another', subnets: [{ kind: 'nns' }, { kind: 'application' }] });
  const other = Certifier.create(otherSeed, { setReplicaRootKey: false });
  assert.is.not(Buffer.from(other.subnetPublicKeyDer(otherSeed.defaultSubnet().id)).toString('hex'), Buffer.from(appKey).toString('hex'));
  // the state tree publishes each subnet's own key
  const tree = treeOf(certOf(w.certifier.readState([[utf8('subnet')]])));
  assert.equal(found(tree, ['subnet', w.app.id.toUint8Array(), 'public_key']), appKey);
  assert.equal(found(tree, ['subnet', w.nns.id.toUint8Array(), 'public_key']), w.certifier.rootKeyDer);
});

test('a certificate about an application-subnet canister: subnet signature and delegation', () => {
  const cert = certOf(w.certifier.readState(paths(w.appCanister), w.appCanister));
  const appKey = w.certifier.subnetPublicKeyDer(w.app.id);
  const rootHash = digest(treeOf(cert));
  const message = new Uint8Array([...STATE_ROOT_DOMAIN, ...rootHash]);
  assert.ok(blsVerify(appKey, cert.signature, message), 'signed by the subnet key');
  assert.not.ok(blsVerify(w.certifier.rootKeyDer, cert.signature, message), 'not by the root key');
  assert.ok(cert.delegation);
  assert.equal(cert.delegation.subnet_id, w.app.id.toUint8Array());
  const delegation = certOf(cert.delegation.certificate);
  assert.is(delegation.delegation, undefined, 'a delegation has no delegation');
  const dtree = treeOf(delegation);
  assert.ok(blsVerify(w.certifier.rootKeyDer, delegation.signature, new Uint8Array([...STATE_ROOT_DOMAIN, ...digest(dtree)])), 'delegation signed by the root key');
  const id = w.app.id.toUint8Array();
  assert.equal(found(dtree, ['subnet', id, 'public_key']), appKey);
  assert.equal(found(dtree, ['subnet', id, 'canister_ranges']), canisterRangesCbor(w.app));
  // and the newer canister_ranges/<subnet_id>/<first canister id> shard
  const first = [...w.app.allocator.ranges].sort((a, b) => (a.start < b.start ? -1 : 1))[0] as { start: bigint };
  assert.equal(found(dtree, ['canister_ranges', id, canisterIdFromIndex(first.start).toUint8Array()]), canisterRangesCbor(w.app));
  // the delegation reveals only what agents need
  assert.is(lookupPath(['subnet', w.nns.id.toUint8Array(), 'public_key'], dtree).status, 'unknown');
  assert.is(lookupPath(['canister', w.appCanister.toUint8Array(), 'module_hash'], dtree).status, 'unknown');
});

test('root-subnet canisters, no effective id and unknown ids: no delegation', () => {
  for (const bytes of [
    w.certifier.readState(paths(w.nnsCanister), w.nnsCanister),
    w.certifier.readState(paths(w.appCanister)),
    w.certifier.readState([], Principal.managementCanister()),
    w.certifier.readState([], w.nns.id),
    w.certifier.dataCertificate(w.nnsCanister),
  ]) {
    assert.is(certOf(bytes).delegation, undefined);
  }
  assert.ok(certOf(w.certifier.readState([], w.app.id)).delegation, 'subnet read_state of the app subnet is delegated');
  assert.ok(certOf(w.certifier.dataCertificate(w.appCanister)).delegation, 'data certificates are delegated');
});

test('the delegation is reused while the state does not change', () => {
  const a = certOf(w.certifier.readState([], w.appCanister));
  const b = certOf(w.certifier.readState(paths(w.appCanister), w.appCanister));
  assert.equal(a.delegation?.certificate, b.delegation?.certificate);
  assert.equal(a.signature, b.signature);
  assert.equal(w.certifier.delegationFor(w.app.id), a.delegation?.certificate);
  assert.is(w.certifier.delegationFor(w.nns.id), undefined);
});

/** `bytes` with its delegation certificate re-signed by `key` (tree unchanged). */
function withDelegationSignedBy(bytes: Uint8Array, key: BlsKeyPair): Uint8Array {
  const cert = certOf(bytes);
  const delegation = certOf((cert.delegation as { certificate: Uint8Array }).certificate);
  const forged = encodeSelfDescribed({ tree: delegation.tree, signature: key.signStateRoot(digest(treeOf(delegation))) });
  return encodeSelfDescribed({ tree: cert.tree, signature: cert.signature, delegation: { subnet_id: (cert.delegation as { subnet_id: Uint8Array }).subnet_id, certificate: forged } });
}

for (const { name, lib } of agents) {
  const verify = (bytes: Uint8Array, canisterId: Principal) => verifyCertificate(lib, bytes, w.certifier.rootKeyDer, canisterId);
  const refused = async (bytes: Uint8Array, canisterId: Principal, pattern: RegExp) => {
    const e = await verify(bytes, canisterId).then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    assert.ok(e, 'verification should fail');
    assert.match(String((e as Error).message), pattern);
  };

  test(`${name}: delegated certificates verify and hold the canister's state`, async () => {
    const id = w.appCanister.toUint8Array();
    const cert = await verify(w.certifier.readState(paths(w.appCanister), w.appCanister), w.appCanister);
    const hash = cert.lookup_path(['canister', id, 'module_hash']);
    assert.is(hash.status, lib.LookupPathStatus.Found);
    assert.equal((hash as { value: Uint8Array }).value, w.replica.canister(w.appCanister).moduleHash);
    await verify(w.certifier.dataCertificate(w.appCanister), w.appCanister);
    await verify(w.certifier.readState(paths(w.nnsCanister), w.nnsCanister), w.nnsCanister);
  });

  test(`${name}: a delegation signed by the wrong key fails verification`, async () => {
    const good = w.certifier.readState(paths(w.appCanister), w.appCanister);
    await refused(withDelegationSignedBy(good, BlsKeyPair.fromSeed('not the root key')), w.appCanister, /Invalid signature/);
    // the subnet key itself is not the root key either
    await refused(withDelegationSignedBy(good, BlsKeyPair.fromSeed(w.certifier.rootKeyDer, `subnet key ${w.app.id.toText()}`)), w.appCanister, /Invalid signature/);
  });

  test(`${name}: a canister outside the delegated ranges is refused`, async () => {
    // the application subnet's certificate offered for the NNS canister
    await refused(w.certifier.readState(paths(w.appCanister), w.appCanister), w.nnsCanister, /does not include the canister/);
    // and for an id no subnet holds
    await refused(w.certifier.readState([], w.appCanister), Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai'), /does not include the canister/);
  });
}

test('@icp-sdk/core: a subnet read_state certificate verifies for the subnet', async () => {
  const rootKey = w.certifier.rootKeyDer;
  const subnetId = IcpPrincipal.fromUint8Array(w.app.id.toUint8Array());
  const bytes = w.certifier.readState([[utf8('subnet'), w.app.id.toUint8Array(), utf8('public_key')]], w.app.id);
  const cert = await icpSdk.Certificate.create({ certificate: bytes, rootKey, principal: { subnetId } });
  const key = cert.lookup_path(['subnet', w.app.id.toUint8Array(), 'public_key']);
  assert.equal((key as { value: Uint8Array }).value, w.certifier.subnetPublicKeyDer(w.app.id));
  // the NNS subnet's certificate is not one of the application subnet
  const nnsBytes = w.certifier.readState([], w.nns.id);
  const e = await icpSdk.Certificate.create({ certificate: nnsBytes, rootKey: w.certifier.subnetPublicKeyDer(w.app.id), principal: { subnetId } }).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(e, 'a root-key certificate does not verify against the subnet key');
});

test.run();
