// How the frontend is bundled, as the dapp's build would: frontend/main.ts with @dfinity/agent and
// @dfinity/auth-client into one ES module, frontend/dist/main.js. Shared by the test and `pnpm dev`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const exampleDir = fileURLToPath(new URL('..', import.meta.url));
export const frontendDir = join(exampleDir, 'frontend');

/** esbuild options for the frontend bundle. */
export const frontendBundleOptions: {
  entryPoints: string[];
  outfile: string;
  bundle: boolean;
  format: 'esm';
  platform: 'browser';
  target: string;
  sourcemap: boolean;
} = {
  entryPoints: [join(frontendDir, 'main.ts')],
  outfile: join(frontendDir, 'dist', 'main.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
};
