// The unmodified @dfinity/pic client against the server: the pic-js documentation examples (counter:
// setup, calls, upgrade and reinstall; clock: time travel with timers and cycles; todo: identities and
// stable memory; multicanister: several subnets) with real Motoko canisters, plus canister snapshots
// through the management canister, HTTPS outcalls mocked by the test, and call errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { PocketIc, SubnetStateType, type Actor } from '@dfinity/pic';
import { compileMotoko, counterWithMissingIdl, motokoFixture, stableStoreIdl, timerIdl, trappingIdl } from '@mockic/fixtures';
import { startPocketIcServer, type PocketIcServer } from '../src/index.ts';

type IdlFactory = Parameters<PocketIc['createActor']>[0];

interface CounterService {
  inc: () => Promise<bigint>;
  add: (n: bigint) => Promise<bigint>;
  get: () => Promise<bigint>;
  reset: () => Promise<void>;
  nope: () => Promise<void>;
}

interface TimerService {
  schedule: (s: bigint) => Promise<void>;
  startTicking: (s: bigint) => Promise<void>;
  stopTicking: () => Promise<void>;
  firedCount: () => Promise<bigint>;
  tickCount: () => Promise<bigint>;
}

interface StoreService {
  put: (k: string, v: bigint) => Promise<void>;
  lookup: (k: string) => Promise<[] | [bigint]>;
  upgradeCount: () => Promise<bigint>;
  writeStable: (offset: bigint, value: bigint) => Promise<void>;
  readStable: (offset: bigint) => Promise<bigint>;
  stablePages: () => Promise<bigint>;
}


/** pic 0.16 types byte arguments as ArrayBufferLike (it copies them with new Uint8Array). */
function ab(bytes: Uint8Array | ArrayBuffer): ArrayBuffer {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) as ArrayBuffer;
}
const wasmOf = (name: Parameters<typeof motokoFixture>[0]): ArrayBuffer => ab(motokoFixture(name).wasm);

const EOP_UPGRADE = { wasm_memory_persistence: [{ keep: null }], skip_pre_upgrade: [] };

let server: PocketIcServer;
let pic: PocketIc;

test.before(async () => {
  server = await startPocketIcServer();
});

test.after(async () => {
  await server.close();
});

test.before.each(async () => {
  pic = await PocketIc.create(server.url);
});

test.after.each(async () => {
  await pic.tearDown();
});

test('counter: setupCanister, update and query calls through the actor', async () => {
  const fixture = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter') });
  const actor = fixture.actor as Actor<CounterService>;
  assert.is(fixture.canisterId.toText(), 'lxzze-o7777-77777-aaaaa-cai', 'PocketIC numbers canisters from the top of the id space');
  assert.is(await actor.inc(), 1n);
  assert.is(await actor.add(41n), 42n);
  assert.is(await actor.get(), 42n);
  await actor.reset();
  assert.is(await actor.get(), 0n);
});

test('counter: upgradeCanister keeps the state, reinstallCode resets it', async () => {
  const wasm = wasmOf('counter');
  const { actor, canisterId } = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm });
  await actor.add(7n);
  await pic.upgradeCanister({ canisterId, wasm, upgradeModeOptions: EOP_UPGRADE as never });
  assert.is(await actor.get(), 7n);
  await pic.reinstallCode({ canisterId, wasm });
  assert.is(await actor.get(), 0n);
});

test('counter: a missing method and a trap reject the call with PocketIC error text', async () => {
  const { actor } = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter') });
  try {
    await actor.nope();
    assert.unreachable('nope is not exported');
  } catch (e) {
    assert.match(String(e), /Canister call failed: .*has no update method 'nope'.*Reject code: CanisterError. Error code: CanisterMethodNotFound/s);
  }
  const trapping = await pic.setupCanister<{ setThenTrap(n: bigint): Promise<void>; get(): Promise<bigint> }>({
    idlFactory: trappingIdl,
    wasm: wasmOf('trapping'),
  });
  try {
    await trapping.actor.setThenTrap(5n);
    assert.unreachable('setThenTrap traps');
  } catch (e) {
    assert.match(String(e), /setThenTrap: refusing 5.*Reject code: CanisterError. Error code: CanisterCalledTrap/s);
  }
  assert.is(await trapping.actor.get(), 0n, 'the trap rolled the write back');
});

