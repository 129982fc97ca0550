// Update and query calls through a real @dfinity/agent Actor on the Motoko counter, over the three
// transports of @mockic/mock-agent: MockAgent (no HTTP), HttpAgent with createReplicaFetch
// (in-process fetch) and HttpAgent against the loopback server (real sockets). Reports p50/p99
// latency and calls/s, and the share of update time the agent spends verifying the certificate's
// BLS signature (timed by wrapping the agent's blsVerify; queries verify no BLS signature).
// @dfinity/agent is imported from the mock-agent package (the bench package does not depend on it).
import { IDL } from '@dfinity/candid';
import { motokoFixture } from '@mockic/fixtures';
import { Replica } from '@mockic/runtime';
import { Actor, HttpAgent, blsVerify, type ActorSubclass, type Agent } from '../packages/mock-agent/node_modules/@dfinity/agent/lib/esm/index.js';
import { Certifier, MockAgent, createReplicaFetch, startLoopbackServer } from '../packages/mock-agent/src/index.ts';
import { printTable } from './table.ts';

const idl: IDL.InterfaceFactory = ({ IDL }) => IDL.Service({ inc: IDL.Func([], [IDL.Nat], []), get: IDL.Func([], [IDL.Nat], ['query']) });
const replica = await Replica.create({ time: BigInt(Date.now()) * 1_000_000n });
const certifier = Certifier.create(replica);
const canisterId = await replica.installCanister({ wasm: motokoFixture('counter').wasm });

let blsMs = 0;
const timedBlsVerify: typeof blsVerify = (pk, sig, msg) => {
  const t = performance.now();
  try {
    return blsVerify(pk, sig, msg);
  } finally {
    blsMs += performance.now() - t;
  }
};

function actorOver(agent: Agent): ActorSubclass {
  return Actor.createActor(idl, { agent, canisterId, blsVerify: timedBlsVerify });
}

async function measure(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number; rate: number; bls: number }> {
  for (let i = 0; i < Math.min(20, n); i++) await fn();
  blsMs = 0;
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)] as number, p99: times[Math.min(n - 1, Math.floor(n * 0.99))] as number, rate: n / (total / 1000), bls: blsMs / total };
}

// Query signature verification is on, as in HttpAgent by default (AGENT_BENCH_VERIFY_QUERIES=0 turns it off).
const verifyQuerySignatures = process.env['AGENT_BENCH_VERIFY_QUERIES'] !== '0';
const server = await startLoopbackServer({ replica, certifier });
const transports: Array<[string, Agent]> = [
  ['MockAgent', await MockAgent.create({ replica, certifier })],
  ['HttpAgent + replica fetch', await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch: createReplicaFetch(replica, certifier), shouldFetchRootKey: true, verifyQuerySignatures })],
  ['HttpAgent + loopback server', await HttpAgent.create({ host: server.url, shouldFetchRootKey: true, verifyQuerySignatures })],
];

const N = Number(process.env['AGENT_BENCH_CALLS'] ?? 200);
const rows: Record<string, string | number>[] = [];
for (const [name, agent] of transports) {
  const actor = actorOver(agent);
  const inc = actor['inc'] as () => Promise<bigint>;
  const get = actor['get'] as () => Promise<bigint>;
  const u = await measure(N, () => inc());
  const q = await measure(N, () => get());
  rows.push({ transport: name, call: 'update', 'p50 ms': u.p50, 'p99 ms': u.p99, 'calls/s': Math.round(u.rate), 'BLS verify %': Math.round(u.bls * 1000) / 10 });
  rows.push({ transport: name, call: 'query', 'p50 ms': q.p50, 'p99 ms': q.p99, 'calls/s': Math.round(q.rate), 'BLS verify %': Math.round(q.bls * 1000) / 10 });
}
await server.close();
printTable(`Actor calls on the Motoko counter (${N} each; query signature verification ${verifyQuerySignatures ? 'on' : 'off'})`, rows);
