// The IC's rules for canister modules (after the replica's rs/embedders/src/wasm_utils/validation.rs
// and the limits in rs/config/src/embedders.rs), checked before a module is instrumented. A module
// that would be refused on mainnet must be refused here with the same words, or tests pass locally
// and installs fail in production.
import { concreteIc0Signature, IC0_IMPORTS } from './ic0-imports.ts';
import { InvalidCanisterModuleError } from './invalid-canister-module-error.ts';
import { parseModule, SYSTEM_METHODS, type FuncType, type ModuleInfo, type ValType } from './parse-module.ts';
import { WasmDecodeError } from './wasm-reader.ts';

/** Limits on canister modules. Defaults are the replica's (`rs/config/src/embedders.rs`), except where
 * noted as engine limits. */
export interface ModuleLimits {
  /** Maximum size of the (decompressed) module in bytes: `WASM_MAX_SIZE`, 100 MiB. */
  maxModuleSize: number;
  /** Maximum size of the code section in bytes: `MAX_CODE_SECTION_SIZE_IN_BYTES`, 10 MiB. */
  maxCodeSectionSize: number;
  /** Maximum number of globals: `MAX_GLOBALS`, 1000. */
  maxGlobals: number;
  /** Maximum number of defined functions: `MAX_FUNCTIONS`, 50000. */
  maxFunctions: number;
  /** Maximum number of `icp:` custom sections: `MAX_CUSTOM_SECTIONS`, 16. */
  maxCustomSections: number;
  /** Maximum total size of `icp:` custom sections (payload + name): `MAX_CUSTOM_SECTIONS_SIZE`, 1 MiB. */
  maxCustomSectionsSize: number;
  /** Maximum number of `canister_update|query|composite_query <name>` exports: 1000. */
  maxExportedFunctions: number;
  /** Maximum sum of `<name>` lengths of those exports: 20000. */
  maxSumExportedFunctionNameLengths: number;
  /** Maximum number of instructions in one function: `WASM_FUNCTION_SIZE_LIMIT`, 1,000,000 (checked
   * during instrumentation, which is where function bodies are decoded). */
  maxFunctionSize: number;
  /** Maximum initial/maximum size of a table in elements. Engine limit (V8: 10,000,000); the replica has
   * no separate rule. */
  maxTableSize: number;
  /** Maximum number of data segments. Engine limit (V8: 100,000). */
  maxDataSegments: number;
}

export const DEFAULT_MODULE_LIMITS: Readonly<ModuleLimits> = Object.freeze({
  maxModuleSize: 100 * 1024 * 1024,
  maxCodeSectionSize: 10 * 1024 * 1024,
  maxGlobals: 1000,
  maxFunctions: 50000,
  maxCustomSections: 16,
  maxCustomSectionsSize: 1024 * 1024,
  maxExportedFunctions: 1000,
  maxSumExportedFunctionNameLengths: 20000,
  maxFunctionSize: 1_000_000,
  maxTableSize: 10_000_000,
  maxDataSegments: 100_000,
});

/** Export names the canister may not use: the replica's reserved symbols and mockic's own prefix. */
const RESERVED_EXPORTS = new Set(['canister counter_instructions', 'canister_start']);
const MOCKIC_PREFIX = '__mockic';

const utf8 = new TextEncoder();

/** Rust-Debug-like rendering of a type list, as the replica prints it: `[I32, I64]`. */
function typeList(types: readonly string[]): string {
  return `[${types.map((t) => t.toUpperCase()).join(', ')}]`;
}

