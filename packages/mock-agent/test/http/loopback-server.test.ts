// The HTTP interface on a real socket: @dfinity/agent 3.4.3 and @icp-sdk/core agents over
// http://127.0.0.1:<port>, CORS preflight like the boundary nodes, and a polled v2 call.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, pollForResponse } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Actor as SdkActor, HttpAgent as SdkHttpAgent } from '@icp-sdk/core/agent';
import { startLoopbackServer } from '../../src/http/loopback-server.ts';
import { counterIdl, world } from './setup.ts';

const w = await world();
const server = await startLoopbackServer({ replica: w.replica, certifier: w.certifier });

test('binds to 127.0.0.1 and answers CORS preflight', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const r = await fetch(`${server.url}/api/v2/canister/${w.counter.toText()}/call`, {
    method: 'OPTIONS',
    headers: { origin: 'http://example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.is(r.status, 204);
  assert.is(r.headers.get('access-control-allow-origin'), '*');
  assert.match(r.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);
});

test('@dfinity/agent: update then query over HTTP', async () => {
  const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  const counter = Actor.createActor(counterIdl, { agent, canisterId: w.counter });
  const a = (await counter['inc']!()) as bigint;
  assert.is(await counter['get']!(), a);
});

test('@dfinity/agent: a v2 (asynchronous) call, polled to completion', async () => {
  const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  const before = IDL.decode([IDL.Nat], await w.replica.query(w.counter, 'get', IDL.encode([], [])))[0] as bigint;
  const { requestId, response } = await agent.call(w.counter, { methodName: 'add', arg: IDL.encode([IDL.Nat], [5n]), effectiveCanisterId: w.counter, callSync: false });
  assert.is(response.status, 202);
  const { reply } = await pollForResponse(agent, w.counter, requestId);
  assert.is(IDL.decode([IDL.Nat], reply)[0], before + 5n);
});

test('@icp-sdk/core agent: update and query', async () => {
  const agent = await SdkHttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  const counter = SdkActor.createActor(counterIdl as never, { agent, canisterId: w.counter.toText() }) as unknown as Record<string, () => Promise<bigint>>;
  const a = await counter['inc']!();
  assert.is(await counter['get']!(), a);
});

test.after(async () => {
  await server.close();
});

test.run();
