// ctx.caller is the principal that sent the message (the user of an ingress message).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica, defineCanister } from '@mockic/runtime';
import { query, update } from './support.ts';

const whoami = defineCanister({
  candid: 'service : { whoami : () -> (principal); whoamiQuery : () -> (principal) query }',
  methods: {
    whoami: (ctx) => ctx.caller,
    whoamiQuery: (ctx) => ctx.caller,
  },
});

test('caller of updates and queries', async () => {
  const replica = await Replica.create();
  const id = await replica.installJsCanister(whoami);
  const alice = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
  assert.is(((await update(replica, id, 'whoami', [], { rets: [IDL.Principal], sender: alice })) as Principal).toText(), alice.toText());
  assert.is(((await query(replica, id, 'whoamiQuery', [], { rets: [IDL.Principal], sender: alice })) as Principal).toText(), alice.toText());
  assert.is(((await query(replica, id, 'whoamiQuery', [], { rets: [IDL.Principal] })) as Principal).toText(), '2vxsx-fae');
});

test.run();
