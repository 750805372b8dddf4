import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { Emulator, PROJECTS, RecordedRequest, startEmulator } from '../emulator/harness';
import type { FederatedAppSpec } from '../emulator/federation';
import type { EndpointSpec, TaskRun } from './agent';
import { AgentNetwork, agentNetwork, ENTRA_HOST } from './agentNetwork';
import { buildVariables, failedYamlRun, greenYamlRun } from './pipelines';
import { assertNoSecrets, isWrite, useSession } from './session';

// Passwordless connections: the job (organization A, the session's emulator) asks for an ID token of a service
// connection, Microsoft Entra ID (played by organization B's emulator, the connection's authority) exchanges it,
// and the task writes to organization B with the access token. B accepts no other token.
describe('packaged task: workload identity federation to another organization', function () {
  const session = useSession();
  let target: Emulator | undefined;
  let network: AgentNetwork | undefined;
  const other = (): Emulator => {
    if (!target) throw new Error('the target organization has not started');
    return target;
  };
  before(async () => {
    target = await startEmulator();
    network = await agentNetwork({ [ENTRA_HOST]: { port: target.port } });
  });
  after(async () => {
    await network?.stop();
    await target?.stop();
  });

  const ARM = '5f0c2e7a-3b1d-4c8e-9a6f-2d4b8e1c7a93';
  const ADO = '9d3b7f1e-6a2c-4e8d-b5f7-1c3e5a7b9d02';
  const ADO_NAME = 'boards-ado';
  const TENANT = 'a7e3c1d9-4b2f-4e68-8d1a-3f5c7b9e2d04';
  const CLIENT = 'c4d8e2f6-1a3b-4c5d-9e7f-8a0b2c4d6e81';
  const NAME = 'boards-wif';
  const SUBJECT = `sc://fabrikam/WebApp/${NAME}`;
  const ISSUER = 'https://vstoken.dev.azure.com/fabrikam';

  // One app registration with a federated credential for each connection.
  const app = (overrides: Partial<FederatedAppSpec> = {}): FederatedAppSpec => ({
    tenantId: TENANT,
    clientId: CLIENT,
    credentials: [
      { issuer: ISSUER, subject: SUBJECT },
      { issuer: ISSUER, subject: `sc://fabrikam/WebApp/${ADO_NAME}` },
    ],
    inOrganization: true,
    identity: 'sam@fabrikam.example',
    ...overrides,
  });

  beforeEach(async () => {
    await other().reset();
    await session.emulator.setFederation({
      connections: [
        { id: ARM, name: NAME, project: 'WebApp' },
        { id: ADO, name: ADO_NAME, project: 'WebApp' },
      ],
    });
    await other().setFederation({ apps: [app()] });
    network?.tunnels.splice(0);
  });

  /** The Azure Resource Manager connection as the agent exports it: its cloud's authority is organization B. */
  function armConnection(): EndpointSpec {
    return {
      url: 'https://management.azure.com/',
      scheme: 'WorkloadIdentityFederation',
      parameters: { serviceprincipalid: CLIENT, tenantid: TENANT, scope: 'subscription' },
      data: {
        activeDirectoryAuthority: other().collectionUrl.replace(/fabrikam\/$/, ''),
        environment: 'AzureCloud',
      },
    };
  }

  const OIDC_PATH = `${PROJECTS.WebApp.id}/_apis/distributedtask/hubs/build/plans/6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f/jobs/7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d/oidctoken`;

  /**
   * The Azure DevOps connection as the agent exports it: its URL is organization B; it signs in at the public
   * cloud's authority, which the agent reaches through its proxy.
   */
  function azureDevOpsConnection(): EndpointSpec {
    return {
      url: other().collectionUrl,
      scheme: 'WorkloadIdentityFederation',
      parameters: { serviceprincipalid: CLIENT, tenantid: TENANT },
    };
  }

  const KINDS = {
    azureRM: () => ({
      inputs: {
        connectionType: 'azureRM',
        azureResourceManagerConnection: ARM,
        organizationUrl: other().collectionUrl,
      },
      connections: { [ARM]: armConnection() },
      variables: {},
    }),
    azureDevOps: () => ({
      inputs: { connectionType: 'azureDevOps', azureDevOpsConnection: ADO },
      connections: { [ADO]: azureDevOpsConnection() },
      variables: network?.variables ?? {},
    }),
  };
  type Kind = keyof typeof KINDS;

  async function runFederated(
    id: number,
    outcome: 'failed' | 'green',
    options: {
      kind?: Kind;
      inputs?: Record<string, string>;
      variables?: Record<string, string | undefined>;
    } = {},
  ): Promise<TaskRun> {
    const kind = KINDS[options.kind ?? 'azureRM']();
    await session.emulator.seedBuild(outcome === 'failed' ? failedYamlRun(id) : greenYamlRun(id));
    const variables: Record<string, string> = buildVariables(id, {
      'Agent.JobStatus': outcome === 'failed' ? 'Failed' : 'Succeeded',
      'System.OidcRequestUri': `${session.emulator.collectionUrl}${OIDC_PATH}`,
      ...kind.variables,
    });
    for (const [name, value] of Object.entries(options.variables ?? {})) {
      if (value === undefined) delete variables[name];
      else variables[name] = value;
    }
    const run = await session.run({
      variables,
      inputs: { ...kind.inputs, ...options.inputs },
      serviceConnections: kind.connections,
    });
    // The ID tokens (issued by A) and the access tokens (issued by B) are secrets like the job token.
    const issued = [await session.emulator.issuedTokens(), await other().issuedTokens()];
    const tokens = issued.flatMap((t) => [...t.idTokens, ...t.accessTokens]);
    await assertNoSecrets(session.emulator, run, tokens);
    await assertNoSecrets(other(), run, tokens);
    return run;
  }

  const said = (run: TaskRun): string => `${run.resultMessage}\n${run.warnings.join('\n')}\n${run.stdout}`;
  const federation = async (em: Emulator): Promise<RecordedRequest[]> =>
    (await em.requests()).filter((r) => r.kind === 'federation');

  for (const [kind, connection, base] of [
    ['azureRM', ARM, 1601],
    ['azureDevOps', ADO, 1611],
  ] as const) {
    it(`${kind}: files, comments on the recurrence and resolves on recovery in the other organization`, async () => {
      const first = await runFederated(base, 'failed', { kind });
      assert.equal(first.result, 'Succeeded', said(first));
      assert.equal(first.outputs['WorkItemAction'], 'created');
      assert.deepEqual(await session.emulator.workItems(), [], 'nothing is filed in the job organization');
      const [item] = await other().workItems();
      assert.ok(item, said(first));
      assert.equal(
        (item.fields['System.CreatedBy'] as { uniqueName: string }).uniqueName,
        'sam@fabrikam.example',
      );
      assert.equal(first.outputs['WorkItemUrl'], `${other().collectionUrl}WebApp/_workitems/edit/${item.id}`);
      // One ID token and one exchange for the run; every call to B carries the exchanged token.
      const oidc = await federation(session.emulator);
      assert.deepEqual(
        oidc.map((r) => [r.method, r.authScheme, r.query['serviceConnectionId'], r.query['api-version']]),
        [['POST', 'Bearer', connection, '7.1']],
      );
      const exchanges = await federation(other());
      assert.equal(exchanges.length, 1);
      const calls = (await other().requests()).filter((r) => r.kind !== 'federation');
      assert.ok(calls.length > 0 && calls.every((r) => r.authScheme === 'Bearer' && r.status !== 401));

      assert.deepEqual(network?.tunnels, kind === 'azureDevOps' ? ['login.microsoftonline.com:443'] : []);

      const again = await runFederated(base + 1, 'failed', { kind });
      assert.equal(again.outputs['WorkItemAction'], 'commented', said(again));
      assert.equal((await other().comments(item.id)).length, 2);

      const green = await runFederated(base + 2, 'green', { kind });
      assert.equal(green.outputs['WorkItemAction'], 'resolved', said(green));
      assert.equal((await other().workItem(item.id))?.fields['System.State'], 'Resolved');
    });
  }

  // The agent's bypass list names the hosts it reaches directly: here the connection's cloud (its authority) and
  // the organization written to, while the job's organization is reached only through the proxy. The ID token
  // request goes to the job's organization: through the proxy, whatever host the token exchange goes to.
  it('the ID token request goes through the agent’s proxy when only the authority is in its bypass list', async () => {
    // The job's organization at a port only the proxy reaches: a direct connection there is counted and cut.
    let direct = 0;
    const closed = net.createServer((socket) => {
      direct += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const behind = `127.0.0.1:${(closed.address() as net.AddressInfo).port}`;
    const own = await agentNetwork(
      { [ENTRA_HOST]: { port: other().port } },
      {
        plain: { [behind]: { port: session.emulator.port } },
        bypass: [`^http://127\\.0\\.0\\.1:${other().port}/`],
      },
    );
    try {
      const job = `http://${behind}/fabrikam/`;
      await session.emulator.seedBuild(failedYamlRun(1620));
      const run = await session.run({
        jobConnectionUrl: job,
        variables: buildVariables(1620, {
          ...own.variables,
          'System.TeamFoundationCollectionUri': job,
          'System.OidcRequestUri': `${job}${OIDC_PATH}`,
          'PipelineWorkItem.RetryBudget': '5',
        }),
        inputs: KINDS.azureRM().inputs,
        serviceConnections: KINDS.azureRM().connections,
      });
      assert.equal(run.result, 'Succeeded', said(run));
      assert.equal((await federation(session.emulator)).length, 1, 'the ID token request');
      assert.equal((await other().workItems()).length, 1);
      assert.equal(direct, 0, 'no request went around the proxy');
      assert.ok(own.tunnels.every((tunnel) => tunnel === behind));
    } finally {
      await own.stop();
      closed.close();
    }
  });

  it('renews the token once when a write meets an expired one, and writes once', async () => {
    await other().injectFaults([
      {
        method: 'POST',
        pathRegex: '/_apis/wit/workitems/\\$Bug$',
        status: 401,
        body: {
          message: 'TF400813: The user is not authorized to access this resource.',
          typeKey: 'UnauthorizedRequestException',
        },
      },
    ]);
    const run = await runFederated(1604, 'failed');
    assert.equal(run.outputs['WorkItemAction'], 'created', said(run));
    assert.equal((await other().workItems()).length, 1);
    assert.equal((await federation(session.emulator)).length, 2, 'a second ID token');
    assert.equal((await federation(other())).length, 2, 'a second exchange');
    const creates = (await other().requests()).filter((r) => isWrite(r) && r.kind === 'rest');
    assert.deepEqual(
      creates.map((r) => r.status),
      [401, 200],
    );
  });

  // A front end that sends refused credentials to sign in answers 302; the federated token follows no redirect.
  it('a redirect to sign in: names the redirect and refused credentials, and sends the token nowhere else', async () => {
    await other().injectFaults([
      {
        pathRegex: '/_apis/wit/',
        status: 302,
        headers: { Location: 'https://login.contoso.example/signin?realm=fabrikam' },
        body: '',
        times: 100,
      },
    ]);
    const run = await runFederated(1606, 'failed');
    assert.equal(run.result, 'SucceededWithIssues', said(run));
    assert.doesNotMatch(run.resultMessage, /HTTP 302\): HTTP 302/);
    assert.match(
      run.resultMessage,
      /^Could not read the work item types of project 'WebApp': .* answered HTTP 302, a redirect to https:\/\/login\.contoso\.example\/signin\?realm=fabrikam, which the task does not follow\. A redirect to a sign-in page means the credentials were refused/,
    );
  });

  // The sign-in's own hosts fail apart from the organization: the message names the host that failed.
  it('the authority’s certificate not trusted: names the sign-in and its host, not the organization', async () => {
    const run = await runFederated(1607, 'failed', {
      kind: 'azureDevOps',
      variables: { 'Agent.CAInfo': undefined },
    });
    assert.equal(run.result, 'SucceededWithIssues', said(run));
    assert.match(
      run.resultMessage,
      new RegExp(
        `^Service connection '${ADO}' could not sign in: https://login\\.microsoftonline\\.com could not be reached \\(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\\)\\.`,
      ),
    );
    assert.doesNotMatch(run.resultMessage, new RegExp(other().collectionUrl));
  });

  it('a pipeline not authorized to use the connection: says how to authorize it', async () => {
    await session.emulator.setFederation({ connections: [] });
    const run = await runFederated(1605, 'failed');
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(
      run.resultMessage,
      new RegExp(
        `Could not get an ID token for service connection '${ARM}' \\(HTTP 403\\): the pipeline is not authorized to use it\\. Authorize it \\(Project settings > Service connections, the connection whose id is ${ARM} > Security > Pipeline permissions\\)`,
      ),
    );
    assert.deepEqual(await federation(other()), [], 'no exchange without an ID token');
  });

  it('an Azure Resource Manager connection named as an Azure DevOps one: says to use azureRM, sends nothing', async () => {
    const run = await runFederated(1621, 'failed', {
      inputs: { connectionType: 'azureDevOps', azureDevOpsConnection: ARM, organizationUrl: '' },
    });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.equal(
      run.resultMessage,
      `Input 'azureDevOpsConnection': service connection '${ARM}' is an Azure Resource Manager connection (its URL is https://management.azure.com/), not an Azure DevOps one. Set connectionType to azureRM, name it in azureResourceManagerConnection, and set organizationUrl to the organization to file in.`,
    );
    assert.deepEqual(await federation(session.emulator), []);
    assert.deepEqual(await federation(other()), []);
  });

  it('a federated connection in the connection input (connectionType token): says which connectionType', async () => {
    const run = await runFederated(1622, 'failed', {
      inputs: {
        connectionType: 'token',
        azureResourceManagerConnection: '',
        organizationUrl: '',
        connection: ARM,
      },
    });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(
      run.resultMessage,
      new RegExp(
        `service connection '${ARM}' signs in with workload identity federation.*Set connectionType to azureDevOps`,
      ),
    );
    assert.deepEqual(await federation(session.emulator), []);
  });

  it('AADSTS70021: names the issuer and the subject the pipeline presented', async () => {
    await other().setFederation({
      apps: [app({ credentials: [{ issuer: ISSUER, subject: 'sc://fabrikam/WebApp/another-connection' }] })],
    });
    const run = await runFederated(1606, 'failed');
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(
      run.resultMessage,
      new RegExp(
        `found no federated credential of app ${CLIENT} that matches the ID token of service connection '${ARM}' \\(AADSTS70021\\)\\. Add a federated credential with issuer '${ISSUER}' and subject '${SUBJECT}'`,
      ),
    );
  });

  it('AADSTS700016: the app is not in the tenant', async () => {
    await other().setFederation({ apps: [app({ tenantId: 'another-tenant' })] });
    const run = await runFederated(1607, 'failed', { inputs: { failTaskOnError: 'true' } });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage,
      new RegExp(
        `Microsoft Entra ID has no application ${CLIENT} in tenant ${TENANT} \\(AADSTS700016\\)\\. Check the service principal \\(client\\) id and the tenant id of service connection '${ARM}'`,
      ),
    );
  });

  it('the service principal is not a user of the organization: says to add it with Basic access', async () => {
    await other().setFederation({ apps: [app({ inOrganization: false })] });
    const run = await runFederated(1608, 'failed');
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(
      run.resultMessage,
      new RegExp(
        `Azure DevOps did not accept the service principal \\(client id ${CLIENT}\\) of service connection '${ARM}' \\(TF401444\\) after a successful token exchange\\. Add the service principal to organization fabrikam with Basic access`,
      ),
    );
    assert.equal((await federation(other())).length, 2, 'renewed once, then given up');
    assert.deepEqual(await other().workItems(), []);
  });

  it('the service principal is not in the project (VS800075): names it, not the pipeline, and both fixes', async () => {
    // Azure DevOps answers a project the identity was not added to as one that does not exist (Microsoft Learn,
    // "Access Azure DevOps with Microsoft Entra workload identity": VS800075). Every project route of B does.
    await other().injectFaults([
      {
        pathRegex: '^/fabrikam/WebApp/_apis/',
        times: 50,
        status: 404,
        body: {
          message:
            "VS800075: The project with id 'vstfs:///Classification/TeamProject/WebApp' does not exist, or you do not have permission to access it.",
          typeKey: 'ProjectDoesNotExistException',
        },
      },
    ]);
    const run = await runFederated(1612, 'failed');
    assert.equal(run.result, 'SucceededWithIssues', said(run));
    assert.match(
      run.resultMessage,
      new RegExp(
        `Project 'WebApp' was not found, or the identity writing to it cannot read it\\. Give the service principal \\(client id ${CLIENT}\\) of service connection '${ARM}' access to project 'WebApp'.*or check the 'project' input`,
      ),
    );
    assert.doesNotMatch(said(run), /pipeline's identity/);
    assert.deepEqual(await other().workItems(), []);
  });

  it('the area permission is missing: names the connection service principal', async () => {
    await other().setFederation({ apps: [app({ identity: undefined })] });
    const run = await runFederated(1609, 'failed', { inputs: { areaPath: 'WebApp\\Restricted' } });
    assert.equal(run.result, 'SucceededWithIssues');
    assert.match(
      run.resultMessage,
      new RegExp(`Give the service principal \\(client id ${CLIENT}\\) of service connection '${ARM}'`),
    );
  });

  it('Azure DevOps Server (no ID token request URL): fails naming the personal access token connection', async () => {
    const run = await runFederated(1610, 'failed', { variables: { 'System.OidcRequestUri': undefined } });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage,
      new RegExp(
        `Service connection '${ARM}': workload identity federation is an Azure DevOps Services feature.*On Server, set connectionType to token and use a connection with a personal access token\\.`,
      ),
    );
    assert.deepEqual(await federation(session.emulator), []);
  });
});
