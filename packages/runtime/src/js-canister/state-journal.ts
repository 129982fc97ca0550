// Transactional state for JS canisters: commit and rollback cost what the message changed, not the
// size of the state (a ledger with 100,000 accounts pays for the two balances a transfer touches).
// Methods see the state through proxies that record an undo entry before every write: plain objects
// and arrays (set, define, delete), and Maps and Sets (set/add, delete, clear). Rollback replays the
// entries backwards, in place, so every reference into the state (a generator suspended at a call)
// sees the restored values; commit drops them.
//
// Exactness: a rolled-back state equals the committed one, iteration order included. Inserting or
// replacing keeps order by itself; deleting a key of a Map, a Set or a (non-array) object saves the
// whole container once per transaction, so its order can be restored — deletes cost O(container).
// Objects that cannot be proxied faithfully — typed arrays, ArrayBuffer, DataView, Date, class
// instances (their methods may need the real `this`, or private fields) — are handed out as they
// are, after a deep copy is saved on their first access in a transaction. Frozen objects and
// principals are immutable and shared as they are.
import { cloneState, restoreState } from './clone-state.ts';

type Container = Record<PropertyKey, unknown>;

type Undo =
  | { kind: 'prop'; target: Container; key: PropertyKey; old: PropertyDescriptor | undefined }
  | { kind: 'object'; target: Container; props: Array<[PropertyKey, PropertyDescriptor]> }
  | { kind: 'map-set'; target: Map<unknown, unknown>; key: unknown; had: boolean; old: unknown }
  | { kind: 'map'; target: Map<unknown, unknown>; entries: Array<[unknown, unknown]> }
  | { kind: 'set-add'; target: Set<unknown>; value: unknown }
  | { kind: 'set'; target: Set<unknown>; values: unknown[] }
  | { kind: 'proto'; target: object; old: object | null }
  | { kind: 'opaque'; target: object; copy: unknown };

/** A journal position: `rollbackTo(mark)` undoes everything recorded after it. */
export type JournalMark = number;

/** What an execution changed, taken out of the state by `takeChanges` and put back by `putChanges`. */
export interface StateChanges {
  readonly containers: ReadonlyArray<Undo>;
}

export class StateJournal {
  private entries: Undo[] = [];
  /** Containers saved whole (delete/clear): the journal position of that save. */
  private saved = new Map<object, number>();
  /** Opaque objects copied in this transaction: the journal position of the copy. */
  private copied = new Map<object, number>();
  /** Start of the innermost open scope (see mark). */
  private scope = 0;
  private readonly proxies = new WeakMap<object, object>();
  private readonly targets = new WeakMap<object, object>();

  /** Number of undo entries recorded since the last commit. */
  get size(): number {
    return this.entries.length;
  }

  /** The transactional view of a state value (the value itself for primitives and immutable objects). */
  view<T>(value: T): T {
    return this.wrap(value) as T;
  }

  /** The raw value behind a view (the value itself when it is not a view). */
  unwrap<T>(value: T): T {
    if (typeof value !== 'object' || value === null) return value;
    return (this.targets.get(value) as T | undefined) ?? value;
  }

  /** Opens a nested scope (a timer callback inside the timer execution); returns where it starts. */
  mark(): JournalMark {
    this.scope = this.entries.length;
    // opaque objects handed out earlier in the transaction may still be referenced and written in
    // the scope without a new access: copy them again for it
    for (const target of this.copied.keys()) {
      this.copied.set(target, this.entries.length);
      this.entries.push({ kind: 'opaque', target, copy: cloneState(target) });
    }
    return this.scope;
  }

  /** Undoes every write recorded after `mark`, newest first. */
  rollbackTo(mark: JournalMark): void {
    const entries = this.entries;
    while (entries.length > mark) undo(entries.pop() as Undo, this);
    for (const [c, at] of this.saved) if (at >= mark) this.saved.delete(c);
    this.scope = Math.min(this.scope, mark);
  }

  /** Undoes the whole transaction. */
  rollback(): void {
    this.rollbackTo(0);
    this.copied.clear();
    this.saved.clear();
    this.scope = 0;
  }

  /** Keeps the transaction's writes. */
  commit(): void {
    this.entries = [];
    this.copied.clear();
    this.saved.clear();
    this.scope = 0;
  }

  /**
   * Takes the transaction's effects out as data (each touched container's content now) and rolls
   * back; `putChanges` re-applies them as writes of a new transaction.
   */
  takeChanges(): StateChanges {
    const seen = new Set<object>();
    const containers: Undo[] = [];
    for (const e of this.entries) {
      if (seen.has(e.target)) continue;
      seen.add(e.target);
      containers.push(saveWhole(e.target));
    }
    this.rollback();
    return { containers };
  }

