// The ic0 module: every System API function of the IC interface spec, as host functions bound once
// per canister instance. Each call first checks that the current execution context allows it (a
// forbidden call traps with a contract violation, as on the IC), then charges its instruction
// overhead, then acts on the ExecutionState of the running message. Outside a message (no state set)
// every call traps, so a stray call can never leak into another message.
import { allowedContexts, contextName, isReplicated } from './api-context.ts';
import { apiOverhead } from './api-overhead.ts';
import { ExecutionState, type OutgoingCall } from './execution-state.ts';
import type { HeapView, InstructionMeter, StableMemoryAccess } from './host-interfaces.ts';
import { ExecutionTrap, trap } from '../execution/execution-trap.ts';
import { equalBytes } from '../bytes.ts';

/** A value of the spec's type `I`: number for wasm32, bigint for wasm64. */
type I = number | bigint;
type HostFn = (...args: never[]) => unknown;

const U64_MAX = (1n << 64n) - 1n;
const PRINCIPAL_MAX_BYTES = 29;
/** MAX_CALL_TIMEOUT of the spec, in seconds. */
export const MAX_CALL_TIMEOUT_SECONDS = 300;
const WASM_PAGE = 65536n;
const STABLE32_MAX_PAGES = 65536n; // 4 GiB

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

export interface SystemApiDeps {
  heap: HeapView;
  stable: StableMemoryAccess;
  meter: InstructionMeter;
  /** Whether the canister declares a 64-bit memory (`I = i64`). */
  memory64: boolean;
  /** Also print debug_print output to the console, prefixed with the canister id. */
  echoDebugPrint?: (line: string) => void;
}

export class SystemApi {
  /** The running message's state; undefined between messages. */
  state: ExecutionState | undefined;
  readonly deps: SystemApiDeps;

  constructor(deps: SystemApiDeps) {
    this.deps = deps;
  }

  /** Enters a System API call: checks the context, charges the fixed overhead, returns the state. */
  private enter(name: string): ExecutionState {
    const s = this.state;
    if (!s) throw trap.contract(`"ic0_${name}" cannot be executed outside of a message execution`);
    const allowed = allowedContexts[name];
    if (!allowed || !allowed.includes(s.in.context)) {
      throw trap.contract(`"ic0_${name}" cannot be executed in ${contextName[s.in.context]} mode`);
    }
    this.deps.meter.charge(apiOverhead(name));
    return s;
  }

  private addr(x: I): number {
    if (typeof x === 'bigint') {
      const v = BigInt.asUintN(64, x);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    }
    return x >>> 0;
  }

  /** A callback environment value, kept bit-exact as an unsigned 64-bit bigint. */
  private env(x: I): bigint {
    return typeof x === 'bigint' ? BigInt.asUintN(64, x) : BigInt(x >>> 0);
  }

  private ret(n: number): I {
    return this.deps.memory64 ? BigInt(n) : n;
  }

  private readHeap(src: I, size: I): Uint8Array {
    const from = this.addr(src);
    const len = this.addr(size);
    if (from + len > this.deps.heap.byteLength()) throw trap.heapOutOfBounds();
    this.deps.meter.charge(BigInt(len));
    return this.deps.heap.bytes().slice(from, from + len);
  }

  private writeHeap(dst: I, data: Uint8Array): void {
    const to = this.addr(dst);
    if (to + data.length > this.deps.heap.byteLength()) throw trap.heapOutOfBounds();
    this.deps.meter.charge(BigInt(data.length));
    this.deps.heap.markWritten(to, data.length);
    this.deps.heap.bytes().set(data, to);
  }

  /** The *_copy idiom: copies blob[offset..offset+size] to heap[dst..]. */
  private copyOut(name: string, blob: Uint8Array, dst: I, offset: I, size: I): void {
    const off = this.addr(offset);
    const len = this.addr(size);
    if (off + len > blob.length) {
      throw trap.contract(
        `ic0.${name} failed because offset + size is out of bounds. Found offset ${off} and size ${len} while offset + size must be <= ${blob.length}`,
      );
    }
    this.writeHeap(dst, blob.subarray(off, off + len));
  }

