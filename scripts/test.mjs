// Runs every uvu test file of the workspace, each in its own Node process (a canister test must not
// share module caches or globals with another), two at a time, and closes with one summary line
// "N passed, N failed" that CI reads. Arguments filter test files by substring.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (/\.test\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

const groups = ['packages', 'examples'].flatMap((top) => {
  const dir = join(root, top);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().map((name) => join(dir, name, 'test'));
});
const files = groups
  .flatMap(testFiles)
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--conditions=source', '--disable-warning=ExperimentalWarning', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(output)?.[1] ?? 0);
      // A file that exits non-zero without a uvu summary failed as a whole.
      const failed = code !== 0 ? Math.max(1, total - passed - skipped) : total - passed - skipped;
      resolve({ file, code, total, passed, failed, skipped, output, ms: Date.now() - started });
    });
  });
}

const queue = [...files];
const results = [];
const workers = Array.from({ length: Math.min(availableParallelism(), 4, queue.length || 1) }, async () => {
  while (queue.length > 0) {
    const file = queue.shift();
    const r = await runFile(file);
    results.push(r);
    const mark = r.failed > 0 ? 'FAIL' : 'ok  ';
    console.log(`${mark} ${relative(root, file)}  (${r.passed}/${r.total}, ${r.ms} ms)`);
    if (r.failed > 0) console.log(r.output.replace(/^/gm, '    '));
  }
});
await Promise.all(workers);

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`\n${files.length} test files on ${process.version}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (files.length === 0 || failed > 0) process.exit(1);
