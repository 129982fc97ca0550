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
export { PocketIc } from './pocket-ic.ts';
export { createIdentity, generateRandomIdentity } from './identities.ts';
export { createActorClass, createDeferredActorClass } from './pocket-ic-actor.ts';
export type {
  Actor,
  ActorInterface,
  ActorMethod,
  ActorCall,
  ActorCallClient,
  DeferredActor,
  DeferredActorInterface,
  DeferredActorMethod,
  IdentityLike,
} from './pocket-ic-actor.ts';
export { TopologyValidationError, InstanceDeletedError } from './pocket-ic-errors.ts';
export { SubnetStateType, SubnetType, IcpConfigFlag, IcpFeaturesConfig, CanisterHttpMethod } from './pocket-ic-types.ts';
export type {
  ApplicationSubnetConfig,
  ApplicationSubnetStateConfig,
  BitcoinSubnetConfig,
  BitcoinSubnetStateConfig,
  BytesLike,
  CanisterFixture,
  CanisterHttpHeader,
  CanisterInstallModeUpgradeOptions,
  CanisterSettings,
  CreateCanisterOptions,
  CreateInstanceOptions,
  FiduciarySubnetConfig,
  FiduciarySubnetStateConfig,
  FromPathSubnetStateConfig,
  HttpsOutcallRejectResponse,
  HttpsOutcallResponseMock,
  HttpsOutcallSuccessResponse,
  IcpConfig,
  IcpFeatures,
  IiSubnetConfig,
  IiSubnetStateConfig,
  InstallCodeOptions,
  MockPendingHttpsOutcallOptions,
  NewSubnetStateConfig,
  NnsSubnetConfig,
  NnsSubnetStateConfig,
  PendingHttpsOutcall,
  QueryCallOptions,
  ReinstallCodeOptions,
  SetupCanisterOptions,
  SnsSubnetConfig,
  SnsSubnetStateConfig,
  StartCanisterOptions,
  StopCanisterOptions,
  SubnetConfig,
  SubnetTopology,
  SystemSubnetConfig,
  SystemSubnetStateConfig,
  UpdateCallOptions,
  UpdateCanisterSettingsOptions,
  UpgradeCanisterOptions,
  VerifiedApplicationSubnetConfig,
  VerifiedApplicationSubnetStateConfig,
} from './pocket-ic-types.ts';
