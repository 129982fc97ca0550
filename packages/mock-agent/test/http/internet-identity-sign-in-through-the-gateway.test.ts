// The Internet Identity stand-in behind the HTTP gateway: `/` is the sign-in page speaking the II
// client protocol, and `/authorize` answers the signed delegation for a session key as JSON — which,
// turned into a DelegationChain the way @dfinity/auth-client does, signs calls as the identity's
// principal for that frontend origin. Bad parameters get a 400 that says what is needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Actor, HttpAgent, type Identity } from '@dfinity/agent';
import { Delegation, DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { internetIdentity } from '@mockic/runtime';
import { startLoopbackServer } from '../../src/http/loopback-server.ts';
import { toHex } from '../../src/http/request-id.ts';
import { counterIdl, world } from './setup.ts';

const w = await world();
const ii = internetIdentity();
const iiId = (await w.replica.installJsCanister(ii)).toText();
const server = await startLoopbackServer({ replica: w.replica, certifier: w.certifier });
const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

test('/ is the sign-in page of the II client protocol', async () => {
  const r = await fetch(`${server.url}/?canisterId=${iiId}`);
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'text/html');
  const html = await r.text();
  for (const kind of ['authorize-ready', 'authorize-client', 'authorize-client-success']) assert.match(html, kind);
});

test('/authorize signs a delegation that makes calls as the identity for that origin', async () => {
  const session = Ed25519KeyIdentity.generate();
  const origin = 'http://127.0.0.1:5173';
  const params = new URLSearchParams({ canisterId: iiId, anchor: '10042', origin, session_key: toHex(new Uint8Array(session.getPublicKey().toDer())), max_ttl: '3600000000000' });
  const r = await fetch(`${server.url}/authorize?${params}`);
  assert.is(r.status, 200);
  const j = (await r.json()) as { delegations: Array<{ delegation: { pubkey: string; expiration: string }; signature: string }>; userPublicKey: string };
  assert.is(BigInt(j.delegations[0]!.delegation.expiration), w.replica.time + 3_600_000_000_000n);
  // what auth-client does with an authorize-client-success message
  const chain = DelegationChain.fromDelegations(
    j.delegations.map((d) => ({ delegation: new Delegation(fromHex(d.delegation.pubkey), BigInt(d.delegation.expiration)), signature: fromHex(d.signature) as never })),
    fromHex(j.userPublicKey) as never,
  );
  const identity = DelegationIdentity.fromDelegation(session, chain) as unknown as Identity;
  assert.is(identity.getPrincipal().toText(), ii.principalOf(10042n, origin).toText());
  const agent = await HttpAgent.create({ host: server.url, identity, shouldFetchRootKey: true, retryTimes: 0 });
  await Actor.createActor(counterIdl, { agent, canisterId: w.counter })['inc']!();
  const records = [...w.replica.ingress.all()];
  assert.is((records[records.length - 1] as { sender: { toText(): string } }).sender.toText(), ii.principalOf(10042n, origin).toText());
});

test('/authorize without its parameters is a 400 naming them', async () => {
  const r = await fetch(`${server.url}/authorize?canisterId=${iiId}&anchor=x`);
  assert.is(r.status, 400);
  assert.match(await r.text(), 'authorize needs anchor (a number), origin, session_key');
});

test.after(async () => {
  await server.close();
});

test.run();
