// The management canister (aaaaa-aa): decodes each request with the Candid types of ic.did, applies the
// ingress filter to user requests and the replica's permission checks to canister requests, runs the
// method against the replica's canisters and answers with a Candid reply or the replica's error, through
// replica.respond. stop_canister answers in a later round (onRound) once the canister has no open call
// contexts. Methods served elsewhere (HTTPS outcalls, threshold keys) are registered from outside.
import { IDL } from '@dfinity/candid';
import { sha256 } from '@noble/hashes/sha2.js';
import { Principal } from '@dfinity/principal';
import type { Canister, CanisterSettings, InstallMode, LogVisibility } from '../canister/canister.ts';
import { ErrorCode } from '../errors/error-code.ts';
import { UserError } from '../errors/user-error.ts';
import type { Replica, ManagementRequestHandler } from '../replica/replica.ts';
import { DEFAULT_CANISTER_CYCLES } from '../replica/replica.ts';
import type { CallOrigin, CallResult, CanisterRequest } from '../scheduler/messages.ts';
import { CanisterHistory, changeOrigin, type ChangeDetails } from './canister-history.ts';
import { CanisterSnapshots, snapshotSize, type CanisterSnapshot } from './canister-snapshots.ts';
import { ChunkStore, ChunkStoreError, toHex } from './chunk-store.ts';
import { DeterministicRandom } from './deterministic-random.ts';
import * as C from './management-candid.ts';
import { opt, type CanisterSettingsArg, type InstallModeArg, type Opt } from './management-candid.ts';
import { controllerSet, errors } from './management-errors.ts';

/** A request to the management canister as a registered method handler sees it. */
export interface ManagementCall {
  readonly method: string;
  readonly arg: Uint8Array;
  readonly sender: Principal;
  /** Cycles attached to the call (0 for ingress). */
  readonly cycles: bigint;
  readonly origin: CallOrigin;
  /** Whether a canister made the call (false: a user's ingress message). */
  readonly fromCanister: boolean;
  readonly request: CanisterRequest;
  /** Answers with a reply; `refund` defaults to all attached cycles. Only the first answer counts. */
  reply(data: Uint8Array, refund?: bigint): void;
  /** Answers with a reject; all attached cycles are refunded unless `refund` says otherwise. */
  reject(error: UserError, refund?: bigint): void;
}

export type ManagementMethodHandler = (call: ManagementCall, replica: Replica) => void;

export interface ManagementMethodOptions {
  /** Whether users may call the method with an ingress message (default: only canisters may). */
  allowIngress?: boolean;
}

export interface ManagementCanisterOptions {
  /** Seed of raw_rand's generator: the same seed replays the same random bytes (default 0). */
  seed?: Uint8Array | string | bigint | number;
  /** Charge the canister creation fee on create_canister (default true). */
  chargeCycles?: boolean;
  /** Restore the global timer when loading a snapshot (the replica does not for taken snapshots; default false). */
  restoreGlobalTimerOnLoad?: boolean;
  /** Let canisters call fetch_canister_logs in replicated mode (default false, as on mainnet). */
  allowCanisterLogFetch?: boolean;
  /** Snapshots per canister (default 10). */
  maxSnapshotsPerCanister?: number;
  /** Controllers per canister (default 10). */
  maxControllers?: number;
}

/** Methods another module implements; until registered they answer "not implemented yet". */
export const EXTERNALLY_IMPLEMENTED_METHODS = [
  'http_request',
  'flexible_http_request',
  'ecdsa_public_key',
  'sign_with_ecdsa',
  'schnorr_public_key',
  'sign_with_schnorr',
  'vetkd_public_key',
  'vetkd_derive_key',
] as const;

const MAX_ENVIRONMENT_VARIABLES = 20;
const MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH = 128;
const MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH = 128;
const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const MAX_WASM_MEMORY_LIMIT = 1n << 48n;
const SECONDS_PER_DAY = 86_400n;

type Permission =
  /** Only canisters (ingress refused by the ingress filter). */
  | 'canisters'
  /** Controllers of the canister in the payload (users pass the ingress filter only as controllers). */
  | 'controllers'
  /** Anyone (provisional methods: every principal is on the local whitelist). */
  | 'anyone'
  /** A non-replicated query only (fetch_canister_logs). */
  | 'query';

