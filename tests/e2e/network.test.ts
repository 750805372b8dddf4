import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { agentNetwork } from './agentNetwork';
import { buildVariables, failedYamlRun } from './pipelines';
import { useSession } from './session';

// What the agent's network puts between the task and Azure DevOps: a page in place of the service's answer.
describe('packaged task: the agent’s network', function () {
  const session = useSession();

  // A proxy that blocks a request answers with its own page, often with status 200.
  it('a proxy’s block page with status 200 is named as a page, not as broken JSON', async () => {
    await session.emulator.seedBuild(failedYamlRun(1801));
    await session.emulator.injectFaults([
      {
        method: 'POST',
        pathRegex: '/_apis/wit/workitems/\\$Bug$',
        status: 200,
        body: '<html><body><h1>Access denied by web filter</h1></body></html>',
      },
    ]);
    const run = await session.run({ variables: buildVariables(1801) });
    assert.equal(run.result, 'SucceededWithIssues', run.stdout);
    assert.doesNotMatch(run.resultMessage, /JSON at position|is not valid JSON|Unexpected token/);
    assert.match(
      run.resultMessage,
      /^Could not create the Bug in project 'WebApp': .* answered HTTP 200 with a page instead of Azure DevOps' JSON: "<html><body><h1>Access denied by web filter.*proxy/,
    );
  });

  // A front end that sends refused credentials to sign in (302) leads the client to a sign-in page.
  it('a redirect to a sign-in page is named as refused credentials, not as broken JSON', async () => {
    const signIn = http.createServer((_request, response) =>
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<html><head><title>Sign in to your account</title></head></html>'),
    );
    await new Promise<void>((resolve) => signIn.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = signIn.address() as net.AddressInfo;
      await session.emulator.seedBuild(failedYamlRun(1802));
      await session.emulator.injectFaults([
        {
          pathRegex: '/_apis/',
          status: 302,
          headers: { Location: `http://127.0.0.1:${port}/_signin?realm=fabrikam` },
          body: '',
          times: 100,
        },
      ]);
      const run = await session.run({ variables: buildVariables(1802) });
      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      assert.doesNotMatch(run.stdout, /is not valid JSON|Unexpected token/);
      assert.match(
        run.resultMessage,
        /with a page instead of Azure DevOps' JSON: "<html><head><title>Sign in/,
      );
      assert.match(run.resultMessage, /A sign-in page means the credentials were refused/);
      assert.equal((await session.emulator.workItems()).length, 0);
    } finally {
      signIn.closeAllConnections();
      await new Promise((resolve) => signIn.close(resolve));
    }
  });

  // An Azure DevOps Server addressed by an IPv6 literal (http://[fd00::5]:8080/tfs/DefaultCollection/): the
  // collection is played by a relay on [::1] to the emulator.
  it('a collection at an IPv6 literal host is reached', async function () {
    const relay = net.createServer((socket) => {
      const upstream = net.connect(session.emulator.port, '127.0.0.1');
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    const listening = await new Promise<boolean>((resolve) => {
      relay.once('error', () => resolve(false));
      relay.listen(0, '::1', () => resolve(true));
    });
    // A machine without IPv6 on its loopback cannot play the server.
    if (!listening) this.skip();
    try {
      const collection = `http://[::1]:${(relay.address() as net.AddressInfo).port}/fabrikam/`;
      await session.emulator.seedBuild(failedYamlRun(1803));
      const run = await session.run({
        variables: buildVariables(1803, {
          'System.TeamFoundationCollectionUri': collection,
          'PipelineWorkItem.RetryBudget': '5',
        }),
        jobConnectionUrl: collection,
      });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.equal(run.outputs['WorkItemUrl'], `${collection}WebApp/_workitems/edit/1`);
      await session.items(1, run);
    } finally {
      relay.close();
    }
  });

  // A server (or a proxy) that takes the connection and never answers: each request ends at the request timeout,
  // the task within its retry budget, saying where and which limits.
  it('a server that never answers: the task ends within its budget, naming the host and the limits', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const collection = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/fabrikam/`;
      await session.emulator.seedBuild(failedYamlRun(1804));
      const started = Date.now();
      const run = await session.run({
        variables: buildVariables(1804, {
          'System.TeamFoundationCollectionUri': collection,
          'PipelineWorkItem.RequestTimeout': '1',
          'PipelineWorkItem.RetryBudget': '3',
        }),
        jobConnectionUrl: collection,
      });
      assert.ok(Date.now() - started < 15_000, 'within the budget and one request timeout');
      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      assert.match(
        run.resultMessage,
        new RegExp(
          `^Could not read the work item types of project 'WebApp': Azure DevOps at ${collection} did not answer within the request timeout\..*PipelineWorkItem\.RequestTimeout.*PipelineWorkItem\.RetryBudget`,
        ),
      );
      // The reads started for the item (its details, its iteration) say nothing of an item that was not filed;
      // every other warning is in the run summary, and nothing follows the result.
      assert.deepEqual(
        run.warnings.filter((warning) => /filed without|files in the default/.test(warning)),
        [],
        run.stdout,
      );
      const bullets = run.summary.split('\n').filter((line) => line.startsWith('- ⚠'));
      const others = run.warnings.filter((warning) => warning !== run.resultMessage);
      assert.equal(bullets.length, others.length, run.summary);
      assert.match(run.stdout.trimEnd().split('\n').at(-1) ?? '', /^##vso\[task\.complete /);
    } finally {
      silent.close();
    }
  });

  // The agent hands the proxy's and the client certificate's passwords to the task as secret variables; no line
  // the task prints carries them (the session scans every run for its secret variables in every form).
  it('an authenticated proxy: its password is in no line the task prints', async () => {
    const network = await agentNetwork({ 'dev.azure.com': { port: session.emulator.port } });
    try {
      await session.emulator.seedBuild(failedYamlRun(1805));
      const run = await session.run({
        jobConnectionUrl: 'https://dev.azure.com/fabrikam/',
        variables: buildVariables(1805, {
          ...network.variables,
          'System.TeamFoundationCollectionUri': 'https://dev.azure.com/fabrikam/',
          'Agent.ProxyUsername': 'builder',
        }),
        secretVariables: { 'Agent.ProxyPassword': 'Pr0xy-S3cret-pw-4d1f' },
      });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.ok(network.tunnels.length > 0, 'the requests went through the proxy');
    } finally {
      await network.stop();
    }
  });

  // A connection cut off mid-answer (a proxy or a load balancer closing it) is a reset like one cut before the
  // answer: a read is sent again.
  it('a read whose answer is cut off mid-way is sent again', async () => {
    await session.emulator.seedBuild(failedYamlRun(1806));
    await session.emulator.injectFaults([
      { method: 'GET', pathRegex: '/_apis/wit/workitemtypes/Bug$', cutBody: true },
    ]);
    const run = await session.run({ variables: buildVariables(1806) });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(run.outputs['WorkItemAction'], 'created');
    const reads = (await session.emulator.requests()).filter((r) =>
      r.path.endsWith('/_apis/wit/workitemtypes/Bug'),
    );
    assert.deepEqual(
      reads.map((r) => r.status),
      [0, 200],
    );
  });

  // A gateway answering for the service without content: read as "no open item", the run would file a second one.
  it('a query answered without content files no second item: named as something answering for Azure DevOps', async () => {
    await session.emulator.seedBuild(failedYamlRun(1808));
    const first = await session.run({ variables: buildVariables(1808) });
    assert.equal(first.outputs['WorkItemAction'], 'created', first.stdout);
    await session.emulator.seedBuild(failedYamlRun(1809));
    // Both queries: the one for the item to link to (which may fail) and the one for the open item.
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/wiql$', times: 2, status: 204, body: '' },
    ]);
    const again = await session.run({ variables: buildVariables(1809) });
    assert.equal(again.result, 'SucceededWithIssues', again.stdout);
    assert.equal(again.outputs['WorkItemAction'], 'none');
    assert.match(
      again.resultMessage,
      /^Could not .* answered HTTP 204 without content, where Azure DevOps always answers with JSON: .*proxy/,
    );
    await session.items(1, again);
  });

  // A TLS-inspecting proxy (or a server) whose certificate chains to an authority the agent was not given.
  it('a certificate the agent does not trust: names the host and the agent’s certificate settings', async () => {
    const network = await agentNetwork({ 'dev.azure.com': { port: session.emulator.port } });
    try {
      await session.emulator.seedBuild(failedYamlRun(1807));
      // The proxy without the authority its certificates chain to.
      const proxyOnly = Object.fromEntries(
        Object.entries(network.variables).filter(([name]) => name !== 'Agent.CAInfo'),
      );
      const run = await session.run({
        jobConnectionUrl: 'https://dev.azure.com/fabrikam/',
        variables: buildVariables(1807, {
          ...proxyOnly,
          'System.TeamFoundationCollectionUri': 'https://dev.azure.com/fabrikam/',
        }),
      });
      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      assert.match(
        run.resultMessage,
        /^Could not read the work item types of project 'WebApp': the certificate of https:\/\/dev\.azure\.com\/fabrikam\/ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\)\..*--sslcacert.*Agent\.CAInfo/,
      );
    } finally {
      await network.stop();
    }
  });
});
