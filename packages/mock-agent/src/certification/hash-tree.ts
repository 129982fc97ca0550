// The IC hash tree (interface spec, "Certification"): Empty, Fork, Labeled, Leaf and Pruned nodes,
// their digest with the spec's domain separators, building a tree from labeled data (labels sorted
// as blobs, forks balanced), and witnesses: the tree pruned to requested paths such that every
// requested path that exists is revealed and every one that does not is provably absent (the
// labels on both sides of a missing label are kept, their subtrees pruned). Nodes are the tuples
// agents decode certificates into ([0], [1, l, r], [2, label, t], [3, v], [4, hash]), so a tree
// encodes to CBOR as it is and compares directly with @dfinity/agent's HashTree.
import { createHash } from 'node:crypto';
import { toHex as hex } from '@mockic/runtime';

export type EmptyNode = readonly [0];
export type ForkNode = readonly [1, HashTree, HashTree];
export type LabeledNode = readonly [2, Uint8Array, HashTree];
export type LeafNode = readonly [3, Uint8Array];
export type PrunedNode = readonly [4, Uint8Array];
export type HashTree = EmptyNode | ForkNode | LabeledNode | LeafNode | PrunedNode;

export const EMPTY: EmptyNode = [0];
export const fork = (left: HashTree, right: HashTree): ForkNode => [1, left, right];
export const labeled = (label: Label, tree: HashTree): LabeledNode => [2, labelBytes(label), tree];
export const leaf = (value: Uint8Array | string): LeafNode => [3, typeof value === 'string' ? utf8(value) : value];
export const pruned = (digest: Uint8Array): PrunedNode => [4, digest];

/** A label: bytes, or text taken as its UTF-8 bytes. */
export type Label = Uint8Array | string;

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
export const labelBytes = (l: Label): Uint8Array => (typeof l === 'string' ? utf8(l) : l);

function domainSeparator(s: string): Uint8Array {
  const b = utf8(s);
  const out = new Uint8Array(1 + b.length);
  out[0] = b.length;
  out.set(b, 1);
  return out;
}
const SEP_EMPTY = domainSeparator('ic-hashtree-empty');
const SEP_FORK = domainSeparator('ic-hashtree-fork');
const SEP_LABELED = domainSeparator('ic-hashtree-labeled');
const SEP_LEAF = domainSeparator('ic-hashtree-leaf');

/** SHA-256 of the concatenation of `parts` (node:crypto: several times faster than a JS SHA-256). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

const EMPTY_DIGEST = sha256(SEP_EMPTY);
/** Digests by node: a tree's nodes are immutable, so each is hashed once however often it is certified. */
const digests = new WeakMap<HashTree, Uint8Array>();

/** The root hash of a tree (the spec's `reconstruct`). */
export function digest(t: HashTree): Uint8Array {
  if (t[0] === 0) return EMPTY_DIGEST;
  if (t[0] === 4) return t[1];
  const hit = digests.get(t);
  if (hit) return hit;
  let d: Uint8Array;
  switch (t[0]) {
    case 1:
      d = sha256(SEP_FORK, digest(t[1]), digest(t[2]));
      break;
    case 2:
      d = sha256(SEP_LABELED, t[1], digest(t[2]));
      break;
    default:
      d = sha256(SEP_LEAF, t[1]);
  }
  digests.set(t, d);
  return d;
}

