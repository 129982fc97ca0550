// The replica a test or the dev server talks to: canisters on an application subnet, one clock, one
// volume for stable memory, one compilation cache shared by all canisters (and all replicas of the
// process), and the scheduler that executes rounds: ingress first, then canister queues, until no
// canister has work left in the round. This is the front door of @mockic/runtime.
import { Principal } from '@dfinity/principal';
import { Canister, type CanisterEnvironment, type CanisterSettings, type CanisterStableMemory, type InstallMode } from '../canister/canister.ts';
import { expectsEnhancedOrthogonalPersistence, type CanisterModule } from '../canister/canister-module.ts';
import { resolveLimits, type ExecutionLimits } from '../config/execution-limits.ts';
import type { FeeSchedule, FeeConfig } from '../cycles/fee-schedule.ts';
import { ErrorCode } from '../errors/error-code.ts';
import { UserError } from '../errors/user-error.ts';
import { createVolume, type Volume } from '../state/volume.ts';
import { StablePageStore } from '../state/stable-page-store.ts';
import { sharedCompilationCache, type CompilationCache } from '../wasm/compilation-cache.ts';
import { canisterModuleOf } from './canister-module-of.ts';
import { principalKey } from './principal-key.ts';
import { installManagementCanister } from '../management/install-management-canister.ts';
import type { ManagementCanister } from '../management/management-canister.ts';
import { Subnet, type SubnetConfig } from './subnet.ts';
import { BlsKeyPair, DEFAULT_ROOT_KEY_SEED } from '../crypto/bls-root-key.ts';
import { Clock, DEFAULT_START_TIME_NANOS } from './clock.ts';
import { IngressHistory, type IngressRecord } from '../scheduler/ingress-history.ts';
import type { CallOrigin, CallResult, CanisterRequest, CanisterResponse, ExecutionEffects } from '../scheduler/messages.ts';
import { defaultQueryLimits, executeQuery, type QueryLimits } from '../scheduler/query-engine.ts';
// >>> https outcalls and threshold keys
import type { HttpsOutcallQueue } from '../https-outcalls/https-outcall-queue.ts';
import {
  createHttpsOutcallQueue,
  httpOutcallAnswerOf,
  pendingOutcallOf,
  registerHttpsOutcalls,
  type HttpOutcallTag,
  type HttpsOutcallResponse,
  type PendingHttpsOutcall,
} from '../management/https-outcall-methods.ts';
import { callerFeesOf, registerThresholdMethods, thresholdSeedOf } from '../management/threshold-methods.ts';
import { ThresholdSigner } from '../threshold/threshold-signer.ts';
// <<< https outcalls and threshold keys

export { DEFAULT_START_TIME_NANOS };
/** Cycles a canister created by the test API starts with (100 T, as PocketIC's default top-up). */
export const DEFAULT_CANISTER_CYCLES = 100_000_000_000_000n;
/** Rounds `update` runs before it gives up on a message that never completes. */
const MAX_ROUNDS_PER_CALL = 10_000;
/** Requests one canister may have queued at another (the replica's per-pair queue capacity). */
const QUEUE_CAPACITY = 500;
/** Passes over the canisters within one round (messages between canisters travel within a round). */
const MAX_PASSES_PER_ROUND = 1_000;

