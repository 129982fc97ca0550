// @dfinity/agent's HttpAgent, unchanged, over createReplicaFetch: updates with certified (v3)
// replies, queries with node-signature verification, rejects as the agent's error classes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, CertifiedRejectErrorCode, RejectError, UncertifiedRejectErrorCode, CanisterStatus } from '@dfinity/agent';
import { createReplicaFetch } from '../../src/http/replica-fetch.ts';
import { callerIdl, counterIdl, trappingIdl, world } from './setup.ts';

const w = await world();
const fetch = createReplicaFetch(w.replica, w.certifier);
// Query signatures are verified in their own test below (the agent's default). It fails until the
// certifier publishes the root-certified subnet under the root key's self-authenticating id (what
// agents assume for a certificate without delegation) or issues subnet delegations.
const agent = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, shouldFetchRootKey: true });

test('update then query on the counter', async () => {
  const counter = Actor.createActor(counterIdl, { agent, canisterId: w.counter });
  assert.is(await counter['inc']!(), 1n);
  assert.is(await counter['add']!(41n), 42n);
  assert.is(await counter['get']!(), 42n);
});

test('a trap surfaces as a certified reject with code and message', async () => {
  const trapping = Actor.createActor(trappingIdl, { agent, canisterId: w.trapping });
  try {
    await trapping['setThenTrap']!(5n);
    assert.unreachable('should reject');
  } catch (e) {
    assert.instance(e, RejectError);
    const code = (e as RejectError).cause.code;
    assert.instance(code, CertifiedRejectErrorCode);
    assert.is((code as CertifiedRejectErrorCode).rejectCode, 5);
    assert.match((code as CertifiedRejectErrorCode).rejectMessage, 'setThenTrap: refusing 5');
    assert.is((code as CertifiedRejectErrorCode).rejectErrorCode, 'IC0503');
  }
  assert.is(await trapping['get']!(), 0n);
});

test('a missing update method is refused before induction; a missing query is a signed reject', async () => {
  const counter = Actor.createActor(counterIdl, { agent, canisterId: w.counter });
  try {
    await counter['missing']!();
    assert.unreachable('should reject');
  } catch (e) {
    assert.instance(e, RejectError);
    const code = (e as RejectError).cause.code as unknown as { rejectCode: number; rejectMessage: string; rejectErrorCode: string };
    assert.is(code.rejectErrorCode, 'IC0536');
    assert.match(code.rejectMessage, "Canister has no update method 'missing'");
  }
  try {
    await counter['missingQuery']!();
    assert.unreachable('should reject');
  } catch (e) {
    assert.instance(e, RejectError);
    const code = (e as RejectError).cause.code;
    assert.instance(code, UncertifiedRejectErrorCode);
    assert.match((code as UncertifiedRejectErrorCode).rejectMessage, "has no query method 'missingQuery'");
  }
});

test('composite query', async () => {
  const caller = Actor.createActor(callerIdl, { agent, canisterId: w.caller });
  assert.is(await caller['callAdd']!(w.callee, 7n), 7n);
  assert.is(await caller['sumPeeks']!([w.callee, w.callee]), 14n);
});

test('CanisterStatus.request: module_hash, controllers, time', async () => {
  const status = await CanisterStatus.request({ canisterId: w.counter, agent, paths: ['module_hash', 'controllers', 'time'] });
  const hash = status.get('module_hash');
  assert.type(hash, 'string');
  assert.is((hash as string).length, 64);
  const controllers = status.get('controllers') as { toText(): string }[];
  assert.equal(controllers.map((c) => c.toText()), [w.controller.toText()]);
  const time = status.get('time') as Date;
  assert.ok(Math.abs(time.getTime() - Number(w.replica.time / 1_000_000n)) < 1000);
});

test('query signature verification on (the agent default)', async () => {
  const verifying = await HttpAgent.create({ host: 'http://127.0.0.1:4943', fetch, shouldFetchRootKey: true });
  const counter = Actor.createActor(counterIdl, { agent: verifying, canisterId: w.counter });
  assert.is(typeof (await counter['get']!()), 'bigint');
});

test.run();