const PERMISSIONS: Record<C.ManagementMethodName, Permission> = {
  create_canister: 'canisters',
  update_settings: 'controllers',
  upload_chunk: 'controllers',
  clear_chunk_store: 'controllers',
  stored_chunks: 'controllers',
  install_code: 'controllers',
  install_chunked_code: 'controllers',
  uninstall_code: 'controllers',
  start_canister: 'controllers',
  stop_canister: 'controllers',
  canister_status: 'controllers',
  canister_info: 'canisters',
  delete_canister: 'controllers',
  deposit_cycles: 'canisters',
  raw_rand: 'canisters',
  provisional_create_canister_with_cycles: 'anyone',
  provisional_top_up_canister: 'anyone',
  take_canister_snapshot: 'controllers',
  load_canister_snapshot: 'controllers',
  list_canister_snapshots: 'controllers',
  delete_canister_snapshot: 'controllers',
  fetch_canister_logs: 'query',
};

interface PendingStop {
  origin: CallOrigin;
  cycles: bigint;
}

/** An answer produced by a built-in method: a reply (with the cycles it keeps) or nothing yet. */
type Outcome = { reply: Uint8Array; keep?: bigint } | { pending: true };

interface Ctx {
  sender: Principal;
  fromCanister: boolean;
  cycles: bigint;
  origin: CallOrigin;
  senderCanisterVersion: bigint | undefined;
}

export class ManagementCanister implements ManagementRequestHandler {
  readonly options: Required<Omit<ManagementCanisterOptions, 'seed'>>;
  readonly random: DeterministicRandom;
  readonly snapshots: CanisterSnapshots;
  private readonly external = new Map<string, { handler: ManagementMethodHandler; options: ManagementMethodOptions }>();
  private readonly chunkStores = new Map<string, ChunkStore>();
  private readonly histories = new Map<string, CanisterHistory>();
  private readonly pendingStops = new Map<string, PendingStop[]>();

  constructor(options: ManagementCanisterOptions = {}) {
    this.random = new DeterministicRandom(options.seed ?? 0);
    this.options = {
      chargeCycles: options.chargeCycles ?? true,
      restoreGlobalTimerOnLoad: options.restoreGlobalTimerOnLoad ?? false,
      allowCanisterLogFetch: options.allowCanisterLogFetch ?? false,
      maxSnapshotsPerCanister: options.maxSnapshotsPerCanister ?? 10,
      maxControllers: options.maxControllers ?? 10,
    };
    this.snapshots = new CanisterSnapshots(this.options.maxSnapshotsPerCanister);
  }

  /** Serves `method` with `handler` (HTTPS outcalls, threshold signatures, ...); replaces any previous one. */
  register(method: string, handler: ManagementMethodHandler, options: ManagementMethodOptions = {}): void {
    this.external.set(method, { handler, options });
  }

  /** The canister's Wasm chunk store (created on first use). */
  chunkStore(canisterId: Principal): ChunkStore {
    const key = canisterId.toText();
    let store = this.chunkStores.get(key);
    if (!store) {
      store = new ChunkStore();
      this.chunkStores.set(key, store);
    }
    return store;
  }

  /** The canister's change history (canister_info); empty for canisters created outside aaaaa-aa. */
  history(canisterId: Principal): CanisterHistory {
    const key = canisterId.toText();
    let h = this.histories.get(key);
    if (!h) {
      h = new CanisterHistory();
      this.histories.set(key, h);
    }
    return h;
  }

  // ------------------------------------------------------------------ entry points

  handle(req: CanisterRequest, replica: Replica): void {
    let answered = false;
    const answer = (result: CallResult, refund: bigint): void => {
      if (answered) return;
      answered = true;
      replica.respond(req.origin, result, refund);
    };
    const fromCanister = req.origin.kind === 'canister';
    const call: ManagementCall = {
      method: req.method,
      arg: req.arg,
      sender: req.sender,
      cycles: req.cycles,
      origin: req.origin,
      fromCanister,
      request: req,
      reply: (data, refund = req.cycles) => answer({ kind: 'reply', data }, refund),
      reject: (error, refund = req.cycles) => answer(rejectOf(error), refund),
    };
    try {
      const ext = this.external.get(req.method);
      if (ext) {
        if (!fromCanister && !ext.options.allowIngress) throw errors.onlyCanisters(req.method);
        ext.handler(call, replica);
        return;
      }
      if ((EXTERNALLY_IMPLEMENTED_METHODS as readonly string[]).includes(req.method)) {
        if (!fromCanister) throw errors.onlyCanisters(req.method);
        throw errors.notImplemented(req.method);
      }
      if (!isBuiltin(req.method)) throw errors.unknownMethod(req.method);
      const method = req.method;
      const args = decodeArgs(method, req.arg);
      const permission = PERMISSIONS[method];
      if (!fromCanister) this.ingressFilter(method, permission, args, req.sender, replica);
      else if (permission === 'query' && !this.options.allowCanisterLogFetch) throw errors.fetchLogsFromCanister();
      const ctx: Ctx = {
        sender: req.sender,
        fromCanister,
        cycles: req.cycles,
        origin: req.origin,
        senderCanisterVersion: this.checkSenderVersion(args, req.sender, fromCanister, replica),
      };
      const outcome = this.execute(method, args, ctx, replica);
      if ('pending' in outcome) {
        answered = true; // answered later by onRound or start_canister
        return;
      }
      call.reply(outcome.reply, req.cycles - (outcome.keep ?? 0n));
    } catch (e) {
      call.reject(asUserError(e));
    }
  }

