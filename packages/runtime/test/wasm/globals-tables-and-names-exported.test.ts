// What the host needs besides the canister's own exports: every mutable global, table 0, the counter
// and page count; and the name section stays right, so traps name the canister's functions.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ABI_EXPORTS } from '../../src/wasm/instrumentation-abi.ts';
import { InstrumentedHost } from './instrumented-host.ts';

const wat = `(module
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (global $a (mut i32) (i32.const 5))
  (global $b i64 (i64.const 6))
  (global $c (mut f64) (f64.const 1.5))
  (table $t 2 funcref)
  (elem (i32.const 0) $callback)
  (func $callback (param i32) (global.set $a (local.get 0)))
  (func $deep_inside (unreachable))
  (func $caller_of_deep (call $deep_inside))
  (func (export "canister_update boom") (call $caller_of_deep))
  (func (export "canister_query get") (call $reply))
  (func (export "bump") (global.set $a (i32.add (global.get $a) (i32.const 1)))))`;

test('mutable globals are exported by index and snapshot/restore through the export', async () => {
  const h = new InstrumentedHost(await compileWat(wat));
  const names = WebAssembly.Module.exports(new WebAssembly.Module(h.instrumented.bytes)).map((e) => e.name);
  assert.ok(names.includes(`${ABI_EXPORTS.globalPrefix}0`));
  assert.ok(!names.includes(`${ABI_EXPORTS.globalPrefix}1`), 'immutable globals are not exported');
  assert.ok(names.includes(`${ABI_EXPORTS.globalPrefix}2`));
  assert.equal(h.instrumented.mutableGlobals, [0, 2]);
  const a = h.global(`${ABI_EXPORTS.globalPrefix}0`);
  h.fn<() => void>('bump')();
  assert.is(a.value, 6);
  a.value = 5;
  h.fn<() => void>('bump')();
  assert.is(a.value, 6);
});

test('table 0 is exported and callbacks can be called through it', async () => {
  const h = new InstrumentedHost(await compileWat(wat));
  assert.ok(h.instrumented.exportsTable0);
  const t = h.exports[`${ABI_EXPORTS.tablePrefix}0`];
  assert.ok(t instanceof WebAssembly.Table);
  (t.get(0) as (x: number) => void)(42);
  assert.is(h.global(`${ABI_EXPORTS.globalPrefix}0`).value, 42);
  assert.equal(h.instrumented.mutatedTables, [], 'no code mutates the table');
});

test('canister exports keep their names and the counter and page count are exported', async () => {
  const h = new InstrumentedHost(await compileWat(wat));
  assert.type(h.exports['canister_update boom'], 'function');
  assert.type(h.exports['canister_query get'], 'function');
  assert.ok(typeof h.counter === 'bigint');
  assert.is(h.pages, 1n);
});

test('a trap stack trace shows the original function names', async () => {
  const h = new InstrumentedHost(await compileWat(wat));
  let stack = '';
  try {
    h.fn<() => void>('canister_update boom')();
  } catch (e) {
    stack = (e as Error).stack ?? '';
  }
  const frames = stack.split('\n').filter((l) => l.includes('wasm://'));
  assert.ok(frames[0]?.includes('deep_inside'), stack);
  assert.ok(frames[1]?.includes('caller_of_deep'), stack);
});

test.run();
