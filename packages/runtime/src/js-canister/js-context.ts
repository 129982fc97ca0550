// What a JS canister's method sees: `ctx`. One context object lives as long as its call context
// (a generator method keeps using it after each `yield ctx.call(...)`); whatever depends on the
// current execution (time, cycles, reply, calls) reads the execution that is running now.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { ExecutionState } from '../system-api/execution-state.ts';
import { ExecutionTrap } from '../execution/execution-trap.ts';
import { funcType, parseCandid } from './candid-text.ts';

/** What kind of execution a context was made for. */
export type ContextKind = 'update' | 'query' | 'composite_query' | 'init' | 'post_upgrade' | 'timer' | 'heartbeat' | 'inspect';

/** The engine side of a context (implemented by JsCanisterInstance). */
export interface ContextHost {
  readonly canisterId: Principal;
  readonly liveState: unknown;
  /** The execution running now; throws when the context is used outside of one. */
  execution(): ExecutionState;
  addTimer(delay: bigint, interval: bigint | undefined, fn: TimerCallback<unknown>): number;
  clearTimer(id: number): void;
  performOneWay(call: PendingCall): void;
}

/** A timer callback: like a method without a caller to answer (it may be a generator making calls). */
export type TimerCallback<S> = (ctx: JsContext<S>) => unknown;

/** Where ctx.call finds the Candid signature of the method it calls. */
export type CallSignature =
  /** A service: an idlFactory, .did text, or anything with an `idlFactory` (a JsCanister). */
  | IDL.InterfaceFactory
  | string
  | { readonly idlFactory: IDL.InterfaceFactory }
  /** The method's own func type. */
  | IDL.FuncClass;

export interface JsCallOptions {
  /** The callee's interface (or the method's func type): encodes the arguments and decodes the reply. */
  idl?: CallSignature;
  /** Argument and result types, instead of `idl`. */
  argTypes?: IDL.Type[];
  retTypes?: IDL.Type[];
  /** Cycles to attach (taken from the balance; what the callee does not accept is refunded). */
  cycles?: bigint;
  /** A best-effort call with this timeout in seconds. */
  timeoutSeconds?: number;
}

/** A call to make: yield it from a generator method (`const r = yield ctx.call(...)`). */
export class PendingCall {
  readonly callee: Principal;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly cycles: bigint;
  /** Undefined: the reply is handed over as raw Candid bytes. */
  readonly retTypes: IDL.Type[] | undefined;
  readonly timeoutSeconds: number | undefined;
  constructor(fields: {
    callee: Principal;
    method: string;
    arg: Uint8Array;
    cycles: bigint;
    retTypes: IDL.Type[] | undefined;
    timeoutSeconds: number | undefined;
  }) {
    this.callee = fields.callee;
    this.method = fields.method;
    this.arg = fields.arg;
    this.cycles = fields.cycles;
    this.retTypes = fields.retTypes;
    this.timeoutSeconds = fields.timeoutSeconds;
  }
}

/** A call was rejected (thrown into the generator at its `yield`): the reject code and message. */
export class CallRejectedError extends Error {
  override name = 'CallRejectedError';
  readonly code: number;
  readonly rejectMessage: string;
  constructor(code: number, message: string) {
    super(`call rejected (code ${code}): ${message}`);
    this.code = code;
    this.rejectMessage = message;
  }
}

