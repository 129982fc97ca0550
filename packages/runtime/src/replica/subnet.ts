// A subnet: its id, kind, node count (which scales its fees), canister id ranges, and the limits
// its canisters run under. The replica holds one or more; canisters live on exactly one, composite
// queries stay within one, and calls between subnets pay the sender's subnet's xnet fees.
import type { Principal } from '@dfinity/principal';
import { CanisterIdAllocator, type CanisterIdRange } from './canister-id-allocator.ts';
import { FeeSchedule, type FeeConfig } from '../cycles/fee-schedule.ts';
import { resolveLimits, type ExecutionLimits } from '../config/execution-limits.ts';

export type SubnetKind = 'application' | 'verified_application' | 'system' | 'nns' | 'ii' | 'sns' | 'fiduciary' | 'bitcoin';

export interface SubnetConfig {
  kind: SubnetKind;
  /** Nodes: fees scale by size / 13 (default 13; 34 for fiduciary, 40 for NNS as on mainnet). */
  size?: number;
  /** Canister id ranges; default: a range of its own, derived from its position. */
  ranges?: CanisterIdRange[];
  /** Seed for the subnet id (default: kind and position). */
  name?: string;
  limits?: Partial<ExecutionLimits>;
  fees?: Partial<FeeConfig>;
}

const DEFAULT_SIZES: Record<SubnetKind, number> = {
  application: 13,
  verified_application: 13,
  system: 13,
  nns: 40,
  ii: 28,
  sns: 34,
  fiduciary: 34,
  bitcoin: 13,
};

/** System subnets (and the NNS, II, SNS, bitcoin subnets) run their canisters without charging cycles. */
export function chargesCycles(kind: SubnetKind): boolean {
  return kind === 'application' || kind === 'verified_application' || kind === 'fiduciary';
}

const B = 1_000_000_000n;

/** Limits of a subnet kind: system subnets allow 50 B instructions per message and 1 T per install. */
function limitsFor(kind: SubnetKind): Partial<ExecutionLimits> {
  if (chargesCycles(kind)) return {};
  return { instructionsPerMessage: 50n * B, instructionsPerQuery: 50n * B, instructionsPerInstallCode: 1_000n * B, instructionsPerInstallCodeSlice: 5n * B };
}

export class Subnet {
  readonly id: Principal;
  readonly kind: SubnetKind;
  readonly size: number;
  readonly allocator: CanisterIdAllocator;
  readonly fees: FeeSchedule;
  readonly limits: ExecutionLimits;
  readonly chargesCycles: boolean;

  constructor(
    config: SubnetConfig,
    index: number,
    base: { limits?: Partial<ExecutionLimits>; fees?: Partial<FeeConfig>; chargeCycles: boolean; id?: Principal },
  ) {
    this.kind = config.kind;
    this.size = config.size ?? config.fees?.subnetSize ?? base.fees?.subnetSize ?? DEFAULT_SIZES[config.kind];
    const range = config.ranges?.[0] ?? defaultRange(index);
    this.allocator = new CanisterIdAllocator(range, config.name ?? `mockic ${config.kind} subnet ${index}`, config.ranges);
    this.id = base.id ?? this.allocator.subnetId;
    this.fees = new FeeSchedule({ ...base.fees, ...config.fees, subnetSize: this.size });
    this.limits = resolveLimits({ ...limitsFor(config.kind), ...base.limits, ...config.limits });
    this.chargesCycles = base.chargeCycles && chargesCycles(config.kind);
  }

  contains(id: Principal): boolean {
    return this.allocator.contains(id);
  }
}

/** The first subnet gets the range a local dfx replica uses; later ones ranges of 2^20 ids after it. */
function defaultRange(index: number): CanisterIdRange {
  const start = 0x8000000000100000n + BigInt(index) * 0x100000n;
  return { start: index === 0 ? start + 1n : start, end: start + 0xfffffn };
}
