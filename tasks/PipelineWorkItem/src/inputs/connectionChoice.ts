import { withTrailingSlash } from '../text/html';
import { loc } from '../text/messages';
import { macroProblem } from '../text/templates';

/** The `connectionType` options: who writes to Boards. */
export const CONNECTION_TYPES = ['token', 'azureDevOps', 'azureRM'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/** A service connection whose identity is federated with Microsoft Entra ID (no secret in the connection). */
export interface FederatedConnection {
  /** `azureDevOps`: type WorkloadIdentityUser; `azureRM`: type AzureRM, scheme WorkloadIdentityFederation. */
  readonly kind: 'azureDevOps' | 'azureRM';
  /** The input that names it, for messages. */
  readonly input: 'azureDevOpsConnection' | 'azureResourceManagerConnection';
  /** The connection's id, as the agent passes it. */
  readonly connection: string;
  /** The target organization's URL with a trailing slash; undefined = the connection's own. */
  readonly organizationUrl: string | undefined;
}

const INPUT_OF = {
  azureDevOps: 'azureDevOpsConnection',
  azureRM: 'azureResourceManagerConnection',
} as const;

type ConnectionInput =
  'connection' | 'azureDevOpsConnection' | 'azureResourceManagerConnection' | 'organizationUrl';

/**
 * The connection inputs as `connectionType` selects them. An input of another kind that is set is a problem
 * (a YAML step that names a federated connection or an organization but forgot `connectionType` would otherwise
 * write as the job, in the job's organization).
 */
export function connectionChoice(
  type: ConnectionType,
  text: (name: ConnectionInput) => string | undefined,
  problems: string[],
): { connection: string | undefined; federation: FederatedConnection | undefined } {
  const unused = (name: ConnectionInput, wanted: string): void => {
    if (text(name) !== undefined)
      problems.push(loc('ConnectionInputUnused', name, type, wanted, name, wanted));
  };
  if (type === 'token') {
    unused('azureDevOpsConnection', 'azureDevOps');
    unused('azureResourceManagerConnection', 'azureRM');
    if (text('organizationUrl') !== undefined) problems.push(loc('OrganizationUrlUnused'));
    return { connection: text('connection'), federation: undefined };
  }
  const input = INPUT_OF[type];
  const connection = text(input);
  const organizationUrl = organization(text('organizationUrl'), problems);
  if (connection === undefined) problems.push(loc('ConnectionInputMissing', input, type));
  if (type === 'azureRM' && text('organizationUrl') === undefined)
    problems.push(loc('OrganizationUrlMissing'));
  if (connection === undefined) return { connection: undefined, federation: undefined };
  return { connection: undefined, federation: { kind: type, input, connection, organizationUrl } };
}

/** Host names of this machine: `localhost`, 127.0.0.0/8 and ::1, as a URL's `hostname` writes them. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function organization(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  // A URL holding a macro parses, and would be sent to as written.
  const macro = macroProblem('organizationUrl', value);
  if (macro) {
    problems.push(macro);
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) {
    problems.push(loc('OrganizationUrlInvalid', value));
    return undefined;
  }
  // The federated connection's access token is sent there: never in the clear over a network. Only this machine
  // (a local proxy or test server) may be spoken to over plain http.
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    problems.push(loc('OrganizationUrlPlainHttp', value, `https${value.slice(value.indexOf(':'))}`));
    return undefined;
  }
  const service = serviceHostOrganization(url);
  if (service !== undefined) {
    problems.push(loc('OrganizationUrlServiceHost', value, service));
    return undefined;
  }
  const organization = servicesOrganization(url) ?? pageOrganization(url);
  if (organization !== undefined) {
    problems.push(loc('OrganizationUrlNotOrganization', value, organization));
    return undefined;
  }
  return withTrailingSlash(value);
}

/**
 * The organization's URL when `url` is one of Azure DevOps Services (federation's only home) that names more, or
 * less, than an organization: a project or a page pasted from the browser would be taken for the collection and
 * every request would miss. undefined for an organization's URL, and for any other host.
 */
function servicesOrganization(url: URL): string | undefined {
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const host = url.hostname.toLowerCase();
  if (host === 'dev.azure.com') {
    if (segments.length === 1) return undefined;
    return `${url.protocol}//${url.host}/${segments[0] ?? '<organization>'}/`;
  }
  if (!host.endsWith('.visualstudio.com')) return undefined;
  const collection = segments.length === 1 && segments[0]?.toLowerCase() === 'defaultcollection';
  return segments.length === 0 || collection ? undefined : `${url.protocol}//${url.host}/`;
}

/**
 * The organization's URL when `url` is the host of another of its Azure DevOps Services services: releases
 * (`fabrikam.vsrm.visualstudio.com`, `vsrm.dev.azure.com/fabrikam`, a classic release's
 * System.TeamFoundationServerUri), identities, packages. Boards answers only at the organization's own URL.
 */
function serviceHostOrganization(url: URL): string | undefined {
  const host = url.hostname.toLowerCase();
  // A service's global host (`app.vssps.visualstudio.com`, `vssps.dev.azure.com/_apis/…`) names no organization,
  // and no organization's name starts with `_`.
  const named = (name: string | undefined): string =>
    name === undefined || name.startsWith('_') ? '<organization>' : name;
  if (host.endsWith('.dev.azure.com')) {
    const organization = named(url.pathname.split('/').find((segment) => segment !== ''));
    return `${url.protocol}//dev.azure.com/${organization}/`;
  }
  const labels = host.split('.');
  if (!host.endsWith('.visualstudio.com') || labels.length <= 3) return undefined;
  const organization = labels[0] === 'app' ? '<organization>' : named(labels[0]);
  return `${url.protocol}//${organization}.visualstudio.com/`;
}

/**
 * The URL without its query and fragment, when it has one: no organization's URL has, and the task appends each
 * request's path to it, so every request would miss.
 */
function pageOrganization(url: URL): string | undefined {
  // `search` and `hash` are empty for a bare `?` or `#` too, which still cuts off every appended path.
  if (!url.href.includes('?') && !url.href.includes('#')) return undefined;
  return withTrailingSlash(`${url.protocol}//${url.host}${url.pathname}`);
}
