// The JS canister state journal: writes through views are undone exactly (values, key and entry
// order, identities), commit keeps them, nested scopes roll back alone, effects can be taken out and
// put back, the raw state never holds a view, and the undo log grows with the writes, not the state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { types } from 'node:util';
import { Principal } from '@dfinity/principal';
import { cloneState } from '../../src/js-canister/clone-state.ts';
import { StateJournal } from '../../src/js-canister/state-journal.ts';

class Account {
  balance = 0n;
  deposit(n: bigint): void {
    this.balance += n;
  }
}

interface S {
  n: number;
  label: string;
  tags: string[];
  byName: Map<string, { count: number; seen: Set<string> }>;
  ids: Set<number>;
  obj: Record<string, number>;
  bytes: Uint8Array;
  when: Date;
  account: Account;
  owner: Principal;
}

function fresh(): S {
  return {
    n: 1,
    label: 'a',
    tags: ['x', 'y', 'z'],
    byName: new Map([
      ['alice', { count: 1, seen: new Set(['p']) }],
      ['bob', { count: 2, seen: new Set() }],
      ['carol', { count: 3, seen: new Set(['q', 'r']) }],
    ]),
    ids: new Set([1, 2, 3]),
    obj: { first: 1, second: 2, third: 3 },
    bytes: Uint8Array.of(1, 2, 3, 4),
    when: new Date(1_000),
    account: new Account(),
    owner: Principal.fromText('aaaaa-aa'),
  };
}

/** Deep equality that also compares Map/Set/object key order. */
function assertSameState(actual: unknown, expected: unknown): void {
  assert.equal(actual, expected);
  const order = (v: unknown): unknown => {
    if (v instanceof Map) return [...v].map(([k, x]) => [k, order(x)]);
    if (v instanceof Set) return [...v];
    if (Array.isArray(v)) return v.map(order);
    if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof Date)) return Object.keys(v).map((k) => [k, order((v as Record<string, unknown>)[k])]);
    return v;
  };
  assert.equal(order(actual), order(expected), 'same iteration order');
}

function noViews(v: unknown, seen = new Set<unknown>()): boolean {
  if (typeof v !== 'object' || v === null || seen.has(v)) return true;
  if (types.isProxy(v)) return false;
  seen.add(v);
  if (v instanceof Map) return [...v].every(([k, x]) => noViews(k, seen) && noViews(x, seen));
  if (v instanceof Set) return [...v].every((x) => noViews(x, seen));
  return Object.values(v as object).every((x) => noViews(x, seen));
}

function mutateEverything(s: S): void {
  s.n = 2;
  s.label += 'b';
  (s as unknown as Record<string, unknown>)['extra'] = { deep: [1] };
  s.tags.push('w');
  s.tags.sort().reverse();
  s.tags.splice(1, 1);
  s.tags[9] = 'far';
  s.byName.get('alice')!.count = 10;
  s.byName.get('alice')!.seen.add('new');
  s.byName.get('carol')!.seen.delete('q');
  s.byName.set('dave', { count: 4, seen: new Set() });
  s.byName.set('bob', { count: 20, seen: new Set(['z']) });
  s.byName.delete('alice');
  s.ids.delete(2);
  s.ids.add(7);
  delete s.obj['first'];
  s.obj['first'] = 100;
  s.bytes[0] = 99;
  s.bytes.set([7, 7], 2);
  s.when.setTime(5_000);
  s.account.deposit(50n);
}

test('a rollback undoes every kind of write: values, order and identities as committed', () => {
  const raw = fresh();
  const committed = cloneState(raw);
  const journal = new StateJournal();
  const bytes = raw.bytes;
  const alice = raw.byName.get('alice');
  mutateEverything(journal.view(raw));
  assert.is.not(raw.n, committed.n, 'the writes reached the state');
  journal.rollback();
  assertSameState(raw, committed);
  assert.ok(raw.bytes === bytes, 'an opaque object is restored in place');
  assert.ok(raw.byName.get('alice') === alice, 'a deleted entry comes back as the same object');
  assert.is(journal.size, 0);
});

