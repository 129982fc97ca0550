// PocketIc in-process: @dfinity/pic 0.16's PocketIc class (same methods, arguments, results and
// errors) over a PocketInstance — the same replica, subnet topology, canister id ranges and time rules
// the PocketIC-compatible server uses — with no server and nothing to download.
//
// Where pic-js talks to the server, this class does what the server would do for that request:
//   - update calls are submitted, then awaited the way pic-js's client awaits them (a round, then the
//     ingress status, at most 100 times), so rounds advance exactly as with pic-js;
//   - a rejected call throws pic-js's `Canister call failed: … Reject code: … Error code: …
//     Certified: …` error; a refused request (unknown canister, time into the past, …) throws an Error
//     with the message the server answers with; every method of a torn-down instance throws
//     `Instance was deleted`.
import { readFile } from 'node:fs/promises';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { canisterIdFromIndex, type CallResult, type RejectCode } from '@mockic/runtime';
import {
  createActorClass,
  createDeferredActorClass,
  decodeCandid,
  type Actor,
  type ActorCall,
  type ActorCallClient,
  type ActorInterface,
  type DeferredActor,
} from './pocket-ic-actor.ts';
import { TopologyValidationError } from './pocket-ic-errors.ts';
import type {
  ApplicationSubnetConfig,
  BytesLike,
  CanisterFixture,
  CreateCanisterOptions,
  CreateInstanceOptions,
  HttpsOutcallResponseMock,
  InstallCodeOptions,
  MockPendingHttpsOutcallOptions,
  PendingHttpsOutcall,
  QueryCallOptions,
  ReinstallCodeOptions,
  SetupCanisterOptions,
  StartCanisterOptions,
  StopCanisterOptions,
  SubnetConfig,
  SubnetTopology,
  SubnetType,
  UpdateCallOptions,
  UpdateCanisterSettingsOptions,
  UpgradeCanisterOptions,
} from './pocket-ic-types.ts';
import { deployIcpFeatures, icpFeaturesJson, icpFeaturesOf, withFeatureSubnets } from './icp-features.ts';
import { PocketInstance } from './pocket-instance.ts';
import { PocketApiError, rejectOfResult, rejectOfUserError, type EffectivePrincipal, type JsonValue, type RawRejectResponse } from './pocket-json.ts';
import type { CanisterIdRange, PlannedSubnet, PocketSubnetKind } from './subnet-topology.ts';

const MANAGEMENT_CANISTER_ID = Principal.fromText('aaaaa-aa');
/** pic-js's client ticks and polls the ingress status this many times before giving up. */
const AWAIT_INGRESS_STATUS_ROUNDS = 100;
const DEFAULT_CYCLES = 1_000_000_000_000_000_000n;

// ------------------------------------------------------------------ management canister Candid (as pic-js encodes it)

const CanisterSettingsIdl = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  reserved_cycles_limit: IDL.Opt(IDL.Nat),
});
const CreateCanisterRequest = IDL.Record({
  settings: IDL.Opt(CanisterSettingsIdl),
  amount: IDL.Opt(IDL.Nat),
  specified_id: IDL.Opt(IDL.Principal),
});
const CreateCanisterResponse = IDL.Record({ canister_id: IDL.Principal });
const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });
const UpgradeOptions = IDL.Record({
  skip_pre_upgrade: IDL.Opt(IDL.Bool),
  wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
});
const InstallCodeRequest = IDL.Record({
  arg: IDL.Vec(IDL.Nat8),
  wasm_module: IDL.Vec(IDL.Nat8),
  mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Opt(UpgradeOptions) }),
  canister_id: IDL.Principal,
});
const UpdateSettingsRequest = IDL.Record({ canister_id: IDL.Principal, settings: CanisterSettingsIdl });

function optional<T>(value: T | null | undefined): [] | [T] {
  return value === null || value === undefined ? [] : [value];
}

function settingsOf(s: {
  controllers?: Principal[] | undefined;
  computeAllocation?: bigint | undefined;
  memoryAllocation?: bigint | undefined;
  freezingThreshold?: bigint | undefined;
  reservedCyclesLimit?: bigint | undefined;
}) {
  return {
    controllers: optional(s.controllers),
    compute_allocation: optional(s.computeAllocation),
    memory_allocation: optional(s.memoryAllocation),
    freezing_threshold: optional(s.freezingThreshold),
    reserved_cycles_limit: optional(s.reservedCyclesLimit),
  };
}

