import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandFromString } from 'azure-pipelines-task-lib/taskcommand';
import { inputDefaults } from '../helpers/repo';

/** A logging command the task wrote: `##vso[area.action key=value;…]message`. */
export interface AgentCommand {
  readonly command: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly message: string;
}

/** What the agent would see of one task run. */
export interface TaskRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly commands: readonly AgentCommand[];
  /** `task.complete` result: Succeeded, SucceededWithIssues or Failed; undefined if the task never said. */
  readonly result: string | undefined;
  readonly resultMessage: string;
  /** Output variables set with isOutput=true. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
  /** The run summary Markdown the task uploaded, '' if none. */
  readonly summary: string;
}

/** The job's directories on the agent. */
export interface JobDirectories {
  /** Agent.BuildDirectory: sources, staging and test results live beneath it. */
  readonly build: string;
  /** System.DefaultWorkingDirectory (the sources), inside `build`. */
  readonly sources: string;
  /** Agent.TempDirectory. */
  readonly temp: string;
}

export interface AgentJob {
  /** Task inputs by their task.json names. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Pipeline variables by their dotted names (e.g. `Build.BuildId`). */
  readonly variables?: Readonly<Record<string, string>>;
  readonly secretVariables?: Readonly<Record<string, string>>;
  /** The job token the agent hands over as the SystemVssConnection endpoint; omitted = no endpoint. */
  readonly jobToken?: string;
  readonly collectionUrl: string;
  /** The SystemVssConnection endpoint's URL: `collectionUrl` unless given (a classic release job's is the Release host). */
  readonly jobConnectionUrl?: string;
  /**
   * Service connections: id → url and PAT (for the `connection` input), or url, scheme, authorization
   * parameters and data (a workload identity federation connection).
   */
  readonly serviceConnections?: Readonly<Record<string, { url: string; token: string } | EndpointSpec>>;
  /**
   * The agent's knob DisableInputTrimming set: inputs reach the task as the step wrote them. Otherwise the agent
   * trims each value's white space (.NET's `String.Trim`) before the task sees it.
   */
  readonly untrimmedInputs?: boolean;
  /**
   * An agent older than July 2026: it adds the job's variables to the environment after the inputs and the service
   * connections, so a variable named as one of theirs replaces it (a newer agent adds them before).
   */
  readonly variablesLast?: boolean;
  /** Lays out files, symlinks or FIFOs in (and outside) the job's directories before the task starts. */
  readonly workspace?: (directories: JobDirectories) => void;
}

/** A service connection as the agent exports it: `ENDPOINT_URL_`, `ENDPOINT_AUTH_`, `ENDPOINT_DATA_<ID>_<NAME>`. */
export interface EndpointSpec {
  readonly url: string;
  readonly scheme: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, string>>;
}

// What .NET's String.Trim removes (Char.IsWhiteSpace): the Unicode space separators, line and paragraph
// separators, and the control characters TAB to CR and NEL; not U+FEFF, which JavaScript's trim removes too.
const DOTNET_BLANKS =
  '[\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+';
const DOTNET_TRIM = new RegExp(`^${DOTNET_BLANKS}|${DOTNET_BLANKS}$`, 'g');

/** A value as the agent trims an input (.NET's String.Trim). */
export function dotnetTrim(value: string): string {
  return value.replace(DOTNET_TRIM, '');
}

// How the agent names an input or variable in the environment: upper case, `.` and spaces become `_`.
function envName(name: string): string {
  return name.replace(/[.\s]/g, '_').toUpperCase();
}

/** The build directory and the sources in it, under the agent's `temp` folder of a run. */
export function buildDirectories(temp: string): { build: string; sources: string } {
  const build = path.join(temp, '1');
  return { build, sources: path.join(build, 's') };
}

// On Windows a process cannot open a socket without SystemRoot (Winsock loads its providers from there), and
// Node.js finds its temporary folder and home through the others: the agent's environment always has them.
const WINDOWS_ESSENTIALS = ['SystemRoot', 'TEMP', 'TMP', 'USERPROFILE', 'PATHEXT', 'ComSpec'];

