// THE route table: one entry per REST operation the emulator serves. It drives both request routing
// (by method + spec path) and location discovery (OPTIONS {collection}/_apis/{area}), so a client can
// only reach what is listed here. `spec` is the exact path of the operation in the OpenAPI 7.1 file
// `file` (relative to ado-rest-specs) and `operationId` its id there; spec-parity.test.ts checks both
// against the specs when they are present.
import type { Handler } from './context';
import * as disc from './handlers/discovery';
import * as wi from './handlers/workItems';
import * as talk from './handlers/discussion';
import * as types from './handlers/types';
import * as fields from './handlers/fields';
import * as builds from './handlers/builds';
import * as tests from './handlers/testResults';
import * as rel from './handlers/releases';
import * as teams from './handlers/teams';
import { location as L, type Location } from './locations';

export type { Location } from './locations';

export interface Route extends Location {
  method: 'GET' | 'POST' | 'PATCH';
  spec: string;
  /** Spec file under ado-rest-specs; null for discovery-only routes (not in the specs). */
  file: string | null;
  operationId: string | null;
  kind: 'rest' | 'discovery';
  /** Trailing path parameter the client may leave out (x-ms-required: false in the spec). */
  optionalTail?: string;
  handler: Handler;
}

/** Which spec file documents each area (the areas' names as the client sends them). */
const FILES: Record<string, string> = {
  wit: 'wit/7.1/workItemTracking.json',
  build: 'build/7.1/build.json',
  test: 'test/7.1/test.json',
  release: 'release/7.1/release.json',
  work: 'work/7.1/work.json',
  core: 'core/7.1/core.json',
};

type Extra = Pick<Route, 'optionalTail'>;

const op =
  (method: Route['method']) =>
  (spec: string, operationId: string, l: Location, handler: Handler, extra: Extra = {}): Route => ({
    ...l,
    method,
    spec,
    file: FILES[l.area.toLowerCase()],
    operationId,
    kind: 'rest',
    handler,
    ...extra,
  });
const get = op('GET');
const post = op('POST');
const patch = op('PATCH');

const discovery = (spec: string, l: Location, handler: Handler): Route => ({
  ...l,
  method: 'GET',
  spec,
  file: null,
  operationId: null,
  kind: 'discovery',
  handler,
});

const P = '/{organization}/{project}/_apis';
const T = '/{organization}/{project}/{team}/_apis';
const O = '/{organization}/_apis';
const WI = `${P}/wit/workItems/{workItemId}`;
const B = `${P}/build/builds/{buildId}`;
const RE = `${P}/release/releases/{releaseId}`;

export const ROUTES: readonly Route[] = [
  post(`${P}/wit/workitems/\${type}`, 'Work Items_Create', L('createWi'), wi.createItem),
  get(`${P}/wit/workitems`, 'Work Items_List', L('workItems'), wi.listItems),
  get(`${P}/wit/workitems/{id}`, 'Work Items_Get Work Item', L('workItems'), wi.getItem),
  patch(`${P}/wit/workitems/{id}`, 'Work Items_Update', L('workItems'), wi.updateItem),
  post(`${WI}/comments`, 'Comments_Add Comment', L('comments'), talk.addComment),
  get(`${WI}/comments`, 'Comments_Get Comments Batch', L('comments'), talk.listComments),
  post(`${P}/wit/attachments`, 'Attachments_Create', L('attachments'), talk.createAttachment),
  get(`${P}/wit/workitemtypes`, 'Work Item Types_List', L('types'), types.listTypes),
  get(`${P}/wit/workitemtypes/{type}`, 'Work Item Types_Get', L('types'), types.getType),
  get(
    `${P}/wit/workitemtypes/{type}/fields/{field}`,
    'Work Item Types Field_Get',
    L('typeFields'),
    types.getTypeField,
  ),
  // {project} may be left out (organization-level variant): the matcher allows it, as the spec does.
  get(`${P}/wit/fields`, 'Fields_List', L('fields'), fields.listFields),
  post(`${T}/wit/wiql`, 'Wiql_Query By Wiql', L('wiql'), talk.queryByWiql),
  get(`${P}/build/builds`, 'Builds_List', L('builds'), builds.listBuilds),
  get(`${B}/timeline/{timelineId}`, 'Timeline_Get', L('timeline'), builds.getTimeline, {
    optionalTail: 'timelineId',
  }),
  get(`${B}/logs`, 'Builds_Get Build Logs', L('logs'), builds.listLogs),
  get(`${B}/logs/{logId}`, 'Builds_Get Build Log', L('logs'), builds.getLog),
  get(`${B}/changes`, 'Builds_Get Build Changes', L('changes'), builds.getChanges),
  get(`${B}/workitems`, 'Builds_Get Build Work Items Refs', L('buildWorkItems'), builds.getWorkItemRefs),
  // Runs - Query shares the path of Runs - List (its mandatory date range tells them apart), as on the service.
  get(`${P}/test/runs`, 'Runs_List', L('testRuns'), tests.listRuns),
  get(`${P}/test/runs/{runId}`, 'Runs_Get Test Run By Id', L('testRuns'), tests.getRun),
  get(`${P}/test/Runs/{runId}/results`, 'Results_List', L('testResults'), tests.listResults),
  get(
    `${P}/test/runs/{runId}/Statistics`,
    'Runs_Get Test Run Statistics',
    L('testRunStats'),
    tests.getRunStatistics,
  ),
  get(RE, 'Releases_Get Release Revision', L('release'), rel.getRelease),
  get(
    `${RE}/environments/{environmentId}/deployPhases/{releaseDeployPhaseId}/tasks/{taskId}/logs`,
    'Releases_Get Task Log',
    L('releaseTaskLog'),
    rel.getReleaseTaskLog,
  ),
  get(`${T}/work/teamsettings/iterations`, 'Iterations_List', L('iterations'), teams.listTeamIterations),
  discovery(`${O}/ResourceAreas`, L('resourceAreas'), disc.resourceAreas),
];

/** Every location the client can discover, once per location id. */
export function locations(): Location[] {
  const byId = new Map<string, Location>();
  for (const { area, locationId, resourceName, routeTemplate, resourceVersion, releasedVersion } of ROUTES) {
    if (!byId.has(locationId))
      byId.set(locationId, {
        area,
        locationId,
        resourceName,
        routeTemplate,
        resourceVersion,
        releasedVersion,
      });
  }
  return [...byId.values()];
}
