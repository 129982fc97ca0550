// Shared fixtures for the HTTP-interface tests: a replica at wall-clock time (agents compute
// ingress_expiry from Date.now()), its certifier, and the seed canisters with hand-written IDL.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica } from '@mockic/runtime';
import { motokoFixture } from '@mockic/fixtures';
import { Certifier } from '../../src/certification/certifier.ts';

export const counterIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    inc: IDL.Func([], [IDL.Nat], []),
    add: IDL.Func([IDL.Nat], [IDL.Nat], []),
    get: IDL.Func([], [IDL.Nat], ['query']),
    missing: IDL.Func([], [IDL.Nat], []),
    missingQuery: IDL.Func([], [IDL.Nat], ['query']),
  });

export const trappingIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    setThenTrap: IDL.Func([IDL.Nat], [], []),
    set: IDL.Func([IDL.Nat], [], []),
    get: IDL.Func([], [IDL.Nat], ['query']),
  });

export const callerIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    sumPeeks: IDL.Func([IDL.Vec(IDL.Principal)], [IDL.Nat], ['composite_query']),
    callAdd: IDL.Func([IDL.Principal, IDL.Nat], [IDL.Nat], []),
  });

export interface World {
  replica: Replica;
  certifier: Certifier;
  counter: Principal;
  trapping: Principal;
  caller: Principal;
  callee: Principal;
  controller: Principal;
}

export const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;

export async function world(options: { time?: bigint } = {}): Promise<World> {
  const replica = await Replica.create({ time: options.time ?? nowNanos() });
  const certifier = Certifier.create(replica, { seed: 'http-tests' });
  const controller = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
  const install = (name: 'counter' | 'trapping' | 'caller' | 'callee') =>
    replica.installCanister({ wasm: motokoFixture(name).wasm, controllers: [controller], sender: controller });
  const counter = await install('counter');
  const trapping = await install('trapping');
  const caller = await install('caller');
  const callee = await install('callee');
  return { replica, certifier, counter, trapping, caller, callee, controller };
}

