// A JS canister answers a real @dfinity/agent HttpAgent over the mock HTTP interface: the Actor
// made from the canister's own idlFactory calls updates (certified replies) and queries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent } from '@dfinity/agent';
import { Certifier, createReplicaFetch } from '../../src/index.ts';
import { Replica, defineCanister } from '@mockic/runtime';

const backend = defineCanister({
  idlFactory: ({ IDL }) =>
    IDL.Service({
      greet: IDL.Func([IDL.Text], [IDL.Text], ['query']),
      inc: IDL.Func([], [IDL.Nat], []),
      whoami: IDL.Func([], [IDL.Principal], ['query']),
      fail: IDL.Func([], [], []),
    }),
  state: () => ({ count: 0n }),
  methods: {
    greet: ({ args: [name] }) => `Hello, ${name}!`,
    inc: ({ state }) => ++state.count,
    whoami: (ctx) => ctx.caller,
    fail: (ctx) => ctx.reject('not today'),
  },
});

test('an Actor over HttpAgent calls the JS canister', async () => {
  const replica = await Replica.create({ time: BigInt(Date.now()) * 1_000_000n });
  const certifier = Certifier.create(replica, { seed: 'js-canister-agent' });
  const canisterId = await replica.installJsCanister(backend);
  const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch: createReplicaFetch(replica, certifier), shouldFetchRootKey: true });
  const actor = Actor.createActor(backend.idlFactory, { agent, canisterId });
  assert.is(await actor['greet']!('agent'), 'Hello, agent!');
  assert.is(await actor['inc']!(), 1n);
  assert.is(await actor['inc']!(), 2n);
  assert.is(String(await actor['whoami']!()), '2vxsx-fae');
  try {
    await actor['fail']!();
    assert.unreachable('should reject');
  } catch (e) {
    assert.match(String(e), 'not today');
  }
});

test.run();
