// install_code under deterministic time slicing: a reinstall whose canister_init runs longer than
// the install slice takes effect (and is answered) only after ceil(instructions / slice) rounds;
// until then queries see the old code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { IDL } from '@dfinity/candid';
import { Replica } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';

const module = (version: number, initIterations: number) => `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (memory 1)
  (func (export "canister_init") (local $i i32)
    (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const ${initIterations})))))
  (func (export "canister_query version")
    (i32.store (i32.const 0) (i32.const ${version}))
    (call $append (i32.const 0) (i32.const 4)) (call $reply)))`;

const installArg = (canisterId: Principal, wasm: Uint8Array) =>
  new Uint8Array(
    IDL.encode(
      [IDL.Record({ mode: IDL.Variant({ reinstall: IDL.Null }), canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8) })],
      [{ mode: { reinstall: null }, canister_id: canisterId, wasm_module: wasm, arg: new Uint8Array() }],
    ),
  );

const version = async (replica: Replica, id: Principal) =>
  new DataView((await replica.query(id, 'version', new Uint8Array())).buffer).getInt32(0, true);

test('a 5-slice reinstall', async () => {
  const replica = await Replica.create({ limits: { instructionsPerInstallCodeSlice: 1_000_000n } });
  const controller = Principal.fromUint8Array(new Uint8Array([7, 7, 7]));
  const id = await replica.installCanister({ wasm: await compileWat(module(1, 10)), controllers: [controller] });
  const msg = replica.submitIngress(Principal.managementCanister(), 'install_code', installArg(id, await compileWat(module(2, 1_200_000))), {
    sender: controller,
  });
  replica.tick();
  assert.ok(replica.canister(id).isPaused, 'the install is still running');
  assert.is(await version(replica, id), 1);
  let rounds = 1;
  while (!replica.ingressStatus(msg)?.result) {
    assert.is(await version(replica, id), 1);
    replica.tick();
    rounds++;
  }
  assert.is(replica.ingressStatus(msg)?.state.status, 'replied');
  assert.is(await version(replica, id), 2);
  assert.ok(rounds >= 5, `${rounds} rounds`);
});

test('a short install is answered in its round', async () => {
  const replica = await Replica.create();
  const controller = Principal.fromUint8Array(new Uint8Array([7, 7, 7]));
  const id = await replica.installCanister({ wasm: await compileWat(module(1, 10)), controllers: [controller] });
  const msg = replica.submitIngress(Principal.managementCanister(), 'install_code', installArg(id, await compileWat(module(2, 10))), {
    sender: controller,
  });
  replica.tick();
  assert.is(replica.ingressStatus(msg)?.state.status, 'replied');
  assert.is(await version(replica, id), 2);
});

test.run();
