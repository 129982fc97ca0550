// A trap after writes leaves the heap (Motoko variables) and stable memory (a Region) exactly as the
// last committed message left them, and the caller gets IC0503 with the canister's message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode, RejectCode } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { decodeNat, decodeNat64, nat, none } from '../support/candid.ts';

test('setThenTrap changes nothing', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('trapping').wasm });
  await replica.update(id, 'set', nat(1));
  const stableBefore = replica.canister(id).stableMemory().sizePages();
  const heapBefore = replica.canister(id).heapBytes();
  let error: unknown;
  try {
    await replica.update(id, 'setThenTrap', nat(2));
  } catch (e) {
    error = e;
  }
  assert.instance(error, UserError);
  const u = error as UserError;
  assert.is(u.code, ErrorCode.CanisterCalledTrap);
  assert.is(u.rejectCode, RejectCode.CANISTER_ERROR);
  assert.match(u.description, `Error from Canister ${id.toText()}: Canister called \`ic0.trap\` with message: 'setThenTrap: refusing 2'`);
  assert.is(decodeNat(await replica.query(id, 'get', none())), 1n);
  assert.is(decodeNat(await replica.query(id, 'logSize', none())), 1n);
  assert.is(decodeNat64(await replica.query(id, 'stableWord', none())), 7n);
  assert.is(replica.canister(id).stableMemory().sizePages(), stableBefore);
  assert.ok(replica.canister(id).heapBytes() >= heapBefore);
  // and the canister keeps working afterwards
  await replica.update(id, 'set', nat(3));
  assert.is(decodeNat(await replica.query(id, 'get', none())), 3n);
  assert.is(decodeNat(await replica.query(id, 'logSize', none())), 2n);
});

test('many traps in a row never leak state', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('trapping').wasm });
  await replica.update(id, 'set', nat(10));
  for (let i = 0; i < 20; i++) {
    await replica.update(id, 'setThenTrap', nat(i)).then(
      () => assert.unreachable('must trap'),
      (e: unknown) => assert.instance(e, UserError),
    );
  }
  assert.is(decodeNat(await replica.query(id, 'get', none())), 10n);
  assert.is(decodeNat(await replica.query(id, 'logSize', none())), 1n);
});

test('the trap message lands in the canister log', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('trapping').wasm });
  await replica.update(id, 'setThenTrap', nat(5)).catch(() => undefined);
  const lines = replica.canister(id).log.lines();
  assert.ok(lines.some((l) => l.includes('[TRAP]: setThenTrap: refusing 5')), lines.join('\n'));
});

test.run();
