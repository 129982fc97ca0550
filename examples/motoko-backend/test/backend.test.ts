// The todo-list backend (src/backend.mo) tested the way a dfx project tests with @dfinity/pic, but
// in-process: the Motoko source is compiled with moc.js at test time (cached by source hash), and
// `PocketIc.create()` runs the real Wasm with no server and nothing downloaded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { compileMotoko } from '@mockic/fixtures';
import { PocketIc, createIdentity, type Actor } from '@mockic/pocket';
import { idlFactory, type BackendService } from '../src/declarations.ts';

const { wasm } = compileMotoko(readFileSync(new URL('../src/backend.mo', import.meta.url), 'utf8'));
const alice = createIdentity('alice');
const bob = createIdentity('bob');
const EOP_UPGRADE = { wasm_memory_persistence: [{ keep: null }] as [{ keep: null }], skip_pre_upgrade: [] as [] };

let pic: PocketIc;
let actor: Actor<BackendService>;
let canisterId: Awaited<ReturnType<PocketIc['createCanister']>>;

test.before.each(async () => {
  pic = await PocketIc.create();
  ({ actor, canisterId } = await pic.setupCanister<BackendService>({ idlFactory, wasm }));
});

test.after.each(async () => {
  await pic.tearDown();
});

test('a signed-in caller adds todos and owns them', async () => {
  actor.setIdentity(alice);
  assert.is(await actor.add('buy milk'), 0n);
  assert.is(await actor.add('write tests'), 1n);
  const [todo] = await actor.get(0n);
  assert.is(todo?.text, 'buy milk');
  assert.is(todo?.done, false);
  assert.is(todo?.owner.toText(), alice.getPrincipal().toText());
  assert.equal((await actor.mine()).map((t) => t.text), ['buy milk', 'write tests']);
  assert.equal(await actor.get(7n), [], 'no such todo');
});

test('each caller sees their own todos; only the owner may complete or remove one', async () => {
  actor.setIdentity(alice);
  const milk = await actor.add('buy milk');
  actor.setIdentity(bob);
  const walk = await actor.add('walk the dog');
  assert.equal((await actor.mine()).map((t) => t.text), ['walk the dog']);
  assert.equal(await actor.complete(milk), { err: { notOwner: null } });
  assert.equal(await actor.remove(milk), { err: { notOwner: null } });
  assert.equal(await actor.complete(99n), { err: { notFound: null } });
  assert.equal(await actor.complete(walk), { ok: null });
  assert.is((await actor.get(walk))[0]?.done, true);

  actor.setIdentity(alice);
  assert.equal(await actor.remove(milk), { ok: null });
  assert.equal(await actor.get(milk), []);
  assert.equal((await actor.all()).map((t) => t.text), ['walk the dog'], 'everyone can read the whole list');
});

test('a trap rejects the call, and its changes are rolled back', async () => {
  // The actor calls as the anonymous principal until setIdentity.
  try {
    await actor.add('sneaky');
    assert.unreachable('anonymous may not add');
  } catch (e) {
    assert.match(String(e), /sign in to change the todo list.*Reject code: CanisterError\. Error code: CanisterCalledTrap/s);
  }
  actor.setIdentity(alice);
  assert.equal(await actor.addAll(['one', 'two']), [0n, 1n]);
  try {
    await actor.addAll(['three', 'four', '']);
    assert.unreachable('the third text is empty');
  } catch (e) {
    assert.match(String(e), /a todo needs some text/);
  }
  assert.equal((await actor.all()).map((t) => t.text), ['one', 'two'], '"three" and "four" were rolled back');
  assert.is(await actor.add('three'), 2n, 'and so were the ids they took');
});

test('an upgrade keeps the todos, ids and owners (enhanced orthogonal persistence)', async () => {
  actor.setIdentity(alice);
  await actor.add('survive the upgrade');
  actor.setIdentity(bob);
  await actor.add('bob was here');
  await pic.upgradeCanister({ canisterId, wasm, upgradeModeOptions: EOP_UPGRADE });
  assert.is(await actor.upgradeCount(), 1n, 'postupgrade ran');
  assert.equal((await actor.mine()).map((t) => t.text), ['bob was here'], 'ownership survived');
  assert.equal(await actor.complete(0n), { err: { notOwner: null } });
  assert.is(await actor.add('after the upgrade'), 2n, 'the id counter survived');

  await pic.reinstallCode({ canisterId, wasm });
  assert.equal(await actor.all(), [], 'a reinstall starts empty');
});

test('an identity is the same principal in every run (createIdentity is seeded by its phrase)', async () => {
  assert.is(createIdentity('alice').getPrincipal().toText(), alice.getPrincipal().toText());
  assert.is.not(alice.getPrincipal().toText(), bob.getPrincipal().toText());
  actor.setPrincipal(bob.getPrincipal());
  await actor.add('as bob, by principal');
  actor.setIdentity(bob);
  assert.is((await actor.mine()).length, 1);
});

test.run();
