// Candid textual values as init arguments: encoded against .did types (bytes equal to IDL.encode of
// the same JS values), inferred without types, clear errors, and `mockic serve` installing a Motoko
// actor class from a dfx.json `init_arg` written as Candid text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { parseCandid } from '@mockic/runtime';
import { compileMotoko } from '@mockic/fixtures';
import { encodeCandidText, CandidValueError } from '../src/candid-value-text.ts';
import { main } from '../src/cli.ts';
import { Actor, HttpAgent, freePort } from './support.ts';

const hex = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

const DID = `
type Mode = variant { Prod; Test : nat8; Staging : record { region : text } };
type InitArgs = record {
  owner : principal;
  decimals : nat8;
  names : vec text;
  mode : Mode;
  limit : opt nat;
  fee : nat64;
  delta : int;
  small : int16;
  ratio : float64;
  logo : blob;
  pair : record { nat32; text };
  memo : opt blob;
  flag : bool;
};
service : (InitArgs, opt text) -> { get : () -> (nat) query };
`;

const parsed = parseCandid(DID);

function same(text: string, values: unknown[], types: IDL.Type[] = parsed.initArgs, named = parsed.types): void {
  const got = encodeCandidText(text, { types, namedTypes: named });
  assert.is(hex(got), hex(IDL.encode(types, values)), text);
}

const fullInit = {
  owner: Principal.fromText('aaaaa-aa'),
  decimals: 8,
  names: ['a', 'b'],
  mode: { Prod: null },
  limit: [10n],
  fee: 10_000n,
  delta: -5n,
  small: -300,
  ratio: 0.25,
  logo: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  pair: [7, 'x'],
  memo: [],
  flag: true,
};

test('a full record against the .did types, with comments, separators and shorthand', () => {
  same(
    `(
      // the init record
      record {
        owner = principal "aaaaa-aa";
        decimals = 8 : nat8;            /* annotated */
        names = vec { "a"; "b"; };
        mode = variant { Prod };
        limit = opt 10;
        fee = 10_000;
        delta = -5;
        small = -300;
        ratio = 0.25;
        logo = blob "\\89PNG";
        pair = record { 7; "x" };
        memo = null;
        flag = true;
      },
      null
    )`,
    [fullInit, []],
  );
});

test('opt may be omitted, missing opt fields and trailing opt arguments are null, numbered labels', () => {
  same(
    `(record { owner = principal "aaaaa-aa"; decimals = 0x10; names = vec {}; mode = variant { Test = 3 }; limit = 1_000_000_000_000_000_000_000;
       fee = 0xffff_ffff_ffff_ffff; delta = +7; small = 32767; ratio = 1e3; logo = blob ""; pair = record { 0 = 1; 1 = "y" }; flag = false })`,
    [{ ...fullInit, decimals: 16, names: [], mode: { Test: 3 }, limit: [10n ** 21n], fee: 2n ** 64n - 1n, delta: 7n, small: 32767, ratio: 1000, logo: new Uint8Array(), pair: [1, 'y'], flag: false }, []],
  );
  same(
    `(record { owner = principal "aaaaa-aa"; decimals = 1; names = vec { "\\u{1F600}\\n\\t\\\\\\"'" }; mode = variant { Staging = record { region = "eu" } };
       fee = 1; delta = 0; small = -32768; ratio = -0x1.8p1; logo = vec { 1; 2 }; pair = record { 4294967295; "" }; memo = opt blob "\\00\\ff"; flag = true }, opt "note")`,
    [
      { ...fullInit, decimals: 1, names: ['\u{1F600}\n\t\\"\''], mode: { Staging: { region: 'eu' } }, limit: [], fee: 1n, delta: 0n, small: -32768, ratio: -3, logo: new Uint8Array([1, 2]), pair: [4294967295, ''], memo: [new Uint8Array([0, 255])] },
      ['note'],
    ],
  );
});

test('named types of the .did in annotations, quoted labels, func and service references', () => {
  same('(variant { Test = 9 } : Mode)', [{ Test: 9 }], [parsed.types.get('Mode') as IDL.Type]);
  const t = IDL.Record({ 'my field': IDL.Nat, cb: IDL.Func([], []), svc: IDL.Service({}) });
  same(`(record { "my field" = 1; cb = func "aaaaa-aa".notify; svc = service "2vxsx-fae" })`, [{ 'my field': 1n, cb: [Principal.fromText('aaaaa-aa'), 'notify'], svc: Principal.anonymous() }], [t]);
});

