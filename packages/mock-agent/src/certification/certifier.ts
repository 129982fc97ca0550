// The replica's certification: a root key from a seed, node keys per subnet, and certificates of
// the state tree (read_state responses, certified replies, data certificates for queries) signed
// by the root key. Certification follows rounds the way the IC certifies once per batch, but
// lazily: a round only marks the certified state stale, and the tree is built and signed when a
// certificate is asked for (signing costs milliseconds; most rounds in a test are never read).
// Changes made between rounds through the test API (installs, certified data, time) are noticed
// by a cheap fingerprint of the canisters, so a certificate never shows a state older than the
// replica's. All subnets are certified by the root key directly (no delegations): agents accept
// that for any canister, and it keeps one state tree for the whole replica.
import type { Principal } from '@dfinity/principal';
import type { Replica, Subnet } from '@mockic/runtime';
import type { NodeSigner, StateCertifier } from './certifier-api.ts';
import { encodeSelfDescribed, type CborValue } from './cbor.ts';
import { digest, witness, type HashTree, type Label } from './hash-tree.ts';
import { type BlsKeyPair, type CertificationSeed } from './root-key.ts';
import { DEFAULT_ROOT_KEY_SEED } from '@mockic/runtime';
import { Ed25519Node } from './node-keys.ts';
import { StateTreeBuilder } from './state-tree.ts';

export interface CertifierOptions {
  /** Seed of the root key and node keys (default: a fixed seed, so the root key is the same every run). */
  seed?: CertificationSeed;
  /** Nodes per subnet (default: the subnet's size, e.g. 13). */
  nodesPerSubnet?: number;
  /** Install the root key as the replica's ic0.root_key_copy (default true). */
  setReplicaRootKey?: boolean;
}

/** The default seed: a fixed one, so a dev server's root key survives restarts. */
export const DEFAULT_CERTIFICATION_SEED = DEFAULT_ROOT_KEY_SEED;

/** A certified state: the full tree, its root hash and the root key's signature on it. */
export interface CertifiedState {
  readonly tree: HashTree;
  readonly rootHash: Uint8Array;
  readonly signature: Uint8Array;
  readonly time: bigint;
  readonly round: bigint;
}

export class Certifier implements StateCertifier {
  readonly rootKeyDer: Uint8Array;
  readonly rootKeyRaw: Uint8Array;
  readonly replica: Replica;
  private readonly rootKey: BlsKeyPair;
  private readonly nodes = new Map<Subnet, Ed25519Node[]>();
  private readonly builder: StateTreeBuilder;
  private readonly unsubscribe: () => void;
  private state: CertifiedState | undefined;
  private stateFingerprint = '';
  private dirty = true;

  private constructor(replica: Replica, options: CertifierOptions) {
    const seed = options.seed ?? DEFAULT_CERTIFICATION_SEED;
    this.replica = replica;
    // The replica owns the root key (its root subnet's id derives from it).
    this.rootKey = replica.rootKeyPair;
    this.rootKeyDer = this.rootKey.publicKeyDer;
    this.rootKeyRaw = this.rootKey.publicKeyRaw;
    for (const subnet of replica.subnets) {
      const count = Math.max(1, options.nodesPerSubnet ?? subnet.size);
      const nodes: Ed25519Node[] = [];
      for (let i = 0; i < count; i++) nodes.push(Ed25519Node.fromSeed(seed, `node ${subnet.id.toText()} ${i}`));
      this.nodes.set(subnet, nodes);
    }
    this.builder = new StateTreeBuilder(replica, {
      publicKeyDer: () => this.rootKeyDer,
      nodes: (subnet) => this.nodes.get(subnet) ?? [],
    });
    if (options.setReplicaRootKey !== false) replica.rootKey = this.rootKeyDer;
    this.unsubscribe = replica.onRound(() => {
      this.dirty = true;
    });
  }

  /** Creates the certifier of `replica`: root and node keys from the seed; sets replica.rootKey. */
  static create(replica: Replica, options: CertifierOptions = {}): Certifier {
    return new Certifier(replica, options);
  }

  /** Stops following the replica's rounds. */
  dispose(): void {
    this.unsubscribe();
  }

  /** Marks the certified state stale: the next certificate is built from the replica's state then. */
  invalidate(): void {
    this.dirty = true;
  }

  certifyNow(): void {
    const tree = this.builder.build(this.replica.time);
    const rootHash = digest(tree);
    const previous = this.state;
    const signature = previous && equalBytes(previous.rootHash, rootHash) ? previous.signature : this.rootKey.signStateRoot(rootHash);
    this.state = { tree, rootHash, signature, time: this.replica.time, round: this.replica.round };
    this.stateFingerprint = this.fingerprint();
    this.dirty = false;
  }

  /** The latest certified state, certifying first when the replica changed since. */
  certifiedState(): CertifiedState {
    if (!this.state || this.dirty || this.fingerprint() !== this.stateFingerprint) this.certifyNow();
    return this.state as CertifiedState;
  }

  /** A certificate (CBOR with the self-describe tag) of `tree`, which must be a witness of the certified state. */
  certificateOf(tree: HashTree, state: CertifiedState = this.certifiedState()): Uint8Array {
    const cert: { [key: string]: CborValue } = { tree: tree as unknown as CborValue, signature: state.signature };
    return encodeSelfDescribed(cert);
  }

  /** A certificate of the certified state pruned to `paths` (labels as bytes or text) and `time`. */
  certificateFor(paths: readonly (readonly Label[])[]): Uint8Array {
    const state = this.certifiedState();
    return this.certificateOf(witness(state.tree, [['time'], ...paths]), state);
  }

  readState(paths: Uint8Array[][]): Uint8Array {
    return this.certificateFor(paths);
  }

  dataCertificate(canisterId: Principal): Uint8Array {
    return this.certificateFor([['canister', canisterId.toUint8Array(), 'certified_data']]);
  }

  /** The subnet hosting `canisterId` (or whose range holds it); the default subnet otherwise. */
  private subnetOf(canisterId?: Principal): Subnet {
    return (canisterId && this.replica.subnetOf(canisterId)) || this.replica.defaultSubnet();
  }

  nodesFor(canisterId?: Principal): NodeSigner[] {
    return [...(this.nodes.get(this.subnetOf(canisterId)) ?? [])];
  }

  subnetFor(canisterId?: Principal): Principal {
    return this.subnetOf(canisterId).id;
  }

  /** The node with this id on any subnet. */
  node(nodeId: Principal): NodeSigner | undefined {
    for (const nodes of this.nodes.values()) {
      const n = nodes.find((x) => x.nodeId.compareTo(nodeId) === 'eq');
      if (n) return n;
    }
    return undefined;
  }

  /** What a certificate depends on that can change outside a round (test API installs, setTime). */
  private fingerprint(): string {
    const parts: string[] = [String(this.replica.time)];
    for (const id of this.replica.canisterIds()) {
      const c = this.replica.findCanister(id);
      if (!c) continue;
      parts.push(`${c.idText}:${c.version}:${objectId(c.certifiedData)}:${objectId(c.installedModule)}:${objectId(c.settings.controllers)}`);
    }
    return parts.join('|');
  }
}

const ids = new WeakMap<object, number>();
let nextId = 0;
/** A number per object identity (for fingerprints of state that is replaced, not mutated). */
function objectId(o: object | undefined): number {
  if (!o) return -1;
  let id = ids.get(o);
  if (id === undefined) {
    id = ++nextId;
    ids.set(o, id);
  }
  return id;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
