// PocketIC's `icp_features`: system canisters deployed when an instance is created. mockic has no
// system canister Wasm to deploy, so it deploys its JS stand-ins at the mainnet ids, which is what a
// canister test reaches for: `icp_token` — an ICRC-1/ICRC-2 ledger as the ICP ledger
// (ryjl3-tyaaa-aaaaa-aaaba-cai, 8 decimals, fee 10,000 e8s, the anonymous principal's account
// holding 1,000,000,000 ICP); `cycles_token` — an ICRC-1/ICRC-2 ledger as the cycles ledger
// (um5iw-rqaaa-aaaaq-qaaba-cai, TCYCLES, 12 decimals, fee 100M); `ii` — the Internet Identity
// stand-in (rdmx6-jaaaa-aaaaa-aaadq-cai). The subnets they live on (NNS, II) are added to the
// topology when missing, as PocketIC does. The other features (registry, cycles minting, NNS
// governance, SNS, NNS dapp) are refused with an error naming them; so are the index canisters and
// the ledgers' non-ICRC methods, which the stand-ins do not have.
import { Principal } from '@dfinity/principal';
import { icrcLedger, internetIdentity, type JsCanister, type Replica } from '@mockic/runtime';
import { asObject, PocketApiError, type JsonValue } from './pocket-json.ts';

export type SupportedIcpFeature = 'icp_token' | 'cycles_token' | 'ii';

const KNOWN = ['registry', 'cycles_minting', 'icp_token', 'cycles_token', 'nns_governance', 'sns', 'ii', 'nns_ui'];
const SUPPORTED = new Set<string>(['icp_token', 'cycles_token', 'ii']);

/** NNS root: the controller of the NNS canisters on mainnet and in PocketIC. */
const NNS_ROOT = Principal.fromText('r7inp-6aaaa-aaaaa-aaabq-cai');
const E8S = 100_000_000n;

interface Deployment {
  id: string;
  subnet: 'nns' | 'ii';
  make: () => JsCanister;
}

const DEPLOYMENTS: Record<SupportedIcpFeature, Deployment> = {
  icp_token: {
    id: 'ryjl3-tyaaa-aaaaa-aaaba-cai',
    subnet: 'nns',
    make: () =>
      icrcLedger({
        name: 'Internet Computer',
        symbol: 'ICP',
        decimals: 8,
        fee: 10_000n,
        mintingAccount: NNS_ROOT,
        initialBalances: [[Principal.anonymous(), 1_000_000_000n * E8S]],
      }),
  },
  cycles_token: {
    id: 'um5iw-rqaaa-aaaaq-qaaba-cai',
    subnet: 'ii',
    make: () => icrcLedger({ name: 'Trillion Cycles', symbol: 'TCYCLES', decimals: 12, fee: 100_000_000n, mintingAccount: NNS_ROOT }),
  },
  ii: { id: 'rdmx6-jaaaa-aaaaa-aaadq-cai', subnet: 'ii', make: () => internetIdentity() },
};

/** The features of an `icp_features` object (snake_case keys, "DefaultConfig" values). Throws PocketApiError(400). */
export function icpFeaturesOf(value: JsonValue | undefined): SupportedIcpFeature[] {
  if (value === undefined || value === null) return [];
  const o = asObject(value, 'icp_features');
  const enabled: string[] = [];
  for (const [key, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (!KNOWN.includes(key)) throw new PocketApiError(400, `icp_features: unknown feature ${key}`);
    if (v !== 'DefaultConfig') throw new PocketApiError(400, `icp_features.${key}: expected "DefaultConfig", got ${JSON.stringify(v)}`);
    enabled.push(key);
  }
  const refused = enabled.filter((k) => !SUPPORTED.has(k));
  if (refused.length > 0) {
    throw new PocketApiError(
      400,
      `ICP features ${refused.join(', ')} are not supported by mockic: it deploys JS stand-ins for icp_token, cycles_token and ii only (no system canister Wasm)`,
    );
  }
  return enabled as SupportedIcpFeature[];
}

/** pic-js's camelCase `icpFeatures` as the REST API's snake_case object. */
export function icpFeaturesJson(features: Record<string, unknown> | undefined): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(features ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v as JsonValue;
  }
  return out;
}

/** The subnet config set with the subnets the features live on (NNS, II) added when missing. */
export function withFeatureSubnets(set: { [key: string]: JsonValue }, features: SupportedIcpFeature[]): { [key: string]: JsonValue } {
  const out = { ...set };
  for (const f of features) {
    const key = DEPLOYMENTS[f].subnet;
    if (out[key] === undefined || out[key] === null) out[key] = { state_config: 'New', instruction_config: 'Production' };
  }
  return out;
}

/** Deploys the stand-ins at their mainnet ids (the subnets must exist and the ids be free). */
export async function deployIcpFeatures(replica: Replica, features: SupportedIcpFeature[]): Promise<void> {
  for (const f of features) {
    const d = DEPLOYMENTS[f];
    const id = Principal.fromText(d.id);
    if (replica.findCanister(id)) throw new PocketApiError(400, `icp_features.${f}: canister ${d.id} already exists`);
    await replica.installJsCanister(d.make(), { specifiedId: id, controllers: [NNS_ROOT], sender: NNS_ROOT });
  }
}
