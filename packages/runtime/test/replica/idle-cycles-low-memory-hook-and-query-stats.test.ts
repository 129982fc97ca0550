// Cycles for storage are charged as time passes (127 k cycles per GiB per second on 13 nodes);
// canister_on_low_wasm_memory runs once when free memory under wasm_memory_limit drops below
// wasm_memory_threshold; query stats count calls, instructions and payload bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';

const WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg (param i32 i32 i32)))
  (memory 1)
  (global $hooks (mut i32) (i32.const 0))
  (func (export "canister_update grow") (call $arg (i32.const 0) (i32.const 0) (i32.const 4))
    (drop (memory.grow (i32.load (i32.const 0)))) (call $reply))
  (func (export "canister_on_low_wasm_memory") (global.set $hooks (i32.add (global.get $hooks) (i32.const 1))))
  (func (export "canister_query hooks") (i32.store (i32.const 0) (global.get $hooks))
    (call $append (i32.const 0) (i32.const 4)) (call $reply)))`;

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const i32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

test('a day of storage costs memory × 127 k cycles per GiB-second', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT) });
  const c = replica.canister(id);
  replica.tick();
  const before = c.balance;
  replica.advanceTime(86_400_000_000_000n);
  replica.tick();
  const expected = (127_000n * c.memoryUsage() * 86_400n) / (1n << 30n);
  assert.is(before - c.balance, expected);
});

test('on_low_wasm_memory fires once when free memory drops below the threshold', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT) });
  const c = replica.canister(id);
  c.settings = { ...c.settings, wasmMemoryLimit: 20n * 65536n, wasmMemoryThreshold: 5n * 65536n };
  await replica.update(id, 'grow', u32(10)); // 11 pages: 9 free, above the threshold
  replica.tick();
  assert.is(i32(await replica.query(id, 'hooks', new Uint8Array())), 0);
  await replica.update(id, 'grow', u32(5)); // 16 pages: 4 free, below
  replica.tick();
  replica.tick();
  assert.is(i32(await replica.query(id, 'hooks', new Uint8Array())), 1);
});

test('query stats count calls, instructions and payload bytes', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT) });
  for (let i = 0; i < 3; i++) await replica.query(id, 'hooks', new Uint8Array([1, 2]));
  const s = replica.canister(id).queryStats;
  assert.is(s.numCallsTotal, 3n);
  assert.ok(s.numInstructionsTotal > 0n);
  assert.is(s.requestPayloadBytesTotal, 6n);
  assert.is(s.responsePayloadBytesTotal, 12n);
});

test.run();
