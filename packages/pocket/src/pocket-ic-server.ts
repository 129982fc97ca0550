// A server speaking PocketIC's REST API (the subset @dfinity/pic uses, and a little more), backed by
// in-process replicas: `PocketIc.create(url)` from an unmodified @dfinity/pic drives it. Every route
// answers at once (never 202 "started", so the client never polls /read_graph). Errors are PocketIC's
// `{ "message": ... }` with a 4xx status; failed canister calls are `{ "Err": RejectResponse }` with
// 200, as PocketIC sends them. Binds the loopback interface only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '@mockic/runtime';
import { Certifier, IcHttpInterface } from '@mockic/mock-agent';
import type { PocketInstance } from './pocket-instance.ts';
import { InstanceRegistry } from './instance-registry.ts';
import { PocketApiError, parsePocketJson, stringifyPocketJson, type JsonValue } from './pocket-json.ts';
import { callRoutes } from './rest-routes/calls.ts';
import { httpsOutcallRoutes } from './rest-routes/https-outcalls.ts';
import { instanceRoutes } from './rest-routes/instances.ts';
import type { Route, RouteReply, RouteRequest } from './rest-routes/route-types.ts';
import { stateRoutes } from './rest-routes/state.ts';
import { httpGatewayRoutes, stopAllGateways } from './rest-routes/http-gateways.ts';

export interface PocketIcServerOptions {
  /** TCP port (default 0: any free port). */
  port?: number;
  /** Only the loopback interface is supported. */
  host?: '127.0.0.1';
  /** Largest request body accepted, in bytes (default 256 MiB). */
  maxBodyBytes?: number;
}

export interface PocketIcServer {
  /** `http://127.0.0.1:<port>`: what `PocketIc.create(url)` takes. */
  readonly url: string;
  readonly port: number;
  /** The server's instances (for tests reaching a replica directly). */
  readonly registry: InstanceRegistry;
  /** Deletes every instance and stops listening. */
  close(): Promise<void>;
}

const ROUTES: Route[] = [...instanceRoutes, ...callRoutes, ...stateRoutes, ...httpsOutcallRoutes, ...httpGatewayRoutes];

interface CompiledRoute {
  route: Route;
  segments: string[];
}

const COMPILED: CompiledRoute[] = ROUTES.map((route) => ({ route, segments: route.pattern.split('/').filter(Boolean) }));

function match(path: string): { routes: Array<{ route: Route; params: Record<string, string> }> } {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const routes: Array<{ route: Route; params: Record<string, string> }> = [];
  for (const c of COMPILED) {
    if (c.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const seg = c.segments[i] as string;
      const part = parts[i] as string;
      if (seg.startsWith(':')) params[seg.slice(1)] = part;
      else if (seg !== part) {
        ok = false;
        break;
      }
    }
    if (ok) routes.push({ route: c.route, params });
  }
  return { routes };
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new PocketApiError(413, `Request body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: RouteReply): void {
  const status = reply.status ?? 200;
  if ('json' in reply) {
    const body = stringifyPocketJson(reply.json);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else if ('text' in reply) {
    res.writeHead(status, { 'content-type': reply.contentType ?? 'text/plain', 'content-length': Buffer.byteLength(reply.text) });
    res.end(reply.text);
  } else if ('bytes' in reply) {
    res.writeHead(status, { 'content-type': reply.contentType ?? 'application/octet-stream', 'content-length': reply.bytes.length });
    res.end(reply.bytes);
  } else {
    res.writeHead(status, { 'content-length': 0 });
    res.end();
  }
}

function errorReply(e: unknown): RouteReply {
  if (e instanceof PocketApiError) return { status: e.status, json: { message: e.message } };
  if (e instanceof UserError) return { status: 400, json: { message: e.message } };
  return { status: 500, json: { message: e instanceof Error ? e.message : String(e) } };
}

/** The IC HTTP interface of each instance, created on first use (agents talk to an instance at
 * /instances/<id>/api/v2/..., as PocketIC's per-instance HTTP endpoint). */
const httpInterfaces = new WeakMap<PocketInstance, IcHttpInterface>();

function httpInterfaceOf(instance: PocketInstance): IcHttpInterface {
  let h = httpInterfaces.get(instance);
  if (!h) {
    h = new IcHttpInterface(instance.replica, Certifier.create(instance.replica));
    httpInterfaces.set(instance, h);
  }
  return h;
}

const INSTANCE_API = /^\/instances\/(\d+)\/(api\/.*)$/;

async function handle(registry: InstanceRegistry, maxBody: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let reply: RouteReply;
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const api = INSTANCE_API.exec(url.pathname);
    if (api) {
      const instance = registry.get(Number(api[1]));
      const body = await readBody(req, maxBody);
      const result = httpInterfaceOf(instance).dispatch(method, `/${api[2]}`, body, req.headers['content-type']);
      res.writeHead(result.status, { ...result.headers, 'content-length': result.body.length });
      res.end(result.body);
      return;
    }
    const { routes } = match(url.pathname);
    const found = routes.find((r) => r.route.method === method);
    if (!found) {
      throw routes.length > 0
        ? new PocketApiError(405, `Method ${method} not allowed on ${url.pathname}`)
        : new PocketApiError(404, `No route ${method} ${url.pathname}`);
    }
    const body = await readBody(req, maxBody);
    let parsed: { value: JsonValue | undefined } | undefined;
    const request: RouteRequest = {
      method,
      path: url.pathname,
      params: found.params,
      headers: req.headers,
      body,
      registry,
      json() {
        if (!parsed) {
          const text = Buffer.from(body).toString('utf8').trim();
          try {
            parsed = { value: text === '' ? undefined : parsePocketJson(text) };
          } catch (e) {
            throw new PocketApiError(400, `Invalid JSON body: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        return parsed.value;
      },
    };
    reply = await found.route.handler(request);
  } catch (e) {
    reply = errorReply(e);
  }
  if (!res.headersSent) send(res, reply);
}

/** Starts a PocketIC-compatible server on 127.0.0.1. */
export async function startPocketIcServer(options: PocketIcServerOptions = {}): Promise<PocketIcServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the PocketIC server binds 127.0.0.1 only');
  const registry = new InstanceRegistry();
  const maxBody = options.maxBodyBytes ?? 256 * 1024 * 1024;
  const server = createServer((req, res) => {
    void handle(registry, maxBody, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    registry,
    close: () =>
      new Promise<void>((resolve) => {
        void stopAllGateways();
        registry.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
