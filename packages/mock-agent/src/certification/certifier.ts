// The replica's certification: a root key from a seed, node keys per subnet, and certificates of
// the state tree (read_state responses, certified replies, data certificates for queries).
// Certification follows rounds the way the IC certifies once per batch, but lazily: a round only
// marks the certified state stale, and the tree is built and signed when a certificate is asked
// for (signing costs milliseconds; most rounds in a test are never read). Changes made between
// rounds through the test API (installs, certified data, time) are noticed by a cheap fingerprint
// of the canisters, so a certificate never shows a state older than the replica's.
//
// Subnets and delegations (interface spec, "Delegation"): the root subnet (replica.rootSubnet,
// whose id is the self-authenticating principal of the root key) is certified by the root key
// directly, as agents assume for a certificate without delegation. Every other subnet has a BLS
// key of its own (derived from the root public key and the subnet id, so it is the same every run)
// and certifies with it; its certificates carry `delegation: { subnet_id, certificate }`, where the
// delegation certificate is signed by the root key and reveals subnet/<id>/public_key,
// subnet/<id>/canister_ranges and canister_ranges/<id>. One state tree still covers the whole
// replica (each subnet's public_key leaf is its own key); only the key that signs its root hash
// differs per subnet.
import type { Principal } from '@dfinity/principal';
import type { Replica, Subnet } from '@mockic/runtime';
import type { NodeSigner, StateCertifier } from './certifier-api.ts';
import { encodeSelfDescribed, type CborValue } from './cbor.ts';
import { digest, witness, type HashTree, type Label } from './hash-tree.ts';
import { BlsKeyPair, type CertificationSeed } from './root-key.ts';
import { DEFAULT_ROOT_KEY_SEED, equalBytes } from '@mockic/runtime';
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
  /** The root key's signature on the root hash. */
  readonly signature: Uint8Array;
  readonly time: bigint;
  readonly round: bigint;
}

/** A subnet's signature (or delegation) on one root hash, kept until the root hash changes. */
interface Signed {
  readonly rootHash: Uint8Array;
  readonly bytes: Uint8Array;
}

/** The BLS key of a non-root subnet: derived from the root public key and the subnet id. */
export function subnetKeyPair(rootKeyDer: Uint8Array, subnetId: Principal): BlsKeyPair {
  return BlsKeyPair.fromSeed(rootKeyDer, `subnet key ${subnetId.toText()}`);
}

