// stop_canister: a canister with an open call context is "stopping" until the context closes, and the
// stop request is answered in a later round; start_canister while stopping cancels pending stops
// (IC0511); a stopped canister refuses new calls and restarts with start_canister.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motokoFixture } from '@mockic/fixtures';
import { alice, createEmpty, encodeArg, ic, installProxy, MGMT, rejection, setup, settings, IDL, type Principal } from './management-support.ts';
import type { Replica } from '@mockic/runtime';

/**
 * Leaves `proxy` with an open call context after one round: it awaits stop_canister of a canister it
 * controls, which the management canister answers at the end of the round (delivered next round).
 */
async function proxyAwaitingAnswer(replica: Replica, proxy: Principal): Promise<string> {
  const target = await createEmpty(replica, alice, { settings: [settings({ controllers: [[alice, proxy]] })] });
  const msg = replica.submitIngress(
    proxy,
    'call',
    new Uint8Array(IDL.encode([IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat], ['stop_canister', encodeArg('stop_canister', { canister_id: target }), 0n])),
    { sender: alice },
  );
  replica.tick();
  assert.ok(replica.canister(proxy).hasOpenCallContexts());
  return msg;
}

test('a canister with an open call context is stopping, then stopped once the context closes', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const pending = await proxyAwaitingAnswer(replica, proxy);
  const stop = replica.submitIngress(MGMT, 'stop_canister', encodeArg('stop_canister', { canister_id: proxy }), { sender: alice });
  assert.is(replica.ingressStatus(stop)?.result, undefined);
  const s = await ic(replica, 'canister_status', { canister_id: proxy }, alice);
  assert.equal(s.status, { stopping: null });
  replica.tick();
  assert.is(replica.ingressStatus(pending)?.result?.kind, 'reply');
  assert.is(replica.ingressStatus(stop)?.result?.kind, 'reply');
  assert.is(replica.canister(proxy).status, 'stopped');
});

test('start_canister while stopping cancels the pending stop with IC0511', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  await proxyAwaitingAnswer(replica, proxy);
  const stop = replica.submitIngress(MGMT, 'stop_canister', encodeArg('stop_canister', { canister_id: proxy }), { sender: alice });
  await ic(replica, 'start_canister', { canister_id: proxy }, alice);
  const result = replica.ingressStatus(stop)?.result;
  assert.is(result?.kind, 'reject');
  assert.is(result?.kind === 'reject' ? result.error?.errorCode : undefined, 'IC0511');
  assert.is(result?.kind === 'reject' ? result.message : undefined, `Canister ${proxy.toText()}'s stop request was cancelled.`);
  assert.is(replica.canister(proxy).status, 'running');
});

test('a stopped canister refuses calls until started again', async () => {
  const { replica } = await setup();
  const id = await replica.installCanister({ wasm: motokoFixture('counter').wasm, controllers: [alice] });
  await ic(replica, 'stop_canister', { canister_id: id }, alice);
  assert.equal((await ic(replica, 'canister_status', { canister_id: id }, alice)).status, { stopped: null });
  const e = await rejection(replica.update(id, 'inc', new Uint8Array(IDL.encode([], []))));
  assert.is(e.errorCode, 'IC0508');
  await ic(replica, 'start_canister', { canister_id: id }, alice);
  assert.ok(await replica.update(id, 'inc', new Uint8Array(IDL.encode([], []))));
});

test('stopping an already stopped canister answers in its round', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'stop_canister', { canister_id: id }, alice);
  const stop = replica.submitIngress(MGMT, 'stop_canister', encodeArg('stop_canister', { canister_id: id }), { sender: alice });
  replica.tick();
  assert.is(replica.ingressStatus(stop)?.result?.kind, 'reply');
});

test.run();