function encode(type: IDL.Type, value: unknown): Uint8Array {
  return new Uint8Array(IDL.encode([type], [value]));
}

/** `new Uint8Array(x)` as pic-js copies its byte arguments, also for typed arrays and DataViews. */
function bytesOf(value: BytesLike): Uint8Array {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  return new Uint8Array(value.slice(0));
}

async function wasmBytes(wasm: BytesLike | string): Promise<Uint8Array> {
  return typeof wasm === 'string' ? new Uint8Array(await readFile(wasm)) : bytesOf(wasm);
}

// ------------------------------------------------------------------ create options → subnet_config_set

function encodeSubnetConfig(config: SubnetConfig | undefined): JsonValue | undefined {
  if (config === null || config === undefined) return undefined;
  const state = config.state as { type: string; path?: string };
  const instruction_config = config.enableBenchmarkingInstructionLimits === true ? 'Benchmarking' : 'Production';
  const dts_flag = config.enableDeterministicTimeSlicing === false ? 'Disabled' : 'Enabled';
  switch (state.type) {
    case 'new':
      return { dts_flag, instruction_config, state_config: 'New' };
    case 'fromPath':
      return { dts_flag, instruction_config, state_config: { FromPath: state.path ?? '' } };
    default:
      throw new Error(`Unknown subnet state type: ${String(config.state)}`);
  }
}

function encodeManySubnetConfigs(configs: SubnetConfig[] = []): JsonValue[] {
  return configs.map(encodeSubnetConfig).filter((c): c is JsonValue => c !== undefined);
}

/** pic-js's encodeCreateInstanceRequest: the subnet_config_set (an application subnet unless given `application: []`). */
function subnetConfigSetOf(options: CreateInstanceOptions | undefined): { [key: string]: JsonValue } {
  const defaultApplication: ApplicationSubnetConfig = { state: { type: 'new' } };
  const o: CreateInstanceOptions = options ?? { application: [defaultApplication] };
  const set = {
    nns: encodeSubnetConfig(o.nns),
    sns: encodeSubnetConfig(o.sns),
    ii: encodeSubnetConfig(o.ii),
    fiduciary: encodeSubnetConfig(o.fiduciary),
    bitcoin: encodeSubnetConfig(o.bitcoin),
    system: encodeManySubnetConfigs(o.system),
    application: encodeManySubnetConfigs(o.application ?? [defaultApplication]),
    verified_application: encodeManySubnetConfigs(o.verifiedApplication),
  };
  const named = [set.nns, set.sns, set.ii, set.fiduciary, set.bitcoin].some((c) => c !== undefined);
  if (!named && set.system.length === 0 && set.application.length === 0) throw new TopologyValidationError();
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(set)) if (v !== undefined) out[k] = v;
  return out;
}

const SUBNET_TYPES: Partial<Record<PocketSubnetKind, SubnetType>> = {
  Application: 'Application',
  Bitcoin: 'Bitcoin',
  Fiduciary: 'Fiduciary',
  II: 'II',
  NNS: 'NNS',
  SNS: 'SNS',
  System: 'System',
};

/** pic-js's decodeSubnetKind (it knows no verified application subnets, and says so). */
function subnetTypeOf(kind: PocketSubnetKind): SubnetType {
  const type = SUBNET_TYPES[kind];
  if (!type) throw new Error(`Unknown subnet kind: ${kind}`);
  return type;
}

// ------------------------------------------------------------------ errors

/** pic-js's error for a rejected call (decodeResultResponse). */
function callFailed(r: RawRejectResponse): Error {
  return new Error(`Canister call failed: ${r.reject_message}. Reject code: ${r.reject_code}. Error code: ${r.error_code}. Certified: ${r.certified}`);
}

/** A request the server would refuse: pic-js throws an Error with the server's message. */
function refused<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PocketApiError) throw new Error(e.message);
    throw e;
  }
}

function replyOf(result: CallResult, certified: boolean): Uint8Array {
  if (result.kind === 'reply') return new Uint8Array(result.data);
  throw callFailed(rejectOfResult(result, certified));
}

// ------------------------------------------------------------------ the client (pic-js's PocketIcClient, in-process)

interface ClientCall extends ActorCall {
  effectivePrincipal?: EffectivePrincipal;
}

class InProcessClient implements ActorCallClient<Uint8Array> {
  readonly instance: PocketInstance;
  private deleted = false;

