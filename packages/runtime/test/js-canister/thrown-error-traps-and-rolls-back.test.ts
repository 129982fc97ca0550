// A thrown Error is a trap: the caller gets IC0503 with the message, and every state change of
// the execution is rolled back (nested objects and Maps included).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Replica, defineCanister, ErrorCode } from '@mockic/runtime';
import { query, rejection, update } from './support.ts';

test('throwing traps with IC0503 and restores the committed state', async () => {
  const replica = await Replica.create();
  const id = await replica.installJsCanister(
    defineCanister({
      candid: 'service : { set : (nat) -> (); setThenThrow : (nat) -> (); get : () -> (nat, nat64) query }',
      state: () => ({ value: 0n, log: new Map<string, bigint>() }),
      methods: {
        set: ({ state, args: [n] }) => {
          state.value = n as bigint;
          state.log.set('set', n as bigint);
        },
        setThenThrow: ({ state, args: [n] }) => {
          state.value = n as bigint;
          state.log.set('bad', n as bigint);
          throw new Error(`refusing ${n}`);
        },
        get: ({ state }) => [state.value, BigInt(state.log.size)],
      },
    }),
  );
  await update(replica, id, 'set', [7n], { args: [IDL.Nat] });
  const e = await rejection(update(replica, id, 'setThenThrow', [99n], { args: [IDL.Nat] }));
  assert.is(e.code, ErrorCode.CanisterCalledTrap);
  assert.ok(e.message.startsWith('IC0503: '), e.message);
  assert.match(e.message, "Canister called `ic0.trap` with message: 'refusing 99'");
  assert.equal(await query(replica, id, 'get', [], { rets: [IDL.Nat, IDL.Nat64] }), [7n, 1n]);
  assert.match(replica.canister(id).log.lines().join('\n'), '[TRAP]: refusing 99');
});

test.run();
