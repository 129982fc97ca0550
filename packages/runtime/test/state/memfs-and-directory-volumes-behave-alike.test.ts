import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVolume, writeFileAtomic, MemfsVolume, DirectoryVolume, type Volume } from '../../src/state/index.ts';

function exercise(v: Volume): void {
  v.mkdirp('a/b');
  const fd = v.open('a/b/f', 'create');
  v.writeAt(fd, new Uint8Array([1, 2, 3]), 10); // extends with zeros
  assert.is(v.size(fd), 13);
  const dst = new Uint8Array(8);
  assert.is(v.readAt(fd, dst, 8), 5); // short at end of file
  assert.equal([...dst.subarray(0, 5)], [0, 0, 1, 2, 3]);
  v.truncate(fd, 11);
  v.fsync(fd);
  v.close(fd);
  const again = v.open('a/b/f', 'create'); // 'create' keeps existing content
  assert.is(v.size(again), 11);
  v.close(again);
  assert.throws(() => v.open('a/b/missing', 'readWrite'));

  writeFileAtomic(v, 'a/b/f', new Uint8Array([9])); // atomic replace
  assert.equal([...v.readFile('a/b/f')], [9]);
  assert.not.ok(v.exists('a/b/f.tmp'));
  v.writeFile('a/b/g', new Uint8Array([8]));
  v.rename('a/b/g', 'a/b/f');
  assert.equal([...v.readFile('a/b/f')], [8]);
  assert.equal(v.list('a/b'), ['f']);
  assert.equal(v.list('nope'), []);
  v.unlink('a/b/f');
  assert.not.ok(v.exists('a/b/f'));
  v.writeFile('a/b/h', new Uint8Array(1));
  v.remove('a');
  assert.not.ok(v.exists('a'));
  v.remove('a'); // absent: no error
}

test('memfs volume: open modes, positional I/O, truncate, atomic replace, list, unlink, remove', () => {
  exercise(new MemfsVolume());
  assert.ok(createVolume() instanceof MemfsVolume);
});

test('directory volume: the same behaviour on the real file system', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mockic-vol-'));
  try {
    const v = createVolume({ directory: dir });
    assert.ok(v instanceof DirectoryVolume);
    exercise(v);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
