// PocketIC's subnet topology: which subnets an instance has (the `subnet_config_set` of a create
// request), the canister id ranges PocketIC gives each, and the Topology JSON it reports back.
//
// Ranges as the PocketIC server assigns them (rs/pocket_ic_server/src/pocket_ic.rs):
//   - the named subnets own their mainnet ranges (NNS from index 0, II rdmx6-… and uc7f6-…, SNS,
//     fiduciary, bitcoin), and get an extra allocation range from which canisters without a
//     specified id are numbered;
//   - system, application and verified-application subnets each get one range of 2^20 ids, taken from
//     the top of the id space downwards (the first application subnet's first canister is
//     lxzze-o7777-77777-aaaaa-cai, index 0xffffffffffe00000);
//   - ranges are handed out in the order NNS, SNS, II, fiduciary, bitcoin, system…, application…,
//     verified application….
import { createHash } from 'node:crypto';
import { Principal } from '@dfinity/principal';
import { canisterIdFromIndex, type Replica, type Subnet, type SubnetConfig, type SubnetKind } from '@mockic/runtime';
import { asObject, badRequest, base64Of, rawCanisterId, type JsonValue } from './pocket-json.ts';

/** PocketIC's SubnetKind variant names. */
export type PocketSubnetKind = 'NNS' | 'SNS' | 'II' | 'Fiduciary' | 'Bitcoin' | 'System' | 'Application' | 'VerifiedApplication';

export type InstructionConfig = 'Production' | 'Benchmarking';

export interface CanisterIdRange {
  start: bigint;
  end: bigint;
}

/** One subnet of an instance as planned from the create request. */
export interface PlannedSubnet {
  kind: PocketSubnetKind;
  instructionConfig: InstructionConfig;
  /** The ranges routed to the subnet (the fixed ranges of a named subnet, or its one range). */
  ranges: CanisterIdRange[];
  /** Where canisters without a specified id are numbered (named subnets only). */
  allocRange?: CanisterIdRange;
}

const CANISTER_IDS_PER_SUBNET = 1n << 20n;
const U64_MAX = (1n << 64n) - 1n;

const FIXED_RANGES: Partial<Record<PocketSubnetKind, CanisterIdRange[]>> = {
  // rwlgt-iiaaa-aaaaa-aaaaa-cai … renrk-eyaaa-aaaaa-aaada-cai, qoctq-giaaa-aaaaa-aaaea-cai … n5n4y-3aaaa-aaaaa-p777q-cai
  NNS: [
    { start: 0n, end: 6n },
    { start: 8n, end: 0xfffffn },
  ],
  // rdmx6-jaaaa-aaaaa-aaadq-cai, uc7f6-kaaaa-aaaaq-qaaaa-cai … ijz7v-ziaaa-aaaaq-7777q-cai
  II: [
    { start: 7n, end: 7n },
    { start: 0x2100000n, end: 0x21fffffn },
  ],
  // g3wsl-eqaaa-aaaan-aaaaa-cai … 2qqia-xyaaa-aaaan-p777q-cai
  Bitcoin: [{ start: 0x1a00000n, end: 0x1afffffn }],
  // mf7xa-laaaa-aaaar-qaaaa-cai … qoznl-yiaaa-aaaar-7777q-cai
  Fiduciary: [{ start: 0x2300000n, end: 0x23fffffn }],
  // ybpmr-kqaaa-aaaaq-aaaaa-cai … ekjw2-zyaaa-aaaaq-p777q-cai
  SNS: [{ start: 0x2000000n, end: 0x20fffffn }],
};

/** Subnet sizes PocketIC uses (they scale fees). */
const SIZES: Record<PocketSubnetKind, number> = {
  NNS: 40,
  SNS: 34,
  II: 34,
  Fiduciary: 34,
  Bitcoin: 13,
  System: 13,
  Application: 13,
  VerifiedApplication: 13,
};

const RUNTIME_KINDS: Record<PocketSubnetKind, SubnetKind> = {
  NNS: 'nns',
  SNS: 'sns',
  II: 'ii',
  Fiduciary: 'fiduciary',
  Bitcoin: 'bitcoin',
  System: 'system',
  Application: 'application',
  VerifiedApplication: 'verified_application',
};

const POCKET_KINDS = new Map<SubnetKind, PocketSubnetKind>(Object.entries(RUNTIME_KINDS).map(([p, r]) => [r, p as PocketSubnetKind]));

/** Instruction limits of a "Benchmarking" subnet: high enough for asymptotic benchmarks. */
const BENCHMARKING_LIMITS = {
  instructionsPerMessage: 99_999_999_999_999n,
  instructionsPerSlice: 99_999_999_999_999n,
  instructionsPerQuery: 99_999_999_999_999n,
  instructionsPerInstallCode: 99_999_999_999_999n,
  instructionsPerInstallCodeSlice: 99_999_999_999_999n,
};

/** Hands out ranges of 2^20 ids from the top of the id space, skipping assigned ones. */
class RangeGen {
  private offset = 0n;
  private readonly assigned: CanisterIdRange[] = [];

  assign(ranges: CanisterIdRange[]): void {
    this.assigned.push(...ranges);
  }

  next(): CanisterIdRange {
    for (;;) {
      const slot = U64_MAX / CANISTER_IDS_PER_SUBNET - 1n - this.offset++;
      const range = { start: slot * CANISTER_IDS_PER_SUBNET, end: (slot + 1n) * CANISTER_IDS_PER_SUBNET - 1n };
      if (this.assigned.every((r) => r.end < range.start || r.start > range.end)) {
        this.assigned.push(range);
        return range;
      }
    }
  }
}

