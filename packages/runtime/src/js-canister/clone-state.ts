// Deep copies of a JS canister's state: the state an upgrade carries over, the committed state a test
// inspects, and the saved copy of an object the state journal cannot proxy. Unlike structuredClone, objects
// keep their prototype (a Principal stays a Principal, a class instance keeps its methods), frozen
// objects are shared (they cannot change), functions are shared, and cycles are preserved.
// Private class fields (#x) cannot be copied: keep such objects frozen or out of the state.

/** A deep copy of `value`. Cost is proportional to the size of the state. */
export function cloneState<T>(value: T): T {
  return clone(value, new Map()) as T;
}

function clone(v: unknown, seen: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  if (Object.isFrozen(v)) return v;
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView) {
      const copy = new DataView(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
      seen.set(v, copy);
      return copy;
    }
    const copy = (v as unknown as { slice(): unknown }).slice();
    seen.set(v, copy);
    return copy;
  }
  if (v instanceof ArrayBuffer) {
    const copy = v.slice(0);
    seen.set(v, copy);
    return copy;
  }
  if (v instanceof Date) {
    const copy = new Date(v.getTime());
    seen.set(v, copy);
    return copy;
  }
  if (v instanceof Map) {
    const copy = new Map();
    seen.set(v, copy);
    for (const [k, x] of v) copy.set(clone(k, seen), clone(x, seen));
    return copy;
  }
  if (v instanceof Set) {
    const copy = new Set();
    seen.set(v, copy);
    for (const x of v) copy.add(clone(x, seen));
    return copy;
  }
  if (Array.isArray(v)) {
    const copy: unknown[] = new Array(v.length);
    seen.set(v, copy);
    for (let i = 0; i < v.length; i++) if (i in v) copy[i] = clone(v[i], seen); // holes stay holes
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(v) as object | null) as Record<PropertyKey, unknown>;
  seen.set(v, copy);
  copyProperties(v, copy, seen);
  return copy;
}

function copyProperties(from: object, to: object, seen: Map<object, unknown>): void {
  for (const key of Reflect.ownKeys(from)) {
    const d = Object.getOwnPropertyDescriptor(from, key) as PropertyDescriptor;
    if ('value' in d) d.value = clone(d.value, seen);
    Object.defineProperty(to, key, d);
  }
}

function isRecordLike(v: unknown): v is object {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof Set) &&
    !(v instanceof Date) &&
    !ArrayBuffer.isView(v) &&
    !(v instanceof ArrayBuffer)
  );
}

/**
 * Returns the state to continue with after a rollback to `snapshot`: when the live state is an
 * object (not an array, Map or Set) of the snapshot's prototype, it is restored in place, so code
 * holding the root object (a generator suspended at a call) sees the restored state. Nested
 * objects are fresh copies either way.
 */
export function restoreState<T>(live: T, snapshot: T): T {
  const fresh = cloneState(snapshot);
  if (!isRecordLike(live) || !isRecordLike(fresh) || !Object.isExtensible(live)) return fresh;
  if (Object.getPrototypeOf(live) !== Object.getPrototypeOf(fresh)) return fresh;
  for (const key of Reflect.ownKeys(live)) {
    const d = Object.getOwnPropertyDescriptor(live, key);
    if (d && !d.configurable) return fresh;
  }
  for (const key of Reflect.ownKeys(live)) delete (live as Record<PropertyKey, unknown>)[key];
  for (const key of Reflect.ownKeys(fresh)) {
    Object.defineProperty(live, key, Object.getOwnPropertyDescriptor(fresh, key) as PropertyDescriptor);
  }
  return live;
}
