// With stateDirectory, stable memory lives in files of a real directory; committed pages are there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Replica } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { args, decodeNat64, IDL, nat64 } from '../support/candid.ts';

test('a Region write lands in a file under the directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-stable-'));
  try {
    const replica = await Replica.create({ stateDirectory: dir });
    const id = await replica.installCanister({ wasm: motokoFixture('stable-store').wasm });
    await replica.update(id, 'writeStable', args([IDL.Nat64, IDL.Nat64], [8n, 77n]));
    assert.is(decodeNat64(await replica.query(id, 'readStable', nat64(8))), 77n);
    const files = readdirSync(join(dir, 'canisters', id.toText()));
    assert.ok(files.length > 0, 'stable memory file exists');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
