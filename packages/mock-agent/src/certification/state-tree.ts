// The system state tree (interface spec, "The system state tree") of a Replica, as a hash tree:
//   time                                          LEB128 nanoseconds
//   subnet/<id>/{public_key, type, canister_ranges, node/<node_id>/public_key}
//   canister_ranges/<subnet_id>/<first canister id>  (one shard per subnet)
//   canister/<id>/{certified_data, module_hash, controllers, metadata/<name>}
//   request_status/<request_id>/{status, reply, reject_code, reject_message, error_code}
// One tree covers every subnet; subnet/<id>/public_key is each subnet's own key (the root key for
// the root subnet), and the Certifier signs the one root hash with the key of the subnet a
// certificate is for (with a delegation from the root subnet off it). Parts that rarely change are cached by the identity of the objects they come from (a subnet's nodes, a
// module's metadata, an ingress record's state), so certifying after a round rehashes little.
import type { Principal } from '@dfinity/principal';
import { canisterIdFromIndex, type Canister, type CanisterModule, type IngressRecord, type Replica, type Subnet, type SubnetKind } from '@mockic/runtime';
import { encodeSelfDescribed } from './cbor.ts';
import { buildTree, forkOf, labeled, compareLabels, utf8, type HashTree, type LabeledNode, type LabeledTree } from './hash-tree.ts';
import type { NodeSigner } from './certifier-api.ts';

/** What the state tree needs besides the replica: each subnet's public key and nodes. */
export interface SubnetKeys {
  /** DER-encoded BLS public key published under subnet/<id>/public_key. */
  publicKeyDer(subnet: Subnet): Uint8Array;
  nodes(subnet: Subnet): readonly NodeSigner[];
}

