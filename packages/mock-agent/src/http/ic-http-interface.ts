// The replica's public HTTPS interface (IC interface spec, "HTTPS Interface") over an in-process
// Replica and a StateCertifier: status, call (v2 asynchronous 202; v3/v4 synchronous with a
// certificate of the request status), query (node-signed responses) and read_state (certificates
// of the state tree, with the replica's access rules). Every request is validated the way the
// replica's HTTP endpoint and ingress validator do — CBOR envelope, ingress expiry against the
// replica clock, sender authentication, delegation targets, effective canister id, and for calls
// the ingress filter (canister exists, has a module, runs, exports the method, accepts it in
// canister_inspect_message) — before anything touches the replica, so a rejected request changes
// no state. Status codes and plain-text bodies follow rs/http_endpoints/public. `dispatch` is
// synchronous and transport-free: the fetch function, the loopback server and MockAgent all use it.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ErrorCode, UserError, type CallResult, type Replica } from '@mockic/runtime';
import type { StateCertifier } from '../certification/certifier-api.ts';
import { CborError, decode as cborDecode, encodeSelfDescribed, type CborValue } from '../certification/cbor.ts';
import { authenticate, canisterIdSetContains, formatTime, IC_RESPONSE_DOMAIN, type CanisterIdSet, type SignedDelegation } from './authentication.ts';
import { bytesEqual, concatBytes, hashOfMap, requestIdOf, toHex, type HashableValue } from './request-id.ts';

/** The replica's MAX_INGRESS_TTL (5 minutes) plus PERMITTED_DRIFT_AT_VALIDATOR (30 seconds). */
export const MAX_INGRESS_TTL_NANOS = 300_000_000_000n;
export const PERMITTED_DRIFT_NANOS = 30_000_000_000n;
/** Largest ingress message (the application subnet's max_ingress_bytes_per_message, 2 MiB). */
export const MAX_INGRESS_BYTES = 2 * 1024 * 1024;
export const CONTENT_TYPE_CBOR = 'application/cbor';
export const CONTENT_TYPE_TEXT = 'text/plain; charset=utf-8';

export interface IcHttpInterfaceOptions {
  /** Rounds a v3/v4 call runs while waiting for its message to complete before it answers 202 (default 100). */
  maxRoundsPerSyncCall?: number;
  /** A read_state polling the request_status of an unfinished message runs one round first (default true). */
  roundsWhilePolling?: boolean;
  /** impl_version in /api/v2/status. */
  implVersion?: string;
  /** Accept unsigned requests from any sender (a test convenience; off by default, as on the IC). */
  allowImpersonation?: boolean;
}

/** A transport-free HTTP response. */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export type ApiVersion = 'v2' | 'v3' | 'v4';
type Version = ApiVersion;

interface Envelope {
  content: { [key: string]: CborValue };
  requestId: Uint8Array;
  sender: Uint8Array;
  ingressExpiry: bigint;
  senderPubkey?: Uint8Array;
  senderSig?: Uint8Array;
  senderDelegation?: SignedDelegation[];
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const MANAGEMENT = Principal.managementCanister();
const REQUEST_STATUS_LABELS = ['status', 'reply', 'reject_code', 'reject_message', 'error_code'];
const ROUTE = /^\/api\/(v2|v3|v4)\/(canister|subnet)\/([^/]+)\/(call|query|read_state)\/?$/;

export class IcHttpInterface {
  readonly replica: Replica;
  readonly certifier: StateCertifier;
  private readonly maxRoundsPerSyncCall: number;
  private readonly roundsWhilePolling: boolean;
  private readonly implVersion: string;
  private readonly allowImpersonation: boolean;

  constructor(replica: Replica, certifier: StateCertifier, options: IcHttpInterfaceOptions = {}) {
    this.replica = replica;
    this.certifier = certifier;
    this.maxRoundsPerSyncCall = options.maxRoundsPerSyncCall ?? 100;
    this.roundsWhilePolling = options.roundsWhilePolling ?? true;
    this.implVersion = options.implVersion ?? 'mockic-0.1.0';
    this.allowImpersonation = options.allowImpersonation ?? false;
  }

