// MockAgent: @dfinity/agent's `Agent` interface served straight from the in-process HTTP interface,
// with no fetch, URL or Response in between. Requests are built and signed exactly as HttpAgent
// builds them (content map, nonce on updates, identity.transformRequest, CBOR envelope) and go
// through the same IcHttpInterface validation, so Actors, CanisterStatus and polling see the same
// replies, certificates and errors as over HTTP (HTTP errors become the agent's ProtocolError /
// InputError like HttpAgent throws them). Its clock is the replica's: ingress_expiry and the
// certificate freshness check use replica time (getTimeDiffMsecs), so a replica at any fake time
// works without syncTime.
import {
  AnonymousIdentity,
  Cbor,
  Expiry,
  HttpErrorCode,
  IngressExpiryInvalidErrorCode,
  InputError,
  ProtocolError,
  makeNonce,
  requestIdOf,
  type Agent,
  type AgentError,
  type ApiQueryResponse,
  type CallOptions,
  type HttpAgentRequest,
  type HttpHeaderField,
  type Identity,
  type QueryFields,
  type ReadStateOptions,
  type ReadStateResponse,
  type SubmitResponse,
} from '@dfinity/agent';
import type { JsonObject } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { Replica } from '@mockic/runtime';
import type { StateCertifier } from './certification/certifier-api.ts';
import { ImpersonatedIdentity } from './impersonated-identity.ts';
import { Certifier, type CertifierOptions } from './certification/certifier.ts';
import { IcHttpInterface, statusText, type HttpResult, type IcHttpInterfaceOptions } from './http/ic-http-interface.ts';

export interface MockAgentOptions extends IcHttpInterfaceOptions {
  replica: Replica;
  /** The certifier (default: a new Certifier of the replica; share one with createReplicaFetch). */
  certifier?: StateCertifier;
  certifierOptions?: CertifierOptions;
  /** The identity requests are signed with (default: anonymous). */
  identity?: Identity | Promise<Identity>;
  /** Use the v2 (asynchronous, polled) call endpoint instead of v3 (default false). */
  asyncCalls?: boolean;
  /** Minutes until ingress expiry (at most 5, default 5). */
  ingressExpiryInMinutes?: number;
  /** Send as this principal without a key (opt-in test convenience: the agent's interface accepts unsigned requests). */
  impersonate?: Principal;
}

export type MockCallOptions = CallOptions & { callSync?: boolean; nonce?: Uint8Array };

const CBOR_HEADERS = { 'Content-Type': 'application/cbor' };

export class MockAgent implements Agent {
  readonly replica: Replica;
  readonly certifier: StateCertifier;
  readonly httpInterface: IcHttpInterface;
  readonly rootKey: Uint8Array;
  private identity: Promise<Identity> | null;
  private readonly asyncCalls: boolean;
  private readonly expiryMs: number;

  constructor(options: MockAgentOptions) {
    this.replica = options.replica;
    this.certifier = options.certifier ?? Certifier.create(options.replica, options.certifierOptions);
    this.httpInterface = new IcHttpInterface(this.replica, this.certifier, {
      ...options,
      allowImpersonation: options.allowImpersonation ?? options.impersonate !== undefined,
    });
    this.rootKey = this.certifier.rootKeyDer;
    this.identity = Promise.resolve(
      options.impersonate ? new ImpersonatedIdentity(options.impersonate) : (options.identity ?? new AnonymousIdentity()),
    );
    this.asyncCalls = options.asyncCalls ?? false;
    const minutes = options.ingressExpiryInMinutes ?? 5;
    if (minutes <= 0 || minutes > 5) throw new RangeError('ingressExpiryInMinutes must be in (0, 5]');
    this.expiryMs = minutes * 60_000;
  }

  /** An agent over `replica` (and a new certifier unless one is given). */
  static async create(options: MockAgentOptions): Promise<MockAgent> {
    return new MockAgent(options);
  }

  async getPrincipal(): Promise<Principal> {
    return (await this.currentIdentity()).getPrincipal();
  }

  invalidateIdentity(): void {
    this.identity = null;
  }

  replaceIdentity(identity: Identity): void {
    this.identity = Promise.resolve(identity);
  }

  /** Sends as `principal` from now on, unsigned (needs `impersonate` or `allowImpersonation` at creation). */
  setPrincipal(principal: Principal): void {
    this.identity = Promise.resolve(new ImpersonatedIdentity(principal));
  }

  async fetchRootKey(): Promise<Uint8Array> {
    return this.rootKey;
  }

  async status(): Promise<JsonObject> {
    return Cbor.decode(this.httpInterface.status().body) as JsonObject;
  }

  // ------------------------------------------------------------------ clock (as HttpAgent exposes it)

  /** Replica time minus wall-clock time: certificates are checked against replica time. */
  getTimeDiffMsecs(): number {
    return Number(this.replica.time / 1_000_000n) - Date.now();
  }

  hasSyncedTime(): boolean {
    return true;
  }

  async syncTime(): Promise<void> {}

