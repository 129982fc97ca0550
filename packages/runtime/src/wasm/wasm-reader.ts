// A cursor over Wasm binary bytes. The instrumentation decodes every instruction of a module once, so
// the reader works on numbers (no BigInt unless a 64-bit value does not fit in 2^53) and never
// allocates per read. Errors carry the byte offset, which is what a user needs to find a bad module.

/** The bytes are not a well-formed Wasm binary (truncated, bad LEB128, unknown section layout). */
export class WasmDecodeError extends Error {
  override name = 'WasmDecodeError';
  /** Byte offset in the module where decoding failed. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte offset ${offset})`);
    this.offset = offset;
  }
}

export class WasmReader {
  readonly bytes: Uint8Array;
  pos: number;
  /** Exclusive end of the readable range. */
  end: number;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, at = this.pos): never {
    throw new WasmDecodeError(message, at);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of section or function');
    return this.bytes[this.pos++] as number;
  }

  /** Unsigned LEB128, at most 32 bits. */
  u32(): number {
    const b = this.bytes;
    let pos = this.pos;
    const end = this.end;
    if (pos < end) {
      const x = b[pos] as number;
      if (x < 0x80) {
        this.pos = pos + 1;
        return x;
      }
    }
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) this.fail('unexpected end of LEB128');
      const byte = b[pos++] as number;
      if (shift === 28) {
        if (byte & 0x70) this.fail('LEB128 u32 out of range', pos - 1);
        result += (byte & 0x0f) * 268435456;
        this.pos = pos;
        return result;
      }
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        this.pos = pos;
        return result >>> 0;
      }
      shift += 7;
    }
  }

  /** Signed LEB128, at most 32 bits. */
  s32(): number {
    const b = this.bytes;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (pos >= this.end) this.fail('unexpected end of LEB128');
      if (shift > 28) this.fail('LEB128 s32 too long', pos);
      byte = b[pos++] as number;
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    this.pos = pos;
    if (shift < 32 && byte & 0x40) result |= -1 << shift;
    return result | 0;
  }

  /** Signed LEB128 of up to 33 bits (block types, heap types), as a number. */
  s33(): number {
    const b = this.bytes;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    let byte: number;
    let n = 0;
    do {
      if (pos >= this.end) this.fail('unexpected end of LEB128');
      if (++n > 5) this.fail('LEB128 s33 too long', pos);
      byte = b[pos++] as number;
      result += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80);
    this.pos = pos;
    if (byte & 0x40) result -= mul;
    return result;
  }

  /** Unsigned LEB128 of up to 64 bits: a number when below 2^53, otherwise a bigint. */
  u64(): number | bigint {
    const b = this.bytes;
    const start = this.pos;
    let pos = start;
    let result = 0;
    let mul = 1;
    let byte: number;
    let n = 0;
    do {
      if (pos >= this.end) this.fail('unexpected end of LEB128');
      if (++n > 10) this.fail('LEB128 u64 too long', pos);
      byte = b[pos++] as number;
      result += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80);
    this.pos = pos;
    if (result <= Number.MAX_SAFE_INTEGER) return result;
    // Exact path for huge values.
    let big = 0n;
    let sh = 0n;
    for (let p = start; p < pos; p++) {
      big |= BigInt((b[p] as number) & 0x7f) << sh;
      sh += 7n;
    }
    return BigInt.asUintN(64, big);
  }

  /** Signed LEB128 of up to 64 bits as a bigint (used off the hot path only). */
  s64(): bigint {
    const b = this.bytes;
    let pos = this.pos;
    let big = 0n;
    let sh = 0n;
    let byte: number;
    let n = 0;
    do {
      if (pos >= this.end) this.fail('unexpected end of LEB128');
      if (++n > 10) this.fail('LEB128 s64 too long', pos);
      byte = b[pos++] as number;
      big |= BigInt(byte & 0x7f) << sh;
      sh += 7n;
    } while (byte & 0x80);
    this.pos = pos;
    if (byte & 0x40) big -= 1n << sh;
    return BigInt.asIntN(64, big);
  }

  /** Skips one LEB128 value of any width. */
  skipLeb(): void {
    const b = this.bytes;
    let pos = this.pos;
    let n = 0;
    for (;;) {
      if (pos >= this.end) this.fail('unexpected end of LEB128');
      if (++n > 10) this.fail('LEB128 too long', pos);
      if (((b[pos++] as number) & 0x80) === 0) break;
    }
    this.pos = pos;
  }

  skip(n: number): void {
    if (this.pos + n > this.end) this.fail('unexpected end of section or function');
    this.pos += n;
  }

  /** A view (not a copy) of the next `n` bytes. */
  bytesView(n: number): Uint8Array {
    const start = this.pos;
    this.skip(n);
    return this.bytes.subarray(start, start + n);
  }

  /** A length-prefixed UTF-8 name. */
  name(): string {
    const len = this.u32();
    const view = this.bytesView(len);
    return utf8.decode(view);
  }

  /** A fixed little-endian u32, used for the header. */
  fixedU32(): number {
    if (this.pos + 4 > this.end) this.fail('unexpected end of module');
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 16777216;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
