// A canister may have at most 500 requests queued at another: call number 501 in one message is
// rejected by the system with SYS_TRANSIENT, the first 500 are delivered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, RejectCode } from '@mockic/runtime';
import { compileWat, watFixture } from '@mockic/fixtures';

const FANOUT = `(module
  (import "ic0" "msg_arg_data_copy" (func $arg (param i32 i32 i32)))
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reject_code" (func $reject_code (result i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_perform" (func $call_perform (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $on_reply $on_reject)
  (global $transient (mut i32) (i32.const 0))
  (global $other (mut i32) (i32.const 0))
  (data (i32.const 100) "reject_me")
  ;; arg: [n: u32][callee bytes]
  (func (export "canister_update fan") (local $n i32) (local $i i32)
    (call $arg (i32.const 0) (i32.const 0) (call $arg_size))
    (local.set $n (i32.load (i32.const 0)))
    (loop $l
      (call $call_new (i32.const 4) (i32.sub (call $arg_size) (i32.const 4)) (i32.const 100) (i32.const 9)
        (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
      (drop (call $call_perform))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (call $reply))
  (func $on_reply (param i32))
  (func $on_reject (param i32)
    (if (i32.eq (call $reject_code) (i32.const 2))
      (then (global.set $transient (i32.add (global.get $transient) (i32.const 1))))
      (else (global.set $other (i32.add (global.get $other) (i32.const 1))))))
  (func (export "canister_query counts")
    (i32.store (i32.const 0) (global.get $transient)) (i32.store (i32.const 4) (global.get $other))
    (call $append (i32.const 0) (i32.const 8)) (call $reply)))`;

test('501 calls in one message: one SYS_TRANSIENT reject', async () => {
  const replica = await Replica.create({ chargeCycles: false });
  const a = await replica.installCanister({ wasm: await compileWat(FANOUT) });
  const b = await replica.installCanister({ wasm: await watFixture('proxy') });
  const callee = b.toUint8Array();
  const arg = new Uint8Array(4 + callee.length);
  new DataView(arg.buffer).setUint32(0, 501, true);
  arg.set(callee, 4);
  await replica.update(a, 'fan', arg);
  for (let i = 0; i < 3; i++) replica.tick();
  const r = await replica.query(a, 'counts', new Uint8Array());
  const dv = new DataView(r.buffer, r.byteOffset, 8);
  assert.is(dv.getInt32(0, true), 1, 'one transient reject');
  assert.is(dv.getInt32(4, true), 500, 'the others reach the callee (which rejects with CANISTER_REJECT)');
  void RejectCode;
});

test.run();
