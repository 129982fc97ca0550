// A canister as the execution environment sees it: its installed module and live instance, its
// stable memory, certified data, global timer, cycles balance, controllers and log, and the
// lifecycle (install, reinstall, upgrade, uninstall) and message kinds the IC defines. Every message
// runs as a transaction: on success its effects are committed, on a trap or a limit everything
// (heap, globals, stable memory, certified data, timer, outgoing calls) returns to the last committed
// state, and the caller receives the IC's reject code, error code and wording.
import { Principal } from '@dfinity/principal';
import { CanisterInstance, type EntryPoint, type ExecutionRequest, type ExecutionResult, type TransactionalStableMemory } from '../execution/canister-instance.ts';
import { HeapMemory } from '../execution/heap-memory.ts';
import { ExecutionTrap } from '../execution/execution-trap.ts';
import type { ApiContext } from '../system-api/api-context.ts';
import type { CostOracle, ExecutionInputs, ExecutionOutputs } from '../system-api/execution-state.ts';
import type { FeeSchedule } from '../cycles/fee-schedule.ts';
import { emptyEffects, type CallResult, type CanisterRequest, type CanisterResponse, type ExecutionEffects } from '../scheduler/messages.ts';
import { CallContextManager, type CallContext } from './call-context-manager.ts';
import { ErrorCode } from '../errors/error-code.ts';
import { RejectCode } from '../errors/reject-code.ts';
import { UserError } from '../errors/user-error.ts';
import { heapLimitPages, type ExecutionLimits } from '../config/execution-limits.ts';
import { CanisterLog } from './canister-log.ts';
import { expectsEnhancedOrthogonalPersistence, exportName, type CanisterModule, type MethodKind } from './canister-module.ts';

/** What a canister needs from the subnet it lives on. */
export interface CanisterEnvironment {
  subnetId: Principal;
  limits: ExecutionLimits;
  costs: CostOracle;
  /** Fees charged for executions and the freezing threshold (none: executions are free). */
  fees?: FeeSchedule;
  /** Validates, instruments and compiles (cached); throws a UserError-convertible error for bad modules. */
  compile(wasm: Uint8Array): CanisterModule;
  /** A new, empty stable memory for the canister (a fresh file on the replica's volume). */
  createStableMemory(canisterId: Principal): CanisterStableMemory;
  /** Nanoseconds since 1970 on the replica clock. */
  now(): bigint;
  rootKey?: Uint8Array;
  /** Echo debug_print lines to the console. */
  echo?: (canisterId: string, line: string) => void;
}

/** Stable memory as the canister owns it: transactional, and deletable when replaced. */
export interface CanisterStableMemory extends TransactionalStableMemory {
  delete(): void;
}

/**
 * What the canister needs of the code it runs: a Wasm CanisterInstance, or another engine with the
 * same transactional surface (a JS-defined canister). A run changes nothing durably until commit();
 * rollback() returns to the last committed state; captureDelta() takes a run's effects out as data
 * (and rolls back), applyDelta() puts them back uncommitted.
 */
export interface ExecutionEngine {
  readonly heap: { byteLength(): number };
  readonly startInstructions: bigint;
  readonly startLogs: string[];
  run(request: ExecutionRequest): ExecutionResult;
  commit(): unknown;
  rollback(): void;
  captureDelta(): unknown;
  applyDelta(delta: unknown): void;
  globalValues(): Array<number | bigint>;
}

/** Code that is not Wasm (a JS-defined canister): its module description and how to start an engine for it. */
export interface ExecutionEngineFactory {
  module: CanisterModule;
  /** A new engine; `previous` is the engine being replaced on upgrade (its committed state). */
  instantiate(context: { canisterId: Principal; stable: TransactionalStableMemory; previous: ExecutionEngine | undefined }): ExecutionEngine;
}

export type CanisterStatus = 'running' | 'stopping' | 'stopped';
export type InstallMode = 'install' | 'reinstall' | 'upgrade';

export interface InstallOptions {
  mode: InstallMode;
  wasm: Uint8Array;
  arg: Uint8Array;
  sender: Principal;
  skipPreUpgrade?: boolean;
  /** Upgrade only: keep the Wasm heap (Motoko enhanced orthogonal persistence) or replace it. */
  wasmMemoryPersistence?: 'keep' | 'replace';
  /** Apply deterministic time slicing: a long install takes effect after ceil(I / slice) rounds. */
  timeSliced?: boolean;
  /** Install this engine instead of compiling `wasm` (JS-defined canisters; `wasm` is then ignored). */
  engine?: ExecutionEngineFactory;
}

export type SystemTask = 'canister_heartbeat' | 'canister_global_timer' | 'canister_on_low_wasm_memory';

export type LogVisibility = { kind: 'controllers' } | { kind: 'public' } | { kind: 'allowed_viewers'; principals: Principal[] };

