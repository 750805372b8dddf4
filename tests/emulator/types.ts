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
  /**
   * The projects (names) the identity was given, such as a project-scoped job token's own; default every project.
   * Any other project is answered 404 VS800075, as if it did not exist.
   */
  projects?: string[];
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
  /** The fault answer's headers; with neither `status` nor `reset`, headers added to the real answer. */
  headers?: Record<string, string>;
  /**
   * Without `after`: wait before answering (or before handling normally when no status/reset is given).
   * With `after`: wait after handling, before the fault's answer (or the real one) goes out.
   */
  delayMs?: number;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /**
   * Handle the request normally, then send the head and half the body of the real answer and destroy the socket:
   * a connection cut off mid-answer.
   */
  cutBody?: boolean;
  /**
   * Handle the request normally first (the write is stored), then send the fault's status/body, or
   * destroy the socket when `reset`, instead of the real answer: "500 after the write", "timeout after
   * the write". With neither status nor reset, the real answer goes out, `delayMs` late.
   */
  after?: boolean;
}

/** `federation`: the job's ID token request and the Microsoft Entra token endpoint (federation.ts). */
export type RequestKind = 'rest' | 'discovery' | 'federation' | 'control' | 'unknown';

/**
 * What kind of Azure DevOps the emulator plays (see topology.ts):
 * - `onPremises` (default): one host, empty ResourceAreas, REST up to 7.2;
 * - `services`: Azure DevOps Services; Release and test results on their own hosts, found through
 *   ResourceAreas;
 * - `server2022` / `server2020`: Azure DevOps Server 2022 (REST 7.0) / 2020 (REST 6.0), one host;
 * - `server2019`: Azure DevOps Server 2019 (REST 5.0), one host, played for its refusal of newer versions.
 */
export type TopologyKind = 'onPremises' | 'services' | 'server2022' | 'server2020' | 'server2019';

/** The emulator's hosts: the collection, and the two that play vsrm.dev.azure.com and vstmr.dev.azure.com. */
export type HostRole = 'main' | 'release' | 'testResults';

/** What `POST /_control/topology` and `GET /_control/topology` answer. */
export interface TopologyInfo {
  kind: TopologyKind;
  /** Collection URL (trailing slash) of each host. */
  hosts: Record<HostRole, string>;
}

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
  /** Which host the request reached. */
  host: HostRole;
  /**
   * When the request arrived and when its answer was sent or its socket destroyed (null while in flight):
   * milliseconds, fractional, from a monotonic clock (performance.now()) counted from emulator start.
   */
  startMs: number;
  endMs: number | null;
}

/** An uploaded attachment as `GET /_control/attachments` lists it (bytes via `attachment(id)`). */
export interface AttachmentInfo {
  id: string;
  fileName: string;
  size: number;
  createdDate: string;
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

/**
 * A workflow rule of a type in a project, as an administrator sets one up in an inherited process:
 * `require` makes `field` required when an item is in `state` ("apply rules to workflow states");
 * `restrict` leaves only the transitions `from` → `to` ("restrict state transitions").
 */
export type WorkflowRule =
  | { kind: 'require'; project: string; type: string; state: string; field: string }
  | { kind: 'restrict'; project: string; type: string; from: string; to: string[] };

/** A state an administrator adds to a type of an inherited process, in one of the state categories. */
export interface CustomStateSpec {
  project: string;
  type: string;
  name: string;
  category: 'Proposed' | 'InProgress' | 'Resolved' | 'Completed' | 'Removed';
}

/**
 * A person's edit of an item that lands between the task's read and its next write: applied just before
 * the next PATCH of work item `id` is handled, as `identity` (default Sam Rivera).
 */
export interface Intervention {
  id: number;
  fields: Record<string, string | number>;
  identity?: string;
}
