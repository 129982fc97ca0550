// The option and result shapes of @dfinity/pic 0.16's PocketIc, for the in-process class. pic-js
// declares SubnetStateType, SubnetType, IcpConfigFlag, IcpFeaturesConfig and CanisterHttpMethod as
// TypeScript enums; here they are frozen objects with the same members and string values (so values
// imported from @dfinity/pic work too) and a type of the same name for the union of the values.
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import type { Actor, ActorInterface } from './pocket-ic-actor.ts';

export const SubnetStateType = Object.freeze({ New: 'new', FromPath: 'fromPath' } as const);
export type SubnetStateType = (typeof SubnetStateType)[keyof typeof SubnetStateType];

export const IcpConfigFlag = Object.freeze({ Disabled: 'Disabled', Enabled: 'Enabled' } as const);
export type IcpConfigFlag = (typeof IcpConfigFlag)[keyof typeof IcpConfigFlag];

export const IcpFeaturesConfig = Object.freeze({ DefaultConfig: 'DefaultConfig' } as const);
export type IcpFeaturesConfig = (typeof IcpFeaturesConfig)[keyof typeof IcpFeaturesConfig];

export const SubnetType = Object.freeze({
  Application: 'Application',
  Bitcoin: 'Bitcoin',
  Fiduciary: 'Fiduciary',
  InternetIdentity: 'II',
  NNS: 'NNS',
  SNS: 'SNS',
  System: 'System',
} as const);
export type SubnetType = (typeof SubnetType)[keyof typeof SubnetType];

export const CanisterHttpMethod = Object.freeze({ GET: 'GET', POST: 'POST', HEAD: 'HEAD' } as const);
export type CanisterHttpMethod = (typeof CanisterHttpMethod)[keyof typeof CanisterHttpMethod];

export interface NewSubnetStateConfig {
  type: 'new';
}

export interface FromPathSubnetStateConfig {
  type: 'fromPath';
  path: string;
}

export interface SubnetConfig<T extends NewSubnetStateConfig | FromPathSubnetStateConfig = NewSubnetStateConfig | FromPathSubnetStateConfig> {
  enableDeterministicTimeSlicing?: boolean;
  enableBenchmarkingInstructionLimits?: boolean;
  state: T;
}

export type NnsSubnetStateConfig = NewSubnetStateConfig | FromPathSubnetStateConfig;
export type NnsSubnetConfig = SubnetConfig<NnsSubnetStateConfig>;
export type SnsSubnetStateConfig = NewSubnetStateConfig;
export type SnsSubnetConfig = SubnetConfig<SnsSubnetStateConfig>;
export type IiSubnetStateConfig = NewSubnetStateConfig;
export type IiSubnetConfig = SubnetConfig<IiSubnetStateConfig>;
export type FiduciarySubnetStateConfig = NewSubnetStateConfig;
export type FiduciarySubnetConfig = SubnetConfig<FiduciarySubnetStateConfig>;
export type BitcoinSubnetStateConfig = NewSubnetStateConfig;
export type BitcoinSubnetConfig = SubnetConfig<BitcoinSubnetStateConfig>;
export type SystemSubnetStateConfig = NewSubnetStateConfig;
export type SystemSubnetConfig = SubnetConfig<SystemSubnetStateConfig>;
export type ApplicationSubnetStateConfig = NewSubnetStateConfig;
export type ApplicationSubnetConfig = SubnetConfig<ApplicationSubnetStateConfig>;
export type VerifiedApplicationSubnetStateConfig = NewSubnetStateConfig;
export type VerifiedApplicationSubnetConfig = SubnetConfig<VerifiedApplicationSubnetStateConfig>;

export interface IcpConfig {
  betaFeatures?: IcpConfigFlag;
  canisterBacktrace?: IcpConfigFlag;
  functionNameLengthLimits?: IcpConfigFlag;
  canisterExecutionRateLimiting?: IcpConfigFlag;
}

export interface IcpFeatures {
  registry?: IcpFeaturesConfig;
  cyclesMinting?: IcpFeaturesConfig;
  icpToken?: IcpFeaturesConfig;
  cyclesToken?: IcpFeaturesConfig;
  nnsGovernance?: IcpFeaturesConfig;
  sns?: IcpFeaturesConfig;
  ii?: IcpFeaturesConfig;
  nnsUi?: never;
}

