// Everything one message execution may read through the System API, and everything it produces.
// The caller (the canister layer) fills the inputs; the System API appends outputs; nothing here
// touches replica state directly, so an execution is plain data in and plain data out (DESIGN 8),
// and a trap simply drops the outputs.
import type { ApiContext } from './api-context.ts';

/** An inter-canister call assembled with call_new … call_perform. */
export interface OutgoingCall {
  callee: Uint8Array;
  method: string;
  arg: Uint8Array;
  cycles: bigint;
  /** Table-0 function indices and environments of the callbacks (number for wasm32, bigint for wasm64). */
  reply: { fun: number; env: bigint };
  reject: { fun: number; env: bigint };
  cleanup?: { fun: number; env: bigint };
  /** Set by call_with_best_effort_response. */
  timeoutSeconds?: number;
}

/** What the canister answered, if it did in this execution. */
export type Response = { kind: 'reply'; data: Uint8Array } | { kind: 'reject'; message: string };

/** Fee lookups the cost_* calls need; provided by the cycles layer. */
export interface CostOracle {
  call(methodNameSize: bigint, payloadSize: bigint): bigint;
  createCanister(): bigint;
  httpRequest(requestSize: bigint, maxResponseBytes: bigint): bigint;
  /** Returns undefined for an unknown key name; the curve/algorithm check happens before. */
  signWithEcdsa(keyName: string, curve: number): bigint | undefined;
  signWithSchnorr(keyName: string, algorithm: number): bigint | undefined;
  vetkdDeriveKey(keyName: string, curve: number): bigint | undefined;
}

export interface ExecutionInputs {
  context: ApiContext;
  canisterId: Uint8Array;
  subnetId: Uint8Array;
  caller: Uint8Array;
  callerInfo?: { data: Uint8Array; signer: Uint8Array };
  arg: Uint8Array;
  /** inspect_message: the method the ingress message calls. */
  methodName?: string;
  /** Callbacks: 0 for a reply, the reject code for a reject. */
  rejectCode?: number;
  rejectMessage?: string;
  deadline?: bigint;
  /** Nanoseconds since 1970. */
  time: bigint;
  cyclesAvailable?: bigint;
  cyclesRefunded?: bigint;
  /** Balance the canister may spend in this message (after the execution reserve). */
  balance: bigint;
  /** Cycles that must stay on the balance (freezing threshold and reserved balance). */
  frozenLimit: bigint;
  status: 1 | 2 | 3;
  version: bigint;
  controllers: Uint8Array[];
  rootKey?: Uint8Array;
  /** Present only for a query on the target canister of a query call. */
  dataCertificate?: Uint8Array;
  /** The current global timer (0 = unset). */
  globalTimer: bigint;
  envVars: Array<[string, string]>;
  /** Instructions the call context already spent (performance_counter(1)). */
  callContextInstructions: bigint;
  /** Whether this execution may respond to its call (false after the call context was answered). */
  mayRespond: boolean;
  /** Maximum reply size and inter-canister payload size in bytes. */
  maxResponseBytes: number;
  maxCallPayloadBytes: number;
  costs: CostOracle;
}

export interface ExecutionOutputs {
  response?: Response;
  replyBuffer: Uint8Array[];
  replyBufferSize: number;
  calls: OutgoingCall[];
  /** A call between call_new and call_perform. */
  pendingCall?: OutgoingCall;
  certifiedData?: Uint8Array;
  globalTimer?: bigint;
  cyclesAccepted: bigint;
  cyclesBurned: bigint;
  /** Cycles moved onto performed calls (already off the balance). */
  cyclesSent: bigint;
  /** inspect_message called accept_message. */
  messageAccepted: boolean;
  logs: string[];
}

/** One message execution's state as the System API sees it. */
export class ExecutionState {
  readonly in: ExecutionInputs;
  readonly out: ExecutionOutputs;
  balance: bigint;
  cyclesAvailable: bigint;

  constructor(inputs: ExecutionInputs) {
    this.in = inputs;
    this.balance = inputs.balance;
    this.cyclesAvailable = inputs.cyclesAvailable ?? 0n;
    this.out = {
      replyBuffer: [],
      replyBufferSize: 0,
      calls: [],
      cyclesAccepted: 0n,
      cyclesBurned: 0n,
      cyclesSent: 0n,
      messageAccepted: false,
      logs: [],
    };
  }
}
