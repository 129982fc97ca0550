// Cycles between JS canisters: the caller attaches cycles to a call, the callee sees them as
// available and accepts part of them, the rest is refunded to the caller (ctx.cycles.refunded in
// the execution after the yield), and both balances move by exactly that (fees off).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { Replica, defineCanister } from '@mockic/runtime';
import { update } from './support.ts';

const piggy = defineCanister({
  candid: 'service : { deposit : () -> (nat64, nat64) }',
  methods: {
    deposit: (ctx) => {
      const available = ctx.cycles.available();
      const accepted = ctx.cycles.accept(available / 2n);
      return [available, accepted];
    },
  },
});

const bank = defineCanister({
  candid: 'service : { send : (principal, nat) -> (nat64, nat64, nat) }',
  methods: {
    *send(ctx) {
      const [to, amount] = ctx.args as [Principal, bigint];
      const [available, accepted] = (yield ctx.call(to, 'deposit', [], { idl: piggy, cycles: amount })) as [bigint, bigint];
      assert.is(available, amount);
      return [available, accepted, ctx.cycles.refunded()];
    },
  },
});

test('accept takes part of the attached cycles, the rest is refunded', async () => {
  const replica = await Replica.create({ chargeCycles: false });
  const p = await replica.installJsCanister(piggy, { cycles: 1_000n });
  const b = await replica.installJsCanister(bank, { cycles: 10_000_000n });
  const r = await update(replica, b, 'send', [p, 600n], { args: [IDL.Principal, IDL.Nat], rets: [IDL.Nat64, IDL.Nat64, IDL.Nat] });
  assert.equal(r, [600n, 300n, 300n]);
  assert.is(replica.canister(p).balance, 1_300n);
  const callFee = replica.fees.call(BigInt('deposit'.length), BigInt(IDL.encode([], []).length));
  assert.is(replica.canister(b).balance, 10_000_000n - 300n - callFee);
});

test.run();
