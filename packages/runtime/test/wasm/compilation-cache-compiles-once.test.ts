// The compilation cache validates, instruments and compiles a module once per module hash, and
// evicts the least recently used modules beyond its byte budget.
import { compileWat, motokoFixture } from '@mockic/fixtures';
import { sha256 } from '@noble/hashes/sha2.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompilationCache, sharedCompilationCache } from '../../src/wasm/compilation-cache.ts';
import { InvalidCanisterModuleError } from '../../src/wasm/invalid-canister-module-error.ts';

test('a second get of the same bytes returns the same WebAssembly.Module', () => {
  const cache = new CompilationCache();
  const wasm = motokoFixture('counter').wasm;
  const a = cache.get(wasm);
  const b = cache.get(Uint8Array.from(wasm));
  assert.is(a.module, b.module);
  assert.is(a, b);
  assert.is(cache.size, 1);
});

test('the hash is the SHA-256 of the installed bytes (module_hash)', () => {
  const wasm = motokoFixture('counter').wasm;
  const compiled = new CompilationCache().get(wasm);
  assert.equal(compiled.hash, sha256(wasm));
  assert.ok(compiled.module instanceof WebAssembly.Module);
  assert.ok(compiled.instrumented.memory64);
});

test('least recently used modules are evicted beyond the byte budget', async () => {
  const mods = await Promise.all(
    [1, 2, 3].map((n) => compileWat(`(module (func (export "canister_update m${n}")) (memory ${n}))`)),
  );
  const one = new CompilationCache().get(mods[0] as Uint8Array);
  const entryBytes = (mods[0] as Uint8Array).length + one.instrumented.bytes.length;
  const cache = new CompilationCache({ maxBytes: entryBytes * 2 + 10 });
  const first = cache.get(mods[0] as Uint8Array);
  cache.get(mods[1] as Uint8Array);
  cache.get(mods[0] as Uint8Array); // now most recently used
  cache.get(mods[2] as Uint8Array); // evicts mods[1]
  assert.is(cache.size, 2);
  assert.ok(cache.has(sha256(mods[0] as Uint8Array)));
  assert.not.ok(cache.has(sha256(mods[1] as Uint8Array)));
  assert.is(cache.get(mods[0] as Uint8Array), first);
});

test('invalid modules are refused and not cached', () => {
  const cache = new CompilationCache();
  assert.throws(() => cache.get(Uint8Array.of(0, 1, 2)), (e: unknown) => e instanceof InvalidCanisterModuleError);
  assert.is(cache.size, 0);
});

test('the shared cache is one per process', async () => {
  const again = await import('../../src/wasm/compilation-cache.ts');
  assert.is(again.sharedCompilationCache, sharedCompilationCache);
});

test.run();
