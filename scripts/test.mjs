// Runs every uvu test file of the workspace (packages/*/test and examples/*/test), each in its own
// Node process (a canister test must not share module caches or globals with another), and closes
// with one summary line "N passed, N failed" that CI reads. Arguments filter test files by substring.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { filterFiles, root, runUvuFiles, testFiles } from './uvu-files.mjs';

const dirs = ['packages', 'examples'].flatMap((top) => {
  const dir = join(root, top);
  return existsSync(dir) ? readdirSync(dir).sort().map((name) => join(dir, name, 'test')) : [];
});
const files = filterFiles(dirs.flatMap(testFiles), process.argv.slice(2));

await runUvuFiles(files, {
  command: process.execPath,
  args: ['--conditions=source', '--disable-warning=ExperimentalWarning'],
  env: { ...process.env, FORCE_COLOR: '0' },
  runtime: process.version,
});
