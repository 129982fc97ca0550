// The status of every ingress message, as read_state's request_status shows it: received, processing,
// then replied or rejected (and finally done when pruned). The scheduler writes; callers poll.
import type { Principal } from '@dfinity/principal';
import type { CallResult } from './messages.ts';

export type IngressStatus =
  | { status: 'received' }
  | { status: 'processing' }
  | { status: 'replied'; reply: Uint8Array }
  | { status: 'rejected'; code: number; message: string; errorCode?: string }
  | { status: 'done' };

export interface IngressRecord {
  messageId: string;
  sender: Principal;
  canisterId: Principal;
  method: string;
  state: IngressStatus;
  /** The full result, including the UserError behind a system reject. */
  result?: CallResult;
  /** Replica time when the message reached a terminal state. */
  finishedAt?: bigint;
}

export class IngressHistory {
  private readonly records = new Map<string, IngressRecord>();

  add(messageId: string, sender: Principal, canisterId: Principal, method: string): IngressRecord {
    const r: IngressRecord = { messageId, sender, canisterId, method, state: { status: 'received' } };
    this.records.set(messageId, r);
    return r;
  }

  get(messageId: string): IngressRecord | undefined {
    return this.records.get(messageId);
  }

  has(messageId: string): boolean {
    return this.records.has(messageId);
  }

  processing(messageId: string): void {
    const r = this.records.get(messageId);
    if (r && r.state.status === 'received') r.state = { status: 'processing' };
  }

  finish(messageId: string, result: CallResult, now: bigint): void {
    const r = this.records.get(messageId);
    if (!r || r.state.status === 'replied' || r.state.status === 'rejected') return;
    r.result = result;
    r.finishedAt = now;
    r.state =
      result.kind === 'reply'
        ? { status: 'replied', reply: result.data }
        : { status: 'rejected', code: result.code, message: result.message, errorCode: result.error?.errorCode };
  }

  all(): IterableIterator<IngressRecord> {
    return this.records.values();
  }
}
