// HTTPS outcalls (the management canister's http_request), held for a test to answer. Nothing goes
// to the network: the management canister dispatcher submits each validated request here; a test
// lists the pending ones and answers them when it likes (`pending()`, `respond()`), or installs a
// handler that answers automatically (`setHandler()`; sync or async). Answers reach the dispatcher
// through the `onSettled` callback or, without one, through `takeSettled()` (call it once per
// round).
//
// Validation follows the replica (rs/types/types/src/canister_http.rs, the HTTP adapter):
//   at submit, thrown as UserError IC0406 CanisterRejectedMessage (reject code CANISTER_REJECT):
//     transform principal ≠ caller: "transform principal id expected to be <caller>, got <p>"
//     max_response_bytes > 2_000_000: "max_response_bytes expected to be in the range [0..2000000], got N"
//     url longer than 8192 bytes: "url size N exceeds 8192"
//     > 64 headers, a header name/value > 8 KiB, names+values > 48 KiB, names+values+body > 2_000_000
//   what the adapter refuses (settled at once as a SYS_FATAL reject, never pending):
//     unparsable url: "Failed to parse URL: <reason>"; a scheme other than https (unless
//     allowHttp): "Url need to specify https scheme"
//   answers larger than max_response_bytes (default 2_000_000; header names + values + body):
//     SYS_FATAL "Header size exceeds specified response size limit N" when the headers alone are
//     over, else SYS_FATAL "Http body exceeds size limit of N bytes."
// The transform (function principal + method name, and context) is kept on the request: the
// dispatcher runs it as a query on the calling canister (context TQ) on a `reply` outcome, with
// { response, context }, before replying to the canister. Cycles are the dispatcher's business.
//
// API:
//   new HttpsOutcallQueue<Tag>({ onSettled?, handler?, allowHttp? })
//   submit(canisterId, args: HttpRequestArgs, tag?) → HttpOutcall   (throws UserError)
//   pending() → HttpOutcall[]         get(id) → HttpOutcall | undefined
//   respond(id, { status, headers?, body? } | { reject: { code, message } }) → SettledHttpOutcall
//   setHandler(fn | undefined)        takeSettled() → SettledHttpOutcall[]
//   whenIdle() → Promise<void>        (resolves when no async handler answer is outstanding)
//   httpRequestArgsFromCandid(decoded) converts @dfinity/candid's decoding of http_request_args.
import { Principal } from '@dfinity/principal';
import { ErrorCode } from '../errors/error-code.ts';
import { RejectCode } from '../errors/reject-code.ts';
import { UserError } from '../errors/user-error.ts';

export const MAX_CANISTER_HTTP_RESPONSE_BYTES = 2_000_000n;
export const MAX_CANISTER_HTTP_REQUEST_BYTES = 2_000_000;
export const MAX_CANISTER_HTTP_URL_SIZE = 8192;
export const MAX_CANISTER_HTTP_HEADER_NUM = 64;
export const MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH = 8 * 1024;
export const MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE = 48 * 1024;

export type CanisterIdLike = Uint8Array | { toUint8Array(): Uint8Array };
export type HttpMethod = 'get' | 'head' | 'post';

export interface HttpHeader {
  name: string;
  value: string;
}

/** The transform function reference and its context, as the canister gave them. */
export interface HttpTransform {
  /** The function's principal: must be the calling canister. */
  principal: Uint8Array;
  /** The query method's name. */
  method: string;
  context: Uint8Array;
}

/** http_request_args, as plain TypeScript. */
export interface HttpRequestArgs {
  url: string;
  method: HttpMethod;
  headers?: readonly HttpHeader[];
  body?: Uint8Array | null;
  maxResponseBytes?: bigint | number | null;
  transform?: HttpTransform | null;
  isReplicated?: boolean | null;
}

export interface HttpOutcallRequest {
  url: string;
  method: HttpMethod;
  headers: HttpHeader[];
  body: Uint8Array | null;
  /** As the canister gave it (null: not given). */
  maxResponseBytes: bigint | null;
  /** The limit that applies: maxResponseBytes ?? 2_000_000. */
  effectiveMaxResponseBytes: bigint;
  transform: HttpTransform | null;
  isReplicated: boolean;
}

export interface HttpOutcall<Tag = unknown> {
  id: number;
  /** The calling canister's principal bytes. */
  canisterId: Uint8Array;
  request: HttpOutcallRequest;
  /** Whatever the dispatcher attached at submit (e.g. its callback). */
  tag: Tag | undefined;
}

