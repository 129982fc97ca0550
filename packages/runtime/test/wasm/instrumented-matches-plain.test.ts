// Differential: the instrumented module computes exactly what the plain module computes (results and
// final memory), across the features real canisters use.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InstrumentedHost, instantiatePlain } from './instrumented-host.ts';

type Call = [name: string, ...args: Array<number | bigint>];

async function same(wat: string, calls: Call[]): Promise<void> {
  const wasm = await compileWat(wat);
  const plain = instantiatePlain(wasm);
  const host = new InstrumentedHost(wasm);
  for (const [name, ...args] of calls) {
    const p = (plain.exports[name] as (...a: unknown[]) => unknown)(...args);
    const i = host.fn<(...a: unknown[]) => unknown>(name)(...args);
    assert.equal(i, p, `${name}(${args.join(', ')})`);
  }
  const plainMem = new Uint8Array((plain.exports.mem as WebAssembly.Memory).buffer);
  const instMem = host.bytes();
  assert.is(instMem.length, plainMem.length, 'memory size');
  assert.ok(Buffer.compare(Buffer.from(instMem), Buffer.from(plainMem)) === 0, 'memory contents');
}

test('loops with arithmetic and stores of every width', async () => {
  await same(
    `(module (memory (export "mem") 2)
      (func (export "run") (param $n i32) (result i64) (local $i i32) (local $acc i64)
        (loop $l
          (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $i) (i32.const 7)))
          (i64.store offset=40000 (i32.shl (local.get $i) (i32.const 3)) (i64.extend_i32_u (local.get $i)))
          (f32.store offset=90000 (i32.shl (local.get $i) (i32.const 2)) (f32.convert_i32_s (local.get $i)))
          (f64.store offset=100000 (i32.shl (local.get $i) (i32.const 3)) (f64.convert_i32_u (local.get $i)))
          (i32.store8 offset=120000 (local.get $i) (local.get $i))
          (i32.store16 offset=125000 (i32.shl (local.get $i) (i32.const 1)) (local.get $i))
          (i64.store8 offset=128000 (local.get $i) (i64.const 255))
          (i64.store16 offset=129000 (i32.shl (local.get $i) (i32.const 1)) (i64.const 65535))
          (i64.store32 offset=126000 (i32.shl (local.get $i) (i32.const 2)) (i64.const -1))
          (local.set $acc (i64.add (local.get $acc) (i64.load offset=40000 (i32.shl (local.get $i) (i32.const 3)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.get $acc)))`,
    [['run', 1000]],
  );
});

test('recursion, tail calls and br_table', async () => {
  await same(
    `(module (memory (export "mem") 1)
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
        (if (i64.eqz (local.get $n)) (then (return (local.get $acc))))
        (return_call $sum (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n))))
      (func (export "switch") (param i32) (result i32)
        (block $d (block $c (block $b (block $a (br_table $a $b $c $d (local.get 0)))
          (i32.store (i32.const 0) (i32.const 10)) (return (i32.const 10)))
          (i32.store (i32.const 4) (i32.const 20)) (return (i32.const 20)))
          (return (i32.const 30)))
        (i32.const 40)))`,
    [['fib', 20], ['sum', 100000n, 0n], ['switch', 0], ['switch', 1], ['switch', 2], ['switch', 3], ['switch', 99]],
  );
});

test('multi-value blocks with type indices and multi-value functions', async () => {
  await same(
    `(module (memory (export "mem") 1)
      (type $pair (func (param i32 i32) (result i32 i32)))
      (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
      (func (export "run") (param i32 i32) (result i32)
        (local.get 0) (local.get 1)
        (block (type $pair) (call $swap))
        (loop (type $pair) (call $swap))
        (i32.sub))
      (func (export "two") (result i32 i64) (i32.const 7) (i64.const 9)))`,
    [['run', 10, 3], ['two']],
  );
});