test('clock: getTime, setTime and advanceTime; timers fire on tick', async () => {
  const genesis = Date.UTC(2021, 4, 6, 19, 17, 10);
  assert.ok(Math.abs((await pic.getTime()) - genesis) < 1, 'an instance starts at PocketIC genesis');
  const start = new Date(2024, 0, 1);
  await pic.setTime(start.getTime());
  await pic.tick();
  assert.is(await pic.getTime(), start.getTime());

  const { actor } = await pic.setupCanister<TimerService>({ idlFactory: timerIdl, wasm: wasmOf('timer') });
  await actor.schedule(60n);
  await pic.advanceTime(30_000);
  await pic.tick(2);
  assert.is(await actor.firedCount(), 0n, 'not yet');
  await pic.advanceTime(31_000);
  await pic.tick(2);
  assert.is(await actor.firedCount(), 1n, 'fired after a minute');

  await actor.startTicking(10n);
  for (let i = 0; i < 3; i++) {
    await pic.advanceTime(10_000);
    await pic.tick(2);
  }
  assert.is(await actor.tickCount(), 3n);
  await actor.stopTicking();
  await pic.advanceTime(60_000);
  await pic.tick(2);
  assert.is(await actor.tickCount(), 3n);
  assert.is(await pic.getTime(), start.getTime() + 61_000 + 30_000 + 60_000);
});

test('cycles: getCyclesBalance and addCycles', async () => {
  const { canisterId } = await pic.setupCanister({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter') });
  const before = await pic.getCyclesBalance(canisterId);
  assert.ok(before > 900_000_000_000_000_000 && before <= 1e18, `pic creates canisters with 10^18 cycles (${before})`);
  const after = await pic.addCycles(canisterId, 1_000_000);
  assert.ok(after - before === 1_000_000 || Math.abs(after - before - 1_000_000) < 1024, 'added (up to float precision)');
  assert.is(await pic.getCyclesBalance(canisterId), after);
});

test('todo: identities, controllers and stable memory round trips', async () => {
  const alice = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1));
  const { actor, canisterId } = await pic.setupCanister<StoreService>({
    idlFactory: stableStoreIdl,
    wasm: wasmOf('stable-store'),
    sender: alice.getPrincipal(),
  });
  const controllers = await pic.getControllers(canisterId);
  assert.equal(
    controllers.map((p) => p.toText()),
    [alice.getPrincipal().toText()],
  );
  actor.setIdentity(alice);
  await actor.put('a', 1n);
  await actor.writeStable(8n, 0xdeadbeefn);
  await pic.upgradeCanister({ canisterId, wasm: wasmOf('stable-store'), sender: alice.getPrincipal(), upgradeModeOptions: EOP_UPGRADE as never });
  assert.is(await actor.upgradeCount(), 1n);
  assert.equal(await actor.lookup('a'), [1n]);
  assert.is(await actor.readStable(8n), 0xdeadbeefn);

  const memory = new Uint8Array(await pic.getStableMemory(canisterId));
  assert.ok(memory.length > 0 && memory.length % 65536 === 0, `whole pages (${memory.length})`);

  // Copy the stable memory into a second canister: its region reads the same word.
  const copy = await pic.setupCanister<StoreService>({ idlFactory: stableStoreIdl, wasm: wasmOf('stable-store') });
  await pic.setStableMemory(copy.canisterId, ab(memory));
  const again = new Uint8Array(await pic.getStableMemory(copy.canisterId));
  assert.is(again.length, memory.length);
  assert.ok(Buffer.from(again).equals(Buffer.from(memory)), 'set then get returns the same bytes');

  // A non-controller cannot upgrade.
  try {
    await pic.upgradeCanister({ canisterId, wasm: wasmOf('stable-store'), upgradeModeOptions: EOP_UPGRADE as never });
    assert.unreachable('anonymous is not a controller');
  } catch (e) {
    assert.match(String(e), /Canister call failed/);
  }
});