  /** Answers stop_canister requests of canisters that have stopped: no open call contexts left. */
  onRound(replica: Replica): void {
    for (let i = 0; i < this.pendingInstalls.length; ) {
      const p = this.pendingInstalls[i] as (typeof this.pendingInstalls)[number];
      if (p.canister.isPaused) {
        i++;
        continue;
      }
      this.pendingInstalls.splice(i, 1);
      p.finish();
      replica.respond(p.origin, { kind: 'reply', data: C.encodeReply([], []) }, p.cycles);
    }
    for (const [key, pending] of [...this.pendingStops]) {
      const c = replica.findCanister(Principal.fromText(key));
      if (!c) {
        this.pendingStops.delete(key);
        continue;
      }
      if (c.status !== 'stopping' || c.hasOpenCallContexts()) continue;
      c.status = 'stopped';
      this.pendingStops.delete(key);
      const empty = C.encodeReply([], []);
      for (const p of pending) replica.respond(p.origin, { kind: 'reply', data: empty }, p.cycles);
    }
  }

  /**
   * A non-replicated (query) call to the management canister: fetch_canister_logs. The replica's
   * query path should route `query(aaaaa-aa, ...)` here.
   */
  query(method: string, arg: Uint8Array, sender: Principal, replica: Replica): CallResult {
    try {
      if (method !== 'fetch_canister_logs') {
        if (isBuiltin(method) || (EXTERNALLY_IMPLEMENTED_METHODS as readonly string[]).includes(method) || this.external.has(method)) {
          throw new UserError(ErrorCode.CanisterRejectedMessage, `Query method ${method} not found.`);
        }
        throw errors.unknownMethod(method);
      }
      const args = decodeArgs(method, arg) as { canister_id: Principal };
      return { kind: 'reply', data: this.fetchCanisterLogs(args.canister_id, sender, replica) };
    } catch (e) {
      return rejectOf(asUserError(e));
    }
  }

  /** fetch_canister_logs for `sender`, enforcing the canister's log visibility. */
  fetchCanisterLogs(canisterId: Principal, sender: Principal, replica: Replica): Uint8Array {
    const c = replica.findCanister(canisterId);
    if (!c) throw errors.ingressCanisterNotFound(canisterId.toText());
    if (!canReadLogs(c, sender)) throw errors.logsNotAllowed(sender);
    const records = c.log.all().map((r) => ({ idx: r.idx, timestamp_nanos: r.timestampNanos, content: r.content }));
    return C.encodeReply(C.managementMethods.fetch_canister_logs.ret, [{ canister_log_records: records }]);
  }

  // ------------------------------------------------------------------ checks

  /** What the replica's ingress filter refuses before a user's message is executed. */
  private ingressFilter(method: C.ManagementMethodName, permission: Permission, args: unknown, sender: Principal, replica: Replica): void {
    if (permission === 'canisters') throw errors.onlyCanisters(method);
    if (permission === 'query') throw errors.fetchLogsViaIngress();
    if (permission !== 'controllers') return;
    const id = effectiveCanisterId(method, args);
    const c = replica.findCanister(id);
    if (!c) throw errors.ingressCanisterNotFound(id.toText());
    if (!isController(c, sender)) throw errors.ingressNotController(id.toText(), method);
  }

  /** A canister caller's sender_canister_version must equal its canister version. */
  private checkSenderVersion(args: unknown, sender: Principal, fromCanister: boolean, replica: Replica): bigint | undefined {
    if (typeof args !== 'object' || args === null || !('sender_canister_version' in args)) return undefined;
    const given = opt((args as { sender_canister_version: Opt<bigint> }).sender_canister_version);
    if (given === undefined || !fromCanister) return given;
    const actual = replica.findCanister(sender)?.version;
    if (actual !== undefined && actual !== given) throw errors.senderCanisterVersion(given, actual);
    return given;
  }

  private canister(id: Principal, replica: Replica): Canister {
    const c = replica.findCanister(id);
    if (!c) throw errors.canisterNotFound(id.toText());
    return c;
  }

