// `mockic serve` makes canisters' HTTPS outcalls for real, as dfx's replica does: an outcall to a
// port nothing listens on comes back to the canister as the HTTP adapter's SYS_TRANSIENT reject
// (rather than waiting forever for an answer); with --https-outcalls off every outcall is refused
// with a message that names the flag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, serveProject } from './support.ts';

const CLIENT = `
import Error "mo:core/Error";
persistent actor {
  type HttpHeader = { name : Text; value : Text };
  type HttpResponse = { status : Nat; headers : [HttpHeader]; body : Blob };
  type HttpRequestArgs = {
    url : Text; max_response_bytes : ?Nat64; method : { #get; #head; #post }; headers : [HttpHeader]; body : ?Blob;
    transform : ?{ function : shared query ({ response : HttpResponse; context : Blob }) -> async HttpResponse; context : Blob };
    is_replicated : ?Bool;
  };
  transient let ic = actor "aaaaa-aa" : actor { http_request : HttpRequestArgs -> async HttpResponse };
  public func fetch(url : Text) : async Text {
    try {
      let r = await (with cycles = 1_000_000_000_000) ic.http_request({ url; max_response_bytes = null; method = #get; headers = []; body = null; transform = null; is_replicated = null });
      "status " # debug_show r.status
    } catch (e) { "rejected: " # Error.message(e) }
  };
};
`;

async function fetchThroughCanister(extra: string[]): Promise<string> {
  const served = await serveProject({ 'dfx.json': JSON.stringify({ canisters: { client: { type: 'motoko', main: 'client.mo' } } }), 'client.mo': CLIENT }, extra);
  try {
    const agent = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true, retryTimes: 0 });
    const client = Actor.createActor(({ IDL }) => IDL.Service({ fetch: IDL.Func([IDL.Text], [IDL.Text], []) }), { agent, canisterId: served.ids()['client']! });
    return (await client['fetch']!('https://127.0.0.1:1/price')) as string;
  } finally {
    assert.is(await served.stop(), 0);
  }
}

test('by default the outcall is made: a refused connection is the adapter reject', async () => {
  const answer = await fetchThroughCanister([]);
  assert.match(answer, /^rejected: Connecting to 127\.0\.0\.1:1 failed/);
});

test('--https-outcalls off refuses every outcall, naming the flag', async () => {
  assert.is(await fetchThroughCanister(['--https-outcalls', 'off']), 'rejected: HTTPS outcalls are off (mockic serve --https-outcalls off)');
});

test.run();
