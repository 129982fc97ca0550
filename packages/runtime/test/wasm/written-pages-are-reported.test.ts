// Written-page tracking: every store, bulk write and segment copy saves the 4 KiB pages it touches into
// the undo log (memory 2) on its first write in a message, and only those; plain stores do it inline
// (no host call: inside a loop the save is inline, elsewhere a call to the module's own $save), bulk
// operations through first_write. Rollback from the log is byte-exact.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyThrown } from '../../src/execution/execution-trap.ts';
import { InstrumentedHost } from './instrumented-host.ts';

const wat = (mem: string, addr: string) => `(module (memory (export "mem") ${mem})
  (data $seg "0123456789abcdef0123456789abcdef")
  (func (export "store") (param $a ${addr}) (param $v i32) (i32.store (local.get $a) (local.get $v)))
  (func (export "store8") (param $a ${addr}) (i32.store8 offset=4096 (local.get $a) (i32.const 1)))
  (func (export "store64") (param $a ${addr}) (i64.store (local.get $a) (i64.const -1)))
  (func (export "store64InLoop") (param $a ${addr}) (param $n i32)
    (loop $l
      (i64.store (local.get $a) (i64.const -1))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "v128") (param $a ${addr}) (v128.store (local.get $a) (v128.const i64x2 -1 -1)))
  (func (export "fill") (param $a ${addr}) (param $n ${addr}) (memory.fill (local.get $a) (i32.const 9) (local.get $n)))
  (func (export "copy") (param $d ${addr}) (param $n ${addr}) (memory.copy (local.get $d) (${addr}.const 0) (local.get $n)))
  (func (export "init") (param $d ${addr}) (memory.init $seg (local.get $d) (i32.const 0) (i32.const 32)))
  (func (export "pages37")
    (i32.store (${addr}.const 12288) (i32.const 1))
    (i32.store (${addr}.const 12300) (i32.const 2))
    (i64.store (${addr}.const 28672) (i64.const 3)))
  (func (export "grow") (param $n ${addr}) (result ${addr}) (memory.grow (local.get $n)))
  (func (export "scatter") (param $seed i32) (param $n i32) (local $i i32) (local $x i32)
    (local.set $x (local.get $seed))
    (loop $l
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (i64.store ${addr === 'i64' ? '(i64.extend_i32_u (i32.rem_u (local.get $x) (i32.const 262137)))' : '(i32.rem_u (local.get $x) (i32.const 262137))'}
                 (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 0x9e3779b97f4a7c15)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))))`;

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
    assert.equal(h.written, [63], 'the in-bounds page of the straddling store was saved, nothing beyond');
  });

  test(`${label}: a store beyond the memory traps with heap out of bounds, not anything else`, async () => {
    const h = await host();
    for (const at of [4 * 65536, 4 * 65536 + 4096 * 7, 0x7fff0000, 0xfffffffc]) {
      let thrown: unknown;
      try {
        h.fn<F>('store')(big(at), 1);
      } catch (e) {
        thrown = e;
      }
      assert.instance(thrown, WebAssembly.RuntimeError, `store at ${at}`);
      const trap = classifyThrown(thrown);
      assert.is(trap.trap.kind === 'trapped' && trap.trap.code, 'heap out of bounds', `store at ${at}`);
    }
    assert.equal(h.written, [], 'nothing saved');
  });

  test(`${label}: the first write saves the page's previous content into the next undo slot`, async () => {
    const h = await host();
    const bytes = h.bytes();
    for (let i = 0; i < 4096; i++) bytes[3 * 4096 + i] = (i * 7) & 0xff;
    const before = bytes.slice(3 * 4096, 4 * 4096);
    h.fn<F>('store')(big(3 * 4096 + 100), 0x11223344);
    assert.is(h.undoCount, 1);
    assert.equal(h.written, [3]);
    assert.equal(h.slot(0), before, 'slot 0 holds the page as it was before the store');
    h.fn<F>('store')(big(3 * 4096 + 200), 5);
    assert.is(h.undoCount, 1, 'a second store to the page saves nothing');
    assert.equal(h.slot(0), before);
    assert.is(h.firstWriteCalls.length, 0, 'plain stores never call first_write');
  });

  for (const [where, call] of [
    ['outside a loop ($save)', (h: InstrumentedHost, a: number | bigint) => h.fn<F>('store64')(a)],
    ['inside a loop (inline)', (h: InstrumentedHost, a: number | bigint) => h.fn<F>('store64InLoop')(a, 3)],
  ] as const) {
    test(`${label}: a straddling store ${where} saves both pages with their previous content`, async () => {
      const h = await host();
      const bytes = h.bytes();
      bytes.fill(0xaa, 4 * 4096, 5 * 4096);
      bytes.fill(0xbb, 5 * 4096, 6 * 4096);
      call(h, big(5 * 4096 - 3));
      assert.equal(h.written, [4, 5]);
      assert.is(h.undoCount, 2, 'each page saved once');
      assert.equal(h.slot(0), new Uint8Array(4096).fill(0xaa));
      assert.equal(h.slot(1), new Uint8Array(4096).fill(0xbb));
      assert.is(h.firstWriteCalls.length, 0, 'no host call');
      h.rollback();
      assert.equal(bytes.slice(4 * 4096, 5 * 4096), new Uint8Array(4096).fill(0xaa));
      assert.equal(bytes.slice(5 * 4096, 6 * 4096), new Uint8Array(4096).fill(0xbb));
    });
  }

  test(`${label}: rollback restores the heap byte for byte (stores, v128, fill, copy, init)`, async () => {
    const h = await host();
    const bytes = h.bytes();
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
    const committed = bytes.slice();
    h.fn<F>('scatter')(7, 5000);
    h.fn<F>('v128')(big(9 * 4096 - 5));
    h.fn<F>('fill')(big(4096 * 20 + 1), big(4096 * 2));
    h.fn<F>('copy')(big(4096 * 30 - 7), big(100));
    h.fn<F>('init')(big(4096 * 40 - 16));
    assert.ok(h.undoCount > 30, `many pages saved (${h.undoCount})`);
    assert.is(new Set(h.written).size, h.undoCount, 'each page saved once');
    assert.not.equal(bytes, committed);
    h.rollback();
    assert.equal(bytes, committed);
    assert.is(h.undoCount, 0);
    // the next message saves again from scratch
    h.fn<F>('pages37')();
    assert.equal(h.written, [3, 7]);
  });

  test(`${label}: memory.grow in the middle of a message keeps the log and covers the new pages`, async () => {
    const h = await host();
    h.fn<F>('store')(big(4096 * 2), 1);
    assert.is(Number(h.fn<(n: number | bigint) => number | bigint>('grow')(big(60))), 4);
    h.fn<F>('store')(big(4096 * 1000), 2); // page 1000 exists only after the grow
    h.fn<F>('scatter')(3, 2000);
    assert.equal(h.written.slice(0, 2), [2, 1000], 'list entries survive the move of the list');
    const pages = h.written;
    assert.is(new Set(pages).size, pages.length);
    h.rollback();
    assert.equal(h.bytes().reduce((a, b) => a + b, 0), 0, 'all zero again');
  });
}

test.run();