export interface CanisterSettings {
  controllers: Principal[];
  /** Seconds of idle cost the balance must cover (default 30 days). */
  freezingThreshold: bigint;
  /** Bytes; 0 = no limit. */
  wasmMemoryLimit: bigint;
  /** Bytes of free memory under wasm_memory_limit below which canister_on_low_wasm_memory runs; 0 = never. */
  wasmMemoryThreshold: bigint;
  reservedCyclesLimit: bigint;
  /** Percent of a core reserved (0-100). */
  computeAllocation: bigint;
  /** Bytes reserved; 0 = best effort. */
  memoryAllocation: bigint;
  logVisibility: LogVisibility;
  environmentVariables: Array<[string, string]>;
}

/** Per-canister statistics of query calls (canister_status query_stats). */
export interface QueryStats {
  numCallsTotal: bigint;
  numInstructionsTotal: bigint;
  requestPayloadBytesTotal: bigint;
  responsePayloadBytesTotal: bigint;
}

const EMPTY = new Uint8Array(0);

/** A canister's execution state, copied out (canister snapshots) or put back (snapshot load, restore). */
export interface ExecutionStateCopy {
  module: CanisterModule;
  /** The heap bytes (its logical size). */
  heap: Uint8Array;
  globals: ReadonlyArray<number | bigint>;
  stable: Uint8Array;
  certifiedData: Uint8Array;
  globalTimer: bigint;
}

export class Canister {
  readonly id: Principal;
  readonly idText: string;
  private readonly idBytes: Uint8Array;
  private readonly env: CanisterEnvironment;
  settings: CanisterSettings;
  status: CanisterStatus = 'running';
  balance: bigint;
  version = 0n;
  certifiedData: Uint8Array = EMPTY;
  globalTimer = 0n;
  readonly log: CanisterLog;
  private module: CanisterModule | undefined;
  private instance: ExecutionEngine | undefined;
  /** Created by install (an empty canister has none, so creating canisters touches no files). */
  private stable: CanisterStableMemory | undefined;
  readonly calls = new CallContextManager();
  readonly queryStats: QueryStats = {
    numCallsTotal: 0n,
    numInstructionsTotal: 0n,
    requestPayloadBytesTotal: 0n,
    responsePayloadBytesTotal: 0n,
  };
  /** Replicated executions so far, their instructions and the cycles charged for them. */
  readonly executionStats = { executions: 0, instructions: 0n, cyclesCharged: 0n };
  /** on_low_wasm_memory hook: 'not-satisfied' until memory runs low, then 'ready' until it ran. */
  lowMemoryHook: 'not-satisfied' | 'ready' | 'executed' = 'not-satisfied';

  constructor(id: Principal, env: CanisterEnvironment, settings: CanisterSettings, balance: bigint) {
    this.id = id;
    this.idText = id.toText();
    this.idBytes = id.toUint8Array();
    this.env = env;
    this.subnetBytes = env.subnetId.toUint8Array();
    this.settings = settings;
    this.balance = balance;
    this.log = new CanisterLog(env.limits.canisterLogBytes);
  }

  /** The installed module's hash, or undefined for an empty canister. */
  get moduleHash(): Uint8Array | undefined {
    return this.module?.hash;
  }

  get installedModule(): CanisterModule | undefined {
    return this.module;
  }

  /** Heap size in bytes (0 when empty). */
  heapBytes(): number {
    return this.instance ? this.instance.heap.byteLength() : 0;
  }

  stableMemory(): TransactionalStableMemory {
    this.stable ??= this.env.createStableMemory(this.id);
    return this.stable;
  }

  /** The live Wasm instance (tests and snapshots); undefined for an empty or JS-defined canister. */
  liveInstance(): CanisterInstance | undefined {
    return this.instance instanceof CanisterInstance ? this.instance : undefined;
  }

  /** The live execution engine, Wasm or JS. */
  liveEngine(): ExecutionEngine | undefined {
    return this.instance;
  }

  // ------------------------------------------------------------------ lifecycle

