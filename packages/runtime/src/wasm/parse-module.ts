// Reads the structure of a canister module (everything but function bodies) in one cheap pass: what
// validation checks, what the instrumentation needs to rewrite indices, and what the replica shows
// (exported methods, icp: metadata sections, the name section for stack traces). Function bodies are
// only located here; the instrumentation decodes them.
import { WasmDecodeError, WasmReader } from './wasm-reader.ts';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export type RefType = 'funcref' | 'externref';
export type ExternalKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** Limits of a memory (in 64 KiB pages) or a table (in elements). */
export interface Limits {
  min: bigint;
  max?: bigint;
  /** 64-bit index type (memory64 / table64). */
  index64: boolean;
  shared: boolean;
}

export interface TableInfo {
  refType: RefType;
  limits: Limits;
}

export interface GlobalInfo {
  type: ValType;
  mutable: boolean;
}

export interface ImportInfo {
  module: string;
  name: string;
  kind: ExternalKind;
  /** For function imports: the type index. */
  typeIndex?: number;
  /** For function imports: the function type. */
  type?: FuncType;
  /** For memory and table imports. */
  limits?: Limits;
  /** For global imports. */
  global?: GlobalInfo;
}

export interface ExportInfo {
  name: string;
  kind: ExternalKind;
  index: number;
}

export interface ElementSegmentInfo {
  mode: 'active' | 'passive' | 'declarative';
  tableIndex: number;
  refType: RefType;
  count: number;
}

export interface DataSegmentInfo {
  mode: 'active' | 'passive';
  memoryIndex: number;
  /** Offset of an active segment when it is a constant expression. */
  offset?: bigint;
  size: number;
}

export interface SectionInfo {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  /** Offset of the section content (after the size). */
  contentStart: number;
  /** Offset just past the section. */
  end: number;
  /** Name, for custom sections. */
  name?: string;
}

export type CanisterMethodKind = 'update' | 'query' | 'composite_query';

export const SYSTEM_METHODS = [
  'canister_init',
  'canister_pre_upgrade',
  'canister_post_upgrade',
  'canister_inspect_message',
  'canister_heartbeat',
  'canister_global_timer',
  'canister_on_low_wasm_memory',
] as const;
export type SystemMethod = (typeof SYSTEM_METHODS)[number];

export interface ModuleInfo {
  /** True when memory 0 is 64-bit; a module without memory is wasm32. */
  memory64: boolean;
  /** Memory 0 limits in Wasm pages (declared or imported), if the module has a memory. */
  memory?: { min: bigint; max?: bigint };
  /** All memories, imported first. */
  memories: Limits[];
  /** All tables, imported first. */
  tables: TableInfo[];
  /** Table 0, if any. */
  table0?: TableInfo;
  types: FuncType[];
  imports: ImportInfo[];
  exports: ExportInfo[];
  /** Type index of every function, imported ones first. */
  functionTypeIndices: number[];
  numImportedFunctions: number;
  numImportedGlobals: number;
  /** Functions defined by the module (length of the function section). */
  numDefinedFunctions: number;
  /** Globals, imported first. */
  globals: GlobalInfo[];
  start?: number;
  hasStart: boolean;
  elements: ElementSegmentInfo[];
  dataSegments: DataSegmentInfo[];
  /** Value of the data count section, if present. */
  dataCount?: number;
  customSections: Array<{ name: string; data: Uint8Array }>;
  /** `icp:public <name>` custom sections by name. */
  icpPublic: Map<string, Uint8Array>;
  /** `icp:private <name>` custom sections by name. */
  icpPrivate: Map<string, Uint8Array>;
  /** Function names from the name section, by function index. */
  functionNames: Map<number, string>;
  canisterMethods: Array<{ kind: CanisterMethodKind; name: string }>;
  systemMethods: Set<SystemMethod>;
  sections: SectionInfo[];
  /** Size in bytes of the code section content (0 without one). */
  codeSectionSize: number;
  /** Number of tag definitions (exception handling), imported tags excluded. */
  numTags: number;
}

export const WASM_MAGIC = 0x6d736100;
export const WASM_VERSION = 1;

