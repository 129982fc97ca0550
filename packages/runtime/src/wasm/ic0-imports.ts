// The System API a canister may import (module `ic0`), with the exact signature the IC interface
// specification gives each function. `I` is the pointer type: i32 for wasm32 canisters (and modules
// without memory), i64 for wasm64 ones. Validation refuses any other import, as the replica does.

/** A parameter or result type of a System API function; `I` is the canister's pointer type. */
export type Ic0Type = 'I' | 'i32' | 'i64';

export interface Ic0Signature {
  params: readonly Ic0Type[];
  results: readonly Ic0Type[];
  /** Only available to wasm32 canisters (the 64-bit-cycles and 32-bit stable memory legacy calls). */
  wasm32Only?: true;
}

const I = 'I';
const i32 = 'i32';
const i64 = 'i64';
const sig = (params: Ic0Type[], results: Ic0Type[] = []): Ic0Signature => ({ params, results });
const legacy = (params: Ic0Type[], results: Ic0Type[] = []): Ic0Signature => ({ params, results, wasm32Only: true });

/** Every `ic0` function of the System API, by name. */
export const IC0_IMPORTS: ReadonlyMap<string, Ic0Signature> = new Map<string, Ic0Signature>([
  ['msg_arg_data_size', sig([], [I])],
  ['msg_arg_data_copy', sig([I, I, I])],
  ['msg_caller_size', sig([], [I])],
  ['msg_caller_copy', sig([I, I, I])],
  ['msg_caller_info_data_size', sig([], [I])],
  ['msg_caller_info_data_copy', sig([I, I, I])],
  ['msg_caller_info_signer_size', sig([], [I])],
  ['msg_caller_info_signer_copy', sig([I, I, I])],
  ['msg_reject_code', sig([], [i32])],
  ['msg_reject_msg_size', sig([], [I])],
  ['msg_reject_msg_copy', sig([I, I, I])],
  ['msg_deadline', sig([], [i64])],
  ['msg_reply_data_append', sig([I, I])],
  ['msg_reply', sig([])],
  ['msg_reject', sig([I, I])],
  ['msg_cycles_available128', sig([I])],
  ['msg_cycles_refunded128', sig([I])],
  ['msg_cycles_accept128', sig([i64, i64, I])],
  ['cycles_burn128', sig([i64, i64, I])],
  ['canister_self_size', sig([], [I])],
  ['canister_self_copy', sig([I, I, I])],
  ['canister_cycle_balance128', sig([I])],
  ['canister_liquid_cycle_balance128', sig([I])],
  ['canister_status', sig([], [i32])],
  ['canister_version', sig([], [i64])],
  ['subnet_self_size', sig([], [I])],
  ['subnet_self_copy', sig([I, I, I])],
  ['msg_method_name_size', sig([], [I])],
  ['msg_method_name_copy', sig([I, I, I])],
  ['accept_message', sig([])],
  ['call_new', sig([I, I, I, I, I, I, I, I])],
  ['call_on_cleanup', sig([I, I])],
  ['call_data_append', sig([I, I])],
  ['call_with_best_effort_response', sig([i32])],
  ['call_cycles_add128', sig([i64, i64])],
  ['call_perform', sig([], [i32])],
  ['stable64_size', sig([], [i64])],
  ['stable64_grow', sig([i64], [i64])],
  ['stable64_write', sig([i64, i64, i64])],
  ['stable64_read', sig([i64, i64, i64])],
  ['root_key_size', sig([], [I])],
  ['root_key_copy', sig([I, I, I])],
  ['certified_data_set', sig([I, I])],
  ['data_certificate_present', sig([], [i32])],
  ['data_certificate_size', sig([], [I])],
  ['data_certificate_copy', sig([I, I, I])],
  ['time', sig([], [i64])],
  ['global_timer_set', sig([i64], [i64])],
  ['performance_counter', sig([i32], [i64])],
  ['is_controller', sig([I, I], [i32])],
  ['in_replicated_execution', sig([], [i32])],
  ['cost_call', sig([i64, i64, I])],
  ['cost_create_canister', sig([I])],
  ['cost_http_request', sig([i64, i64, I])],
  ['cost_sign_with_ecdsa', sig([I, I, i32, I], [i32])],
  ['cost_sign_with_schnorr', sig([I, I, i32, I], [i32])],
  ['cost_vetkd_derive_key', sig([I, I, i32, I], [i32])],
  ['env_var_count', sig([], [I])],
  ['env_var_name_size', sig([I], [I])],
  ['env_var_name_copy', sig([I, I, I, I])],
  ['env_var_name_exists', sig([I, I], [i32])],
  ['env_var_value_size', sig([I, I], [I])],
  ['env_var_value_copy', sig([I, I, I, I, I])],
  ['debug_print', sig([I, I])],
  ['trap', sig([I, I])],
  // wasm32 only
  ['msg_cycles_available', legacy([], [i64])],
  ['msg_cycles_refunded', legacy([], [i64])],
  ['msg_cycles_accept', legacy([i64], [i64])],
  ['canister_cycle_balance', legacy([], [i64])],
  ['call_cycles_add', legacy([i64])],
  ['stable_size', legacy([], [i32])],
  ['stable_grow', legacy([i32], [i32])],
  ['stable_write', legacy([i32, i32, i32])],
  ['stable_read', legacy([i32, i32, i32])],
]);

/** The concrete Wasm types of a System API signature for a wasm32 or wasm64 canister. */
export function concreteIc0Signature(s: Ic0Signature, memory64: boolean): { params: string[]; results: string[] } {
  const map = (t: Ic0Type): string => (t === 'I' ? (memory64 ? 'i64' : 'i32') : t);
  return { params: s.params.map(map), results: s.results.map(map) };
}
