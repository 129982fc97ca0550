// Canister snapshots: take → write → load brings the old heap and stable memory back (a Motoko
// canister with stable variables and a Region); snapshots are unaffected by later writes; list,
// delete, replace and the per-canister limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motokoFixture } from '@mockic/fixtures';
import { alice, bob, createEmpty, ic, installProxy, rejection, setup, viaProxy, IDL, type Principal } from './management-support.ts';
import type { Replica } from '@mockic/runtime';

const put = (k: string, v: bigint) => new Uint8Array(IDL.encode([IDL.Text, IDL.Nat], [k, v]));
const lookup = async (replica: Replica, id: Principal, k: string) =>
  IDL.decode([IDL.Opt(IDL.Nat)], await replica.query(id, 'lookup', new Uint8Array(IDL.encode([IDL.Text], [k]))))[0];
const writeStable = (o: bigint, v: bigint) => new Uint8Array(IDL.encode([IDL.Nat64, IDL.Nat64], [o, v]));
const readStable = async (replica: Replica, id: Principal, o: bigint) =>
  IDL.decode([IDL.Nat64], await replica.query(id, 'readStable', new Uint8Array(IDL.encode([IDL.Nat64], [o]))))[0];

async function store(replica: Replica): Promise<Principal> {
  return replica.installCanister({ wasm: motokoFixture('stable-store').wasm, controllers: [alice] });
}

test('loading a snapshot brings back the heap and stable memory of when it was taken', async () => {
  const { replica } = await setup();
  const id = await store(replica);
  await replica.update(id, 'put', put('a', 1n));
  await replica.update(id, 'writeStable', writeStable(70_000n, 11n));
  const snap = await ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
  await replica.update(id, 'put', put('a', 2n));
  await replica.update(id, 'put', put('b', 3n));
  await replica.update(id, 'writeStable', writeStable(70_000n, 22n));
  assert.equal(await lookup(replica, id, 'a'), [2n]);
  assert.is(await readStable(replica, id, 70_000n), 22n);
  await ic(replica, 'load_canister_snapshot', { canister_id: id, snapshot_id: snap.id, sender_canister_version: [] }, alice);
  assert.equal(await lookup(replica, id, 'a'), [1n]);
  assert.equal(await lookup(replica, id, 'b'), []);
  assert.is(await readStable(replica, id, 70_000n), 11n);
  // the canister keeps working after the load, and the snapshot is still the old state
  await replica.update(id, 'put', put('c', 4n));
  assert.equal(await lookup(replica, id, 'c'), [4n]);
  await ic(replica, 'load_canister_snapshot', { canister_id: id, snapshot_id: snap.id, sender_canister_version: [] }, alice);
  assert.equal(await lookup(replica, id, 'c'), []);
  assert.equal(await lookup(replica, id, 'a'), [1n]);
});

test('loading a snapshot after an upgrade restores the old module and certified data', async () => {
  const { replica } = await setup();
  const id = await store(replica);
  await replica.update(id, 'put', put('k', 5n));
  const hash = replica.canister(id).moduleHash;
  const snap = await ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
  await ic(
    replica,
    'install_code',
    { mode: { reinstall: null }, canister_id: id, wasm_module: motokoFixture('counter').wasm, arg: new Uint8Array(), sender_canister_version: [] },
    alice,
  );
  await ic(replica, 'load_canister_snapshot', { canister_id: id, snapshot_id: snap.id, sender_canister_version: [] }, alice);
  assert.equal(replica.canister(id).moduleHash, hash);
  assert.equal(await lookup(replica, id, 'k'), [5n]);
});

test('the snapshot id is the local id (8 bytes) followed by the canister id; list shows it', async () => {
  const { replica } = await setup();
  const id = await store(replica);
  const snap = await ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
  assert.equal(snap.id.slice(8), id.toUint8Array());
  assert.equal(snap.id.slice(0, 8), new Uint8Array(8));
  assert.is(snap.taken_at_timestamp, replica.time);
  assert.ok(snap.total_size > 0n);
  const list = await ic(replica, 'list_canister_snapshots', { canister_id: id }, alice);
  assert.equal(list, [snap]);
});

test('delete removes a snapshot; loading it afterwards fails with IC0305', async () => {
  const { replica } = await setup();
  const id = await store(replica);
  const snap = await ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
  await ic(replica, 'delete_canister_snapshot', { canister_id: id, snapshot_id: snap.id }, alice);
  assert.equal(await ic(replica, 'list_canister_snapshots', { canister_id: id }, alice), []);
  const e = await rejection(ic(replica, 'load_canister_snapshot', { canister_id: id, snapshot_id: snap.id, sender_canister_version: [] }, alice));
  assert.is(e.errorCode, 'IC0305');
  assert.match(e.description, `Could not find the snapshot ID ${Buffer.from(snap.id).toString('hex')} for canister ${id.toText()}.`);
});

test('at most 10 snapshots per canister unless one is replaced', async () => {
  const { replica } = await setup();
  const id = await store(replica);
  let last: any;
  for (let i = 0; i < 10; i++) last = await ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
  const e = await rejection(ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice));
  assert.match(e.description, `Canister ${id.toText()} has reached the maximum number of snapshots allowed: 10.`);
  const replaced = await ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [last.id] }, alice);
  const list = await ic(replica, 'list_canister_snapshots', { canister_id: id }, alice);
  assert.is(list.length, 10);
  assert.ok(list.some((s: { id: Uint8Array }) => Buffer.from(s.id).equals(Buffer.from(replaced.id))));
  assert.not.ok(list.some((s: { id: Uint8Array }) => Buffer.from(s.id).equals(Buffer.from(last.id))));
});

test('an empty canister cannot be snapshotted; only controllers may take snapshots', async () => {
  const { replica } = await setup();
  const empty = await createEmpty(replica, alice);
  const e = await rejection(ic(replica, 'take_canister_snapshot', { canister_id: empty, replace_snapshot: [] }, alice));
  assert.is(e.description, `Failed to create snapshot for empty canister ${empty.toText()}:`);
  const id = await store(replica);
  const e2 = await rejection(ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, bob));
  assert.is(e2.errorCode, 'IC0512');
});

test('loading a snapshot is recorded in canister_info', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const id = await store(replica);
  const snap = await ic(replica, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
  await ic(replica, 'load_canister_snapshot', { canister_id: id, snapshot_id: snap.id, sender_canister_version: [] }, alice);
  const info = await viaProxy(replica, proxy, 'canister_info', { canister_id: id, num_requested_changes: [1n] });
  const details = info.ok.recent_changes[0].details.load_snapshot;
  assert.equal(details.snapshot_id, snap.id);
  assert.is(details.taken_at_timestamp, snap.taken_at_timestamp);
  assert.equal(details.source, { taken_from_canister: null });
});

test.run();
