// Why a message execution ended abnormally, as the replica's hypervisor classifies it. The System API
// and the instrumentation hooks throw these from inside Wasm; V8's own traps (unreachable, out of
// bounds, division by zero, stack overflow) are classified after the fact. Either way the message's
// effects are rolled back and the caller receives the UserError built here.
import { ErrorCode } from '../errors/error-code.ts';
import { UserError } from '../errors/user-error.ts';

/** The replica's TrapCode, by its displayed text. */
export type TrapCode =
  | 'stack overflow'
  | 'heap out of bounds'
  | 'stable memory out of bounds'
  | '32 bit stable memory api used on a memory larger than 4GB'
  | 'integer division by 0'
  | 'integer overflow'
  | 'unreachable'
  | 'table out of bounds'
  | 'indirect call signature mismatch'
  | 'invalid conversion to integer'
  | 'cycles amount exceeds 64-bit representation'
  | 'unknown';

export type TrapKind =
  | { kind: 'trapped'; code: TrapCode }
  | { kind: 'called-trap'; message: string }
  | { kind: 'contract-violation'; description: string }
  | { kind: 'instruction-limit'; limit: bigint }
  | { kind: 'wasm-memory-limit'; bytes: bigint; limit: bigint }
  | { kind: 'out-of-memory' }
  | { kind: 'function-not-found'; table: number; index: number }
  | { kind: 'insufficient-cycles'; description: string };

export class ExecutionTrap extends Error {
  override name = 'ExecutionTrap';
  readonly trap: TrapKind;
  constructor(trap: TrapKind) {
    super(describeTrap(trap));
    this.trap = trap;
  }

  /** The error the caller sees. `backtrace` lists Wasm function names, innermost first. */
  toUserError(canisterId: string, backtrace: string[] = []): UserError {
    const bt =
      (backtrace.length > 0 ? `\nCanister Backtrace:\n${backtrace.join('\n')}` : '') + hintFor(this.trap.kind);
    const t = this.trap;
    switch (t.kind) {
      case 'trapped':
        return new UserError(ErrorCode.CanisterTrapped, `Error from Canister ${canisterId}: Canister trapped: ${t.code}.${bt}`);
      case 'called-trap':
        return new UserError(
          ErrorCode.CanisterCalledTrap,
          `Error from Canister ${canisterId}: Canister called \`ic0.trap\` with message: '${t.message}'.${bt}`,
        );
      case 'contract-violation':
        return new UserError(
          ErrorCode.CanisterContractViolation,
          `Error from Canister ${canisterId}: Canister violated contract: ${t.description}${bt}`,
        );
      case 'instruction-limit':
        return new UserError(
          ErrorCode.CanisterInstructionLimitExceeded,
          `Error from Canister ${canisterId}: Canister exceeded the limit of ${t.limit} instructions for single message execution.${bt}`,
        );
      case 'wasm-memory-limit':
        return new UserError(
          ErrorCode.CanisterWasmMemoryLimitExceeded,
          `Error from Canister ${canisterId}: Canister exceeded its current Wasm memory limit of ${t.limit} bytes. The peak Wasm memory usage was ${t.bytes} bytes.`,
        );
      case 'out-of-memory':
        return new UserError(ErrorCode.CanisterOutOfMemory, `Error from Canister ${canisterId}: Canister exceeded its allowed memory allocation.`);
      case 'function-not-found':
        return new UserError(
          ErrorCode.CanisterFunctionNotFound,
          `Error from Canister ${canisterId}: Canister requested to invoke a non-existent Wasm function ${t.index} from table ${t.table}.`,
        );
      case 'insufficient-cycles':
        return new UserError(ErrorCode.CanisterContractViolation, `Error from Canister ${canisterId}: ${t.description}`);
    }
  }
}

const DOCS = 'https://internetcomputer.org/docs/current/references/execution-errors';
const GRACEFUL = 'Consider gracefully handling failures from this canister or altering the canister to handle exceptions.';

