// Protocol behaviour: discovery, authentication, the request log, fault injection, unknown routes and
// the control API's own checks.
import * as assert from 'node:assert/strict';
import { WebApi } from 'azure-devops-node-api';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import { PersonalAccessTokenCredentialHandler } from 'azure-devops-node-api/handlers/personalaccesstoken';
import { PEOPLE } from '../emulator/harness';
import { clients, JOB_TOKEN, rejection, titled as title, useEmulator } from './helpers';

describe('emulator: protocol', function () {
  this.timeout(20_000);
  const em = useEmulator();

  beforeEach(async () => {
    await em().reset();
    await em().setTokens([
      JOB_TOKEN,
      { token: 'alex-pat', identity: PEOPLE.alex.uniqueName, scheme: 'Basic' },
    ]);
  });

  it('discovers locations per area and records requests without credentials', async () => {
    const created = await clients(em()).wit.createWorkItem(null, title('first'), 'WebApp', 'Task');
    assert.equal(created.fields?.['System.CreatedBy'].uniqueName, PEOPLE.build.uniqueName);
    const log = await em().requests();
    assert.deepEqual(
      log.map((r) => `${r.kind} ${r.method} ${r.path}`),
      ['discovery OPTIONS /fabrikam/_apis/wit', 'rest POST /fabrikam/WebApp/_apis/wit/workItems/$Task'],
    );
    const post = log[1];
    assert.equal(post.spec, '/{organization}/{project}/_apis/wit/workitems/${type}');
    assert.equal(post.apiVersion, '7.1-preview.3');
    assert.equal(post.contentType, 'application/json-patch+json');
    assert.equal(post.authScheme, 'Bearer');
    assert.equal(post.status, 200);
    assert.deepEqual(post.body, title('first'));
    assert.ok(!JSON.stringify(log).includes(JOB_TOKEN), 'the token never appears in the log');
  });

  it('a token given some projects only: any other is 404 VS800075, as one that does not exist', async () => {
    await em().setTokens([{ token: 'scoped', projects: ['webapp'] }]);
    const read = (project: string): Promise<Response> =>
      fetch(`${em().collectionUrl}${project}/_apis/wit/workitemtypes?api-version=6.0`, {
        headers: { 'X-TFS-FedAuthRedirect': 'Suppress', Authorization: 'Bearer scoped' },
      });
    const unseen = await read('Mobile');
    assert.equal(unseen.status, 404);
    const { message, typeKey } = (await unseen.json()) as { message: string; typeKey: string };
    assert.match(
      message,
      /^VS800075: The project with id 'vstfs:\/\/\/Classification\/TeamProject\/[0-9a-f-]{36}' does not exist, or you do not have permission to access it\.$/,
    );
    assert.equal(typeKey, 'ProjectDoesNotExistException');
    assert.equal((await read('WebApp')).status, 200, 'its own project is seen, named in any case');
  });

  it('answers WebApi resource-area discovery as a single host', async () => {
    const webApi = new WebApi(em().collectionUrl, new BearerCredentialHandler(JOB_TOKEN));
    const wit = await webApi.getWorkItemTrackingApi();
    assert.ok(await wit.getWorkItemTypes('WebApp'));
    const kinds = (await em().requests()).map((r) => `${r.kind} ${r.method} ${r.path}`);
    assert.deepEqual(kinds.slice(0, 2), [
      'discovery OPTIONS /fabrikam/_apis/Location',
      'discovery GET /fabrikam/_apis/ResourceAreas',
    ]);
  });

  it('refuses a wrong or missing token: 401 TF400813 to a client that asks for it, else the sign-in page as 203', async () => {
    const types = `${em().collectionUrl}WebApp/_apis/wit/workitemtypes?api-version=6.0`;
    const plain = { 'X-TFS-FedAuthRedirect': 'Suppress' };
    const wrong = await fetch(types, { headers: { ...plain, Authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.match(((await wrong.json()) as { message: string }).message, /^TF400813/);
    const missing = await fetch(`${em().collectionUrl}_apis/ResourceAreas`, { headers: plain });
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    const pages: Record<string, string>[] = [
      { Authorization: 'Bearer nope' },
      {},
      { 'X-TFS-FedAuthRedirect': 'Other' },
    ];
    for (const headers of pages) {
      const page = await fetch(types, { headers });
      assert.equal(page.status, 203, JSON.stringify(headers));
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await page.text(), /Sign In/);
    }
    const pat = clients(em(), new PersonalAccessTokenCredentialHandler('alex-pat')).wit;
    const item = await pat.createWorkItem(null, title('by Alex'), 'WebApp', 'Bug');
    assert.equal(item.fields?.['System.CreatedBy'].uniqueName, PEOPLE.alex.uniqueName);
    const patAsBearer = await fetch(types, { headers: { ...plain, Authorization: 'Bearer alex-pat' } });
    assert.equal(patAsBearer.status, 401, 'a token limited to Basic is not accepted as Bearer');
    const schemes = (await em().requests()).map((r) => r.authScheme);
    assert.ok(schemes.includes('Basic') && schemes.includes('Bearer'));
  });

  it('lets a person with the right permissions save under the restricted area', async () => {
    const pat = clients(em(), new PersonalAccessTokenCredentialHandler('alex-pat')).wit;
    const ops = [...title('x'), { op: 'add', path: '/fields/System.AreaPath', value: 'WebApp\\Restricted' }];
    assert.equal(
      (await pat.createWorkItem(null, ops, 'WebApp', 'Bug')).fields?.['System.AreaPath'],
      'WebApp\\Restricted',
    );
  });

  it('injects a 429 with Retry-After that the client exposes, once', async () => {
    await em().injectFaults([
      {
        method: 'POST',
        pathRegex: '/_apis/wit/workItems/\\$Bug$',
        status: 429,
        headers: { 'Retry-After': '7' },
      },
    ]);
    const wit = clients(em()).wit;
    const e = await rejection(wit.createWorkItem(null, title('x'), 'WebApp', 'Bug'));
    assert.equal(e.statusCode, 429);
    assert.match(e.message, /^TF400733/);
    assert.equal(e.rateLimit?.retryAfter, 7);
    assert.equal(e.responseHeaders?.['retry-after'], '7');
    assert.ok(await wit.createWorkItem(null, title('x'), 'WebApp', 'Bug'), 'the fault was used up');
    assert.deepEqual(
      (await em().requests()).map((r) => r.fault),
      [false, true, false],
    );
  });

  it('adds a fault’s headers to the real answer when the fault neither answers nor drops (a Retry-After on a 200)', async () => {
    await em().injectFaults([
      { method: 'GET', pathRegex: '/_apis/wit/workitemtypes$', headers: { 'Retry-After': '2' } },
    ]);
    const types = `${em().collectionUrl}WebApp/_apis/wit/workitemtypes?api-version=6.0`;
    const headers = { Authorization: `Bearer ${JOB_TOKEN}` };
    const asked = await fetch(types, { headers });
    assert.equal(asked.status, 200);
    assert.equal(asked.headers.get('retry-after'), '2');
    assert.ok(((await asked.json()) as { count: number }).count > 0, 'the real answer');
    const next = await fetch(types, { headers });
    assert.equal(next.headers.get('retry-after'), null, 'the fault was used up');
  });

  it('can reset the connection, delay, or answer 404 with a TF237111 body', async () => {
    await em().injectFaults([
      { pathRegex: 'workItems/\\$Bug$', reset: true },
      { pathRegex: 'workItems/\\$Bug$', delayMs: 150 },
      {
        pathRegex: 'workItems/\\$Bug$',
        status: 404,
        body: {
          message:
            'TF237111: The current user does not have permissions to save work items under the specified area path.',
        },
      },
    ]);
    const wit = clients(em()).wit;
    const reset = await rejection(wit.createWorkItem(null, title('x'), 'WebApp', 'Bug'));
    assert.equal(reset.code, 'ECONNRESET');
    const started = Date.now();
    assert.ok(await wit.createWorkItem(null, title('slow'), 'WebApp', 'Bug'));
    assert.ok(Date.now() - started >= 140);
    assert.equal(await wit.createWorkItem(null, title('x'), 'WebApp', 'Bug'), null);
    assert.deepEqual(
      (await em().requests()).map((r) => r.status),
      [200, 0, 200, 404],
    );
  });

  it('records unknown routes as kind "unknown" with a 404', async () => {
    const res = await fetch(`${em().collectionUrl}WebApp/_apis/wit/nothing`, {
      headers: { Authorization: `Bearer ${JOB_TOKEN}` },
    });
    assert.equal(res.status, 404);
    const log = await em().requests();
    assert.deepEqual(
      log.map((r) => [r.kind, r.status]),
      [['unknown', 404]],
    );
    await em().clearRequests();
    assert.deepEqual(await em().requests(), []);
  });

  it('requires an api-version on writes, like the service', async () => {
    const res = await fetch(`${em().collectionUrl}WebApp/_apis/wit/workitems/$Bug`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${JOB_TOKEN}`, 'Content-Type': 'application/json-patch+json' },
      body: JSON.stringify(title('x')),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { typeKey: string }).typeKey, 'VssVersionNotSpecifiedException');
  });

  it('refuses bad seeds at seeding time and seeds work items directly', async () => {
    await assert.rejects(em().seedBuild({ project: 'Nope', id: 1 }), /project 'Nope'/);
    await assert.rejects(
      em().seedBuild({ project: 'WebApp', id: 1, records: [{ type: 'Task', name: 's', parentId: 'x' }] }),
      /parentId 'x'/,
    );
    const seeded = await em().seedWorkItem({
      project: 'WebApp',
      type: 'Bug',
      fields: { 'System.Title': 'old', 'System.Tags': 'fp:1' },
    });
    assert.equal(seeded.id, 1);
    assert.equal((await em().workItems()).length, 1);
    assert.equal(await em().workItem(99), null);
  });
});
