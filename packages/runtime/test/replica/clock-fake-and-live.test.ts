// The replica clock: fake by default (moves only through setTime/advanceTime), live on request
// (follows the wall clock, never backwards); a global timer set in the past fires at the next round.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Clock, Replica, DEFAULT_START_TIME_NANOS } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';

test('fake clock starts at the default and moves only when told', async () => {
  const replica = await Replica.create();
  assert.is(replica.time, DEFAULT_START_TIME_NANOS);
  replica.tick();
  assert.is(replica.time, DEFAULT_START_TIME_NANOS);
  replica.advanceTime(5n);
  assert.is(replica.time, DEFAULT_START_TIME_NANOS + 5n);
  replica.setTime(42n);
  assert.is(replica.time, 42n);
});

test('live clock follows the wall clock and keeps a setTime offset', async () => {
  const clock = new Clock({ live: true });
  const wall = BigInt(Date.now()) * 1_000_000n;
  const now = clock.now();
  assert.ok(now >= wall - 1_000_000_000n && now <= wall + 1_000_000_000n);
  clock.set(now + 3_600_000_000_000n);
  assert.ok(clock.now() >= now + 3_600_000_000_000n);
  assert.ok(clock.now() >= clock.now() - 0n);
});

test('a timer set in the past fires at the next round', async () => {
  const wat = `(module
    (import "ic0" "global_timer_set" (func $set (param i64) (result i64)))
    (import "ic0" "msg_reply" (func $reply))
    (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
    (memory 1)
    (global $fired (mut i32) (i32.const 0))
    (func (export "canister_update arm") (drop (call $set (i64.const 1))) (call $reply))
    (func (export "canister_global_timer") (global.set $fired (i32.add (global.get $fired) (i32.const 1))))
    (func (export "canister_query fired") (i32.store (i32.const 0) (global.get $fired))
      (call $append (i32.const 0) (i32.const 4)) (call $reply)))`;
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(wat) });
  await replica.update(id, 'arm', new Uint8Array());
  replica.tick();
  const r = await replica.query(id, 'fired', new Uint8Array());
  assert.is(new DataView(r.buffer, r.byteOffset, 4).getInt32(0, true), 1);
  assert.is(replica.canister(id).globalTimer, 0n);
});

test.run();
