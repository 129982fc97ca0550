// The agent libraries the certification tests verify against: @icp-sdk/core (the current agent)
// always, and @dfinity/agent 3.4.3 when it loads (it needs @noble/hashes 1.x as its peer; with 2.x
// installed alongside it cannot start, and the tests say so instead of failing).
import * as icpSdk from '@icp-sdk/core/agent';
import { Principal as IcpPrincipal } from '@icp-sdk/core/principal';
import type { Principal } from '@dfinity/principal';

export type AgentLib = Pick<typeof icpSdk, 'Certificate' | 'Cbor' | 'lookup_path' | 'reconstruct' | 'LookupPathStatus'>;

export interface NamedAgentLib {
  name: string;
  lib: AgentLib;
}

async function loadDfinityAgent(): Promise<AgentLib | undefined> {
  try {
    return (await import('@dfinity/agent')) as unknown as AgentLib;
  } catch (e) {
    console.warn(`  (@dfinity/agent did not load, verifying with @icp-sdk/core only: ${(e as { code?: string }).code ?? (e as Error).message.slice(0, 120)})`);
    return undefined;
  }
}

const dfinity = await loadDfinityAgent();

export const agents: NamedAgentLib[] = [{ name: '@icp-sdk/core', lib: icpSdk }, ...(dfinity ? [{ name: '@dfinity/agent', lib: dfinity }] : [])];

/** Certificate.create for either agent: @icp-sdk/core takes `principal: { canisterId }`, @dfinity/agent `canisterId`. */
export function verifyCertificate(lib: AgentLib, certificate: Uint8Array, rootKey: Uint8Array, canisterId: Principal): Promise<icpSdk.Certificate> {
  const id = IcpPrincipal.fromUint8Array(canisterId.toUint8Array());
  const options = { certificate, rootKey, principal: { canisterId: id }, canisterId: id };
  return lib.Certificate.create(options);
}
