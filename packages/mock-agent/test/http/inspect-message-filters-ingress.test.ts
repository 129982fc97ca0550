// canister_inspect_message on the HTTP path: an ingress call the canister's inspect_message refuses
// never reaches the canister — the agent gets the non-replicated rejection ("Canister
// rejected the message") and the state is as before; an accepted one runs; queries skip inspection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent } from '@dfinity/agent';
import { compileWat } from '@mockic/fixtures';
import { createReplicaFetch } from '../../src/http/replica-fetch.ts';
import { world } from './setup.ts';

// A counter whose inspect_message accepts only the method "inc" (method name length 3, first byte 'i').
const WAT = `(module
  (import "ic0" "msg_method_name_size" (func $name_size (result i32)))
  (import "ic0" "msg_method_name_copy" (func $name_copy (param i32 i32 i32)))
  (import "ic0" "accept_message" (func $accept))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (global $n (mut i64) (i64.const 0))
  (data (i32.const 100) "DIDL\\00\\01\\7d")
  (func (export "canister_inspect_message")
    (if (i32.eq (call $name_size) (i32.const 3))
      (then
        (call $name_copy (i32.const 0) (i32.const 0) (i32.const 3))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 105)) (then (call $accept))))))
  (func $answer
    (call $append (i32.const 100) (i32.const 7))
    (i64.store8 (i32.const 200) (global.get $n))
    (call $append (i32.const 200) (i32.const 1))
    (call $reply))
  (func (export "canister_update inc") (global.set $n (i64.add (global.get $n) (i64.const 1))) (call $answer))
  (func (export "canister_update add") (global.set $n (i64.add (global.get $n) (i64.const 100))) (call $answer))
  (func (export "canister_query get") (call $answer)))`;

const w = await world();
const id = await w.replica.installCanister({ wasm: await compileWat(WAT), controllers: [w.controller], sender: w.controller });
const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch: createReplicaFetch(w.replica, w.certifier), shouldFetchRootKey: true, retryTimes: 0 });
const actor = Actor.createActor(({ IDL }) => IDL.Service({ inc: IDL.Func([], [IDL.Nat], []), add: IDL.Func([], [IDL.Nat], []), get: IDL.Func([], [IDL.Nat], ['query']) }), { agent, canisterId: id });

test('an accepted call runs; a refused one is a non-replicated rejection and changes nothing', async () => {
  assert.is(await actor['inc']!(), 1n);
  try {
    await actor['add']!();
    assert.unreachable('add is refused by inspect_message');
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    assert.match(text, 'Canister rejected the message');
  }
  assert.is(await actor['get']!(), 1n, 'the refused call never ran');
  assert.is([...w.replica.ingress.all()].filter((r) => (r as { method?: string }).method === 'add').length, 0, 'nothing was inducted');
});

test.run();
