// raw_rand: 32 bytes, different on every call, the same sequence for the same seed, another for another seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alice, ic, installProxy, rejection, setup, viaProxy } from './management-support.ts';
import { DeterministicRandom } from '../../src/management/deterministic-random.ts';

async function draws(seed: string, n: number): Promise<string[]> {
  const { replica } = await setup({ seed });
  const proxy = await installProxy(replica, alice);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await viaProxy(replica, proxy, 'raw_rand', undefined);
    assert.is(r.ok.length, 32);
    out.push(Buffer.from(r.ok).toString('hex'));
  }
  return out;
}

test('raw_rand returns 32 fresh bytes on every call', async () => {
  const d = await draws('a', 3);
  assert.is(new Set(d).size, 3);
});

test('the same seed replays the same bytes; another seed gives others', async () => {
  assert.equal(await draws('a', 2), await draws('a', 2));
  assert.not.equal(await draws('a', 2), await draws('b', 2));
});

test('the generator is a pure function of seed and call count', () => {
  const a = new DeterministicRandom(7n);
  const b = new DeterministicRandom(7n);
  assert.equal(a.next32(), b.next32());
  assert.not.equal(a.next32(), new DeterministicRandom(7n).next32());
});

test('a user cannot call raw_rand', async () => {
  const { replica } = await setup();
  const e = await rejection(ic(replica, 'raw_rand', undefined, alice));
  assert.is(e.description, 'Only canisters can call ic00 method raw_rand');
});

test.run();