/** An answer from the remote server (body as bytes or UTF-8 text). */
export interface HttpResponseAnswer {
  status: number | bigint;
  headers?: readonly HttpHeader[];
  body?: Uint8Array | string;
}

/** A failed outcall. */
export interface HttpRejectAnswer {
  reject: { code: RejectCode; message: string };
}

export type HttpOutcallAnswer = HttpResponseAnswer | HttpRejectAnswer;

/** http_request_result. */
export interface HttpResponse {
  status: bigint;
  headers: HttpHeader[];
  body: Uint8Array;
}

export type HttpOutcallOutcome =
  | { kind: 'reply'; response: HttpResponse }
  | { kind: 'reject'; code: RejectCode; message: string };

export interface SettledHttpOutcall<Tag = unknown> extends HttpOutcall<Tag> {
  outcome: HttpOutcallOutcome;
}

/** Answers an outcall, now or later; undefined leaves it pending for respond(). */
export type HttpOutcallHandler<Tag = unknown> = (
  outcall: HttpOutcall<Tag>,
) => HttpOutcallAnswer | undefined | Promise<HttpOutcallAnswer | undefined>;

export interface HttpsOutcallQueueOptions<Tag = unknown> {
  /** Called with every settled outcall; without it they wait for takeSettled(). */
  onSettled?: (settled: SettledHttpOutcall<Tag>) => void;
  handler?: HttpOutcallHandler<Tag>;
  /** Accept http:// urls too (the replica accepts https only). Default false. */
  allowHttp?: boolean;
}

const utf8 = new TextEncoder();
const byteLength = (s: string): number => utf8.encode(s).length;

function rejected(message: string): UserError {
  return new UserError(ErrorCode.CanisterRejectedMessage, message);
}

function canisterBytes(id: CanisterIdLike): Uint8Array {
  return Uint8Array.from(id instanceof Uint8Array ? id : id.toUint8Array());
}

function principalText(bytes: Uint8Array): string {
  return Principal.fromUint8Array(bytes).toText();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isReject(answer: HttpOutcallAnswer): answer is HttpRejectAnswer {
  return 'reject' in answer && answer.reject !== undefined;
}

/** Checks http_request_args as the replica does when the call arrives; throws UserError. */
export function validateHttpRequest(caller: Uint8Array, args: HttpRequestArgs): HttpOutcallRequest {
  const transform = args.transform ?? null;
  if (transform !== null && !sameBytes(transform.principal, caller)) {
    throw rejected(
      `transform principal id expected to be ${principalText(caller)}, got ${principalText(transform.principal)}`,
    );
  }
  const given = args.maxResponseBytes ?? null;
  const maxResponseBytes = given === null ? null : BigInt(given);
  if (maxResponseBytes !== null && (maxResponseBytes > MAX_CANISTER_HTTP_RESPONSE_BYTES || maxResponseBytes < 0n)) {
    throw rejected(
      `max_response_bytes expected to be in the range [0..${MAX_CANISTER_HTTP_RESPONSE_BYTES}], got ${maxResponseBytes}`,
    );
  }
  const urlSize = byteLength(args.url);
  if (urlSize > MAX_CANISTER_HTTP_URL_SIZE) {
    throw rejected(`url size ${urlSize} exceeds ${MAX_CANISTER_HTTP_URL_SIZE}`);
  }
  const headers = (args.headers ?? []).map((h) => ({ name: h.name, value: h.value }));
  if (headers.length > MAX_CANISTER_HTTP_HEADER_NUM) {
    throw rejected(`number of all http headers ${headers.length} exceeds ${MAX_CANISTER_HTTP_HEADER_NUM}`);
  }
  let maxName = 0;
  let maxValue = 0;
  let headerBytes = 0;
  for (const h of headers) {
    const n = byteLength(h.name);
    const v = byteLength(h.value);
    maxName = Math.max(maxName, n);
    maxValue = Math.max(maxValue, v);
    headerBytes += n + v;
  }
  if (maxName > MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH) {
    throw rejected(
      `number of bytes to represent some http header name ${maxName} exceeds ${MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH}`,
    );
  }
  if (maxValue > MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH) {
    throw rejected(
      `number of bytes to represent some http header value ${maxValue} exceeds ${MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH}`,
    );
  }
  if (headerBytes > MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE) {
    throw rejected(
      `total number of bytes to represent all http header names and values ${headerBytes} exceeds ${MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE}`,
    );
  }
  const body = args.body ?? null;
  const total = headerBytes + (body?.length ?? 0);
  if (total > MAX_CANISTER_HTTP_REQUEST_BYTES) {
    throw rejected(
      `total number of bytes to represent all http header names and values and http body ${total} exceeds ${MAX_CANISTER_HTTP_REQUEST_BYTES}`,
    );
  }
  if (args.method !== 'get' && args.method !== 'head' && args.method !== 'post') {
    throw rejected(`Unsupported HTTP method ${String(args.method)}`);
  }
  return {
    url: args.url,
    method: args.method,
    headers,
    body: body === null ? null : Uint8Array.from(body),
    maxResponseBytes,
    effectiveMaxResponseBytes: maxResponseBytes ?? MAX_CANISTER_HTTP_RESPONSE_BYTES,
    transform:
      transform === null
        ? null
        : {
            principal: Uint8Array.from(transform.principal),
            method: transform.method,
            context: Uint8Array.from(transform.context),
          },
    isReplicated: args.isReplicated ?? true,
  };
}

/** What the HTTP adapter would refuse about the url, or undefined. */
function adapterUrlProblem(url: string, allowHttp: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    const reason = url.length === 0 ? 'empty string' : 'invalid format';
    return `Failed to parse URL: ${reason}`;
  }
  if (parsed.protocol === 'https:') return undefined;
  if (allowHttp && parsed.protocol === 'http:') return undefined;
  return 'Url need to specify https scheme';
}

