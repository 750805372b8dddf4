import type {
  IRequestHandler,
  IRequestOptions,
} from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import { BasicCredentialHandler } from 'azure-devops-node-api/handlers/basiccreds';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import { PersonalAccessTokenCredentialHandler } from 'azure-devops-node-api/handlers/personalaccesstoken';
import { BuildApi } from 'azure-devops-node-api/BuildApi';
import { LocationsApi } from 'azure-devops-node-api/LocationsApi';
import { ReleaseApi } from 'azure-devops-node-api/ReleaseApi';
import { WorkApi } from 'azure-devops-node-api/WorkApi';
import { WorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { Boards, Credentials, Pipelines } from '../ports';
import { AdoBoards } from './boards';
import { AdoPipelines } from './pipelines';

const USER_AGENT = 'PipelineWorkItem-task';
// Release management lives on its own host in Azure DevOps Services (vsrm.dev.azure.com).
const RELEASE_AREA_ID = 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5';

/**
 * Network settings of the agent (proxy, certificates), read by the launcher from task-lib. Only the clients we use
 * are built (not the package's WebApi, which imports every client), so these are passed to each one.
 */
export type NetworkOptions = Pick<IRequestOptions, 'proxy' | 'cert' | 'ignoreSslError' | 'socketTimeout'>;

function handler(credentials: Credentials): IRequestHandler {
  switch (credentials.scheme) {
    case 'bearer':
      return new BearerCredentialHandler(credentials.token);
    case 'token':
      return new PersonalAccessTokenCredentialHandler(credentials.token);
    case 'basic':
      return new BasicCredentialHandler(credentials.username ?? '', credentials.token);
  }
}

/** Boards for the organization of `credentials` (the job token's, or the `connection` input's). */
export function connectBoards(credentials: Credentials, network: NetworkOptions): Boards {
  const handlers = [handler(credentials)];
  return new AdoBoards(
    new WorkItemTrackingApi(credentials.url, handlers, network, USER_AGENT),
    new WorkApi(credentials.url, handlers, network, USER_AGENT),
    credentials.url,
  );
}

/** The run's own records, always read with the job token of the run's organization. */
export function connectPipelines(credentials: Credentials, network: NetworkOptions): Pipelines {
  const handlers = [handler(credentials)];
  const release = async (): Promise<ReleaseApi> => {
    const areas = await new LocationsApi(credentials.url, handlers, network, USER_AGENT).getResourceAreas();
    const area = (areas ?? []).find((a) => a.id?.toLowerCase() === RELEASE_AREA_ID);
    return new ReleaseApi(area?.locationUrl ?? credentials.url, handlers, network, USER_AGENT);
  };
  return new AdoPipelines(
    new BuildApi(credentials.url, handlers, network, USER_AGENT),
    release,
    credentials.url,
  );
}
