// `dfx build` for Motoko canisters, without dfx: when a project's Motoko canister has no built Wasm
// (or its .mo sources are newer than the one dfx built),
// `mockic serve` compiles its `main` with moc.js (the `motoko` npm package, an optional dependency)
// — the project's .mo files, the `core` library moc.js bundles, and mops packages found under .mops/
// — and keeps the module and its Candid in <project>/.mockic/build, keyed by a hash of every input,
// so a restart with unchanged sources compiles nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';

/** What moc.js offers that this module uses (motoko/lib/index.d.ts). */
interface Moc {
  version?: string;
  write(path: string, content: string): void;
  wasm(path: string, mode: 'ic'): { wasm: Uint8Array; candid: string };
  check(path: string): Array<{ source: string; severity: number; message: string; range: { start: { line: number; character: number } } }>;
  loadPackage(pkg: unknown): void;
  usePackage(name: string, directory: string): void;
  setPublicMetadata(values: string[]): void;
}

export interface MotokoBuild {
  wasmPath: string;
  candidPath: string;
  /** Whether the module came from the build cache. */
  cached: boolean;
  ms: number;
}

const SKIP_DIRS = new Set(['node_modules', '.dfx', '.mockic', '.git', '.mops', '.vessel', 'dist']);

let moc: { moc: Moc; version: string } | undefined | null;

/** moc.js from the project's node_modules or mockic's own; null when the `motoko` package is missing. */
function loadMoc(root: string): { moc: Moc; version: string } | null {
  if (moc !== undefined) return moc;
  for (const base of [join(root, 'package.json'), import.meta.url]) {
    try {
      const require = createRequire(base);
      const m = require('motoko') as Moc;
      m.loadPackage(require('motoko/packages/latest/core.json'));
      const version = (require('motoko/package.json') as { version: string }).version;
      moc = { moc: m, version };
      return moc;
    } catch {
      // not resolvable from here
    }
  }
  moc = null;
  return moc;
}

/** Every .mo file under `dir` (project sources; dependency and build directories skipped). */
function motokoFiles(dir: string, root: string, out: Array<[string, string]>, skip = SKIP_DIRS): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.has(e.name)) motokoFiles(path, root, out, skip);
    } else if (e.isFile() && e.name.endsWith('.mo')) {
      out.push([relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8')]);
    }
  }
}

/** The modification time (ms) of the newest project .mo file (0 when there is none). */
export function newestMotokoSource(root: string, dir = root): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) newest = Math.max(newest, newestMotokoSource(root, path));
    } else if (e.isFile() && e.name.endsWith('.mo')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** mops packages: `.mops/<name>@<version>/src` for each dependency in mops.toml (name → directory). */
function mopsPackages(root: string): Map<string, string> {
  const packages = new Map<string, string>();
  const toml = join(root, 'mops.toml');
  const mops = join(root, '.mops');
  if (!existsSync(toml) || !existsSync(mops)) return packages;
  let section = '';
  for (const line of readFileSync(toml, 'utf8').split('\n')) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      section = header[1]?.trim() ?? '';
      continue;
    }
    const dep = /^\s*"?([A-Za-z0-9_-]+)"?\s*=\s*"([^"]+)"/.exec(line);
    if (!dep || (section !== 'dependencies' && section !== 'dev-dependencies')) continue;
    const [, name, version] = dep as unknown as [string, string, string];
    const dir = join(mops, `${name}@${version}`, 'src');
    if (existsSync(dir)) packages.set(name, relative(root, dir).split(sep).join('/'));
  }
  return packages;
}

/**
 * Compiles a Motoko canister's `main` (relative to the project root); undefined when moc.js is not
 * installed. Throws an Error listing moc's diagnostics when the source does not compile.
 */
export function buildMotokoCanister(root: string, name: string, main: string): MotokoBuild | undefined {
  const loaded = loadMoc(root);
  if (!loaded) return undefined;
  const t0 = performance.now();
  const files: Array<[string, string]> = [];
  motokoFiles(root, root, files);
  const packages = mopsPackages(root);
  for (const dir of packages.values()) motokoFiles(join(root, dir), root, files, new Set());
  const entry = relative(root, join(root, main)).split(sep).join('/');
  const hash = createHash('sha256').update(`moc ${loaded.version}\0${entry}\0`);
  for (const [n, dir] of packages) hash.update(`pkg ${n} ${dir}\0`);
  for (const [path, text] of files) hash.update(`${path}\0${text}\0`);
  const key = hash.digest('hex').slice(0, 16);
  const outDir = join(root, '.mockic', 'build', name);
  const wasmPath = join(outDir, `${name}-${key}.wasm`);
  const candidPath = join(outDir, `${name}-${key}.did`);
  if (existsSync(wasmPath) && existsSync(candidPath)) return { wasmPath, candidPath, cached: true, ms: performance.now() - t0 };

  const mo = loaded.moc;
  for (const [path, text] of files) mo.write(path, text);
  for (const [n, dir] of packages) mo.usePackage(n, dir);
  mo.setPublicMetadata(['candid:service']); // as dfx builds it
  let out: { wasm: Uint8Array; candid: string };
  try {
    out = mo.wasm(entry, 'ic');
  } catch (e) {
    const diagnostics = mo
      .check(entry)
      .filter((d) => d.severity === 1)
      .map((d) => `${d.source}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
    throw new Error(`moc.js could not compile ${entry}:\n${diagnostics.length > 0 ? diagnostics.join('\n') : e instanceof Error ? e.message : String(e)}`);
  }
  mkdirSync(outDir, { recursive: true });
  for (const old of readdirSync(outDir)) if (old.startsWith(`${name}-`) && !old.includes(key)) rmSync(join(outDir, old), { force: true }); // superseded builds
  writeFileSync(wasmPath, out.wasm);
  writeFileSync(candidPath, out.candid);
  return { wasmPath, candidPath, cached: false, ms: performance.now() - t0 };
}
