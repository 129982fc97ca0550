// Termination: a message that never ends stops at the instruction limit with IC0522, and the
// canister's state is as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { compileWat, motokoFixture } from '@mockic/fixtures';
import { decodeNat, nat, none } from '../support/candid.ts';

test('forever() ends with the instruction-limit error', async () => {
  const replica = await Replica.create({ limits: { instructionsPerMessage: 20_000_000n } });
  const id = await replica.installCanister({ wasm: motokoFixture('long-loop').wasm });
  await replica.update(id, 'spin', nat(10));
  const before = decodeNat(await replica.query(id, 'lastResult', none()));
  const error = await replica.update(id, 'forever', none()).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, UserError);
  assert.is((error as UserError).code, ErrorCode.CanisterInstructionLimitExceeded);
  assert.match(
    (error as UserError).description,
    `Error from Canister ${id.toText()}: Canister exceeded the limit of 20000000 instructions for single message execution.`,
  );
  assert.is(decodeNat(await replica.query(id, 'lastResult', none())), before);
});

test('a query has its own limit', async () => {
  const replica = await Replica.create({ limits: { instructionsPerQuery: 1_000_000n } });
  const id = await replica.installCanister({ wasm: motokoFixture('long-loop').wasm });
  const error = await replica.query(id, 'counterAround', nat(10_000_000)).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, UserError);
  assert.is((error as UserError).code, ErrorCode.CanisterInstructionLimitExceeded);
  assert.match((error as UserError).description, 'limit of 1000000 instructions');
});

test('work below the limit completes', async () => {
  const replica = await Replica.create({ limits: { instructionsPerMessage: 200_000_000n } });
  const id = await replica.installCanister({ wasm: motokoFixture('long-loop').wasm });
  const r = decodeNat(await replica.update(id, 'spin', nat(1000)));
  let acc = 0n;
  for (let i = 0n; i < 1000n; i++) acc = (acc + i * 7n) % 1_000_003n;
  assert.is(r, acc);
});

// Loop headers and function entries execute `unreachable` when the budget is gone; the host tells that
// apart from the canister's own `unreachable` by the counter.
const rawWat = `(module (memory 1)
  (func (export "canister_update spin") (loop $l (br $l)))
  (func (export "canister_update recurse") (call $r))
  (func $r (call $r))
  (func (export "canister_update boom") (unreachable)))`;

test('a raw Wasm loop is the instruction limit; a genuine unreachable is a trap', async () => {
  const replica = await Replica.create({ limits: { instructionsPerMessage: 5_000_000n } });
  const id = replica.createCanister();
  replica.installCode({ canisterId: id, wasm: await compileWat(rawWat) });
  const failure = async (method: string): Promise<UserError> => {
    try {
      await replica.update(id, method, none());
    } catch (e) {
      assert.instance(e, UserError);
      return e as UserError;
    }
    throw new Error(`${method} must fail`);
  };
  const spin = await failure('spin');
  assert.is(spin.code, ErrorCode.CanisterInstructionLimitExceeded);
  assert.match(spin.description, 'limit of 5000000 instructions');
  const boom = await failure('boom');
  assert.is(boom.code, ErrorCode.CanisterTrapped);
  assert.match(boom.description, 'unreachable');
  const recurse = await failure('recurse');
  assert.ok(
    recurse.code === ErrorCode.CanisterInstructionLimitExceeded || recurse.code === ErrorCode.CanisterTrapped,
    recurse.description,
  );
});

test('a start function that never ends fails the install with the instruction limit', async () => {
  const replica = await Replica.create({
    limits: { instructionsPerInstallCode: 5_000_000n, instructionsPerInstallCodeSlice: 5_000_000n },
  });
  const id = replica.createCanister();
  let error: unknown;
  try {
    replica.installCode({ canisterId: id, wasm: await compileWat(`(module (memory 1) (func $s (loop $l (br $l))) (start $s))`) });
  } catch (e) {
    error = e;
  }
  assert.instance(error, UserError);
  assert.is((error as UserError).code, ErrorCode.CanisterInstructionLimitExceeded, (error as UserError).description);
  assert.is(replica.canister(id).moduleHash, undefined);
});

test.run();
