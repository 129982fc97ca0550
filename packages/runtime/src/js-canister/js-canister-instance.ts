// The execution engine of a JS-defined canister: it runs messages the way a Wasm CanisterInstance
// does (plain data in: ExecutionInputs; plain data out: ExecutionOutputs), so the Canister treats
// both alike. State is a JS value behind a StateJournal: methods write through views that record
// undo entries, so commit and rollback cost what the execution changed, not the size of the state;
// rollback is in place. A generator method runs until
// it yields calls; those become the execution's outgoing calls, with callbacks that name the
// suspended generator (a continuation), and the response resumes it in the callback's execution.
// Continuations registered by an execution that is rolled back are dropped with it; a response
// consumes its continuation whether or not the callback traps (as a Wasm callback is consumed).
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { ExecutionRequest, ExecutionResult } from '../execution/canister-instance.ts';
import { classifyThrown, ExecutionTrap } from '../execution/execution-trap.ts';
import { ExecutionState } from '../system-api/execution-state.ts';
import { RejectCode } from '../errors/reject-code.ts';
import type { ExecutionEngine } from '../canister/canister.ts';
import { cloneState } from './clone-state.ts';
import { StateJournal, type StateChanges } from './state-journal.ts';
import {
  CallRejectedError,
  JsContext,
  PendingCall,
  valueOfResults,
  type ContextHost,
  type ContextKind,
  type TimerCallback,
} from './js-context.ts';
import type { JsCanisterProgram, JsMethod } from './js-canister.ts';

/** Instructions reported per JS execution (for fees and statistics; JS code is not metered). */
export const JS_EXECUTION_INSTRUCTIONS = 10_000n;

/** Callback "function indices" of JS calls; the env names the continuation and the call's slot. */
const REPLY = 1;
const REJECT = 2;
const ONE_WAY = 3;
const SLOT_BITS = 16n;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Continuation {
  ctx: JsContext<unknown>;
  gen: Generator<unknown, unknown, unknown>;
  parallel: boolean;
  calls: PendingCall[];
  results: Array<Outcome | undefined>;
  waiting: number;
}

interface Timer {
  readonly id: number;
  readonly at: bigint;
  readonly interval: bigint | undefined;
  readonly fn: TimerCallback<unknown>;
}

interface JsDelta {
  state: StateChanges;
  timers: readonly Timer[];
  continuations: Array<[number, Continuation]>;
}

function isGenerator(v: unknown): v is Generator<unknown, unknown, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const g = v as { next?: unknown; throw?: unknown; [Symbol.iterator]?: unknown };
  return typeof g.next === 'function' && typeof g.throw === 'function' && typeof g[Symbol.iterator] === 'function';
}

function trapOf(e: unknown): ExecutionTrap {
  if (e instanceof ExecutionTrap) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return classifyThrown(e);
  const message = e instanceof Error ? e.message : String(e);
  return new ExecutionTrap({ kind: 'called-trap', message });
}

const utf8 = new TextEncoder();

export class JsCanisterInstance implements ExecutionEngine, ContextHost {
  readonly heap = { byteLength: (): number => 0 };
  readonly startInstructions = 0n;
  readonly startLogs: string[] = [];
  readonly canisterId: Principal;
  private readonly program: JsCanisterProgram;
  /** The state itself (raw); methods see it through `journal` views. */
  private live: unknown;
  private readonly journal = new StateJournal();
  private timers: readonly Timer[] = [];
  private committedTimers: readonly Timer[] = [];
  private timersChanged = false;
  private nextTimerId = 1;
  private readonly continuations = new Map<number, Continuation>();
  /** Continuations registered since the last commit (dropped by a rollback). */
  private added: number[] = [];
  private nextContinuation = 1;
  private current: ExecutionState | undefined;

  constructor(program: JsCanisterProgram, canisterId: Principal, previous: ExecutionEngine | undefined) {
    this.program = program;
    this.canisterId = canisterId;
    // An upgrade from a JS canister keeps its committed state; otherwise the state starts fresh.
    if (previous instanceof JsCanisterInstance) this.live = previous.committedState();
    else this.live = program.definition.state ? program.definition.state() : {};
  }

  /** The state as methods see it: a journaled view. */
  get liveState(): unknown {
    return this.journal.view(this.live);
  }

