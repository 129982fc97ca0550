// UserError is the one error type that leaves the runtime: what the IC would tell a user or a calling
// canister, with its reject code, error code and the replica's wording. Host failures deep inside the
// runtime are turned into one of these before they cross the public API (DESIGN decision 9).
import { formatErrorCode, rejectCodeOf, type ErrorCode } from './error-code.ts';
import type { RejectCode } from './reject-code.ts';

export class UserError extends Error {
  override name = 'UserError';
  readonly code: ErrorCode;
  readonly rejectCode: RejectCode;
  /** The description without the "IC0xxx: " prefix, as the HTTP interface's reject_message carries it. */
  readonly description: string;

  constructor(code: ErrorCode, description: string) {
    super(`${formatErrorCode(code)}: ${description}`);
    this.code = code;
    this.rejectCode = rejectCodeOf(code);
    this.description = description;
  }

  /** "IC0502" */
  get errorCode(): string {
    return formatErrorCode(this.code);
  }
}
