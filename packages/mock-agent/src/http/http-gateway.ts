// The HTTP gateway of `dfx start` and PocketIC, in-process: a browser's GET of
// http://127.0.0.1:4943/?canisterId=<id> (or http://<id>.localhost:4943/, or a page's follow-up
// requests whose Referer names the canister) becomes the canister's `http_request` query, as the
// HTTP gateway protocol says: an `upgrade = opt true` answer is retried as the `http_request_update`
// update call, and a `streaming_strategy` callback is called until its token runs out, the chunks
// joined into one body. Request and response are encoded with the types the canister declares in
// its candid:service metadata, public or private (so its own streaming token type round-trips),
// with the protocol's standard types when it has none. Responses are passed on without checking their certification.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { concatBytes, parseCandid, UserError, type Replica } from '@mockic/runtime';
import type { HttpResult } from './ic-http-interface.ts';

/** At most this many streaming callback rounds for one response (a canister that never ends). */
const MAX_STREAMING_CALLBACKS = 10_000;

const Header = IDL.Tuple(IDL.Text, IDL.Text);
const StreamingToken = IDL.Record({ key: IDL.Text, content_encoding: IDL.Text, index: IDL.Nat, sha256: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const StreamingCallbackResponse = IDL.Record({ body: IDL.Vec(IDL.Nat8), token: IDL.Opt(StreamingToken) });
const StandardTypes = {
  request: IDL.Record({
    method: IDL.Text,
    url: IDL.Text,
    headers: IDL.Vec(Header),
    body: IDL.Vec(IDL.Nat8),
    certificate_version: IDL.Opt(IDL.Nat16),
  }),
  updateRequest: IDL.Record({ method: IDL.Text, url: IDL.Text, headers: IDL.Vec(Header), body: IDL.Vec(IDL.Nat8) }),
  response: IDL.Record({
    status_code: IDL.Nat16,
    headers: IDL.Vec(Header),
    body: IDL.Vec(IDL.Nat8),
    upgrade: IDL.Opt(IDL.Bool),
    streaming_strategy: IDL.Opt(
      IDL.Variant({
        Callback: IDL.Record({ callback: IDL.Func([StreamingToken], [StreamingCallbackResponse], ['query']), token: StreamingToken }),
      }),
    ),
  }),
};

interface HttpResponseValue {
  status_code: number;
  headers: Array<[string, string]>;
  body: Uint8Array | number[];
  upgrade?: [] | [boolean];
  streaming_strategy?: [] | [{ Callback: { callback: [Principal, string]; token: unknown } }];
}

export interface GatewayRequest {
  method: string;
  /** The request target: path and query, e.g. `/index.html?canisterId=…`. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** Serves browser requests from canisters' `http_request`. */
type GatewayTypes = {
  request: IDL.Type;
  updateRequest: IDL.Type;
  response: IDL.Type;
  updateResponse: IDL.Type;
  callbackTypes: { arg: IDL.Type[]; ret: IDL.Type[] };
};

export class HttpGateway {
  private readonly replica: Replica;
  /** The http_request types of each installed module, parsed from its candid:service once. */
  private readonly typesByModule = new WeakMap<object, GatewayTypes>();

  constructor(replica: Replica) {
    this.replica = replica;
  }

  /** The canister a request is for: `canisterId` query parameter, `<id>.localhost` host, or the Referer's. */
  canisterOf(req: GatewayRequest): Principal | undefined {
    const fromQuery = (url: string) => {
      try {
        const id = new URL(url, 'http://127.0.0.1').searchParams.get('canisterId');
        return id ? Principal.fromText(id) : undefined;
      } catch {
        return undefined;
      }
    };
    const direct = fromQuery(req.url);
    if (direct) return direct;
    const host = header(req, 'host')?.split(':')[0] ?? '';
    const m = /^([a-z0-9-]+)\.(?:raw\.)?localhost$/i.exec(host);
    if (m) {
      try {
        return Principal.fromText(m[1] as string);
      } catch {
        // not a principal: fall through to the Referer
      }
    }
    const referer = header(req, 'referer');
    return referer ? fromQuery(referer) : undefined;
  }

  /** Whether a request is for the gateway (anything but the IC HTTP interface's /api/ paths). */
  static handles(pathname: string): boolean {
    return !pathname.startsWith('/api/');
  }

  async serve(req: GatewayRequest): Promise<HttpResult> {
    const canisterId = this.canisterOf(req);
    if (!canisterId) {
      return plain(400, 'Could not find a canister id to forward to: add ?canisterId=<id> to the URL, or use http://<id>.localhost:<port>/.');
    }
    const canister = this.replica.findCanister(canisterId);
    if (!canister) return plain(404, `Canister ${canisterId.toText()} not found`);
    let types: GatewayTypes;
    try {
      types = this.typesOf(canisterId);
    } catch (e) {
      return plain(502, `The canister ${canisterId.toText()} declares http_request types the gateway cannot use: ${e instanceof Error ? e.message : String(e)}`);
    }
    const headers = Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k.toLowerCase(), x] as [string, string])));
    const request = { method: req.method.toUpperCase(), url: req.url, headers, body: req.body, certificate_version: [2] };
    try {
      let response = IDL.decode([types.response], await this.replica.query(canisterId, 'http_request', new Uint8Array(IDL.encode([types.request], [request]))))[0] as unknown as HttpResponseValue;
      if (response.upgrade?.[0] === true) {
        const bytes = await this.replica.update(canisterId, 'http_request_update', new Uint8Array(IDL.encode([types.updateRequest], [request])));
        response = IDL.decode([types.updateResponse], bytes)[0] as unknown as HttpResponseValue;
      }
      const chunks = [toBytes(response.body)];
      const strategy = response.streaming_strategy?.[0]?.Callback;
      if (strategy) chunks.push(...(await this.stream(strategy.callback, strategy.token, types.callbackTypes)));
      const body = chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(...chunks);
      const out: Record<string, string> = {};
      for (const [k, v] of response.headers) {
        const name = k.toLowerCase();
        if (name === 'content-length' || name === 'transfer-encoding') continue;
        out[name] = out[name] === undefined ? v : `${out[name]}, ${v}`;
      }
      return { status: response.status_code, headers: out, body };
    } catch (e) {
      if (e instanceof UserError) return plain(502, `The canister ${canisterId.toText()} could not answer the HTTP request: ${e.message}`);
      return plain(502, `The canister ${canisterId.toText()} gave a malformed HTTP response: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async stream(callback: [Principal, string], first: unknown, types: { arg: IDL.Type[]; ret: IDL.Type[] }): Promise<Uint8Array[]> {
    const chunks: Uint8Array[] = [];
    let token: unknown = first;
    for (let i = 0; i < MAX_STREAMING_CALLBACKS; i++) {
      const [target, method] = callback;
      const bytes = await this.replica.query(target, method, new Uint8Array(IDL.encode(types.arg, [token])));
      type Chunk = { body: Uint8Array | number[]; token: [] | [unknown] };
      // the asset canister's callback answers `opt StreamingCallbackHttpResponse`; others the record
      const decoded = IDL.decode(types.ret, bytes)[0] as unknown as Chunk | [] | [Chunk];
      const next = Array.isArray(decoded) ? decoded[0] : decoded;
      if (!next) return chunks;
      chunks.push(toBytes(next.body));
      if (next.token.length === 0) return chunks;
      token = next.token[0];
    }
    throw new Error(`the streaming callback did not end after ${MAX_STREAMING_CALLBACKS} chunks`);
  }

  /** The canister's own http_request types from candid:service, else the protocol's standard ones. */
  private typesOf(canisterId: Principal): GatewayTypes {
    const module = this.replica.findCanister(canisterId)?.installedModule;
    if (!module) return this.parseTypes(undefined);
    let types = this.typesByModule.get(module);
    if (!types) {
      types = this.parseTypes(module);
      this.typesByModule.set(module, types);
    }
    return types;
  }

  private parseTypes(module: { publicMetadata: ReadonlyMap<string, Uint8Array>; privateMetadata: ReadonlyMap<string, Uint8Array> } | undefined): GatewayTypes {
    const standard = {
      request: StandardTypes.request,
      updateRequest: StandardTypes.updateRequest,
      response: StandardTypes.response,
      updateResponse: StandardTypes.response,
      callbackTypes: { arg: [StreamingToken], ret: [StreamingCallbackResponse] },
    };
    // moc and dfx keep candid:service private by default; the gateway only types messages with it
    const source = module?.publicMetadata.get('candid:service') ?? module?.privateMetadata.get('candid:service');
    if (!source) return standard;
    let methods: Map<string, IDL.FuncClass>;
    try {
      methods = new Map(parseCandid(new TextDecoder().decode(source)).service._fields as Array<[string, IDL.FuncClass]>);
    } catch {
      return standard;
    }
    const query = methods.get('http_request');
    const update = methods.get('http_request_update');
    const response = query?.retTypes[0] ?? standard.response;
    return {
      request: query?.argTypes[0] ?? standard.request,
      updateRequest: update?.argTypes[0] ?? standard.updateRequest,
      response,
      updateResponse: update?.retTypes[0] ?? response,
      callbackTypes: callbackTypesOf(response) ?? standard.callbackTypes,
    };
  }
}

/** The argument and result types of the streaming callback declared in an HttpResponse type. */
function callbackTypesOf(response: IDL.Type): { arg: IDL.Type[]; ret: IDL.Type[] } | undefined {
  const field = (t: IDL.Type, name: string): IDL.Type | undefined => {
    const rec = unwrapRec(t);
    if (!(rec instanceof IDL.RecordClass)) return undefined;
    return rec._fields.find(([n]) => n === name)?.[1];
  };
  // (IDL classes' instanceof checks throw on undefined: test presence first)
  const strategy = field(response, 'streaming_strategy');
  if (!strategy) return undefined;
  const inner = unwrapRec(strategy);
  if (!(inner instanceof IDL.OptClass)) return undefined;
  const variant = unwrapRec(inner._type);
  if (!(variant instanceof IDL.VariantClass)) return undefined;
  const cb = variant._fields.find(([n]) => n === 'Callback')?.[1];
  const fn = cb ? field(cb, 'callback') : undefined;
  if (!fn) return undefined;
  const func = unwrapRec(fn);
  if (!(func instanceof IDL.FuncClass)) return undefined;
  return { arg: func.argTypes, ret: func.retTypes };
}

function unwrapRec(t: IDL.Type): IDL.Type {
  return t instanceof IDL.RecClass ? ((t.getType() as IDL.Type | undefined) ?? t) : t;
}

function header(req: GatewayRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function plain(status: number, text: string): HttpResult {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: new TextEncoder().encode(text) };
}

function toBytes(b: Uint8Array | number[]): Uint8Array {
  return b instanceof Uint8Array ? b : Uint8Array.from(b);
}
