// `mockic serve --watch`: editing a Motoko source recompiles it and upgrades its canister in place
// (the persistent heap survives, the new method answers), and editing a file of an assets canister
// serves the new content — no restart. What serve writes itself does not retrigger it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor, HttpAgent, serveProject } from './support.ts';

async function until(what: string, check: () => boolean, lines: string[]): Promise<void> {
  for (let i = 0; i < 1500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), `${what}:\n${lines.join('\n')}`);
}

const V1 = 'persistent actor {\n  var n : Nat = 0;\n  public func inc() : async Nat { n += 1; n };\n};\n';
const V2 = 'persistent actor {\n  var n : Nat = 0;\n  public func inc() : async Nat { n += 1; n };\n  public query func doubled() : async Nat { 2 * n };\n};\n';

test('a changed Motoko source upgrades its canister; a changed asset is served; no restart', async () => {
  const served = await serveProject(
    {
      'dfx.json': JSON.stringify({ canisters: { backend: { type: 'motoko', main: 'main.mo' }, web: { type: 'assets', source: ['www'] } } }),
      'main.mo': V1,
      'www/index.html': 'v1',
    },
    ['--watch'],
    'Watching the project',
  );
  const { dir, lines, url } = served;
  try {
    assert.ok(lines.some((l) => l.startsWith('Watching the project')), lines.join('\n'));
    const { backend, web } = served.ids() as { backend: string; web: string };
    const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true, retryTimes: 0 });
    const v1 = Actor.createActor(({ IDL }) => IDL.Service({ inc: IDL.Func([], [IDL.Nat], []) }), { agent, canisterId: backend });
    assert.is(await v1['inc']!(), 1n);
    assert.is(await v1['inc']!(), 2n);
    const changesBefore = lines.filter((l) => l.startsWith('Changed:')).length;

    writeFileSync(join(dir, 'main.mo'), V2);
    await until('the canister is upgraded', () => lines.some((l) => l.includes(`upgrading ${backend}`)) && lines.some((l) => l.includes(`${backend} upgraded`)), lines);
    const v2 = Actor.createActor(({ IDL }) => IDL.Service({ doubled: IDL.Func([], [IDL.Nat], ['query']) }), { agent, canisterId: backend });
    assert.is(await v2['doubled']!(), 4n, 'the new method answers from the kept heap');

    writeFileSync(join(dir, 'www', 'index.html'), 'v2');
    await until('the asset is served', () => lines.filter((l) => l.startsWith('Changed:')).some((l) => l.includes('www/index.html')), lines);
    await until('v2 is served', () => lines.filter((l) => l.includes('asset canister stand-in')).length >= 2, lines);
    assert.is(await (await fetch(`${url}/?canisterId=${web}`)).text(), 'v2');

    // serve's own writes (canister_ids.json, .env, .mockic/) trigger nothing more
    const settled = lines.filter((l) => l.startsWith('Changed:')).length;
    await new Promise((r) => setTimeout(r, 800));
    assert.is(lines.filter((l) => l.startsWith('Changed:')).length, settled, 'no reinstall loop');
    assert.ok(settled - changesBefore >= 2);
    assert.not.ok(lines.some((l) => l.startsWith('ERROR')), lines.join('\n'));
  } finally {
    assert.is(await served.stop(), 0);
  }
});

test.run();
