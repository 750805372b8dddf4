import { writeFileSync } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type * as TaskLib from 'azure-pipelines-task-lib/task';
import type { NetworkOptions, Transport } from './ado/connection';
import { DEFAULT_LIMITS, RetryLimits, RetryPolicy } from './ado/retry';
import { withTrailingSlash } from './text/html';
import { EnvironmentError, SettingsError } from './errors';
import { findJobFiles, jobRoots, openJobFile } from './evidence/jobFiles';
import type { FederatedConnection } from './inputs/connectionChoice';
import {
  EndpointView,
  federatedEndpoint,
  jobCollectionUrl,
  oidcRequestUri,
} from './inputs/connectionEndpoint';
import type { Credentials, FoundFiles, TaskHost, TaskResult, TokenCredentials } from './ports';
import { inertLines } from './text/agentText';
import { loc, useLocalizer } from './text/messages';
import { redactor } from './text/redact';

const JOB_ENDPOINT = 'SYSTEMVSSCONNECTION';

// task-lib, loaded by agentHost: as it loads it debug-prints the agent's proxy and certificate variables raw, the
// proxy and client certificate passwords (secret variables) among them, and values a step may have set to a
// pusher's text. Nothing it prints while it loads is the task's, so that output is dropped.
let tl: typeof TaskLib;

// The agent shows a `##vso[task.debug]` line only when System.Debug is true. task-lib formats one for each
// input and variable it reads, which the task drops (see `quietly`), unless this knob (which the agent may set
// from a pipeline feature) tells it to make none while System.Debug is not true: set, it saves a run that work.
const SKIP_DEBUG_WHEN_OFF = 'DISTRIBUTEDTASK_TASKS_NODE_SKIPDEBUGLOGSWHENDEBUGMODEOFF';

function loadTaskLib(): typeof TaskLib {
  process.env[SKIP_DEBUG_WHEN_OFF] = 'true';
  const { stdout } = process;
  const write = stdout.write.bind(stdout);
  stdout.write = () => true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an import would load it before the output is muted
    return require('azure-pipelines-task-lib/task') as typeof TaskLib;
  } finally {
    stdout.write = write;
  }
}

/**
 * An English agent takes the messages from the bundle: task.json's, which the en-US resources repeat word for
 * word (npm run loc makes them, a test keeps them so), without task-lib reading both files at every start. In
 * another language every message comes from tl.loc: task.json's translation for System.Culture.
 */
function localize(resources: () => string): void {
  const culture = quietly(() => tl.getVariable('System.Culture'))?.trim() ?? '';
  if (culture === '' || culture.toLowerCase() === 'en-us') return;
  tl.setResourcePath(resources());
  useLocalizer((key, ...args) => tl.loc(key, ...args));
}

const RESULTS: Record<TaskResult, keyof typeof TaskLib.TaskResult> = {
  Succeeded: 'Succeeded',
  SucceededWithIssues: 'SucceededWithIssues',
  Failed: 'Failed',
};

/**
 * The TaskHost of a real agent: task-lib for inputs, variables, endpoints, logging and results. Everything it
 * prints, as plain lines or inside task-lib's commands, is masked and made inert first (see `inertLines`), so the
 * logging commands task-lib writes for the task are the only ones the agent sees.
 */
