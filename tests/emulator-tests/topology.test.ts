// Topologies: one on-premises host (default), Azure DevOps Services with Release on its own host found
// through ResourceAreas (and a test-results host the task no longer calls), and Azure DevOps Server 2022/2020
// with their REST versions, exercised with the real clients (whose version negotiation decides what they send).
import * as assert from 'node:assert/strict';
import { WebApi } from 'azure-devops-node-api';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import { LocationsApi } from 'azure-devops-node-api/LocationsApi';
import { ReleaseApi } from 'azure-devops-node-api/ReleaseApi';
import type { RecordedRequest, TopologyKind } from '../emulator/harness';
import { clients, JOB_TOKEN, rejection, titled as title, useEmulator } from './helpers';

const auth = { Authorization: `Bearer ${JOB_TOKEN}` };
const handler = () => new BearerCredentialHandler(JOB_TOKEN);
const RELEASE_AREA = 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5';
const TEST_RESULTS_AREA = 'c83eaf52-edf3-4034-ae11-17d38f25404c';
const WIT_AREA = '5264459e-e5e0-4bd8-b118-0985e68a4ec5';

const line = (r: RecordedRequest) => `${r.host} ${r.kind} ${r.method} ${r.path} ${r.status}`;

async function seedRun(em: ReturnType<ReturnType<typeof useEmulator>>): Promise<void> {
  await em.seedBuild({
    project: 'WebApp',
    id: 42,
    testResults: [{ testCaseTitle: 'divides', outcome: 'Failed', errorMessage: 'expected 2' }],
  });
  await em.seedRelease({
    project: 'WebApp',
    id: 7,
    environments: [{ name: 'Prod', status: 'rejected' }],
  });
}