/** Decodes a value type byte. */
export function readValType(r: WasmReader): ValType {
  const at = r.pos;
  const b = r.u8();
  switch (b) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    case 0x6f:
      return 'externref';
    default:
      return r.fail(`unsupported value type 0x${b.toString(16)} (typed references and GC are not supported)`, at);
  }
}

function readRefType(r: WasmReader): RefType {
  const at = r.pos;
  const t = readValType(r);
  if (t !== 'funcref' && t !== 'externref') r.fail(`expected a reference type, got ${t}`, at);
  return t;
}

function readLimits(r: WasmReader, isMemory: boolean): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags & ~0x0f) r.fail(`invalid limits flags 0x${flags.toString(16)}`, at);
  if (flags & 0x08) r.fail('custom page sizes are not supported', at);
  const hasMax = (flags & 1) !== 0;
  const shared = (flags & 2) !== 0;
  const index64 = (flags & 4) !== 0;
  if (!isMemory && shared) r.fail('tables cannot be shared', at);
  const min = index64 ? BigInt(r.u64()) : BigInt(r.u32());
  const limits: Limits = { min, index64, shared };
  if (hasMax) limits.max = index64 ? BigInt(r.u64()) : BigInt(r.u32());
  return limits;
}

function readGlobalType(r: WasmReader): GlobalInfo {
  const type = readValType(r);
  const m = r.u8();
  if (m > 1) r.fail(`invalid global mutability ${m}`, r.pos - 1);
  return { type, mutable: m === 1 };
}

/** Skips a constant expression (up to and including its `end`); returns the value of a lone
 * i32.const / i64.const, if that is what it is. */
export function skipConstExpr(r: WasmReader): bigint | undefined {
  let value: bigint | undefined;
  let count = 0;
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    count++;
    switch (op) {
      case 0x0b:
        return count === 2 ? value : undefined;
      case 0x41:
        value = BigInt(r.s32());
        break;
      case 0x42:
        value = r.s64();
        break;
      case 0x43:
        r.skip(4);
        break;
      case 0x44:
        r.skip(8);
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        r.u32();
        break;
      case 0xd0: // ref.null
        r.s33();
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e: // extended-const add/sub/mul
        break;
      case 0xfd: {
        const sub = r.u32();
        if (sub !== 12) r.fail(`unsupported SIMD opcode ${sub} in constant expression`, at);
        r.skip(16);
        break;
      }
      default:
        r.fail(`unsupported opcode 0x${op.toString(16)} in constant expression`, at);
    }
  }
}

function readFuncType(r: WasmReader): FuncType {
  const at = r.pos;
  const form = r.u8();
  if (form !== 0x60) {
    r.fail(`unsupported type form 0x${form.toString(16)} (only function types; GC types are not supported)`, at);
  }
  const np = r.u32();
  const params: ValType[] = [];
  for (let i = 0; i < np; i++) params.push(readValType(r));
  const nr = r.u32();
  const results: ValType[] = [];
  for (let i = 0; i < nr; i++) results.push(readValType(r));
  return { params, results };
}

function kindOf(r: WasmReader, b: number, at: number): ExternalKind {
  switch (b) {
    case 0:
      return 'func';
    case 1:
      return 'table';
    case 2:
      return 'memory';
    case 3:
      return 'global';
    case 4:
      return 'tag';
    default:
      return r.fail(`invalid external kind 0x${b.toString(16)}`, at);
  }
}

