// Public surface of the Wasm layer: module parsing, validation after the IC's rules, the
// instrumentation (metering, written-page tracking) and the compilation cache.
export * from './instrumentation-abi.ts';
export { CompilationCache, compileCanisterModule, sharedCompilationCache } from './compilation-cache.ts';
export type { CompilationCacheOptions, CompiledCanisterModule } from './compilation-cache.ts';
export { decodeModuleBytes, isGzip, MAX_DECOMPRESSED_MODULE_SIZE, ModuleDecompressionError } from './decode-module-bytes.ts';
export { IC0_IMPORTS, concreteIc0Signature } from './ic0-imports.ts';
export type { Ic0Signature, Ic0Type } from './ic0-imports.ts';
export { instrumentModule } from './instrument-module.ts';
export type { DropFlagGlobal, InstrumentedModule } from './instrument-module.ts';
export { InvalidCanisterModuleError } from './invalid-canister-module-error.ts';
export type { InvalidModuleReason } from './invalid-canister-module-error.ts';
export { parseModule, SYSTEM_METHODS } from './parse-module.ts';
export type {
  CanisterMethodKind,
  DataSegmentInfo,
  ElementSegmentInfo,
  ExportInfo,
  ExternalKind,
  FuncType,
  GlobalInfo,
  ImportInfo,
  Limits,
  ModuleInfo,
  RefType,
  SectionInfo,
  SystemMethod,
  TableInfo,
  ValType,
} from './parse-module.ts';
export { DEFAULT_MODULE_LIMITS, validateCanisterModule } from './validate-module.ts';
export type { ModuleLimits } from './validate-module.ts';
export { WasmDecodeError } from './wasm-reader.ts';
