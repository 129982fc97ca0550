// `mockic serve --watch`: the dev loop without restarts. Watches the project directory and, once
// writes settle, asks the server to install the project again — a changed Motoko source is
// recompiled and its canister upgraded (heap kept), a rebuilt Wasm upgrades its canister, a changed
// file under an assets canister's source directory is served. What the server writes itself
// (.mockic/, canister_ids.json, .env) and dependency directories are not watched, so a reinstall
// never triggers another.
import { watch, type FSWatcher } from 'node:fs';
import { relative, sep } from 'node:path';
import type { Project } from './dfx-project.ts';

const IGNORED_DIRS = ['.mockic', 'node_modules', '.git', '.mops', '.vessel'];

export interface ProjectWatcher {
  close(): void;
}

/** Whether a changed file (relative to the project root, `/`-separated) is an input of the project. */
export function isProjectInput(project: Project, path: string): boolean {
  const first = path.split('/')[0] ?? '';
  if (IGNORED_DIRS.includes(first)) return false;
  if (path === '.env' || path.endsWith('canister_ids.json')) return false;
  if (/\.(mo|wasm|wasm\.gz|did)$/.test(path)) return true;
  for (const c of project.canisters) {
    for (const dir of c.assetSources ?? []) {
      const rel = relative(project.root, dir).split(sep).join('/');
      if (rel === '' || path === rel || path.startsWith(`${rel}/`)) return true;
    }
  }
  return false;
}

/** Calls `onChange` (never concurrently, at most once more while it runs) after inputs change. */
export function watchProject(project: Project, onChange: (paths: string[]) => Promise<void>, settleMs = 250): ProjectWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let pending = new Set<string>();
  const fire = async () => {
    timer = undefined;
    if (running) return;
    running = true;
    try {
      while (pending.size > 0) {
        const paths = [...pending].sort();
        pending = new Set();
        await onChange(paths);
      }
    } finally {
      running = false;
    }
  };
  let watcher: FSWatcher | undefined = watch(project.root, { recursive: true }, (_event, file) => {
    if (!file) return;
    const path = String(file).split(sep).join('/');
    if (!isProjectInput(project, path)) return;
    pending.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void fire(), settleMs);
  });
  watcher.on('error', () => undefined); // a vanished directory must not kill the server
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}

