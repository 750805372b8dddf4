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
  // An Azure Resource Manager connection's URL is its cloud's resource manager, never an organization.
  if (!choice.organizationUrl && own && /^https?:\/\/management\./i.test(own))
    throw new SettingsError([loc('FederatedConnectionIsArm', input, connection, own)]);
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
 * The job's ID token request URL (`System.OidcRequestUri`), which receives the job token: only within the
 * organization of the job's connection (see `ofJobOrganization`). Azure DevOps Server gives none: federation is
 * an Azure DevOps Services feature.
 * @throws EnvironmentError naming the fix
 */
export function oidcRequestUri(
  value: string | undefined,
  connection: string,
  jobConnectionUrl: string,
): string {
  if (!value) throw new EnvironmentError(loc('FederationNeedsServices', connection));
  const within = placesWithin(jobConnectionUrl, value);
  if (!within)
    throw new EnvironmentError(loc('OidcRequestUriUntrusted', value, jobConnectionUrl, connection));
  return within.place.href;
}

/**
 * The collection the job token works with: the job connection's URL when `System.TeamFoundationCollectionUri`
 * is unset, else the variable if it lies within the connection's organization (in a classic release job the
 * connection is the Release host, and Boards and builds are served by the collection's).
 * A variable outside that organization fails the run rather than falling back to the connection: a step
 * rewrote a variable the agent set (it only warns), or the job is misconfigured, and an administrator must see
 * either rather than have the item filed as if nothing happened.
 * @throws EnvironmentError naming the variable and the fix, before the token goes anywhere
 */
export function jobCollectionUrl(jobConnectionUrl: string, variable: string | undefined): string {
  if (!variable) return withTrailingSlash(jobConnectionUrl);
  const collection = collectionOf(jobConnectionUrl, variable);
  if (collection === undefined) {
    throw new EnvironmentError(loc('CollectionUriUntrusted', variable, jobConnectionUrl));
  }
  return collection;
}

/**
 * `url` as the root of a collection of the organization of `trusted` (the job's connection, or a collection
 * already trusted), rebuilt from its scheme, host and path; undefined for anything else. Every request is
 * `<root><path>?<query>`: a root that reached further into the organization (a repository's file, through
 * the Git items API) or held a query or fragment would turn the task's paths into another request. On Azure
 * DevOps Services a root is `dev.azure.com/<org>/` or `<org>.visualstudio.com/` (with `vsrm.` for releases);
 * on Azure DevOps Server, the path of the trusted collection itself.
 */
export function collectionOf(trusted: string, url: string): string | undefined {
  const within = placesWithin(trusted, url);
  return within && rootOf(within.job, within.place);
}

// `place` (of the organization of `trusted`) as a collection root, or undefined when it is not one.
function rootOf(trusted: Place, place: Place): string | undefined {
  return place.segments.length === rootDepth(trusted, place) ? withTrailingSlash(place.href) : undefined;
}

// The path segments of a collection's root: on Services the organization on dev.azure.com and none on
// <org>.visualstudio.com; on a server those of the trusted collection.
function rootDepth(trusted: Place, place: Place): number {
  if (servicesOrganization(place) === undefined) return trusted.segments.length;
  return place.host.endsWith('dev.azure.com') ? 1 : 0;
}

/**
 * The release host the organization's resource areas name (`locationUrl`), as the root the task's paths are
 * joined to; undefined when it cannot be one. On Azure DevOps Services it must be a root of the collection's own
 * organization; elsewhere the answer of the trusted collection is taken as it is, rebuilt without user info,
 * query or fragment (on Azure DevOps Server it names the collection itself).
 */
export function releaseHostOf(collection: string, location: string): string | undefined {
  const home = placeOf(collection);
  const place = placeOf(location);
  if (!home || !place) return undefined;
  if (servicesOrganization(home) === undefined) return withTrailingSlash(place.href);
  return sameOrganization(home, place) ? rootOf(home, place) : undefined;
}

/** Where a request to an http(s) URL goes. */
interface Place {
  /** The URL rebuilt from its scheme, host and path alone. */
  readonly href: string;
  readonly protocol: string;
  readonly host: string;
  /** The path's segments, decoded and lower-cased (collection and organization names ignore case). */
  readonly segments: readonly string[];
}

// Undefined for another scheme, text that is no URL, user info, a query or fragment, or an escape that does not
// decode.
function placeOf(url: string): Place | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  // User info is where `https://dev.azure.com@evil/` hides its real host.
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.username || parsed.password) return undefined;
  // A query or a fragment has no place in a collection or a token request URL; `#` alone leaves `hash` empty.
  if (parsed.search !== '' || parsed.hash !== '' || parsed.href.includes('#')) return undefined;
  const segments: string[] = [];
  for (const segment of parsed.pathname.split('/')) {
    if (segment === '') continue;
    try {
      segments.push(decodeURIComponent(segment).toLowerCase());
    } catch {
      return undefined;
    }
  }
  // URL lower-cases the host, drops a default port and resolves `..`; a trailing dot stays, and differs.
  const href = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  return { href, protocol: parsed.protocol, host: parsed.host, segments };
}

/**
 * The organization of Azure DevOps Services a URL names, lower-cased: Services serves one at dev.azure.com/<org>/
 * and <org>.visualstudio.com, and its classic releases at vsrm.dev.azure.com/<org>/ and <org>.vsrm.visualstudio.com.
 */
function servicesOrganization(place: Place): string | undefined {
  if (place.protocol !== 'https:') return undefined;
  if (place.host === 'dev.azure.com' || place.host === 'vsrm.dev.azure.com') return place.segments[0];
  return /^([a-z0-9][a-z0-9-]*)\.(?:vsrm\.)?visualstudio\.com$/.exec(place.host)?.[1];
}

/**
 * Whether `url` lies within the organization or collection of the job's connection (`SystemVssConnection`, which
 * the agent sets and a step cannot): on its scheme, host and port, under its path; or, on Azure DevOps Services,
 * on any host of the same organization.
 */
export function ofJobOrganization(jobConnectionUrl: string, url: string): boolean {
  return placesWithin(jobConnectionUrl, url) !== undefined;
}

/**
 * Whether two collection URLs name one collection: on Azure DevOps Services one organization, whichever of its
 * hosts each spells (the run's collection URI is the organization's primary URL, a connection may spell the
 * other); elsewhere the same scheme, host and path, in any case.
 */
export function sameCollection(one: string, other: string): boolean {
  const [a, b] = [placeOf(one), placeOf(other)];
  if (!a || !b) return one.toLowerCase() === other.toLowerCase();
  return sameOrganization(a, b) && sameOrganization(b, a);
}

/** Whether a URL is on a host of Azure DevOps Services (an organization's, or its classic releases'). */
export function onServices(url: string): boolean {
  const place = placeOf(url);
  return place !== undefined && servicesOrganization(place) !== undefined;
}

// Both URLs as places when `url` lies within the organization of `trusted`; undefined otherwise.
function placesWithin(trusted: string, url: string): { job: Place; place: Place } | undefined {
  const job = placeOf(trusted);
  const place = placeOf(url);
  return job && place && sameOrganization(job, place) ? { job, place } : undefined;
}

function sameOrganization(job: Place, place: Place): boolean {
  const organization = servicesOrganization(job);
  if (organization !== undefined && organization === servicesOrganization(place)) return true;
  return (
    place.protocol === job.protocol &&
    place.host === job.host &&
    job.segments.every((segment, index) => place.segments[index] === segment)
  );
}
