// On an engine that cannot compile 64-bit memories and tables (Node 20), a modern Motoko module is
// refused with an error that names the missing engine features and the fix (Node.js 24), not with
// the engine's decoder message. The old engine is simulated: WebAssembly.validate refuses every
// module that declares a 64-bit memory or table, as Node 20's does.
import { motokoFixture } from '@mockic/fixtures';
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

test('on an engine that has both, the same module validates', () => {
  assert.ok(validateCanisterModule(motokoFixture('counter').wasm).memory64);
});

test.run();