export interface ReplicaOptions {
  /** Limits overriding the replica's defaults (instructions, memory, payloads). */
  limits?: Partial<ExecutionLimits>;
  /** Composite query limits (depth, total instructions). */
  queryLimits?: Partial<QueryLimits>;
  /** Fee schedule overrides. */
  fees?: Partial<FeeConfig>;
  /** Charge cycles for executions and enforce the freezing threshold (default true). */
  chargeCycles?: boolean;
  /** Keep stable memory in this directory instead of in memory. */
  stateDirectory?: string;
  /** Start time, nanoseconds since 1970. */
  time?: bigint;
  /** Follow the wall clock instead of the fake clock. */
  liveTime?: boolean;
  /** Print canister debug_print output to the console. */
  debugPrint?: boolean | ((canisterId: string, line: string) => void);
  /** Use a private compilation cache instead of the process-wide one. */
  compilationCache?: CompilationCache;
  /** Subnets (default: one application subnet of 13 nodes). */
  subnets?: SubnetConfig[];
  /** Seed of every source of randomness (raw_rand, threshold master keys): a run replays exactly. */
  seed?: Uint8Array | string | bigint | number;
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

/** A request to the management canister, handed to its implementation. */
export interface ManagementRequestHandler {
  handle(req: CanisterRequest, replica: Replica): void;
  /** Query calls to aaaaa-aa (fetch_canister_logs). */
  query?(method: string, arg: Uint8Array, sender: Principal, replica: Replica): CallResult;
  /** Called once per round, for answers that wait (stop_canister, HTTPS outcalls). */
  onRound?(replica: Replica): void;
}

export class Replica {
  /** The default subnet's id (the first application subnet). */
  readonly subnetId: Principal;
  /** The key pair behind the root key: signs certificates (DESIGN decision 7). */
  readonly rootKeyPair: BlsKeyPair;
  /** The subnet the root key certifies directly (its id derives from the root key). */
  readonly rootSubnet: Subnet;
  /** The subnets, in the order configured; canisters are created on the first application one by default. */
  readonly subnets: Subnet[];
  readonly limits: ExecutionLimits;
  readonly queryLimits: QueryLimits;
  readonly fees: FeeSchedule;
  readonly volume: Volume;
  readonly clock: Clock;
  readonly ingress = new IngressHistory();
  private readonly cache: CompilationCache;
  private readonly canisters = new Map<string, Canister>();
  private readonly envs = new Map<Subnet, CanisterEnvironment>();
  private readonly canisterSubnet = new Map<string, Subnet>();
  private stableFiles = 0;
  private messageCounter = 0;
  private roundNumber = 0n;
  /** Canister queues: requests and responses waiting to execute, in arrival order. */
  private readonly queues = new Map<string, Array<{ request: CanisterRequest } | { response: CanisterResponse }>>();
  private management: ManagementRequestHandler | undefined;

  private constructor(options: ReplicaOptions) {
    this.limits = resolveLimits(options.limits);
    this.queryLimits = { ...defaultQueryLimits, perQuery: this.limits.instructionsPerQuery, ...options.queryLimits };
    this.volume = createVolume(options.stateDirectory ? { directory: options.stateDirectory } : {});
    this.cache = options.compilationCache ?? sharedCompilationCache;
    this.clock = new Clock({ time: options.time, live: options.liveTime });
    const configs = options.subnets && options.subnets.length > 0 ? options.subnets : [{ kind: 'application' as const }];
    const chargeCycles = options.chargeCycles !== false;
    // The root key certifies the root subnet (the NNS subnet if there is one, else the first), whose
    // id is the self-authenticating principal of the key, as on the IC.
    this.rootKeyPair = BlsKeyPair.fromSeed(options.seed ?? DEFAULT_ROOT_KEY_SEED);
    const rootIndex = Math.max(0, configs.findIndex((c) => c.kind === 'nns'));
    const rootSubnetId = Principal.selfAuthenticating(this.rootKeyPair.publicKeyDer);
    this.subnets = configs.map(
      (c, i) => new Subnet(c, i, { limits: options.limits, fees: options.fees, chargeCycles, id: i === rootIndex ? rootSubnetId : undefined }),
    );
    this.rootSubnet = this.subnets[rootIndex] as Subnet;
    const main = this.subnets.find((s) => s.kind === 'application') ?? (this.subnets[0] as Subnet);
    this.subnetId = main.id;
    this.fees = main.fees;
    const echo =
      typeof options.debugPrint === 'function'
        ? options.debugPrint
        : options.debugPrint
          ? (id: string, line: string) => console.log(`[Canister ${id}] ${line}`)
          : undefined;
    for (const subnet of this.subnets) {
      this.envs.set(subnet, {
        subnetId: subnet.id,
        limits: subnet.limits,
        costs: subnet.fees,
        fees: subnet.chargesCycles ? subnet.fees : undefined,
        compile: (wasm) => this.compile(wasm),
        createStableMemory: (id) => this.createStableMemory(id),
        now: () => this.clock.now(),
        echo,
        rootKey: this.rootKeyPair.publicKeyDer,
      });
    }
  }