  putChanges(changes: StateChanges): void {
    for (const c of changes.containers) {
      this.entries.push(saveWhole(c.target));
      this.saved.set(c.target, this.entries.length - 1);
      undo(c, this);
    }
  }

  /** Forgets an opaque object's copy mark once its undo entry ran (it is copied again on next access). */
  uncopied(target: object): void {
    this.copied.delete(target);
  }

  // ------------------------------------------------------------------ views

  private wrap(v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    if (this.targets.has(v)) return v; // already a view
    const existing = this.proxies.get(v);
    if (existing) return existing;
    if (Object.isFrozen(v) || isPrincipal(v)) return v;
    const kind = containerKind(v);
    if (kind === undefined) {
      const at = this.copied.get(v);
      if (at === undefined || at < this.scope) {
        this.copied.set(v, this.entries.length);
        this.entries.push({ kind: 'opaque', target: v, copy: cloneState(v) });
      }
      return v;
    }
    const proxy = kind === 'map' ? this.mapView(v as Map<unknown, unknown>) : kind === 'set' ? this.setView(v as Set<unknown>) : this.objectView(v as Container, kind === 'array');
    this.proxies.set(v, proxy);
    this.targets.set(proxy, v);
    return proxy;
  }

  /** The raw form of a value about to be stored: views become their targets, also inside new containers. */
  private raw(v: unknown, seen?: Set<object>): unknown {
    if (typeof v !== 'object' || v === null) return v;
    const target = this.targets.get(v);
    if (target) return target;
    if (this.proxies.has(v) || Object.isFrozen(v) || containerKind(v) === undefined) return v;
    // a container built by the method: its members may be views (e.g. the result of `view.map(...)`)
    const visited = seen ?? new Set<object>();
    if (visited.has(v)) return v;
    visited.add(v);
    if (v instanceof Map) {
      const entries = [...v];
      let changed = false;
      const fixed = entries.map(([k, x]) => {
        const rk = this.raw(k, visited);
        const rx = this.raw(x, visited);
        if (rk !== k || rx !== x) changed = true;
        return [rk, rx] as [unknown, unknown];
      });
      if (changed) {
        v.clear();
        for (const [k, x] of fixed) v.set(k, x);
      }
    } else if (v instanceof Set) {
      const values = [...v];
      const fixed = values.map((x) => this.raw(x, visited));
      if (fixed.some((x, i) => x !== values[i])) {
        v.clear();
        for (const x of fixed) v.add(x);
      }
    } else {
      for (const key of Reflect.ownKeys(v)) {
        const d = Object.getOwnPropertyDescriptor(v, key);
        if (!d || !('value' in d)) continue;
        const rx = this.raw(d.value, visited);
        if (rx !== d.value && d.writable) (v as Container)[key] = rx;
      }
    }
    return v;
  }

  private record(e: Undo): void {
    this.entries.push(e);
  }

  /** Saves a whole container once per scope before a delete (so its order can be restored). */
  private saveOnce(target: object): void {
    const at = this.saved.get(target);
    if (at !== undefined && at >= this.scope) return;
    this.entries.push(saveWhole(target));
    this.saved.set(target, this.entries.length - 1);
  }

  private savedInScope(target: object): boolean {
    const at = this.saved.get(target);
    return at !== undefined && at >= this.scope;
  }

