// Validation, instrumentation and V8 compilation cost far more than instantiation, and tests install
// the same few modules into many canisters and many replicas. The replica keeps a compilation cache
// keyed by module hash; so does mockic, process-wide, bounded by bytes with least-recently-used
// eviction.
import { createHash } from 'node:crypto';
import { decodeModuleBytes, ModuleDecompressionError } from './decode-module-bytes.ts';
import { instrumentModule, type InstrumentedModule } from './instrument-module.ts';
import { InvalidCanisterModuleError } from './invalid-canister-module-error.ts';
import type { ModuleInfo } from './parse-module.ts';
import { DEFAULT_MODULE_LIMITS, validateCanisterModule, type ModuleLimits } from './validate-module.ts';
import { WasmDecodeError } from './wasm-reader.ts';
import { toHex as hex } from '../bytes.ts';


/** `(module (memory 0) (memory 0))`: valid only where the engine has multi-memory. */
const MULTI_MEMORY_PROBE = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 5, 2, 0, 0, 0, 0);

export interface CompiledCanisterModule {
  /** SHA-256 of the module as installed (possibly gzip-compressed): the canister's module_hash. */
  hash: Uint8Array;
  info: ModuleInfo;
  instrumented: InstrumentedModule;
  module: WebAssembly.Module;
}

export interface CompilationCacheOptions {
  /** Upper bound of the cached modules' size (installed + instrumented bytes). Default 512 MiB. */
  maxBytes?: number;
  /** Module limits used for validation. */
  limits?: Partial<ModuleLimits>;
}

/** SHA-256 with the platform's native implementation: installs hash the module every time, and
 * node:crypto (also in Deno) is several times faster than a JS implementation on 100s of KiB. */
function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}


/**
 * Validates, instruments and compiles a canister module (decompressing it when gzip-compressed).
 * Throws InvalidCanisterModuleError when the module cannot be installed on the IC.
 */
export function compileCanisterModule(
  wasmBytes: Uint8Array,
  limits: Partial<ModuleLimits> = {},
  hash: Uint8Array = sha256(wasmBytes),
): CompiledCanisterModule {
  const L: ModuleLimits = { ...DEFAULT_MODULE_LIMITS, ...limits };
  let bytes: Uint8Array;
  try {
    bytes = decodeModuleBytes(wasmBytes, L.maxModuleSize);
  } catch (e) {
    if (e instanceof ModuleDecompressionError) {
      throw new InvalidCanisterModuleError('decompression', `Failed to decode wasm module: ${e.message}`);
    }
    throw e;
  }
  const info = validateCanisterModule(bytes, undefined, L);
  let instrumented: InstrumentedModule;
  try {
    instrumented = instrumentModule(bytes, info);
  } catch (e) {
    if (e instanceof WasmDecodeError) {
      throw new InvalidCanisterModuleError('decode', `Failed to decode wasm module: ${e.message}`);
    }
    throw e;
  }
  if (instrumented.largestFunctionInstructionCount > L.maxFunctionSize) {
    throw new InvalidCanisterModuleError(
      'function-too-large',
      `Wasm module contains a function of size ${instrumented.largestFunctionInstructionCount} that exceeds the maximum allowed size of ${L.maxFunctionSize}.`,
    );
  }
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(instrumented.bytes);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // The instrumented module adds memories of its own (dirty map, undo log): an engine without
    // multi-memory (Node 20) cannot run any canister, and is told so.
    if (!WebAssembly.validate(MULTI_MEMORY_PROBE)) {
      throw new Error(
        `mockic needs WebAssembly multi-memory, which this JavaScript engine lacks (${msg}): run it on Node.js 24 or later ` +
          '(its workspace brings one as the `node` devDependency, in node_modules/.bin).',
      );
    }
    // The input validated, so this is a bug in the instrumentation; say so.
    throw new Error(`mockic: the instrumented module failed to compile (instrumentation bug): ${msg}`);
  }
  return { hash, info, instrumented, module };
}

/** A cache of compiled canister modules by module hash, with least-recently-used eviction. */
export class CompilationCache {
  readonly maxBytes: number;
  readonly limits: Partial<ModuleLimits>;
  /** Insertion order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, { compiled: CompiledCanisterModule; size: number }>();
  #bytes = 0;

  constructor(options: CompilationCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.limits = options.limits ?? {};
  }

  /** The compiled module for these bytes (as installed), compiling it on first use. */
  get(wasmBytes: Uint8Array): CompiledCanisterModule {
    const hash = sha256(wasmBytes);
    const key = hex(hash);
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.compiled;
    }
    const compiled = compileCanisterModule(wasmBytes, this.limits, hash);
    const size = wasmBytes.length + compiled.instrumented.bytes.length;
    this.#entries.set(key, { compiled, size });
    this.#bytes += size;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes || k === key) break;
      this.#entries.delete(k);
      this.#bytes -= e.size;
    }
    return compiled;
  }

  /** True when a module with this hash (SHA-256 of the installed bytes) is cached. */
  has(hash: Uint8Array): boolean {
    return this.#entries.has(hex(hash));
  }

  /** Number of cached modules. */
  get size(): number {
    return this.#entries.size;
  }

  /** Total size of the cached modules in bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}

/** The process-wide compilation cache. */
export const sharedCompilationCache = new CompilationCache();
