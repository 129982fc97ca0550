// Adapts a compiled module from the compilation cache to what the canister layer reads: methods by
// name, system methods, metadata sections and the memory declaration. Cached alongside the compiled
// module so that installing the same module again costs nothing here either.
import type { CanisterModule, MethodKind } from '../canister/canister-module.ts';
import type { CompiledCanisterModule } from '../wasm/compilation-cache.ts';

const adapted = new WeakMap<CompiledCanisterModule, CanisterModule>();

/** `installedSize`: length of the module bytes as installed (possibly gzip-compressed). */
export function canisterModuleOf(compiled: CompiledCanisterModule, installedSize = 0): CanisterModule {
  const hit = adapted.get(compiled);
  if (hit) return hit;
  const info = compiled.info;
  const methods = new Map<string, MethodKind>();
  for (const m of info.canisterMethods) methods.set(m.name, m.kind);
  const result: CanisterModule = {
    module: compiled.module,
    memory64: compiled.instrumented.memory64,
    memory: info.memory,
    mutatedTables: compiled.instrumented.mutatedTables,
    hash: compiled.hash,
    methods,
    systemMethods: new Set(info.systemMethods),
    publicMetadata: info.icpPublic,
    privateMetadata: info.icpPrivate,
    size: installedSize,
  };
  adapted.set(compiled, result);
  return result;
}
