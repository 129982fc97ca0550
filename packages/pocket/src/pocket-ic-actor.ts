// Actors as @dfinity/pic's PocketIc hands them out: one method per service method (queries and
// composite queries as query calls, everything else as update calls), Candid-encoded arguments, the
// results decoded as pic-js decodes them (no value: null, one value: the value, several: an array),
// and the sender switched with setPrincipal / setIdentity (anonymous until then). A deferred actor's
// methods submit the call and return a function that runs rounds until it completes.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

export interface ActorMethod<Args extends any[] = any[], Ret = any> {
  (...args: Args): Promise<Ret>;
}

export type ActorInterface<T = object> = {
  [K in keyof T]: ActorMethod;
};

/** What setIdentity needs of an identity (any @dfinity/agent Identity fits). */
export interface IdentityLike {
  getPrincipal(): Principal;
}

export type Actor<T extends ActorInterface<T> = ActorInterface> = T & {
  new (): Actor<T>;
  setPrincipal(principal: Principal): void;
  setIdentity(identity: IdentityLike): void;
};

export interface DeferredActorMethod<Args extends unknown[] = unknown[], Ret = unknown> {
  (...args: Args): Promise<() => Promise<Ret>>;
}

export type DeferredActorInterface<T extends ActorInterface<T> = ActorInterface> = {
  [K in keyof T]: DeferredActorMethod<Parameters<T[K]>, ReturnType<T[K]>>;
};

export type DeferredActor<T extends ActorInterface<T> = ActorInterface> = DeferredActorInterface<T> & {
  new (): DeferredActor<T>;
  setPrincipal(principal: Principal): void;
  setIdentity(identity: IdentityLike): void;
};

/** A call as an actor makes it. */
export interface ActorCall {
  canisterId: Principal;
  sender: Principal;
  method: string;
  payload: Uint8Array;
}

/** What the actors need of an instance: query and update calls, and submitted calls awaited later. */
export interface ActorCallClient<Pending> {
  queryCall(call: ActorCall): Promise<Uint8Array>;
  updateCall(call: ActorCall): Promise<Uint8Array>;
  submitCall(call: ActorCall): Promise<Pending>;
  awaitCall(pending: Pending): Promise<Uint8Array>;
}

/** pic-js's decodeCandid: null for no values, the value for one, the array for several. */
export function decodeCandid(types: IDL.Type[], data: Uint8Array): unknown {
  const values = IDL.decode(types, data);
  if (values.length === 0) return null;
  if (values.length === 1) return values[0];
  return values;
}

function isQuery(func: IDL.FuncClass): boolean {
  return func.annotations.includes('query') || func.annotations.includes('composite_query');
}

/** A constructor whose prototype carries the methods (pic-js's actors are such instances). */
function actorClass(methods: Record<string, unknown>, setSender: (p: Principal) => void): new () => object {
  const Actor = function (this: object) {} as unknown as { new (): object; prototype: Record<string, unknown> };
  Actor.prototype['setPrincipal'] = function (principal: Principal): void {
    setSender(principal);
  };
  Actor.prototype['setIdentity'] = function (identity: IdentityLike): void {
    setSender(identity.getPrincipal());
  };
  for (const [name, method] of Object.entries(methods)) Actor.prototype[name] = method;
  return Actor;
}

export function createActorClass<T extends ActorInterface<T> = ActorInterface, P = unknown>(
  interfaceFactory: IDL.InterfaceFactory,
  canisterId: Principal,
  client: ActorCallClient<P>,
): new () => Actor<T> {
  const service = interfaceFactory({ IDL });
  let sender: Principal | null = null;
  const methods: Record<string, unknown> = {};
  for (const [method, func] of service._fields) {
    const query = isQuery(func);
    methods[method] = async (...args: unknown[]): Promise<unknown> => {
      const payload = new Uint8Array(IDL.encode(func.argTypes, args));
      const call = { canisterId, sender: sender ?? Principal.anonymous(), method, payload };
      const body = query ? await client.queryCall(call) : await client.updateCall(call);
      return decodeCandid(func.retTypes, body);
    };
  }
  return actorClass(methods, (p) => {
    sender = p;
  }) as new () => Actor<T>;
}

export function createDeferredActorClass<T extends ActorInterface<T> = ActorInterface, P = unknown>(
  interfaceFactory: IDL.InterfaceFactory,
  canisterId: Principal,
  client: ActorCallClient<P>,
): new () => DeferredActor<T> {
  const service = interfaceFactory({ IDL });
  let sender: Principal | null = null;
  const methods: Record<string, unknown> = {};
  for (const [method, func] of service._fields) {
    methods[method] = async (...args: unknown[]): Promise<() => Promise<unknown>> => {
      const payload = new Uint8Array(IDL.encode(func.argTypes, args));
      const pending = await client.submitCall({ canisterId, sender: sender ?? Principal.anonymous(), method, payload });
      return async () => decodeCandid(func.retTypes, await client.awaitCall(pending));
    };
  }
  return actorClass(methods, (p) => {
    sender = p;
  }) as new () => DeferredActor<T>;
}
