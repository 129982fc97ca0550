// One live instance of a canister module: the instrumented WebAssembly.Instance, the heap it writes,
// the System API bound to it, and the snapshot of its mutable globals and tables. A message runs
// against the committed state; afterwards the owner either commits (heap pages, stable pages,
// globals become the new committed state) or rolls back (all of them return to it). Nothing here
// knows about replicas or queues: an execution is plain data in, plain data out (DESIGN decision 8).
import { ABI_EXPORTS, ABI_IMPORTS, ABI_MODULE, START_FUNCTION_BUDGET } from '../wasm/instrumentation-abi.ts';
import { SystemApi } from '../system-api/system-api.ts';
import { ExecutionState, type ExecutionInputs, type ExecutionOutputs } from '../system-api/execution-state.ts';
import type { StableMemoryAccess } from '../system-api/host-interfaces.ts';
import { HeapMemory, type HeapDelta, type UndoGlobals } from './heap-memory.ts';
import type { StableDelta } from '../state/stable-page-store.ts';
import { CounterMeter } from './instruction-meter.ts';
import { classifyThrown, ExecutionTrap, wasmBacktrace } from './execution-trap.ts';

/** Stable memory with the transaction the instance drives. */
export interface TransactionalStableMemory extends StableMemoryAccess {
  commit(): { pagesWritten: number };
  rollback(): void;
  captureDelta(): StableDelta;
  applyDelta(delta: StableDelta): void;
}

/** Everything a run changed, as data: applied later and committed, it has the run's effect. */
export interface InstanceDelta {
  heap: HeapDelta;
  stable: StableDelta;
  globals: GlobalValue[];
}

/** What the instance needs of a compiled module. */
export interface InstantiableModule {
  module: WebAssembly.Module;
  memory64: boolean;
  /** Declared limits of memory 0 in Wasm pages (absent: the module has no memory). */
  memory?: { min: bigint; max?: bigint };
  /** Tables the code can mutate (exported as `__mockic_table_<i>`): snapshotted around messages. */
  mutatedTables: readonly number[];
}

/** Where a message enters the module. */
export type EntryPoint =
  | { kind: 'export'; name: string }
  /** A callback: table 0 entry `fun` called with `env` (reply, reject, cleanup). */
  | { kind: 'callback'; fun: number; env: bigint };

export interface ExecutionRequest {
  entry: EntryPoint;
  inputs: ExecutionInputs;
  instructionLimit: bigint;
  /** The limit named in the error (the message limit when `instructionLimit` is a slice). */
  reportedLimit?: bigint;
  /** Enforce the canister's wasm_memory_limit (update, init, post_upgrade: IC spec). */
  wasmMemoryLimit?: bigint;
}

export type ExecutionResult =
  | {
      ok: true;
      outputs: ExecutionOutputs;
      instructions: bigint;
      heapPagesWritten: number;
      /** Cycles balance after the message (accepted, burned, sent and call fees applied). */
      balance: bigint;
      /** Cycles of the call left unaccepted (refunded to the caller). */
      cyclesLeft: bigint;
    }
  | { ok: false; trap: ExecutionTrap; backtrace: string[]; instructions: bigint; logs: string[] };

export interface CanisterInstanceOptions {
  stable: TransactionalStableMemory;
  /** Reuse this heap (upgrade with wasm_memory_persistence = keep); a new one otherwise. */
  heap?: HeapMemory;
  /** Largest heap in Wasm pages for the memory type (4 GiB for wasm32; configurable for wasm64). */
  heapLimitPages: bigint;
  /** Inputs for the start function (context `s`), which runs while instantiating. */
  startInputs: ExecutionInputs;
  startInstructionLimit?: bigint;
  echoDebugPrint?: (line: string) => void;
}

type GlobalValue = number | bigint;

