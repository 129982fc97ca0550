// A JS canister serves its interface as the candid:service metadata: .did text verbatim, or text
// printed from an idlFactory, which parses back to the same service. The .did parser handles the
// common subset (named and recursive types, records, tuples, variants, vec, opt, blob, principal,
// numbers, query / composite_query annotations, init arguments).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica, defineCanister, parseCandid, serviceToCandid } from '@mockic/runtime';
import { query } from './support.ts';

const DID = `// a ledger-ish service
type Account = record { owner : principal; subaccount : opt blob };
type Tree = variant { leaf : nat64; node : record { Tree; Tree } };
type Result = variant { Ok : nat; Err : variant { InsufficientFunds : record { balance : nat }; TooOld } };
service : (record { name : text; "decimals" : nat8 }) -> {
  balance_of : (Account) -> (nat) query;
  transfer : (to : Account, amount : nat) -> (Result);
  depth : (Tree) -> (int32) composite_query;
  meta : () -> (vec record { text; int }) query;
}`;

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

test('.did text is served verbatim and drives decoding', async () => {
  const replica = await Replica.create();
  const id = await replica.installJsCanister(
    defineCanister({
      candid: DID,
      init: (ctx) => {
        const [cfg] = ctx.args as [{ name: string }];
        assert.is(cfg.name, 'Tok');
      },
      methods: {
        balance_of: ({ args: [account] }) => ((account as { owner: Principal }).owner.isAnonymous() ? 0n : 42n),
        meta: () => [['a', -1n]],
      },
    }),
    { arg: [{ name: 'Tok', decimals: 8 }] },
  );
  assert.is(text(replica.canister(id).installedModule?.publicMetadata.get('candid:service')), DID);
  const parsed = parseCandid(DID);
  const account = parsed.types.get('Account') as IDL.Type;
  const owner = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
  assert.is(await query(replica, id, 'balance_of', [{ owner, subaccount: [] }], { args: [account], rets: [IDL.Nat] }), 42n);
  assert.equal(await query(replica, id, 'meta', [], { rets: [IDL.Vec(IDL.Tuple(IDL.Text, IDL.Int))] }), [['a', -1n]]);
});

test('the parser builds the types the IDL would', () => {
  const { service, initArgs, types } = parseCandid(DID);
  const methods = new Map(service._fields);
  assert.equal(methods.get('balance_of')?.annotations, ['query']);
  assert.equal(methods.get('depth')?.annotations, ['composite_query']);
  assert.equal(methods.get('transfer')?.annotations, []);
  assert.is(initArgs.length, 1);
  const tree = types.get('Tree') as IDL.Type;
  const value = { node: [{ leaf: 1n }, { node: [{ leaf: 2n }, { leaf: 3n }] }] };
  assert.equal(IDL.decode([tree], IDL.encode([tree], [value])), [value]);
  const result = types.get('Result') as IDL.Type;
  const expected = IDL.Variant({ Ok: IDL.Nat, Err: IDL.Variant({ InsufficientFunds: IDL.Record({ balance: IDL.Nat }), TooOld: IDL.Null }) });
  assert.is(result.display(), expected.display());
});

test('an idlFactory is printed as .did text that parses back to the same service', async () => {
  const idlFactory: IDL.InterfaceFactory = ({ IDL }) => {
    const List = IDL.Rec();
    List.fill(IDL.Opt(IDL.Tuple(IDL.Int, List)));
    return IDL.Service({
      greet: IDL.Func([IDL.Text], [IDL.Text], ['query']),
      put: IDL.Func([IDL.Record({ key: IDL.Text, value: IDL.Vec(IDL.Nat8), 'with space': IDL.Bool })], [IDL.Variant({ ok: IDL.Null, err: IDL.Text })], []),
      list: IDL.Func([List], [IDL.Nat], ['composite_query']),
    });
  };
  const replica = await Replica.create();
  const id = await replica.installJsCanister(defineCanister({ idlFactory, methods: { greet: ({ args: [n] }) => `hi ${n}` } }));
  const did = text(replica.canister(id).installedModule?.publicMetadata.get('candid:service'));
  assert.match(did, 'greet : (text) -> (text) query;');
  assert.match(did, 'value : blob');
  assert.match(did, '"with space" : bool');
  const reparsed = parseCandid(did).service;
  assert.is(serviceToCandid(reparsed), did);
  const listArg = (s: IDL.ServiceClass) => (new Map(s._fields).get('list') as IDL.FuncClass).argTypes;
  const list = [[1n, [[2n, []]]]];
  assert.equal(IDL.encode(listArg(reparsed), [list]), IDL.encode(listArg(idlFactory({ IDL })), [list]));
  assert.equal([...(replica.canister(id).installedModule?.methods ?? [])], [
    ['greet', 'query'],
    ['list', 'composite_query'],
    ['put', 'update'],
  ]);
});

test.run();
