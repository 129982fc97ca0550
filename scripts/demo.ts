// The demo behind `pnpm demo`: compiles a Motoko counter with moc.js (cached by source hash),
// installs it in an in-process replica, and calls it — updates, a query, a trap that rolls back, an
// infinite loop stopped by the instruction limit, and an upgrade that keeps the state.
import { IDL } from '@dfinity/candid';
import { Replica, UserError } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';

const nat = (n: bigint | number) => new Uint8Array(IDL.encode([IDL.Nat], [BigInt(n)]));
const none = () => new Uint8Array(IDL.encode([], []));
const decodeNat = (bytes: Uint8Array) => IDL.decode([IDL.Nat], bytes)[0] as bigint;

const t0 = performance.now();
const counter = motokoFixture('counter');
const trapping = motokoFixture('trapping');
const longLoop = motokoFixture('long-loop');
const compiled = performance.now();

const replica = await Replica.create({ limits: { instructionsPerMessage: 50_000_000n } });
const canisterId = await replica.installCanister({ wasm: counter.wasm });
console.log(`installed the Motoko counter as ${canisterId.toText()} (${counter.wasm.length} bytes of wasm64)`);

for (let i = 0; i < 3; i++) {
  const reply = await replica.update(canisterId, 'inc', none());
  console.log(`  update inc()   -> ${decodeNat(reply)}`);
}
console.log(`  update add(39) -> ${decodeNat(await replica.update(canisterId, 'add', nat(39)))}`);
console.log(`  query  get()   -> ${decodeNat(await replica.query(canisterId, 'get', none()))}`);

const trapper = await replica.installCanister({ wasm: trapping.wasm });
await replica.update(trapper, 'set', nat(1));
try {
  await replica.update(trapper, 'setThenTrap', nat(2));
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  console.log(`\na trap after writing to heap and stable memory: ${e.errorCode} (reject code ${e.rejectCode})`);
  console.log(`  ${e.description.split('\n')[0]}`);
}
console.log(`  value after the trap -> ${decodeNat(await replica.query(trapper, 'get', none()))} (rolled back to 1)`);

const looper = await replica.installCanister({ wasm: longLoop.wasm });
try {
  await replica.update(looper, 'forever', none());
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  console.log(`\nan infinite loop: ${e.errorCode}: ${e.description.split('\n')[0]}`);
}

await replica.upgradeCanister({ canisterId, wasm: counter.wasm });
console.log(`\nafter an upgrade (wasm_memory_persistence = keep): get() -> ${decodeNat(await replica.query(canisterId, 'get', none()))}`);

const n = 1000;
const started = performance.now();
for (let i = 0; i < n; i++) await replica.update(canisterId, 'inc', none());
const ms = performance.now() - started;
console.log(`\n${n} update calls in ${ms.toFixed(0)} ms (${Math.round((n / ms) * 1000)} calls/s); moc.js compile ${(compiled - t0).toFixed(0)} ms`);
