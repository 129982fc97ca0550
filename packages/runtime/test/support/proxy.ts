// The argument of the proxy fixture's `forward`: [callee length][callee][mode][cycles u64 LE][method].
import type { Principal } from '@dfinity/principal';

export function forwardArg(callee: Principal, mode: number, cycles: bigint, method: string): Uint8Array {
  const c = callee.toUint8Array();
  const m = new TextEncoder().encode(method);
  const out = new Uint8Array(1 + c.length + 1 + 8 + m.length);
  out[0] = c.length;
  out.set(c, 1);
  out[1 + c.length] = mode;
  new DataView(out.buffer).setBigUint64(2 + c.length, cycles, true);
  out.set(m, 10 + c.length);
  return out;
}

/** A u64 argument, little-endian (the proxy's `burn`). */
export function u64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
}
