// Timers on the fake clock: PocketIc's time stands still until the test moves it. advanceTime moves
// it, tick runs rounds (that is when the canister's global timer goes off), so a test decides exactly
// when a timer may fire, and a minute-long timer takes no wall-clock time at all.
// As in @dfinity/pic, advanceTime(ms) is setTime(getTime() + ms) on a millisecond clock, so the tests
// step past a deadline by a margin rather than onto its exact nanosecond.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { IDL } from '@dfinity/candid';
import { compileMotoko } from '@mockic/fixtures';
import { PocketIc, type Actor } from '@mockic/pocket';

interface Event {
  kind: { reminder: string } | { sweep: bigint };
  at: bigint;
}
interface RemindersService {
  remindIn: (seconds: bigint, text: string) => Promise<bigint>;
  cancelReminder: (id: bigint) => Promise<null>;
  startSweeping: (seconds: bigint) => Promise<null>;
  stopSweeping: () => Promise<null>;
  log: () => Promise<Event[]>;
  now: () => Promise<bigint>;
}
const idlFactory: IDL.InterfaceFactory = ({ IDL }) => {
  const Event = IDL.Record({ kind: IDL.Variant({ reminder: IDL.Text, sweep: IDL.Nat }), at: IDL.Int });
  return IDL.Service({
    remindIn: IDL.Func([IDL.Nat, IDL.Text], [IDL.Nat], []),
    cancelReminder: IDL.Func([IDL.Nat], [], []),
    startSweeping: IDL.Func([IDL.Nat], [], []),
    stopSweeping: IDL.Func([], [], []),
    log: IDL.Func([], [IDL.Vec(Event)], ['query']),
    now: IDL.Func([], [IDL.Int], ['query']),
  });
};

const { wasm } = compileMotoko(readFileSync(new URL('../src/reminders.mo', import.meta.url), 'utf8'));
const SECOND = 1_000_000_000n; // Time.now() is in nanoseconds; pic.advanceTime takes milliseconds

let pic: PocketIc;
let actor: Actor<RemindersService>;

/** Moves the fake clock and runs a few rounds, so whatever has come due fires. */
async function wait(ms: number): Promise<void> {
  await pic.advanceTime(ms);
  await pic.tick(2);
}

const reminders = (log: Event[]) => log.flatMap((e) => ('reminder' in e.kind ? [e.kind.reminder] : []));
const sweeps = (log: Event[]) => log.filter((e) => 'sweep' in e.kind);

test.before.each(async () => {
  pic = await PocketIc.create();
  ({ actor } = await pic.setupCanister<RemindersService>({ idlFactory, wasm }));
});

test.after.each(async () => {
  await pic.tearDown();
});

test('a one-shot timer fires once its time has come, and only once', async () => {
  const start = await actor.now();
  await actor.remindIn(60n, 'stand up');
  await pic.tick(5);
  assert.equal(await actor.log(), [], 'rounds alone do not move the clock');
  await wait(59_000);
  assert.equal(await actor.log(), [], 'not after 59 s');
  await pic.advanceTime(2_000);
  assert.equal(await actor.log(), [], 'due now, but no round has run yet: a query does not fire timers');
  await pic.tick();
  const log = await actor.log();
  assert.equal(reminders(log), ['stand up'], 'after 61 s');
  assert.ok((log[0]?.at ?? 0n) >= start + 60n * SECOND, 'Time.now() in the timer is at or past its deadline');
  await wait(600_000);
  assert.is((await actor.log()).length, 1, 'a one-shot timer does not fire again');
});

test('several one-shot timers fire in deadline order, however far the clock jumps', async () => {
  await actor.remindIn(30n, 'third');
  await actor.remindIn(10n, 'first');
  await actor.remindIn(20n, 'second');
  await wait(3_600_000);
  assert.equal(reminders(await actor.log()), ['first', 'second', 'third']);
});

test('a cancelled one-shot timer never fires', async () => {
  const id = await actor.remindIn(10n, 'cancelled');
  await actor.remindIn(20n, 'kept');
  await actor.cancelReminder(id);
  await wait(30_000);
  assert.equal(reminders(await actor.log()), ['kept']);
});

test('a recurring timer fires every period until it is cancelled', async () => {
  const start = await actor.now();
  await actor.startSweeping(10n);
  await wait(9_000);
  assert.equal(sweeps(await actor.log()), [], 'nothing before the first period');
  await wait(1_500);
  assert.is(sweeps(await actor.log()).length, 1, 'the first sweep after 10 s');
  for (let i = 0; i < 4; i++) await wait(10_000);
  const fired = sweeps(await actor.log());
  assert.equal(fired.map((e) => e.kind), [1n, 2n, 3n, 4n, 5n].map((n) => ({ sweep: n })), 'once per period');
  fired.forEach((e, i) => assert.ok(e.at >= start + BigInt(i + 1) * 10n * SECOND, `sweep ${i + 1} not early`));

  await actor.stopSweeping();
  await wait(60_000);
  assert.is(sweeps(await actor.log()).length, 5, 'cancelling stopped it');
});

test('one-shot and recurring timers interleave on the same clock', async () => {
  await actor.startSweeping(10n);
  await actor.remindIn(25n, 'coffee');
  await wait(500);
  for (let i = 0; i < 3; i++) await wait(10_000);
  assert.equal(
    (await actor.log()).map((e) => e.kind),
    [{ sweep: 1n }, { sweep: 2n }, { reminder: 'coffee' }, { sweep: 3n }],
  );
});

test.run();