export class CanisterInstance {
  readonly heap: HeapMemory;
  readonly api: SystemApi;
  readonly stable: TransactionalStableMemory;
  private readonly meter: CounterMeter;
  private readonly instance: WebAssembly.Instance;
  private readonly table0: WebAssembly.Table | undefined;
  private readonly globals: WebAssembly.Global[];
  private globalSnapshot: GlobalValue[];
  private readonly tables: WebAssembly.Table[];
  private tableSnapshot: unknown[][];
  private readonly pagesGlobal: WebAssembly.Global | undefined;
  /** Instructions and logs of the start function. */
  readonly startInstructions: bigint;
  readonly startLogs: string[];

  /** Instantiates the module (running its start function). Throws ExecutionTrap if the start function traps. */
  constructor(compiled: InstantiableModule, options: CanisterInstanceOptions) {
    const declared = compiled.memory ?? { min: 0n };
    const maxPages = declared.max !== undefined && declared.max < options.heapLimitPages ? declared.max : options.heapLimitPages;
    if (options.heap && options.heap.memory64 !== compiled.memory64) {
      throw new ExecutionTrap({
        kind: 'contract-violation',
        description: 'the new module declares a different memory type (wasm32/wasm64) than the kept heap',
      });
    }
    this.heap = options.heap ?? new HeapMemory({ memory64: compiled.memory64, initialPages: declared.min, maxPages });
    if (options.heap && this.heap.sizePages() < declared.min) this.heap.grow(declared.min - this.heap.sizePages());
    this.stable = options.stable;
    this.meter = new CounterMeter();
    this.api = new SystemApi({
      heap: this.heap,
      stable: this.stable,
      meter: this.meter,
      memory64: compiled.memory64,
      echoDebugPrint: options.echoDebugPrint,
    });

    const heap = this.heap;
    const meter = this.meter;
    const self = this;
    const abi: Record<string, unknown> = {
      [ABI_IMPORTS.memory]: heap.memory,
      [ABI_IMPORTS.dirtyMap]: heap.dirtyMap,
      [ABI_IMPORTS.undo]: heap.undoMemory,
      [ABI_IMPORTS.outOfInstructions]: (): void => {
        throw meter.limitTrap();
      },
      [ABI_IMPORTS.firstWrite]: (page: number): void => heap.firstWrite(page),
      [ABI_IMPORTS.memoryGrow]: (delta: bigint): bigint => {
        const previous = heap.grow(BigInt.asIntN(64, delta));
        if (previous >= 0n && self.pagesGlobal) self.pagesGlobal.value = heap.sizePages();
        return previous;
      },
    };

    const startLimit = options.startInstructionLimit ?? START_FUNCTION_BUDGET;
    this.meter.begin(startLimit);
    this.api.state = new ExecutionState(options.startInputs);
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(compiled.module, {
        ic0: this.api.imports() as unknown as WebAssembly.ModuleImports,
        [ABI_MODULE]: abi as WebAssembly.ModuleImports,
      });
      const exports = instance.exports;
      const counter = exports[ABI_EXPORTS.counter];
      const undoCount = exports[ABI_EXPORTS.undoCount];
      const undoList = exports[ABI_EXPORTS.undoList];
      if (
        !(counter instanceof WebAssembly.Global) ||
        !(undoCount instanceof WebAssembly.Global) ||
        !(undoList instanceof WebAssembly.Global)
      ) {
        throw new Error('instrumented module lacks the counter or undo-log exports');
      }
      this.undoGlobals = { count: undoCount, list: undoList };
      this.heap.attach(this.undoGlobals);
      this.meter.attach(counter);
      this.meter.begin(startLimit);
      const pages = exports[ABI_EXPORTS.pages];
      this.pagesGlobal = pages instanceof WebAssembly.Global ? pages : undefined;
      if (this.pagesGlobal) this.pagesGlobal.value = this.heap.sizePages();
      // The start function runs after instantiation (the instrumented module exports it instead of
      // declaring a start section), so that running out of instructions in it is recognizable.
      const start = exports[ABI_EXPORTS.start];
      if (typeof start === 'function') {
        try {
          (start as () => void)();
        } catch (e) {
          throw this.classify(e);
        }
        if (this.meter.exceeded()) throw this.meter.limitTrap();
      }
    } catch (e) {
      if (e instanceof WebAssembly.LinkError) throw e;
      throw classifyThrown(e);
    } finally {
      this.startLogs = this.api.state.out.logs;
      this.api.state = undefined;
    }
    this.instance = instance;
    const exports = instance.exports;
    this.startInstructions = this.meter.executed();

