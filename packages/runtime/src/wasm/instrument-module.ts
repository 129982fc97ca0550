// Rewrites a canister module so that it follows instrumentation-abi.ts: metering, written-page
// tracking, host-owned memory, rollback-safe globals and segment drops. It is one streaming pass over
// the code section: every instruction is decoded once; instructions that need nothing are copied as
// raw byte ranges, the rest are re-emitted with the extra code around them. Everything outside the
// code section is copied section by section, with function indices shifted by the added imports.
//
// Layout of the result (K = 3 added function imports):
//   functions: 0 out_of_instructions, 1 first_write, 2 memory_grow, then the canister's imports and
//              functions shifted by K, then three helpers ($charge, $bulk, $save) at the end;
//   memories:  0 = imported `__mockic.memory` (the canister's memory 0), 1 = imported dirty map,
//              2 = imported undo log (`__mockic.undo`, memory64);
//   globals:   the canister's, then counter, pages, undo count, undo list base, and one drop flag per
//              passive segment;
//   start:     no start section; the canister's start function is exported as `__mockic_start`;
//   types:     the canister's, then four helper signatures;
//   data/elem: the canister's, then empty passive segments used to emulate dropped segments.
//
// Metering follows the replica's scheme: a basic block ends after loop, if, else, end, br, br_if,
// br_table, return, unreachable and return_call*; the block's total cost is subtracted when the block
// starts, and blocks that start a function or a loop body also check `counter < 0` (and execute
// `unreachable`: no call in hot code). Bulk memory and table operations additionally subtract their
// length at run time (saturating), in the $charge/$bulk helpers, which call the host.
//
// Stores save the pages they are first to write: the dirty-map check is always inline; the cold path
// (a v128 copy of the page into the next undo slot) is inline for stores inside a loop and a call to
// the module's own $save helper elsewhere — a call there costs nothing on the hot path and keeps the
// output about half the size. The cold paths are listed in a `metadata.code.branch_hint`
// custom section as unlikely; V8 ignores it unless run with --experimental-wasm-branch-hinting, which
// then moves them out of line (measured on bench/metering-overhead: the tight store loop goes from
// ~2.4x to ~2.0x plain; the arithmetic kernel does not gain).
import { ABI_EXPORTS, ABI_IMPORTS, ABI_MODULE, START_FUNCTION_BUDGET } from './instrumentation-abi.ts';
import { costTables } from './instruction-costs.ts';
import { InvalidCanisterModuleError } from './invalid-canister-module-error.ts';
import { parseModule, type ModuleInfo, type RefType } from './parse-module.ts';
import { WasmDecodeError, WasmReader } from './wasm-reader.ts';
import { WasmWriter } from './wasm-writer.ts';

export interface DropFlagGlobal {
  kind: 'data' | 'elem';
  /** Index of the passive segment. */
  segment: number;
  /** Index of the mutable i32 global (exported as `__mockic_global_<global>`); 1 = dropped. */
  global: number;
}

export interface InstrumentedModule {
  /** The instrumented module. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Structure of the original module. */
  info: ModuleInfo;
  /** Memory 0 is 64-bit: `__mockic.memory` must be created with `address: 'i64'`. */
  memory64: boolean;
  /** Limits of the `__mockic.memory` import in Wasm pages (the canister's own; {0, 0} without memory). */
  memoryLimits: { min: bigint; max?: bigint };
  /** Indices of the canister's mutable globals, each exported as `__mockic_global_<index>`. */
  mutableGlobals: number[];
  /** Drop flags of passive segments, also exported as `__mockic_global_<index>`. */
  dropFlagGlobals: DropFlagGlobal[];
  /** Index of the counter global (exported as `__mockic_counter`). */
  counterGlobal: number;
  /** Index of the logical page count global (exported as `__mockic_pages`). */
  pagesGlobal: number;
  /** Index of the undo slot count global (exported as `__mockic_undo_count`). */
  undoCountGlobal: number;
  /** Index of the undo page-list base global (exported as `__mockic_undo_list`). */
  undoListGlobal: number;
  /** The canister has a start function, exported as `__mockic_start` (no start section): the host
   * calls it right after instantiation. */
  hasStart: boolean;
  /** Table 0 exists and is exported as `__mockic_table_0`. */
  exportsTable0: boolean;
  /** Tables the code can mutate (table.set/grow/fill/copy/init), each exported as `__mockic_table_<i>`. */
  mutatedTables: number[];
  /** Number of Wasm instructions in the original code section (the replica charges compilation by it). */
  instructionCount: number;
  /** Number of instructions of the largest function body. */
  largestFunctionInstructionCount: number;
}

/** Function imports added in front of the canister's: indices 0..K-1. */
const K = 3;
const FN_OUT_OF_INSTRUCTIONS = 0;
const FN_FIRST_WRITE = 1;
const FN_MEMORY_GROW = 2;

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;
const FUNCREF = 0x70;
const EXTERNREF = 0x6f;

/** Value type byte of each store opcode's operand (0x36..0x3e). */
const STORE_VALUE = [I32, I64, F32, F64, I32, I32, I64, I64, I64];
/** Byte width of each store opcode (0x36..0x3e). */
const STORE_SIZE = [4, 8, 4, 8, 1, 2, 1, 2, 4];

const SECTION_ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };
/** Sections the instrumented module always has, created when the input lacks them. */
const REQUIRED_SECTIONS = [1, 2, 3, 6, 7, 10];

function unsupported(funcIndex: number, what: string): never {
  throw new InvalidCanisterModuleError(
    'unsupported-instruction',
    `Wasm module contains a function at index ${funcIndex} with unsupported instruction ${what}.`,
  );
}

/** Slot numbering for scratch locals: (type, ordinal) -> index into a per-function table. */
function slotKey(type: number, ordinal: number): number {
  let t: number;
  switch (type) {
    case I32:
      t = 0;
      break;
    case I64:
      t = 1;
      break;
    case F32:
      t = 2;
      break;
    case F64:
      t = 3;
      break;
    case V128:
      t = 4;
      break;
    case FUNCREF:
      t = 5;
      break;
    default:
      t = 6;
  }
  return t * 8 + ordinal;
}

/**
 * Instruments a canister module (decompressed bytes). `info` is the result of parseModule on the same
 * bytes, if already computed. Throws InvalidCanisterModuleError for features the IC does not allow
 * (atomics, exceptions, GC, relaxed SIMD, imported memories) and WasmDecodeError for malformed input.
 */
export function instrumentModule(bytes: Uint8Array, info: ModuleInfo = parseModule(bytes)): InstrumentedModule {
  return new Instrumenter(bytes, info).run();
}

