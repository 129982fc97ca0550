// A best-effort call (call_with_best_effort_response) whose deadline passes without a response is
// answered by the system with SYS_UNKNOWN "Timeout expired"; the late real response is dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replica, RejectCode } from '@mockic/runtime';
import { watFixture } from '@mockic/fixtures';
import { forwardArg, u64 } from '../support/proxy.ts';


test('timeout while the callee is busy', async () => {
  const replica = await Replica.create({ limits: { instructionsPerSlice: 1_000_000n } });
  const wasm = await watFixture('proxy');
  const a = await replica.installCanister({ wasm });
  const b = await replica.installCanister({ wasm });
  // b starts a long message (several slices), so a's call waits in b's queue
  replica.submitIngress(b, 'burn', u64(2_000_000n));
  replica.tick();
  assert.ok(replica.canister(b).isPaused);
  const msg = replica.submitIngress(a, 'forward', forwardArg(b, 3, 0n, 'reject_me'));
  replica.tick();
  assert.is(replica.ingressStatus(msg)?.state.status, 'processing');
  replica.advanceTime(2_000_000_000n);
  replica.tick();
  const rec = replica.ingressStatus(msg);
  assert.is(rec?.state.status, 'replied');
  if (rec?.state.status === 'replied') {
    assert.is(rec.state.reply[0], RejectCode.SYS_UNKNOWN);
    assert.is(new TextDecoder().decode(rec.state.reply.subarray(1)), 'Timeout expired');
  }
  // b eventually answers; the late response changes nothing for a
  for (let i = 0; i < 20; i++) replica.tick();
  assert.is(replica.ingressStatus(msg)?.state.status, 'replied');
});

test('a best-effort call answered in time behaves like any call', async () => {
  const replica = await Replica.create();
  const wasm = await watFixture('proxy');
  const a = await replica.installCanister({ wasm });
  const b = await replica.installCanister({ wasm });
  const r = await replica.update(a, 'forward', forwardArg(b, 3, 0n, 'reject_me'));
  assert.is(r[0], RejectCode.CANISTER_REJECT);
});

test.run();
