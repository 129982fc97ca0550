// On an engine that cannot compile 64-bit memories and tables (Node 20), a modern Motoko module is
// refused with an error that names the missing engine features and the fix (Node.js 24), not with
// the engine's decoder message; on one without multi-memory (which every instrumented module uses)
// the error says that. The old engine is simulated: WebAssembly.validate refuses what Node 20's
// refuses, and WebAssembly.Module throws its message for a second memory.
import { compileWat, motokoFixture } from '@mockic/fixtures';
import { compileCanisterModule } from '../../src/wasm/compilation-cache.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseModule } from '../../src/wasm/parse-module.ts';
import { validateCanisterModule } from '../../src/wasm/validate-module.ts';

function withOldEngine<T>(f: () => T): T {
  const validate = WebAssembly.validate;
  WebAssembly.validate = (bytes: BufferSource): boolean => {
    const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer);
    try {
      const info = parseModule(b);
      if (info.memory64 || info.tables.some((t) => t.limits.index64)) return false;
    } catch {
      // not parseable: the real validate decides
    }
    return validate(bytes);
  };
  try {
    return f();
  } finally {
    WebAssembly.validate = validate;
  }
}

test('a wasm64 Motoko module on an engine without memory64/table64: the error names both and Node.js 24', () => {
  const wasm = motokoFixture('counter').wasm;
  assert.ok(parseModule(wasm).memory64, 'the fixture is wasm64');
  const error = withOldEngine(() => {
    try {
      validateCanisterModule(wasm);
    } catch (e) {
      return e as Error;
    }
    return undefined;
  });
  assert.ok(error, 'refused');
  assert.match(error.message, '64-bit memories (memory64)');
  assert.match(error.message, '64-bit tables (table64)');
  assert.match(error.message, 'Node.js 24 or later');
  assert.match(error.message, 'the module is fine for the IC');
});

test('on an engine without multi-memory: the error names it and Node.js 24', async () => {
  const wasm = await compileWat('(module (memory 1) (func (export "canister_query q")))');
  const validate = WebAssembly.validate;
  const Module = WebAssembly.Module;
  const multiMemoryProbe = (b: BufferSource) => b instanceof Uint8Array && b.length === 15 && b[8] === 5 && b[10] === 2;
  WebAssembly.validate = (b: BufferSource) => (multiMemoryProbe(b) ? false : validate(b));
  (WebAssembly as { Module: unknown }).Module = class extends Module {
    constructor(b: BufferSource) {
      if (parseModule(b instanceof Uint8Array ? b : new Uint8Array(b as ArrayBuffer)).imports.filter((i) => i.kind === 'memory').length > 1) {
        throw new WebAssembly.CompileError('WebAssembly.Module(): At most one memory is supported @+200');
      }
      super(b);
    }
  };
  try {
    assert.throws(() => compileCanisterModule(wasm), /mockic needs WebAssembly multi-memory, which this JavaScript engine lacks .*Node\.js 24 or later/);
  } finally {
    WebAssembly.validate = validate;
    (WebAssembly as { Module: unknown }).Module = Module;
  }
});

test('on an engine that has both, the same module validates', () => {
  assert.ok(validateCanisterModule(motokoFixture('counter').wasm).memory64);
});

test.run();