  /** A deep copy of the committed state (tests: inspect it without running a message). */
  committedState(): unknown {
    if (this.journal.size === 0) return cloneState(this.live);
    const changes = this.journal.takeChanges();
    const copy = cloneState(this.live);
    this.journal.putChanges(changes);
    return copy;
  }

  execution(): ExecutionState {
    if (!this.current) throw new Error('a JS canister context was used outside of its execution');
    return this.current;
  }

  // ------------------------------------------------------------------ ExecutionEngine

  run(request: ExecutionRequest): ExecutionResult {
    const exec = new ExecutionState(request.inputs);
    this.current = exec;
    this.timersChanged = false;
    try {
      const entry = request.entry;
      if (entry.kind === 'export') this.runExport(entry.name, exec);
      else this.runCallback(entry.fun, entry.env, exec);
      if (this.timersChanged) this.scheduleGlobalTimer(exec);
      return {
        ok: true,
        outputs: exec.out,
        instructions: JS_EXECUTION_INSTRUCTIONS,
        heapPagesWritten: 0,
        balance: exec.balance,
        cyclesLeft: exec.cyclesAvailable,
      };
    } catch (e) {
      return { ok: false, trap: trapOf(e), backtrace: [], instructions: JS_EXECUTION_INSTRUCTIONS, logs: exec.out.logs };
    } finally {
      this.current = undefined;
    }
  }

  commit(): void {
    this.journal.commit();
    this.committedTimers = this.timers;
    this.added = [];
  }

  rollback(): void {
    this.journal.rollback();
    this.timers = this.committedTimers;
    for (const id of this.added) this.continuations.delete(id);
    this.added = [];
  }

  captureDelta(): JsDelta {
    const delta: JsDelta = {
      state: this.journal.takeChanges(),
      timers: this.timers,
      continuations: this.added.flatMap((id) => {
        const c = this.continuations.get(id);
        return c ? [[id, c] as [number, Continuation]] : [];
      }),
    };
    this.rollback();
    return delta;
  }

  applyDelta(delta: unknown): void {
    const d = delta as JsDelta;
    this.journal.putChanges(d.state);
    this.timers = d.timers;
    for (const [id, c] of d.continuations) {
      this.continuations.set(id, c);
      this.added.push(id);
    }
  }

  globalValues(): Array<number | bigint> {
    return [];
  }

  // ------------------------------------------------------------------ ContextHost

  addTimer(delay: bigint, interval: bigint | undefined, fn: TimerCallback<unknown>): number {
    const exec = this.execution();
    const id = this.nextTimerId++;
    this.timers = [...this.timers, { id, at: exec.in.time + delay, interval, fn }];
    this.timersChanged = true;
    return id;
  }

  clearTimer(id: number): void {
    this.execution();
    const next = this.timers.filter((t) => t.id !== id);
    if (next.length !== this.timers.length) {
      this.timers = next;
      this.timersChanged = true;
    }
  }

  performOneWay(call: PendingCall): void {
    const exec = this.execution();
    const failure = this.unaffordable([call], exec);
    if (failure) throw failure;
    this.perform(call, exec, ONE_WAY, 0n);
  }

  // ------------------------------------------------------------------ entry points

  private runExport(name: string, exec: ExecutionState): void {
    const def = this.program.definition;
    const space = name.indexOf(' ');
    if (space > 0) {
      const prefix = name.slice(0, space);
      const method = name.slice(space + 1);
      const kind: ContextKind | undefined =
        prefix === 'canister_update' ? 'update' : prefix === 'canister_query' ? 'query' : prefix === 'canister_composite_query' ? 'composite_query' : undefined;
      if (kind) return this.runMethod(method, kind, exec);
    }
    switch (name) {
      case 'canister_init':
        if (def.init) this.runHook(def.init, 'init', this.decode(this.program.initArgs, exec.in.arg, 'init arguments'), exec);
        return;
      case 'canister_post_upgrade':
        if (def.postUpgrade) this.runHook(def.postUpgrade, 'post_upgrade', this.decode(this.program.initArgs, exec.in.arg, 'upgrade arguments'), exec);
        return;
      case 'canister_global_timer':
        return this.runTimers(exec);
      case 'canister_heartbeat':
        if (def.heartbeat) this.drive(this.taskContext('heartbeat', name), def.heartbeat);
        return;
      case 'canister_inspect_message':
        return this.runInspect(exec);
      default:
        throw new ExecutionTrap({ kind: 'contract-violation', description: `the JS canister does not export ${name}` });
    }
  }

