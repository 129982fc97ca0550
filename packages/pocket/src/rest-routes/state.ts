// Instance state: time, rounds, cycles, stable memory, controllers, the subnet of a canister and a
// subnet's public key.
import { asObject, asNat, base64Of, base64OfPrincipal, bytesOfBase64, PocketApiError, principalOfBase64, type JsonValue } from '../pocket-json.ts';
import { instanceOf } from './instance-of.ts';
import type { Route, RouteRequest } from './route-types.ts';

function canisterIdOf(req: RouteRequest) {
  return principalOfBase64(asObject(req.json(), 'request')['canister_id'], 'canister_id');
}

function setTime(req: RouteRequest) {
  const nanos = asNat(asObject(req.json(), 'RawTime')['nanos_since_epoch'], 'nanos_since_epoch');
  instanceOf(req).setTime(nanos);
  return { json: null };
}

export const stateRoutes: Route[] = [
  { method: 'GET', pattern: '/instances/:id/read/get_time', handler: (req) => ({ json: { nanos_since_epoch: instanceOf(req).time } }) },
  { method: 'POST', pattern: '/instances/:id/update/set_time', handler: setTime },
  { method: 'POST', pattern: '/instances/:id/update/set_certified_time', handler: setTime },
  {
    method: 'POST',
    pattern: '/instances/:id/update/tick',
    handler: (req) => {
      instanceOf(req).tick();
      return { json: null };
    },
  },
  {
    method: 'POST',
    pattern: '/instances/:id/read/get_cycles',
    handler: (req) => ({ json: { cycles: instanceOf(req).canister(canisterIdOf(req)).balance } }),
  },
  {
    method: 'POST',
    pattern: '/instances/:id/update/add_cycles',
    handler: (req) => {
      const body = asObject(req.json(), 'RawAddCycles');
      const id = principalOfBase64(body['canister_id'], 'canister_id');
      return { json: { cycles: instanceOf(req).addCycles(id, asNat(body['amount'], 'amount')) } };
    },
  },
  {
    method: 'POST',
    pattern: '/instances/:id/read/get_stable_memory',
    handler: (req) => ({ json: { blob: base64Of(instanceOf(req).stableMemory(canisterIdOf(req))) } }),
  },
  {
    method: 'POST',
    pattern: '/instances/:id/update/set_stable_memory',
    handler: (req) => {
      const instance = instanceOf(req);
      const body = asObject(req.json(), 'RawSetStableMemory');
      const id = principalOfBase64(body['canister_id'], 'canister_id');
      instance.setStableMemory(id, req.registry.blobContent(bytesOfBase64(body['blob_id'], 'blob_id')));
      return { json: null };
    },
  },
  {
    method: 'POST',
    pattern: '/instances/:id/read/get_controllers',
    handler: (req) => ({
      json: instanceOf(req)
        .canister(canisterIdOf(req))
        .settings.controllers.map((p) => ({ principal_id: base64OfPrincipal(p) })),
    }),
  },
  {
    method: 'POST',
    pattern: '/instances/:id/read/get_subnet',
    handler: (req) => {
      const subnet = instanceOf(req).subnetOfCanister(canisterIdOf(req));
      return { json: subnet ? { subnet_id: base64OfPrincipal(subnet.id) } : null };
    },
  },
  {
    method: 'POST',
    pattern: '/instances/:id/read/pub_key',
    handler: (req) => {
      const instance = instanceOf(req);
      const subnetId = principalOfBase64(asObject(req.json(), 'RawSubnetId')['subnet_id'], 'subnet_id');
      if (!instance.replica.subnets.some((s) => s.id.compareTo(subnetId) === 'eq')) {
        throw new PocketApiError(400, `SubnetNotFound(${subnetId.toText()})`);
      }
      const key = instance.replica.rootKey;
      if (!key) throw new PocketApiError(400, 'This instance has no subnet key (no certifier is attached)');
      return { json: [...key] as JsonValue };
    },
  },
];
