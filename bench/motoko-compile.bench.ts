// What a test pays for a Motoko fixture: a cold compile with moc.js against a hit in the
// source-hash cache. The cache is what makes a second test run cost nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable } from './table.ts';

const dir = mkdtempSync(join(tmpdir(), 'mockic-bench-moc-'));
process.env.MOCKIC_FIXTURE_CACHE = dir;
const { compileMotoko, fixtureSource, motokoFixtureNames } = await import('@mockic/fixtures');

const rows: Record<string, string | number>[] = [];
for (const name of motokoFixtureNames) {
  const source = fixtureSource(`${name}.mo`);
  let t = performance.now();
  const { wasm } = compileMotoko(source);
  const cold = performance.now() - t;
  const hits: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    compileMotoko(source);
    hits.push(performance.now() - t);
  }
  hits.sort((a, b) => a - b);
  const cached = hits[2] as number;
  rows.push({
    fixture: name,
    'wasm KiB': Math.round(wasm.length / 1024),
    'cold ms': cold,
    'cached ms': cached,
    'cold/cached': Math.round(cold / cached),
  });
}
printTable('Motoko fixture compile: cold (moc.js) vs source-hash cache hit (first cold row includes loading moc.js)', rows);
rmSync(dir, { recursive: true, force: true });
