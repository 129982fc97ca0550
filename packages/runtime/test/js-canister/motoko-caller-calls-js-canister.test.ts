// A Wasm canister calls a JS canister: Motoko's `caller` awaits `add(n)` on a JS canister that
// implements `add : (nat) -> (nat)`, and gets its replies (and its state persists between calls).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Replica, defineCanister } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { update } from './support.ts';

test('Motoko caller.callAdd reaches the JS add', async () => {
  const replica = await Replica.create();
  const callers: string[] = [];
  const jsCallee = await replica.installJsCanister(
    defineCanister({
      candid: 'service : { add : (nat) -> (nat) }',
      state: () => ({ total: 0n }),
      methods: {
        add: (ctx) => {
          callers.push(ctx.caller.toText());
          ctx.state.total += ctx.args[0] as bigint;
          return ctx.state.total;
        },
      },
    }),
  );
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const t = { args: [IDL.Principal, IDL.Nat], rets: [IDL.Nat] };
  assert.is(await update(replica, caller, 'callAdd', [jsCallee, 5n], t), 5n);
  assert.is(await update(replica, caller, 'callAdd', [jsCallee, 3n], t), 8n);
  assert.equal(callers, [caller.toText(), caller.toText()]);
});

test('a JS trap reaches the Motoko caller as a reject it can catch', async () => {
  const replica = await Replica.create();
  const jsCallee = await replica.installJsCanister(
    defineCanister({
      candid: 'service : { add : (nat) -> (nat); fail : (text) -> (nat) }',
      methods: {
        add: () => 0n,
        fail: (ctx) => ctx.trap(`js says ${ctx.args[0]}`),
      },
    }),
  );
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const message = await update(replica, caller, 'callFail', [jsCallee, 'no'], { args: [IDL.Principal, IDL.Text], rets: [IDL.Text] });
  assert.match(message as string, "Canister called `ic0.trap` with message: 'js says no'");
});

test.run();
