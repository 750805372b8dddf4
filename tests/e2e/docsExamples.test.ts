import * as assert from 'node:assert/strict';
import { load } from 'js-yaml';
import type { BuildSeed, WorkItemJson } from '../emulator/harness';
import { taskSteps, yamlBlocks } from '../helpers/docYaml';
import type { TaskRun } from './agent';
import { buildVariables, failedYamlRun, REPORT_JOB, separateJobRun } from './pipelines';
import { title, useSession } from './session';

// The examples of README.md and overview.md, run as the agent runs the packaged task: each test takes the task
// step of a snippet as the document writes it (its inputs and conditions) and checks what the document says a
// user will see. The one value that cannot be the document's is the area path: `Fabrikam\Web` stands for the
// user's own area, the emulator's project is WebApp.

const AREA_OF_EMULATOR: Readonly<Record<string, string>> = { 'Fabrikam\\Web': 'WebApp\\Frontend' };

/** A YAML snippet of a document, parsed, and its task step. */
interface Snippet {
  readonly parsed: unknown;
  readonly step: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, string>>;
}

/** The first YAML snippet of `document` that holds `marker`, with its `PipelineWorkItem@1` step and inputs. */
function snippet(document: string, marker: string): Snippet {
  const block = yamlBlocks(document).find((yaml) => yaml.includes(marker));
  assert.ok(block, `${document} has no YAML snippet holding '${marker}'`);
  const parsed = load(block);
  const steps = taskSteps(parsed);
  assert.equal(steps.length, 1, `${document}: the snippet holding '${marker}' has one task step`);
  const step = steps[0]!;
  const inputs = Object.fromEntries(
    Object.entries((step['inputs'] ?? {}) as Record<string, unknown>).map(([name, value]) => [
      name,
      name === 'areaPath' ? (AREA_OF_EMULATOR[String(value)] ?? String(value)) : String(value),
    ]),
  );
  return { parsed, step, inputs };
}

/** The jobs of a parsed `jobs:` snippet by name (`job:` or `deployment:`). */
function jobsOf(parsed: unknown): Map<string, Record<string, unknown>> {
  const jobs = ((parsed as { jobs?: Record<string, unknown>[] }).jobs ?? []).map(
    (job): [string, Record<string, unknown>] => [String(job['job'] ?? job['deployment']), job],
  );
  return new Map(jobs);
}

/** The run of `separateJobRun` with job Unit tests of stage Build green: the separate job's recovery. */
function greenSeparateJobRun(id: number): BuildSeed {
  const run = separateJobRun(id);
  return {
    ...run,
    records: (run.records ?? []).map((record) =>
      record.result === 'failed' ? { ...record, result: 'succeeded' as const, issues: [] } : record,
    ),
  };
}

/**
 * Run `id` of a YAML deployment job `DeployWeb` (stage Deploy) to `environment`: its `./deploy.sh` step failed,
 * or every step succeeded; this task runs in that job.
 */
function deploymentRun(id: number, outcome: 'failed' | 'green'): BuildSeed {
  const run = failedYamlRun(id, ['Deployment to the App Service failed.', 'Bash exited with code 1.']);
  const names: Readonly<Record<string, string>> = {
    stage: 'Deploy',
    phase: 'DeployWeb',
    job: 'DeployWeb',
    test: './deploy.sh',
  };
  return {
    ...run,
    records: (run.records ?? []).map((record) => ({
      ...record,
      name: names[record.id ?? ''] ?? record.name,
      ...(record.id === 'test' && outcome === 'green' ? { result: 'succeeded' as const, issues: [] } : {}),
    })),
  };
}

/** `run` with a stage Lint beside its own that failed in its job's `eslint` step. */
function withFailedStage(run: BuildSeed): BuildSeed {
  const failed = { state: 'completed' as const, result: 'failed' as const };
  return {
    ...run,
    records: [
      ...(run.records ?? []),
      { id: 'lint-stage', type: 'Stage', name: 'Lint', order: 2, ...failed },
      { id: 'lint-phase', parentId: 'lint-stage', type: 'Phase', name: 'Lint', order: 1, ...failed },
      { id: 'lint-job', parentId: 'lint-phase', type: 'Job', name: 'Lint', order: 1, ...failed },
      {
        id: 'eslint',
        parentId: 'lint-job',
        type: 'Task',
        name: 'eslint',
        order: 1,
        ...failed,
        issues: [{ type: 'error' as const, message: 'src/app.ts: 3 problems' }],
      },
    ],
  };
}

function deploymentVariables(
  id: number,
  environment: string,
  jobStatus: 'Failed' | 'Succeeded',
): Record<string, string> {
  return buildVariables(id, {
    'System.StageName': 'Deploy',
    'System.StageDisplayName': 'Deploy',
    'System.JobName': 'DeployWeb',
    'System.JobDisplayName': 'DeployWeb',
    'Environment.Name': environment,
    'Agent.JobStatus': jobStatus,
  });
}

