// `mockic serve` answers the IC HTTP interface on 127.0.0.1: /api/v2/status returns CBOR with the root key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../src/cli.ts';
import { freePort } from './support.ts';

test('status over HTTP', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const stop = new AbortController();
  const running = main(['serve', '--port', String(port)], { log: (s) => lines.push(s), error: (s) => lines.push(s) }, stop.signal);
  try {
    for (let i = 0; i < 200 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(lines[0] as string, `http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/api/v2/status`);
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'application/cbor');
  } finally {
    stop.abort();
    assert.is(await running, 0);
  }
});

test.run();
