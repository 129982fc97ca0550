// The errors the management canister answers with, in the replica's words (canister manager errors
// with their help text, the ingress filter, candid decoding), as UserErrors. Only the wording users
// must see is reproduced; every function returns the error rather than throwing it.
import type { Principal } from '@dfinity/principal';
import { ErrorCode } from '../errors/error-code.ts';
import { UserError } from '../errors/user-error.ts';

/** Error codes of the replica that error-code.ts does not list (yet). */
export const ExtraErrorCode = {
  CanisterSnapshotNotFound: 305 as ErrorCode,
  CanisterHeapDeltaRateLimited: 210 as ErrorCode,
} as const;

const DOCS = 'http://internetcomputer.org/docs/current/references/execution-errors#';

/** The replica's ErrorHelp suffix: a newline, the suggestion and the documentation link. */
function help(suggestion: string, anchor: string): string {
  return `\n${suggestion} See documentation: ${DOCS}${anchor}`;
}

/** Principals ordered as the replica's BTreeSet<PrincipalId> orders them (by their bytes). */
export function comparePrincipals(a: Principal, b: Principal): number {
  const x = a.toUint8Array();
  const y = b.toUint8Array();
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Deduplicated and sorted, as the replica keeps controllers. */
export function controllerSet(list: readonly Principal[]): Principal[] {
  const seen = new Map<string, Principal>();
  for (const p of list) seen.set(p.toText(), p);
  return [...seen.values()].sort(comparePrincipals);
}

export const errors = {
  decode(method: string, e: unknown): UserError {
    const detail = e instanceof Error ? e.message : String(e);
    void method;
    return new UserError(ErrorCode.InvalidManagementPayload, `Error decoding candid: ${detail}`);
  },
  unknownMethod(method: string): UserError {
    return new UserError(ErrorCode.CanisterMethodNotFound, `Management canister has no method '${method}'`);
  },
  /** Ingress filter: methods only canisters may call. */
  onlyCanisters(method: string): UserError {
    return new UserError(ErrorCode.CanisterRejectedMessage, `Only canisters can call ic00 method ${method}`);
  },
  /** Ingress filter: methods only a controller may send as an ingress message. */
  ingressNotController(canisterId: string, method: string): UserError {
    return new UserError(ErrorCode.CanisterInvalidController, `Only controllers of canister ${canisterId} can call ic00 method ${method}`);
  },
  /** Ingress filter: the effective canister does not exist. */
  ingressCanisterNotFound(canisterId: string): UserError {
    return new UserError(ErrorCode.CanisterNotFound, `Canister ${canisterId} not found`);
  },
  fetchLogsViaIngress(): UserError {
    return new UserError(ErrorCode.CanisterRejectedMessage, 'fetch_canister_logs API is not accessible via ingress in replicated mode');
  },
  fetchLogsFromCanister(): UserError {
    return new UserError(ErrorCode.CanisterRejectedMessage, 'fetch_canister_logs API is only accessible to end users in non-replicated mode');
  },
  logsNotAllowed(caller: Principal): UserError {
    return new UserError(ErrorCode.CanisterRejectedMessage, `Caller ${caller.toText()} is not allowed to access canister logs`);
  },
  invalidController(canisterId: string, controllers: readonly Principal[], sender: Principal): UserError {
    const expected = controllerSet(controllers)
      .map((p) => p.toText())
      .join(' ');
    return new UserError(
      ErrorCode.CanisterInvalidController,
      `Only the controllers of the canister ${canisterId} can control it.\nCanister's controllers: ${expected}\nSender's ID: ${sender.toText()}` +
        help('Execute this call from a controller of the target canister or add the current caller as a controller.', 'invalid-controller'),
    );
  },
  canisterNotFound(canisterId: string): UserError {
    return new UserError(
      ErrorCode.CanisterNotFound,
      `Canister ${canisterId} not found.` + help('Check the ICP dashboard to ensure the canister exists.', 'canister-not-found'),
    );
  },
  canisterAlreadyExists(canisterId: string): UserError {
    return new UserError(
      ErrorCode.CanisterAlreadyInstalled,
      `Canister ${canisterId} is already installed.\nThis is an internal error on the IC. Please report it to IC devs on the forum: https://forum.dfinity.org`,
    );
  },
  deleteNotStopped(canisterId: string): UserError {
    return new UserError(
      ErrorCode.CanisterNotStopped,
      `Canister ${canisterId} must be stopped before it is deleted.` + help('Stop the canister before deleting it.', 'delete-canister-not-stopped'),
    );
  },
  deleteSelf(canisterId: string): UserError {
    return new UserError(
      ErrorCode.CanisterInvalidController,
      `Canister ${canisterId} cannot delete itself.` + help('Delete the canister from one of its other controllers.', 'delete-canister-self'),
    );
  },
  stopCancelled(canisterId: string): UserError {
    return new UserError(ErrorCode.CanisterStoppingCancelled, `Canister ${canisterId}'s stop request was cancelled.`);
  },
  createNotEnoughCycles(sent: bigint, required: bigint): UserError {
    return new UserError(
      ErrorCode.InsufficientCyclesForCreateCanister,
      `Creating a canister requires a fee of ${required} that is deducted from the canister's initial balance but only ${sent} cycles were received with the create_canister request.` +
        help('Try sending more cycles with the request.', 'create-canister-not-enough-cycles'),
    );
  },
  invalidSettings(message: string): UserError {
    return new UserError(
      ErrorCode.CanisterContractViolation,
      `Could not validate the settings: ${message} ` + help('Apply the described changes to make the settings valid.', 'invalid-settings'),
    );
  },
  contractViolation(message: string): UserError {
    return new UserError(ErrorCode.CanisterContractViolation, message);
  },
  invalidPayload(message: string): UserError {
    return new UserError(ErrorCode.InvalidManagementPayload, message);
  },
  chunkStore(message: string): UserError {
    return new UserError(
      ErrorCode.CanisterContractViolation,
      `Error from Wasm chunk store: ${message}.` +
        help(
          'Use the `stored_chunks` API to check which hashes are present or top up the canister if it is low on cycles.',
          'wasm-chunk-store-error',
        ),
    );
  },
  snapshotNotFound(canisterId: string, snapshotId: string): UserError {
    return new UserError(
      ExtraErrorCode.CanisterSnapshotNotFound,
      `Could not find the snapshot ID ${snapshotId} for canister ${canisterId}.` +
        help('Use the `list_canister_snapshot` API to see which snapshots are present.', 'canister-snapshot-not-found'),
    );
  },
  snapshotInvalidOwnership(canisterId: string, snapshotId: string): UserError {
    return new UserError(
      ErrorCode.CanisterRejectedMessage,
      `The snapshot ${snapshotId} does not belong to canister ${canisterId}.` +
        help('Use the `list_canister_snapshot` API to see which snapshots are present.', 'canister-snapshot-invalid-ownership'),
    );
  },
  snapshotOfEmptyCanister(canisterId: string): UserError {
    return new UserError(ErrorCode.CanisterRejectedMessage, `Failed to create snapshot for empty canister ${canisterId}:`);
  },
  snapshotLimit(canisterId: string, limit: number): UserError {
    return new UserError(
      ErrorCode.CanisterRejectedMessage,
      `Canister ${canisterId} has reached the maximum number of snapshots allowed: ${limit}.\n` +
        'Consider deleting an unnecessary snapshot of the specified canister before creating a new one. See documentation: canister-snapshot-limit-exceeded',
    );
  },
  senderCanisterVersion(given: bigint, actual: bigint): UserError {
    return new UserError(
      ErrorCode.CanisterContractViolation,
      `Management canister call payload includes sender canister version ${given} that does not match the actual sender canister version ${actual}.`,
    );
  },
  notImplemented(method: string): UserError {
    return new UserError(ErrorCode.CanisterRejectedMessage, `The management canister method ${method} is not implemented yet`);
  },
};
