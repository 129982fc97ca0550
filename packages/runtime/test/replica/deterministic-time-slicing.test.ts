// Deterministic time slicing: an update longer than the slice limit completes only after
// ceil(instructions / slice) rounds; meanwhile other canisters progress and queries to it see the
// last committed state; the per-message limit still bounds it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';

const WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg (param i32 i32 i32)))
  (memory 1)
  (global $value (mut i64) (i64.const 0))
  (func (export "canister_update burn") (local $n i64) (local $i i64)
    (call $arg (i32.const 0) (i32.const 0) (i32.const 8))
    (local.set $n (i64.load (i32.const 0)))
    (loop $l (br_if $l (i64.lt_u (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (global.set $value (i64.add (global.get $value) (i64.const 1)))
    (i64.store (i32.const 64) (global.get $value))
    (call $reply))
  (func (export "canister_query value")
    (i64.store (i32.const 0) (i64.load (i32.const 64)))
    (call $append (i32.const 0) (i32.const 8)) (call $reply)))`;

const u64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
};
const readU64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);

async function instructionsPerIteration(replica: Replica, id: import('@dfinity/principal').Principal): Promise<bigint> {
  const c = replica.canister(id);
  const before = c.executionStats.instructions;
  await replica.update(id, 'burn', u64(100_000n));
  return (c.executionStats.instructions - before) / 100_000n;
}

test('a 10-billion-instruction update spans ceil(I / 2B) rounds while queries see the committed state', async () => {
  const replica = await Replica.create();
  const wasm = await compileWat(WAT);
  const long = await replica.installCanister({ wasm });
  const other = await replica.installCanister({ wasm });
  const per = await instructionsPerIteration(replica, long);
  const n = 10_000_000_000n / per + 1n;
  const committedBefore = readU64(await replica.query(long, 'value', new Uint8Array()));

  const c = replica.canister(long);
  const statsBefore = c.executionStats.instructions;
  const msg = replica.submitIngress(long, 'burn', u64(n));
  replica.tick();
  assert.ok(c.isPaused, 'the long message is still running after its first round');
  let rounds = 1;
  // another canister makes progress meanwhile (update() runs rounds), and a query sees the old state
  await replica.update(other, 'burn', u64(10n));
  rounds += 1;
  assert.is(readU64(await replica.query(long, 'value', new Uint8Array())), committedBefore);
  assert.is(replica.ingressStatus(msg)?.state.status, 'processing');
  while (replica.ingressStatus(msg)?.state.status === 'processing') {
    replica.tick();
    rounds++;
  }
  assert.is(replica.ingressStatus(msg)?.state.status, 'replied');
  assert.is(readU64(await replica.query(long, 'value', new Uint8Array())), committedBefore + 1n);
  const executed = c.executionStats.instructions - statsBefore;
  assert.ok(executed >= 10_000_000_000n, `${executed}`);
  const slice = replica.limits.instructionsPerSlice;
  const expectedRounds = Number((executed + slice - 1n) / slice);
  assert.is(rounds, expectedRounds);
});

test('the message limit still bounds a sliced message: IC0522 after its slices', async () => {
  const replica = await Replica.create({ limits: { instructionsPerSlice: 1_000_000n, instructionsPerMessage: 5_000_000n } });
  const id = await replica.installCanister({ wasm: await compileWat(WAT) });
  const msg = replica.submitIngress(id, 'burn', u64(100_000_000n));
  let rounds = 0;
  while (!replica.ingressStatus(msg)?.result) {
    replica.tick();
    rounds++;
  }
  const result = replica.ingressStatus(msg)?.result;
  assert.is(result?.kind, 'reject');
  if (result?.kind === 'reject') assert.is(result.error?.code, ErrorCode.CanisterInstructionLimitExceeded);
  assert.ok(rounds >= 5, `${rounds} rounds`);
  assert.is(readU64(await replica.query(id, 'value', new Uint8Array())), 0n);
  void UserError;
});

test.run();