class Instrumenter {
  readonly bytes: Uint8Array;
  readonly info: ModuleInfo;
  readonly memory64: boolean;
  readonly numTypes: number;
  readonly numFuncs: number;
  readonly numGlobals: number;
  readonly counterGlobal: number;
  readonly pagesGlobal: number;
  readonly undoCountGlobal: number;
  readonly undoListGlobal: number;
  readonly typeVoid: number;
  readonly typeI32: number;
  readonly typeI64I64: number;
  readonly typeI64I64Void: number;
  readonly fnCharge: number;
  readonly fnBulk: number;
  readonly fnSave: number;
  /** Drop flag global per data segment (-1 when the segment is not passive). */
  readonly dataFlag: Int32Array;
  readonly elemFlag: Int32Array;
  readonly dropFlags: DropFlagGlobal[] = [];
  readonly emptyData: number;
  readonly emptyElem = new Map<RefType, number>();
  readonly mutatedTables = new Set<number>();
  readonly memoryLimits: { min: bigint; max?: bigint };
  instructionCount = 0;
  largestFunction = 0;
  /** Branch hints: (function index, offsets of unlikely `if`s in its body). */
  readonly hints: Array<[number, number[]]> = [];

  constructor(bytes: Uint8Array, info: ModuleInfo) {
    this.bytes = bytes;
    this.info = info;
    for (const imp of info.imports) {
      if (imp.kind === 'memory') {
        throw new InvalidCanisterModuleError(
          'import',
          `Wasm module has an invalid import section. Module imports memory '${imp.name}' from '${imp.module}': a canister must declare its memory, not import it.`,
        );
      }
    }
    if (info.memories.length > 1) {
      throw new InvalidCanisterModuleError('memory', 'Wasm module declares more than one memory.');
    }
    this.memory64 = info.memory64;
    this.memoryLimits = info.memory ? { ...info.memory } : { min: 0n, max: 0n };
    this.numTypes = info.types.length;
    this.numFuncs = info.functionTypeIndices.length;
    this.numGlobals = info.globals.length;
    this.counterGlobal = this.numGlobals;
    this.pagesGlobal = this.numGlobals + 1;
    this.undoCountGlobal = this.numGlobals + 2;
    this.undoListGlobal = this.numGlobals + 3;
    this.typeVoid = this.numTypes;
    this.typeI32 = this.numTypes + 1;
    this.typeI64I64 = this.numTypes + 2;
    this.typeI64I64Void = this.numTypes + 3;
    this.fnCharge = K + this.numFuncs;
    this.fnBulk = K + this.numFuncs + 1;
    this.fnSave = K + this.numFuncs + 2;

    let nextGlobal = this.numGlobals + 4;
    this.dataFlag = new Int32Array(info.dataSegments.length).fill(-1);
    const hasPassiveData = info.dataSegments.some((d) => d.mode === 'passive');
    this.emptyData = info.dataCount !== undefined && hasPassiveData ? info.dataSegments.length : -1;
    if (this.emptyData >= 0) {
      info.dataSegments.forEach((d, i) => {
        if (d.mode !== 'passive') return;
        this.dataFlag[i] = nextGlobal;
        this.dropFlags.push({ kind: 'data', segment: i, global: nextGlobal++ });
      });
    }
    this.elemFlag = new Int32Array(info.elements.length).fill(-1);
    let nextElem = info.elements.length;
    info.elements.forEach((e, i) => {
      if (e.mode !== 'passive') return;
      this.elemFlag[i] = nextGlobal;
      this.dropFlags.push({ kind: 'elem', segment: i, global: nextGlobal++ });
      if (!this.emptyElem.has(e.refType)) this.emptyElem.set(e.refType, nextElem++);
    });
  }

  run(): InstrumentedModule {
    const { bytes, info } = this;
    const chunks: Array<Uint8Array | 'export'> = [bytes.subarray(0, 8)];
    const present = new Set(info.sections.map((s) => s.id));
    const pendingSynthetic = REQUIRED_SECTIONS.filter((id) => !present.has(id));
    let pos = 0;
    const flushSynthetic = (beforeOrder: number) => {
      while (pendingSynthetic.length > 0) {
        const id = pendingSynthetic[0] as number;
        if ((SECTION_ORDER[id] as number) >= beforeOrder) break;
        pendingSynthetic.shift();
        chunks.push(id === 7 ? 'export' : this.section(id, undefined));
      }
    };
    for (const s of info.sections) {
      if (s.id === 0) {
        if (s.name === 'name') {
          flushSynthetic(Infinity);
          chunks.push(this.nameSection(s.contentStart, s.end));
        } else {
          chunks.push(bytes.subarray(s.start, s.end));
        }
        continue;
      }
      flushSynthetic(SECTION_ORDER[s.id] as number);
      pos = s.end;
      if (s.id === 7) chunks.push('export');
      else if (s.id === 10) {
        const code = this.section(s.id, s);
        if (this.hints.length > 0) chunks.push(this.branchHintSection());
        chunks.push(code);
      } else chunks.push(this.section(s.id, s));
    }
    void pos;
    flushSynthetic(Infinity);

    const exportSection = this.exportSection();
    let total = 0;
    for (const c of chunks) total += c === 'export' ? exportSection.length : c.length;
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      const b = c === 'export' ? exportSection : c;
      out.set(b, at);
      at += b.length;
    }