  constructor(instance: PocketInstance) {
    this.instance = instance;
  }

  /** The instance, unless torn down (pic-js's client: `Instance was deleted`). */
  live(): PocketInstance {
    if (this.deleted) throw new Error('Instance was deleted');
    return this.instance;
  }

  delete(): void {
    this.live().close();
    this.deleted = true;
  }

  async queryCall(call: ClientCall): Promise<Uint8Array> {
    const instance = this.live();
    return replyOf(refused(() => instance.query(this.pocketCall(call))), false);
  }

  async updateCall(call: ClientCall): Promise<Uint8Array> {
    return this.awaitCall(await this.submitCall(call));
  }

  async submitCall(call: ClientCall): Promise<Uint8Array> {
    const instance = this.live();
    const outcome = refused(() => instance.submit(this.pocketCall(call)));
    if (!outcome.ok) throw callFailed(rejectOfUserError(outcome.error, false));
    return outcome.messageId;
  }

  async awaitCall(messageId: Uint8Array): Promise<Uint8Array> {
    const instance = this.live();
    for (let i = 0; i < AWAIT_INGRESS_STATUS_ROUNDS; i++) {
      instance.tick();
      const result = instance.ingressResult(messageId);
      if (result) return replyOf(result, true);
    }
    throw new Error(`PocketIC did not complete the update call within ${AWAIT_INGRESS_STATUS_ROUNDS} rounds`);
  }

  private pocketCall(call: ClientCall) {
    return {
      sender: call.sender,
      canisterId: call.canisterId,
      method: call.method,
      payload: call.payload,
      effectivePrincipal: call.effectivePrincipal ?? { kind: 'none' as const },
    };
  }
}

function viaSubnet(targetSubnetId: Principal | undefined): EffectivePrincipal | undefined {
  return targetSubnetId ? { kind: 'subnet', id: targetSubnetId } : undefined;
}

let nextInstanceId = 0;

/**
 * An in-process PocketIC instance with @dfinity/pic's PocketIc API. `PocketIc.create()` takes pic-js's
 * options; `PocketIc.create(url, options)` is accepted as well (the url is ignored), so a test written
 * for pic-js runs unchanged.
 */
export class PocketIc {
  private readonly client: InProcessClient;

  private constructor(client: InProcessClient) {
    this.client = client;
  }

  static async create(options?: CreateInstanceOptions): Promise<PocketIc>;
  static async create(url: string | undefined, options?: CreateInstanceOptions): Promise<PocketIc>;
  static async create(urlOrOptions?: string | CreateInstanceOptions, maybeOptions?: CreateInstanceOptions): Promise<PocketIc> {
    const options = typeof urlOrOptions === 'object' && urlOrOptions !== null ? urlOrOptions : maybeOptions;
    const instance = await refusedAsync(async () => {
      const features = icpFeaturesOf(icpFeaturesJson(options?.icpFeatures as Record<string, unknown> | undefined));
      const subnetConfigSet = withFeatureSubnets(subnetConfigSetOf(options), features);
      const created = await PocketInstance.create(nextInstanceId++, { subnetConfigSet });
      await deployIcpFeatures(created.replica, features);
      return created;
    });
    return new PocketIc(new InProcessClient(instance));
  }

  // ------------------------------------------------------------------ canisters

  async setupCanister<T extends ActorInterface<T> = ActorInterface>({
    sender,
    arg,
    wasm,
    idlFactory,
    computeAllocation,
    controllers,
    cycles,
    freezingThreshold,
    memoryAllocation,
    targetCanisterId,
    targetSubnetId,
    reservedCyclesLimit,
  }: SetupCanisterOptions): Promise<CanisterFixture<T>> {
    const canisterId = await this.createCanister({
      ...defined({ computeAllocation, controllers, cycles, freezingThreshold, memoryAllocation, reservedCyclesLimit, targetCanisterId, targetSubnetId, sender }),
    });
    await this.installCode({ canisterId, wasm, ...defined({ arg, sender, targetSubnetId }) });
    const actor = this.createActor<T>(idlFactory, canisterId);
    return { actor, canisterId };
  }