/** The outcome an answer gives, with the response size limit applied. */
export function outcomeOf(answer: HttpOutcallAnswer, maxResponseBytes: bigint): HttpOutcallOutcome {
  if (isReject(answer)) {
    const { code, message } = answer.reject;
    if (!Object.values(RejectCode).includes(code)) throw new TypeError(`HTTPS outcall reject code ${code} is not 1..6`);
    return { kind: 'reject', code, message: String(message) };
  }
  const status = answer.status;
  const natural =
    (typeof status === 'number' && Number.isInteger(status) && status >= 0) ||
    (typeof status === 'bigint' && status >= 0n);
  if (!natural) {
    throw new TypeError(`HTTPS outcall response status must be a non-negative integer, got ${String(status)}`);
  }
  const headers = (answer.headers ?? []).map((h) => ({ name: h.name, value: h.value }));
  const body = typeof answer.body === 'string' ? utf8.encode(answer.body) : Uint8Array.from(answer.body ?? []);
  const headerBytes = BigInt(headers.reduce((n, h) => n + byteLength(h.name) + byteLength(h.value), 0));
  if (headerBytes > maxResponseBytes) {
    return {
      kind: 'reject',
      code: RejectCode.SYS_FATAL,
      message: `Header size exceeds specified response size limit ${maxResponseBytes}`,
    };
  }
  if (BigInt(body.length) > maxResponseBytes - headerBytes) {
    return { kind: 'reject', code: RejectCode.SYS_FATAL, message: `Http body exceeds size limit of ${maxResponseBytes} bytes.` };
  }
  return { kind: 'reply', response: { status: BigInt(answer.status), headers, body } };
}

export class HttpsOutcallQueue<Tag = unknown> {
  private readonly outcalls = new Map<number, HttpOutcall<Tag>>();
  private readonly settled: SettledHttpOutcall<Tag>[] = [];
  private readonly onSettled: ((settled: SettledHttpOutcall<Tag>) => void) | undefined;
  private readonly allowHttp: boolean;
  private handler: HttpOutcallHandler<Tag> | undefined;
  private nextId = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(options: HttpsOutcallQueueOptions<Tag> = {}) {
    this.onSettled = options.onSettled;
    this.allowHttp = options.allowHttp ?? false;
    this.handler = options.handler;
  }

  /**
   * Takes an http_request from `canisterId`. Throws UserError for what the replica rejects at once;
   * otherwise returns the outcall, which is pending unless the adapter refuses the url or a
   * synchronous handler answered (then it is already settled).
   */
  submit(canisterId: CanisterIdLike, args: HttpRequestArgs, tag?: Tag): HttpOutcall<Tag> {
    const caller = canisterBytes(canisterId);
    const request = validateHttpRequest(caller, args);
    const outcall: HttpOutcall<Tag> = { id: this.nextId++, canisterId: caller, request, tag };
    this.outcalls.set(outcall.id, outcall);
    const problem = adapterUrlProblem(request.url, this.allowHttp);
    if (problem !== undefined) {
      this.settle(outcall, { kind: 'reject', code: RejectCode.SYS_FATAL, message: problem });
    } else if (this.handler !== undefined) {
      this.offer(outcall, this.handler);
    }
    return outcall;
  }

