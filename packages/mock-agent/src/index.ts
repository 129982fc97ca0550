// @mockic/mock-agent: the Internet Computer's HTTP interface over an in-process replica, for
// @dfinity/agent (and @icp-sdk/core) agents — as a fetch function, a loopback HTTP server, or an
// Agent implementation — plus the certification layer (state tree, root key, certificates).
export const VERSION = '0.1.0';

export { IcHttpInterface, canisterIdInArg, toResponse, MAX_INGRESS_TTL_NANOS, PERMITTED_DRIFT_NANOS, MAX_INGRESS_BYTES } from './http/ic-http-interface.ts';
export type { HttpResult, IcHttpInterfaceOptions } from './http/ic-http-interface.ts';
export { createReplicaFetch } from './http/replica-fetch.ts';
export type { ReplicaFetch, ReplicaFetchOptions } from './http/replica-fetch.ts';
export { startLoopbackServer } from './http/loopback-server.ts';
export { HttpGateway } from './http/http-gateway.ts';
export type { GatewayRequest } from './http/http-gateway.ts';
export type { LoopbackServer, LoopbackServerOptions } from './http/loopback-server.ts';
export { MockAgent } from './mock-agent.ts';
export { ImpersonatedIdentity } from './impersonated-identity.ts';
export type { MockAgentOptions, MockCallOptions } from './mock-agent.ts';
export {
  authenticate,
  verifySignature,
  parsePublicKey,
  selfAuthenticatingPrincipal,
  IC_REQUEST_DOMAIN,
  IC_DELEGATION_DOMAIN,
  IC_RESPONSE_DOMAIN,
} from './http/authentication.ts';
export type { AuthenticationResult, CanisterIdSet, EnvelopeAuthentication, SignedDelegation, VerificationContext } from './http/authentication.ts';
export { parseCanisterSignatureKey, verifyCanisterSignature } from './http/canister-signature.ts';
export { hashOfMap, hashValue, requestIdOf } from './http/request-id.ts';
export type { HashableValue } from './http/request-id.ts';
export * from './certification/index.ts';