  async createCanister({
    sender = Principal.anonymous(),
    cycles = DEFAULT_CYCLES,
    controllers,
    computeAllocation,
    freezingThreshold,
    memoryAllocation,
    reservedCyclesLimit,
    targetCanisterId,
    targetSubnetId,
  }: CreateCanisterOptions = {}): Promise<Principal> {
    const payload = encode(CreateCanisterRequest, {
      settings: [settingsOf({ controllers, computeAllocation, memoryAllocation, freezingThreshold, reservedCyclesLimit })],
      amount: [cycles],
      specified_id: optional(targetCanisterId),
    });
    const body = await this.management('provisional_create_canister_with_cycles', payload, sender, targetSubnetId);
    return (decodeCandid([CreateCanisterResponse], body) as { canister_id: Principal }).canister_id;
  }

  async startCanister({ canisterId, sender = Principal.anonymous(), targetSubnetId }: StartCanisterOptions): Promise<void> {
    await this.management('start_canister', encode(CanisterIdRecord, { canister_id: canisterId }), sender, targetSubnetId);
  }

  async stopCanister({ canisterId, sender = Principal.anonymous(), targetSubnetId }: StopCanisterOptions): Promise<void> {
    await this.management('stop_canister', encode(CanisterIdRecord, { canister_id: canisterId }), sender, targetSubnetId);
  }

  async installCode({ arg = new Uint8Array(), sender = Principal.anonymous(), canisterId, wasm, targetSubnetId }: InstallCodeOptions): Promise<void> {
    await this.install(canisterId, { install: null }, wasm, arg, sender, targetSubnetId);
  }

  async reinstallCode({ sender = Principal.anonymous(), arg = new Uint8Array(), canisterId, wasm }: ReinstallCodeOptions): Promise<void> {
    await this.install(canisterId, { reinstall: null }, wasm, arg, sender, undefined);
  }

  async upgradeCanister({ sender = Principal.anonymous(), arg = new Uint8Array(), canisterId, wasm, upgradeModeOptions }: UpgradeCanisterOptions): Promise<void> {
    await this.install(canisterId, { upgrade: optional(upgradeModeOptions) }, wasm, arg, sender, undefined);
  }

  async updateCanisterSettings({
    canisterId,
    computeAllocation,
    controllers,
    freezingThreshold,
    memoryAllocation,
    reservedCyclesLimit,
    sender = Principal.anonymous(),
  }: UpdateCanisterSettingsOptions): Promise<void> {
    const payload = encode(UpdateSettingsRequest, {
      canister_id: canisterId,
      settings: settingsOf({ controllers, computeAllocation, memoryAllocation, freezingThreshold, reservedCyclesLimit }),
    });
    await this.management('update_settings', payload, sender, undefined);
  }

  // ------------------------------------------------------------------ actors and calls

  createActor<T extends ActorInterface<T> = ActorInterface>(interfaceFactory: IDL.InterfaceFactory, canisterId: Principal): Actor<T> {
    const ActorClass = createActorClass<T, Uint8Array>(interfaceFactory, canisterId, this.client);
    return new ActorClass();
  }

  createDeferredActor<T extends ActorInterface<T> = ActorInterface>(interfaceFactory: IDL.InterfaceFactory, canisterId: Principal): DeferredActor<T> {
    const DeferredActorClass = createDeferredActorClass<T, Uint8Array>(interfaceFactory, canisterId, this.client);
    return new DeferredActorClass();
  }

  /** A query call: the reply's bytes (typed ArrayBufferLike as in pic-js; a Uint8Array, as pic-js returns). */
  async queryCall({ canisterId, method, arg = new Uint8Array(), sender = Principal.anonymous(), targetSubnetId }: QueryCallOptions): Promise<ArrayBufferLike> {
    const call = { canisterId, method, payload: bytesOf(arg), sender, ...defined({ effectivePrincipal: viaSubnet(targetSubnetId) }) };
    return (await this.client.queryCall(call)) as unknown as ArrayBufferLike;
  }

  /** An update call (submitted, then rounds until it completes): the reply's bytes. */
  async updateCall({ canisterId, method, arg = new Uint8Array(), sender = Principal.anonymous(), targetSubnetId }: UpdateCallOptions): Promise<ArrayBufferLike> {
    const call = { canisterId, method, payload: bytesOf(arg), sender, ...defined({ effectivePrincipal: viaSubnet(targetSubnetId) }) };
    return (await this.client.updateCall(call)) as unknown as ArrayBufferLike;
  }

  async tearDown(): Promise<void> {
    this.client.delete();
  }

  // ------------------------------------------------------------------ rounds and time

