// One PocketIC instance: a Replica with PocketIC's subnets, plus what the REST API needs around it —
// ingress message ids as PocketIC returns them (32 bytes), routing of canister creation to the
// subnet an effective principal names, PocketIC's time rules (no setting time into the past), and
// auto progress (rounds and wall-clock time on a timer).
import { createHash } from 'node:crypto';
import { Principal } from '@dfinity/principal';
import { DEFAULT_START_TIME_NANOS, ErrorCode, MANAGEMENT_CANISTER_ID, Replica, StablePageStore, UserError, type CallResult, type Canister, type Subnet, toHex as hex } from '@mockic/runtime';
import { PocketApiError, badRequest, type EffectivePrincipal, type JsonValue } from './pocket-json.ts';
import { planSubnets, replicaSubnetsOf, type PlannedSubnet } from './subnet-topology.ts';

export interface PocketInstanceOptions {
  /** The `subnet_config_set` of the create request (default: one application subnet). */
  subnetConfigSet?: JsonValue;
  /** Start time in nanoseconds since 1970 (default: PocketIC's genesis, 2021-05-06T19:17:10Z). */
  time?: bigint;
  /** Seed of the instance's randomness (raw_rand, threshold keys). */
  seed?: string;
}

/** A canister call as the REST API carries it (RawCanisterCall, decoded). */
export interface PocketCall {
  sender: Principal;
  canisterId: Principal;
  method: string;
  payload: Uint8Array;
  effectivePrincipal: EffectivePrincipal;
}

export type SubmitOutcome = { ok: true; messageId: Uint8Array; effectivePrincipal: EffectivePrincipal } | { ok: false; error: UserError };

const MAX_AWAIT_ROUNDS = 10_000;
const CREATE_METHODS = new Set(['provisional_create_canister_with_cycles', 'create_canister']);

export class PocketInstance {
  readonly id: number;
  readonly replica: Replica;
  readonly plan: PlannedSubnet[];
  private messages = 0;
  /** Ingress messages creating canisters on a given subnet (by the effective principal), by message id. */
  private readonly createTargets = new Map<string, Subnet>();
  private progressTimer: NodeJS.Timeout | undefined;

  private constructor(id: number, replica: Replica, plan: PlannedSubnet[]) {
    this.id = id;
    this.replica = replica;
    this.plan = plan;
    this.routeCreationsBySubnet();
  }

  /** Creates the instance's replica. Throws PocketApiError(400) for a topology it cannot build. */
  static async create(id: number, options: PocketInstanceOptions = {}): Promise<PocketInstance> {
    const plan = planSubnets(options.subnetConfigSet ?? { application: [{ state_config: 'New', instruction_config: 'Production' }] });
    const seed = options.seed ?? `pocket instance ${id}`;
    const replica = await Replica.create({
      subnets: replicaSubnetsOf(plan, seed),
      // PocketIC moves the clock one nanosecond per subnet it creates.
      time: options.time ?? DEFAULT_START_TIME_NANOS + BigInt(plan.length),
      seed,
    });
    return new PocketInstance(id, replica, plan);
  }

  // ------------------------------------------------------------------ calls

  /** submit_ingress_message: validates the call and queues it for the next round. */
  submit(call: PocketCall): SubmitOutcome {
    const target = principalText(call.canisterId);
    let createOn: Subnet | undefined;
    if (target === MANAGEMENT_CANISTER_ID) {
      const ep = call.effectivePrincipal;
      if (ep.kind === 'subnet') {
        createOn = this.replica.subnets.find((s) => s.id.compareTo(ep.id) === 'eq');
        if (!createOn) return { ok: false, error: new UserError(ErrorCode.SubnetNotFound, `Subnet ${ep.id.toText()} not found`) };
      } else if (ep.kind === 'canister') {
        createOn = this.replica.subnetOf(ep.id);
        if (!createOn) {
          return { ok: false, error: new UserError(ErrorCode.CanisterNotFound, `Canister ${ep.id.toText()} does not belong to any subnet.`) };
        }
      }
    } else {
      const canister = this.replica.findCanister(call.canisterId);
      if (!canister) return { ok: false, error: new UserError(ErrorCode.CanisterNotFound, `Canister ${target} not found`) };
      const refused = inspect(canister, call);
      if (refused) return { ok: false, error: refused };
    }
    const messageId = this.nextMessageId(call);
    const key = hex(messageId);
    if (createOn && CREATE_METHODS.has(call.method)) this.createTargets.set(key, createOn);
    this.replica.submitIngress(call.canisterId, call.method, call.payload, { sender: call.sender, messageId: key });
    const effectivePrincipal: EffectivePrincipal =
      call.effectivePrincipal.kind === 'none' && target !== MANAGEMENT_CANISTER_ID ? { kind: 'canister', id: call.canisterId } : call.effectivePrincipal;
    return { ok: true, messageId, effectivePrincipal };
  }

  /** The result of an ingress message, or undefined while it runs (or when there is no such message). */
  ingressResult(messageId: Uint8Array): CallResult | undefined {
    return this.replica.ingressStatus(hex(messageId))?.result;
  }

  /** await_ingress_message: runs rounds until the message completes. */
  awaitIngress(messageId: Uint8Array): CallResult {
    const key = hex(messageId);
    if (!this.replica.ingressStatus(key)) throw badRequest(`Ingress message ${key} not found`);
    for (let i = 0; i < MAX_AWAIT_ROUNDS; i++) {
      const r = this.replica.ingressStatus(key)?.result;
      if (r) return r;
      this.replica.tick();
    }
    const error = new UserError(ErrorCode.IngressMessageTimeout, `Ingress message ${key} did not complete within ${MAX_AWAIT_ROUNDS} rounds`);
    return { kind: 'reject', code: error.rejectCode, message: error.description, error };
  }

