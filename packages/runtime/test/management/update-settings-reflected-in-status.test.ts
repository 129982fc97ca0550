// update_settings changes exactly the given settings, bumps the canister version and shows in
// canister_status; out-of-range values are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alice, bob, createEmpty, ic, Principal, rejection, settings, setup } from './management-support.ts';

test('update_settings changes the given settings and leaves the others', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const before = await ic(replica, 'canister_status', { canister_id: id }, alice);
  await ic(
    replica,
    'update_settings',
    {
      canister_id: id,
      settings: settings({
        freezing_threshold: [42n],
        memory_allocation: [1n << 20n],
        reserved_cycles_limit: [7n],
        wasm_memory_threshold: [4096n],
        log_visibility: [{ allowed_viewers: [bob] }],
      }),
      sender_canister_version: [],
    },
    alice,
  );
  const after = await ic(replica, 'canister_status', { canister_id: id }, alice);
  assert.is(after.settings.freezing_threshold, 42n);
  assert.is(after.settings.memory_allocation, 1n << 20n);
  assert.is(after.settings.reserved_cycles_limit, 7n);
  assert.is(after.settings.wasm_memory_threshold, 4096n);
  assert.equal(after.settings.log_visibility.allowed_viewers.map((p: Principal) => p.toText()), [bob.toText()]);
  assert.is(after.settings.compute_allocation, before.settings.compute_allocation);
  assert.is(after.settings.wasm_memory_limit, before.settings.wasm_memory_limit);
  assert.is(after.version, before.version + 1n);
});

test('new controllers take over: the old controller is refused afterwards', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  await ic(replica, 'update_settings', { canister_id: id, settings: settings({ controllers: [[bob]] }), sender_canister_version: [] }, alice);
  const s = await ic(replica, 'canister_status', { canister_id: id }, bob);
  assert.equal(s.settings.controllers.map((p: Principal) => p.toText()), [bob.toText()]);
  const e = await rejection(ic(replica, 'canister_status', { canister_id: id }, alice));
  assert.is(e.errorCode, 'IC0512');
});

test('a compute allocation above 100 is refused', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice);
  const e = await rejection(
    ic(replica, 'update_settings', { canister_id: id, settings: settings({ compute_allocation: [101n] }), sender_canister_version: [] }, alice),
  );
  assert.is(e.errorCode, 'IC0504');
  assert.is(e.description, 'ComputeAllocation expected to be in the range [0..100], got 101');
});

test.run();
