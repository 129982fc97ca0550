// The PocketIC workflow of a test file — create an instance, install a canister, 100 update calls,
// 100 queries, tear down — in-process (@mockic/pocket's PocketIc) and through the official
// @dfinity/pic client against the PocketIC-compatible server, with per-operation latencies.
import { IDL } from '@dfinity/candid';
import { PocketIc as PicClient } from '@dfinity/pic';
import { counterIdl, motokoFixture } from '@mockic/fixtures';
import { PocketIc, startPocketIcServer } from '@mockic/pocket';
import { printTable } from './table.ts';

interface Counter {
  inc: () => Promise<bigint>;
  get: () => Promise<bigint>;
}
const wasm = motokoFixture('counter').wasm;
const N = 100;

interface Pic {
  setupCanister(o: { idlFactory: IDL.InterfaceFactory; wasm: Uint8Array }): Promise<{ actor: unknown }>;
  tearDown(): Promise<void>;
}

async function run(create: () => Promise<Pic>) {
  const ms: Record<string, number> = {};
  let t = performance.now();
  const pic = await create();
  ms['create instance'] = performance.now() - t;
  t = performance.now();
  const { actor } = await pic.setupCanister({ idlFactory: counterIdl, wasm });
  ms['install canister'] = performance.now() - t;
  const counter = actor as Counter;
  t = performance.now();
  for (let i = 0; i < N; i++) await counter.inc();
  ms['update call (each)'] = (performance.now() - t) / N;
  t = performance.now();
  for (let i = 0; i < N; i++) await counter.get();
  ms['query call (each)'] = (performance.now() - t) / N;
  t = performance.now();
  await pic.tearDown();
  ms['tear down'] = performance.now() - t;
  ms['whole test file'] = ms['create instance']! + ms['install canister']! + N * (ms['update call (each)']! + ms['query call (each)']!) + ms['tear down']!;
  return ms;
}

// warm both paths once (compilation cache, module loading), then measure
const server = await startPocketIcServer();
await run(() => PocketIc.create() as unknown as Promise<Pic>);
await run(() => PicClient.create(server.url) as unknown as Promise<Pic>);
const inProcess = await run(() => PocketIc.create() as unknown as Promise<Pic>);
const viaServer = await run(() => PicClient.create(server.url) as unknown as Promise<Pic>);
await server.close();

printTable(`PocketIC workflow: in-process PocketIc vs @dfinity/pic client + mockic server (${N} calls each)`, Object.keys(inProcess).map((op) => ({
  operation: op,
  'in-process ms': inProcess[op] as number,
  'server ms': viaServer[op] as number,
  'server / in-process': (viaServer[op] as number) / (inProcess[op] as number),
})));