export function agentHost(resources: () => string): TaskHost {
  tl ??= loadTaskLib();
  localize(resources);
  const { secretVariables, unshadowed } = jobVariables();
  const tokens: string[] = [];
  const secrets = (): string[] => [...tokens, ...secretVariables];
  const output = agentOutput(secrets, (name) => variable(name));
  // task-lib debug-prints `name=value` raw for each input and variable it reads; a value can hold a branch name
  // or a commit message (the agent expands macros in inputs), so the task prints that line itself, made safe.
  const read = (name: string, get: () => string | undefined): string | undefined => {
    const value = quietly(get);
    output.debug(loc('ValueRead', name, value ?? ''));
    return value;
  };
  const variable = (name: string): string | undefined => read(name, () => tl.getVariable(name));
  const connect = connector(tokens, secrets, variable, output.info);
  const remember = (credentials: TokenCredentials): TokenCredentials => {
    tokens.push(credentials.token);
    return credentials;
  };
  return {
    input: (name) => read(name, () => tl.getInput(unshadowed.input(name), false)) ?? '',
    variable,
    secrets,
    jobCredentials: () => {
      const credentials = jobCredentials(unshadowed.connection(JOB_ENDPOINT), variable);
      return credentials && remember(credentials);
    },
    connectionCredentials: (connection) => remember(serviceConnection(unshadowed.connection(connection))),
    federatedCredentials: (choice, job) => federatedCredentials(choice, job, variable, unshadowed),
    connectBoards: (credentials) => ado().connectBoards(credentials, connect()),
    connectPipelines: (credentials) => ado().connectPipelines(credentials, connect()),
    findFiles: (patterns) => findFiles(patterns, variable),
    openFile: openJobFile,
    ...output,
  };
}

// The job's variables as the host needs them: the values of the secret ones, and the names of the public ones,
// which must not stand in for an input or a connection.
function jobVariables(): { secretVariables: string[]; unshadowed: ShadowGuard } {
  const variables = quietly(() => tl.getVariables());
  return {
    secretVariables: variables.flatMap((v) => (v.secret && v.value ? [v.value] : [])),
    unshadowed: shadowGuard(variables.filter((v) => !v.secret).map((v) => v.name)),
  };
}

// The name the agent gives a variable (or an input) in a task's environment: upper case, each `.` and space `_`.
function environmentName(name: string): string {
  return name.replace(/[. ]/g, '_').toUpperCase();
}

interface ShadowGuard {
  /** `name`, when no variable stands in for the input. */
  input<Name extends string>(name: Name): Name;
  /** `id`, when no variable stands in for the connection's URL, authorization or data. */
  connection(id: string): string;
}

/**
 * Refuses what a job's public variable could stand in for. An agent older than July 2026 adds the job's variables
 * to a task's environment after its inputs and service connections (a newer one before them), and any step can
 * set a variable (a `##vso[task.setvariable]` line in its output): a variable named as an input's or a
 * connection's environment variable would replace its value, or give a connection one it lacks (an authority, an
 * organization), and lead its token elsewhere. Secret variables are exported under another prefix.
 */
function shadowGuard(publicVariables: readonly string[]): ShadowGuard {
  const named = publicVariables.map((name) => ({ name, env: environmentName(name) }));
  const refuse = (shadows: (env: string) => boolean, what: string): void => {
    const shadow = named.find((variable) => shadows(variable.env));
    if (shadow) throw new EnvironmentError(loc('VariableShadows', shadow.name, shadow.env, what));
  };
  return {
    input: (name) => {
      const env = `INPUT_${environmentName(name)}`;
      refuse((shadow) => shadow === env, loc('ShadowedInput', name));
      return name;
    },
    connection: (id) => {
      const ID = id.toUpperCase();
      const whole = [`ENDPOINT_URL_${ID}`, `ENDPOINT_AUTH_${ID}`, `ENDPOINT_AUTH_SCHEME_${ID}`];
      const parts = [`ENDPOINT_AUTH_PARAMETER_${ID}_`, `ENDPOINT_DATA_${ID}_`];
      refuse(
        (shadow) => whole.includes(shadow) || parts.some((prefix) => shadow.startsWith(prefix)),
        loc('ShadowedConnection', id),
      );
      return id;
    },
  };
}

// getEndpointAuthorizationParameter would write the token into a debug line; the whole object is read instead.
// A step can set any variable, the agent's own included: the token goes only where the endpoint allows, which no
// step can change once `shadowGuard` has refused a variable named as it.
function jobCredentials(
  endpoint: string,
  variable: (name: string) => string | undefined,
): TokenCredentials | undefined {
  const token = tl.getEndpointAuthorization(endpoint, true)?.parameters?.['AccessToken'];
  const connection = tl.getEndpointUrl(endpoint, true);
  if (!token || !connection) return undefined;
  return {
    url: jobCollectionUrl(connection, variable('System.TeamFoundationCollectionUri')),
    scheme: 'bearer',
    token,
  };
}

