// A growable byte buffer with Wasm encodings. The rewriter emits a module of roughly the input's size
// one instruction at a time, so the buffer doubles in place and is reused (reset) between function
// bodies instead of allocating an array per function.

const utf8 = new TextEncoder();

export class WasmWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  reset(): void {
    this.len = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(b: number): void {
    if (this.len >= this.buf.length) this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Two bytes (an opcode pair), the common case of the instrumentation's own code. */
  u8x2(a: number, b: number): void {
    this.ensure(2);
    const buf = this.buf;
    buf[this.len] = a;
    buf[this.len + 1] = b;
    this.len += 2;
  }

  /** Unsigned LEB128 of a number < 2^53. */
  u32(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    let len = this.len;
    if (v < 0x80) {
      buf[len] = v;
      this.len = len + 1;
      return;
    }
    while (v >= 0x80) {
      buf[len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[len++] = v;
    this.len = len;
  }

  /** Signed LEB128 of an integer number with |v| < 2^53 (i32.const / i64.const payloads). */
  sNum(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    let len = this.len;
    for (;;) {
      const byte = ((v % 128) + 128) % 128;
      v = Math.floor(v / 128);
      const signBit = byte & 0x40;
      if ((v === 0 && !signBit) || (v === -1 && signBit)) {
        buf[len++] = byte;
        break;
      }
      buf[len++] = byte | 0x80;
    }
    this.len = len;
  }

  /** Signed LEB128 of a 64-bit bigint. */
  s64(v: bigint): void {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      const signBit = byte & 0x40;
      if ((v === 0n && !signBit) || (v === -1n && signBit)) {
        this.u8(byte);
        return;
      }
      this.u8(byte | 0x80);
    }
  }

  /** Unsigned LEB128 of a 64-bit bigint. */
  u64(v: bigint): void {
    v = BigInt.asUintN(64, v);
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v === 0n) {
        this.u8(byte);
        return;
      }
      this.u8(byte | 0x80);
    }
  }

  /** Unsigned LEB128 of a value that is either a number (< 2^53) or a bigint. */
  u64Any(v: number | bigint): void {
    if (typeof v === 'number') this.u32(v);
    else this.u64(v);
  }

  /** `i64.const` payload for an unsigned 64-bit value (number or bigint). */
  s64Any(v: number | bigint): void {
    if (typeof v === 'number') this.sNum(v);
    else this.s64(v);
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    if (n <= 64) {
      // Most copies are a few bytes (an instruction, a snippet): a loop beats subarray + set,
      // which allocate a view each time.
      const buf = this.buf;
      let at = this.len;
      for (let i = start; i < end; i++) buf[at++] = src[i] as number;
      this.len = at;
      return;
    }
    this.buf.set(n === src.length && start === 0 ? src : src.subarray(start, end), this.len);
    this.len += n;
  }

  /** Appends the content of another writer. */
  append(w: WasmWriter): void {
    this.bytes(w.buf, 0, w.len);
  }

  name(s: string): void {
    const b = utf8.encode(s);
    this.u32(b.length);
    this.bytes(b);
  }

  /** A section: id, size, content. */
  section(id: number, content: WasmWriter | Uint8Array): void {
    const n = content instanceof WasmWriter ? content.len : content.length;
    this.u8(id);
    this.u32(n);
    if (content instanceof WasmWriter) this.append(content);
    else this.bytes(content);
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }

  /** A view of the written bytes (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Byte length of the unsigned LEB128 encoding of `v`. */
export function lebSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
