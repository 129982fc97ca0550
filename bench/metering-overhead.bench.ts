// What does the instrumentation cost at run time (DESIGN 1-2)? The same compute-bound function — a
// loop of arithmetic, loads and stores over a 1 MiB array — runs plain in V8 and instrumented
// (metering + written-page tracking). Target: instrumented / plain ≤ 1.3×. Each run is one message:
// the dirty map is cleared before it, so the first store to each page really calls the host.
import { compileWat } from '../packages/fixtures/src/index.ts';
import { ABI_EXPORTS, ABI_IMPORTS, ABI_MODULE } from '../packages/runtime/src/wasm/instrumentation-abi.ts';
import { instrumentModule } from '../packages/runtime/src/wasm/instrument-module.ts';
import { medianMs, printTable } from './table.ts';

const wat = `(module (memory (export "mem") 32)
  ;; 1 MiB of i32 at 0: a[i] = a[i] * 31 + (i ^ (i >> 3)), plus a running checksum of loads
  (func $pass (param $n i32) (result i32) (local $i i32) (local $p i32) (local $s i32) (local $v i32)
    (loop $l
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (local.set $v (i32.add (i32.mul (i32.load (local.get $p)) (i32.const 31))
                             (i32.xor (local.get $i) (i32.shr_u (local.get $i) (i32.const 3)))))
      (i32.store (local.get $p) (local.get $v))
      (local.set $s (i32.add (local.get $s) (i32.rotl (local.get $v) (i32.const 5))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))
  (func (export "run") (param $passes i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $pass (i32.const 262144))))
      (br_if $l (local.tee $passes (i32.sub (local.get $passes) (i32.const 1)))))
    (local.get $s)))`;

const PASSES = 20;
const wasm = await compileWat(wat);

const plain = new WebAssembly.Instance(new WebAssembly.Module(wasm));
const plainRun = plain.exports.run as (n: number) => number;

const inst = instrumentModule(wasm);
const memory = new WebAssembly.Memory({ initial: Number(inst.memoryLimits.min) });
const dirtyMap = new WebAssembly.Memory({ initial: 1 });
const dirty = () => new Uint8Array(dirtyMap.buffer);
let firstWrites = 0;
const instance = new WebAssembly.Instance(new WebAssembly.Module(inst.bytes), {
  [ABI_MODULE]: {
    [ABI_IMPORTS.memory]: memory,
    [ABI_IMPORTS.dirtyMap]: dirtyMap,
    [ABI_IMPORTS.outOfInstructions]: () => {
      throw new Error('out of instructions');
    },
    [ABI_IMPORTS.firstWrite]: (page: number) => {
      firstWrites++;
      dirty()[page] = 1;
    },
    [ABI_IMPORTS.memoryGrow]: () => -1n,
  },
});
const counter = instance.exports[ABI_EXPORTS.counter] as WebAssembly.Global;
const instRun = instance.exports.run as (n: number) => number;

const a = plainRun(1);
counter.value = 1n << 60n;
const b = instRun(1);
if (a !== b) throw new Error(`results differ: ${a} vs ${b}`);

const plainMs = await medianMs(() => plainRun(PASSES), 9, 2);
const instMs = await medianMs(() => {
  dirty().fill(0);
  counter.value = 1n << 60n;
  instRun(PASSES);
}, 9, 2);
counter.value = 1n << 60n;
dirty().fill(0);
firstWrites = 0;
instRun(PASSES);
const instructions = (1n << 60n) - (counter.value as bigint);

printTable(`metering overhead: ${PASSES} passes over a 1 MiB array (median of 9)`, [
  { variant: 'plain V8', ms: plainMs, ratio: 1, 'instructions counted': '-', 'first writes': '-' },
  {
    variant: 'instrumented',
    ms: instMs,
    ratio: instMs / plainMs,
    'instructions counted': Number(instructions),
    'first writes': firstWrites,
  },
]);
console.log(`target: ratio ≤ 1.3 — ${instMs / plainMs <= 1.3 ? 'met' : 'NOT met'}`);
