// The example's own tests are a vitest suite (spec/*.spec.tsx: the Guestbook React component
// against MockAgent and the Motoko backend, under happy-dom and under jsdom). scripts/test.mjs runs
// uvu files only, so this file runs that suite, plus `tsc` over the example's JSX code (app/,
// spec/: not in the root tsconfig), and reports both as uvu tests. Both children use this Node
// (process.execPath: Node 24 from the `node` devDependency) and start at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const vitestCli = join(exampleDir, 'node_modules', 'vitest', 'vitest.mjs');
const tscCli = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

/** The 6 specs of spec/guestbook.spec.tsx, once per DOM environment. */
const SPECS = 6;
const ENVIRONMENTS = ['happy-dom', 'jsdom'];

interface Run {
  code: number | null;
  output: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: exampleDir,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: process.env.CI ?? '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface VitestJson {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

const outDir = mkdtempSync(join(tmpdir(), 'mockic-frontend-unit-test-'));
const report = join(outDir, 'vitest.json');
const vitest = run([vitestCli, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
const tsc = run([tscCli, '-p', join(exampleDir, 'tsconfig.json')]);

test(`vitest run: ${SPECS} specs pass under ${ENVIRONMENTS.join(' and ')}`, async () => {
  const r = await vitest;
  assert.is(r.code, 0, `vitest exited with ${r.code}:\n${r.output}`);
  const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
  rmSync(outDir, { recursive: true, force: true });
  assert.ok(json.success, r.output);
  assert.is(json.numFailedTests, 0, r.output);
  assert.is(json.numPassedTests, SPECS * ENVIRONMENTS.length, r.output);
  assert.is(json.numTotalTests, SPECS * ENVIRONMENTS.length, r.output);
  assert.match(r.output, new RegExp(`Tests\\s+${SPECS * ENVIRONMENTS.length} passed`));
  // One file result per project (environment), each with every spec passed.
  assert.is(json.testResults.length, ENVIRONMENTS.length, r.output);
  for (const file of json.testResults) {
    assert.equal(file.assertionResults.map((a) => a.status), Array(SPECS).fill('passed'), file.name);
  }
  for (const env of ENVIRONMENTS) assert.ok(r.output.includes(`|${env}| spec/guestbook.spec.tsx (${SPECS} tests)`), `no ${env} project in:\n${r.output}`);
});

test('tsc -p examples/frontend-unit-test/tsconfig.json: the app and specs typecheck', async () => {
  const r = await tsc;
  assert.is(r.code, 0, `tsc exited with ${r.code}:\n${r.output}`);
});

test.run();
