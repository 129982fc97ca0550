// The IC's instruction cost model (replica: rs/embedders/src/wasm_utils/instrumentation.rs,
// `instruction_to_cost`) as lookup tables indexed by opcode, so the rewriter pays one array read per
// instruction. Loads and stores cost 2 instead of 1 in wasm64 canisters, hence two table sets.
//
// Differences from the replica: none intended for the listed opcodes; relaxed SIMD, atomics,
// exceptions and GC are refused before costing, so they have no entry.

/** Costs of single-byte opcodes. */
function baseCosts(memory64: boolean): Uint16Array {
  const c = new Uint16Array(256).fill(1);
  const set = (ops: number[], v: number) => {
    for (const op of ops) c[op] = v;
  };
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  set([0x02, 0x03, 0x05, 0x0b], 0); // block, loop, else, end
  set([0x04, 0x0c, 0x0d, 0x0e], 2); // if, br, br_if, br_table
  set([0x10], 5); // call
  set([0x11], 10); // call_indirect
  set([0x12], 3); // return_call
  set([0x13], 60); // return_call_indirect
  set([0x23, 0x24], 2); // global.get/set
  set([0x25, 0x26], 5); // table.get/set
  set(range(0x28, 0x3e), memory64 ? 2 : 1); // loads and stores
  set([0x3f], 20); // memory.size
  set([0x40], 300); // memory.grow
  set([0x6d, 0x6e, 0x6f, 0x70, 0x7f, 0x80, 0x81, 0x82], 10); // integer div/rem
  set(range(0x5b, 0x66), 3); // float comparisons
  set([0x8d, 0x8e, 0x8f, 0x90, 0x92, 0x93, 0x94], 2); // f32 ceil floor trunc nearest add sub mul
  set([0x9b, 0x9c, 0x9d, 0x9e, 0xa0, 0xa1, 0xa2], 2); // f64 same
  c[0x95] = 3; // f32.div
  c[0xa3] = 5; // f64.div
  set([0x96, 0x97, 0xa4, 0xa5], 18); // min/max
  c[0x98] = 2; // f32.copysign
  c[0xa6] = 3; // f64.copysign
  c[0x91] = 5; // f32.sqrt
  c[0x9f] = 8; // f64.sqrt
  set([0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1], 20); // trunc
  set([0xb2, 0xb4, 0xb7, 0xb9], 3); // convert signed
  set([0xb3, 0xb5, 0xb8, 0xba], 16); // convert unsigned
  c[0xd1] = 5; // ref.is_null
  c[0xd2] = 130; // ref.func
  return c;
}

/** Costs of 0xFC-prefixed opcodes (saturating truncation, bulk memory, tables). */
function fcCosts(): Uint16Array {
  const c = new Uint16Array(18).fill(1);
  for (let i = 0; i <= 7; i++) c[i] = 20; // trunc_sat
  c[8] = 100; // memory.init
  c[9] = 300; // data.drop
  c[10] = 100; // memory.copy
  c[11] = 100; // memory.fill
  c[12] = 100; // table.init
  c[13] = 300; // elem.drop
  c[14] = 100; // table.copy
  c[15] = 300; // table.grow
  c[16] = 100; // table.size
  c[17] = 100; // table.fill
  return c;
}

/** Costs of 0xFD-prefixed (SIMD) opcodes. */
function simdCosts(memory64: boolean): Uint16Array {
  const c = new Uint16Array(256).fill(1);
  const mem = memory64 ? 2 : 1;
  for (let i = 0; i <= 11; i++) c[i] = mem;
  for (let i = 84; i <= 93; i++) c[i] = mem;
  const set = (ops: number[], v: number) => {
    for (const op of ops) c[op] = v;
  };
  c[13] = 3; // i8x16.shuffle
  set([38, 40, 48, 50, 58, 60], 2); // lt_u / gt_u
  c[98] = 3; // i8x16.popcnt
  set([107, 108], 3); // i8x16.shl, shr_s
  c[109] = 2; // i8x16.shr_u
  c[125] = 2; // i16x8.extadd_pairwise_i8x16_u
  c[127] = 3; // i32x4.extadd_pairwise_i16x8_u
  set([139, 140, 141], 2); // i16x8 shifts
  set([157, 159], 2); // i16x8.extmul_high
  set([171, 172, 173], 2); // i32x4 shifts
  c[181] = 2; // i32x4.mul
  set([188, 189, 190, 191], 2); // i32x4.extmul
  c[203] = 2; // i64x2.shl
  c[204] = 3; // i64x2.shr_s
  c[205] = 2; // i64x2.shr_u
  c[213] = 4; // i64x2.mul
  set([103, 104, 105, 106], 2); // f32x4 ceil floor trunc nearest
  set([224, 225, 228, 229, 230], 2); // f32x4 abs neg add sub mul
  c[227] = 5; // f32x4.sqrt
  c[231] = 10; // f32x4.div
  set([232, 233], 4); // f32x4.min/max
  set([116, 117, 122, 148], 2); // f64x2 ceil floor trunc nearest
  set([236, 237, 240, 241, 242], 2); // f64x2 abs neg add sub mul
  c[239] = 14; // f64x2.sqrt
  c[243] = 12; // f64x2.div
  c[244] = 4; // f64x2.min
  c[245] = 5; // f64x2.max
  c[248] = 2;
  c[249] = 4;
  c[251] = 4;
  c[252] = 2;
  c[253] = 3;
  return c;
}

export interface CostTables {
  base: Uint16Array;
  fc: Uint16Array;
  simd: Uint16Array;
}

const wasm32Costs: CostTables = { base: baseCosts(false), fc: fcCosts(), simd: simdCosts(false) };
const wasm64Costs: CostTables = { base: baseCosts(true), fc: fcCosts(), simd: simdCosts(true) };

/** The cost tables for a wasm32 or wasm64 canister. */
export function costTables(memory64: boolean): CostTables {
  return memory64 ? wasm64Costs : wasm32Costs;
}