test('without types: inference from the literals', () => {
  const inferred = (text: string, types: IDL.Type[], values: unknown[]) =>
    assert.is(hex(encodeCandidText(text)), hex(IDL.encode(types, values)), text);
  inferred('(42, -1, 1.5, "hi", true, null, principal "aaaaa-aa", blob "ab")', [IDL.Nat, IDL.Int, IDL.Float64, IDL.Text, IDL.Bool, IDL.Null, IDL.Principal, IDL.Vec(IDL.Nat8)], [42n, -1n, 1.5, 'hi', true, null, Principal.fromText('aaaaa-aa'), new Uint8Array([97, 98])]);
  inferred(
    '(record { owner = principal "aaaaa-aa"; decimals = 8 : nat8; names = vec { "a"; "b" }; mode = variant { Prod }; limit = opt 10 })',
    [IDL.Record({ owner: IDL.Principal, decimals: IDL.Nat8, names: IDL.Vec(IDL.Text), mode: IDL.Variant({ Prod: IDL.Null }), limit: IDL.Opt(IDL.Nat) })],
    [{ owner: Principal.fromText('aaaaa-aa'), decimals: 8, names: ['a', 'b'], mode: { Prod: null }, limit: [10n] }],
  );
  inferred('(vec { opt 1; null; opt -2 }, vec {}, record { 1; "a" })', [IDL.Vec(IDL.Opt(IDL.Int)), IDL.Vec(IDL.Empty), IDL.Tuple(IDL.Nat, IDL.Text)], [[[1n], [], [-2n]], [], [1n, 'a']]);
  inferred('record { x = (5 : nat16) }', [IDL.Record({ x: IDL.Nat16 })], [{ x: 5 }]);
  inferred('(vec { 1; 2 } : blob, (3 : opt nat8))', [IDL.Vec(IDL.Nat8), IDL.Opt(IDL.Nat8)], [new Uint8Array([1, 2]), [3]]);
  assert.is(hex(encodeCandidText('()')), '4449444c0000');
});

function error(text: string, types?: IDL.Type[]): string {
  try {
    encodeCandidText(text, { types, what: 'canister ledger: init_arg' });
  } catch (e) {
    assert.instance(e, CandidValueError);
    return (e as Error).message;
  }
  assert.unreachable(`no error for ${text}`);
  return '';
}

test('errors name the source, the position and what was expected', () => {
  const init = parsed.initArgs;
  let m = error('(record { owner = principal "aaaaa-aa"; decimals = 300 })', init);
  assert.match(m, /^canister ledger: init_arg: line 1, column 52: expected a nat8 \(0 to 255\), found '300 }\)'/);
  m = error('(record {\n  owner = 5 })', init);
  assert.match(m, /line 2, column 11: expected principal "…"/);
  m = error('(record { owner = principal "aaaaa-aa" })', init);
  assert.match(m, /column 2: expected fields .*'decimals' \(type nat8\).*'names' \(type vec text\).* in the record/);
  assert.not.match(m, /'limit'|'memo'|'owner'/);
  m = error('(record { decimals = 1; nope = 2 })', [IDL.Record({ decimals: IDL.Nat8 })]);
  assert.match(m, /column 25: expected a field of record \{decimals:nat8\}/);
  assert.match(error('(variant { Other })', [parsed.types.get('Mode') as IDL.Type]), /expected a case of variant/);
  assert.match(error('(1, 2)', [IDL.Nat]), /column 5: expected 1 argument .*found another/);
  assert.match(error('(record { a = 1 }', []), /column 18: expected ',' or '\)', found the end of the text/);
  assert.match(error('("abc)'), /column 2: expected a closing '"'/);
  assert.match(error('(principal "not a principal")'), /expected a valid principal/);
  assert.match(error('(vec { 1; "a" })'), /column 11: expected an element of type nat/);
  assert.match(error('(1 : natural)'), /column 6: expected a type/);
  assert.match(error('(1.5)', [IDL.Nat]), /expected an integer \(type nat\)/);
  assert.match(error('(-1)', [IDL.Nat]), /expected a nat \(0 to ∞\)/);
  assert.match(error('(/* open'), /expected '\*\/' closing the comment/);
  assert.match(error('(5 : text)', [IDL.Nat]), /expected a value of type nat \(it is annotated text\)/);
});

// ------------------------------------------------------------------ end to end

const MOTOKO = `
persistent actor class Main(init : { owner : Principal; limit : Nat; tag : ?Text }) {
  public query func limit() : async Nat { init.limit };
  public query func owner() : async Principal { init.owner };
  public query func tag() : async ?Text { init.tag };
};
`;