    const mutableGlobals: number[] = [];
    info.globals.forEach((g, i) => {
      if (g.mutable) mutableGlobals.push(i);
    });
    return {
      bytes: out,
      info,
      memory64: this.memory64,
      memoryLimits: this.memoryLimits,
      mutableGlobals,
      dropFlagGlobals: this.dropFlags,
      counterGlobal: this.counterGlobal,
      pagesGlobal: this.pagesGlobal,
      undoCountGlobal: this.undoCountGlobal,
      undoListGlobal: this.undoListGlobal,
      hasStart: info.start !== undefined,
      exportsTable0: info.tables.length > 0,
      mutatedTables: [...this.mutatedTables].sort((a, b) => a - b),
      instructionCount: this.instructionCount,
      largestFunctionInstructionCount: this.largestFunction,
    };
  }

  /** Custom section `metadata.code.branch_hint`: the first-write slow paths are unlikely. */
  branchHintSection(): Uint8Array {
    const w = new WasmWriter(64 + this.hints.length * 16);
    w.name('metadata.code.branch_hint');
    w.u32(this.hints.length);
    for (const [f, offsets] of this.hints) {
      w.u32(f);
      w.u32(offsets.length);
      for (const o of offsets) {
        w.u32(o);
        w.u8(1);
        w.u8(0); // unlikely
      }
    }
    const out = new WasmWriter(w.len + 6);
    out.section(0, w);
    return out.toBytes();
  }

  /** The rewritten section `id` (from `s`, or synthesized when `s` is undefined), with its header. */
  section(id: number, s: { contentStart: number; end: number } | undefined): Uint8Array {
    const w = new WasmWriter(s ? s.end - s.contentStart + 64 : 64);
    const r = s ? new WasmReader(this.bytes, s.contentStart, s.end) : undefined;
    switch (id) {
      case 1:
        this.typeSection(r, w);
        break;
      case 2:
        this.importSection(r, w);
        break;
      case 3:
        this.functionSection(r, w);
        break;
      case 5:
        return new Uint8Array(0); // memory 0 becomes an import
      case 6:
        this.globalSection(r, w);
        break;
      case 8:
        return new Uint8Array(0); // the start function is exported as __mockic_start instead
      case 9:
        this.elementSection(r as WasmReader, w);
        break;
      case 12: {
        const n = (r as WasmReader).u32();
        w.u32(this.emptyData >= 0 ? n + 1 : n);
        break;
      }
      case 10:
        return this.codeSection(r);
      case 11:
        this.dataSection(r as WasmReader, w);
        break;
      default:
        // table (4), tag (13): unchanged
        if (s) w.bytes(this.bytes, s.contentStart, s.end);
    }
    const out = new WasmWriter(w.len + 6);
    out.section(id, w);
    return out.toBytes();
  }

  typeSection(r: WasmReader | undefined, w: WasmWriter): void {
    const n = r ? r.u32() : 0;
    w.u32(n + 4);
    if (r) w.bytes(this.bytes, r.pos, r.end);
    w.bytes(Uint8Array.of(0x60, 0, 0)); // () -> ()
    w.bytes(Uint8Array.of(0x60, 1, I32, 0)); // (i32) -> ()
    w.bytes(Uint8Array.of(0x60, 1, I64, 1, I64)); // (i64) -> (i64)
    w.bytes(Uint8Array.of(0x60, 2, I64, I64, 0)); // (i64, i64) -> ()
  }

  importSection(r: WasmReader | undefined, w: WasmWriter): void {
    const n = r ? r.u32() : 0;
    w.u32(n + K + 3);
    const func = (name: string, type: number) => {
      w.name(ABI_MODULE);
      w.name(name);
      w.u8(0);
      w.u32(type);
    };
    func(ABI_IMPORTS.outOfInstructions, this.typeVoid);
    func(ABI_IMPORTS.firstWrite, this.typeI32);
    func(ABI_IMPORTS.memoryGrow, this.typeI64I64);
    if (r) w.bytes(this.bytes, r.pos, r.end);
    const lim = this.memoryLimits;
    w.name(ABI_MODULE);
    w.name(ABI_IMPORTS.memory);
    w.u8(2);
    w.u8((lim.max !== undefined ? 1 : 0) | (this.memory64 ? 4 : 0));
    w.u64(lim.min);
    if (lim.max !== undefined) w.u64(lim.max);
    w.name(ABI_MODULE);
    w.name(ABI_IMPORTS.dirtyMap);
    w.u8(2);
    w.u8(0);
    w.u32(0);
    w.name(ABI_MODULE);
    w.name(ABI_IMPORTS.undo);
    w.u8(2);
    w.u8(4); // i64 index, no maximum
    w.u32(0);
  }

  functionSection(r: WasmReader | undefined, w: WasmWriter): void {
    const n = r ? r.u32() : 0;
    w.u32(n + 3);
    if (r) w.bytes(this.bytes, r.pos, r.end);
    w.u32(this.typeI64I64); // $charge
    w.u32(this.typeI64I64Void); // $bulk
    w.u32(this.typeI32); // $save
  }

  globalSection(r: WasmReader | undefined, w: WasmWriter): void {
    const n = r ? r.u32() : 0;
    w.u32(n + 4 + this.dropFlags.length);
    for (let i = 0; i < n; i++) {
      const rr = r as WasmReader;
      const t0 = rr.pos;
      rr.u8(); // value type (validated by parseModule)
      rr.u8(); // mutability
      w.bytes(this.bytes, t0, rr.pos);
      this.constExpr(rr, w);
    }
    // counter
    w.bytes(Uint8Array.of(I64, 1, 0x42));
    w.s64(START_FUNCTION_BUDGET);
    w.u8(0x0b);
    // pages
    w.bytes(Uint8Array.of(I64, 1, 0x42));
    w.s64(this.memoryLimits.min);
    w.u8(0x0b);
    // undo count, undo list base
    w.bytes(Uint8Array.of(I32, 1, 0x41, 0, 0x0b));
    w.bytes(Uint8Array.of(I64, 1, 0x42, 0, 0x0b));
    for (let i = 0; i < this.dropFlags.length; i++) w.bytes(Uint8Array.of(I32, 1, 0x41, 0, 0x0b));
  }

  /** Copies a constant expression, remapping ref.func. */
  constExpr(r: WasmReader, w: WasmWriter): void {
    for (;;) {
      const start = r.pos;
      const op = r.u8();
      switch (op) {
        case 0x0b:
          w.u8(op);
          return;
        case 0xd2: {
          const f = r.u32();
          w.u8(0xd2);
          w.u32(f + K);
          continue;
        }
        case 0x41:
        case 0x42:
        case 0x23:
          r.skipLeb();
          break;
        case 0xd0:
          r.s33();
          break;
        case 0x43:
          r.skip(4);
          break;
        case 0x44:
          r.skip(8);
          break;
        case 0xfd:
          r.u32();
          r.skip(16);
          break;
        case 0x6a:
        case 0x6b:
        case 0x6c:
        case 0x7c:
        case 0x7d:
        case 0x7e:
          break;
        default:
          r.fail(`unsupported opcode 0x${op.toString(16)} in constant expression`, start);
      }
      w.bytes(this.bytes, start, r.pos);
    }
  }

  elementSection(r: WasmReader, w: WasmWriter): void {
    const n = r.u32();
    w.u32(n + this.emptyElem.size);
    for (let i = 0; i < n; i++) {
      const flags = r.u32();
      w.u32(flags);
      const passiveOrDecl = (flags & 1) !== 0;
      const explicitTable = (flags & 2) !== 0;
      const usesExprs = (flags & 4) !== 0;
      if (!passiveOrDecl) {
        if (explicitTable) w.u32(r.u32());
        this.constExpr(r, w);
      }
      if (passiveOrDecl || explicitTable) w.u8(r.u8()); // elemkind or reftype
      const count = r.u32();
      w.u32(count);
      for (let j = 0; j < count; j++) {
        if (usesExprs) this.constExpr(r, w);
        else w.u32(r.u32() + K);
      }
    }
    for (const [refType] of this.emptyElem) {
      w.u8(5);
      w.u8(refType === 'funcref' ? FUNCREF : EXTERNREF);
      w.u8(0);
    }
  }

  dataSection(r: WasmReader, w: WasmWriter): void {
    const n = r.u32();
    w.u32(this.emptyData >= 0 ? n + 1 : n);
    w.bytes(this.bytes, r.pos, r.end);
    if (this.emptyData >= 0) w.bytes(Uint8Array.of(1, 0));
  }

  exportSection(): Uint8Array {
    const { info } = this;
    const w = new WasmWriter(256 + info.exports.length * 32);
    const extra: Array<[string, number, number]> = [];
    extra.push([ABI_EXPORTS.counter, 3, this.counterGlobal]);
    extra.push([ABI_EXPORTS.pages, 3, this.pagesGlobal]);
    extra.push([ABI_EXPORTS.undoCount, 3, this.undoCountGlobal]);
    extra.push([ABI_EXPORTS.undoList, 3, this.undoListGlobal]);
    if (info.start !== undefined) extra.push([ABI_EXPORTS.start, 0, info.start + K]);
    info.globals.forEach((g, i) => {
      if (g.mutable) extra.push([`${ABI_EXPORTS.globalPrefix}${i}`, 3, i]);
    });
    for (const f of this.dropFlags) extra.push([`${ABI_EXPORTS.globalPrefix}${f.global}`, 3, f.global]);
    const tables = new Set(this.mutatedTables);
    if (info.tables.length > 0) tables.add(0);
    for (const t of [...tables].sort((a, b) => a - b)) extra.push([`${ABI_EXPORTS.tablePrefix}${t}`, 1, t]);

    w.u32(info.exports.length + extra.length);
    for (const e of info.exports) {
      w.name(e.name);
      const kind = e.kind === 'func' ? 0 : e.kind === 'table' ? 1 : e.kind === 'memory' ? 2 : e.kind === 'global' ? 3 : 4;
      w.u8(kind);
      w.u32(kind === 0 ? e.index + K : e.index);
    }
    for (const [name, kind, index] of extra) {
      w.name(name);
      w.u8(kind);
      w.u32(index);
    }
    const out = new WasmWriter(w.len + 6);
    out.section(7, w);
    return out.toBytes();
  }

  nameSection(start: number, end: number): Uint8Array {
    const w = new WasmWriter(end - start + 256);
    w.name('name');
    try {
      const r = new WasmReader(this.bytes, start, end);
      r.name(); // "name"
      let wroteFunctions = false;
      const writeFunctionNames = (sub: WasmReader | undefined) => {
        const body = new WasmWriter(256);
        const n = sub ? sub.u32() : 0;
        body.u32(n + K + 3);
        body.u32(FN_OUT_OF_INSTRUCTIONS);
        body.name('__mockic_out_of_instructions');
        body.u32(FN_FIRST_WRITE);
        body.name('__mockic_first_write');
        body.u32(FN_MEMORY_GROW);
        body.name('__mockic_memory_grow');
        for (let i = 0; i < n; i++) {
          const s = sub as WasmReader;
          const idx = s.u32();
          const nameStart = s.pos;
          const len = s.u32();
          s.skip(len);
          body.u32(idx + K);
          body.bytes(this.bytes, nameStart, s.pos);
        }
        body.u32(this.fnCharge);
        body.name('__mockic_charge');
        body.u32(this.fnBulk);
        body.name('__mockic_bulk');
        body.u32(this.fnSave);
        body.name('__mockic_save_page');
        w.u8(1);
        w.u32(body.len);
        w.append(body);
        wroteFunctions = true;
      };
      while (!r.atEnd) {
        const id = r.u8();
        const size = r.u32();
        const subStart = r.pos;
        const subEnd = subStart + size;
        if (subEnd > end) r.fail('name subsection out of bounds');
        const sub = new WasmReader(this.bytes, subStart, subEnd);
        if (id > 1 && !wroteFunctions) writeFunctionNames(undefined);
        if (id === 1) writeFunctionNames(sub);
        else if (id === 2 || id === 3) {
          // indirect name map keyed by function index
          const body = new WasmWriter(size + 16);
          const n = sub.u32();
          body.u32(n);
          for (let i = 0; i < n; i++) {
            body.u32(sub.u32() + K);
            const mapStart = sub.pos;
            const m = sub.u32();
            for (let j = 0; j < m; j++) {
              sub.u32();
              sub.skip(sub.u32());
            }
            body.bytes(this.bytes, mapStart, sub.pos);
          }
          w.u8(id);
          w.u32(body.len);
          w.append(body);
        } else {
          w.u8(id);
          w.u32(size);
          w.bytes(this.bytes, subStart, subEnd);
        }
        r.pos = subEnd;
      }
      if (!wroteFunctions) writeFunctionNames(undefined);
    } catch (e) {
      if (!(e instanceof WasmDecodeError)) throw e;
      // A malformed name section is dropped rather than failing the install, as engines ignore it.
      return new Uint8Array(0);
    }
    const out = new WasmWriter(w.len + 6);
    out.section(0, w);
    return out.toBytes();
  }

  codeSection(r: WasmReader | undefined): Uint8Array {
    const w = new WasmWriter(r ? Math.ceil((r.end - r.pos) * 1.6) + 1024 : 1024);
    const n = r ? r.u32() : 0;
    w.u32(n + 3);
    const fb = new FunctionBodyInstrumenter(this);
    for (let i = 0; i < n; i++) {
      const rr = r as WasmReader;
      const size = rr.u32();
      const bodyStart = rr.pos;
      const bodyEnd = bodyStart + size;
      if (bodyEnd > rr.end) rr.fail('function body extends past the code section');
      fb.instrument(this.info.numImportedFunctions + i, bodyStart, bodyEnd, w);
      rr.pos = bodyEnd;
    }
    this.helperCharge(w);
    this.helperBulk(w);
    this.helperSave(w);
    const out = new WasmWriter(w.len + 6);
    out.section(10, w);
    return out.toBytes();
  }

  /** Emits `counter -= n` saturating at i64 min for the i64 in local `n`, using local `t`. */
  emitDynamicCharge(b: WasmWriter, n: number, t: number): void {
    const c = this.counterGlobal;
    b.u8(0x23);
    b.u32(c);
    b.u8(0x20);
    b.u32(n);
    b.u8(0x7d); // i64.sub
    b.u8(0x21);
    b.u32(t);
    b.u8(0x42);
    b.s64(-(1n << 63n));
    b.u8(0x20);
    b.u32(t);
    b.u8(0x20);
    b.u32(t);
    b.u8(0x23);
    b.u32(c);
    b.u8(0x55); // i64.gt_s: new > old means it wrapped
    b.u8(0x1b); // select
    b.u8(0x24);
    b.u32(c);
    b.u8(0x23);
    b.u32(c);
    b.bytes(Uint8Array.of(0x42, 0, 0x53, 0x04, 0x40, 0x10, FN_OUT_OF_INSTRUCTIONS, 0x0b));
  }

  /** $charge (n: i64) -> i64: subtracts n from the counter (saturating), traps via
   * out_of_instructions when negative, returns n. */
  helperCharge(w: WasmWriter): void {
    const b = new WasmWriter(64);
    b.bytes(Uint8Array.of(1, 1, I64)); // one local: t
    this.emitDynamicCharge(b, 0, 1);
    b.bytes(Uint8Array.of(0x20, 0, 0x0b));
    w.u32(b.len);
    w.append(b);
  }

  /** The first-write save of the 4 KiB page in i32 local `p`, using scratch locals `s` (address type)
   * and `d` (i64): when the page is clean and inside memory 0 (a store about to trap out of bounds
   * skips it), marks it in the dirty map, appends it to the undo list and copies it into the next slot
   * of memory 2. */
  emitSavePage(w: WasmWriter, p: number, s: number, d: number): void {
    const memory64 = this.memory64;
    const nG = this.undoCountGlobal;
    const lG = this.undoListGlobal;
    const get = (i: number) => {
      w.u8(0x20);
      w.u32(i);
    };
    // if map[p] == 0 && p < memory.size(0) * 16 (a store about to trap out of bounds skips the save)
    get(p);
    w.bytes(LOAD_DIRTY);
    w.u8(0x45);
    get(p);
    if (memory64) w.bytes(Uint8Array.of(0xad, 0x3f, 0, 0x42, 4, 0x86, 0x54));
    else w.bytes(Uint8Array.of(0x3f, 0, 0x41, 4, 0x74, 0x49));
    w.bytes(Uint8Array.of(0x71, 0x04, 0x40)); // i32.and; if
    // map[p] = 1
    get(p);
    w.bytes(Uint8Array.of(0x41, 1));
    w.bytes(STORE_DIRTY);
    // list[n] = p: u32 at memory 2 [list + n * 4]
    w.u8(0x23);
    w.u32(lG);
    w.u8(0x23);
    w.u32(nG);
    w.bytes(Uint8Array.of(0xad, 0x42, 2, 0x86, 0x7c));
    get(p);
    w.bytes(Uint8Array.of(0x36, 0x42, 2, 0));
    // d = n << 12 (slot address in memory 2); n = n + 1
    w.u8(0x23);
    w.u32(nG);
    w.bytes(Uint8Array.of(0xad, 0x42, 12, 0x86, 0x21));
    w.u32(d);
    w.u8(0x23);
    w.u32(nG);
    w.bytes(Uint8Array.of(0x41, 1, 0x6a, 0x24));
    w.u32(nG);
    // s = p << 12 (page address in memory 0)
    get(p);
    if (memory64) w.bytes(Uint8Array.of(0xad, 0x42, 12, 0x86));
    else w.bytes(Uint8Array.of(0x41, 12, 0x74));
    w.u8(0x21);
    w.u32(s);
    // loop: memory2[d] = memory0[s] (v128); d += 16; s += 16; br_if (s & 4095) != 0
    // One access per iteration: unrolling (memarg offsets) makes V8 keep one bounds-check constant
    // per access in registers, which costs spills in the enclosing loop.
    w.bytes(LOOP_VOID);
    get(d);
    get(s);
    w.bytes(Uint8Array.of(0xfd, 0x00, 4, 0)); // v128.load memory 0
    w.bytes(Uint8Array.of(0xfd, 0x0b, 0x44, 2, 0)); // v128.store memory 2
    get(d);
    w.bytes(Uint8Array.of(0x42, 16, 0x7c, 0x21));
    w.u32(d);
    get(s);
    w.bytes(memory64 ? Uint8Array.of(0x42, 16, 0x7c, 0x22) : Uint8Array.of(0x41, 16, 0x6a, 0x22));
    w.u32(s);
    if (memory64) w.u8(0xa7);
    w.bytes(Uint8Array.of(0x41, 0xff, 0x1f, 0x71, 0x0d, 0, 0x0b));
    w.u8(0x0b); // end if
  }

  /** $save (p: i32): the first-write save of page p (see emitSavePage), for stores outside loops. */
  helperSave(w: WasmWriter): void {
    const b = new WasmWriter(160);
    // locals: 1 s (address type), 2 d i64
    b.bytes(Uint8Array.of(2, 1, this.memory64 ? I64 : I32, 1, I64));
    this.emitSavePage(b, 0, 1, 2);
    b.u8(0x0b);
    w.u32(b.len);
    w.append(b);
  }

  /** $bulk (d: i64, n: i64): charges n, then reports every clean 4 KiB page of [d, d+n) to first_write.
   * Ranges beyond the memory are not reported: the bulk operation itself traps. */
  helperBulk(w: WasmWriter): void {
    const b = new WasmWriter(160);
    // locals: 2 t i64, 3 mem i64, 4 p i32, 5 last i32
    b.bytes(Uint8Array.of(2, 2, I64, 2, I32));
    this.emitDynamicCharge(b, 1, 2);
    // if n == 0 return
    b.bytes(Uint8Array.of(0x20, 1, 0x50, 0x04, 0x40, 0x0f, 0x0b));
    // mem = memory.size(0) * 65536
    b.bytes(Uint8Array.of(0x3f, 0));
    if (!this.memory64) b.u8(0xad); // i64.extend_i32_u
    b.bytes(Uint8Array.of(0x42, 16, 0x86, 0x21, 3)); // i64.const 16; i64.shl; local.set mem
    // if d > mem || n > mem - d: return
    b.bytes(Uint8Array.of(0x20, 0, 0x20, 3, 0x56)); // d > mem (gt_u)
    b.bytes(Uint8Array.of(0x20, 1, 0x20, 3, 0x20, 0, 0x7d, 0x56)); // n > mem - d
    b.bytes(Uint8Array.of(0x72, 0x04, 0x40, 0x0f, 0x0b)); // i32.or; if return end
    // p = d >> 12; last = (d + n - 1) >> 12
    b.bytes(Uint8Array.of(0x20, 0, 0x42, 12, 0x88, 0xa7, 0x21, 4));
    b.bytes(Uint8Array.of(0x20, 0, 0x20, 1, 0x7c, 0x42, 1, 0x7d, 0x42, 12, 0x88, 0xa7, 0x21, 5));
    // loop: if dirty[p] == 0: first_write(p); p++; br_if p <= last
    b.bytes(Uint8Array.of(0x03, 0x40));
    b.bytes(Uint8Array.of(0x20, 4, 0x2d, 0x40, 1, 0, 0x45, 0x04, 0x40, 0x20, 4, 0x10, FN_FIRST_WRITE, 0x0b));
    b.bytes(Uint8Array.of(0x20, 4, 0x41, 1, 0x6a, 0x22, 4, 0x20, 5, 0x4d, 0x0d, 0, 0x0b));
    b.u8(0x0b);
    w.u32(b.len);
    w.append(b);
  }
}

