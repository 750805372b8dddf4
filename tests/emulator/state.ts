// The emulator's in-memory store: work items (with revisions), comments, attachments, seeded builds
// and releases, and the accepted tokens. One instance per process; `reset()` gives a fresh organization.
import { buildProjects, findProject, type Person, type Project } from './org';
import { Federation } from './federation';
import type { BuildSeed, Intervention, ReleaseSeed, TokenSpec, WorkflowRule } from './types';

/** Identity fields hold the Person; everything else a string or number. */
export type FieldValue = string | number | Person;

export interface StoredRelation {
  rel: string;
  url: string;
  attributes: Record<string, unknown>;
}

export interface Revision {
  rev: number;
  fields: Record<string, FieldValue>;
  relations: StoredRelation[];
}

export interface StoredWorkItem {
  id: number;
  projectId: string;
  type: string;
  rev: number;
  fields: Record<string, FieldValue>;
  relations: StoredRelation[];
  revisions: Revision[];
}

export interface StoredComment {
  id: number;
  workItemId: number;
  version: number;
  text: string;
  format: 'html' | 'markdown';
  createdBy: Person;
  createdDate: string;
}

export interface StoredAttachment {
  id: string;
  fileName: string;
  bytes: Buffer;
  createdDate: string;
}

export interface StoredBuild {
  project: Project;
  seed: BuildSeed;
}

export interface StoredRelease {
  project: Project;
  seed: ReleaseSeed;
}

export class Store {
  projects: Project[] = buildProjects();
  workItems = new Map<number, StoredWorkItem>();
  comments = new Map<number, StoredComment[]>();
  attachments = new Map<string, StoredAttachment>();
  builds = new Map<number, StoredBuild>();
  releases = new Map<number, StoredRelease>();
  tokens: TokenSpec[] = [];
  federation = new Federation();
  rules: WorkflowRule[] = [];
  interventions: Intervention[] = [];
  /**
   * How long a new work item stays out of WIQL results (ms). The service saves an item at once but its query
   * index catches up later (eventual consistency), so a query right after a create may not list it.
   */
  wiqlLagMs = 0;
  /** Work items created while a lag was set: when (Date.now() milliseconds) and with which lag. */
  private readonly lagging = new Map<number, { created: number; lagMs: number }>();
  private nextWorkItemId = 1;
  private nextCommentId = 1;

  reset(): void {
    Object.assign(this, new Store());
  }

  project(nameOrId: string): Project | undefined {
    return findProject(this.projects, nameOrId);
  }

  projectById(id: string): Project {
    const p = this.projects.find((x) => x.id === id);
    if (!p) throw new Error(`internal: no project ${id}`);
    return p;
  }

  allocateWorkItemId(): number {
    const id = this.nextWorkItemId++;
    if (this.wiqlLagMs > 0) this.lagging.set(id, { created: Date.now(), lagMs: this.wiqlLagMs });
    return id;
  }

  /** Whether WIQL lists the work item yet: its lag has passed, or the lag was lowered since (0 = all caught up). */
  queryable(id: number, now: number = Date.now()): boolean {
    const lag = this.lagging.get(id);
    return lag === undefined || now >= lag.created + Math.min(lag.lagMs, this.wiqlLagMs);
  }

  /** Comment ids are unique across the organization (they are in the service too). */
  addComment(
    workItemId: number,
    text: string,
    format: 'html' | 'markdown',
    by: Person,
    date: string,
  ): StoredComment {
    const comment: StoredComment = {
      id: this.nextCommentId++,
      workItemId,
      version: 1,
      text,
      format,
      createdBy: by,
      createdDate: date,
    };
    const list = this.comments.get(workItemId) ?? [];
    list.push(comment);
    this.comments.set(workItemId, list);
    return comment;
  }
}
