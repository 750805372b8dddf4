// Public shapes shared by the emulator process, its control API and the test harness.
// Kept free of logic so tests can import them without pulling in the server.

export type * from './seedTypes';

/** A token accepted as `Bearer <token>` or as the password of Basic auth (PAT). */
export interface TokenSpec {
  token: string;
  /** uniqueName of the identity the token authenticates as; default the build service. */
  identity?: string;
  /** Limit the scheme; default both. */
  scheme?: 'Bearer' | 'Basic';
}

/** One scripted failure. Matched against method and the decoded request path (no query). */
export interface FaultSpec {
  method?: string;
  pathRegex: string;
  /** How many matching requests fail; default 1. */
  times?: number;
  status?: number;
  /** Object → JSON; string → sent as is (text/html unless headers say otherwise). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering (or before handling normally when no status/reset is given). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  reset?: boolean;
}

export type RequestKind = 'rest' | 'discovery' | 'control' | 'unknown';

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Decoded path without the query string. */
  path: string;
  query: Record<string, string>;
  kind: RequestKind;
  /** Spec path template of the matched route, or null. */
  spec: string | null;
  apiVersion: string | null;
  contentType: string | null;
  authScheme: 'Bearer' | 'Basic' | null;
  /** Parsed JSON, or text (capped at 64 KiB), or null when empty. */
  body: unknown;
  bodySize: number;
  /** Response status; 0 when the socket was reset by a fault, null while in flight. */
  status: number | null;
  fault: boolean;
}

export interface IdentityRef {
  displayName: string;
  uniqueName: string;
  id: string;
  url: string;
  descriptor: string;
  imageUrl: string;
  _links: { avatar: { href: string } };
}

export interface WorkItemRelationJson {
  rel: string;
  url: string;
  attributes: Record<string, unknown>;
}

/** A work item as the REST API renders it with $expand=all. */
export interface WorkItemJson {
  id: number;
  rev: number;
  fields: Record<string, unknown>;
  relations?: WorkItemRelationJson[];
  url: string;
  _links?: Record<string, { href: string }>;
}

export interface CommentJson {
  workItemId: number;
  id: number;
  version: number;
  text: string;
  format: 'html' | 'markdown';
  createdBy: IdentityRef;
  createdDate: string;
  modifiedBy: IdentityRef;
  modifiedDate: string;
  isDeleted: boolean;
  url: string;
}
