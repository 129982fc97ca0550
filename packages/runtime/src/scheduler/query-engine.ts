// Query calls, plain and composite. A composite query may call queries and composite queries of
// canisters on its subnet; the calls run depth-first to completion, their callbacks run in the
// caller in the composite contexts (CRy/CRt/CC), and nothing commits: each canister is returned to
// its committed state when its part of the call graph is done. Limits as on the replica: call depth,
// total instructions over the graph (with a fixed overhead per call) and no loops.
import type { Principal } from '@dfinity/principal';
import type { Canister } from '../canister/canister.ts';
import type { OutgoingCall } from '../system-api/execution-state.ts';
import { Principal as P } from '@dfinity/principal';
import { ErrorCode } from '../errors/error-code.ts';
import { RejectCode } from '../errors/reject-code.ts';
import { UserError } from '../errors/user-error.ts';
import type { CallResult } from './messages.ts';
import { principalKey } from '../replica/principal-key.ts';

export interface QueryLimits {
  /** Deepest nesting of query calls (6 on the replica). */
  maxDepth: number;
  /** Instructions over the whole call graph, overheads included (5 B). */
  maxTotalInstructions: bigint;
  /** Instructions charged per call to the graph's total (50 M). */
  overheadPerCall: bigint;
  /** Instructions per single query execution. */
  perQuery: bigint;
}

export const defaultQueryLimits: QueryLimits = {
  maxDepth: 6,
  maxTotalInstructions: 5_000_000_000n,
  overheadPerCall: 50_000_000n,
  perQuery: 5_000_000_000n,
};

export interface QueryWorld {
  find(id: Principal): Canister | undefined;
  /** Whether a composite query in `from` may call `to` (same subnet). */
  sameSubnet(from: Principal, to: Principal): boolean;
}

class GraphError extends Error {
  readonly error: UserError;
  constructor(error: UserError) {
    super(error.message);
    this.error = error;
  }
}

export interface QueryOutcome {
  result: CallResult;
  instructions: bigint;
}

/** Executes a query call from a user (or the HTTP interface) against committed state. */
export function executeQuery(
  world: QueryWorld,
  canisterId: Principal,
  method: string,
  arg: Uint8Array,
  caller: Principal,
  limits: QueryLimits = defaultQueryLimits,
  dataCertificate?: Uint8Array,
): QueryOutcome {
  const graph = new CallGraph(world, limits);
  try {
    const result = graph.call(canisterId, method, arg, caller, 0, dataCertificate, true);
    return { result, instructions: graph.total };
  } catch (e) {
    if (e instanceof GraphError) return { result: errorResult(e.error), instructions: graph.total };
    throw e;
  }
}

function errorResult(error: UserError): CallResult {
  return { kind: 'reject', code: error.rejectCode, message: error.description, error };
}

class CallGraph {
  readonly world: QueryWorld;
  readonly limits: QueryLimits;
  total = 0n;
  private readonly active = new Set<string>();

  constructor(world: QueryWorld, limits: QueryLimits) {
    this.world = world;
    this.limits = limits;
  }

  private account(instructions: bigint): void {
    this.total += instructions;
    if (this.total > this.limits.maxTotalInstructions) {
      throw new GraphError(
        new UserError(ErrorCode.QueryCallGraphTotalInstructionLimitExceeded, 'Composite query calls exceeded the instruction limit.'),
      );
    }
  }

