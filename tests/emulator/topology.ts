// The kinds of Azure DevOps the emulator plays (TopologyKind) and what follows from each: which host
// serves which area, what ResourceAreas lists, and the REST versions discovery advertises and requests
// may name. azure-devops-node-api negotiates its api-version from what discovery advertises
// (VsoClient.autoNegotiateApiVersion), so these numbers decide what the real client sends.
import type { Location } from './locations';
import { ORGANIZATION } from './org';
import type { HostRole, TopologyKind } from './types';

export interface Topology {
  kind: TopologyKind;
  /** The latest REST version the server supports: discovery's maxVersion; requests above it get 400. */
  maxVersion: string;
  /** Release and test results on their own hosts, found through ResourceAreas (Azure DevOps Services). */
  splitHosts: boolean;
  /** Preview resource versions of this server where they differ from locations.ts, by location id. */
  resourceVersions: Readonly<Record<string, number>>;
}

const COMMENTS = '608aac0a-32e1-4493-a863-b9cf4566d257';

export const TOPOLOGIES: Readonly<Record<TopologyKind, Topology>> = {
  onPremises: { kind: 'onPremises', maxVersion: '7.2', splitHosts: false, resourceVersions: {} },
  services: { kind: 'services', maxVersion: '7.2', splitHosts: true, resourceVersions: {} },
  // Azure DevOps Server 2022 speaks REST 7.0, Server 2020 REST 6.0 (Microsoft Learn, "REST API
  // versioning"). Their own references (the azure-devops-server-7.0 and -6.0 specifications of
  // MicrosoftDocs/vsts-rest-api-specs) have the Comments API preview-only at resource version 3
  // (7.0-preview.3, 6.0-preview.3), a release task's log at 6.0-preview.2 on Server 2020, and every other
  // route the emulator serves released at the server's version. Server 2020 Update 1 and later report 6.1 as
  // their latest version (quoted in a public issue's error message); this topology plays the 6.0 release.
  server2022: {
    kind: 'server2022',
    maxVersion: '7.0',
    splitHosts: false,
    resourceVersions: { [COMMENTS]: 3 },
  },
  server2020: {
    kind: 'server2020',
    maxVersion: '6.0',
    splitHosts: false,
    resourceVersions: { [COMMENTS]: 3 },
  },
  // Azure DevOps Server 2019 speaks REST 5.0 (Microsoft Learn, "REST API versioning"), below every version
  // the task sends. Played for that refusal only: a request at 5.0 reaches the routes of the newer servers,
  // the Comments API among them, which 5.0 does not have.
  server2019: { kind: 'server2019', maxVersion: '5.0', splitHosts: false, resourceVersions: {} },
};

export const DEFAULT_TOPOLOGY: Topology = TOPOLOGIES.onPremises;

export function isTopologyKind(kind: unknown): kind is TopologyKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(TOPOLOGIES, kind);
}

/** The host an area lives on in Azure DevOps Services (vsrm.dev.azure.com, vstmr.dev.azure.com, or the main one). */
function serviceHostOf(area: string): HostRole {
  const a = area.toLowerCase();
  return a === 'release' ? 'release' : a === 'testresults' ? 'testResults' : 'main';
}

/** Whether `role` serves the area's routes and discovery: single-host topologies serve everything on main. */
export function servesArea(t: Topology, role: HostRole, area: string): boolean {
  return t.splitHosts ? serviceHostOf(area) === role : role === 'main';
}

/**
 * Resources released later than REST 6.0, by location id: the release task log is preview-only in the 6.0
 * reference (`Releases_Get Task Log`, `x-ms-preview`, 6.0-preview.2) and released in 7.0.
 */
const FIRST_RELEASED: Readonly<Record<string, string>> = {
  '17c91af7-09fd-4256-bff1-c24ee4f73bc0': '7.0',
};

/** The version fields discovery advertises for a location on this server. */
export function advertisedVersions(
  t: Topology,
  l: Location,
): { resourceVersion: number; minVersion: string; maxVersion: string; releasedVersion: string } {
  const released = Number(l.releasedVersion);
  // A resource released by 7.1 counts as released on an older server too (6.0/7.0 shipped the same
  // resources as released), unless it was released later than the server's version: then, as one
  // preview-only everywhere (0.0), it is preview there. Never above maxVersion: the client's negotiation
  // compares the two strings for equality, so the capped value is maxVersion itself.
  const first = Number(FIRST_RELEASED[l.locationId] ?? '0');
  const releasedVersion =
    released === 0 || first > Number(t.maxVersion)
      ? '0.0'
      : released > Number(t.maxVersion)
        ? t.maxVersion
        : l.releasedVersion;
  return {
    resourceVersion: t.resourceVersions[l.locationId] ?? l.resourceVersion,
    minVersion: '1.0',
    maxVersion: t.maxVersion,
    releasedVersion,
  };
}

/**
 * Resource areas ResourceAreas lists in Azure DevOps Services, with the ids the clients look them up by
 * (each client's RESOURCE_AREA_ID, or the id WebApi passes for it). Names: the clients' area names
 * (emulator-chosen; the service's display names were not captured).
 */
const SERVICE_AREAS: ReadonlyArray<{ id: string; name: string }> = [
  { id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5', name: 'wit' },
  { id: '965220d5-5bb9-42cf-8d67-9b146df2a5a4', name: 'build' },
  { id: '1d4f49f9-02b9-4e26-b826-2cdb6195f2a9', name: 'work' },
  { id: 'c2aa639c-3ccc-4740-b3b6-ce2a1e1d984e', name: 'Test' },
  { id: 'c83eaf52-edf3-4034-ae11-17d38f25404c', name: 'testresults' },
  { id: 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5', name: 'Release' },
];

/** ResourceAreas' areas: none on one host (the client then stays on the collection URL). */
export function resourceAreas(
  t: Topology,
  hosts: Record<HostRole, string>,
): Array<{ id: string; name: string; locationUrl: string }> {
  if (!t.splitHosts) return [];
  return SERVICE_AREAS.map((a) => ({ ...a, locationUrl: hosts[serviceHostOf(a.name)] }));
}

/** Collection URLs of the three hosts; the one a request reached as its client addressed it. */
export function hostCollectionUrls(
  ports: Record<HostRole, number>,
  here: HostRole,
  hereUrl: string,
): Record<HostRole, string> {
  const at = (port: number): string => `http://127.0.0.1:${port}/${ORGANIZATION}/`;
  return {
    main: at(ports.main),
    release: at(ports.release),
    testResults: at(ports.testResults),
    [here]: hereUrl,
  };
}