describe('emulator: topologies', function () {
  this.timeout(20_000);
  const em = useEmulator();

  beforeEach(async () => {
    await em().reset();
    await em().setTokens([JOB_TOKEN]);
    await seedRun(em());
  });

  it('is onPremises by default: one host, ResourceAreas without a list, the other hosts answer 404', async () => {
    const info = await em().topology();
    assert.equal(info.kind, 'onPremises');
    assert.deepEqual(info.hosts, em().hosts);
    const areas = await fetch(`${em().collectionUrl}_apis/ResourceAreas`, { headers: auth });
    assert.deepEqual(await areas.json(), { count: 0, value: null });
    const onReleaseHost = await fetch(`${em().hosts.release}WebApp/_apis/Release/releases/7`, {
      headers: auth,
    });
    assert.equal(onReleaseHost.status, 404);
    const release = await clients(em()).release.getRelease('WebApp', 7);
    assert.equal(release.id, 7);
    const log = await em().requests();
    assert.ok(
      log.every((r) => r.host === 'main' || r.status === 404),
      log.map(line).join('\n'),
    );
  });

  describe('services', () => {
    beforeEach(async () => {
      const info = await em().setTopology('services');
      assert.equal(info.kind, 'services');
    });

    it('lists resource areas with the host each lives on', async () => {
      const res = await fetch(`${em().collectionUrl}_apis/ResourceAreas`, { headers: auth });
      const body = (await res.json()) as {
        count: number;
        value: Array<{ id: string; name: string; locationUrl: string }>;
      };
      assert.equal(body.count, body.value.length);
      const urlOf = (id: string) => body.value.find((a) => a.id === id)?.locationUrl;
      assert.equal(urlOf(RELEASE_AREA), em().hosts.release);
      assert.equal(urlOf(TEST_RESULTS_AREA), em().hosts.testResults);
      assert.equal(urlOf(WIT_AREA), em().collectionUrl);
      assert.notEqual(em().hosts.release, em().collectionUrl);
      for (const a of body.value) assert.deepEqual(Object.keys(a).sort(), ['id', 'locationUrl', 'name']);
    });

    it('serves Release on its own host and test runs on the main one, found as WebApi finds them', async () => {
      const webApi = new WebApi(em().collectionUrl, handler());
      const release = await (await webApi.getReleaseApi()).getRelease('WebApp', 7);
      assert.equal(release.id, 7);
      // API links on the release host, the web link on the main one (where the web UI lives).
      assert.ok(release.url?.startsWith(em().hosts.release), release.url);
      assert.ok(release._links.web.href.startsWith(em().collectionUrl), release._links.web.href);
      const runs = await (await webApi.getTestApi()).getTestRuns('WebApp', 'vstfs:///Build/Build/42');
      assert.equal(runs.length, 1);
      const wit = await webApi.getWorkItemTrackingApi();
      assert.ok(await wit.createWorkItem(null, title('on main'), 'WebApp', 'Bug'));
      const log = (await em().requests()).map(line);
      assert.deepEqual(
        log.filter((l) => !l.startsWith('main')),
        [
          'release discovery OPTIONS /fabrikam/_apis/Release 200',
          'release rest GET /fabrikam/WebApp/_apis/Release/releases/7 200',
        ],
      );
      assert.ok(log.includes('main rest GET /fabrikam/WebApp/_apis/Test/Runs 200'), log.join('\n'));
      assert.ok(log.includes('main rest POST /fabrikam/WebApp/_apis/wit/workItems/$Bug 200'), log.join('\n'));
      assert.equal(
        log.filter((l) => l.startsWith('main discovery GET /fabrikam/_apis/ResourceAreas')).length,
        1,
      );
    });

    it('answers 404 for Release on the main host, and for other areas on the other hosts', async () => {
      const get = async (url: string) => (await fetch(url, { headers: auth })).status;
      const runs = 'WebApp/_apis/test/runs?buildUri=vstfs:///Build/Build/42';
      assert.equal(await get(`${em().collectionUrl}WebApp/_apis/Release/releases/7`), 404);
      assert.equal(await get(`${em().collectionUrl}${runs}`), 200);
      assert.equal(await get(`${em().hosts.testResults}${runs}`), 404);
      const options = await fetch(`${em().collectionUrl}_apis/Release`, { method: 'OPTIONS', headers: auth });
      assert.equal(options.status, 404);
      assert.equal(await get(`${em().hosts.release}${runs}`), 404);
      assert.equal(await get(`${em().hosts.release}WebApp/_apis/wit/workitemtypes`), 404);
      assert.equal(await get(`${em().hosts.testResults}WebApp/_apis/Release/releases/7`), 404);
      assert.equal(await get(`${em().hosts.release}_apis/ResourceAreas`), 404);
      // A client pointed at the main host cannot find the Release locations there.
      const stray = new ReleaseApi(em().collectionUrl, [handler()]);
      assert.match((await rejection(stray.getRelease('WebApp', 7))).message, /Failed to find api location/);
      const log = await em().requests();
      assert.ok(log.filter((r) => r.status === 404).every((r) => r.kind === 'unknown'));
      assert.deepEqual([...new Set(log.map((r) => r.host))].sort(), ['main', 'release', 'testResults']);
    });

    it('shares one store: a release seeded through control is read on the release host', async () => {
      const direct = new ReleaseApi(em().hosts.release, [handler()]);
      assert.equal((await direct.getRelease('WebApp', 7)).name, 'Release-7');
    });

    it('goes back to onPremises on reset', async () => {
      await em().reset();
      assert.equal((await em().topology()).kind, 'onPremises');
    });
  });

  const SERVERS: Array<{ kind: TopologyKind; max: string; comments: string; tooNew: string }> = [
    { kind: 'server2022', max: '7.0', comments: '7.0-preview.3', tooNew: '7.1' },
    { kind: 'server2020', max: '6.0', comments: '6.0-preview.3', tooNew: '7.0' },
  ];

  for (const s of SERVERS) {
    describe(s.kind, () => {
      beforeEach(async () => {
        await em().setTopology(s.kind);
      });

      it(`advertises REST ${s.max} in discovery, with preview resources preview-only`, async () => {
        const res = await fetch(`${em().collectionUrl}_apis/wit`, { method: 'OPTIONS', headers: auth });
        const { value } = (await res.json()) as {
          value: Array<{ id: string; maxVersion: string; releasedVersion: string; resourceVersion: number }>;
        };
        const byId = (id: string) => value.find((l) => l.id === id);
        const items = byId('72c7ddf8-2cdc-4f60-90cd-ab71c14a399b');
        assert.deepEqual(
          [items?.maxVersion, items?.releasedVersion, items?.resourceVersion],
          [s.max, s.max, 3],
        );
        const comments = byId('608aac0a-32e1-4493-a863-b9cf4566d257');
        assert.deepEqual(
          [comments?.maxVersion, comments?.releasedVersion, comments?.resourceVersion],
          [s.max, '0.0', 3],
        );
        for (const l of value) assert.ok(Number(l.releasedVersion) <= Number(l.maxVersion), l.id);
      });

      it('lets the real clients negotiate a version the server accepts, and shows which', async () => {
        const c = clients(em());
        const item = await c.wit.createWorkItem(null, title('x'), 'WebApp', 'Bug');
        await c.wit.addComment({ text: 'hello' }, 'WebApp', item.id ?? 0);
        await c.release.getRelease('WebApp', 7);
        await c.test.getTestRuns('WebApp', 'vstfs:///Build/Build/42', undefined, undefined, undefined, true);
        await c.test.getTestResults('WebApp', 1042);
        // On a server the client hands back the answer as it came, with no list to unwrap (WebApi checks `count`).
        const areas: unknown = await new LocationsApi(em().collectionUrl, [handler()]).getResourceAreas();
        assert.deepEqual(areas, { count: 0, value: null });
        const rest = (await em().requests()).filter((r) => r.kind !== 'unknown' && r.method !== 'OPTIONS');
        assert.deepEqual(
          rest.map((r) => `${r.method} ${r.path} ${r.apiVersion} ${r.status}`),
          [
            `POST /fabrikam/WebApp/_apis/wit/workItems/$Bug ${s.max} 200`,
            `POST /fabrikam/WebApp/_apis/wit/workItems/1/comments ${s.comments} 200`,
            `GET /fabrikam/WebApp/_apis/Release/releases/7 ${s.max} 200`,
            `GET /fabrikam/WebApp/_apis/Test/Runs ${s.max} 200`,
            `GET /fabrikam/WebApp/_apis/Test/Runs/1042/Results ${s.max} 200`,
            `GET /fabrikam/_apis/ResourceAreas ${s.max} 200`,
          ],
        );
      });

      it(`refuses api-version ${s.tooNew} with 400 VssVersionOutOfRangeException, as the server does`, async () => {
        const res = await fetch(`${em().collectionUrl}WebApp/_apis/wit/workitems/$Bug`, {
          method: 'POST',
          headers: {
            ...auth,
            'Content-Type': 'application/json-patch+json',
            Accept: `application/json;api-version=${s.tooNew}-preview.3`,
          },
          body: JSON.stringify(title('x')),
        });
        assert.equal(res.status, 400);
        const body = (await res.json()) as { message: string; typeKey: string; typeName: string };
        assert.equal(body.typeKey, 'VssVersionOutOfRangeException');
        assert.equal(
          body.message,
          `The requested REST API version of ${s.tooNew} is out of range for this server. The latest REST API version this server supports is ${s.max}.`,
        );
        assert.match(
          body.typeName,
          /^Microsoft\.VisualStudio\.Services\.WebApi\.VssVersionOutOfRangeException,/,
        );
        assert.deepEqual(await em().workItems(), [], 'nothing was written');
      });
    });
  }

  it('server2019 refuses REST 6.0, and 6.0-preview, with 400 VssVersionOutOfRangeException naming 5.0', async () => {
    await em().setTopology('server2019');
    for (const version of ['6.0', '6.0-preview.3']) {
      const res = await fetch(`${em().collectionUrl}WebApp/_apis/wit/workitemtypes`, {
        headers: { ...auth, Accept: `application/json;api-version=${version}` },
      });
      assert.equal(res.status, 400, version);
      const body = (await res.json()) as { message: string; typeKey: string };
      assert.equal(body.typeKey, 'VssVersionOutOfRangeException', version);
      assert.equal(
        body.message,
        'The requested REST API version of 6.0 is out of range for this server. The latest REST API version this server supports is 5.0.',
      );
    }
  });

  it('refuses a preview-only resource asked for without -preview, and a version that is not one', async () => {
    const get = (path: string, v: string) =>
      fetch(`${em().collectionUrl}${path}`, {
        headers: { ...auth, Accept: `application/json;api-version=${v}` },
      });
    const item = (await clients(em()).wit.createWorkItem(null, title('x'), 'WebApp', 'Bug')).id ?? 0;
    const comments = `WebApp/_apis/wit/workItems/${item}/comments`;
    const taskLog = 'WebApp/_apis/release/releases/7/environments/71/deployPhases/1/tasks/5/logs';
    // 400: refused for its version; 0: past the version check (the seeded release has no such task: 404).
    const answers: Array<[TopologyKind, string, string, 400 | 0 | 200]> = [
      ['services', comments, '6.0', 400],
      ['services', comments, '6.0-preview.3', 200],
      ['server2022', comments, '7.0', 400],
      // Released at 7.0: preview on Azure DevOps Server 2020, whose latest version is 6.0.
      ['server2020', taskLog, '6.0', 400],
      ['server2020', taskLog, '6.0-preview.2', 0],
      ['server2022', taskLog, '6.0', 0],
      ['services', 'WebApp/_apis/wit/workitemtypes', '6.0-foo', 400],
      ['services', 'WebApp/_apis/wit/workitemtypes', '6', 400],
    ];
    for (const [kind, path, version, status] of answers) {
      await em().setTopology(kind);
      const answer = await get(path, version);
      const what = `${kind} ${path} ${version}`;
      if (status === 0) assert.notEqual(answer.status, 400, what);
      else assert.equal(answer.status, status, what);
      if (status !== 400) continue;
      const body = (await answer.json()) as { message: string; typeKey: string };
      if (version.includes('.')) {
        assert.equal(
          body.typeKey,
          version === '6.0-foo'
            ? 'VssInvalidApiResourceVersionException'
            : 'VssInvalidPreviewVersionException',
          what,
        );
      }
      if (body.typeKey === 'VssInvalidApiResourceVersionException') {
        assert.equal(
          body.message,
          `Invalid api version string: "${version}". Api version string must be in the format: {Major}.{Minor}[-preview[.{ResourceVersion}]].`,
        );
      }
      if (body.typeKey === 'VssInvalidPreviewVersionException') {
        assert.equal(
          body.message,
          `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
        );
      }
    }
  });

  it('refuses an unknown topology and keeps the current one', async () => {
    await em().setTopology('server2020');
    await assert.rejects(em().setTopology('cloud' as TopologyKind), /topology/);
    assert.equal((await em().topology()).kind, 'server2020');
  });

  it('onPremises accepts up to 7.2 and refuses 7.3', async () => {
    const get = (v: string) =>
      fetch(`${em().collectionUrl}_apis/ResourceAreas`, {
        headers: { ...auth, Accept: `application/json;api-version=${v}` },
      });
    assert.equal((await get('7.2-preview.4')).status, 200);
    const refused = await get('7.3');
    assert.equal(refused.status, 400);
    assert.match(
      ((await refused.json()) as { message: string }).message,
      /version of 7\.3 .* supports is 7\.2\.$/,
    );
  });
});
