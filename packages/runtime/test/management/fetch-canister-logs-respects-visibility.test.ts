// fetch_canister_logs is a query: controllers read the log (records with idx, time, content); others
// only when log_visibility is public or lists them; as an update call it is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motokoFixture } from '@mockic/fixtures';
import { alice, bob, decodeReply, encodeArg, ic, MGMT, rejection, settings, setup, IDL, type Principal } from './management-support.ts';
import type { ManagementCanister } from '../../src/management/management-canister.ts';
import type { Replica } from '@mockic/runtime';

async function trappedCanister(replica: Replica): Promise<Principal> {
  const id = await replica.installCanister({ wasm: motokoFixture('trapping').wasm, controllers: [alice] });
  await rejection(replica.update(id, 'setThenTrap', new Uint8Array(IDL.encode([IDL.Nat], [5n]))));
  return id;
}

function fetchLogs(management: ManagementCanister, replica: Replica, id: Principal, sender: Principal) {
  const r = management.query('fetch_canister_logs', encodeArg('fetch_canister_logs', { canister_id: id }), sender, replica);
  if (r.kind === 'reject') return { error: r.error };
  return { logs: decodeReply('fetch_canister_logs', r.data).canister_log_records };
}

test('a controller reads the log records: idx, timestamp and content', async () => {
  const { replica, management } = await setup();
  const id = await trappedCanister(replica);
  const { logs } = fetchLogs(management, replica, id, alice);
  assert.ok(logs.length >= 1);
  const last = logs[logs.length - 1];
  assert.match(new TextDecoder().decode(last.content), 'setThenTrap: refusing 5');
  assert.is(typeof last.idx, 'bigint');
  assert.is(last.timestamp_nanos, replica.time);
});

test('a non-controller is refused while visibility is controllers', async () => {
  const { replica, management } = await setup();
  const id = await trappedCanister(replica);
  const { error } = fetchLogs(management, replica, id, bob);
  assert.is(error?.errorCode, 'IC0406');
  assert.is(error?.description, `Caller ${bob.toText()} is not allowed to access canister logs`);
});

test('public visibility lets anyone read; allowed_viewers lets the listed principals read', async () => {
  const { replica, management } = await setup();
  const id = await trappedCanister(replica);
  await ic(replica, 'update_settings', { canister_id: id, settings: settings({ log_visibility: [{ public: null }] }), sender_canister_version: [] }, alice);
  assert.ok(fetchLogs(management, replica, id, bob).logs);
  await ic(replica, 'update_settings', { canister_id: id, settings: settings({ log_visibility: [{ allowed_viewers: [bob] }] }), sender_canister_version: [] }, alice);
  assert.ok(fetchLogs(management, replica, id, bob).logs);
  const carol = replica.createCanister();
  assert.ok(fetchLogs(management, replica, id, carol).error);
});

test('fetch_canister_logs as an update call is refused', async () => {
  const { replica } = await setup();
  const id = await trappedCanister(replica);
  const e = await rejection(replica.update(MGMT, 'fetch_canister_logs', encodeArg('fetch_canister_logs', { canister_id: id }), { sender: alice }));
  assert.is(e.description, 'fetch_canister_logs API is not accessible via ingress in replicated mode');
});

test.run();
