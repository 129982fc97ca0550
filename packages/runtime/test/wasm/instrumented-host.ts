// A minimal host for instrumented modules, written from instrumentation-abi.ts alone: it owns memory 0,
// the dirty map and the undo memory, saves pages for `first_write` the way the module does inline,
// answers memory.grow against a page limit, classifies a trap with the counter below zero as out of
// instructions, and commits or rolls back the undo log. Tests use it to observe exactly what the
// instrumentation saves.
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
  /** Instruction budget set before the start function and after it (default: the module's
   * START_FUNCTION_BUDGET, then whatever the start function left). */
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
  /** Memory 2: undo slots, then the page list at `__mockic_undo_list`. */
  readonly undo: WebAssembly.Memory;
  readonly instance: WebAssembly.Instance;
  /** Pages saved by the host for `first_write` calls (bulk operations), in order. */
  readonly firstWriteCalls: number[] = [];
  outOfInstructionsCalls = 0;
  /** Undo slots memory 2 has room for (one per physical 4 KiB page of memory 0). */
  private capacity = 0;
  private undoCountGlobal: WebAssembly.Global | undefined;
  private undoListGlobal: WebAssembly.Global | undefined;
  maxPages: bigint | undefined;

  constructor(wasm: Uint8Array, options: HostOptions = {}) {
    const inst = instrumentModule(wasm);
    this.instrumented = inst;
    this.maxPages = options.maxPages;
    const { min, max } = inst.memoryLimits;
    this.memory = newMemory(min, max, inst.memory64);
    this.dirtyMap = new WebAssembly.Memory({ initial: this.dirtyMapPagesFor(min) });
    this.undo = new WebAssembly.Memory({ initial: 0n, address: 'i64' } as unknown as WebAssembly.MemoryDescriptor);
    this.ensureUndoCapacity();
    const abi: Record<string, WebAssembly.ImportValue> = {
      [ABI_IMPORTS.memory]: this.memory,
      [ABI_IMPORTS.dirtyMap]: this.dirtyMap,
      [ABI_IMPORTS.undo]: this.undo,
      [ABI_IMPORTS.outOfInstructions]: () => {
        this.outOfInstructionsCalls++;
        throw new OutOfInstructions('canister ran out of instructions');
      },
      [ABI_IMPORTS.firstWrite]: (page: number) => {
        this.firstWriteCalls.push(page);
        this.save(page);
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
    this.undoCountGlobal = this.global(ABI_EXPORTS.undoCount);
    this.undoListGlobal = this.global(ABI_EXPORTS.undoList);
    this.undoListGlobal.value = BigInt(this.capacity * DIRTY_PAGE_SIZE);
    if (options.budget !== undefined) this.counter = options.budget;
    const start = this.instance.exports[ABI_EXPORTS.start];
    if (typeof start === 'function') this.call(start as () => void);
    if (options.budget !== undefined) this.counter = options.budget;
  }

  /** Calls into the module: a Wasm trap while the counter is below zero is out of instructions. */
  call<R>(f: () => R): R {
    try {
      return f();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError && this.counter < 0n) {
        throw new OutOfInstructions('canister ran out of instructions', { cause: e });
      }
      throw e;
    }
  }

  /** Slots in use (`__mockic_undo_count`). */
  get undoCount(): number {
    return this.undoCountGlobal ? (this.undoCountGlobal.value as number) : 0;
  }

  private set undoCount(n: number) {
    (this.undoCountGlobal as WebAssembly.Global).value = n;
  }

  private listBase(): number {
    return Number(this.undoListGlobal ? (this.undoListGlobal.value as bigint) : 0n);
  }

  /** Pages in the undo log of the current message, in the order they were saved. */
  get written(): number[] {
    const view = new DataView(this.undo.buffer);
    const base = this.listBase();
    const out: number[] = [];
    for (let k = 0; k < this.undoCount; k++) out.push(view.getUint32(base + 4 * k, true));
    return out;
  }

  /** Content of undo slot `k`. */
  slot(k: number): Uint8Array {
    return new Uint8Array(this.undo.buffer, k * DIRTY_PAGE_SIZE, DIRTY_PAGE_SIZE).slice();
  }

  /** The host's first write: the same steps as the module's inline save. */
  private save(page: number): void {
    const heap = this.bytes();
    if (page * DIRTY_PAGE_SIZE >= heap.length) return;
    const map = new Uint8Array(this.dirtyMap.buffer);
    if (map[page] !== 0) return;
    map[page] = 1;
    const n = this.undoCount;
    const undo = new Uint8Array(this.undo.buffer);
    undo.set(heap.subarray(page * DIRTY_PAGE_SIZE, (page + 1) * DIRTY_PAGE_SIZE), n * DIRTY_PAGE_SIZE);
    new DataView(this.undo.buffer).setUint32(this.listBase() + 4 * n, page, true);
    this.undoCount = n + 1;
  }

  /** One slot per physical 4 KiB page of memory 0, list after the slots; moves live list entries. */
  private ensureUndoCapacity(): void {
    const needed = this.memory.buffer.byteLength / DIRTY_PAGE_SIZE;
    if (needed <= this.capacity) return;
    const bytes = needed * (DIRTY_PAGE_SIZE + 4);
    const have = this.undo.buffer.byteLength;
    if (bytes > have) {
      (this.undo.grow as unknown as (d: bigint) => bigint)(BigInt(Math.ceil((bytes - have) / WASM_PAGE_SIZE)));
    }
    const from = this.listBase();
    const to = needed * DIRTY_PAGE_SIZE;
    new Uint8Array(this.undo.buffer).copyWithin(to, from, from + 4 * this.undoCount);
    this.capacity = needed;
    if (this.undoListGlobal) this.undoListGlobal.value = BigInt(to);
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
    this.ensureUndoCapacity();
    this.pages = next;
    return old;
  }

  get exports(): WebAssembly.Exports {
    return this.instance.exports;
  }

  /** An exported function, called through `call` (out-of-instructions classification). */
  fn<T extends (...args: never[]) => unknown>(name: string): T {
    const f = this.instance.exports[name];
    if (typeof f !== 'function') throw new Error(`no exported function ${name}`);
    return ((...args: never[]) => this.call(() => (f as T)(...args))) as unknown as T;
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

  /** Commit: clears the dirty bytes of the logged pages and empties the log. */
  commit(): void {
    const map = new Uint8Array(this.dirtyMap.buffer);
    for (const page of this.written) map[page] = 0;
    this.undoCount = 0;
    this.firstWriteCalls.length = 0;
  }

  /** Rollback: copies every saved slot back to its page (last first), then commits the result. */
  rollback(): void {
    const heap = this.bytes();
    const pages = this.written;
    for (let k = pages.length - 1; k >= 0; k--) heap.set(this.slot(k), (pages[k] as number) * DIRTY_PAGE_SIZE);
    this.commit();
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
