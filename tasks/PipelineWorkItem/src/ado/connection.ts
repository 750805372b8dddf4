// typed-rest-client is the HTTP layer of azure-devops-node-api; taking its pieces one by one leaves out the
// REST client and the NTLM handler (and the packages they bring) that the task does not use.
import { BasicCredentialHandler } from 'typed-rest-client/handlers/basiccreds';
import { BearerCredentialHandler } from 'typed-rest-client/handlers/bearertoken';
import { PersonalAccessTokenCredentialHandler } from 'typed-rest-client/handlers/personalaccesstoken';
import { HttpClient } from 'typed-rest-client/HttpClient';
import type {
  IHttpClientResponse,
  IRequestHandler,
  IRequestInfo,
  IRequestOptions,
} from 'typed-rest-client/Interfaces';
import { Agent } from 'node:http';
import { EnvironmentError } from '../errors';
import { releaseHostOf } from '../inputs/connectionEndpoint';
import type { Boards, Credentials, Pipelines, TokenCredentials } from '../ports';
import { loc } from '../text/messages';
import { AdoBoards } from './boards';
import { authorizeWith, FederatedToken } from './federation';
import { AdoPipelines } from './pipelines';
import { makeResilient } from './resilientHttp';
import { HttpClientLike, Rest } from './rest';
import type { RetryPolicy } from './retry';

const USER_AGENT = 'PipelineWorkItem-task';
// Release management lives on a host of its own in Azure DevOps Services (vsrm.dev.azure.com); the
// organization's resource areas say where. Azure DevOps Server lists none (one host).
const RELEASE_AREA_ID = 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5';

/**
 * Network settings of the agent (proxy, certificates), read by the launcher from task-lib. The proxy's bypass list
 * travels with it: the client applies it to each request's URL, so that every host the task calls (a release
 * host, the ID token request, the authority) goes around the proxy or through it as the agent's list says.
 */
export type NetworkOptions = Pick<IRequestOptions, 'proxy' | 'cert' | 'ignoreSslError'>;

/**
 * How the task reaches the service: the agent's network settings, the task run's retry policy, and the values
 * no request may carry (asked at each use: tokens join once credentials are read).
 */
export interface Transport {
  readonly network: NetworkOptions;
  readonly policy: RetryPolicy;
  /** The host's current secrets (tokens, secret variables), asked at each use: tokens join as credentials are read. */
  readonly secrets: () => readonly string[];
  /** Adds a value no output may carry: a token the task obtained itself. */
  readonly secret: (value: string) => void;
}

/**
 * typed-rest-client's client, able to reach a host named by an IPv6 literal (`http://[fd00::5]:8080/tfs/…`): it
 * takes the URL's hostname, brackets and all, as the host to connect to, which the DNS lookup then fails
 * (ENOTFOUND). A request through the proxy keeps them: its tunnel asks the proxy for `[host]:port`.
 */
class AgentHttpClient extends HttpClient {
  override requestRaw(
    info: IRequestInfo,
    data: string | NodeJS.ReadableStream,
  ): Promise<IHttpClientResponse> {
    const { host, agent } = info.options;
    if (host?.startsWith('[') && host.endsWith(']') && (agent === undefined || agent instanceof Agent)) {
      info.options.host = host.slice(1, -1);
    }
    return super.requestRaw(info, data);
  }
}

function handlers(credentials: Credentials): IRequestHandler[] {
  return credentials.scheme === 'federated' ? [] : [handler(credentials)];
}

function handler(credentials: TokenCredentials): IRequestHandler {
  switch (credentials.scheme) {
    case 'bearer':
      return new BearerCredentialHandler(credentials.token);
    case 'token':
      return new PersonalAccessTokenCredentialHandler(credentials.token);
    case 'basic':
      return new BasicCredentialHandler(credentials.username ?? '', credentials.token);
  }
}

// The HttpClient brings the agent's proxy, certificates and the credential handler; every request goes under
// the retry policy, with a per-request timeout far below the client's 3-minute default. Its connections are
// kept alive: a run's dozen requests to one host then share a few connections (one TLS handshake each) instead
// of opening one per request, and Node.js releases the idle ones so that they do not keep the task running.
// A kept-alive client keeps one agent for direct requests and one through the proxy (hosts the bypass list names
// go direct), each for the scheme of the first URL it served: a host of another scheme needs a client of its own.
function httpClient(credentials: Credentials, transport: Transport): HttpClientLike {
  const options: IRequestOptions = {
    ...transport.network,
    socketTimeout: transport.policy.limits.requestTimeoutMs,
    keepAlive: true,
    // A federated token is set as a header of each request, which a redirect would carry to another host; the
    // credential handlers set theirs only for the host they first served.
    ...(credentials.scheme === 'federated' ? { allowRedirects: false } : {}),
  };
  const http = new AgentHttpClient(USER_AGENT, handlers(credentials), options) as unknown as HttpClientLike;
  makeResilient(http, transport.policy);
  if (credentials.scheme === 'federated') {
    // The token requests go out with the agent's network settings, under the same retry policy. They carry the
    // job token or the ID token in a header of their own, which a redirect would take to wherever it points:
    // none is followed.
    const tokens = new AgentHttpClient(USER_AGENT, [], {
      ...options,
      allowRedirects: false,
    }) as unknown as HttpClientLike;
    makeResilient(tokens, transport.policy);
    authorizeWith(
      http,
      new FederatedToken(credentials.federation, tokens, transport.secret, transport.secrets),
    );
  }
  return http;
}

/** Boards for the organization of `credentials` (the job token's, or the `connection` input's). */
export function connectBoards(credentials: Credentials, transport: Transport): Boards {
  const rest = new Rest(httpClient(credentials, transport), credentials.url, transport.secrets);
  return new AdoBoards(rest, transport.policy, transport.secrets, credentials.identity);
}

/** The run's own records, always read with the job token of the run's organization. */
export function connectPipelines(credentials: Credentials, transport: Transport): Pipelines {
  const http = httpClient(credentials, transport);
  const main = new Rest(http, credentials.url, transport.secrets);
  const scheme = (url: string): string => new URL(url).protocol;
  let areas: Promise<Map<string, string>> | undefined;
  // Asked once, when a release is first read.
  const hostOf = async (areaId: string): Promise<Rest> => {
    areas ??= main
      .json<{ value?: { id?: string; locationUrl?: string }[] }>({
        method: 'GET',
        path: '_apis/ResourceAreas',
        apiVersion: '6.0-preview.1',
      })
      .then(
        (list) => new Map((list?.value ?? []).map((a) => [a.id?.toLowerCase() ?? '', a.locationUrl ?? ''])),
      );
    const location = (await areas).get(areaId);
    if (!location) return main;
    // The service's answer names where the job token goes next: on Services, only its own organization.
    const url = releaseHostOf(credentials.url, location);
    if (url === undefined) {
      throw new EnvironmentError(loc('ResourceAreaUntrusted', location, credentials.url));
    }
    const client = scheme(url) === scheme(credentials.url) ? http : httpClient(credentials, transport);
    return new Rest(client, url, transport.secrets);
  };
  return new AdoPipelines(main, () => hostOf(RELEASE_AREA_ID), Date.now, credentials.identity);
}
