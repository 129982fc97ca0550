// memory.size reads the logical page count and memory.grow asks the host, for wasm32 and wasm64; a
// refusal is -1 to the canister and leaves the memory as it was.
import { compileWat } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InstrumentedHost } from './instrumented-host.ts';

const wat32 = `(module (memory 1 8)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))`;
const wat64 = `(module (memory i64 1 8)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "size") (result i64) (memory.size)))`;

test('wasm32: memory.grow returns the previous size and memory.size follows', async () => {
  const h = new InstrumentedHost(await compileWat(wat32));
  assert.is(h.fn<() => number>('size')(), 1);
  assert.is(h.fn<(d: number) => number>('grow')(2), 1);
  assert.is(h.fn<() => number>('size')(), 3);
  assert.is(h.pages, 3n);
  assert.is(h.memory.buffer.byteLength, 3 * 65536);
});

test('wasm32: a refused grow returns -1 and changes nothing', async () => {
  const h = new InstrumentedHost(await compileWat(wat32), { maxPages: 2n });
  assert.is(h.fn<(d: number) => number>('grow')(5), -1);
  assert.is(h.fn<() => number>('size')(), 1);
  assert.is(h.fn<(d: number) => number>('grow')(-1), -1, 'a huge unsigned delta is refused');
  assert.is(h.fn<(d: number) => number>('grow')(1), 1);
  assert.is(h.fn<(d: number) => number>('grow')(1), -1);
});

test('wasm32: the declared maximum is respected', async () => {
  const h = new InstrumentedHost(await compileWat(wat32));
  assert.is(h.fn<(d: number) => number>('grow')(8), -1);
  assert.is(h.fn<(d: number) => number>('grow')(7), 1);
});

test('wasm64: memory.grow and memory.size use i64 page counts', async () => {
  const h = new InstrumentedHost(await compileWat(wat64), { maxPages: 4n });
  assert.is(h.fn<() => bigint>('size')(), 1n);
  assert.is(h.fn<(d: bigint) => bigint>('grow')(2n), 1n);
  assert.is(h.fn<(d: bigint) => bigint>('grow')(2n), -1n);
  assert.is(h.fn<() => bigint>('size')(), 3n);
});

test('memory.size reports the logical size the host restored, not the physical one', async () => {
  const h = new InstrumentedHost(await compileWat(wat32));
  h.fn<(d: number) => number>('grow')(3);
  h.pages = 1n; // a rollback of the grow
  assert.is(h.fn<() => number>('size')(), 1);
  assert.is(h.fn<(d: number) => number>('grow')(1), 1);
  assert.is(h.memory.buffer.byteLength, 4 * 65536, 'physical memory did not need to grow');
});

test.run();
