// What the System API functions do, through a real wasm32 canister and the replica: arguments,
// caller, replies and rejects, certified data, the global timer, time, stable memory, debug_print,
// is_controller, cycles balance and replicated vs non-replicated execution.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { compileWat } from '@mockic/fixtures';
import { Replica, UserError, ErrorCode, RejectCode } from '@mockic/runtime';

const WAT = `
(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_caller_size" (func $caller_size (result i32)))
  (import "ic0" "msg_caller_copy" (func $caller_copy (param i32 i32 i32)))
  (import "ic0" "canister_self_size" (func $self_size (result i32)))
  (import "ic0" "canister_self_copy" (func $self_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject" (func $reject (param i32 i32)))
  (import "ic0" "certified_data_set" (func $certify (param i32 i32)))
  (import "ic0" "global_timer_set" (func $timer (param i64) (result i64)))
  (import "ic0" "time" (func $time (result i64)))
  (import "ic0" "stable64_grow" (func $sgrow (param i64) (result i64)))
  (import "ic0" "stable64_size" (func $ssize (result i64)))
  (import "ic0" "stable64_write" (func $swrite (param i64 i64 i64)))
  (import "ic0" "stable64_read" (func $sread (param i64 i64 i64)))
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (import "ic0" "is_controller" (func $is_controller (param i32 i32) (result i32)))
  (import "ic0" "canister_cycle_balance128" (func $balance (param i32)))
  (import "ic0" "in_replicated_execution" (func $replicated (result i32)))
  (memory 1)
  (data (i32.const 1000) "no thanks")
  (data (i32.const 1100) "hello from wat")
  (func $reply_arg (call $arg_copy (i32.const 0) (i32.const 0) (call $arg_size))
    (call $append (i32.const 0) (call $arg_size)) (call $reply))
  (func $reply_i64 (param $v i64) (i64.store (i32.const 0) (local.get $v))
    (call $append (i32.const 0) (i32.const 8)) (call $reply))
  (func $reply_i32 (param $v i32) (i32.store (i32.const 0) (local.get $v))
    (call $append (i32.const 0) (i32.const 4)) (call $reply))
  (func (export "canister_update echo") (call $reply_arg))
  (func (export "canister_query echo_query") (call $reply_arg))
  (func (export "canister_update caller") (call $caller_copy (i32.const 0) (i32.const 0) (call $caller_size))
    (call $append (i32.const 0) (call $caller_size)) (call $reply))
  (func (export "canister_update self") (call $self_copy (i32.const 0) (i32.const 0) (call $self_size))
    (call $append (i32.const 0) (call $self_size)) (call $reply))
  (func (export "canister_update reject") (call $reject (i32.const 1000) (i32.const 9)))
  (func (export "canister_update reply_twice") (call $reply) (call $reply))
  (func (export "canister_update no_reply"))
  (func (export "canister_update certify") (call $arg_copy (i32.const 0) (i32.const 0) (call $arg_size))
    (call $certify (i32.const 0) (call $arg_size)) (call $reply))
  (func (export "canister_update set_timer") (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (call $reply_i64 (call $timer (i64.load (i32.const 0)))))
  (func (export "canister_update time") (call $reply_i64 (call $time)))
  (func (export "canister_update stable_put")
    (if (i64.eqz (call $ssize)) (then (drop (call $sgrow (i64.const 1)))))
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (call $swrite (i64.const 100) (i64.const 0) (i64.const 8)) (call $reply))
  (func (export "canister_query stable_get")
    (if (i64.eqz (call $ssize)) (then (call $reply_i64 (i64.const -1)) (return)))
    (call $sread (i64.const 8) (i64.const 100) (i64.const 8))
    (call $reply_i64 (i64.load (i32.const 8))))
  (func (export "canister_update stable_oob") (call $sread (i64.const 0) (i64.const 70000) (i64.const 8)) (call $reply))
  (func (export "canister_update heap_oob") (call $arg_copy (i32.const 65534) (i32.const 0) (i32.const 3)) (call $reply))
  (func (export "canister_update print") (call $print (i32.const 1100) (i32.const 14)) (call $reply))
  (func (export "canister_query controller") (call $caller_copy (i32.const 0) (i32.const 0) (call $caller_size))
    (call $reply_i32 (call $is_controller (i32.const 0) (call $caller_size))))
  (func (export "canister_update balance") (call $balance (i32.const 0))
    (call $append (i32.const 0) (i32.const 16)) (call $reply))
  (func (export "canister_query replicated") (call $reply_i32 (call $replicated))))`;

const u64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
};
const readU64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
const readI32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
const alice = Principal.fromUint8Array(new Uint8Array([1, 2, 3, 4, 5]));

async function setup() {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT), controllers: [alice] });
  return { replica, id };
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  assert.instance(e, UserError);
  return e as UserError;
}

