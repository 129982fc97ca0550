// The backend's Candid interface, as `dfx generate` emits it (src/declarations/backend/backend.did.js).
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export const idlFactory: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    get: IDL.Func([], [IDL.Nat], ['query']),
    increment: IDL.Func([], [IDL.Nat], []),
    whoami: IDL.Func([], [IDL.Principal], ['query']),
  });

export interface Backend {
  get(): Promise<bigint>;
  increment(): Promise<bigint>;
  whoami(): Promise<Principal>;
}
