// The state journal against a model: random programs of writes (objects, arrays, Maps, Sets, typed
// arrays, nested containers moved between places), commits, rollbacks and nested scopes, from fixed
// seeds. After every rollback the state must equal (values and iteration order) a deep copy taken at
// the matching point; after a commit it must equal what the writes built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cloneState } from '../../src/js-canister/clone-state.ts';
import { StateJournal } from '../../src/js-canister/state-journal.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A comparable form that keeps iteration order (Maps, Sets, object keys). */
function shape(v: unknown, seen = new Map<object, number>()): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v !== 'object' || v === null) return v;
  if (seen.has(v)) return `<cycle ${seen.get(v)}>`;
  seen.set(v, seen.size);
  if (ArrayBuffer.isView(v)) return ['bytes', ...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)];
  if (v instanceof Map) return ['map', ...[...v].map(([k, x]) => [shape(k, seen), shape(x, seen)])];
  if (v instanceof Set) return ['set', ...[...v].map((x) => shape(x, seen))];
  if (Array.isArray(v)) return ['array', v.length, ...Object.keys(v).map((k) => [k, shape((v as unknown as Record<string, unknown>)[k], seen)])];
  return ['object', ...Object.keys(v).map((k) => [k, shape((v as Record<string, unknown>)[k], seen)])];
}

interface State {
  [key: string]: unknown;
}

function initial(): State {
  return {
    a: { x: 1, y: [1, 2, 3], z: new Map([['k', { v: 1 }]]) },
    list: [{ n: 0 }, { n: 1 }, 'two', 3n],
    map: new Map<unknown, unknown>([
      ['one', 1],
      ['two', { deep: [1] }],
    ]),
    set: new Set<unknown>([1, 'b', 3]),
    bytes: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    counter: 0,
  };
}

/** Picks a random container reachable from the (viewed) state. */
function containers(root: unknown, out: unknown[] = [], depth = 0): unknown[] {
  if (typeof root !== 'object' || root === null || depth > 4 || ArrayBuffer.isView(root)) return out;
  out.push(root);
  const children = root instanceof Map ? [...root.values()] : root instanceof Set ? [] : Object.values(root as object);
  for (const c of children) containers(c, out, depth + 1);
  return out;
}

function randomValue(r: () => number, s: State): unknown {
  switch (Math.floor(r() * 7)) {
    case 0:
      return Math.floor(r() * 100);
    case 1:
      return `s${Math.floor(r() * 10)}`;
    case 2:
      return { fresh: Math.floor(r() * 10), inner: [Math.floor(r() * 5)] };
    case 3:
      return new Map([[`m${Math.floor(r() * 3)}`, Math.floor(r() * 9)]]);
    case 4: {
      const all = containers(s);
      return all[Math.floor(r() * all.length)]; // an existing container, moved or aliased
    }
    case 5:
      return BigInt(Math.floor(r() * 1000));
    default:
      return [Math.floor(r() * 3), 'x'];
  }
}

function randomWrite(r: () => number, s: State): void {
  const all = containers(s);
  const c = all[Math.floor(r() * all.length)] as Record<string, unknown>;
  const key = `k${Math.floor(r() * 4)}`;
  const op = Math.floor(r() * 6);
  if (c instanceof Map) {
    if (op < 3) c.set(key, randomValue(r, s));
    else if (op < 5) c.delete([...c.keys()][Math.floor(r() * Math.max(1, c.size))]);
    else c.clear();
  } else if (c instanceof Set) {
    if (op < 3) c.add(Math.floor(r() * 6));
    else if (op < 5) c.delete([...c][Math.floor(r() * Math.max(1, c.size))]);
    else c.clear();
  } else if (Array.isArray(c)) {
    if (op === 0) c.push(randomValue(r, s));
    else if (op === 1) c.pop();
    else if (op === 2) c.splice(Math.floor(r() * (c.length + 1)), Math.floor(r() * 2), randomValue(r, s));
    else if (op === 3) c[Math.floor(r() * (c.length + 3))] = randomValue(r, s);
    else if (op === 4) c.length = Math.floor(r() * (c.length + 1));
    else c.reverse();
  } else {
    if (op < 3) c[key] = randomValue(r, s);
    else if (op < 5) delete c[Object.keys(c)[Math.floor(r() * Math.max(1, Object.keys(c).length))] ?? key];
    else {
      const bytes = (s as { bytes?: unknown }).bytes;
      if (bytes instanceof Uint8Array) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      else c[key] = randomValue(r, s);
    }
  }
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
  test(`seed ${seed}: 60 transactions of random writes match the copy model`, () => {
    const r = rng(seed);
    const raw = initial();
    const journal = new StateJournal();
    let committed = shape(raw);
    for (let tx = 0; tx < 60; tx++) {
      const view = journal.view(raw);
      const writes = 1 + Math.floor(r() * 8);
      let marked: { mark: number; at: unknown } | undefined;
      for (let i = 0; i < writes; i++) {
        if (!marked && r() < 0.2) marked = { mark: journal.mark(), at: shape(raw) };
        randomWrite(r, view);
      }
      if (marked && r() < 0.5) {
        journal.rollbackTo(marked.mark);
        assert.equal(shape(raw), marked.at, `tx ${tx}: rollback to the scope mark`);
        randomWrite(r, view);
      }
      const choice = r();
      if (choice < 0.4) {
        journal.rollback();
        assert.equal(shape(raw), committed, `tx ${tx}: rollback`);
      } else if (choice < 0.5) {
        const after = shape(raw);
        const changes = journal.takeChanges();
        assert.equal(shape(raw), committed, `tx ${tx}: takeChanges rolls back`);
        journal.putChanges(changes);
        assert.equal(shape(raw), after, `tx ${tx}: putChanges reapplies`);
        journal.commit();
        committed = after;
      } else {
        journal.commit();
        committed = shape(raw);
      }
    }
    assert.equal(shape(cloneState(raw)), shape(raw), 'the state still deep-copies to itself');
  });
}

test.run();
