// The request id: the representation-independent hash of a request's `content` map (IC interface
// spec, "Representation-independent hashing of structured data" and "Request ids"). Signatures are
// made over it, the ingress history is keyed by it (lowercase hex), and query responses are signed
// over a hash of the same kind. Computed from the decoded CBOR, so two encodings of the same content
// (field order, integer widths, the self-describe tag) give the same id.
import { sha256 } from '@noble/hashes/sha2.js';

/** A value the spec's hash covers: blobs, text, naturals/integers, arrays and nested maps. */
export type HashableValue = Uint8Array | string | number | bigint | HashableValue[] | { readonly [key: string]: HashableValue | undefined };

const textEncoder = new TextEncoder();

/** Unsigned LEB128, shortest form. */
export function lebEncode(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError('lebEncode: negative value');
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) byte |= 0x80;
    out.push(byte);
  } while (n !== 0n);
  return Uint8Array.from(out);
}

/** Signed LEB128, shortest form. */
export function slebEncode(n: bigint): Uint8Array {
  const out: number[] = [];
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return Uint8Array.from(out);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The hash of one field value. */
export function hashValue(value: HashableValue): Uint8Array {
  if (value instanceof Uint8Array) return sha256(value);
  if (typeof value === 'string') return sha256(textEncoder.encode(value));
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = BigInt(value);
    return sha256(n >= 0n ? lebEncode(n) : slebEncode(n));
  }
  if (Array.isArray(value)) return sha256(concat(value.map(hashValue)));
  return hashOfMap(value);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** hash_of_map: sorted concatenation of H(key) · H(value) over the present fields, hashed. */
export function hashOfMap(map: { readonly [key: string]: HashableValue | undefined }): Uint8Array {
  const pairs: Uint8Array[] = [];
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    pairs.push(concat([sha256(textEncoder.encode(key)), hashValue(value)]));
  }
  pairs.sort(compareBytes);
  return sha256(concat(pairs));
}

/** The request id of a request's content map. */
export function requestIdOf(content: { readonly [key: string]: HashableValue | undefined }): Uint8Array {
  return hashOfMap(content);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concat(parts);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
