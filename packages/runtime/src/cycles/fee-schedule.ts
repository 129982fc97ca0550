// The cycles price list of a subnet, after the replica's application-subnet configuration for 13
// nodes (rs/config/src/subnet_config.rs, CyclesAccountManager), scaled linearly for other subnet
// sizes as the replica does. It answers the ic0.cost_* System API calls and the charges the
// scheduler makes; every number is a field so a test can set its own prices.
import type { CostOracle } from '../system-api/execution-state.ts';

export interface FeeConfig {
  subnetSize: number;
  canisterCreationFee: bigint;
  updateMessageExecutionFee: bigint;
  tenUpdateInstructionsExecutionFee: bigint;
  xnetCallFee: bigint;
  xnetByteTransmissionFee: bigint;
  ingressMessageReceptionFee: bigint;
  ingressByteReceptionFee: bigint;
  gibStoragePerSecondFee: bigint;
  computePercentAllocatedPerSecondFee: bigint;
  httpRequestLinearBaselineFee: bigint;
  httpRequestQuadraticBaselineFee: bigint;
  httpRequestPerByteFee: bigint;
  httpResponsePerByteFee: bigint;
  /** Threshold signature and key derivation fees by key name (13-node prices for test keys). */
  ecdsaKeys: ReadonlyMap<string, bigint>;
  schnorrKeys: ReadonlyMap<string, bigint>;
  vetkdKeys: ReadonlyMap<string, bigint>;
}

const REFERENCE_SUBNET_SIZE = 13;
const B = 1_000_000_000n;
const keyFees = (): Map<string, bigint> =>
  new Map([
    ['dfx_test_key', 10n * B],
    ['test_key_1', 10n * B],
    // key_1 lives on the 34-node fiduciary subnet: 10 B scaled by 34/13.
    ['key_1', (10n * B * 34n) / 13n],
  ]);

export const applicationSubnetFees: Readonly<FeeConfig> = {
  subnetSize: REFERENCE_SUBNET_SIZE,
  canisterCreationFee: 500n * B,
  updateMessageExecutionFee: 5_000_000n,
  tenUpdateInstructionsExecutionFee: 10n,
  xnetCallFee: 260_000n,
  xnetByteTransmissionFee: 1_000n,
  ingressMessageReceptionFee: 1_200_000n,
  ingressByteReceptionFee: 2_000n,
  gibStoragePerSecondFee: 127_000n,
  computePercentAllocatedPerSecondFee: 10_000_000n,
  httpRequestLinearBaselineFee: 3_000_000n,
  httpRequestQuadraticBaselineFee: 60_000n,
  httpRequestPerByteFee: 400n,
  httpResponsePerByteFee: 800n,
  ecdsaKeys: keyFees(),
  schnorrKeys: keyFees(),
  vetkdKeys: keyFees(),
};

/** Default HTTP outcall response limit when the request names none (2 MB). */
const MAX_HTTP_RESPONSE_BYTES = 2_000_000n;

export class FeeSchedule implements CostOracle {
  readonly config: FeeConfig;

  constructor(config: Partial<FeeConfig> = {}) {
    this.config = { ...applicationSubnetFees, ...config };
  }

  /** Scales a 13-node price to this subnet's size. */
  scale(amount: bigint): bigint {
    const n = BigInt(this.config.subnetSize);
    return (amount * n) / BigInt(REFERENCE_SUBNET_SIZE);
  }

  /** Fee to execute `instructions` in an update message (base fee plus per instruction). */
  execution(instructions: bigint, wasm64 = false): bigint {
    const perTen = this.config.tenUpdateInstructionsExecutionFee * (wasm64 ? 2n : 1n);
    return this.scale(this.config.updateMessageExecutionFee + (instructions * perTen) / 10n);
  }

  /** Fee for receiving an ingress message of `bytes` bytes. */
  ingress(bytes: bigint): bigint {
    return this.scale(this.config.ingressMessageReceptionFee + this.config.ingressByteReceptionFee * bytes);
  }

  call(methodNameSize: bigint, payloadSize: bigint): bigint {
    return this.scale(this.config.xnetCallFee + this.config.xnetByteTransmissionFee * (methodNameSize + payloadSize));
  }

  createCanister(): bigint {
    return this.scale(this.config.canisterCreationFee);
  }

  httpRequest(requestSize: bigint, maxResponseBytes: bigint): bigint {
    const c = this.config;
    const n = BigInt(c.subnetSize);
    const response = maxResponseBytes > 0n ? maxResponseBytes : MAX_HTTP_RESPONSE_BYTES;
    return (
      (c.httpRequestLinearBaselineFee +
        c.httpRequestQuadraticBaselineFee * n +
        c.httpRequestPerByteFee * requestSize +
        c.httpResponsePerByteFee * response) *
      n
    );
  }

  /** Storage fee for `bytes` held for `seconds`. */
  storage(bytes: bigint, seconds: bigint): bigint {
    const GIB = 1n << 30n;
    return this.scale((this.config.gibStoragePerSecondFee * bytes * seconds) / GIB);
  }

  signWithEcdsa(keyName: string): bigint | undefined {
    return this.config.ecdsaKeys.get(keyName);
  }

  signWithSchnorr(keyName: string): bigint | undefined {
    return this.config.schnorrKeys.get(keyName);
  }

  vetkdDeriveKey(keyName: string): bigint | undefined {
    return this.config.vetkdKeys.get(keyName);
  }
}
