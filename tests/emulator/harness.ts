// Test harness: starts the emulator in its own process (never in-process: tests may run the task
// with spawnSync, which would freeze an in-process server) and wraps the control API with types.
import type { FederationSpec, IssuedTokens } from './federation';
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ORGANIZATION, PEOPLE, stableGuid } from './org';
import type {
  AttachmentInfo,
  BuildSeed,
  CommentJson,
  FaultSpec,
  Intervention,
  HostRole,
  RecordedRequest,
  ReleaseSeed,
  TokenSpec,
  TopologyInfo,
  TopologyKind,
  WorkflowRule,
  CustomStateSpec,
  WorkItemJson,
  WorkItemSeed,
} from './types';

export type * from './types';
export { ORGANIZATION, PEOPLE };

/** Fixed names of the emulated organization (see org.ts for areas and iterations). */
export const PROJECTS = {
  WebApp: {
    id: stableGuid('project:WebApp'),
    process: 'Agile',
    defaultTeam: 'WebApp Team',
    teams: ['WebApp Team', 'Platform'],
  },
  Mobile: {
    id: stableGuid('project:Mobile'),
    process: 'Scrum',
    defaultTeam: 'Mobile Team',
    teams: ['Mobile Team'],
  },
  Starter: {
    id: stableGuid('project:Starter'),
    process: 'Basic',
    defaultTeam: 'Starter Team',
    teams: ['Starter Team'],
  },
  Legacy: {
    id: stableGuid('project:Legacy'),
    process: 'CMMI',
    defaultTeam: 'Legacy Team',
    teams: ['Legacy Team'],
  },
  'Fabrikam Fiber Café': {
    id: stableGuid('project:Fabrikam Fiber Café'),
    process: 'Agile',
    defaultTeam: 'Fabrikam Fiber Café Team',
    teams: ['Fabrikam Fiber Café Team'],
  },
} as const;

