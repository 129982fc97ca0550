// Reads the canisters of a dfx project (dfx.json): where each canister's built Wasm is, its init
// argument, and the install order its dependencies imply. Nothing is built here: `dfx build` (or any
// build) puts modules in .dfx/local/canisters/<name>/, and a custom canister names its `wasm`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A canister of a project, as the dev server installs it. */
export interface ProjectCanister {
  name: string;
  /** dfx canister type (motoko, rust, custom, assets, …) or the icp.yaml recipe / build kind. */
  type: string;
  /** Candidate paths of the built module, best first (the first that exists is installed). */
  wasmCandidates: string[];
  /** Candid text of the init argument (`init_arg`), if any. */
  initArg?: string;
  /** File holding the init argument (`init_arg_file`): Candid text, hex, or DIDL bytes. */
  initArgFile?: string;
  /** Names of canisters this one depends on (installed first). */
  dependencies: string[];
  /** Candidate .did files (declared `candid`, then what a build leaves), best first: their init
   * argument types type a Candid-text init argument. */
  candidCandidates?: string[];
  /** An `assets` canister's source directories (dfx.json `source`), absolute: the dev server serves
   * their files with the asset canister stand-in. */
  assetSources?: string[];
  /** A Motoko canister's `main` (relative to the project root): compiled with moc.js when no built
   * Wasm exists. */
  motokoMain?: string;
  /** Internet Identity (a canister named internet_identity, II's release Wasm or its pull id): served
   * by the II stand-in when its Wasm was not downloaded. */
  internetIdentity?: boolean;
  /** A `pull` canister's mainnet id (dfx deploys it locally under the same id). */
  pullId?: string;
}

/** Internet Identity's canister id on mainnet (dfx deps pull it under this id). */
export const INTERNET_IDENTITY_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai';

export interface Project {
  kind: 'dfx' | 'icp';
  root: string;
  /** The manifest file (dfx.json or icp.yaml). */
  manifest: string;
  canisters: ProjectCanister[];
  /** dfx.json `output_env_file`: where dfx writes CANISTER_ID_<NAME> variables. */
  outputEnvFile?: string;
}

interface DfxCanisterJson {
  type?: string;
  wasm?: string;
  main?: string;
  init_arg?: string;
  init_arg_file?: string;
  candid?: string;
  dependencies?: string[];
  source?: string[];
  id?: string;
  remote?: { id?: Record<string, string> };
}

/** Loads `dfx.json` from `root`; undefined when there is none. Throws on malformed JSON. */
export function loadDfxProject(root: string): Project | undefined {
  const manifest = join(root, 'dfx.json');
  if (!existsSync(manifest)) return undefined;
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as { canisters?: Record<string, DfxCanisterJson>; output_env_file?: string };
  const canisters: ProjectCanister[] = [];
  for (const [name, c] of Object.entries(json.canisters ?? {})) {
    if (c.remote?.id?.['local']) continue; // a remote canister is not deployed locally
    const type = c.type ?? 'custom';
    const built = join(root, '.dfx', 'local', 'canisters', name);
    const candidates: string[] = [];
    if (type === 'custom' && c.wasm && !/^https?:/.test(c.wasm)) candidates.push(resolve(root, c.wasm));
    candidates.push(join(built, `${name}.wasm`), join(built, `${name}.wasm.gz`));
    // Other modules dfx leaves there (assetstorage.wasm.gz for asset canisters, pulled modules).
    if (existsSync(built)) {
      for (const f of readdirSync(built).sort()) {
        if (/\.wasm(\.gz)?$/.test(f) && !candidates.includes(join(built, f))) candidates.push(join(built, f));
      }
    }
    canisters.push({
      name,
      type,
      wasmCandidates: candidates,
      initArg: c.init_arg,
      initArgFile: c.init_arg_file ? resolve(root, c.init_arg_file) : undefined,
      dependencies: c.dependencies ?? [],
      assetSources: type === 'assets' ? (c.source ?? []).map((d) => resolve(root, d)) : undefined,
      motokoMain: type === 'motoko' && c.main ? c.main : undefined,
      internetIdentity: name === 'internet_identity' || /internet[_-]identity/.test(c.wasm ?? '') || c.id === INTERNET_IDENTITY_ID || undefined,
      pullId: type === 'pull' ? c.id : undefined,
      // dfx writes the service with its init arguments to constructor.did (<name>.did may lack them).
      candidCandidates: [
        ...(c.candid && !/^https?:/.test(c.candid) ? [resolve(root, c.candid)] : []),
        join(built, 'constructor.did'),
        join(built, `${name}.did`),
        join(built, 'service.did'),
      ],
    });
  }
  return {
    kind: 'dfx',
    root,
    manifest,
    canisters: dependencyOrder(canisters),
    outputEnvFile: json.output_env_file ? resolve(root, json.output_env_file) : undefined,
  };
}

/** Orders canisters so that each comes after its dependencies (declaration order otherwise). */
export function dependencyOrder(canisters: ProjectCanister[]): ProjectCanister[] {
  const byName = new Map(canisters.map((c) => [c.name, c]));
  const out: ProjectCanister[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: ProjectCanister) => {
    const s = state.get(c.name);
    if (s === 'done' || s === 'visiting') return; // a cycle is broken where it is found
    state.set(c.name, 'visiting');
    for (const d of c.dependencies) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    state.set(c.name, 'done');
    out.push(c);
  };
  for (const c of canisters) visit(c);
  return out;
}
