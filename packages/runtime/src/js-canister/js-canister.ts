// defineCanister: a canister written in TypeScript. Its Candid interface (an idlFactory or .did
// text) decides which methods exist and their kinds (update, query, composite_query); handlers get
// a JsContext and return the reply value, or are generators that `yield ctx.call(...)` to call
// other canisters. Installed with `replica.installJsCanister(canister)`, it runs beside Wasm
// canisters with the same message semantics; see js-canister-instance.ts for the execution model.
import { IDL } from '@dfinity/candid';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CanisterModule, MethodKind } from '../canister/canister-module.ts';
import type { ExecutionEngineFactory } from '../canister/canister.ts';
import { parseCandid, serviceToCandid } from './candid-text.ts';
import type { JsContext, PendingCall } from './js-context.ts';
import { JsCanisterInstance } from './js-canister-instance.ts';

/** What a generator method may yield: one call, or several made at once (resumed with all replies). */
export type Yieldable = PendingCall | readonly PendingCall[];

/**
 * What a method returns: its reply value (encoded with the method's result types; an array when it
 * has several), or a generator that yields calls and returns the reply value. Replying explicitly
 * with ctx.reply / ctx.reject makes the return value irrelevant.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type MethodReturn = Generator<Yieldable, unknown, unknown> | {} | null | undefined | void;

export type JsMethod<S> = (ctx: JsContext<S>) => MethodReturn;

export interface JsCanisterDefinition<S = unknown> {
  /** A name for logs and the module hash. */
  name?: string;
  /** The service interface, as @dfinity/candid's idlFactory … */
  idlFactory?: IDL.InterfaceFactory;
  /** … or as .did text (also served verbatim as candid:service when given). */
  candid?: string;
  /** Init argument types (default: those of `service : (…) -> {…}` in the .did text, else none). */
  initArgs?: IDL.Type[];
  /** The initial state (called on install and reinstall; an upgrade keeps the previous state). */
  state?: () => S;
  /** canister_init: ctx.args are the decoded init arguments. */
  init?: (ctx: JsContext<S>) => void;
  /** canister_post_upgrade: runs on the kept state; ctx.args are the decoded upgrade arguments. */
  postUpgrade?: (ctx: JsContext<S>) => void;
  /** Handlers by method name; methods of the interface without a handler trap when called. */
  methods: { [name: string]: JsMethod<S> };
  /** canister_heartbeat, every round. */
  heartbeat?: JsMethod<S>;
  /** Runs when the raw global timer (ctx.setGlobalTimer) fires, after due ctx.setTimer callbacks. */
  globalTimer?: JsMethod<S>;
  /** canister_inspect_message: return true to accept the ingress message (ctx.method, ctx.args, ctx.caller). */
  inspect?: (ctx: JsContext<S>) => boolean;
}

/** A method as the engine runs it. */
export interface JsMethodEntry {
  kind: MethodKind;
  func: IDL.FuncClass;
  handler: JsMethod<unknown> | undefined;
}

/** A defined JS canister: install it with `replica.installJsCanister(canister)`. */
export interface JsCanister {
  readonly name: string;
  /** The interface, for actors (`Actor.createActor(canister.idlFactory, …)`) and for ctx.call's `idl`. */
  readonly idlFactory: IDL.InterfaceFactory;
  readonly service: IDL.ServiceClass;
  readonly initArgs: IDL.Type[];
  /** The .did text served as the candid:service metadata. */
  readonly candid: string;
  /** The module the canister reports (module_hash, methods, metadata). */
  readonly module: CanisterModule;
  /** What Canister.install runs instead of Wasm. */
  readonly engine: ExecutionEngineFactory;
  /** Init arguments as Candid: JS values are encoded with `initArgs`; bytes pass through. */
  encodeInitArgs(arg?: unknown[] | Uint8Array): Uint8Array;
}

/** The engine's view of a definition (the methods by name, kinds resolved). */
export interface JsCanisterProgram {
  definition: JsCanisterDefinition<unknown>;
  methods: ReadonlyMap<string, JsMethodEntry>;
  initArgs: IDL.Type[];
}