/** Rewrites function bodies; reused across functions so its buffers are allocated once. */
class FunctionBodyInstrumenter {
  readonly m: Instrumenter;
  /** Instructions of the function, charges included. */
  readonly out = new WasmWriter(1 << 16);
  /** The current basic block, before its charge is known. */
  readonly seg = new WasmWriter(1 << 12);
  readonly header = new WasmWriter(256);
  readonly slots = new Int32Array(56);
  readonly slotTypes: number[] = [];
  /** Control stack of the function being instrumented (1 = loop), reused across functions. */
  readonly blocks: number[] = [];
  /** Positions in `seg` / in `out` of the `if` opcodes of first-write slow paths (branch hints). */
  readonly hintSeg: number[] = [];
  readonly hintOut: number[] = [];
  /** The function's first-write save sequence, built on first use. */
  saveCode: Uint8Array | undefined;
  firstScratch = 0;
  funcIndex = 0;

  constructor(m: Instrumenter) {
    this.m = m;
  }

  /** Local index of scratch slot (type, ordinal), declaring it on first use. */
  slot(type: number, ordinal: number): number {
    const k = slotKey(type, ordinal);
    let idx = this.slots[k] as number;
    if (idx < 0) {
      idx = this.firstScratch + this.slotTypes.length;
      this.slotTypes.push(type);
      this.slots[k] = idx;
    }
    return idx;
  }