test('array truncation and growth past the end are undone, holes and length included', () => {
  const raw = { xs: [1, 2, 3, 4, 5] };
  const journal = new StateJournal();
  const s = journal.view(raw);
  s.xs.length = 2;
  s.xs[6] = 9;
  s.xs.pop();
  s.xs.unshift(0);
  journal.rollback();
  assert.equal(raw.xs, [1, 2, 3, 4, 5]);
  assert.is(raw.xs.length, 5);
});

test('commit keeps the writes; a later rollback undoes only what came after', () => {
  const raw = fresh();
  const journal = new StateJournal();
  journal.view(raw).byName.get('bob')!.count = 42;
  journal.commit();
  const committed = cloneState(raw);
  mutateEverything(journal.view(raw));
  journal.rollback();
  assertSameState(raw, committed);
  assert.is(raw.byName.get('bob')!.count, 42);
});

test('a nested scope rolls back alone, also for objects first touched before it', () => {
  const raw = fresh();
  const journal = new StateJournal();
  const s = journal.view(raw);
  s.n = 5;
  const bytes = s.bytes; // copied for the transaction before the scope opens
  s.byName.delete('bob'); // saved whole before the scope
  const mark = journal.mark();
  bytes[1] = 77;
  s.byName.delete('carol');
  s.ids.clear();
  s.n = 6;
  journal.rollbackTo(mark);
  assert.is(raw.n, 5, 'the write before the scope stays');
  assert.equal([...raw.bytes], [1, 2, 3, 4]);
  assert.equal([...raw.byName.keys()], ['alice', 'carol']);
  assert.equal([...raw.ids], [1, 2, 3]);
  journal.rollback();
  assertSameState(raw, fresh());
});

test('stored views become raw values, also inside containers the method builds', () => {
  const raw = fresh();
  const journal = new StateJournal();
  const s = journal.view(raw);
  (s as unknown as Record<string, unknown>)['alias'] = s.byName.get('bob');
  (s as unknown as Record<string, unknown>)['list'] = [...s.byName.values()].map((x) => x);
  s.byName.set('copy', { count: 0, seen: s.byName.get('alice')!.seen });
  s.ids.add(s.tags as unknown as number);
  assert.ok(types.isProxy(s.byName), 'methods do see views');
  assert.ok(noViews(raw), 'the raw state holds no view');
  assert.ok((raw as unknown as Record<string, unknown>)['alias'] === raw.byName.get('bob'), 'aliasing is kept');
});

test('principals and frozen objects are shared as they are; Map and Set views still answer size and instanceof', () => {
  const frozen = Object.freeze({ k: 1 });
  const raw = { owner: Principal.fromText('aaaaa-aa'), frozen, m: new Map([[1, 2]]), set: new Set([1]) };
  const journal = new StateJournal();
  const s = journal.view(raw);
  assert.ok(s.owner === raw.owner);
  assert.ok(s.frozen === frozen);
  assert.is(s.m.size, 1);
  assert.ok(s.m instanceof Map && s.set instanceof Set);
  assert.equal([...s.m], [[1, 2]]);
  assert.is(journal.size, 0, 'reading records nothing');
});

test('taken-out changes put back reproduce the execution; a rollback after that restores the committed state', () => {
  const raw = fresh();
  const journal = new StateJournal();
  mutateEverything(journal.view(raw));
  const after = cloneState(raw);
  const changes = journal.takeChanges();
  assertSameState(raw, fresh());
  journal.putChanges(changes);
  assertSameState(raw, after);
  journal.rollback();
  assertSameState(raw, fresh());
});

test('the undo log grows with the writes, not with the size of the state', () => {
  const sizes = [1_000, 100_000];
  const logs = sizes.map((n) => {
    const raw = { balances: new Map<string, { amount: bigint }>(), log: [] as Array<{ to: string }> };
    for (let i = 0; i < n; i++) {
      raw.balances.set(`acct-${i}`, { amount: 1n });
      raw.log.push({ to: `acct-${i}` });
    }
    const journal = new StateJournal();
    const s = journal.view(raw);
    // a transfer: two balances and one appended transaction
    s.balances.get('acct-7')!.amount -= 1n;
    s.balances.get('acct-9')!.amount += 1n;
    s.log.push({ to: 'acct-9' });
    return journal.size;
  });
  assert.is(logs[0], logs[1], `${logs[0]} undo entries for 1,000 and 100,000 accounts`);
  assert.ok((logs[0] as number) <= 4);
});

test.run();
