// An upgrade whose pre_upgrade or post_upgrade traps is refused with the trap's error and leaves
// module, heap, globals and stable memory exactly as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { lifecycleWasm } from './lifecycle-fixture.ts';

const i32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

async function setup() {
  const replica = await Replica.create();
  const wasm = await lifecycleWasm();
  const id = await replica.installCanister({ wasm });
  await replica.update(id, 'set_value', new Uint8Array());
  return { replica, wasm, id };
}

function refused(f: () => void): UserError {
  try {
    f();
  } catch (e) {
    assert.instance(e, UserError);
    return e as UserError;
  }
  throw new Error('expected a refusal');
}

test('pre_upgrade trap', async () => {
  const { replica, wasm, id } = await setup();
  await replica.update(id, 'refuse_upgrade', new Uint8Array());
  const version = replica.canister(id).version;
  const e = refused(() => replica.installCode({ canisterId: id, wasm, mode: 'upgrade' }));
  assert.is(e.code, ErrorCode.CanisterCalledTrap);
  assert.match(e.description, 'pre_upgrade refuses');
  assert.is(replica.canister(id).version, version);
  assert.is(i32(await replica.query(id, 'value', new Uint8Array())), 14);
});

test('post_upgrade trap', async () => {
  const { replica, wasm, id } = await setup();
  const version = replica.canister(id).version;
  const e = refused(() => replica.installCode({ canisterId: id, wasm, mode: 'upgrade', arg: new Uint8Array([1]) }));
  assert.is(e.code, ErrorCode.CanisterCalledTrap);
  assert.match(e.description, 'post_upgrade refuses');
  assert.is(replica.canister(id).version, version);
  assert.is(i32(await replica.query(id, 'value', new Uint8Array())), 14);
});

test('a successful upgrade of a classic (non-EOP) module replaces heap and globals', async () => {
  const { replica, wasm, id } = await setup();
  replica.installCode({ canisterId: id, wasm, mode: 'upgrade' });
  assert.is(i32(await replica.query(id, 'value', new Uint8Array())), 0);
  assert.equal(replica.canister(id).log.lines(), ['init ran']);
});

test('keep is refused for a module without enhanced orthogonal persistence', async () => {
  const { replica, wasm, id } = await setup();
  const e = refused(() => replica.installCode({ canisterId: id, wasm, mode: 'upgrade', wasmMemoryPersistence: 'keep' }));
  assert.is(e.code, ErrorCode.CanisterContractViolation);
  assert.match(e.description, 'Invalid upgrade option');
});

test.run();
