// The offline dev loop end to end, in a real browser: `mockic serve` (in-process, as `main(argv)`)
// installs the dfx project's built backend, a static server on another port serves the frontend,
// and headless Chromium (driven by playwright-core) runs the bundled @dfinity/agent HttpAgent
// against the replica cross-origin (CORS, as through the real gateway): fetchRootKey(), a query,
// update calls whose certificates the agent verifies in the browser, and a reload that shows the
// count the replica kept. Then the same page loaded from the replica itself, through the HTTP
// gateway and the `frontend` asset canister stand-in that serve installs from dfx.json, signing in
// with @dfinity/auth-client against the Internet Identity stand-in (dfx.json's internet_identity).
//
// Build steps a real project runs with `dfx build` and its bundler happen here at test time:
// compileMotoko writes .dfx/local/canisters/backend/backend.wasm, esbuild bundles frontend/main.ts
// into frontend/dist/main.js (both gitignored). Chromium is Debian's /usr/bin/chromium (.ci/run
// installs it); without it this test fails rather than skipping.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { compileMotoko } from '@mockic/fixtures';
import { main } from '@mockic/cli';
import { exampleDir, frontendBundleOptions, frontendDir } from './frontend-bundle.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// tsc over the browser code (esbuild strips types without checking them), in parallel with the rest.
const tscCli = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
const tsc = new Promise<{ code: number | null; output: string }>((resolve) => {
  const child = spawn(process.execPath, [tscCli, '-p', join(frontendDir, 'tsconfig.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.on('close', (code) => resolve({ code, output }));
});

/** `dfx build` for the backend: the Wasm where dfx leaves it (and where `mockic serve` looks). */
function buildBackend(): void {
  const { wasm, candid } = compileMotoko(readFileSync(join(exampleDir, 'src', 'backend', 'main.mo'), 'utf8'));
  const dir = join(exampleDir, '.dfx', 'local', 'canisters', 'backend');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'backend.wasm'), wasm);
  writeFileSync(join(dir, 'backend.did'), candid);
}

/** The frontend bundle: frontend/main.ts with the agent, one ES module for the browser. */
async function buildFrontend(): Promise<void> {
  await build({ ...frontendBundleOptions, logLevel: 'error' });
}

interface Serving {
  url: string;
  lines: string[];
  errors: string[];
  stop(): Promise<number>;
}

/** `mockic serve --project examples/offline-dev --port 0 --in-memory`, in this process. */
async function serve(): Promise<Serving> {
  const lines: string[] = [];
  const errors: string[] = [];
  const controller = new AbortController();
  const running = main(
    ['serve', '--project', exampleDir, '--port', '0', '--in-memory'],
    { log: (s) => lines.push(s), error: (s) => errors.push(s) },
    controller.signal,
  );
  let exited: number | undefined;
  void running.then((code) => (exited = code));
  let url: string | undefined;
  for (let i = 0; i < 1000 && url === undefined && exited === undefined; i++) {
    url = lines.map((l) => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(l)?.[1]).find(Boolean);
    if (url === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  if (url === undefined) throw new Error(`mockic serve did not start (exit ${exited}):\n${[...lines, ...errors].join('\n')}`);
  return {
    url,
    lines,
    errors,
    stop: () => {
      controller.abort();
      return running;
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** A static file server for frontend/ on 127.0.0.1 (its own origin: the replica is another). */
async function serveFrontend(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = normalize(join(frontendDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(frontendDir) || !existsSync(file) || !TYPES[extname(file)]) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] as string, 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: this test drives a real browser. Install Debian's chromium ` +
        '(apt-get install -y chromium, as .ci/run does) or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
}

function value<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

test('a browser page counts through mockic serve: query, certified updates, reload keeps the count', async () => {
  buildBackend();
  // Start everything at once; whatever started is stopped again even when another part failed.
  const started = await Promise.allSettled([buildFrontend(), serve(), serveFrontend(), launchChromium()]);
  const [, served, static_, launched] = started;
  const cleanup = async () => {
    if (launched.status === 'fulfilled') await launched.value.close();
    if (static_.status === 'fulfilled') await new Promise((r) => static_.value.server.close(r));
    if (served.status === 'fulfilled') assert.is(await served.value.stop(), 0);
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await cleanup();
    throw failed.reason;
  }
  const [replica, frontend, browser] = [value(served), value(static_), value(launched)];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const replicaRequests: string[] = [];
  try {
    assert.equal(replica.errors, [], replica.errors.join('\n'));
    // serve wrote the id where dfx does; a dapp's bundler would inline it as CANISTER_ID_BACKEND.
    const ids = JSON.parse(readFileSync(join(exampleDir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
    const canisterId = ids['backend']?.local;
    assert.ok(canisterId, `no backend id in canister_ids.json:\n${replica.lines.join('\n')}`);
    assert.ok(replica.lines.some((l) => l.includes(canisterId)), replica.lines.join('\n'));

    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('requestfinished', (r) => r.url().startsWith(replica.url) && replicaRequests.push(`${r.method()} ${new URL(r.url()).pathname}`));

    const count = page.locator('#count');
    const button = page.locator('#increment');
    const ready = async () => {
      await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 10_000 });
      const error = await page.locator('#error').textContent();
      assert.is(error, '', `the page reported: ${error}\nconsole: ${consoleErrors.join('\n')}`);
    };

    await page.goto(`${frontend.url}/?host=${encodeURIComponent(replica.url)}&canisterId=${canisterId}`);
    await ready();
    assert.is(await count.textContent(), '0');

    await button.click();
    await ready();
    assert.is(await count.textContent(), '1');
    await button.click();
    await ready();
    assert.is(await count.textContent(), '2');

    // The page's origin is not the replica's: every call was a cross-origin fetch (CBOR POSTs
    // with a preflight), answered with the CORS headers the boundary nodes send.
    assert.not.equal(new URL(frontend.url).origin, new URL(replica.url).origin);
    assert.ok(replicaRequests.includes('GET /api/v2/status'), `fetchRootKey: ${replicaRequests.join(', ')}`);
    assert.ok(replicaRequests.some((r) => /^POST \/api\/v[23]\/canister\/[^/]+\/query$/.test(r)), replicaRequests.join(', '));
    assert.ok(replicaRequests.some((r) => /^POST \/api\/v[234]\/canister\/[^/]+\/call$/.test(r)), replicaRequests.join(', '));

    await page.reload();
    await ready();
    assert.is(await count.textContent(), '2');

    mkdirSync(join(exampleDir, '.screenshots'), { recursive: true });
    await page.screenshot({ path: join(exampleDir, '.screenshots', 'counter.png') });
    assert.equal(pageErrors, []);
  } finally {
    await cleanup();
  }
});

test('the same page served by mockic serve itself, with an Internet Identity sign-in through the II stand-in', async () => {
  buildBackend();
  await buildFrontend(); // before serve: the asset canister stand-in reads frontend/ when it starts
  const [served, launched] = await Promise.allSettled([serve(), launchChromium()]);
  try {
    const replica = value(served);
    const browser = value(launched);
    const ids = JSON.parse(readFileSync(join(exampleDir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
    const [backend, frontend, ii] = [ids['backend']?.local, ids['frontend']?.local, ids['internet_identity']?.local];
    assert.ok(backend && frontend && ii, replica.lines.join('\n'));
    const printed = replica.lines.find((l) => l.includes(`${replica.url}/?canisterId=${frontend}`));
    assert.ok(printed, `serve prints the frontend URL:\n${replica.lines.join('\n')}`);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // dist/main.js is requested without ?canisterId=: the gateway finds the canister from the Referer
    await page.goto(`${replica.url}/?canisterId=${frontend}&backend=${backend}&ii=${ii}`);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 10_000 });
    assert.is(await page.locator('#error').textContent(), '');
    assert.is(await page.locator('#count').textContent(), '0');
    await page.locator('#increment').click();
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 10_000 });
    assert.is(await page.locator('#count').textContent(), '1');
    assert.is(await page.locator('#principal').textContent(), '2vxsx-fae', 'anonymous before signing in');

    // Sign in with Internet Identity: @dfinity/auth-client opens the II stand-in's page in a popup,
    // the user enters an identity number, the page hands back the delegation chain.
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('#login').click()]);
    await popup.waitForSelector('body[data-state="ready"]', { timeout: 10_000 });
    await popup.locator('#anchor').fill('10000');
    await popup.locator('#continue').click();
    await page.waitForSelector('#principal[data-auth-client]', { timeout: 10_000 });
    assert.is(await page.locator('#error').textContent(), '');
    const principal = await page.locator('#principal').textContent();
    assert.is.not(principal, '2vxsx-fae', 'the backend sees a signed-in caller');
    assert.is(principal, await page.locator('#principal').getAttribute('data-auth-client'), 'the caller is the principal auth-client holds');
    await page.locator('#increment').click();
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 10_000 });
    assert.is(await page.locator('#count').textContent(), '2', 'the signed-in identity makes update calls');
    assert.equal(pageErrors, []);
  } finally {
    if (launched.status === 'fulfilled') await launched.value.close();
    if (served.status === 'fulfilled') assert.is(await served.value.stop(), 0);
  }
});

test('pnpm dev (scripts/dev.ts) serves this dapp and prints the URL that opens it', async () => {
  const script = fileURLToPath(new URL('../../../scripts/dev.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', script, '--port', '0', '--in-memory'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    let url: string | undefined;
    for (let i = 0; i < 1500 && url === undefined; i++) {
      url = /Open the dapp: (\S+)/.exec(output)?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(url, `no dapp URL printed:\n${output}`);
    const page = await fetch(url);
    assert.is(page.status, 200);
    assert.match(await page.text(), '<title>mockic offline dev: counter</title>');
    const bundle = await fetch(new URL('/dist/main.js', url), { headers: { referer: url } });
    assert.is(bundle.status, 200, 'the bundle esbuild wrote is served (found by the Referer)');
  } finally {
    child.kill('SIGINT');
  }
  assert.is(await exited, 0, output);
});

test('tsc -p examples/offline-dev/frontend/tsconfig.json: the browser code typechecks', async () => {
  const r = await tsc;
  assert.is(r.code, 0, `tsc exited with ${r.code}:\n${r.output}`);
});

test.run();