export interface Emulator {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/fabrikam/` (trailing slash), what SYSTEM_TEAMFOUNDATIONCOLLECTIONURI holds. */
  readonly collectionUrl: string;
  /**
   * Collection URL of each host. `release` and `testResults` play vsrm.dev.azure.com and
   * vstmr.dev.azure.com: they serve their area only in the `services` topology (404 otherwise).
   */
  readonly hosts: Readonly<Record<HostRole, string>>;
  seedBuild(build: BuildSeed): Promise<{ id: number; url: string }>;
  seedRelease(release: ReleaseSeed): Promise<{ id: number; webUrl: string }>;
  seedWorkItem(item: WorkItemSeed): Promise<WorkItemJson>;
  /** Adds a workflow rule of a type (a required field in a state, or restricted transitions). */
  addRule(rule: WorkflowRule): Promise<void>;
  /** Adds a state to a type of a project's inherited process (its transitions' reasons: "Moved to state X"). */
  addCustomState(state: CustomStateSpec): Promise<void>;
  /** Disables a type of a project's inherited process: it takes no new item; its items stay as they are. */
  disableType(spec: { project: string; type: string }): Promise<void>;
  /** Arms a person's edit of an item that lands just before the next PATCH of that item. */
  intervene(edit: Intervention): Promise<void>;
  setTokens(tokens: Array<string | TokenSpec>): Promise<void>;
  /** The service connections the job may ask ID tokens for, and the app registrations Entra knows here. */
  setFederation(spec: FederationSpec): Promise<void>;
  /** The ID tokens and access tokens issued here so far. */
  issuedTokens(): Promise<IssuedTokens>;
  workItems(): Promise<WorkItemJson[]>;
  workItem(id: number): Promise<WorkItemJson | null>;
  comments(id: number): Promise<CommentJson[]>;
  attachment(id: string): Promise<Buffer | null>;
  /** Every stored attachment, in upload order (also those whose upload answer a fault replaced). */
  attachments(): Promise<AttachmentInfo[]>;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  injectFaults(faults: FaultSpec[]): Promise<void>;
  clearFaults(): Promise<void>;
  /** Milliseconds added before every REST and discovery request is answered (not control); 0 = none. */
  setLatency(ms: number): Promise<void>;
  /** Adds discussion comments to a work item, oldest first, as Alex Kim (no revisions: seeded history). */
  addComments(id: number, texts: readonly string[]): Promise<CommentJson[]>;
  /**
   * How long work items created from now on stay out of WIQL results (the query index lags the store);
   * 0 = none. Items created earlier keep their lag unless this one is shorter (0 lets every item show).
   */
  setWiqlLag(ms: number): Promise<void>;
  /** Whether the build identity may create tag definitions (new tags) in `project` (allowed after `reset`). */
  setTagCreation(project: string, allowed: boolean): Promise<void>;
  /** Whether Runs - List and Runs - Query carry each run's statistics (true until a reset says so). */
  setRunStatisticsListed(listed: boolean): Promise<void>;
  /**
   * The same lag counted in queries: work items created from now on stay out of the next `queries` WIQL queries
   * (each query the emulator answers counts, whatever it asks); 0 = none, and lowering it lets earlier items show
   * sooner. Deterministic where a time lag would race the client's own waits.
   */
  setWiqlQueryLag(queries: number): Promise<void>;
  /** Which Azure DevOps the emulator plays (see TopologyKind); `reset` goes back to `onPremises`. */
  setTopology(kind: TopologyKind): Promise<TopologyInfo>;
  topology(): Promise<TopologyInfo>;
  /**
   * The collection's maximum attachment size (bytes) the Azure DevOps Server topologies refuse uploads above;
   * 4 MB until set, and after `reset`. Services always takes 60 MB.
   */
  setServerAttachmentLimit(bytes: number): Promise<void>;
  /**
   * Fresh organization: no work items, builds, releases, tokens, faults or recorded requests; no
   * latency, no WIQL lag (in time or queries), topology `onPremises`.
   */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The request log as lines, in arrival order, with times relative to the first request shown:
 * `+   0.0 ms … +  12.3 ms  POST /fabrikam/WebApp/_apis/wit/workItems/$Bug → 200 (main)`.
 * For a test to print when it is about to fail, or when it measures round trips.
 */
export function requestTimeline(log: readonly RecordedRequest[]): string {
  const sorted = [...log].sort((a, b) => a.startMs - b.startMs);
  const t0 = sorted[0]?.startMs ?? 0;
  const at = (ms: number | null): string =>
    ms === null ? '(in flight)' : `+${(ms - t0).toFixed(1).padStart(7)} ms`;
  return sorted
    .map((r) => `${at(r.startMs)} … ${at(r.endMs)}  ${r.method} ${r.path} → ${r.status ?? '…'} (${r.host})`)
    .join('\n');
}

class EmulatorProcess implements Emulator {
  readonly url: string;
  readonly collectionUrl: string;
  readonly hosts: Readonly<Record<HostRole, string>>;
  readonly port: number;

  constructor(
    private readonly child: ChildProcess,
    ports: Record<HostRole, number>,
  ) {
    const collection = (port: number): string => `http://127.0.0.1:${port}/${ORGANIZATION}/`;
    this.port = ports.main;
    this.url = `http://127.0.0.1:${ports.main}`;
    this.collectionUrl = collection(ports.main);
    this.hosts = {
      main: this.collectionUrl,
      release: collection(ports.release),
      testResults: collection(ports.testResults),
    };
  }

  private async call(method: string, route: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.url}/_control/${route}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok && res.status !== 404)
      throw new Error(`emulator control ${method} ${route}: ${res.status} ${await res.text()}`);
    return res;
  }

  private async json<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await this.call(method, route, body);
    if (res.status === 404) throw new Error(`emulator control ${method} ${route}: 404 ${await res.text()}`);
    return (await res.json()) as T;
  }

  seedBuild = (build: BuildSeed): Promise<{ id: number; url: string }> => this.json('POST', 'builds', build);
  seedRelease = (release: ReleaseSeed): Promise<{ id: number; webUrl: string }> =>
    this.json('POST', 'releases', release);
  seedWorkItem = (item: WorkItemSeed): Promise<WorkItemJson> => this.json('POST', 'workitems', item);
  addRule = async (rule: WorkflowRule): Promise<void> => void (await this.json('POST', 'rules', rule));
  addCustomState = async (state: CustomStateSpec): Promise<void> =>
    void (await this.json('POST', 'customstates', state));
  disableType = async (spec: { project: string; type: string }): Promise<void> =>
    void (await this.json('POST', 'disabledtypes', spec));
  intervene = async (edit: Intervention): Promise<void> =>
    void (await this.json('POST', 'interventions', edit));
  setTokens = async (tokens: Array<string | TokenSpec>): Promise<void> =>
    void (await this.json('POST', 'tokens', { tokens }));
  setFederation = async (spec: FederationSpec): Promise<void> =>
    void (await this.json('POST', 'federation', spec));
  issuedTokens = (): Promise<IssuedTokens> => this.json('GET', 'federation');
  workItems = (): Promise<WorkItemJson[]> => this.json('GET', 'workitems');
  requests = (): Promise<RecordedRequest[]> => this.json('GET', 'requests');
  clearRequests = async (): Promise<void> => void (await this.json('DELETE', 'requests'));
  injectFaults = async (faults: FaultSpec[]): Promise<void> =>
    void (await this.json('POST', 'faults', faults));
  clearFaults = async (): Promise<void> => void (await this.json('DELETE', 'faults'));
  setLatency = async (ms: number): Promise<void> => void (await this.json('POST', 'latency', { ms }));
  addComments = (id: number, texts: readonly string[]): Promise<CommentJson[]> =>
    this.json('POST', `workitems/${id}/comments`, { texts });
  setWiqlLag = async (ms: number): Promise<void> => void (await this.json('POST', 'wiqlLag', { ms }));
  setTagCreation = async (project: string, allowed: boolean): Promise<void> =>
    void (await this.json('POST', 'tagcreation', { project, allowed }));
  setRunStatisticsListed = async (listed: boolean): Promise<void> =>
    void (await this.json('POST', 'runstatistics', { listed }));
  setWiqlQueryLag = async (queries: number): Promise<void> =>
    void (await this.json('POST', 'wiqlQueryLag', { queries }));
  setTopology = (kind: TopologyKind): Promise<TopologyInfo> => this.json('POST', 'topology', { kind });
  topology = (): Promise<TopologyInfo> => this.json('GET', 'topology');
  setServerAttachmentLimit = async (bytes: number): Promise<void> =>
    void (await this.json('POST', 'attachmentlimit', { bytes }));
  reset = async (): Promise<void> => void (await this.json('POST', 'reset'));

  async workItem(id: number): Promise<WorkItemJson | null> {
    const res = await this.call('GET', `workitems/${id}`);
    return res.status === 404 ? null : ((await res.json()) as WorkItemJson);
  }

  attachments = (): Promise<AttachmentInfo[]> => this.json('GET', 'attachments');
  comments = (id: number): Promise<CommentJson[]> => this.json('GET', `workitems/${id}/comments`);

  async attachment(id: string): Promise<Buffer | null> {
    const res = await this.call('GET', `attachments/${encodeURIComponent(id)}`);
    return res.status === 404 ? null : Buffer.from(await res.arrayBuffer());
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}

