// HTTPS outcalls waiting for a mocked answer: listed (get_canister_http) and answered
// (mock_canister_http) in PocketIC's JSON shapes.
import { RejectCode } from '@mockic/runtime';
import { asNumber, asObject, asString, base64Of, base64OfPrincipal, bytesOfBase64, PocketApiError, principalOfBase64, type JsonValue } from '../pocket-json.ts';
import type { PocketInstance } from '../pocket-instance.ts';
import { instanceOf } from './instance-of.ts';
import type { Route, RouteRequest } from './route-types.ts';

type Answer = { status: number; headers: Array<{ name: string; value: string }>; body: Uint8Array } | { reject: { code: RejectCode; message: string } };

/** CanisterHttpResponse: `{ CanisterHttpReply: { status, headers, body } }` or `{ CanisterHttpReject: { reject_code, message } }`. */
function answerOf(value: JsonValue | undefined, what: string): Answer {
  const o = asObject(value, what);
  if ('CanisterHttpReply' in o) {
    const r = asObject(o['CanisterHttpReply'], `${what}.CanisterHttpReply`);
    const headers = Array.isArray(r['headers']) ? r['headers'] : [];
    return {
      status: asNumber(r['status'], 'status'),
      headers: headers.map((h, i) => {
        const ho = asObject(h, `headers[${i}]`);
        return { name: asString(ho['name'], 'name'), value: asString(ho['value'], 'value') };
      }),
      body: bytesOfBase64(r['body'] ?? '', 'body'),
    };
  }
  if ('CanisterHttpReject' in o) {
    const r = asObject(o['CanisterHttpReject'], `${what}.CanisterHttpReject`);
    const code = asNumber(r['reject_code'], 'reject_code');
    if (!Number.isInteger(code) || code < 1 || code > 6) throw new PocketApiError(400, `InvalidRejectCode(${code})`);
    return { reject: { code: code as RejectCode, message: asString(r['message'], 'message') } };
  }
  throw new PocketApiError(400, `${what}: expected CanisterHttpReply or CanisterHttpReject`);
}

function pending(instance: PocketInstance): JsonValue {
  return instance.replica.pendingHttpsOutcalls().map((o) => ({
    subnet_id: { subnet_id: base64OfPrincipal(o.subnetId) },
    request_id: o.requestId,
    http_method: o.httpMethod,
    url: o.url,
    headers: o.headers.map(([name, value]) => ({ name, value })),
    body: base64Of(o.body),
    max_response_bytes: o.maxResponseBytes ?? null,
  }));
}

function mock(req: RouteRequest) {
  const instance = instanceOf(req);
  const body = asObject(req.json(), 'MockCanisterHttpResponse');
  const subnetId = principalOfBase64(asObject(body['subnet_id'], 'subnet_id')['subnet_id'], 'subnet_id');
  const requestId = asNumber(body['request_id'], 'request_id');
  const answer = answerOf(body['response'], 'response');
  const additional = Array.isArray(body['additional_responses']) ? body['additional_responses'] : [];
  additional.forEach((r, i) => answerOf(r, `additional_responses[${i}]`));
  const subnet = instance.replica.subnets.find((s) => s.id.compareTo(subnetId) === 'eq');
  if (!subnet) throw new PocketApiError(400, `SubnetNotFound(${subnetId.toText()})`);
  // Like PocketIC: either one response for every node, or one plus one per other node.
  if (additional.length > 0 && additional.length + 1 !== subnet.size) {
    throw new PocketApiError(400, `InvalidMockCanisterHttpResponses((${additional.length + 1}, ${subnet.size}))`);
  }
  const outcall = instance.replica.pendingHttpsOutcalls().find((o) => o.requestId === requestId && o.subnetId.compareTo(subnetId) === 'eq');
  if (!outcall) throw new PocketApiError(400, `InvalidCanisterHttpRequestId((${subnetId.toText()}, ${requestId}))`);
  instance.replica.respondToHttpsOutcall(requestId, answer);
  return { json: null };
}

export const httpsOutcallRoutes: Route[] = [
  { method: 'GET', pattern: '/instances/:id/read/get_canister_http', handler: (req) => ({ json: pending(instanceOf(req)) }) },
  { method: 'POST', pattern: '/instances/:id/update/mock_canister_http', handler: mock },
];
