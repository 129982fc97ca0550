// Runs the runtime and mock-agent uvu test files under Deno 2 (the `deno` devDependency), each in its
// own Deno process, and closes with "N passed, N failed" like scripts/test.mjs. Deno runs the .ts
// sources natively; `--node-modules-dir=manual` makes it resolve packages from the node_modules that
// pnpm installed (workspace links included), and `--conditions=source` picks the packages' "source"
// export, so nothing has to be built first. Arguments filter test files by substring.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const suites = ['packages/runtime/test', 'packages/mock-agent/test'];

// The npm `deno` package keeps the binary in an optional platform package (@deno/linux-x64-glibc…);
// its install script links it next to package.json, and its install API finds it when that did not run.
function denoExecutable() {
  const require = createRequire(join(root, 'package.json'));
  const dir = dirname(require.resolve('deno/package.json'));
  const linked = join(dir, process.platform === 'win32' ? 'deno.exe' : 'deno');
  if (existsSync(linked)) return linked;
  return require(join(dir, 'install_api.cjs')).runInstall();
}
const deno = denoExecutable();

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

const files = suites
  .flatMap((s) => testFiles(join(root, s)))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));

// No FORCE_COLOR at all: Deno reads any FORCE_COLOR, even "0", as "force colours" (over NO_COLOR),
// where Node reads "0" as "no colours"; coloured output would break tests that compare printed text.
const { FORCE_COLOR: _forceColor, ...inherited } = process.env;
const env = { ...inherited, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(deno, ['run', '-A', '--node-modules-dir=manual', '--conditions=source', file], {
      cwd: root,
      env,
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

const started = Date.now();
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

const version = await new Promise((resolve) => {
  const child = spawn(deno, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('close', () => resolve(out.split('\n')[0]?.trim() || 'deno'));
});
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`\n${files.length} test files on ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (files.length === 0 || failed > 0) process.exit(1);
