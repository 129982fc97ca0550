import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemfsVolume, DirectoryVolume, StablePageStore, type Volume } from '../../src/state/index.ts';
import { pattern } from './crashing-volume.ts';

function roundTrip(volume: Volume, reopenVolume: Volume): void {
  const store = StablePageStore.open(volume, 'canisters/aaaaa-aa/stable');
  store.grow(3n);
  store.write(1000n, pattern(150_000, 3));
  store.commit();
  store.write(0n, new Uint8Array([1, 2, 3])); // not committed
  store.close();

  const again = StablePageStore.open(reopenVolume, 'canisters/aaaaa-aa/stable');
  assert.is(again.sizePages(), 3n);
  const all = again.readAll();
  const expected = new Uint8Array(3 * 65536);
  expected.set(pattern(150_000, 3), 1000);
  assert.equal(all, expected);
  again.close();
}

test('a memfs volume reopened sees the committed state and not the uncommitted writes', () => {
  const volume = new MemfsVolume();
  roundTrip(volume, volume);
});

test('a real directory reopened through a new DirectoryVolume sees the committed state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-state-'));
  try {
    roundTrip(new DirectoryVolume(dir), new DirectoryVolume(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
