// Modules beyond the 2 MiB message limit: upload them in ≤ 1 MiB chunks, list them, install from the
// chunk store (of the same or another canister); hash mismatches and oversized chunks are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256 } from '@noble/hashes/sha2.js';
import { motokoFixture } from '@mockic/fixtures';
import { alice, bob, createEmpty, ic, rejection, setup } from './management-support.ts';
import { decodeNat, none } from '../support/candid.ts';

const MiB = 1024 * 1024;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Real moc output with a custom section appended, so the module is `extra` bytes bigger. */
function padded(wasm: Uint8Array, name: string, extra: number): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const payload = [...leb(nameBytes.length), ...nameBytes];
  const body = new Uint8Array(payload.length + extra);
  body.set(payload);
  body.fill(0xab, payload.length);
  const header = [0, ...leb(body.length)];
  const out = new Uint8Array(wasm.length + header.length + body.length);
  out.set(wasm);
  out.set(header, wasm.length);
  out.set(body, wasm.length + header.length);
  return out;
}

function chunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += MiB) out.push(bytes.subarray(at, at + MiB));
  return out;
}

test('a module over 2 MiB installs from uploaded chunks', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  // icp: sections are limited to 1 MiB in total, so the padding is a plain custom section.
  const wasm = padded(motokoFixture('counter').wasm, 'mockic:padding', 2 * MiB + 512 * 1024);
  assert.ok(wasm.length > 2 * MiB);
  const hashes = [];
  for (const chunk of chunks(wasm)) {
    const r = await ic(replica, 'upload_chunk', { canister_id: id, chunk }, alice);
    assert.equal(r.hash, sha256(chunk));
    hashes.push({ hash: r.hash });
  }
  const stored = await ic(replica, 'stored_chunks', { canister_id: id }, alice);
  assert.is(stored.length, 3);
  await ic(
    replica,
    'install_chunked_code',
    {
      mode: { install: null },
      target_canister: id,
      store_canister: [],
      chunk_hashes_list: hashes,
      wasm_module_hash: sha256(wasm),
      arg: new Uint8Array(),
      sender_canister_version: [],
    },
    alice,
  );
  assert.equal(replica.canister(id).moduleHash, sha256(wasm));
  assert.is(decodeNat(await replica.update(id, 'inc', none(), { sender: alice })), 1n);
  const s = await ic(replica, 'canister_status', { canister_id: id }, alice);
  assert.is(s.memory_metrics.wasm_chunk_store_size, BigInt(3 * MiB));
});

test('chunks in another canister controlled by the caller can be installed', async () => {
  const { replica } = await setup();
  const store = await createEmpty(replica, alice);
  const target = await createEmpty(replica, alice);
  const wasm = motokoFixture('counter').wasm;
  const r = await ic(replica, 'upload_chunk', { canister_id: store, chunk: wasm }, alice);
  const args = {
    mode: { install: null },
    target_canister: target,
    store_canister: [store],
    chunk_hashes_list: [{ hash: r.hash }],
    wasm_module_hash: sha256(wasm),
    arg: new Uint8Array(),
    sender_canister_version: [],
  };
  await ic(replica, 'install_chunked_code', args, alice);
  assert.is(decodeNat(await replica.update(target, 'inc', none())), 1n);
});

test('a wrong module hash is refused by the chunk store', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const r = await ic(replica, 'upload_chunk', { canister_id: id, chunk: motokoFixture('counter').wasm }, alice);
  const e = await rejection(
    ic(
      replica,
      'install_chunked_code',
      {
        mode: { install: null },
        target_canister: id,
        store_canister: [],
        chunk_hashes_list: [{ hash: r.hash }],
        wasm_module_hash: new Uint8Array(32),
        arg: new Uint8Array(),
        sender_canister_version: [],
      },
      alice,
    ),
  );
  assert.is(e.errorCode, 'IC0504');
  assert.match(e.description, 'Error from Wasm chunk store: Wasm module hash');
});

test('a chunk over 1 MiB is refused', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const e = await rejection(ic(replica, 'upload_chunk', { canister_id: id, chunk: new Uint8Array(MiB + 1) }, alice));
  assert.match(e.description, `Wasm chunk size ${MiB + 1} exceeds the maximum chunk size of ${MiB}`);
});

test('clear_chunk_store empties the store; non-controllers cannot upload', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'upload_chunk', { canister_id: id, chunk: new Uint8Array([1, 2, 3]) }, alice);
  await ic(replica, 'clear_chunk_store', { canister_id: id }, alice);
  assert.equal(await ic(replica, 'stored_chunks', { canister_id: id }, alice), []);
  const e = await rejection(ic(replica, 'upload_chunk', { canister_id: id, chunk: new Uint8Array([1]) }, bob));
  assert.is(e.errorCode, 'IC0512');
});

test.run();
