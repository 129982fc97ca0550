// Several subnets: each has its own id and canister id range, fees scale with its size, system
// subnets charge no cycles, calls cross subnets, and composite queries stay within one subnet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { args, decodeNat, IDL, nat, none } from '../support/candid.ts';

async function twoSubnets() {
  return Replica.create({ subnets: [{ kind: 'application' }, { kind: 'fiduciary' }, { kind: 'system' }] });
}

test('canisters get ids from their subnet range', async () => {
  const replica = await twoSubnets();
  const [app, fid, sys] = replica.subnets;
  const a = replica.createCanister();
  const f = replica.createCanister({ subnet: fid!.id });
  assert.is(replica.subnetOf(a), app);
  assert.is(replica.subnetOf(f), fid);
  assert.ok(fid!.contains(f) && !app!.contains(f));
  assert.is(new Set(replica.subnets.map((s) => s.id.toText())).size, 3);
  assert.is(fid!.fees.execution(0n), (5_000_000n * 34n) / 13n);
  assert.is(sys!.chargesCycles, false);
});

test('an update on a system subnet costs no cycles; on an application subnet it does', async () => {
  const replica = await twoSubnets();
  const wasm = motokoFixture('counter').wasm;
  const sysId = replica.createCanister({ subnet: replica.subnets[2]!.id });
  replica.installCode({ canisterId: sysId, wasm });
  const appId = await replica.installCanister({ wasm });
  const before = [replica.canister(sysId).balance, replica.canister(appId).balance];
  await replica.update(sysId, 'inc', none());
  await replica.update(appId, 'inc', none());
  assert.is(replica.canister(sysId).balance, before[0]);
  assert.ok((replica.canister(appId).balance as bigint) < (before[1] as bigint));
});

test('calls cross subnets; composite queries do not', async () => {
  const replica = await twoSubnets();
  const caller = await replica.installCanister({ wasm: motokoFixture('caller').wasm });
  const remote = replica.createCanister({ subnet: replica.subnets[1]!.id });
  replica.installCode({ canisterId: remote, wasm: motokoFixture('callee').wasm });
  assert.is(decodeNat(await replica.update(caller, 'callAdd', args([IDL.Principal, IDL.Nat], [remote, 4n]))), 4n);
  await replica.update(remote, 'add', nat(1));
  const e = await replica.query(caller, 'sumPeeks', args([IDL.Vec(IDL.Principal)], [[remote]])).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  assert.match((e as UserError).description, 'not on the same subnet');
});

test.run();
