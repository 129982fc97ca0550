// The Internet Identity stand-in: prepare_delegation returns the anchor's user key for the
// frontend and an expiration, get_delegation the signed delegation of the session key, whose
// Ed25519 signature verifies under the user key; the principal is self-authenticating.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Replica, internetIdentity, delegationSignedBytes, rawEd25519Key, type Delegation } from '@mockic/runtime';

test('a delegation for a session key, signed by the user key', async () => {
  const replica = await Replica.create();
  const ii = internetIdentity();
  const id = await replica.installJsCanister(ii);
  const sig = (m: string) => new Map(ii.service._fields).get(m) as IDL.FuncClass;
  const sessionKey = Uint8Array.from({ length: 44 }, (_, i) => i);
  const prep = sig('prepare_delegation');
  const [userKey, expiration] = IDL.decode(
    prep.retTypes,
    await replica.update(id, 'prepare_delegation', IDL.encode(prep.argTypes, [10_000n, 'https://app.example', sessionKey, []])),
  ) as [Uint8Array, bigint];
  assert.equal(userKey, ii.userKey(10_000n, 'https://app.example'));
  assert.is(expiration, replica.time + 30n * 60n * 1_000_000_000n);

  const get = sig('get_delegation');
  const [response] = IDL.decode(
    get.retTypes,
    await replica.query(id, 'get_delegation', IDL.encode(get.argTypes, [10_000n, 'https://app.example', sessionKey, expiration])),
  ) as unknown as [{ signed_delegation?: { delegation: Delegation; signature: Uint8Array } }];
  const signed = response.signed_delegation;
  assert.ok(signed);
  assert.equal(signed.delegation.pubkey, sessionKey);
  assert.ok(ed25519.verify(signed.signature, delegationSignedBytes(signed.delegation), rawEd25519Key(userKey)));

  const [missing] = IDL.decode(
    get.retTypes,
    await replica.query(id, 'get_delegation', IDL.encode(get.argTypes, [10_000n, 'https://other.example', sessionKey, expiration])),
  );
  assert.equal(missing, { no_such_delegation: null });

  const p = sig('get_principal');
  const [principal] = IDL.decode(p.retTypes, await replica.query(id, 'get_principal', IDL.encode(p.argTypes, [10_000n, 'https://app.example']))) as unknown as [Principal];
  assert.is(principal.toText(), Principal.selfAuthenticating(userKey).toText());
});

test.run();
