// An asset canister stand-in: serves a fixed set of files (a frontend's build output) through
// `http_request`, so `mockic serve` can host a dfx project's `assets` canister with no
// assetstorage.wasm and no upload step. Paths resolve like the asset canister's: `/` and `/dir/` to
// their index.html, percent-decoding, and a missing page falls back to /index.html (single-page
// apps); a file larger than one message is streamed in chunks through
// `http_request_streaming_callback` with the asset canister's token type. `list` reports the files.
// Not included: the upload API (create_batch, commit_batch, …), permissions, certification
// (responses carry no IC-Certificate header), content encodings other than identity.
import { sha256 } from '@noble/hashes/sha2.js';
import { defineCanister, type JsCanister } from '../js-canister.ts';
import type { JsContext } from '../js-context.ts';

export const ASSET_CANISTER_CANDID = `type HeaderField = record { text; text };
type HttpRequest = record { method : text; url : text; headers : vec HeaderField; body : blob; certificate_version : opt nat16 };
type StreamingCallbackToken = record { key : text; content_encoding : text; index : nat; sha256 : opt blob };
type StreamingCallbackHttpResponse = record { body : blob; token : opt StreamingCallbackToken };
type StreamingStrategy = variant { Callback : record { callback : func (StreamingCallbackToken) -> (opt StreamingCallbackHttpResponse) query; token : StreamingCallbackToken } };
type HttpResponse = record { status_code : nat16; headers : vec HeaderField; body : blob; upgrade : opt bool; streaming_strategy : opt StreamingStrategy };
type AssetEncodingDetails = record { content_encoding : text; sha256 : opt blob; length : nat; modified : int };
type AssetDetails = record { key : text; content_type : text; encodings : vec AssetEncodingDetails };
service : {
  http_request : (HttpRequest) -> (HttpResponse) query;
  http_request_streaming_callback : (StreamingCallbackToken) -> (opt StreamingCallbackHttpResponse) query;
  list : (record {}) -> (vec AssetDetails) query;
}
`;

/** Bytes per response or streamed chunk (under the IC's 2 MiB reply limit). */
export const ASSET_CHUNK_BYTES = 1_900_000;

export interface AssetFile {
  /** The asset key: an absolute URL path such as `/index.html`. */
  path: string;
  content: Uint8Array;
  /** Default: from the file extension. */
  contentType?: string;
}

export interface AssetCanisterOptions {
  files: Iterable<AssetFile>;
}

interface Asset {
  key: string;
  content: Uint8Array;
  contentType: string;
  sha256: Uint8Array;
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html',
  htm: 'text/html',
  js: 'text/javascript',
  mjs: 'text/javascript',
  css: 'text/css',
  json: 'application/json',
  map: 'application/json',
  txt: 'text/plain',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  wasm: 'application/wasm',
  webmanifest: 'application/manifest+json',
  xml: 'application/xml',
  pdf: 'application/pdf',
};

/** The content type of a path by its extension (application/octet-stream when unknown). */
export function contentTypeOf(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && CONTENT_TYPES[ext]) ?? 'application/octet-stream';
}

type Header = [string, string];
interface Token {
  key: string;
  content_encoding: string;
  index: bigint;
  sha256: [] | [Uint8Array];
}

/** `replica.installJsCanister(assetCanister({ files }))`: a canister serving `files` over HTTP. */
export function assetCanister(options: AssetCanisterOptions): JsCanister {
  const assets = new Map<string, Asset>();
  for (const f of options.files) {
    const key = f.path.startsWith('/') ? f.path : `/${f.path}`;
    // content lives here, not in the canister state (the stand-in has no upload API): never journaled
    const content = f.content.slice();
    assets.set(key, { key, content, contentType: f.contentType ?? contentTypeOf(key), sha256: sha256(content) });
  }

  const find = (url: string): { asset: Asset; status: number } | undefined => {
    let path = url.split('?')[0]?.split('#')[0] ?? '/';
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep the raw path
    }
    if (!path.startsWith('/')) path = `/${path}`;
    const direct = assets.get(path) ?? assets.get(path.endsWith('/') ? `${path}index.html` : `${path}/index.html`);
    if (direct) return { asset: direct, status: 200 };
    const index = assets.get('/index.html');
    return index ? { asset: index, status: 200 } : undefined;
  };

  const chunk = (a: Asset, index: number) => a.content.subarray(index * ASSET_CHUNK_BYTES, (index + 1) * ASSET_CHUNK_BYTES);
  const tokenOf = (a: Asset, index: number): Token => ({ key: a.key, content_encoding: 'identity', index: BigInt(index), sha256: [a.sha256] });
  const chunks = (a: Asset) => Math.max(1, Math.ceil(a.content.length / ASSET_CHUNK_BYTES));

  return defineCanister({
    name: 'asset-canister',
    candid: ASSET_CANISTER_CANDID,
    methods: {
      http_request: (ctx: JsContext<unknown>) => {
        const [req] = ctx.args as [{ method: string; url: string }];
        const found = req.method.toUpperCase() === 'GET' || req.method.toUpperCase() === 'HEAD' ? find(req.url) : undefined;
        if (!found) {
          const body = new TextEncoder().encode(req.method.toUpperCase() === 'GET' || req.method.toUpperCase() === 'HEAD' ? 'not found' : 'method not allowed');
          return { status_code: req.method.toUpperCase() === 'GET' ? 404 : 405, headers: [['content-type', 'text/plain']] as Header[], body, upgrade: [], streaming_strategy: [] };
        }
        const a = found.asset;
        const headers: Header[] = [
          ['content-type', a.contentType],
          ['cache-control', 'no-cache'],
        ];
        const more = chunks(a) > 1;
        return {
          status_code: found.status,
          headers,
          body: chunk(a, 0),
          upgrade: [],
          streaming_strategy: more ? [{ Callback: { callback: [ctx.self, 'http_request_streaming_callback'], token: tokenOf(a, 1) } }] : [],
        };
      },
      http_request_streaming_callback: (ctx: JsContext<unknown>) => {
        const [token] = ctx.args as [Token];
        const a = assets.get(token.key);
        const index = Number(token.index);
        if (!a || index < 1 || index >= chunks(a)) return [];
        return [{ body: chunk(a, index), token: index + 1 < chunks(a) ? [tokenOf(a, index + 1)] : [] }];
      },
      list: () =>
        [...assets.values()].map((a) => ({
          key: a.key,
          content_type: a.contentType,
          encodings: [{ content_encoding: 'identity', sha256: [a.sha256], length: BigInt(a.content.length), modified: 0n }],
        })),
    },
  });
}
