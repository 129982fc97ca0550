// Helpers for the JS-canister tests: Candid-typed update and query calls against a replica.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { UserError, type Replica } from '@mockic/runtime';

export interface Typed {
  args?: IDL.Type[];
  rets?: IDL.Type[];
  sender?: Principal;
  cycles?: bigint;
}

function decodeOne(rets: IDL.Type[], bytes: Uint8Array): unknown {
  const values = IDL.decode(rets, bytes);
  return rets.length === 1 ? values[0] : values;
}

export async function update(replica: Replica, id: Principal, method: string, args: unknown[] = [], t: Typed = {}): Promise<unknown> {
  const bytes = await replica.update(id, method, IDL.encode(t.args ?? [], args), { sender: t.sender, cycles: t.cycles });
  return decodeOne(t.rets ?? [], bytes);
}

export async function query(replica: Replica, id: Principal, method: string, args: unknown[] = [], t: Typed = {}): Promise<unknown> {
  const bytes = await replica.query(id, method, IDL.encode(t.args ?? [], args), { sender: t.sender });
  return decodeOne(t.rets ?? [], bytes);
}

/** The UserError a call rejects with (fails when it succeeds or throws anything else). */
export async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}
