// A composite query fans out over three canisters' queries and sums them; nothing commits; a
// composite query cannot run as an update; a plain query cannot call out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { args, decodeNat, IDL, nat, none } from '../support/candid.ts';

test('sumPeeks over three callees', async () => {
  const replica = await Replica.create();
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const callees = [];
  for (const n of [1n, 10n, 100n]) {
    const c = await replica.installCanister({ wasm: motokoFixture('callee').wasm });
    await replica.update(c, 'add', nat(n));
    callees.push(c);
  }
  const out = replica.queryResult(caller, 'sumPeeks', args([IDL.Vec(IDL.Principal)], [callees]));
  assert.is(out.result.kind, 'reply');
  if (out.result.kind === 'reply') assert.is(decodeNat(out.result.data), 111n);
  assert.ok(out.instructions > 0n);
  // nothing was committed by the query
  assert.is(decodeNat(await replica.query(caller, 'callCount', none())), 0n);
});

test('a composite query called as an update is refused with IC0527', async () => {
  const replica = await Replica.create();
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const e = await replica.update(caller, 'sumPeeks', args([IDL.Vec(IDL.Principal)], [[]])).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  assert.is((e as UserError).code, ErrorCode.CompositeQueryCalledInReplicatedMode);
});

test('a composite query calling itself is a loop (IC0517)', async () => {
  const replica = await Replica.create();
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const e = await replica.query(caller, 'sumPeeks', args([IDL.Vec(IDL.Principal)], [[caller]])).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  assert.is((e as UserError).code, ErrorCode.QueryCallGraphLoopDetected);
});

test('a query call to a canister without that query method is rejected to the composite query', async () => {
  const replica = await Replica.create();
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const counter = await replica.installCanister({ wasm: motokoFixture('counter').wasm });
  const e = await replica.query(caller, 'sumPeeks', args([IDL.Vec(IDL.Principal)], [[counter]])).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  assert.match((e as UserError).description, "has no query method 'peek'");
});

test.run();