  call(
    target: Principal,
    method: string,
    arg: Uint8Array,
    caller: Principal,
    depth: number,
    dataCertificate: Uint8Array | undefined,
    top: boolean,
  ): CallResult {
    const canister = this.world.find(target);
    if (!canister) {
      return errorResult(new UserError(ErrorCode.CanisterNotFound, `Canister ${target.toText()} not found`));
    }
    const key = principalKey(target);
    if (this.active.has(key)) {
      throw new GraphError(
        new UserError(ErrorCode.QueryCallGraphLoopDetected, 'Loop detected.  MVP inter-canister queries do not support loops.'),
      );
    }
    const kind = canister.methodKind(method);
    if (kind !== 'query' && kind !== 'composite_query') return errorResult(canister.methodNotFound('query', method));
    if (depth >= this.limits.maxDepth) {
      throw new GraphError(new UserError(ErrorCode.QueryCallGraphTooDeep, 'Composite query calls exceeded the maximum call depth.'));
    }
    if (!top) this.account(this.limits.overheadPerCall);
    this.active.add(key);
    try {
      return this.run(canister, kind, method, arg, caller, depth, top ? dataCertificate : undefined);
    } finally {
      this.active.delete(key);
      canister.discardUncommitted();
    }
  }

  private run(
    canister: Canister,
    kind: 'query' | 'composite_query',
    method: string,
    arg: Uint8Array,
    caller: Principal,
    depth: number,
    dataCertificate: Uint8Array | undefined,
  ): CallResult {
    const inputs = canister.inputs(kind === 'query' ? 'NRQ' : 'CQ', caller, arg);
    inputs.dataCertificate = dataCertificate;
    const r = canister.runUncommitted({ kind: 'export', name: `canister_${kind} ${method}` }, inputs, this.limits.perQuery);
    if (!r) return errorResult(canister.methodNotFound('query', method));
    this.account(r.instructions);
    if (!r.ok) return canister.trapResult(r);
    let response: CallResult | undefined = r.outputs.response ? canister.responseOf(r) : undefined;
    // Calls are answered depth-first, in the order they were made; their callbacks may make more.
    const pending: OutgoingCall[] = [...r.outputs.calls];
    let contextInstructions = r.instructions;
    while (pending.length > 0) {
      const call = pending.shift() as OutgoingCall;
      const callee = P.fromUint8Array(call.callee);
      let result: CallResult;
      if (!this.world.sameSubnet(canister.id, callee)) {
        result = {
          kind: 'reject',
          code: RejectCode.DESTINATION_INVALID,
          message: `Canister ${callee.toText()} is not on the same subnet as ${canister.idText}: composite queries call only canisters of their own subnet.`,
        };
      } else {
        result = this.call(callee, call.method, call.arg, canister.id, depth + 1, undefined, false);
      }
      const isReply = result.kind === 'reply';
      const cbInputs = canister.inputs(isReply ? 'CRy' : 'CRt', callee, result.kind === 'reply' ? result.data : new Uint8Array());
      if (result.kind === 'reject') {
        cbInputs.rejectCode = result.code;
        cbInputs.rejectMessage = result.message;
      } else cbInputs.rejectCode = 0;
      cbInputs.mayRespond = response === undefined;
      cbInputs.callContextInstructions = contextInstructions;
      const target = isReply ? call.reply : call.reject;
      const cb = canister.runUncommitted({ kind: 'callback', fun: target.fun, env: target.env }, cbInputs, this.limits.perQuery);
      if (!cb) break;
      this.account(cb.instructions);
      contextInstructions += cb.instructions;
      if (!cb.ok) {
        if (call.cleanup) {
          const cInputs = canister.inputs('CC', callee, new Uint8Array());
          cInputs.mayRespond = false;
          const c = canister.runUncommitted({ kind: 'callback', fun: call.cleanup.fun, env: call.cleanup.env }, cInputs, this.limits.perQuery);
          if (c) this.account(c.instructions);
        }
        if (response === undefined) response = canister.trapResult(cb);
        continue;
      }
      if (response === undefined && cb.outputs.response) response = canister.responseOf(cb);
      pending.push(...cb.outputs.calls);
    }
    if (response) return response;
    return errorResult(
      new UserError(ErrorCode.CanisterDidNotReply, `Error from Canister ${canister.idText}: Canister did not produce a response`),
    );
  }
}
