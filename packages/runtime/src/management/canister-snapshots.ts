// Canister snapshots (take/load/list/delete_canister_snapshot): copies of a canister's execution state
// (module, heap, globals, stable memory, certified data, timer) and its Wasm chunk store, at most 10
// per canister. Snapshot ids are as on the replica: the 8-byte big-endian local id (a per-canister
// counter) followed by the canister id's bytes; errors print them in hex.
import type { Principal } from '@dfinity/principal';
import type { ExecutionStateCopy } from '../canister/canister.ts';
import type { ChunkStore } from './chunk-store.ts';
import { toHex } from './chunk-store.ts';

/** Snapshots a canister may hold (the replica's max_number_of_snapshots_per_canister). */
export const MAX_SNAPSHOTS_PER_CANISTER = 10;

export type { ExecutionStateCopy };

export interface CanisterSnapshot {
  id: Uint8Array;
  /** Hex of the id (map key and error wording). */
  idHex: string;
  canisterId: Principal;
  takenAtNanos: bigint;
  /** The canister version when the snapshot was taken. */
  canisterVersion: bigint;
  state: ExecutionStateCopy;
  chunkStore: ChunkStore;
  totalSize: bigint;
}

/** The snapshot id for a canister and its local counter value. */
export function snapshotIdOf(canisterId: Principal, localId: bigint): Uint8Array {
  const canister = canisterId.toUint8Array();
  const id = new Uint8Array(8 + canister.length);
  new DataView(id.buffer).setBigUint64(0, localId);
  id.set(canister, 8);
  return id;
}

/** The bytes a snapshot accounts for: heap, stable memory, module, globals, certified data and chunk store. */
export function snapshotSize(state: ExecutionStateCopy, chunkStore: ChunkStore): bigint {
  return (
    BigInt(state.heap.length) +
    BigInt(state.stable.length) +
    BigInt(state.module.size) +
    BigInt(state.globals.length * 8) +
    BigInt(state.certifiedData.length) +
    chunkStore.memoryBytes()
  );
}

export class CanisterSnapshots {
  private readonly byId = new Map<string, CanisterSnapshot>();
  private readonly nextLocalId = new Map<string, bigint>();
  readonly limitPerCanister: number;

  constructor(limitPerCanister = MAX_SNAPSHOTS_PER_CANISTER) {
    this.limitPerCanister = limitPerCanister;
  }

  /** A fresh id for the canister's next snapshot. */
  newId(canisterId: Principal): Uint8Array {
    const key = canisterId.toText();
    const local = this.nextLocalId.get(key) ?? 0n;
    this.nextLocalId.set(key, local + 1n);
    return snapshotIdOf(canisterId, local);
  }

  add(snapshot: CanisterSnapshot): void {
    this.byId.set(snapshot.idHex, snapshot);
  }

  get(id: Uint8Array): CanisterSnapshot | undefined {
    return this.byId.get(toHex(id));
  }

  remove(id: Uint8Array): void {
    this.byId.delete(toHex(id));
  }

  /** The canister's snapshots in id order. */
  list(canisterId: Principal): CanisterSnapshot[] {
    const key = canisterId.toText();
    return [...this.byId.values()].filter((s) => s.canisterId.toText() === key).sort((a, b) => (a.idHex < b.idHex ? -1 : a.idHex > b.idHex ? 1 : 0));
  }

  count(canisterId: Principal): number {
    return this.list(canisterId).length;
  }

  memoryBytes(canisterId: Principal): bigint {
    return this.list(canisterId).reduce((sum, s) => sum + s.totalSize, 0n);
  }

  /** Every snapshot, in id order (persistence). */
  all(): CanisterSnapshot[] {
    return [...this.byId.values()].sort((a, b) => (a.idHex < b.idHex ? -1 : a.idHex > b.idHex ? 1 : 0));
  }

  /** The next local id of each canister that took snapshots (persistence: ids never repeat). */
  localIdCounters(): Array<[string, bigint]> {
    return [...this.nextLocalId].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  setLocalIdCounter(canisterText: string, next: bigint): void {
    this.nextLocalId.set(canisterText, next);
  }

  /** Drops every snapshot of a deleted canister. */
  removeAll(canisterId: Principal): void {
    for (const s of this.list(canisterId)) this.byId.delete(s.idHex);
    this.nextLocalId.delete(canisterId.toText());
  }
}
