// Limits a message runs under, with the defaults of the replica's application subnet
// (rs/config/src/subnet_config.rs, execution_environment.rs, embedders.rs). Every limit can be
// overridden per replica, so a test can hit a limit in milliseconds instead of minutes.

const B = 1_000_000_000n;
const GIB = 1024n * 1024n * 1024n;
const WASM_PAGE = 65536n;

export interface ExecutionLimits {
  /** Instructions per update message, heartbeat, timer or callback (40 B). */
  instructionsPerMessage: bigint;
  /** Instructions per slice of deterministic time slicing (2 B). */
  instructionsPerSlice: bigint;
  /** Instructions per query or composite query method (5 B). */
  instructionsPerQuery: bigint;
  /** Instructions per install_code: start, init or pre/post-upgrade together (300 B). */
  instructionsPerInstallCode: bigint;
  /** Instructions per install_code slice (2 B). */
  instructionsPerInstallCodeSlice: bigint;
  /** Instructions for canister_inspect_message (200 M). */
  instructionsPerInspectMessage: bigint;
  /** Largest heap of a wasm32 canister, bytes (4 GiB). */
  wasm32HeapBytes: bigint;
  /** Largest heap of a wasm64 canister, bytes (6 GiB on the replica; configurable). */
  wasm64HeapBytes: bigint;
  /** Largest stable memory, bytes (500 GiB). */
  stableMemoryBytes: bigint;
  /** wasm_memory_limit of a new canister, bytes (3 GiB as the replica sets it; 0 = none). */
  defaultWasmMemoryLimit: bigint;
  /** Largest reply payload, bytes (2 MiB). */
  maxResponseBytes: number;
  /** Largest inter-canister call payload, bytes (2 MiB). */
  maxCallPayloadBytes: number;
  /** Canister log buffer per canister, bytes (4 KiB of content as on the replica). */
  canisterLogBytes: number;
}

export const defaultExecutionLimits: Readonly<ExecutionLimits> = {
  instructionsPerMessage: 40n * B,
  instructionsPerSlice: 2n * B,
  instructionsPerQuery: 5n * B,
  instructionsPerInstallCode: 300n * B,
  instructionsPerInstallCodeSlice: 2n * B,
  instructionsPerInspectMessage: 200_000_000n,
  wasm32HeapBytes: 4n * GIB,
  wasm64HeapBytes: 6n * GIB,
  stableMemoryBytes: 500n * GIB,
  defaultWasmMemoryLimit: 3n * GIB,
  maxResponseBytes: 2 * 1024 * 1024,
  maxCallPayloadBytes: 2 * 1024 * 1024,
  canisterLogBytes: 4096,
};

export function resolveLimits(overrides: Partial<ExecutionLimits> = {}): ExecutionLimits {
  return { ...defaultExecutionLimits, ...overrides };
}

/** Heap limit in Wasm pages for the memory type. */
export function heapLimitPages(limits: ExecutionLimits, memory64: boolean): bigint {
  return (memory64 ? limits.wasm64HeapBytes : limits.wasm32HeapBytes) / WASM_PAGE;
}
