// Shared by the CLI tests: a free loopback port for a server under test, and @dfinity/agent (a
// dependency of @mockic/mock-agent; the CLI itself does not need it).
import { createServer } from 'node:net';

type AgentModule = typeof import('../../mock-agent/node_modules/@dfinity/agent/lib/esm/index.js');
const agent = (await import(new URL('../../mock-agent/node_modules/@dfinity/agent/lib/esm/index.js', import.meta.url).href)) as AgentModule;
export const Actor: AgentModule['Actor'] = agent.Actor;
export const HttpAgent: AgentModule['HttpAgent'] = agent.HttpAgent;

/** A port nothing listens on right now (the server under test binds it next). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServedProject {
  dir: string;
  url: string;
  /** Everything serve printed (errors prefixed with "ERROR "). */
  lines: string[];
  /** The canister ids serve wrote to .dfx/local/canister_ids.json, by name. */
  ids(): Record<string, string>;
  /** Stops the server (exit code) and removes the project directory. */
  stop(): Promise<number>;
}

/**
 * `mockic serve --in-memory` on a temporary project made of `files` (relative path → content),
 * running until stop(); resolves once serve printed a line containing `ready`.
 */
export async function serveProject(files: Record<string, string>, args: string[] = [], ready = 'listening'): Promise<ServedProject> {
  const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { dirname, join } = await import('node:path');
  const { main } = await import('../src/cli.ts');
  const dir = mkdtempSync(join(tmpdir(), 'mockic-serve-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const port = await freePort();
  const lines: string[] = [];
  const controller = new AbortController();
  const running = main(['serve', '--project', dir, '--port', String(port), '--in-memory', ...args], { log: (s) => lines.push(s), error: (s) => lines.push(`ERROR ${s}`) }, controller.signal);
  let exited = false;
  void running.then(() => (exited = true));
  for (let i = 0; i < 1500 && !exited && !lines.some((l) => l.includes(ready)); i++) await new Promise((r) => setTimeout(r, 20));
  return {
    dir,
    url: `http://127.0.0.1:${port}`,
    lines,
    ids: () =>
      Object.fromEntries(
        Object.entries(JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>).map(([k, v]) => [k, v.local]),
      ),
    stop: async () => {
      controller.abort();
      const code = await running;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
