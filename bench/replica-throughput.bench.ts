// Calls per second through the in-process replica on the Motoko counter: update calls (ingress,
// a round, commit) and query calls (no commit), plus the cost of a round with 1,000 canisters that
// each have one message. Targets: ≥20k updates/s and ≥50k queries/s.
import { IDL } from '@dfinity/candid';
import { motokoFixture } from '@mockic/fixtures';
import { Replica } from '@mockic/runtime';
import { printTable } from './table.ts';

const wasm = motokoFixture('counter').wasm;
const empty = new Uint8Array(IDL.encode([], []));
const replica = await Replica.create();
const id = await replica.installCanister({ wasm });

async function rate(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(1000, n / 10); i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return n / ((performance.now() - t) / 1000);
}

const updates = await rate(20_000, () => replica.update(id, 'inc', empty));
const queries = await rate(50_000, () => replica.query(id, 'get', empty));

const many = await Replica.create();
const ids = [];
for (let i = 0; i < 1000; i++) ids.push(await many.installCanister({ wasm }));
const roundMs: number[] = [];
for (let r = 0; r < 5; r++) {
  for (const c of ids) many.submitIngress(c, 'inc', empty);
  const t = performance.now();
  many.tick();
  roundMs.push(performance.now() - t);
}
roundMs.sort((a, b) => a - b);
const round = roundMs[2] as number;

printTable('Replica throughput on the Motoko counter (in-process)', [
  { operation: 'update call (ingress + round + commit)', 'per second': Math.round(updates), 'µs each': 1e6 / updates, target: '≥20,000/s', 'ratio to target': updates / 20_000 },
  { operation: 'query call (no commit)', 'per second': Math.round(queries), 'µs each': 1e6 / queries, target: '≥50,000/s', 'ratio to target': queries / 50_000 },
  { operation: 'round with 1,000 canisters × 1 update', 'per second': Math.round(1000 / (round / 1000)), 'µs each': (round * 1000) / 1000, target: '-', 'ratio to target': '-' },
]);
