// The messages the scheduler moves between canisters, as plain data: a request names where its
// response must go (its origin), a response names the callback that waits for it. Keeping them
// free of object references is what lets executions run elsewhere (DESIGN decision 8) and lets
// checkpoints persist queues.
import type { Principal } from '@dfinity/principal';
import type { RejectCode } from '../errors/reject-code.ts';
import type { UserError } from '../errors/user-error.ts';

/** Where the response of a call goes. */
export type CallOrigin =
  /** A user's ingress message, answered in the ingress history. */
  | { kind: 'ingress'; messageId: string }
  /** Another canister's call, answered to its callback. */
  | { kind: 'canister'; caller: Principal; callbackId: number }
  /** A heartbeat or global timer: nobody waits for an answer. */
  | { kind: 'system-task' };

/** The answer to a call. */
export type CallResult =
  | { kind: 'reply'; data: Uint8Array }
  /** A reject: by the canister (CANISTER_REJECT) or by the system (with the UserError behind it). */
  | { kind: 'reject'; code: RejectCode; message: string; error?: UserError };

export interface CanisterRequest {
  /** The caller: a user principal for ingress, the calling canister otherwise. */
  sender: Principal;
  receiver: Principal;
  method: string;
  arg: Uint8Array;
  cycles: bigint;
  origin: CallOrigin;
  /** Best-effort calls: the deadline in nanoseconds (msg_deadline); undefined for guaranteed responses. */
  deadline?: bigint;
}

export interface CanisterResponse {
  /** The canister that made the call. */
  receiver: Principal;
  callbackId: number;
  result: CallResult;
  /** Cycles coming back with the response. */
  refund: bigint;
}

/** A response for the origin of a call context, produced by an execution. */
export interface OriginResponse {
  origin: CallOrigin;
  result: CallResult;
  refund: bigint;
}

/** What one execution asks the scheduler to route. */
export interface ExecutionEffects {
  requests: CanisterRequest[];
  responses: OriginResponse[];
  instructions: bigint;
  /** Cycles charged for the execution (already taken from the balance). */
  charged: bigint;
}

export function emptyEffects(): ExecutionEffects {
  return { requests: [], responses: [], instructions: 0n, charged: 0n };
}
