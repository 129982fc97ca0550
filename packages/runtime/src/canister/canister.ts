// A canister as the execution environment sees it: its installed module and live instance, its
// stable memory, certified data, global timer, cycles balance, controllers and log, and the
// lifecycle (install, reinstall, upgrade, uninstall) and message kinds the IC defines. Every message
// runs as a transaction: on success its effects are committed, on a trap or a limit everything
// (heap, globals, stable memory, certified data, timer, outgoing calls) returns to the last committed
// state, and the caller receives the IC's reject code, error code and wording.
import { Principal } from '@dfinity/principal';
import { CanisterInstance, type EntryPoint, type ExecutionResult, type TransactionalStableMemory } from '../execution/canister-instance.ts';
import { HeapMemory } from '../execution/heap-memory.ts';
import { ExecutionTrap } from '../execution/execution-trap.ts';
import type { ApiContext } from '../system-api/api-context.ts';
import type { CostOracle, ExecutionInputs, OutgoingCall } from '../system-api/execution-state.ts';
import { ErrorCode } from '../errors/error-code.ts';
import { RejectCode } from '../errors/reject-code.ts';
import { UserError } from '../errors/user-error.ts';
import { heapLimitPages, type ExecutionLimits } from '../config/execution-limits.ts';
import { CanisterLog } from './canister-log.ts';
import { expectsEnhancedOrthogonalPersistence, exportName, type CanisterModule } from './canister-module.ts';

/** What a canister needs from the subnet it lives on. */
export interface CanisterEnvironment {
  subnetId: Principal;
  limits: ExecutionLimits;
  costs: CostOracle;
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
}

/** A message for one canister method, as the scheduler hands it over. */
export type CanisterMessage =
  | { kind: 'update'; method: string; arg: Uint8Array; caller: Principal; cycles?: bigint; deadline?: bigint }
  | { kind: 'query'; method: string; arg: Uint8Array; caller: Principal; dataCertificate?: Uint8Array }
  | { kind: 'inspect'; method: string; arg: Uint8Array; caller: Principal }
  | { kind: 'system-task'; task: 'canister_heartbeat' | 'canister_global_timer' | 'canister_on_low_wasm_memory' };

/** The answer to a call, as its caller sees it. */
export type CallResult =
  | { kind: 'reply'; data: Uint8Array }
  /** The canister rejected (msg_reject): reject code CANISTER_REJECT. */
  | { kind: 'reject'; code: RejectCode; message: string; error?: UserError };

export interface MessageOutcome {
  /** Undefined when the message produced no response yet (it awaits its outgoing calls). */
  result?: CallResult;
  calls: OutgoingCall[];
  instructions: bigint;
  /** inspect_message: whether the canister accepted the message. */
  accepted?: boolean;
  /** Cycles of the call the canister did not accept (to refund). */
  cyclesRefund: bigint;
}

export interface CanisterSettings {
  controllers: Principal[];
  freezingThreshold: bigint;
  wasmMemoryLimit: bigint;
  reservedCyclesLimit: bigint;
  environmentVariables: Array<[string, string]>;
}

