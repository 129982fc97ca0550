// The JSON encodings of PocketIC's REST API (pocket_ic::common::rest): byte strings and principals as
// standard base64, u64/u128 as plain JSON integers (exact: parsed with the source text, written with
// JSON.rawJSON — or, on Node 20, which has neither, by a small parser and a placeholder rewrite — so
// 10^18 cycles or a nanosecond timestamp survive the round trip), and the
// RejectResponse a failed call carries (reject and error codes by their Rust variant names).
import { Principal } from '@dfinity/principal';
import { ErrorCode, RejectCode, UserError, type CallResult } from '@mockic/runtime';

/** A JSON value as parsed here: integers outside the safe range become bigints. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** A request the server refuses: PocketIC answers with `{ "message": ... }` and a 4xx status. */
export class PocketApiError extends Error {
  override name = 'PocketApiError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** A 400 "bad request" error (malformed body, unknown canister, ...). */
export function badRequest(message: string): PocketApiError {
  return new PocketApiError(400, message);
}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

// Node 21+ (V8 11.4+) gives revivers the source text and has JSON.rawJSON; on Node 20 the same
// exactness comes from a small parser and a placeholder rewrite instead.
let reviverSeesSource = false;
JSON.parse('1', ((_k, v, context) => {
  reviverSeesSource = typeof context?.source === 'string';
  return v;
}) as Reviver as (key: string, value: unknown) => unknown);
const rawJson = (JSON as unknown as { rawJSON?: (text: string) => unknown }).rawJSON;

/** JSON.parse keeping integers exact: those beyond 2^53 come back as bigints. */
export function parsePocketJson(text: string): JsonValue {
  if (!reviverSeesSource) return parseJsonKeepingIntegers(text);
  const reviver: Reviver = (_key, value, context) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
      return BigInt(context.source);
    }
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown) as JsonValue;
}

/** JSON.stringify writing bigints as plain integers. */
export function stringifyPocketJson(value: unknown): string {
  if (!rawJson) return stringifyWithoutRawJson(value);
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? rawJson(v.toString()) : v));
}

const BIGINT_MARK = '\u0000mockic-bigint:';

/** stringifyPocketJson for engines without JSON.rawJSON: bigints go through a placeholder string. */
export function stringifyWithoutRawJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v.toString()}` : v));
  return text.replace(/"\\u0000mockic-bigint:(-?\d+)"/g, '$1');
}

/** parsePocketJson for engines whose revivers do not see the source text: a strict JSON parser. */
export function parseJsonKeepingIntegers(text: string): JsonValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} in JSON at position ${at}`);
  };
  const ws = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[at];
    if (c === '{') {
      at++;
      const o: { [key: string]: JsonValue } = {};
      ws();
      if (text[at] === '}') return at++, o;
      for (;;) {
        ws();
        if (text[at] !== '"') fail('Expected a property name');
        const k = string();
        ws();
        if (text[at++] !== ':') fail("Expected ':'");
        o[k] = value();
        ws();
        const d = text[at++];
        if (d === '}') return o;
        if (d !== ',') fail("Expected ',' or '}'");
      }
    }
    if (c === '[') {
      at++;
      const a: JsonValue[] = [];
      ws();
      if (text[at] === ']') return at++, a;
      for (;;) {
        a.push(value());
        ws();
        const d = text[at++];
        if (d === ']') return a;
        if (d !== ',') fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) return (at += word.length), v;
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!m) return fail('Unexpected token');
    at += m[0].length;
    const n = Number(m[0]);
    return !m[2] && !m[3] && !Number.isSafeInteger(n) ? BigInt(m[0]) : n;
  };
  const string = (): string => {
    const start = at;
    at++;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    if (at >= text.length) fail('Unterminated string');
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const v = value();
  ws();
  if (at !== text.length) fail('Unexpected data after the JSON value');
  return v;
}

// ------------------------------------------------------------------ field readers

export function asObject(value: JsonValue | undefined, what: string): { [key: string]: JsonValue } {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`${what}: expected a JSON object`);
  }
  return value;
}

export function asString(value: JsonValue | undefined, what: string): string {
  if (typeof value !== 'string') throw badRequest(`${what}: expected a string`);
  return value;
}

/** A non-negative integer given as a JSON number (or a decimal string): exact as a bigint. */
export function asNat(value: JsonValue | undefined, what: string): bigint {
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.round(value));
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  throw badRequest(`${what}: expected a non-negative integer`);
}

export function asNumber(value: JsonValue | undefined, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  throw badRequest(`${what}: expected a number`);
}

// ------------------------------------------------------------------ base64