/** The replica's advice line after a trap message, with its documentation anchor. */
function hintFor(kind: TrapKind['kind']): string {
  switch (kind) {
    case 'trapped':
      return `\n${GRACEFUL} See documentation: ${DOCS}#trapped`;
    case 'called-trap':
      return `\n${GRACEFUL} See documentation: ${DOCS}#trapped-explicitly`;
    case 'instruction-limit':
      return `\nTry optimizing this method to consume fewer instructions or split the work across multiple messages. See documentation: ${DOCS}#instruction-limit-exceeded`;
    case 'wasm-memory-limit':
      return `\nTry increasing the canister's wasm memory limit or reduce the memory usage of the canister. See documentation: ${DOCS}#wasm-memory-limit-exceeded`;
    default:
      return '';
  }
}

function describeTrap(t: TrapKind): string {
  switch (t.kind) {
    case 'trapped':
      return `trapped: ${t.code}`;
    case 'called-trap':
      return `ic0.trap: ${t.message}`;
    case 'contract-violation':
      return `contract violation: ${t.description}`;
    case 'instruction-limit':
      return `instruction limit ${t.limit} exceeded`;
    case 'wasm-memory-limit':
      return `wasm memory limit ${t.limit} exceeded`;
    case 'out-of-memory':
      return 'out of memory';
    case 'function-not-found':
      return `function ${t.index} not found in table ${t.table}`;
    case 'insufficient-cycles':
      return t.description;
  }
}

/** Shorthands the System API uses. */
export const trap = {
  heapOutOfBounds: () => new ExecutionTrap({ kind: 'trapped', code: 'heap out of bounds' }),
  stableOutOfBounds: () => new ExecutionTrap({ kind: 'trapped', code: 'stable memory out of bounds' }),
  contract: (description: string) => new ExecutionTrap({ kind: 'contract-violation', description }),
  called: (message: string) => new ExecutionTrap({ kind: 'called-trap', message }),
};

/** Classifies what V8 threw out of Wasm: our own ExecutionTrap, or one of V8's runtime errors. */
export function classifyThrown(e: unknown): ExecutionTrap {
  if (e instanceof ExecutionTrap) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new ExecutionTrap({ kind: 'trapped', code: 'stack overflow' });
  }
  if (e instanceof WebAssembly.RuntimeError) {
    const m = e.message;
    const code: TrapCode = /unreachable/.test(m)
      ? 'unreachable'
      : /memory access out of bounds|out of bounds memory/.test(m)
        ? 'heap out of bounds'
        : /divide by zero|division by zero|remainder by zero/.test(m)
          ? 'integer division by 0'
          : /integer overflow|divide result unrepresentable/.test(m)
            ? 'integer overflow'
            : /table index is out of bounds|table out of bounds|element segment out of bounds/.test(m)
              ? 'table out of bounds'
              : /signature mismatch|null function/.test(m)
                ? 'indirect call signature mismatch'
                : /float unrepresentable|invalid conversion/.test(m)
                  ? 'invalid conversion to integer'
                  : /call stack/.test(m)
                    ? 'stack overflow'
                    : 'unknown';
    return new ExecutionTrap({ kind: 'trapped', code });
  }
  // A JS exception that is neither ours nor V8's is a host bug; surface it as an engine error trap
  // rather than letting a bare Error escape (DESIGN decision 9), but keep its text.
  const message = e instanceof Error ? e.message : String(e);
  return new ExecutionTrap({ kind: 'contract-violation', description: `host error: ${message}` });
}

/** Wasm function names on the stack of a trap, innermost first, from V8's stack trace. */
export function wasmBacktrace(e: unknown): string[] {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  const names: string[] = [];
  for (const line of stack.split('\n')) {
    // "    at $name (wasm://wasm/abcd1234:wasm-function[12]:0x3f)" or "    at name (wasm://...)"
    const m = /^\s*at (.+?) \(wasm:\/\//.exec(line);
    if (m) names.push((m[1] as string).replace(/^\$/, ''));
  }
  return names;
}
