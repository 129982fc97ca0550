// `mockic serve` in a dfx project: installs the built counter, prints its id and URL, writes
// .dfx/local/canister_ids.json, an unchanged @dfinity/agent HttpAgent calls it over HTTP, a restart
// keeps the count (state in .mockic/state), and --clean starts over. A Motoko canister with no
// built Wasm is compiled with moc.js; internet_identity without its Wasm becomes the II stand-in;
// an `assets` canister is served from its source directory by the asset canister stand-in at the
// URL serve prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motokoFixture, counterIdl } from '@mockic/fixtures';
import { main } from '../src/cli.ts';
import { Actor, HttpAgent, freePort } from './support.ts';

interface Running {
  lines: string[];
  errors: string[];
  stop(): Promise<number>;
  url: string;
}

async function serve(args: string[]): Promise<Running> {
  const port = await freePort();
  const lines: string[] = [];
  const errors: string[] = [];
  const controller = new AbortController();
  const running = main(['serve', '--port', String(port), ...args], { log: (s) => lines.push(s), error: (s) => errors.push(s) }, controller.signal);
  let done = false;
  void running.then(() => (done = true));
  for (let i = 0; i < 500 && !lines.some((l) => l.includes('listening')) && !done; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(lines.some((l) => l.includes(`http://127.0.0.1:${port}`)), [...lines, ...errors].join('\n'));
  return {
    lines,
    errors,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      controller.abort();
      return running;
    },
  };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-serve-'));
  writeFileSync(
    join(dir, 'dfx.json'),
    JSON.stringify({ canisters: { counter: { type: 'motoko', main: 'src/counter/main.mo' }, unbuilt: { type: 'motoko', main: 'x.mo' } }, output_env_file: '.env' }),
  );
  mkdirSync(join(dir, '.dfx', 'local', 'canisters', 'counter'), { recursive: true });
  writeFileSync(join(dir, '.dfx', 'local', 'canisters', 'counter', 'counter.wasm'), motokoFixture('counter').wasm);
  return dir;
}

async function counter(url: string, id: string) {
  const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true, retryTimes: 0 });
  return Actor.createActor(counterIdl as never, { agent, canisterId: id }) as unknown as { inc(): Promise<bigint>; get(): Promise<bigint> };
}

