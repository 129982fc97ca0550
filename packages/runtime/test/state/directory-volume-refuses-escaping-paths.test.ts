import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryVolume, MemfsVolume } from '../../src/state/index.ts';

test('paths climbing out of the root with .. are refused; absolute paths stay inside the root', () => {
  const parent = mkdtempSync(join(tmpdir(), 'mockic-vol-'));
  try {
    const volume = new DirectoryVolume(join(parent, 'root'));
    const isRangeError = (e: unknown) => e instanceof RangeError;
    assert.throws(() => volume.writeFile('../outside', new Uint8Array([1])), isRangeError);
    assert.throws(() => volume.writeFile('a/../../outside', new Uint8Array([1])), isRangeError);
    assert.throws(() => volume.open('../../etc/passwd', 'read'), isRangeError);
    assert.throws(() => volume.exists('..'), isRangeError);
    assert.throws(() => volume.rename('x', '../y'), isRangeError);
    assert.not.ok(existsSync(join(parent, 'outside')));
    // A rooted path means the volume's root, not the host's: root/etc does not exist, so ENOENT.
    assert.throws(() => volume.writeFile('/etc/passwd', new Uint8Array([1])), (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT');
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('a rooted path and a path with inner .. resolve inside the root', () => {
  const parent = mkdtempSync(join(tmpdir(), 'mockic-vol-'));
  try {
    const volume = new DirectoryVolume(join(parent, 'root'));
    volume.mkdirp('/a/b');
    volume.writeFile('/a/b/../c', new Uint8Array([7]));
    assert.ok(existsSync(join(parent, 'root', 'a', 'c')));
    assert.equal([...volume.readFile('a/c')], [7]);
    assert.equal(volume.list('/a'), ['b', 'c']);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('the memfs volume applies the same rule', () => {
  const volume = new MemfsVolume();
  assert.throws(() => volume.mkdirp('../x'), (e: unknown) => e instanceof RangeError);
});

test.run();
