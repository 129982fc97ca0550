// Builds a bare CanisterInstance for System API tests: one compiled module, a memfs stable memory,
// and ExecutionInputs for any context, without a replica around it.
import { CanisterInstance } from '../../src/execution/canister-instance.ts';
import type { ApiContext } from '../../src/system-api/api-context.ts';
import type { ExecutionInputs } from '../../src/system-api/execution-state.ts';
import { FeeSchedule } from '../../src/cycles/fee-schedule.ts';
import { MemfsVolume } from '../../src/state/volume.ts';
import { StablePageStore } from '../../src/state/stable-page-store.ts';
import { sharedCompilationCache } from '../../src/wasm/compilation-cache.ts';
import { canisterModuleOf } from '../../src/replica/canister-module-of.ts';

let files = 0;

export function inputsFor(context: ApiContext, extra: Partial<ExecutionInputs> = {}): ExecutionInputs {
  return {
    context,
    canisterId: new Uint8Array([0x80, 0, 0, 0, 0, 0x10, 0, 1, 1, 1]),
    subnetId: new Uint8Array(29).fill(7),
    caller: new Uint8Array([4]),
    arg: new Uint8Array([1, 2, 3]),
    time: 1_620_328_630_000_000_000n,
    balance: 100_000_000_000_000n,
    frozenLimit: 0n,
    status: 1,
    version: 1n,
    controllers: [new Uint8Array([4])],
    rootKey: new Uint8Array(133).fill(1),
    globalTimer: 0n,
    envVars: [['NAME', 'value']],
    callContextInstructions: 0n,
    mayRespond: true,
    maxResponseBytes: 2 * 1024 * 1024,
    maxCallPayloadBytes: 2 * 1024 * 1024,
    costs: new FeeSchedule(),
    rejectCode: context === 'Rt' || context === 'CRt' ? 4 : 0,
    rejectMessage: 'rejected',
    ...extra,
  };
}

/** A live instance of `wasm` (start function run in context `s`). */
export function instantiate(wasm: Uint8Array): CanisterInstance {
  const module = canisterModuleOf(sharedCompilationCache.get(wasm));
  const volume = new MemfsVolume();
  return new CanisterInstance(module, {
    stable: StablePageStore.open(volume, `stable-${files++}`),
    heapLimitPages: module.memory64 ? 98304n : 65536n,
    startInputs: inputsFor('s'),
  });
}