/** Unsigned LEB128, the encoding of natural numbers in the state tree. */
export function leb128(n: bigint | number): Uint8Array {
  let v = BigInt(n);
  if (v < 0n) throw new RangeError('LEB128 of a negative number');
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/** Decodes an unsigned LEB128 number. */
export function decodeLeb128(bytes: Uint8Array): bigint {
  let v = 0n;
  let shift = 0n;
  for (const b of bytes) {
    v |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return v;
    shift += 7n;
  }
  throw new RangeError('truncated LEB128');
}

/** The subnet type the state tree reports (the spec knows application, system, verified_application). */
export function subnetTypeOf(kind: SubnetKind): string {
  switch (kind) {
    case 'application':
    case 'fiduciary':
      return 'application';
    case 'verified_application':
      return 'verified_application';
    default:
      return 'system';
  }
}

/** subnet/<id>/canister_ranges: tagged CBOR array of [start, end] principals, sorted. */
export function canisterRangesCbor(subnet: Subnet): Uint8Array {
  const ranges = [...subnet.allocator.ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return encodeSelfDescribed(ranges.map((r) => [canisterIdFromIndex(r.start).toUint8Array(), canisterIdFromIndex(r.end).toUint8Array()]));
}

/** canister/<id>/controllers: tagged CBOR array of principals. */
export function controllersCbor(controllers: readonly Principal[]): Uint8Array {
  return encodeSelfDescribed(controllers.map((p) => p.toUint8Array()));
}

/** Whether metadata section `name` of a canister is public, private (controllers only) or missing. */
export function metadataVisibility(replica: Replica, canisterId: Principal, name: string): 'public' | 'private' | undefined {
  const m = replica.findCanister(canisterId)?.installedModule;
  if (!m) return undefined;
  if (m.publicMetadata.has(name)) return 'public';
  if (m.privateMetadata.has(name)) return 'private';
  return undefined;
}

/** The request id bytes of an ingress message id (lowercase hex of 32 bytes); undefined for other ids. */
export function requestIdOfMessageId(messageId: string): Uint8Array | undefined {
  if (messageId.length !== 64 || !/^[0-9a-f]+$/.test(messageId)) return undefined;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(messageId.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Reject code 4 (CANISTER_REJECT): the canister called msg_reject. */
const CANISTER_REJECT = 4;

/** The request_status/<id> subtree of one ingress record. */
export function requestStatusTree(state: IngressRecord['state']): HashTree {
  const entries: Array<[string, LabeledTree]> = [['status', utf8(state.status)]];
  if (state.status === 'replied') entries.push(['reply', state.reply]);
  if (state.status === 'rejected') {
    entries.push(['reject_code', leb128(state.code)], ['reject_message', utf8(state.message)]);
    // A canister's own reject carries no UserError; the replica reports it as IC0406.
    const errorCode = state.errorCode ?? (state.code === CANISTER_REJECT ? 'IC0406' : undefined);
    if (errorCode) entries.push(['error_code', utf8(errorCode)]);
  }
  return buildTree(entries);
}

/** Builds state trees of one replica, reusing the subtrees that did not change since the last one. */
export class StateTreeBuilder {
  private readonly replica: Replica;
  private readonly keys: SubnetKeys;
  private subnetTrees: { subnet: HashTree; ranges: HashTree } | undefined;
  private readonly requestNodes = new WeakMap<IngressRecord, { state: IngressRecord['state']; node: LabeledNode }>();
  private readonly metadataTrees = new WeakMap<CanisterModule, HashTree | null>();
  private requestGroups = new Map<number, { nodes: LabeledNode[]; tree: HashTree }>();
  private requestStatusTree: HashTree | undefined;

  constructor(replica: Replica, keys: SubnetKeys) {
    this.replica = replica;
    this.keys = keys;
  }

  /** The state tree of the replica's current state, with `time` (default: the replica's clock). */
  build(time: bigint = this.replica.time): HashTree {
    const subnets = this.subnets();
    return buildTree([
      ['time', leb128(time)],
      ['subnet', { tree: subnets.subnet }],
      ['canister_ranges', { tree: subnets.ranges }],
      ['canister', { tree: this.canisters() }],
      ['request_status', { tree: this.requestStatus() }],
    ]);
  }

  /** subnet/… and canister_ranges/…: fixed for the lifetime of the replica, built once. */
  private subnets(): { subnet: HashTree; ranges: HashTree } {
    if (this.subnetTrees) return this.subnetTrees;
    const subnet: Array<[Uint8Array, LabeledTree]> = [];
    const ranges: Array<[Uint8Array, LabeledTree]> = [];
    for (const s of this.replica.subnets) {
      const id = s.id.toUint8Array();
      const rangesCbor = canisterRangesCbor(s);
      subnet.push([
        id,
        [
          ['public_key', this.keys.publicKeyDer(s)],
          ['type', utf8(subnetTypeOf(s.kind))],
          ['canister_ranges', rangesCbor],
          ['node', this.keys.nodes(s).map((n) => [n.nodeId.toUint8Array(), [['public_key', n.publicKeyDer]]] as const)],
        ],
      ]);
      const first = [...s.allocator.ranges].sort((a, b) => (a.start < b.start ? -1 : 1))[0];
      if (first) ranges.push([id, [[canisterIdFromIndex(first.start).toUint8Array(), rangesCbor]]]);
    }
    this.subnetTrees = { subnet: buildTree(subnet), ranges: buildTree(ranges) };
    return this.subnetTrees;
  }

  private canisters(): HashTree {
    const entries: Array<[Uint8Array, LabeledTree]> = [];
    for (const id of this.replica.canisterIds()) {
      const c = this.replica.findCanister(id);
      if (c) entries.push([id.toUint8Array(), this.canister(c)]);
    }
    return buildTree(entries);
  }

  private canister(c: Canister): LabeledTree {
    const entries: Array<[string, LabeledTree]> = [
      ['certified_data', c.certifiedData],
      ['controllers', controllersCbor(c.settings.controllers)],
    ];
    const m = c.installedModule;
    if (m) {
      entries.push(['module_hash', m.hash]);
      const metadata = this.metadata(m);
      if (metadata) entries.push(['metadata', { tree: metadata }]);
    }
    return entries;
  }

  /** canister/<id>/metadata: the module's `icp:public` and `icp:private` sections by name. */
  private metadata(m: CanisterModule): HashTree | undefined {
    const hit = this.metadataTrees.get(m);
    if (hit !== undefined) return hit ?? undefined;
    const sections = new Map<string, Uint8Array>([...m.privateMetadata, ...m.publicMetadata]);
    const tree = sections.size > 0 ? buildTree([...sections].map(([name, content]) => [name, content] as const)) : null;
    this.metadataTrees.set(m, tree);
    return tree ?? undefined;
  }

  /**
   * request_status/…: ingress messages submitted with a request id (hex) as their message id. The
   * requests are grouped by the first byte of their id, and a group's subtree is rebuilt only when
   * one of its requests changed, so a round that answers one call rehashes ~n/256 + 256 nodes.
   */
  private requestStatus(): HashTree {
    const groups = new Map<number, LabeledNode[]>();
    for (const r of this.replica.ingress.all()) {
      let cached = this.requestNodes.get(r);
      if (!cached || cached.state !== r.state) {
        const id = cached?.node[1] ?? requestIdOfMessageId(r.messageId);
        if (!id) continue;
        cached = { state: r.state, node: labeled(id, requestStatusTree(r.state)) };
        this.requestNodes.set(r, cached);
      }
      const first = cached.node[1][0] as number;
      let group = groups.get(first);
      if (!group) groups.set(first, (group = []));
      group.push(cached.node);
    }
    let changed = groups.size !== this.requestGroups.size;
    const next = new Map<number, { nodes: LabeledNode[]; tree: HashTree }>();
    for (const [first, nodes] of groups) {
      const last = this.requestGroups.get(first);
      if (last && last.nodes.length === nodes.length && last.nodes.every((n, i) => n === nodes[i])) {
        next.set(first, last);
      } else {
        next.set(first, { nodes, tree: forkOf([...nodes].sort((a, b) => compareLabels(a[1], b[1]))) });
        changed = true;
      }
    }
    this.requestGroups = next;
    if (changed || !this.requestStatusTree) {
      const order = [...next.keys()].sort((a, b) => a - b);
      this.requestStatusTree = forkOf(order.map((k) => (next.get(k) as { tree: HashTree }).tree));
    }
    return this.requestStatusTree;
  }
}