  private runMethod(method: string, kind: ContextKind, exec: ExecutionState): void {
    const entry = this.program.methods.get(method);
    if (!entry) throw new ExecutionTrap({ kind: 'contract-violation', description: `the JS canister does not export ${method}` });
    const handler = entry.handler;
    if (!handler) throw new Error(`the JS canister does not implement '${method}'`);
    const args = this.decode(entry.func.argTypes, exec.in.arg, 'call arguments');
    const ctx = new JsContext(this, { kind, method, caller: Principal.fromUint8Array(exec.in.caller), args, retTypes: entry.func.retTypes });
    this.drive(ctx, handler);
  }

  private runHook(fn: (ctx: JsContext<unknown>) => void, kind: ContextKind, args: unknown[], exec: ExecutionState): void {
    const ctx = new JsContext(this, { kind, method: `canister_${kind}`, caller: Principal.fromUint8Array(exec.in.caller), args, retTypes: [] });
    const r: unknown = fn(ctx);
    if (isGenerator(r)) throw new Error(`canister_${kind} cannot make calls (it must not be a generator)`);
  }

  private runInspect(exec: ExecutionState): void {
    const inspect = this.program.definition.inspect;
    if (!inspect) return;
    const method = exec.in.methodName ?? '';
    const entry = this.program.methods.get(method);
    const args = entry ? this.decode(entry.func.argTypes, exec.in.arg, 'call arguments') : [];
    const ctx = new JsContext(this, { kind: 'inspect', method, caller: Principal.fromUint8Array(exec.in.caller), args, retTypes: [] });
    exec.out.messageAccepted = inspect(ctx) === true;
  }

  private taskContext(kind: ContextKind, method: string): JsContext<unknown> {
    return new JsContext(this, { kind, method, caller: Principal.managementCanister(), args: [], retTypes: [] });
  }