  static async create(options: ReplicaOptions = {}): Promise<Replica> {
    const replica = new Replica(options);
    replica.managementCanister = installManagementCanister(replica, {
      seed: options.seed,
      chargeCycles: options.chargeCycles !== false,
    });
    // >>> https outcalls and threshold keys
    const thresholdSeed = thresholdSeedOf(options.seed);
    replica.thresholdSignerInstance = new ThresholdSigner(thresholdSeed ? { seed: thresholdSeed } : {});
    registerHttpsOutcalls(replica.managementCanister, replica, replica.httpsOutcalls);
    registerThresholdMethods(replica.managementCanister, replica.thresholdSigner, callerFeesOf(replica));
    // <<< https outcalls and threshold keys
    return replica;
  }

  /** The management canister (aaaaa-aa): register further methods or reach its state here. */
  managementCanister!: ManagementCanister;

  /** Installs the management canister implementation (aaaaa-aa). */
  setManagementCanister(handler: ManagementRequestHandler): void {
    this.management = handler;
  }

  // >>> https outcalls and threshold keys
  /**
   * HTTPS outcalls (aaaaa-aa's http_request) waiting for an answer. Answer them with
   * respondToHttpsOutcall, or install a handler that answers each as it arrives:
   * `replica.httpsOutcalls.setHandler((o) => ({ status: 200, body: '...' }))` (an async handler's
   * answers arrive later: await `replica.httpsOutcalls.whenIdle()` before the next round).
   */
  readonly httpsOutcalls: HttpsOutcallQueue<HttpOutcallTag> = createHttpsOutcallQueue();
  private thresholdSignerInstance: ThresholdSigner | undefined;

  /** The subnet's threshold keys (ECDSA, Schnorr BIP340 and Ed25519), derived from ReplicaOptions.seed. */
  get thresholdSigner(): ThresholdSigner {
    return (this.thresholdSignerInstance ??= new ThresholdSigner());
  }

  /** The HTTPS outcalls canisters made that have no answer yet, oldest first (PocketIC's getPendingHttpsOutcalls). */
  pendingHttpsOutcalls(): PendingHttpsOutcall[] {
    return this.httpsOutcalls
      .pending()
      .map((o) => pendingOutcallOf(o, this.subnetOf(Principal.fromUint8Array(o.canisterId))?.id ?? this.subnetId));
  }

  /**
   * Answers a pending outcall (PocketIC's mockPendingHttpsOutcall): `{ status, headers?, body? }`,
   * `{ reject: { code, message } }`, or PocketIC's `{ type: 'success', statusCode, headers, body }` /
   * `{ type: 'reject', statusCode, message }`. The canister gets the (transformed) answer in the next
   * round. Throws if there is no pending outcall `requestId`.
   */
  respondToHttpsOutcall(requestId: number, response: HttpsOutcallResponse): void {
    this.httpsOutcalls.respond(requestId, httpOutcallAnswerOf(response));
  }
  // <<< https outcalls and threshold keys

  // ------------------------------------------------------------------ clock

  /** Replica time in nanoseconds since 1970. */
  get time(): bigint {
    return this.clock.now();
  }

  setTime(nanos: bigint): void {
    this.clock.set(nanos);
  }

  advanceTime(nanos: bigint): void {
    this.clock.advance(nanos);
  }

  /** Rounds executed so far. */
  get round(): bigint {
    return this.roundNumber;
  }

  // ------------------------------------------------------------------ canisters

  /** Creates an empty canister (provisional_create_canister_with_cycles) on `subnet` (default: the first application subnet). */
  createCanister(
    options: {
      controllers?: Principal[];
      cycles?: bigint;
      sender?: Principal;
      specifiedId?: Principal;
      settings?: Partial<CanisterSettings>;
      subnet?: Principal | Subnet;
    } = {},
  ): Principal {
    let subnet = this.defaultSubnet();
    if (options.subnet) subnet = options.subnet instanceof Subnet ? options.subnet : this.subnet(options.subnet);
    let id: Principal;
    if (options.specifiedId) {
      id = options.specifiedId;
      if (this.canisters.has(principalKey(id))) {
        throw new UserError(ErrorCode.CanisterIdAlreadyExists, `Canister ${principalKey(id)} is already installed.`);
      }
      subnet = this.subnets.find((s) => s.contains(id)) ?? subnet;
      subnet.allocator.reserve(id);
    } else {
      do id = subnet.allocator.next();
      while (this.canisters.has(principalKey(id)));
    }
    const sender = options.sender ?? Principal.anonymous();
    const settings: CanisterSettings = {
      controllers: options.controllers ?? [sender],
      freezingThreshold: 2_592_000n,
      wasmMemoryLimit: subnet.limits.defaultWasmMemoryLimit,
      wasmMemoryThreshold: 0n,
      reservedCyclesLimit: 5_000_000_000_000n,
      computeAllocation: 0n,
      memoryAllocation: 0n,
      logVisibility: { kind: 'controllers' },
      environmentVariables: [],
      ...options.settings,
    };
    const key = principalKey(id);
    this.canisters.set(key, new Canister(id, this.envs.get(subnet) as CanisterEnvironment, settings, options.cycles ?? DEFAULT_CANISTER_CYCLES));
    this.canisterSubnet.set(key, subnet);
    return id;
  }

