// JS-defined canisters: defineCanister, its context, Candid text, and the plugins.
export { defineCanister } from './js-canister.ts';
export type { JsCanister, JsCanisterDefinition, JsMethod, MethodReturn, Yieldable } from './js-canister.ts';
export { JsContext, PendingCall, CallRejectedError } from './js-context.ts';
export type { ContextKind, JsCallOptions, CallSignature, TimerCallback } from './js-context.ts';
export { JsCanisterInstance, JS_EXECUTION_INSTRUCTIONS } from './js-canister-instance.ts';
export { parseCandid, serviceToCandid, CandidSyntaxError, CANDID_PRIMITIVES } from './candid-text.ts';
export type { ParsedCandid } from './candid-text.ts';
export { cloneState } from './clone-state.ts';
export { icrcLedger, accountKey, ICRC_LEDGER_CANDID } from './plugins/icrc-ledger.ts';
export type { IcrcLedgerOptions, IcrcAccount, IcrcLedgerState } from './plugins/icrc-ledger.ts';
export {
  internetIdentity,
  delegationHash,
  delegationSignedBytes,
  rawEd25519Key,
  DELEGATION_DOMAIN,
  INTERNET_IDENTITY_CANDID,
} from './plugins/internet-identity.ts';
export type { InternetIdentityOptions, Delegation } from './plugins/internet-identity.ts';
export { assetCanister, contentTypeOf, ASSET_CANISTER_CANDID, ASSET_CHUNK_BYTES } from './plugins/asset-canister.ts';
export type { AssetCanisterOptions, AssetFile } from './plugins/asset-canister.ts';
