// Candid helpers for tests: encode arguments and decode replies of the seed canisters.
import { IDL } from '@dfinity/candid';

export const none = (): Uint8Array => new Uint8Array(IDL.encode([], []));
export const nat = (n: bigint | number): Uint8Array => new Uint8Array(IDL.encode([IDL.Nat], [BigInt(n)]));
export const nat64 = (n: bigint | number): Uint8Array => new Uint8Array(IDL.encode([IDL.Nat64], [BigInt(n)]));
export const args = (types: IDL.Type[], values: unknown[]): Uint8Array => new Uint8Array(IDL.encode(types, values));
export const decodeNat = (bytes: Uint8Array): bigint => IDL.decode([IDL.Nat], bytes)[0] as bigint;
export const decodeNat64 = (bytes: Uint8Array): bigint => IDL.decode([IDL.Nat64], bytes)[0] as bigint;
export const decode = (types: IDL.Type[], bytes: Uint8Array): unknown[] => IDL.decode(types, bytes);
export { IDL };
