// Validation refuses what the replica refuses, with the replica's wording, and never crashes on
// garbage.
import { compileWat, motokoFixture } from '@mockic/fixtures';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileCanisterModule } from '../../src/wasm/compilation-cache.ts';
import { InvalidCanisterModuleError, type InvalidModuleReason } from '../../src/wasm/invalid-canister-module-error.ts';
import { validateCanisterModule } from '../../src/wasm/validate-module.ts';

async function refused(wat: string | Uint8Array, reason: InvalidModuleReason, message: RegExp): Promise<void> {
  const bytes = typeof wat === 'string' ? await compileWat(wat) : wat;
  try {
    compileCanisterModule(bytes);
  } catch (e) {
    assert.instance(e, InvalidCanisterModuleError);
    const err = e as InvalidCanisterModuleError;
    assert.is(err.reason, reason, err.message);
    assert.match(err.message, message);
    return;
  }
  assert.unreachable('the module was accepted');
}

test('an import that is not in the System API', async () => {
  await refused(
    `(module (import "ic0" "msg_frobnicate" (func)))`,
    'import',
    /^Wasm module has an invalid import section\. Module imports function 'msg_frobnicate' from 'ic0' that is not exported by the runtime\.$/,
  );
});

test('a System API function imported from another module', async () => {
  await refused(
    `(module (import "env" "msg_reply" (func)))`,
    'import',
    /^Wasm module has an invalid import section\. Module imports function "msg_reply" from "env", expected to be imported from one of \["ic0"\] instead\.$/,
  );
});

test('a System API import with the wrong signature for the memory type', async () => {
  await refused(
    `(module (import "ic0" "msg_arg_data_size" (func (result i64))) (memory 1))`,
    'function-signature',
    /^Wasm module has an invalid function signature\. Expected return type \[I32\] for 'msg_arg_data_size', got \[I64\]\.$/,
  );
  await refused(
    `(module (import "ic0" "msg_reply_data_append" (func (param i32 i32))) (memory i64 1))`,
    'function-signature',
    /Expected input params \[I64, I64\] for 'msg_reply_data_append', got \[I32, I32\]/,
  );
});

test('wasm32-only legacy imports are refused for wasm64', async () => {
  await refused(
    `(module (import "ic0" "stable_size" (func (result i32))) (memory i64 1))`,
    'import',
    /'stable_size' from 'ic0' that is not exported by the runtime/,
  );
  compileCanisterModule(await compileWat(`(module (import "ic0" "stable_size" (func (result i32))) (memory 1))`));
});

test('an unknown canister_ export', async () => {
  await refused(
    `(module (func (export "canister_frob")))`,
    'export',
    /^Wasm module has an invalid export section\. Exporting reserved function 'canister_frob' with "canister_" prefix$/,
  );
});

test('the same method exported as update and query', async () => {
  await refused(
    `(module (func (export "canister_update m")) (func (export "canister_query m")))`,
    'duplicate-export',
    /^Duplicate function 'm' exported multiple times with different call types: update, query, or composite_query\.$/,
  );
});

test('a canister method that is not () -> ()', async () => {
  await refused(
    `(module (func (export "canister_update m") (param i32)))`,
    'function-signature',
    /Expected input params \[\] for 'canister_update m', got \[I32\]/,
  );
  await refused(
    `(module (func (export "canister_init") (result i32) (i32.const 0)))`,
    'function-signature',
    /Expected return type \[\] for 'canister_init', got \[I32\]/,
  );
});

/** A module from raw sections: [id, content bytes][]. */
function rawModule(sections: Array<[number, number[]]>): Uint8Array {
  const out = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  for (const [id, content] of sections) out.push(id, content.length, ...content);
  return Uint8Array.from(out);
}

test('two memories', async () => {
  await refused(rawModule([[5, [2, 0, 1, 0, 1]]]), 'memory', /at most one is allowed/);
});

test('a shared memory', async () => {
  await refused(rawModule([[5, [1, 3, 1, 1]]]), 'memory', /shared memories are not allowed/);
});

