// The README's ten-line example is code, not prose: it is extracted and run, and must print 1n.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

test('the README example prints 1n', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Ten lines'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'README has a ts block under "Ten lines"');
  const file = new URL('./.readme-example.ts', import.meta.url);
  writeFileSync(file, code);
  try {
    const out = execFileSync(process.execPath, ['--conditions=source', '--disable-warning=ExperimentalWarning', file.pathname], {
      encoding: 'utf8',
    });
    assert.is(out.trim(), '1n');
  } finally {
    rmSync(file, { force: true });
  }
});

test.run();