test('serve installs a dfx project, an HttpAgent calls it, a restart keeps the count, --clean drops it', async () => {
  const dir = project();
  try {
    const first = await serve(['--project', dir]);
    let id: string;
    try {
      assert.equal(first.errors, []);
      const ids = JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      id = ids['counter']?.local as string;
      assert.ok(id);
      assert.ok(first.lines.some((l) => l.includes('counter') && l.includes(`${first.url}/?canisterId=${id}`)), first.lines.join('\n'));
      assert.ok(first.lines.some((l) => l.includes('unbuilt') && l.includes('skipped')));
      assert.match(readFileSync(join(dir, '.env'), 'utf8'), `CANISTER_ID_COUNTER='${id}'`);
      const actor = await counter(first.url, id);
      assert.is(await actor.inc(), 1n);
      assert.is(await actor.inc(), 2n);
      assert.is(await actor.get(), 2n);
    } finally {
      assert.is(await first.stop(), 0);
    }
    assert.ok(existsSync(join(dir, '.mockic', 'state', 'checkpoint', 'replica.json')));

    const second = await serve(['--project', dir]);
    try {
      assert.ok(second.lines.some((l) => l.includes('1 canister(s) restored')), second.lines.join('\n'));
      assert.ok(second.lines.some((l) => l.includes(id) && l.includes('unchanged')), second.lines.join('\n'));
      const actor = await counter(second.url, id);
      assert.is(await actor.get(), 2n);
      assert.is(await actor.inc(), 3n);
    } finally {
      assert.is(await second.stop(), 0);
    }

    const clean = await serve(['--project', dir, '--clean']);
    try {
      const ids = JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      const actor = await counter(clean.url, ids['counter']?.local as string);
      assert.is(await actor.get(), 0n);
    } finally {
      assert.is(await clean.stop(), 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a changed module upgrades its canister and keeps the Motoko heap', async () => {
  const dir = project();
  try {
    const first = await serve(['--project', dir]);
    const ids = JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
    const id = ids['counter']?.local as string;
    try {
      await (await counter(first.url, id)).inc();
    } finally {
      await first.stop();
    }
    // The "rebuilt" module: the same code with an extra custom section changes the module hash.
    const wasm = motokoFixture('counter').wasm;
    const extra = new Uint8Array([0x00, 0x04, 0x03, 0x78, 0x79, 0x7a]);
    const rebuilt = new Uint8Array(wasm.length + extra.length);
    rebuilt.set(wasm);
    rebuilt.set(extra, wasm.length);
    writeFileSync(join(dir, '.dfx', 'local', 'canisters', 'counter', 'counter.wasm'), rebuilt);
    const second = await serve(['--project', dir]);
    try {
      assert.ok(second.lines.some((l) => l.includes('upgraded')), [...second.lines, ...second.errors].join('\n'));
      assert.is(await (await counter(second.url, id)).get(), 1n);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve reads icp.yaml and hex init arguments; bad flags exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-icp-'));
  try {
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'counter.wasm'), motokoFixture('counter').wasm);
    writeFileSync(
      join(dir, 'icp.yaml'),
      ['# an icp-cli project', 'canisters:', '  - name: backend', '    build:', '      steps:', '        - type: pre-built', '          path: out/counter.wasm', ''].join('\n'),
    );
    const running = await serve(['--project', dir, '--in-memory', '--argument', 'backend=4449444c0000']);
    try {
      assert.ok(running.lines.some((l) => l.includes('backend') && l.includes('installed')), running.lines.join('\n'));
      const ids = JSON.parse(readFileSync(join(dir, '.mockic', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      assert.is(await (await counter(running.url, ids['backend']?.local as string)).inc(), 1n);
      assert.not.ok(existsSync(join(dir, '.mockic', 'state')));
    } finally {
      await running.stop();
    }
    const errors: string[] = [];
    assert.is(await main(['serve', '--bogus'], { log: () => {}, error: (s) => errors.push(s) }), 2);
    assert.is(await main(['serve', '--argument', 'x'], { log: () => {}, error: (s) => errors.push(s) }), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help documents every serve flag', async () => {
  let help = '';
  await main(['--help'], { log: (s) => (help += s), error: () => {} });
  for (const flag of ['--port', '--project', '--state', '--clean', '--in-memory', '--argument', '--argument-file', '--wasm', '--controller']) {
    assert.ok(help.includes(flag), flag);
  }
});

test('a Motoko canister without built Wasm is compiled with moc.js (imports resolved), cached for the next start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-serve-moc-'));
  try {
    writeFileSync(join(dir, 'dfx.json'), JSON.stringify({ canisters: { backend: { type: 'motoko', main: 'src/backend/main.mo' }, broken: { type: 'motoko', main: 'src/broken.mo' } } }));
    mkdirSync(join(dir, 'src', 'backend'), { recursive: true });
    writeFileSync(join(dir, 'src', 'backend', 'Step.mo'), 'module { public let step : Nat = 5 }');
    writeFileSync(
      join(dir, 'src', 'backend', 'main.mo'),
      'import Step "Step";\npersistent actor {\n  var n : Nat = 0;\n  public func inc() : async Nat { n += Step.step; n };\n  public query func get() : async Nat { n };\n};\n',
    );
    writeFileSync(join(dir, 'src', 'broken.mo'), 'persistent actor { public func f() : async Nat { "text" } };\n');
    const first = await serve(['--project', dir]);
    let id: string;
    try {
      assert.ok(first.lines.some((l) => l.includes('backend') && l.includes('with moc.js')), first.lines.join('\n'));
      assert.ok(first.errors.some((l) => l.includes('broken') && l.includes('src/broken.mo:1:')), `moc's diagnostic names the file and line: ${first.errors.join('\n')}`);
      const ids = JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      id = ids['backend']?.local as string;
      const actor = await counter(first.url, id);
      assert.is(await actor.inc(), 5n, 'the imported module took part');
    } finally {
      await first.stop();
    }
    const second = await serve(['--project', dir]);
    try {
      assert.ok(second.lines.some((l) => l.includes('unchanged since the last build')), second.lines.join('\n'));
      assert.ok(second.lines.some((l) => l.includes(id) && l.includes('module unchanged')), second.lines.join('\n'));
      assert.is(await (await counter(second.url, id)).get(), 5n);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dfx-built Wasm older than the Motoko sources is not used: the sources are compiled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-serve-stale-'));
  try {
    writeFileSync(join(dir, 'dfx.json'), JSON.stringify({ canisters: { counter: { type: 'motoko', main: 'main.mo' } } }));
    mkdirSync(join(dir, '.dfx', 'local', 'canisters', 'counter'), { recursive: true });
    const built = join(dir, '.dfx', 'local', 'canisters', 'counter', 'counter.wasm');
    writeFileSync(built, motokoFixture('counter').wasm); // increments by 1
    writeFileSync(join(dir, 'main.mo'), 'persistent actor {\n  var n : Nat = 0;\n  public func inc() : async Nat { n += 10; n };\n  public query func get() : async Nat { n };\n};\n');
    utimesSync(built, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const running = await serve(['--project', dir, '--in-memory']);
    try {
      assert.ok(running.lines.some((l) => l.includes('sources are newer than .dfx/local/canisters/counter/counter.wasm')), running.lines.join('\n'));
      const id = (JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>)['counter']!.local;
      assert.is(await (await counter(running.url, id)).inc(), 10n, 'the edited source runs, not the stale build');
    } finally {
      assert.is(await running.stop(), 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('internet_identity without downloaded Wasm becomes the II stand-in, its sign-in page at the printed URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-serve-ii-'));
  try {
    const release = 'https://github.com/dfinity/internet-identity/releases/latest/download';
    writeFileSync(
      join(dir, 'dfx.json'),
      JSON.stringify({
        canisters: {
          internet_identity: { type: 'custom', candid: `${release}/internet_identity.did`, wasm: `${release}/internet_identity_dev.wasm.gz`, remote: { id: { ic: 'rdmx6-jaaaa-aaaaa-aaadq-cai' } } },
        },
        output_env_file: '.env',
      }),
    );
    const running = await serve(['--project', dir]);
    try {
      assert.equal(running.errors, []);
      assert.ok(running.lines.some((l) => l.includes('Internet Identity stand-in')), running.lines.join('\n'));
      const id = (JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>)['internet_identity']?.local;
      assert.match(readFileSync(join(dir, '.env'), 'utf8'), `CANISTER_ID_INTERNET_IDENTITY='${id}'`);
      const page = await fetch(`${running.url}/?canisterId=${id}`);
      assert.is(page.status, 200);
      assert.match(await page.text(), 'authorize-client-success');
    } finally {
      assert.is(await running.stop(), 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an assets canister serves its source directory at the printed URL, also after a restart with rebuilt files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-serve-assets-'));
  try {
    writeFileSync(join(dir, 'dfx.json'), JSON.stringify({ canisters: { frontend: { type: 'assets', source: ['dist', 'public'] } } }));
    mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>v1</title>');
    writeFileSync(join(dir, 'dist', 'assets', 'app.js'), 'console.log(1)');
    const first = await serve(['--project', dir]);
    let id: string;
    try {
      assert.equal(first.errors, []);
      const ids = JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      id = ids['frontend']?.local as string;
      assert.ok(first.lines.some((l) => l.includes('serving 2 files') && l.includes('asset canister stand-in')), first.lines.join('\n'));
      assert.ok(first.lines.some((l) => l.includes('public') && l.includes('not found')), 'a missing source directory is reported');
      const page = await fetch(`${first.url}/?canisterId=${id}`);
      assert.is(page.status, 200);
      assert.is(page.headers.get('content-type'), 'text/html');
      assert.is(await page.text(), '<!doctype html><title>v1</title>');
      const js = await fetch(`${first.url}/assets/app.js?canisterId=${id}`);
      assert.is(js.headers.get('content-type'), 'text/javascript');
      assert.is(await js.text(), 'console.log(1)');
    } finally {
      assert.is(await first.stop(), 0);
    }
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>v2</title>');
    const second = await serve(['--project', dir]);
    try {
      const ids = JSON.parse(readFileSync(join(dir, '.dfx', 'local', 'canister_ids.json'), 'utf8')) as Record<string, { local: string }>;
      assert.is(ids['frontend']?.local, id, 'the same canister id');
      assert.is(await (await fetch(`${second.url}/?canisterId=${id}`)).text(), '<!doctype html><title>v2</title>');
    } finally {
      assert.is(await second.stop(), 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
