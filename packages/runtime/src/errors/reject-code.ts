// Reject codes of the IC interface spec: what a caller (user or canister) sees as the class of a
// failure. Error codes (error-code.ts) refine them; the first digit of an error code is its reject code.

export const RejectCode = {
  SYS_FATAL: 1,
  SYS_TRANSIENT: 2,
  DESTINATION_INVALID: 3,
  CANISTER_REJECT: 4,
  CANISTER_ERROR: 5,
  SYS_UNKNOWN: 6,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];
