// A replica with a WAT canister that sets certified data, returns its data certificate and the
// root key, and carries metadata sections; helpers to submit ingress under a request id.
import { Replica } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';
import type { Principal } from '@dfinity/principal';
import { Certifier, type CertifierOptions } from '../../src/certification/index.ts';

export const CERTIFYING_CANISTER = `(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject" (func $reject (param i32 i32)))
  (import "ic0" "certified_data_set" (func $certify (param i32 i32)))
  (import "ic0" "data_certificate_present" (func $cert_present (result i32)))
  (import "ic0" "data_certificate_size" (func $cert_size (result i32)))
  (import "ic0" "data_certificate_copy" (func $cert_copy (param i32 i32 i32)))
  (import "ic0" "root_key_size" (func $root_key_size (result i32)))
  (import "ic0" "root_key_copy" (func $root_key_copy (param i32 i32 i32)))
  (memory 1)
  (data (i32.const 60000) "not today")
  (func (export "canister_update certify")
    (call $arg_copy (i32.const 0) (i32.const 0) (call $arg_size))
    (call $certify (i32.const 0) (call $arg_size))
    (call $append (i32.const 0) (call $arg_size))
    (call $reply))
  (func (export "canister_update refuse") (call $reject (i32.const 60000) (i32.const 9)))
  (func (export "canister_query data_certificate")
    (if (call $cert_present)
      (then
        (call $cert_copy (i32.const 0) (i32.const 0) (call $cert_size))
        (call $append (i32.const 0) (call $cert_size))))
    (call $reply))
  (func (export "canister_update root_key")
    (call $root_key_copy (i32.const 0) (i32.const 0) (call $root_key_size))
    (call $append (i32.const 0) (call $root_key_size))
    (call $reply))
)`;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Appends a custom section `name` with `content` to a Wasm module. */
export function withCustomSection(wasm: Uint8Array, name: string, content: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = new TextEncoder().encode(name);
  const payload = [...leb(n.length), ...n, ...content];
  return new Uint8Array([...wasm, 0, ...leb(payload.length), ...payload]);
}

export const CANDID = 'service : { certify : (blob) -> (blob) }';

export async function certifyingWasm(): Promise<Uint8Array<ArrayBuffer>> {
  let wasm = await compileWat(CERTIFYING_CANISTER);
  wasm = withCustomSection(wasm, 'icp:public candid:service', new TextEncoder().encode(CANDID));
  wasm = withCustomSection(wasm, 'icp:private secret', new TextEncoder().encode('for controllers'));
  return wasm;
}

export const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;

export async function setup(options: CertifierOptions = {}): Promise<{ replica: Replica; certifier: Certifier; canisterId: Principal }> {
  // Agents reject certificates more than 5 minutes from their clock: start the replica at now.
  const replica = await Replica.create({ time: nowNanos() });
  const certifier = Certifier.create(replica, { seed: 'certification tests', nodesPerSubnet: 4, ...options });
  const canisterId = await replica.installCanister({ wasm: await certifyingWasm() });
  return { replica, certifier, canisterId };
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Submits ingress under a request id (the HTTP interface's message ids: lowercase hex) and runs it. */
export function submitAndRun(replica: Replica, canisterId: Principal, method: string, arg: Uint8Array, requestId: Uint8Array): void {
  const messageId = hex(requestId);
  replica.submitIngress(canisterId, method, arg, { messageId });
  replica.awaitIngress(messageId);
}
