// A persistent replica checkpoints after every round; a new replica restored from the same directory
// has the same canisters (ids, modules, heaps, stable memory, cycles, settings, timers) and canister
// snapshots (with their chunk stores; deleted ones stay deleted, ids never repeat) and canister logs
// (fetch_canister_logs, indices continuing), an interrupted
// checkpoint restores a consistent state, and `clean` starts empty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, readFileSync, truncateSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { motokoFixture } from '@mockic/fixtures';
import { restoreReplica, type Replica } from '../../src/index.ts';
import { alice, decodeReply, encodeArg, ic, MGMT } from '../management/management-support.ts';

const EMPTY = new Uint8Array(IDL.encode([], []));
const nat = (bytes: Uint8Array) => IDL.decode([IDL.Nat], bytes)[0] as bigint;
const nat64 = (bytes: Uint8Array) => IDL.decode([IDL.Nat64], bytes)[0] as bigint;
const controller = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mockic-persist-'));
}

async function count(replica: Replica, id: Principal): Promise<bigint> {
  return nat(await replica.query(id, 'get', EMPTY));
}

test('a Motoko counter keeps its count, id, cycles, stable memory and settings across a restart', async () => {
  const dir = tempDir();
  try {
    const first = await restoreReplica({ stateDirectory: dir });
    assert.is(first.restored.length, 0);
    const r1 = first.replica;
    const counter = await r1.installCanister({ wasm: motokoFixture('counter').wasm, controllers: [controller], sender: controller });
    const store = await r1.installCanister({ wasm: motokoFixture('stable-store').wasm });
    for (let i = 0; i < 5; i++) await r1.update(counter, 'inc', EMPTY);
    await r1.update(store, 'writeStable', new Uint8Array(IDL.encode([IDL.Nat64, IDL.Nat64], [200_000n, 424242n])));
    await r1.update(store, 'put', new Uint8Array(IDL.encode([IDL.Text, IDL.Nat], ['k', 7n])));
    r1.canister(store).settings.freezingThreshold = 1234n;
    r1.canister(counter).certifiedData = new Uint8Array([1, 2, 3]);
    const before = {
      counterCycles: r1.canister(counter).balance,
      storeCycles: r1.canister(store).balance,
      version: r1.canister(counter).version,
      stablePages: r1.canister(store).stableMemory().sizePages(),
    };
    first.checkpointer.close();
    assert.ok(existsSync(join(dir, 'checkpoint', 'replica.json')));

    const second = await restoreReplica({ stateDirectory: dir });
    const r2 = second.replica;
    assert.equal(second.restored.map((p) => p.toText()), [counter.toText(), store.toText()]);
    assert.is(await count(r2, counter), 5n);
    assert.is(nat64(await r2.query(store, 'readStable', new Uint8Array(IDL.encode([IDL.Nat64], [200_000n])))), 424242n);
    assert.equal(IDL.decode([IDL.Opt(IDL.Nat)], await r2.query(store, 'lookup', new Uint8Array(IDL.encode([IDL.Text], ['k']))))[0], [7n]);
    assert.is(r2.canister(counter).balance, before.counterCycles);
    assert.is(r2.canister(store).balance, before.storeCycles);
    assert.is(r2.canister(counter).version, before.version);
    assert.is(r2.canister(store).stableMemory().sizePages(), before.stablePages);
    assert.is(r2.canister(store).settings.freezingThreshold, 1234n);
    assert.equal(r2.canister(counter).settings.controllers.map((p) => p.toText()), [controller.toText()]);
    assert.equal([...r2.canister(counter).certifiedData], [1, 2, 3]);
    // It keeps running and checkpointing: increments after the restart survive the next one.
    assert.is(nat(await r2.update(counter, 'inc', EMPTY)), 6n);
    // A new canister does not reuse a restored id.
    const third = await r2.installCanister({ wasm: motokoFixture('counter').wasm });
    assert.not.ok([counter.toText(), store.toText()].includes(third.toText()));
    second.checkpointer.close();

    const again = await restoreReplica({ stateDirectory: dir });
    assert.is(await count(again.replica, counter), 6n);
    assert.is(again.restored.length, 3);
    again.checkpointer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoints are incremental: an increment writes a few pages, an idle round nothing', async () => {
  const dir = tempDir();
  try {
    const pages: number[] = [];
    const { replica, checkpointer } = await restoreReplica({ stateDirectory: dir, onCheckpoint: (i) => pages.push(i.pagesWritten) });
    const id = await replica.installCanister({ wasm: motokoFixture('counter').wasm });
    const heapPages = Math.ceil(replica.canister(id).heapBytes() / 4096);
    await replica.update(id, 'inc', EMPTY);
    pages.length = 0;
    await replica.update(id, 'inc', EMPTY);
    assert.ok(pages.length >= 1);
    assert.ok(pages.reduce((a, b) => a + b, 0) < heapPages / 4, `${pages} pages of ${heapPages}`);
    const n = checkpointer.checkpoints;
    replica.tick();
    assert.is(checkpointer.checkpoints, n, 'an idle round writes nothing');
    checkpointer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an interrupted checkpoint restores the previous consistent state (torn log) or the new one (committed log)', async () => {
  const dir = tempDir();
  try {
    const { replica, checkpointer } = await restoreReplica({ stateDirectory: dir, manual: true });
    const a = await replica.installCanister({ wasm: motokoFixture('counter').wasm });
    const b = await replica.installCanister({ wasm: motokoFixture('counter').wasm });
    await replica.update(a, 'inc', EMPTY);
    await replica.update(b, 'inc', EMPTY);
    checkpointer.checkpoint();

    // Crash while the log is being written: the log is torn, nothing else was touched.
    await replica.update(a, 'add', new Uint8Array(IDL.encode([IDL.Nat], [10n])));
    await replica.update(b, 'add', new Uint8Array(IDL.encode([IDL.Nat], [20n])));
    const crash = new Error('crash');
    assert.throws(() =>
      checkpointer.checkpoint((step) => {
        if (step === 'log-written') throw crash;
      }),
    );
    const wal = join(dir, 'checkpoint', 'wal');
    truncateSync(wal, Math.floor(readFileSync(wal).length / 2));
    const torn = await restoreReplica({ stateDirectory: dir, manual: true });
    assert.is(torn.recovery, 'discarded');
    assert.is(await count(torn.replica, a), 1n);
    assert.is(await count(torn.replica, b), 1n);

    // Crash between files: the log is complete, a's and b's pages are written, the manifest is not.
    await torn.replica.update(a, 'add', new Uint8Array(IDL.encode([IDL.Nat], [100n])));
    await torn.replica.update(b, 'add', new Uint8Array(IDL.encode([IDL.Nat], [200n])));
    assert.throws(() =>
      torn.checkpointer.checkpoint((step) => {
        if (step === 'pages-written') throw crash;
      }),
    );
    const forward = await restoreReplica({ stateDirectory: dir, manual: true });
    assert.is(forward.recovery, 'rolled-forward');
    assert.is(await count(forward.replica, a), 101n);
    assert.is(await count(forward.replica, b), 201n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('clean starts empty', async () => {
  const dir = tempDir();
  try {
    const first = await restoreReplica({ stateDirectory: dir });
    await first.replica.installCanister({ wasm: motokoFixture('counter').wasm });
    first.checkpointer.close();
    const clean = await restoreReplica({ stateDirectory: dir, clean: true });
    assert.is(clean.restored.length, 0);
    assert.is(clean.replica.canisterIds().length, 0);
    clean.checkpointer.close();
    const after = await restoreReplica({ stateDirectory: dir });
    assert.is(after.restored.length, 0);
    after.checkpointer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a global timer survives a restart and fires afterwards', async () => {
  const dir = tempDir();
  try {
    const first = await restoreReplica({ stateDirectory: dir });
    const id = await first.replica.installCanister({ wasm: motokoFixture('counter').wasm });
    first.replica.canister(id).globalTimer = first.replica.time + 5_000_000_000n;
    first.replica.tick();
    const timer = first.replica.canister(id).globalTimer;
    first.checkpointer.close();
    const second = await restoreReplica({ stateDirectory: dir });
    assert.is(second.replica.canister(id).globalTimer, timer);
    second.checkpointer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type LogRecords = { canister_log_records: Array<{ idx: bigint; content: Uint8Array }> };
const logsOf = async (replica: Replica, id: Principal): Promise<LogRecords> =>
  decodeReply('fetch_canister_logs', await replica.query(MGMT, 'fetch_canister_logs', encodeArg('fetch_canister_logs', { canister_id: id }), { sender: alice })) as LogRecords;

test('canister logs survive a restart, and their indices continue', async () => {
  const dir = tempDir();
  try {
    const first = await restoreReplica({ stateDirectory: dir });
    const r1 = first.replica;
    const id = await r1.installCanister({ wasm: motokoFixture('trapping').wasm, controllers: [alice], sender: alice });
    await r1.update(id, 'setThenTrap', new Uint8Array(IDL.encode([IDL.Nat], [7n]))).catch(() => undefined);
    const before = await logsOf(r1, id);
    assert.ok(before.canister_log_records.length > 0);
    first.checkpointer.close();

    const second = await restoreReplica({ stateDirectory: dir });
    const r2 = second.replica;
    const after = await logsOf(r2, id);
    assert.equal(
      after.canister_log_records.map((r) => [r.idx, new TextDecoder().decode(r.content)]),
      before.canister_log_records.map((r) => [r.idx, new TextDecoder().decode(r.content)]),
    );
    assert.match(new TextDecoder().decode(after.canister_log_records.at(-1)!.content), 'setThenTrap: refusing 7');
    await r2.update(id, 'setThenTrap', new Uint8Array(IDL.encode([IDL.Nat], [8n]))).catch(() => undefined);
    const more = await logsOf(r2, id);
    assert.is(more.canister_log_records.at(-1)!.idx, before.canister_log_records.at(-1)!.idx + 1n, 'indices continue');
    second.checkpointer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('canister snapshots survive a restart: content, chunk store, deletions and the id counter', async () => {
  const dir = tempDir();
  try {
    const first = await restoreReplica({ stateDirectory: dir });
    const r1 = first.replica;
    const id = await r1.installCanister({ wasm: motokoFixture('stable-store').wasm, controllers: [alice], sender: alice });
    const put = (k: string, v: bigint) => new Uint8Array(IDL.encode([IDL.Text, IDL.Nat], [k, v]));
    await r1.update(id, 'put', put('a', 1n));
    await r1.update(id, 'writeStable', new Uint8Array(IDL.encode([IDL.Nat64, IDL.Nat64], [70_000n, 11n])));
    const chunk = Uint8Array.from({ length: 5_000 }, (_, i) => (i * 13 + 1) & 0xff); // not a whole number of pages
    const [{ hash }] = [await ic(r1, 'upload_chunk', { canister_id: id, chunk }, alice)] as [{ hash: Uint8Array }];
    const kept = await ic(r1, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
    await ic(r1, 'clear_chunk_store', { canister_id: id }, alice);
    await r1.update(id, 'put', put('a', 2n));
    const dropped = await ic(r1, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
    r1.tick(); // a checkpoint with both snapshots
    await ic(r1, 'delete_canister_snapshot', { canister_id: id, snapshot_id: dropped.id }, alice);
    first.checkpointer.close();

    const second = await restoreReplica({ stateDirectory: dir });
    const r2 = second.replica;
    const listed = (await ic(r2, 'list_canister_snapshots', { canister_id: id }, alice)) as Array<{ id: Uint8Array; total_size: bigint }>;
    assert.equal(listed.map((s) => Buffer.from(s.id).toString('hex')), [Buffer.from(kept.id).toString('hex')], 'the deleted snapshot stays deleted');
    assert.is(listed[0]!.total_size, kept.total_size);
    await ic(r2, 'load_canister_snapshot', { canister_id: id, snapshot_id: kept.id, sender_canister_version: [] }, alice);
    assert.equal(IDL.decode([IDL.Opt(IDL.Nat)], await r2.query(id, 'lookup', new Uint8Array(IDL.encode([IDL.Text], ['a']))))[0], [1n]);
    assert.is(nat64(await r2.query(id, 'readStable', new Uint8Array(IDL.encode([IDL.Nat64], [70_000n])))), 11n);
    const chunks = (await ic(r2, 'stored_chunks', { canister_id: id }, alice)) as Array<{ hash: Uint8Array }>;
    assert.equal(chunks.map((c) => Buffer.from(c.hash).toString('hex')), [Buffer.from(hash).toString('hex')], 'the snapshot chunk store came back');
    const fresh = await ic(r2, 'take_canister_snapshot', { canister_id: id, replace_snapshot: [] }, alice);
    for (const old of [kept, dropped]) assert.is.not(Buffer.from(fresh.id).toString('hex'), Buffer.from(old.id).toString('hex'), 'snapshot ids never repeat');
    second.checkpointer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
