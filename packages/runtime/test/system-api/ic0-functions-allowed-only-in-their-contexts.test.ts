// The spec's context table, function by function: every ic0 function is called from a real wasm32
// module in every execution context. Where the spec allows it, no context violation happens (the
// call may still fail for other reasons, e.g. no call under construction); everywhere else it traps
// with the replica's message `"ic0_<name>" cannot be executed in <context> mode`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileWat } from '@mockic/fixtures';
import { IC0_IMPORTS, concreteIc0Signature } from '../../src/wasm/ic0-imports.ts';
import { allowedContexts, contextName, type ApiContext } from '../../src/system-api/api-context.ts';
import { inputsFor, instantiate } from '../support/instance.ts';

const CONTEXTS: ApiContext[] = ['I', 'G', 'U', 'RQ', 'NRQ', 'TQ', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt', 'C', 'CC', 'F', 'T', 's'];

function moduleText(): string {
  const imports: string[] = [];
  const funcs: string[] = [];
  for (const [name, sig] of IC0_IMPORTS) {
    const { params, results } = concreteIc0Signature(sig, false);
    const p = params.length ? ` (param ${params.join(' ')})` : '';
    const r = results.length ? ` (result ${results.join(' ')})` : '';
    imports.push(`(import "ic0" "${name}" (func $${name}${p}${r}))`);
    const args = params.map((t) => `(${t}.const 0)`).join(' ');
    const call = `(call $${name} ${args})`;
    funcs.push(`(func (export "call ${name}") ${results.length ? `(drop ${call})` : call})`);
  }
  return `(module ${imports.join('\n')} (memory 1) ${funcs.join('\n')})`;
}

const instance = instantiate(await compileWat(moduleText()));

for (const name of IC0_IMPORTS.keys()) {
  test(`ic0.${name}`, () => {
    const allowed = allowedContexts[name];
    assert.ok(allowed, `the context table lists ${name}`);
    let sawForbidden = false;
    for (const context of CONTEXTS) {
      const r = instance.run({
        entry: { kind: 'export', name: `call ${name}` },
        inputs: inputsFor(context, { dataCertificate: new Uint8Array(8) }),
        instructionLimit: 1_000_000_000n,
      });
      instance.rollback();
      const violation =
        !r.ok && r.trap.trap.kind === 'contract-violation' && r.trap.trap.description.includes('cannot be executed in');
      if ((allowed as readonly ApiContext[]).includes(context)) {
        assert.not.ok(violation, `${name} must be allowed in ${context}: ${!r.ok ? r.trap.message : ''}`);
      } else {
        sawForbidden = true;
        assert.ok(violation, `${name} must be refused in ${context}`);
        if (!r.ok && r.trap.trap.kind === 'contract-violation') {
          assert.is(r.trap.trap.description, `"ic0_${name}" cannot be executed in ${contextName[context]} mode`);
        }
      }
    }
    // debug_print, trap and friends are allowed everywhere; all others are refused somewhere.
    assert.ok(sawForbidden || allowed.length === CONTEXTS.length, `${name}: no forbidden context checked`);
  });
}

test.run();