function sameTypes(a: readonly ValType[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function checkSignature(expected: { params: string[]; results: string[] }, field: string, actual: FuncType): void {
  if (!sameTypes(actual.params, expected.params)) {
    throw new InvalidCanisterModuleError(
      'function-signature',
      `Wasm module has an invalid function signature. Expected input params ${typeList(expected.params)} for '${field}', got ${typeList(actual.params)}.`,
    );
  }
  if (!sameTypes(actual.results, expected.results)) {
    throw new InvalidCanisterModuleError(
      'function-signature',
      `Wasm module has an invalid function signature. Expected return type ${typeList(expected.results)} for '${field}', got ${typeList(actual.results)}.`,
    );
  }
}

/** The V8 compile error for bytes that WebAssembly.validate refused. */
// Modern Motoko emits 64-bit memories and tables (wasm64 + table64): Node 24 compiles them, Node 20
// does not. A module the engine refuses only for that gets an error that says so.
const MEMORY64_PROBE = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 4, 1);
const TABLE64_PROBE = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 4, 4, 1, 0x70, 4, 1);

/** What a module needs that the engine lacks (64-bit memories, 64-bit tables), if that is all. */
function engineLacks(bytes: Uint8Array): string | undefined {
  let info: ModuleInfo;
  try {
    info = parseModule(bytes);
  } catch {
    return undefined;
  }
  const lacks: string[] = [];
  if (info.memory64 && !WebAssembly.validate(MEMORY64_PROBE)) lacks.push('64-bit memories (memory64)');
  if (info.tables.some((t) => t.limits.index64) && !WebAssembly.validate(TABLE64_PROBE)) lacks.push('64-bit tables (table64)');
  return lacks.length > 0 ? lacks.join(' and ') : undefined;
}

function engineName(): string {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno;
  if (deno?.version?.deno) return `Deno ${deno.version.deno}`;
  return p?.versions?.node ? `Node.js v${p.versions.node}` : 'this runtime';
}

function engineError(bytes: Uint8Array): string {
  try {
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    return 'the module is not valid WebAssembly';
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return msg.replace(/^WebAssembly\.Module\(\): /, '');
  }
}

/**
 * Checks a (decompressed) module against the IC's rules; returns its parsed structure. Throws
 * InvalidCanisterModuleError naming the broken rule.
 */
export function validateCanisterModule(
  bytes: Uint8Array,
  info?: ModuleInfo,
  limits: Partial<ModuleLimits> = {},
): ModuleInfo {
  const L: ModuleLimits = { ...DEFAULT_MODULE_LIMITS, ...limits };
  if (bytes.length > L.maxModuleSize) {
    throw new InvalidCanisterModuleError(
      'module-too-large',
      `Wasm module size of ${bytes.length} exceeds the maximum allowed size of ${L.maxModuleSize}.`,
    );
  }
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    const needs = engineLacks(bytes);
    if (needs) {
      throw new InvalidCanisterModuleError(
        'decode',
        `Failed to decode wasm module: it uses ${needs}, which this JavaScript engine (${engineName()}) cannot compile — ` +
          'the module is fine for the IC; run mockic on Node.js 24 or later (its workspace brings one as the `node` devDependency, in node_modules/.bin).',
      );
    }
    throw new InvalidCanisterModuleError('decode', `Failed to decode wasm module: ${engineError(bytes)}`);
  }
  if (!info) {
    try {
      info = parseModule(bytes);
    } catch (e) {
      if (e instanceof WasmDecodeError) {
        throw new InvalidCanisterModuleError('decode', `Failed to decode wasm module: ${e.message}`);
      }
      throw e;
    }
  }
  if (info.codeSectionSize > L.maxCodeSectionSize) {
    throw new InvalidCanisterModuleError(
      'code-section-too-large',
      `Wasm module code section size of ${info.codeSectionSize} exceeds the maximum allowed size of ${L.maxCodeSectionSize}.`,
    );
  }
  validateImports(info);
  validateExports(info, L);
  validateMemories(info);
  validateTables(info, L);
  validateData(info, L);
  validateGlobals(info, L);
  if (info.numDefinedFunctions > L.maxFunctions) {
    throw new InvalidCanisterModuleError(
      'too-many-functions',
      `Wasm module defined ${info.numDefinedFunctions} functions which exceeds the maximum number allowed ${L.maxFunctions}.`,
    );
  }
  validateCustomSections(info, L);
  return info;
}

