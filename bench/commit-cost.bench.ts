// Does a stable memory commit cost O(pages written) and not O(stable memory size) (DESIGN 3)? A
// one-page commit on 1 MiB and on 256 MiB of committed stable memory should cost the same (ratio
// ≤ 1.2×); a 100-page commit should cost about 100× a one-page one minus fixed costs; a rollback
// should cost next to nothing. All on a memfs volume, so it measures the page store, not the disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryVolume, MemfsVolume, StablePageStore } from '../packages/runtime/src/state/index.ts';
import { printTable } from './table.ts';

const MiB = 1 << 20;
const PAGE = 4096;

function storeOf(bytes: number): StablePageStore {
  const store = StablePageStore.open(new MemfsVolume(), 'stable');
  store.grow(BigInt(bytes / 65536));
  // Every page really committed (non-zero), 16 MiB per commit to bound the journal's size.
  const chunk = new Uint8Array(16 * MiB).map((_, i) => (i * 7 + 1) & 0xff);
  for (let pos = 0; pos < bytes; pos += chunk.length) {
    store.write(BigInt(pos), chunk.subarray(0, Math.min(chunk.length, bytes - pos)));
    store.commit();
  }
  return store;
}

/** Median in ms of `runs` timed calls of `timed`, each after an untimed `prepare`. */
function median(runs: number, prepare: () => void, timed: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs + 20; i++) {
    prepare();
    const t = performance.now();
    timed();
    if (i >= 20) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

let seed = 12345;
function randomPage(store: StablePageStore): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % (Number(store.sizePages()) * 16);
}

function writePages(store: StablePageStore, count: number, contiguous: boolean): void {
  const page = new Uint8Array(PAGE).fill(seed & 0xff);
  const first = randomPage(store);
  const total = Number(store.sizePages()) * 16;
  for (let k = 0; k < count; k++) {
    const p = contiguous ? (first + k) % total : randomPage(store);
    store.write(BigInt(p * PAGE), page);
  }
}

const small = storeOf(1 * MiB);
const large = storeOf(256 * MiB);
const RUNS = 400;

// The two sizes are measured in alternation, so drift (GC, JIT, CPU clock) hits both alike.
const smallTimes: number[] = [];
const largeTimes: number[] = [];
for (let round = 0; round < 10; round++) {
  smallTimes.push(median(RUNS / 10, () => writePages(small, 1, false), () => small.commit()));
  largeTimes.push(median(RUNS / 10, () => writePages(large, 1, false), () => large.commit()));
}
const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const commit1Small = mid(smallTimes);
const commit1Large = mid(largeTimes);
const commit100Large = median(RUNS / 4, () => writePages(large, 100, false), () => large.commit());
const commit100LargeRun = median(RUNS / 4, () => writePages(large, 100, true), () => large.commit());
const rollback100 = median(RUNS, () => writePages(large, 100, false), () => large.rollback());

// For scale only: on a real directory a commit is three fsyncs plus a directory fsync.
const dir = mkdtempSync(join(tmpdir(), 'mockic-bench-commit-'));
const onDisk = StablePageStore.open(new DirectoryVolume(dir), 'stable');
onDisk.grow(16n);
const commit1Disk = median(30, () => writePages(onDisk, 1, false), () => onDisk.commit());
onDisk.close();
rmSync(dir, { recursive: true, force: true });

printTable('stable memory commit cost (memfs volume, median)', [
  { case: 'commit 1 page, 1 MiB committed', ms: commit1Small, ratio: '1.00×' },
  { case: 'commit 1 page, 256 MiB committed', ms: commit1Large, ratio: `${(commit1Large / commit1Small).toFixed(2)}× (target ≤ 1.2×)` },
  { case: 'commit 100 scattered pages, 256 MiB', ms: commit100Large, ratio: `${(commit100Large / commit1Large).toFixed(1)}× of 1 page` },
  { case: 'commit 100 contiguous pages, 256 MiB', ms: commit100LargeRun, ratio: `${(commit100LargeRun / commit1Large).toFixed(1)}× of 1 page` },
  { case: 'rollback 100 pages, 256 MiB', ms: rollback100, ratio: `${(rollback100 / commit1Large).toFixed(3)}× of 1-page commit` },
  { case: 'commit 1 page, directory volume (fsync)', ms: commit1Disk, ratio: `${(commit1Disk / commit1Large).toFixed(0)}× of memfs` },
]);
