import { Readable } from 'node:stream';
import type { IWorkApi } from 'azure-devops-node-api/WorkApi';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import { FieldType } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import type { WorkItemStateColor } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { AdoError } from '../errors';
import type { Boards, Comment, WorkItemState } from '../ports';
import type { JsonPatchOperation } from '../workItem/patch';
import type { StateCategory, StateInfo, WorkItemTypeInfo } from '../workItem/workItemType';
import { CallContext, permissionFix, toAdoError } from './errors';
import { failureOf } from './resilientHttp';
import { RetryPolicy, verdict } from './retry';

type WorkItemTracking = Pick<
  IWorkItemTrackingApi,
  | 'getWorkItemTypes'
  | 'createWorkItem'
  | 'updateWorkItem'
  | 'getWorkItem'
  | 'queryByWiql'
  | 'getComments'
  | 'addComment'
  | 'createAttachment'
  | 'getFields'
>;
type Work = Pick<IWorkApi, 'getTeamIterations'>;

const CATEGORIES: readonly StateCategory[] = ['Proposed', 'InProgress', 'Resolved', 'Completed', 'Removed'];

/** Boards over azure-devops-node-api: the only place that knows its types and quirks. */
export class AdoBoards implements Boards {
  constructor(
    private readonly wit: WorkItemTracking,
    private readonly work: Work,
    private readonly url: string,
    private readonly policy: RetryPolicy,
  ) {}

  /**
   * Sends a write, and again while its outcome is unknown and `landed` does not find it: a write is never sent
   * twice when the first one may have landed. When even that check cannot be made, the write is given up.
   */
  private write<T>(send: () => Promise<T>, landed: () => Promise<T | undefined>): Promise<T> {
    let unverifiable = false;
    const unknown = (error: unknown): boolean =>
      !unverifiable && verdict(failureOf(error), false) === 'unknownOutcome';
    return this.policy.run(
      async () => {
        try {
          return await send();
        } catch (error) {
          if (!unknown(error)) throw error;
          const done = await landed().catch(() => {
            unverifiable = true;
            return undefined;
          });
          if (done !== undefined) return done;
          throw error;
        }
      },
      unknown,
      (error) => failureOf(error).retryAfterMs,
    );
  }

