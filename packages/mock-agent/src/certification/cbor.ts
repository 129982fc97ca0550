// A small CBOR (RFC 8949) encoder and decoder for what the Internet Computer exchanges: request
// envelopes from agents, certificates, hash trees, canister ranges and controller lists. Unsigned
// and negative integers (bigints beyond 2^53, tags 2/3 for beyond 2^64), byte and text strings,
// arrays, maps, the self-describe tag 55799, booleans, null/undefined and floats. The decoder also
// takes indefinite lengths (agents do not send them, other clients might). Kept here, not taken
// from @dfinity/agent, because the agent is only a test dependency and its decoder drops tags.

/** A tagged item other than 55799 (self-describe) and 2/3 (bignums), which decode to bigints. */
export class CborTag {
  readonly tag: number | bigint;
  readonly value: CborValue;
  constructor(tag: number | bigint, value: CborValue) {
    this.tag = tag;
    this.value = value;
  }
}

/** Marks a value to be encoded with the self-describe tag 55799 in front. */
export class SelfDescribed {
  readonly value: CborValue;
  constructor(value: CborValue) {
    this.value = value;
  }
}

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborValue, CborValue>
  | CborTag
  | SelfDescribed
  | { [key: string]: CborValue };

export const SELF_DESCRIBE_TAG = 55799;
const SELF_DESCRIBE_PREFIX = [0xd9, 0xd9, 0xf7];
const MAX_U64 = (1n << 64n) - 1n;

export class CborError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CborError';
  }
}

// ------------------------------------------------------------------ encoding

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** A major type with its argument in the shortest form. */
  head(major: number, arg: number | bigint): void {
    const m = major << 5;
    if (typeof arg === 'number' && arg < 24) return this.byte(m | arg);
    const n = BigInt(arg);
    this.reserve(9);
    if (n < 0x100n) {
      this.buf[this.length++] = m | 24;
      this.buf[this.length++] = Number(n);
    } else if (n < 0x10000n) {
      this.buf[this.length++] = m | 25;
      this.view.setUint16(this.length, Number(n));
      this.length += 2;
    } else if (n < 0x100000000n) {
      this.buf[this.length++] = m | 26;
      this.view.setUint32(this.length, Number(n));
      this.length += 4;
    } else {
      this.buf[this.length++] = m | 27;
      this.view.setBigUint64(this.length, n);
      this.length += 8;
    }
  }

  float(x: number): void {
    this.reserve(9);
    this.buf[this.length++] = 0xfb;
    this.view.setFloat64(this.length, x);
    this.length += 8;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const textEncoder = new TextEncoder();

function bigintBytes(n: bigint): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function encodeInto(w: Writer, v: CborValue): void {
  if (v === false) return w.byte(0xf4);
  if (v === true) return w.byte(0xf5);
  if (v === null) return w.byte(0xf6);
  if (v === undefined) return w.byte(0xf7);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Number.isSafeInteger(v)) return v >= 0 ? w.head(0, v) : w.head(1, -1 - v);
    return w.float(v);
  }
  if (typeof v === 'bigint') {
    if (v >= 0n) {
      if (v <= MAX_U64) return w.head(0, v);
      w.head(6, 2);
      const b = bigintBytes(v);
      w.head(2, b.length);
      return w.bytes(b);
    }
    const m = -1n - v;
    if (m <= MAX_U64) return w.head(1, m);
    w.head(6, 3);
    const b = bigintBytes(m);
    w.head(2, b.length);
    return w.bytes(b);
  }
  if (typeof v === 'string') {
    const b = textEncoder.encode(v);
    w.head(3, b.length);
    return w.bytes(b);
  }
  if (v instanceof Uint8Array) {
    w.head(2, v.length);
    return w.bytes(v);
  }
  if (Array.isArray(v)) {
    w.head(4, v.length);
    for (const item of v) encodeInto(w, item);
    return;
  }
  if (v instanceof Map) {
    w.head(5, v.size);
    for (const [k, item] of v) {
      encodeInto(w, k);
      encodeInto(w, item);
    }
    return;
  }
  if (v instanceof SelfDescribed) {
    w.head(6, SELF_DESCRIBE_TAG);
    return encodeInto(w, v.value);
  }
  if (v instanceof CborTag) {
    w.head(6, v.tag);
    return encodeInto(w, v.value);
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
    const b = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    w.head(2, b.length);
    return w.bytes(b);
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v).filter(([, item]) => item !== undefined);
    w.head(5, entries.length);
    for (const [k, item] of entries) {
      encodeInto(w, k);
      encodeInto(w, item);
    }
    return;
  }
  throw new CborError(`cannot encode a value of type ${typeof v}`);
}

/**
 * Encodes `value`. Plain objects become maps with text keys (undefined members are left out);
 * `Map`s keep their keys' types. With `selfDescribe`, the output starts with tag 55799 (d9 d9 f7),
 * as certificates and request envelopes do.
 */
export function encode(value: CborValue, options: { selfDescribe?: boolean } = {}): Uint8Array {
  const w = new Writer();
  if (options.selfDescribe) w.bytes(Uint8Array.from(SELF_DESCRIBE_PREFIX));
  encodeInto(w, value);
  return w.result();
}

/** Encodes `value` behind the self-describe tag 55799. */
export function encodeSelfDescribed(value: CborValue): Uint8Array {
  return encode(value, { selfDescribe: true });
}

// ------------------------------------------------------------------ decoding

