// The newest @dfinity/pic (0.23, on @icp-sdk/core) drives the mockic server unmodified, as 0.16 does
// in pic-client.test.ts: instance with NNS and application subnets, setupCanister, actor and raw
// calls, deferred calls, cycles, stable memory, stop/start, reinstall and upgrade, time, topology,
// live mode. Its install script (which downloads the PocketIC binary) never runs: pnpm runs install
// scripts only for the packages pnpm-workspace.yaml names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { PocketIc } from '@dfinity/pic-latest';
import { motokoFixture } from '@mockic/fixtures';
import { startPocketIcServer } from '../src/index.ts';

interface Counter {
  inc: () => Promise<bigint>;
  get: () => Promise<bigint>;
}
const counterIdl = (({ IDL }: { IDL: typeof import('@dfinity/candid').IDL }) =>
  IDL.Service({ inc: IDL.Func([], [IDL.Nat], []), get: IDL.Func([], [IDL.Nat], ['query']) })) as never;
const EMPTY = new Uint8Array(IDL.encode([], []));

test('pic-js 0.23 against the server: the documented workflow', async () => {
  const server = await startPocketIcServer();
  try {
    const pic = await PocketIc.create(server.url, { nns: { state: { type: 'new' as never } }, application: [{ state: { type: 'new' as never } }] });
    try {
      const wasm = motokoFixture('counter').wasm;
      const { actor, canisterId } = await pic.setupCanister<Counter>({ idlFactory: counterIdl, wasm });
      assert.is(await actor.inc(), 1n);
      assert.is(IDL.decode([IDL.Nat], await pic.updateCall({ canisterId, method: 'inc', arg: EMPTY }))[0], 2n);
      assert.is(IDL.decode([IDL.Nat], await pic.queryCall({ canisterId, method: 'get', arg: EMPTY }))[0], 2n);
      const deferred = pic.createDeferredActor<Counter>(counterIdl, canisterId) as unknown as { inc: () => Promise<() => Promise<bigint>> };
      assert.is(await (await deferred.inc())(), 3n);
      const before = await pic.getCyclesBalance(canisterId);
      assert.is(await pic.addCycles(canisterId, 1_000_000n), before + 1_000_000n);
      await pic.upgradeCanister({ canisterId, wasm, upgradeModeOptions: { wasm_memory_persistence: [{ keep: null }], skip_pre_upgrade: [] } as never });
      assert.is(await actor.get(), 3n, 'enhanced orthogonal persistence keeps the heap');
      await pic.stopCanister({ canisterId });
      await pic.startCanister({ canisterId });
      await pic.reinstallCode({ canisterId, wasm });
      assert.is(await actor.get(), 0n);
      await pic.setStableMemory(canisterId, new Uint8Array(65536));
      assert.is((await pic.getStableMemory(canisterId)).length, 65536);
      await pic.setTime(new Date(2030, 0, 1));
      await pic.advanceTime(1_000);
      assert.is(await pic.getTime(), new Date(2030, 0, 1).getTime() + 1_000);
      const types = (await pic.getTopology()).map((s) => s.type).sort();
      assert.equal(types, ['Application', 'NNS']);
      assert.is((await pic.getCanisterSubnetId(canisterId))?.toText(), (await pic.getApplicationSubnets())[0]?.id.toText());
      assert.is((await pic.getPendingHttpsOutcalls()).length, 0);
      await pic.makeLive();
      await pic.stopLive();
    } finally {
      await pic.tearDown();
    }
  } finally {
    await server.close();
  }
});

test.run();
