// The keys of a subnet's nodes: Ed25519 key pairs derived from the certifier's seed. Nodes sign
// query responses (agents check them against subnet/<id>/node/<node_id>/public_key in the state
// tree), and a node's id is the self-authenticating principal of its DER-encoded public key.
import { ed25519 } from '@noble/curves/ed25519.js';
import { Principal } from '@dfinity/principal';
import type { NodeSigner } from './certifier-api.ts';
import { concat, deriveBytes, hexToBytes, type CertificationSeed } from './root-key.ts';

/** DER prefix of an Ed25519 public key (RFC 8410). */
export const ED25519_DER_PREFIX = hexToBytes('302a300506032b6570032100');

export function ed25519PublicKeyToDer(raw: Uint8Array): Uint8Array {
  return concat(ED25519_DER_PREFIX, raw);
}

/** A node's Ed25519 key; its id is the self-authenticating principal of its DER public key. */
export class Ed25519Node implements NodeSigner {
  readonly nodeId: Principal;
  readonly publicKeyDer: Uint8Array;
  readonly publicKeyRaw: Uint8Array;
  private readonly secretKey: Uint8Array;

  constructor(secretKey: Uint8Array) {
    this.secretKey = secretKey;
    this.publicKeyRaw = ed25519.getPublicKey(secretKey);
    this.publicKeyDer = ed25519PublicKeyToDer(this.publicKeyRaw);
    this.nodeId = Principal.selfAuthenticating(this.publicKeyDer);
  }

  static fromSeed(seed: CertificationSeed, purpose: string): Ed25519Node {
    return new Ed25519Node(deriveBytes(seed, purpose, 32));
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519.sign(message, this.secretKey);
  }

  verify(signature: Uint8Array, message: Uint8Array): boolean {
    return ed25519.verify(signature, message, this.publicKeyRaw);
  }
}
