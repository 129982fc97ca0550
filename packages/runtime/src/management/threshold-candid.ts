// The Candid types of the management canister methods served outside management-canister.ts: threshold
// keys (ecdsa_public_key, sign_with_ecdsa, schnorr_public_key, sign_with_schnorr) and HTTPS outcalls
// (http_request), as ic.did of the IC interface specification declares them, built with
// @dfinity/candid's IDL. Decoding a request with these types is also the payload check.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import type { Opt } from './management-candid.ts';

const Blob = IDL.Vec(IDL.Nat8);

// ------------------------------------------------------------------ threshold keys

export const EcdsaCurve = IDL.Variant({ secp256k1: IDL.Null });
export const SchnorrAlgorithm = IDL.Variant({ bip340secp256k1: IDL.Null, ed25519: IDL.Null });
export const EcdsaKeyId = IDL.Record({ curve: EcdsaCurve, name: IDL.Text });
export const SchnorrKeyId = IDL.Record({ algorithm: SchnorrAlgorithm, name: IDL.Text });

export const EcdsaPublicKeyArgs = IDL.Record({
  canister_id: IDL.Opt(IDL.Principal),
  derivation_path: IDL.Vec(Blob),
  key_id: EcdsaKeyId,
});
export const EcdsaPublicKeyResult = IDL.Record({ public_key: Blob, chain_code: Blob });

export const SignWithEcdsaArgs = IDL.Record({
  message_hash: Blob,
  derivation_path: IDL.Vec(Blob),
  key_id: EcdsaKeyId,
});
export const SignWithEcdsaResult = IDL.Record({ signature: Blob });

export const SchnorrPublicKeyArgs = IDL.Record({
  canister_id: IDL.Opt(IDL.Principal),
  derivation_path: IDL.Vec(Blob),
  key_id: SchnorrKeyId,
});
export const SchnorrPublicKeyResult = IDL.Record({ public_key: Blob, chain_code: Blob });

export const SchnorrAux = IDL.Variant({ bip341: IDL.Record({ merkle_root_hash: Blob }) });
export const SignWithSchnorrArgs = IDL.Record({
  message: Blob,
  derivation_path: IDL.Vec(Blob),
  key_id: SchnorrKeyId,
  aux: IDL.Opt(SchnorrAux),
});
export const SignWithSchnorrResult = IDL.Record({ signature: Blob });

// ------------------------------------------------------------------ HTTPS outcalls

export const HttpHeader = IDL.Record({ name: IDL.Text, value: IDL.Text });
export const HttpRequestResult = IDL.Record({ status: IDL.Nat, headers: IDL.Vec(HttpHeader), body: Blob });
export const TransformArgs = IDL.Record({ response: HttpRequestResult, context: Blob });
export const TransformFunction = IDL.Func([TransformArgs], [HttpRequestResult], ['query']);
export const HttpMethodVariant = IDL.Variant({ get: IDL.Null, head: IDL.Null, post: IDL.Null });

export const HttpRequestArgs = IDL.Record({
  url: IDL.Text,
  max_response_bytes: IDL.Opt(IDL.Nat64),
  method: HttpMethodVariant,
  headers: IDL.Vec(HttpHeader),
  body: IDL.Opt(Blob),
  transform: IDL.Opt(IDL.Record({ function: TransformFunction, context: Blob })),
  is_replicated: IDL.Opt(IDL.Bool),
  pricing_version: IDL.Opt(IDL.Nat32),
});

/** Argument and result types of the methods above (each takes one record and returns one). */
export const externalMethods = {
  ecdsa_public_key: { arg: [EcdsaPublicKeyArgs], ret: [EcdsaPublicKeyResult] },
  sign_with_ecdsa: { arg: [SignWithEcdsaArgs], ret: [SignWithEcdsaResult] },
  schnorr_public_key: { arg: [SchnorrPublicKeyArgs], ret: [SchnorrPublicKeyResult] },
  sign_with_schnorr: { arg: [SignWithSchnorrArgs], ret: [SignWithSchnorrResult] },
  http_request: { arg: [HttpRequestArgs], ret: [HttpRequestResult] },
} satisfies Record<string, { arg: IDL.Type[]; ret: IDL.Type[] }>;

export type ExternalMethodName = keyof typeof externalMethods;

// ------------------------------------------------------------------ decoded shapes

export interface EcdsaKeyIdArg {
  curve: { secp256k1: null };
  name: string;
}
export interface SchnorrKeyIdArg {
  algorithm: { bip340secp256k1: null } | { ed25519: null };
  name: string;
}
export interface EcdsaPublicKeyArg {
  canister_id: Opt<Principal>;
  derivation_path: Uint8Array[];
  key_id: EcdsaKeyIdArg;
}
export interface SignWithEcdsaArg {
  message_hash: Uint8Array;
  derivation_path: Uint8Array[];
  key_id: EcdsaKeyIdArg;
}
export interface SchnorrPublicKeyArg {
  canister_id: Opt<Principal>;
  derivation_path: Uint8Array[];
  key_id: SchnorrKeyIdArg;
}
export interface SignWithSchnorrArg {
  message: Uint8Array;
  derivation_path: Uint8Array[];
  key_id: SchnorrKeyIdArg;
  aux: Opt<{ bip341: { merkle_root_hash: Uint8Array } }>;
}
export interface HttpRequestArg {
  url: string;
  max_response_bytes: Opt<bigint>;
  method: { get: null } | { head: null } | { post: null };
  headers: Array<{ name: string; value: string }>;
  body: Opt<Uint8Array>;
  transform: Opt<{ function: [Principal, string]; context: Uint8Array }>;
  is_replicated: Opt<boolean>;
  pricing_version: Opt<number>;
}
