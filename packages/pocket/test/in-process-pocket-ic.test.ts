// The in-process PocketIc: the @dfinity/pic documentation's example tests (counter, clock and timers,
// upgrades, identities and principals, cycles, stable memory, several subnets, HTTPS outcalls) ported
// to `PocketIc.create()` with real Motoko canisters — no server, nothing downloaded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { compileMotoko, counterIdl, motokoFixture, stableStoreIdl, timerIdl } from '@mockic/fixtures';
import { PocketIc, SubnetStateType } from '../src/index.ts';

type IdlFactory = IDL.InterfaceFactory;

interface CounterService {
  inc: () => Promise<bigint>;
  add: (n: bigint) => Promise<bigint>;
  get: () => Promise<bigint>;
  reset: () => Promise<null>;
}

interface TimerService {
  schedule: (s: bigint) => Promise<null>;
  startTicking: (s: bigint) => Promise<null>;
  stopTicking: () => Promise<null>;
  firedCount: () => Promise<bigint>;
  tickCount: () => Promise<bigint>;
}

interface StoreService {
  put: (k: string, v: bigint) => Promise<null>;
  lookup: (k: string) => Promise<[] | [bigint]>;
  upgradeCount: () => Promise<bigint>;
  writeStable: (offset: bigint, value: bigint) => Promise<null>;
  readStable: (offset: bigint) => Promise<bigint>;
}

