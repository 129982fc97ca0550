// The hash tree: the interface spec's worked example (its CBOR and root hash), the spec's pruning
// example (paths /a/y, /ax, /d), witnesses that prove absent paths absent, and agreement with the
// agent's own `reconstruct` and `lookup_path` on trees we build and prune.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EMPTY,
  buildTree,
  decodeCbor,
  digest,
  encodeCbor,
  fork,
  hashTreeFromCbor,
  labeled,
  leaf,
  lookupPath,
  pruned,
  witness,
  type CborValue,
  type HashTree,
} from '../../src/certification/index.ts';
import { agents } from './agents.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

// ─┬─┬╴"a" ─┬─┬╴"x" ─╴"hello"
//  │ │      │ └╴Empty
//  │ │      └╴  "y" ─╴"world"
//  │ └╴"b" ──╴"good"
//  └─┬╴"c" ──╴Empty
//    └╴"d" ──╴"morning"
const specTree: HashTree = fork(
  fork(labeled('a', fork(fork(labeled('x', leaf('hello')), EMPTY), labeled('y', leaf('world')))), labeled('b', leaf('good'))),
  fork(labeled('c', EMPTY), labeled('d', leaf('morning'))),
);
const SPEC_CBOR =
  '8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344676f6f648301830241638100830241648203476d6f726e696e67';
const SPEC_ROOT = 'eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0';
const SPEC_PRUNED_CBOR =
  '83018301830241618301820458201b4feff9bef8131788b0c9dc6dbad6e81e524249c879e9f10f71ce3749f5a63883024179820345776f726c6483024162820458207b32ac0c6ba8ce35ac82c255fc7906f7fc130dab2a090f80fe12f9c2cae83ba6830182045820ec8324b8a1f1ac16bd2e806edba78006479c9877fed4eb464a25485465af601d830241648203476d6f726e696e67';

test("the spec's example tree: its CBOR and its root hash", () => {
  assert.is(hex(encodeCbor(specTree as unknown as CborValue)), SPEC_CBOR);
  assert.is(hex(digest(specTree)), SPEC_ROOT);
  const decoded = hashTreeFromCbor(decodeCbor(bytes(SPEC_CBOR)));
  assert.equal(decoded, specTree);
});

test("pruning the spec's example to /a/y, /ax and /d gives the spec's pruned tree", () => {
  const w = witness(specTree, [['a', 'y'], ['ax'], ['d']]);
  assert.is(hex(encodeCbor(w as unknown as CborValue)), SPEC_PRUNED_CBOR);
  assert.is(hex(digest(w)), SPEC_ROOT);
  // The spec's lookup results on the pruned tree.
  const look = (...p: string[]) => lookupPath(p, w);
  assert.equal(look('a', 'a'), { status: 'unknown' });
  assert.equal(look('a', 'y'), { status: 'found', value: new TextEncoder().encode('world') });
  assert.equal(look('aa'), { status: 'absent' });
  assert.equal(look('ax'), { status: 'absent' });
  assert.equal(look('b'), { status: 'unknown' });
  assert.equal(look('bb'), { status: 'unknown' });
  assert.equal(look('d'), { status: 'found', value: new TextEncoder().encode('morning') });
  assert.equal(look('e'), { status: 'absent' });
});

test('pruned digests of the spec example', () => {
  assert.is(hex(digest(fork(labeled('x', leaf('hello')), EMPTY))), '1b4feff9bef8131788b0c9dc6dbad6e81e524249c879e9f10f71ce3749f5a638');
  assert.is(hex(digest(leaf('good'))), '7b32ac0c6ba8ce35ac82c255fc7906f7fc130dab2a090f80fe12f9c2cae83ba6');
  assert.is(hex(digest(labeled('c', EMPTY))), 'ec8324b8a1f1ac16bd2e806edba78006479c9877fed4eb464a25485465af601d');
  assert.equal(digest(pruned(digest(specTree))), digest(specTree));
});

/** A tree built from labeled data: 40 canisters-like entries with a few fields each. */
function sampleTree(): HashTree {
  const entries: Array<[Uint8Array, Array<[string, Uint8Array]>]> = [];
  for (let i = 0; i < 40; i++) {
    const id = new Uint8Array([0, 0, 0, 0, 0, 0x10, i * 3, 1, 1, 1]);
    entries.push([id, [['certified_data', new Uint8Array([i])], ['module_hash', new Uint8Array(32).fill(i)]]]);
  }
  return buildTree([
    ['time', new Uint8Array([1, 2, 3])],
    ['canister', entries],
    ['subnet', [['s', [['public_key', new Uint8Array([9])]]]]],
  ]);
}

