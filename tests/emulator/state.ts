// The emulator's in-memory store: work items, comments, attachments, seeded builds
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

export interface StoredWorkItem {
  id: number;
  projectId: string;
  type: string;
  rev: number;
  fields: Record<string, FieldValue>;
  relations: StoredRelation[];
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
   * Projects (by id) where the build identity lacks "Create tag definition": a save that puts on an item a tag
   * the project does not know yet is refused whole, as the service does (TF401289).
   */
  tagCreationDenied = new Set<string>();
  /**
   * How long a new work item stays out of WIQL results (ms). The service saves an item at once but its query
   * index catches up later (eventual consistency), so a query right after a create may not list it.
   */
  wiqlLagMs = 0;
  /**
   * Whether Runs - List and Runs - Query carry each run's `runStatistics`. The reference says
   * `includeRunDetails` includes all the properties of the runs, and its example shows none: a test plays a
   * service that leaves them to Runs - Get Test Run Statistics.
   */
  runStatisticsListed = true;
  /**
   * The same lag counted in queries: a new work item stays out of the next N WIQL queries. A test device: the
   * service lags in time, but a client that looks a fixed number of times can only be shown looking past the lag
   * deterministically by counting its looks.
   */
  wiqlLagQueries = 0;
  /** Work items created while a lag was set: when (Date.now() milliseconds), for how long, and for how many queries. */
  private readonly lagging = new Map<number, { created: number; lagMs: number; queries: number }>();
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
    if (this.wiqlLagMs > 0 || this.wiqlLagQueries > 0)
      this.lagging.set(id, { created: Date.now(), lagMs: this.wiqlLagMs, queries: this.wiqlLagQueries });
    return id;
  }

  /**
   * Sets the lags of the items created from now on. Lowering one shortens the lag of the items still left out,
   * for good: the index never loses an item it has caught up with, so raising a lag again holds only new items.
   */
  setWiqlLag(lag: { ms?: number; queries?: number }): void {
    if (lag.ms !== undefined) this.wiqlLagMs = lag.ms;
    if (lag.queries !== undefined) this.wiqlLagQueries = lag.queries;
    for (const item of this.lagging.values()) {
      item.lagMs = Math.min(item.lagMs, this.wiqlLagMs);
      item.queries = Math.min(item.queries, this.wiqlLagQueries);
    }
  }

  /**
   * One WIQL query: which work items it may list. An item is listed once its lag has passed in time and in
   * queries (a lag lowered meanwhile shortened it); every item still left out counts this query, and one listed
   * stays listed.
   */
  queryIndex(now: number = Date.now()): (id: number) => boolean {
    const hidden = new Set<number>();
    for (const [id, lag] of this.lagging) {
      if (now >= lag.created + lag.lagMs && lag.queries <= 0) {
        this.lagging.delete(id);
        continue;
      }
      hidden.add(id);
      lag.queries -= 1;
    }
    return (id) => !hidden.has(id);
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