  instrument(funcIndex: number, bodyStart: number, bodyEnd: number, w: WasmWriter): void {
    const m = this.m;
    const bytes = m.bytes;
    const info = m.info;
    this.funcIndex = funcIndex;
    const type = info.types[info.functionTypeIndices[funcIndex] as number];
    if (!type) throw new WasmDecodeError(`function ${funcIndex} has no type`, bodyStart);
    const r = new WasmReader(bytes, bodyStart, bodyEnd);
    const groups = r.u32();
    const groupsStart = r.pos;
    let numLocals = type.params.length;
    for (let i = 0; i < groups; i++) {
      numLocals += r.u32();
      const at = r.pos;
      const t = r.u8();
      if (t !== I32 && t !== I64 && t !== F32 && t !== F64 && t !== V128 && t !== FUNCREF && t !== EXTERNREF) {
        r.fail(`unsupported local type 0x${t.toString(16)}`, at);
      }
    }
    const groupsEnd = r.pos;
    this.firstScratch = numLocals;
    this.slots.fill(-1);
    this.slotTypes.length = 0;

    this.out.reset();
    this.seg.reset();
    this.hintSeg.length = 0;
    this.hintOut.length = 0;
    this.saveCode = undefined;
    const count = this.body(r.pos, bodyEnd);
    m.instructionCount += count;
    if (count > m.largestFunction) m.largestFunction = count;

    const h = this.header;
    h.reset();
    h.u32(groups + this.slotTypes.length);
    h.bytes(bytes, groupsStart, groupsEnd);
    for (const t of this.slotTypes) {
      h.u8(1);
      h.u8(t);
    }
    w.u32(h.len + this.out.len);
    w.append(h);
    w.append(this.out);
    if (this.hintOut.length > 0) {
      m.hints.push([funcIndex + K, this.hintOut.map((o) => o + h.len)]);
    }
  }

