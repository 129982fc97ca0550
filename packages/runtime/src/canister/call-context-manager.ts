// Call contexts and callbacks of one canister, as the IC defines them: a call context is opened by a
// request (or a system task), answered at most once, and closed when it is answered and no callback
// of it is outstanding. Each performed outgoing call registers a callback that waits for exactly one
// response. A context that runs out of callbacks without having answered answers "did not reply".
import type { Principal } from '@dfinity/principal';
import type { OutgoingCall } from '../system-api/execution-state.ts';
import type { CallOrigin } from '../scheduler/messages.ts';

export interface CallContext {
  id: number;
  origin: CallOrigin;
  method: string;
  caller: Principal;
  responded: boolean;
  /** Cycles of the incoming call not yet accepted. */
  cyclesAvailable: bigint;
  /** Instructions executed by all executions of this context so far (performance_counter(1)). */
  instructions: bigint;
  deadline?: bigint;
  outstanding: number;
}

export interface Callback {
  id: number;
  callContextId: number;
  callee: Principal;
  method: string;
  call: OutgoingCall;
  /** Best-effort calls: when the system answers with SYS_UNKNOWN if no response came. */
  deadline?: bigint;
  /** A response was delivered (or the deadline passed): later responses are dropped. */
  answered: boolean;
}

export class CallContextManager {
  private nextContext = 1;
  private nextCallback = 1;
  readonly contexts = new Map<number, CallContext>();
  readonly callbacks = new Map<number, Callback>();

  open(origin: CallOrigin, method: string, caller: Principal, cycles: bigint, deadline?: bigint): CallContext {
    const ctx: CallContext = {
      id: this.nextContext++,
      origin,
      method,
      caller,
      responded: false,
      cyclesAvailable: cycles,
      instructions: 0n,
      deadline,
      outstanding: 0,
    };
    this.contexts.set(ctx.id, ctx);
    return ctx;
  }

  register(ctx: CallContext, callee: Principal, call: OutgoingCall, deadline: bigint | undefined): Callback {
    const cb: Callback = {
      id: this.nextCallback++,
      callContextId: ctx.id,
      callee,
      method: call.method,
      call,
      deadline,
      answered: false,
    };
    this.callbacks.set(cb.id, cb);
    ctx.outstanding++;
    return cb;
  }

  /** Removes a callback whose response was handled; returns its context. */
  retire(cb: Callback): CallContext | undefined {
    this.callbacks.delete(cb.id);
    const ctx = this.contexts.get(cb.callContextId);
    if (ctx) ctx.outstanding--;
    return ctx;
  }

  /** Drops a context that is answered and has nothing outstanding. Returns true if it is closed. */
  closeIfDone(ctx: CallContext): boolean {
    if (ctx.responded && ctx.outstanding === 0) {
      this.contexts.delete(ctx.id);
      return true;
    }
    return false;
  }

  /** Open call contexts that still owe an answer (stop_canister waits for these). */
  openContexts(): number {
    return this.contexts.size;
  }

  /** Best-effort callbacks whose deadline passed without a response. */
  expired(now: bigint): Callback[] {
    const out: Callback[] = [];
    for (const cb of this.callbacks.values()) {
      if (!cb.answered && cb.deadline !== undefined && cb.deadline <= now) out.push(cb);
    }
    return out;
  }
}
