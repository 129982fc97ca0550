// Upgrades: stable variables and stable memory (a Region) survive; post_upgrade runs; a Motoko
// canister refuses an upgrade without wasm_memory_persistence as the IC does; reinstall wipes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { args, decode, decodeNat, decodeNat64, IDL, nat64, none } from '../support/candid.ts';

const put = (k: string, v: number) => args([IDL.Text, IDL.Nat], [k, BigInt(v)]);
const lookup = (k: string) => args([IDL.Text], [k]);
const optNat = (b: Uint8Array) => decode([IDL.Opt(IDL.Nat)], b)[0] as [] | [bigint];

test('state survives two upgrades and post_upgrade counts them', async () => {
  const replica = await Replica.create();
  const wasm = motokoFixture('stable-store').wasm;
  const id = await replica.installCanister({ wasm });
  await replica.update(id, 'put', put('a', 1));
  await replica.update(id, 'writeStable', args([IDL.Nat64, IDL.Nat64], [70_000n, 42n]));
  await replica.upgradeCanister({ canisterId: id, wasm });
  await replica.update(id, 'put', put('b', 2));
  await replica.upgradeCanister({ canisterId: id, wasm });
  assert.equal(optNat(await replica.query(id, 'lookup', lookup('a'))), [1n]);
  assert.equal(optNat(await replica.query(id, 'lookup', lookup('b'))), [2n]);
  assert.is(decodeNat(await replica.query(id, 'upgradeCount', none())), 2n);
  assert.is(decodeNat64(await replica.query(id, 'readStable', nat64(70_000))), 42n);
});

test('an enhanced-orthogonal-persistence canister needs the wasm_memory_persistence option', async () => {
  const replica = await Replica.create();
  const wasm = motokoFixture('stable-store').wasm;
  const id = await replica.installCanister({ wasm });
  await replica.update(id, 'put', put('a', 1));
  let error: unknown;
  try {
    replica.installCode({ canisterId: id, wasm, mode: 'upgrade' });
  } catch (e) {
    error = e;
  }
  assert.instance(error, UserError);
  assert.is((error as UserError).code, ErrorCode.CanisterContractViolation);
  assert.match((error as UserError).description, 'Missing upgrade option');
  assert.equal(optNat(await replica.query(id, 'lookup', lookup('a'))), [1n]);
});

test('reinstall wipes heap and stable memory', async () => {
  const replica = await Replica.create();
  const wasm = motokoFixture('stable-store').wasm;
  const id = await replica.installCanister({ wasm });
  await replica.update(id, 'put', put('a', 1));
  await replica.update(id, 'writeStable', args([IDL.Nat64, IDL.Nat64], [0n, 9n]));
  replica.installCode({ canisterId: id, wasm, mode: 'reinstall' });
  assert.equal(optNat(await replica.query(id, 'lookup', lookup('a'))), []);
  assert.is(decodeNat64(await replica.query(id, 'readStable', nat64(0))), 0n);
});

test('install on a non-empty canister is refused', async () => {
  const replica = await Replica.create();
  const wasm = motokoFixture('counter').wasm;
  const id = await replica.installCanister({ wasm });
  try {
    replica.installCode({ canisterId: id, wasm, mode: 'install' });
    assert.unreachable('must refuse');
  } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).code, ErrorCode.CanisterNonEmpty);
  }
});

test.run();