  /** The save sequence of `saveInline` for page local `p` (see there). */
  buildSave(p: number): Uint8Array {
    const s = this.slot(this.m.memory64 ? I64 : I32, 4);
    const d = this.slot(I64, 5);
    const w = new WasmWriter(128);
    this.m.emitSavePage(w, p, s, d);
    return w.toBytes();
  }

  /** Writes the charge for a basic block of cost `cost` to `out`. */
  charge(cost: number, check: boolean): void {
    const out = this.out;
    const c = this.m.counterGlobal;
    if (cost > 0) {
      out.u8(0x23);
      out.u32(c);
      out.u8(0x42);
      out.sNum(cost);
      out.u8(0x7d);
      out.u8(0x24);
      out.u32(c);
    }
    if (check) {
      out.u8(0x23);
      out.u32(c);
      out.ensure(8);
      const buf = out.buf;
      let l = out.len;
      buf[l++] = 0x42;
      buf[l++] = 0;
      buf[l++] = 0x53; // i64.lt_s
      buf[l++] = 0x04;
      buf[l++] = 0x40;
      buf[l++] = 0x00; // unreachable: the host classifies a trap with counter < 0 as out of instructions
      buf[l++] = 0x0b;
      out.len = l;
    }
  }

  /** Instruments the instructions in [start, end); returns the number of instructions. */
  body(start: number, end: number): number {
    const m = this.m;
    const b = m.bytes;
    const seg = this.seg;
    const out = this.out;
    const costs = costTables(m.memory64);
    const base = costs.base;
    const memory64 = m.memory64;
    const addrT = memory64 ? I64 : I32;
    const counter = m.counterGlobal;
    let pos = start;
    let raw = start; // start of the pending raw range, not yet copied to seg
    let cost = 1; // a function entry costs at least 1, as in the replica
    let check = true;
    let count = 0;
    /** Open blocks (1 = loop) and the number of open loops: stores inside a loop save inline. */
    const blocks = this.blocks;
    blocks.length = 0;
    let loops = 0;
    const fi = this.funcIndex;
    const fail = (msg: string, at: number): never => {
      throw new WasmDecodeError(`${msg} in function ${fi}`, at);
    };
    const skipLeb = () => {
      let n = 0;
      while ((b[pos++] as number) & 0x80) if (++n > 10) fail('LEB128 too long', pos);
    };
    const readU32 = (): number => {
      let result = 0;
      let mul = 1;
      let byte: number;
      do {
        byte = b[pos++] as number;
        result += (byte & 0x7f) * mul;
        mul *= 128;
      } while (byte & 0x80 && mul < 2 ** 35);
      if (byte & 0x80) fail('LEB128 u32 too long', pos);
      return result;
    };
    const flushRaw = (upTo: number) => {
      if (upTo > raw) seg.bytes(b, raw, upTo);
    };
    const endBlock = (nextCheck: boolean) => {
      // the current instruction is part of the block: copy it, then emit [charge][block]
      flushRaw(pos);
      raw = pos;
      if (cost > 0 || check) this.charge(cost, check);
      for (const h of this.hintSeg) this.hintOut.push(out.len + h);
      this.hintSeg.length = 0;
      out.bytes(seg.buf, 0, seg.len);
      seg.reset();
      cost = 0;
      check = nextCheck;
    };
    const skipBlockType = () => {
      const t = b[pos] as number;
      if (t === 0x40 || t === I32 || t === I64 || t === F32 || t === F64 || t === V128 || t === FUNCREF || t === EXTERNREF) {
        pos++;
        return;
      }
      if (t === 0x63 || t === 0x64) unsupported(fi, 'typed function reference block type');
      const r = new WasmReader(b, pos, end);
      const idx = r.s33();
      if (idx < 0) fail(`invalid block type`, pos);
      pos = r.pos;
    };
    /** memarg at pos: returns the offset; refuses memory indices other than 0. */
    const readMemarg = (): number | bigint => {
      const flags = readU32();
      if (flags & 0x40) {
        const mem = readU32();
        if (mem !== 0) fail(`access to memory ${mem}`, pos);
      }
      const r = new WasmReader(b, pos, end);
      const off = r.u64();
      pos = r.pos;
      return off;
    };
    const localGet = (i: number) => {
      seg.u8(0x20);
      seg.u32(i);
    };
    const localSet = (i: number) => {
      seg.u8(0x21);
      seg.u32(i);
    };
    /** Emits the first-write save of the 4 KiB page in i32 local `p` (the code is the same for every
     * store of the function, so it is built once): when the page is clean and inside memory 0 (a store
     * about to trap out of bounds skips it), marks it in the dirty map, appends it to the undo list and
     * copies it into the next slot of memory 2 with an inline v128 loop. No call: a call in a loop
     * body, even on a cold branch, makes TurboFan spill the loop's live values on every iteration. */
    const saveInline = (p: number) => {
      if (loops === 0) {
        // outside any loop: a call to $save keeps the output small and costs only on the cold path
        localGet(p);
        seg.u8(0x10);
        seg.u32(m.fnSave);
        return;
      }
      if (this.saveCode === undefined) this.saveCode = this.buildSave(p);
      seg.bytes(this.saveCode);
    };
    /** Emits the written-page check for a store of `size` bytes whose address and value are on the
     * stack; leaves them on the stack again. The fast path is one branch: page clean, or (wider
     * stores) the store straddles into the next page. The slow path saves every clean page the store
     * touches (one or two). */
    const trackStore = (valueType: number, size: number, offset: number | bigint) => {
      const v = this.slot(valueType, 0);
      const a = this.slot(addrT, 1);
      const p = this.slot(I32, 3);
      localSet(v);
      seg.u8(0x22);
      seg.u32(a);
      const e = size > 1 ? this.slot(addrT, 2) : -1;
      if (memory64) {
        if (offset !== 0) {
          seg.u8(0x42);
          seg.s64Any(offset);
          seg.u8(0x7c);
        }
        if (e >= 0) {
          seg.u8(0x22);
          seg.u32(e);
        }
        seg.bytes(SHR12_I64);
      } else {
        if (offset !== 0) {
          seg.u8(0x41);
          seg.sNum(Number(offset) | 0);
          seg.u8(0x6a);
        }
        if (e >= 0) {
          seg.u8(0x22);
          seg.u32(e);
        }
        seg.bytes(SHR12_I32);
      }
      seg.u8(0x22);
      seg.u32(p);
      seg.bytes(LOAD_DIRTY);
      this.hintSeg.push(seg.len + 1);
      seg.bytes(IF_CLEAN);
      saveInline(p);
      seg.u8(0x0b);
      if (e >= 0) {
        // straddles into the next page when (e & 4095) > 4096 - size: save that page too
        localGet(e);
        if (memory64) seg.u8(0xa7);
        seg.bytes(AND_4095_CONST);
        seg.sNum(4096 - size);
        this.hintSeg.push(seg.len + 1);
        seg.bytes(GT_U_IF);
        localGet(p);
        seg.bytes(ADD_1);
        localSet(p);
        saveInline(p);
        seg.u8(0x0b);
      }
      localGet(a);
      localGet(v);
    };
    const tableAddr = (t: number): number => {
      const tab = m.info.tables[t];
      if (!tab) fail(`unknown table ${t}`, pos);
      return (tab as { limits: { index64: boolean } }).limits.index64 ? I64 : I32;
    };
    /** Charges the length on top of the stack (type `t`), leaving it there. */
    const chargeTop = (t: number) => {
      if (t === I32) {
        seg.u8(0xad);
        seg.u8(0x10);
        seg.u32(m.fnCharge);
        seg.u8(0xa7);
      } else {
        seg.u8(0x10);
        seg.u32(m.fnCharge);
      }
    };

    while (pos < end) {
      const at = pos;
      const op = b[pos++] as number;
      count++;
      cost += base[op] as number;
      switch (op) {
        // no immediates, no rewrite
        case 0x01:
        case 0x1a:
        case 0x1b:
        case 0xd1:
          break;
        // block ends
        case 0x00: // unreachable
        case 0x05: // else
        case 0x0f: // return
          endBlock(false);
          break;
        case 0x0b: // end
          if (blocks.length > 0) loops -= blocks.pop() as number;
          endBlock(false);
          break;
        case 0x02: // block
          skipBlockType();
          blocks.push(0);
          break;
        case 0x03: // loop
          skipBlockType();
          blocks.push(1);
          loops++;
          endBlock(true);
          break;
        case 0x04: // if
          skipBlockType();
          blocks.push(0);
          endBlock(false);
          break;
        case 0x0c:
        case 0x0d:
          skipLeb();
          endBlock(false);
          break;
        case 0x0e: {
          const n = readU32();
          for (let i = 0; i <= n; i++) skipLeb();
          endBlock(false);
          break;
        }
        case 0x10:
        case 0x12: {
          flushRaw(at);
          const f = readU32();
          seg.u8(op);
          seg.u32(f + K);
          raw = pos;
          if (op === 0x12) endBlock(false);
          break;
        }
        case 0x11:
          skipLeb();
          skipLeb();
          break;
        case 0x13:
          skipLeb();
          skipLeb();
          endBlock(false);
          break;
        case 0x1c: {
          const n = readU32();
          for (let i = 0; i < n; i++) {
            const t = b[pos++] as number;
            if (t === 0x63 || t === 0x64) unsupported(fi, 'select with a typed reference');
          }
          break;
        }
        case 0x20:
        case 0x21:
        case 0x22:
        case 0x23:
        case 0x24:
        case 0x25:
          skipLeb();
          break;
        case 0x26: {
          const t = readU32();
          m.mutatedTables.add(t);
          break;
        }
        case 0x28:
        case 0x29:
        case 0x2a:
        case 0x2b:
        case 0x2c:
        case 0x2d:
        case 0x2e:
        case 0x2f:
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35:
          readMemarg();
          break;
        case 0x36:
        case 0x37:
        case 0x38:
        case 0x39:
        case 0x3a:
        case 0x3b:
        case 0x3c:
        case 0x3d:
        case 0x3e: {
          flushRaw(at);
          const offset = readMemarg();
          trackStore(STORE_VALUE[op - 0x36] as number, STORE_SIZE[op - 0x36] as number, offset);
          raw = at; // the original store follows, unchanged
          break;
        }
        case 0x3f: {
          flushRaw(at);
          readU32();
          seg.u8(0x23);
          seg.u32(m.pagesGlobal);
          if (!memory64) seg.u8(0xa7);
          raw = pos;
          break;
        }
        case 0x40: {
          flushRaw(at);
          readU32();
          if (!memory64) seg.u8(0xad);
          seg.u8(0x10);
          seg.u8(FN_MEMORY_GROW);
          if (!memory64) seg.u8(0xa7);
          raw = pos;
          break;
        }
        case 0x41:
        case 0x42:
          skipLeb();
          break;
        case 0x43:
          pos += 4;
          break;
        case 0x44:
          pos += 8;
          break;
        case 0xd0: {
          const r = new WasmReader(b, pos, end);
          r.s33();
          pos = r.pos;
          break;
        }
        case 0xd2: {
          flushRaw(at);
          const f = readU32();
          seg.u8(0xd2);
          seg.u32(f + K);
          raw = pos;
          break;
        }
        case 0xfc: {
          const sub = readU32();
          cost -= 1;
          if (sub > 17) unsupported(fi, `0xfc ${sub}`);
          cost += costs.fc[sub] as number;
          if (sub <= 7) break;
          this.bulk(sub, at, {
            pos: () => pos,
            setPos: (p: number) => {
              pos = p;
            },
            readU32,
            flushRaw,
            setRaw: (p: number) => {
              raw = p;
            },
            localGet,
            localSet,
            tableAddr,
            chargeTop,
            addrT,
          });
          break;
        }
        case 0xfd: {
          const sub = readU32();
          cost -= 1;
          if (sub > 255) unsupported(fi, `relaxed SIMD 0xfd ${sub}`);
          cost += costs.simd[sub] as number;
          if (sub <= 11 || sub === 92 || sub === 93) {
            if (sub === 11) {
              flushRaw(at);
              const offset = readMemarg();
              trackStore(V128, 16, offset);
              raw = at;
            } else readMemarg();
          } else if (sub >= 84 && sub <= 91) {
            if (sub >= 88) {
              flushRaw(at);
              const offset = readMemarg();
              pos++; // lane
              trackStore(V128, 1 << (sub - 88), offset);
              raw = at;
            } else {
              readMemarg();
              pos++;
            }
          } else if (sub === 12 || sub === 13) pos += 16;
          else if (sub >= 21 && sub <= 34) pos++;
          break;
        }
        case 0xfe:
          unsupported(fi, 'atomic (0xfe prefix; threads are not allowed on the IC)');
          break;
        case 0x06:
        case 0x07:
        case 0x08:
        case 0x09:
        case 0x0a:
        case 0x18:
        case 0x19:
        case 0x1f:
          unsupported(fi, `0x${op.toString(16)} (exception handling is not allowed on the IC)`);
          break;
        default:
          if (op >= 0x45 && op <= 0xc4) break;
          unsupported(fi, `0x${op.toString(16)}`);
      }
    }
    if (pos !== end) fail('instruction runs past the end of the body', end);
    flushRaw(end);
    if (seg.len > 0 || cost > 0) {
      if (cost > 0 || check) this.charge(cost, check);
      for (const h of this.hintSeg) this.hintOut.push(out.len + h);
      this.hintSeg.length = 0;
      out.bytes(seg.buf, 0, seg.len);
      seg.reset();
    }
    void counter;
    return count;
  }

