// Timers run on the replica clock: nothing fires until time passes; after advanceTime and a round
// the one-shot timer fires once, and a recurring timer fires once per interval.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { decodeNat, nat, none } from '../support/candid.ts';

const SECOND = 1_000_000_000n;

test('one-shot timer fires after advanceTime', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('timer').wasm });
  await replica.update(id, 'schedule', nat(10));
  replica.tick();
  replica.tick();
  assert.is(decodeNat(await replica.query(id, 'firedCount', none())), 0n);
  replica.advanceTime(10n * SECOND);
  for (let i = 0; i < 3; i++) replica.tick();
  assert.is(decodeNat(await replica.query(id, 'firedCount', none())), 1n);
  replica.advanceTime(100n * SECOND);
  for (let i = 0; i < 3; i++) replica.tick();
  assert.is(decodeNat(await replica.query(id, 'firedCount', none())), 1n);
});

test('recurring timer fires once per interval', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: motokoFixture('timer').wasm });
  await replica.update(id, 'startTicking', nat(5));
  for (let k = 0; k < 4; k++) {
    replica.advanceTime(5n * SECOND);
    for (let i = 0; i < 3; i++) replica.tick();
  }
  assert.is(decodeNat(await replica.query(id, 'tickCount', none())), 4n);
  await replica.update(id, 'stopTicking', none());
  replica.advanceTime(50n * SECOND);
  for (let i = 0; i < 3; i++) replica.tick();
  assert.is(decodeNat(await replica.query(id, 'tickCount', none())), 4n);
});

test.run();