// task-lib's findMatch follows every symlink and throws on a dangling one: the job's files are searched without
// it, confined to the job's directories.
function findFiles(
  patterns: readonly string[],
  variable: (name: string) => string | undefined,
): FoundFiles[] {
  const root = variable('System.DefaultWorkingDirectory') || process.cwd();
  return findJobFiles(patterns, root, jobRoots(variable));
}

// One retry policy (one time budget) for every client of the run, and the agent's network settings, read once.
// Passwords among them, and tokens the transport obtains itself (a federated connection's), join the secrets.
function connector(
  tokens: string[],
  secrets: () => string[],
  variable: (name: string) => string | undefined,
  info: (message: string) => void,
): () => Transport {
  let transport: Transport | undefined;
  const secret = (value: string): void => {
    tokens.push(value);
  };
  return () => {
    if (transport) return transport;
    const network = networkOptions(variable);
    for (const password of [network.proxy?.proxyPassword, network.cert?.passphrase]) {
      if (password && !tokens.includes(password)) tokens.push(password);
    }
    const policy = new RetryPolicy(retryLimits(variable), undefined, info);
    transport = { network, policy, secrets, secret };
    return transport;
  };
}

type AgentOutput = Pick<TaskHost, 'info' | 'warning' | 'debug' | 'setOutput' | 'writeSummary' | 'setResult'>;

// The one way out for text: masked, then cut into lines that hold no command (task-lib's commands escape the
// line ends of their message, so a message stays one command). Debug lines only with System.Debug, the only
// time the agent shows them.
function agentOutput(secrets: () => string[], variable: (name: string) => string | undefined): AgentOutput {
  const lines = (text: string): string[] => inertLines(redactor(secrets())(text));
  const safe = (text: string): string => lines(text).join('\n');
  return {
    info: (message) => {
      for (const line of lines(message)) process.stdout.write(`${line}${EOL}`);
    },
    warning: (message) => tl.warning(safe(message)),
    debug: debugging() ? (message) => tl.debug(safe(message)) : () => undefined,
    setOutput: (name, value) => tl.setVariable(name, value, false, true),
    writeSummary: (markdown) => {
      // The summary is a courtesy: a full temp disk must not turn a filed item into a failed task.
      try {
        const directory = variable('Agent.TempDirectory') || tmpdir();
        const file = join(directory, `PipelineWorkItem-${process.pid}.md`);
        writeFileSync(file, safe(markdown), 'utf8');
        tl.uploadSummary(file);
      } catch (error) {
        tl.warning(safe(loc('SummaryNotAttached', (error as Error).message)));
      }
    },
    setResult: (result, message) => tl.setResult(tl.TaskResult[RESULTS[result]], safe(message)),
  };
}

// The agent reads System.Debug as a boolean: in any case, blanks around it ignored.
function debugging(): boolean {
  return (
    quietly(() => tl.getVariable('System.Debug'))
      ?.trim()
      .toLowerCase() === 'true'
  );
}

// The HTTP client (and Node's https with it) is loaded only by a run that talks to Azure DevOps: a run with
// nothing to do does not pay for it.
function ado(): typeof import('./ado/connection') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a require at first use keeps it lazy in the bundle
  return require('./ado/connection') as typeof import('./ado/connection');
}

// task-lib writes each variable's value into a debug line as it reads it, secret ones included; the agent
// masks them, but the task's own output should not carry them at all. One sink serves every read (a run reads
// some fifty inputs and variables at start).
const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

function quietly<T>(read: () => T): T {
  tl.setStdStream(discard);
  try {
    return read();
  } finally {
    tl.setStdStream(process.stdout);
  }
}