  /** `if (dropped) init(empty) else init(segment)`: a dropped passive segment reads as empty. */
  private unlessDropped(flag: number, init: (segment: number) => void, empty: number, segment: number): void {
    const seg = this.seg;
    seg.u8(0x23);
    seg.u32(flag);
    seg.u8(0x04);
    seg.u8(0x40);
    init(empty);
    seg.u8(0x05);
    init(segment);
    seg.u8(0x0b);
  }

  /** data.drop / elem.drop of segment x (immediate at the cursor): sets its drop flag instead (rollback-safe). */
  private drop(flags: Int32Array, at: number, c: BulkContext): void {
    const x = c.readU32();
    const flag = x < flags.length ? (flags[x] as number) : -1;
    if (flag < 0) return;
    c.flushRaw(at);
    this.seg.bytes(Uint8Array.of(0x41, 1, 0x24));
    this.seg.u32(flag);
    c.setRaw(c.pos());
  }

  /** Rewrites a 0xFC bulk memory / table instruction (sub-opcode 8..17) starting at `at`. */
  bulk(sub: number, at: number, c: BulkContext): void {
    const m = this.m;
    const seg = this.seg;
    const fi = this.funcIndex;
    const addrT = c.addrT;
    switch (sub) {
      case 8: {
        // memory.init x mem: [d, s:i32, n:i32]
        c.flushRaw(at);
        const x = c.readU32();
        c.readU32();
        const d = this.slot(addrT, 0);
        const s = this.slot(I32, 1);
        const n = this.slot(I32, 2);
        c.localSet(n);
        c.localSet(s);
        seg.u8(0x22);
        seg.u32(d);
        if (addrT === I32) seg.u8(0xad);
        c.localGet(n);
        seg.u8(0xad);
        seg.u8(0x10);
        seg.u32(m.fnBulk);
        const flag = x < m.dataFlag.length ? (m.dataFlag[x] as number) : -1;
        const init = (seg2: number) => {
          c.localGet(d);
          c.localGet(s);
          c.localGet(n);
          seg.u8(0xfc);
          seg.u8(8);
          seg.u32(seg2);
          seg.u8(0);
        };
        if (flag >= 0) this.unlessDropped(flag, init, m.emptyData, x);
        else init(x);
        c.setRaw(c.pos());
        return;
      }
      case 9: // data.drop x
        this.drop(m.dataFlag, at, c);
        return;
      case 10:
      case 11: {
        // memory.copy dst src: [d, s, n]; memory.fill mem: [d, val:i32, n]
        c.flushRaw(at);
        const imm0 = c.readU32();
        const imm1 = sub === 10 ? c.readU32() : -1;
        if (imm0 !== 0 || (sub === 10 && imm1 !== 0)) unsupported(fi, 'bulk memory on a memory other than 0');
        const d = this.slot(addrT, 0);
        const x = this.slot(sub === 10 ? addrT : I32, 1);
        const n = this.slot(addrT, 2);
        c.localSet(n);
        c.localSet(x);
        seg.u8(0x22);
        seg.u32(d);
        if (addrT === I32) seg.u8(0xad);
        c.localGet(n);
        if (addrT === I32) seg.u8(0xad);
        seg.u8(0x10);
        seg.u32(m.fnBulk);
        c.localGet(d);
        c.localGet(x);
        c.localGet(n);
        c.setRaw(at); // the original instruction follows
        return;
      }
      case 12: {
        // table.init x t: [d, s:i32, n:i32]
        c.flushRaw(at);
        const x = c.readU32();
        const t = c.readU32();
        m.mutatedTables.add(t);
        c.chargeTop(I32);
        const flag = x < m.elemFlag.length ? (m.elemFlag[x] as number) : -1;
        if (flag >= 0) {
          const tt = c.tableAddr(t);
          const d = this.slot(tt, 0);
          const s = this.slot(I32, 1);
          const n = this.slot(I32, 2);
          c.localSet(n);
          c.localSet(s);
          c.localSet(d);
          const empty = m.emptyElem.get((m.info.elements[x] as { refType: RefType }).refType) as number;
          const init = (e: number) => {
            c.localGet(d);
            c.localGet(s);
            c.localGet(n);
            seg.u8(0xfc);
            seg.u8(12);
            seg.u32(e);
            seg.u32(t);
          };
          this.unlessDropped(flag, init, empty, x);
          c.setRaw(c.pos());
        } else {
          c.setRaw(at);
        }
        return;
      }
      case 13: // elem.drop x
        this.drop(m.elemFlag, at, c);
        return;
      case 14: {
        // table.copy dst src: [d, s, n]
        c.flushRaw(at);
        const dst = c.readU32();
        const src = c.readU32();
        m.mutatedTables.add(dst);
        c.chargeTop(c.tableAddr(dst) === I64 && c.tableAddr(src) === I64 ? I64 : I32);
        c.setRaw(at);
        return;
      }
      case 15: {
        // table.grow t
        m.mutatedTables.add(c.readU32());
        return;
      }
      case 16:
        c.readU32();
        return;
      case 17: {
        // table.fill t: [i, val, n]
        c.flushRaw(at);
        const t = c.readU32();
        m.mutatedTables.add(t);
        c.chargeTop(c.tableAddr(t));
        c.setRaw(at);
        return;
      }
    }
  }
}

