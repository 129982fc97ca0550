// Does a JS canister's commit cost what the message changed, not the size of its state? ICRC-1
// transfers on the ledger plugin with 1,000 and 50,000 funded accounts should cost about the same per
// transfer (ratio ≈ 1); the deep copy of the state that a copy-per-commit design would pay on every
// message is timed beside it for comparison.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica, icrcLedger } from '../packages/runtime/src/index.ts';
import { cloneState } from '../packages/runtime/src/js-canister/clone-state.ts';
import { printTable } from './table.ts';

const TRANSFERS = 400;
const owner = (i: number) => Principal.fromUint8Array(Uint8Array.of(i >> 16, (i >> 8) & 255, i & 255, 1));

async function measure(accounts: number): Promise<{ perTransferUs: number; cloneUs: number }> {
  const replica = await Replica.create();
  const initialBalances: Array<[Principal, bigint]> = [];
  for (let i = 0; i < accounts; i++) initialBalances.push([owner(i), 1_000_000n]);
  const ledger = icrcLedger({ symbol: 'TST', fee: 0n, initialBalances });
  const id = await replica.installJsCanister(ledger);
  const transfer = new Map(ledger.service._fields).get('icrc1_transfer') as IDL.FuncClass;
  const args = (i: number) =>
    IDL.encode(transfer.argTypes, [
      { fee: [], memo: [], created_at_time: [], from_subaccount: [], to: { owner: owner((i * 7919) % accounts), subaccount: [] }, amount: 1n },
    ]);
  const run = async (n: number, offset: number) => {
    for (let i = 0; i < n; i++) await replica.update(id, 'icrc1_transfer', args(offset + i), { sender: owner(i % accounts) });
  };
  await run(50, 0); // warm-up
  const t0 = performance.now();
  await run(TRANSFERS, 50);
  const perTransferUs = ((performance.now() - t0) / TRANSFERS) * 1000;
  const snapshot = ledgerState(replica, id);
  const c0 = performance.now();
  for (let i = 0; i < 5; i++) cloneState(snapshot);
  const cloneUs = ((performance.now() - c0) / 5) * 1000;
  return { perTransferUs, cloneUs };
}

/** The ledger's committed state (the canister's engine is private: read it for the comparison only). */
function ledgerState(replica: Replica, id: Principal): unknown {
  const canister = replica.findCanister(id) as unknown as { instance?: { committedState?: () => unknown } };
  return canister.instance?.committedState?.();
}

const small = await measure(1_000);
const large = await measure(50_000);
printTable(`ICRC-1 transfers on the JS ledger plugin (${TRANSFERS} transfers each)`, [
  { accounts: 1_000, 'µs per transfer': small.perTransferUs, 'µs deep copy of the state': small.cloneUs },
  { accounts: 50_000, 'µs per transfer': large.perTransferUs, 'µs deep copy of the state': large.cloneUs },
  { accounts: '50k / 1k', 'µs per transfer': large.perTransferUs / small.perTransferUs, 'µs deep copy of the state': large.cloneUs / small.cloneUs },
]);
const ratio = large.perTransferUs / small.perTransferUs;
console.log(`per-transfer cost, 50,000 vs 1,000 accounts: ${ratio.toFixed(2)}× — ${ratio <= 1.5 ? 'independent of the state size' : 'GROWS with the state'}`);
console.log(`a copy per commit would add ${(large.cloneUs / 1000).toFixed(1)} ms to every transfer at 50,000 accounts`);
