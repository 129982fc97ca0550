// The instruction counter: basic blocks charge the IC cost model, loops and function entries check the
// budget, and bulk operations charge their length.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { START_FUNCTION_BUDGET } from '../../src/wasm/instrumentation-abi.ts';
import { InstrumentedHost, OutOfInstructions } from './instrumented-host.ts';

const loopWat = `(module (memory 1)
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 1) (local.get 0)))
  (func (export "nothing")))`;

test('an infinite loop traps at a loop header with the counter below zero, without calling the host', async () => {
  const host = new InstrumentedHost(await compileWat(loopWat));
  host.counter = 1_000_000n;
  const spin = host.instance.exports['spin'] as () => void;
  // the raw trap is a plain `unreachable`; only the counter tells it apart
  assert.throws(() => spin(), (e: unknown) => e instanceof WebAssembly.RuntimeError && /unreachable/.test(e.message));
  assert.ok(host.counter < 0n);
  host.counter = 1_000_000n;
  assert.throws(() => host.fn<() => void>('spin')(), (e: unknown) => e instanceof OutOfInstructions);
  assert.is(host.outOfInstructionsCalls, 0, 'no call to out_of_instructions at loop headers');
  assert.ok(host.counter < 0n);
});

test('a genuine unreachable with budget left is not out of instructions', async () => {
  const host = new InstrumentedHost(await compileWat(`(module (func (export "boom") (unreachable)))`));
  host.counter = 1_000_000n;
  assert.throws(
    () => host.fn<() => void>('boom')(),
    (e: unknown) => e instanceof WebAssembly.RuntimeError && !(e instanceof OutOfInstructions),
  );
  assert.ok(host.counter >= 0n);
});

test('a bulk operation beyond the budget still calls out_of_instructions (the $charge helper)', async () => {
  const host = new InstrumentedHost(await compileWat(loopWat));
  host.counter = 1000n;
  assert.throws(() => host.fn<(n: number) => void>('fill')(50_000), (e: unknown) => e instanceof OutOfInstructions);
  assert.is(host.outOfInstructionsCalls, 1);
});

test('a start function that never ends runs out of instructions', async () => {
  const wasm = await compileWat(`(module (func $s (loop $l (br $l))) (start $s))`);
  assert.throws(
    () => new InstrumentedHost(wasm, { budget: 100_000n }),
    (e: unknown) => e instanceof OutOfInstructions,
  );
});

test('instructions of a loop of N iterations grow linearly with N', async () => {
  const host = new InstrumentedHost(await compileWat(loopWat));
  const count = host.fn<(n: number) => void>('count');
  const a = host.measure(() => count(1000));
  const b = host.measure(() => count(2000));
  const c = host.measure(() => count(3000));
  assert.ok(a > 1000n, `at least one instruction per iteration (${a})`);
  assert.is(b - a, c - b);
  // one iteration: local.get, i32.const, i32.add, local.set, local.get, local.get, i32.lt_u, br_if(2)
  assert.is((b - a) / 1000n, 9n);
});

test('an empty function costs 1, as in the replica', async () => {
  const host = new InstrumentedHost(await compileWat(loopWat));
  assert.is(host.measure(() => host.fn<() => void>('nothing')()), 1n);
});

test('memory.fill charges its length', async () => {
  const host = new InstrumentedHost(await compileWat(loopWat));
  const fill = host.fn<(n: number) => void>('fill');
  const small = host.measure(() => fill(10));
  const large = host.measure(() => fill(50_010));
  assert.is(large - small, 50_000n);
});

test('the counter starts at the start-function budget and the start function is charged', async () => {
  const host = new InstrumentedHost(
    await compileWat(`(module (global $g (mut i32) (i32.const 0))
      (func $init (global.set $g (i32.const 1))) (start $init))`),
  );
  const used = START_FUNCTION_BUDGET - host.counter;
  assert.ok(used > 0n && used < 100n, `start used ${used}`);
});

test('a budget smaller than the entry block traps at the function entry check', async () => {
  const host = new InstrumentedHost(
    await compileWat(`(module
      (func $leaf (result i32) (i32.const 1))
      (func (export "run") (result i32) (call $leaf)))`),
  );
  host.counter = 3n; // run's first block costs 1 + 5 (call): the entry check sees -3
  assert.throws(() => host.fn<() => number>('run')(), (e: unknown) => e instanceof OutOfInstructions);
});

test.run();
