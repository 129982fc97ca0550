// @mockic/runtime: the Internet Computer's execution environment in one process.
export const VERSION = '0.1.0';

export { Replica, DEFAULT_START_TIME_NANOS, DEFAULT_CANISTER_CYCLES } from './replica/replica.ts';
export type { ReplicaOptions, InstallCanisterOptions, CallOptions } from './replica/replica.ts';
export { canisterIdFromIndex, canisterIndexOf, CanisterIdAllocator } from './replica/canister-id-allocator.ts';
export { Canister } from './canister/canister.ts';
export type { CanisterEnvironment, CanisterSettings, CanisterStatus, InstallMode, InstallOptions, SystemTask } from './canister/canister.ts';
export type { ExecutionEngine, ExecutionEngineFactory } from './canister/canister.ts';
export type { CallContext, Callback } from './canister/call-context-manager.ts';
export type { CallOrigin, CallResult, CanisterRequest, CanisterResponse, ExecutionEffects, OriginResponse } from './scheduler/messages.ts';
export { IngressHistory } from './scheduler/ingress-history.ts';
export type { IngressRecord, IngressStatus } from './scheduler/ingress-history.ts';
export { executeQuery, defaultQueryLimits } from './scheduler/query-engine.ts';
export type { QueryLimits, QueryOutcome } from './scheduler/query-engine.ts';
export { Clock } from './replica/clock.ts';
export { Subnet, chargesCycles } from './replica/subnet.ts';
export type { SubnetConfig, SubnetKind } from './replica/subnet.ts';
export { MANAGEMENT_CANISTER_ID } from './replica/replica.ts';
export type { ManagementRequestHandler } from './replica/replica.ts';
export { CanisterLog } from './canister/canister-log.ts';
export type { CanisterLogRecord } from './canister/canister-log.ts';
export type { CanisterModule, MethodKind } from './canister/canister-module.ts';
export { defaultExecutionLimits, resolveLimits } from './config/execution-limits.ts';
export type { ExecutionLimits } from './config/execution-limits.ts';
export { FeeSchedule, applicationSubnetFees } from './cycles/fee-schedule.ts';
export type { FeeConfig } from './cycles/fee-schedule.ts';
export { ErrorCode, formatErrorCode, rejectCodeOf } from './errors/error-code.ts';
export { RejectCode } from './errors/reject-code.ts';
export { UserError } from './errors/user-error.ts';
export { ExecutionTrap } from './execution/execution-trap.ts';
export type { TrapKind, TrapCode } from './execution/execution-trap.ts';
export { CanisterInstance } from './execution/canister-instance.ts';
export type { EntryPoint, ExecutionRequest, ExecutionResult } from './execution/canister-instance.ts';
export { HeapMemory } from './execution/heap-memory.ts';
export { SystemApi } from './system-api/system-api.ts';
export { allowedContexts, contextName } from './system-api/api-context.ts';
export type { ApiContext } from './system-api/api-context.ts';
export type { ExecutionInputs, ExecutionOutputs, OutgoingCall, CostOracle } from './system-api/execution-state.ts';
export * from './wasm/index.ts';
export {
  MemfsVolume,
  DirectoryVolume,
  createVolume,
  StablePageStore,
  MAX_STABLE_MEMORY_PAGES,
  CanisterCheckpoint,
  JournaledPageFile,
} from './state/index.ts';
export type { Volume, OpenMode, StablePageStoreOptions, CheckpointGlobal, LoadedCheckpoint } from './state/index.ts';
export * from './management/index.ts';
export * from './threshold/index.ts';
export * from './https-outcalls/index.ts';
export {
  BLS_DER_PREFIX,
  STATE_ROOT_DOMAIN,
  BLS_G1_DST,
  BlsKeyPair,
  blsPublicKeyToDer,
  blsPublicKeyFromDer,
  blsVerify,
  deriveBytes,
  seedBytes,
  hexToBytes,
  concat,
  DEFAULT_ROOT_KEY_SEED,
} from './crypto/bls-root-key.ts';
export type { CertificationSeed } from './crypto/bls-root-key.ts';
export * from './persistence/index.ts';
export * from './js-canister/index.ts';
export { toHex, fromHex, concatBytes, equalBytes } from './bytes.ts';