  private expiry(): Expiry {
    return Expiry.fromDeltaInMilliseconds(this.expiryMs, this.getTimeDiffMsecs());
  }

  // ------------------------------------------------------------------ requests

  async call(canisterId: Principal | string, fields: MockCallOptions, identity?: Identity | Promise<Identity>): Promise<SubmitResponse> {
    const id = await (identity ?? this.currentIdentity());
    const canister = Principal.from(canisterId);
    const ecid = fields.effectiveCanisterId ? Principal.from(fields.effectiveCanisterId) : canister;
    const content = {
      request_type: 'call',
      canister_id: canister,
      method_name: fields.methodName,
      arg: fields.arg,
      sender: id.getPrincipal(),
      ingress_expiry: this.expiry(),
      nonce: fields.nonce ?? makeNonce(),
    };
    const requestId = requestIdOf(content);
    const signed = (await id.transformRequest(this.request('call', content))) as HttpAgentRequest;
    const sync = fields.callSync ?? !this.asyncCalls;
    const r = this.httpInterface.call(sync ? 'v3' : 'v2', ecid, Cbor.encode(signed.body));
    if (r.status !== 200 && r.status !== 202) throw toAgentError(r);
    return {
      requestId,
      response: {
        ok: true,
        status: r.status,
        statusText: statusText(r.status),
        body: r.status === 200 && r.body.length > 0 ? (Cbor.decode(r.body) as SubmitResponse['response']['body']) : null,
        headers: headersOf(r),
      },
      requestDetails: content as unknown as SubmitResponse['requestDetails'],
    };
  }

  async query(canisterId: Principal | string, fields: QueryFields, identity?: Identity | Promise<Identity>): Promise<ApiQueryResponse> {
    const id = await (identity ?? this.currentIdentity());
    const canister = Principal.from(canisterId);
    const ecid = fields.effectiveCanisterId ? Principal.from(fields.effectiveCanisterId) : canister;
    const content = {
      request_type: 'query',
      canister_id: canister,
      method_name: fields.methodName,
      arg: fields.arg,
      sender: id.getPrincipal(),
      ingress_expiry: this.expiry(),
    };
    const requestId = requestIdOf(content);
    const signed = (await id.transformRequest(this.request('query', content))) as HttpAgentRequest;
    const r = this.httpInterface.query(ecid, Cbor.encode(signed.body));
    if (r.status !== 200) throw toAgentError(r);
    const decoded = Cbor.decode(r.body) as object;
    return {
      ...decoded,
      httpDetails: { ok: true, status: r.status, statusText: statusText(r.status), headers: headersOf(r) },
      requestId,
      requestDetails: content,
    } as unknown as ApiQueryResponse;
  }

  async createReadStateRequest(options: ReadStateOptions, identity?: Identity): Promise<HttpAgentRequest> {
    const id = await (identity ?? this.currentIdentity());
    const content = { request_type: 'read_state', paths: options.paths, sender: id.getPrincipal(), ingress_expiry: this.expiry() };
    return (await id.transformRequest(this.request('read_state', content))) as HttpAgentRequest;
  }

  async readState(canisterId: Principal | string, options: ReadStateOptions, identity?: Identity, request?: unknown): Promise<ReadStateResponse> {
    const signed = (request as HttpAgentRequest | undefined) ?? (await this.createReadStateRequest(options, identity));
    const r = this.httpInterface.readCanisterState('v2', Principal.from(canisterId), Cbor.encode(signed.body));
    if (r.status !== 200) throw toAgentError(r);
    return Cbor.decode(r.body) as ReadStateResponse;
  }

  /** read_state at /api/v2/subnet/<subnetId>/read_state. */
  async readSubnetState(subnetId: Principal | string, options: ReadStateOptions, identity?: Identity): Promise<ReadStateResponse> {
    const signed = await this.createReadStateRequest(options, identity);
    const r = this.httpInterface.readSubnetState(Principal.from(subnetId), Cbor.encode(signed.body));
    if (r.status !== 200) throw toAgentError(r);
    return Cbor.decode(r.body) as ReadStateResponse;
  }

  private async currentIdentity(): Promise<Identity> {
    if (!this.identity) throw new Error('This identity has expired due this application logging out or being invalidated (invalidateIdentity).');
    return this.identity;
  }

  private request(endpoint: 'call' | 'query' | 'read_state', body: object): HttpAgentRequest {
    return { request: { method: 'POST', headers: CBOR_HEADERS }, endpoint, body } as unknown as HttpAgentRequest;
  }
}

function headersOf(r: HttpResult): HttpHeaderField[] {
  return Object.entries(r.headers);
}

/** The error HttpAgent throws for a non-2xx response. */
function toAgentError(r: HttpResult): AgentError {
  const text = new TextDecoder().decode(r.body);
  if (text.startsWith('Invalid request expiry: ')) return InputError.fromCode(new IngressExpiryInvalidErrorCode(text, 5));
  return ProtocolError.fromCode(new HttpErrorCode(r.status, statusText(r.status), headersOf(r), text));
}