const CALL_CONTEXTS = new Set(['U', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt', 'T']);
const ACCEPT_CONTEXTS = new Set(['U', 'Ry', 'Rt']);
const CERTIFY_CONTEXTS = new Set(['I', 'G', 'U', 'Ry', 'Rt', 'T']);

const services = new WeakMap<object, IDL.ServiceClass>();
const didServices = new Map<string, IDL.ServiceClass>();

function serviceOf(idl: Exclude<CallSignature, IDL.FuncClass>): IDL.ServiceClass {
  if (typeof idl === 'string') {
    let s = didServices.get(idl);
    if (!s) {
      s = parseCandid(idl).service;
      didServices.set(idl, s);
    }
    return s;
  }
  const factory = typeof idl === 'function' ? idl : idl.idlFactory;
  let s = services.get(factory);
  if (!s) {
    s = factory({ IDL });
    services.set(factory, s);
  }
  return s;
}

/** The func type of `method` per the call options (undefined: raw bytes in and out). */
export function signatureOf(method: string, options: JsCallOptions): IDL.FuncClass | undefined {
  if (options.argTypes || options.retTypes) return funcType(options.argTypes ?? [], options.retTypes ?? []);
  const idl = options.idl;
  if (idl === undefined) return undefined;
  if (idl instanceof IDL.FuncClass) return idl;
  const found = serviceOf(idl)._fields.find(([name]) => name === method);
  if (!found) throw new Error(`ctx.call: the interface has no method '${method}'`);
  return found[1];
}

/** The JS value of a Candid reply: undefined for (), the value for (T), an array for (T1, T2, …). */
export function valueOfResults(values: unknown[]): unknown {
  if (values.length === 0) return undefined;
  if (values.length === 1) return values[0];
  return values;
}

/** The Candid results of a JS value, per the result types (the inverse of valueOfResults). */
export function resultsOfValue(types: IDL.Type[], value: unknown, what: string): unknown[] {
  if (types.length === 0) return [];
  if (types.length === 1) return [value];
  if (!Array.isArray(value) || value.length !== types.length) {
    throw new Error(`${what}: a method with ${types.length} results must return an array of ${types.length} values`);
  }
  return value;
}

export interface ContextInit {
  kind: ContextKind;
  method: string;
  caller: Principal;
  args: unknown[];
  /** Types a reply is encoded with. */
  retTypes: IDL.Type[];
}

/** The context of a JS canister method, timer, heartbeat, init or inspect_message. */
export class JsContext<S = unknown> {
  readonly kind: ContextKind;
  /** The method name (for inspect: the method the ingress message calls). */
  readonly method: string;
  /** Who called (the management canister's id for timers and heartbeats). */
  readonly caller: Principal;
  /** The decoded Candid arguments. */
  readonly args: unknown[];
  readonly retTypes: IDL.Type[];
  private readonly host: ContextHost;

  constructor(host: ContextHost, init: ContextInit) {
    this.host = host;
    this.kind = init.kind;
    this.method = init.method;
    this.caller = init.caller;
    this.args = init.args;
    this.retTypes = init.retTypes;
  }

  /** The canister's state (committed when the execution succeeds, restored when it traps). Re-read it after a `yield`. */
  get state(): S {
    this.host.execution();
    return this.host.liveState as S;
  }

  /** This canister's id. */
  get self(): Principal {
    return this.host.canisterId;
  }

  /** Replica time of the current execution, nanoseconds since 1970. */
  get time(): bigint {
    return this.host.execution().in.time;
  }

  /** Whether this execution's effects can be committed (false for query calls). */
  get inReplicatedExecution(): boolean {
    const c = this.host.execution().in.context;
    return c !== 'NRQ' && c !== 'CQ' && c !== 'CRy' && c !== 'CRt' && c !== 'TQ' && c !== 'CC';
  }

  /** The certificate of certified data, in a non-replicated query call. */
  get dataCertificate(): Uint8Array | undefined {
    return this.host.execution().in.dataCertificate;
  }

  readonly cycles = {
    /** Cycles the caller attached that are not accepted yet. */
    available: (): bigint => this.host.execution().cyclesAvailable,
    /** Moves up to `max` of the available cycles onto the balance; returns how many. */
    accept: (max: bigint): bigint => {
      const s = this.host.execution();
      if (!ACCEPT_CONTEXTS.has(s.in.context)) throw trapIn('msg_cycles_accept', s);
      const amount = max < s.cyclesAvailable ? max : s.cyclesAvailable;
      s.cyclesAvailable -= amount;
      s.balance += amount;
      s.out.cyclesAccepted += amount;
      return amount;
    },
    /** Cycles refunded with the response being handled (in the execution after a `yield`). */
    refunded: (): bigint => this.host.execution().in.cyclesRefunded ?? 0n,
    /** The canister's balance now. */
    balance: (): bigint => this.host.execution().balance,
  };

  /** Replies with `value` (encoded with the method's result types: an array when it has several). */
  reply(value?: unknown): void {
    this.replyRaw(IDL.encode(this.retTypes, resultsOfValue(this.retTypes, value, `${this.method}: reply`)));
  }

  /** Replies with Candid bytes as they are. */
  replyRaw(data: Uint8Array): void {
    this.respond({ kind: 'reply', data });
  }

  /** Rejects the call (reject code CANISTER_REJECT); state changes of the execution are kept. */
  reject(message: string): void {
    this.respond({ kind: 'reject', message });
  }

  /** Traps: the execution's effects are rolled back and the caller gets IC0503 with `message`. */
  trap(message: string): never {
    throw new ExecutionTrap({ kind: 'called-trap', message });
  }

  /** Whether `principal` controls this canister. */
  isController(principal: Principal): boolean {
    const bytes = principal.toUint8Array();
    return this.host.execution().in.controllers.some((c) => c.length === bytes.length && c.every((b, i) => b === bytes[i]));
  }

  /** A debug_print line (the canister log). */
  log(...parts: unknown[]): void {
    this.host.execution().out.logs.push(parts.map((p) => (typeof p === 'string' ? p : String(p))).join(' '));
  }

  /** Sets the certified data (at most 32 bytes). */
  setCertifiedData(data: Uint8Array): void {
    const s = this.host.execution();
    if (!CERTIFY_CONTEXTS.has(s.in.context)) throw trapIn('certified_data_set', s);
    if (data.length > 32) throw new ExecutionTrap({ kind: 'contract-violation', description: 'ic0.certified_data_set: data larger than 32 bytes' });
    s.out.certifiedData = data.slice();
  }

  /** A call to make: `const reply = yield ctx.call(id, 'method', [args], { idl })` in a generator method. */
  call(canisterId: Principal | string, method: string, args: unknown[] | Uint8Array = [], options: JsCallOptions = {}): PendingCall {
    const s = this.host.execution();
    if (!CALL_CONTEXTS.has(s.in.context)) throw trapIn('call_new', s);
    const callee = typeof canisterId === 'string' ? Principal.fromText(canisterId) : canisterId;
    const sig = signatureOf(method, options);
    let arg: Uint8Array;
    if (args instanceof Uint8Array) arg = args;
    else if (sig) arg = IDL.encode(sig.argTypes, args);
    else if (args.length === 0) arg = IDL.encode([], []);
    else throw new Error(`ctx.call('${method}'): pass { idl } or { argTypes } to encode the arguments, or Candid bytes`);
    return new PendingCall({
      callee,
      method,
      arg,
      cycles: options.cycles ?? 0n,
      retTypes: sig?.retTypes,
      timeoutSeconds: options.timeoutSeconds,
    });
  }

  /** A one-way call: sent when the execution commits; its response is ignored. */
  notify(canisterId: Principal | string, method: string, args: unknown[] | Uint8Array = [], options: JsCallOptions = {}): void {
    this.host.performOneWay(this.call(canisterId, method, args, options));
  }

  /** Runs `fn` once, `delayNanos` from now (on the replica clock), in its own execution. Returns the timer id. */
  setTimer(delayNanos: bigint, fn: TimerCallback<S>): number {
    return this.host.addTimer(delayNanos, undefined, fn as TimerCallback<unknown>);
  }

  /** Runs `fn` every `intervalNanos`. Returns the timer id. */
  setTimerInterval(intervalNanos: bigint, fn: TimerCallback<S>): number {
    if (intervalNanos <= 0n) throw new Error('setTimerInterval: the interval must be positive');
    return this.host.addTimer(intervalNanos, intervalNanos, fn as TimerCallback<unknown>);
  }

  clearTimer(id: number): void {
    this.host.clearTimer(id);
  }

  /**
   * The raw global timer (ic0.global_timer_set): the definition's `globalTimer` runs at `timestamp`
   * (nanoseconds; 0 deactivates). Returns the previous value. Do not mix with setTimer.
   */
  setGlobalTimer(timestamp: bigint): bigint {
    const s = this.host.execution();
    const previous = s.out.globalTimer ?? s.in.globalTimer;
    s.out.globalTimer = timestamp;
    return previous;
  }

  private respond(response: { kind: 'reply'; data: Uint8Array } | { kind: 'reject'; message: string }): void {
    const s = this.host.execution();
    if (this.kind === 'init' || this.kind === 'post_upgrade' || this.kind === 'timer' || this.kind === 'heartbeat' || this.kind === 'inspect') {
      throw trapIn(response.kind === 'reply' ? 'msg_reply' : 'msg_reject', s);
    }
    if (s.out.response || !s.in.mayRespond) {
      throw new ExecutionTrap({ kind: 'contract-violation', description: `ic0.msg_${response.kind}: the call is already answered` });
    }
    s.out.response = response;
  }
}

function trapIn(fn: string, s: ExecutionState): ExecutionTrap {
  return new ExecutionTrap({ kind: 'contract-violation', description: `"ic0_${fn}" cannot be executed in ${s.in.context} mode` });
}