  /** install_code. Throws UserError; on failure the canister is exactly as before. */
  install(options: InstallOptions): { instructions: bigint; rounds: number } {
    if (this.isPaused) {
      throw new UserError(
        ErrorCode.CanisterContractViolation,
        `Canister ${this.idText} is currently executing a long message; install_code must wait until it completes.`,
      );
    }
    const module = options.engine ? options.engine.module : this.compileOrReject(options.wasm);
    const limits = this.env.limits;
    const budget = limits.instructionsPerInstallCode;
    if (options.mode === 'install' && this.module) {
      throw new UserError(
        ErrorCode.CanisterNonEmpty,
        `Canister ${this.idText} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
      );
    }
    if (options.mode === 'upgrade') return this.upgrade(module, options, budget);

    // install / reinstall: fresh heap and stable memory; the old ones stay until the new code is in.
    const stable = this.env.createStableMemory(this.id);
    let used = 0n;
    let instance: ExecutionEngine;
    try {
      instance = options.engine
        ? options.engine.instantiate({ canisterId: this.id, stable, previous: undefined })
        : this.instantiate(module, stable, undefined, options.sender, budget);
    } catch (e) {
      stable.delete();
      throw this.installError(e);
    }
    used += instance.startInstructions;
    this.appendLogs(instance.startLogs);
    let certified: Uint8Array = EMPTY;
    let timer = 0n;
    if (module.systemMethods.has('canister_init')) {
      const init = this.runInitEntry(instance, 'canister_init', options, budget, used, () => stable.delete());
      used = init.used;
      certified = init.outputs.certifiedData ?? EMPTY;
      timer = init.outputs.globalTimer ?? 0n;
    }
    instance.commit();
    const swap = () => {
      this.stable?.delete();
      this.stable = stable;
      this.module = module;
      this.instance = instance;
      this.certifiedData = certified;
      this.globalTimer = timer;
      this.version += 1n;
    };
    return this.finishInstall(swap, used, options);
  }

  /** Applies a finished install now, or after its slices when it was long (deterministic time slicing). */
  private finishInstall(apply: () => void, used: bigint, options: InstallOptions): { instructions: bigint; rounds: number } {
    const slice = this.env.limits.instructionsPerInstallCodeSlice;
    const rounds = options.timeSliced && slice > 0n && used > slice ? Number((used + slice - 1n) / slice) : 1;
    if (rounds <= 1) {
      apply();
      return { instructions: used, rounds: 1 };
    }
    // The old code keeps answering queries meanwhile; no other message runs on the canister.
    this.pendingInstall = { apply, roundsLeft: rounds - 1 };
    return { instructions: used, rounds };
  }

  private upgrade(module: CanisterModule, options: InstallOptions, budget: bigint): { instructions: bigint; rounds: number } {
    const old = this.instance;
    const oldModule = this.module;
    const stable = this.stable;
    if (!old || !oldModule || !stable) {
      throw new UserError(
        ErrorCode.CanisterWasmModuleNotFound,
        `Error from Canister ${this.idText}: Attempted to execute a message, but the canister contains no Wasm module.`,
      );
    }
    const persistence = options.wasmMemoryPersistence;
    if (persistence === undefined && expectsEnhancedOrthogonalPersistence(oldModule)) {
      throw new UserError(
        ErrorCode.CanisterContractViolation,
        'Missing upgrade option: Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option.',
      );
    }
    if (persistence === 'keep' && !expectsEnhancedOrthogonalPersistence(module)) {
      throw new UserError(
        ErrorCode.CanisterContractViolation,
        'Invalid upgrade option: The `wasm_memory_persistence: opt Keep` upgrade option requires that the new canister module supports enhanced orthogonal persistence.',
      );
    }
    let used = 0n;
    let certified = this.certifiedData;
    const fail = (e: unknown, logs: string[] = []): never => {
      this.appendLogs(logs);
      if (e instanceof ExecutionTrap) this.appendTrap(e);
      old.rollback();
      throw e instanceof UserError ? e : this.installError(e);
    };

    if (!options.skipPreUpgrade && oldModule.systemMethods.has('canister_pre_upgrade')) {
      const r = old.run({
        entry: { kind: 'export', name: 'canister_pre_upgrade' },
        inputs: this.inputs('G', options.sender, EMPTY),
        instructionLimit: budget,
      });
      used += r.instructions;
      if (!r.ok) {
        this.appendLogs(r.logs);
        this.appendTrap(r.trap);
        old.rollback();
        throw r.trap.toUserError(this.idText, r.backtrace);
      }
      this.appendLogs(r.outputs.logs);
      if (r.outputs.certifiedData) certified = r.outputs.certifiedData;
    }

    const keep = persistence === 'keep';
    const oldHeap = old instanceof CanisterInstance ? old.heap : undefined;
    let instance: ExecutionEngine;
    try {
      instance = options.engine
        ? options.engine.instantiate({ canisterId: this.id, stable, previous: old })
        : this.instantiate(module, stable, keep ? oldHeap : undefined, options.sender, budget - used);
    } catch (e) {
      return fail(e);
    }
    used += instance.startInstructions;
    this.appendLogs(instance.startLogs);
    let timer = 0n;
    if (module.systemMethods.has('canister_post_upgrade')) {
      // On a trap, one rollback undoes pre_upgrade, start and post_upgrade: the kept heap's undo log
      // holds all their writes, a replaced heap is simply dropped, and stable memory is shared.
      const post = this.runInitEntry(instance, 'canister_post_upgrade', options, budget, used, () => old.rollback());
      used = post.used;
      if (post.outputs.certifiedData) certified = post.outputs.certifiedData;
      if (post.outputs.globalTimer !== undefined) timer = post.outputs.globalTimer;
    }
    const swap = () => {
      this.module = module;
      this.instance = instance;
      this.certifiedData = certified;
      this.globalTimer = timer;
      this.version += 1n;
    };
    const slice = this.env.limits.instructionsPerInstallCodeSlice;
    if (options.timeSliced && slice > 0n && used > slice) {
      // A long upgrade: its effects (on the kept or new heap, and on stable memory) are taken out
      // as data and the old state restored, so the old code answers queries until the last slice.
      const delta = instance.captureDelta();
      old.rollback();
      return this.finishInstall(
        () => {
          instance.applyDelta(delta);
          instance.commit();
          swap();
        },
        used,
        options,
      );
    }
    if (!keep) oldHeap?.rollback(); // the old heap is discarded; drop its undo log
    instance.commit();
    swap();
    return { instructions: used, rounds: 1 };
  }

  /** Runs canister_init or canister_post_upgrade (context I) within the install budget; on a trap,
   * logs it, calls `undo` and throws the IC error. Returns the outputs and the instructions used so far. */
  private runInitEntry(
    instance: ExecutionEngine,
    name: 'canister_init' | 'canister_post_upgrade',
    options: InstallOptions,
    budget: bigint,
    used: bigint,
    undo: () => void,
  ): { outputs: ExecutionOutputs; used: bigint } {
    const r = instance.run({
      entry: { kind: 'export', name },
      inputs: this.inputs('I', options.sender, options.arg),
      instructionLimit: budget - used,
      reportedLimit: budget,
      wasmMemoryLimit: this.settings.wasmMemoryLimit,
    });
    if (!r.ok) {
      this.appendLogs(r.logs);
      this.appendTrap(r.trap);
      undo();
      throw r.trap.toUserError(this.idText, r.backtrace);
    }
    this.appendLogs(r.outputs.logs);
    return { outputs: r.outputs, used: used + r.instructions };
  }

  /** uninstall_code: the module, heap, stable memory, certified data and timer are gone. */
  uninstall(): void {
    this.module = undefined;
    this.instance = undefined;
    this.stable?.delete();
    this.stable = undefined;
    this.certifiedData = EMPTY;
    this.globalTimer = 0n;
    this.version += 1n;
  }

  private compileOrReject(wasm: Uint8Array): CanisterModule {
    try {
      return this.env.compile(wasm);
    } catch (e) {
      if (e instanceof UserError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      throw new UserError(
        ErrorCode.CanisterInvalidWasm,
        `Error from Canister ${this.idText}: Canister's Wasm module is not valid: ${message}`,
      );
    }
  }