/** Parses the structure of a (decompressed) Wasm module. Throws WasmDecodeError on malformed input. */
export function parseModule(bytes: Uint8Array): ModuleInfo {
  const r = new WasmReader(bytes);
  if (bytes.length < 8) r.fail('module is too short to be a Wasm module', 0);
  const magic = r.fixedU32();
  if (magic !== WASM_MAGIC) r.fail('bad magic number (not a Wasm module)', 0);
  const version = r.fixedU32();
  if (version !== WASM_VERSION) r.fail(`unsupported Wasm version ${version}`, 4);

  const info: ModuleInfo = {
    memory64: false,
    memories: [],
    tables: [],
    types: [],
    imports: [],
    exports: [],
    functionTypeIndices: [],
    numImportedFunctions: 0,
    numImportedGlobals: 0,
    numDefinedFunctions: 0,
    globals: [],
    hasStart: false,
    elements: [],
    dataSegments: [],
    customSections: [],
    icpPublic: new Map(),
    icpPrivate: new Map(),
    functionNames: new Map(),
    canisterMethods: [],
    systemMethods: new Set(),
    sections: [],
    codeSectionSize: 0,
    numTags: 0,
  };

  let nameSection: { start: number; end: number } | undefined;
  while (!r.atEnd) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    const contentStart = r.pos;
    const end = contentStart + size;
    if (end > bytes.length) r.fail(`section ${id} extends past the end of the module`, start);
    const section: SectionInfo = { id, start, contentStart, end };
    info.sections.push(section);
    const s = new WasmReader(bytes, contentStart, end);
    switch (id) {
      case 0: {
        const name = s.name();
        section.name = name;
        const data = bytes.subarray(s.pos, end);
        info.customSections.push({ name, data });
        if (name.startsWith('icp:public ')) info.icpPublic.set(name.slice('icp:public '.length), data);
        else if (name.startsWith('icp:private ')) info.icpPrivate.set(name.slice('icp:private '.length), data);
        if (name === 'name') nameSection = { start: s.pos, end };
        s.pos = end;
        break;
      }
      case 1: {
        const n = s.u32();
        for (let i = 0; i < n; i++) info.types.push(readFuncType(s));
        break;
      }
      case 2: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const module = s.name();
          const name = s.name();
          const at = s.pos;
          const kind = kindOf(s, s.u8(), at);
          const imp: ImportInfo = { module, name, kind };
          switch (kind) {
            case 'func': {
              const ti = s.u32();
              imp.typeIndex = ti;
              const t = info.types[ti];
              if (!t) s.fail(`import ${module}.${name} refers to unknown type ${ti}`, at);
              imp.type = t;
              info.functionTypeIndices.push(ti);
              info.numImportedFunctions++;
              break;
            }
            case 'table': {
              const refType = readRefType(s);
              const limits = readLimits(s, false);
              imp.limits = limits;
              info.tables.push({ refType, limits });
              break;
            }
            case 'memory': {
              const limits = readLimits(s, true);
              imp.limits = limits;
              info.memories.push(limits);
              break;
            }
            case 'global': {
              const g = readGlobalType(s);
              imp.global = g;
              info.globals.push(g);
              info.numImportedGlobals++;
              break;
            }
            case 'tag': {
              s.u8();
              s.u32();
              break;
            }
          }
          info.imports.push(imp);
        }
        break;
      }
      case 3: {
        const n = s.u32();
        info.numDefinedFunctions = n;
        for (let i = 0; i < n; i++) {
          const at = s.pos;
          const ti = s.u32();
          if (ti >= info.types.length) s.fail(`function refers to unknown type ${ti}`, at);
          info.functionTypeIndices.push(ti);
        }
        break;
      }
      case 4: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          if (s.bytes[s.pos] === 0x40) s.fail('table initializer expressions are not supported');
          const refType = readRefType(s);
          info.tables.push({ refType, limits: readLimits(s, false) });
        }
        break;
      }
      case 5: {
        const n = s.u32();
        for (let i = 0; i < n; i++) info.memories.push(readLimits(s, true));
        break;
      }
      case 13: {
        const n = s.u32();
        info.numTags = n;
        for (let i = 0; i < n; i++) {
          s.u8();
          s.u32();
        }
        break;
      }
      case 6: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          info.globals.push(readGlobalType(s));
          skipConstExpr(s);
        }
        break;
      }
      case 7: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const name = s.name();
          const at = s.pos;
          const kind = kindOf(s, s.u8(), at);
          const index = s.u32();
          info.exports.push({ name, kind, index });
        }
        break;
      }
      case 8: {
        info.start = s.u32();
        info.hasStart = true;
        break;
      }
      case 9: {
        const n = s.u32();
        for (let i = 0; i < n; i++) info.elements.push(readElementSegment(s));
        break;
      }
      case 12: {
        info.dataCount = s.u32();
        break;
      }
      case 10: {
        info.codeSectionSize = size;
        const n = s.u32();
        if (n !== info.numDefinedFunctions) {
          s.fail(`function and code section have inconsistent lengths (${info.numDefinedFunctions} vs ${n})`, start);
        }
        s.pos = end;
        break;
      }
      case 11: {
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const at = s.pos;
          const flags = s.u32();
          if (flags === 1) {
            const size = s.u32();
            s.skip(size);
            info.dataSegments.push({ mode: 'passive', memoryIndex: 0, size });
          } else if (flags === 0 || flags === 2) {
            const memoryIndex = flags === 2 ? s.u32() : 0;
            const offset = skipConstExpr(s);
            const size = s.u32();
            s.skip(size);
            const seg: DataSegmentInfo = { mode: 'active', memoryIndex, size };
            if (offset !== undefined) seg.offset = offset;
            info.dataSegments.push(seg);
          } else {
            s.fail(`invalid data segment flags ${flags}`, at);
          }
        }
        break;
      }
      default:
        r.fail(`unknown section id ${id}`, start);
    }
    if (s.pos !== end) s.fail(`section ${id} size mismatch`, s.pos);
    r.pos = end;
  }

  const mem0 = info.memories[0];
  if (mem0) {
    info.memory64 = mem0.index64;
    info.memory = mem0.max === undefined ? { min: mem0.min } : { min: mem0.min, max: mem0.max };
  }
  if (info.tables[0]) info.table0 = info.tables[0];

  for (const e of info.exports) {
    if (e.kind !== 'func') continue;
    const n = e.name;
    if (n.startsWith('canister_update ')) info.canisterMethods.push({ kind: 'update', name: n.slice(16) });
    else if (n.startsWith('canister_query ')) info.canisterMethods.push({ kind: 'query', name: n.slice(15) });
    else if (n.startsWith('canister_composite_query ')) {
      info.canisterMethods.push({ kind: 'composite_query', name: n.slice(25) });
    } else if ((SYSTEM_METHODS as readonly string[]).includes(n)) info.systemMethods.add(n as SystemMethod);
  }

  if (nameSection) {
    try {
      readFunctionNames(bytes, nameSection.start, nameSection.end, info.functionNames);
    } catch (e) {
      // A malformed name section is ignored, as engines do.
      if (!(e instanceof WasmDecodeError)) throw e;
      info.functionNames.clear();
    }
  }
  return info;
}

