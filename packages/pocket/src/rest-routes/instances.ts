// Instance lifecycle: list, create (with a subnet topology and an initial time or auto progress),
// delete, topology, auto progress, plus the server-level /status and /blobstore routes.
import { asObject, asNat, asNumber, PocketApiError, type JsonValue } from '../pocket-json.ts';
import { deployIcpFeatures, icpFeaturesOf, withFeatureSubnets } from '../icp-features.ts';
import { topologyJson } from '../subnet-topology.ts';
import { instanceOf } from './instance-of.ts';
import type { Route, RouteReply, RouteRequest } from './route-types.ts';

/** PocketIC's topology when a create names none: one application subnet. */
const DEFAULT_SUBNETS = { application: [{ state_config: 'New', instruction_config: 'Production' }] };

async function createInstance(req: RouteRequest): Promise<RouteReply> {
  try {
    const body = asObject(req.json() ?? {}, 'InstanceConfig');
    let time: bigint | undefined;
    let autoProgress: number | undefined;
    const initial = body['initial_time'];
    if (initial !== undefined && initial !== null) {
      const o = asObject(initial, 'initial_time');
      if ('Timestamp' in o) time = asNat(asObject(o['Timestamp'], 'initial_time.Timestamp')['nanos_since_epoch'], 'nanos_since_epoch');
      else if ('AutoProgress' in o) {
        const delay = asObject(o['AutoProgress'] ?? {}, 'initial_time.AutoProgress')['artificial_delay_ms'];
        autoProgress = delay === undefined || delay === null ? 100 : Math.max(1, asNumber(delay, 'artificial_delay_ms'));
      } else throw new PocketApiError(400, 'initial_time: expected {"Timestamp": ...} or {"AutoProgress": ...}');
    }
    for (const unsupported of ['state_dir', 'http_gateway_config'] as const) {
      const v = body[unsupported];
      if (v !== undefined && v !== null) throw new PocketApiError(400, `${unsupported} is not supported by this server`);
    }
    const features = icpFeaturesOf(body['icp_features']);
    let config = body['subnet_config_set'];
    if (features.length > 0) config = withFeatureSubnets(config === undefined || config === null ? DEFAULT_SUBNETS : asObject(config, 'subnet_config_set'), features);
    const instance = await req.registry.create({
      ...(config !== undefined && config !== null ? { subnetConfigSet: config } : {}),
      ...(time !== undefined ? { time } : {}),
    });
    await deployIcpFeatures(instance.replica, features);
    if (autoProgress !== undefined) instance.startAutoProgress(autoProgress);
    return {
      status: 201,
      json: { Created: { instance_id: instance.id, topology: topologyJson(instance.replica, instance.plan), http_gateway_info: null } },
    };
  } catch (e) {
    // PocketIC answers a create it cannot do with CreateInstanceResponse::Error (the client reads it).
    const message = e instanceof Error ? e.message : String(e);
    return { status: 400, json: { Error: { message } } };
  }
}

function topology(req: RouteRequest): RouteReply {
  const instance = instanceOf(req);
  return { json: topologyJson(instance.replica, instance.plan) };
}

function blobId(req: RouteRequest): Uint8Array {
  const text = req.params['blob_id'] ?? '';
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new PocketApiError(400, `Invalid blob id ${text}`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export const instanceRoutes: Route[] = [
  { method: 'GET', pattern: '/status', handler: () => ({ empty: true }) },
  { method: 'GET', pattern: '/instances', handler: (req) => ({ json: req.registry.list() }) },
  { method: 'POST', pattern: '/instances', handler: createInstance },
  {
    method: 'DELETE',
    pattern: '/instances/:id',
    handler: (req) => {
      instanceOf(req);
      req.registry.delete(Number(req.params['id']));
      return { json: null };
    },
  },
  { method: 'GET', pattern: '/instances/:id/_/topology', handler: topology },
  { method: 'GET', pattern: '/instances/:id/read/topology', handler: topology },
  {
    method: 'POST',
    pattern: '/instances/:id/auto_progress',
    handler: (req) => {
      const instance = instanceOf(req);
      const body = req.json();
      const delay = body && typeof body === 'object' && !Array.isArray(body) ? (body as { [k: string]: JsonValue })['artificial_delay_ms'] : undefined;
      instance.startAutoProgress(delay === undefined || delay === null ? 100 : asNumber(delay, 'artificial_delay_ms'));
      return { json: null };
    },
  },
  { method: 'GET', pattern: '/instances/:id/auto_progress', handler: (req) => ({ json: instanceOf(req).autoProgress }) },
  {
    method: 'POST',
    pattern: '/instances/:id/stop_progress',
    handler: (req) => {
      instanceOf(req).stopAutoProgress();
      return { json: null };
    },
  },
  {
    method: 'POST',
    pattern: '/blobstore',
    handler: (req) => {
      const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
      const id = req.registry.putBlob(req.body, encoding === 'gzip' ? 'gzip' : 'none');
      // The blob id, hex-encoded, as plain text (the client reads it with res.text()).
      return { text: Buffer.from(id).toString('hex'), contentType: 'text/plain' };
    },
  },
  {
    method: 'GET',
    pattern: '/blobstore/:blob_id',
    handler: (req) => {
      const blob = req.registry.getBlob(blobId(req));
      if (!blob) throw new PocketApiError(404, `Blob ${req.params['blob_id']} not found`);
      return { bytes: blob.data, contentType: blob.compression === 'gzip' ? 'application/gzip' : 'application/octet-stream' };
    },
  },
];

