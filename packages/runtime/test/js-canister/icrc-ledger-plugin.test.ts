// The ICRC-1/ICRC-2 ledger plugin: transfers move balances and burn the fee, the standard's
// errors (InsufficientFunds, BadFee, Duplicate, InsufficientAllowance) come back as Err variants,
// approve + transfer_from spend an allowance, and a JS canister can call the ledger.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica, defineCanister, icrcLedger, type JsCanister } from '@mockic/runtime';

const alice = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const bob = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const carol = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const account = (owner: Principal) => ({ owner, subaccount: [] });
const none = { fee: [], memo: [], created_at_time: [] };

function caller(replica: Replica, ledger: JsCanister, id: Principal) {
  const sig = (m: string) => new Map(ledger.service._fields).get(m) as IDL.FuncClass;
  return async (method: string, sender: Principal, ...args: unknown[]): Promise<unknown> => {
    const f = sig(method);
    const bytes = await replica.update(id, method, IDL.encode(f.argTypes, args), { sender });
    return IDL.decode(f.retTypes, bytes)[0];
  };
}

async function setup() {
  const replica = await Replica.create();
  const ledger = icrcLedger({ symbol: 'TST', fee: 10n, initialBalances: [[alice, 1_000n]] });
  const id = await replica.installJsCanister(ledger);
  return { replica, ledger, id, call: caller(replica, ledger, id) };
}

test('transfer moves the amount and burns the fee', async () => {
  const { call } = await setup();
  assert.equal(await call('icrc1_transfer', alice, { ...none, from_subaccount: [], to: account(bob), amount: 100n }), { Ok: 1n });
  assert.is(await call('icrc1_balance_of', alice, account(alice)), 890n);
  assert.is(await call('icrc1_balance_of', alice, account(bob)), 100n);
  assert.is(await call('icrc1_total_supply', alice), 990n);
  assert.is(await call('icrc1_symbol', alice), 'TST');
});

test('insufficient funds and a bad fee are Err variants; nothing moves', async () => {
  const { call } = await setup();
  assert.equal(await call('icrc1_transfer', bob, { ...none, from_subaccount: [], to: account(alice), amount: 5n }), {
    Err: { InsufficientFunds: { balance: 0n } },
  });
  assert.equal(await call('icrc1_transfer', alice, { ...none, fee: [1n], from_subaccount: [], to: account(bob), amount: 5n }), {
    Err: { BadFee: { expected_fee: 10n } },
  });
  assert.is(await call('icrc1_balance_of', alice, account(alice)), 1_000n);
});

test('a transaction with created_at_time is deduplicated', async () => {
  const { replica, call } = await setup();
  const tx = { ...none, created_at_time: [replica.time], from_subaccount: [], to: account(bob), amount: 1n };
  assert.equal(await call('icrc1_transfer', alice, tx), { Ok: 1n });
  assert.equal(await call('icrc1_transfer', alice, tx), { Err: { Duplicate: { duplicate_of: 1n } } });
});

test('approve then transfer_from spends the allowance', async () => {
  const { call } = await setup();
  assert.equal(
    await call('icrc2_approve', alice, { ...none, from_subaccount: [], spender: account(bob), amount: 300n, expected_allowance: [], expires_at: [] }),
    { Ok: 1n },
  );
  assert.equal(await call('icrc2_allowance', bob, { account: account(alice), spender: account(bob) }), { allowance: 300n, expires_at: [] });
  const from = { ...none, spender_subaccount: [], from: account(alice), to: account(carol) };
  assert.equal(await call('icrc2_transfer_from', bob, { ...from, amount: 500n }), { Err: { InsufficientAllowance: { allowance: 300n } } });
  assert.equal(await call('icrc2_transfer_from', bob, { ...from, amount: 200n }), { Ok: 2n });
  assert.is(await call('icrc1_balance_of', bob, account(carol)), 200n);
  assert.is(await call('icrc1_balance_of', bob, account(alice)), 1_000n - 10n - 210n);
  assert.equal(await call('icrc2_allowance', bob, { account: account(alice), spender: account(bob) }), { allowance: 90n, expires_at: [] });
});

test('a JS canister pays through the ledger with a generator call', async () => {
  const { replica, ledger, id, call } = await setup();
  const shop = defineCanister({
    candid: 'service : { buy : (nat) -> (text) }',
    methods: {
      *buy(ctx) {
        const r = (yield ctx.call(id, 'icrc2_transfer_from', [
          { ...none, spender_subaccount: [], from: account(ctx.caller), to: account(ctx.self), amount: ctx.args[0] },
        ], { idl: ledger })) as { Ok?: bigint; Err?: Record<string, unknown> };
        return r.Ok !== undefined ? `paid in block ${r.Ok}` : `failed: ${Object.keys(r.Err ?? {})[0]}`;
      },
    },
  });
  const shopId = await replica.installJsCanister(shop);
  const buy = async (amount: bigint) => IDL.decode([IDL.Text], await replica.update(shopId, 'buy', IDL.encode([IDL.Nat], [amount]), { sender: alice }))[0];
  assert.is(await buy(50n), 'failed: InsufficientAllowance');
  await call('icrc2_approve', alice, { ...none, from_subaccount: [], spender: account(shopId), amount: 100n, expected_allowance: [], expires_at: [] });
  assert.is(await buy(50n), 'paid in block 2');
  assert.is(await call('icrc1_balance_of', alice, account(shopId)), 50n);
});

test.run();
