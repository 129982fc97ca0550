// The replica a test or the dev server talks to: canisters on an application subnet, one clock, one
// volume for stable memory, one compilation cache shared by all canisters (and all replicas of the
// process). This is the front door of @mockic/runtime; the scheduler, inter-canister calls and the
// management canister grow behind the same methods.
import { Principal } from '@dfinity/principal';
import { Canister, type CanisterEnvironment, type CanisterSettings, type CanisterStableMemory, type InstallMode } from '../canister/canister.ts';
import type { CanisterModule } from '../canister/canister-module.ts';
import { resolveLimits, type ExecutionLimits } from '../config/execution-limits.ts';
import { FeeSchedule, type FeeConfig } from '../cycles/fee-schedule.ts';
import { ErrorCode } from '../errors/error-code.ts';
import { UserError } from '../errors/user-error.ts';
import { createVolume, type Volume } from '../state/volume.ts';
import { StablePageStore } from '../state/stable-page-store.ts';
import { sharedCompilationCache, type CompilationCache } from '../wasm/compilation-cache.ts';
import { canisterModuleOf } from './canister-module-of.ts';
import { CanisterIdAllocator } from './canister-id-allocator.ts';

/** 2021-05-06T19:17:10Z, the default start time of the IC's state machine tests and PocketIC. */
export const DEFAULT_START_TIME_NANOS = 1_620_328_630_000_000_000n;
/** Cycles a canister created by the test API starts with (100 T, as PocketIC's default top-up). */
export const DEFAULT_CANISTER_CYCLES = 100_000_000_000_000n;

export interface ReplicaOptions {
  /** Limits overriding the replica's defaults (instructions, memory, payloads). */
  limits?: Partial<ExecutionLimits>;
  /** Fee schedule overrides. */
  fees?: Partial<FeeConfig>;
  /** Keep stable memory in this directory instead of in memory. */
  stateDirectory?: string;
  /** Start time, nanoseconds since 1970. */
  time?: bigint;
  /** Print canister debug_print output to the console. */
  debugPrint?: boolean | ((canisterId: string, line: string) => void);
  /** Use a private compilation cache instead of the process-wide one. */
  compilationCache?: CompilationCache;
}

export interface InstallCanisterOptions {
  wasm: Uint8Array;
  arg?: Uint8Array;
  controllers?: Principal[];
  cycles?: bigint;
  sender?: Principal;
}

export interface CallOptions {
  sender?: Principal;
  cycles?: bigint;
}

export class Replica {
  readonly subnetId: Principal;
  readonly limits: ExecutionLimits;
  readonly fees: FeeSchedule;
  readonly volume: Volume;
  private readonly cache: CompilationCache;
  private readonly canisters = new Map<string, Canister>();
  private readonly ids: CanisterIdAllocator;
  private readonly env: CanisterEnvironment;
  private timeNanos: bigint;
  private stableFiles = 0;

  private constructor(options: ReplicaOptions) {
    this.limits = resolveLimits(options.limits);
    this.fees = new FeeSchedule(options.fees);
    this.volume = createVolume(options.stateDirectory ? { directory: options.stateDirectory } : {});
    this.cache = options.compilationCache ?? sharedCompilationCache;
    this.timeNanos = options.time ?? DEFAULT_START_TIME_NANOS;
    this.ids = new CanisterIdAllocator();
    this.subnetId = this.ids.subnetId;
    const echo =
      typeof options.debugPrint === 'function'
        ? options.debugPrint
        : options.debugPrint
          ? (id: string, line: string) => console.log(`[Canister ${id}] ${line}`)
          : undefined;
    this.env = {
      subnetId: this.subnetId,
      limits: this.limits,
      costs: this.fees,
      compile: (wasm) => this.compile(wasm),
      createStableMemory: (id) => this.createStableMemory(id),
      now: () => this.timeNanos,
      echo,
    };
  }

  static async create(options: ReplicaOptions = {}): Promise<Replica> {
    return new Replica(options);
  }

  // ------------------------------------------------------------------ clock

  /** Replica time in nanoseconds since 1970. */
  get time(): bigint {
    return this.timeNanos;
  }

  setTime(nanos: bigint): void {
    this.timeNanos = nanos;
  }

  advanceTime(nanos: bigint): void {
    this.timeNanos += nanos;
  }

  // ------------------------------------------------------------------ canisters

