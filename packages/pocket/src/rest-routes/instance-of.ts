// The instance a route under /instances/:id addresses.
import type { PocketInstance } from '../pocket-instance.ts';
import { badRequest } from '../pocket-json.ts';
import type { RouteRequest } from './route-types.ts';

export function instanceOf(req: RouteRequest): PocketInstance {
  const text = req.params['id'] ?? '';
  if (!/^\d+$/.test(text)) throw badRequest(`Invalid instance id ${JSON.stringify(text)}`);
  return req.registry.get(Number(text));
}
