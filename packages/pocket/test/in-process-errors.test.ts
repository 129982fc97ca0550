// The in-process PocketIc's errors, as @dfinity/pic 0.16 throws them: rejected calls ("Canister call
// failed: … Certified: …", through actors, deferred actors and raw calls), refused requests (the
// server's message), an invalid topology, and a torn-down instance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { counterWithMissingIdl, motokoFixture, trappingIdl } from '@mockic/fixtures';
import { PocketIc, SubnetStateType, TopologyValidationError } from '../src/index.ts';

interface CounterService {
  inc: () => Promise<bigint>;
  get: () => Promise<bigint>;
  nope: () => Promise<null>;
  nopeQuery: () => Promise<null>;
}

async function errorOf(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f();
  } catch (e) {
    assert.instance(e, Error);
    return e as Error;
  }
  assert.unreachable('expected an error');
  throw new Error('unreachable');
}

let pic: PocketIc;

test.before.each(async () => {
  pic = await PocketIc.create();
});

test.after.each(async () => {
  await pic.tearDown().catch(() => undefined);
});

test('a method the canister does not export: refused at submission (Certified: false)', async () => {
  const { actor } = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: motokoFixture('counter').wasm });
  const e = await errorOf(() => actor.nope());
  assert.match(
    e.message,
    /^Canister call failed: Error from Canister lxzze-o7777-77777-aaaaa-cai: Canister has no update method 'nope'\..*\. Reject code: CanisterError\. Error code: CanisterMethodNotFound\. Certified: false$/s,
  );
  const q = await errorOf(() => actor.nopeQuery());
  assert.match(q.message, /has no query method 'nopeQuery'.*Reject code: CanisterError\. Error code: CanisterMethodNotFound\. Certified: false$/s);
});

test('a trap: the executed call fails (Certified: true) and its writes roll back', async () => {
  const { actor } = await pic.setupCanister<{ setThenTrap(n: bigint): Promise<null>; get(): Promise<bigint> }>({
    idlFactory: trappingIdl,
    wasm: motokoFixture('trapping').wasm,
  });
  const e = await errorOf(() => actor.setThenTrap(5n));
  assert.match(e.message, /^Canister call failed: .*setThenTrap: refusing 5.*Reject code: CanisterError\. Error code: CanisterCalledTrap\. Certified: true$/s);
  assert.is(await actor.get(), 0n);
});

test('a deferred call that traps rejects when awaited', async () => {
  const { canisterId } = await pic.setupCanister({ idlFactory: trappingIdl, wasm: motokoFixture('trapping').wasm });
  const deferred = pic.createDeferredActor<{ setThenTrap(n: bigint): Promise<null> }>(trappingIdl, canisterId);
  const pending = await deferred.setThenTrap(7n);
  const e = await errorOf(() => pending());
  assert.match(e.message, /refusing 7.*Error code: CanisterCalledTrap\. Certified: true$/s);
});

test('calls to a canister that does not exist', async () => {
  const missing = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
  const update = await errorOf(() => pic.updateCall({ canisterId: missing, method: 'inc', arg: IDL.encode([], []) }));
  assert.is(update.message, 'Canister call failed: Canister ryjl3-tyaaa-aaaaa-aaaba-cai not found. Reject code: DestinationInvalid. Error code: CanisterNotFound. Certified: false');
  const query = await errorOf(() => pic.queryCall({ canisterId: missing, method: 'get', arg: IDL.encode([], []) }));
  assert.match(query.message, /^Canister call failed: Canister ryjl3-tyaaa-aaaaa-aaaba-cai not found\. .*Certified: false$/);
  assert.is((await errorOf(() => pic.getCyclesBalance(missing))).message, 'CanisterNotFound(CanisterId(ryjl3-tyaaa-aaaaa-aaaba-cai))');
  assert.is((await errorOf(() => pic.getControllers(missing))).message, 'CanisterNotFound(CanisterId(ryjl3-tyaaa-aaaaa-aaaba-cai))');
  assert.is((await errorOf(() => pic.getStableMemory(missing))).message, 'CanisterNotFound(CanisterId(ryjl3-tyaaa-aaaaa-aaaba-cai))');
});

test('setTime into the past is refused; unknown subnets and outcalls too', async () => {
  const now = await pic.getTime();
  const e = await errorOf(() => pic.setTime(now - 1000));
  assert.match(e.message, /^SettingTimeIntoPast\(\(\d+, \d+\)\)$/);
  const nobody = Principal.fromText('aaaaa-aa');
  assert.is((await errorOf(() => pic.getPubKey(nobody))).message, 'SubnetNotFound(aaaaa-aa)');
  const [app] = await pic.getApplicationSubnets();
  const mock = await errorOf(() =>
    pic.mockPendingHttpsOutcall({ subnetId: app?.id as Principal, requestId: 42, response: { type: 'success', statusCode: 200, headers: [], body: new Uint8Array() } }),
  );
  assert.is(mock.message, `InvalidCanisterHttpRequestId((${app?.id.toText()}, 42))`);
});

test('create: no subnet at all is a TopologyValidationError; FromPath state and system-canister ICP features are refused', async () => {
  const none = await errorOf(() => PocketIc.create({ application: [] }));
  assert.instance(none, TopologyValidationError);
  assert.match(none.message, /^The provided subnet configuration is invalid\./);
  const fromPath = await errorOf(() => PocketIc.create({ nns: { state: { type: SubnetStateType.FromPath, path: '/tmp/nns' } } }));
  assert.match(fromPath.message, /only new subnets are supported/);
  const features = await errorOf(() => PocketIc.create({ icpFeatures: { registry: 'DefaultConfig' } }));
  assert.match(features.message, /ICP features registry are not supported by mockic: it deploys JS stand-ins for icp_token, cycles_token and ii only/);
});

test('create: options without application subnets still get one (as pic-js sends them); the pic-js (url, options) form works', async () => {
  const withNns = await PocketIc.create('http://ignored.invalid', { nns: { state: { type: SubnetStateType.New } } });
  try {
    assert.equal(
      (await withNns.getTopology()).map((s) => s.type),
      ['NNS', 'Application'],
    );
  } finally {
    await withNns.tearDown();
  }
});

test('verified application subnets exist, but getTopology fails on them as pic-js 0.16 does', async () => {
  const verified = await PocketIc.create({ verifiedApplication: [{ state: { type: SubnetStateType.New } }] });
  try {
    assert.is((await errorOf(() => verified.getTopology())).message, 'Unknown subnet kind: VerifiedApplication');
  } finally {
    await verified.tearDown();
  }
});

test('after tearDown every method, actor and second tearDown throws "Instance was deleted"', async () => {
  const { actor, canisterId } = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: motokoFixture('counter').wasm });
  await pic.tearDown();
  for (const f of [
    () => pic.tick(),
    () => pic.getTime(),
    () => pic.getTopology(),
    () => pic.getCyclesBalance(canisterId),
    () => pic.createCanister(),
    () => actor.inc(),
    () => actor.get(),
    () => pic.tearDown(),
  ]) {
    assert.is((await errorOf(f)).message, 'Instance was deleted');
  }
});

test.run();