  /** The canister, if `sender` controls it (validate_controller); `allowSelf` for methods a canister may call on itself. */
  private controlled(id: Principal, ctx: Ctx, replica: Replica, allowSelf = false): Canister {
    const c = this.canister(id, replica);
    if (allowSelf && ctx.sender.toText() === c.idText) return c;
    if (!isController(c, ctx.sender)) throw errors.invalidController(c.idText, c.settings.controllers, ctx.sender);
    return c;
  }

  // ------------------------------------------------------------------ methods

  private execute(method: C.ManagementMethodName, args: unknown, ctx: Ctx, replica: Replica): Outcome {
    const a = args as Record<string, unknown>;
    const empty = (): Outcome => ({ reply: C.encodeReply([], []) });
    const ret = C.managementMethods[method].ret;
    const reply = (value: unknown, keep?: bigint): Outcome => ({ reply: C.encodeReply(ret, [value]), keep });
    switch (method) {
      case 'create_canister': {
        const settings = this.validateSettings(opt(a['settings'] as Opt<CanisterSettingsArg>));
        const fee = this.options.chargeCycles ? replica.fees.createCanister() : 0n;
        if (ctx.cycles < fee) throw errors.createNotEnoughCycles(ctx.cycles, fee);
        const id = this.createCanister(replica, ctx, settings, ctx.cycles - fee, undefined);
        return reply({ canister_id: id }, ctx.cycles);
      }
      case 'provisional_create_canister_with_cycles': {
        const settings = this.validateSettings(opt(a['settings'] as Opt<CanisterSettingsArg>));
        const amount = opt(a['amount'] as Opt<bigint>) ?? DEFAULT_CANISTER_CYCLES;
        const specified = opt(a['specified_id'] as Opt<Principal>);
        if (specified && replica.findCanister(specified)) throw errors.canisterAlreadyExists(specified.toText());
        const id = this.createCanister(replica, ctx, settings, amount, specified);
        return reply({ canister_id: id });
      }
      case 'provisional_top_up_canister': {
        const c = this.canister(a['canister_id'] as Principal, replica);
        c.balance += a['amount'] as bigint;
        return empty();
      }
      case 'deposit_cycles': {
        const c = this.canister(a['canister_id'] as Principal, replica);
        c.balance += ctx.cycles;
        return { reply: C.encodeReply([], []), keep: ctx.cycles };
      }
      case 'raw_rand':
        return reply(this.random.next32());
      case 'update_settings': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        const settings = this.validateSettings(a['settings'] as CanisterSettingsArg);
        c.settings = { ...c.settings, ...settings };
        c.version += 1n;
        if (settings.controllers) {
          this.record(c, ctx, replica, { controllers_change: { controllers: [...c.settings.controllers] } });
        }
        return empty();
      }
      case 'canister_status': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica, true);
        return reply(this.status(c, replica));
      }
      case 'canister_info': {
        const c = this.canister(a['canister_id'] as Principal, replica);
        const h = this.history(c.id);
        const n = Number(opt(a['num_requested_changes'] as Opt<bigint>) ?? 0n);
        return reply({
          total_num_changes: h.totalNumChanges,
          recent_changes: h.recent(Math.min(n, h.limit)),
          module_hash: c.moduleHash ? [c.moduleHash] : [],
          controllers: controllerSet(c.settings.controllers),
        });
      }
      case 'start_canister': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        const pending = this.pendingStops.get(c.idText) ?? [];
        this.pendingStops.delete(c.idText);
        for (const p of pending) replica.respond(p.origin, rejectOf(errors.stopCancelled(c.idText)), p.cycles);
        c.status = 'running';
        c.version += 1n;
        return empty();
      }
      case 'stop_canister': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        c.version += 1n;
        if (c.status === 'stopped') return empty();
        c.status = 'stopping';
        const list = this.pendingStops.get(c.idText) ?? [];
        list.push({ origin: ctx.origin, cycles: ctx.cycles });
        this.pendingStops.set(c.idText, list);
        return { pending: true };
      }
      case 'delete_canister': {
        const id = a['canister_id'] as Principal;
        if (ctx.fromCanister && ctx.sender.toText() === id.toText()) throw errors.deleteSelf(id.toText());
        const c = this.controlled(id, ctx, replica);
        if (c.status !== 'stopped') throw errors.deleteNotStopped(c.idText);
        replica.deleteCanister(c.id);
        this.snapshots.removeAll(c.id);
        this.chunkStores.delete(c.idText);
        this.histories.delete(c.idText);
        this.pendingStops.delete(c.idText);
        return empty();
      }
      case 'install_code': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        return this.install(c, a['mode'] as InstallModeArg, a['wasm_module'] as Uint8Array, a['arg'] as Uint8Array, ctx, replica);
      }
      case 'install_chunked_code': {
        const target = this.controlled(a['target_canister'] as Principal, ctx, replica);
        const storeId = opt(a['store_canister'] as Opt<Principal>) ?? target.id;
        const storeCanister = this.controlled(storeId, ctx, replica, true);
        const wasm = this.assemble(storeCanister, a['chunk_hashes_list'] as Array<{ hash: Uint8Array }>, a['wasm_module_hash'] as Uint8Array);
        return this.install(target, a['mode'] as InstallModeArg, wasm, a['arg'] as Uint8Array, ctx, replica);
      }
      case 'uninstall_code': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        this.uninstall(c, replica);
        this.record(c, ctx, replica, { code_uninstall: null });
        return empty();
      }
      case 'upload_chunk': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica, true);
        try {
          return reply({ hash: this.chunkStore(c.id).insert(a['chunk'] as Uint8Array) });
        } catch (e) {
          if (e instanceof ChunkStoreError) throw errors.chunkStore(e.message);
          throw e;
        }
      }
      case 'clear_chunk_store': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica, true);
        this.chunkStore(c.id).clear();
        return empty();
      }
      case 'stored_chunks': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica, true);
        return reply(this.chunkStore(c.id).hashes().map((hash) => ({ hash })));
      }
      case 'take_canister_snapshot': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        // A long (DTS) execution in progress: the replica's LongExecutionAlreadyInProgress.
        if (c.isPaused) throw new UserError(ErrorCode.CanisterRejectedMessage, `The canister ${c.idText} is currently executing a long-running message.`);
        const replace = opt(a['replace_snapshot'] as Opt<Uint8Array>);
        if (replace) this.ownSnapshot(c, replace);
        else if (this.snapshots.count(c.id) >= this.snapshots.limitPerCanister) {
          throw errors.snapshotLimit(c.idText, this.snapshots.limitPerCanister);
        }
        const state = c.captureExecutionState();
        if (!state) throw errors.snapshotOfEmptyCanister(c.idText);
        if (replace) this.snapshots.remove(replace);
        const chunkStore = this.chunkStore(c.id).clone();
        const id = this.snapshots.newId(c.id);
        const snapshot: CanisterSnapshot = {
          id,
          idHex: toHex(id),
          canisterId: c.id,
          takenAtNanos: replica.clock.now(),
          canisterVersion: c.version,
          state,
          chunkStore,
          totalSize: snapshotSize(state, chunkStore),
        };
        this.snapshots.add(snapshot);
        return reply(snapshotRecord(snapshot));
      }
      case 'load_canister_snapshot': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        // A long (DTS) execution in progress: the replica's LongExecutionAlreadyInProgress.
        if (c.isPaused) throw new UserError(ErrorCode.CanisterRejectedMessage, `The canister ${c.idText} is currently executing a long-running message.`);
        const snapshotId = a['snapshot_id'] as Uint8Array;
        const snapshot = this.snapshots.get(snapshotId);
        if (!snapshot) throw errors.snapshotNotFound(c.idText, toHex(snapshotId));
        if (snapshot.canisterId.toText() !== c.idText) {
          const owner = replica.findCanister(snapshot.canisterId);
          if (!owner) throw errors.canisterNotFound(snapshot.canisterId.toText());
          if (!isController(owner, ctx.sender)) throw errors.invalidController(owner.idText, owner.settings.controllers, ctx.sender);
        }
        c.restoreExecutionState(snapshot.state, { restoreGlobalTimer: this.options.restoreGlobalTimerOnLoad });
        this.chunkStores.set(c.idText, snapshot.chunkStore.clone());
        c.version += 1n;
        this.record(c, ctx, replica, {
          load_snapshot: {
            canister_version: snapshot.canisterVersion,
            snapshot_id: snapshot.id,
            taken_at_timestamp: snapshot.takenAtNanos,
            source: { taken_from_canister: null },
          },
        });
        return empty();
      }
      case 'list_canister_snapshots': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        return reply(this.snapshots.list(c.id).map(snapshotRecord));
      }
      case 'delete_canister_snapshot': {
        const c = this.controlled(a['canister_id'] as Principal, ctx, replica);
        const id = a['snapshot_id'] as Uint8Array;
        this.ownSnapshot(c, id);
        this.snapshots.remove(id);
        return empty();
      }
      case 'fetch_canister_logs':
        return { reply: this.fetchCanisterLogs(a['canister_id'] as Principal, ctx.sender, replica) };
    }
  }

  private createCanister(
    replica: Replica,
    ctx: Ctx,
    settings: Partial<CanisterSettings>,
    cycles: bigint,
    specifiedId: Principal | undefined,
  ): Principal {
    const controllers = settings.controllers ?? [ctx.sender];
    const id = replica.createCanister({
      controllers,
      cycles,
      sender: ctx.sender,
      specifiedId,
      settings: { ...settings, controllers: controllerSet(controllers) },
      // A canister creates canisters on its own subnet; a user on the default subnet.
      subnet: replica.findCanister(ctx.sender) ? replica.subnetOf(ctx.sender) : undefined,
    });
    const c = replica.canister(id);
    this.histories.delete(c.idText);
    this.record(c, ctx, replica, { creation: { controllers: controllerSet(c.settings.controllers), environment_variables_hash: [] } });
    return id;
  }

  private install(c: Canister, modeArg: InstallModeArg, wasm: Uint8Array, arg: Uint8Array, ctx: Ctx, replica: Replica): Outcome {
    let mode: InstallMode;
    let skipPreUpgrade: boolean | undefined;
    let wasmMemoryPersistence: 'keep' | 'replace' | undefined;
    if ('install' in modeArg) mode = 'install';
    else if ('reinstall' in modeArg) mode = 'reinstall';
    else {
      mode = 'upgrade';
      const options = opt(modeArg.upgrade);
      skipPreUpgrade = opt(options?.skip_pre_upgrade ?? []);
      const persistence = opt(options?.wasm_memory_persistence ?? []);
      if (persistence) wasmMemoryPersistence = 'keep' in persistence ? 'keep' : 'replace';
    }
    const hadModule = c.installedModule !== undefined;
    const { rounds } = replica.installCode({
      canisterId: c.id,
      wasm,
      arg,
      mode,
      sender: ctx.sender,
      skipPreUpgrade,
      wasmMemoryPersistence,
      timeSliced: true,
    });
    const finish = () => {
      // Logs are purged when the canister is reinstalled (IC spec, fetch_canister_logs).
      if (mode === 'reinstall' && hadModule) c.log.clear();
      this.record(c, ctx, replica, {
        code_deployment: { mode: { [mode]: null } as { install: null }, module_hash: c.moduleHash ?? new Uint8Array(32) },
      });
    };
    if (rounds <= 1) {
      finish();
      return { reply: C.encodeReply([], []) };
    }
    // A long install (deterministic time slicing): answered when its last slice completes.
    this.pendingInstalls.push({ canister: c, origin: ctx.origin, cycles: ctx.cycles, finish });
    return { pending: true };
  }

  /** install_code requests whose long execution is still running. */
  private readonly pendingInstalls: Array<{ canister: Canister; origin: CallOrigin; cycles: bigint; finish: () => void }> = [];

  /** uninstall_code: the module and state go, open call contexts are rejected, logs are purged. */
  private uninstall(c: Canister, replica: Replica): void {
    for (const ctx of c.calls.contexts.values()) {
      if (ctx.responded) continue;
      ctx.responded = true;
      replica.respond(
        ctx.origin,
        rejectOf(new UserError(ErrorCode.CanisterRejectedMessage, 'Canister has been uninstalled.')),
        ctx.cyclesAvailable,
      );
      ctx.cyclesAvailable = 0n;
    }
    c.uninstall();
    c.log.clear();
  }

  /** Assembles a module from the store's chunks and checks its hash. */
  private assemble(store: Canister, hashes: Array<{ hash: Uint8Array }>, expected: Uint8Array): Uint8Array {
    if (expected.length !== 32) throw errors.contractViolation(`Invalid wasm hash ${debugBytes(expected)}`);
    const chunks = this.chunkStore(store.id);
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const { hash } of hashes) {
      if (hash.length !== 32) throw errors.chunkStore('Chunk hash is invalid. The length is not 32');
      const data = chunks.get(hash);
      if (!data) throw errors.chunkStore(`Chunk hash ${debugBytes(hash)} was not found`);
      parts.push(data);
      length += data.length;
    }
    const wasm = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      wasm.set(p, at);
      at += p.length;
    }
    const actual = sha256(wasm);
    if (toHex(actual) !== toHex(expected)) {
      throw errors.chunkStore(`Wasm module hash ${debugBytes(actual)} does not match given hash ${debugBytes(expected)}`);
    }
    return wasm;
  }

  /** The snapshot, if it exists and belongs to `c` (get_snapshot). */
  private ownSnapshot(c: Canister, id: Uint8Array): CanisterSnapshot {
    const s = this.snapshots.get(id);
    if (!s) throw errors.snapshotNotFound(c.idText, toHex(id));
    if (s.canisterId.toText() !== c.idText) throw errors.snapshotInvalidOwnership(c.idText, toHex(id));
    return s;
  }

  private record(c: Canister, ctx: Ctx, replica: Replica, details: ChangeDetails): void {
    this.history(c.id).add({
      timestamp_nanos: replica.clock.now(),
      canister_version: c.version,
      origin: changeOrigin(ctx.sender, ctx.fromCanister, ctx.senderCanisterVersion),
      details,
    });
  }

  /** Checks a canister_settings record and turns it into the fields to change. */
  private validateSettings(s: CanisterSettingsArg | undefined): Partial<CanisterSettings> {
    const out: Partial<CanisterSettings> = {};
    if (!s) return out;
    const compute = opt(s.compute_allocation);
    if (compute !== undefined) {
      if (compute > 100n) throw errors.contractViolation(`ComputeAllocation expected to be in the range [0..100], got ${compute}`);
      out.computeAllocation = compute;
    }
    const memory = opt(s.memory_allocation);
    if (memory !== undefined) {
      if (memory > MAX_WASM_MEMORY_LIMIT) {
        throw errors.contractViolation(`MemoryAllocation expected to be in the range [0..${MAX_WASM_MEMORY_LIMIT}], got ${memory}`);
      }
      out.memoryAllocation = memory;
    }
    const freezing = opt(s.freezing_threshold);
    if (freezing !== undefined) {
      if (freezing > U64_MAX) throw errors.contractViolation(`Freezing threshold expected to be in the range of [0..2^64-1], got ${freezing}`);
      out.freezingThreshold = freezing;
    }
    const reserved = opt(s.reserved_cycles_limit);
    if (reserved !== undefined) {
      if (reserved > U128_MAX) throw errors.contractViolation(`Reserved cycles limit expected to be in the range of [0..2^128-1], got ${reserved}`);
      out.reservedCyclesLimit = reserved;
    }
    const limit = opt(s.wasm_memory_limit);
    if (limit !== undefined) {
      if (limit > MAX_WASM_MEMORY_LIMIT) throw errors.contractViolation(`Wasm memory limit expected to be in the range of [0..2^64-1], got ${limit}`);
      out.wasmMemoryLimit = limit;
    }
    const threshold = opt(s.wasm_memory_threshold);
    if (threshold !== undefined) {
      if (threshold > U64_MAX) throw errors.contractViolation(`Wasm memory threshold expected to be in the range of [0..2^64-1], got ${threshold}`);
      out.wasmMemoryThreshold = threshold;
    }
    const env = opt(s.environment_variables);
    if (env !== undefined) {
      const names = new Set(env.map((e) => e.name));
      if (names.size !== env.length) throw errors.invalidPayload('Duplicate environment variables are not allowed');
      if (env.length > MAX_ENVIRONMENT_VARIABLES) {
        throw errors.invalidPayload(`Too many environment variables: ${env.length} (max: ${MAX_ENVIRONMENT_VARIABLES})`);
      }
      for (const { name, value } of env) {
        if (name.length > MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH) {
          throw errors.invalidPayload(
            `Environment variable name "${name}" exceeds the maximum allowed length of ${MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH}.`,
          );
        }
        if (value.length > MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH) {
          throw errors.invalidPayload(
            `Environment variable value "${value}" exceeds the maximum allowed length of ${MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH}.`,
          );
        }
      }
      out.environmentVariables = env.map((e) => [e.name, e.value] as [string, string]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    }
    const controllers = opt(s.controllers) as Principal[] | undefined;
    if (controllers !== undefined) {
      if (controllers.length > this.options.maxControllers) {
        throw errors.invalidSettings(`Invalid settings: 'controllers' length exceeds maximum size allowed of ${this.options.maxControllers}.`);
      }
      out.controllers = controllerSet(controllers);
    }
    const visibility = opt(s.log_visibility);
    if (visibility !== undefined) out.logVisibility = logVisibilityOf(visibility);
    return out;
  }

  private status(c: Canister, replica: Replica): unknown {
    const s = c.settings;
    const heap = BigInt(c.heapBytes());
    const instance = c.liveInstance();
    const stable = c.installedModule ? c.stableMemory().sizePages() * 65536n : 0n;
    const module = c.installedModule;
    const binary = BigInt(module?.size ?? 0);
    const globals = BigInt((instance?.globalValues().length ?? 0) * 8);
    let custom = 0n;
    if (module) {
      for (const [name, v] of module.publicMetadata) custom += BigInt(name.length + v.length);
      for (const [name, v] of module.privateMetadata) custom += BigInt(name.length + v.length);
    }
    const history = this.history(c.id).memoryBytes();
    const chunks = this.chunkStore(c.id).memoryBytes();
    const snapshots = this.snapshots.memoryBytes(c.id);
    const memory = heap + stable + globals + binary + custom + history + chunks + snapshots;
    const fees = replica.fees;
    const idlePerDay =
      fees.storage(memory, SECONDS_PER_DAY) + fees.scale(s.computeAllocation * fees.config.computePercentAllocatedPerSecondFee * SECONDS_PER_DAY);
    const q = c.queryStats;
    return {
      status: { [c.status]: null },
      ready_for_migration: false,
      version: c.version,
      settings: {
        controllers: controllerSet(s.controllers),
        compute_allocation: s.computeAllocation,
        memory_allocation: s.memoryAllocation,
        freezing_threshold: s.freezingThreshold,
        reserved_cycles_limit: s.reservedCyclesLimit,
        log_visibility: logVisibilityArg(s.logVisibility),
        wasm_memory_limit: s.wasmMemoryLimit,
        wasm_memory_threshold: s.wasmMemoryThreshold,
        environment_variables: s.environmentVariables.map(([name, value]) => ({ name, value })),
      },
      module_hash: c.moduleHash ? [c.moduleHash] : [],
      memory_size: memory,
      memory_metrics: {
        wasm_memory_size: heap,
        stable_memory_size: stable,
        global_memory_size: globals,
        wasm_binary_size: binary,
        custom_sections_size: custom,
        canister_history_size: history,
        wasm_chunk_store_size: chunks,
        snapshots_size: snapshots,
      },
      cycles: c.balance,
      reserved_cycles: 0n,
      idle_cycles_burned_per_day: idlePerDay,
      query_stats: {
        num_calls_total: q.numCallsTotal,
        num_instructions_total: q.numInstructionsTotal,
        request_payload_bytes_total: q.requestPayloadBytesTotal,
        response_payload_bytes_total: q.responsePayloadBytesTotal,
      },
    };
  }
}