const WHOAMI = `
persistent actor {
  var owner : ?Principal = null;
  public shared query ({ caller }) func whoami() : async Principal { caller };
  public shared ({ caller }) func claim() : async Bool {
    switch (owner) { case null { owner := ?caller; true }; case (?o) { o == caller } }
  };
};
`;
const whoamiIdl: IdlFactory = ({ IDL }) => IDL.Service({ whoami: IDL.Func([], [IDL.Principal], ['query']), claim: IDL.Func([], [IDL.Bool], []) });
interface WhoamiService {
  whoami: () => Promise<Principal>;
  claim: () => Promise<boolean>;
}

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
    try {
      let r = await (with cycles = 1_000_000_000_000) ic.http_request({
        url; max_response_bytes = ?2048; method = #get; headers = [{ name = "accept"; value = "text/plain" }];
        body = null; transform = null; is_replicated = null;
      });
      debug_show r.status # " " # (switch (Text.decodeUtf8(r.body)) { case (?t) t; case null "" })
    } catch (e) { "rejected" }
  };
};
`;
const outcallIdl: IdlFactory = ({ IDL }) => IDL.Service({ fetch: IDL.Func([IDL.Text], [IDL.Text], []) });

const counterWasm = motokoFixture('counter').wasm;
const EOP_UPGRADE = { wasm_memory_persistence: [{ keep: null }] as [{ keep: null }], skip_pre_upgrade: [] as [] };

let pic: PocketIc;

test.before.each(async () => {
  pic = await PocketIc.create();
});

test.after.each(async () => {
  await pic.tearDown();
});

test('counter: setupCanister, then update and query calls through the actor', async () => {
  const { actor, canisterId } = await pic.setupCanister<CounterService>({ idlFactory: counterIdl, wasm: counterWasm });
  assert.is(canisterId.toText(), 'lxzze-o7777-77777-aaaaa-cai', 'numbered like PocketIC: from the top of the id space');
  assert.is(await actor.inc(), 1n);
  assert.is(await actor.add(41n), 42n);
  assert.is(await actor.get(), 42n);
  assert.is(await actor.reset(), null, 'no return value decodes to null, as in pic-js');
  assert.is(await actor.get(), 0n);
});

test('counter: createCanister + installCode + createActor, and raw updateCall / queryCall', async () => {
  const canisterId = await pic.createCanister();
  await pic.installCode({ canisterId, wasm: counterWasm });
  const actor = pic.createActor<CounterService>(counterIdl, canisterId);
  await actor.add(5n);
  const reply = await pic.updateCall({ canisterId, method: 'inc', arg: IDL.encode([], []) });
  assert.equal(IDL.decode([IDL.Nat], new Uint8Array(reply)), [6n]);
  const query = await pic.queryCall({ canisterId, method: 'get', arg: IDL.encode([], []) });
  assert.equal(IDL.decode([IDL.Nat], new Uint8Array(query)), [6n]);
});

test('upgrade: upgradeCanister keeps the state, reinstallCode resets it', async () => {
  const { actor, canisterId } = await pic.setupCanister<CounterService>({ idlFactory: counterIdl, wasm: counterWasm });
  await actor.add(7n);
  await pic.upgradeCanister({ canisterId, wasm: counterWasm, upgradeModeOptions: EOP_UPGRADE });
  assert.is(await actor.get(), 7n);
  await pic.reinstallCode({ canisterId, wasm: counterWasm });
  assert.is(await actor.get(), 0n);
});

test('upgrade: stable variables and a stable region survive, post_upgrade runs', async () => {
  const wasm = motokoFixture('stable-store').wasm;
  const { actor, canisterId } = await pic.setupCanister<StoreService>({ idlFactory: stableStoreIdl, wasm });
  await actor.put('a', 1n);
  await actor.writeStable(8n, 0xdeadbeefn);
  await pic.upgradeCanister({ canisterId, wasm, upgradeModeOptions: EOP_UPGRADE });
  assert.is(await actor.upgradeCount(), 1n);
  assert.equal(await actor.lookup('a'), [1n]);
  assert.is(await actor.readStable(8n), 0xdeadbeefn);
});

test('clock: getTime starts at PocketIC genesis; setTime, advanceTime, resetTime', async () => {
  const genesis = Date.UTC(2021, 4, 6, 19, 17, 10);
  assert.ok(Math.abs((await pic.getTime()) - genesis) < 1, 'genesis');
  const start = new Date(2024, 0, 1);
  await pic.setTime(start);
  assert.is(await pic.getTime(), start.getTime());
  await pic.advanceTime(5_000);
  assert.is(await pic.getTime(), start.getTime() + 5_000);
  await pic.resetTime();
  const now = await pic.getTime();
  assert.ok(Number.isInteger(now), 'whole milliseconds, as pic-js returns');
  // The machine's wall clock may be stepped (NTP) between two reads: allow a second either side.
  assert.ok(Math.abs(now - Date.now()) < 1_000, 'resetTime moves to the wall clock');
});

test('timers: a one-shot timer fires once its time has come, a recurring one until cancelled', async () => {
  const { actor } = await pic.setupCanister<TimerService>({ idlFactory: timerIdl, wasm: motokoFixture('timer').wasm });
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
});

test('identities: the actor calls as anonymous until setIdentity / setPrincipal', async () => {
  const { actor, canisterId } = await pic.setupCanister<WhoamiService>({ idlFactory: whoamiIdl, wasm: compileMotoko(WHOAMI).wasm });
  const alice = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1));
  const bob = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(2)).getPrincipal();
  assert.ok((await actor.whoami()).isAnonymous(), 'anonymous by default');
  actor.setIdentity(alice);
  assert.is((await actor.whoami()).toText(), alice.getPrincipal().toText());
  assert.is(await actor.claim(), true, 'alice claims the canister');
  actor.setPrincipal(bob);
  assert.is((await actor.whoami()).toText(), bob.toText());
  assert.is(await actor.claim(), false, 'bob is not the owner');
  const other = pic.createActor<WhoamiService>(whoamiIdl, canisterId);
  assert.ok((await other.whoami()).isAnonymous(), 'each actor has its own sender');
});

test('identities: controllers from the sender, and a non-controller cannot upgrade', async () => {
  const alice = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1)).getPrincipal();
  const { canisterId } = await pic.setupCanister({ idlFactory: counterIdl, wasm: counterWasm, sender: alice });
  assert.equal(
    (await pic.getControllers(canisterId)).map((p) => p.toText()),
    [alice.toText()],
  );
  try {
    await pic.upgradeCanister({ canisterId, wasm: counterWasm });
    assert.unreachable('anonymous is not a controller');
  } catch (e) {
    assert.match(String(e), /^Error: Canister call failed: .*Reject code: CanisterError\. Error code: CanisterInvalidController\. Certified: true$/s);
  }
  await pic.updateCanisterSettings({ canisterId, controllers: [alice, Principal.anonymous()], sender: alice });
  assert.is((await pic.getControllers(canisterId)).length, 2);
  await pic.upgradeCanister({ canisterId, wasm: counterWasm, upgradeModeOptions: EOP_UPGRADE });
});

test('cycles: canisters start with 10^18 cycles; addCycles returns the new balance', async () => {
  const { canisterId } = await pic.setupCanister({ idlFactory: counterIdl, wasm: counterWasm });
  const before = await pic.getCyclesBalance(canisterId);
  assert.type(before, 'number');
  assert.ok(before > 0.99e18 && before <= 1e18, `${before}`);
  const after = await pic.addCycles(canisterId, 1_000_000_000_000);
  assert.ok(Math.abs(after - before - 1e12) < 1024, 'added (up to float precision)');
  assert.is(await pic.getCyclesBalance(canisterId), after);
  const rich = await pic.createCanister({ cycles: 5_000_000n });
  assert.is(await pic.getCyclesBalance(rich), 5_000_000);
});

test('stable memory: getStableMemory / setStableMemory save and restore a canister\'s stable memory', async () => {
  const wasm = motokoFixture('stable-store').wasm;
  const { actor, canisterId } = await pic.setupCanister<StoreService>({ idlFactory: stableStoreIdl, wasm });
  await actor.writeStable(8n, 0x1234n);
  const saved = new Uint8Array(await pic.getStableMemory(canisterId));
  assert.ok(saved.length > 0 && saved.length % 65536 === 0, `whole pages (${saved.length})`);
  await actor.writeStable(8n, 0x9999n);
  assert.is(await actor.readStable(8n), 0x9999n);
  await pic.setStableMemory(canisterId, saved);
  assert.is(await actor.readStable(8n), 0x1234n, 'the canister reads the restored bytes');
  assert.ok(Buffer.from(new Uint8Array(await pic.getStableMemory(canisterId))).equals(Buffer.from(saved)));

  const other = await pic.setupCanister({ idlFactory: stableStoreIdl, wasm });
  await pic.setStableMemory(other.canisterId, saved.buffer);
  assert.ok(Buffer.from(new Uint8Array(await pic.getStableMemory(other.canisterId))).equals(Buffer.from(saved)), 'ArrayBuffers work as in pic-js');
});

test('subnets: NNS, II, SNS, fiduciary, bitcoin, system and application subnets; targetSubnetId', async () => {
  const multi = await PocketIc.create({
    nns: { state: { type: SubnetStateType.New } },
    ii: { state: { type: SubnetStateType.New } },
    sns: { state: { type: SubnetStateType.New } },
    fiduciary: { state: { type: SubnetStateType.New } },
    bitcoin: { state: { type: SubnetStateType.New } },
    system: [{ state: { type: SubnetStateType.New } }],
    application: [{ state: { type: SubnetStateType.New } }, { state: { type: SubnetStateType.New } }],
  });
  try {
    const topology = await multi.getTopology();
    assert.is(topology.length, 8);
    assert.equal(
      topology.map((s) => s.type),
      ['NNS', 'SNS', 'II', 'Fiduciary', 'Bitcoin', 'System', 'Application', 'Application'],
    );
    const nns = await multi.getNnsSubnet();
    assert.is(nns?.size, 40);
    assert.is(nns?.canisterRanges[0]?.start.toText(), 'rwlgt-iiaaa-aaaaa-aaaaa-cai');
    assert.ok((await multi.getInternetIdentitySubnet())?.canisterRanges.some((r) => r.start.toText() === 'rdmx6-jaaaa-aaaaa-aaadq-cai'));
    assert.ok(await multi.getSnsSubnet());
    assert.ok(await multi.getFiduciarySubnet());
    assert.ok(await multi.getBitcoinSubnet());
    assert.is((await multi.getSystemSubnets()).length, 1);
    const apps = await multi.getApplicationSubnets();
    assert.is(apps.length, 2);

    const second = apps[1]?.id as Principal;
    const { canisterId, actor } = await multi.setupCanister<CounterService>({ idlFactory: counterIdl, wasm: counterWasm, targetSubnetId: second });
    assert.is((await multi.getCanisterSubnetId(canisterId))?.toText(), second.toText());
    assert.is(await actor.inc(), 1n);
    const first = await multi.createCanister();
    assert.is((await multi.getCanisterSubnetId(first))?.toText(), apps[0]?.id.toText(), 'by default: the first application subnet');

    const governance = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
    assert.is((await multi.createCanister({ targetCanisterId: governance, targetSubnetId: nns?.id as Principal })).toText(), governance.toText());
    assert.is((await multi.getCanisterSubnetId(governance))?.toText(), nns?.id.toText());
    assert.is(await multi.getCanisterSubnetId(Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai')), null, 'no such canister');
  } finally {
    await multi.tearDown();
  }
});

test('getPubKey: the DER-encoded BLS root key, for each subnet', async () => {
  const [app] = await pic.getApplicationSubnets();
  const key = new Uint8Array(await pic.getPubKey(app?.id as Principal));
  assert.is(key.length, 133, 'DER: 37 bytes of algorithm identifiers + a 96-byte BLS12-381 G2 point');
  assert.is(Buffer.from(key.subarray(0, 37)).toString('hex'), '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100');
});

test('HTTPS outcalls: a deferred call, getPendingHttpsOutcalls, mockPendingHttpsOutcall', async () => {
  const { canisterId } = await pic.setupCanister({ idlFactory: outcallIdl, wasm: compileMotoko(OUTCALL_CLIENT).wasm });
  const deferred = pic.createDeferredActor<{ fetch(url: string): Promise<string> }>(outcallIdl, canisterId);
  const pending = await deferred.fetch('https://example.com/hello');
  await pic.tick(2);
  const outcalls = await pic.getPendingHttpsOutcalls();
  assert.is(outcalls.length, 1);
  const outcall = outcalls[0] as (typeof outcalls)[number];
  assert.is(outcall.url, 'https://example.com/hello');
  assert.is(outcall.httpMethod, 'GET');
  assert.is(outcall.maxResponseBytes, 2048);
  assert.equal(outcall.headers, [['accept', 'text/plain']]);
  assert.is(outcall.subnetId.toText(), (await pic.getCanisterSubnetId(canisterId))?.toText());
  await pic.mockPendingHttpsOutcall({
    requestId: outcall.requestId,
    subnetId: outcall.subnetId,
    response: { type: 'success', statusCode: 200, headers: [], body: new TextEncoder().encode('hi there') },
  });
  assert.is(await pending(), '200 hi there');
  assert.is((await pic.getPendingHttpsOutcalls()).length, 0);
});

test('HTTPS outcalls: a mocked reject reaches the canister as a reject', async () => {
  const { canisterId } = await pic.setupCanister({ idlFactory: outcallIdl, wasm: compileMotoko(OUTCALL_CLIENT).wasm });
  const deferred = pic.createDeferredActor<{ fetch(url: string): Promise<string> }>(outcallIdl, canisterId);
  const pending = await deferred.fetch('https://example.com/down');
  await pic.tick(2);
  const [outcall] = await pic.getPendingHttpsOutcalls();
  await pic.mockPendingHttpsOutcall({
    requestId: outcall?.requestId as number,
    subnetId: outcall?.subnetId as Principal,
    response: { type: 'reject', statusCode: 2, message: 'connection refused' },
  });
  assert.is(await pending(), 'rejected');
});

test('start and stop: a stopped canister rejects calls until started again', async () => {
  const { actor, canisterId } = await pic.setupCanister<CounterService>({ idlFactory: counterIdl, wasm: counterWasm });
  await pic.stopCanister({ canisterId });
  try {
    await actor.inc();
    assert.unreachable('stopped');
  } catch (e) {
    assert.match(String(e), /Canister call failed: .*stopped.*Error code: CanisterStopped/s);
  }
  await pic.startCanister({ canisterId });
  assert.is(await actor.inc(), 1n);
});

test.run();