  private async call<T>(action: string, project: string, body: () => Promise<T>): Promise<T> {
    const call: CallContext = { action, url: this.url, project };
    try {
      return await body();
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  workItemTypes(project: string): Promise<WorkItemTypeInfo[]> {
    return this.call(`read the work item types of project '${project}'`, project, async () => {
      const types = await this.wit.getWorkItemTypes(project);
      // The client resolves a 404 (unknown project) to null instead of throwing.
      if (!types)
        throw new Error(
          `Project '${project}' was not found, or the pipeline's identity cannot read it. Check the 'project' input (empty: the run's own project).`,
        );
      return types.map((type) => ({
        name: type.name ?? '',
        fields: (type.fields ?? type.fieldInstances ?? []).map((field) => field.referenceName ?? ''),
        states: (type.states ?? []).flatMap(stateInfo),
      }));
    });
  }

  currentIteration(project: string, team: string | undefined): Promise<string | undefined> {
    const name = team === undefined ? `the default team of project '${project}'` : `team '${team}'`;
    return this.call(`read the current iteration of ${name}`, project, async () => {
      const iterations = await this.work.getTeamIterations({ project, team }, 'current');
      if (!iterations) {
        throw new Error(
          `${name[0]?.toUpperCase()}${name.slice(1)} was not found. Check the team name before '@currentIteration' (Project settings › Teams).`,
        );
      }
      return iterations[0]?.path;
    });
  }

  queryIds(project: string, wiql: string): Promise<number[]> {
    return this.call(`query the work items of project '${project}'`, project, async () => {
      const result = await this.wit.queryByWiql({ query: wiql }, { project });
      if (!result) throw new Error(`Project '${project}' was not found.`);
      return (result.workItems ?? []).flatMap((ref) => (ref.id === undefined ? [] : [ref.id]));
    });
  }

  workItemState(project: string, id: number): Promise<WorkItemState | undefined> {
    return this.call(`read work item ${id}`, project, async () => {
      const item = await this.wit.getWorkItem(
        id,
        ['System.WorkItemType', 'System.State'],
        undefined,
        undefined,
        project,
      );
      if (!item?.id) return undefined;
      return {
        id: item.id,
        type: String(item.fields?.['System.WorkItemType'] ?? ''),
        state: String(item.fields?.['System.State'] ?? ''),
      };
    });
  }

  createWorkItem(
    project: string,
    type: string,
    patch: readonly JsonPatchOperation[],
    landed: () => Promise<number | undefined>,
  ): Promise<{ id: number }> {
    return this.call(`create the ${type} in project '${project}'`, project, async () => {
      const item = await this.write(
        () => this.wit.createWorkItem(null, [...patch], project, type),
        async () => {
          const id = await landed();
          return id === undefined ? undefined : { id };
        },
      );
      if (!item?.id) {
        // The client turns a 404 into null, dropping the body. Project and type were just read, so this is the
        // service's other way of refusing the area: TF237111 with status 404 (platform notes).
        throw new AdoError(
          `Could not create the ${type} in project '${project}': Azure DevOps answered 404, its way of saying the pipeline's identity may not save work items under this area (TF237111). ${permissionFix(this.url, project)}`,
          { status: 404, code: 'TF237111' },
        );
      }
      return { id: item.id };
    });
  }

  updateWorkItem(
    project: string,
    id: number,
    patch: readonly JsonPatchOperation[],
    landed: () => Promise<boolean>,
  ): Promise<void> {
    return this.call(`update work item ${id}`, project, async () => {
      const item = await this.write(
        () => this.wit.updateWorkItem(null, [...patch], id, project),
        async () => ((await landed()) ? { id } : undefined),
      );
      if (!item?.id) {
        throw new AdoError(
          `Could not update work item ${id}: it no longer exists, or the pipeline's identity may not edit work items under its area (TF237111). ${permissionFix(this.url, project)}`,
          { status: 404, code: 'TF237111' },
        );
      }
    });
  }

  comments(project: string, id: number): Promise<Comment[]> {
    return this.call(`read the comments of work item ${id}`, project, async () => {
      const list = await this.wit.getComments(project, id, 200);
      return (list?.comments ?? []).map((comment) => ({ text: comment.text ?? '' }));
    });
  }

  addComment(project: string, id: number, html: string, landed: () => Promise<boolean>): Promise<void> {
    return this.call(`comment on work item ${id}`, project, async () => {
      const comment = await this.write(
        () => this.wit.addComment({ text: html }, project, id),
        async () => ((await landed()) ? { id } : undefined),
      );
      if (!comment) throw new AdoError(`Work item ${id} no longer exists.`, { status: 404 });
    });
  }

  htmlFields(project: string): Promise<string[]> {
    return this.call(`read the fields of project '${project}'`, project, async () => {
      const fields = (await this.wit.getFields(project)) ?? [];
      return fields.flatMap((field) =>
        field.referenceName && (field.type === FieldType.Html || field.type === FieldType.History)
          ? [field.referenceName]
          : [],
      );
    });
  }

  uploadAttachment(project: string, fileName: string, content: Buffer): Promise<string> {
    return this.call(`upload the attachment '${fileName}'`, project, async () => {
      // An attachment nobody links is harmless, so an upload is simply sent again (with a fresh stream).
      const reference = await this.policy.run(
        () => this.wit.createAttachment(null, Readable.from([content]), fileName, undefined, project),
        (error) => verdict(failureOf(error), true) === 'retry',
        (error) => failureOf(error).retryAfterMs,
      );
      if (!reference?.url) throw new Error('Azure DevOps returned no attachment URL.');
      return reference.url;
    });
  }
}

function stateInfo(state: WorkItemStateColor): StateInfo[] {
  const category = CATEGORIES.find((c) => c.toLowerCase() === (state.category ?? '').toLowerCase());
  return state.name && category ? [{ name: state.name, category }] : [];
}