  async tick(times = 1): Promise<void> {
    for (let i = 0; i < times; i++) this.client.live().tick();
  }

  /** Milliseconds since 1970 (fractional: the instance keeps nanoseconds). */
  async getTime(): Promise<number> {
    return Number(this.client.live().time / 1_000_000n);
  }

  async resetTime(): Promise<void> {
    await this.setTime(Date.now());
  }

  async resetCertifiedTime(): Promise<void> {
    await this.setCertifiedTime(Date.now());
  }

  /** Sets the time (a Date or milliseconds since 1970); PocketIC refuses to go back in time. */
  async setTime(time: Date | number): Promise<void> {
    const millis = time instanceof Date ? time.getTime() : time;
    const instance = this.client.live();
    refused(() => instance.setTime(millisToNanos(millis)));
  }

  /** As setTime: every state of an in-process instance is certified. */
  async setCertifiedTime(time: Date | number): Promise<void> {
    await this.setTime(time);
  }

  async advanceTime(duration: number): Promise<void> {
    await this.setTime((await this.getTime()) + duration);
  }

  async advanceCertifiedTime(duration: number): Promise<void> {
    await this.setCertifiedTime((await this.getTime()) + duration);
  }

  // ------------------------------------------------------------------ subnets

  /** The subnet's public key (DER): the instance's BLS root key, which certifies every subnet's state. */
  async getPubKey(subnetId: Principal): Promise<ArrayBufferLike> {
    const replica = this.client.live().replica;
    if (!replica.subnets.some((s) => s.id.compareTo(subnetId) === 'eq')) throw new Error(`SubnetNotFound(${subnetId.toText()})`);
    return new Uint8Array(replica.rootKey ?? replica.rootKeyPair.publicKeyDer) as unknown as ArrayBufferLike;
  }

  async getCanisterSubnetId(canisterId: Principal): Promise<Principal | null> {
    return this.client.live().subnetOfCanister(canisterId)?.id ?? null;
  }

  async getTopology(): Promise<SubnetTopology[]> {
    const instance = this.client.live();
    return instance.replica.subnets.map((subnet, i) => {
      const planned = instance.plan[i] as PlannedSubnet;
      const ranges: CanisterIdRange[] = planned.allocRange ? [...planned.ranges, planned.allocRange] : planned.ranges;
      return {
        id: subnet.id,
        type: subnetTypeOf(planned.kind),
        size: subnet.size,
        canisterRanges: ranges.map((r) => ({ start: canisterIdFromIndex(r.start), end: canisterIdFromIndex(r.end) })),
      };
    });
  }

  async getBitcoinSubnet(): Promise<SubnetTopology | undefined> {
    return (await this.getTopology()).find((s) => s.type === 'Bitcoin');
  }

  async getFiduciarySubnet(): Promise<SubnetTopology | undefined> {
    return (await this.getTopology()).find((s) => s.type === 'Fiduciary');
  }

  async getInternetIdentitySubnet(): Promise<SubnetTopology | undefined> {
    return (await this.getTopology()).find((s) => s.type === 'II');
  }

  async getNnsSubnet(): Promise<SubnetTopology | undefined> {
    return (await this.getTopology()).find((s) => s.type === 'NNS');
  }

  async getSnsSubnet(): Promise<SubnetTopology | undefined> {
    return (await this.getTopology()).find((s) => s.type === 'SNS');
  }

  async getApplicationSubnets(): Promise<SubnetTopology[]> {
    return (await this.getTopology()).filter((s) => s.type === 'Application');
  }

  async getSystemSubnets(): Promise<SubnetTopology[]> {
    return (await this.getTopology()).filter((s) => s.type === 'System');
  }

  // ------------------------------------------------------------------ canister state

  async getControllers(canisterId: Principal): Promise<Principal[]> {
    const instance = this.client.live();
    return refused(() => [...instance.canister(canisterId).settings.controllers]);
  }

  /** The canister's cycles (a number, as pic-js reads it from JSON). */
  async getCyclesBalance(canisterId: Principal): Promise<number> {
    const instance = this.client.live();
    return Number(refused(() => instance.canister(canisterId).balance));
  }

  /** Adds cycles; resolves with the new balance. */
  async addCycles(canisterId: Principal, amount: number): Promise<number> {
    const instance = this.client.live();
    if (!Number.isFinite(amount) || amount < 0) throw new Error('amount: expected a non-negative integer');
    return Number(refused(() => instance.addCycles(canisterId, BigInt(Math.round(amount)))));
  }