  /** Creates an empty canister (provisional_create_canister_with_cycles). */
  createCanister(options: { controllers?: Principal[]; cycles?: bigint; sender?: Principal } = {}): Principal {
    const id = this.ids.next();
    const sender = options.sender ?? Principal.anonymous();
    const settings: CanisterSettings = {
      controllers: options.controllers ?? [sender],
      freezingThreshold: 2_592_000n,
      wasmMemoryLimit: this.limits.defaultWasmMemoryLimit,
      reservedCyclesLimit: 5_000_000_000_000n,
      environmentVariables: [],
    };
    this.canisters.set(id.toText(), new Canister(id, this.env, settings, options.cycles ?? DEFAULT_CANISTER_CYCLES));
    return id;
  }

  /** install_code on an existing canister. Throws UserError; a failed install changes nothing. */
  installCode(options: {
    canisterId: Principal;
    wasm: Uint8Array;
    arg?: Uint8Array;
    mode?: InstallMode;
    sender?: Principal;
    skipPreUpgrade?: boolean;
    wasmMemoryPersistence?: 'keep' | 'replace';
  }): void {
    const canister = this.canister(options.canisterId);
    const sender = options.sender ?? canister.settings.controllers[0] ?? Principal.anonymous();
    canister.install({
      mode: options.mode ?? 'install',
      wasm: options.wasm,
      arg: options.arg ?? new Uint8Array(),
      sender,
      skipPreUpgrade: options.skipPreUpgrade,
      wasmMemoryPersistence: options.wasmMemoryPersistence,
    });
  }

  /** Creates a canister and installs `wasm` in it. */
  async installCanister(options: InstallCanisterOptions): Promise<Principal> {
    const canisterId = this.createCanister({ controllers: options.controllers, cycles: options.cycles, sender: options.sender });
    try {
      this.installCode({ canisterId, wasm: options.wasm, arg: options.arg, sender: options.sender });
    } catch (e) {
      this.canisters.delete(canisterId.toText());
      throw e;
    }
    return canisterId;
  }

  /** Upgrades a canister; Motoko canisters keep their heap (enhanced orthogonal persistence). */
  async upgradeCanister(options: {
    canisterId: Principal;
    wasm: Uint8Array;
    arg?: Uint8Array;
    sender?: Principal;
    wasmMemoryPersistence?: 'keep' | 'replace';
    skipPreUpgrade?: boolean;
  }): Promise<void> {
    const canister = this.canister(options.canisterId);
    const module = canister.installedModule;
    const keep = options.wasmMemoryPersistence ?? (module && isEop(module) ? 'keep' : undefined);
    this.installCode({ ...options, mode: 'upgrade', wasmMemoryPersistence: keep });
  }

  /** The canister with this id; throws UserError IC0301 when there is none. */
  canister(id: Principal | string): Canister {
    const text = typeof id === 'string' ? id : id.toText();
    const c = this.canisters.get(text);
    if (!c) throw new UserError(ErrorCode.CanisterNotFound, `Canister ${text} not found`);
    return c;
  }

  canisterIds(): Principal[] {
    return [...this.canisters.values()].map((c) => c.id);
  }

  // ------------------------------------------------------------------ calls

  /** An update call; resolves with the reply bytes, rejects with a UserError. */
  async update(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const canister = this.canister(canisterId);
    const outcome = canister.execute({
      kind: 'update',
      method,
      arg,
      caller: options.sender ?? Principal.anonymous(),
      cycles: options.cycles,
    });
    if (outcome.result === undefined) {
      throw new UserError(
        ErrorCode.CanisterDidNotReply,
        `Error from Canister ${canister.idText}: the message is awaiting inter-canister calls, which this replica does not route yet`,
      );
    }
    return unwrap(outcome.result);
  }

  /** A query call; resolves with the reply bytes, rejects with a UserError. Nothing is committed. */
  async query(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const canister = this.canister(canisterId);
    const outcome = canister.execute({ kind: 'query', method, arg, caller: options.sender ?? Principal.anonymous() });
    return unwrap(outcome.result);
  }

  // ------------------------------------------------------------------ internals

  private compile(wasm: Uint8Array): CanisterModule {
    return canisterModuleOf(this.cache.get(wasm), wasm.length);
  }

  private createStableMemory(id: Principal): CanisterStableMemory {
    const path = `canisters/${id.toText()}/stable-${this.stableFiles++}`;
    return StablePageStore.open(this.volume, path, { maxPages: this.limits.stableMemoryBytes / 65536n });
  }
}

function isEop(m: CanisterModule): boolean {
  return m.privateMetadata.has('enhanced-orthogonal-persistence');
}

function unwrap(result: import('../canister/canister.ts').CallResult | undefined): Uint8Array {
  if (!result) throw new Error('no result');
  if (result.kind === 'reply') return result.data;
  if (result.error) throw result.error;
  throw new UserError(ErrorCode.CanisterRejectedMessage, result.message);
}
