// An index canister in front of N shard canisters: its composite queries `search` and `total` call
// every shard's queries and aggregate the answers in one query call. The tests check the aggregate
// against the data put through the index, that a composite query commits nothing (neither in the
// index nor in the shards), and that calling one as an update is refused with IC0527.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { compileMotoko } from '@mockic/fixtures';
import { PocketIc, type Actor } from '@mockic/pocket';
import { ErrorCode } from '@mockic/runtime';

const source = (file: string) => readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
const indexWasm = compileMotoko(source('index.mo')).wasm;
const shardWasm = compileMotoko(source('shard.mo')).wasm;

type Entry = [string, string];
interface IndexService {
  setShards: (ids: Principal[]) => Promise<null>;
  put: (key: string, value: string) => Promise<null>;
  shardOf: (key: string) => Promise<bigint>;
  search: (prefix: string) => Promise<Entry[]>;
  total: () => Promise<bigint>;
  searchCount: () => Promise<bigint>;
}
interface ShardService {
  put: (key: string, value: string) => Promise<null>;
  find: (prefix: string) => Promise<Entry[]>;
  size: () => Promise<bigint>;
}
const Entry = IDL.Tuple(IDL.Text, IDL.Text);
const indexIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    setShards: IDL.Func([IDL.Vec(IDL.Principal)], [], []),
    put: IDL.Func([IDL.Text, IDL.Text], [], []),
    shardOf: IDL.Func([IDL.Text], [IDL.Nat], ['query']),
    search: IDL.Func([IDL.Text], [IDL.Vec(Entry)], ['composite_query']),
    total: IDL.Func([], [IDL.Nat], ['composite_query']),
    searchCount: IDL.Func([], [IDL.Nat], ['query']),
  });
const shardIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    put: IDL.Func([IDL.Text, IDL.Text], [], []),
    find: IDL.Func([IDL.Text], [IDL.Vec(Entry)], ['query']),
    size: IDL.Func([], [IDL.Nat], ['query']),
  });

const SHARDS = 4;
const FRUIT: Entry[] = [
  ['apple', 'red'],
  ['apricot', 'orange'],
  ['avocado', 'green'],
  ['banana', 'yellow'],
  ['blackberry', 'black'],
  ['blueberry', 'blue'],
  ['cherry', 'red'],
  ['grape', 'purple'],
];

let pic: PocketIc;
let index: Actor<IndexService>;
let indexId: Principal;
let shards: Actor<ShardService>[];

test.before.each(async () => {
  pic = await PocketIc.create();
  ({ actor: index, canisterId: indexId } = await pic.setupCanister<IndexService>({ idlFactory: indexIdl, wasm: indexWasm }));
  const shardIds: Principal[] = [];
  shards = [];
  for (let i = 0; i < SHARDS; i++) {
    const { actor, canisterId } = await pic.setupCanister<ShardService>({ idlFactory: shardIdl, wasm: shardWasm });
    shardIds.push(canisterId);
    shards.push(actor);
  }
  await index.setShards(shardIds);
  for (const [key, value] of FRUIT) await index.put(key, value);
});

test.after.each(async () => {
  await pic.tearDown();
});

test('put routes each key to one shard; the data really is spread over the shards', async () => {
  const sizes = await Promise.all(shards.map((s) => s.size()));
  assert.is(sizes.reduce((a, b) => a + b, 0n), BigInt(FRUIT.length));
  assert.ok(sizes.filter((n) => n > 0n).length >= 2, `several shards hold data: ${sizes.join(', ')}`);
  for (const [key, value] of FRUIT) {
    const holder = shards[Number(await index.shardOf(key))] as Actor<ShardService>;
    assert.equal(await holder.find(key), [[key, value]], `${key} is on the shard shardOf names`);
  }
});

test('search: one composite query gathers the matches of every shard', async () => {
  assert.equal(await index.search('a'), FRUIT.filter(([k]) => k.startsWith('a')));
  assert.equal(await index.search('bl'), [['blackberry', 'black'], ['blueberry', 'blue']]);
  assert.equal(await index.search(''), [...FRUIT].sort(([a], [b]) => (a < b ? -1 : 1)), 'everything, merged in key order');
  assert.equal(await index.search('kiwi'), []);
  await index.put('kiwi', 'brown');
  assert.equal(await index.search('kiwi'), [['kiwi', 'brown']], 'a later put shows up');
});

test('total: a composite query summing every shard', async () => {
  assert.is(await index.total(), BigInt(FRUIT.length));
  await shards[0]?.put('zucchini', 'green');
  assert.is(await index.total(), BigInt(FRUIT.length + 1), 'counts what is on the shards, whoever put it there');
});

test('a composite query commits nothing', async () => {
  for (let i = 0; i < 3; i++) await index.search('a');
  await index.total();
  assert.is(await index.searchCount(), 0n, 'the counter the composite queries incremented is still 0');
  await pic.tick(3);
  assert.is(await index.searchCount(), 0n, 'and no later round commits it either');
});

test('a composite query called as an update is refused with IC0527', async () => {
  const arg = IDL.encode([IDL.Text], ['a']);
  const error = await pic.updateCall({ canisterId: indexId, method: 'search', arg }).then(
    () => undefined,
    (e: unknown) => e,
  );
  // pic-js reports the error code by name: CompositeQueryCalledInReplicatedMode is IC0527.
  assert.is(ErrorCode.CompositeQueryCalledInReplicatedMode, 527);
  assert.instance(error, Error);
  assert.match(
    String(error),
    /Composite query cannot be called in replicated mode\. Reject code: CanisterError\. Error code: CompositeQueryCalledInReplicatedMode\./,
  );
  // The same mistake through an actor whose interface declares `search` as an update method.
  const wrongIdl: IDL.InterfaceFactory = ({ IDL }) => IDL.Service({ search: IDL.Func([IDL.Text], [IDL.Vec(Entry)], []) });
  const wrong = pic.createActor<{ search: (p: string) => Promise<Entry[]> }>(wrongIdl, indexId);
  const again = await wrong.search('a').then(() => undefined, (e: unknown) => e);
  assert.match(String(again), /Error code: CompositeQueryCalledInReplicatedMode\./);
  assert.is(await index.searchCount(), 0n, 'the refused calls changed nothing');
});

test.run();
