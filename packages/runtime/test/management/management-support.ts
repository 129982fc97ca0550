// Shared helpers of the management canister tests: a replica with the management canister installed,
// Candid calls to aaaaa-aa as a user (ingress) or through a proxy canister, and a Motoko proxy that
// forwards raw calls (with cycles) to the management canister.
import { Principal } from '@dfinity/principal';
import { IDL } from '@dfinity/candid';
import { compileMotoko } from '@mockic/fixtures';
import { Replica, UserError } from '@mockic/runtime';
import { installManagementCanister } from '../../src/management/index.ts';
import { managementMethods, type ManagementMethodName } from '../../src/management/management-candid.ts';
import type { ManagementCanisterOptions } from '../../src/management/management-canister.ts';

export const MGMT = Principal.managementCanister();
export const alice = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
export const bob = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
export { IDL, Principal, UserError };

export async function setup(options: ManagementCanisterOptions = {}) {
  const replica = await Replica.create();
  const management = installManagementCanister(replica, options);
  return { replica, management };
}

export function encodeArg(method: ManagementMethodName, value?: unknown): Uint8Array {
  const types = managementMethods[method].arg;
  return new Uint8Array(IDL.encode(types, types.length === 0 ? [] : [value]));
}

export function decodeReply(method: ManagementMethodName, bytes: Uint8Array): any {
  const types = managementMethods[method].ret;
  const values = IDL.decode(types, bytes);
  return types.length === 0 ? undefined : values[0];
}

/** Calls a management method as a user (ingress); resolves with the decoded reply. */
export async function ic(replica: Replica, method: ManagementMethodName, value: unknown, sender: Principal): Promise<any> {
  return decodeReply(method, await replica.update(MGMT, method, encodeArg(method, value), { sender }));
}

/** The UserError a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** Empty canister settings record (every field null). */
export function settings(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    controllers: [],
    compute_allocation: [],
    memory_allocation: [],
    freezing_threshold: [],
    reserved_cycles_limit: [],
    log_visibility: [],
    wasm_memory_limit: [],
    wasm_memory_threshold: [],
    environment_variables: [],
    ...fields,
  };
}

/** Creates an empty canister through provisional_create_canister_with_cycles. */
export async function createEmpty(replica: Replica, sender: Principal, extra: Record<string, unknown> = {}): Promise<Principal> {
  const r = await ic(
    replica,
    'provisional_create_canister_with_cycles',
    { amount: [], settings: [], specified_id: [], sender_canister_version: [], ...extra },
    sender,
  );
  return r.canister_id as Principal;
}

export const PROXY_SOURCE = `
import IC "mo:core/InternetComputer";
import Principal "mo:core/Principal";
import Error "mo:core/Error";
import Cycles "mo:core/Cycles";

// Forwards raw calls to the management canister (with cycles) and reports rejects as text.
persistent actor Proxy {
  public func call(method : Text, arg : Blob, cycles : Nat) : async { #ok : Blob; #err : Text } {
    try {
      #ok(await (with cycles) IC.call(Principal.fromText("aaaaa-aa"), method, arg))
    } catch (e) {
      #err(Error.message(e))
    }
  };

  public query func balance() : async Nat { Cycles.balance() };
};
`;

export function proxyWasm(): Uint8Array {
  return compileMotoko(PROXY_SOURCE).wasm;
}

const ProxyResult = IDL.Variant({ ok: IDL.Vec(IDL.Nat8), err: IDL.Text });

/** Calls a management method from the proxy canister: { ok: decoded } or { err: message }. */
export async function viaProxy(
  replica: Replica,
  proxy: Principal,
  method: ManagementMethodName | string,
  value: unknown,
  options: { cycles?: bigint; raw?: Uint8Array; sender?: Principal } = {},
): Promise<{ ok?: any; err?: string }> {
  const known = method in managementMethods;
  const arg = options.raw ?? (known ? encodeArg(method as ManagementMethodName, value) : new Uint8Array(IDL.encode([], [])));
  const bytes = await replica.update(
    proxy,
    'call',
    new Uint8Array(IDL.encode([IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat], [method, arg, options.cycles ?? 0n])),
    { sender: options.sender },
  );
  const r = IDL.decode([ProxyResult], bytes)[0] as { ok?: Uint8Array; err?: string };
  if (r.err !== undefined) return { err: r.err };
  return { ok: known ? decodeReply(method as ManagementMethodName, r.ok as Uint8Array) : r.ok };
}

/** Installs the proxy canister, controlled by `controller`, with plenty of cycles. */
export async function installProxy(replica: Replica, controller: Principal): Promise<Principal> {
  return replica.installCanister({ wasm: proxyWasm(), controllers: [controller], cycles: 10_000_000_000_000_000n });
}
