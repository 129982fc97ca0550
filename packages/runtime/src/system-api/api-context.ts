// Where a System API function may be called from. The spec lists, for every ic0 function, the
// execution contexts (letters) it is available in; a call from anywhere else traps with a contract
// violation. Keeping the table as data makes each rule visible and testable one by one.

/** The spec's context letters. */
export type ApiContext =
  | 'I' // canister_init or canister_post_upgrade
  | 'G' // canister_pre_upgrade
  | 'U' // update method
  | 'RQ' // query method, replicated (called by a canister or as an update)
  | 'NRQ' // query method, non-replicated (a query call)
  | 'TQ' // query method as an http outcall transform
  | 'CQ' // composite query method
  | 'Ry' // reply callback
  | 'Rt' // reject callback
  | 'CRy' // reply callback in a composite query
  | 'CRt' // reject callback in a composite query
  | 'C' // cleanup callback
  | 'CC' // cleanup callback in a composite query
  | 'F' // canister_inspect_message
  | 'T' // system task: heartbeat, global timer, on_low_wasm_memory
  | 's'; // the start function

const ALL: readonly ApiContext[] = ['I', 'G', 'U', 'RQ', 'NRQ', 'TQ', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt', 'C', 'CC', 'F', 'T'];
const ALL_AND_START: readonly ApiContext[] = [...ALL, 's'];
const ctx = (spec: string): readonly ApiContext[] =>
  spec === '*' ? ALL : spec === '* s' ? ALL_AND_START : (spec.split(' ') as ApiContext[]);

/** The contexts each ic0 function is allowed in (IC interface spec, "Overview of imports"). */
export const allowedContexts: Readonly<Record<string, readonly ApiContext[]>> = {
  msg_arg_data_size: ctx('I U RQ NRQ TQ CQ Ry CRy F'),
  msg_arg_data_copy: ctx('I U RQ NRQ TQ CQ Ry CRy F'),
  msg_caller_size: ctx('*'),
  msg_caller_copy: ctx('*'),
  msg_caller_info_data_size: ctx('U RQ NRQ CQ Ry Rt CRy CRt C CC F'),
  msg_caller_info_data_copy: ctx('U RQ NRQ CQ Ry Rt CRy CRt C CC F'),
  msg_caller_info_signer_size: ctx('U RQ NRQ CQ Ry Rt CRy CRt C CC F'),
  msg_caller_info_signer_copy: ctx('U RQ NRQ CQ Ry Rt CRy CRt C CC F'),
  msg_reject_code: ctx('Ry Rt CRy CRt C'),
  msg_reject_msg_size: ctx('Rt CRt'),
  msg_reject_msg_copy: ctx('Rt CRt'),
  msg_deadline: ctx('U RQ NRQ CQ Ry Rt CRy CRt'),
  msg_reply_data_append: ctx('U RQ NRQ TQ CQ Ry Rt CRy CRt'),
  msg_reply: ctx('U RQ NRQ TQ CQ Ry Rt CRy CRt'),
  msg_reject: ctx('U RQ NRQ TQ CQ Ry Rt CRy CRt'),
  msg_cycles_available128: ctx('U RQ Rt Ry'),
  msg_cycles_refunded128: ctx('Rt Ry'),
  msg_cycles_accept128: ctx('U RQ Rt Ry'),
  cycles_burn128: ctx('I G U RQ Ry Rt C T'),
  canister_self_size: ctx('*'),
  canister_self_copy: ctx('*'),
  canister_cycle_balance128: ctx('*'),
  canister_liquid_cycle_balance128: ctx('*'),
  canister_status: ctx('*'),
  canister_version: ctx('*'),
  subnet_self_size: ctx('*'),
  subnet_self_copy: ctx('*'),
  msg_method_name_size: ctx('F'),
  msg_method_name_copy: ctx('F'),
  accept_message: ctx('F'),
  call_new: ctx('U CQ Ry Rt CRy CRt T'),
  call_on_cleanup: ctx('U CQ Ry Rt CRy CRt T'),
  call_data_append: ctx('U CQ Ry Rt CRy CRt T'),
  call_with_best_effort_response: ctx('U CQ Ry Rt CRy CRt T'),
  call_cycles_add128: ctx('U Ry Rt T'),
  call_perform: ctx('U CQ Ry Rt CRy CRt T'),
  stable64_size: ctx('* s'),
  stable64_grow: ctx('* s'),
  stable64_write: ctx('* s'),
  stable64_read: ctx('* s'),
  root_key_size: ctx('I G U RQ Ry Rt C T'),
  root_key_copy: ctx('I G U RQ Ry Rt C T'),
  certified_data_set: ctx('I G U Ry Rt T'),
  data_certificate_present: ctx('*'),
  data_certificate_size: ctx('NRQ CQ'),
  data_certificate_copy: ctx('NRQ CQ'),
  time: ctx('*'),
  global_timer_set: ctx('I G U Ry Rt C T'),
  performance_counter: ctx('* s'),
  is_controller: ctx('* s'),
  in_replicated_execution: ctx('* s'),
  cost_call: ctx('* s'),
  cost_create_canister: ctx('* s'),
  cost_http_request: ctx('* s'),
  cost_sign_with_ecdsa: ctx('* s'),
  cost_sign_with_schnorr: ctx('* s'),
  cost_vetkd_derive_key: ctx('* s'),
  env_var_count: ctx('*'),
  env_var_name_size: ctx('*'),
  env_var_name_copy: ctx('*'),
  env_var_name_exists: ctx('*'),
  env_var_value_size: ctx('*'),
  env_var_value_copy: ctx('*'),
  debug_print: ctx('* s'),
  trap: ctx('* s'),
  // wasm32 only
  msg_cycles_available: ctx('U RQ Rt Ry'),
  msg_cycles_refunded: ctx('Rt Ry'),
  msg_cycles_accept: ctx('U RQ Rt Ry'),
  canister_cycle_balance: ctx('*'),
  call_cycles_add: ctx('U Ry Rt T'),
  stable_size: ctx('* s'),
  stable_grow: ctx('* s'),
  stable_write: ctx('* s'),
  stable_read: ctx('* s'),
};

/** How the replica names a context in a contract-violation message. */
export const contextName: Readonly<Record<ApiContext, string>> = {
  I: 'init',
  G: 'pre_upgrade',
  U: 'update',
  RQ: 'replicated query',
  NRQ: 'non-replicated query',
  TQ: 'transform',
  CQ: 'composite query',
  Ry: 'reply callback',
  Rt: 'reject callback',
  CRy: 'composite reply callback',
  CRt: 'composite reject callback',
  C: 'cleanup',
  CC: 'composite cleanup',
  F: 'inspect message',
  T: 'system task',
  s: 'start',
};

/** Contexts that run on one node only: no state changes survive, no root key, no replicated-only calls. */
export function isReplicated(c: ApiContext): boolean {
  return !['NRQ', 'TQ', 'CQ', 'CRy', 'CRt', 'CC', 'F'].includes(c);
}