  /** A query call (nothing commits). */
  query(call: PocketCall): CallResult {
    if (principalText(call.canisterId) !== MANAGEMENT_CANISTER_ID && !this.replica.findCanister(call.canisterId)) {
      const error = new UserError(ErrorCode.CanisterNotFound, `Canister ${principalText(call.canisterId)} not found`);
      return { kind: 'reject', code: error.rejectCode, message: error.description, error };
    }
    return this.replica.queryResult(call.canisterId, call.method, call.payload, { sender: call.sender }).result;
  }

  // ------------------------------------------------------------------ time and rounds

  get time(): bigint {
    return this.replica.time;
  }

  /** set_time: PocketIC refuses to move time backwards. */
  setTime(nanos: bigint): void {
    const now = this.replica.time;
    if (nanos < now) throw badRequest(`SettingTimeIntoPast((${now}, ${nanos}))`);
    if (nanos > now) this.replica.setTime(nanos);
  }

  tick(): void {
    this.replica.tick();
  }

  get autoProgress(): boolean {
    return this.progressTimer !== undefined;
  }

  /** auto_progress: follow the wall clock and execute a round every `intervalMs`. */
  startAutoProgress(intervalMs = 100): void {
    this.stopAutoProgress();
    const step = (): void => {
      const wall = BigInt(Date.now()) * 1_000_000n;
      if (wall > this.replica.time) this.replica.setTime(wall);
      try {
        this.replica.tick();
      } catch {
        // a failing round must not kill the server; the next one tries again
      }
    };
    step();
    this.progressTimer = setInterval(step, Math.max(1, intervalMs));
    this.progressTimer.unref();
  }

  stopAutoProgress(): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = undefined;
  }

  // ------------------------------------------------------------------ canister state

  /** The canister, or PocketIC's CanisterNotFound error (400). */
  canister(id: Principal): Canister {
    const c = this.replica.findCanister(id);
    if (!c) throw new PocketApiError(400, `CanisterNotFound(CanisterId(${id.toText()}))`);
    return c;
  }

  addCycles(id: Principal, amount: bigint): bigint {
    const c = this.canister(id);
    c.balance += amount;
    return c.balance;
  }

  stableMemory(id: Principal): Uint8Array {
    const c = this.canister(id);
    if (!c.installedModule) return new Uint8Array();
    const stable = c.stableMemory();
    if (stable instanceof StablePageStore) return stable.readAll();
    const out = new Uint8Array(Number(stable.sizePages()) * 65536);
    stable.read(0n, out);
    return out;
  }

  setStableMemory(id: Principal, bytes: Uint8Array): void {
    const c = this.canister(id);
    const stable = c.stableMemory();
    if (stable instanceof StablePageStore) {
      stable.replaceAll(bytes);
    } else {
      const pages = BigInt(Math.ceil(bytes.length / 65536));
      if (stable.sizePages() < pages) stable.grow(pages - stable.sizePages());
      stable.write(0n, bytes);
    }
    stable.commit();
  }

  /** The subnet hosting an existing canister. */
  subnetOfCanister(id: Principal): Subnet | undefined {
    return this.replica.findCanister(id) ? this.replica.subnetOf(id) : undefined;
  }

  close(): void {
    this.stopAutoProgress();
  }

  // ------------------------------------------------------------------ internals

  /**
   * A user's provisional_create_canister_with_cycles goes to the runtime's default subnet; PocketIC
   * sends it to the subnet of the call's effective principal. The management canister asks the
   * replica for its default subnet while it handles the request, so for such a message the default
   * is the target subnet, and only for the duration of that call.
   */
  private routeCreationsBySubnet(): void {
    const management = this.replica.managementCanister;
    const handle = management.handle.bind(management);
    const replica = this.replica;
    management.handle = (req, r) => {
      const target = req.origin.kind === 'ingress' ? this.createTargets.get(req.origin.messageId) : undefined;
      if (!target || req.origin.kind !== 'ingress') return handle(req, r);
      this.createTargets.delete(req.origin.messageId);
      replica.defaultSubnet = () => target;
      try {
        handle(req, r);
      } finally {
        Reflect.deleteProperty(replica, 'defaultSubnet');
      }
    };
  }

  /** 32 bytes, like the IC's request ids: unique per instance and message. */
  private nextMessageId(call: PocketCall): Uint8Array {
    const h = createHash('sha256');
    h.update(`mockic pocket ${this.id} ${++this.messages} ${call.method}`);
    h.update(call.sender.toUint8Array());
    h.update(call.canisterId.toUint8Array());
    return new Uint8Array(h.digest());
  }
}


function principalText(p: Principal): string {
  return p.toText();
}

/** The ingress checks before induction: the method must exist, and canister_inspect_message accept. */
function inspect(canister: Canister, call: PocketCall): UserError | undefined {
  if (!canister.installedModule) return undefined; // answered at execution (no Wasm module)
  const kind = canister.methodKind(call.method);
  if (kind === undefined) return canister.methodNotFound('update', call.method);
  const r = canister.inspect(call.method, call.payload, call.sender);
  if (r.accepted) return undefined;
  return r.error ?? new UserError(ErrorCode.CanisterRejectedMessage, `Error from Canister ${canister.idText}: Canister rejected the message`);
}
