// The backend's Candid interface as `dfx generate` would emit it (backend/main.mo).
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export interface Entry {
  author: Principal;
  message: string;
}

export interface GuestbookService {
  count: () => Promise<bigint>;
  list: () => Promise<Entry[]>;
  whoami: () => Promise<Principal>;
  sign: (message: string) => Promise<bigint>;
}

export const idlFactory: IDL.InterfaceFactory = ({ IDL }) => {
  const Entry = IDL.Record({ author: IDL.Principal, message: IDL.Text });
  return IDL.Service({
    count: IDL.Func([], [IDL.Nat], ['query']),
    list: IDL.Func([], [IDL.Vec(Entry)], ['query']),
    whoami: IDL.Func([], [IDL.Principal], ['query']),
    sign: IDL.Func([IDL.Text], [IDL.Nat], []),
  });
};