  /** The outcalls waiting for an answer, oldest first. */
  pending(): HttpOutcall<Tag>[] {
    return [...this.outcalls.values()];
  }

  get(id: number): HttpOutcall<Tag> | undefined {
    return this.outcalls.get(id);
  }

  /** Answers a pending outcall. Throws if there is no pending outcall `id`. */
  respond(id: number, answer: HttpOutcallAnswer): SettledHttpOutcall<Tag> {
    const outcall = this.outcalls.get(id);
    if (outcall === undefined) throw new Error(`There is no pending HTTPS outcall with id ${id}`);
    return this.settle(outcall, outcomeOf(answer, outcall.request.effectiveMaxResponseBytes));
  }

  /** Installs (or, with undefined, removes) the handler; it is offered the pending outcalls too. */
  setHandler(handler: HttpOutcallHandler<Tag> | undefined): void {
    this.handler = handler;
    if (handler !== undefined) for (const outcall of this.pending()) this.offer(outcall, handler);
  }

  /** The outcalls settled since the last call (only when no onSettled callback was given). */
  takeSettled(): SettledHttpOutcall<Tag>[] {
    return this.settled.splice(0);
  }

  /** Resolves once no asynchronous handler answer is outstanding. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private offer(outcall: HttpOutcall<Tag>, handler: HttpOutcallHandler<Tag>): void {
    let answer: HttpOutcallAnswer | undefined | Promise<HttpOutcallAnswer | undefined>;
    try {
      answer = handler(outcall);
    } catch (e) {
      answer = { reject: { code: RejectCode.SYS_TRANSIENT, message: errorMessage(e) } };
    }
    if (answer instanceof Promise) {
      this.inFlight++;
      answer
        .then(
          (a) => a,
          (e: unknown): HttpOutcallAnswer => ({ reject: { code: RejectCode.SYS_TRANSIENT, message: errorMessage(e) } }),
        )
        .then((a) => {
          if (a !== undefined && this.outcalls.has(outcall.id)) this.answerFromHandler(outcall, a);
        })
        .finally(() => {
          if (--this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        });
    } else if (answer !== undefined) {
      this.answerFromHandler(outcall, answer);
    }
  }

  /** A malformed handler answer becomes a SYS_FATAL reject the test can see, not a stray exception. */
  private answerFromHandler(outcall: HttpOutcall<Tag>, answer: HttpOutcallAnswer): void {
    let outcome: HttpOutcallOutcome;
    try {
      outcome = outcomeOf(answer, outcall.request.effectiveMaxResponseBytes);
    } catch (e) {
      const message = `Invalid answer from the HTTPS outcall handler: ${errorMessage(e)}`;
      outcome = { kind: 'reject', code: RejectCode.SYS_FATAL, message };
    }
    this.settle(outcall, outcome);
  }

  private settle(outcall: HttpOutcall<Tag>, outcome: HttpOutcallOutcome): SettledHttpOutcall<Tag> {
    this.outcalls.delete(outcall.id);
    const settled: SettledHttpOutcall<Tag> = { ...outcall, outcome };
    if (this.onSettled !== undefined) this.onSettled(settled);
    else this.settled.push(settled);
    return settled;
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * http_request_args as @dfinity/candid decodes them (opt as [] | [x], variants as { get: null },
 * func as [Principal, method]) → HttpRequestArgs.
 */
export function httpRequestArgsFromCandid(decoded: {
  url: string;
  max_response_bytes: [] | [bigint];
  method: { get: null } | { head: null } | { post: null };
  headers: Array<{ name: string; value: string }>;
  body: [] | [Uint8Array | number[]];
  transform: [] | [{ function: [{ toUint8Array(): Uint8Array }, string]; context: Uint8Array | number[] }];
  is_replicated?: [] | [boolean];
}): HttpRequestArgs {
  const method: HttpMethod = 'get' in decoded.method ? 'get' : 'head' in decoded.method ? 'head' : 'post';
  const t = decoded.transform[0];
  const body = decoded.body[0];
  return {
    url: decoded.url,
    method,
    headers: decoded.headers,
    body: body === undefined ? null : Uint8Array.from(body),
    maxResponseBytes: decoded.max_response_bytes[0] ?? null,
    transform:
      t === undefined
        ? null
        : { principal: t.function[0].toUint8Array(), method: t.function[1], context: Uint8Array.from(t.context) },
    isReplicated: decoded.is_replicated?.[0] ?? null,
  };
}
