// Reads the canisters of an icp-cli project (icp.yaml). Recipes build modules into icp-cli's own
// cache, so a canister is installed from a path the manifest names: `wasm:`, a `pre-built` build
// step's `path:`, or a recipe's `configuration.path`/`configuration.wasm`; anything else is given
// with `mockic serve --wasm <name>=<path>`. Parsed with a small YAML subset (block mappings and
// sequences, plain/quoted scalars, flow sequences, block scalars): what icp.yaml files use.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dependencyOrder, type Project, type ProjectCanister } from './dfx-project.ts';

/** Loads `icp.yaml` (or `icp.yml`) from `root`; undefined when there is none. */
export function loadIcpYamlProject(root: string): Project | undefined {
  const manifest = ['icp.yaml', 'icp.yml'].map((f) => join(root, f)).find((f) => existsSync(f));
  if (!manifest) return undefined;
  const doc = parseYaml(readFileSync(manifest, 'utf8')) as { canisters?: unknown } | null;
  const canisters: ProjectCanister[] = [];
  const entries = Array.isArray(doc?.canisters) ? doc.canisters : [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      // A path (or dir/* glob) to directories holding canister.yaml.
      for (const dir of expandDirs(root, entry)) {
        const file = ['canister.yaml', 'canister.yml'].map((f) => join(dir, f)).find((f) => existsSync(f));
        if (file) {
          const c = canisterOf(dir, parseYaml(readFileSync(file, 'utf8')));
          if (c) canisters.push(c);
        }
      }
    } else {
      const c = canisterOf(root, entry);
      if (c) canisters.push(c);
    }
  }
  return { kind: 'icp', root, manifest, canisters: dependencyOrder(canisters) };
}

function expandDirs(root: string, pattern: string): string[] {
  if (pattern.endsWith('/*')) {
    const base = resolve(root, pattern.slice(0, -2));
    if (!existsSync(base)) return [];
    return readdirSync(base)
      .sort()
      .map((f) => join(base, f))
      .filter((p) => statSync(p).isDirectory());
  }
  return [resolve(root, pattern)];
}

function canisterOf(dir: string, value: unknown): ProjectCanister | undefined {
  if (!isMap(value) || typeof value['name'] !== 'string') return undefined;
  const name = value['name'];
  const candidates: string[] = [];
  const add = (p: unknown) => {
    if (typeof p === 'string' && !/^https?:/.test(p)) candidates.push(resolve(dir, p));
  };
  add(value['wasm']);
  const build = value['build'];
  if (isMap(build) && Array.isArray(build['steps'])) {
    for (const step of build['steps']) if (isMap(step)) add(step['path']);
  }
  const recipe = value['recipe'];
  let type = 'custom';
  const candid: string[] = [];
  if (typeof value['candid'] === 'string') candid.push(resolve(dir, value['candid']));
  if (isMap(recipe)) {
    if (typeof recipe['type'] === 'string') type = recipe['type'];
    const conf = recipe['configuration'];
    if (isMap(conf)) {
      add(conf['path']);
      add(conf['wasm']);
      if (typeof conf['candid'] === 'string') candid.push(resolve(dir, conf['candid']));
    }
  }
  const initArg = value['init_args'] ?? value['init_arg'];
  const dependencies = Array.isArray(value['dependencies']) ? value['dependencies'].filter((d): d is string => typeof d === 'string') : [];
  return {
    name,
    type,
    wasmCandidates: candidates,
    initArg: typeof initArg === 'string' ? initArg : undefined,
    initArgFile: typeof value['init_arg_file'] === 'string' ? resolve(dir, value['init_arg_file']) : undefined,
    dependencies,
    candidCandidates: candid,
  };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Line {
  indent: number;
  text: string;
}

/** Parses the YAML subset described above. Throws on what it does not understand. */
export function parseYaml(source: string): unknown {
  const lines: Line[] = [];
  for (const raw of source.split(/\r?\n/)) {
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '' || text.trim() === '---') continue;
    lines.push({ indent: text.length - text.trimStart().length, text: text.trimStart() });
  }
  let i = 0;

  function parseBlock(indent: number): unknown {
    const first = lines[i];
    if (!first || first.indent < indent) return null;
    return first.text === '-' || first.text.startsWith('- ') ? parseSequence(first.indent) : parseMapping(first.indent);
  }

  function parseSequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (i < lines.length) {
      const line = lines[i] as Line;
      if (line.indent !== indent || !(line.text === '-' || line.text.startsWith('- '))) break;
      const rest = line.text === '-' ? '' : line.text.slice(2).trimStart();
      if (rest === '') {
        i++;
        out.push(parseBlock(indent + 1));
      } else if (/^[^'"[{][^:]*:(\s|$)/.test(rest) || /^["'][^"']*["']:(\s|$)/.test(rest)) {
        // "- key: value": a mapping whose keys are indented like `key`.
        const inner = indent + (line.text.length - rest.length);
        lines[i] = { indent: inner, text: rest };
        out.push(parseMapping(inner));
      } else {
        i++;
        out.push(scalar(rest));
      }
    }
    return out;
  }

  function parseMapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (i < lines.length) {
      const line = lines[i] as Line;
      if (line.indent !== indent || line.text.startsWith('- ') || line.text === '-') break;
      const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:]+?):(?:\s+(.*))?$/.exec(line.text);
      if (!m) throw new Error(`icp.yaml: cannot parse line "${line.text}"`);
      const key = String(scalar(m[1] as string));
      const value = (m[2] ?? '').trim();
      i++;
      if (value === '') {
        const next = lines[i];
        if (next && (next.indent > indent || (next.indent === indent && (next.text.startsWith('- ') || next.text === '-')))) {
          out[key] = parseBlock(next.indent);
        } else out[key] = null;
      } else if (value === '|' || value === '>' || value === '|-' || value === '>-') {
        out[key] = blockScalar(value, indent);
      } else {
        out[key] = scalar(value);
      }
    }
    return out;
  }

  function blockScalar(style: string, indent: number): string {
    // The lines after the key indented deeper (blank lines and inner indentation are not kept).
    const collected: string[] = [];
    while (i < lines.length && (lines[i] as Line).indent > indent) {
      collected.push((lines[i] as Line).text);
      i++;
    }
    const text = style.startsWith('|') ? collected.join('\n') : collected.join(' ');
    return style.endsWith('-') ? text : `${text}\n`;
  }

  const result = parseBlock(0);
  if (i < lines.length) throw new Error(`icp.yaml: unexpected indentation at "${(lines[i] as Line).text}"`);
  return result;
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (k === 0 || line[k - 1] === ' ' || line[k - 1] === '\t')) return line.slice(0, k);
  }
  return line;
}

function scalar(text: string): unknown {
  const t = text.trim();
  if (t.startsWith('"')) return JSON.parse(t) as unknown;
  if (t.startsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  if (t.startsWith('[') && t.endsWith(']')) {
    const inner = t.slice(1, -1).trim();
    return inner === '' ? [] : splitFlow(inner).map(scalar);
  }
  if (t.startsWith('{') && t.endsWith('}')) {
    const out: Record<string, unknown> = {};
    const inner = t.slice(1, -1).trim();
    for (const part of inner === '' ? [] : splitFlow(inner)) {
      const at = part.indexOf(':');
      out[String(scalar(part.slice(0, at)))] = scalar(part.slice(at + 1));
    }
    return out;
  }
  if (t === 'null' || t === '~') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

function splitFlow(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, k).trim());
      start = k + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
