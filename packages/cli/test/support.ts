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
