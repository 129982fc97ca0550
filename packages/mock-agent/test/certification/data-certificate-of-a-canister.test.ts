// A canister that called ic0.certified_data_set reads, in a query, the data certificate the
// certifier made (ic0.data_certificate_copy): it verifies with the agents against the root key and
// holds the canister's certified data and the time, and nothing else of the state tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCbor, decodeLeb128, hashTreeFromCbor, lookupPath, type CborValue } from '../../src/certification/index.ts';
import { agents, verifyCertificate } from './agents.ts';
import { setup } from './support.ts';

for (const { name, lib } of agents) {
  test(`${name}: the data certificate a query reads verifies and holds certified_data`, async () => {
    const { replica, certifier, canisterId } = await setup();
    const data = new Uint8Array(32).map((_, i) => i * 7);
    assert.equal(await replica.update(canisterId, 'certify', data), data);
    const other = replica.createCanister();

    const reply = await replica.query(canisterId, 'data_certificate', new Uint8Array(), { dataCertificate: certifier.dataCertificate(canisterId) });
    assert.ok(reply.length > 0, 'the query sees a data certificate');
    const cert = await verifyCertificate(lib, reply, certifier.rootKeyDer, canisterId);
    const id = canisterId.toUint8Array();
    const certified = cert.lookup_path(['canister', id, 'certified_data']);
    assert.is(certified.status, lib.LookupPathStatus.Found);
    assert.equal((certified as { value: Uint8Array }).value, data);
    const time = cert.lookup_path(['time']);
    assert.is(decodeLeb128((time as { value: Uint8Array }).value), replica.time);

    // only time and this canister's certified_data are revealed
    const tree = hashTreeFromCbor((decodeCbor(reply) as { tree: CborValue }).tree);
    assert.is(lookupPath(['canister', id, 'module_hash'], tree).status, 'unknown');
    assert.is(lookupPath(['canister', other.toUint8Array(), 'certified_data'], tree).status, 'unknown');

    // without a certificate (an update, or a query not offered one) the canister sees none
    assert.is((await replica.query(canisterId, 'data_certificate', new Uint8Array())).length, 0);
    // a canister that never set certified data has an empty one, certified all the same
    const empty = certifier.dataCertificate(other);
    const emptyCert = await verifyCertificate(lib, empty, certifier.rootKeyDer, other);
    const e = emptyCert.lookup_path(['canister', other.toUint8Array(), 'certified_data']);
    assert.is(e.status, lib.LookupPathStatus.Found);
    assert.is((e as { value: Uint8Array }).value.length, 0);
  });
}

test('updating certified data shows in the next data certificate', async () => {
  const { replica, certifier, canisterId } = await setup();
  const certifiedIn = (bytes: Uint8Array) => {
    const tree = hashTreeFromCbor((decodeCbor(bytes) as { tree: CborValue }).tree);
    const r = lookupPath(['canister', canisterId.toUint8Array(), 'certified_data'], tree);
    return r.status === 'found' ? [...r.value] : r.status;
  };
  await replica.update(canisterId, 'certify', new Uint8Array([1]));
  assert.equal(certifiedIn(certifier.dataCertificate(canisterId)), [1]);
  await replica.update(canisterId, 'certify', new Uint8Array([2, 2]));
  assert.equal(certifiedIn(certifier.dataCertificate(canisterId)), [2, 2]);
});

test.run();