  private instantiate(
    module: CanisterModule,
    stable: TransactionalStableMemory,
    heap: HeapMemory | undefined,
    sender: Principal,
    budget: bigint,
  ): CanisterInstance {
    const echo = this.env.echo;
    return new CanisterInstance(module, {
      stable,
      heap,
      heapLimitPages: heapLimitPages(this.env.limits, module.memory64),
      startInputs: this.inputs('s', sender, EMPTY),
      startInstructionLimit: budget,
      echoDebugPrint: echo ? (line) => echo(this.idText, line) : undefined,
    });
  }

  private installError(e: unknown): UserError {
    if (e instanceof UserError) return e;
    if (e instanceof ExecutionTrap) return e.toUserError(this.idText);
    const message = e instanceof Error ? e.message : String(e);
    return new UserError(ErrorCode.CanisterInvalidWasm, `Error from Canister ${this.idText}: Canister's Wasm module is not valid: ${message}`);
  }

  // ------------------------------------------------------------------ messages

  /** Cycles that must stay on the balance: idle cost for the freezing threshold. */
  frozenLimit(): bigint {
    const fees = this.env.fees;
    if (!fees) return 0n;
    return fees.storage(this.memoryUsage(), this.settings.freezingThreshold);
  }

  /** Bytes the canister occupies (heap, stable memory, module). */
  memoryUsage(): bigint {
    const heap = this.instance ? BigInt(this.instance.heap.byteLength()) : 0n;
    const stable = this.stable ? this.stable.sizePages() * 65536n : 0n;
    return heap + stable + BigInt(this.module?.size ?? 0);
  }

  private noModule(): UserError {
    return new UserError(
      ErrorCode.CanisterWasmModuleNotFound,
      `Error from Canister ${this.idText}: Attempted to execute a message, but the canister contains no Wasm module.`,
    );
  }

  /** A request for an update or (replicated) query method: opens a call context and runs the method. */
  handleRequest(req: CanisterRequest): ExecutionEffects {
    const fx = emptyEffects();
    const respond = (result: CallResult, refund: bigint) => fx.responses.push({ origin: req.origin, result, refund });
    const instance = this.instance;
    const module = this.module;
    if (!instance || !module) {
      respond(this.errorResult(this.noModule()), req.cycles);
      return fx;
    }
    if (this.status !== 'running') {
      const stopped = this.status === 'stopped';
      respond(
        this.errorResult(
          new UserError(
            stopped ? ErrorCode.CanisterStopped : ErrorCode.CanisterStopping,
            `Canister ${this.idText} is ${stopped ? 'stopped' : 'stopping'}`,
          ),
        ),
        req.cycles,
      );
      return fx;
    }
    const kind = module.methods.get(req.method);
    if (kind === undefined) {
      respond(this.errorResult(this.methodNotFound('update', req.method)), req.cycles);
      return fx;
    }
    if (kind === 'composite_query') {
      respond(
        this.errorResult(
          new UserError(
            ErrorCode.CompositeQueryCalledInReplicatedMode,
            `Error from Canister ${this.idText}: Composite query cannot be called in replicated mode`,
          ),
        ),
        req.cycles,
      );
      return fx;
    }
    const limits = this.env.limits;
    const instructionLimit = kind === 'query' ? limits.instructionsPerQuery : limits.instructionsPerMessage;
    const outOfCycles = this.checkCycles(instructionLimit);
    if (outOfCycles) {
      respond(this.errorResult(outOfCycles), req.cycles);
      return fx;
    }
    const ctx = this.calls.open(req.origin, req.method, req.sender, req.cycles, req.deadline);
    const inputs = this.inputs(kind === 'query' ? 'RQ' : 'U', req.sender, req.arg);
    inputs.cyclesAvailable = req.cycles;
    inputs.deadline = req.deadline;
    const r = instance.run({
      entry: { kind: 'export', name: exportName(kind, req.method) },
      inputs,
      instructionLimit,
      wasmMemoryLimit: kind === 'update' ? this.settings.wasmMemoryLimit : undefined,
    });
    this.settle(ctx, r, fx, kind === 'update');
    return fx;
  }

