// The root key and node keys come from the seed: the same seed gives the same keys (a dev server
// keeps its root key across restarts), another seed other keys. The root key is DER-wrapped as the
// IC's (37-byte prefix + 96-byte G2 point), node ids are self-authenticating principals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { Replica } from '@mockic/runtime';
import { BLS_DER_PREFIX, BlsKeyPair, Certifier, DEFAULT_CERTIFICATION_SEED, Ed25519Node, blsPublicKeyFromDer, blsVerify } from '../../src/certification/index.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('same seed, same root key; another seed, another key', () => {
  const a = BlsKeyPair.fromSeed('seed one');
  const b = BlsKeyPair.fromSeed('seed one');
  const c = BlsKeyPair.fromSeed('seed two');
  assert.equal(a.publicKeyDer, b.publicKeyDer);
  assert.is.not(hex(a.publicKeyDer), hex(c.publicKeyDer));
  assert.is.not(hex(BlsKeyPair.fromSeed(new Uint8Array([1, 2])).publicKeyDer), hex(BlsKeyPair.fromSeed(new Uint8Array([1, 3])).publicKeyDer));
  assert.equal(BlsKeyPair.fromSeed(42).publicKeyDer, BlsKeyPair.fromSeed(42n).publicKeyDer);
  assert.is.not(hex(BlsKeyPair.fromSeed(42).publicKeyDer), hex(BlsKeyPair.fromSeed('42').publicKeyDer));
});

test('the root key is DER-wrapped as the IC root key and signs min-sig', () => {
  const k = BlsKeyPair.fromSeed('x');
  assert.is(k.publicKeyDer.length, 133);
  assert.is(hex(k.publicKeyDer.slice(0, 37)), '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100');
  assert.equal(k.publicKeyDer.slice(0, 37), BLS_DER_PREFIX);
  assert.equal(blsPublicKeyFromDer(k.publicKeyDer), k.publicKeyRaw);
  const sig = k.sign(new Uint8Array([1, 2, 3]));
  assert.is(sig.length, 48);
  assert.equal(k.sign(new Uint8Array([1, 2, 3])), sig, 'BLS signatures are deterministic');
  assert.ok(blsVerify(k.publicKeyRaw, sig, new Uint8Array([1, 2, 3])));
  assert.not.ok(blsVerify(k.publicKeyRaw, sig, new Uint8Array([1, 2, 4])));
  assert.not.ok(blsVerify(BlsKeyPair.fromSeed('y').publicKeyRaw, sig, new Uint8Array([1, 2, 3])));
});

test('certifiers of replicas with the same seed share root key and node ids', async () => {
  // the root key belongs to the replica (its seed); node keys to the certifier (its seed)
  const r1 = await Replica.create({ seed: 's' });
  const r2 = await Replica.create({ seed: 's' });
  const c1 = Certifier.create(r1, { seed: 's', nodesPerSubnet: 3 });
  const c2 = Certifier.create(r2, { seed: 's', nodesPerSubnet: 3 });
  const c3 = Certifier.create(await Replica.create({ seed: 't' }), { seed: 't', nodesPerSubnet: 3 });
  assert.equal(c1.rootKeyDer, c2.rootKeyDer);
  assert.equal(c1.rootKeyRaw, blsPublicKeyFromDer(c1.rootKeyDer));
  assert.is.not(hex(c1.rootKeyDer), hex(c3.rootKeyDer));
  assert.equal(
    c1.nodesFor().map((n) => n.nodeId.toText()),
    c2.nodesFor().map((n) => n.nodeId.toText()),
  );
  assert.is.not(c1.nodesFor()[0]?.nodeId.toText(), c3.nodesFor()[0]?.nodeId.toText());
  // the default seed is fixed too
  assert.equal(Certifier.create(await Replica.create(), { setReplicaRootKey: false }).rootKeyDer, BlsKeyPair.fromSeed(DEFAULT_CERTIFICATION_SEED).publicKeyDer);
  assert.equal(r1.rootKey, c1.rootKeyDer);
  // a subnet has as many nodes as it has by default
  assert.is(Certifier.create(r2, { setReplicaRootKey: false }).nodesFor().length, r2.defaultSubnet().size);
});

test('node keys: Ed25519 DER, self-authenticating ids, signatures that verify', async () => {
  const replica = await Replica.create({ subnets: [{ kind: 'nns' }, { kind: 'application' }] });
  const certifier = Certifier.create(replica, { seed: 'nodes', nodesPerSubnet: 2 });
  const nodes = certifier.nodesFor();
  assert.is(nodes.length, 2);
  for (const n of nodes) {
    assert.is(hex(n.publicKeyDer.slice(0, 12)), '302a300506032b6570032100');
    assert.is(n.publicKeyDer.length, 44);
    assert.is(n.nodeId.toText(), Principal.selfAuthenticating(n.publicKeyDer).toText());
    const sig = n.sign(new Uint8Array([5]));
    assert.is(sig.length, 64);
    assert.ok((n as Ed25519Node).verify(sig, new Uint8Array([5])));
  }
  // subnets differ: default is the application subnet; the NNS subnet has its own nodes
  const [nns, app] = replica.subnets;
  assert.is(certifier.subnetFor().toText(), app?.id.toText());
  const canister = replica.createCanister({ subnet: nns?.id });
  assert.is(certifier.subnetFor(canister).toText(), nns?.id.toText());
  assert.is.not(certifier.nodesFor(canister)[0]?.nodeId.toText(), nodes[0]?.nodeId.toText());
});

test.run();
