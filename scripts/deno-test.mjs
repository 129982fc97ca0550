// Runs the runtime and mock-agent uvu test files under Deno 2 (the `deno` devDependency), each in its
// own Deno process, and closes with "N passed, N failed" like scripts/test.mjs. Deno runs the .ts
// sources natively; `--node-modules-dir=manual` makes it resolve packages from the node_modules that
// pnpm installed (workspace links included), and `--conditions=source` picks the packages' "source"
// export, so nothing has to be built first. Arguments filter test files by substring.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { filterFiles, root, runUvuFiles, testFiles } from './uvu-files.mjs';

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

const files = filterFiles(suites.flatMap((s) => testFiles(join(root, s))), process.argv.slice(2));

// No FORCE_COLOR at all: Deno reads any FORCE_COLOR, even "0", as "force colours" (over NO_COLOR),
// where Node reads "0" as "no colours"; coloured output would break tests that compare printed text.
const { FORCE_COLOR: _forceColor, ...inherited } = process.env;
const env = { ...inherited, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };

const version = new Promise((resolve) => {
  const child = spawn(deno, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('close', () => resolve(out.split('\n')[0]?.trim() || 'deno'));
});

await runUvuFiles(files, {
  command: deno,
  args: ['run', '-A', '--node-modules-dir=manual', '--conditions=source'],
  env,
  runtime: version,
});
