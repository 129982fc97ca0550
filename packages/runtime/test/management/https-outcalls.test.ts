// http_request of aaaaa-aa, called by a real (Motoko) canister: the outcall is listed as pending, the
// test answers it, and the canister gets the response run through its transform query; a handler
// answers automatically; oversize responses, adapter rejects and failing transforms reach the canister
// as rejects; the fee is charged (too few cycles: the replica's reject); users cannot call http_request.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { compileMotoko } from '@mockic/fixtures';
import { RejectCode, Replica, UserError, type ReplicaOptions } from '@mockic/runtime';
import { HttpRequestArgs } from '../../src/management/threshold-candid.ts';
import { requestSize } from '../../src/management/https-outcall-methods.ts';

const alice = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const T = 1_000_000_000_000n;

const CLIENT = `
import Error "mo:core/Error";
import Cycles "mo:core/Cycles";
import Text "mo:core/Text";
import Blob "mo:core/Blob";
import Array "mo:core/Array";

persistent actor Client {
  type HttpHeader = { name : Text; value : Text };
  type HttpResponse = { status : Nat; headers : [HttpHeader]; body : Blob };
  type TransformArgs = { response : HttpResponse; context : Blob };
  type Transform = { function : shared query TransformArgs -> async HttpResponse; context : Blob };
  type HttpRequestArgs = {
    url : Text;
    max_response_bytes : ?Nat64;
    method : { #get; #head; #post };
    headers : [HttpHeader];
    body : ?Blob;
    transform : ?Transform;
    is_replicated : ?Bool;
  };
  transient let ic = actor "aaaaa-aa" : actor { http_request : HttpRequestArgs -> async HttpResponse };

  // Drops the volatile headers, keeps the status and body, records the context as a header.
  public query func transform(args : TransformArgs) : async HttpResponse {
    let context = switch (Text.decodeUtf8(args.context)) { case (?t) t; case null "" };
    { status = args.response.status; headers = [{ name = "x-context"; value = context }]; body = args.response.body }
  };

  public query func reject_transform(_args : TransformArgs) : async HttpResponse {
    throw Error.reject("transform says no")
  };

  public func fetch(url : Text, maxBytes : ?Nat64, transform : ?Text, cycles : Nat) : async { #ok : HttpResponse; #err : (Text, Text) } {
    let t : ?Transform = switch transform {
      case null null;
      case (?"reject") ?{ function = reject_transform; context = Blob.fromArray([]) };
      case (?ctx) ?{ function = Client.transform; context = Text.encodeUtf8(ctx) };
    };
    let args : HttpRequestArgs = {
      url;
      max_response_bytes = maxBytes;
      method = #post;
      headers = [{ name = "accept"; value = "application/json" }];
      body = ?Text.encodeUtf8("{}");
      transform = t;
      is_replicated = null;
    };
    try {
      #ok(await (with cycles) ic.http_request(args))
    } catch (e) {
      #err(debug_show (Error.code(e)), Error.message(e))
    }
  };

  public query func balance() : async Nat { Cycles.balance() };
};
`;

const Header = IDL.Record({ name: IDL.Text, value: IDL.Text });
const Response = IDL.Record({ status: IDL.Nat, headers: IDL.Vec(Header), body: IDL.Vec(IDL.Nat8) });
const FetchResult = IDL.Variant({ ok: Response, err: IDL.Tuple(IDL.Text, IDL.Text) });
const FetchArgs = [IDL.Text, IDL.Opt(IDL.Nat64), IDL.Opt(IDL.Text), IDL.Nat];

async function setup(options: ReplicaOptions = {}): Promise<{ replica: Replica; client: Principal }> {
  const replica = await Replica.create(options);
  const client = await replica.installCanister({ wasm: compileMotoko(CLIENT).wasm, controllers: [alice], cycles: 1_000n * T });
  return { replica, client };
}

interface Fetch {
  url?: string;
  maxBytes?: bigint;
  transform?: string;
  cycles?: bigint;
}

/** Starts client.fetch as an ingress message and runs one round: the outcall is then pending. */
function startFetch(replica: Replica, client: Principal, f: Fetch = {}): string {
  const arg = IDL.encode(FetchArgs, [
    f.url ?? 'https://example.com/api',
    f.maxBytes === undefined ? [] : [f.maxBytes],
    f.transform === undefined ? [] : [f.transform],
    f.cycles ?? T,
  ]);
  const id = replica.submitIngress(client, 'fetch', new Uint8Array(arg));
  replica.tick();
  return id;
}