    this.globals = [];
    this.tables = [];
    for (const [name, value] of Object.entries(exports)) {
      if (name.startsWith(ABI_EXPORTS.globalPrefix) && value instanceof WebAssembly.Global) this.globals.push(value);
    }
    for (const i of compiled.mutatedTables) {
      const t = exports[`${ABI_EXPORTS.tablePrefix}${i}`];
      if (t instanceof WebAssembly.Table) this.tables.push(t);
    }
    const t0 = exports[`${ABI_EXPORTS.tablePrefix}0`];
    this.table0 = t0 instanceof WebAssembly.Table ? t0 : undefined;
    this.globalSnapshot = this.globals.map((g) => g.value as GlobalValue);
    this.tableSnapshot = this.tables.map((t) => snapshotTable(t));
  }

  private undoGlobals: UndoGlobals | undefined;

  /** A thrown value as a trap: a Wasm trap while the counter is below zero is the instruction limit
   * (function entries and loop headers execute `unreachable` when the budget is exhausted). */
  private classify(e: unknown): ExecutionTrap {
    if (e instanceof WebAssembly.RuntimeError && this.meter.exceeded()) return this.meter.limitTrap();
    return classifyThrown(e);
  }

  /** Whether the module exports `name` as a function. */
  hasExport(name: string): boolean {
    return typeof this.instance.exports[name] === 'function';
  }

  /** Runs one message against the current state. Call commit() or rollback() afterwards. */
  run(request: ExecutionRequest): ExecutionResult {
    const state = new ExecutionState(request.inputs);
    this.api.state = state;
    this.heap.wasmMemoryLimit = request.wasmMemoryLimit;
    this.meter.begin(request.instructionLimit, request.reportedLimit ?? request.instructionLimit);
    if (this.undoGlobals) this.heap.attach(this.undoGlobals);
    try {
      const fn = this.entryFunction(request.entry);
      if (request.entry.kind === 'callback') {
        fn(this.heap.memory64 ? BigInt.asIntN(64, request.entry.env) : Number(BigInt.asIntN(32, request.entry.env)));
      } else {
        fn();
      }
      if (this.meter.exceeded()) throw this.meter.limitTrap();
      if (state.out.pendingCall) {
        // A call assembled but never performed is dropped, its cycles returned (IC spec).
        state.balance += state.out.pendingCall.cycles;
        state.out.pendingCall = undefined;
      }
      return {
        ok: true,
        outputs: state.out,
        instructions: this.meter.executed(),
        heapPagesWritten: this.heap.pagesWritten(),
        balance: state.balance,
        cyclesLeft: state.cyclesAvailable,
      };
    } catch (e) {
      const trap = this.classify(e);
      return { ok: false, trap, backtrace: wasmBacktrace(e), instructions: this.meter.executed(), logs: state.out.logs };
    } finally {
      this.api.state = undefined;
      this.heap.wasmMemoryLimit = undefined;
    }
  }

  /** The balance the System API ended the last run with is in the result's state; this exposes it. */
  private entryFunction(entry: EntryPoint): (...args: Array<number | bigint>) => unknown {
    if (entry.kind === 'export') {
      const fn = this.instance.exports[entry.name];
      if (typeof fn !== 'function') {
        throw new ExecutionTrap({ kind: 'contract-violation', description: `the module does not export ${entry.name}` });
      }
      return fn as (...args: Array<number | bigint>) => unknown;
    }
    const table = this.table0;
    const fn = table && entry.fun < Number(table.length) ? tableGet(table, entry.fun) : null;
    if (typeof fn !== 'function') {
      throw new ExecutionTrap({ kind: 'function-not-found', table: 0, index: entry.fun });
    }
    return fn as (...args: Array<number | bigint>) => unknown;
  }

  /** Makes the last run's effects the committed state. */
  commit(): { heapPages: number; stablePages: number } {
    const heapPages = this.heap.commit();
    const { pagesWritten } = this.stable.commit();
    this.globalSnapshot = this.globals.map((g) => g.value as GlobalValue);
    if (this.tables.length > 0) this.tableSnapshot = this.tables.map((t) => snapshotTable(t));
    return { heapPages, stablePages: pagesWritten };
  }

  /** Takes the last run's effects out as data and rolls back (deterministic time slicing: the
   * effects become visible only when the message's last slice completes). */
  captureDelta(): InstanceDelta {
    const delta: InstanceDelta = {
      heap: this.heap.captureDelta(),
      stable: this.stable.captureDelta(),
      globals: this.globalValues(),
    };
    this.rollback();
    return delta;
  }

  /** Re-applies captured effects as uncommitted state; commit() makes them the committed state. */
  applyDelta(delta: InstanceDelta): void {
    this.heap.applyDelta(delta.heap);
    this.stable.applyDelta(delta.stable);
    for (let i = 0; i < this.globals.length && i < delta.globals.length; i++) {
      (this.globals[i] as WebAssembly.Global).value = delta.globals[i];
    }
    this.syncPages();
  }

  /** Returns heap, stable memory, globals and tables to the committed state. */
  rollback(): void {
    this.heap.rollback();
    this.stable.rollback();
    this.restoreGlobals();
    if (this.pagesGlobal) this.pagesGlobal.value = this.heap.sizePages();
  }

  /** Only the instance-local part of a rollback (globals, tables), for a discarded upgrade instance. */
  restoreGlobals(): void {
    // Setting a WebAssembly.Global from JS is far slower than reading it, and a trap usually
    // changes few of them: write back only the ones that differ.
    for (let i = 0; i < this.globals.length; i++) {
      const g = this.globals[i] as WebAssembly.Global;
      const saved = this.globalSnapshot[i];
      if (!Object.is(g.value, saved)) g.value = saved;
    }
    for (let i = 0; i < this.tables.length; i++) {
      const table = this.tables[i] as WebAssembly.Table;
      const saved = this.tableSnapshot[i] as unknown[];
      if (table.length > saved.length) {
        for (let j = saved.length; j < table.length; j++) table.set(j, null);
      }
      for (let j = 0; j < saved.length; j++) table.set(j, saved[j]);
    }
  }

  /** Current values of the canister's mutable globals (for checkpoints and snapshots). */
  globalValues(): GlobalValue[] {
    return this.globals.map((g) => g.value as GlobalValue);
  }

  setGlobalValues(values: GlobalValue[]): void {
    for (let i = 0; i < this.globals.length && i < values.length; i++) {
      (this.globals[i] as WebAssembly.Global).value = values[i];
    }
    this.globalSnapshot = this.globals.map((g) => g.value as GlobalValue);
  }

  /** Syncs the logical page global after the heap was restored from outside (checkpoint, snapshot). */
  syncPages(): void {
    if (this.pagesGlobal) this.pagesGlobal.value = this.heap.sizePages();
  }
}

function snapshotTable(t: WebAssembly.Table): unknown[] {
  const out = new Array<unknown>(t.length);
  for (let i = 0; i < t.length; i++) out[i] = t.get(i);
  return out;
}

/** table.get for table32 (number index) and table64 (bigint index) alike. */
function tableGet(table: WebAssembly.Table, index: number): unknown {
  try {
    return table.get(index);
  } catch (e) {
    if (e instanceof TypeError) return (table.get as unknown as (i: bigint) => unknown)(BigInt(index));
    throw e;
  }
}