interface SubnetSpec {
  instructionConfig: InstructionConfig;
}

/** A SubnetSpec of ExtendedSubnetConfigSet, `true` of the legacy SubnetConfigSet, or absent. */
function specOf(value: JsonValue | undefined, what: string): SubnetSpec | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return { instructionConfig: 'Production' };
  const o = asObject(value, what);
  const state = o['state_config'] ?? 'New';
  if (state !== 'New') {
    throw badRequest(`${what}: only new subnets are supported (state_config "New"), not ${JSON.stringify(state)}`);
  }
  const ic = o['instruction_config'] ?? 'Production';
  if (ic !== 'Production' && ic !== 'Benchmarking') throw badRequest(`${what}.instruction_config: expected "Production" or "Benchmarking"`);
  return { instructionConfig: ic };
}

/** The specs of a list (ExtendedSubnetConfigSet) or a count (SubnetConfigSet). */
function specsOf(value: JsonValue | undefined, what: string): SubnetSpec[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'number') return Array.from({ length: value }, () => ({ instructionConfig: 'Production' as const }));
  if (!Array.isArray(value)) throw badRequest(`${what}: expected a list of subnet specs`);
  return value.map((v, i) => specOf(v, `${what}[${i}]`) ?? { instructionConfig: 'Production' as const });
}

/** The subnets of a `subnet_config_set`, with PocketIC's canister ranges. Throws PocketApiError(400). */
export function planSubnets(subnetConfigSet: JsonValue | undefined): PlannedSubnet[] {
  const set = asObject(subnetConfigSet ?? {}, 'subnet_config_set');
  const gen = new RangeGen();
  const plan: PlannedSubnet[] = [];
  for (const [key, kind] of [
    ['nns', 'NNS'],
    ['sns', 'SNS'],
    ['ii', 'II'],
    ['fiduciary', 'Fiduciary'],
    ['bitcoin', 'Bitcoin'],
  ] as const) {
    const spec = specOf(set[key], `subnet_config_set.${key}`);
    if (!spec) continue;
    const ranges = FIXED_RANGES[kind] as CanisterIdRange[];
    gen.assign(ranges);
    plan.push({ kind, instructionConfig: spec.instructionConfig, ranges, allocRange: gen.next() });
  }
  for (const [key, kind] of [
    ['system', 'System'],
    ['application', 'Application'],
    ['verified_application', 'VerifiedApplication'],
  ] as const) {
    for (const spec of specsOf(set[key], `subnet_config_set.${key}`)) {
      plan.push({ kind, instructionConfig: spec.instructionConfig, ranges: [gen.next()] });
    }
  }
  if (plan.length === 0) throw badRequest('ExtendedSubnetConfigSet must contain at least one subnet');
  // PocketIC creates the NNS subnet first.
  plan.sort((a, b) => Number(a.kind !== 'NNS') - Number(b.kind !== 'NNS'));
  return plan;
}

/** The runtime's subnet configurations for a plan (ids are allocated from the first range given). */
export function replicaSubnetsOf(plan: PlannedSubnet[], seed: string): SubnetConfig[] {
  return plan.map((s, i) => ({
    kind: RUNTIME_KINDS[s.kind],
    size: SIZES[s.kind],
    ranges: s.allocRange ? [s.allocRange, ...s.ranges] : s.ranges,
    name: `${seed} ${s.kind} subnet ${i}`,
    ...(s.instructionConfig === 'Benchmarking' ? { limits: BENCHMARKING_LIMITS } : {}),
  }));
}

export function pocketKindOf(subnet: Subnet): PocketSubnetKind {
  return POCKET_KINDS.get(subnet.kind) ?? 'Application';
}

/** The canister PocketIC calls "default effective": first id of the first application (else verified, system, any) subnet. */
export function defaultEffectiveCanisterId(plan: PlannedSubnet[]): Principal {
  const pick =
    plan.find((s) => s.kind === 'Application') ??
    plan.find((s) => s.kind === 'VerifiedApplication') ??
    plan.find((s) => s.kind === 'System') ??
    (plan[0] as PlannedSubnet);
  return canisterIdFromIndex((pick.allocRange ?? (pick.ranges[0] as CanisterIdRange)).start);
}

function sha(...parts: string[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** A node id of the subnet: a self-authenticating-shaped principal derived from the subnet id. */
function nodeId(subnet: Subnet, i: number): Principal {
  const bytes = new Uint8Array(29);
  bytes.set(sha('node', subnet.id.toText(), String(i)).subarray(0, 28));
  bytes[28] = 2;
  return Principal.fromUint8Array(bytes);
}

/** PocketIC's Topology JSON for an instance. */
export function topologyJson(replica: Replica, plan: PlannedSubnet[]): JsonValue {
  const configs: Record<string, JsonValue> = {};
  replica.subnets.forEach((subnet, i) => {
    const planned = plan[i] as PlannedSubnet;
    const ranges = planned.allocRange ? [...planned.ranges, planned.allocRange] : planned.ranges;
    configs[subnet.id.toText()] = {
      subnet_kind: planned.kind,
      subnet_seed: [...sha(subnet.id.toText())],
      size: subnet.size,
      node_ids: Array.from({ length: subnet.size }, (_, n) => ({ node_id: base64Of(nodeId(subnet, n).toUint8Array()) })),
      canister_ranges: ranges.map((r) => ({ start: rawCanisterId(canisterIdFromIndex(r.start)), end: rawCanisterId(canisterIdFromIndex(r.end)) })),
      instruction_config: planned.instructionConfig,
    };
  });
  return { subnet_configs: configs, default_effective_canister_id: rawCanisterId(defaultEffectiveCanisterId(plan)) };
}
