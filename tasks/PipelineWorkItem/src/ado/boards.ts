import type { IWorkApi } from 'azure-devops-node-api/WorkApi';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { WorkItemTypeInfo } from '../workItem/draft';
import type { JsonPatchOperation } from '../workItem/patch';
import type { Boards } from '../ports';
import { AdoError } from '../errors';
import { permissionFix, toAdoError } from './errors';

type WorkItemTracking = Pick<IWorkItemTrackingApi, 'getWorkItemTypes' | 'createWorkItem'>;
type Work = Pick<IWorkApi, 'getTeamIterations'>;

/** Boards over azure-devops-node-api: the only place that knows its types and quirks. */
export class AdoBoards implements Boards {
  constructor(
    private readonly wit: WorkItemTracking,
    private readonly work: Work,
    private readonly url: string,
  ) {}

  async workItemTypes(project: string): Promise<WorkItemTypeInfo[]> {
    const call = { action: `read the work item types of project '${project}'`, url: this.url, project };
    try {
      const types = await this.wit.getWorkItemTypes(project);
      // The client resolves a 404 (unknown project) to null instead of throwing.
      if (!types)
        throw new Error(`Project '${project}' was not found, or the pipeline's identity cannot read it.`);
      return types.map((type) => ({
        name: type.name ?? '',
        fields: (type.fields ?? type.fieldInstances ?? []).map((field) => field.referenceName ?? ''),
      }));
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  async currentIteration(project: string, team: string | undefined): Promise<string | undefined> {
    const call = {
      action: `read the current iteration of team '${team ?? `${project} Team`}'`,
      url: this.url,
      project,
    };
    try {
      const iterations = await this.work.getTeamIterations({ project, team }, 'current');
      if (!iterations) throw new Error(`Team '${team}' was not found in project '${project}'.`);
      return iterations[0]?.path;
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  async createWorkItem(
    project: string,
    type: string,
    patch: readonly JsonPatchOperation[],
  ): Promise<{ id: number }> {
    const call = { action: `create the ${type} in project '${project}'`, url: this.url, project };
    try {
      const item = await this.wit.createWorkItem(null, [...patch], project, type);
      if (!item?.id) {
        // The client turns a 404 into null, dropping the body. Project and type were just read, so this is the
        // service's other way of refusing the area: TF237111 with status 404 (platform notes).
        throw new AdoError(
          `Could not create the ${type} in project '${project}': Azure DevOps answered 404, its way of saying the pipeline's identity may not save work items under this area (TF237111). ${permissionFix(this.url, project)}`,
          { status: 404, code: 'TF237111' },
        );
      }
      return { id: item.id };
    } catch (error) {
      throw toAdoError(error, call);
    }
  }
}
