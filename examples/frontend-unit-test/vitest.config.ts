// vitest for the guestbook component. The "source" export condition makes the workspace packages
// (@mockic/mock-agent, @mockic/runtime, @mockic/fixtures) load from their TypeScript sources, as
// the rest of the workspace's tests do. The same spec runs twice: under happy-dom and under jsdom.
import { defineConfig } from 'vitest/config';

// Vite's default conditions (defaultClientConditions / defaultServerConditions) with "source" first.
const conditions = ['source', 'module', 'development|production'];

export default defineConfig({
  resolve: { conditions: [...conditions, 'browser'] },
  ssr: { resolve: { conditions: [...conditions, 'node'] } },
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: ['spec/**/*.spec.tsx'],
    server: { deps: { inline: [/@mockic\//] } },
    // Compiling the Motoko backend on a cold cache takes a few seconds.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'happy-dom', environment: 'happy-dom', setupFiles: ['spec/setup.ts'] } },
      { extends: true, test: { name: 'jsdom', environment: 'jsdom', setupFiles: ['spec/jsdom-realm.ts', 'spec/setup.ts'] } },
    ],
  },
});