function finish(replica: Replica, id: string): { ok?: { status: bigint; headers: Array<{ name: string; value: string }>; body: Uint8Array }; err?: [string, string] } {
  const r = replica.awaitIngress(id);
  if (r.kind !== 'reply') throw new Error(`fetch failed: ${r.message}`);
  return IDL.decode([FetchResult], r.data)[0] as any;
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function balance(replica: Replica, client: Principal): Promise<bigint> {
  return IDL.decode([IDL.Nat], await replica.query(client, 'balance', new Uint8Array(IDL.encode([], []))))[0] as bigint;
}

test('http_request: pending → answered by the test → the canister gets the transformed response', async () => {
  const { replica, client } = await setup();
  const id = startFetch(replica, client, { transform: 'ctx-1', maxBytes: 10_000n });
  const pending = replica.pendingHttpsOutcalls();
  assert.is(pending.length, 1);
  const p = pending[0]!;
  assert.is(p.url, 'https://example.com/api');
  assert.is(p.httpMethod, 'POST');
  assert.equal(p.headers, [['accept', 'application/json']]);
  assert.is(text(p.body), '{}');
  assert.is(p.maxResponseBytes, 10_000);
  assert.is(p.canisterId.toText(), client.toText());
  assert.is(p.subnetId.toText(), replica.subnetId.toText());
  assert.equal(p.transform?.method, 'transform');
  assert.is(text(p.transform!.context), 'ctx-1');
  assert.is(replica.ingressStatus(id)?.result, undefined, 'the canister waits for the answer');

  replica.respondToHttpsOutcall(p.requestId, {
    status: 200,
    headers: [{ name: 'date', value: 'Thu, 01 Jan 2026 00:00:00 GMT' }],
    body: '{"price": 42}',
  });
  assert.is(replica.pendingHttpsOutcalls().length, 0);
  const r = finish(replica, id);
  assert.is(r.ok?.status, 200n);
  assert.equal(r.ok?.headers, [{ name: 'x-context', value: 'ctx-1' }], 'the transform replaced the headers');
  assert.is(text(r.ok!.body), '{"price": 42}');
});

test('without a transform the raw response arrives; PocketIC-style answers are accepted', async () => {
  const { replica, client } = await setup();
  const id = startFetch(replica, client);
  const [p] = replica.pendingHttpsOutcalls();
  assert.is(p?.maxResponseBytes, undefined);
  assert.is(p?.transform, undefined);
  replica.respondToHttpsOutcall(p!.requestId, { type: 'success', statusCode: 404, headers: [['content-type', 'text/plain']], body: new Uint8Array([110, 111]) });
  const r = finish(replica, id);
  assert.is(r.ok?.status, 404n);
  assert.equal(r.ok?.headers, [{ name: 'content-type', value: 'text/plain' }]);
  assert.is(text(r.ok!.body), 'no');
});

test('a handler answers outcalls as they arrive', async () => {
  const { replica, client } = await setup();
  const seen: string[] = [];
  replica.httpsOutcalls.setHandler((o) => {
    seen.push(o.request.url);
    return { status: 201, body: `hello ${o.request.url}` };
  });
  const r = finish(replica, startFetch(replica, client, { url: 'https://a.example/x', transform: 'auto' }));
  assert.is(r.ok?.status, 201n);
  assert.equal(r.ok?.headers, [{ name: 'x-context', value: 'auto' }]);
  assert.is(text(r.ok!.body), 'hello https://a.example/x');
  assert.equal(seen, ['https://a.example/x']);
  assert.is(replica.pendingHttpsOutcalls().length, 0);
  replica.httpsOutcalls.setHandler(undefined);
});

test('an oversize response is a SYS_FATAL reject reaching the canister', async () => {
  const { replica, client } = await setup();
  const id = startFetch(replica, client, { maxBytes: 100n });
  const [p] = replica.pendingHttpsOutcalls();
  replica.respondToHttpsOutcall(p!.requestId, { status: 200, body: 'x'.repeat(101) });
  const r = finish(replica, id);
  assert.equal(r.err, ['#system_fatal', 'Http body exceeds size limit of 100 bytes.']);
});

test('a transformed response over the limit is refused too', async () => {
  const { replica, client } = await setup();
  // The transform adds a header, so the Candid reply outgrows a limit the raw body fits.
  const id = startFetch(replica, client, { maxBytes: 60n, transform: 'c' });
  const [p] = replica.pendingHttpsOutcalls();
  replica.respondToHttpsOutcall(p!.requestId, { status: 200, body: 'y'.repeat(50) });
  const r = finish(replica, id);
  assert.equal(r.err, ['#system_fatal', 'Transformed http response exceeds limit: 60']);
});

test('rejects are forwarded with their code; a rejecting transform gives CANISTER_REJECT', async () => {
  const { replica, client } = await setup();
  const id = startFetch(replica, client);
  const [p] = replica.pendingHttpsOutcalls();
  replica.respondToHttpsOutcall(p!.requestId, { reject: { code: RejectCode.SYS_TRANSIENT, message: 'Connecting to example.com failed' } });
  assert.equal(finish(replica, id).err, ['#system_transient', 'Connecting to example.com failed']);

  const id2 = startFetch(replica, client, { transform: 'reject' });
  const [p2] = replica.pendingHttpsOutcalls();
  replica.respondToHttpsOutcall(p2!.requestId, { status: 200, body: 'ok' });
  assert.equal(finish(replica, id2).err, ['#canister_reject', 'transform says no']);
});

test('the adapter refuses non-https urls at once', async () => {
  const { replica, client } = await setup();
  const id = startFetch(replica, client, { url: 'http://plain.example' });
  assert.is(replica.pendingHttpsOutcalls().length, 0);
  assert.equal(finish(replica, id).err, ['#system_fatal', 'Url need to specify https scheme']);
});

test('the fee: too few cycles are refused with the replica words; the rest of the payment is refunded', async () => {
  const { replica, client } = await setup();
  // The request as the client sends it: url, one header, body "{}", no transform, no max_response_bytes.
  const url = 'https://example.com/api';
  const size = requestSize({
    url,
    method: 'post',
    headers: [{ name: 'accept', value: 'application/json' }],
    body: new TextEncoder().encode('{}'),
    maxResponseBytes: null,
    effectiveMaxResponseBytes: 2_000_000n,
    transform: null,
    isReplicated: true,
  });
  assert.is(size, BigInt(url.length + 'accept'.length + 'application/json'.length + 2));
  const fee = replica.fees.httpRequest(size, 2_000_000n);
  const before = await balance(replica, client);
  const r = finish(replica, startFetch(replica, client, { cycles: fee - 1n }));
  assert.equal(r.err, ['#canister_reject', `http_request request sent with ${fee - 1n} cycles, but ${fee} cycles are required.`]);
  assert.is(replica.pendingHttpsOutcalls().length, 0);
  const spentRefused = before - (await balance(replica, client));
  assert.ok(spentRefused < 1_000_000_000n, `all attached cycles refunded: spent ${spentRefused}`);

  const before2 = await balance(replica, client);
  const id = startFetch(replica, client, { cycles: fee + T });
  replica.respondToHttpsOutcall(replica.pendingHttpsOutcalls()[0]!.requestId, { status: 200 });
  assert.is(finish(replica, id).ok?.status, 200n);
  const spent = before2 - (await balance(replica, client));
  assert.ok(spent >= fee && spent < fee + 1_000_000_000n, `the fee is kept, the rest refunded: spent ${spent}, fee ${fee}`);
});

const RAW_PROXY = `
import IC "mo:core/InternetComputer";
import Principal "mo:core/Principal";
import Error "mo:core/Error";

persistent actor {
  public func call(method : Text, arg : Blob, cycles : Nat) : async { #ok : Blob; #err : (Text, Text) } {
    try { #ok(await (with cycles) IC.call(Principal.fromText("aaaaa-aa"), method, arg)) }
    catch (e) { #err(debug_show (Error.code(e)), Error.message(e)) }
  };
};
`;

test('a transform principal other than the caller is refused', async () => {
  const { replica, client } = await setup();
  const proxy = await replica.installCanister({ wasm: compileMotoko(RAW_PROXY).wasm, cycles: 100n * T });
  const request = IDL.encode(
    [HttpRequestArgs],
    [
      {
        url: 'https://example.com',
        max_response_bytes: [],
        method: { get: null },
        headers: [],
        body: [],
        transform: [{ function: [client, 'transform'], context: new Uint8Array() }],
        is_replicated: [],
        pricing_version: [],
      },
    ],
  );
  const bytes = await replica.update(proxy, 'call', new Uint8Array(IDL.encode([IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat], ['http_request', request, T])));
  const r = IDL.decode([IDL.Variant({ ok: IDL.Vec(IDL.Nat8), err: IDL.Tuple(IDL.Text, IDL.Text) })], bytes)[0] as any;
  assert.equal(r.err, ['#canister_reject', `transform principal id expected to be ${proxy.toText()}, got ${client.toText()}`]);
  assert.is(replica.pendingHttpsOutcalls().length, 0);
});

test('users (ingress) cannot call http_request', async () => {
  const replica = await Replica.create();
  const arg = IDL.encode(
    [HttpRequestArgs],
    [{ url: 'https://example.com', max_response_bytes: [], method: { get: null }, headers: [], body: [], transform: [], is_replicated: [], pricing_version: [] }],
  );
  try {
    await replica.update(Principal.managementCanister(), 'http_request', new Uint8Array(arg), { sender: alice });
    assert.unreachable('expected a rejection');
  } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).description, 'Only canisters can call ic00 method http_request');
  }
  assert.is(replica.pendingHttpsOutcalls().length, 0);
});

test.run();
