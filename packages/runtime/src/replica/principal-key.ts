// Principal.toText computes a CRC32 and base32 every time, and the replica looks canisters up by id
// on every call. Keys are cached per Principal object, so a test that reuses its canister id object
// pays for the text form once.
import type { Principal } from '@dfinity/principal';

const cache = new WeakMap<Principal, string>();

/** The textual form of `p`, memoized per object. */
export function principalKey(p: Principal): string {
  let key = cache.get(p);
  if (key === undefined) {
    key = p.toText();
    cache.set(p, key);
  }
  return key;
}