const EMPTY = new Uint8Array(0);

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
  private instance: CanisterInstance | undefined;
  /** Created by install (an empty canister has none, so creating canisters touches no files). */
  private stable: CanisterStableMemory | undefined;

  constructor(id: Principal, env: CanisterEnvironment, settings: CanisterSettings, balance: bigint) {
    this.id = id;
    this.idText = id.toText();
    this.idBytes = id.toUint8Array();
    this.env = env;
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

  /** The live instance (tests and snapshots). */
  liveInstance(): CanisterInstance | undefined {
    return this.instance;
  }

  // ------------------------------------------------------------------ lifecycle

  /** install_code. Throws UserError; on failure the canister is exactly as before. */
  install(options: InstallOptions): { instructions: bigint } {
    const module = this.compileOrReject(options.wasm);
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
    let instance: CanisterInstance;
    try {
      instance = this.instantiate(module, stable, undefined, options.sender, budget);
    } catch (e) {
      stable.delete();
      throw this.installError(e);
    }
    used += instance.startInstructions;
    this.appendLogs(instance.startLogs);
    if (module.systemMethods.has('canister_init')) {
      const r = instance.run({
        entry: { kind: 'export', name: 'canister_init' },
        inputs: this.inputs('I', options.sender, options.arg),
        instructionLimit: budget - used,
        reportedLimit: budget,
        wasmMemoryLimit: this.settings.wasmMemoryLimit,
      });
      used += r.instructions;
      if (!r.ok) {
        this.appendLogs(r.logs);
        this.appendTrap(r.trap);
        stable.delete();
        throw r.trap.toUserError(this.idText, r.backtrace);
      }
      this.appendLogs(r.outputs.logs);
      this.certifiedData = r.outputs.certifiedData ?? EMPTY;
      this.globalTimer = r.outputs.globalTimer ?? 0n;
    } else {
      this.certifiedData = EMPTY;
      this.globalTimer = 0n;
    }
    instance.commit();
    this.stable?.delete();
    this.stable = stable;
    this.module = module;
    this.instance = instance;
    this.version += 1n;
    return { instructions: used };
  }

  private upgrade(module: CanisterModule, options: InstallOptions, budget: bigint): { instructions: bigint } {
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
    let instance: CanisterInstance;
    try {
      instance = this.instantiate(module, stable, keep ? old.heap : undefined, options.sender, budget - used);
    } catch (e) {
      return fail(e);
    }
    used += instance.startInstructions;
    this.appendLogs(instance.startLogs);
    let timer = 0n;
    if (module.systemMethods.has('canister_post_upgrade')) {
      const r = instance.run({
        entry: { kind: 'export', name: 'canister_post_upgrade' },
        inputs: this.inputs('I', options.sender, options.arg),
        instructionLimit: budget - used,
        reportedLimit: budget,
        wasmMemoryLimit: this.settings.wasmMemoryLimit,
      });
      used += r.instructions;
      if (!r.ok) {
        // One rollback undoes pre_upgrade, start and post_upgrade: the kept heap's undo log holds all
        // their writes, a replaced heap is simply dropped, and stable memory is shared.
        this.appendLogs(r.logs);
        this.appendTrap(r.trap);
        old.rollback();
        throw r.trap.toUserError(this.idText, r.backtrace);
      }
      this.appendLogs(r.outputs.logs);
      if (r.outputs.certifiedData) certified = r.outputs.certifiedData;
      if (r.outputs.globalTimer !== undefined) timer = r.outputs.globalTimer;
    }
    if (!keep) old.heap.rollback(); // the old heap is discarded; drop its undo log
    instance.commit();
    this.module = module;
    this.instance = instance;
    this.certifiedData = certified;
    this.globalTimer = timer;
    this.version += 1n;
    return { instructions: used };
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

  /** Runs one message to completion and commits (or rolls back) its effects. */
  execute(message: CanisterMessage): MessageOutcome {
    const instance = this.instance;
    const module = this.module;
    if (!instance || !module) {
      return this.errorOutcome(
        new UserError(
          ErrorCode.CanisterWasmModuleNotFound,
          `Error from Canister ${this.idText}: Attempted to execute a message, but the canister contains no Wasm module.`,
        ),
        message.kind === 'update' ? (message.cycles ?? 0n) : 0n,
      );
    }
    const limits = this.env.limits;
    switch (message.kind) {
      case 'update': {
        const kind = module.methods.get(message.method);
        const cycles = message.cycles ?? 0n;
        if (kind === undefined) return this.errorOutcome(this.methodNotFound('update', message.method), cycles);
        if (kind === 'composite_query') {
          return this.errorOutcome(
            new UserError(
              ErrorCode.CompositeQueryCalledInReplicatedMode,
              `Error from Canister ${this.idText}: Composite query cannot be called in replicated mode`,
            ),
            cycles,
          );
        }
        const context: ApiContext = kind === 'query' ? 'RQ' : 'U';
        const inputs = this.inputs(context, message.caller, message.arg);
        inputs.cyclesAvailable = cycles;
        inputs.deadline = message.deadline;
        const r = instance.run({
          entry: { kind: 'export', name: exportName(kind, message.method) },
          inputs,
          instructionLimit: kind === 'query' ? limits.instructionsPerQuery : limits.instructionsPerMessage,
          wasmMemoryLimit: kind === 'update' ? this.settings.wasmMemoryLimit : undefined,
        });
        return this.finish(instance, r, cycles, kind === 'update');
      }
      case 'query': {
        const kind = module.methods.get(message.method);
        if (kind !== 'query' && kind !== 'composite_query') {
          return this.errorOutcome(this.methodNotFound('query', message.method), 0n);
        }
        const inputs = this.inputs(kind === 'query' ? 'NRQ' : 'CQ', message.caller, message.arg);
        inputs.dataCertificate = message.dataCertificate;
        const r = instance.run({
          entry: { kind: 'export', name: exportName(kind, message.method) },
          inputs,
          instructionLimit: limits.instructionsPerQuery,
        });
        return this.finish(instance, r, 0n, false);
      }
      case 'inspect': {
        if (!module.systemMethods.has('canister_inspect_message')) {
          return { calls: [], instructions: 0n, accepted: true, cyclesRefund: 0n };
        }
        const inputs = this.inputs('F', message.caller, message.arg);
        inputs.methodName = message.method;
        const r = instance.run({
          entry: { kind: 'export', name: 'canister_inspect_message' },
          inputs,
          instructionLimit: limits.instructionsPerInspectMessage,
        });
        instance.rollback();
        if (!r.ok) {
          return {
            result: this.trapResult(r),
            calls: [],
            instructions: r.instructions,
            accepted: false,
            cyclesRefund: 0n,
          };
        }
        return { calls: [], instructions: r.instructions, accepted: r.outputs.messageAccepted, cyclesRefund: 0n };
      }
      case 'system-task': {
        if (!module.systemMethods.has(message.task)) return { calls: [], instructions: 0n, cyclesRefund: 0n };
        const r = instance.run({
          entry: { kind: 'export', name: message.task },
          inputs: this.inputs('T', Principal.managementCanister(), EMPTY),
          instructionLimit: limits.instructionsPerMessage,
        });
        const outcome = this.finish(instance, r, 0n, true);
        outcome.result = undefined; // system tasks answer nobody
        return outcome;
      }
    }
  }

  /** Runs a callback entry (reply/reject/cleanup) of an outstanding call; used by the scheduler. */
  runEntry(entry: EntryPoint, inputs: ExecutionInputs, commit: boolean): ExecutionResult {
    const instance = this.instance;
    if (!instance) throw new Error(`canister ${this.idText} has no instance`);
    const r = instance.run({ entry, inputs, instructionLimit: this.env.limits.instructionsPerMessage });
    if (r.ok && commit) instance.commit();
    else instance.rollback();
    return r;
  }

  private finish(instance: CanisterInstance, r: ExecutionResult, cycles: bigint, commit: boolean): MessageOutcome {
    if (!r.ok) {
      instance.rollback();
      this.appendLogs(r.logs);
      this.appendTrap(r.trap);
      return { result: this.trapResult(r), calls: [], instructions: r.instructions, cyclesRefund: cycles };
    }
    this.appendLogs(r.outputs.logs);
    const out = r.outputs;
    if (commit) {
      instance.commit();
      this.balance = r.balance;
      if (out.certifiedData) this.certifiedData = out.certifiedData;
      if (out.globalTimer !== undefined) this.globalTimer = out.globalTimer;
    } else {
      instance.rollback();
    }
    const calls = commit ? out.calls : [];
    let result: CallResult | undefined;
    if (out.response?.kind === 'reply') result = { kind: 'reply', data: out.response.data };
    else if (out.response?.kind === 'reject') {
      result = { kind: 'reject', code: RejectCode.CANISTER_REJECT, message: out.response.message };
    } else if (calls.length === 0) {
      result = this.errorResult(
        new UserError(ErrorCode.CanisterDidNotReply, `Error from Canister ${this.idText}: Canister did not produce a response`),
      );
    }
    return { result, calls, instructions: r.instructions, cyclesRefund: commit ? r.cyclesLeft : cycles };
  }

  private trapResult(r: Extract<ExecutionResult, { ok: false }>): CallResult {
    return this.errorResult(r.trap.toUserError(this.idText, r.backtrace));
  }

  private errorResult(error: UserError): CallResult {
    return { kind: 'reject', code: error.rejectCode, message: error.description, error };
  }

  private errorOutcome(error: UserError, cycles: bigint): MessageOutcome {
    return { result: this.errorResult(error), calls: [], instructions: 0n, cyclesRefund: cycles };
  }

  private methodNotFound(kind: 'update' | 'query', method: string): UserError {
    return new UserError(
      ErrorCode.CanisterMethodNotFound,
      `Error from Canister ${this.idText}: Canister has no ${kind} method '${method}'.\nCheck that the method being called is exported by the target canister. See documentation: https://internetcomputer.org/docs/current/references/execution-errors#method-not-found`,
    );
  }

  /** The System API inputs of a message in `context`. */
  inputs(context: ApiContext, caller: Principal, arg: Uint8Array): ExecutionInputs {
    const limits = this.env.limits;
    return {
      context,
      canisterId: this.idBytes,
      subnetId: this.env.subnetId.toUint8Array(),
      caller: caller.toUint8Array(),
      arg,
      time: this.env.now(),
      balance: this.balance,
      frozenLimit: 0n,
      status: this.status === 'running' ? 1 : this.status === 'stopping' ? 2 : 3,
      version: this.version,
      controllers: this.settings.controllers.map((c) => c.toUint8Array()),
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
}