function windowsEssentials(): Record<string, string> {
  if (process.platform !== 'win32') return {};
  return Object.fromEntries(
    WINDOWS_ESSENTIALS.flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
}

/**
 * The environment an Azure Pipelines agent gives a Node task of `job`: inputs, variables, secrets and endpoints,
 * with `temp` as its temporary and work directory, and the build directory (sources as the default working
 * directory) beneath it.
 */
export function agentEnvironment(job: AgentJob, temp: string): Record<string, string> {
  const { build, sources } = buildDirectories(temp);
  const variables: Record<string, string> = {
    'Agent.TempDirectory': temp,
    'Agent.WorkFolder': temp,
    'Agent.BuildDirectory': build,
    'System.DefaultWorkingDirectory': sources,
    'System.TeamFoundationCollectionUri': job.collectionUrl,
    ...job.variables,
  };
  const secretVariables = job.secretVariables ?? {};
  const env: Record<string, string> = { ...windowsEssentials(), PATH: process.env['PATH'] ?? '' };
  for (const [name, value] of Object.entries(variables)) env[envName(name)] = value;
  for (const [name, value] of Object.entries(secretVariables)) env[`SECRET_${envName(name)}`] = value;
  // The names as the job defines them, which task-lib's getVariables lists.
  env['VSTS_PUBLIC_VARIABLES'] = JSON.stringify(Object.keys(variables));
  env['VSTS_SECRET_VARIABLES'] = JSON.stringify(Object.keys(secretVariables));
  // Every input task.json declares: the step's value where the step sets one, else its default.
  for (const [name, value] of Object.entries({ ...inputDefaults(), ...job.inputs }))
    env[`INPUT_${envName(name)}`] = job.untrimmedInputs ? value : dotnetTrim(value);
  if (job.jobToken !== undefined) {
    env['ENDPOINT_URL_SYSTEMVSSCONNECTION'] = job.jobConnectionUrl ?? job.collectionUrl;
    env['ENDPOINT_AUTH_SYSTEMVSSCONNECTION'] = JSON.stringify({
      parameters: { AccessToken: job.jobToken },
      scheme: 'OAuth',
    });
    env['ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION'] = 'OAuth';
    env['ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN'] = job.jobToken;
  }
  for (const [id, connection] of Object.entries(job.serviceConnections ?? {})) {
    const endpoint: EndpointSpec =
      'token' in connection
        ? { url: connection.url, scheme: 'Token', parameters: { apitoken: connection.token } }
        : connection;
    env[`ENDPOINT_URL_${envName(id)}`] = endpoint.url;
    env[`ENDPOINT_AUTH_${envName(id)}`] = JSON.stringify({
      parameters: endpoint.parameters,
      scheme: endpoint.scheme,
    });
    env[`ENDPOINT_AUTH_SCHEME_${envName(id)}`] = endpoint.scheme;
    for (const [name, value] of Object.entries(endpoint.parameters))
      env[`ENDPOINT_AUTH_PARAMETER_${envName(id)}_${name.toUpperCase()}`] = value;
    for (const [name, value] of Object.entries(endpoint.data ?? {}))
      env[`ENDPOINT_DATA_${envName(id)}_${name.toUpperCase()}`] = value;
  }
  if (job.variablesLast) for (const [name, value] of Object.entries(variables)) env[envName(name)] = value;
  return env;
}

/**
 * Runs `node <target>` with the environment an Azure Pipelines agent gives a Node task, and asserts that the
 * agent would run only the task's own commands from its output.
 */
export async function runTask(target: string, job: AgentJob): Promise<TaskRun> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-agent-'));
  try {
    const { build, sources } = buildDirectories(temp);
    fs.mkdirSync(sources, { recursive: true });
    job.workspace?.({ build, sources, temp });
    const env = agentEnvironment(job, temp);
    const { exitCode, stdout, stderr } = await node(target, env, temp);
    const commands = [...parseCommands(stdout), ...parseCommands(stderr)];
    const of = (name: string): AgentCommand[] => commands.filter((c) => c.command === name);
    const complete = of('task.complete').at(-1);
    const summaryPath = of('task.uploadsummary').at(-1)?.message;
    const run: TaskRun = {
      exitCode,
      stdout,
      stderr,
      commands,
      result: complete?.properties['result'],
      resultMessage: complete?.message ?? '',
      outputs: Object.fromEntries(
        of('task.setvariable')
          .filter((c) => c.properties['isOutput'] === 'true')
          .map((c) => [c.properties['variable'] ?? '', c.message]),
      ),
      warnings: of('task.issue')
        .filter((c) => c.properties['type'] === 'warning')
        .map((c) => c.message),
      errors: of('task.issue')
        .filter((c) => c.properties['type'] === 'error')
        .map((c) => c.message),
      summary: summaryPath && fs.existsSync(summaryPath) ? fs.readFileSync(summaryPath, 'utf8') : '',
    };
    assertOwnCommands(run);
    return run;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function node(
  target: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [target],
      { env, cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ exitCode: code, stdout, stderr });
      },
    );
  });
}

