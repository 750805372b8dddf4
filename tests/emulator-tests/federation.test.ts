// Workload identity federation: the job's ID token request and the Entra token endpoint refuse what the real
// ones refuse, and Boards accepts an issued token only for an app added to the organization.
import * as assert from 'node:assert/strict';
import { PEOPLE, PROJECTS } from '../emulator/harness';
import { JOB_TOKEN, useEmulator } from './helpers';

const CONNECTION = '3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d';
const TENANT = 'tenant-1';
const CLIENT = 'client-1';
const SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// The connection's app in the tenant, federated with the pipeline's connection and a user of the organization.
const APP = {
  tenantId: TENANT,
  clientId: CLIENT,
  credentials: [{ issuer: 'https://vstoken.dev.azure.com/fabrikam', subject: 'sc://fabrikam/WebApp/boards' }],
  inOrganization: true,
};

describe('emulator: workload identity federation', function () {
  this.timeout(20_000);
  const em = useEmulator();
  const base = (): string => em().collectionUrl.replace(/fabrikam\/$/, '');
  const oidcUrl = (version = '&api-version=7.1'): string =>
    `${em().collectionUrl}${PROJECTS.WebApp.id}/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken?serviceConnectionId=${CONNECTION}${version}`;

  beforeEach(async () => {
    await em().reset();
    await em().setTokens([JOB_TOKEN]);
    await em().setFederation({
      connections: [{ id: CONNECTION, name: 'boards', project: 'WebApp' }],
      apps: [{ ...APP, identity: PEOPLE.sam.uniqueName }],
    });
  });

  async function idToken(token = JOB_TOKEN, version?: string): Promise<Response> {
    return fetch(oidcUrl(version), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: '{}',
    });
  }

  async function exchange(
    form: Record<string, string>,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${base()}${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  const request = (assertion: string, overrides: Record<string, string> = {}): Record<string, string> => ({
    client_id: CLIENT,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    grant_type: 'client_credentials',
    scope: SCOPE,
    ...overrides,
  });

  it('issues an ID token for the job token only, for the connections the pipeline may use', async () => {
    assert.equal((await idToken('not-the-job-token')).status, 401);
    const issued = await idToken();
    assert.equal(issued.status, 200);
    const { oidcToken } = (await issued.json()) as { oidcToken: string };
    const claims = JSON.parse(
      Buffer.from(oidcToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    assert.equal(claims['sub'], 'sc://fabrikam/WebApp/boards');
    assert.equal(claims['aud'], 'api://AzureADTokenExchange');
    await em().setFederation({ connections: [] });
    assert.equal((await idToken()).status, 403);
    assert.deepEqual((await em().issuedTokens()).idTokens, [oidcToken]);
  });

  it('takes the ID token request at api-version 7.1 and 7.1-preview.1, and refuses it without one', async () => {
    assert.equal((await idToken(JOB_TOKEN, '&api-version=7.1-preview.1')).status, 200);
    const missing = await idToken(JOB_TOKEN, '');
    assert.equal(missing.status, 400);
    const refusal = (await missing.json()) as { typeKey: string; message: string };
    assert.equal(refusal.typeKey, 'VssVersionNotSpecifiedException');
    assert.match(refusal.message, /^No api-version was supplied for the "POST" request\./);
    const older = await idToken(JOB_TOKEN, '&api-version=7.0');
    assert.equal(older.status, 400);
    assert.match(((await older.json()) as { message: string }).message, /^Emulator: /);
    assert.equal((await em().issuedTokens()).idTokens.length, 1);
  });

  it('exchanges a valid assertion for a token Boards accepts as the app', async () => {
    const { oidcToken } = (await (await idToken()).json()) as { oidcToken: string };
    const answer = await exchange(request(oidcToken));
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const token = String(answer.json['access_token']);
    const boards = await fetch(`${em().collectionUrl}WebApp/_apis/wit/workitems/$Task?api-version=7.1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'add', path: '/fields/System.Title', value: 'by the app' }]),
    });
    assert.equal(boards.status, 200);
    const item = (await boards.json()) as { fields: Record<string, { uniqueName?: string }> };
    assert.equal(item.fields['System.CreatedBy']?.uniqueName, PEOPLE.sam.uniqueName);
  });

  it('refuses the token of an app not added to the organization with TF401444, naming its identity', async () => {
    await em().setFederation({
      connections: [{ id: CONNECTION, name: 'boards', project: 'WebApp' }],
      apps: [{ ...APP, inOrganization: false }],
    });
    const { oidcToken } = (await (await idToken()).json()) as { oidcToken: string };
    const token = String((await exchange(request(oidcToken))).json['access_token']);
    const boards = await fetch(`${em().collectionUrl}WebApp/_apis/wit/workitemtypes?api-version=7.1`, {
      headers: { Authorization: `Bearer ${token}`, 'X-TFS-FedAuthRedirect': 'Suppress' },
    });
    assert.equal(boards.status, 401);
    const body = (await boards.json()) as Record<string, unknown>;
    assert.equal(
      body['message'],
      `TF401444: Sign-in at least once as ${TENANT}\\${TENANT}\\${CLIENT} in a web browser to enable access to the service.`,
    );
    assert.equal(body['typeKey'], 'UnauthorizedRequestException');
  });

  it('refuses a wrong grant, assertion type, scope, client, signature or subject', async () => {
    const { oidcToken } = (await (await idToken()).json()) as { oidcToken: string };
    const codes = async (form: Record<string, string>): Promise<string> => {
      const answer = await exchange(form);
      assert.equal(answer.status, 400);
      return String(answer.json['error_description']).split(':')[0] ?? '';
    };
    assert.equal(await codes(request(oidcToken, { grant_type: 'password' })), 'AADSTS70003');
    assert.equal(await codes(request(oidcToken, { client_assertion_type: 'secret' })), 'AADSTS50027');
    assert.equal(
      await codes(request(oidcToken, { scope: 'https://graph.microsoft.com/.default' })),
      'AADSTS70011',
    );
    assert.equal(await codes(request(oidcToken, { client_id: 'client-2' })), 'AADSTS700016');
    const [header, payload] = oidcToken.split('.');
    assert.equal(await codes(request(`${header}.${payload}.forged`)), 'AADSTS700024');
    await em().setFederation({
      connections: [{ id: CONNECTION, name: 'other', project: 'WebApp' }],
      apps: [],
    });
    const other = (await (await idToken()).json()) as { oidcToken: string };
    await em().setFederation({
      apps: [APP],
    });
    const refused = await exchange(request(other.oidcToken));
    assert.match(
      String(refused.json['error_description']),
      /^AADSTS70021: .*Assertion Subject: 'sc:\/\/fabrikam\/WebApp\/other'/,
    );
  });
});
