// The newer @icp-sdk/core agent, unchanged, over createReplicaFetch: Actor update, query and
// composite query, rejects as RejectError with code and message, CanisterStatus, and query
// signature verification (on by default).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, RejectError, CanisterStatus, CertifiedRejectErrorCode } from '@icp-sdk/core/agent';
import { Principal as SdkPrincipal } from '@icp-sdk/core/principal';
import { createReplicaFetch } from '../../src/http/replica-fetch.ts';
import { callerIdl, counterIdl, trappingIdl, world } from './setup.ts';

const w = await world();
const fetch = createReplicaFetch(w.replica, w.certifier);
const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, shouldFetchRootKey: true });
// The factories are written against @dfinity/candid; the Actor hands them its own IDL module.
type Factory = Parameters<typeof Actor.createActor>[0];

test('update then query (signatures verified)', async () => {
  const counter = Actor.createActor(counterIdl as unknown as Factory, { agent, canisterId: w.counter.toText() });
  assert.is(await counter['inc']!(), 1n);
  assert.is(await counter['get']!(), 1n);
});

test('composite query', async () => {
  const caller = Actor.createActor(callerIdl as unknown as Factory, { agent, canisterId: w.caller.toText() });
  assert.is(await caller['callAdd']!(w.callee, 3n), 3n);
  assert.is(await caller['sumPeeks']!([w.callee]), 3n);
});

test('a trap is a RejectError with reject code 5 and IC0503', async () => {
  const trapping = Actor.createActor(trappingIdl as unknown as Factory, { agent, canisterId: w.trapping.toText() });
  const e = await trapping['setThenTrap']!(1n).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, RejectError);
  const code = (e as RejectError).cause.code as CertifiedRejectErrorCode;
  assert.is(code.rejectCode, 5);
  assert.is(code.rejectErrorCode, 'IC0503');
  assert.match(code.rejectMessage, 'setThenTrap: refusing 1');
});

test('CanisterStatus.request reads module_hash and controllers', async () => {
  const status = await CanisterStatus.request({ canisterId: SdkPrincipal.fromText(w.counter.toText()), agent, paths: ['module_hash', 'controllers'] });
  assert.is((status.get('module_hash') as string).length, 64);
  assert.equal((status.get('controllers') as { toText(): string }[]).map((c) => c.toText()), [w.controller.toText()]);
});

test.run();
