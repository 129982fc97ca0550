// `mockic serve`: the offline dev server. A live replica behind the IC HTTP interface on 127.0.0.1,
// with the canisters of the project in the current (or --project) directory installed from their
// built Wasm (an `assets` canister by the asset canister stand-in serving its source directories),
// canister ids written where dfx writes them, and the whole state persisted in a directory
// (checkpointed after every round) so a restart continues where the last run stopped.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Principal } from '@dfinity/principal';
import { RejectCode, Replica, UserError, assetCanister, fetchHttpsOutcall, internetIdentity, parseCandid, parseModule, restoreReplica, type AssetFile, type JsCanister, type ReplicaCheckpointer } from '@mockic/runtime';
import { Certifier, startLoopbackServer } from '@mockic/mock-agent';
import { loadDfxProject, type Project, type ProjectCanister } from './dfx-project.ts';
import { loadIcpYamlProject } from './icp-yaml-project.ts';
import { encodeCandidText, type EncodeOptions } from './candid-value-text.ts';
import { buildMotokoCanister, newestMotokoSource } from './motoko-build.ts';
import { CANDID_UI_PATH, serveCandidUi } from './candid-ui.ts';
import { watchProject } from './project-watcher.ts';

export type Out = { log: (s: string) => void; error: (s: string) => void };

export const SERVE_HELP = `  mockic serve [--port <n>] [--project <dir>] [--state <dir>] [--clean] [--in-memory] [--watch]
               [--https-outcalls fetch|off]
               [--argument <name>=<hex>] [--argument-file <name>=<path>] [--wasm <name>=<path>]
               [--controller <principal>]...
      The offline dev server: a replica on the wall clock with the IC HTTP interface on 127.0.0.1
      (default port 4943; HttpAgent: { host: 'http://127.0.0.1:4943' }, then fetchRootKey()). In a
      dfx project (dfx.json) or icp-cli project (icp.yaml) it installs every canister from its built
      Wasm (.dfx/local/canisters/<name>/<name>.wasm[.gz], a custom canister's "wasm", icp.yaml's
      wasm / pre-built path; a Motoko canister without one is compiled from its "main" with moc.js,
      cached in .mockic/build; Internet Identity without its downloaded Wasm: a stand-in whose
      sign-in page answers auth-client logins) with its init argument (an "assets" canister: a stand-in serving the
      files of its "source" directories, read at start), prints each canister's id and URL, and writes
      .dfx/local/canister_ids.json (and dfx's output_env_file) so generated declarations find them.
      Paths outside /api/ are the HTTP gateway: http://127.0.0.1:4943/?canisterId=<id> (or
      http://<id>.localhost:4943/) serves the canister's http_request answer to a browser, and
      http://127.0.0.1:4943/_/candid is a Candid UI: every canister's methods, called with Candid text.
      A module that changed since the last run upgrades its canister (Motoko heaps are kept).
      State (modules, heaps, stable memory, settings, cycles, certified data, timers, ids) is
      checkpointed after every round to <project>/.mockic/state and restored on the next start.
        --port <n>               Port to listen on (default 4943; 0 picks a free one).
        --project <dir>          The project directory (default: the current directory).
        --state <dir>            Where state persists (default <project>/.mockic/state; without a
                                 project nothing persists unless --state is given).
        --clean                  Drop the persisted state and start empty.
        --in-memory              Persist nothing.
        --watch                  Watch the project: a changed Motoko source is recompiled, a rebuilt
                                 Wasm installed, changed asset files served, without a restart.
        --https-outcalls <fetch|off>  Canisters' HTTPS outcalls are made for real (fetch, the default,
                                 as dfx's replica does) or refused with SYS_TRANSIENT (off).
        --argument <name>=<hex>  Init argument of canister <name> as hex DIDL bytes (overrides
                                 dfx.json). init_arg / init_arg_file in dfx.json (init_args in
                                 icp.yaml) may hold Candid text such as '(record { owner = principal
                                 "aaaaa-aa"; limit = 10 })', typed by the canister's .did (dfx.json
                                 "candid", .dfx/local/canisters/<name>/constructor.did, or the
                                 module's candid:service metadata) or else inferred from the
                                 literals; hex DIDL bytes; or (file only) raw DIDL bytes.
        --argument-file <name>=<path>  The same from a file (raw DIDL bytes or hex text).
        --wasm <name>=<path>     Install <name> from this module (e.g. a recipe-built icp.yaml canister).
        --controller <principal> An extra controller of the canisters installed (the anonymous
                                 principal always is one, so an unauthenticated agent may manage them).`;