  /** The subnet a new canister goes to by default: the first application subnet, else the first. */
  defaultSubnet(): Subnet {
    return this.subnets.find((s) => s.kind === 'application') ?? (this.subnets[0] as Subnet);
  }

  /** The subnet with this id; throws UserError IC0404 when there is none. */
  subnet(id: Principal): Subnet {
    const s = this.subnets.find((x) => x.id.compareTo(id) === 'eq');
    if (!s) throw new UserError(ErrorCode.SubnetNotFound, `Subnet ${id.toText()} not found`);
    return s;
  }

  /** The subnet hosting a canister (or whose range contains its id). */
  subnetOf(canisterId: Principal): Subnet | undefined {
    return this.canisterSubnet.get(principalKey(canisterId)) ?? this.subnets.find((s) => s.contains(canisterId));
  }

  /** Removes a canister (delete_canister); its stable memory file goes with it. */
  deleteCanister(id: Principal): void {
    const c = this.canister(id);
    c.uninstall();
    this.canisters.delete(principalKey(id));
    this.canisterSubnet.delete(principalKey(id));
    this.queues.delete(principalKey(id));
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
    /** Long installs take effect after ceil(I / slice) rounds (the management canister's path). */
    timeSliced?: boolean;
  }): { instructions: bigint; rounds: number } {
    const canister = this.canister(options.canisterId);
    const sender = options.sender ?? canister.settings.controllers[0] ?? Principal.anonymous();
    return canister.install({
      mode: options.mode ?? 'install',
      wasm: options.wasm,
      arg: options.arg ?? new Uint8Array(),
      sender,
      skipPreUpgrade: options.skipPreUpgrade,
      wasmMemoryPersistence: options.wasmMemoryPersistence,
      timeSliced: options.timeSliced,
    });
  }

