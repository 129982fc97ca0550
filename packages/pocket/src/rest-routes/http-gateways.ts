// HTTP gateways: PocketIC starts, per request, a server on its own port that forwards the IC HTTP
// interface to an instance, so agents (whose requests use absolute /api/... paths) can reach it.
// Ours is the mock-agent loopback server on 127.0.0.1 over the instance's replica.
import { Certifier, startLoopbackServer, type LoopbackServer } from '@mockic/mock-agent';
import { asObject, asNumber, PocketApiError } from '../pocket-json.ts';
import type { Route, RouteReply, RouteRequest } from './route-types.ts';

const gateways = new Map<number, LoopbackServer>();
let nextGateway = 0;

async function createGateway(req: RouteRequest): Promise<RouteReply> {
  const body = asObject(req.json() ?? {}, 'HttpGatewayConfig');
  const forward = asObject(body['forward_to'] ?? {}, 'forward_to');
  if (!('PocketIcInstance' in forward)) throw new PocketApiError(400, 'forward_to: only {"PocketIcInstance": <id>} is supported');
  const instance = req.registry.get(asNumber(forward['PocketIcInstance'], 'PocketIcInstance'));
  const ip = body['ip_addr'];
  if (ip !== undefined && ip !== null && ip !== '127.0.0.1') throw new PocketApiError(400, 'HTTP gateways bind 127.0.0.1 only');
  const port = body['port'];
  const server = await startLoopbackServer({
    replica: instance.replica,
    certifier: Certifier.create(instance.replica),
    port: port === undefined || port === null ? 0 : asNumber(port, 'port'),
  });
  const id = nextGateway++;
  gateways.set(id, server);
  return { status: 201, json: { Created: { instance_id: id, port: server.port } } };
}

async function stopGateway(req: RouteRequest): Promise<RouteReply> {
  const id = Number(req.params['id']);
  const server = gateways.get(id);
  if (!server) throw new PocketApiError(404, `HTTP gateway ${req.params['id']} not found`);
  gateways.delete(id);
  await server.close();
  return { json: null };
}

/** Stops every gateway (server shutdown). */
export async function stopAllGateways(): Promise<void> {
  const all = [...gateways.values()];
  gateways.clear();
  await Promise.all(all.map((g) => g.close()));
}

export const httpGatewayRoutes: Route[] = [
  { method: 'POST', pattern: '/http_gateway', handler: createGateway },
  { method: 'POST', pattern: '/http_gateway/:id/stop', handler: stopGateway },
];
