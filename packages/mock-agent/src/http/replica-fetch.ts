// A WHATWG `fetch` that answers the IC HTTP interface from an in-process replica, for
// `HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch: createReplicaFetch(replica, certifier) })`:
// the agent runs unchanged — CBOR, signatures, certificate and query-signature verification — but
// no socket is opened. The host part of the URL is ignored; only the path matters. While an agent
// polls the status of an asynchronous (v2) call, each poll runs one round (roundsWhilePolling),
// so polling agents make progress without a clock or a timer driving the replica.
import type { Replica } from '@mockic/runtime';
import type { StateCertifier } from '../certification/certifier-api.ts';
import { CONTENT_TYPE_CBOR, IcHttpInterface, toResponse, type IcHttpInterfaceOptions } from './ic-http-interface.ts';

export type ReplicaFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ReplicaFetchOptions extends IcHttpInterfaceOptions {
  /** Serve from this interface instead of a new one (to share options or counters). */
  httpInterface?: IcHttpInterface;
}

/** A fetch function serving the replica's HTTP interface in-process. */
export function createReplicaFetch(replica: Replica, certifier: StateCertifier, options: ReplicaFetchOptions = {}): ReplicaFetch {
  const iface = options.httpInterface ?? new IcHttpInterface(replica, certifier, options);
  return async (input, init) => {
    // Fast path for what agents send: a URL string and a byte body, no Request object needed.
    if (!(input instanceof Request)) {
      const body = init?.body;
      const bytes = body === undefined || body === null ? new Uint8Array() : bodyBytes(body);
      if (bytes) {
        const url = typeof input === 'string' ? new URL(input) : input;
        const method = (init?.method ?? 'GET').toUpperCase();
        return toResponse(iface.dispatch(method, url.pathname, bytes, headerOf(init?.headers, 'content-type') ?? (method === 'GET' ? undefined : '')));
      }
    }
    return iface.handle(new Request(input, init));
  };
}

function bodyBytes(body: BodyInit): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return undefined;
}

function headerOf(headers: HeadersInit | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [k, v] of entries) if (k.toLowerCase() === name) return v;
  return undefined;
}

export { CONTENT_TYPE_CBOR };