  /** Creates a canister and installs `wasm` in it. */
  async installCanister(options: InstallCanisterOptions): Promise<Principal> {
    const canisterId = this.createCanister({ controllers: options.controllers, cycles: options.cycles, sender: options.sender });
    try {
      this.installCode({ canisterId, wasm: options.wasm, arg: options.arg, sender: options.sender });
    } catch (e) {
      this.canisters.delete(principalKey(canisterId));
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
    const keep = options.wasmMemoryPersistence ?? (module && expectsEnhancedOrthogonalPersistence(module) ? 'keep' : undefined);
    this.installCode({ ...options, mode: 'upgrade', wasmMemoryPersistence: keep });
  }

  /** The canister with this id; throws UserError IC0301 when there is none. */
  canister(id: Principal | string): Canister {
    const text = typeof id === 'string' ? id : principalKey(id);
    const c = this.canisters.get(text);
    if (!c) throw new UserError(ErrorCode.CanisterNotFound, `Canister ${text} not found`);
    return c;
  }

  findCanister(id: Principal): Canister | undefined {
    return this.canisters.get(principalKey(id));
  }

  canisterIds(): Principal[] {
    return [...this.canisters.values()].map((c) => c.id);
  }

  /** Whether `id` is a canister id of this replica's subnet range. */
  hostsCanisterId(id: Principal): boolean {
    return this.subnets.some((s) => s.contains(id)) || this.canisters.has(principalKey(id));
  }

  // ------------------------------------------------------------------ ingress and rounds

  /** Submits an ingress message; it executes in the next round. Returns its message id. */
  submitIngress(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions & { messageId?: string } = {}): string {
    const messageId = options.messageId ?? `ingress-${++this.messageCounter}`;
    const sender = options.sender ?? Principal.anonymous();
    const record = this.ingress.add(messageId, sender, canisterId, method);
    const request: CanisterRequest = {
      sender,
      receiver: canisterId,
      method,
      arg,
      cycles: options.cycles ?? 0n,
      origin: { kind: 'ingress', messageId },
    };
    // Induction: the receiver pays for the message's reception.
    const target = this.canisters.get(principalKey(canisterId));
    const targetSubnet = target ? this.subnetOf(canisterId) : undefined;
    if (target && targetSubnet?.chargesCycles) {
      const fee = targetSubnet.fees.ingress(BigInt(arg.length + method.length));
      target.balance = target.balance > fee ? target.balance - fee : 0n;
    }
    void record;
    // Ingress is inducted at the start of the next round, like everything else.
    this.inducted.push(request);
    return messageId;
  }

  /** The status of an ingress message. */
  ingressStatus(messageId: string): IngressRecord | undefined {
    return this.ingress.get(messageId);
  }

  /** Executes one round: system tasks (timers, heartbeats), then every canister's queue until quiet. */
  tick(): void {
    this.roundNumber++;
    const now = this.clock.now();
    const ingress = this.inducted.splice(0);
    for (const req of ingress) this.route(req);
    this.chargeIdleCycles(now);
    for (const c of this.canisters.values()) {
      for (const resp of c.expiredCallbacks(now)) this.enqueue(c.id, { response: resp });
    }
    for (const c of [...this.canisters.values()]) {
      if (c.isPaused) {
        const fx = c.continuePaused();
        if (fx) this.applyEffects(fx);
        continue;
      }
      if (c.globalTimer !== 0n && c.globalTimer <= now && c.installedModule) {
        c.globalTimer = 0n;
        this.applyEffects(c.runSystemTask('canister_global_timer'));
      }
      if (c.installedModule?.systemMethods.has('canister_heartbeat')) {
        this.applyEffects(c.runSystemTask('canister_heartbeat'));
      }
      if (c.lowMemoryHook === 'ready') {
        c.lowMemoryHook = 'executed';
        this.applyEffects(c.runSystemTask('canister_on_low_wasm_memory'));
      }
    }
    for (let pass = 0; pass < MAX_PASSES_PER_ROUND; pass++) {
      let progressed = false;
      for (const [key, queue] of this.queues) {
        const c = this.canisters.get(key);
        if (!c) {
          this.queues.delete(key);
          continue;
        }
        while (queue.length > 0 && !c.isPaused) {
          const item = queue.shift() as { request: CanisterRequest } | { response: CanisterResponse };
          progressed = true;
          if ('request' in item) {
            if (item.request.origin.kind === 'ingress') this.ingress.processing(item.request.origin.messageId);
            this.applyEffects(c.handleRequest(item.request));
          } else {
            this.applyEffects(c.handleResponse(item.response));
          }
          updateLowMemoryHook(c);
        }
      }
      if (!progressed) break;
    }
    this.management?.onRound?.(this);
    for (const listener of this.roundListeners) listener(this.roundNumber);
  }

  /** When each canister last paid for its storage and compute allocation (nanoseconds). */
  private readonly idleChargedAt = new Map<Canister, bigint>();

  /** Storage (per GiB per second) and compute allocation (per percent per second) since the last charge. */
  private chargeIdleCycles(now: bigint): void {
    for (const c of this.canisters.values()) {
      const since = this.idleChargedAt.get(c);
      this.idleChargedAt.set(c, now);
      if (since === undefined || now <= since) continue;
      const subnet = this.subnetOf(c.id);
      if (!subnet?.chargesCycles) continue;
      const seconds = (now - since) / 1_000_000_000n;
      if (seconds === 0n) {
        this.idleChargedAt.set(c, since); // keep accumulating until a whole second passed
        continue;
      }
      const fee =
        subnet.fees.storage(c.memoryUsage(), seconds) +
        subnet.fees.scale(subnet.fees.config.computePercentAllocatedPerSecondFee * c.settings.computeAllocation * seconds);
      c.balance = c.balance > fee ? c.balance - fee : 0n;
    }
  }

  /** Ingress messages submitted since the last round. */
  private readonly inducted: CanisterRequest[] = [];

  private readonly roundListeners = new Set<(round: bigint) => void>();

  /** Calls `listener` after every round (the certifier signs the state tree once per round). Returns an unsubscribe function. */
  onRound(listener: (round: bigint) => void): () => void {
    this.roundListeners.add(listener);
    return () => this.roundListeners.delete(listener);
  }

  /** The root public key canisters read with ic0.root_key_copy (DER, as the HTTP interface serves it). */
  get rootKey(): Uint8Array | undefined {
    return this.envs.values().next().value?.rootKey;
  }

  set rootKey(key: Uint8Array | undefined) {
    for (const env of this.envs.values()) env.rootKey = key;
  }

  /** Runs rounds until the ingress message has an answer. */
  awaitIngress(messageId: string): CallResult {
    for (let i = 0; i < MAX_ROUNDS_PER_CALL; i++) {
      const r = this.ingress.get(messageId);
      if (r?.result) return r.result;
      this.tick();
    }
    const r = this.ingress.get(messageId);
    if (r?.result) return r.result;
    throw new UserError(ErrorCode.IngressMessageTimeout, `Ingress message ${messageId} did not complete within ${MAX_ROUNDS_PER_CALL} rounds`);
  }

  /** An update call; resolves with the reply bytes, rejects with a UserError. */
  async update(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    return unwrap(this.awaitIngress(this.submitIngress(canisterId, method, arg, options)));
  }

  /** A query call (plain or composite); resolves with the reply bytes, rejects with a UserError. Nothing commits. */
  async query(canisterId: Principal, method: string, arg: Uint8Array, options: CallOptions & { dataCertificate?: Uint8Array } = {}): Promise<Uint8Array> {
    return unwrap(this.queryResult(canisterId, method, arg, options).result);
  }

  /** A query call's full outcome (result and instructions over the call graph). */
  queryResult(
    canisterId: Principal,
    method: string,
    arg: Uint8Array,
    options: CallOptions & { dataCertificate?: Uint8Array } = {},
  ): { result: CallResult; instructions: bigint } {
    if (principalKey(canisterId) === MANAGEMENT_CANISTER_ID && this.management?.query) {
      return { result: this.management.query(method, arg, options.sender ?? Principal.anonymous(), this), instructions: 0n };
    }
    const outcome = executeQuery(
      { find: (id) => this.findCanister(id), sameSubnet: (a, b) => this.subnetOf(a) === this.subnetOf(b) && this.canisters.has(principalKey(b)) },
      canisterId,
      method,
      arg,
      options.sender ?? Principal.anonymous(),
      this.queryLimits,
      options.dataCertificate,
    );
    const target = this.canisters.get(principalKey(canisterId));
    if (target) {
      const stats = target.queryStats;
      stats.numCallsTotal += 1n;
      stats.numInstructionsTotal += outcome.instructions;
      stats.requestPayloadBytesTotal += BigInt(arg.length);
      if (outcome.result.kind === 'reply') stats.responsePayloadBytesTotal += BigInt(outcome.result.data.length);
    }
    return outcome;
  }

  // ------------------------------------------------------------------ routing

  /** Delivers the answer for a call context's origin. */
  respond(origin: CallOrigin, result: CallResult, refund: bigint): void {
    switch (origin.kind) {
      case 'ingress':
        this.ingress.finish(origin.messageId, result, this.clock.now());
        // Cycles of an ingress message cannot be refunded to a user; they are lost as on the IC.
        return;
      case 'canister':
        this.enqueue(origin.caller, { response: { receiver: origin.caller, callbackId: origin.callbackId, result, refund } });
        return;
      case 'system-task':
        return;
    }
  }

  private applyEffects(fx: ExecutionEffects): void {
    for (const r of fx.responses) this.respond(r.origin, r.result, r.refund);
    for (const req of fx.requests) this.route(req);
  }

  /** Routes a request to its receiver's queue, or answers it at once when it cannot be delivered. */
  route(req: CanisterRequest): void {
    if (principalKey(req.receiver) === MANAGEMENT_CANISTER_ID) {
      if (this.management) this.management.handle(req, this);
      else {
        this.respond(
          req.origin,
          rejectResult(new UserError(ErrorCode.CanisterRejectedMessage, `The management canister method ${req.method} is not available`)),
          req.cycles,
        );
      }
      return;
    }
    if (!this.canisters.has(principalKey(req.receiver))) {
      this.respond(req.origin, rejectResult(new UserError(ErrorCode.CanisterNotFound, `Canister ${principalKey(req.receiver)} not found`)), req.cycles);
      return;
    }
    if (req.origin.kind === 'canister' && this.queueFull(req)) {
      this.respond(
        req.origin,
        rejectResult(
          new UserError(ErrorCode.CanisterQueueFull, `Canister ${principalKey(req.receiver)}'s input queue from ${principalKey(req.sender)} is full`),
        ),
        req.cycles,
      );
      return;
    }
    this.enqueue(req.receiver, { request: req });
  }

  /** The IC keeps at most QUEUE_CAPACITY messages in flight between a pair of canisters. */
  private queueFull(req: CanisterRequest): boolean {
    const q = this.queues.get(principalKey(req.receiver));
    if (!q || q.length < QUEUE_CAPACITY) return false;
    const sender = principalKey(req.sender);
    let n = 0;
    for (const item of q) if ('request' in item && principalKey(item.request.sender) === sender) n++;
    return n >= QUEUE_CAPACITY;
  }

  private enqueue(id: Principal, item: { request: CanisterRequest } | { response: CanisterResponse }): void {
    const key = principalKey(id);
    let q = this.queues.get(key);
    if (!q) {
      q = [];
      this.queues.set(key, q);
    }
    q.push(item);
  }

  // ------------------------------------------------------------------ internals

  private compile(wasm: Uint8Array): CanisterModule {
    return canisterModuleOf(this.cache.get(wasm), wasm.length);
  }

  private createStableMemory(id: Principal): CanisterStableMemory {
    const path = `canisters/${principalKey(id)}/stable-${this.stableFiles++}`;
    return StablePageStore.open(this.volume, path, { maxPages: this.limits.stableMemoryBytes / 65536n });
  }

  // >>> js canisters
  /**
   * Installs a JS-defined canister (`defineCanister`): in a new canister, or with `canisterId` in an
   * existing one (`mode` install, reinstall, or upgrade — an upgrade keeps the JS state). `arg`:
   * init arguments as JS values (encoded with the canister's init types) or Candid bytes. Throws
   * UserError as installCode does; a new canister whose install fails is removed again.
   */
  async installJsCanister(
    canister: import('../js-canister/js-canister.ts').JsCanister,
    options: {
      canisterId?: Principal;
      mode?: InstallMode;
      arg?: unknown[] | Uint8Array;
      controllers?: Principal[];
      cycles?: bigint;
      sender?: Principal;
      specifiedId?: Principal;
    } = {},
  ): Promise<Principal> {
    const existing = options.canisterId;
    const canisterId =
      existing ?? this.createCanister({ controllers: options.controllers, cycles: options.cycles, sender: options.sender, specifiedId: options.specifiedId });
    const target = this.canister(canisterId);
    try {
      target.install({
        mode: options.mode ?? 'install',
        wasm: new Uint8Array(),
        arg: canister.encodeInitArgs(options.arg),
        sender: options.sender ?? target.settings.controllers[0] ?? Principal.anonymous(),
        engine: canister.engine,
      });
    } catch (e) {
      if (!existing) {
        this.canisters.delete(principalKey(canisterId));
        this.canisterSubnet.delete(principalKey(canisterId));
      }
      throw e;
    }
    return canisterId;
  }
  // <<< js canisters
}

export const MANAGEMENT_CANISTER_ID = 'aaaaa-aa';

/** on_low_wasm_memory: ready once free memory under wasm_memory_limit drops below the threshold. */
function updateLowMemoryHook(c: Canister): void {
  const { wasmMemoryLimit: limit, wasmMemoryThreshold: threshold } = c.settings;
  const low = limit > 0n && threshold > 0n && limit - BigInt(c.heapBytes()) < threshold;
  if (!low) c.lowMemoryHook = 'not-satisfied';
  else if (c.lowMemoryHook === 'not-satisfied') c.lowMemoryHook = 'ready';
}

function rejectResult(error: UserError): CallResult {
  return { kind: 'reject', code: error.rejectCode, message: error.description, error };
}

function unwrap(result: CallResult): Uint8Array {
  if (result.kind === 'reply') return result.data;
  if (result.error) throw result.error;
  // A canister's own reject (msg_reject): the HTTP interface reports it as IC0406.
  throw new UserError(ErrorCode.CanisterRejectedMessage, result.message);
}
