// The replica's HTTP interface on a real socket, for agents in other processes, browsers and tools
// (dfx-style `http://127.0.0.1:<port>`). Bound to 127.0.0.1 only: it serves unauthenticated test
// state and must not be reachable from the network. CORS is answered like the boundary nodes do
// (any origin; GET/POST; the headers agents send), so a page served elsewhere can call it.
// Rounds: an asynchronous (v2) call gets a round right after it is accepted, a poll of an unfinished
// call runs one, and in live mode a timer runs rounds (and thus timers and heartbeats) every
// `roundIntervalMs`. Every path outside /api/ goes to the HTTP gateway (http-gateway.ts): a browser
// opening http://127.0.0.1:<port>/?canisterId=<id> gets the canister's http_request answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Replica } from '@mockic/runtime';
import type { StateCertifier } from '../certification/certifier-api.ts';
import { HttpGateway } from './http-gateway.ts';
import { IcHttpInterface, statusText, type HttpResult, type IcHttpInterfaceOptions } from './ic-http-interface.ts';

export interface LoopbackServerOptions extends IcHttpInterfaceOptions {
  replica: Replica;
  certifier: StateCertifier;
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Run a round every `roundIntervalMs` (default false). */
  live?: boolean;
  roundIntervalMs?: number;
  /** Run a round right after each accepted asynchronous (v2) call (default true). */
  roundAfterCall?: boolean;
  /** Serve canisters' http_request for paths outside /api/ (default true). */
  httpGateway?: boolean;
  /** Asked first for paths outside /api/ (the dev server's own pages); undefined passes on. */
  pages?: (req: { method: string; url: string; body: Uint8Array }) => Promise<HttpResult | undefined>;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  httpInterface: IcHttpInterface;
  close(): Promise<void>;
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, HEAD, OPTIONS',
  'access-control-allow-headers': 'Accept, Authorization, Content-Type',
  'access-control-max-age': '7200',
};

/** Starts the HTTP interface on 127.0.0.1. */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const { replica, certifier } = options;
  const iface = new IcHttpInterface(replica, certifier, options);
  const roundAfterCall = options.roundAfterCall ?? true;
  const gateway = options.httpGateway === false ? undefined : new HttpGateway(replica);
  let pendingRound: ReturnType<typeof setImmediate> | undefined;
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => serve(req, res, body))
      .catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...CORS_HEADERS });
        res.end(`Unexpected error: ${e instanceof Error ? e.message : String(e)}`);
      });
  });

  async function serve(req: IncomingMessage, res: ServerResponse, body: Uint8Array): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const own = options.pages && HttpGateway.handles(path) ? await options.pages({ method, url: req.url ?? '/', body }) : undefined;
    const r: HttpResult =
      own ??
      (gateway && HttpGateway.handles(path)
        ? await gateway.serve({ method: method === 'HEAD' ? 'GET' : method, url: req.url ?? '/', headers: req.headers, body })
        : iface.dispatch(method === 'HEAD' ? 'GET' : method, path, body, req.headers['content-type']));
    res.writeHead(r.status, statusText(r.status), { ...r.headers, ...CORS_HEADERS, 'content-length': String(r.body.length) });
    res.end(method === 'HEAD' ? undefined : r.body);
    if (roundAfterCall && r.status === 202 && /\/api\/v2\/canister\/[^/]+\/call$/.test(path) && !pendingRound) {
      pendingRound = setImmediate(() => {
        pendingRound = undefined;
        replica.tick();
      });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const timer = options.live ? setInterval(() => replica.tick(), options.roundIntervalMs ?? 100) : undefined;
  timer?.unref?.();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    httpInterface: iface,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (timer) clearInterval(timer);
        if (pendingRound) clearImmediate(pendingRound);
        server.closeAllConnections?.();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const b = Buffer.concat(chunks);
      resolve(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    });
    req.on('error', reject);
  });
}