  /** A response to one of this canister's calls: runs the reply or reject callback (and cleanup on a trap). */
  handleResponse(resp: CanisterResponse): ExecutionEffects {
    const fx = emptyEffects();
    const cb = this.calls.callbacks.get(resp.callbackId);
    if (!cb || cb.answered) return fx; // a late response after a best-effort timeout is dropped
    cb.answered = true;
    const ctx = this.calls.retire(cb);
    this.balance += resp.refund;
    const instance = this.instance;
    if (!ctx) return fx;
    if (!instance) {
      // Uninstalled meanwhile: the callback cannot run; the context is gone with the module.
      this.closeContext(ctx, fx);
      return fx;
    }
    const isReply = resp.result.kind === 'reply';
    const inputs = this.inputs(isReply ? 'Ry' : 'Rt', cb.callee, isReply ? (resp.result as { data: Uint8Array }).data : EMPTY);
    if (resp.result.kind === 'reject') {
      inputs.rejectCode = resp.result.code;
      inputs.rejectMessage = resp.result.message;
    } else {
      inputs.rejectCode = 0;
    }
    inputs.cyclesRefunded = resp.refund;
    inputs.cyclesAvailable = ctx.cyclesAvailable;
    inputs.mayRespond = !ctx.responded;
    inputs.callContextInstructions = ctx.instructions;
    inputs.deadline = ctx.deadline;
    const target = isReply ? cb.call.reply : cb.call.reject;
    const r = instance.run({
      entry: { kind: 'callback', fun: target.fun, env: target.env },
      inputs,
      instructionLimit: this.env.limits.instructionsPerMessage,
    });
    if (!r.ok && cb.call.cleanup) {
      // The callback trapped: its effects are rolled back, then the cleanup callback runs.
      this.settle(ctx, r, fx, true, false);
      const cleanupInputs = this.inputs('C', cb.callee, EMPTY);
      cleanupInputs.rejectCode = inputs.rejectCode;
      cleanupInputs.mayRespond = false;
      const c = instance.run({
        entry: { kind: 'callback', fun: cb.call.cleanup.fun, env: cb.call.cleanup.env },
        inputs: cleanupInputs,
        instructionLimit: this.env.limits.instructionsPerMessage,
      });
      fx.instructions += c.instructions;
      if (c.ok) {
        instance.commit();
        this.applyState(c.outputs);
        this.appendLogs(c.outputs.logs);
      } else {
        instance.rollback();
        this.appendLogs(c.logs);
        this.appendTrap(c.trap);
      }
      return fx;
    }
    this.settle(ctx, r, fx, true);
    return fx;
  }

  /** Heartbeat, global timer or low-memory hook: runs in context T with its own call context. */
  runSystemTask(task: SystemTask): ExecutionEffects {
    const fx = emptyEffects();
    const instance = this.instance;
    if (!instance || !this.module?.systemMethods.has(task) || this.status !== 'running') return fx;
    if (this.checkCycles(this.env.limits.instructionsPerMessage)) return fx;
    const ctx = this.calls.open({ kind: 'system-task' }, task, Principal.managementCanister(), 0n);
    ctx.responded = true; // nobody waits for an answer
    const r = instance.run({
      entry: { kind: 'export', name: task },
      inputs: this.inputs('T', Principal.managementCanister(), EMPTY),
      instructionLimit: this.env.limits.instructionsPerMessage,
    });
    this.settle(ctx, r, fx, true);
    return fx;
  }

  /** A long execution whose slices are still running (deterministic time slicing). */
  private paused:
    | { ctx: CallContext; result: ExecutionResult; delta: unknown; roundsLeft: number; commit: boolean }
    | undefined;

  /** A long install_code whose slices are still running. */
  private pendingInstall: { apply: () => void; roundsLeft: number } | undefined;

  /** Whether a long execution is in progress: the canister runs no other message until it ends. */
  get isPaused(): boolean {
    return this.paused !== undefined || this.pendingInstall !== undefined;
  }

  /** Rounds the paused execution still needs (0 when none is paused). */
  get pausedRoundsLeft(): number {
    return this.paused?.roundsLeft ?? this.pendingInstall?.roundsLeft ?? 0;
  }

