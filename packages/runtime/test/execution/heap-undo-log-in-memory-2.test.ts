// HeapMemory keeps the undo log in memory 2 (slots + page list) shared with the instrumented module:
// host writes (System API, bulk operations) go through the same log as inline stores, commit and
// rollback read it back, growth moves the list, and a new instance sharing the heap takes it over.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HeapMemory } from '../../src/execution/heap-memory.ts';
import { ABI_EXPORTS, ABI_IMPORTS, ABI_MODULE } from '../../src/wasm/instrumentation-abi.ts';
import { instrumentModule } from '../../src/wasm/instrument-module.ts';

const wat = `(module (memory 2 64)
  (func (export "store") (param $a i32) (param $v i32) (i32.store (local.get $a) (local.get $v)))
  (func (export "grow") (param $n i32) (result i32) (memory.grow (local.get $n))))`;

async function instance(heap: HeapMemory) {
  const inst = instrumentModule(await compileWat(wat));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(inst.bytes), {
    [ABI_MODULE]: {
      [ABI_IMPORTS.memory]: heap.memory,
      [ABI_IMPORTS.dirtyMap]: heap.dirtyMap,
      [ABI_IMPORTS.undo]: heap.undoMemory,
      [ABI_IMPORTS.outOfInstructions]: () => {
        throw new Error('out of instructions');
      },
      [ABI_IMPORTS.firstWrite]: (page: number) => heap.firstWrite(page),
      [ABI_IMPORTS.memoryGrow]: (delta: bigint) => {
        const previous = heap.grow(delta);
        if (previous >= 0n) pages.value = heap.sizePages();
        return previous;
      },
    },
  });
  const g = (name: string) => instance.exports[name] as WebAssembly.Global;
  const pages = g(ABI_EXPORTS.pages);
  g(ABI_EXPORTS.counter).value = 1n << 50n;
  const globals = { count: g(ABI_EXPORTS.undoCount), list: g(ABI_EXPORTS.undoList) };
  heap.attach(globals);
  return {
    store: instance.exports.store as (a: number, v: number) => void,
    grow: instance.exports.grow as (n: number) => number,
    globals,
  };
}

const newHeap = () => new HeapMemory({ memory64: false, initialPages: 2n, maxPages: 64n });

test('inline stores and host writes share one log; commit reports them and clears the map', async () => {
  const heap = newHeap();
  const m = await instance(heap);
  m.store(4096 * 3 + 8, 1);
  heap.markWritten(4096 * 5 + 10, 4096); // pages 5 and 6, as a System API copy would
  heap.bytes().fill(7, 4096 * 5 + 10, 4096 * 6 + 10);
  m.store(4096 * 6, 2); // already saved by the host: not again
  assert.is(heap.pagesWritten(), 3);
  assert.is(m.globals.count.value, 3);
  assert.equal(heap.takeCheckpointPages(), [3, 5, 6]);
  assert.is(heap.commit(), 3);
  assert.is(m.globals.count.value, 0);
  assert.ok(new Uint8Array(heap.dirtyMap.buffer).every((b) => b === 0), 'dirty map clear');
  m.store(4096 * 3, 9);
  assert.equal(heap.takeCheckpointPages(), [3], 'pages handed out before are not repeated');
  heap.rollback();
  assert.equal(heap.takeCheckpointPages(), []);
});

test('rollback restores host and inline writes byte for byte, including across memory.grow', async () => {
  const heap = newHeap();
  const m = await instance(heap);
  const bytes = heap.bytes();
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13) & 0xff;
  heap.commit();
  const committed = heap.bytes().slice();
  m.store(100, 0x01020304);
  m.store(4096 * 7 - 2, -1); // straddles pages 6 and 7
  heap.markWritten(4096 * 20, 10);
  heap.bytes().fill(0xee, 4096 * 20, 4096 * 20 + 10);
  assert.is(m.grow(10), 2);
  m.store(4096 * 100, 5); // a page that exists only after the grow; the list moved meanwhile
  m.store(4096 * 31, 6);
  assert.is(heap.pagesWritten(), 6);
  heap.rollback();
  assert.is(heap.sizePages(), 2n);
  assert.equal(heap.bytes().slice(0, committed.length), committed);
  assert.ok(heap.bytes().subarray(committed.length).every((b) => b === 0), 'grown pages are zero again');
});

test('a second instance sharing the heap takes over the open log', async () => {
  const heap = newHeap();
  const old = await instance(heap);
  const before = heap.bytes().slice();
  old.store(4096 * 2, 1);
  const next = await instance(heap); // e.g. upgrade with wasm_memory_persistence = keep
  assert.is(next.globals.count.value, 1, 'the count moved to the new instance');
  next.store(4096 * 4, 2);
  next.store(4096 * 2 + 4, 3);
  assert.is(heap.pagesWritten(), 2);
  heap.rollback();
  assert.equal(heap.bytes(), before);
  heap.attach(old.globals); // the old instance runs again (failed upgrade)
  assert.is(old.globals.count.value, 0);
  old.store(4096 * 2, 1);
  assert.is(heap.commit(), 1);
});

test.run();