test('atomic instructions', async () => {
  const body = [0, 0x41, 0, 0xfe, 0x10, 2, 0, 0x1a, 0x0b];
  await refused(
    rawModule([
      [1, [1, 0x60, 0, 0]],
      [3, [1, 0]],
      [5, [1, 0, 1]],
      [10, [1, body.length, ...body]],
    ]),
    'unsupported-instruction',
    /^Wasm module contains a function at index 0 with unsupported instruction atomic/,
  );
});

test('imported memories and globals', async () => {
  await refused(`(module (import "env" "memory" (memory 1)))`, 'import', /invalid import section/);
  await refused(`(module (import "env" "g" (global i32)))`, 'import', /Importing globals is not allowed\./);
});

test('exports reserved by the replica or by mockic', async () => {
  await refused(`(module (func (export "canister_start")))`, 'export', /Exporting reserved symbol canister_start not allowed\./);
  await refused(`(module (global (export "__mockic_counter") i32 (i32.const 0)))`, 'export', /reserved symbol/);
});

test('limits: too many exported methods, too many globals', () => {
  const methods = Array.from({ length: 3 }, (_, i) => `(func (export "canister_update m${i}"))`).join('');
  return compileWat(`(module ${methods})`).then((wasm) => {
    assert.throws(
      () => validateCanisterModule(wasm, undefined, { maxExportedFunctions: 2 }),
      (e: unknown) => e instanceof InvalidCanisterModuleError && e.reason === 'too-many-exports' && /is 3 which exceeds 2\./.test(e.message),
    );
    return compileWat(`(module (global i32 (i32.const 0)) (global i32 (i32.const 0)))`).then((g) => {
      assert.throws(
        () => validateCanisterModule(g, undefined, { maxGlobals: 1 }),
        (e: unknown) =>
          e instanceof InvalidCanisterModuleError &&
          e.message === 'Wasm module defined 2 globals which exceeds the maximum number allowed 1.',
      );
    });
  });
});

test('garbage bytes are a decode error, not a crash', async () => {
  await refused(Uint8Array.of(1, 2, 3, 4, 5), 'decode', /^Failed to decode wasm module: /);
  await refused(new Uint8Array(0), 'decode', /^Failed to decode wasm module: /);
  const truncated = (await compileWat(`(module (func (export "canister_init")))`)).slice(0, 20);
  await refused(truncated, 'decode', /^Failed to decode wasm module: /);
  await refused(Uint8Array.of(0x1f, 0x8b, 1, 2, 3), 'decompression', /^Failed to decode wasm module: /);
});

test('a gzip-compressed module is accepted, and its hash is that of the compressed bytes', () => {
  const wasm = motokoFixture('counter').wasm;
  const gz = new Uint8Array(gzipSync(wasm));
  const compiled = compileCanisterModule(gz);
  assert.ok(compiled.info.canisterMethods.some((m) => m.name === 'inc'));
  const plain = compileCanisterModule(wasm);
  assert.is.not(Buffer.from(compiled.hash).toString('hex'), Buffer.from(plain.hash).toString('hex'));
});

test('icp: custom sections: metadata is collected; bad names are refused', async () => {
  const { WasmWriter } = await import('../../src/wasm/wasm-writer.ts');
  const withSection = (name: string, data: Uint8Array) => {
    const w = new WasmWriter();
    w.bytes(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    const c = new WasmWriter();
    c.name(name);
    c.bytes(data);
    w.section(0, c);
    return w.toBytes();
  };
  const ok = compileCanisterModule(withSection('icp:public candid:service', new TextEncoder().encode('service : {}')));
  assert.is(new TextDecoder().decode(ok.info.icpPublic.get('candid:service')), 'service : {}');
  await refused(withSection('icp:secret x', Uint8Array.of(1)), 'custom-section', /has no public\/private scope defined/);
  await refused(withSection('icp:public', Uint8Array.of(1)), 'custom-section', /must have a space after the public\/private scope/);
});

test.run();
