// A minimal host for instrumented modules, written from instrumentation-abi.ts alone: it owns memory 0
// and the dirty map, records first writes, answers memory.grow against a page limit and traps on
// exhausted instructions. Tests use it to observe exactly what the instrumentation reports.
import {
  ABI_EXPORTS,
  ABI_IMPORTS,
  ABI_MODULE,
  DIRTY_PAGE_SIZE,
  WASM_PAGE_SIZE,
} from '../../src/wasm/instrumentation-abi.ts';
import { instrumentModule, type InstrumentedModule } from '../../src/wasm/instrument-module.ts';

export class OutOfInstructions extends Error {
  override name = 'OutOfInstructions';
}

export interface HostOptions {
  /** ic0 functions the test provides; any other ic0 import traps when called. */
  ic0?: Record<string, (...args: never[]) => unknown>;
  /** Logical page limit for memory.grow (besides the declared maximum). */
  maxPages?: bigint;
  /** Instruction budget set before each call. */
  budget?: bigint;
}

type MemoryDescriptor64 = { initial: number | bigint; maximum?: number | bigint; address?: 'i32' | 'i64' };

function newMemory(min: bigint, max: bigint | undefined, memory64: boolean): WebAssembly.Memory {
  const d: MemoryDescriptor64 = memory64
    ? { initial: min, address: 'i64' }
    : { initial: Number(min) };
  if (max !== undefined) d.maximum = memory64 ? max : Number(max);
  return new WebAssembly.Memory(d as unknown as WebAssembly.MemoryDescriptor);
}

export class InstrumentedHost {
  readonly instrumented: InstrumentedModule;
  readonly memory: WebAssembly.Memory;
  dirtyMap: WebAssembly.Memory;
  readonly instance: WebAssembly.Instance;
  /** Pages reported by first_write, in order. */
  readonly written: number[] = [];
  outOfInstructionsCalls = 0;
  maxPages: bigint | undefined;

  constructor(wasm: Uint8Array, options: HostOptions = {}) {
    const inst = instrumentModule(wasm);
    this.instrumented = inst;
    this.maxPages = options.maxPages;
    const { min, max } = inst.memoryLimits;
    this.memory = newMemory(min, max, inst.memory64);
    this.dirtyMap = new WebAssembly.Memory({ initial: this.dirtyMapPagesFor(min) });
    const abi: Record<string, WebAssembly.ImportValue> = {
      [ABI_IMPORTS.memory]: this.memory,
      [ABI_IMPORTS.dirtyMap]: this.dirtyMap,
      [ABI_IMPORTS.outOfInstructions]: () => {
        this.outOfInstructionsCalls++;
        throw new OutOfInstructions('canister ran out of instructions');
      },
      [ABI_IMPORTS.firstWrite]: (page: number) => {
        this.written.push(page);
        const map = new Uint8Array(this.dirtyMap.buffer);
        if (page < map.length) map[page] = 1;
      },
      [ABI_IMPORTS.memoryGrow]: (delta: bigint) => this.grow(delta),
    };
    const ic0: Record<string, WebAssembly.ImportValue> = {};
    for (const imp of inst.info.imports) {
      if (imp.kind !== 'func') continue;
      const provided = options.ic0?.[imp.name];
      ic0[imp.name] =
        provided ??
        (() => {
          throw new Error(`ic0.${imp.name} is not available in this test host`);
        });
    }
    this.instance = new WebAssembly.Instance(new WebAssembly.Module(inst.bytes), { [ABI_MODULE]: abi, ic0 });
    if (options.budget !== undefined) this.counter = options.budget;
  }

  dirtyMapPagesFor(pages: bigint): number {
    return Math.ceil((Number(pages) * (WASM_PAGE_SIZE / DIRTY_PAGE_SIZE)) / WASM_PAGE_SIZE);
  }

  grow(delta: bigint): bigint {
    const old = this.pages;
    const next = old + BigInt.asUintN(64, delta);
    const max = this.instrumented.memoryLimits.max;
    if ((max !== undefined && next > max) || (this.maxPages !== undefined && next > this.maxPages)) return -1n;
    const physical = BigInt(this.memory.buffer.byteLength / WASM_PAGE_SIZE);
    if (next > physical) {
      const by = next - physical;
      (this.memory.grow as (d: number | bigint) => number | bigint)(this.instrumented.memory64 ? by : Number(by));
    }
    const mapPages = this.dirtyMapPagesFor(next);
    const have = this.dirtyMap.buffer.byteLength / WASM_PAGE_SIZE;
    if (mapPages > have) this.dirtyMap.grow(mapPages - have);
    this.pages = next;
    return old;
  }

  get exports(): WebAssembly.Exports {
    return this.instance.exports;
  }

  fn<T extends (...args: never[]) => unknown>(name: string): T {
    const f = this.instance.exports[name];
    if (typeof f !== 'function') throw new Error(`no exported function ${name}`);
    return f as T;
  }

  global(name: string): WebAssembly.Global {
    const g = this.instance.exports[name];
    if (!(g instanceof WebAssembly.Global)) throw new Error(`no exported global ${name}`);
    return g;
  }

  get counter(): bigint {
    return this.global(ABI_EXPORTS.counter).value as bigint;
  }

  set counter(v: bigint) {
    this.global(ABI_EXPORTS.counter).value = v;
  }

  get pages(): bigint {
    return this.global(ABI_EXPORTS.pages).value as bigint;
  }

  set pages(v: bigint) {
    this.global(ABI_EXPORTS.pages).value = v;
  }

  /** Clears the dirty map and the list of written pages (what a host does at commit). */
  commit(): void {
    new Uint8Array(this.dirtyMap.buffer).fill(0);
    this.written.length = 0;
  }

  /** Instructions used by `f()`: counter before minus after, with a large budget. */
  measure(f: () => unknown, budget = 1n << 40n): bigint {
    this.counter = budget;
    f();
    return budget - this.counter;
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }
}

/** Instantiates the plain (uninstrumented) module with trapping ic0 stubs. */
export function instantiatePlain(wasm: Uint8Array, ic0: Record<string, (...args: never[]) => unknown> = {}): WebAssembly.Instance {
  const module = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  const imports: Record<string, WebAssembly.ImportValue> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') continue;
    imports[imp.name] =
      ic0[imp.name] ??
      (() => {
        throw new Error(`ic0.${imp.name} is not available`);
      });
  }
  return new WebAssembly.Instance(module, { ic0: imports });
}
