// @mockic/pocket: the PocketIC test API in-process, and a PocketIC-compatible server.
export const VERSION = '0.1.0';

export { startPocketIcServer } from './pocket-ic-server.ts';
export type { PocketIcServer, PocketIcServerOptions } from './pocket-ic-server.ts';
export { InstanceRegistry } from './instance-registry.ts';
export type { StoredBlob } from './instance-registry.ts';
export { PocketInstance } from './pocket-instance.ts';
export type { PocketInstanceOptions, PocketCall, SubmitOutcome } from './pocket-instance.ts';
export { planSubnets, replicaSubnetsOf, topologyJson, defaultEffectiveCanisterId } from './subnet-topology.ts';
export type { PlannedSubnet, PocketSubnetKind, InstructionConfig, CanisterIdRange } from './subnet-topology.ts';
export { PocketApiError, parsePocketJson, stringifyPocketJson } from './pocket-json.ts';
export type { JsonValue, EffectivePrincipal, RawRejectResponse } from './pocket-json.ts';
