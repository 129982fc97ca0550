// ctx.reject answers with reject code CANISTER_REJECT (4) and the message; unlike a trap, the
// execution's state changes are kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Replica, defineCanister, RejectCode } from '@mockic/runtime';
import { query, rejection, update } from './support.ts';

test('ctx.reject rejects with CANISTER_REJECT and keeps state', async () => {
  const replica = await Replica.create();
  const id = await replica.installJsCanister(
    defineCanister({
      candid: 'service : { withdraw : (nat) -> (nat); attempts : () -> (nat) query }',
      state: () => ({ attempts: 0n, balance: 10n }),
      methods: {
        withdraw: (ctx) => {
          const amount = ctx.args[0] as bigint;
          ctx.state.attempts++;
          if (amount > ctx.state.balance) return ctx.reject(`insufficient balance: ${ctx.state.balance}`);
          ctx.state.balance -= amount;
          return ctx.state.balance;
        },
        attempts: ({ state }) => state.attempts,
      },
    }),
  );
  const e = await rejection(update(replica, id, 'withdraw', [50n], { args: [IDL.Nat], rets: [IDL.Nat] }));
  assert.is(e.rejectCode, RejectCode.CANISTER_REJECT);
  assert.is(e.message.endsWith('insufficient balance: 10'), true, e.message);
  assert.is(await update(replica, id, 'withdraw', [4n], { args: [IDL.Nat], rets: [IDL.Nat] }), 6n);
  assert.is(await query(replica, id, 'attempts', [], { rets: [IDL.Nat] }), 2n);
});

test.run();