  /** Serves one WHATWG request. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'HEAD' ? new Uint8Array() : new Uint8Array(await request.arrayBuffer());
    return toResponse(this.dispatch(request.method, url.pathname, body, request.headers.get('content-type') ?? undefined));
  }

  /** Serves one request given its method, URL path, body and content type. */
  dispatch(method: string, pathname: string, body: Uint8Array, contentType: string | undefined = CONTENT_TYPE_CBOR): HttpResult {
    try {
      if (pathname === '/api/v2/status') {
        if (method !== 'GET') return text(405, 'Method Not Allowed');
        return this.status();
      }
      const m = ROUTE.exec(pathname);
      if (!m) return { status: 404, headers: {}, body: new Uint8Array() };
      const [, version, kind, idText, endpoint] = m as unknown as [string, Version, 'canister' | 'subnet', string, 'call' | 'query' | 'read_state'];
      const known =
        kind === 'canister'
          ? endpoint === 'call' || version !== 'v4'
          : endpoint === 'read_state' && version !== 'v4';
      if (!known) return { status: 404, headers: {}, body: new Uint8Array() };
      if (method !== 'POST') return text(405, 'Method Not Allowed');
      if ((contentType ?? '').split(';')[0]?.trim().toLowerCase() !== CONTENT_TYPE_CBOR) {
        return text(400, `Unexpected content-type, expected ${CONTENT_TYPE_CBOR}.`);
      }
      let id: Principal;
      try {
        id = Principal.fromText(decodeURIComponent(idText));
      } catch (e) {
        const param = kind === 'canister' ? 'effective_canister_id' : 'subnet_id';
        return text(400, `Invalid URL: Cannot parse \`${param}\` with value \`${idText}\`: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (kind === 'subnet') return this.readSubnetState(id, body);
      if (endpoint === 'call') return this.call(version, id, body);
      if (endpoint === 'query') return this.query(id, body);
      return this.readCanisterState(version, id, body);
    } catch (e) {
      if (e instanceof HttpError) return text(e.status, e.message);
      return text(500, `Unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // ------------------------------------------------------------------ endpoints

  /** GET /api/v2/status */
  status(): HttpResult {
    return cbor(200, {
      ic_api_version: '0.18.0',
      impl_version: this.implVersion,
      root_key: this.certifier.rootKeyDer,
      replica_health_status: 'healthy',
      certified_height: this.replica.round,
    });
  }

  /** POST /api/{v2,v3,v4}/canister/<ecid>/call */
  call(version: Version, ecid: Principal, body: Uint8Array): HttpResult {
    return guard(() => this.callUnguarded(version, ecid, body));
  }

  /** POST /api/{v2,v3}/canister/<ecid>/query */
  query(ecid: Principal, body: Uint8Array): HttpResult {
    return guard(() => this.queryUnguarded(ecid, body));
  }

  /** POST /api/{v2,v3}/canister/<ecid>/read_state */
  readCanisterState(version: Version, ecid: Principal, body: Uint8Array): HttpResult {
    return guard(() => this.readCanisterStateUnguarded(version, ecid, body));
  }

  /** POST /api/{v2,v3}/subnet/<subnet_id>/read_state */
  readSubnetState(subnetId: Principal, body: Uint8Array): HttpResult {
    return guard(() => this.readSubnetStateUnguarded(subnetId, body));
  }

  private callUnguarded(version: Version, ecid: Principal, body: Uint8Array): HttpResult {
    let env: Envelope;
    try {
      env = parseEnvelope(body, 'call');
    } catch (e) {
      return parseFailure(e, 'Could not parse body as call message');
    }
    const c = env.content;
    const canisterId = Principal.fromUint8Array(c['canister_id'] as Uint8Array);
    const methodName = c['method_name'] as string;
    const arg = c['arg'] as Uint8Array;
    const isManagement = canisterId.compareTo(MANAGEMENT) === 'eq';
    if (!isManagement && canisterId.compareTo(ecid) !== 'eq') {
      return text(400, `Specified CanisterId ${canisterId.toText()} does not match effective canister id in URL ${ecid.toText()}`);
    }
    const messageId = toHex(env.requestId);
    if (body.length > MAX_INGRESS_BYTES) {
      return text(413, `Request 0x${messageId} is too large. Message byte size ${body.length} is larger than the max allowed ${MAX_INGRESS_BYTES}.`);
    }
    const targets = this.validate(env, true);
    if (!canisterIdSetContains(targets, canisterId.toUint8Array())) {
      return text(400, `Canister ${canisterId.toText()} is not one of the delegation targets`);
    }
    const sender = Principal.fromUint8Array(env.sender);
    const refusal = isManagement ? this.managementFilter(ecid, methodName, arg) : this.ingressFilter(canisterId, methodName, arg, sender);
    if (refusal instanceof HttpError) return text(refusal.status, refusal.message);
    if (refusal) {
      const fields = { error_code: refusal.errorCode, reject_message: refusal.description, reject_code: refusal.rejectCode };
      return version === 'v2' ? cbor(200, fields) : cbor(200, { status: 'non_replicated_rejection', ...fields });
    }
    if (!this.replica.ingress.has(messageId)) {
      this.replica.submitIngress(canisterId, methodName, arg, { sender, messageId });
    }
    if (version === 'v2') return { status: 202, headers: {}, body: new Uint8Array() };
    for (let i = 0; i < this.maxRoundsPerSyncCall && !this.isTerminal(messageId); i++) this.replica.tick();
    if (!this.isTerminal(messageId)) {
      return text(202, 'Message did not complete execution and certification within the replica defined timeout.');
    }
    // The subnet the effective canister id routes to certifies the reply (with a delegation off the root subnet).
    const certificate = this.certifier.readState([[textEncoder.encode('time')], [textEncoder.encode('request_status'), env.requestId]], ecid);
    return cbor(200, { status: 'replied', certificate });
  }

  /** POST /api/{v2,v3}/canister/<ecid>/query */
  private queryUnguarded(ecid: Principal, body: Uint8Array): HttpResult {
    let env: Envelope;
    try {
      env = parseEnvelope(body, 'query');
    } catch (e) {
      return parseFailure(e, 'Malformed request');
    }
    const c = env.content;
    const canisterId = Principal.fromUint8Array(c['canister_id'] as Uint8Array);
    const methodName = c['method_name'] as string;
    const arg = c['arg'] as Uint8Array;
    if (canisterId.compareTo(MANAGEMENT) === 'eq') {
      const target = canisterIdInArg(arg, 'canister_id');
      if (target && target.compareTo(ecid) !== 'eq') {
        return text(400, `Specified CanisterId ${target.toText()} does not match effective canister id in URL ${ecid.toText()}`);
      }
    } else if (canisterId.compareTo(ecid) !== 'eq') {
      return text(400, `Specified CanisterId ${canisterId.toText()} does not match effective canister id in URL ${ecid.toText()}`);
    }
    const targets = this.validate(env, false);
    if (!canisterIdSetContains(targets, canisterId.toUint8Array())) {
      return text(400, `Canister ${canisterId.toText()} is not one of the delegation targets`);
    }
    const sender = Principal.fromUint8Array(env.sender);
    let dataCertificate: Uint8Array | undefined;
    if (this.replica.findCanister(canisterId)) {
      try {
        dataCertificate = this.certifier.dataCertificate(canisterId);
      } catch {
        dataCertificate = undefined;
      }
    }
    const { result } = this.replica.queryResult(canisterId, methodName, arg, { sender, dataCertificate });
    return cbor(200, this.signedQueryResponse(result, env.requestId, ecid));
  }

  /** POST /api/{v2,v3}/canister/<ecid>/read_state */
  private readCanisterStateUnguarded(version: Version, ecid: Principal, body: Uint8Array): HttpResult {
    let env: Envelope;
    try {
      env = parseEnvelope(body, 'read_state');
    } catch (e) {
      return parseFailure(e, 'Malformed request');
    }
    const targets = this.validate(env, false);
    const paths = env.content['paths'] as Uint8Array[][];
    const sender = Principal.fromUint8Array(env.sender);
    let requestStatusId: string | undefined;
    for (const path of paths) {
      const labels = path.map((l) => textDecoder.decode(l));
      const [first, , third] = labels;
      const n = path.length;
      if (first === 'time' && n === 1) continue;
      if (first === 'api_boundary_nodes' && (n <= 2 || (n === 3 && ['domain', 'ipv4_address', 'ipv6_address'].includes(third as string)))) continue;
      if (first === 'subnet') {
        if (n <= 2 || (n === 3 && (third === 'public_key' || third === 'node' || third === 'canister_ranges'))) {
          if (n === 3 && third === 'canister_ranges' && version === 'v3') throw new HttpError(404, 'Invalid path requested.');
          continue;
        }
        if ((n === 4 || (n === 5 && labels[4] === 'public_key')) && third === 'node') continue;
        throw new HttpError(404, 'Invalid path requested.');
      }
      if (first === 'canister' && n >= 3) {
        const cid = principalLabel(path[1] as Uint8Array);
        const okPath = (n === 3 && (third === 'controllers' || third === 'module_hash')) || (n === 4 && third === 'metadata');
        if (!okPath) throw new HttpError(404, 'Invalid path requested.');
        if (cid.compareTo(ecid) !== 'eq') {
          throw new HttpError(400, `Effective principal id in URL ${ecid.toText()} does not match requested principal id: ${cid.toText()}.`);
        }
        if (third === 'metadata') this.checkMetadataAccess(cid, path[3] as Uint8Array, sender);
        continue;
      }
      if (first === 'request_status' && (n === 2 || (n === 3 && REQUEST_STATUS_LABELS.includes(third as string)))) {
        const rid = path[1] as Uint8Array;
        if (rid.length !== 32) throw new HttpError(400, 'Invalid request id in paths. Maybe the request ID is not of 32 bytes in length?!');
        const hex = toHex(rid);
        if (requestStatusId !== undefined && requestStatusId !== hex) {
          throw new HttpError(400, `More than one non-unique request ID exists in request_status paths: ${requestStatusId} and ${hex}.`);
        }
        requestStatusId = hex;
        const record = this.replica.ingressStatus(hex);
        if (record && record.sender.compareTo(sender) !== 'eq') {
          throw new HttpError(403, 'The user tries to access Request ID not signed by the caller.');
        }
        if (record && !canisterIdSetContains(targets, record.canisterId.toUint8Array())) {
          throw new HttpError(403, 'The user tries to access request IDs for canisters not belonging to sender delegation targets.');
        }
        continue;
      }
      throw new HttpError(404, 'Invalid path requested.');
    }
    if (requestStatusId !== undefined && this.roundsWhilePolling && this.replica.ingress.has(requestStatusId) && !this.isTerminal(requestStatusId)) {
      this.replica.tick();
    }
    return cbor(200, { certificate: this.certifier.readState(paths, ecid) });
  }

  /** POST /api/{v2,v3}/subnet/<subnet_id>/read_state */
  private readSubnetStateUnguarded(subnetId: Principal, body: Uint8Array): HttpResult {
    let env: Envelope;
    try {
      env = parseEnvelope(body, 'read_state');
    } catch (e) {
      return parseFailure(e, 'Malformed request');
    }
    this.validate(env, false);
    const paths = env.content['paths'] as Uint8Array[][];
    for (const path of paths) {
      const labels = path.map((l) => textDecoder.decode(l));
      const [first, , third] = labels;
      const n = path.length;
      if (first === 'time' && n === 1) continue;
      if (first === 'api_boundary_nodes' && n <= 3) continue;
      if (first === 'canister_ranges' && n === 2) continue;
      if (first === 'subnet') {
        if (n <= 2 || (n === 3 && (third === 'public_key' || third === 'node' || third === 'canister_ranges'))) continue;
        if (n === 3 && third === 'metrics' && principalLabel(path[1] as Uint8Array).compareTo(subnetId) === 'eq') continue;
        if ((n === 4 || (n === 5 && labels[4] === 'public_key')) && third === 'node') continue;
      }
      throw new HttpError(404, 'Invalid path requested.');
    }
    return cbor(200, { certificate: this.certifier.readState(paths, subnetId) });
  }

  // ------------------------------------------------------------------ validation

  /** Ingress expiry and authentication; throws HttpError 400 with the replica's text. */
  private validate(env: Envelope, isCall: boolean): CanisterIdSet {
    const now = this.replica.time;
    const anonymous = Principal.fromUint8Array(env.sender).isAnonymous();
    // The spec lets the IC accept any expiry on anonymous query and read_state requests.
    if (isCall || !anonymous) {
      const max = now + MAX_INGRESS_TTL_NANOS + PERMITTED_DRIFT_NANOS;
      if (env.ingressExpiry < now || env.ingressExpiry > max) {
        throw new HttpError(
          400,
          `Invalid request expiry: Specified ingress_expiry not within expected range: ` +
            `Minimum allowed expiry: ${formatTime(now)}, Maximum allowed expiry: ${formatTime(max)}, ` +
            `Provided expiry: ${formatTime(env.ingressExpiry)}, Local replica time: ${formatTime(now)}`,
        );
      }
    }
    if (this.allowImpersonation && env.senderSig === undefined && env.senderPubkey === undefined && env.senderDelegation === undefined) {
      return { kind: 'all' };
    }
    const r = authenticate(
      { sender: env.sender, requestId: env.requestId, senderPubkey: env.senderPubkey, senderSig: env.senderSig, senderDelegation: env.senderDelegation },
      now,
      { rootKeyDer: this.certifier.rootKeyDer },
    );
    if (!r.ok) throw new HttpError(400, r.message);
    return r.targets;
  }

  /** The replica's ingress filter for calls to a canister: what it refuses before induction. */
  private ingressFilter(canisterId: Principal, method: string, arg: Uint8Array, sender: Principal): UserError | undefined {
    const canister = this.replica.findCanister(canisterId);
    const id = canisterId.toText();
    if (!canister) return new UserError(ErrorCode.CanisterNotFound, `Canister ${id} not found`);
    if (!canister.installedModule) {
      return new UserError(
        ErrorCode.CanisterWasmModuleNotFound,
        `Error from Canister ${id}: Attempted to execute a message, but the canister contains no Wasm module.`,
      );
    }
    if (canister.status !== 'running') {
      const stopped = canister.status === 'stopped';
      return new UserError(stopped ? ErrorCode.CanisterStopped : ErrorCode.CanisterStopping, `Canister ${id} is ${stopped ? 'stopped' : 'stopping'}`);
    }
    const kind = canister.methodKind(method);
    if (kind === undefined) return canister.methodNotFound('update', method);
    if (kind === 'composite_query') {
      return new UserError(ErrorCode.CompositeQueryCalledInReplicatedMode, `Error from Canister ${id}: Composite query cannot be called in replicated mode`);
    }
    const inspected = canister.inspect(method, arg, sender);
    if (inspected.error) return inspected.error;
    if (!inspected.accepted) return new UserError(ErrorCode.CanisterRejectedMessage, `Error from Canister ${id}: Canister rejected the message`);
    return undefined;
  }

  /** Calls to aaaaa-aa: the effective canister id comes from the argument (spec, "Effective canister id"). */
  private managementFilter(ecid: Principal, method: string, arg: Uint8Array): UserError | HttpError | undefined {
    if (method === 'provisional_create_canister_with_cycles') return undefined;
    const target = canisterIdInArg(arg, method === 'install_chunked_code' ? 'target_canister' : 'canister_id');
    if (!target) {
      return new UserError(ErrorCode.InvalidManagementPayload, `Failed to decode payload for ic00 method: ${method}`);
    }
    if (target.compareTo(ecid) !== 'eq') {
      return new HttpError(400, `Specified CanisterId ${target.toText()} does not match effective canister id in URL ${ecid.toText()}`);
    }
    if (!this.replica.findCanister(target)) return new UserError(ErrorCode.CanisterNotFound, `Canister ${target.toText()} not found`);
    return undefined;
  }

  private checkMetadataAccess(canisterId: Principal, nameBytes: Uint8Array, sender: Principal): void {
    let name: string;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(nameBytes);
    } catch (e) {
      throw new HttpError(400, `Could not parse the custom section name: ${e instanceof Error ? e.message : String(e)}.`);
    }
    const canister = this.replica.findCanister(canisterId);
    const module = canister?.installedModule;
    if (!canister || !module || !module.privateMetadata.has(name)) return;
    if (!canister.settings.controllers.some((c) => c.compareTo(sender) === 'eq')) {
      throw new HttpError(403, `Custom section ${name.slice(0, 100)} can only be requested by the controllers of the canister.`);
    }
  }

  private isTerminal(messageId: string): boolean {
    const s = this.replica.ingressStatus(messageId)?.state.status;
    return s === 'replied' || s === 'rejected' || s === 'done';
  }

  /** A query response signed by a node of the canister's subnet over `\x0Bic-response` ‖ hash_of_map(response). */
  private signedQueryResponse(result: CallResult, requestId: Uint8Array, ecid: Principal): { [key: string]: CborValue } {
    const timestamp = this.replica.time;
    let fields: { [key: string]: HashableValue };
    if (result.kind === 'reply') {
      fields = { status: 'replied', reply: { arg: result.data } };
    } else {
      fields = {
        status: 'rejected',
        reject_code: result.code,
        reject_message: result.message,
        error_code: result.error?.errorCode ?? (result.code === 4 ? 'IC0406' : 'IC0503'),
      };
    }
    const node = this.certifier.nodesFor(ecid)[0];
    if (!node) throw new HttpError(503, 'Certified state unavailable. Please try again.');
    const hash = hashOfMap({ ...fields, timestamp, request_id: requestId });
    const signature = node.sign(concatBytes(IC_RESPONSE_DOMAIN, hash));
    return { ...(fields as { [key: string]: CborValue }), signatures: [{ timestamp, signature, identity: node.nodeId.toUint8Array() }] };
  }
}

// ------------------------------------------------------------------ envelope parsing

class MalformedRequest extends Error {}
class UndecodableCbor extends Error {}

function guard(f: () => HttpResult): HttpResult {
  try {
    return f();
  } catch (e) {
    if (e instanceof HttpError) return text(e.status, e.message);
    return text(500, `Unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseFailure(e: unknown, prefix: string): HttpResult {
  if (e instanceof UndecodableCbor) return text(400, `Failed to deserialize cbor request: ${e.message}`);
  if (e instanceof MalformedRequest) return text(400, `${prefix}: ${e.message}`);
  if (e instanceof HttpError) return text(e.status, e.message);
  throw e;
}

function isRecord(v: CborValue | undefined): v is { [key: string]: CborValue } {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v) && !(v instanceof Map) && Object.getPrototypeOf(v) === Object.prototype;
}

function bytesField(o: { [key: string]: CborValue }, name: string, optional = false): Uint8Array | undefined {
  const v = o[name];
  if (v === undefined && optional) return undefined;
  if (v === undefined) throw new UndecodableCbor(`missing field \`${name}\``);
  if (!(v instanceof Uint8Array)) throw new UndecodableCbor(`invalid type for field \`${name}\`, expected a byte string`);
  return v;
}

function natField(o: { [key: string]: CborValue }, name: string): bigint {
  const v = o[name];
  if (v === undefined) throw new UndecodableCbor(`missing field \`${name}\``);
  if (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n) throw new UndecodableCbor(`invalid type for field \`${name}\`, expected u64`);
  return v;
}

function textField(o: { [key: string]: CborValue }, name: string): string {
  const v = o[name];
  if (v === undefined) throw new UndecodableCbor(`missing field \`${name}\``);
  if (typeof v !== 'string') throw new UndecodableCbor(`invalid type for field \`${name}\`, expected a string`);
  return v;
}

/** Whether a decoded CBOR value is representable in the request-id hash (blobs, text, nats, arrays, maps). */
function hashable(v: CborValue): v is HashableValue {
  if (v instanceof Uint8Array || typeof v === 'string' || typeof v === 'bigint') return true;
  if (Array.isArray(v)) return v.every(hashable);
  if (isRecord(v)) return Object.values(v).every(hashable);
  return false;
}

function parseEnvelope(body: Uint8Array, requestType: 'call' | 'query' | 'read_state'): Envelope {
  let decoded: CborValue;
  try {
    decoded = cborDecode(body, { bigints: true });
  } catch (e) {
    throw new UndecodableCbor(e instanceof CborError ? e.message : String(e));
  }
  if (!isRecord(decoded)) throw new UndecodableCbor('invalid type: expected an envelope map');
  const content = decoded['content'];
  if (content === undefined) throw new UndecodableCbor('missing field `content`');
  if (!isRecord(content)) throw new UndecodableCbor('invalid type for field `content`, expected a map');
  const type = content['request_type'];
  if (typeof type !== 'string') throw new UndecodableCbor('missing field `request_type`');
  if (type !== requestType) throw new UndecodableCbor(`unknown variant \`${type}\`, expected \`${requestType}\``);
  const sender = bytesField(content, 'sender') as Uint8Array;
  if (sender.length > 29) throw new MalformedRequest(`invalid sender: principal of ${sender.length} bytes (at most 29)`);
  const ingressExpiry = natField(content, 'ingress_expiry');
  const nonce = bytesField(content, 'nonce', true);
  if (nonce && nonce.length > 32) throw new MalformedRequest(`Nonce in request is too long: ${nonce.length} bytes, at most 32 allowed`);
  if (requestType === 'read_state') {
    const paths = content['paths'];
    if (!Array.isArray(paths)) throw new UndecodableCbor('missing field `paths`');
    if (paths.length > 1000) throw new MalformedRequest(`too many paths: ${paths.length} (at most 1000)`);
    for (const p of paths) {
      if (!Array.isArray(p) || !p.every((l) => l instanceof Uint8Array)) throw new UndecodableCbor('invalid type for field `paths`, expected a sequence of byte strings');
      if (p.length > 127) throw new MalformedRequest(`path too long: ${p.length} labels (at most 127)`);
    }
  } else {
    const cid = bytesField(content, 'canister_id') as Uint8Array;
    if (cid.length > 29) throw new MalformedRequest(`invalid canister_id: principal of ${cid.length} bytes (at most 29)`);
    textField(content, 'method_name');
    bytesField(content, 'arg');
  }
  if (!hashable(content)) throw new UndecodableCbor('invalid value in `content`');
  const senderPubkey = bytesField(decoded, 'sender_pubkey', true);
  const senderSig = bytesField(decoded, 'sender_sig', true);
  const delegationsRaw = decoded['sender_delegation'];
  let senderDelegation: SignedDelegation[] | undefined;
  if (delegationsRaw !== undefined && delegationsRaw !== null) {
    if (!Array.isArray(delegationsRaw)) throw new UndecodableCbor('invalid type for field `sender_delegation`, expected a sequence');
    senderDelegation = delegationsRaw.map((sd) => {
      if (!isRecord(sd)) throw new UndecodableCbor('invalid type for a signed delegation, expected a map');
      const d = sd['delegation'];
      if (!isRecord(d)) throw new UndecodableCbor('missing field `delegation`');
      const targets = d['targets'];
      if (targets !== undefined && (!Array.isArray(targets) || !targets.every((t) => t instanceof Uint8Array))) {
        throw new UndecodableCbor('invalid type for field `targets`, expected a sequence of byte strings');
      }
      return {
        delegation: { pubkey: bytesField(d, 'pubkey') as Uint8Array, expiration: natField(d, 'expiration'), targets: targets as Uint8Array[] | undefined },
        signature: bytesField(sd, 'signature') as Uint8Array,
      };
    });
  }
  return {
    content,
    requestId: requestIdOf(content as { [key: string]: HashableValue }),
    sender,
    ingressExpiry,
    senderPubkey,
    senderSig,
    senderDelegation,
  };
}

function principalLabel(b: Uint8Array): Principal {
  if (b.length > 29) throw new HttpError(400, `Could not parse principal ID: ${toHex(b)}: invalid length`);
  return Principal.fromUint8Array(b);
}

/** The principal in field `field` of a Candid record argument (management canister calls), if any. */
export function canisterIdInArg(arg: Uint8Array, field: 'canister_id' | 'target_canister'): Principal | undefined {
  try {
    const [value] = IDL.decode([IDL.Record({ [field]: IDL.Principal })], arg) as unknown as [Record<string, Principal>];
    return value?.[field];
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ responses

function text(status: number, message: string): HttpResult {
  return { status, headers: { 'content-type': CONTENT_TYPE_TEXT }, body: textEncoder.encode(message) };
}

function cbor(status: number, value: CborValue): HttpResult {
  return { status, headers: { 'content-type': CONTENT_TYPE_CBOR }, body: encodeSelfDescribed(value) };
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}

/** An HttpResult as a WHATWG Response. */
export function toResponse(r: HttpResult): Response {
  return new Response(r.body.length > 0 ? (r.body as Uint8Array<ArrayBuffer>) : null, { status: r.status, statusText: statusText(r.status), headers: r.headers });
}

export { bytesEqual };