interface BulkContext {
  pos(): number;
  setPos(p: number): void;
  readU32(): number;
  flushRaw(upTo: number): void;
  setRaw(p: number): void;
  localGet(i: number): void;
  localSet(i: number): void;
  tableAddr(t: number): number;
  chargeTop(t: number): void;
  addrT: number;
}

const SHR12_I64 = Uint8Array.of(0x42, 12, 0x88, 0xa7); // i64.const 12; i64.shr_u; i32.wrap_i64
const SHR12_I32 = Uint8Array.of(0x41, 12, 0x76); // i32.const 12; i32.shr_u
const LOAD_DIRTY = Uint8Array.of(0x2d, 0x40, 1, 0); // i32.load8_u memory=1 offset=0
const IF_CLEAN = Uint8Array.of(0x45, 0x04, 0x40); // i32.eqz; if
const STORE_DIRTY = Uint8Array.of(0x3a, 0x40, 1, 0); // i32.store8 memory=1 offset=0
const LOOP_VOID = Uint8Array.of(0x03, 0x40);
const AND_4095_CONST = Uint8Array.of(0x41, 0xff, 0x1f, 0x71, 0x41); // i32.const 4095; i32.and; i32.const
const GT_U_IF = Uint8Array.of(0x4b, 0x04, 0x40); // i32.gt_u; if
const ADD_1 = Uint8Array.of(0x41, 1, 0x6a); // i32.const 1; i32.add