/** Byte-wise comparison of labels (the order of labels under a node: a prefix sorts first). */
export function compareLabels(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Labeled data: a leaf value (bytes), or children by label. Children may be given as a Map or as
 * [label, child] pairs in any order; they are sorted. A child may also be a ready-made HashTree
 * node (`{ tree }`), so a part of a state tree built once can be reused while the rest is rebuilt.
 */
export type LabeledTree = Uint8Array | { tree: HashTree } | Map<Label, LabeledTree> | ReadonlyArray<readonly [Label, LabeledTree]>;

/** Builds the hash tree of labeled data: a balanced fork tree of labeled nodes per level. */
export function buildTree(data: LabeledTree): HashTree {
  if (data instanceof Uint8Array) return leaf(data);
  if (!(data instanceof Map) && !Array.isArray(data)) return (data as { tree: HashTree }).tree;
  const entries: Array<readonly [Uint8Array, LabeledTree]> = [];
  for (const [l, child] of data as Iterable<readonly [Label, LabeledTree]>) entries.push([labelBytes(l), child]);
  entries.sort((a, b) => compareLabels(a[0], b[0]));
  for (let i = 1; i < entries.length; i++) {
    if (compareLabels((entries[i - 1] as [Uint8Array, LabeledTree])[0], (entries[i] as [Uint8Array, LabeledTree])[0]) === 0) {
      throw new Error(`duplicate label ${hex((entries[i] as [Uint8Array, LabeledTree])[0])} in a labeled tree`);
    }
  }
  return forkOf(entries.map(([l, child]) => labeled(l, buildTree(child))));
}

/** A balanced fork tree over `nodes` (in order); Empty for none. */
export function forkOf(nodes: readonly HashTree[]): HashTree {
  if (nodes.length === 0) return EMPTY;
  const go = (lo: number, hi: number): HashTree => {
    if (hi - lo === 1) return nodes[lo] as HashTree;
    const mid = lo + Math.ceil((hi - lo) / 2);
    return fork(go(lo, mid), go(mid, hi));
  };
  return go(0, nodes.length);
}

// ------------------------------------------------------------------ lookup

export type LookupResult = { status: 'found'; value: Uint8Array } | { status: 'absent' } | { status: 'unknown' } | { status: 'error' };

type LabelResult = { status: 'found'; tree: HashTree } | { status: 'absent' | 'unknown' | 'less' | 'greater' };

function findLabel(label: Uint8Array, t: HashTree): LabelResult {
  switch (t[0]) {
    case 2: {
      const c = compareLabels(label, t[1]);
      if (c === 0) return { status: 'found', tree: t[2] };
      return { status: c < 0 ? 'less' : 'greater' };
    }
    case 1: {
      const left = findLabel(label, t[1]);
      if (left.status === 'greater' || left.status === 'unknown') {
        const right = findLabel(label, t[2]);
        if (right.status === 'less') return { status: left.status === 'greater' ? 'absent' : 'unknown' };
        return right;
      }
      return left;
    }
    case 4:
      return { status: 'unknown' };
    default:
      return { status: 'absent' };
  }
}

/** The subtree at `path` (labels all found), or undefined. */
export function lookupSubtree(path: readonly Label[], t: HashTree): HashTree | undefined {
  let node = t;
  for (const label of path) {
    const r = findLabel(labelBytes(label), node);
    if (r.status !== 'found') return undefined;
    node = r.tree;
  }
  return node;
}

/** The spec's lookup_path: the value at `path`, or whether the tree proves it absent. */
export function lookupPath(path: readonly Label[], t: HashTree): LookupResult {
  if (path.length === 0) {
    switch (t[0]) {
      case 3:
        return { status: 'found', value: t[1] };
      case 0:
        return { status: 'absent' };
      case 4:
        return { status: 'unknown' };
      default:
        return { status: 'error' };
    }
  }
  const r = findLabel(labelBytes(path[0] as Label), t);
  if (r.status === 'found') return lookupPath(path.slice(1), r.tree);
  if (r.status === 'unknown') return { status: 'unknown' };
  return { status: 'absent' };
}

// ------------------------------------------------------------------ witnesses

/** What to reveal below a node: all of it, the requested children, or only that it exists (its label). */
interface Reveal {
  whole: boolean;
  children: Map<string, { label: Uint8Array; reveal: Reveal }>;
}

const newReveal = (): Reveal => ({ whole: false, children: new Map() });


function requestOf(paths: readonly (readonly Label[])[]): Reveal {
  const root = newReveal();
  for (const path of paths) {
    let r = root;
    for (const l of path) {
      if (r.whole) break;
      const bytes = labelBytes(l);
      const key = hex(bytes);
      let child = r.children.get(key);
      if (!child) {
        child = { label: bytes, reveal: newReveal() };
        r.children.set(key, child);
      }
      r = child.reveal;
    }
    r.whole = true;
    r.children.clear();
  }
  return root;
}

/** The labeled nodes of one level, in order (forks flattened). */
function labeledNodesOf(t: HashTree, out: LabeledNode[]): LabeledNode[] {
  if (t[0] === 1) {
    labeledNodesOf(t[1], out);
    labeledNodesOf(t[2], out);
  } else if (t[0] === 2) out.push(t);
  return out;
}

/**
 * Prunes `t` to `paths` (arrays of labels): each path that exists is revealed with everything
 * below it; for a path that does not exist, the tree keeps the labels around the first missing
 * label (their subtrees pruned), so lookup_path proves it absent. Everything else is pruned to
 * its hash, so the witness has the same root hash as `t`. An empty path reveals the whole tree.
 */
export function witness(t: HashTree, paths: readonly (readonly Label[])[]): HashTree {
  const r = requestOf(paths);
  if (r.whole) return t;
  return pruneLevel(t, r) ?? (t[0] === 0 ? t : pruned(digest(t)));
}

/** Prunes one level; undefined when nothing in `t` is revealed. */
function pruneLevel(t: HashTree, request: Reveal): HashTree | undefined {
  if (request.whole) return t;
  if (request.children.size === 0) return undefined;
  if (t[0] === 3) return t; // a path runs into a leaf: the leaf is what there is
  if (t[0] === 0 || t[0] === 4) return t[0] === 0 ? t : undefined;
  const nodes = labeledNodesOf(t, []);
  const revealed = new Map<LabeledNode, HashTree>();
  const labelOnly = new Set<LabeledNode>();
  for (const { label, reveal } of request.children.values()) {
    // Binary search for the label (the nodes are sorted).
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareLabels((nodes[mid] as LabeledNode)[1], label) < 0) lo = mid + 1;
      else hi = mid;
    }
    const at = nodes[lo];
    if (at && compareLabels(at[1], label) === 0) {
      const sub = pruneLevel(at[2], reveal) ?? (at[2][0] === 0 ? at[2] : pruned(digest(at[2])));
      revealed.set(at, sub);
    } else {
      // Absent: keep the neighbours on both sides so the gap is proven.
      if (lo > 0) labelOnly.add(nodes[lo - 1] as LabeledNode);
      if (at) labelOnly.add(at);
    }
  }
  if (revealed.size === 0 && labelOnly.size === 0) return undefined;
  const rebuild = (n: HashTree): HashTree | undefined => {
    if (n[0] === 1) {
      const l = rebuild(n[1]);
      const r = rebuild(n[2]);
      if (!l && !r) return undefined;
      return fork(l ?? keepOrPrune(n[1]), r ?? keepOrPrune(n[2]));
    }
    if (n[0] === 2) {
      const sub = revealed.get(n);
      if (sub) return [2, n[1], sub];
      if (labelOnly.has(n)) return [2, n[1], keepOrPrune(n[2])];
    }
    return undefined;
  };
  return rebuild(t);
}

