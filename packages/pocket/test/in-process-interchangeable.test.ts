// One test body, typed against @dfinity/pic's own PocketIc, run twice: on the in-process
// `PocketIc.create()` and on the real @dfinity/pic client talking to `startPocketIcServer()`. Both
// runs record what they observe (ids, results, balances, times, error messages); the records must be
// identical — the two are interchangeable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { PocketIc as PicJsPocketIc } from '@dfinity/pic';
import { counterWithMissingIdl, motokoFixture, stableStoreIdl, timerIdl, trappingIdl } from '@mockic/fixtures';
import { PocketIc, startPocketIcServer } from '../src/index.ts';

/**
 * The part of the in-process PocketIc the body uses; the pic-js client must fit it too. (Typed the
 * other way round, pic-js's enums would not accept this package's string unions — TypeScript enums
 * are nominal. And TypeScript cannot relate the two identical generic DeferredActor aliases through a
 * generic method, so that method is typed for the one use here.)
 */
type Pic = Pick<
  PocketIc,
  | 'setupCanister'
  | 'createActor'
  | 'upgradeCanister'
  | 'updateCall'
  | 'queryCall'
  | 'getTime'
  | 'setTime'
  | 'advanceTime'
  | 'tick'
  | 'getCyclesBalance'
  | 'addCycles'
  | 'getControllers'
  | 'getStableMemory'
  | 'setStableMemory'
  | 'getTopology'
  | 'getApplicationSubnets'
  | 'getCanisterSubnetId'
  | 'getPubKey'
  | 'tearDown'
> & {
  createDeferredActor(interfaceFactory: IDL.InterfaceFactory, canisterId: Principal): { inc(): Promise<() => Promise<unknown>> };
};

interface CounterService {
  inc: () => Promise<bigint>;
  add: (n: bigint) => Promise<bigint>;
  get: () => Promise<bigint>;
  reset: () => Promise<null>;
  nope: () => Promise<null>;
}

const EOP_UPGRADE = { wasm_memory_persistence: [{ keep: null }] as [{ keep: null }], skip_pre_upgrade: [] as [] };

/** pic-js types byte arguments as ArrayBufferLike. */
function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function failure(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
    return 'no error';
  } catch (e) {
    return String(e);
  }
}

/** The shared body: what it observes, in order. */
async function scenario(pic: Pic): Promise<unknown[]> {
  const seen: unknown[] = [];
  const counter = ab(motokoFixture('counter').wasm);
  const alice = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7));

  // counter
  const { actor, canisterId } = await pic.setupCanister<CounterService>({ idlFactory: counterWithMissingIdl, wasm: counter, sender: alice.getPrincipal() });
  seen.push(canisterId.toText(), await actor.inc(), await actor.add(9n), await actor.get(), await actor.reset(), await actor.get());
  seen.push(await failure(() => actor.nope()));
  seen.push((await pic.getControllers(canisterId)).map((p) => p.toText()));
  await actor.add(3n);
  seen.push(await failure(() => pic.upgradeCanister({ canisterId, wasm: counter, upgradeModeOptions: EOP_UPGRADE })));
  await pic.upgradeCanister({ canisterId, wasm: counter, sender: alice.getPrincipal(), upgradeModeOptions: EOP_UPGRADE });
  seen.push(await actor.get());
  const raw = await pic.updateCall({ canisterId, method: 'inc', arg: ab(new Uint8Array(IDL.encode([], []))) });
  seen.push(IDL.decode([IDL.Nat], new Uint8Array(raw)));
  const q = await pic.queryCall({ canisterId, method: 'get', arg: ab(new Uint8Array(IDL.encode([], []))) });
  seen.push(IDL.decode([IDL.Nat], new Uint8Array(q)));

  // a trap
  const trapping = await pic.setupCanister<{ setThenTrap(n: bigint): Promise<null> }>({ idlFactory: trappingIdl, wasm: ab(motokoFixture('trapping').wasm) });
  seen.push(await failure(() => trapping.actor.setThenTrap(3n)));

  // time and timers
  seen.push(await pic.getTime());
  await pic.setTime(new Date(Date.UTC(2025, 0, 1)));
  seen.push(await pic.getTime());
  const timer = await pic.setupCanister<{ schedule(s: bigint): Promise<null>; firedCount(): Promise<bigint> }>({
    idlFactory: timerIdl,
    wasm: ab(motokoFixture('timer').wasm),
  });
  await timer.actor.schedule(30n);
  await pic.advanceTime(20_000);
  await pic.tick(2);
  seen.push(await timer.actor.firedCount());
  await pic.advanceTime(20_000);
  await pic.tick(2);
  seen.push(await timer.actor.firedCount(), await pic.getTime());

  // cycles
  const balance = await pic.getCyclesBalance(canisterId);
  seen.push(balance, (await pic.addCycles(canisterId, 1_000_000)) - balance >= 999_000);

  // stable memory
  const store = await pic.setupCanister<{ writeStable(o: bigint, v: bigint): Promise<null>; readStable(o: bigint): Promise<bigint> }>({
    idlFactory: stableStoreIdl,
    wasm: ab(motokoFixture('stable-store').wasm),
  });
  await store.actor.writeStable(16n, 77n);
  const memory = new Uint8Array(await pic.getStableMemory(store.canisterId));
  await store.actor.writeStable(16n, 78n);
  await pic.setStableMemory(store.canisterId, ab(memory));
  seen.push(memory.length, await store.actor.readStable(16n));

  // deferred actor
  const deferred = pic.createDeferredActor(counterWithMissingIdl, canisterId);
  const pending = await deferred.inc();
  seen.push(await pending());

  // topology
  const topology = await pic.getTopology();
  seen.push(topology.map((s) => [s.type, s.size, s.canisterRanges.map((r) => [r.start.toText(), r.end.toText()])]));
  const [app] = await pic.getApplicationSubnets();
  seen.push((await pic.getCanisterSubnetId(canisterId))?.toText() === app?.id.toText());
  seen.push(new Uint8Array(await pic.getPubKey(app?.id as Principal)).length);
  return seen;
}

test('the same test body gives the same observations in-process and through @dfinity/pic on the server', async () => {
  const inProcess = await PocketIc.create();
  const local = await scenario(inProcess);
  await inProcess.tearDown();

  const server = await startPocketIcServer();
  try {
    const remote = await PicJsPocketIc.create(server.url);
    const viaServer = await scenario(remote);
    await remote.tearDown();
    assert.equal(local, viaServer);
  } finally {
    await server.close();
  }

  // And the observations are the expected ones.
  assert.is(local[0], 'lxzze-o7777-77777-aaaaa-cai');
  assert.equal(local.slice(1, 6), [1n, 10n, 10n, null, 0n]);
  assert.match(String(local[6]), /Canister call failed: .*no update method 'nope'.*Certified: false$/s);
  assert.equal(local[7], [Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7)).getPrincipal().toText()]);
  assert.match(String(local[8]), /Error code: CanisterInvalidController\. Certified: true$/);
  assert.equal(local.slice(9, 12), [3n, [4n], [4n]]);
  assert.match(String(local[12]), /refusing 3.*CanisterCalledTrap\. Certified: true$/s);
  assert.is(local[14], Date.UTC(2025, 0, 1));
  assert.equal(local.slice(15, 18), [0n, 1n, Date.UTC(2025, 0, 1) + 40_000]);
  assert.is(local[19], true);
  assert.equal(local.slice(21, 23), [77n, 5n], 'restored stable memory; the deferred call');
  assert.equal(local.slice(24), [true, 133]);
});

test.run();
