// data.drop and elem.drop become flag globals the host snapshots: a dropped segment behaves as the
// spec says (init traps unless empty), and restoring the flag un-drops it, as a rollback must.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ABI_EXPORTS } from '../../src/wasm/instrumentation-abi.ts';
import { InstrumentedHost } from './instrumented-host.ts';

const wat = `(module (memory (export "mem") 1)
  (data $d "segment bytes")
  (table $t 4 funcref)
  (elem $e func $one $two)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func (export "init") (param i32) (memory.init $d (i32.const 100) (i32.const 0) (local.get 0)))
  (func (export "drop") (data.drop $d))
  (func (export "tinit") (param i32) (table.init $t $e (i32.const 0) (i32.const 0) (local.get 0)))
  (func (export "edrop") (elem.drop $e))
  (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))`;

test('memory.init after data.drop traps; a zero-length init still succeeds', async () => {
  const h = new InstrumentedHost(await compileWat(wat));
  h.fn<(n: number) => void>('init')(13);
  assert.is(new TextDecoder().decode(h.bytes().subarray(100, 113)), 'segment bytes');
  h.fn<() => void>('drop')();
  assert.throws(() => h.fn<(n: number) => void>('init')(13), /out of bounds/);
  h.fn<(n: number) => void>('init')(0);
});

test('restoring the exported drop flag un-drops the data segment', async () => {
  const h = new InstrumentedHost(await compileWat(wat));
  const [flag] = h.instrumented.dropFlagGlobals.filter((f) => f.kind === 'data');
  assert.ok(flag);
  const g = h.global(`${ABI_EXPORTS.globalPrefix}${flag.global}`);
  const before = g.value;
  h.fn<() => void>('drop')();
  assert.is.not(g.value, before);
  g.value = before; // the host's rollback of the message that dropped it
  h.fn<(n: number) => void>('init')(13);
  assert.is(new TextDecoder().decode(h.bytes().subarray(100, 113)), 'segment bytes');
});

test('table.init after elem.drop traps; restoring the flag un-drops it', async () => {
  const h = new InstrumentedHost(await compileWat(wat));
  h.fn<(n: number) => void>('tinit')(2);
  assert.is(h.fn<(i: number) => number>('call')(1), 2);
  h.fn<() => void>('edrop')();
  assert.throws(() => h.fn<(n: number) => void>('tinit')(2), /out of bounds/);
  const [flag] = h.instrumented.dropFlagGlobals.filter((f) => f.kind === 'elem');
  assert.ok(flag);
  h.global(`${ABI_EXPORTS.globalPrefix}${flag.global}`).value = 0;
  h.fn<(n: number) => void>('tinit')(2);
  assert.ok(h.instrumented.mutatedTables.includes(0));
});

test.run();