test('buildTree sorts labels as blobs and rejects duplicates', () => {
  const t = buildTree([
    ['b', new Uint8Array([2])],
    ['a', new Uint8Array([1])],
    ['ab', new Uint8Array([3])],
  ]);
  assert.equal(t, fork(fork(labeled('a', leaf(new Uint8Array([1]))), labeled('ab', leaf(new Uint8Array([3])))), labeled('b', leaf(new Uint8Array([2])))));
  assert.throws(() => buildTree([['a', new Uint8Array()], [new Uint8Array([0x61]), new Uint8Array()]]), /duplicate label/);
  assert.equal(buildTree([]), EMPTY);
});

test('witnesses keep the root hash, reveal present paths and prove absent ones', () => {
  const t = sampleTree();
  const id = (i: number) => new Uint8Array([0, 0, 0, 0, 0, 0x10, i, 1, 1, 1]);
  const w = witness(t, [['time'], ['canister', id(9), 'certified_data'], ['canister', id(10), 'certified_data'], ['canister', id(9), 'nope'], ['zzz'], ['canister', id(200)]]);
  assert.equal(digest(w), digest(t));
  assert.equal(lookupPath(['time'], w), { status: 'found', value: new Uint8Array([1, 2, 3]) });
  assert.equal(lookupPath(['canister', id(9), 'certified_data'], w), { status: 'found', value: new Uint8Array([3]) });
  // id(10) lies between id(9) and id(12): absent, and provably so
  assert.equal(lookupPath(['canister', id(10), 'certified_data'], w), { status: 'absent' });
  assert.equal(lookupPath(['canister', id(9), 'nope'], w), { status: 'absent' });
  assert.equal(lookupPath(['canister', id(200)], w), { status: 'absent' });
  assert.equal(lookupPath(['zzz'], w), { status: 'absent' });
  // what was not asked for is pruned
  assert.equal(lookupPath(['canister', id(12), 'module_hash'], w), { status: 'unknown' });
  assert.equal(lookupPath(['canister', id(30), 'certified_data'], w), { status: 'unknown' });
  assert.equal(lookupPath(['subnet', 's', 'public_key'], w), { status: 'unknown' });
  // a prefix reveals the whole subtree; the empty path reveals everything
  const sub = witness(t, [['canister', id(15)]]);
  assert.equal(lookupPath(['canister', id(15), 'module_hash'], sub), { status: 'found', value: new Uint8Array(32).fill(5) });
  assert.equal(witness(t, [[]]), t);
  assert.equal(witness(t, []), pruned(digest(t)));
  // below a label smaller than every label, and above the largest one
  const edges = witness(t, [['canister', new Uint8Array([0])], ['canister', new Uint8Array([255])]]);
  assert.equal(lookupPath(['canister', new Uint8Array([0])], edges), { status: 'absent' });
  assert.equal(lookupPath(['canister', new Uint8Array([255])], edges), { status: 'absent' });
  assert.equal(digest(edges), digest(t));
});

for (const { name, lib } of agents) {
  test(`${name}'s reconstruct and lookup_path agree on the spec example and on witnesses`, async () => {
    const { reconstruct, lookup_path, LookupPathStatus, Cbor } = lib;
    const agentTree = Cbor.decode(bytes(SPEC_CBOR)) as Parameters<typeof reconstruct>[0];
    assert.is(hex(await reconstruct(agentTree)), SPEC_ROOT);
    const t = sampleTree();
    const id = (i: number) => new Uint8Array([0, 0, 0, 0, 0, 0x10, i, 1, 1, 1]);
    const w = witness(t, [['time'], ['canister', id(9), 'certified_data'], ['canister', id(10)], ['aaa']]);
    const decoded = Cbor.decode(encodeCbor(w as unknown as CborValue)) as Parameters<typeof reconstruct>[0];
    assert.equal(await reconstruct(decoded), digest(t));
    assert.equal(await reconstruct(Cbor.decode(encodeCbor(t as unknown as CborValue)) as typeof decoded), digest(t));
    const found = lookup_path(['canister', id(9), 'certified_data'], decoded);
    assert.is(found.status, LookupPathStatus.Found);
    assert.equal((found as { value: Uint8Array }).value, new Uint8Array([9 / 3]));
    assert.is(lookup_path(['canister', id(10), 'certified_data'], decoded).status, LookupPathStatus.Absent);
    assert.is(lookup_path(['aaa'], decoded).status, LookupPathStatus.Absent);
    assert.is(lookup_path(['canister', id(12), 'module_hash'], decoded).status, LookupPathStatus.Unknown);
    assert.is(text(new Uint8Array([0x61])), 'a');
  });
}

test.run();
