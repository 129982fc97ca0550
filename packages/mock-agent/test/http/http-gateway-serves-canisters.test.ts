// The HTTP gateway on the loopback server: a browser-style GET of /?canisterId=<id>, of
// http://<id>.localhost/, or with a Referer naming the canister, reaches the canister's
// http_request; `upgrade = opt true` goes on to http_request_update (whose state change commits);
// a streaming callback is followed to the end; request headers reach the canister. Requests that
// name no canister, an unknown one, or one without http_request get a clear error; /api/ paths stay
// the IC HTTP interface.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { compileMotoko } from '@mockic/fixtures';
import { startLoopbackServer } from '../../src/http/loopback-server.ts';
import { world } from './setup.ts';

const WEB_CANISTER = `
import Text "mo:core/Text";
persistent actor {
  type HeaderField = (Text, Text);
  type Token = { page : Nat };
  type StreamingCallbackHttpResponse = { body : Blob; token : ?Token };
  type StreamingStrategy = { #Callback : { callback : shared query Token -> async StreamingCallbackHttpResponse; token : Token } };
  type HttpRequest = { method : Text; url : Text; headers : [HeaderField]; body : Blob; certificate_version : ?Nat16 };
  type HttpUpdateRequest = { method : Text; url : Text; headers : [HeaderField]; body : Blob };
  type HttpResponse = { status_code : Nat16; headers : [HeaderField]; body : Blob; upgrade : ?Bool; streaming_strategy : ?StreamingStrategy };

  var hits : Nat = 0;

  func reply(status : Nat16, contentType : Text, body : Text) : HttpResponse {
    { status_code = status; headers = [("content-type", contentType)]; body = Text.encodeUtf8(body); upgrade = null; streaming_strategy = null }
  };

  public query func http_request(req : HttpRequest) : async HttpResponse {
    let path = switch (Text.split(req.url, #char '?').next()) { case (?p) p; case null "/" };
    if (path == "/") return reply(200, "text/html", "<h1>hello from a canister</h1>");
    if (path == "/hit") return { reply(200, "text/plain", "") with upgrade = ?true };
    if (path == "/stream") {
      return { reply(200, "text/plain", "part0;") with streaming_strategy = ?#Callback({ callback = http_streaming; token = { page = 1 } }) };
    };
    if (path == "/header") {
      for ((k, v) in req.headers.vals()) { if (k == "x-test") return reply(200, "text/plain", v) };
      return reply(400, "text/plain", "no x-test header");
    };
    reply(404, "text/plain", "not found: " # path)
  };

  public func http_request_update(req : HttpUpdateRequest) : async HttpResponse {
    hits += 1;
    reply(200, "text/plain", "hits: " # debug_show hits # " (" # req.method # ")")
  };

  public shared query func http_streaming(token : Token) : async StreamingCallbackHttpResponse {
    { body = Text.encodeUtf8("part" # debug_show token.page # ";"); token = if (token.page < 3) ?{ page = token.page + 1 } else null }
  };
};
`;

const w = await world();
const web = await w.replica.installCanister({ wasm: compileMotoko(WEB_CANISTER).wasm, controllers: [w.controller], sender: w.controller });
const server = await startLoopbackServer({ replica: w.replica, certifier: w.certifier });
const id = web.toText();

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/?canisterId=<id> answers with the canister http_request response', async () => {
  const r = await get(`/?canisterId=${id}`);
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'text/html');
  assert.is(r.text, '<h1>hello from a canister</h1>');
});

test('the canister is also found from an <id>.localhost host and from the Referer', async () => {
  const byHost = await get('/', { host: `${id}.localhost:${server.port}` });
  assert.is(byHost.text, '<h1>hello from a canister</h1>');
  const byReferer = await get('/missing.js', { referer: `${server.url}/?canisterId=${id}` });
  assert.is(byReferer.status, 404);
  assert.is(byReferer.text, 'not found: /missing.js');
});

test('upgrade = opt true goes on to http_request_update, and its state change commits', async () => {
  assert.is((await get(`/hit?canisterId=${id}`)).text, 'hits: 1 (GET)');
  assert.is((await get(`/hit?canisterId=${id}`)).text, 'hits: 2 (GET)');
});

test('a streaming callback is followed until its token runs out', async () => {
  const r = await get(`/stream?canisterId=${id}`);
  assert.is(r.status, 200);
  assert.is(r.text, 'part0;part1;part2;part3;');
});

test('request headers reach the canister', async () => {
  assert.is((await get(`/header?canisterId=${id}`, { 'x-test': 'forty-two' })).text, 'forty-two');
});

test('no canister id, an unknown canister and a canister without http_request get clear errors', async () => {
  const none = await get('/');
  assert.is(none.status, 400);
  assert.match(none.text, 'Could not find a canister id');
  const unknown = await get('/?canisterId=aaaaa-aa');
  assert.is(unknown.status, 404);
  assert.match(unknown.text, 'Canister aaaaa-aa not found');
  const counter = await get(`/?canisterId=${w.counter.toText()}`);
  assert.is(counter.status, 502);
  assert.match(counter.text, `The canister ${w.counter.toText()} could not answer the HTTP request`);
  assert.match(counter.text, 'http_request');
});

test('/api/ paths are still the IC HTTP interface', async () => {
  const r = await fetch(`${server.url}/api/v2/status`);
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/cbor');
});

test.after(async () => {
  await server.close();
});

test.run();
