import { EnvironmentError, SettingsError } from '../errors';
import { withTrailingSlash } from '../text/html';
import { loc } from '../text/messages';
import type { FederatedConnection } from './connectionChoice';

/** What the agent hands the task of a service connection (`ENDPOINT_URL_`, `ENDPOINT_AUTH_`, `ENDPOINT_DATA_`). */
export interface EndpointView {
  readonly url: string | undefined;
  readonly scheme: string | undefined;
  /** Authorization parameters, names lower-cased. */
  readonly parameters: Readonly<Record<string, string | undefined>>;
  /** The connection's data, names lower-cased. */
  readonly data: Readonly<Record<string, string | undefined>>;
}

/** Where and as whom a federated connection writes. */
export interface FederatedEndpoint {
  /** The target organization's URL, with a trailing slash. */
  readonly organizationUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  /** The Microsoft Entra authority, with a trailing slash. */
  readonly authority: string;
}

/** The public cloud's authority: the one an Azure DevOps connection (whose data names none) signs in at. */
export const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com/';

/**
 * Reads a workload identity federation connection: its scheme, service principal, tenant, authority (an Azure
 * Resource Manager connection's `activeDirectoryAuthority` names its cloud) and organization.
 * @throws SettingsError naming the input and what the connection lacks
 */
export function federatedEndpoint(choice: FederatedConnection, endpoint: EndpointView): FederatedEndpoint {
  const { input, connection } = choice;
  const scheme = endpoint.scheme ?? '';
  if (scheme.toLowerCase() !== 'workloadidentityfederation') {
    throw new SettingsError([
      loc('FederationSchemeUnsupported', input, connection, scheme || loc('NoScheme')),
    ]);
  }
  const missing = (what: string): SettingsError =>
    new SettingsError([loc('FederationConnectionIncomplete', input, connection, what)]);
  const clientId = endpoint.parameters['serviceprincipalid'];
  const tenantId = endpoint.parameters['tenantid'];
  if (!clientId) throw missing('serviceprincipalid');
  if (!tenantId) throw missing('tenantid');
  const own = choice.kind === 'azureDevOps' ? (endpoint.data['organizationurl'] ?? endpoint.url) : undefined;
  const organizationUrl = choice.organizationUrl ?? own;
  if (!organizationUrl) throw missing('URL');
  const authority = endpoint.data['activedirectoryauthority'];
  return {
    organizationUrl: withTrailingSlash(organizationUrl),
    tenantId,
    clientId,
    authority: authority ? withTrailingSlash(authority) : PUBLIC_AUTHORITY,
  };
}

/**
 * The job's ID token request URL (`System.OidcRequestUri`). Azure DevOps Server gives none: federation is an
 * Azure DevOps Services feature.
 * @throws EnvironmentError naming the fix
 */
export function oidcRequestUri(value: string | undefined, connection: string): string {
  if (!value) throw new EnvironmentError(loc('FederationNeedsServices', connection));
  return value;
}
