// What the canister layer needs of a compiled canister module: the compiled instrumented Wasm, the
// hash users see (module_hash), and the facts from parsing it. Produced by the compilation cache.
import type { InstantiableModule } from '../execution/canister-instance.ts';

export type MethodKind = 'update' | 'query' | 'composite_query';

export interface CanisterModule extends InstantiableModule {
  /** SHA-256 of the module as installed (what canister_status reports as module_hash). */
  hash: Uint8Array;
  /** Exported canister methods by name. */
  methods: ReadonlyMap<string, MethodKind>;
  /** Exported system methods (canister_init, canister_pre_upgrade, ...). */
  systemMethods: ReadonlySet<string>;
  /** Custom sections `icp:public <name>` and `icp:private <name>` by name. */
  publicMetadata: ReadonlyMap<string, Uint8Array>;
  privateMetadata: ReadonlyMap<string, Uint8Array>;
  /** Size of the installed module in bytes. */
  size: number;
}

/** Motoko's marker for enhanced orthogonal persistence (the heap survives upgrades). */
export const ENHANCED_ORTHOGONAL_PERSISTENCE = 'enhanced-orthogonal-persistence';

export function expectsEnhancedOrthogonalPersistence(m: CanisterModule): boolean {
  return m.privateMetadata.has(ENHANCED_ORTHOGONAL_PERSISTENCE) || m.publicMetadata.has(ENHANCED_ORTHOGONAL_PERSISTENCE);
}

/** The export name of a canister method. */
export function exportName(kind: MethodKind, method: string): string {
  return `canister_${kind} ${method}`;
}
