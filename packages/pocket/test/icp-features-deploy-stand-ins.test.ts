// icp_features: icpToken, cyclesToken and ii deploy mockic's stand-ins at the mainnet ids, on the NNS
// and II subnets PocketIC adds for them — in-process and through the unmodified @dfinity/pic client
// against the server. The ICP ledger funds the anonymous principal with 1,000,000,000 ICP and
// answers ICRC-1 transfers; the cycles ledger is TCYCLES; II answers get_principal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { PocketIc as PicJsPocketIc } from '@dfinity/pic';
import { IcpFeaturesConfig, PocketIc, startPocketIcServer } from '../src/index.ts';

const ICP_LEDGER = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const CYCLES_LEDGER = Principal.fromText('um5iw-rqaaa-aaaaq-qaaba-cai');
const II = Principal.fromText('rdmx6-jaaaa-aaaaa-aaadq-cai');
const bob = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');

const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const TransferArg = IDL.Record({
  from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)),
  to: Account,
  amount: IDL.Nat,
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
const ledgerIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    icrc1_symbol: IDL.Func([], [IDL.Text], ['query']),
    icrc1_decimals: IDL.Func([], [IDL.Nat8], ['query']),
    icrc1_balance_of: IDL.Func([Account], [IDL.Nat], ['query']),
    icrc1_transfer: IDL.Func([TransferArg], [IDL.Variant({ Ok: IDL.Nat, Err: IDL.Reserved })], []),
  });
const iiIdl: IDL.InterfaceFactory = ({ IDL }) => IDL.Service({ get_principal: IDL.Func([IDL.Nat64, IDL.Text], [IDL.Principal], ['query']) });

interface Ledger {
  icrc1_symbol: () => Promise<string>;
  icrc1_decimals: () => Promise<number>;
  icrc1_balance_of: (a: { owner: Principal; subaccount: [] }) => Promise<bigint>;
  icrc1_transfer: (a: unknown) => Promise<{ Ok?: bigint }>;
}

const account = (owner: Principal) => ({ owner, subaccount: [] as [] });
const ONE_BILLION_ICP = 1_000_000_000n * 100_000_000n;

type AnyPic = {
  createActor: <T>(idl: IDL.InterfaceFactory, id: Principal) => T;
  getTopology: () => Promise<Array<{ type: string }>>;
  tearDown: () => Promise<void>;
};

async function checkFeatures(pic: AnyPic): Promise<void> {
  assert.ok((await pic.getTopology()).some((s) => s.type === 'NNS'), 'an NNS subnet was added');
  assert.ok((await pic.getTopology()).some((s) => s.type === 'II'), 'an II subnet was added');
  const icp = pic.createActor<Ledger>(ledgerIdl, ICP_LEDGER);
  assert.is(await icp.icrc1_symbol(), 'ICP');
  assert.is(await icp.icrc1_decimals(), 8);
  assert.is(await icp.icrc1_balance_of(account(Principal.anonymous())), ONE_BILLION_ICP);
  const sent = await icp.icrc1_transfer({ from_subaccount: [], to: account(bob), amount: 5n * 100_000_000n, fee: [], memo: [], created_at_time: [] });
  assert.ok(sent.Ok !== undefined, JSON.stringify(sent, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  assert.is(await icp.icrc1_balance_of(account(bob)), 500_000_000n);
  assert.is(await icp.icrc1_balance_of(account(Principal.anonymous())), ONE_BILLION_ICP - 500_000_000n - 10_000n, 'the 10,000 e8s fee');
  const cycles = pic.createActor<Ledger>(ledgerIdl, CYCLES_LEDGER);
  assert.is(await cycles.icrc1_symbol(), 'TCYCLES');
  const ii = pic.createActor<{ get_principal: (a: bigint, f: string) => Promise<Principal> }>(iiIdl, II);
  assert.is((await ii.get_principal(10_000n, 'https://app.example')).toText().length > 20, true);
}

test('in-process: icpToken, cyclesToken and ii', async () => {
  const pic = await PocketIc.create({ icpFeatures: { icpToken: IcpFeaturesConfig.DefaultConfig, cyclesToken: IcpFeaturesConfig.DefaultConfig, ii: IcpFeaturesConfig.DefaultConfig } });
  try {
    await checkFeatures(pic as unknown as AnyPic);
  } finally {
    await pic.tearDown();
  }
});

test('the @dfinity/pic client against the server: the same features', async () => {
  const server = await startPocketIcServer();
  try {
    const pic = await PicJsPocketIc.create(server.url, { icpFeatures: { icpToken: 'DefaultConfig' as never, cyclesToken: 'DefaultConfig' as never, ii: 'DefaultConfig' as never } });
    try {
      await checkFeatures(pic as unknown as AnyPic);
    } finally {
      await pic.tearDown();
    }
  } finally {
    await server.close();
  }
});

test.run();
