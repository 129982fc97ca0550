// The compilation cache: installing 1,000 canisters from one Motoko module compiles it once, so an
// install costs an instantiation plus canister_init. Also: memory per idle canister.
import { motokoFixture } from '@mockic/fixtures';
import { Replica } from '@mockic/runtime';
import { printTable } from './table.ts';

const wasm = motokoFixture('counter').wasm;
const gc = (globalThis as { gc?: () => void }).gc;

const first = performance.now();
const replica = await Replica.create();
await replica.installCanister({ wasm });
const firstMs = performance.now() - first;

gc?.();
const before = process.memoryUsage();
const N = 1000;
const t = performance.now();
for (let i = 0; i < N; i++) await replica.installCanister({ wasm });
const ms = performance.now() - t;
gc?.();
const after = process.memoryUsage();

printTable(`Install ${N} canisters from one module (${(wasm.length / 1024).toFixed(0)} KiB Motoko counter)`, [
  { case: 'first install (validate + instrument + compile + init)', ms: firstMs, 'ratio to cached install': firstMs / (ms / N) },
  { case: `each of the next ${N} installs (cached module)`, ms: ms / N, 'ratio to cached install': 1 },
]);
printTable('Memory per idle canister', [
  {
    measure: 'resident set (RSS) per canister, KiB',
    value: (after.rss - before.rss) / N / 1024,
  },
  {
    measure: 'ArrayBuffers (heap reservations) per canister, KiB',
    value: (after.arrayBuffers - before.arrayBuffers) / N / 1024,
  },
  { measure: 'JS heap per canister, KiB', value: (after.heapUsed - before.heapUsed) / N / 1024 },
]);
