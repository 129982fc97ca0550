// A replica with an NNS (root) subnet and an application subnet, served over createReplicaFetch to
// the real agents. Canisters on the application subnet are certified by the subnet's own key with
// a delegation from the root subnet; query signatures come from the subnet's nodes, which the agent
// finds under the subnet id of that delegation. NNS canisters keep certificates without delegation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, CanisterStatus } from '@dfinity/agent';
import * as sdk from '@icp-sdk/core/agent';
import { Principal as SdkPrincipal } from '@icp-sdk/core/principal';
import { Principal } from '@dfinity/principal';
import { Replica } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { Certifier } from '../../src/certification/certifier.ts';
import { decode as cborDecode, encodeSelfDescribed, type CborValue } from '../../src/certification/cbor.ts';
import { BlsKeyPair, digest, hashTreeFromCbor } from '../../src/certification/index.ts';
import { createReplicaFetch } from '../../src/http/replica-fetch.ts';
import { counterIdl, nowNanos } from './setup.ts';

const replica = await Replica.create({ time: nowNanos(), subnets: [{ kind: 'nns' }, { kind: 'application' }] });
const certifier = Certifier.create(replica, { seed: 'multi-subnet', nodesPerSubnet: 4 });
const nns = replica.rootSubnet;
const app = replica.defaultSubnet();
const controller = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const wasm = motokoFixture('counter').wasm;
const appCounter = await replica.installCanister({ wasm, controllers: [controller], sender: controller });
const nnsCounter = replica.createCanister({ subnet: nns, controllers: [controller], sender: controller });
replica.installCode({ canisterId: nnsCounter, wasm, sender: controller });

// Every certificate the replica serves, by the request path it answered.
const served: Array<{ path: string; delegation?: { subnet_id: Uint8Array; certificate: Uint8Array } }> = [];
const replicaFetch = createReplicaFetch(replica, certifier);
const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const response = await replicaFetch(input, init);
  const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
  if (response.status === 200 && /\/(call|read_state)$/.test(path)) {
    const body = cborDecode(new Uint8Array(await response.clone().arrayBuffer())) as { certificate?: Uint8Array };
    if (body.certificate) {
      const cert = cborDecode(body.certificate) as { delegation?: { subnet_id: Uint8Array; certificate: Uint8Array } };
      served.push({ path, delegation: cert.delegation });
    }
  }
  return response;
}) as typeof globalThis.fetch;

const host = 'http://127.0.0.1:4943';
const idOf = (b: Uint8Array | undefined) => (b ? Principal.fromUint8Array(b).toText() : undefined);

test('the canisters live where the test says', () => {
  assert.is.not(nns.id.toText(), app.id.toText());
  assert.is(nns.id.toText(), Principal.selfAuthenticating(certifier.rootKeyDer).toText());
  assert.is(replica.subnetOf(appCounter), app);
  assert.is(replica.subnetOf(nnsCounter), nns);
});

test('@dfinity/agent: update and verified query on an application-subnet canister', async () => {
  const agent = await HttpAgent.create({ host, fetch, shouldFetchRootKey: true });
  const counter = Actor.createActor(counterIdl, { agent, canisterId: appCounter });
  served.length = 0;
  assert.is(await counter['inc']!(), 1n);
  assert.is(await counter['add']!(41n), 42n);
  // the query's node signatures are checked against the subnet's node keys (read_state "subnet")
  assert.is(await counter['get']!(), 42n);
  assert.ok(served.length >= 3, 'call and read_state certificates were served');
  for (const s of served) assert.is(idOf(s.delegation?.subnet_id), app.id.toText(), `${s.path} carries the app subnet's delegation`);
  assert.ok(served.some((s) => s.path.endsWith('/read_state')), 'the agent fetched the subnet keys');
});

test('@dfinity/agent: CanisterStatus on an application-subnet canister (module_hash, controllers, subnet)', async () => {
  const agent = await HttpAgent.create({ host, fetch, shouldFetchRootKey: true });
  const status = await CanisterStatus.request({ canisterId: appCounter, agent, paths: ['module_hash', 'controllers', 'subnet', 'time'] });
  assert.is(status.get('module_hash'), Buffer.from(replica.canister(appCounter).moduleHash as Uint8Array).toString('hex'));
  assert.equal((status.get('controllers') as Principal[]).map((c) => c.toText()), [controller.toText()]);
  const subnet = status.get('subnet') as { subnetId: string; nodeKeys: Map<string, Uint8Array> };
  assert.is(subnet.subnetId, app.id.toText());
  assert.equal([...subnet.nodeKeys.keys()].sort(), certifier.nodesFor(appCounter).map((n) => n.nodeId.toText()).sort());
  assert.ok(Math.abs((status.get('time') as Date).getTime() - Number(replica.time / 1_000_000n)) < 1000);
});

