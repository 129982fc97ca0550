// How long does installing a large canister take before its first message (DESIGN 1-2)? A synthetic
// ~5 MiB module (thousands of functions with canister-like bodies: locals, arithmetic, loads, stores,
// calls, blocks, loops, ifs) goes through parse + validate + instrument (target < 250 ms); V8's
// compilation of the plain and instrumented module is shown for comparison.
import { instrumentModule } from '../packages/runtime/src/wasm/instrument-module.ts';
import { parseModule } from '../packages/runtime/src/wasm/parse-module.ts';
import { validateCanisterModule } from '../packages/runtime/src/wasm/validate-module.ts';
import { WasmWriter } from '../packages/runtime/src/wasm/wasm-writer.ts';
import { medianMs, printTable } from './table.ts';

const TARGET_BYTES = 5 * 1024 * 1024;

/** A deterministic pseudo-random generator, so every run measures the same module. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s;
  };
}

/** One function body of type (i32, i32) -> i32 with locals 2..5 i32 and 6..7 i64. */
function body(w: WasmWriter, rand: () => number, self: number, first: number): void {
  const b = new WasmWriter(1024);
  b.bytes(Uint8Array.of(2, 4, 0x7f, 2, 0x7e));
  const snippets = 20 + (rand() % 30);
  for (let i = 0; i < snippets; i++) {
    const k = rand() % 4096;
    switch (rand() % 8) {
      case 0: // local.get 0; i32.const k; i32.add; local.set 2
        b.bytes(Uint8Array.of(0x20, 0, 0x41));
        b.sNum(k);
        b.bytes(Uint8Array.of(0x6a, 0x21, 2));
        break;
      case 1: // local.get 2; i32.load offset=k; local.get 3; i32.mul; local.set 3
        b.bytes(Uint8Array.of(0x20, 2, 0x28, 2));
        b.u32(k);
        b.bytes(Uint8Array.of(0x20, 3, 0x6c, 0x21, 3));
        break;
      case 2: // local.get 2; local.get 3; i32.store offset=k
        b.bytes(Uint8Array.of(0x20, 2, 0x20, 3, 0x36, 2));
        b.u32(k);
        break;
      case 3: // block; local.get 2; i32.eqz; br_if 0; local.get 3; i32.const 1; i32.shl; local.set 3; end
        b.bytes(Uint8Array.of(0x02, 0x40, 0x20, 2, 0x45, 0x0d, 0, 0x20, 3, 0x41, 1, 0x74, 0x21, 3, 0x0b));
        break;
      case 4: {
        // local.get 0; local.get 1; call f; local.set 2  (an earlier function: no recursion needed)
        const callee = self > first ? first + (rand() % (self - first)) : self;
        b.bytes(Uint8Array.of(0x20, 0, 0x20, 1, 0x10));
        b.u32(callee);
        b.bytes(Uint8Array.of(0x21, 2));
        break;
      }
      case 5: // i64 arithmetic and an i64 store
        b.bytes(Uint8Array.of(0x20, 6, 0x42));
        b.sNum(k * 7919);
        b.bytes(Uint8Array.of(0x7c, 0x22, 6, 0x20, 7, 0x7e, 0x21, 7, 0x20, 2, 0x20, 7, 0x37, 3));
        b.u32(k);
        break;
      case 6: // if/else on local 3
        b.bytes(Uint8Array.of(0x20, 3, 0x04, 0x40, 0x20, 2, 0x41, 5, 0x6a, 0x21, 2, 0x05, 0x20, 2, 0x41, 3, 0x6b, 0x21, 2, 0x0b));
        break;
      default: // a counted loop: loop; local.get 4; i32.const 1; i32.add; local.tee 4; i32.const k; i32.lt_u; br_if 0; end
        b.bytes(Uint8Array.of(0x03, 0x40, 0x20, 4, 0x41, 1, 0x6a, 0x22, 4, 0x41));
        b.sNum(k);
        b.bytes(Uint8Array.of(0x49, 0x0d, 0, 0x0b));
    }
  }
  b.bytes(Uint8Array.of(0x20, 3, 0x0b));
  w.u32(b.len);
  w.append(b);
}