export function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function bytesOfBase64(value: JsonValue | undefined, what: string): Uint8Array {
  const text = asString(value, what);
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(text)) throw badRequest(`${what}: invalid base64`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function principalOfBase64(value: JsonValue | undefined, what: string): Principal {
  const bytes = bytesOfBase64(value, what);
  if (bytes.length > 29) throw badRequest(`${what}: a principal has at most 29 bytes`);
  return Principal.fromUint8Array(bytes);
}

export function base64OfPrincipal(p: Principal): string {
  return base64Of(p.toUint8Array());
}

/** `{ canister_id: base64 }` (RawCanisterId). */
export function rawCanisterId(p: Principal): { canister_id: string } {
  return { canister_id: base64OfPrincipal(p) };
}

// ------------------------------------------------------------------ effective principal

/** RawEffectivePrincipal: "None", { SubnetId: base64 } or { CanisterId: base64 }. */
export type EffectivePrincipal = { kind: 'none' } | { kind: 'subnet'; id: Principal } | { kind: 'canister'; id: Principal };

export function effectivePrincipalOf(value: JsonValue | undefined): EffectivePrincipal {
  if (value === undefined || value === null || value === 'None') return { kind: 'none' };
  const o = asObject(value, 'effective_principal');
  if ('SubnetId' in o) return { kind: 'subnet', id: principalOfBase64(o['SubnetId'], 'effective_principal.SubnetId') };
  if ('CanisterId' in o) return { kind: 'canister', id: principalOfBase64(o['CanisterId'], 'effective_principal.CanisterId') };
  throw badRequest('effective_principal: expected "None", {"SubnetId": ...} or {"CanisterId": ...}');
}

export function effectivePrincipalJson(p: EffectivePrincipal): JsonValue {
  if (p.kind === 'none') return 'None';
  return p.kind === 'subnet' ? { SubnetId: base64OfPrincipal(p.id) } : { CanisterId: base64OfPrincipal(p.id) };
}

// ------------------------------------------------------------------ reject responses

const REJECT_CODE_NAMES: Record<number, string> = {
  [RejectCode.SYS_FATAL]: 'SysFatal',
  [RejectCode.SYS_TRANSIENT]: 'SysTransient',
  [RejectCode.DESTINATION_INVALID]: 'DestinationInvalid',
  [RejectCode.CANISTER_REJECT]: 'CanisterReject',
  [RejectCode.CANISTER_ERROR]: 'CanisterError',
  [RejectCode.SYS_UNKNOWN]: 'SysUnknown',
};

const ERROR_CODE_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** PocketIC's RejectResponse: what `{ "Err": ... }` carries. */
export interface RawRejectResponse {
  reject_code: string;
  reject_message: string;
  error_code: string;
  certified: boolean;
}

export function rejectCodeName(code: number): string {
  return REJECT_CODE_NAMES[code] ?? 'SysUnknown';
}

export function errorCodeName(code: number): string {
  return ERROR_CODE_NAMES.get(code) ?? 'CanisterRejectedMessage';
}

/** The RejectResponse of a UserError (the description without its "IC0xxx: " prefix, as PocketIC sends it). */
export function rejectOfUserError(error: UserError, certified: boolean): RawRejectResponse {
  return {
    reject_code: rejectCodeName(error.rejectCode),
    reject_message: error.description,
    error_code: errorCodeName(error.code),
    certified,
  };
}

/** The RejectResponse of a rejected call: a system error's UserError, or the canister's own reject (IC0406). */
export function rejectOfResult(result: Extract<CallResult, { kind: 'reject' }>, certified: boolean): RawRejectResponse {
  if (result.error) return rejectOfUserError(result.error, certified);
  return {
    reject_code: rejectCodeName(result.code),
    reject_message: result.message,
    // A canister's own reject (msg_reject) carries IC0406, as PocketIC reports it.
    error_code: 'CanisterRejectedMessage',
    certified,
  };
}

/** RawCanisterResult: `{ "Ok": base64 }` or `{ "Err": RejectResponse }`. */
export function canisterResultJson(result: CallResult, certified: boolean): JsonValue {
  if (result.kind === 'reply') return { Ok: base64Of(result.data) };
  return { Err: rejectOfResult(result, certified) as unknown as JsonValue };
}

/** Anything thrown by the runtime as a RejectResponse (a UserError keeps its codes). */
export function rejectOfThrown(e: unknown, certified: boolean): RawRejectResponse {
  if (e instanceof UserError) return rejectOfUserError(e, certified);
  return rejectOfUserError(new UserError(ErrorCode.CanisterRejectedMessage, e instanceof Error ? e.message : String(e)), certified);
}
