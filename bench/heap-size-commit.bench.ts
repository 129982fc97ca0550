// Does the cost of a message follow the pages it writes, or the size of the heap? The same one-page
// update on a canister with a 1 MiB heap and with a 256 MiB heap (every page written once, so the
// heap is really resident), then a trap after writing one page (rollback) on both. Target: ratio ≤1.2.
import { compileWat } from '@mockic/fixtures';
import { Replica } from '@mockic/runtime';
import { medianMs, printTable } from './table.ts';

const WAT = `
(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_arg_data_copy" (func $arg (param i32 i32 i32)))
  (memory 1 8192)
  (global $n (mut i32) (i32.const 0))
  ;; grows the heap to arg pages and writes every 4 KiB page once
  (func (export "canister_update fill") (local $i i32) (local $end i32)
    (call $arg (i32.const 0) (i32.const 0) (i32.const 4))
    (drop (memory.grow (i32.sub (i32.load (i32.const 0)) (memory.size))))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (local.set $i (i32.const 4096))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (i32.store (local.get $i) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 4096)))
      (br $l)))
    (call $reply))
  ;; writes one word on one page
  (func (export "canister_update touch")
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (i32.store (i32.const 64) (global.get $n))
    (call $reply))
  (func (export "canister_update touch_then_trap")
    (i32.store (i32.const 64) (i32.const 99))
    unreachable))`;

const wasm = await compileWat(WAT);
const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const empty = new Uint8Array();

async function canisterWithHeap(mib: number) {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm });
  await replica.update(id, 'fill', u32(mib * 16));
  return { replica, id };
}

const small = await canisterWithHeap(1);
const large = await canisterWithHeap(256);
const N = 2000;
const run = (c: typeof small, method: string) => async () => {
  for (let i = 0; i < N; i++) await c.replica.update(c.id, method, empty).catch(() => undefined);
};

const rows = [];
for (const [label, method] of [
  ['one-page update (commit)', 'touch'],
  ['one-page write then trap (rollback)', 'touch_then_trap'],
] as const) {
  const s = await medianMs(run(small, method), 7, 2);
  const l = await medianMs(run(large, method), 7, 2);
  rows.push({
    message: label,
    '1 MiB heap µs/msg': (s * 1000) / N,
    '256 MiB heap µs/msg': (l * 1000) / N,
    'ratio 256/1': l / s,
  });
}
printTable(`Message cost vs heap size (${N} messages per run, median of 7)`, rows);
