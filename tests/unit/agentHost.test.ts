import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';
import { EnvironmentError, SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import type { TaskHost } from '../../tasks/PipelineWorkItem/src/ports';
import { loc, useLocalizer } from '../../tasks/PipelineWorkItem/src/text/messages';
import { repoRoot, TASK_JSON } from '../helpers/repo';

// The agent host over task-lib itself, in this process: the job's variables, inputs and endpoints are put in the
// environment as the agent exports them, task-lib's store is loaded again from it, and what the host prints is
// read from stdout as the agent reads it.

type AgentHostModule = typeof import('../../tasks/PipelineWorkItem/src/agentHost');
type TaskLibInternal = typeof import('azure-pipelines-task-lib/internal');
type Connection = typeof import('../../tasks/PipelineWorkItem/src/ado/connection');

// task-lib prints what it reads as it loads, and adds handlers that fail the task on any error the process meets
// (the test runner handles those itself). It loads with this file, quietly, so that the host's module-level
// tables run before every test: Stryker then runs them all against a mutant there.
const crashHandlers = process.listeners('uncaughtException');
const rejectionHandlers = process.listeners('unhandledRejection');
/* eslint-disable @typescript-eslint/no-require-imports -- loaded while stdout is muted, which an import cannot be */
const { agentHost, taskLib, connection } = printed(() => ({
  agentHost: (require('../../tasks/PipelineWorkItem/src/agentHost') as AgentHostModule).agentHost,
  taskLib: require('azure-pipelines-task-lib/internal') as TaskLibInternal,
  // The host loads task-lib at its first use; loaded here, its crash handlers are among those removed below.
  task: require('azure-pipelines-task-lib/task') as unknown,
  connection: require('../../tasks/PipelineWorkItem/src/ado/connection') as Connection,
})).result;
/* eslint-enable @typescript-eslint/no-require-imports */
for (const handler of process.listeners('uncaughtException')) {
  if (!crashHandlers.includes(handler)) process.removeListener('uncaughtException', handler);
}
for (const handler of process.listeners('unhandledRejection')) {
  if (!rejectionHandlers.includes(handler)) process.removeListener('unhandledRejection', handler);
}

/** An endpoint as the agent exports it. */
interface Endpoint {
  readonly url?: string;
  readonly auth?: { scheme: string; parameters?: Record<string, string> };
  readonly data?: Record<string, string>;
}

/** What the agent gives the job; a variable set to undefined is left out. */
interface Job {
  readonly variables?: Record<string, string | undefined>;
  readonly secrets?: Record<string, string>;
  readonly inputs?: Record<string, string>;
  readonly endpoints?: Record<string, Endpoint>;
}

const envName = (name: string): string => name.replace(/[.\s]/g, '_').toUpperCase();

// The environment's values before a test set them, restored after it: the tests may run inside a pipeline.
const saved = new Map<string, string | undefined>();

function setEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

// What the agent would export of a job that is not the test's own: the job the tests run in, if any.
const AGENT_ENV = /^(SYSTEM|AGENT|BUILD|RELEASE|ENDPOINT|INPUT|SECRET|PIPELINEWORKITEM)_/;

function restoreEnv(): void {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
}

// Made when the tests start, not when the file loads: a run that selects none of them leaves nothing behind.
let TEMP = '';

/** The host of an agent that runs `job`, task.json (and its translations) where `resources` says. */
function hostOf(job: Job, resources = (): string => path.join(repoRoot(), TASK_JSON)): TaskHost {
  restoreEnv();
  setEnv(
    Object.fromEntries(
      Object.keys(process.env).flatMap((name) => (AGENT_ENV.test(name) ? [[name, undefined]] : [])),
    ),
  );
  const env: Record<string, string> = { AGENT_TEMPDIRECTORY: TEMP };
  // With System.Debug unless a test says otherwise: every line the host can print is printed, so that a test
  // that a value is never printed holds for debug lines too.
  const variables = Object.fromEntries(
    Object.entries({ 'System.Debug': 'true', ...job.variables }).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, value]],
    ),
  );
  for (const [name, value] of Object.entries(variables)) env[envName(name)] = value;
  for (const [name, value] of Object.entries(job.secrets ?? {})) env[`SECRET_${envName(name)}`] = value;
  env['VSTS_PUBLIC_VARIABLES'] = JSON.stringify(Object.keys(variables));
  env['VSTS_SECRET_VARIABLES'] = JSON.stringify(Object.keys(job.secrets ?? {}));
  for (const [name, value] of Object.entries(job.inputs ?? {})) env[`INPUT_${envName(name)}`] = value;
  for (const [id, endpoint] of Object.entries(job.endpoints ?? {})) {
    if (endpoint.url) env[`ENDPOINT_URL_${id}`] = endpoint.url;
    if (endpoint.auth) env[`ENDPOINT_AUTH_${id}`] = JSON.stringify(endpoint.auth);
    for (const [key, value] of Object.entries(endpoint.data ?? {})) {
      env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;
    }
  }
  setEnv(env);
  printed(() => taskLib._loadData());
  return printed(() => agentHost(resources)).result;
}

