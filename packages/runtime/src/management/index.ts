// The management canister (aaaaa-aa) of @mockic/runtime.
export { installManagementCanister } from './install-management-canister.ts';
export { ManagementCanister, EXTERNALLY_IMPLEMENTED_METHODS } from './management-canister.ts';
export type { ManagementCall, ManagementMethodHandler, ManagementMethodOptions, ManagementCanisterOptions } from './management-canister.ts';
export { ChunkStore, ChunkStoreError, CHUNK_SIZE, DEFAULT_CHUNK_STORE_CAPACITY } from './chunk-store.ts';
export { CanisterHistory, MAX_CANISTER_HISTORY_CHANGES } from './canister-history.ts';
export type { CanisterChange, ChangeDetails, ChangeOrigin } from './canister-history.ts';
export { CanisterSnapshots, MAX_SNAPSHOTS_PER_CANISTER, snapshotIdOf } from './canister-snapshots.ts';
export type { CanisterSnapshot, ExecutionStateCopy } from './canister-snapshots.ts';
export { DeterministicRandom } from './deterministic-random.ts';
export { errors as managementErrors, ExtraErrorCode } from './management-errors.ts';
export * as ManagementCandid from './management-candid.ts';