// What parseCommands names a `##vso[` the agent cannot parse.
const MALFORMED = '(malformed)';

// The output variables task.json declares: the only variables the task sets.
const OUTPUT_VARIABLES: readonly string[] = ['WorkItemId', 'WorkItemUrl', 'WorkItemAction'];

/**
 * Reads the task's stdout and stderr as the agent does (a line ends at CR or LF; `##vso[` is found anywhere in a
 * line, in any case) and asserts that every command the agent would run is one the task means: each starts its
 * line, stdout alone carries them, and they are debug lines, issues, the three output variables, at most one
 * summary and exactly one result. No line holds a formatting command (`##[`) at all.
 */
export function assertOwnCommands(run: Pick<TaskRun, 'stdout' | 'stderr' | 'commands'>): void {
  const streams: [string, string][] = [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ];
  for (const [stream, output] of streams) {
    for (const line of agentLines(output)) {
      assert.ok(!line.includes('##['), `a formatting command in ${stream}: ${line}`);
      const at = line.toLowerCase().indexOf('##vso[');
      if (at < 0) continue;
      assert.ok(stream === 'stdout', `a logging command in stderr: ${line}`);
      assert.ok(
        at === 0 && !line.toLowerCase().includes('##vso[', 1),
        `a logging command inside a line: ${line}`,
      );
    }
  }
  const count = (name: string): number => run.commands.filter((c) => c.command === name).length;
  for (const { command, properties } of run.commands) {
    assert.ok(
      ['task.debug', 'task.issue', 'task.setvariable', 'task.uploadsummary', 'task.complete'].includes(
        command,
      ),
      `a command the task does not write: ${command}`,
    );
    if (command === 'task.issue') assert.ok(['warning', 'error'].includes(properties['type'] ?? ''));
    if (command === 'task.setvariable') {
      assert.ok(OUTPUT_VARIABLES.includes(properties['variable'] ?? ''), `sets ${properties['variable']}`);
      assert.equal(properties['isOutput'], 'true');
    }
  }
  assert.ok(count('task.uploadsummary') <= 1, 'more than one run summary');
  assert.equal(count('task.complete'), 1, 'the task must set its result exactly once');
}

/** The lines of an output as the agent reads them: a CR, an LF or both end a line. */
export function agentLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/);
}

/**
 * The logging commands the agent runs from an output, parsed with task-lib's own parser: the agent looks for
 * `##vso[` anywhere in a line (in any case), not only at its start, and runs the command from there.
 */
export function parseCommands(output: string): AgentCommand[] {
  return agentLines(output).flatMap((line) => {
    const at = line.toLowerCase().indexOf('##vso[');
    if (at < 0) return [];
    try {
      const command = commandFromString(`##vso[${line.slice(at + '##vso['.length)}`);
      return [{ command: command.command, properties: command.properties, message: command.message }];
    } catch {
      // The agent reports a malformed command instead of running it; a check still sees that one was there.
      return [{ command: MALFORMED, properties: {}, message: line }];
    }
  });
}
