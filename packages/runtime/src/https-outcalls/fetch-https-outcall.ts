// HTTPS outcalls made for real, as `dfx start`'s replica makes them: a handler for
// `replica.httpsOutcalls.setHandler(...)` that performs the canister's request with `fetch` and
// answers with the remote server's status, headers and body (the queue then applies
// max_response_bytes and the canister's transform). A body longer than the limit is not read to
// its end. Connection failures and timeouts answer SYS_TRANSIENT, as the IC's HTTP adapter does;
// the adapter also adds no headers of its own and follows no redirects.
import { concatBytes } from '../bytes.ts';
import { RejectCode } from '../errors/reject-code.ts';
import type { HttpOutcall, HttpOutcallAnswer } from './https-outcall-queue.ts';

export interface FetchHttpsOutcallOptions {
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
  /** Give up after this long (default 30 s, the IC's adapter timeout). */
  timeoutMs?: number;
}

/** Performs an outcall with fetch; never throws (failures are SYS_TRANSIENT rejects). */
export async function fetchHttpsOutcall(outcall: HttpOutcall, options: FetchHttpsOutcallOptions = {}): Promise<HttpOutcallAnswer> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const { url, method, headers, body, effectiveMaxResponseBytes } = outcall.request;
  const host = hostOf(url);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
  try {
    const response = await doFetch(url, {
      method: method.toUpperCase(),
      headers: headers.map((h) => [h.name, h.value] as [string, string]),
      body: method === 'post' && body ? new Uint8Array(body) : undefined,
      redirect: 'manual',
      signal: controller.signal,
    });
    const answerHeaders: Array<{ name: string; value: string }> = [];
    response.headers.forEach((value, name) => answerHeaders.push({ name, value }));
    return { status: response.status, headers: answerHeaders, body: await readAtMost(response, effectiveMaxResponseBytes + 1n) };
  } catch (e) {
    const reason = controller.signal.aborted ? 'timed out' : e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    return { reject: { code: RejectCode.SYS_TRANSIENT, message: `Connecting to ${host} failed: ${reason}` } };
  } finally {
    clearTimeout(timer);
  }
}

/** The body, or its first `limit` bytes (enough for the queue to see it is over the limit). */
async function readAtMost(response: Response, limit: bigint): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0n;
  while (total < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += BigInt(value.length);
  }
  await reader.cancel().catch(() => undefined);
  return concatBytes(...chunks);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
