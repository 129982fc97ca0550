// An agent reaches a PocketIC instance through an HTTP gateway (POST /http_gateway, as PocketIC):
// HttpAgent with fetchRootKey calls a canister installed with the pic client, certificates verified.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent } from '@dfinity/agent';
import { PocketIc as PicClient } from '@dfinity/pic';
import { counterIdl, motokoFixture } from '@mockic/fixtures';
import { startPocketIcServer } from '../src/index.ts';


test('HttpAgent on an instance URL', async () => {
  const server = await startPocketIcServer();
  try {
    const pic = await PicClient.create(server.url);
    await pic.setTime(Date.now());
    const { canisterId } = await pic.setupCanister({ idlFactory: counterIdl, wasm: motokoFixture('counter').wasm as unknown as ArrayBufferLike });
    const instanceId = server.registry.live()[0]?.id;
    const res = await fetch(`${server.url}/http_gateway`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ forward_to: { PocketIcInstance: instanceId } }),
    });
    const { Created } = (await res.json()) as { Created: { instance_id: number; port: number } };
    const agent = await HttpAgent.create({ host: `http://127.0.0.1:${Created.port}`, shouldFetchRootKey: true });
    const counter = Actor.createActor(counterIdl, { agent, canisterId });
    assert.is(await counter['inc']!(), 1n);
    assert.is(await counter['get']!(), 1n);
    await pic.tearDown();
  } finally {
    await server.close();
  }
});

test.run();
