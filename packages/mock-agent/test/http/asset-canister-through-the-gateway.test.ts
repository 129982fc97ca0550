// The asset canister stand-in behind the HTTP gateway: `/` and directories serve their index.html,
// files keep their content type, a missing page falls back to /index.html, a file larger than one
// reply streams in chunks and arrives whole, and `list` reports every file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { assetCanister, ASSET_CHUNK_BYTES } from '@mockic/runtime';
import { startLoopbackServer } from '../../src/http/loopback-server.ts';
import { world } from './setup.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const big = Uint8Array.from({ length: 2 * ASSET_CHUNK_BYTES + 12_345 }, (_, i) => (i * 31 + 7) & 0xff);
const assets = assetCanister({
  files: [
    { path: '/index.html', content: utf8('<!doctype html><script src="/app.js"></script>') },
    { path: '/app.js', content: utf8('console.log("app")') },
    { path: '/docs/index.html', content: utf8('<h1>docs</h1>') },
    { path: '/big.bin', content: big },
    { path: '/with space.txt', content: utf8('spaced') },
  ],
});
const w = await world();
const id = (await w.replica.installJsCanister(assets)).toText();
const server = await startLoopbackServer({ replica: w.replica, certifier: w.certifier });

const get = async (path: string) => {
  const r = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}canisterId=${id}`);
  return { status: r.status, type: r.headers.get('content-type'), bytes: new Uint8Array(await r.arrayBuffer()) };
};
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('/ and a directory serve their index.html; files keep their content type', async () => {
  const root = await get('/');
  assert.is(root.status, 200);
  assert.is(root.type, 'text/html');
  assert.match(text(root.bytes), '<script src="/app.js">');
  assert.is(text((await get('/docs/')).bytes), '<h1>docs</h1>');
  const js = await get('/app.js');
  assert.is(js.type, 'text/javascript');
  assert.is(text(js.bytes), 'console.log("app")');
  assert.is(text((await get('/with%20space.txt')).bytes), 'spaced');
});

test('a missing page falls back to /index.html (single-page apps)', async () => {
  const r = await get('/some/client/route');
  assert.is(r.status, 200);
  assert.match(text(r.bytes), '<!doctype html>');
});

test('a file larger than one reply streams in chunks and arrives whole', async () => {
  const r = await get('/big.bin');
  assert.is(r.status, 200);
  assert.is(r.bytes.length, big.length);
  assert.ok(r.bytes.every((b, i) => b === big[i]), 'byte for byte');
});

test('list reports every file with its length and sha256', async () => {
  const list = new Map(assets.service._fields).get('list') as IDL.FuncClass;
  const [entries] = IDL.decode(list.retTypes, await w.replica.query(w.replica.canisterIds().find((c) => c.toText() === id)!, 'list', new Uint8Array(IDL.encode(list.argTypes, [{}])))) as unknown as [
    Array<{ key: string; content_type: string; encodings: Array<{ length: bigint; sha256: [] | [Uint8Array] }> }>,
  ];
  assert.equal(entries.map((e) => e.key).sort(), ['/app.js', '/big.bin', '/docs/index.html', '/index.html', '/with space.txt']);
  const bin = entries.find((e) => e.key === '/big.bin')!;
  assert.is(bin.encodings[0]!.length, BigInt(big.length));
  assert.is(bin.encodings[0]!.sha256[0]!.length, 32);
});

test.after(async () => {
  await server.close();
});

test.run();
