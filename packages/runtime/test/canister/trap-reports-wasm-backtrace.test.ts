// A trap names the Wasm functions on the stack (from the name section), innermost first, after the
// replica's "Canister Backtrace:" header.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, UserError, ErrorCode } from '@mockic/runtime';
import { lifecycleWasm } from './lifecycle-fixture.ts';

test('unreachable three calls deep', async () => {
  const replica = await Replica.create();
  const id = await replica.installCanister({ wasm: await lifecycleWasm() });
  const e = await replica.update(id, 'crash', new Uint8Array()).then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.instance(e, UserError);
  const u = e as UserError;
  assert.is(u.code, ErrorCode.CanisterTrapped);
  assert.match(u.description, 'Canister trapped: unreachable');
  const lines = u.description.split('\n');
  const at = lines.indexOf('Canister Backtrace:');
  assert.ok(at > 0, u.description);
  assert.equal(lines.slice(at + 1, at + 3), ['innermost', 'middle']);
});

test.run();