function serviceConnection(connection: string): TokenCredentials {
  // The input holds the connection's id as typed; the agent exports ENDPOINT_URL_<ID> upper-cased, and
  // process.env is case-sensitive on Linux (task-lib's vault lower-cases the auth lookup itself). task-lib
  // debug-prints the id it looks up raw, and the id is whatever the input says.
  const url = quietly(() => tl.getEndpointUrl(connection.toUpperCase(), true));
  let auth: TaskLib.EndpointAuthorization | undefined;
  try {
    auth = quietly(() => tl.getEndpointAuthorization(connection, true));
  } catch {
    // task-lib's message would quote the raw authorization, token included.
    auth = undefined;
  }
  const parameters = auth?.parameters ?? {};
  const scheme = auth?.scheme.toLowerCase();
  if (scheme === 'workloadidentityfederation')
    throw new SettingsError([loc('ConnectionIsFederated', connection)]);
  const token =
    scheme === 'usernamepassword'
      ? parameters['password']
      : (parameters['apitoken'] ?? parameters['AccessToken']);
  if (!url || !token) {
    throw new SettingsError([loc('ConnectionUnusable', connection)]);
  }
  if (scheme === 'usernamepassword')
    return { url: withTrailingSlash(url), scheme: 'basic', token, username: parameters['username'] ?? '' };
  return { url: withTrailingSlash(url), scheme: scheme === 'oauth' ? 'bearer' : 'token', token };
}

// The ID token request needs the job token: the federated connection itself holds no secret.
function federatedCredentials(
  choice: FederatedConnection,
  job: TokenCredentials,
  variable: (name: string) => string | undefined,
  unshadowed: ShadowGuard,
): Credentials {
  const id = unshadowed.connection(choice.connection);
  const endpoint = quietly((): EndpointView => {
    let auth: TaskLib.EndpointAuthorization | undefined;
    try {
      auth = tl.getEndpointAuthorization(id, true);
    } catch {
      auth = undefined;
    }
    return {
      url: tl.getEndpointUrl(id.toUpperCase(), true),
      scheme: auth?.scheme,
      parameters: lowerKeys(auth?.parameters ?? {}),
      data: lowerKeys({
        activeDirectoryAuthority: tl.getEndpointDataParameter(
          id.toUpperCase(),
          'activeDirectoryAuthority',
          true,
        ),
        organizationUrl: tl.getEndpointDataParameter(id.toUpperCase(), 'organizationUrl', true),
      }),
    };
  });
  const target = federatedEndpoint(choice, endpoint);
  const uri = oidcRequestUri(
    variable('System.OidcRequestUri'),
    id,
    tl.getEndpointUrl(JOB_ENDPOINT, true) ?? '',
  );
  return {
    url: target.organizationUrl,
    scheme: 'federated',
    federation: { connection: id, oidcRequestUri: uri, jobToken: job.token, ...target },
  };
}

function lowerKeys(record: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));
}

// task-lib debug-prints the proxy and certificate settings it reads, passwords included. Asked without a URL,
// task-lib gives the proxy with its bypass list (asked with one, nothing when that URL is bypassed, which would
// leave every other host of the client without the proxy): the client applies the list to each request. Every
// variable it reads it prints raw: a step can set these to a pusher's text, so they are read as every other
// variable is (`variable`).
function networkOptions(variable: (name: string) => string | undefined): NetworkOptions {
  const proxy = quietly(() => tl.getHttpProxyConfiguration());
  const cert = quietly(() => tl.getHttpCertConfiguration());
  return {
    ...(proxy ? { proxy } : {}),
    ...(cert ? { cert } : {}),
    ignoreSslError: (variable('Agent.SkipCertValidation') ?? '').toLowerCase() === 'true',
  };
}

/**
 * The retry limits: `PipelineWorkItem.RequestTimeout` and `PipelineWorkItem.RetryBudget` (seconds) pipeline
 * variables override the defaults.
 */
function retryLimits(variable: (name: string) => string | undefined): RetryLimits {
  const seconds = (name: string): number | undefined => {
    const value = Number(variable(name));
    return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
  };
  return {
    requestTimeoutMs: seconds('PipelineWorkItem.RequestTimeout') ?? DEFAULT_LIMITS.requestTimeoutMs,
    budgetMs: seconds('PipelineWorkItem.RetryBudget') ?? DEFAULT_LIMITS.budgetMs,
  };
}
