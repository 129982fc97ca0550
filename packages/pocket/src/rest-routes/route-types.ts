// What a REST route sees and returns: the parsed path parameters and body, and a reply that the
// server writes as JSON (bigints as plain integers), text or bytes.
import type { InstanceRegistry } from '../instance-registry.ts';
import type { JsonValue } from '../pocket-json.ts';

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body. */
  body: Uint8Array;
  /** The body parsed as JSON (undefined when empty). Throws PocketApiError(400) when malformed. */
  json(): JsonValue | undefined;
  registry: InstanceRegistry;
}

export type RouteReply =
  | { status?: number; json: unknown }
  | { status?: number; text: string; contentType?: string }
  | { status?: number; bytes: Uint8Array; contentType?: string }
  | { status?: number; empty: true };

export type RouteHandler = (req: RouteRequest) => RouteReply | Promise<RouteReply>;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path with `:name` segments, e.g. `/instances/:id/read/get_time`. */
  pattern: string;
  handler: RouteHandler;
}