interface ServeFlags {
  port: number;
  project: string;
  state: string | undefined;
  clean: boolean;
  inMemory: boolean;
  arguments: Map<string, Uint8Array>;
  wasm: Map<string, string>;
  controllers: Principal[];
  watch: boolean;
  httpsOutcalls: 'fetch' | 'off';
}

function parseFlags(args: string[], out: Out): ServeFlags | undefined {
  const flags: ServeFlags = {
    port: 4943,
    project: process.cwd(),
    state: undefined,
    clean: false,
    inMemory: false,
    arguments: new Map(),
    wasm: new Map(),
    controllers: [],
    watch: false,
    httpsOutcalls: 'fetch',
  };
  const pair = (flag: string, v: string | undefined): [string, string] | undefined => {
    const at = v?.indexOf('=') ?? -1;
    if (v === undefined || at <= 0) {
      out.error(`mockic serve: ${flag} expects <name>=<value>`);
      return undefined;
    }
    return [v.slice(0, at), v.slice(at + 1)];
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const v = args[i + 1];
    switch (a) {
      case '--port': {
        const port = Number(v);
        if (v === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
          out.error(`mockic serve: invalid --port ${v}`);
          return undefined;
        }
        flags.port = port;
        i++;
        break;
      }
      case '--project':
      case '--state':
        if (v === undefined) {
          out.error(`mockic serve: ${a} expects a directory`);
          return undefined;
        }
        if (a === '--project') flags.project = resolve(v);
        else flags.state = resolve(v);
        i++;
        break;
      case '--clean':
        flags.clean = true;
        break;
      case '--in-memory':
        flags.inMemory = true;
        break;
      case '--watch':
        flags.watch = true;
        break;
      case '--https-outcalls':
        if (v !== 'fetch' && v !== 'off') {
          out.error(`mockic serve: --https-outcalls expects fetch or off, not ${v}`);
          return undefined;
        }
        flags.httpsOutcalls = v;
        i++;
        break;
      case '--argument':
      case '--argument-file': {
        const p = pair(a, v);
        if (!p) return undefined;
        try {
          flags.arguments.set(p[0], a === '--argument' ? hexToBytes(p[1]) : argumentFileBytes(resolve(p[1])));
        } catch (e) {
          out.error(`mockic serve: ${a} ${p[0]}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
        i++;
        break;
      }
      case '--wasm': {
        const p = pair(a, v);
        if (!p) return undefined;
        flags.wasm.set(p[0], resolve(p[1]));
        i++;
        break;
      }
      case '--controller':
        try {
          flags.controllers.push(Principal.fromText(v ?? ''));
        } catch {
          out.error(`mockic serve: invalid --controller ${v}`);
          return undefined;
        }
        i++;
        break;
      default:
        out.error(`mockic serve: unknown option ${a}`);
        return undefined;
    }
  }
  return flags;
}

/** Runs the dev server until `signal` aborts (or SIGINT/SIGTERM); returns the exit code. */
export async function serveCommand(args: string[], out: Out, signal: AbortSignal | undefined, untilStopped: (s?: AbortSignal) => Promise<void>): Promise<number> {
  const flags = parseFlags(args, out);
  if (!flags) return 2;
  let project: Project | undefined;
  try {
    project = loadDfxProject(flags.project) ?? loadIcpYamlProject(flags.project);
  } catch (e) {
    out.error(`mockic serve: cannot read the project in ${flags.project}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const stateDir = flags.inMemory ? undefined : (flags.state ?? (project ? join(project.root, '.mockic', 'state') : undefined));

  let replica: Replica;
  let checkpointer: ReplicaCheckpointer | undefined;
  if (stateDir) {
    const restored = await restoreReplica({
      stateDirectory: stateDir,
      liveTime: true,
      clean: flags.clean,
      onError: (e) => out.error(`mockic serve: checkpoint failed: ${e instanceof Error ? e.message : String(e)}`),
    });
    replica = restored.replica;
    checkpointer = restored.checkpointer;
    if (flags.clean) out.log(`State: ${stateDir} (cleaned)`);
    else if (restored.restored.length > 0) out.log(`State: ${stateDir} (${restored.restored.length} canister(s) restored)`);
    else out.log(`State: ${stateDir}`);
    if (restored.recovery === 'rolled-forward') out.log('  an interrupted checkpoint was completed');
    if (restored.recovery === 'discarded') out.log('  an interrupted checkpoint was discarded (the state is the one before it)');
  } else {
    replica = await Replica.create({ liveTime: true });
  }

  // HTTPS outcalls go out for real, as from dfx's replica (or are refused with --https-outcalls off)
  replica.httpsOutcalls.setHandler(
    flags.httpsOutcalls === 'fetch'
      ? (o) => fetchHttpsOutcall(o)
      : () => ({ reject: { code: RejectCode.SYS_TRANSIENT, message: 'HTTPS outcalls are off (mockic serve --https-outcalls off)' } }),
  );

  const names = new Map<string, string>();
  if (project) {
    const ok = await installProject(replica, project, flags, stateDir, names, out);
    if (!ok) {
      checkpointer?.close();
      return 1;
    }
    checkpointer?.checkpoint();
  }

  const certifier = Certifier.create(replica);
  let server;
  try {
    const idsToNames = () => new Map([...names].map(([name, id]) => [id, name] as [string, string]));
    server = await startLoopbackServer({ replica, certifier, port: flags.port, live: true, pages: (req) => serveCandidUi(replica, req, idsToNames()) });
  } catch (e) {
    out.error(`mockic serve: cannot listen on 127.0.0.1:${flags.port}: ${e instanceof Error ? e.message : String(e)}`);
    checkpointer?.close();
    return 1;
  }
  out.log(`mockic replica listening on ${server.url} (root key: fetch it with agent.fetchRootKey())`);
  if (names.size > 0) {
    const width = Math.max(...[...names.keys()].map((n) => n.length));
    out.log('Canisters:');
    for (const [name, id] of names) out.log(`  ${name.padEnd(width)}  ${id}  ${server.url}/?canisterId=${id}`);
    out.log(`Candid UI: ${server.url}${CANDID_UI_PATH} (call any canister's methods with Candid text)`);
  }
  if (project) writeCanisterIds(project, names, out);
  const watched = project;
  const watcher =
    flags.watch && watched
      ? watchProject(watched, async (paths) => {
          out.log(`Changed: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}; installing again`);
          await installProject(replica, watched, flags, stateDir, names, out);
          writeCanisterIds(watched, names, out);
          checkpointer?.checkpoint();
        })
      : undefined;
  if (watcher) out.log('Watching the project: changed sources are rebuilt and their canisters upgraded');
  await untilStopped(signal);
  watcher?.close();
  await server.close();
  checkpointer?.close();
  return 0;
}

/** Installs (or keeps, or upgrades) every canister of the project; false on a fatal error. */
async function installProject(
  replica: Replica,
  project: Project,
  flags: ServeFlags,
  stateDir: string | undefined,
  names: Map<string, string>,
  out: Out,
): Promise<boolean> {
  const namesFile = stateDir ? join(stateDir, 'canister-names.json') : undefined;
  // the canisters of earlier runs (state directory) and of this process (--watch reinstalls)
  const known = new Map<string, string>([...Object.entries(readJson<Record<string, string>>(namesFile) ?? {}), ...names]);
  const dfxIds = project.kind === 'dfx' ? readJson<Record<string, Record<string, string>>>(canisterIdsPath(project)) : undefined;
  const controllers = [Principal.anonymous(), ...flags.controllers];
  const total = project.canisters.length;
  let newestSource: number | undefined; // the .mo tree is scanned once per pass, and only if a built Wasm competes
  out.log(`Project: ${relative(process.cwd(), project.manifest) || project.manifest} (${total} canister${total === 1 ? '' : 's'})`);
  for (const [k, c] of project.canisters.entries()) {
    const step = `[${k + 1}/${total}] ${c.name}`;
    const standIn: StandInContext = { known, names, controllers, wanted: dfxIds?.[c.name]?.['local'] ?? c.pullId, step, root: project.root };
    if (c.assetSources && !flags.wasm.has(c.name)) {
      await installAssets(replica, c, standIn, out);
      continue;
    }
    let wasmPath = flags.wasm.get(c.name) ?? c.wasmCandidates.find((p) => existsSync(p));
    const hasSource = c.motokoMain !== undefined && existsSync(join(project.root, c.motokoMain));
    if (wasmPath && hasSource && !flags.wasm.has(c.name) && (newestSource ??= newestMotokoSource(project.root)) > statSync(wasmPath).mtimeMs) {
      out.log(`${step}: the Motoko sources are newer than ${relative(project.root, wasmPath)}: compiling them instead`);
      wasmPath = undefined;
    }
    if (!wasmPath && hasSource && c.motokoMain) {
      // no (current) `dfx build` output: compile the Motoko source with moc.js
      try {
        const built = buildMotokoCanister(project.root, c.name, c.motokoMain);
        if (built) {
          wasmPath = built.wasmPath;
          c.candidCandidates = [built.candidPath, ...(c.candidCandidates ?? []).filter((p) => !p.startsWith(join(project.root, '.mockic', 'build')))];
          out.log(`${step}: ${built.cached ? 'unchanged since the last build of' : `compiled in ${(built.ms / 1000).toFixed(1)} s with moc.js:`} ${c.motokoMain}`);
        } else {
          out.log(`${step}: no built Wasm, and moc.js (the \`motoko\` npm package) is not installed to compile ${c.motokoMain}`);
        }
      } catch (e) {
        out.error(`${step}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
    }
    if (!wasmPath && c.internetIdentity) {
      // dfx would download II's Wasm: serve the sign-in stand-in instead (auth-client logins work offline)
      await installStandIn(replica, c, internetIdentity(), 'Internet Identity stand-in: auth-client logins go to its sign-in page', standIn, out);
      continue;
    }
    const existing = known.get(c.name);
    const hosted = existing !== undefined && replica.findCanister(Principal.fromText(existing));
    if (!wasmPath) {
      if (hosted) {
        names.set(c.name, existing);
        out.log(`${step}: no built Wasm found; keeping the running canister ${existing}`);
      } else {
        out.log(`${step}: skipped, no built Wasm (looked for ${c.wasmCandidates.map((p) => relative(project.root, p)).join(', ') || 'a wasm path'}; run the build or pass --wasm ${c.name}=<path>)`);
      }
      continue;
    }
    const wasm = new Uint8Array(readFileSync(wasmPath));
    const size = `${(wasm.length / 1024).toFixed(0)} KiB`;
    const source = relative(project.root, wasmPath);
    try {
      if (hosted) {
        const id = Principal.fromText(existing);
        const canister = replica.canister(id);
        const hash = createHash('sha256').update(wasm).digest();
        if (canister.moduleHash && Buffer.from(canister.moduleHash).equals(hash)) {
          out.log(`${step}: ${existing} restored (module unchanged)`);
        } else if (!canister.moduleHash) {
          out.log(`${step}: installing ${source} (${size}) into ${existing}...`);
          replica.installCode({ canisterId: id, wasm, arg: initArgOf(c, flags, wasm, project.root), sender: Principal.anonymous() });
          out.log(`${step}: ${existing} installed`);
        } else {
          out.log(`${step}: upgrading ${existing} with ${source} (${size})...`);
          await replica.upgradeCanister({ canisterId: id, wasm, arg: initArgOf(c, flags, wasm, project.root), sender: Principal.anonymous() });
          out.log(`${step}: ${existing} upgraded`);
        }
        names.set(c.name, existing);
        continue;
      }
      const arg = initArgOf(c, flags, wasm, project.root);
      out.log(`${step}: installing ${source} (${size})...`);
      const wanted = dfxIds?.[c.name]?.['local'];
      let specifiedId: Principal | undefined;
      if (wanted) {
        try {
          const p = Principal.fromText(wanted);
          if (!replica.findCanister(p) && replica.subnets.some((s) => s.contains(p))) specifiedId = p;
        } catch {
          // not a principal: allocate a new id
        }
      }
      const id = replica.createCanister({ controllers, specifiedId, sender: Principal.anonymous() });
      try {
        replica.installCode({ canisterId: id, wasm, arg, sender: Principal.anonymous() });
      } catch (e) {
        replica.deleteCanister(id);
        throw e;
      }
      names.set(c.name, id.toText());
      known.set(c.name, id.toText());
      out.log(`${step}: ${id.toText()} installed`);
    } catch (e) {
      const message = e instanceof UserError ? `${e.errorCode}: ${e.description}` : e instanceof Error ? e.message : String(e);
      out.error(`${step}: install failed: ${message}`);
    }
  }
  if (namesFile) writeJsonAtomic(namesFile, Object.fromEntries([...known].filter(([, id]) => replica.findCanister(Principal.fromText(id)))));
  return true;
}

type StandInContext = { known: Map<string, string>; names: Map<string, string>; controllers: Principal[]; wanted: string | undefined; step: string; root: string };

/**
 * An `assets` canister: the asset canister stand-in serving the files of its source directories, read
 * now (restart the server after a rebuild).
 */
async function installAssets(replica: Replica, c: ProjectCanister, ctx: StandInContext, out: Out): Promise<void> {
  const files: AssetFile[] = [];
  const missing: string[] = [];
  for (const dir of c.assetSources ?? []) {
    if (!existsSync(dir)) missing.push(relative(ctx.root, dir) || '.');
    else collectFiles(dir, '', files);
  }
  if (missing.length > 0) out.log(`${ctx.step}: source director${missing.length === 1 ? 'y' : 'ies'} not found: ${missing.join(', ')} (run the frontend build)`);
  const bytes = files.reduce((n, f) => n + f.content.length, 0);
  const from = (c.assetSources ?? []).map((d) => relative(ctx.root, d) || '.').join(', ');
  await installStandIn(replica, c, assetCanister({ files }), `serving ${files.length} file${files.length === 1 ? '' : 's'} (${(bytes / 1024).toFixed(0)} KiB) from ${from || 'no source directory'} (asset canister stand-in)`, ctx, out);
}

/**
 * A JS stand-in in the canister the project had (a restored canister is reinstalled: stand-ins keep
 * no state across restarts) or in a new one, at the id dfx would use when that is free.
 */
async function installStandIn(replica: Replica, c: ProjectCanister, canister: JsCanister, what: string, ctx: StandInContext, out: Out): Promise<void> {
  const existing = ctx.known.get(c.name);
  try {
    let id: Principal;
    if (existing !== undefined && replica.findCanister(Principal.fromText(existing))) {
      id = Principal.fromText(existing);
      const empty = replica.canister(id).installedModule === undefined;
      await replica.installJsCanister(canister, { canisterId: id, mode: empty ? 'install' : 'reinstall', sender: Principal.anonymous() });
    } else {
      let specifiedId: Principal | undefined;
      try {
        const p = ctx.wanted ? Principal.fromText(ctx.wanted) : undefined;
        if (p && !replica.findCanister(p) && replica.subnets.some((s) => s.contains(p))) specifiedId = p;
      } catch {
        // not a principal: allocate a new id
      }
      id = await replica.installJsCanister(canister, { controllers: ctx.controllers, specifiedId, sender: Principal.anonymous() });
    }
    ctx.names.set(c.name, id.toText());
    ctx.known.set(c.name, id.toText());
    out.log(`${ctx.step}: ${id.toText()} ${what}`);
  } catch (e) {
    const message = e instanceof UserError ? `${e.errorCode}: ${e.description}` : e instanceof Error ? e.message : String(e);
    out.error(`${ctx.step}: install failed: ${message}`);
  }
}

/** Every file under `dir` as an asset keyed by its path below it (later source directories win). */
function collectFiles(dir: string, prefix: string, out: AssetFile[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collectFiles(path, `${prefix}/${entry.name}`, out);
    else if (entry.isFile()) {
      const key = `${prefix}/${entry.name}`;
      const at = out.findIndex((f) => f.path === key);
      const file = { path: key, content: new Uint8Array(readFileSync(path)) };
      if (at >= 0) out[at] = file;
      else out.push(file);
    }
  }
}

/** The init argument of a canister: --argument/--argument-file, else init_arg / init_arg_file. */
function initArgOf(c: ProjectCanister, flags: ServeFlags, wasm: Uint8Array, root: string): Uint8Array {
  const override = flags.arguments.get(c.name);
  if (override) return override;
  const types = () => initArgTypes(c, wasm, root);
  if (c.initArg !== undefined) return candidArgBytes(c.initArg, `canister ${c.name}: init_arg`, types);
  if (c.initArgFile !== undefined) return argumentFileBytes(c.initArgFile, `canister ${c.name}: init_arg_file ${relative(root, c.initArgFile)}`, types);
  return EMPTY_ARGS;
}

const EMPTY_ARGS = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]);

type ArgTypes = Pick<EncodeOptions, 'types' | 'namedTypes'> & { source?: string };

function candidArgBytes(text: string, what: string, types?: () => ArgTypes): Uint8Array {
  const t = text.trim();
  if (t === '' || /^\(\s*\)$/.test(t)) return EMPTY_ARGS;
  if (/^(0x)?4449444c([0-9a-f]{2})*$/i.test(t.replace(/\s+/g, ''))) return hexToBytes(t.replace(/\s+/g, ''));
  if (!types) {
    throw new Error(`${what} is Candid text, which needs the canister's types: put it in init_arg / init_arg_file, or encode it with \`didc encode '${t}'\` and pass hex`);
  }
  const typed = types();
  const source = typed.source ? `, typed by ${typed.source}` : ' (no .did with init arguments found: types inferred from the literals)';
  return encodeCandidText(t, { types: typed.types, namedTypes: typed.namedTypes, what: `${what}${source}` });
}

function argumentFileBytes(path: string, what = path, types?: () => ArgTypes): Uint8Array {
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes[0] === 0x44 && bytes[1] === 0x49 && bytes[2] === 0x44 && bytes[3] === 0x4c) return bytes;
  return candidArgBytes(new TextDecoder().decode(bytes), what, types);
}

/**
 * The init argument types of a canister: the first .did candidate whose service has init arguments
 * (`service : (A) -> {…}`), else the module's candid:service (or candid:args) metadata, else none
 * (the values' types are inferred). Named types of a .did found serve annotations either way.
 */
function initArgTypes(c: ProjectCanister, wasm: Uint8Array, root: string): ArgTypes {
  let named: ArgTypes['namedTypes'];
  for (const path of c.candidCandidates ?? []) {
    if (!existsSync(path)) continue;
    let parsed;
    try {
      parsed = parseCandid(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`canister ${c.name}: cannot read its Candid interface ${relative(root, path)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    named ??= parsed.types;
    if (parsed.initArgs.length > 0) return { types: parsed.initArgs, namedTypes: parsed.types, source: relative(root, path) };
  }
  const meta = candidMetadata(wasm);
  if (meta) return { ...meta, namedTypes: meta.namedTypes ?? named };
  return { namedTypes: named };
}

/** Init argument types from the module's `candid:service` / `candid:args` custom sections. */
function candidMetadata(wasm: Uint8Array): ArgTypes | undefined {
  let info;
  try {
    info = parseModule(wasm[0] === 0x1f && wasm[1] === 0x8b ? new Uint8Array(gunzipSync(wasm)) : wasm);
  } catch {
    return undefined;
  }
  const section = (name: string) => {
    const data = info.icpPublic.get(name) ?? info.icpPrivate.get(name);
    return data && new TextDecoder().decode(data);
  };
  const tryParse = (did: string | undefined) => {
    try {
      return did === undefined ? undefined : parseCandid(did);
    } catch {
      return undefined;
    }
  };
  const service = tryParse(section('candid:service'));
  if (service && service.initArgs.length > 0) return { types: service.initArgs, namedTypes: service.types, source: "the module's candid:service metadata" };
  // candid:args is `<type definitions> (<argument types>)`: make it a service with those init arguments.
  const args = section('candid:args')?.trim();
  if (args?.endsWith(')')) {
    let depth = 0;
    let open = -1;
    for (let i = args.length - 1; i >= 0; i--) {
      if (args[i] === ')') depth++;
      else if (args[i] === '(' && --depth === 0) {
        open = i;
        break;
      }
    }
    const parsed = open < 0 ? undefined : tryParse(`${args.slice(0, open)}\nservice : ${args.slice(open)} -> {}`);
    if (parsed && parsed.initArgs.length > 0) return { types: parsed.initArgs, namedTypes: parsed.types, source: "the module's candid:args metadata" };
  }
  return undefined;
}

function canisterIdsPath(project: Project): string {
  return join(project.root, '.dfx', 'local', 'canister_ids.json');
}

/** .dfx/local/canister_ids.json as dfx writes it ({ name: { local: id } }), and output_env_file. */
function writeCanisterIds(project: Project, names: Map<string, string>, out: Out): void {
  if (names.size === 0) return;
  const path = project.kind === 'dfx' ? canisterIdsPath(project) : join(project.root, '.mockic', 'canister_ids.json');
  const ids = readJson<Record<string, Record<string, string>>>(path) ?? {};
  for (const [name, id] of names) ids[name] = { ...ids[name], local: id };
  writeJsonAtomic(path, ids);
  out.log(`Canister ids written to ${relative(project.root, path)}`);
  if (project.outputEnvFile) {
    const keep = existsSync(project.outputEnvFile)
      ? readFileSync(project.outputEnvFile, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '' && !/^(DFX_NETWORK|CANISTER_ID_[A-Z0-9_]+)=/.test(l))
      : [];
    const lines = [...keep, "DFX_NETWORK='local'"];
    for (const [name, id] of names) lines.push(`CANISTER_ID_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}='${id}'`);
    mkdirSync(dirname(project.outputEnvFile), { recursive: true });
    writeFileSync(project.outputEnvFile, `${lines.join('\n')}\n`);
  }
}

function readJson<T>(path: string | undefined): T | undefined {
  if (!path || !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.trim().replace(/^0x/, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not a hex string: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
