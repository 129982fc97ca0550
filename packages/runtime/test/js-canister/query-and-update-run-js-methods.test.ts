// A JS canister answers queries and updates: updates commit their state changes, queries see the
// committed state and whatever they change is discarded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Replica, defineCanister } from '@mockic/runtime';
import { query, update } from './support.ts';

const backend = defineCanister({
  idlFactory: ({ IDL }) =>
    IDL.Service({
      greet: IDL.Func([IDL.Text], [IDL.Text], ['query']),
      inc: IDL.Func([], [IDL.Nat], []),
      get: IDL.Func([], [IDL.Nat], ['query']),
      bumpInQuery: IDL.Func([], [IDL.Nat], ['query']),
    }),
  state: () => ({ count: 0n }),
  methods: {
    greet: ({ args: [name] }) => `Hello, ${name}!`,
    inc: ({ state }) => ++state.count,
    get: ({ state }) => state.count,
    bumpInQuery: ({ state }) => (state.count += 100n),
  },
});

test('query replies, update commits, a query changes nothing', async () => {
  const replica = await Replica.create();
  const id = await replica.installJsCanister(backend);
  assert.is(await query(replica, id, 'greet', ['Ada'], { args: [IDL.Text], rets: [IDL.Text] }), 'Hello, Ada!');
  assert.is(await update(replica, id, 'inc', [], { rets: [IDL.Nat] }), 1n);
  assert.is(await update(replica, id, 'inc', [], { rets: [IDL.Nat] }), 2n);
  assert.is(await query(replica, id, 'bumpInQuery', [], { rets: [IDL.Nat] }), 102n);
  assert.is(await query(replica, id, 'get', [], { rets: [IDL.Nat] }), 2n);
});

test('an update call to a query method runs it as a replicated query (nothing committed)', async () => {
  const replica = await Replica.create();
  const id = await replica.installJsCanister(backend);
  assert.is(await update(replica, id, 'bumpInQuery', [], { rets: [IDL.Nat] }), 100n);
  assert.is(await query(replica, id, 'get', [], { rets: [IDL.Nat] }), 0n);
});

test.run();
