// `pnpm dev`: the offline dev server on the embedded example dapp (examples/offline-dev) — what
// `dfx start` + `dfx deploy` give a dapp developer, with nothing downloaded: `mockic serve --watch`
// compiles the Motoko backend with moc.js, serves the frontend directory as the assets canister,
// stands in for Internet Identity, and prints the URL to open. esbuild bundles (and re-bundles on
// every edit) frontend/main.ts; an edit of the backend source upgrades its canister in place.
// Extra arguments go to `mockic serve` (e.g. `pnpm dev --port 8080 --clean`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { main } from '@mockic/cli';
import { exampleDir, frontendBundleOptions } from '../examples/offline-dev/test/frontend-bundle.ts';

/** The part of esbuild's API used here (esbuild is the example's own dependency: resolved from there). */
interface Esbuild {
  context(options: Record<string, unknown>): Promise<{ rebuild(): Promise<unknown>; watch(): Promise<void>; dispose(): Promise<void> }>;
}
const esbuild = createRequire(join(exampleDir, 'package.json'))('esbuild') as Esbuild;

const bundle = await esbuild.context({ ...frontendBundleOptions, logLevel: 'warning' });
await bundle.rebuild();
await bundle.watch();

let url: string | undefined;
const out = {
  log: (line: string) => {
    console.log(line);
    const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
    if (listening) url = listening;
    if (url && line.startsWith('Watching the project')) {
      const ids = JSON.parse(readFileSync(join(exampleDir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      const id = (name: string) => ids[name]?.local ?? '';
      console.log(`\nOpen the dapp: ${url}/?canisterId=${id('frontend')}&backend=${id('backend')}&ii=${id('internet_identity')}`);
      console.log('Edit examples/offline-dev/src/backend/main.mo or frontend/main.ts and reload; Ctrl-C stops.\n');
    }
  },
  error: (line: string) => console.error(line),
};
process.exitCode = await main(['serve', '--project', exampleDir, '--watch', ...process.argv.slice(2)], out);
await bundle.dispose();
