// What scripts/test.mjs (Node) and scripts/deno-test.mjs (Deno) share: finding uvu test files, running
// each in its own process a few at a time, reading uvu's summary, and the closing
// "N passed, N failed" line that CI reads.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

export const root = new URL('..', import.meta.url).pathname;

/** Every *.test.{ts,mjs,js} below `dir`, sorted, skipping node_modules and dist. */
export function testFiles(dir) {
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

/** Keeps the files whose path contains one of `filters` (all when there are none). */
export function filterFiles(files, filters) {
  return files.filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));
}

function runFile(file, command, args, env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, [...args, file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/**
 * Runs `command ...args <file>` for every file, up to four at a time, printing one line per file
 * (and the output of failures), then the summary; exits 1 when a file failed or none ran.
 */
export async function runUvuFiles(files, { command, args, env, runtime }) {
  const started = Date.now();
  const queue = [...files];
  const results = [];
  const workers = Array.from({ length: Math.min(availableParallelism(), 4, queue.length || 1) }, async () => {
    while (queue.length > 0) {
      const file = queue.shift();
      const r = await runFile(file, command, args, env);
      results.push(r);
      console.log(`${r.failed > 0 ? 'FAIL' : 'ok  '} ${relative(root, file)}  (${r.passed}/${r.total}, ${r.ms} ms)`);
      if (r.failed > 0) console.log(r.output.replace(/^/gm, '    '));
    }
  });
  await Promise.all(workers);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  console.log(`\n${files.length} test files on ${await runtime} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (files.length === 0 || failed > 0) process.exit(1);
}