function validateImports(info: ModuleInfo): void {
  const importError = (detail: string) =>
    new InvalidCanisterModuleError('import', `Wasm module has an invalid import section. ${detail}`);
  for (const imp of info.imports) {
    switch (imp.kind) {
      case 'func': {
        const sig = IC0_IMPORTS.get(imp.name);
        if (!sig || (sig.wasm32Only && info.memory64)) {
          throw importError(
            `Module imports function '${imp.name}' from '${imp.module}' that is not exported by the runtime.`,
          );
        }
        if (imp.module !== 'ic0') {
          throw importError(
            `Module imports function "${imp.name}" from "${imp.module}", expected to be imported from one of ["ic0"] instead.`,
          );
        }
        checkSignature(concreteIc0Signature(sig, info.memory64), imp.name, imp.type as FuncType);
        break;
      }
      case 'global':
        throw importError('Importing globals is not allowed.');
      case 'tag':
        throw importError('Importing tags is not allowed.');
      case 'memory':
        throw importError(
          `Module imports memory '${imp.name}' from '${imp.module}': a canister must declare its memory, not import it.`,
        );
      case 'table':
        throw importError(
          `Module imports table '${imp.name}' from '${imp.module}': a canister must declare its tables, not import them.`,
        );
    }
  }
}

function validateExports(info: ModuleInfo, L: ModuleLimits): void {
  const exportError = (detail: string) =>
    new InvalidCanisterModuleError('export', `Wasm module has an invalid export section. ${detail}`);
  const seen = new Set<string>();
  let count = 0;
  let nameBytes = 0;
  const system = SYSTEM_METHODS as readonly string[];
  for (const e of info.exports) {
    if (RESERVED_EXPORTS.has(e.name) || e.name.startsWith(MOCKIC_PREFIX)) {
      throw exportError(`Exporting reserved symbol ${e.name} not allowed.`);
    }
    if (e.kind !== 'func') continue;
    let kindName = e.name;
    const m = /^(canister_query|canister_composite_query|canister_update) /.exec(e.name);
    if (m) {
      kindName = m[1] as string;
      const method = e.name.slice(kindName.length + 1);
      if (seen.has(method)) {
        throw new InvalidCanisterModuleError(
          'duplicate-export',
          `Duplicate function '${method}' exported multiple times with different call types: update, query, or composite_query.`,
        );
      }
      seen.add(method);
      count++;
      nameBytes += utf8.encode(method).length;
    } else if (e.name.startsWith('canister_')) {
      if (!system.includes(e.name)) {
        throw exportError(`Exporting reserved function '${e.name}' with "canister_" prefix`);
      }
    } else {
      continue;
    }
    const ti = info.functionTypeIndices[e.index];
    const type = ti === undefined ? undefined : info.types[ti];
    if (!type) throw exportError(`Export '${e.name}' refers to an unknown function ${e.index}.`);
    checkSignature({ params: [], results: [] }, e.name, type);
  }
  if (count > L.maxExportedFunctions) {
    throw new InvalidCanisterModuleError(
      'too-many-exports',
      `The number of exported functions called \`canister_update <name>\`, \`canister_query <name>\`, or \`canister_composite_query <name>\` is ${count} which exceeds ${L.maxExportedFunctions}.`,
    );
  }
  if (nameBytes > L.maxSumExportedFunctionNameLengths) {
    throw new InvalidCanisterModuleError(
      'exported-names-too-long',
      `The sum of \`<name>\` lengths in exported functions called \`canister_update <name>\`, \`canister_query <name>\`, or \`canister_composite_query <name>\` is ${nameBytes} which exceeds the allowed limit of ${L.maxSumExportedFunctionNameLengths}.`,
    );
  }
}

