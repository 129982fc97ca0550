// The management canister's http_request: HTTPS outcalls held in an HttpsOutcallQueue for the test to
// answer (nothing goes to the network). A request from a canister is
//   1. decoded with ic.did's http_request_args (IC0408 when it does not decode),
//   2. validated as the replica does (transform principal, max_response_bytes, url and header sizes),
//   3. charged (on a subnet that charges cycles): the attached cycles must cover the caller's subnet's
//      fees.httpRequest(request size, max_response_bytes), where
//      the request size is the replica's variable_parts_size (url + header names and values + body +
//      transform method name + transform context); with fewer cycles the call is rejected with
//        "http_request request sent with N cycles, but F cycles are required."  (IC0406, CANISTER_REJECT)
//      and everything is refunded,
//   4. submitted to the queue, where it is pending until answered (replica.respondToHttpsOutcall, or a
//      handler installed with replica.httpsOutcalls.setHandler).
// When the outcall settles: a reject (the test's, the adapter's url check, or a response over
// max_response_bytes) reaches the canister with its reject code and message; a response is, when the
// request names a transform, run through that query method of the calling canister (context TQ,
// caller aaaaa-aa, nothing committed) with Candid { response; context }, and the transform's reply bytes
// go to the canister as they are (as the replica's canister-http client forwards them); a transform
// that rejects gives CANISTER_REJECT with its message, one that traps its error's reject code and
// "IC0xxx: ..." text, and a transformed reply over the limit SYS_FATAL "Transformed http response
// exceeds limit: N". Without a transform the response is encoded as http_request_result.
// Cycles: the fee is kept whether the outcall succeeds or fails; the rest of the attached cycles is
// refunded with the answer (the replica's legacy pricing: payment minus the fee is returned).
//
// API:
//   createHttpsOutcallQueue(options?) → HttpsOutcallQueue<HttpOutcallTag>   (settled outcalls deliver themselves)
//   registerHttpsOutcalls(management, replica, queue, fees?)
//   pendingOutcallOf(outcall, subnetId) → PendingHttpsOutcall     (PocketIC's getPendingHttpsOutcalls shape)
//   httpOutcallAnswerOf(response) → HttpOutcallAnswer            (accepts PocketIC's mock response shape too)
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ErrorCode } from '../errors/error-code.ts';
import { RejectCode } from '../errors/reject-code.ts';
import { UserError } from '../errors/user-error.ts';
import {
  HttpsOutcallQueue,
  httpRequestArgsFromCandid,
  validateHttpRequest,
  type HttpOutcall,
  type HttpOutcallAnswer,
  type HttpOutcallHandler,
  type HttpOutcallRequest,
  type SettledHttpOutcall,
} from '../https-outcalls/https-outcall-queue.ts';
import type { Replica } from '../replica/replica.ts';
import type { CallResult } from '../scheduler/messages.ts';
import type { ManagementCall, ManagementCanister } from './management-canister.ts';
import { errors } from './management-errors.ts';
import { callerFeesOf, feesFor, notEnoughCycles, type CallerFees } from './threshold-methods.ts';
import { HttpRequestArgs, HttpRequestResult, TransformArgs, type HttpRequestArg } from './threshold-candid.ts';

/** What the dispatcher attaches to each outcall: how to answer the canister once it settles. */
export interface HttpOutcallTag {
  deliver(settled: SettledHttpOutcall<HttpOutcallTag>): void;
}

/** A queue whose settled outcalls deliver themselves to the calling canister (through their tag). */
export function createHttpsOutcallQueue(
  options: { allowHttp?: boolean; handler?: HttpOutcallHandler<HttpOutcallTag> } = {},
): HttpsOutcallQueue<HttpOutcallTag> {
  return new HttpsOutcallQueue<HttpOutcallTag>({ ...options, onSettled: (settled) => settled.tag?.deliver(settled) });
}

/**
 * Serves http_request on `management` with `queue`; transforms run on `replica`'s canisters. The fee is
 * the caller's subnet's (`fees`, default callerFeesOf(replica)): nothing where the subnet charges no cycles.
 */
export function registerHttpsOutcalls(
  management: ManagementCanister,
  replica: Replica,
  queue: HttpsOutcallQueue<HttpOutcallTag>,
  fees: CallerFees = callerFeesOf(replica),
): void {
  management.register('http_request', (call) => {
    try {
      let decoded: HttpRequestArg;
      try {
        decoded = IDL.decode([HttpRequestArgs], call.arg)[0] as unknown as HttpRequestArg;
      } catch (e) {
        throw errors.decode('http_request', e);
      }
      const args = httpRequestArgsFromCandid(decoded);
      const caller = call.sender.toUint8Array();
      const request = validateHttpRequest(caller, args);
      const fee = feesFor(fees, call.sender)?.httpRequest(requestSize(request), request.effectiveMaxResponseBytes) ?? 0n;
      if (call.cycles < fee) throw notEnoughCycles('http_request', call.cycles, fee);
      const refund = call.cycles - fee;
      queue.submit(caller, args, { deliver: (settled) => deliver(call, replica, settled, refund) });
    } catch (e) {
      call.reject(asUserError(e));
    }
  });
}