test('SIMD arithmetic, v128 stores and lane stores', async () => {
  await same(
    `(module (memory (export "mem") 1)
      (func (export "run") (param $n i32) (result i32) (local $i i32) (local $v v128)
        (local.set $v (v128.const i32x4 1 2 3 4))
        (loop $l
          (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
          (v128.store offset=16 (i32.shl (local.get $i) (i32.const 4)) (local.get $v))
          (v128.store8_lane offset=8000 3 (local.get $i) (local.get $v))
          (v128.store16_lane offset=9000 1 (i32.shl (local.get $i) (i32.const 1)) (local.get $v))
          (v128.store32_lane offset=10000 2 (i32.shl (local.get $i) (i32.const 2)) (local.get $v))
          (v128.store64_lane offset=12000 1 (i32.shl (local.get $i) (i32.const 3)) (local.get $v))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.set $v (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get $v) (v128.load offset=16 (i32.const 0))))
        (i32.add (i32x4.extract_lane 0 (local.get $v))
          (i32.trunc_sat_f32_s (f32x4.extract_lane 3 (f32x4.mul (f32x4.convert_i32x4_s (local.get $v)) (f32x4.splat (f32.const 0.5))))))))`,
    [['run', 200]],
  );
});

test('bulk memory: fill, copy, init from a passive segment, drop', async () => {
  await same(
    `(module (memory (export "mem") 2)
      (data $d "hello, bulk memory")
      (func (export "run") (result i32)
        (memory.fill (i32.const 100) (i32.const 0xab) (i32.const 10000))
        (memory.copy (i32.const 70000) (i32.const 90) (i32.const 5000))
        (memory.init $d (i32.const 4090) (i32.const 0) (i32.const 18))
        (memory.init $d (i32.const 20000) (i32.const 7) (i32.const 4))
        (data.drop $d)
        (i32.load (i32.const 4094))))`,
    [['run']],
  );
});

test('sign extension and saturating conversions', async () => {
  await same(
    `(module (memory (export "mem") 1)
      (func (export "run") (param i32 f64) (result i64)
        (i32.store (i32.const 0) (i32.extend8_s (local.get 0)))
        (i32.store (i32.const 4) (i32.extend16_s (local.get 0)))
        (i64.store (i32.const 8) (i64.extend32_s (i64.extend_i32_u (local.get 0))))
        (i32.store (i32.const 16) (i32.trunc_sat_f64_s (local.get 1)))
        (i32.store (i32.const 20) (i32.trunc_sat_f64_u (local.get 1)))
        (i64.add (i64.trunc_sat_f64_s (local.get 1)) (i64.extend16_s (i64.const 0x8001)))))`,
    [['run', 0x80ff, 1e300], ['run', 0x7f, -5.5], ['run', -1, NaN]],
  );
});

test('memory64: i64 addresses, offsets, grow and size', async () => {
  await same(
    `(module (memory (export "mem") i64 1 4)
      (func (export "run") (param $n i64) (result i64) (local $i i64) (local $s i64)
        (loop $l
          (i64.store offset=8 (i64.shl (local.get $i) (i64.const 3)) (local.get $i))
          (i32.store16 offset=60000 (local.get $i) (i32.wrap_i64 (local.get $i)))
          (local.set $s (i64.add (local.get $s) (i64.load offset=8 (i64.shl (local.get $i) (i64.const 3)))))
          (br_if $l (i64.lt_u (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
        (local.get $s))
      (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "size") (result i64) (memory.size))
      (func (export "fill") (memory.fill (i64.const 65530) (i32.const 7) (i64.const 100))))`,
    [['run', 5000n], ['grow', 1n], ['size'], ['grow', 5n], ['fill'], ['size']],
  );
});

test('call_indirect through a table64, ref.func and table.set', async () => {
  await same(
    `(module (memory (export "mem") 1)
      (type $op (func (param i32 i32) (result i32)))
      (table $t i64 4 funcref)
      (elem (table $t) (i64.const 0) func $add $sub)
      (elem declare func $mul)
      (func $add (type $op) (i32.add (local.get 0) (local.get 1)))
      (func $sub (type $op) (i32.sub (local.get 0) (local.get 1)))
      (func $mul (type $op) (i32.mul (local.get 0) (local.get 1)))
      (func (export "run") (param i64 i32 i32) (result i32)
        (table.set $t (i64.const 2) (ref.func $mul))
        (call_indirect $t (type $op) (local.get 1) (local.get 2) (local.get 0))))`,
    [['run', 0n, 5, 3], ['run', 1n, 5, 3], ['run', 2n, 5, 3]],
  );
});

test.run();
