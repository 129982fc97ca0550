// Written-page tracking: every store, bulk write and segment copy reports the 4 KiB pages it touches
// on its first write in a message, and only those.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InstrumentedHost } from './instrumented-host.ts';

const wat = (mem: string, addr: string) => `(module (memory (export "mem") ${mem})
  (data $seg "0123456789abcdef0123456789abcdef")
  (func (export "store") (param $a ${addr}) (param $v i32) (i32.store (local.get $a) (local.get $v)))
  (func (export "store8") (param $a ${addr}) (i32.store8 offset=4096 (local.get $a) (i32.const 1)))
  (func (export "store64") (param $a ${addr}) (i64.store (local.get $a) (i64.const -1)))
  (func (export "v128") (param $a ${addr}) (v128.store (local.get $a) (v128.const i64x2 -1 -1)))
  (func (export "fill") (param $a ${addr}) (param $n ${addr}) (memory.fill (local.get $a) (i32.const 9) (local.get $n)))
  (func (export "copy") (param $d ${addr}) (param $n ${addr}) (memory.copy (local.get $d) (${addr}.const 0) (local.get $n)))
  (func (export "init") (param $d ${addr}) (memory.init $seg (local.get $d) (i32.const 0) (i32.const 32)))
  (func (export "pages37")
    (i32.store (${addr}.const 12288) (i32.const 1))
    (i32.store (${addr}.const 12300) (i32.const 2))
    (i64.store (${addr}.const 28672) (i64.const 3))))`;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

for (const [label, mem, addr, big] of [
  ['wasm32', '4', 'i32', (n: number) => n],
  ['wasm64', 'i64 4', 'i64', (n: number) => BigInt(n)],
] as const) {
  const host = async () => new InstrumentedHost(await compileWat(wat(mem, addr)));
  type F = (...a: Array<number | bigint>) => void;

  test(`${label}: stores to pages 3 and 7 report exactly those pages, once`, async () => {
    const h = await host();
    h.fn<F>('pages37')();
    assert.equal(h.written, [3, 7]);
    h.fn<F>('pages37')();
    assert.equal(h.written, [3, 7], 'already dirty pages are not reported again');
    h.commit();
    h.fn<F>('pages37')();
    assert.equal(h.written, [3, 7], 'reported again after commit clears the dirty map');
  });

  test(`${label}: a store straddling a page boundary reports both pages`, async () => {
    const h = await host();
    h.fn<F>('store')(big(4094), 0x01020304);
    assert.equal(h.written, [0, 1]);
    h.commit();
    h.fn<F>('store64')(big(3 * 4096 - 1));
    assert.equal(h.written, [2, 3]);
    h.commit();
    h.fn<F>('v128')(big(5 * 4096 - 8));
    assert.equal(h.written, [4, 5]);
    h.commit();
    h.fn<F>('store')(big(4092), 7);
    assert.equal(h.written, [0], 'ends exactly at the boundary: one page');
  });

  test(`${label}: the memarg offset is part of the address`, async () => {
    const h = await host();
    h.fn<F>('store8')(big(3 * 4096 + 5));
    assert.equal(h.written, [4]);
  });

  test(`${label}: memory.fill, memory.copy and memory.init report their destination ranges`, async () => {
    const h = await host();
    h.fn<F>('fill')(big(4096 * 2 + 100), big(4096 * 3));
    assert.equal(sorted(h.written), [2, 3, 4, 5]);
    h.commit();
    h.fn<F>('copy')(big(4096 * 9 - 1), big(2));
    assert.equal(sorted(h.written), [8, 9]);
    h.commit();
    h.fn<F>('init')(big(4096 * 12 - 16));
    assert.equal(sorted(h.written), [11, 12]);
    h.commit();
    h.fn<F>('fill')(big(100), big(0));
    assert.equal(h.written, [], 'a zero-length fill writes nothing');
  });

  test(`${label}: an out-of-bounds store traps without corrupting the dirty map`, async () => {
    const h = await host();
    assert.throws(() => h.fn<F>('store')(big(4 * 65536 - 2), 1));
    assert.throws(() => h.fn<F>('fill')(big(4 * 65536 - 10), big(100)));
    assert.equal(h.bytes().reduce((a, b) => a + b, 0), 0, 'memory untouched');
  });
}

test.run();
