// The canister log that fetch_canister_logs returns: debug_print lines and trap messages, with an
// index and the time of the message, in a bounded buffer that drops the oldest records first (the
// replica keeps a fixed number of bytes per canister). Optionally echoed to the console.

export interface CanisterLogRecord {
  idx: bigint;
  timestampNanos: bigint;
  content: Uint8Array;
}

const encoder = new TextEncoder();

export class CanisterLog {
  private readonly records: CanisterLogRecord[] = [];
  private bytes = 0;
  private nextIdx = 0n;
  readonly capacityBytes: number;

  constructor(capacityBytes: number) {
    this.capacityBytes = capacityBytes;
  }

  append(timestampNanos: bigint, line: string): void {
    const content = encoder.encode(line);
    this.records.push({ idx: this.nextIdx++, timestampNanos, content });
    this.bytes += content.length;
    while (this.bytes > this.capacityBytes && this.records.length > 1) {
      const dropped = this.records.shift() as CanisterLogRecord;
      this.bytes -= dropped.content.length;
    }
  }

  all(): readonly CanisterLogRecord[] {
    return this.records;
  }

  /** Lines as text, oldest first (for tests and the console). */
  lines(): string[] {
    const decoder = new TextDecoder();
    return this.records.map((r) => decoder.decode(r.content));
  }

  /** The index the next record gets (indices never repeat, also across a restart). */
  get nextIndex(): bigint {
    return this.nextIdx;
  }

  /** Replaces the content with persisted records (restore after a restart). */
  restore(records: readonly CanisterLogRecord[], nextIndex: bigint): void {
    this.records.length = 0;
    this.bytes = 0;
    for (const r of records) {
      this.records.push({ idx: r.idx, timestampNanos: r.timestampNanos, content: r.content.slice() });
      this.bytes += r.content.length;
    }
    this.nextIdx = nextIndex;
  }

  clear(): void {
    this.records.length = 0;
    this.bytes = 0;
  }
}
