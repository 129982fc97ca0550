// `mockic pocket-server` serves the PocketIC REST API on 127.0.0.1 and writes its port file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.ts';

test('status answers; the port file holds the port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-pic-'));
  const portFile = join(dir, 'pic.port');
  const lines: string[] = [];
  const stop = new AbortController();
  const running = main(['pocket-server', '--port-file', portFile], { log: (s) => lines.push(s), error: (s) => lines.push(s) }, stop.signal);
  try {
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const port = Number(readFileSync(portFile, 'utf8'));
    assert.ok(port > 0);
    assert.match(lines[0] as string, `http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/status`);
    assert.is(res.status, 200);
  } finally {
    stop.abort();
    assert.is(await running, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
