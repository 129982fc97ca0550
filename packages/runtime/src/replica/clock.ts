// One clock for the whole replica (DESIGN decision 5): fake by default, moving only when the test
// says so (setTime, advanceTime), or live, following the wall clock (the dev server). Time never
// goes backwards: the IC guarantees monotonic time, and so does a live clock after a setTime.

/** 2021-05-06T19:17:10Z, the default start time of the IC's state machine tests and PocketIC. */
export const DEFAULT_START_TIME_NANOS = 1_620_328_630_000_000_000n;

export class Clock {
  private fixed: bigint;
  private live: boolean;
  /** Wall-clock offset applied in live mode, so setTime works there too. */
  private offset = 0n;

  constructor(options: { time?: bigint; live?: boolean } = {}) {
    this.fixed = options.time ?? DEFAULT_START_TIME_NANOS;
    this.live = options.live ?? false;
    if (this.live && options.time !== undefined) this.offset = options.time - wallNanos();
  }

  get isLive(): boolean {
    return this.live;
  }

  /** Nanoseconds since 1970. */
  now(): bigint {
    if (!this.live) return this.fixed;
    const t = wallNanos() + this.offset;
    if (t > this.fixed) this.fixed = t;
    return this.fixed;
  }

  set(nanos: bigint): void {
    if (this.live) this.offset = nanos - wallNanos();
    this.fixed = nanos;
  }

  advance(nanos: bigint): void {
    if (nanos < 0n) throw new RangeError('time cannot go backwards');
    this.set(this.now() + nanos);
  }

  /** Switches between the fake clock (frozen at the current time) and the live one. */
  setLive(live: boolean): void {
    const now = this.now();
    this.live = live;
    this.set(now);
  }
}

function wallNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