test('multicanister: several subnets, topology, targetSubnetId and getCanisterSubnetId', async () => {
  const multi = await PocketIc.create(server.url, {
    nns: { state: { type: SubnetStateType.New } },
    ii: { state: { type: SubnetStateType.New } },
    application: [{ state: { type: SubnetStateType.New } }, { state: { type: SubnetStateType.New } }],
  });
  try {
    const topology = await multi.getTopology();
    assert.is(topology.length, 4);
    const nns = await multi.getNnsSubnet();
    const ii = await multi.getInternetIdentitySubnet();
    const apps = await multi.getApplicationSubnets();
    assert.ok(nns && ii);
    assert.is(apps.length, 2);
    assert.is(nns.size, 40);
    assert.is(nns.canisterRanges[0]?.start.toText(), 'rwlgt-iiaaa-aaaaa-aaaaa-cai', 'NNS owns the range from index 0');
    assert.ok(ii.canisterRanges.some((r) => r.start.toText() === 'rdmx6-jaaaa-aaaaa-aaadq-cai'), 'II owns rdmx6');

    const second = apps[1]?.id as Principal;
    const { canisterId } = await multi.setupCanister({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter'), targetSubnetId: second });
    assert.is((await multi.getCanisterSubnetId(canisterId))?.toText(), second.toText());
    const first = await multi.setupCanister({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter') });
    assert.is((await multi.getCanisterSubnetId(first.canisterId))?.toText(), apps[0]?.id.toText());

    // A canister with a specified id on the NNS subnet (as NNS canisters are deployed).
    const governance = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
    const created = await multi.createCanister({ targetCanisterId: governance, targetSubnetId: nns.id });
    assert.is(created.toText(), governance.toText());
    assert.is((await multi.getCanisterSubnetId(governance))?.toText(), nns.id.toText());
    assert.is(await multi.getCanisterSubnetId(Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai')), null, 'no such canister');
  } finally {
    await multi.tearDown();
  }
});

test('canister snapshots through the management canister', async () => {
  const { actor, canisterId } = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter') });
  await actor.add(5n);
  const SnapshotId = IDL.Vec(IDL.Nat8);
  const Snapshot = IDL.Record({ id: SnapshotId, taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 });
  const aaaaa = Principal.managementCanister();
  const stop = IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: canisterId }]);
  await pic.updateCall({ canisterId: aaaaa, method: 'stop_canister', arg: ab(stop) });
  const taken = await pic.updateCall({
    canisterId: aaaaa,
    method: 'take_canister_snapshot',
    arg: ab(IDL.encode([IDL.Record({ canister_id: IDL.Principal, replace_snapshot: IDL.Opt(SnapshotId) })], [{ canister_id: canisterId, replace_snapshot: [] }])),
  });
  const [snapshot] = IDL.decode([Snapshot], new Uint8Array(taken)) as unknown as [{ id: Uint8Array }];
  await pic.updateCall({ canisterId: aaaaa, method: 'start_canister', arg: ab(stop) });
  await actor.add(100n);
  assert.is(await actor.get(), 105n);

  const listed = await pic.updateCall({
    canisterId: aaaaa,
    method: 'list_canister_snapshots',
    arg: ab(IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: canisterId }])),
  });
  assert.is((IDL.decode([IDL.Vec(Snapshot)], new Uint8Array(listed))[0] as unknown[]).length, 1);

  await pic.updateCall({ canisterId: aaaaa, method: 'stop_canister', arg: ab(stop) });
  await pic.updateCall({
    canisterId: aaaaa,
    method: 'load_canister_snapshot',
    arg: ab(
      IDL.encode(
        [IDL.Record({ canister_id: IDL.Principal, snapshot_id: SnapshotId, sender_canister_version: IDL.Opt(IDL.Nat64) })],
        [{ canister_id: canisterId, snapshot_id: snapshot.id, sender_canister_version: [] }],
      ),
    ),
  });
  await pic.updateCall({ canisterId: aaaaa, method: 'start_canister', arg: ab(stop) });
  assert.is(await actor.get(), 5n, 'back to the snapshot');
});