  private write128(dst: I, value: bigint): void {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, value & U64_MAX, true);
    dv.setBigUint64(8, (value >> 64n) & U64_MAX, true);
    this.writeHeap(dst, b);
  }

  private respond(s: ExecutionState, name: string): void {
    if (!s.in.mayRespond || s.out.response) {
      throw trap.contract(`ic0.${name}: the call is already replied`);
    }
  }

  private pending(s: ExecutionState, name: string): OutgoingCall {
    if (!s.out.pendingCall) throw trap.contract(`ic0.${name}: no call is under construction (call ic0.call_new first)`);
    return s.out.pendingCall;
  }

  /** Discards a call under construction, returning its cycles to the balance. */
  private discardPending(s: ExecutionState): void {
    if (s.out.pendingCall) {
      s.balance += s.out.pendingCall.cycles;
      s.out.pendingCall = undefined;
    }
  }

  /** Cycles of the call still acceptable: none once the call is answered (the rest is refunded). */
  private available(s: ExecutionState): bigint {
    return s.out.response || !s.in.mayRespond ? 0n : s.cyclesAvailable;
  }

  private liquid(s: ExecutionState): bigint {
    const l = s.balance - s.in.frozenLimit;
    return l > 0n ? l : 0n;
  }

  private text(bytes: Uint8Array, what: string): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw trap.contract(`${what} is not valid UTF-8`);
    }
  }

  private principal(bytes: Uint8Array, what: string): Uint8Array {
    if (bytes.length > PRINCIPAL_MAX_BYTES) {
      throw trap.contract(`${what}: invalid principal of ${bytes.length} bytes (at most ${PRINCIPAL_MAX_BYTES})`);
    }
    return bytes;
  }

  private stable32Check(): bigint {
    const size = this.deps.stable.sizePages();
    if (size > STABLE32_MAX_PAGES) {
      throw new ExecutionTrap({ kind: 'trapped', code: '32 bit stable memory api used on a memory larger than 4GB' });
    }
    return size;
  }

  private stableRead(dst: I, offset: bigint, size: bigint): void {
    const bytes = this.deps.stable.sizePages() * WASM_PAGE;
    if (offset + size > bytes) throw trap.stableOutOfBounds();
    const to = this.addr(dst);
    const len = Number(size);
    if (to + len > this.deps.heap.byteLength()) throw trap.heapOutOfBounds();
    this.deps.meter.charge(size);
    this.deps.heap.markWritten(to, len);
    this.deps.stable.read(offset, this.deps.heap.bytes().subarray(to, to + len));
  }

  private stableWrite(offset: bigint, src: I, size: bigint): void {
    const bytes = this.deps.stable.sizePages() * WASM_PAGE;
    if (offset + size > bytes) throw trap.stableOutOfBounds();
    const from = this.addr(src);
    const len = Number(size);
    if (from + len > this.deps.heap.byteLength()) throw trap.heapOutOfBounds();
    this.deps.meter.charge(size);
    this.deps.stable.write(offset, this.deps.heap.bytes().subarray(from, from + len));
  }

  private cost(dst: I, value: bigint): void {
    this.write128(dst, value);
  }

  /** The `ic0` import object. Functions a module does not import are simply ignored by V8. */
  imports(): Record<string, HostFn> {
    const f = {
      // --- message arguments and caller
      msg_arg_data_size: (): I => this.ret(this.enter('msg_arg_data_size').in.arg.length),
      msg_arg_data_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('msg_arg_data_copy');
        this.copyOut('msg_arg_data_copy', s.in.arg, dst, offset, size);
      },
      msg_caller_size: (): I => this.ret(this.enter('msg_caller_size').in.caller.length),
      msg_caller_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('msg_caller_copy');
        this.copyOut('msg_caller_copy', s.in.caller, dst, offset, size);
      },
      msg_caller_info_data_size: (): I =>
        this.ret(this.enter('msg_caller_info_data_size').in.callerInfo?.data.length ?? 0),
      msg_caller_info_data_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('msg_caller_info_data_copy');
        this.copyOut('msg_caller_info_data_copy', s.in.callerInfo?.data ?? new Uint8Array(), dst, offset, size);
      },
      msg_caller_info_signer_size: (): I =>
        this.ret(this.enter('msg_caller_info_signer_size').in.callerInfo?.signer.length ?? 0),
      msg_caller_info_signer_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('msg_caller_info_signer_copy');
        this.copyOut('msg_caller_info_signer_copy', s.in.callerInfo?.signer ?? new Uint8Array(), dst, offset, size);
      },
      msg_reject_code: (): number => this.enter('msg_reject_code').in.rejectCode ?? 0,
      msg_reject_msg_size: (): I => {
        const s = this.enter('msg_reject_msg_size');
        return this.ret(new TextEncoder().encode(s.in.rejectMessage ?? '').length);
      },
      msg_reject_msg_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('msg_reject_msg_copy');
        this.copyOut('msg_reject_msg_copy', new TextEncoder().encode(s.in.rejectMessage ?? ''), dst, offset, size);
      },
      msg_deadline: (): bigint => this.enter('msg_deadline').in.deadline ?? 0n,
      msg_method_name_size: (): I =>
        this.ret(new TextEncoder().encode(this.enter('msg_method_name_size').in.methodName ?? '').length),
      msg_method_name_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('msg_method_name_copy');
        this.copyOut('msg_method_name_copy', new TextEncoder().encode(s.in.methodName ?? ''), dst, offset, size);
      },
      accept_message: (): void => {
        const s = this.enter('accept_message');
        if (s.out.messageAccepted) throw trap.contract('ic0.accept_message: the function was already called.');
        s.out.messageAccepted = true;
      },

      // --- responding
      msg_reply_data_append: (src: I, size: I): void => {
        const s = this.enter('msg_reply_data_append');
        this.respond(s, 'msg_reply_data_append');
        const data = this.readHeap(src, size);
        if (s.out.replyBufferSize + data.length > s.in.maxResponseBytes) {
          throw trap.contract(
            `ic0.msg_reply_data_append: application payload size (${s.out.replyBufferSize + data.length}) cannot be larger than ${s.in.maxResponseBytes}.`,
          );
        }
        s.out.replyBuffer.push(data);
        s.out.replyBufferSize += data.length;
      },
      msg_reply: (): void => {
        const s = this.enter('msg_reply');
        this.respond(s, 'msg_reply');
        const data = new Uint8Array(s.out.replyBufferSize);
        let at = 0;
        for (const part of s.out.replyBuffer) {
          data.set(part, at);
          at += part.length;
        }
        s.out.replyBuffer = [];
        s.out.replyBufferSize = 0;
        s.out.response = { kind: 'reply', data };
      },
      msg_reject: (src: I, size: I): void => {
        const s = this.enter('msg_reject');
        this.respond(s, 'msg_reject');
        const message = this.text(this.readHeap(src, size), 'ic0.msg_reject: the reject message');
        s.out.replyBuffer = [];
        s.out.replyBufferSize = 0;
        s.out.response = { kind: 'reject', message };
      },

      // --- cycles
      msg_cycles_available128: (dst: I): void => {
        const s = this.enter('msg_cycles_available128');
        this.write128(dst, this.available(s));
      },
      msg_cycles_refunded128: (dst: I): void => {
        const s = this.enter('msg_cycles_refunded128');
        this.write128(dst, s.in.cyclesRefunded ?? 0n);
      },
      msg_cycles_accept128: (high: bigint, low: bigint, dst: I): void => {
        const s = this.enter('msg_cycles_accept128');
        const max = (BigInt.asUintN(64, high) << 64n) | BigInt.asUintN(64, low);
        const available = this.available(s);
        const amount = max < available ? max : available;
        s.cyclesAvailable -= amount;
        s.balance += amount;
        s.out.cyclesAccepted += amount;
        this.write128(dst, amount);
      },
      cycles_burn128: (high: bigint, low: bigint, dst: I): void => {
        const s = this.enter('cycles_burn128');
        const max = (BigInt.asUintN(64, high) << 64n) | BigInt.asUintN(64, low);
        const liquid = this.liquid(s);
        const amount = max < liquid ? max : liquid;
        s.balance -= amount;
        s.out.cyclesBurned += amount;
        this.write128(dst, amount);
      },
      canister_cycle_balance128: (dst: I): void => {
        const s = this.enter('canister_cycle_balance128');
        this.write128(dst, s.balance);
      },
      canister_liquid_cycle_balance128: (dst: I): void => {
        const s = this.enter('canister_liquid_cycle_balance128');
        this.write128(dst, this.liquid(s));
      },
      msg_cycles_available: (): bigint => {
        const s = this.enter('msg_cycles_available');
        return this.fit64(this.available(s));
      },
      msg_cycles_refunded: (): bigint => {
        const s = this.enter('msg_cycles_refunded');
        return this.fit64(s.in.cyclesRefunded ?? 0n);
      },
      msg_cycles_accept: (max: bigint): bigint => {
        const s = this.enter('msg_cycles_accept');
        const want = BigInt.asUintN(64, max);
        const available = this.available(s);
        const amount = want < available ? want : available;
        s.cyclesAvailable -= amount;
        s.balance += amount;
        s.out.cyclesAccepted += amount;
        return BigInt.asIntN(64, amount);
      },
      canister_cycle_balance: (): bigint => this.fit64(this.enter('canister_cycle_balance').balance),

      // --- self, status, subnet
      canister_self_size: (): I => this.ret(this.enter('canister_self_size').in.canisterId.length),
      canister_self_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('canister_self_copy');
        this.copyOut('canister_self_copy', s.in.canisterId, dst, offset, size);
      },
      canister_status: (): number => this.enter('canister_status').in.status,
      canister_version: (): bigint => this.enter('canister_version').in.version,
      subnet_self_size: (): I => this.ret(this.enter('subnet_self_size').in.subnetId.length),
      subnet_self_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('subnet_self_copy');
        this.copyOut('subnet_self_copy', s.in.subnetId, dst, offset, size);
      },

      // --- inter-canister calls
      call_new: (
        calleeSrc: I,
        calleeSize: I,
        nameSrc: I,
        nameSize: I,
        replyFun: I,
        replyEnv: I,
        rejectFun: I,
        rejectEnv: I,
      ): void => {
        const s = this.enter('call_new');
        this.discardPending(s);
        const callee = this.principal(this.readHeap(calleeSrc, calleeSize), 'ic0.call_new: callee');
        const method = this.text(this.readHeap(nameSrc, nameSize), 'ic0.call_new: the method name');
        s.out.pendingCall = {
          callee,
          method,
          arg: new Uint8Array(),
          cycles: 0n,
          reply: { fun: this.addr(replyFun), env: this.env(replyEnv) },
          reject: { fun: this.addr(rejectFun), env: this.env(rejectEnv) },
        };
      },
      call_on_cleanup: (fun: I, env: I): void => {
        const s = this.enter('call_on_cleanup');
        const call = this.pending(s, 'call_on_cleanup');
        if (call.cleanup) throw trap.contract('ic0.call_on_cleanup: a cleanup callback is already set for this call');
        call.cleanup = { fun: this.addr(fun), env: this.env(env) };
      },
      call_data_append: (src: I, size: I): void => {
        const s = this.enter('call_data_append');
        const call = this.pending(s, 'call_data_append');
        const data = this.readHeap(src, size);
        if (call.arg.length + data.length > s.in.maxCallPayloadBytes) {
          throw trap.contract(
            `ic0.call_data_append: the payload of ${call.arg.length + data.length} bytes exceeds the limit of ${s.in.maxCallPayloadBytes} bytes`,
          );
        }
        const arg = new Uint8Array(call.arg.length + data.length);
        arg.set(call.arg);
        arg.set(data, call.arg.length);
        call.arg = arg;
      },
      call_with_best_effort_response: (timeoutSeconds: number): void => {
        const s = this.enter('call_with_best_effort_response');
        const call = this.pending(s, 'call_with_best_effort_response');
        if (call.timeoutSeconds !== undefined) {
          throw trap.contract('ic0.call_with_best_effort_response: the timeout is already set for this call');
        }
        call.timeoutSeconds = Math.min(timeoutSeconds >>> 0, MAX_CALL_TIMEOUT_SECONDS);
      },
      call_cycles_add128: (high: bigint, low: bigint): void => {
        const s = this.enter('call_cycles_add128');
        this.addCycles(s, (BigInt.asUintN(64, high) << 64n) | BigInt.asUintN(64, low), 'call_cycles_add128');
      },
      call_cycles_add: (amount: bigint): void => {
        const s = this.enter('call_cycles_add');
        this.addCycles(s, BigInt.asUintN(64, amount), 'call_cycles_add');
      },
      call_perform: (): number => {
        const s = this.enter('call_perform');
        const call = this.pending(s, 'call_perform');
        s.out.pendingCall = undefined;
        const fee = s.in.costs.call(BigInt(new TextEncoder().encode(call.method).length), BigInt(call.arg.length));
        if (s.balance - fee < s.in.frozenLimit) {
          // The call cannot be performed (SYS_FATAL): its cycles go back and no callback will run.
          s.balance += call.cycles;
          return 2;
        }
        s.balance -= fee;
        s.out.cyclesSent += call.cycles;
        s.out.calls.push(call);
        return 0;
      },

      // --- stable memory (64-bit)
      stable64_size: (): bigint => {
        this.enter('stable64_size');
        return this.deps.stable.sizePages();
      },
      stable64_grow: (pages: bigint): bigint => {
        this.enter('stable64_grow');
        return this.deps.stable.grow(BigInt.asUintN(64, pages));
      },
      stable64_write: (offset: bigint, src: bigint, size: bigint): void => {
        this.enter('stable64_write');
        this.stableWrite(BigInt.asUintN(64, offset), src, BigInt.asUintN(64, size));
      },
      stable64_read: (dst: bigint, offset: bigint, size: bigint): void => {
        this.enter('stable64_read');
        this.stableRead(dst, BigInt.asUintN(64, offset), BigInt.asUintN(64, size));
      },
      // --- stable memory (32-bit, deprecated, wasm32 only)
      stable_size: (): number => {
        this.enter('stable_size');
        return Number(this.stable32Check());
      },
      stable_grow: (pages: number): number => {
        this.enter('stable_grow');
        const size = this.stable32Check();
        const add = BigInt(pages >>> 0);
        if (size + add > STABLE32_MAX_PAGES) return -1;
        return Number(this.deps.stable.grow(add));
      },
      stable_write: (offset: number, src: number, size: number): void => {
        this.enter('stable_write');
        this.stable32Check();
        this.stableWrite(BigInt(offset >>> 0), src, BigInt(size >>> 0));
      },
      stable_read: (dst: number, offset: number, size: number): void => {
        this.enter('stable_read');
        this.stable32Check();
        this.stableRead(dst, BigInt(offset >>> 0), BigInt(size >>> 0));
      },

      // --- certification and root key
      root_key_size: (): I => this.ret(this.enter('root_key_size').in.rootKey?.length ?? 0),
      root_key_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('root_key_copy');
        this.copyOut('root_key_copy', s.in.rootKey ?? new Uint8Array(), dst, offset, size);
      },
      certified_data_set: (src: I, size: I): void => {
        const s = this.enter('certified_data_set');
        if (this.addr(size) > 32) {
          throw trap.contract(`ic0.certified_data_set: the certified data of ${this.addr(size)} bytes exceeds the limit of 32 bytes`);
        }
        s.out.certifiedData = this.readHeap(src, size);
      },
      data_certificate_present: (): number => (this.enter('data_certificate_present').in.dataCertificate ? 1 : 0),
      data_certificate_size: (): I => {
        const s = this.enter('data_certificate_size');
        if (!s.in.dataCertificate) throw trap.contract('ic0.data_certificate_size: no data certificate is present');
        return this.ret(s.in.dataCertificate.length);
      },
      data_certificate_copy: (dst: I, offset: I, size: I): void => {
        const s = this.enter('data_certificate_copy');
        if (!s.in.dataCertificate) throw trap.contract('ic0.data_certificate_copy: no data certificate is present');
        this.copyOut('data_certificate_copy', s.in.dataCertificate, dst, offset, size);
      },

      // --- time, timer, counters, checks
      time: (): bigint => this.enter('time').in.time,
      global_timer_set: (timestamp: bigint): bigint => {
        const s = this.enter('global_timer_set');
        const previous = s.out.globalTimer ?? s.in.globalTimer;
        s.out.globalTimer = BigInt.asUintN(64, timestamp);
        return BigInt.asIntN(64, previous);
      },
      performance_counter: (type: number): bigint => {
        const s = this.enter('performance_counter');
        const executed = this.deps.meter.executed();
        if (type === 0) return executed;
        if (type === 1) return s.in.callContextInstructions + executed;
        throw trap.contract(`ic0.performance_counter: unknown counter type ${type}`);
      },
      is_controller: (src: I, size: I): number => {
        const s = this.enter('is_controller');
        const p = this.principal(this.readHeap(src, size), 'ic0.is_controller');
        return s.in.controllers.some((c) => equalBytes(c, p)) ? 1 : 0;
      },
      in_replicated_execution: (): number => (isReplicated(this.enter('in_replicated_execution').in.context) ? 1 : 0),

      // --- cost queries
      cost_call: (methodNameSize: bigint, payloadSize: bigint, dst: I): void => {
        const s = this.enter('cost_call');
        this.cost(dst, s.in.costs.call(BigInt.asUintN(64, methodNameSize), BigInt.asUintN(64, payloadSize)));
      },
      cost_create_canister: (dst: I): void => {
        const s = this.enter('cost_create_canister');
        this.cost(dst, s.in.costs.createCanister());
      },
      cost_http_request: (requestSize: bigint, maxResponseBytes: bigint, dst: I): void => {
        const s = this.enter('cost_http_request');
        this.cost(dst, s.in.costs.httpRequest(BigInt.asUintN(64, requestSize), BigInt.asUintN(64, maxResponseBytes)));
      },
      cost_sign_with_ecdsa: (src: I, size: I, curve: number, dst: I): number => {
        const s = this.enter('cost_sign_with_ecdsa');
        return this.keyCost(src, size, dst, curve === 0 ? s.in.costs.signWithEcdsa.bind(s.in.costs) : undefined, curve);
      },
      cost_sign_with_schnorr: (src: I, size: I, algorithm: number, dst: I): number => {
        const s = this.enter('cost_sign_with_schnorr');
        const known = algorithm === 0 || algorithm === 1;
        return this.keyCost(src, size, dst, known ? s.in.costs.signWithSchnorr.bind(s.in.costs) : undefined, algorithm);
      },
      cost_vetkd_derive_key: (src: I, size: I, curve: number, dst: I): number => {
        const s = this.enter('cost_vetkd_derive_key');
        return this.keyCost(src, size, dst, curve === 0 ? s.in.costs.vetkdDeriveKey.bind(s.in.costs) : undefined, curve);
      },

      // --- environment variables
      env_var_count: (): I => this.ret(this.enter('env_var_count').in.envVars.length),
      env_var_name_size: (index: I): I => {
        const s = this.enter('env_var_name_size');
        return this.ret(new TextEncoder().encode(this.envVarAt(s, index, 'env_var_name_size')[0]).length);
      },
      env_var_name_copy: (index: I, dst: I, offset: I, size: I): void => {
        const s = this.enter('env_var_name_copy');
        const name = new TextEncoder().encode(this.envVarAt(s, index, 'env_var_name_copy')[0]);
        this.copyOut('env_var_name_copy', name, dst, offset, size);
      },
      env_var_name_exists: (src: I, size: I): number => {
        const s = this.enter('env_var_name_exists');
        const name = this.text(this.readHeap(src, size), 'ic0.env_var_name_exists: the name');
        return s.in.envVars.some(([n]) => n === name) ? 1 : 0;
      },
      env_var_value_size: (src: I, size: I): I => {
        const s = this.enter('env_var_value_size');
        return this.ret(new TextEncoder().encode(this.envVarValue(s, src, size, 'env_var_value_size')).length);
      },
      env_var_value_copy: (src: I, size: I, dst: I, offset: I, copySize: I): void => {
        const s = this.enter('env_var_value_copy');
        const value = new TextEncoder().encode(this.envVarValue(s, src, size, 'env_var_value_copy'));
        this.copyOut('env_var_value_copy', value, dst, offset, copySize);
      },

      // --- debugging
      debug_print: (src: I, size: I): void => {
        const s = this.enter('debug_print');
        const line = utf8Lossy.decode(this.readHeap(src, size));
        s.out.logs.push(line);
        this.deps.echoDebugPrint?.(line);
      },
      trap: (src: I, size: I): never => {
        this.enter('trap');
        throw trap.called(utf8Lossy.decode(this.readHeap(src, size)));
      },
    };
    return f as unknown as Record<string, HostFn>;
  }

  private fit64(v: bigint): bigint {
    if (v > U64_MAX) throw new ExecutionTrap({ kind: 'trapped', code: 'cycles amount exceeds 64-bit representation' });
    return BigInt.asIntN(64, v);
  }

  private addCycles(s: ExecutionState, amount: bigint, name: string): void {
    const call = this.pending(s, name);
    const liquid = this.liquid(s);
    if (amount > liquid) {
      throw new ExecutionTrap({
        kind: 'insufficient-cycles',
        description: `Canister cannot attach ${amount} cycles to the call: only ${liquid} cycles are available above the freezing threshold.`,
      });
    }
    s.balance -= amount;
    call.cycles += amount;
  }

  private keyCost(
    src: I,
    size: I,
    dst: I,
    lookup: ((keyName: string, kind: number) => bigint | undefined) | undefined,
    kind: number,
  ): number {
    const name = utf8Lossy.decode(this.readHeap(src, size));
    if (!lookup) return 1; // unknown curve or algorithm
    const fee = lookup(name, kind);
    if (fee === undefined) return 2; // unknown key name
    this.cost(dst, fee);
    return 0;
  }

  private envVarAt(s: ExecutionState, index: I, name: string): [string, string] {
    const i = this.addr(index);
    const entry = s.in.envVars[i];
    if (!entry) throw trap.contract(`ic0.${name}: index ${i} is out of bounds (${s.in.envVars.length} variables)`);
    return entry;
  }

  private envVarValue(s: ExecutionState, src: I, size: I, name: string): string {
    const key = this.text(this.readHeap(src, size), `ic0.${name}: the name`);
    const entry = s.in.envVars.find(([n]) => n === key);
    if (!entry) throw trap.contract(`ic0.${name}: environment variable '${key}' does not exist`);
    return entry[1];
  }
}

