// A Candid UI for `mockic serve`, at /_/candid: what dfx's Candid UI canister gives a developer —
// every canister's methods as forms, called with Candid text arguments, results shown as Candid
// text — rendered on the server from the canister's candid:service metadata, so the page needs no
// script, no bundle and no download. Calls go out as the anonymous principal (a controller of the
// canisters serve installs): query methods as queries, the others as update calls.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { parseCandid, UserError, type Replica } from '@mockic/runtime';
import { encodeCandidText } from './candid-value-text.ts';

export interface CandidUiRequest {
  method: string;
  /** Path and query, e.g. /_/candid?id=… */
  url: string;
  body: Uint8Array;
}

export interface CandidUiResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export const CANDID_UI_PATH = '/_/candid';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Serves /_/candid (undefined for other paths). `names` maps canister ids to project names. */
export async function serveCandidUi(replica: Replica, req: CandidUiRequest, names: ReadonlyMap<string, string>): Promise<CandidUiResponse | undefined> {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname !== CANDID_UI_PATH) return undefined;
  const idText = url.searchParams.get('id');
  if (!idText) return page('Candid UI', canisterList(replica, names));
  let id: Principal;
  try {
    id = Principal.fromText(idText);
  } catch {
    return page('Candid UI', `<p class="error">${esc(idText)} is not a canister id.</p>${canisterList(replica, names)}`, 400);
  }
  const module = replica.findCanister(id)?.installedModule;
  if (!module) return page('Candid UI', `<p class="error">No canister ${esc(idText)} with a module.</p>${canisterList(replica, names)}`, 404);
  const source = module.publicMetadata.get('candid:service') ?? module.privateMetadata.get('candid:service');
  if (!source) return page(idText, `<p class="error">Canister ${esc(idText)} has no candid:service metadata, so its interface is unknown.</p>`, 404);
  let parsed;
  try {
    parsed = parseCandid(new TextDecoder().decode(source));
  } catch (e) {
    return page(idText, `<p class="error">Its candid:service does not parse: ${esc(e instanceof Error ? e.message : String(e))}</p>`, 500);
  }
  const methods = parsed.service._fields as Array<[string, IDL.FuncClass]>;
  let called: { method: string; args: string; result: string; ok: boolean } | undefined;
  if (req.method === 'POST') {
    const form = new URLSearchParams(new TextDecoder().decode(req.body));
    const name = form.get('method') ?? '';
    const args = form.get('args') ?? '';
    const func = methods.find(([n]) => n === name)?.[1];
    if (!func) called = { method: name, args, result: `no method ${name}`, ok: false };
    else called = { method: name, args, ...(await call(replica, id, name, func, args, parsed.types)) };
  }
  const title = names.get(idText) ? `${names.get(idText)} (${idText})` : idText;
  const forms = methods
    .map(([name, func]) => {
      const kind = func.annotations.includes('query') ? 'query' : func.annotations.includes('composite_query') ? 'composite query' : 'update';
      const sig = `(${func.argTypes.map((t) => t.display()).join(', ')}) → (${func.retTypes.map((t) => t.display()).join(', ')})`;
      const value = called?.method === name ? called.args : func.argTypes.length === 0 ? '()' : '';
      const result = called?.method === name ? `<pre class="${called.ok ? 'ok' : 'error'}" id="result-${esc(name)}">${esc(called.result)}</pre>` : '';
      return `<form method="post"><h2>${esc(name)} <small>${kind} ${esc(sig)}</small></h2>
<input type="hidden" name="method" value="${esc(name)}"><input name="args" size="60" value="${esc(value)}" placeholder="(…) in Candid text">
<button type="submit">Call</button>${result}</form>`;
    })
    .join('\n');
  return page(title, `<p><a href="${CANDID_UI_PATH}">all canisters</a></p>${forms}`);
}

async function call(replica: Replica, id: Principal, name: string, func: IDL.FuncClass, argsText: string, named: Map<string, IDL.Type>): Promise<{ result: string; ok: boolean }> {
  let arg: Uint8Array;
  try {
    const t = argsText.trim();
    arg = t === '' || /^\(\s*\)$/.test(t) ? new Uint8Array(IDL.encode([], [])) : encodeCandidText(t, { types: func.argTypes, namedTypes: named, what: `the arguments of ${name}` });
  } catch (e) {
    return { result: e instanceof Error ? e.message : String(e), ok: false };
  }
  try {
    const isQuery = func.annotations.includes('query') || func.annotations.includes('composite_query');
    const reply = isQuery ? await replica.query(id, name, arg) : await replica.update(id, name, arg);
    const values = IDL.decode(func.retTypes, reply);
    return { result: `(${func.retTypes.map((t, i) => t.valueToString(values[i] as never)).join(', ')})`, ok: true };
  } catch (e) {
    if (e instanceof UserError) return { result: `${e.errorCode}: ${e.description}`, ok: false };
    return { result: e instanceof Error ? e.message : String(e), ok: false };
  }
}

function canisterList(replica: Replica, names: ReadonlyMap<string, string>): string {
  const items = replica
    .canisterIds()
    .filter((id) => replica.findCanister(id)?.installedModule)
    .map((id) => {
      const t = id.toText();
      return `<li><a href="${CANDID_UI_PATH}?id=${esc(t)}">${esc(names.get(t) ?? t)}</a> <small>${esc(t)}</small></li>`;
    });
  return items.length > 0 ? `<ul>${items.join('')}</ul>` : '<p>No canisters yet.</p>';
}

function page(title: string, body: string, status = 200): CandidUiResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — Candid UI (mockic)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem}small{color:#666;font-weight:normal}
form{border-top:1px solid #ddd;padding:.5rem 0}pre{padding:.5rem;background:#f4f4f4;white-space:pre-wrap}.error{color:#b00020}</style></head>
<body><h1>${esc(title)} <small>Candid UI</small></h1>${body}</body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: new TextEncoder().encode(html) };
}
