// Fixed instruction overhead of each System API call, after the replica's "new" metering table
// (system_api_complexity.rs). Copies additionally charge one instruction per byte moved. These
// instructions count against the message limit and show in performance_counter, as on the IC.

const DEFAULT_OVERHEAD = 500;

const overhead: Readonly<Record<string, number>> = {
  call_new: 1_500,
  call_perform: 5_000,
  debug_print: 100,
  is_controller: 1_000,
  performance_counter: 200,
  stable_size: 20,
  stable_read: 20,
  stable_write: 20,
  stable64_size: 20,
  stable64_read: 20,
  stable64_write: 20,
  cycles_burn128: 100,
};

/** Instructions a call of `name` costs before any per-byte charge. */
export function apiOverhead(name: string): bigint {
  return BigInt(overhead[name] ?? DEFAULT_OVERHEAD);
}