export class Certifier implements StateCertifier {
  readonly rootKeyDer: Uint8Array;
  readonly rootKeyRaw: Uint8Array;
  readonly replica: Replica;
  private readonly rootKey: BlsKeyPair;
  private readonly nodes = new Map<Subnet, Ed25519Node[]>();
  private readonly subnetKeys = new Map<Subnet, BlsKeyPair>();
  private readonly subnetSignatures = new Map<Subnet, Signed>();
  private readonly delegations = new Map<Subnet, Signed>();
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
      this.subnetKeys.set(subnet, subnet === replica.rootSubnet ? this.rootKey : subnetKeyPair(this.rootKeyDer, subnet.id));
    }
    this.builder = new StateTreeBuilder(replica, {
      publicKeyDer: (subnet) => this.keyOf(subnet).publicKeyDer,
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

  /**
   * A certificate (CBOR with the self-describe tag) of `tree`, which must be a witness of the
   * certified state, signed by `subnet` (default: the root subnet, without delegation).
   */
  certificateOf(tree: HashTree, state: CertifiedState = this.certifiedState(), subnet: Subnet = this.replica.rootSubnet): Uint8Array {
    const cert: { [key: string]: CborValue } = { tree: tree as unknown as CborValue, signature: this.signatureOf(state, subnet) };
    if (subnet !== this.replica.rootSubnet) cert['delegation'] = { subnet_id: subnet.id.toUint8Array(), certificate: this.delegationOf(state, subnet) };
    return encodeSelfDescribed(cert);
  }

  /**
   * A certificate of the certified state pruned to `paths` (labels as bytes or text) and `time`,
   * by the subnet `effectiveId` names or hosts (see certifyingSubnet; default: the root subnet).
   */
  certificateFor(paths: readonly (readonly Label[])[], effectiveId?: Principal): Uint8Array {
    const state = this.certifiedState();
    return this.certificateOf(witness(state.tree, [['time'], ...paths]), state, this.certifyingSubnet(effectiveId));
  }

  readState(paths: Uint8Array[][], effectiveId?: Principal): Uint8Array {
    return this.certificateFor(paths, effectiveId);
  }

  dataCertificate(canisterId: Principal): Uint8Array {
    return this.certificateFor([['canister', canisterId.toUint8Array(), 'certified_data']], canisterId);
  }

  /**
   * The subnet whose key certifies answers about `effectiveId`: the subnet with that id, else the
   * subnet hosting the canister (or whose ranges hold the id); the root subnet for an id no subnet
   * holds (the management canister, say) and when no id is given.
   */
  certifyingSubnet(effectiveId?: Principal): Subnet {
    if (!effectiveId) return this.replica.rootSubnet;
    return this.subnetWithId(effectiveId) ?? this.replica.subnetOf(effectiveId) ?? this.replica.rootSubnet;
  }

  /** The DER-encoded BLS public key of subnet `subnetId` (the root key for the root subnet). */
  subnetPublicKeyDer(subnetId: Principal): Uint8Array {
    const subnet = this.subnetWithId(subnetId);
    if (!subnet) throw new Error(`no subnet ${subnetId.toText()}`);
    return this.keyOf(subnet).publicKeyDer;
  }

  /**
   * The delegation certificate of subnet `subnetId` (CBOR, self-describing): signed by the root key,
   * revealing the subnet's public key and canister ranges; undefined for the root subnet.
   */
  delegationFor(subnetId: Principal): Uint8Array | undefined {
    const subnet = this.subnetWithId(subnetId);
    if (!subnet) throw new Error(`no subnet ${subnetId.toText()}`);
    return subnet === this.replica.rootSubnet ? undefined : this.delegationOf(this.certifiedState(), subnet);
  }

  /** The subnet hosting `canisterId` (or whose range holds it); the default subnet otherwise. */
  private subnetOf(canisterId?: Principal): Subnet {
    return (canisterId && (this.subnetWithId(canisterId) ?? this.replica.subnetOf(canisterId))) || this.replica.defaultSubnet();
  }

  private subnetWithId(id: Principal): Subnet | undefined {
    return this.replica.subnets.find((s) => s.id.compareTo(id) === 'eq');
  }

  private keyOf(subnet: Subnet): BlsKeyPair {
    let key = this.subnetKeys.get(subnet);
    if (!key) {
      key = subnet === this.replica.rootSubnet ? this.rootKey : subnetKeyPair(this.rootKeyDer, subnet.id);
      this.subnetKeys.set(subnet, key);
    }
    return key;
  }

  /** `subnet`'s signature on the state's root hash (the root key's for the root subnet). */
  private signatureOf(state: CertifiedState, subnet: Subnet): Uint8Array {
    if (subnet === this.replica.rootSubnet) return state.signature;
    const last = this.subnetSignatures.get(subnet);
    if (last && equalBytes(last.rootHash, state.rootHash)) return last.bytes;
    const bytes = this.keyOf(subnet).signStateRoot(state.rootHash);
    this.subnetSignatures.set(subnet, { rootHash: state.rootHash, bytes });
    return bytes;
  }

  /**
   * The root subnet's certificate that `subnet` holds its key and ranges: the certified state's tree
   * pruned to time, subnet/<id>/{public_key, canister_ranges} and canister_ranges/<id>.
   */
  private delegationOf(state: CertifiedState, subnet: Subnet): Uint8Array {
    const last = this.delegations.get(subnet);
    if (last && equalBytes(last.rootHash, state.rootHash)) return last.bytes;
    const id = subnet.id.toUint8Array();
    const tree = witness(state.tree, [['time'], ['subnet', id, 'public_key'], ['subnet', id, 'canister_ranges'], ['canister_ranges', id]]);
    const bytes = this.certificateOf(tree, state, this.replica.rootSubnet);
    this.delegations.set(subnet, { rootHash: state.rootHash, bytes });
    return bytes;
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

