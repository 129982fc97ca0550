// The instruction meter of one message over the instrumented module's counter global (instructions
// left). The Wasm code decrements it per basic block; System API calls charge their overhead and
// per-byte costs here. One counter gives termination, performance_counter and cycles charging.
import type { InstructionMeter } from '../system-api/host-interfaces.ts';
import { ExecutionTrap } from './execution-trap.ts';

export class CounterMeter implements InstructionMeter {
  private counter: WebAssembly.Global | undefined;
  private limit = 0n;
  /** What the trap reports as the limit (the message limit, even when a slice is shorter). */
  private reportedLimit = 0n;
  /** Instructions charged before the counter global existed (the start function). */
  private preCounter = 0n;

  attach(counter: WebAssembly.Global): void {
    this.counter = counter;
  }

  /** Starts a message with `limit` instructions. */
  begin(limit: bigint, reportedLimit: bigint = limit): void {
    this.limit = limit;
    this.reportedLimit = reportedLimit;
    this.preCounter = 0n;
    if (this.counter) this.counter.value = limit;
  }

  private left(): bigint {
    return this.counter ? (this.counter.value as bigint) : this.limit - this.preCounter;
  }

  charge(n: bigint): void {
    if (this.counter) {
      const left = (this.counter.value as bigint) - n;
      this.counter.value = left;
      if (left < 0n) throw this.limitTrap();
    } else {
      this.preCounter += n;
      if (this.preCounter > this.limit) throw this.limitTrap();
    }
  }

  executed(): bigint {
    const used = this.limit - this.left();
    return used < 0n ? 0n : used;
  }

  /** Whether the counter ran below zero (straight-line code after the last check point). */
  exceeded(): boolean {
    return this.left() < 0n;
  }

  limitTrap(): ExecutionTrap {
    return new ExecutionTrap({ kind: 'instruction-limit', limit: this.reportedLimit });
  }
}
