// Cycles charged for known work match the fee schedule: an update costs the ingress reception fee
// (1.2 M + 2 k per byte) plus the execution fee (5 M + 1 per instruction, ×2 for wasm64) on a
// 13-node subnet; a canister below its freezing threshold is refused with IC0207.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { compileWat, motokoFixture } from '@mockic/fixtures';
import { none } from '../support/candid.ts';

const WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_update work") (local $i i32)
    (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100000))))
    (call $reply)))`;

test('wasm32 update: ingress fee + 5M + instructions', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT) });
  const c = replica.canister(id);
  const before = c.balance;
  const stats = { ...c.executionStats };
  await replica.update(id, 'work', new Uint8Array());
  const instructions = c.executionStats.instructions - stats.instructions;
  assert.ok(instructions > 300_000n, `${instructions}`);
  const ingress = 1_200_000n + 2_000n * BigInt('work'.length);
  const execution = 5_000_000n + instructions;
  assert.is(before - c.balance, ingress + execution);
});

test('wasm64 (Motoko) instructions cost twice', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('counter').wasm });
  const c = replica.canister(id);
  const before = c.balance;
  const stats = { ...c.executionStats };
  const arg = none();
  await replica.update(id, 'inc', arg);
  const instructions = c.executionStats.instructions - stats.instructions;
  const ingress = 1_200_000n + 2_000n * BigInt(arg.length + 'inc'.length);
  assert.is(before - c.balance, ingress + 5_000_000n + 2n * instructions);
});

test('a subnet of 34 nodes scales the fees by 34/13', async () => {
  const replica = await Replica.create({ fees: { subnetSize: 34 } });
  assert.is(replica.fees.execution(0n), (5_000_000n * 34n) / 13n);
  assert.is(replica.fees.createCanister(), (500_000_000_000n * 34n) / 13n);
});

test('a canister without enough cycles is refused with IC0207 and keeps its state', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await compileWat(WAT), cycles: 1_000_000n });
  const e = await replica.update(id, 'work', new Uint8Array()).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  assert.is((e as UserError).code, ErrorCode.CanisterOutOfCycles);
  assert.match((e as UserError).description, 'is out of cycles');
});

test.run();