test('@dfinity/agent: an NNS canister still verifies, without delegation', async () => {
  const agent = await HttpAgent.create({ host, fetch, shouldFetchRootKey: true });
  const counter = Actor.createActor(counterIdl, { agent, canisterId: nnsCounter });
  served.length = 0;
  assert.is(await counter['inc']!(), 1n);
  assert.is(await counter['get']!(), 1n);
  const status = await CanisterStatus.request({ canisterId: nnsCounter, agent, paths: ['module_hash', 'controllers', 'subnet'] });
  assert.is((status.get('subnet') as { subnetId: string }).subnetId, nns.id.toText());
  assert.equal((status.get('controllers') as Principal[]).map((c) => c.toText()), [controller.toText()]);
  assert.ok(served.length >= 2);
  for (const s of served) assert.is(s.delegation, undefined, `${s.path} has no delegation`);
});

test('@icp-sdk/core: update, verified query and subnet read_state on the application subnet', async () => {
  const agent = await sdk.HttpAgent.create({ host, fetch, shouldFetchRootKey: true });
  type Factory = Parameters<typeof sdk.Actor.createActor>[0];
  const counter = sdk.Actor.createActor(counterIdl as unknown as Factory, { agent, canisterId: appCounter.toText() });
  const before = (await counter['get']!()) as bigint;
  assert.is(await counter['inc']!(), before + 1n);
  assert.is(await counter['get']!(), before + 1n);
  const subnetId = SdkPrincipal.fromText(app.id.toText());
  const status = await sdk.SubnetStatus.request({ subnetId, agent, paths: ['publicKey', 'nodeKeys'] });
  assert.equal(status.get('publicKey'), certifier.subnetPublicKeyDer(app.id));
  assert.is((status.get('nodeKeys') as Map<string, Uint8Array>).size, 4);
  const rootStatus = await sdk.SubnetStatus.request({ subnetId: SdkPrincipal.fromText(nns.id.toText()), agent, paths: ['publicKey'] });
  assert.equal(rootStatus.get('publicKey'), certifier.rootKeyDer);
});

test('@dfinity/agent: a delegation signed by another key than the root key is refused', async () => {
  // The replica's answers, with every delegation certificate re-signed by a stranger's key.
  const stranger = BlsKeyPair.fromSeed('not the root key');
  const forging = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await replicaFetch(input, init);
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    if (response.status !== 200 || !path.endsWith('/read_state')) return response;
    const body = cborDecode(new Uint8Array(await response.arrayBuffer())) as { certificate: Uint8Array };
    const cert = cborDecode(body.certificate) as { tree: CborValue; signature: Uint8Array; delegation?: { subnet_id: Uint8Array; certificate: Uint8Array } };
    if (cert.delegation) {
      const d = cborDecode(cert.delegation.certificate) as { tree: CborValue };
      const forged = encodeSelfDescribed({ tree: d.tree, signature: stranger.signStateRoot(digest(hashTreeFromCbor(d.tree))) });
      cert.delegation = { subnet_id: cert.delegation.subnet_id, certificate: forged };
    }
    const bytes = encodeSelfDescribed({ certificate: encodeSelfDescribed(cert as unknown as CborValue) });
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-type': 'application/cbor' } });
  }) as typeof globalThis.fetch;
  const agent = await HttpAgent.create({ host, fetch: forging, shouldFetchRootKey: true });
  const e = await CanisterStatus.request({ canisterId: appCounter, agent, paths: ['module_hash'] }).then(
    () => undefined,
    (x: unknown) => x as Error,
  );
  assert.ok(e, 'the forged delegation must not verify');
  assert.match(String(e.message), 'Invalid signature');
  // the NNS canister's certificates have no delegation to forge
  const status = await CanisterStatus.request({ canisterId: nnsCounter, agent, paths: ['module_hash'] });
  assert.type(status.get('module_hash'), 'string');
});

test('the subnets sign queries with disjoint node sets', () => {
  const appNodes = new Set(certifier.nodesFor(appCounter).map((n) => n.nodeId.toText()));
  assert.ok(certifier.nodesFor(nnsCounter).every((n) => !appNodes.has(n.nodeId.toText())));
});

test.run();