  /** One more round of the paused execution; at its last slice its effects are applied and routed. */
  continuePaused(): ExecutionEffects | undefined {
    const install = this.pendingInstall;
    if (install) {
      install.roundsLeft--;
      if (install.roundsLeft > 0) return undefined;
      this.pendingInstall = undefined;
      install.apply();
      return emptyEffects();
    }
    const p = this.paused;
    if (!p) return undefined;
    p.roundsLeft--;
    if (p.roundsLeft > 0) return undefined;
    this.paused = undefined;
    const fx = emptyEffects();
    const instance = this.instance;
    if (!instance) return fx;
    if (p.delta !== undefined) instance.applyDelta(p.delta);
    this.settle(p.ctx, p.result, fx, p.commit, false);
    return fx;
  }

  /** Responses the system owes to best-effort callbacks whose deadline passed. */
  expiredCallbacks(now: bigint): CanisterResponse[] {
    return this.calls.expired(now).map((cb) => ({
      receiver: this.id,
      callbackId: cb.id,
      result: { kind: 'reject' as const, code: RejectCode.SYS_UNKNOWN, message: 'Timeout expired' },
      refund: cb.call.cycles,
    }));
  }

  /** Whether the canister has call contexts still owing an answer (stop_canister waits for none). */
  hasOpenCallContexts(): boolean {
    for (const ctx of this.calls.contexts.values()) if (ctx.origin.kind !== 'system-task' || ctx.outstanding > 0) return true;
    return false;
  }

  /** After one execution in call context `ctx`: commit or roll back, register calls, route answers. */
  private settle(ctx: CallContext, r: ExecutionResult, fx: ExecutionEffects, commit: boolean, mayPause = true): void {
    const instance = this.instance as ExecutionEngine;
    const slice = this.env.limits.instructionsPerSlice;
    if (mayPause && commit && slice > 0n && r.instructions > slice) {
      // Deterministic time slicing: the message took ceil(instructions / slice) slices, so its
      // effects appear only after that many rounds. Until then the committed state stays as it
      // was (queries see it) and the canister runs nothing else.
      const slices = (r.instructions + slice - 1n) / slice;
      let delta: unknown;
      if (r.ok) delta = instance.captureDelta();
      else instance.rollback();
      this.paused = { ctx, result: r, delta, roundsLeft: Number(slices - 1n), commit };
      return;
    }
    fx.instructions += r.instructions;
    ctx.instructions += r.instructions;
    this.executionStats.executions++;
    this.executionStats.instructions += r.instructions;
    const fee = commit && this.env.fees ? this.env.fees.execution(r.instructions, this.module?.memory64) : 0n;
    if (!r.ok) {
      instance.rollback();
      this.appendLogs(r.logs);
      this.appendTrap(r.trap);
      this.charge(fee, fx);
      if (!ctx.responded) {
        ctx.responded = true;
        fx.responses.push({ origin: ctx.origin, result: this.trapResult(r), refund: ctx.cyclesAvailable });
        ctx.cyclesAvailable = 0n;
      }
      this.closeContext(ctx, fx);
      return;
    }
    const out = r.outputs;
    this.appendLogs(out.logs);
    if (!commit) {
      instance.rollback();
    } else {
      instance.commit();
      this.balance = r.balance;
      this.applyState(out);
      for (const call of out.calls) {
        const callee = Principal.fromUint8Array(call.callee);
        const deadline =
          call.timeoutSeconds !== undefined ? this.env.now() + BigInt(call.timeoutSeconds) * 1_000_000_000n : undefined;
        const cb = this.calls.register(ctx, callee, call, deadline);
        fx.requests.push({
          sender: this.id,
          receiver: callee,
          method: call.method,
          arg: call.arg,
          cycles: call.cycles,
          origin: { kind: 'canister', caller: this.id, callbackId: cb.id },
          deadline,
        });
      }
    }
    this.charge(fee, fx);
    ctx.cyclesAvailable = r.cyclesLeft;
    if (out.response && !ctx.responded) {
      ctx.responded = true;
      const result: CallResult =
        out.response.kind === 'reply'
          ? { kind: 'reply', data: out.response.data }
          : { kind: 'reject', code: RejectCode.CANISTER_REJECT, message: out.response.message };
      fx.responses.push({ origin: ctx.origin, result, refund: ctx.cyclesAvailable });
      ctx.cyclesAvailable = 0n;
    }
    this.closeContext(ctx, fx);
  }

  /** Closes a context with nothing outstanding, answering "did not reply" if it never answered. */
  private closeContext(ctx: CallContext, fx: ExecutionEffects): void {
    if (ctx.outstanding > 0) return;
    if (!ctx.responded) {
      ctx.responded = true;
      fx.responses.push({
        origin: ctx.origin,
        result: this.errorResult(
          new UserError(ErrorCode.CanisterDidNotReply, `Error from Canister ${this.idText}: Canister did not produce a response`),
        ),
        refund: ctx.cyclesAvailable,
      });
      ctx.cyclesAvailable = 0n;
    }
    this.calls.closeIfDone(ctx);
  }

  private applyState(out: ExecutionOutputs): void {
    if (out.certifiedData) this.certifiedData = out.certifiedData;
    if (out.globalTimer !== undefined) this.globalTimer = out.globalTimer;
  }