// ------------------------------------------------------------------ helpers

function isBuiltin(method: string): method is C.ManagementMethodName {
  return Object.prototype.hasOwnProperty.call(C.managementMethods, method);
}

function decodeArgs(method: C.ManagementMethodName, arg: Uint8Array): unknown {
  const types = C.managementMethods[method].arg as IDL.Type[];
  let values: unknown[];
  try {
    values = IDL.decode(types, arg) as unknown[];
  } catch (e) {
    throw errors.decode(method, e);
  }
  return types.length === 0 ? undefined : values[0];
}

/** The canister a user's message is about (the ingress filter's effective canister id). */
function effectiveCanisterId(method: C.ManagementMethodName, args: unknown): Principal {
  const a = args as Record<string, unknown>;
  return (method === 'install_chunked_code' ? a['target_canister'] : a['canister_id']) as Principal;
}

function isController(c: Canister, p: Principal): boolean {
  const text = p.toText();
  return c.settings.controllers.some((x) => x.toText() === text);
}

function canReadLogs(c: Canister, p: Principal): boolean {
  const v = c.settings.logVisibility;
  if (v.kind === 'public') return true;
  if (isController(c, p)) return true;
  return v.kind === 'allowed_viewers' && v.principals.some((x) => x.toText() === p.toText());
}

function logVisibilityOf(v: C.LogVisibilityArg): LogVisibility {
  if ('public' in v) return { kind: 'public' };
  if ('allowed_viewers' in v) return { kind: 'allowed_viewers', principals: v.allowed_viewers as Principal[] };
  return { kind: 'controllers' };
}

function logVisibilityArg(v: LogVisibility): C.LogVisibilityArg {
  if (v.kind === 'public') return { public: null };
  if (v.kind === 'allowed_viewers') return { allowed_viewers: v.principals };
  return { controllers: null };
}

function snapshotRecord(s: CanisterSnapshot): { id: Uint8Array; taken_at_timestamp: bigint; total_size: bigint } {
  return { id: s.id, taken_at_timestamp: s.takenAtNanos, total_size: s.totalSize };
}

function rejectOf(error: UserError): CallResult {
  return { kind: 'reject', code: error.rejectCode, message: error.description, error };
}

function asUserError(e: unknown): UserError {
  if (e instanceof UserError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new UserError(ErrorCode.CanisterRejectedMessage, message);
}

/** Bytes as Rust's Debug prints a byte slice: [1, 2, 3]. */
function debugBytes(b: Uint8Array): string {
  return `[${[...b].join(', ')}]`;
}