test('msg_arg_data_* and msg_reply_* echo the argument, in updates and queries', async () => {
  const { replica, id } = await setup();
  const arg = new Uint8Array([9, 8, 7, 6]);
  assert.equal(await replica.update(id, 'echo', arg), arg);
  assert.equal(await replica.query(id, 'echo_query', arg), arg);
  assert.equal(await replica.update(id, 'echo', new Uint8Array()), new Uint8Array());
});

test('msg_caller_* gives the sender; canister_self_* the canister id', async () => {
  const { replica, id } = await setup();
  assert.equal(await replica.update(id, 'caller', new Uint8Array(), { sender: alice }), alice.toUint8Array());
  assert.equal(await replica.update(id, 'caller', new Uint8Array()), Principal.anonymous().toUint8Array());
  assert.equal(await replica.update(id, 'self', new Uint8Array()), id.toUint8Array());
});

test('msg_reject gives CANISTER_REJECT with the message', async () => {
  const { replica, id } = await setup();
  const e = await failure(replica.update(id, 'reject', new Uint8Array()));
  assert.is(e.rejectCode, RejectCode.CANISTER_REJECT);
  assert.is(e.code, ErrorCode.CanisterRejectedMessage);
  assert.is(e.description, 'no thanks');
});

test('replying twice is a contract violation; not replying is IC0506', async () => {
  const { replica, id } = await setup();
  const twice = await failure(replica.update(id, 'reply_twice', new Uint8Array()));
  assert.is(twice.code, ErrorCode.CanisterContractViolation);
  const none = await failure(replica.update(id, 'no_reply', new Uint8Array()));
  assert.is(none.code, ErrorCode.CanisterDidNotReply);
});

test('certified_data_set stores up to 32 bytes; more traps and keeps the old value', async () => {
  const { replica, id } = await setup();
  const data = new Uint8Array(32).fill(5);
  await replica.update(id, 'certify', data);
  assert.equal(replica.canister(id).certifiedData, data);
  const e = await failure(replica.update(id, 'certify', new Uint8Array(33)));
  assert.is(e.code, ErrorCode.CanisterContractViolation);
  assert.equal(replica.canister(id).certifiedData, data);
});

test('global_timer_set returns the previous deadline and sets the new one', async () => {
  const { replica, id } = await setup();
  const t1 = replica.time + 10_000_000_000n;
  const t2 = replica.time + 20_000_000_000n;
  assert.is(readU64(await replica.update(id, 'set_timer', u64(t1))), 0n);
  assert.is(readU64(await replica.update(id, 'set_timer', u64(t2))), t1);
  assert.is(replica.canister(id).globalTimer, t2);
});

test('time reads the replica clock', async () => {
  const { replica, id } = await setup();
  assert.is(readU64(await replica.update(id, 'time', new Uint8Array())), replica.time);
  replica.advanceTime(1_000_000_000n);
  assert.is(readU64(await replica.update(id, 'time', new Uint8Array())), replica.time);
});

test('stable64_* persist across messages; reads past the end trap', async () => {
  const { replica, id } = await setup();
  assert.is(readU64(await replica.query(id, 'stable_get', new Uint8Array())), (1n << 64n) - 1n);
  await replica.update(id, 'stable_put', u64(0xdeadbeefn));
  assert.is(readU64(await replica.query(id, 'stable_get', new Uint8Array())), 0xdeadbeefn);
  const e = await failure(replica.update(id, 'stable_oob', new Uint8Array()));
  assert.is(e.code, ErrorCode.CanisterTrapped);
  assert.match(e.description, 'stable memory out of bounds');
});

test('copies outside the heap trap with heap out of bounds', async () => {
  const { replica, id } = await setup();
  const e = await failure(replica.update(id, 'heap_oob', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])));
  assert.is(e.code, ErrorCode.CanisterTrapped);
  assert.match(e.description, 'heap out of bounds');
});

test('debug_print lands in the canister log', async () => {
  const { replica, id } = await setup();
  await replica.update(id, 'print', new Uint8Array());
  assert.equal(replica.canister(id).log.lines(), ['hello from wat']);
});

test('is_controller tells controllers apart', async () => {
  const { replica, id } = await setup();
  assert.is(readI32(await replica.query(id, 'controller', new Uint8Array(), { sender: alice })), 1);
  assert.is(readI32(await replica.query(id, 'controller', new Uint8Array())), 0);
});

test('canister_cycle_balance128 reports the balance', async () => {
  const { replica, id } = await setup();
  const b = await replica.update(id, 'balance', new Uint8Array());
  const lo = readU64(b.subarray(0, 8));
  const hi = readU64(b.subarray(8, 16));
  const reported = (hi << 64n) | lo;
  const after = replica.canister(id).balance;
  // The execution fee is charged after the message: base fee plus its instructions.
  assert.ok(reported > after && reported - after < 10_000_000n, `${reported} vs ${after}`);
});

test('in_replicated_execution: 0 in a query call, 1 when the query runs as an update', async () => {
  const { replica, id } = await setup();
  assert.is(readI32(await replica.query(id, 'replicated', new Uint8Array())), 0);
  assert.is(readI32(await replica.update(id, 'replicated', new Uint8Array())), 1);
});

test.run();
