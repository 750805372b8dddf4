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
import { TestResultsApi } from 'azure-devops-node-api/TestResultsApi';
import { WorkApi } from 'azure-devops-node-api/WorkApi';
import { WorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { Boards, Credentials, Pipelines } from '../ports';
import { AdoBoards } from './boards';
import { AdoPipelines } from './pipelines';
import { makeResilient } from './resilientHttp';
import type { RetryPolicy } from './retry';

const USER_AGENT = 'PipelineWorkItem-task';
// Release management and test results live on their own hosts in Azure DevOps Services (vsrm.dev.azure.com,
// vstmr.dev.azure.com); the organization's resource areas say where.
const RELEASE_AREA_ID = 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5';
const TEST_RESULTS_AREA_ID = 'c83eaf52-edf3-4034-ae11-17d38f25404c';

/**
 * Network settings of the agent (proxy, certificates), read by the launcher from task-lib. Only the clients we use
 * are built (not the package's WebApi, which imports every client), so these are passed to each one.
 */
export type NetworkOptions = Pick<IRequestOptions, 'proxy' | 'cert' | 'ignoreSslError'>;

/** How the clients reach the service: the agent's network settings and the task run's retry policy. */
export interface Transport {
  readonly network: NetworkOptions;
  readonly policy: RetryPolicy;
}

interface Client {
  readonly http: unknown;
  readonly rest: { readonly client: unknown };
}

type Constructor<T> = new (
  url: string,
  handlers: IRequestHandler[],
  options: IRequestOptions,
  userAgent: string,
) => T;

// Every client sends through two HttpClients (its own and its RestClient's): both go under the retry policy,
// with a per-request timeout far below the client's 3-minute default.
function client<T extends Client>(
  Api: Constructor<T>,
  url: string,
  credentials: Credentials,
  transport: Transport,
): T {
  const options: IRequestOptions = {
    ...transport.network,
    socketTimeout: transport.policy.limits.requestTimeoutMs,
  };
  const api = new Api(url, [handler(credentials)], options, USER_AGENT);
  for (const http of [api.http, api.rest.client]) makeResilient(http as never, transport.policy);
  return api;
}

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
export function connectBoards(credentials: Credentials, transport: Transport): Boards {
  return new AdoBoards(
    client(WorkItemTrackingApi, credentials.url, credentials, transport),
    client(WorkApi, credentials.url, credentials, transport),
    credentials.url,
    transport.policy,
  );
}

/** The run's own records, always read with the job token of the run's organization. */
export function connectPipelines(credentials: Credentials, transport: Transport): Pipelines {
  let areas: Promise<Map<string, string>> | undefined;
  // Asked once, and only when a release or test results are read.
  const hostOf = async (areaId: string): Promise<string> => {
    areas ??= client(LocationsApi, credentials.url, credentials, transport)
      .getResourceAreas()
      .then(
        (list) => new Map((list ?? []).map((area) => [area.id?.toLowerCase() ?? '', area.locationUrl ?? ''])),
      );
    return (await areas).get(areaId) || credentials.url;
  };
  const lazy = <T>(create: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= create());
  };
  return new AdoPipelines(
    client(BuildApi, credentials.url, credentials, transport),
    lazy(async () => client(ReleaseApi, await hostOf(RELEASE_AREA_ID), credentials, transport)),
    lazy(async () => client(TestResultsApi, await hostOf(TEST_RESULTS_AREA_ID), credentials, transport)),
    credentials.url,
  );
}