describe('packaged task: the examples of README.md and overview.md', function () {
  const session = useSession();
  const byTitle = (items: WorkItemJson[], text: string): WorkItemJson => {
    const item = items.find((candidate) => title(candidate) === text);
    assert.ok(item, `no item titled '${text}' among: ${items.map(title).join(' | ')}`);
    return item;
  };
  const action = (run: TaskRun): string | undefined => run.outputs['WorkItemAction'];

  it('README, last step of a job with always(): files a Bug, comments when it fails again, resolves when green', async () => {
    const { step, inputs } = snippet('README.md', "iterationPath: '@currentIteration'");
    assert.equal(step['condition'], 'always()');

    const filed = await session.runBuild(501, 'failed', { inputs });
    const [bug] = await session.items(1, filed);
    assert.equal(bug!.fields['System.WorkItemType'], 'Bug');
    assert.equal(
      (bug!.fields['System.AssignedTo'] as { uniqueName: string }).uniqueName,
      'alex@fabrikam.example',
      'assigned to the person who triggered the run (@requestor)',
    );
    assert.equal(bug!.fields['System.AreaPath'], 'WebApp\\Frontend');
    assert.equal(
      bug!.fields['System.IterationPath'],
      'WebApp\\Sprint 2',
      "the default team's current sprint",
    );
    assert.equal(action(filed), 'created', filed.stdout);

    const again = await session.runBuild(502, 'failed', { inputs });
    await session.items(1, again);
    assert.equal(action(again), 'commented', again.stdout);
    assert.equal(again.outputs['WorkItemId'], String(bug!.id));

    const green = await session.runBuild(503, 'green', { inputs });
    assert.equal(action(green), 'resolved', green.stdout);
    assert.equal(await session.state(bug!.id), 'Resolved');
  });

  it('README and overview, a separate job: files for the job it depends on, and resolves when green', async () => {
    for (const document of ['README.md', 'overview.md']) {
      const { parsed } = snippet(document, 'job: FileBug');
      const fileBug = jobsOf(parsed).get('FileBug');
      assert.equal(fileBug?.['dependsOn'], 'Build', document);
      assert.equal(fileBug?.['condition'], 'failed()', document);
    }
    const { inputs } = snippet('README.md', 'job: FileBug');
    // The separate job's own status is Succeeded: only the timeline says that job Build failed.
    const variables = (id: number): Record<string, string> =>
      buildVariables(id, {
        'System.StageName': 'Report',
        'System.StageDisplayName': 'Report',
        'System.JobDisplayName': 'File bug',
        'System.JobId': REPORT_JOB,
        'Agent.JobStatus': 'Succeeded',
      });

    await session.emulator.seedBuild(separateJobRun(511));
    const filed = await session.run({ variables: variables(511), inputs });
    const [bug] = await session.items(1, filed);
    assert.equal(title(bug!), 'WebApp-CI failed on main: Build › Unit tests › npm test');
    assert.match(String(bug!.fields['System.Tags']), /^nightly; pipeline-failure; pwi:/);
    assert.equal(action(filed), 'created', filed.stdout);

    // With always() on the job it also runs in the green run: the open Bug is resolved.
    await session.emulator.seedBuild(greenSeparateJobRun(512));
    const green = await session.run({ variables: variables(512), inputs });
    assert.equal(action(green), 'resolved', green.stdout);
    assert.equal(await session.state(bug!.id), 'Resolved');
  });

  it('overview, a deployment job: {{environment}} in the title, and each environment its own Bug', async () => {
    const { parsed, step, inputs } = snippet('overview.md', 'deployment: DeployWeb');
    assert.equal(jobsOf(parsed).get('DeployWeb')?.['environment'], 'Production');
    assert.equal(step['condition'], 'always()');
    const deploy = async (id: number, environment: string, outcome: 'failed' | 'green'): Promise<TaskRun> => {
      await session.emulator.seedBuild(deploymentRun(id, outcome));
      const jobStatus = outcome === 'failed' ? 'Failed' : 'Succeeded';
      return session.run({ variables: deploymentVariables(id, environment, jobStatus), inputs });
    };

    const production = await deploy(521, 'Production', 'failed');
    assert.equal(action(production), 'created', production.stdout);
    const staging = await deploy(522, 'Staging', 'failed');
    assert.equal(action(staging), 'created', 'another environment files a Bug of its own');
    const items = await session.items(2, staging);
    const productionBug = byTitle(items, 'WebApp-CI failed to deploy 20261129.521 to Production');
    const stagingBug = byTitle(items, 'WebApp-CI failed to deploy 20261129.522 to Staging');

    const again = await deploy(523, 'Production', 'failed');
    assert.equal(action(again), 'commented', again.stdout);
    assert.equal(again.outputs['WorkItemId'], String(productionBug.id));

    // The outcome is the deployment's stage's: a stage of the run that failed beside it does not count.
    await session.emulator.seedBuild(withFailedStage(deploymentRun(524, 'green')));
    const green = await session.run({
      variables: deploymentVariables(524, 'Production', 'Succeeded'),
      inputs,
    });
    assert.equal(action(green), 'resolved', green.stdout);
    assert.equal(await session.state(productionBug.id), 'Resolved');
    assert.equal(
      await session.state(stagingBug.id),
      'New',
      "Production's recovery leaves Staging's Bug open",
    );
  });

  it('overview, a Task when something succeeds: each green deployment files a Task of its own', async () => {
    const { step, inputs } = snippet('overview.md', 'createOn: success');
    assert.equal(step['condition'], 'succeeded()');
    const tasks: TaskRun[] = [];
    for (const id of [531, 532]) {
      await session.emulator.seedBuild(deploymentRun(id, 'green'));
      tasks.push(
        await session.run({ variables: deploymentVariables(id, 'Production', 'Succeeded'), inputs }),
      );
    }
    assert.deepEqual(tasks.map(action), ['created', 'created'], 'onRecurrence: new files each time');
    const items = await session.items(2, tasks[1]);
    for (const id of [531, 532]) {
      const task = byTitle(items, `Verify 20261129.${id} in Production`);
      assert.equal(task.fields['System.WorkItemType'], 'Task');
      assert.ok(String(task.fields['System.Tags']).split('; ').includes('release-verification'));
    }
  });
});