/** That task-lib set no result: a read it failed would have ended the task on the agent. */
function assertNoResultSet(lines: readonly string[]): void {
  assert.ok(!lines.some((line) => line.includes('task.complete')), lines.join('\n'));
}

/** What `action` printed to stdout, line by line, and what it returned. */
function printed<T>(action: () => T): { lines: string[]; result: T } {
  const chunks: string[] = [];
  const write = sinon.stub(process.stdout, 'write').callsFake((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const result = action();
    return { lines: chunks.join('').split(os.EOL).slice(0, -1), result };
  } finally {
    write.restore();
  }
}

const linesOf = (action: () => unknown): string[] => printed(action).lines;

const JOB_TOKEN = 'job-token-5e1f0c2a';
const JOB_ENDPOINT: Endpoint = {
  url: 'https://dev.azure.com/fabrikam',
  auth: { scheme: 'OAuth', parameters: { AccessToken: JOB_TOKEN } },
};

describe('agent host', () => {
  afterEach(() => restoreEnv());

  before(() => {
    TEMP = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-host-'));
  });
  after(() => fs.rmSync(TEMP, { recursive: true, force: true }));

  describe('output', () => {
    it('prints each line masked of secret variables, with no logging command left in it', () => {
      const host = hostOf({ secrets: { 'Deploy.Key': 'k3y-9f8e7d' } });
      assert.deepEqual(
        linesOf(() => host.info('key k3y-9f8e7d\n##vso[task.setvariable variable=x]1\r##[error]boom')),
        ['key ***', '# #vso[task.setvariable variable=x]1', '# #[error]boom'],
      );
    });

    it('warns, debugs, ends and sets outputs through task-lib commands, their text masked and inert', () => {
      const host = hostOf({ secrets: { 'Deploy.Key': 'k3y-9f8e7d' } });
      assert.deepEqual(
        linesOf(() => {
          host.warning('bad k3y-9f8e7d ##vso[task.complete result=Succeeded]');
          host.debug('saw k3y-9f8e7d');
          host.setOutput('WorkItemId', '42');
          host.setResult('SucceededWithIssues', 'filed with k3y-9f8e7d');
        }),
        [
          '##vso[task.issue type=warning;source=TaskInternal;]bad *** # #vso[task.complete result=Succeeded]',
          '##vso[task.debug]saw ***',
          '##vso[task.debug]set WorkItemId=42',
          '##vso[task.setvariable variable=WorkItemId;isOutput=true;issecret=false;]42',
          '##vso[task.debug]task result: SucceededWithIssues',
          '##vso[task.issue type=warning;source=TaskInternal;]filed with ***',
          '##vso[task.complete result=SucceededWithIssues;]filed with ***',
        ],
      );
      assert.deepEqual(
        linesOf(() => {
          host.setResult('Failed', 'no');
          host.setResult('Succeeded', 'yes');
        }),
        [
          '##vso[task.debug]task result: Failed',
          '##vso[task.issue type=error;source=TaskInternal;]no',
          '##vso[task.complete result=Failed;]no',
          '##vso[task.debug]task result: Succeeded',
          '##vso[task.complete result=Succeeded;]yes',
        ],
      );
    });

    it('reads inputs and variables, printing each value it read masked, in English', () => {
      const host = hostOf({
        inputs: { title: 'Build of k3y-9f8e7d failed' },
        variables: { 'Build.SourceBranch': 'refs/heads/main', 'System.Debug': 'True ' },
        secrets: { 'Deploy.Key': 'k3y-9f8e7d' },
      });
      const { lines, result } = printed(() => [
        host.input('title'),
        host.input('project'),
        host.variable('Build.SourceBranch'),
      ]);
      assert.deepEqual(result, ['Build of k3y-9f8e7d failed', '', 'refs/heads/main']);
      assert.deepEqual(lines, [
        '##vso[task.debug]title = Build of *** failed',
        '##vso[task.debug]project = ',
        '##vso[task.debug]Build.SourceBranch = refs/heads/main',
      ]);
      assert.deepEqual(host.secrets(), ['k3y-9f8e7d']);
    });

    it('an agent in another language prints the translation beside task.json; an English one the bundle’s', () => {
      const task = path.join(TEMP, 'task');
      const german = path.join(task, 'Strings', 'resources.resjson', 'de-DE');
      fs.mkdirSync(german, { recursive: true });
      fs.copyFileSync(path.join(repoRoot(), TASK_JSON), path.join(task, 'task.json'));
      fs.writeFileSync(
        path.join(german, 'resources.resjson'),
        JSON.stringify({ 'loc.messages.ValueRead': '%s ist %s' }),
      );
      const resources = sinon.stub().returns(path.join(task, 'task.json'));
      try {
        for (const [culture, line] of [
          ['en-US', '##vso[task.debug]title = Build failed'],
          ['', '##vso[task.debug]title = Build failed'],
          ['de-DE', '##vso[task.debug]title ist Build failed'],
        ]) {
          const host = hostOf(
            { variables: { 'System.Culture': culture }, inputs: { title: 'Build failed' } },
            resources,
          );
          assert.deepEqual(
            linesOf(() => host.input('title')),
            [line],
            culture,
          );
        }
      } finally {
        useLocalizer(undefined);
      }
      sinon.assert.calledOnce(resources);
    });

    it('prints no debug line of its own unless System.Debug is true, the only time the agent shows them', () => {
      for (const debug of [undefined, 'false', '']) {
        const host = hostOf({
          inputs: { title: 'Build failed' },
          variables: { 'System.Debug': debug },
        });
        assert.deepEqual(
          linesOf(() => {
            host.debug('saw it');
            host.input('title');
            host.variable('Build.SourceBranch');
          }),
          [],
          String(debug),
        );
      }
    });

    it('attaches the run summary from the agent’s temp folder, masked', () => {
      const host = hostOf({
        variables: { 'Agent.TempDirectory': TEMP },
        secrets: { 'Deploy.Key': 'k3y-9f8e7d' },
      });
      const file = path.join(TEMP, `PipelineWorkItem-${process.pid}.md`);
      const lines = linesOf(() => host.writeSummary('# Filed\nwith k3y-9f8e7d'));
      assert.deepEqual(lines.slice(-1), [`##vso[task.uploadsummary]${file}`]);
      assert.equal(fs.readFileSync(file, 'utf8'), '# Filed\nwith ***');
    });

    it('a summary that cannot be written is a warning, not a failure', () => {
      const missing = path.join(TEMP, 'gone');
      const host = hostOf({});
      setEnv({ AGENT_TEMPDIRECTORY: missing });
      const lines = linesOf(() => host.writeSummary('# Filed'));
      const warning = lines.find((line) => line.startsWith('##vso[task.issue type=warning;'));
      assert.match(warning ?? '', /\]Could not attach the run summary: ENOENT.*gone/);
      assert.ok(!lines.some((line) => line.startsWith('##vso[task.uploadsummary]')));
    });
  });

  describe('credentials', () => {
    it('the job token, for the collection of the run, joins the secrets', () => {
      // A classic release job: the connection is the Release host, the collection its organization's.
      const host = hostOf({
        variables: { 'System.TeamFoundationCollectionUri': 'https://dev.azure.com/contoso' },
        endpoints: { SYSTEMVSSCONNECTION: { ...JOB_ENDPOINT, url: 'https://vsrm.dev.azure.com/contoso/' } },
      });
      const lines = linesOf(() =>
        assert.deepEqual(host.jobCredentials(), {
          url: 'https://dev.azure.com/contoso/',
          scheme: 'bearer',
          token: JOB_TOKEN,
        }),
      );
      assert.deepEqual(host.secrets(), [JOB_TOKEN]);
      assert.ok(!lines.some((line) => line.includes(JOB_TOKEN)), lines.join('\n'));
    });

    it('the job token with the endpoint’s URL when the collection is not named; none without a token', () => {
      const withEndpoint = hostOf({ endpoints: { SYSTEMVSSCONNECTION: JOB_ENDPOINT } });
      assert.deepEqual(printed(() => withEndpoint.jobCredentials()).result, {
        url: 'https://dev.azure.com/fabrikam/',
        scheme: 'bearer',
        token: JOB_TOKEN,
      });
      const noToken = hostOf({
        endpoints: { SYSTEMVSSCONNECTION: { ...JOB_ENDPOINT, auth: { scheme: 'OAuth', parameters: {} } } },
      });
      assert.equal(printed(() => noToken.jobCredentials()).result, undefined);
      assert.deepEqual(noToken.secrets(), []);
      const noUrl = hostOf({
        variables: { 'System.TeamFoundationCollectionUri': 'https://dev.azure.com/fabrikam/' },
        endpoints: { SYSTEMVSSCONNECTION: { auth: JOB_ENDPOINT.auth } },
      });
      assert.equal(printed(() => noUrl.jobCredentials()).result, undefined);
    });

    it('a job endpoint with no authorization, or one without parameters: no token, and no task-lib failure', () => {
      for (const auth of [undefined, { scheme: 'OAuth' }]) {
        const host = hostOf({ endpoints: { SYSTEMVSSCONNECTION: { url: JOB_ENDPOINT.url, auth } } });
        const { lines, result } = printed(() => host.jobCredentials());
        assert.equal(result, undefined);
        assertNoResultSet(lines);
      }
    });

    it('a collection a step pointed elsewhere: an environment error, the token neither sent nor printed', () => {
      const host = hostOf({
        variables: { 'System.TeamFoundationCollectionUri': 'https://dev.azure.com@evil.example/' },
        endpoints: { SYSTEMVSSCONNECTION: JOB_ENDPOINT },
      });
      const lines = linesOf(() =>
        assert.throws(
          () => host.jobCredentials(),
          (error: unknown) =>
            error instanceof EnvironmentError &&
            error.message ===
              loc(
                'CollectionUriUntrusted',
                'https://dev.azure.com@evil.example/',
                'https://dev.azure.com/fabrikam',
              ),
        ),
      );
      assert.ok(!lines.some((line) => line.includes(JOB_TOKEN)), lines.join('\n'));
    });

    // Each name the agent gives a job variable in the environment that an input's or a connection's value has:
    // an older agent lets the variable replace it.
    type Shadowed = [read: (host: TaskHost) => unknown, what: string];
    const JOB_SHADOWED: Shadowed = [
      (host) => host.jobCredentials(),
      "service connection 'SYSTEMVSSCONNECTION'",
    ];
    const SHADOWS: [string, ...Shadowed][] = [
      ['ENDPOINT_URL_SYSTEMVSSCONNECTION', ...JOB_SHADOWED],
      ['endpoint.auth.SystemVssConnection', ...JOB_SHADOWED],
      ['ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION', ...JOB_SHADOWED],
      ['ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN', ...JOB_SHADOWED],
      [
        'ENDPOINT_DATA_SC1_ORGANIZATIONURL',
        (host) => host.connectionCredentials('sc1'),
        "service connection 'sc1'",
      ],
      ['Input WorkItemType', (host) => host.input('workItemType'), "input 'workItemType'"],
      ['input.project', (host) => host.input('project'), "input 'project'"],
    ];
    for (const [name, read, what] of SHADOWS) {
      it(`a public variable named ${name}: an environment error naming it, before the value is read`, () => {
        const host = hostOf({
          variables: { [name]: 'https://evil.example/' },
          endpoints: { SYSTEMVSSCONNECTION: JOB_ENDPOINT },
        });
        const env = name.replace(/[. ]/g, '_').toUpperCase();
        assert.throws(
          () => read(host),
          (error: unknown) =>
            error instanceof EnvironmentError && error.message === loc('VariableShadows', name, env, what),
        );
      });
    }

    it('variables named beside those of inputs and connections, and secret ones, read as any other', () => {
      const host = hostOf({
        variables: { ENDPOINT_URL_OTHER: 'x', ENDPOINT_URL: 'x', INPUT_PROJECTS: 'x', 'Endpoint.Data': 'x' },
        secrets: { ENDPOINT_URL_SYSTEMVSSCONNECTION: 'https://evil.example/' },
        inputs: { project: 'WebApp' },
        endpoints: { SYSTEMVSSCONNECTION: JOB_ENDPOINT },
      });
      assert.equal(host.input('project'), 'WebApp');
      assert.equal(host.jobCredentials()?.token, JOB_TOKEN);
    });

    const CONNECTIONS: [string, Endpoint['auth'], object][] = [
      [
        'a personal access token',
        { scheme: 'Token', parameters: { apitoken: 'pat-1' } },
        { scheme: 'token', token: 'pat-1' },
      ],
      [
        'a user name and password',
        { scheme: 'UsernamePassword', parameters: { username: 'svc', password: 'pat-1' } },
        { scheme: 'basic', token: 'pat-1', username: 'svc' },
      ],
      [
        'a password without a user name',
        { scheme: 'UsernamePassword', parameters: { password: 'pat-1', apitoken: 'other' } },
        { scheme: 'basic', token: 'pat-1', username: '' },
      ],
      [
        'an OAuth token',
        { scheme: 'OAuth', parameters: { AccessToken: 'pat-1' } },
        { scheme: 'bearer', token: 'pat-1' },
      ],
    ];
    for (const [name, auth, expected] of CONNECTIONS) {
      it(`a service connection with ${name}, its token joining the secrets`, () => {
        // The input names the connection in lower case; the agent exports its URL upper-cased.
        const host = hostOf({
          endpoints: { 'A1B2-C3': { url: 'https://tfs.contoso.example/tfs/Main', auth } },
        });
        const { lines, result } = printed(() => host.connectionCredentials('a1b2-c3'));
        assert.deepEqual(result, { url: 'https://tfs.contoso.example/tfs/Main/', ...expected });
        assert.deepEqual(host.secrets(), ['pat-1']);
        assert.ok(!lines.some((line) => line.includes('pat-1')), lines.join('\n'));
      });
    }

    it('a federated connection in the connection input: a settings problem naming the connectionType to set', () => {
      const host = hostOf({
        endpoints: {
          SC1: {
            url: 'https://dev.azure.com/fabrikam/',
            auth: { scheme: 'WorkloadIdentityFederation', parameters: { tenantid: 't' } },
          },
        },
      });
      assert.throws(
        () => host.connectionCredentials('sc1'),
        (error: unknown) =>
          error instanceof SettingsError && error.message === loc('ConnectionIsFederated', 'sc1'),
      );
    });

    it('a service connection without a URL or token is a settings problem naming it, never its token', () => {
      const host = hostOf({
        endpoints: {
          NOURL: { auth: { scheme: 'Token', parameters: { apitoken: 'pat-2' } } },
          NOTOKEN: { url: 'https://x.example/', auth: { scheme: 'Token', parameters: {} } },
          BROKEN: { url: 'https://x.example/' },
        },
      });
      setEnv({ ENDPOINT_AUTH_BROKEN: '{not json pat-3' });
      printed(() => taskLib._loadData());
      for (const connection of ['NOURL', 'NOTOKEN', 'BROKEN', 'MISSING']) {
        const { lines } = printed(() =>
          assert.throws(
            () => host.connectionCredentials(connection),
            (error: SettingsError) =>
              error instanceof SettingsError && error.problems[0] === loc('ConnectionUnusable', connection),
          ),
        );
        assert.ok(!lines.some((line) => /pat-\d/.test(line)), lines.join('\n'));
      }
    });

    const WIF_ENDPOINT: Endpoint = {
      url: 'https://management.azure.com/',
      auth: {
        scheme: 'WorkloadIdentityFederation',
        parameters: { TenantId: 'tenant-1', ServicePrincipalId: 'client-1' },
      },
      data: {
        activeDirectoryAuthority: 'https://login.microsoftonline.us/',
        organizationUrl: 'https://dev.azure.com/contoso/',
      },
    };
    const WIF_CHOICE = {
      kind: 'azureDevOps',
      input: 'azureDevOpsConnection',
      connection: 'wif-1',
      organizationUrl: undefined,
    } as const;
    const JOB = { url: 'https://dev.azure.com/fabrikam/', scheme: 'bearer', token: JOB_TOKEN } as const;
    const OIDC_REQUEST = { 'System.OidcRequestUri': 'https://dev.azure.com/fabrikam/WebApp/_apis/oidctoken' };

    it('a federated connection: its tenant, client, authority and organization, and the job’s ID token request', () => {
      const host = hostOf({
        variables: OIDC_REQUEST,
        endpoints: { SYSTEMVSSCONNECTION: JOB_ENDPOINT, 'WIF-1': WIF_ENDPOINT },
      });
      const { result } = printed(() => host.federatedCredentials(WIF_CHOICE, JOB));
      assert.deepEqual(result, {
        url: 'https://dev.azure.com/contoso/',
        scheme: 'federated',
        federation: {
          connection: 'wif-1',
          oidcRequestUri: 'https://dev.azure.com/fabrikam/WebApp/_apis/oidctoken',
          jobToken: JOB_TOKEN,
          organizationUrl: 'https://dev.azure.com/contoso/',
          tenantId: 'tenant-1',
          clientId: 'client-1',
          authority: 'https://login.microsoftonline.us/',
        },
      });
    });

    it('a federated Azure DevOps connection with no endpoint data: its URL is the organization, the authority public', () => {
      // The editor stores a connection's id as a GUID in lower case; the agent names its variables in upper case.
      const id = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
      const host = hostOf({
        variables: OIDC_REQUEST,
        endpoints: {
          SYSTEMVSSCONNECTION: JOB_ENDPOINT,
          [id.toUpperCase()]: { url: 'https://dev.azure.com/contoso', auth: WIF_ENDPOINT.auth },
        },
      });
      const { lines, result } = printed(() =>
        host.federatedCredentials({ ...WIF_CHOICE, connection: id }, JOB),
      );
      assert.equal(result.url, 'https://dev.azure.com/contoso/');
      assert.equal(
        result.scheme === 'federated' && result.federation.authority,
        'https://login.microsoftonline.com/',
      );
      assertNoResultSet(lines);
    });

    it('a federated connection the agent gave no URL or no authorization: the input named, no task-lib failure', () => {
      const cases = [
        {
          endpoint: { auth: WIF_ENDPOINT.auth },
          problem: loc('FederationConnectionIncomplete', 'azureDevOpsConnection', 'wif-1', 'URL'),
        },
        {
          endpoint: { url: 'https://dev.azure.com/contoso/' },
          problem: loc('FederationSchemeUnsupported', 'azureDevOpsConnection', 'wif-1', loc('NoScheme')),
        },
      ];
      for (const { endpoint, problem } of cases) {
        const host = hostOf({
          variables: OIDC_REQUEST,
          endpoints: { SYSTEMVSSCONNECTION: JOB_ENDPOINT, 'WIF-1': endpoint },
        });
        const { lines } = printed(() =>
          assert.throws(
            () => host.federatedCredentials(WIF_CHOICE, JOB),
            (error: unknown) => error instanceof SettingsError && error.problems[0] === problem,
          ),
        );
        assertNoResultSet(lines);
      }
    });

    it('an ID token request URL a step pointed outside the job’s organization: an environment error', () => {
      const host = hostOf({
        variables: { 'System.OidcRequestUri': 'https://dev.azure.com/otherorg/_apis/oidctoken' },
        endpoints: { SYSTEMVSSCONNECTION: JOB_ENDPOINT, 'WIF-1': WIF_ENDPOINT },
      });
      printed(() =>
        assert.throws(
          () => host.federatedCredentials(WIF_CHOICE, JOB),
          (error: unknown) =>
            error instanceof EnvironmentError &&
            error.message ===
              loc(
                'OidcRequestUriUntrusted',
                'https://dev.azure.com/otherorg/_apis/oidctoken',
                'https://dev.azure.com/fabrikam',
                'wif-1',
              ),
        ),
      );
    });
  });

  describe('connections and files', () => {
    const CREDENTIALS = {
      url: 'https://dev.azure.com/fabrikam/',
      scheme: 'bearer',
      token: JOB_TOKEN,
    } as const;

    /** The transports the host hands the connections it makes. */
    function transports(): { boards: sinon.SinonStub; pipelines: sinon.SinonStub } {
      return {
        boards: sinon
          .stub(connection, 'connectBoards')
          .returns({} as ReturnType<Connection['connectBoards']>),
        pipelines: sinon
          .stub(connection, 'connectPipelines')
          .returns({} as ReturnType<Connection['connectPipelines']>),
      };
    }
    afterEach(() => sinon.restore());

    it('the agent’s proxy and certificates for each organization, their passwords joining the secrets once', () => {
      const host = hostOf({
        variables: {
          'Agent.ProxyUrl': 'http://proxy.contoso.local:8888',
          'Agent.ProxyUsername': 'builder',
          'Agent.ProxyPassword': 'proxy-pw-1',
          'Agent.ProxyBypassList': '["login.contoso"]',
          'Agent.CAInfo': '/certs/ca.pem',
          'Agent.ClientCert': '/certs/client.pem',
          'Agent.ClientCertKey': '/certs/client.key',
          'Agent.ClientCertArchive': '/certs/client.pfx',
          'Agent.ClientCertPassword': 'cert-pw-1',
          'Agent.SkipCertValidation': 'True',
        },
      });
      const connect = transports();
      printed(() => host.connectBoards(CREDENTIALS));
      printed(() => host.connectPipelines(CREDENTIALS));
      const [credentials, transport] = connect.boards.firstCall.args as Parameters<
        Connection['connectBoards']
      >;
      assert.equal(credentials, CREDENTIALS);
      assert.equal(transport.network.proxy?.proxyUrl, 'http://proxy.contoso.local:8888');
      assert.equal(transport.network.proxy?.proxyPassword, 'proxy-pw-1');
      assert.deepEqual(transport.network.cert, {
        caFile: '/certs/ca.pem',
        certFile: '/certs/client.pem',
        keyFile: '/certs/client.key',
        certArchiveFile: '/certs/client.pfx',
        passphrase: 'cert-pw-1',
      });
      assert.equal(transport.network.ignoreSslError, true);
      // The bypass list travels with the proxy: the client applies it to each request's URL.
      assert.deepEqual(transport.network.proxy?.proxyBypassHosts, ['login.contoso']);
      assert.deepEqual(host.secrets(), ['proxy-pw-1', 'cert-pw-1']);
      const [, pipelinesTransport] = connect.pipelines.firstCall.args as Parameters<
        Connection['connectPipelines']
      >;
      assert.equal(pipelinesTransport.policy, transport.policy, 'one retry budget for the whole run');
    });

    it('no proxy, no certificates: the agent’s defaults, certificates checked', () => {
      const host = hostOf({ secrets: { 'Deploy.Key': 'k3y-9f8e7d' } });
      const connect = transports();
      printed(() => host.connectBoards(CREDENTIALS));
      const [, transport] = connect.boards.firstCall.args as Parameters<Connection['connectBoards']>;
      assert.deepEqual(transport.network, { ignoreSslError: false });
      assert.deepEqual(transport.secrets(), ['k3y-9f8e7d']);
      transport.secret('access-token-1');
      assert.deepEqual(host.secrets(), ['access-token-1', 'k3y-9f8e7d']);
      assert.deepEqual(transport.policy.limits, { requestTimeoutMs: 30_000, budgetMs: 120_000 });
    });

    const LIMITS: [string, Record<string, string>, { requestTimeoutMs: number; budgetMs: number }][] = [
      [
        'in seconds',
        { 'PipelineWorkItem.RequestTimeout': '12', 'PipelineWorkItem.RetryBudget': '0.5' },
        { requestTimeoutMs: 12_000, budgetMs: 500 },
      ],
      [
        'but not when zero, negative or not a number',
        { 'PipelineWorkItem.RequestTimeout': '0', 'PipelineWorkItem.RetryBudget': '-5' },
        { requestTimeoutMs: 30_000, budgetMs: 120_000 },
      ],
      [
        'nor when infinite or text',
        { 'PipelineWorkItem.RequestTimeout': 'Infinity', 'PipelineWorkItem.RetryBudget': 'soon' },
        { requestTimeoutMs: 30_000, budgetMs: 120_000 },
      ],
    ];
    for (const [name, variables, limits] of LIMITS) {
      it(`the retry limits from pipeline variables, ${name}`, () => {
        const host = hostOf({ variables });
        const connect = transports();
        printed(() => host.connectBoards(CREDENTIALS));
        const [, transport] = connect.boards.firstCall.args as Parameters<Connection['connectBoards']>;
        assert.deepEqual(transport.policy.limits, limits);
      });
    }

    it('attachments are found from the default working directory, or from the current one', () => {
      const sources = fs.mkdtempSync(path.join(TEMP, 's-'));
      fs.writeFileSync(path.join(sources, 'build.log'), 'log');
      const host = hostOf({
        variables: { 'Agent.BuildDirectory': sources, 'System.DefaultWorkingDirectory': sources },
      });
      const real = fs.realpathSync(path.join(sources, 'build.log'));
      const { dev, ino } = fs.statSync(real, { bigint: true });
      assert.deepEqual(printed(() => host.findFiles(['*.log'])).result, [
        {
          pattern: '*.log',
          // Patterns and the paths they match are written with forward slashes, on Windows too.
          files: [
            {
              path: `${sources.split(path.sep).join('/')}/build.log`,
              realPath: real,
              size: 3,
              identity: `${dev}:${ino}`,
            },
          ],
          refused: [],
        },
      ]);
      const cwd = process.cwd();
      const here = hostOf({ variables: { 'Agent.BuildDirectory': sources } });
      process.chdir(sources);
      try {
        assert.deepEqual(printed(() => here.findFiles(['*.log'])).result[0]?.files.length, 1);
      } finally {
        process.chdir(cwd);
      }
    });
  });
});
