// The replica's user-facing error codes (ErrorCode in the replica's error types), printed as
// "IC0502". The hundreds digit is the reject code, so rejectCodeOf needs no table.
import type { RejectCode } from './reject-code.ts';

export const ErrorCode = {
  SubnetOversubscribed: 101,
  MaxNumberOfCanistersReached: 102,
  CanisterQueueFull: 201,
  IngressMessageTimeout: 202,
  CanisterQueueNotEmpty: 203,
  IngressHistoryFull: 204,
  CanisterIdAlreadyExists: 205,
  StopCanisterRequestTimeout: 206,
  CanisterOutOfCycles: 207,
  CertifiedStateUnavailable: 208,
  CanisterInstallCodeRateLimited: 209,
  CanisterNotFound: 301,
  InsufficientMemoryAllocation: 402,
  InsufficientCyclesForCreateCanister: 403,
  SubnetNotFound: 404,
  CanisterNotHostedBySubnet: 405,
  CanisterRejectedMessage: 406,
  UnknownManagementMessage: 407,
  InvalidManagementPayload: 408,
  CanisterTrapped: 502,
  CanisterCalledTrap: 503,
  CanisterContractViolation: 504,
  CanisterInvalidWasm: 505,
  CanisterDidNotReply: 506,
  CanisterOutOfMemory: 507,
  CanisterStopped: 508,
  CanisterStopping: 509,
  CanisterNotStopped: 510,
  CanisterStoppingCancelled: 511,
  CanisterInvalidController: 512,
  CanisterFunctionNotFound: 513,
  CanisterNonEmpty: 514,
  QueryCallGraphLoopDetected: 517,
  InsufficientCyclesInCall: 520,
  CanisterWasmEngineError: 521,
  CanisterInstructionLimitExceeded: 522,
  CanisterMemoryAccessLimitExceeded: 524,
  QueryCallGraphTooDeep: 525,
  QueryCallGraphTotalInstructionLimitExceeded: 526,
  CompositeQueryCalledInReplicatedMode: 527,
  QueryTimeLimitExceeded: 528,
  QueryCallGraphInternal: 529,
  InsufficientCyclesInComputeAllocation: 530,
  InsufficientCyclesInMemoryAllocation: 531,
  InsufficientCyclesInMemoryGrow: 532,
  ReservedCyclesLimitExceededInMemoryAllocation: 533,
  ReservedCyclesLimitExceededInMemoryGrow: 534,
  InsufficientCyclesInMessageMemoryGrow: 535,
  CanisterMethodNotFound: 536,
  CanisterWasmModuleNotFound: 537,
  CanisterAlreadyInstalled: 538,
  CanisterWasmMemoryLimitExceeded: 539,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** "IC0502" for 502. */
export function formatErrorCode(code: ErrorCode): string {
  return `IC${String(code).padStart(4, '0')}`;
}

/** The reject code an error code belongs to (its hundreds digit). */
export function rejectCodeOf(code: ErrorCode): RejectCode {
  return Math.floor(code / 100) as RejectCode;
}
