// Bad modules never crash the host: each is refused at install with IC0505 and a message naming the
// problem, and the canister stays empty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { compileWat } from '@mockic/fixtures';

async function refusal(wasm: Uint8Array): Promise<UserError> {
  const replica = await Replica.create();
  const id = replica.createCanister();
  try {
    replica.installCode({ canisterId: id, wasm });
  } catch (e) {
    assert.instance(e, UserError);
    assert.is(replica.canister(id).moduleHash, undefined);
    return e as UserError;
  }
  throw new Error('install must fail');
}

test('garbage bytes', async () => {
  const e = await refusal(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  assert.is(e.code, ErrorCode.CanisterInvalidWasm);
  assert.match(e.description, "Canister's Wasm module is not valid");
});

test('a truncated module', async () => {
  const full = await compileWat('(module (memory 1) (func (export "canister_update f")))');
  const e = await refusal(full.subarray(0, full.length - 3));
  assert.is(e.code, ErrorCode.CanisterInvalidWasm);
});

test('an unknown ic0 import', async () => {
  const e = await refusal(await compileWat('(module (import "ic0" "no_such_function" (func)) (memory 1))'));
  assert.is(e.code, ErrorCode.CanisterInvalidWasm);
  assert.match(e.description, 'no_such_function');
});

test('an ic0 import with the wrong signature', async () => {
  const e = await refusal(await compileWat('(module (import "ic0" "msg_reply" (func (param i32))) (memory 1))'));
  assert.is(e.code, ErrorCode.CanisterInvalidWasm);
  assert.match(e.description, 'msg_reply');
});

test('an unknown canister_ export', async () => {
  const e = await refusal(await compileWat('(module (memory 1) (func (export "canister_bogus")))'));
  assert.is(e.code, ErrorCode.CanisterInvalidWasm);
  assert.match(e.description, 'canister_bogus');
});

test('the same method as update and query', async () => {
  const e = await refusal(
    await compileWat('(module (memory 1) (func (export "canister_update m")) (func (export "canister_query m")))'),
  );
  assert.is(e.code, ErrorCode.CanisterInvalidWasm);
  assert.match(e.description, 'm');
});

test('a start function that traps refuses the install', async () => {
  const replica = await Replica.create();
  const id = replica.createCanister();
  try {
    replica.installCode({ canisterId: id, wasm: await compileWat('(module (memory 1) (func $s unreachable) (start $s))') });
    assert.unreachable('must fail');
  } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).code, ErrorCode.CanisterTrapped);
    assert.match((e as UserError).description, 'unreachable');
  }
  assert.is(replica.canister(id).moduleHash, undefined);
});

test.run();