function synthesize(): Uint8Array<ArrayBuffer> {
  const rand = rng(42);
  const imports: Array<[string, number]> = [
    ['msg_reply', 1],
    ['msg_arg_data_size', 2],
    ['debug_print', 3],
  ];
  const code = new WasmWriter(TARGET_BYTES + 65536);
  const bodies = new WasmWriter(TARGET_BYTES + 65536);
  let n = 0;
  const first = imports.length;
  while (bodies.len < TARGET_BYTES - 4096) {
    body(bodies, rand, first + n, first);
    n++;
  }
  code.u32(n);
  code.append(bodies);

  const m = new WasmWriter(TARGET_BYTES + 1 << 20);
  m.bytes(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
  const types = new WasmWriter();
  types.u32(4);
  types.bytes(Uint8Array.of(0x60, 2, 0x7f, 0x7f, 1, 0x7f)); // 0: (i32, i32) -> i32
  types.bytes(Uint8Array.of(0x60, 0, 0)); // 1: () -> ()
  types.bytes(Uint8Array.of(0x60, 0, 1, 0x7f)); // 2: () -> i32
  types.bytes(Uint8Array.of(0x60, 2, 0x7f, 0x7f, 0)); // 3: (i32, i32) -> ()
  m.section(1, types);
  const imp = new WasmWriter();
  imp.u32(imports.length);
  for (const [name, type] of imports) {
    imp.name('ic0');
    imp.name(name);
    imp.u8(0);
    imp.u32(type);
  }
  m.section(2, imp);
  const funcs = new WasmWriter();
  funcs.u32(n);
  for (let i = 0; i < n; i++) funcs.u8(0);
  m.section(3, funcs);
  m.section(5, Uint8Array.of(1, 0, 2)); // memory 2 pages
  const globals = new WasmWriter();
  globals.u32(2);
  globals.bytes(Uint8Array.of(0x7f, 1, 0x41, 0, 0x0b, 0x7e, 1, 0x42, 0, 0x0b));
  m.section(6, globals);
  const exp = new WasmWriter();
  const methods = 50;
  exp.u32(methods);
  for (let i = 0; i < methods; i++) {
    exp.name(`helper_${i}`);
    exp.u8(0);
    exp.u32(first + i);
  }
  m.section(7, exp);
  m.section(10, code);
  return m.toBytes();
}

const wasm = synthesize();
if (!WebAssembly.validate(wasm)) throw new Error('the synthetic module is not valid');
const info = parseModule(wasm);

const parseMs = await medianMs(() => parseModule(wasm), 5);
const validateMs = await medianMs(() => validateCanisterModule(wasm), 5);
const instrumentMs = await medianMs(() => instrumentModule(wasm, info), 5);
const allMs = await medianMs(() => instrumentModule(wasm, validateCanisterModule(wasm)), 5);
const instrumented = instrumentModule(wasm, info);
const compilePlainMs = await medianMs(() => new WebAssembly.Module(wasm), 3);
const compileInstMs = await medianMs(() => new WebAssembly.Module(instrumented.bytes), 3);

const MiB = 1024 * 1024;
printTable(
  `instrumenting a ${(wasm.length / MiB).toFixed(2)} MiB module (${info.numDefinedFunctions} functions, ${instrumented.instructionCount.toLocaleString('en-US')} instructions; median of 5)`,
  [
    { step: 'parseModule', ms: parseMs, 'vs all': parseMs / allMs },
    { step: 'validateCanisterModule (incl. WebAssembly.validate + parse)', ms: validateMs, 'vs all': validateMs / allMs },
    { step: 'instrumentModule', ms: instrumentMs, 'vs all': instrumentMs / allMs },
    { step: 'validate + instrument (what install pays)', ms: allMs, 'vs all': 1 },
    { step: 'new WebAssembly.Module (plain)', ms: compilePlainMs, 'vs all': compilePlainMs / allMs },
    { step: 'new WebAssembly.Module (instrumented)', ms: compileInstMs, 'vs all': compileInstMs / allMs },
  ],
);
console.log(
  `output ${(instrumented.bytes.length / MiB).toFixed(2)} MiB (${(instrumented.bytes.length / wasm.length).toFixed(2)}× input); ` +
    `target: validate + instrument < 250 ms — ${allMs < 250 ? 'met' : 'NOT met'}`,
);