  private charge(fee: bigint, fx: ExecutionEffects): void {
    const take = fee < this.balance ? fee : this.balance;
    this.balance -= take;
    fx.charged += take;
    this.executionStats.cyclesCharged += take;
  }

  /** IC0207 when the balance cannot cover the freezing threshold plus the message's maximum cost. */
  private checkCycles(instructionLimit: bigint): UserError | undefined {
    const fees = this.env.fees;
    if (!fees) return undefined;
    const needed = this.frozenLimit() + fees.execution(instructionLimit, this.module?.memory64);
    if (this.balance >= needed) return undefined;
    return new UserError(
      ErrorCode.CanisterOutOfCycles,
      `Canister ${this.idText} is out of cycles: please top up the canister with at least ${needed - this.balance} additional cycles`,
    );
  }

  /** A non-replicated query call (no call context, nothing committed). Composite queries go through the QueryEngine. */
  query(method: string, arg: Uint8Array, caller: Principal, dataCertificate?: Uint8Array): { result: CallResult; instructions: bigint } {
    const instance = this.instance;
    const module = this.module;
    if (!instance || !module) return { result: this.errorResult(this.noModule()), instructions: 0n };
    const kind = module.methods.get(method);
    if (kind !== 'query') return { result: this.errorResult(this.methodNotFound('query', method)), instructions: 0n };
    const inputs = this.inputs('NRQ', caller, arg);
    inputs.dataCertificate = dataCertificate;
    const r = instance.run({
      entry: { kind: 'export', name: exportName(kind, method) },
      inputs,
      instructionLimit: this.env.limits.instructionsPerQuery,
    });
    instance.rollback();
    if (!r.ok) {
      this.appendLogs(r.logs);
      return { result: this.trapResult(r), instructions: r.instructions };
    }
    return { result: this.responseOf(r), instructions: r.instructions };
  }

  /** An HTTPS outcall's transform: the query method `method` runs in context TQ (nothing committed). */
  runTransform(method: string, arg: Uint8Array): { result: CallResult; instructions: bigint } {
    const instance = this.instance;
    const module = this.module;
    if (!instance || !module) return { result: this.errorResult(this.noModule()), instructions: 0n };
    if (module.methods.get(method) !== 'query') return { result: this.errorResult(this.methodNotFound('query', method)), instructions: 0n };
    const r = instance.run({
      entry: { kind: 'export', name: exportName('query', method) },
      inputs: this.inputs('TQ', Principal.managementCanister(), arg),
      instructionLimit: this.env.limits.instructionsPerQuery,
    });
    instance.rollback();
    if (!r.ok) return { result: this.trapResult(r), instructions: r.instructions };
    return { result: this.responseOf(r), instructions: r.instructions };
  }

  /** canister_inspect_message: whether the canister accepts an ingress message (nothing committed). */
  inspect(method: string, arg: Uint8Array, caller: Principal): { accepted: boolean; error?: UserError; instructions: bigint } {
    const instance = this.instance;
    const module = this.module;
    if (!instance || !module || !module.systemMethods.has('canister_inspect_message')) return { accepted: true, instructions: 0n };
    const inputs = this.inputs('F', caller, arg);
    inputs.methodName = method;
    const r = instance.run({
      entry: { kind: 'export', name: 'canister_inspect_message' },
      inputs,
      instructionLimit: this.env.limits.instructionsPerInspectMessage,
    });
    instance.rollback();
    if (!r.ok) return { accepted: false, error: r.trap.toUserError(this.idText, r.backtrace), instructions: r.instructions };
    return { accepted: r.outputs.messageAccepted, instructions: r.instructions };
  }

  /** For the query engine: runs an entry of a (composite) query without committing or rolling back. */
  runUncommitted(entry: EntryPoint, inputs: ExecutionInputs, instructionLimit: bigint): ExecutionResult | undefined {
    return this.instance?.run({ entry, inputs, instructionLimit });
  }

  /** For the query engine: drops everything the composite query did to this canister. */
  discardUncommitted(): void {
    this.instance?.rollback();
  }

  /** The canister method kind of `method`, if the module exports it. */
  methodKind(method: string): MethodKind | undefined {
    return this.module?.methods.get(method);
  }

  responseOf(r: Extract<ExecutionResult, { ok: true }>): CallResult {
    const out = r.outputs;
    if (out.response?.kind === 'reply') return { kind: 'reply', data: out.response.data };
    if (out.response?.kind === 'reject') return { kind: 'reject', code: RejectCode.CANISTER_REJECT, message: out.response.message };
    return this.errorResult(
      new UserError(ErrorCode.CanisterDidNotReply, `Error from Canister ${this.idText}: Canister did not produce a response`),
    );
  }

  trapResult(r: Extract<ExecutionResult, { ok: false }>): CallResult {
    return this.errorResult(r.trap.toUserError(this.idText, r.backtrace));
  }

  errorResult(error: UserError): CallResult {
    return { kind: 'reject', code: error.rejectCode, message: error.description, error };
  }

