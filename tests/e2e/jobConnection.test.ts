import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TaskRun } from './agent';
import { AgentNetwork, agentNetwork } from './agentNetwork';
import {
  buildVariables,
  classicRelease,
  failedYamlRun,
  releaseVariables,
  seedClassicRelease,
} from './pipelines';
import { useSession } from './session';

/** A second organization's stand-in on this machine: it answers nothing, and counts every connection made to it. */
interface Listener {
  readonly url: string;
  readonly connections: () => number;
  close(): Promise<void>;
}

async function listener(): Promise<Listener> {
  let connections = 0;
  const server = http.createServer((_request, response) => response.writeHead(500).end());
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fabrikam/`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The job token goes where the job's SystemVssConnection endpoint, which the agent sets, allows: a step that
// points System.TeamFoundationCollectionUri or System.OidcRequestUri elsewhere, or sets a variable named as the
// endpoint (a logging command in a tool's output is enough), fails the task before any request, and the other
// host hears nothing.
describe('packaged task: the job token stays in the job’s organization', function () {
  const session = useSession();
  let elsewhere: Listener | undefined;
  let network: AgentNetwork | undefined;
  const other = (): Listener => {
    if (!elsewhere) throw new Error('the other listener has not started');
    return elsewhere;
  };
  before(async () => {
    elsewhere = await listener();
    // Azure DevOps Services' hosts of the organization, played by the emulator behind the agent's proxy.
    network = await agentNetwork({
      'dev.azure.com': { port: session.emulator.port },
      'vsrm.dev.azure.com': { port: session.emulator.port },
    });
  });
  after(async () => {
    await network?.stop();
    await elsewhere?.close();
  });
  beforeEach(() => network?.tunnels.splice(0));
  // The task failed before any request: neither the other host nor the organization heard from it.
  const assertNothingSent = async (): Promise<void> => {
    assert.equal(other().connections(), 0);
    assert.deepEqual(await session.emulator.requests(), []);
  };

  it('System.TeamFoundationCollectionUri set by a step to another host: fails naming it, nothing is sent', async () => {
    await session.emulator.seedBuild(failedYamlRun(1701));
    const run = await session.run({
      variables: buildVariables(1701, { 'System.TeamFoundationCollectionUri': other().url }),
    });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(
      run.resultMessage,
      new RegExp(
        `^System\\.TeamFoundationCollectionUri \\(${other().url}\\) is not in the organization of the job's connection \\(${session.emulator.collectionUrl}\\), so the job token was not sent there and nothing was filed\\..*stop it from setting System\\.TeamFoundationCollectionUri`,
      ),
    );
    await assertNothingSent();
  });

  it('System.OidcRequestUri set by a step to another host: the federated sign-in is refused, nothing is sent', async () => {
    const connection = '5f0c2e7a-3b1d-4c8e-9a6f-2d4b8e1c7a93';
    await session.emulator.seedBuild(failedYamlRun(1702));
    const run = await session.run({
      variables: buildVariables(1702, { 'System.OidcRequestUri': `${other().url}_apis/oidctoken` }),
      inputs: {
        connectionType: 'azureRM',
        azureResourceManagerConnection: connection,
        organizationUrl: session.emulator.collectionUrl,
      },
      serviceConnections: {
        [connection]: {
          url: 'https://management.azure.com/',
          scheme: 'WorkloadIdentityFederation',
          parameters: { serviceprincipalid: 'client-1', tenantid: 'tenant-1' },
          data: { activeDirectoryAuthority: session.emulator.url },
        },
      },
    });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(
      run.resultMessage,
      new RegExp(
        `^System\\.OidcRequestUri \\(${other().url}_apis/oidctoken\\) is not in the organization of the job's connection .*service connection '${connection}' did not sign in\\.`,
      ),
    );
    await assertNothingSent();
  });

  // A logging command in a tool's output can set a variable named as an input's or a connection's environment
  // variable: an older agent lets it replace that value, a newer one lets it add a value a connection lacks.
  it('an older agent: a variable named as the job connection’s URL fails the task naming it, nothing is sent', async () => {
    await session.emulator.seedBuild(failedYamlRun(1703));
    const run = await session.run({
      variablesLast: true,
      variables: buildVariables(1703, { ENDPOINT_URL_SYSTEMVSSCONNECTION: other().url }),
    });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(
      run.resultMessage,
      /^Pipeline variable 'ENDPOINT_URL_SYSTEMVSSCONNECTION' has the name ENDPOINT_URL_SYSTEMVSSCONNECTION in the task's environment, the name of the task's service connection 'SYSTEMVSSCONNECTION': a variable so named replaces that value on an agent older than July 2026, and on any agent adds one that is missing, so the task stops before it sends anything\./,
    );
    await assertNothingSent();
  });

  it('an older agent: a variable named as an input (input.project) fails the task naming both, nothing is sent', async () => {
    await session.emulator.seedBuild(failedYamlRun(1704));
    const run = await session.run({
      variablesLast: true,
      variables: buildVariables(1704, { 'input.project': 'Mobile' }),
    });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(
      run.resultMessage,
      /^Pipeline variable 'input\.project' has the name INPUT_PROJECT .* input 'project'/,
    );
    assert.deepEqual(await session.emulator.requests(), []);
  });

  it('a newer agent: a variable giving a federated connection an authority it lacks fails the task, nothing is sent', async () => {
    const connection = '9d3b7f1e-6a2c-4e8d-b5f7-1c3e5a7b9d02';
    await session.emulator.seedBuild(failedYamlRun(1705));
    const authority = `ENDPOINT_DATA_${connection.toUpperCase()}_ACTIVEDIRECTORYAUTHORITY`;
    const run = await session.run({
      variables: buildVariables(1705, { [authority]: other().url }),
      inputs: { connectionType: 'azureDevOps', azureDevOpsConnection: connection },
      serviceConnections: {
        [connection]: {
          url: session.emulator.collectionUrl,
          scheme: 'WorkloadIdentityFederation',
          parameters: { serviceprincipalid: 'client-1', tenantid: 'tenant-1' },
        },
      },
    });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.ok(run.resultMessage.startsWith(`Pipeline variable '${authority}'`), run.resultMessage);
    assert.ok(run.resultMessage.includes(`service connection '${connection}'`), run.resultMessage);
    await assertNothingSent();
  });

  // A failed classic release whose job connection is fabrikam's Release host, with the collection URI given.
  const releaseRun = async (id: number, collectionUri: string): Promise<TaskRun> => {
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(id, 'failed'));
    return session.run({
      jobConnectionUrl: 'https://vsrm.dev.azure.com/fabrikam/',
      variables: {
        ...releaseVariables(id, 'Succeeded', webUrl),
        ...network?.variables,
        'System.TeamFoundationCollectionUri': collectionUri,
      },
    });
  };

  it('classic release: the connection is the Release host, the Bug is filed in its organization’s collection', async () => {
    const run = await releaseRun(57, 'https://dev.azure.com/fabrikam/');
    assert.equal(run.result, 'Succeeded', run.stdout);
    const [item] = await session.items(1, run);
    assert.equal(item?.fields['System.Title'], 'Release-57 failed in Production');
    assert.deepEqual([...new Set(network?.tunnels)], ['dev.azure.com:443']);
  });

  it('classic release: a collection of another organization beside the Release host fails, nothing is sent', async () => {
    const run = await releaseRun(58, 'https://dev.azure.com/otherorg/');
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(
      run.resultMessage,
      /^System\.TeamFoundationCollectionUri \(https:\/\/dev\.azure\.com\/otherorg\/\)/,
    );
    assert.deepEqual(network?.tunnels, []);
    assert.deepEqual(await session.emulator.requests(), []);
  });
});
