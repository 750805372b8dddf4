// Resource locations as azure-devops-node-api knows them (area, location id and resource name taken from
// the client's source, version 17.0.1), with the route templates discovery hands out. A template is
// written so that the client's expansion yields the documented REST path; spec-parity.test.ts checks it.
// resourceVersion is the highest `-preview.N` the clients ask for; releasedVersion 0.0 = preview only.

export interface Location {
  area: string;
  locationId: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  releasedVersion: string;
}

// key            area         location id                           resource        ver released template
const TABLE = `
createWi         wit          62d3d110-0047-428c-ad3c-4fe872c91c74  workItems       3   7.1  {project}/_apis/{area}/{resource}/\${type}
workItems        wit          72c7ddf8-2cdc-4f60-90cd-ab71c14a399b  workItems       3   7.1  {project}/_apis/{area}/{resource}/{id}
comments         wit          608aac0a-32e1-4493-a863-b9cf4566d257  comments        4   0.0  {project}/_apis/{area}/workItems/{workItemId}/{resource}/{commentId}
attachments      wit          e07b5fa4-1499-494d-a496-64b860fd64ff  attachments     3   7.1  {project}/_apis/{area}/{resource}/{id}/{fileName}
types            wit          7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa  workItemTypes   2   7.1  {project}/_apis/{area}/{resource}/{type}
typeFields       wit          bd293ce5-3d25-4192-8e67-e8092e879efb  fields          3   7.1  {project}/_apis/{area}/workitemtypes/{type}/{resource}/{field}
fields           wit          b51fd764-e5c2-4b9b-aaf7-3395cf4bdd94  fields          2   7.1  {project}/_apis/{area}/{resource}/{fieldNameOrRefName}
wiql             wit          1a9c53f7-f243-4447-b110-35ef023636e4  wiql            2   7.1  {project}/{team}/_apis/{area}/{resource}/{id}
builds           build        0cd358e1-9217-4d94-8269-1c1ee6f93dcf  Builds          7   7.1  {project}/_apis/{area}/{resource}/{buildId}
timeline         build        8baac422-4c6e-4de5-8532-db96d92acffa  Timeline        3   7.1  {project}/_apis/{area}/builds/{buildId}/{resource}/{timelineId}
logs             build        35a80daf-7f30-45fc-86e8-6b813d9c90df  logs            2   7.1  {project}/_apis/{area}/builds/{buildId}/{resource}/{logId}
changes          build        54572c7b-bbd3-45d4-80dc-28be08941620  changes         2   7.1  {project}/_apis/{area}/builds/{buildId}/{resource}
buildWorkItems   build        5a21f5d2-5642-47e4-a0bd-1356e6731bee  workitems       2   7.1  {project}/_apis/{area}/builds/{buildId}/{resource}
testRuns         Test         cadb3810-d47d-4a3c-a234-fe5f3be50138  Runs            3   7.1  {project}/_apis/{area}/{resource}/{runId}
testResults      Test         4637d869-3a76-4468-8057-0bb02aa385cf  Results         6   7.1  {project}/_apis/{area}/Runs/{runId}/{resource}/{testCaseResultId}
testRunStats     Test         0a42c424-d764-4a16-a2d5-5c85f87d0ae8  Statistics      3   7.1  {project}/_apis/{area}/Runs/{runId}/{resource}
release          Release      a166fde7-27ad-408e-ba75-703c2cc9d500  releases        9   7.1  {project}/_apis/{area}/{resource}/{releaseId}
releaseTaskLog   Release      17c91af7-09fd-4256-bff1-c24ee4f73bc0  logs            2   7.1  {project}/_apis/{area}/releases/{releaseId}/environments/{environmentId}/deployPhases/{releaseDeployPhaseId}/tasks/{taskId}/{resource}
iterations       work         c9175577-28a1-4b06-9197-8636af9f64ad  iterations      1   7.1  {project}/{team}/_apis/{area}/teamsettings/{resource}/{id}
resourceAreas    Location     e81700f7-3be2-46de-8624-2eb35882fcaa  ResourceAreas   1   7.1  _apis/{resource}/{areaId}
`;

const parsed = new Map<string, Location>(
  TABLE.trim()
    .split('\n')
    .map((line): [string, Location] => {
      const [key, area, locationId, resourceName, version, releasedVersion, routeTemplate] = line
        .trim()
        .split(/\s+/);
      return [
        key,
        { area, locationId, resourceName, routeTemplate, resourceVersion: Number(version), releasedVersion },
      ];
    }),
);

/** The location named `key` in the table above; a typo fails when the module loads. */
export function location(key: string): Location {
  const l = parsed.get(key);
  if (!l) throw new Error(`locations.ts has no location '${key}'`);
  return l;
}

export const allLocationKeys = (): string[] => [...parsed.keys()];
