// canister_info's change history of one canister: creation, code deployments and uninstalls,
// controller changes and snapshot loads, each with the time, the canister version after the change
// and who made it. The replica keeps the 20 most recent changes and counts all of them.
import type { Principal } from '@dfinity/principal';

/** Changes the replica keeps per canister. */
export const MAX_CANISTER_HISTORY_CHANGES = 20;

export type ChangeOrigin =
  | { from_user: { user_id: Principal } }
  | { from_canister: { canister_id: Principal; canister_version: [] | [bigint] } };

export type ChangeDetails =
  | { creation: { controllers: Principal[]; environment_variables_hash: [] | [Uint8Array] } }
  | { code_uninstall: null }
  | { code_deployment: { mode: { install: null } | { reinstall: null } | { upgrade: null }; module_hash: Uint8Array } }
  | {
      load_snapshot: {
        canister_version: bigint;
        snapshot_id: Uint8Array;
        taken_at_timestamp: bigint;
        source: { taken_from_canister: null } | { metadata_upload: null };
      };
    }
  | { controllers_change: { controllers: Principal[] } };

export interface CanisterChange {
  timestamp_nanos: bigint;
  canister_version: bigint;
  origin: ChangeOrigin;
  details: ChangeDetails;
}

export class CanisterHistory {
  private readonly changes: CanisterChange[] = [];
  private total = 0n;
  readonly limit: number;

  constructor(limit = MAX_CANISTER_HISTORY_CHANGES) {
    this.limit = limit;
  }

  add(change: CanisterChange): void {
    this.changes.push(change);
    this.total++;
    while (this.changes.length > this.limit) this.changes.shift();
  }

  get totalNumChanges(): bigint {
    return this.total;
  }

  /** The `n` most recent changes, oldest first. */
  recent(n: number): CanisterChange[] {
    return n <= 0 ? [] : this.changes.slice(-n);
  }

  /** Bytes the history accounts for (canister_status memory_metrics.canister_history_size), estimated. */
  memoryBytes(): bigint {
    let bytes = 0;
    for (const c of this.changes) {
      bytes += 8 + 8 + 40;
      const d = c.details;
      if ('creation' in d) bytes += 30 * d.creation.controllers.length;
      else if ('controllers_change' in d) bytes += 30 * d.controllers_change.controllers.length;
      else if ('code_deployment' in d) bytes += 33;
      else if ('load_snapshot' in d) bytes += 8 + d.load_snapshot.snapshot_id.length + 8;
    }
    return BigInt(bytes);
  }
}

/** The origin of a change made by `sender` (a user for ingress messages, a canister otherwise). */
export function changeOrigin(sender: Principal, fromCanister: boolean, senderCanisterVersion: bigint | undefined): ChangeOrigin {
  return fromCanister
    ? { from_canister: { canister_id: sender, canister_version: senderCanisterVersion === undefined ? [] : [senderCanisterVersion] } }
    : { from_user: { user_id: sender } };
}
