// The CLI installs a module, calls it and prints the reply; errors carry the IC code; --help and
// unknown commands behave.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileWat } from '@mockic/fixtures';
import { main } from '../src/cli.ts';

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: { log: (s: string) => lines.push(s), error: (s: string) => errors.push(s) }, lines, errors };
}

const WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 1) (data (i32.const 0) "hi") (data (i32.const 16) "boom")
  (func (export "canister_update hello") (call $append (i32.const 0) (i32.const 2)) (call $reply))
  (func (export "canister_query peek") (call $append (i32.const 0) (i32.const 1)) (call $reply))
  (func (export "canister_update fail") (call $trap (i32.const 16) (i32.const 4))))`;

test('call prints the reply as hex; traps print the IC error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-cli-'));
  try {
    const file = join(dir, 'hello.wasm');
    writeFileSync(file, await compileWat(WAT));
    const a = capture();
    assert.is(await main(['call', file, 'hello'], a.out), 0);
    assert.equal(a.lines, ['6869']);
    const b = capture();
    assert.is(await main(['call', file, 'peek', '--query'], b.out), 0);
    assert.equal(b.lines, ['68']);
    const c = capture();
    assert.is(await main(['call', file, 'fail'], c.out), 1);
    assert.match(c.errors[0] as string, "IC0503 (reject code 5): Error from Canister");
    assert.match(c.errors[0] as string, "'boom'");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help lists the commands; an unknown command exits 2', async () => {
  const a = capture();
  assert.is(await main(['--help'], a.out), 0);
  assert.match(a.lines[0] as string, 'mockic call <module.wasm> <method>');
  const b = capture();
  assert.is(await main(['frobnicate'], b.out), 2);
  assert.match(b.errors[0] as string, "unknown command 'frobnicate'");
});

test.run();