/** The replica's variable_parts_size of a request: what the per-byte request fee applies to. */
export function requestSize(r: HttpOutcallRequest): bigint {
  const utf8 = new TextEncoder();
  let n = utf8.encode(r.url).length;
  for (const h of r.headers) n += utf8.encode(h.name).length + utf8.encode(h.value).length;
  n += r.body?.length ?? 0;
  if (r.transform) n += utf8.encode(r.transform.method).length + r.transform.context.length;
  return BigInt(n);
}

/** Answers the canister's http_request call with the settled outcall (transformed when asked). */
function deliver(call: ManagementCall, replica: Replica, settled: SettledHttpOutcall<HttpOutcallTag>, refund: bigint): void {
  const result = resultOf(replica, settled);
  if (result.kind === 'reply') call.reply(result.data, refund);
  // Rejects keep the adapter's reject code (SYS_FATAL, SYS_TRANSIENT, ...), which no UserError carries.
  else replica.respond(call.origin, result, refund);
}

function resultOf(replica: Replica, settled: SettledHttpOutcall<HttpOutcallTag>): CallResult {
  const outcome = settled.outcome;
  if (outcome.kind === 'reject') return { kind: 'reject', code: outcome.code, message: outcome.message };
  const response = { status: outcome.response.status, headers: outcome.response.headers, body: outcome.response.body };
  const transform = settled.request.transform;
  if (!transform) return { kind: 'reply', data: new Uint8Array(IDL.encode([HttpRequestResult], [response])) };
  const canister = replica.findCanister(Principal.fromUint8Array(settled.canisterId));
  if (!canister) {
    const message = `Canister ${Principal.fromUint8Array(settled.canisterId).toText()} not found`;
    return { kind: 'reject', code: RejectCode.DESTINATION_INVALID, message };
  }
  const arg = new Uint8Array(IDL.encode([TransformArgs], [{ response, context: transform.context }]));
  const { result } = canister.runTransform(transform.method, arg);
  if (result.kind === 'reject') {
    if (result.error) return { kind: 'reject', code: result.error.rejectCode, message: result.error.message };
    return { kind: 'reject', code: RejectCode.CANISTER_REJECT, message: result.message };
  }
  const limit = settled.request.effectiveMaxResponseBytes;
  if (BigInt(result.data.length) > limit) {
    return { kind: 'reject', code: RejectCode.SYS_FATAL, message: `Transformed http response exceeds limit: ${limit}` };
  }
  return result;
}

function asUserError(e: unknown): UserError {
  if (e instanceof UserError) return e;
  return new UserError(ErrorCode.CanisterRejectedMessage, e instanceof Error ? e.message : String(e));
}

// ------------------------------------------------------------------ test-facing shapes

/** A pending outcall as a test sees it (after PocketIC's getPendingHttpsOutcalls). */
export interface PendingHttpsOutcall {
  requestId: number;
  subnetId: Principal;
  /** The canister that made the request. */
  canisterId: Principal;
  httpMethod: 'GET' | 'HEAD' | 'POST';
  url: string;
  /** [name, value] pairs, as PocketIC lists them. */
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** As the canister gave it (undefined: not given; the 2 MB default applies). */
  maxResponseBytes: number | undefined;
  /** The transform query method and its context, if any. */
  transform: { method: string; context: Uint8Array } | undefined;
}

export function pendingOutcallOf(outcall: HttpOutcall, subnetId: Principal): PendingHttpsOutcall {
  const r = outcall.request;
  return {
    requestId: outcall.id,
    subnetId,
    canisterId: Principal.fromUint8Array(outcall.canisterId),
    httpMethod: r.method.toUpperCase() as 'GET' | 'HEAD' | 'POST',
    url: r.url,
    headers: r.headers.map((h) => [h.name, h.value]),
    body: r.body ?? new Uint8Array(),
    maxResponseBytes: r.maxResponseBytes === null ? undefined : Number(r.maxResponseBytes),
    transform: r.transform ? { method: r.transform.method, context: r.transform.context } : undefined,
  };
}

type HeaderLike = { name: string; value: string } | readonly [string, string];

/** An answer to a pending outcall: the queue's own shape or PocketIC's mockPendingHttpsOutcall response. */
export type HttpsOutcallResponse =
  | HttpOutcallAnswer
  | { status: number | bigint; headers?: readonly HeaderLike[]; body?: Uint8Array | string }
  | { type: 'success'; statusCode: number; headers?: readonly HeaderLike[]; body?: Uint8Array | string }
  | { type: 'reject'; statusCode: RejectCode; message: string };

export function httpOutcallAnswerOf(response: HttpsOutcallResponse): HttpOutcallAnswer {
  if ('type' in response) {
    if (response.type === 'reject') return { reject: { code: response.statusCode, message: response.message } };
    return { status: response.statusCode, headers: headersOf(response.headers), body: response.body };
  }
  if ('reject' in response) return response;
  return { status: response.status, headers: headersOf(response.headers), body: response.body };
}

function headersOf(headers: readonly HeaderLike[] | undefined): Array<{ name: string; value: string }> {
  return (headers ?? []).map((h) => (Array.isArray(h) ? { name: h[0] as string, value: h[1] as string } : { ...(h as { name: string; value: string }) }));
}