  private objectView(target: Container, isArray: boolean): object {
    const journal = this;
    return new Proxy(target, {
      get(t, key, receiver) {
        const d = Object.getOwnPropertyDescriptor(t, key);
        if (d && 'value' in d) {
          // a non-writable, non-configurable property must read as itself (a Proxy invariant)
          return d.writable || d.configurable ? journal.wrap(d.value) : d.value;
        }
        return Reflect.get(t, key, receiver); // accessors and inherited members (array methods) see the view
      },
      set(t, key, value, receiver) {
        const d = Object.getOwnPropertyDescriptor(t, key);
        if (!d || 'value' in d) {
          const v = journal.raw(value);
          if (d && d.writable && Object.is(d.value, v)) return true; // no change (push's length update)
          if (!journal.savedInScope(t)) {
            if (isArray && key === 'length') {
              const arr = t as unknown as unknown[];
              const n = Number(v);
              for (let i = arr.length - 1; i >= n; i--) {
                if (Object.prototype.hasOwnProperty.call(arr, i)) journal.record({ kind: 'prop', target: t, key: String(i), old: Object.getOwnPropertyDescriptor(arr, i) });
              }
            }
            else if (isArray && typeof key === 'string' && isArrayIndex(key) && Number(key) >= (t as unknown as unknown[]).length) {
              // writing past the end grows the length too
              journal.record({ kind: 'prop', target: t, key: 'length', old: Object.getOwnPropertyDescriptor(t, 'length') });
            }
            journal.record({ kind: 'prop', target: t, key, old: d });
          }
          return Reflect.set(t, key, v);
        }
        return Reflect.set(t, key, value, receiver); // an accessor: its setter writes through the view
      },
      defineProperty(t, key, desc) {
        if (!journal.savedInScope(t)) {
          if (isArray && typeof key === 'string' && isArrayIndex(key) && Number(key) >= (t as unknown as unknown[]).length) {
            journal.record({ kind: 'prop', target: t, key: 'length', old: Object.getOwnPropertyDescriptor(t, 'length') });
          }
          journal.record({ kind: 'prop', target: t, key, old: Object.getOwnPropertyDescriptor(t, key) });
        }
        const d = 'value' in desc ? { ...desc, value: journal.raw(desc.value) } : desc;
        return Reflect.defineProperty(t, key, d);
      },
      deleteProperty(t, key) {
        const d = Object.getOwnPropertyDescriptor(t, key);
        if (!d) return true;
        if (isArray) journal.record({ kind: 'prop', target: t, key, old: d });
        else journal.saveOnce(t);
        return Reflect.deleteProperty(t, key);
      },
      setPrototypeOf(t, proto) {
        journal.record({ kind: 'proto', target: t, old: Object.getPrototypeOf(t) as object | null });
        return Reflect.setPrototypeOf(t, proto);
      },
      getOwnPropertyDescriptor(t, key) {
        const d = Reflect.getOwnPropertyDescriptor(t, key);
        if (d && 'value' in d && d.configurable) d.value = journal.wrap(d.value);
        return d;
      },
    });
  }

  private mapView(target: Map<unknown, unknown>): object {
    const journal = this;
    const wrap = (v: unknown) => journal.wrap(v);
    const key = (k: unknown) => journal.unwrap(k);
    const setOne = (k: unknown, v: unknown) => {
      const rk = key(k);
      if (!journal.savedInScope(target)) {
        const had = target.has(rk);
        journal.record({ kind: 'map-set', target, key: rk, had, old: had ? target.get(rk) : undefined });
      }
      target.set(rk, journal.raw(v));
    };
    let self: object;
    const methods: Record<PropertyKey, unknown> = {
      get: (k: unknown) => wrap(target.get(key(k))),
      has: (k: unknown) => target.has(key(k)),
      set: (k: unknown, v: unknown) => {
        setOne(k, v);
        return self;
      },
      delete: (k: unknown) => {
        const rk = key(k);
        if (!target.has(rk)) return false;
        journal.saveOnce(target);
        return target.delete(rk);
      },
      clear: () => {
        if (target.size === 0) return;
        journal.saveOnce(target);
        target.clear();
      },
      forEach: (fn: (v: unknown, k: unknown, m: unknown) => void, thisArg?: unknown) => {
        target.forEach((v, k) => fn.call(thisArg, wrap(v), wrap(k), self));
      },
      keys: function* () {
        for (const k of target.keys()) yield wrap(k);
      },
      values: function* () {
        for (const v of target.values()) yield wrap(v);
      },
      entries: function* () {
        for (const [k, v] of target) yield [wrap(k), wrap(v)];
      },
      getOrInsert: (k: unknown, v: unknown) => {
        if (!target.has(key(k))) setOne(k, v);
        return wrap(target.get(key(k)));
      },
      getOrInsertComputed: (k: unknown, fn: (k: unknown) => unknown) => {
        if (!target.has(key(k))) setOne(k, fn(k));
        return wrap(target.get(key(k)));
      },
    };
    methods[Symbol.iterator] = methods['entries'];
    self = new Proxy(target, collectionHandler(methods));
    return self;
  }

