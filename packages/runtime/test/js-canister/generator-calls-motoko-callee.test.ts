// A JS generator method calls a Wasm canister: each `yield ctx.call(...)` is an outgoing call and
// the response resumes the generator in a callback execution. Rejects are thrown at the yield;
// state committed before a yield stays when a later part of the method traps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { Replica, defineCanister, CallRejectedError, RejectCode, ErrorCode, type JsContext } from '@mockic/runtime';
import { motokoFixture, calleeIdl } from '@mockic/fixtures';
import { query, rejection, update } from './support.ts';

interface State {
  callee: Principal | undefined;
  steps: string[];
}

const proxy = defineCanister({
  candid: `service : (principal) -> {
    addTwice : (nat) -> (nat);
    addBoth : (nat, nat) -> (vec nat);
    tryFail : (text) -> (text);
    stepThenTrap : () -> ();
    steps : () -> (vec text) query;
    peekTotal : () -> (nat) composite_query;
  }`,
  state: (): State => ({ callee: undefined, steps: [] }),
  init: (ctx: JsContext<State>) => {
    ctx.state.callee = ctx.args[0] as Principal;
  },
  methods: {
    *addTwice(ctx) {
      const n = ctx.args[0] as bigint;
      const callee = ctx.state.callee as Principal;
      const first = (yield ctx.call(callee, 'add', [n], { idl: calleeIdl })) as bigint;
      ctx.state.steps.push(`first ${first}`);
      const second = (yield ctx.call(callee, 'add', [n], { idl: calleeIdl })) as bigint;
      ctx.state.steps.push(`second ${second}`);
      return second;
    },
    *addBoth(ctx) {
      const callee = ctx.state.callee as Principal;
      const [a, b] = ctx.args as [bigint, bigint];
      return yield [ctx.call(callee, 'add', [a], { idl: calleeIdl }), ctx.call(callee, 'add', [b], { idl: calleeIdl })];
    },
    *tryFail(ctx) {
      try {
        yield ctx.call(ctx.state.callee as Principal, 'fail', [ctx.args[0]], { idl: calleeIdl });
        return 'no error';
      } catch (e) {
        if (!(e instanceof CallRejectedError)) throw e;
        return `${e.code}: ${e.rejectMessage}`;
      }
    },
    *stepThenTrap(ctx) {
      ctx.state.steps.push('before');
      yield ctx.call(ctx.state.callee as Principal, 'add', [0n], { idl: calleeIdl });
      ctx.state.steps.push('after');
      throw new Error('after the call');
    },
    steps: ({ state }) => state.steps,
    *peekTotal(ctx) {
      return yield ctx.call(ctx.state.callee as Principal, 'peek', [], { idl: calleeIdl });
    },
  },
});

async function setup(): Promise<{ replica: Replica; callee: Principal; js: Principal }> {
  const replica = await Replica.create();
  const callee = await replica.installCanister({ wasm: motokoFixture('callee').wasm });
  const js = await replica.installJsCanister(proxy, { arg: [callee] });
  return { replica, callee, js };
}

test('sequential calls resume the generator with each reply', async () => {
  const { replica, js } = await setup();
  assert.is(await update(replica, js, 'addTwice', [5n], { args: [IDL.Nat], rets: [IDL.Nat] }), 10n);
  assert.equal(await query(replica, js, 'steps', [], { rets: [IDL.Vec(IDL.Text)] }), ['first 5', 'second 10']);
});

test('yielding an array makes the calls at once and resumes with all replies', async () => {
  const { replica, js } = await setup();
  assert.equal(await update(replica, js, 'addBoth', [2n, 3n], { args: [IDL.Nat, IDL.Nat], rets: [IDL.Vec(IDL.Nat)] }), [2n, 5n]);
});

test('a reject is thrown at the yield as CallRejectedError', async () => {
  const { replica, js } = await setup();
  const r = (await update(replica, js, 'tryFail', ['nope'], { args: [IDL.Text], rets: [IDL.Text] })) as string;
  assert.ok(r.startsWith(`${RejectCode.CANISTER_ERROR}: `), r);
  assert.match(r, 'nope');
});

test('a trap after a yield rolls back only the callback execution', async () => {
  const { replica, js } = await setup();
  const e = await rejection(update(replica, js, 'stepThenTrap'));
  assert.is(e.code, ErrorCode.CanisterCalledTrap);
  assert.equal(await query(replica, js, 'steps', [], { rets: [IDL.Vec(IDL.Text)] }), ['before']);
});

test('a composite query generator calls a Motoko query', async () => {
  const { replica, callee, js } = await setup();
  await update(replica, callee, 'add', [42n], { args: [IDL.Nat], rets: [IDL.Nat] });
  assert.is(await query(replica, js, 'peekTotal', [], { rets: [IDL.Nat] }), 42n);
});

test.run();
