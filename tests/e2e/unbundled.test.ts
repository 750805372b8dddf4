import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkItemJson } from '../emulator/harness';
import type { TaskRun } from './agent';
import { buildVariables, failedYamlRun, greenYamlRun, PAT } from './pipelines';
import { Entry, Job, useSession } from './session';

const CONNECTION_ID = 'b7e3f0d2-4c61-4a8e-9d35-0c2f6a8e1b47';

// The bundle must behave exactly as the code it was made from: the same scenario, run once with the packaged
// bundle and once with the tsc output and node_modules, must leave the same items and say the same things.
describe('packaged bundle and unbundled build behave the same', function () {
  const session = useSession();

  /** What a person sees of the organization after the scenario: items (without ids, dates, revisions). */
  async function visible(): Promise<unknown[]> {
    const volatile =
      /^System\.(Id|Rev|CreatedDate|ChangedDate|AuthorizedDate|RevisedDate|Watermark|StateChangeDate)$/;
    const items = await session.emulator.workItems();
    return items.map((item: WorkItemJson) => ({
      fields: Object.fromEntries(
        Object.entries(item.fields).filter(
          ([name]) => !volatile.test(name) && !/Date$/.test(name) && name !== 'System.CommentCount',
        ),
      ),
      relations: (item.relations ?? []).map((r) => [
        r.rel,
        r.rel === 'AttachedFile' ? r.attributes['name'] : r.url,
      ]),
    }));
  }

  const said = (run: TaskRun): unknown => ({
    result: run.result,
    message: run.resultMessage.replace(/\d+/g, '#'),
    warnings: run.warnings,
    outputs: run.outputs['WorkItemAction'],
  });

  async function scenario(entry: Entry, dir: string): Promise<{ runs: unknown[]; items: unknown[] }> {
    await session.emulator.reset();
    await session.emulator.setTokens(['job-token-7f3c9a1e5b2d4c6e8a0b', { token: PAT, scheme: 'Basic' }]);
    const runs: TaskRun[] = [];
    const job = (id: number, status: string, extra: Partial<Job> = {}): Job => ({
      variables: {
        ...buildVariables(id, {
          'Agent.JobStatus': status,
          'System.DefaultWorkingDirectory': dir,
          'Agent.BuildDirectory': dir,
        }),
      },
      secretVariables: { 'Deploy.Password': 'Pa55word-for-the-parity-test' },
      ...extra,
    });
    await session.emulator.seedBuild({
      ...failedYamlRun(700, ['Login with Pa55word-for-the-parity-test failed']),
      // Log lines carry times derived from the start: the two runs must see the same.
      startTime: '2026-11-29T05:38:00.000Z',
      testResults: [{ testCaseTitle: 'Cart total', outcome: 'Failed', errorMessage: 'expected 4, got 3' }],
      changes: [{ id: '9b1c2d3e4f5a6b7c8d9e', message: 'Round the cart total\n\nLong body' }],
    });
    const inputs = {
      attachLogs: 'true',
      attachments: '*.txt',
      assignTo: '@requestor',
      linkWorkItems: 'true',
    };
    runs.push(await session.run(job(700, 'Failed', { inputs }), entry));
    await session.emulator.seedBuild(failedYamlRun(701));
    runs.push(
      await session.run(
        job(701, 'Failed', {
          inputs: { connection: CONNECTION_ID },
          serviceConnections: { [CONNECTION_ID]: { url: session.emulator.collectionUrl, token: PAT } },
        }),
        entry,
      ),
    );
    await session.emulator.seedBuild(greenYamlRun(702));
    runs.push(await session.run(job(702, 'Succeeded'), entry));
    return { runs: runs.map(said), items: await visible() };
  }

  it('files, comments (through a service connection) and resolves alike', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-parity-'));
    try {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'collected by the pipeline');
      const bundle = await scenario('bundle', dir);
      const unbundled = await scenario('unbundled', dir);
      assert.deepEqual(unbundled, bundle);
      assert.deepEqual(
        bundle.runs.map((run) => (run as { outputs: string }).outputs),
        ['created', 'commented', 'resolved'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
