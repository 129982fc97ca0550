// pic-js's identity helpers: a deterministic Ed25519 identity from any seed phrase (so a test can
// name "alice" and get the same principal every run), and a random one.
import { createHash, randomBytes } from 'node:crypto';
import { Ed25519KeyIdentity } from '@dfinity/identity';

/** The Ed25519 identity of `seedPhrase`: the same phrase gives the same identity as with @dfinity/pic. */
export function createIdentity(seedPhrase: string): Ed25519KeyIdentity {
  const digest = createHash('sha256').update(seedPhrase).digest('hex').slice(0, 32);
  return Ed25519KeyIdentity.generate(new TextEncoder().encode(digest));
}

/** An identity from a random seed phrase. */
export function generateRandomIdentity(): Ed25519KeyIdentity {
  return createIdentity(randomBytes(16).toString('hex'));
}