  methodNotFound(kind: 'update' | 'query', method: string): UserError {
    return new UserError(
      ErrorCode.CanisterMethodNotFound,
      `Error from Canister ${this.idText}: Canister has no ${kind} method '${method}'.\nCheck that the method being called is exported by the target canister. See documentation: https://internetcomputer.org/docs/current/references/execution-errors#method-not-found`,
    );
  }

  private readonly subnetBytes: Uint8Array;
  private controllersSeen: Principal[] | undefined;
  private controllersBytes: Uint8Array[] = [];

  /** Controller ids as bytes, recomputed only when the controllers list is replaced. */
  private controllerBytes(): Uint8Array[] {
    if (this.controllersSeen !== this.settings.controllers) {
      this.controllersSeen = this.settings.controllers;
      this.controllersBytes = this.settings.controllers.map((c) => c.toUint8Array());
    }
    return this.controllersBytes;
  }

  /** The System API inputs of a message in `context`. */
  inputs(context: ApiContext, caller: Principal, arg: Uint8Array): ExecutionInputs {
    const limits = this.env.limits;
    return {
      context,
      canisterId: this.idBytes,
      subnetId: this.subnetBytes,
      caller: caller.toUint8Array(),
      arg,
      time: this.env.now(),
      balance: this.balance,
      frozenLimit: this.frozenLimit(),
      status: this.status === 'running' ? 1 : this.status === 'stopping' ? 2 : 3,
      version: this.version,
      controllers: this.controllerBytes(),
      rootKey: this.env.rootKey,
      globalTimer: this.globalTimer,
      envVars: this.settings.environmentVariables,
      callContextInstructions: 0n,
      mayRespond: true,
      maxResponseBytes: limits.maxResponseBytes,
      maxCallPayloadBytes: limits.maxCallPayloadBytes,
      costs: this.env.costs,
    };
  }

  private appendLogs(lines: string[]): void {
    const now = this.env.now();
    for (const line of lines) this.log.append(now, line);
  }

  private appendTrap(trap: ExecutionTrap): void {
    const t = trap.trap;
    const text = t.kind === 'called-trap' ? t.message : trap.message;
    this.log.append(this.env.now(), `[TRAP]: ${text}`);
  }
  // >>> management canister support (owned by the management layer)

  /**
   * A copy of the committed execution state (canister snapshots): module, heap bytes (its logical
   * size), mutable globals, stable memory, certified data and global timer. Undefined when empty.
   * The copies are independent of the canister: later writes do not reach them.
   */
  captureExecutionState(): ExecutionStateCopy | undefined {
    const module = this.module;
    const instance = this.instance;
    if (!module || !(instance instanceof CanisterInstance)) return undefined; // JS-defined canisters have no snapshots
    const heap = instance.heap.bytes().slice(0, instance.heap.byteLength());
    const stable = this.stable;
    const stableBytes = new Uint8Array(stable ? Number(stable.sizePages()) * 65536 : 0);
    if (stable && stableBytes.length > 0) stable.read(0n, stableBytes);
    return {
      module,
      heap,
      globals: instance.globalValues(),
      stable: stableBytes,
      certifiedData: this.certifiedData.slice(),
      globalTimer: this.globalTimer,
    };
  }

  /**
   * Replaces the execution state with a captured one (load_canister_snapshot): a fresh instance of
   * the captured module whose heap, globals and stable memory are overwritten with the captured
   * bytes, then certified data (and the global timer when asked). Throws UserError when the module
   * cannot be instantiated; the canister is then unchanged. Does not touch the canister version.
   */
  restoreExecutionState(
    state: ExecutionStateCopy,
    options: { restoreGlobalTimer?: boolean } = {},
  ): void {
    const WASM_PAGE = 65536;
    const stable = this.env.createStableMemory(this.id);
    let instance: CanisterInstance;
    try {
      instance = this.instantiate(state.module, stable, undefined, Principal.managementCanister(), this.env.limits.instructionsPerInstallCode);
    } catch (e) {
      stable.delete();
      throw this.installError(e);
    }
    // Whatever the start function did is committed and then overwritten by the captured state.
    instance.commit();
    const heap = instance.heap;
    heap.resetCommittedSize(BigInt(Math.ceil(state.heap.length / WASM_PAGE)));
    const bytes = heap.bytes();
    bytes.set(state.heap);
    bytes.fill(0, state.heap.length);
    instance.setGlobalValues([...state.globals]);
    instance.syncPages();
    const pages = BigInt(Math.ceil(state.stable.length / WASM_PAGE));
    const have = stable.sizePages();
    if (pages > have) stable.grow(pages - have);
    for (let at = 0; at < state.stable.length; at += WASM_PAGE) {
      const page = state.stable.subarray(at, at + WASM_PAGE);
      if (page.some((b) => b !== 0)) stable.write(BigInt(at), page);
    }
    stable.commit();
    this.stable?.delete();
    this.stable = stable;
    this.module = state.module;
    this.instance = instance;
    this.certifiedData = state.certifiedData.slice();
    if (options.restoreGlobalTimer) this.globalTimer = state.globalTimer;
  }
  // <<< management canister support
}
