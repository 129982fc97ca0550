// Canister ids as the IC forms them: an 8-byte big-endian index followed by 0x01 0x01, taken in
// order from the subnet's canister id range. The default range is the one a local dfx replica uses,
// so the first canister is bkyz2-fmaaa-aaaaa-qaaaq-cai as developers are used to seeing locally.
import { Principal } from '@dfinity/principal';
import { sha224 } from '@noble/hashes/sha2.js';

export interface CanisterIdRange {
  start: bigint;
  end: bigint;
}

export const DEFAULT_APPLICATION_RANGE: CanisterIdRange = { start: 0x8000000000100001n, end: 0x80000000001fffffn };

/** The canister id with this index. */
export function canisterIdFromIndex(index: bigint): Principal {
  const bytes = new Uint8Array(10);
  new DataView(bytes.buffer).setBigUint64(0, index);
  bytes[8] = 1;
  bytes[9] = 1;
  return Principal.fromUint8Array(bytes);
}

/** The index of a canister id, or undefined for a principal that is not a canister id. */
export function canisterIndexOf(id: Principal): bigint | undefined {
  const b = id.toUint8Array();
  if (b.length !== 10 || b[8] !== 1 || b[9] !== 1) return undefined;
  return new DataView(b.buffer, b.byteOffset, 10).getBigUint64(0);
}

export class CanisterIdAllocator {
  readonly range: CanisterIdRange;
  readonly subnetId: Principal;
  private nextIndex: bigint;

  /** Every range routed to the subnet (ids are allocated from the first). */
  readonly ranges: CanisterIdRange[];

  constructor(range: CanisterIdRange = DEFAULT_APPLICATION_RANGE, subnetSeed = 'mockic application subnet', ranges?: CanisterIdRange[]) {
    this.range = range;
    this.ranges = ranges && ranges.length > 0 ? ranges : [range];
    this.nextIndex = range.start;
    // A subnet id has the shape of a self-authenticating principal (hash + 0x02), derived from a seed.
    const hash = sha224(new TextEncoder().encode(subnetSeed));
    const bytes = new Uint8Array(29);
    bytes.set(hash);
    bytes[28] = 2;
    this.subnetId = Principal.fromUint8Array(bytes);
  }

  /** Whether `id` lies in this subnet's range. */
  contains(id: Principal): boolean {
    const i = canisterIndexOf(id);
    return i !== undefined && this.ranges.some((r) => i >= r.start && i <= r.end);
  }

  next(): Principal {
    if (this.nextIndex > this.range.end) throw new RangeError('the subnet canister id range is exhausted');
    return canisterIdFromIndex(this.nextIndex++);
  }

  /** Marks a specified id as taken (provisional_create_canister_with_cycles with specified_id). */
  reserve(id: Principal): void {
    const i = canisterIndexOf(id);
    if (i !== undefined && i >= this.nextIndex && i <= this.range.end) this.nextIndex = i + 1n;
  }
}