export interface CreateInstanceOptions {
  nns?: NnsSubnetConfig;
  sns?: SnsSubnetConfig;
  ii?: IiSubnetConfig;
  fiduciary?: FiduciarySubnetConfig;
  bitcoin?: BitcoinSubnetConfig;
  system?: SystemSubnetConfig[];
  application?: ApplicationSubnetConfig[];
  verifiedApplication?: VerifiedApplicationSubnetConfig[];
  /** Accepted for compatibility; nothing in-process times out. */
  processingTimeoutMs?: number;
  icpConfig?: IcpConfig;
  icpFeatures?: IcpFeatures;
}

export interface SubnetTopology {
  id: Principal;
  type: SubnetType;
  size: number;
  canisterRanges: Array<{ start: Principal; end: Principal }>;
}

/** Bytes as pic-js takes them (ArrayBufferLike); typed arrays are accepted as well. */
export type BytesLike = ArrayBufferLike | ArrayBufferView;

export interface CanisterSettings {
  controllers?: Principal[];
  computeAllocation?: bigint;
  memoryAllocation?: bigint;
  freezingThreshold?: bigint;
  reservedCyclesLimit?: bigint;
}

export interface CreateCanisterOptions extends CanisterSettings {
  cycles?: bigint;
  sender?: Principal;
  targetSubnetId?: Principal;
  targetCanisterId?: Principal;
}

export interface SetupCanisterOptions extends CreateCanisterOptions {
  idlFactory: IDL.InterfaceFactory;
  wasm: BytesLike | string;
  arg?: BytesLike;
  sender?: Principal;
}

export interface CanisterFixture<T extends ActorInterface<T> = ActorInterface> {
  actor: Actor<T>;
  canisterId: Principal;
}

export interface StartCanisterOptions {
  canisterId: Principal;
  sender?: Principal;
  targetSubnetId?: Principal;
}

export interface StopCanisterOptions {
  canisterId: Principal;
  sender?: Principal;
  targetSubnetId?: Principal;
}

export interface InstallCodeOptions {
  canisterId: Principal;
  wasm: BytesLike | string;
  arg?: BytesLike;
  sender?: Principal;
  targetSubnetId?: Principal;
}

export interface ReinstallCodeOptions {
  canisterId: Principal;
  wasm: BytesLike | string;
  arg?: BytesLike;
  sender?: Principal;
}

export interface CanisterInstallModeUpgradeOptions {
  skip_pre_upgrade: [] | [boolean];
  wasm_memory_persistence: [] | [{ keep?: null; replace?: null }];
}

export interface UpgradeCanisterOptions {
  canisterId: Principal;
  wasm: BytesLike | string;
  arg?: BytesLike;
  sender?: Principal;
  upgradeModeOptions?: CanisterInstallModeUpgradeOptions;
}

export interface UpdateCanisterSettingsOptions extends Partial<CanisterSettings> {
  canisterId: Principal;
  sender?: Principal;
}

export interface QueryCallOptions {
  sender?: Principal;
  canisterId: Principal;
  method: string;
  arg?: BytesLike;
  targetSubnetId?: Principal;
}

export interface UpdateCallOptions {
  sender?: Principal;
  canisterId: Principal;
  method: string;
  arg?: BytesLike;
  targetSubnetId?: Principal;
}

export type CanisterHttpHeader = [string, string];

export interface PendingHttpsOutcall {
  subnetId: Principal;
  requestId: number;
  httpMethod: CanisterHttpMethod;
  url: string;
  headers: CanisterHttpHeader[];
  body: Uint8Array;
  maxResponseBytes?: number;
}

export interface HttpsOutcallSuccessResponse {
  type: 'success';
  statusCode: number;
  headers: CanisterHttpHeader[];
  body: Uint8Array;
}

export interface HttpsOutcallRejectResponse {
  type: 'reject';
  statusCode: number;
  message: string;
}

export type HttpsOutcallResponseMock = HttpsOutcallSuccessResponse | HttpsOutcallRejectResponse;

export interface MockPendingHttpsOutcallOptions {
  subnetId: Principal;
  requestId: number;
  response: HttpsOutcallResponseMock;
  additionalResponses?: HttpsOutcallResponseMock[];
}
