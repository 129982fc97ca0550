// ctx.setTimer schedules a callback on the replica clock (multiplexed over the canister's global
// timer): it fires in the first round at or after its time, intervals repeat, clearTimer cancels,
// and a timer that throws is rolled back alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Replica, defineCanister, type JsContext } from '@mockic/runtime';
import { query, update } from './support.ts';

const SECOND = 1_000_000_000n;
interface State {
  fired: string[];
  ticks: bigint;
  interval: number;
}

const clockwork = defineCanister({
  candid: 'service : { schedule : () -> (); stopTicking : () -> (); fired : () -> (vec text, nat) query }',
  state: (): State => ({ fired: [], ticks: 0n, interval: 0 }),
  methods: {
    schedule: (ctx: JsContext<State>) => {
      ctx.setTimer(10n * SECOND, (t) => {
        t.state.fired.push(`once at ${t.time / SECOND}`);
      });
      ctx.setTimer(5n * SECOND, (t) => {
        t.state.fired.push('bad');
        throw new Error('timer failure');
      });
      ctx.state.interval = ctx.setTimerInterval(3n * SECOND, (t) => {
        t.state.ticks++;
      });
    },
    stopTicking: (ctx: JsContext<State>) => ctx.clearTimer(ctx.state.interval),
    fired: ({ state }) => [state.fired, state.ticks],
  },
});

test('timers fire as the clock advances; intervals repeat until cleared', async () => {
  const start = 1_700_000_000n * SECOND;
  const replica = await Replica.create({ time: start });
  const id = await replica.installJsCanister(clockwork);
  await update(replica, id, 'schedule');
  const fired = async () => (await query(replica, id, 'fired', [], { rets: [IDL.Vec(IDL.Text), IDL.Nat] })) as [string[], bigint];
  replica.advanceTime(2n * SECOND);
  replica.tick();
  assert.equal(await fired(), [[], 0n]);
  replica.advanceTime(2n * SECOND); // t = 4 s: the 3 s interval
  replica.tick();
  assert.equal(await fired(), [[], 1n]);
  replica.advanceTime(7n * SECOND); // t = 11 s: the failing 5 s timer (rolled back), the 10 s timer, the interval again
  replica.tick();
  assert.equal(await fired(), [[`once at ${start / SECOND + 11n}`], 2n]);
  assert.ok(replica.canister(id).log.lines().some((l) => l.includes('timer failure')));
  await update(replica, id, 'stopTicking');
  replica.advanceTime(30n * SECOND);
  replica.tick();
  assert.equal(await fired(), [[`once at ${start / SECOND + 11n}`], 2n]);
  assert.is(replica.canister(id).globalTimer, 0n);
});

test.run();
