// Every Motoko seed canister (wasm64, table64, passive segments, a start function) validates,
// instruments, compiles in V8 and keeps its exports.
import { motokoFixture, motokoFixtureNames } from '@mockic/fixtures';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ABI_EXPORTS } from '../../src/wasm/instrumentation-abi.ts';
import { instrumentModule } from '../../src/wasm/instrument-module.ts';
import { parseModule } from '../../src/wasm/parse-module.ts';
import { validateCanisterModule } from '../../src/wasm/validate-module.ts';

for (const name of motokoFixtureNames) {
  test(`${name}: validates, instruments and compiles with its exports intact`, () => {
    const wasm = motokoFixture(name).wasm;
    const info = validateCanisterModule(wasm);
    assert.ok(info.memory64, 'Motoko output is wasm64');
    assert.ok(info.hasStart);
    const inst = instrumentModule(wasm, info);
    const module = new WebAssembly.Module(inst.bytes);
    const exported = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
    for (const e of info.exports) {
      const kind = { func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag' }[e.kind];
      assert.is(exported.get(e.name), kind, e.name);
    }
    assert.is(exported.get(ABI_EXPORTS.counter), 'global');
    assert.is(exported.get(`${ABI_EXPORTS.tablePrefix}0`), 'table');
    assert.ok(info.canisterMethods.length > 0);
    assert.ok(info.systemMethods.has('canister_init'));
    // the instrumented module parses back with shifted names
    const again = parseModule(inst.bytes);
    assert.is(again.functionNames.size, info.functionNames.size + 6, "3 imports and 3 helpers named");
  });
}

test.run();
