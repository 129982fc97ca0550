// Memory limits: memory.grow past the declared maximum returns -1; past the canister's
// wasm_memory_limit it traps with IC0539 in updates (and the heap size rolls back), while queries
// are exempt as the spec says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';

const WAT = `
(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg (param i32 i32 i32)))
  (memory 1 100)
  (func $grow
    (call $arg (i32.const 0) (i32.const 0) (i32.const 4))
    (i32.store (i32.const 0) (memory.grow (i32.load (i32.const 0))))
    (call $append (i32.const 0) (i32.const 4))
    (call $reply))
  (func (export "canister_update grow") (call $grow))
  (func (export "canister_query grow_in_query") (call $grow))
  (func (export "canister_query size")
    (i32.store (i32.const 0) (memory.size))
    (call $append (i32.const 0) (i32.const 4))
    (call $reply)))`;

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const i32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

async function setup(limitPages: number) {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT) });
  replica.canister(id).settings.wasmMemoryLimit = BigInt(limitPages * 65536);
  return { replica, id };
}

test('grow within the limits returns the previous size', async () => {
  const { replica, id } = await setup(50);
  assert.is(i32(await replica.update(id, 'grow', u32(9))), 1);
  assert.is(i32(await replica.query(id, 'size', new Uint8Array())), 10);
});

test('grow past the declared maximum returns -1 without trapping', async () => {
  const { replica, id } = await setup(0);
  assert.is(i32(await replica.update(id, 'grow', u32(200))), -1);
  assert.is(i32(await replica.query(id, 'size', new Uint8Array())), 1);
});

test('grow past wasm_memory_limit traps with IC0539 and the size rolls back', async () => {
  const { replica, id } = await setup(10);
  const error = await replica.update(id, 'grow', u32(20)).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, UserError);
  assert.is((error as UserError).code, ErrorCode.CanisterWasmMemoryLimitExceeded);
  assert.match((error as UserError).description, 'exceeded its current Wasm memory limit of 655360 bytes');
  assert.is(i32(await replica.query(id, 'size', new Uint8Array())), 1);
});

test('queries are exempt from wasm_memory_limit and commit nothing', async () => {
  const { replica, id } = await setup(10);
  assert.is(i32(await replica.query(id, 'grow_in_query', u32(20))), 1);
  assert.is(i32(await replica.query(id, 'size', new Uint8Array())), 1);
});

test.run();
