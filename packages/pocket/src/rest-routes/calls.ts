// Canister calls: queries, ingress messages submitted and awaited (or both at once), and the
// ingress status the pic client polls after each tick.
import { asObject, asString, bytesOfBase64, canisterResultJson, effectivePrincipalJson, effectivePrincipalOf, principalOfBase64, rejectOfUserError, type JsonValue } from '../pocket-json.ts';
import type { PocketCall } from '../pocket-instance.ts';
import { instanceOf } from './instance-of.ts';
import type { Route, RouteRequest } from './route-types.ts';

/** RawCanisterCall. */
export function pocketCallOf(value: JsonValue | undefined): PocketCall {
  const o = asObject(value, 'RawCanisterCall');
  return {
    sender: principalOfBase64(o['sender'], 'sender'),
    canisterId: principalOfBase64(o['canister_id'], 'canister_id'),
    method: asString(o['method'], 'method'),
    payload: bytesOfBase64(o['payload'], 'payload'),
    effectivePrincipal: effectivePrincipalOf(o['effective_principal']),
  };
}

/** RawMessageId: `{ effective_principal, message_id: base64 }`. */
function messageIdOf(value: JsonValue | undefined): Uint8Array {
  return bytesOfBase64(asObject(value, 'RawMessageId')['message_id'], 'message_id');
}

function submit(req: RouteRequest): JsonValue {
  const instance = instanceOf(req);
  const outcome = instance.submit(pocketCallOf(req.json()));
  if (!outcome.ok) return { Err: rejectOfUserError(outcome.error, false) as unknown as JsonValue };
  return {
    Ok: { effective_principal: effectivePrincipalJson(outcome.effectivePrincipal), message_id: Buffer.from(outcome.messageId).toString('base64') },
  };
}

export const callRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/instances/:id/read/query',
    handler: (req) => ({ json: canisterResultJson(instanceOf(req).query(pocketCallOf(req.json())), false) }),
  },
  { method: 'POST', pattern: '/instances/:id/update/submit_ingress_message', handler: (req) => ({ json: submit(req) }) },
  {
    method: 'POST',
    pattern: '/instances/:id/update/await_ingress_message',
    handler: (req) => ({ json: canisterResultJson(instanceOf(req).awaitIngress(messageIdOf(req.json())), true) }),
  },
  {
    method: 'POST',
    pattern: '/instances/:id/update/execute_ingress_message',
    handler: (req) => {
      const instance = instanceOf(req);
      const outcome = instance.submit(pocketCallOf(req.json()));
      if (!outcome.ok) return { json: { Err: rejectOfUserError(outcome.error, false) } };
      return { json: canisterResultJson(instance.awaitIngress(outcome.messageId), true) };
    },
  },
  {
    method: 'POST',
    pattern: '/instances/:id/read/ingress_status',
    handler: (req) => {
      const instance = instanceOf(req);
      const body = asObject(req.json(), 'RawIngressStatusArgs');
      const result = instance.ingressResult(messageIdOf(body['raw_message_id']));
      // null while the message has no result yet (the client ticks and asks again).
      return { json: result ? canisterResultJson(result, true) : null };
    },
  },
];