function readElementSegment(s: WasmReader): ElementSegmentInfo {
  const at = s.pos;
  const flags = s.u32();
  if (flags > 7) s.fail(`invalid element segment flags ${flags}`, at);
  const passiveOrDecl = (flags & 1) !== 0;
  const explicitTable = (flags & 2) !== 0;
  const usesExprs = (flags & 4) !== 0;
  let tableIndex = 0;
  let mode: ElementSegmentInfo['mode'] = 'active';
  if (passiveOrDecl) mode = explicitTable ? 'declarative' : 'passive';
  else {
    if (explicitTable) tableIndex = s.u32();
    skipConstExpr(s);
  }
  let refType: RefType = 'funcref';
  if (passiveOrDecl || explicitTable) {
    if (usesExprs) refType = readRefType(s);
    else {
      const kind = s.u8();
      if (kind !== 0) s.fail(`invalid element kind ${kind}`, s.pos - 1);
    }
  }
  const count = s.u32();
  for (let i = 0; i < count; i++) {
    if (usesExprs) skipConstExpr(s);
    else s.u32();
  }
  return { mode, tableIndex, refType, count };
}

function readFunctionNames(bytes: Uint8Array, start: number, end: number, out: Map<number, string>): void {
  const r = new WasmReader(bytes, start, end);
  while (!r.atEnd) {
    const sub = r.u8();
    const size = r.u32();
    const subEnd = r.pos + size;
    if (subEnd > end) r.fail('name subsection extends past the name section');
    if (sub === 1) {
      const s = new WasmReader(bytes, r.pos, subEnd);
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const idx = s.u32();
        out.set(idx, s.name());
      }
    }
    r.pos = subEnd;
  }
}
