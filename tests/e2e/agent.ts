import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandFromString } from 'azure-pipelines-task-lib/taskcommand';

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
  /** Service connections (for the `connection` input): id → url and PAT. */
  readonly serviceConnections?: Readonly<Record<string, { url: string; token: string }>>;
  /** Lays out files, symlinks or FIFOs in (and outside) the job's directories before the task starts. */
  readonly workspace?: (directories: JobDirectories) => void;
}

// The agent's names: upper case, `.` and spaces become `_` (platform notes).
function envName(name: string): string {
  return name.replace(/[.\s]/g, '_').toUpperCase();
}

/** The build directory and the sources in it, under the agent's `temp` folder of a run. */
export function buildDirectories(temp: string): { build: string; sources: string } {
  const build = path.join(temp, '1');
  return { build, sources: path.join(build, 's') };
}

/**
 * The environment an Azure Pipelines agent gives a Node task of `job`: inputs, variables, secrets and endpoints,
 * with `temp` as its temporary and work directory, and the build directory (sources as the default working
 * directory) beneath it.
 */
export function agentEnvironment(job: AgentJob, temp: string): Record<string, string> {
  const { build, sources } = buildDirectories(temp);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    AGENT_TEMPDIRECTORY: temp,
    AGENT_WORKFOLDER: temp,
    AGENT_BUILDDIRECTORY: build,
    SYSTEM_DEFAULTWORKINGDIRECTORY: sources,
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: job.collectionUrl,
  };
  for (const [name, value] of Object.entries(job.variables ?? {})) env[envName(name)] = value;
  for (const [name, value] of Object.entries(job.secretVariables ?? {}))
    env[`SECRET_${envName(name)}`] = value;
  for (const [name, value] of Object.entries(job.inputs ?? {})) env[`INPUT_${envName(name)}`] = value;
  if (job.jobToken !== undefined) {
    env['ENDPOINT_URL_SYSTEMVSSCONNECTION'] = job.collectionUrl;
    env['ENDPOINT_AUTH_SYSTEMVSSCONNECTION'] = JSON.stringify({
      parameters: { AccessToken: job.jobToken },
      scheme: 'OAuth',
    });
    env['ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION'] = 'OAuth';
    env['ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN'] = job.jobToken;
  }
  for (const [id, connection] of Object.entries(job.serviceConnections ?? {})) {
    env[`ENDPOINT_URL_${envName(id)}`] = connection.url;
    env[`ENDPOINT_AUTH_${envName(id)}`] = JSON.stringify({
      parameters: { apitoken: connection.token },
      scheme: 'Token',
    });
    env[`ENDPOINT_AUTH_SCHEME_${envName(id)}`] = 'Token';
    env[`ENDPOINT_AUTH_PARAMETER_${envName(id)}_APITOKEN`] = connection.token;
  }
  return env;
}

/** Runs `node <target>` with the environment an Azure Pipelines agent gives a Node task. */
export async function runTask(target: string, job: AgentJob): Promise<TaskRun> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-agent-'));
  try {
    const { build, sources } = buildDirectories(temp);
    fs.mkdirSync(sources, { recursive: true });
    job.workspace?.({ build, sources, temp });
    const env = agentEnvironment(job, temp);
    const { exitCode, stdout, stderr } = await node(target, env, temp);
    const commands = parseCommands(stdout);
    const of = (name: string): AgentCommand[] => commands.filter((c) => c.command === name);
    const complete = of('task.complete').at(-1);
    const summaryPath = of('task.uploadsummary').at(-1)?.message;
    return {
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

/** Parses the `##vso[…]` lines of a task's output with task-lib's own parser. */
export function parseCommands(stdout: string): AgentCommand[] {
  return stdout
    .split(/\r?\n/)
    .filter((line) => line.startsWith('##vso['))
    .map((line) => {
      const command = commandFromString(line);
      return { command: command.command, properties: command.properties, message: command.message };
    });
}
