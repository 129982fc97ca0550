// raw_rand's randomness: 32 bytes per call from a seeded generator, so a run replays exactly with the
// same seed (and two replicas with different seeds disagree). Output i is SHA-256(domain ‖ seed ‖ i).
import { sha256 } from '@noble/hashes/sha2.js';

const DOMAIN = new TextEncoder().encode('mockic raw_rand v1');

export class DeterministicRandom {
  private readonly seed: Uint8Array;
  private counter = 0n;

  constructor(seed: Uint8Array | string | bigint | number = 0) {
    this.seed = seedBytes(seed);
  }

  /** The next 32 bytes. */
  next32(): Uint8Array {
    const input = new Uint8Array(DOMAIN.length + this.seed.length + 8);
    input.set(DOMAIN);
    input.set(this.seed, DOMAIN.length);
    new DataView(input.buffer).setBigUint64(DOMAIN.length + this.seed.length, this.counter++);
    return sha256(input);
  }

  /** How many outputs were drawn so far. */
  get draws(): bigint {
    return this.counter;
  }
}

function seedBytes(seed: Uint8Array | string | bigint | number): Uint8Array {
  if (seed instanceof Uint8Array) return seed.slice();
  if (typeof seed === 'string') return new TextEncoder().encode(seed);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(seed)));
  return out;
}
