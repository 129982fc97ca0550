// Creating canisters: provisional creation with settings and cycles (status reports them back), a
// specified id, create_canister from a canister paying the creation fee, and the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alice, bob, createEmpty, ic, installProxy, Principal, rejection, settings, setup, viaProxy } from './management-support.ts';

test('provisional creation applies settings and cycles that canister_status reports back', async () => {
  const { replica } = await setup();
  const id = await createEmpty(replica, alice, {
    amount: [7_000_000_000_000n],
    settings: [
      settings({
        controllers: [[bob, alice]],
        compute_allocation: [3n],
        freezing_threshold: [1234n],
        wasm_memory_limit: [1n << 30n],
        log_visibility: [{ public: null }],
        environment_variables: [[{ name: 'MODE', value: 'test' }]],
      }),
    ],
  });
  const s = await ic(replica, 'canister_status', { canister_id: id }, bob);
  assert.equal(Object.keys(s.status), ['running']);
  assert.is(s.cycles, 7_000_000_000_000n);
  assert.equal(
    s.settings.controllers.map((p: Principal) => p.toText()).sort(),
    [alice.toText(), bob.toText()].sort(),
  );
  assert.is(s.settings.compute_allocation, 3n);
  assert.is(s.settings.freezing_threshold, 1234n);
  assert.is(s.settings.wasm_memory_limit, 1n << 30n);
  assert.equal(s.settings.log_visibility, { public: null });
  assert.equal(s.settings.environment_variables, [{ name: 'MODE', value: 'test' }]);
  assert.equal(s.module_hash, []);
  assert.is(s.version, 0n);
  assert.equal(s.query_stats.num_calls_total, 0n);
});

test('provisional creation with a specified id creates exactly that canister', async () => {
  const { replica } = await setup();
  const wanted = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
  const id = await createEmpty(replica, alice, { specified_id: [wanted] });
  assert.is(id.toText(), wanted.toText());
  const e = await rejection(createEmpty(replica, alice, { specified_id: [wanted] }));
  assert.is(e.errorCode, 'IC0538');
  assert.match(e.description, `Canister ${wanted.toText()} is already installed.`);
});

test('a user cannot call create_canister', async () => {
  const { replica } = await setup();
  const e = await rejection(ic(replica, 'create_canister', { settings: [], sender_canister_version: [] }, alice));
  assert.is(e.errorCode, 'IC0406');
  assert.is(e.description, 'Only canisters can call ic00 method create_canister');
});

test('a canister creates a canister with attached cycles, minus the creation fee', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const fee = replica.fees.createCanister();
  const r = await viaProxy(replica, proxy, 'create_canister', { settings: [], sender_canister_version: [] }, { cycles: fee + 1_000_000n });
  assert.ok(r.ok, r.err);
  const child = r.ok.canister_id as Principal;
  assert.is(replica.canister(child).balance, 1_000_000n);
  assert.equal(replica.canister(child).settings.controllers.map((p) => p.toText()), [proxy.toText()]);
});

test('create_canister with fewer cycles than the fee is refused (IC0403 wording)', async () => {
  const { replica } = await setup();
  const proxy = await installProxy(replica, alice);
  const fee = replica.fees.createCanister();
  const r = await viaProxy(replica, proxy, 'create_canister', { settings: [], sender_canister_version: [] }, { cycles: 5n });
  assert.match(
    r.err ?? '',
    `Creating a canister requires a fee of ${fee} that is deducted from the canister's initial balance but only 5 cycles were received with the create_canister request.`,
  );
});

test('more than 10 controllers are refused', async () => {
  const { replica } = await setup();
  const many = Array.from({ length: 11 }, (_, i) => Principal.fromUint8Array(new Uint8Array([i + 1])));
  const e = await rejection(createEmpty(replica, alice, { settings: [settings({ controllers: [many] })] }));
  assert.is(e.errorCode, 'IC0504');
  assert.match(e.description, "Invalid settings: 'controllers' length exceeds maximum size allowed of 10.");
});

test.run();
