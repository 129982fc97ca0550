// MockAgent: the Agent interface without HTTP, same replies, certificates and errors — and it
// works at the replica's default fake time (its clock is the replica's).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, CanisterStatus, CertifiedRejectErrorCode, HttpErrorCode, ProtocolError, RejectError, pollForResponse } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { DEFAULT_START_TIME_NANOS } from '@mockic/runtime';
import { MockAgent } from '../../src/mock-agent.ts';
import { callerIdl, counterIdl, trappingIdl, world } from '../http/setup.ts';

const w = await world({ time: DEFAULT_START_TIME_NANOS });
const agent = await MockAgent.create({ replica: w.replica, certifier: w.certifier });

test('Actor over MockAgent: update, query, composite query (replica at 2021)', async () => {
  const counter = Actor.createActor(counterIdl, { agent, canisterId: w.counter });
  assert.is(await counter['add']!(3n), 3n);
  assert.is(await counter['get']!(), 3n);
  const caller = Actor.createActor(callerIdl, { agent, canisterId: w.caller });
  await caller['callAdd']!(w.callee, 2n);
  assert.is(await caller['sumPeeks']!([w.callee]), 2n);
});

test('rejects surface as the agent error classes', async () => {
  const trapping = Actor.createActor(trappingIdl, { agent, canisterId: w.trapping });
  try {
    await trapping['setThenTrap']!(1n);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, RejectError);
    assert.instance((e as RejectError).cause.code, CertifiedRejectErrorCode);
  }
});

test('CanisterStatus.request and a polled v2 call', async () => {
  const status = await CanisterStatus.request({ canisterId: w.counter, agent: agent as never, paths: ['module_hash', 'controllers'] });
  assert.is((status.get('module_hash') as string).length, 64);
  const { requestId } = await agent.call(w.counter, { methodName: 'inc', arg: IDL.encode([], []), effectiveCanisterId: w.counter, callSync: false });
  const { reply } = await pollForResponse(agent as never, w.counter, requestId);
  assert.is(IDL.decode([IDL.Nat], reply)[0], 4n);
});

test('signed identity; HTTP-level refusals become ProtocolError(HttpErrorCode)', async () => {
  const id = Ed25519KeyIdentity.generate();
  const signed = await MockAgent.create({ replica: w.replica, certifier: w.certifier, identity: id as never });
  assert.is((await signed.getPrincipal()).toText(), id.getPrincipal().toText());
  const counter = Actor.createActor(counterIdl, { agent: signed, canisterId: w.counter });
  await counter['inc']!();
  try {
    await signed.call(w.callee, { methodName: 'add', arg: IDL.encode([IDL.Nat], [1n]), effectiveCanisterId: w.counter });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ProtocolError);
    const code = (e as ProtocolError).cause.code as HttpErrorCode;
    assert.is(code.status, 400);
    assert.match(code.bodyText ?? '', 'does not match effective canister id');
  }
  const st = await signed.status();
  assert.equal((st as unknown as { root_key: Uint8Array }).root_key, w.certifier.rootKeyDer);
});

test.run();