function validateMemories(info: ModuleInfo): void {
  // The replica validates with wasmtime's multi-memory and threads features off; these are the
  // corresponding refusals.
  if (info.memories.length > 1) {
    throw new InvalidCanisterModuleError(
      'memory',
      `Wasmtime failed to validate wasm module: the module declares ${info.memories.length} memories, at most one is allowed.`,
    );
  }
  const mem = info.memories[0];
  if (mem?.shared) {
    throw new InvalidCanisterModuleError(
      'memory',
      'Wasmtime failed to validate wasm module: shared memories are not allowed (threads are disabled).',
    );
  }
}

function validateTables(info: ModuleInfo, L: ModuleLimits): void {
  for (const [i, t] of info.tables.entries()) {
    const size = t.limits.max ?? t.limits.min;
    if (t.limits.min > BigInt(L.maxTableSize) || (t.limits.max !== undefined && size > BigInt(L.maxTableSize))) {
      throw new InvalidCanisterModuleError(
        'table',
        `Wasm module has an invalid table section. Table ${i} has size ${size} which exceeds the maximum allowed ${L.maxTableSize}.`,
      );
    }
  }
}

function validateData(info: ModuleInfo, L: ModuleLimits): void {
  if (info.dataSegments.length > L.maxDataSegments) {
    throw new InvalidCanisterModuleError(
      'data',
      `Wasm module has an invalid data section. The module defines ${info.dataSegments.length} data segments which exceeds the maximum allowed ${L.maxDataSegments}.`,
    );
  }
  for (const seg of info.dataSegments) {
    if (seg.mode === 'active' && seg.offset === undefined) {
      throw new InvalidCanisterModuleError(
        'data',
        'Wasm module has an invalid data section. Invalid offset expression in data segment: only a constant offset is allowed.',
      );
    }
  }
}

function validateGlobals(info: ModuleInfo, L: ModuleLimits): void {
  if (info.globals.length > L.maxGlobals) {
    throw new InvalidCanisterModuleError(
      'too-many-globals',
      `Wasm module defined ${info.globals.length} globals which exceeds the maximum number allowed ${L.maxGlobals}.`,
    );
  }
  for (const g of info.globals) {
    if (g.type !== 'i32' && g.type !== 'i64' && g.type !== 'f32' && g.type !== 'f64') {
      throw new InvalidCanisterModuleError(
        'global',
        `Wasm module has an invalid global section. Unsupported global type: ${g.type.toUpperCase()}`,
      );
    }
  }
}

function validateCustomSections(info: ModuleInfo, L: ModuleLimits): void {
  const err = (detail: string) =>
    new InvalidCanisterModuleError('custom-section', `Wasm module has an invalid custom section. ${detail}`);
  const names = new Set<string>();
  let total = 0;
  for (const cs of info.customSections) {
    const sectionName = cs.name;
    if (!sectionName.startsWith('icp:')) continue;
    let name: string;
    if (sectionName.startsWith('icp:public ')) name = sectionName.slice('icp:public '.length);
    else if (sectionName.startsWith('icp:private ')) name = sectionName.slice('icp:private '.length);
    else if (sectionName === 'icp:public' || sectionName === 'icp:private') {
      throw err("'icp:' section names must have a space after the public/private scope");
    } else {
      throw err(`Invalid custom section: Custom section '${sectionName}' has no public/private scope defined.`);
    }
    if (names.has(name)) throw err(`Invalid custom section: name ${name} already exists`);
    names.add(name);
    total += cs.data.length + utf8.encode(name).length;
    if (total > L.maxCustomSectionsSize) {
      throw err(
        `Invalid custom sections: total size of the custom sections exceeds the maximum allowed: size ${total} bytes, allowed ${L.maxCustomSectionsSize} bytes`,
      );
    }
    if (names.size > L.maxCustomSections) {
      throw new InvalidCanisterModuleError(
        'too-many-custom-sections',
        `Wasm module defined ${names.size} custom sections which exceeds the maximum number allowed ${L.maxCustomSections}.`,
      );
    }
  }
}