const OUTCALL_CLIENT = `
import Text "mo:core/Text";
persistent actor Client {
  type HttpHeader = { name : Text; value : Text };
  type HttpResponse = { status : Nat; headers : [HttpHeader]; body : Blob };
  type HttpRequestArgs = {
    url : Text;
    max_response_bytes : ?Nat64;
    method : { #get; #head; #post };
    headers : [HttpHeader];
    body : ?Blob;
    transform : ?{ function : shared query ({ response : HttpResponse; context : Blob }) -> async HttpResponse; context : Blob };
    is_replicated : ?Bool;
  };
  transient let ic = actor "aaaaa-aa" : actor { http_request : HttpRequestArgs -> async HttpResponse };

  public func fetch(url : Text) : async Text {
    let r = await (with cycles = 1_000_000_000_000) ic.http_request({
      url; max_response_bytes = ?2048; method = #get; headers = [{ name = "accept"; value = "text/plain" }];
      body = null; transform = null; is_replicated = null;
    });
    debug_show r.status # " " # (switch (Text.decodeUtf8(r.body)) { case (?t) t; case null "" })
  };
};
`;

test('HTTPS outcalls: getPendingHttpsOutcalls and mockPendingHttpsOutcall', async () => {
  const wasm = ab(compileMotoko(OUTCALL_CLIENT).wasm);
  const idlFactory: IdlFactory = ({ IDL }) => IDL.Service({ fetch: IDL.Func([IDL.Text], [IDL.Text], []) });
  const { canisterId } = await pic.setupCanister({ idlFactory, wasm });
  const deferred = pic.createDeferredActor<{ fetch(url: string): Promise<string> }>(idlFactory, canisterId);
  const pending = await deferred.fetch('https://example.com/hello');
  await pic.tick(2);
  const outcalls = await pic.getPendingHttpsOutcalls();
  assert.is(outcalls.length, 1);
  const outcall = outcalls[0] as (typeof outcalls)[number];
  assert.is(outcall.url, 'https://example.com/hello');
  assert.is(outcall.httpMethod, 'GET');
  assert.is(outcall.maxResponseBytes, 2048);
  assert.equal(outcall.headers, [['accept', 'text/plain']]);
  await pic.mockPendingHttpsOutcall({
    requestId: outcall.requestId,
    subnetId: outcall.subnetId,
    response: { type: 'success', statusCode: 200, headers: [], body: new TextEncoder().encode('hi there') },
  });
  assert.is(await pending(), '200 hi there');
  assert.is((await pic.getPendingHttpsOutcalls()).length, 0);
});

test('several instances on one server are independent', async () => {
  const other = await PocketIc.create(server.url);
  try {
    const a = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter') });
    const b = await other.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: wasmOf('counter') });
    assert.is(a.canisterId.toText(), b.canisterId.toText(), 'each instance numbers its own canisters');
    await a.actor.add(3n);
    await b.actor.add(10n);
    assert.is(await a.actor.get(), 3n);
    assert.is(await b.actor.get(), 10n);
    await other.setTime(Date.UTC(2030, 0, 1));
    assert.ok((await pic.getTime()) < Date.UTC(2022, 0, 1), 'time is per instance');
  } finally {
    await other.tearDown();
  }
});

test.run();
