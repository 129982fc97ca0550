// `mockic serve` makes canisters' HTTPS outcalls for real, as dfx's replica does: an outcall to a
// port nothing listens on comes back to the canister as the HTTP adapter's SYS_TRANSIENT reject
// (rather than waiting forever for an answer); with --https-outcalls off every outcall is refused
// with a message that names the flag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.ts';
import { Actor, HttpAgent, freePort } from './support.ts';

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
  const dir = mkdtempSync(join(tmpdir(), 'mockic-outcalls-'));
  const controller = new AbortController();
  const lines: string[] = [];
  try {
    writeFileSync(join(dir, 'dfx.json'), JSON.stringify({ canisters: { client: { type: 'motoko', main: 'client.mo' } } }));
    writeFileSync(join(dir, 'client.mo'), CLIENT);
    const port = await freePort();
    const running = main(['serve', '--project', dir, '--port', String(port), '--in-memory', ...extra], { log: (s) => lines.push(s), error: (s) => lines.push(s) }, controller.signal);
    for (let i = 0; i < 1500 && !lines.some((l) => l.includes('listening')); i++) await new Promise((r) => setTimeout(r, 20));
    const id = (JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>)['client']!.local;
    const agent = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true, retryTimes: 0 });
    const client = Actor.createActor(({ IDL }) => IDL.Service({ fetch: IDL.Func([IDL.Text], [IDL.Text], []) }), { agent, canisterId: id });
    const answer = (await client['fetch']!('https://127.0.0.1:1/price')) as string;
    controller.abort();
    assert.is(await running, 0);
    return answer;
  } finally {
    controller.abort();
    rmSync(dir, { recursive: true, force: true });
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