  private setView(target: Set<unknown>): object {
    const journal = this;
    const wrap = (v: unknown) => journal.wrap(v);
    let self: object;
    const methods: Record<PropertyKey, unknown> = {
      has: (v: unknown) => target.has(journal.unwrap(v)),
      add: (v: unknown) => {
        const rv = journal.raw(v);
        if (!target.has(rv)) {
          if (!journal.savedInScope(target)) journal.record({ kind: 'set-add', target, value: rv });
          target.add(rv);
        }
        return self;
      },
      delete: (v: unknown) => {
        const rv = journal.unwrap(v);
        if (!target.has(rv)) return false;
        journal.saveOnce(target);
        return target.delete(rv);
      },
      clear: () => {
        if (target.size === 0) return;
        journal.saveOnce(target);
        target.clear();
      },
      forEach: (fn: (v: unknown, k: unknown, s: unknown) => void, thisArg?: unknown) => {
        target.forEach((v) => fn.call(thisArg, wrap(v), wrap(v), self));
      },
      values: function* () {
        for (const v of target) yield wrap(v);
      },
      keys: function* () {
        for (const v of target) yield wrap(v);
      },
      entries: function* () {
        for (const v of target) yield [wrap(v), wrap(v)];
      },
    };
    methods[Symbol.iterator] = methods['values'];
    self = new Proxy(target, collectionHandler(methods));
    return self;
  }
}

/** Map and Set views: the journaling methods above; `size` and other (reading) members on the target. */
function collectionHandler(methods: Record<PropertyKey, unknown>): ProxyHandler<object> {
  return {
    get(t, key) {
      if (Object.prototype.hasOwnProperty.call(methods, key)) return methods[key];
      const v: unknown = Reflect.get(t, key, t);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
    set(t, key, value) {
      return Reflect.set(t, key, value, t);
    },
  };
}

function containerKind(v: object): 'object' | 'array' | 'map' | 'set' | undefined {
  if (Array.isArray(v)) return 'array';
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === Object.prototype || proto === null) return 'object';
  if (proto === Map.prototype) return 'map';
  if (proto === Set.prototype) return 'set';
  return undefined;
}

function isArrayIndex(key: string): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < 2 ** 32 - 1 && String(n) === key;
}

function isPrincipal(v: object): boolean {
  return (v as { _isPrincipal?: unknown })._isPrincipal === true;
}

/** An undo entry restoring the whole content of `target` as it is now. */
function saveWhole(target: object): Undo {
  const kind = containerKind(target);
  if (kind === 'map') return { kind: 'map', target: target as Map<unknown, unknown>, entries: [...(target as Map<unknown, unknown>)] };
  if (kind === 'set') return { kind: 'set', target: target as Set<unknown>, values: [...(target as Set<unknown>)] };
  if (kind === undefined) return { kind: 'opaque', target, copy: cloneState(target) };
  const props: Array<[PropertyKey, PropertyDescriptor]> = [];
  for (const key of Reflect.ownKeys(target)) props.push([key, Object.getOwnPropertyDescriptor(target, key) as PropertyDescriptor]);
  return { kind: 'object', target: target as Container, props };
}

function undo(e: Undo, journal: StateJournal): void {
  switch (e.kind) {
    case 'prop':
      if (e.old) Reflect.defineProperty(e.target, e.key, e.old);
      else Reflect.deleteProperty(e.target, e.key);
      return;
    case 'object': {
      const t = e.target;
      if (Array.isArray(t)) t.length = 0;
      for (const key of Reflect.ownKeys(t)) if (!(Array.isArray(t) && key === 'length')) Reflect.deleteProperty(t, key);
      for (const [key, d] of e.props) Reflect.defineProperty(t, key, d);
      return;
    }
    case 'map-set':
      if (e.had) e.target.set(e.key, e.old);
      else e.target.delete(e.key);
      return;
    case 'map':
      e.target.clear();
      for (const [k, v] of e.entries) e.target.set(k, v);
      return;
    case 'set-add':
      e.target.delete(e.value);
      return;
    case 'set':
      e.target.clear();
      for (const v of e.values) e.target.add(v);
      return;
    case 'proto':
      Reflect.setPrototypeOf(e.target, e.old);
      return;
    case 'opaque':
      restoreOpaque(e.target, e.copy);
      journal.uncopied(e.target);
      return;
  }
}

/** Puts a saved deep copy back into the object itself (its identity is kept). */
function restoreOpaque(target: object, copy: unknown): void {
  if (ArrayBuffer.isView(target)) {
    const dst = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    const src = copy as ArrayBufferView;
    dst.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    return;
  }
  if (target instanceof ArrayBuffer) {
    new Uint8Array(target).set(new Uint8Array(copy as ArrayBuffer));
    return;
  }
  if (target instanceof Date) {
    target.setTime((copy as Date).getTime());
    return;
  }
  if (target instanceof Map) {
    target.clear();
    for (const [k, v] of copy as Map<unknown, unknown>) target.set(k, v);
    return;
  }
  if (target instanceof Set) {
    target.clear();
    for (const v of copy as Set<unknown>) target.add(v);
    return;
  }
  restoreState(target, copy);
}
