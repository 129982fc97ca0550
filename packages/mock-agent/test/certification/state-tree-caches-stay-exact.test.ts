// The state tree builder reuses subtrees between certifications (request groups, metadata, subnet
// data); whatever it reuses, its tree must hash exactly like one built from scratch, round after
// round, as requests arrive, finish and canisters change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Replica } from '@mockic/runtime';
import { Certifier, StateTreeBuilder, digest, lookupPath, requestIdOfMessageId } from '../../src/certification/index.ts';
import { certifyingWasm, hex } from './support.ts';

test('incremental state trees hash like fresh ones', async () => {
  const replica = await Replica.create();
  const certifier = Certifier.create(replica, { seed: 'cache', nodesPerSubnet: 2 });
  const keys = { publicKeyDer: () => certifier.rootKeyDer, nodes: () => certifier.nodesFor() };
  const incremental = new StateTreeBuilder(replica, keys);
  const canisterId = await replica.installCanister({ wasm: await certifyingWasm() });
  const rid = (i: number) => createHash('sha256').update(`request ${i}`).digest('hex');
  let n = 0;
  for (let round = 0; round < 12; round++) {
    for (let k = 0; k < 40; k++, n++) {
      replica.submitIngress(canisterId, n % 5 === 0 ? 'refuse' : 'certify', new Uint8Array([n & 0xff]), { messageId: rid(n) });
    }
    // some rounds see requests only received, others processed
    if (round % 3 !== 1) replica.tick();
    if (round === 6) replica.advanceTime(1_000_000_000n);
    const t = incremental.build();
    const fresh = new StateTreeBuilder(replica, keys).build();
    assert.equal(hex(digest(t)), hex(digest(fresh)), `round ${round}`);
  }
  const last = requestIdOfMessageId(rid(n - 1)) as Uint8Array;
  const status = lookupPath(['request_status', last, 'status'], incremental.build());
  assert.equal(status, { status: 'found', value: new TextEncoder().encode('replied') });
  // ids that are not request ids (direct test API calls) stay out of request_status
  replica.submitIngress(canisterId, 'certify', new Uint8Array([1]));
  replica.tick();
  assert.equal(hex(digest(incremental.build())), hex(digest(new StateTreeBuilder(replica, keys).build())));
});

test.run();