  async setStableMemory(canisterId: Principal, stableMemory: BytesLike): Promise<void> {
    const instance = this.client.live();
    const bytes = bytesOf(stableMemory);
    refused(() => instance.setStableMemory(canisterId, bytes));
  }

  /** The canister's stable memory, whole pages (a Uint8Array, as pic-js returns). */
  async getStableMemory(canisterId: Principal): Promise<ArrayBufferLike> {
    const instance = this.client.live();
    return new Uint8Array(refused(() => instance.stableMemory(canisterId))) as unknown as ArrayBufferLike;
  }

  // ------------------------------------------------------------------ HTTPS outcalls

  async getPendingHttpsOutcalls(): Promise<PendingHttpsOutcall[]> {
    return this.client
      .live()
      .replica.pendingHttpsOutcalls()
      .map((o) => ({
        subnetId: o.subnetId,
        requestId: o.requestId,
        httpMethod: o.httpMethod,
        url: o.url,
        headers: o.headers.map(([name, value]) => [name, value] as [string, string]),
        body: new Uint8Array(o.body),
        ...(o.maxResponseBytes !== undefined ? { maxResponseBytes: o.maxResponseBytes } : {}),
      }));
  }

  /** Answers a pending outcall; the canister sees the answer in the next round. */
  async mockPendingHttpsOutcall({ requestId, response, subnetId, additionalResponses = [] }: MockPendingHttpsOutcallOptions): Promise<void> {
    const replica = this.client.live().replica;
    for (const r of [response, ...additionalResponses]) checkMock(r);
    const subnet = replica.subnets.find((s) => s.id.compareTo(subnetId) === 'eq');
    if (!subnet) throw new Error(`SubnetNotFound(${subnetId.toText()})`);
    // Like PocketIC: either one response for every node, or one plus one per other node.
    if (additionalResponses.length > 0 && additionalResponses.length + 1 !== subnet.size) {
      throw new Error(`InvalidMockCanisterHttpResponses((${additionalResponses.length + 1}, ${subnet.size}))`);
    }
    const outcall = replica.pendingHttpsOutcalls().find((o) => o.requestId === requestId && o.subnetId.compareTo(subnetId) === 'eq');
    if (!outcall) throw new Error(`InvalidCanisterHttpRequestId((${subnetId.toText()}, ${requestId}))`);
    replica.respondToHttpsOutcall(
      requestId,
      response.type === 'success'
        ? { type: 'success', statusCode: response.statusCode, headers: response.headers, body: new Uint8Array(response.body) }
        : { type: 'reject', statusCode: response.statusCode as RejectCode, message: response.message },
    );
  }

  // ------------------------------------------------------------------ internals

  private async management(method: string, payload: Uint8Array, sender: Principal, targetSubnetId: Principal | undefined): Promise<Uint8Array> {
    const effectivePrincipal = viaSubnet(targetSubnetId);
    return this.client.updateCall({ canisterId: MANAGEMENT_CANISTER_ID, sender, method, payload, ...defined({ effectivePrincipal }) });
  }

  private async install(
    canisterId: Principal,
    mode: unknown,
    wasm: BytesLike | string,
    arg: BytesLike,
    sender: Principal,
    targetSubnetId: Principal | undefined,
  ): Promise<void> {
    const payload = encode(InstallCodeRequest, { arg: bytesOf(arg), canister_id: canisterId, mode, wasm_module: await wasmBytes(wasm) });
    await this.management('install_code', payload, sender, targetSubnetId);
  }
}

function checkMock(r: HttpsOutcallResponseMock): void {
  if (r.type === 'success') return;
  if (r.type === 'reject') {
    if (!Number.isInteger(r.statusCode) || r.statusCode < 1 || r.statusCode > 6) throw new Error(`InvalidRejectCode(${r.statusCode})`);
    return;
  }
  throw new Error(`Unknown response type: ${String(r)}`);
}

async function refusedAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof PocketApiError) throw new Error(e.message);
    throw e;
  }
}

/** The object without its undefined properties (for exactOptionalPropertyTypes). */
function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Milliseconds (possibly fractional) to nanoseconds without going through floats above 2^53. */
function millisToNanos(millis: number): bigint {
  const whole = Math.floor(millis);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((millis - whole) * 1_000_000));
}