let emptyModule: WebAssembly.Module | undefined;
/** CanisterModule carries a WebAssembly.Module; a JS canister's is the empty module, never instantiated. */
function emptyWasmModule(): WebAssembly.Module {
  emptyModule ??= new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  return emptyModule;
}

function kindOf(func: IDL.FuncClass): MethodKind {
  if (func.annotations.includes('composite_query')) return 'composite_query';
  if (func.annotations.includes('query')) return 'query';
  return 'update';
}

/** Defines a canister in TypeScript. Throws TypeError when a handler has no method in the interface. */
export function defineCanister<S>(definition: JsCanisterDefinition<S>): JsCanister {
  let service: IDL.ServiceClass;
  let initArgs: IDL.Type[];
  let idlFactory: IDL.InterfaceFactory;
  if (definition.idlFactory) {
    idlFactory = definition.idlFactory;
    service = idlFactory({ IDL });
    initArgs = definition.initArgs ?? (definition.candid ? parseCandid(definition.candid).initArgs : []);
  } else if (definition.candid !== undefined) {
    const parsed = parseCandid(definition.candid);
    service = parsed.service;
    initArgs = definition.initArgs ?? parsed.initArgs;
    const s = service;
    idlFactory = () => s;
  } else {
    throw new TypeError('defineCanister: give the interface as `idlFactory` or as `candid` (.did text)');
  }
  const methods = new Map<string, JsMethodEntry>();
  for (const [name, func] of service._fields) {
    const handler = Object.hasOwn(definition.methods, name) ? definition.methods[name] : undefined;
    methods.set(name, { kind: kindOf(func), func, handler: handler as JsMethod<unknown> | undefined });
  }
  for (const name of Object.keys(definition.methods)) {
    if (!methods.has(name)) throw new TypeError(`defineCanister: method '${name}' is not in the Candid interface`);
  }
  const candid = definition.candid !== undefined ? definition.candid : serviceToCandid(service, initArgs);
  const name = definition.name ?? 'js-canister';

  const systemMethods = new Set<string>(['canister_global_timer']);
  if (definition.init) systemMethods.add('canister_init');
  if (definition.postUpgrade) systemMethods.add('canister_post_upgrade');
  if (definition.heartbeat) systemMethods.add('canister_heartbeat');
  if (definition.inspect) systemMethods.add('canister_inspect_message');

  // module_hash: a canonical description of the canister (interface and code), stable across runs.
  const code = (f: unknown) => (typeof f === 'function' ? f.toString() : '');
  const description = [
    'mockic js canister v1',
    `name ${name}`,
    `candid ${candid}`,
    ...[...methods.keys()].sort().map((m) => `method ${m} ${code(definition.methods[m])}`),
    `state ${code(definition.state)}`,
    `init ${code(definition.init)}`,
    `post_upgrade ${code(definition.postUpgrade)}`,
    `heartbeat ${code(definition.heartbeat)}`,
    `global_timer ${code(definition.globalTimer)}`,
    `inspect ${code(definition.inspect)}`,
  ].join('\n');
  const descriptionBytes = new TextEncoder().encode(description);
  const methodKinds = new Map<string, MethodKind>([...methods].map(([n, m]) => [n, m.kind]));
  const module: CanisterModule = {
    module: emptyWasmModule(),
    memory64: false,
    mutatedTables: [],
    hash: sha256(descriptionBytes),
    methods: methodKinds,
    systemMethods,
    publicMetadata: new Map([['candid:service', new TextEncoder().encode(candid)]]),
    privateMetadata: new Map([['mockic:js-canister', new TextEncoder().encode(name)]]),
    size: descriptionBytes.length,
  };
  const program: JsCanisterProgram = { definition: definition as JsCanisterDefinition<unknown>, methods, initArgs };
  const engine: ExecutionEngineFactory = {
    module,
    instantiate: ({ canisterId, previous }) => new JsCanisterInstance(program, canisterId, previous),
  };
  return {
    name,
    idlFactory,
    service,
    initArgs,
    candid,
    module,
    engine,
    encodeInitArgs(arg?: unknown[] | Uint8Array): Uint8Array {
      if (arg instanceof Uint8Array) return arg;
      return IDL.encode(initArgs, arg ?? []);
    },
  };
}
