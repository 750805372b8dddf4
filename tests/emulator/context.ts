// What a route handler receives and returns. Handlers are plain functions of (context) → reply; they
// throw AdoError for service errors. The server builds the context after routing and auth.
import { badRequest, projectNotFound } from './errors';
import type { Person, Project } from './org';
import type { Store } from './state';
import type { Topology } from './topology';
import type { HostRole } from './types';

export interface RequestContext {
  store: Store;
  method: string;
  /** Decoded path parameters of the matched spec template (organization, project, team, id, …). */
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received, at most the first 130 MB of it (`bodySize` counts all of it). */
  body: Buffer;
  bodySize: number;
  /** The per-attachment limit of the server played (topology and collection setting). */
  attachmentLimit: number;
  contentType: string | null;
  /** e.g. `http://127.0.0.1:1234/fabrikam/` (trailing slash), from the Host header. */
  collectionUrl: string;
  /** Collection URL of every host: ResourceAreas lists them; web links point at the main one. */
  hosts: Record<HostRole, string>;
  topology: Topology;
  identity: Person;
  /** Project named in the path, when the path has one (resolved by the server; unknown → 404 before). */
  project: Project | undefined;
}

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> }
  | { status: number; bytes: Buffer; contentType: string; headers?: Record<string, string> };

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export const ok = (json: unknown, status = 200): Reply => ({ status, json });

/** `{count, value}` wrapper the service uses for collections. */
export const list = (value: unknown[]): Reply => ok({ count: value.length, value });

export function requireProject(ctx: RequestContext): Project {
  if (ctx.project) return ctx.project;
  // Emulator-chosen: these operations need a project in the route (the service answers similarly).
  throw projectNotFound(ctx.params.project ?? '');
}

export function parseJsonBody(ctx: RequestContext): unknown {
  if (ctx.body.length === 0) return undefined;
  try {
    return JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.', 'VssRequestContentTypeNotSupportedException');
  }
}

export function intParam(value: string | undefined, name: string): number {
  const n = Number(value);
  if (value === undefined || !/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw badRequest(`The value '${value ?? ''}' is not valid for ${name}.`, 'ArgumentException');
  }
  return n;
}

export function boolQuery(ctx: RequestContext, name: string): boolean {
  return (ctx.query[name] ?? '').toLowerCase() === 'true';
}