async function serveProject(dir: string): Promise<{ lines: string[]; errors: string[]; url: string; stop: () => Promise<number> }> {
  const port = await freePort();
  const lines: string[] = [];
  const errors: string[] = [];
  const controller = new AbortController();
  const running = main(['serve', '--project', dir, '--port', String(port), '--in-memory'], { log: (s) => lines.push(s), error: (s) => errors.push(s) }, controller.signal);
  let done = false;
  void running.then(() => (done = true));
  for (let i = 0; i < 1000 && !lines.some((l) => l.includes('listening')) && !done; i++) await new Promise((r) => setTimeout(r, 20));
  return {
    lines,
    errors,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      controller.abort();
      return running;
    },
  };
}

function dfxProject(canister: Record<string, unknown>, did?: string): string {
  const { wasm, candid } = compileMotoko(MOTOKO);
  const dir = mkdtempSync(join(tmpdir(), 'mockic-initarg-'));
  mkdirSync(join(dir, 'build'), { recursive: true });
  writeFileSync(join(dir, 'build', 'main.wasm'), wasm);
  writeFileSync(join(dir, 'main.did'), did ?? candid);
  writeFileSync(join(dir, 'dfx.json'), JSON.stringify({ canisters: { main: { type: 'custom', wasm: 'build/main.wasm', candid: 'main.did', ...canister } } }));
  return dir;
}

const mainIdl: Parameters<typeof Actor.createActor>[0] = ({ IDL: I }) =>
  I.Service({ limit: I.Func([], [I.Nat], ['query']), owner: I.Func([], [I.Principal], ['query']), tag: I.Func([], [I.Opt(I.Text)], ['query']) });

async function callMain(url: string, lines: string[]): Promise<{ limit: bigint; owner: string; tag: [] | [string] }> {
  const id = /main\s+(\S+)\s+http/.exec(lines.join('\n'))?.[1];
  assert.ok(id, lines.join('\n'));
  const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true });
  const actor = Actor.createActor(mainIdl, { agent, canisterId: id as string }) as unknown as Record<string, () => Promise<unknown>>;
  return { limit: (await actor['limit']!()) as bigint, owner: ((await actor['owner']!()) as Principal).toText(), tag: (await actor['tag']!()) as [] | [string] };
}

test('mockic serve installs a Motoko actor class with a Candid-text init_arg typed by its .did', async () => {
  const { candid } = compileMotoko(MOTOKO);
  assert.match(candid, /service : \(/, candid);
  const dir = dfxProject({ init_arg: '(record { owner = principal "2vxsx-fae"; limit = 1_234 /* tag omitted: opt */ })' });
  const s = await serveProject(dir);
  try {
    assert.equal(s.errors, [], s.errors.join('\n'));
    assert.equal(await callMain(s.url, s.lines), { limit: 1234n, owner: '2vxsx-fae', tag: [] });
  } finally {
    assert.is(await s.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('init_arg_file with Candid text, and the module metadata types it when there is no .did', async () => {
  const dir = dfxProject({ init_arg_file: 'init.txt', candid: 'missing.did' });
  writeFileSync(join(dir, 'init.txt'), '(record { owner = principal "aaaaa-aa"; limit = 7; tag = "x" })\n');
  const s = await serveProject(dir);
  try {
    assert.equal(s.errors, [], s.errors.join('\n'));
    assert.equal(await callMain(s.url, s.lines), { limit: 7n, owner: 'aaaaa-aa', tag: ['x'] });
  } finally {
    assert.is(await s.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed init_arg is reported with the canister and the position', async () => {
  const dir = dfxProject({ init_arg: '(record { owner = principal "aaaaa-aa"; limit = "ten" })' });
  const s = await serveProject(dir);
  try {
    const all = s.errors.join('\n');
    assert.match(all, /main: install failed: canister main: init_arg, typed by main\.did: line 1, column 49: expected an integer \(type nat\), found '"ten" }\)'/);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a .did, a malformed init_arg_file names the module metadata that typed it', async () => {
  const dir = dfxProject({ init_arg_file: 'init.txt', candid: 'missing.did' });
  writeFileSync(join(dir, 'init.txt'), '(record { owner = principal "aaaaa-aa";\n  limit = -1 })');
  const s = await serveProject(dir);
  try {
    assert.match(s.errors.join('\n'), /canister main: init_arg_file init\.txt, typed by the module's candid:(service|args) metadata: line 2, column 11: expected a nat \(0 to ∞\)/);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