const keepOrPrune = (n: HashTree): HashTree => (n[0] === 0 || n[0] === 4 ? n : pruned(digest(n)));

/** Converts a decoded CBOR value (e.g. a certificate's `tree`) to a HashTree; throws if malformed. */
export function hashTreeFromCbor(v: unknown): HashTree {
  if (!Array.isArray(v)) throw new Error('malformed hash tree: not an array');
  const bytes = (x: unknown): Uint8Array => {
    if (!(x instanceof Uint8Array)) throw new Error('malformed hash tree: expected bytes');
    return x;
  };
  switch (v[0]) {
    case 0:
      return EMPTY;
    case 1:
      return fork(hashTreeFromCbor(v[1]), hashTreeFromCbor(v[2]));
    case 2:
      return [2, bytes(v[1]), hashTreeFromCbor(v[2])];
    case 3:
      return [3, bytes(v[1])];
    case 4: {
      const d = bytes(v[1]);
      if (d.length !== 32) throw new Error('malformed hash tree: pruned hash is not 32 bytes');
      return [4, d];
    }
    default:
      throw new Error(`malformed hash tree: unknown node tag ${String(v[0])}`);
  }
}

/** A readable rendering of a tree, for test failures and debugging. */
export function hashTreeToString(t: HashTree, indent = ''): string {
  const show = (b: Uint8Array) => {
    const printable = b.every((x) => x >= 0x20 && x < 0x7f);
    return printable ? JSON.stringify(new TextDecoder().decode(b)) : `0x${hex(b)}`;
  };
  switch (t[0]) {
    case 0:
      return `${indent}Empty`;
    case 1:
      return `${indent}Fork\n${hashTreeToString(t[1], indent + '  ')}\n${hashTreeToString(t[2], indent + '  ')}`;
    case 2:
      return `${indent}${show(t[1])} ->\n${hashTreeToString(t[2], indent + '  ')}`;
    case 3:
      return `${indent}Leaf ${show(t[1])}`;
    case 4:
      return `${indent}Pruned 0x${hex(t[1])}`;
  }
}
