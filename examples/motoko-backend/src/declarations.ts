// The backend's Candid interface for JavaScript, as `dfx generate` would write it
// (src/declarations/backend/backend.did.js and .d.ts), kept by hand next to src/backend.mo.
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export interface Todo {
  id: bigint;
  owner: Principal;
  text: string;
  done: boolean;
}
export type TodoError = { notFound: null } | { notOwner: null };
export type TodoResult = { ok: null } | { err: TodoError };

export interface BackendService {
  add: (text: string) => Promise<bigint>;
  addAll: (texts: string[]) => Promise<bigint[]>;
  complete: (id: bigint) => Promise<TodoResult>;
  remove: (id: bigint) => Promise<TodoResult>;
  get: (id: bigint) => Promise<[] | [Todo]>;
  mine: () => Promise<Todo[]>;
  all: () => Promise<Todo[]>;
  upgradeCount: () => Promise<bigint>;
}

export const idlFactory: IDL.InterfaceFactory = ({ IDL }) => {
  const Todo = IDL.Record({ id: IDL.Nat, owner: IDL.Principal, text: IDL.Text, done: IDL.Bool });
  const Error = IDL.Variant({ notFound: IDL.Null, notOwner: IDL.Null });
  const Result = IDL.Variant({ ok: IDL.Null, err: Error });
  return IDL.Service({
    add: IDL.Func([IDL.Text], [IDL.Nat], []),
    addAll: IDL.Func([IDL.Vec(IDL.Text)], [IDL.Vec(IDL.Nat)], []),
    complete: IDL.Func([IDL.Nat], [Result], []),
    remove: IDL.Func([IDL.Nat], [Result], []),
    get: IDL.Func([IDL.Nat], [IDL.Opt(Todo)], ['query']),
    mine: IDL.Func([], [IDL.Vec(Todo)], ['query']),
    all: IDL.Func([], [IDL.Vec(Todo)], ['query']),
    upgradeCount: IDL.Func([], [IDL.Nat], ['query']),
  });
};
