// fetchHttpsOutcall, the handler `mockic serve` installs: the canister's method, headers and body
// reach a real HTTP server; its status, headers and body come back (a 404 is an answer, not a
// failure); a body over max_response_bytes is refused with the replica's wording without being read
// to its end; a refused connection and a timeout are SYS_TRANSIENT rejects naming the host.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Principal } from '@dfinity/principal';
import { RejectCode } from '@mockic/runtime';
import { fetchHttpsOutcall, HttpsOutcallQueue, type HttpRequestArgs, type SettledHttpOutcall } from '../../src/https-outcalls/index.ts';

const CANISTER = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url === '/missing') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
    if (req.url === '/huge') return void res.writeHead(200).end(Buffer.alloc(1_000_000, 0x61));
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 2_000);
    res.writeHead(200, { 'content-type': 'application/json', 'x-price': '12.5' }).end('{"icp":12.5}');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function outcome(args: HttpRequestArgs, timeoutMs?: number): Promise<SettledHttpOutcall['outcome']> {
  // allowHttp: a plain-http test server (the replica itself accepts https urls only)
  const queue = new HttpsOutcallQueue({ allowHttp: true, handler: (o) => fetchHttpsOutcall(o, { timeoutMs }) });
  queue.submit(CANISTER, args);
  await queue.whenIdle();
  const [settled] = queue.takeSettled();
  assert.ok(settled, 'settled');
  return settled.outcome;
}

test('method, headers and body reach the server; status, headers and body come back', async () => {
  const o = await outcome({ url: `${base}/price`, method: 'post', headers: [{ name: 'X-Api-Key', value: 'k1' }], body: new TextEncoder().encode('{"q":1}') });
  assert.is(o.kind, 'reply');
  if (o.kind !== 'reply') return;
  assert.is(o.response.status, 200n);
  assert.is(new TextDecoder().decode(o.response.body), '{"icp":12.5}');
  assert.ok(o.response.headers.some((h) => h.name === 'x-price' && h.value === '12.5'));
  const last = seen[seen.length - 1]!;
  assert.is(last.method, 'POST');
  assert.is(last.headers['x-api-key'], 'k1');
  assert.is(last.body, '{"q":1}');
});

test('a 404 is an answer with its status', async () => {
  const o = await outcome({ url: `${base}/missing`, method: 'get' });
  assert.ok(o.kind === 'reply' && o.response.status === 404n && new TextDecoder().decode(o.response.body) === 'no such thing');
});

test('a body over max_response_bytes is refused with the replica wording', async () => {
  const o = await outcome({ url: `${base}/huge`, method: 'get', maxResponseBytes: 10_000n });
  assert.equal(o, { kind: 'reject', code: RejectCode.SYS_FATAL, message: 'Http body exceeds size limit of 10000 bytes.' });
});

test('a refused connection and a timeout are SYS_TRANSIENT rejects naming the host', async () => {
  const refused = await outcome({ url: 'http://127.0.0.1:1/x', method: 'get' });
  assert.ok(refused.kind === 'reject' && refused.code === RejectCode.SYS_TRANSIENT && refused.message.startsWith('Connecting to 127.0.0.1:1 failed:'), JSON.stringify(refused));
  const slow = await outcome({ url: `${base}/slow`, method: 'get' }, 200);
  assert.ok(slow.kind === 'reject' && slow.code === RejectCode.SYS_TRANSIENT && slow.message.endsWith('failed: timed out'), JSON.stringify(slow));
});

test.after(() => new Promise<void>((r) => {
  server.closeAllConnections();
  server.close(() => r());
}));

test.run();