/** Forks out/tests/emulator/main.js and resolves once it printed its ready line. */
export function startEmulator(options: { port?: number; timeoutMs?: number } = {}): Promise<Emulator> {
  const main = path.join(__dirname, 'main.js');
  // The other hosts always take free ports: the ready line tells which.
  const env = {
    ...process.env,
    EMULATOR_PORT: String(options.port ?? 0),
    EMULATOR_RELEASE_PORT: '0',
    EMULATOR_TESTRESULTS_PORT: '0',
  };
  // execArgv: [] so a parent's --inspect or loader flags do not leak into the emulator.
  const child = fork(main, [], { env, execArgv: [], stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`emulator did not start: ${why}`));
    };
    const timer = setTimeout(() => fail('no ready line within the timeout'), options.timeoutMs ?? 15_000);
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.once('error', (e) => fail(e.message));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n')[0];
      if (!buffered.includes('\n')) return;
      let ready: { emulator?: string; port?: number; releasePort?: number; testResultsPort?: number } = {};
      try {
        ready = JSON.parse(line) as typeof ready;
      } catch {
        return fail(`unexpected output: ${line}`);
      }
      const { port, releasePort, testResultsPort } = ready;
      if (
        ready.emulator !== 'ready' ||
        typeof port !== 'number' ||
        typeof releasePort !== 'number' ||
        typeof testResultsPort !== 'number'
      )
        return fail(`unexpected output: ${line}`);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout?.removeAllListeners('data');
      // Let a test run end even if someone forgets stop(): the child then exits on disconnect.
      child.stdout?.destroy();
      child.channel?.unref();
      child.unref();
      resolve(new EmulatorProcess(child, { main: port, release: releasePort, testResults: testResultsPort }));
    });
  });
}