  /** Due setTimer callbacks, each isolated (one that traps is rolled back alone), then the raw timer hook. */
  private runTimers(exec: ExecutionState): void {
    const now = exec.in.time;
    const due = this.timers.filter((t) => t.at <= now).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id));
    if (due.length > 0) {
      const repeat = due.filter((t) => t.interval !== undefined).map((t) => ({ ...t, at: now + (t.interval as bigint) }));
      this.timers = [...this.timers.filter((t) => t.at > now), ...repeat];
    }
    this.timersChanged = true;
    for (const t of due) {
      const mark = this.journal.mark();
      const timers = this.timers;
      const calls = exec.out.calls.length;
      const added = this.added.length;
      const balance = exec.balance;
      const sent = exec.out.cyclesSent;
      try {
        this.drive(this.taskContext('timer', 'canister_global_timer'), t.fn as JsMethod<unknown>);
      } catch (e) {
        this.journal.rollbackTo(mark);
        this.timers = timers;
        exec.out.calls.length = calls;
        for (const id of this.added.splice(added)) this.continuations.delete(id);
        exec.balance = balance;
        exec.out.cyclesSent = sent;
        exec.out.logs.push(`[TRAP]: timer ${t.id}: ${trapOf(e).message}`);
      }
    }
    const hook = this.program.definition.globalTimer;
    if (hook) this.drive(this.taskContext('timer', 'canister_global_timer'), hook);
  }

  private scheduleGlobalTimer(exec: ExecutionState): void {
    let next: bigint | undefined;
    for (const t of this.timers) if (next === undefined || t.at < next) next = t.at;
    const raw = exec.out.globalTimer;
    if (raw !== undefined && raw !== 0n && (next === undefined || raw < next)) next = raw;
    exec.out.globalTimer = next ?? 0n;
  }

  private decode(types: IDL.Type[], bytes: Uint8Array, what: string): unknown[] {
    try {
      return IDL.decode(types, bytes);
    } catch (e) {
      throw new Error(`failed to decode ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // ------------------------------------------------------------------ methods and generators

  private drive(ctx: JsContext<unknown>, handler: JsMethod<unknown>): void {
    const result: unknown = handler(ctx);
    if (isGenerator(result)) this.step(ctx, result, { ok: true, value: undefined });
    else this.finish(ctx, result);
  }

  /** Runs the generator until it yields calls (performed; it waits for their responses) or returns. */
  private step(ctx: JsContext<unknown>, gen: Generator<unknown, unknown, unknown>, input: Outcome): void {
    const exec = this.execution();
    for (;;) {
      const r = input.ok ? gen.next(input.value) : gen.throw(input.error);
      if (r.done) {
        this.finish(ctx, r.value);
        return;
      }
      const parallel = Array.isArray(r.value);
      const calls: unknown[] = parallel ? (r.value as unknown[]) : [r.value];
      if (!calls.every((c) => c instanceof PendingCall)) {
        input = { ok: false, error: new TypeError('a JS canister generator may only yield ctx.call(...) or an array of them') };
        continue;
      }
      const pending = calls as PendingCall[];
      if (pending.length === 0) {
        input = { ok: true, value: [] };
        continue;
      }
      const failure = this.unaffordable(pending, exec);
      if (failure) {
        input = { ok: false, error: failure };
        continue;
      }
      const id = this.nextContinuation++;
      this.continuations.set(id, { ctx, gen, parallel, calls: pending, results: [], waiting: pending.length });
      this.added.push(id);
      pending.forEach((call, slot) => this.perform(call, exec, REPLY, (BigInt(id) << SLOT_BITS) | BigInt(slot)));
      return;
    }
  }

  /** The response of one call: resumes the generator when it was the last one it waits for. */
  private runCallback(fun: number, env: bigint, exec: ExecutionState): void {
    if (fun === ONE_WAY) return;
    const id = Number(env >> SLOT_BITS);
    const slot = Number(env & ((1n << SLOT_BITS) - 1n));
    const cont = this.continuations.get(id);
    if (!cont || (fun !== REPLY && fun !== REJECT)) throw new ExecutionTrap({ kind: 'function-not-found', table: 0, index: fun });
    const call = cont.calls[slot] as PendingCall;
    let outcome: Outcome;
    if (fun === REPLY) {
      try {
        outcome = { ok: true, value: call.retTypes ? valueOfResults(IDL.decode(call.retTypes, exec.in.arg)) : exec.in.arg };
      } catch (e) {
        outcome = { ok: false, error: new Error(`failed to decode the reply of ${call.method}: ${e instanceof Error ? e.message : String(e)}`) };
      }
    } else {
      outcome = { ok: false, error: new CallRejectedError(exec.in.rejectCode ?? RejectCode.SYS_UNKNOWN, exec.in.rejectMessage ?? '') };
    }
    cont.results[slot] = outcome;
    cont.waiting--;
    if (cont.waiting > 0) return;
    this.continuations.delete(id);
    let input: Outcome;
    if (!cont.parallel) input = cont.results[0] as Outcome;
    else {
      const failed = cont.results.find((o) => o && !o.ok);
      input = failed ?? { ok: true, value: cont.results.map((o) => (o as { value: unknown }).value) };
    }
    this.step(cont.ctx, cont.gen, input);
  }

  /** The default reply: the method's return value, unless it answered already (or cannot answer). */
  private finish(ctx: JsContext<unknown>, value: unknown): void {
    const kind = ctx.kind;
    if (kind !== 'update' && kind !== 'query' && kind !== 'composite_query') return;
    const exec = this.execution();
    if (exec.out.response || !exec.in.mayRespond) return;
    ctx.reply(value);
  }

  private unaffordable(calls: PendingCall[], exec: ExecutionState): CallRejectedError | undefined {
    let total = 0n;
    for (const c of calls) total += exec.in.costs.call(BigInt(utf8.encode(c.method).length), BigInt(c.arg.length)) + c.cycles;
    if (exec.balance - total >= exec.in.frozenLimit) return undefined;
    return new CallRejectedError(
      RejectCode.SYS_TRANSIENT,
      `Canister ${this.canisterId.toText()} cannot pay for its call: ${total} cycles needed above the freezing threshold`,
    );
  }

  private perform(call: PendingCall, exec: ExecutionState, fun: number, env: bigint): void {
    const fee = exec.in.costs.call(BigInt(utf8.encode(call.method).length), BigInt(call.arg.length));
    exec.balance -= fee + call.cycles;
    exec.out.cyclesSent += call.cycles;
    exec.out.calls.push({
      callee: call.callee.toUint8Array(),
      method: call.method,
      arg: call.arg,
      cycles: call.cycles,
      reply: { fun: fun === ONE_WAY ? ONE_WAY : REPLY, env },
      reject: { fun: fun === ONE_WAY ? ONE_WAY : REJECT, env },
      timeoutSeconds: call.timeoutSeconds,
    });
  }
}
