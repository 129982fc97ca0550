// parseModule exposes what the replica shows and the runtime dispatches on: methods, system methods,
// memory type and limits, metadata sections, names.
import { compileWat, motokoFixture } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeModuleBytes } from '../../src/wasm/decode-module-bytes.ts';
import { parseModule } from '../../src/wasm/parse-module.ts';
import { WasmDecodeError } from '../../src/wasm/wasm-reader.ts';
import { gzipSync } from 'node:zlib';

test('methods, system methods, memory and table of a WAT canister', async () => {
  const info = parseModule(
    await compileWat(`(module
      (memory 2 10) (table 3 funcref)
      (func $i (export "canister_init"))
      (func (export "canister_heartbeat"))
      (func (export "canister_update set"))
      (func (export "canister_query get"))
      (func (export "canister_composite_query both"))
      (func (export "helper")))`),
  );
  assert.equal(info.canisterMethods, [
    { kind: 'update', name: 'set' },
    { kind: 'query', name: 'get' },
    { kind: 'composite_query', name: 'both' },
  ]);
  assert.equal([...info.systemMethods].sort(), ['canister_heartbeat', 'canister_init']);
  assert.is(info.memory64, false);
  assert.equal(info.memory, { min: 2n, max: 10n });
  assert.is(info.table0?.limits.min, 3n);
  assert.is(info.functionNames.get(0), 'i');
  assert.is(info.hasStart, false);
});

test('a module without memory is wasm32', async () => {
  const info = parseModule(await compileWat(`(module (func (export "canister_init")))`));
  assert.is(info.memory64, false);
  assert.is(info.memory, undefined);
});

test('Motoko: wasm64 memory, table64, passive data, start function, names', () => {
  const info = parseModule(motokoFixture('counter').wasm);
  assert.ok(info.memory64);
  assert.ok(info.table0?.limits.index64);
  assert.ok(info.dataSegments.every((d) => d.mode === 'passive'));
  assert.ok(info.hasStart);
  assert.ok(info.functionNames.size > 100);
  assert.ok(info.imports.every((i) => i.module === 'ic0'));
  assert.ok(info.customSections.length > 0);
});

test('gzip modules are decompressed; a decompression bomb is refused', () => {
  const wasm = motokoFixture('counter').wasm;
  assert.equal(decodeModuleBytes(new Uint8Array(gzipSync(wasm))), wasm);
  const bomb = new Uint8Array(gzipSync(new Uint8Array(10_000_000)));
  assert.throws(() => decodeModuleBytes(bomb, 1_000_000), /exceeds the maximum size/);
});

test('malformed bytes give a WasmDecodeError with an offset', () => {
  assert.throws(() => parseModule(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 50, 0)), (e: unknown) => e instanceof WasmDecodeError);
  assert.throws(() => parseModule(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), /bad magic number/);
});

test.run();