const BREAK = Symbol('break');
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export interface DecodeOptions {
  /** Keep tag 55799 as a SelfDescribed wrapper instead of dropping it (default false). */
  keepSelfDescribe?: boolean;
  /** Decode every integer as a bigint (default: numbers up to 2^53, bigints beyond). */
  bigints?: boolean;
  /** Decode maps as `Map`s even when all keys are text (default: plain objects for text keys). */
  maps?: boolean;
}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly options: DecodeOptions;
  private depth = 0;

  constructor(bytes: Uint8Array, options: DecodeOptions) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.options = options;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new CborError('unexpected end of CBOR input');
  }

  /** The argument of a head; undefined for indefinite length (info 31). */
  private argument(info: number): bigint | number | undefined {
    if (info < 24) return info;
    switch (info) {
      case 24:
        this.need(1);
        return this.bytes[this.pos++] as number;
      case 25: {
        this.need(2);
        const v = this.view.getUint16(this.pos);
        this.pos += 2;
        return v;
      }
      case 26: {
        this.need(4);
        const v = this.view.getUint32(this.pos);
        this.pos += 4;
        return v;
      }
      case 27: {
        this.need(8);
        const v = this.view.getBigUint64(this.pos);
        this.pos += 8;
        return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      case 31:
        return undefined;
      default:
        throw new CborError(`invalid additional information ${info}`);
    }
  }

  private length(info: number): number | undefined {
    const n = this.argument(info);
    if (n === undefined) return undefined;
    if (typeof n === 'bigint') throw new CborError('CBOR length too large');
    return n;
  }

  private int(n: number | bigint): number | bigint {
    if (this.options.bigints) return BigInt(n);
    return n;
  }

  private chunks(major: number, info: number): Uint8Array {
    const len = this.length(info);
    if (len !== undefined) {
      this.need(len);
      const out = this.bytes.slice(this.pos, this.pos + len);
      this.pos += len;
      return out;
    }
    const parts: Uint8Array[] = [];
    for (;;) {
      this.need(1);
      const b = this.bytes[this.pos++] as number;
      if (b === 0xff) break;
      if (b >> 5 !== major) throw new CborError('invalid chunk in an indefinite-length string');
      parts.push(this.chunks(major, b & 31));
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  item(): CborValue | typeof BREAK {
    this.need(1);
    const initial = this.bytes[this.pos++] as number;
    const major = initial >> 5;
    const info = initial & 31;
    switch (major) {
      case 0: {
        const n = this.argument(info);
        if (n === undefined) throw new CborError('indefinite-length integer');
        return this.int(n);
      }
      case 1: {
        const n = this.argument(info);
        if (n === undefined) throw new CborError('indefinite-length integer');
        if (typeof n === 'number' && !this.options.bigints) return -1 - n;
        const neg = -1n - BigInt(n);
        return !this.options.bigints && neg >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(neg) : neg;
      }
      case 2:
        return this.chunks(2, info);
      case 3:
        return textDecoder.decode(this.chunks(3, info));
      case 4: {
        const len = this.length(info);
        const out: CborValue[] = [];
        this.enter();
        if (len === undefined) {
          for (;;) {
            const v = this.item();
            if (v === BREAK) break;
            out.push(v);
          }
        } else {
          for (let i = 0; i < len; i++) out.push(this.value());
        }
        this.depth--;
        return out;
      }
      case 5: {
        const len = this.length(info);
        const entries: Array<[CborValue, CborValue]> = [];
        this.enter();
        if (len === undefined) {
          for (;;) {
            const k = this.item();
            if (k === BREAK) break;
            entries.push([k, this.value()]);
          }
        } else {
          for (let i = 0; i < len; i++) entries.push([this.value(), this.value()]);
        }
        this.depth--;
        if (this.options.maps || !entries.every(([k]) => typeof k === 'string')) return new Map(entries);
        const obj: { [key: string]: CborValue } = {};
        for (const [k, v] of entries) Object.defineProperty(obj, k as string, { value: v, enumerable: true, writable: true, configurable: true });
        return obj;
      }
      case 6: {
        const tag = this.argument(info);
        if (tag === undefined) throw new CborError('indefinite-length tag');
        this.enter();
        const inner = this.value();
        this.depth--;
        if (tag === SELF_DESCRIBE_TAG) return this.options.keepSelfDescribe ? new SelfDescribed(inner) : inner;
        if ((tag === 2 || tag === 3) && inner instanceof Uint8Array) {
          let n = 0n;
          for (const b of inner) n = (n << 8n) | BigInt(b);
          return tag === 2 ? n : -1n - n;
        }
        return new CborTag(tag, inner);
      }
      default: {
        switch (info) {
          case 20:
            return false;
          case 21:
            return true;
          case 22:
            return null;
          case 23:
            return undefined;
          case 24:
            this.need(1);
            this.pos++;
            return undefined;
          case 25: {
            this.need(2);
            const v = halfToFloat(this.view.getUint16(this.pos));
            this.pos += 2;
            return v;
          }
          case 26: {
            this.need(4);
            const v = this.view.getFloat32(this.pos);
            this.pos += 4;
            return v;
          }
          case 27: {
            this.need(8);
            const v = this.view.getFloat64(this.pos);
            this.pos += 8;
            return v;
          }
          case 31:
            return BREAK;
          default:
            if (info < 20) return undefined; // unassigned simple values
            throw new CborError(`invalid simple value ${info}`);
        }
      }
    }
  }

  value(): CborValue {
    const v = this.item();
    if (v === BREAK) throw new CborError('unexpected break');
    return v;
  }

  private enter(): void {
    if (++this.depth > 512) throw new CborError('CBOR nesting too deep');
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Decodes one CBOR item; throws CborError on malformed input or trailing bytes. */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): CborValue {
  const r = new Reader(bytes, options);
  const v = r.value();
  if (!r.done) throw new CborError('trailing bytes after the CBOR item');
  return v;
}
