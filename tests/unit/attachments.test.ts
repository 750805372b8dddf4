import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import * as sinon from 'sinon';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import { collectAttachments } from '../../tasks/PipelineWorkItem/src/evidence/attachments';
import type { RunFacts } from '../../tasks/PipelineWorkItem/src/facts/model';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import type { Boards, FoundFiles, Pipelines } from '../../tasks/PipelineWorkItem/src/ports';
import { inputs, RELEASE_VARIABLES, runContext, step, MB } from './fixtures';

const FACTS: RunFacts = {
  othersOutcome: 'failed',
  artifacts: [],
  failures: [
    step('npm test', { log: { kind: 'build', logId: 4 } }),
    step('eslint', { log: { kind: 'build', logId: 7 } }),
  ],
};

const file = (name: string, size = 10) => ({
  path: `/work/1/s/${name}`,
  realPath: `/work/1/s/${name}`,
  size,
  identity: `2049:${name}`,
});

interface Fixture {
  found?: FoundFiles[];
  serverType?: string;
  upload?: (name: string, body: string) => Promise<string>;
  buildLog?: (logId: number, max: number) => Promise<string | undefined>;
  releaseLines?: string[];
}

function setup(fixture: Fixture = {}) {
  const warnings: string[] = [];
  const infos: string[] = [];
  const uploaded: [string, string][] = [];
  const opened: [string, number][] = [];
  const uploadAttachment = sinon
    .stub()
    .callsFake(async (_project: string, name: string, body: () => Readable) => {
      const content = await text(body());
      uploaded.push([name, content]);
      return fixture.upload ? fixture.upload(name, content) : `https://x/_apis/wit/attachments/${name}`;
    });
  const io = {
    host: {
      findFiles: (patterns: readonly string[]): FoundFiles[] =>
        fixture.found ?? patterns.map((pattern) => ({ pattern, files: [], refused: [] })),
      openFile: ({ realPath }: { realPath: string }, max: number) => {
        opened.push([realPath, max]);
        return Readable.from([`content of ${realPath}`]);
      },
      variable: (name: string) => (name === 'System.ServerType' ? fixture.serverType : undefined),
    },
    pipelines: {
      buildLog: sinon
        .stub()
        .callsFake(async (_p: string, _b: number, logId: number, max: number) =>
          fixture.buildLog ? fixture.buildLog(logId, max) : `log ${logId}`,
        ),
      releaseTaskLog: sinon.stub().callsFake(async (...args: unknown[]) => {
        const text = (fixture.releaseLines ?? []).join('\n');
        return Buffer.byteLength(text) > Number(args[3]) ? undefined : text;
      }),
    } as unknown as Pipelines,
    boards: { uploadAttachment } as unknown as Boards,
    log: { info: (m: string) => infos.push(m), warning: (m: string) => warnings.push(m) },
  };
  const request = (values: Record<string, string>, dryRun = false) => ({
    settings: readSettings(inputs(values)),
    context: runContext(),
    facts: FACTS,
    project: 'WebApp',
    dryRun,
  });
  return { io, request, warnings, infos, uploaded, opened, uploadAttachment };
}

describe('attachments', () => {
  it('uploads each failed step log and each matched file, and names every file it leaves out and why', async () => {
    const t = setup({
      serverType: 'Hosted',
      found: [
        {
          pattern: 'shots/*.png',
          files: [file('shots/a.png'), file('shots/big.png', 61 * MB)],
          refused: [
            { path: '/work/1/s/shots/out.png', reason: 'outside' },
            { path: '/work/1/s/shots/env.png', reason: 'proc' },
            { path: '/work/1/s/shots/fifo.png', reason: 'special' },
            { path: '/work/1/s/shots/gone.png', reason: 'dangling' },
            { path: '/work/1/s/shots/locked', reason: 'unreadable' },
            { path: '/work/1/s/shots/cache', reason: 'folderOutside' },
          ],
        },
        { pattern: '*.zip', files: [], refused: [] },
        { pattern: '[broken', files: [], refused: [], failed: 'EACCES: permission denied' },
        { pattern: '**/a.png', files: [file('shots/a.png')], refused: [] },
      ],
    });
    const attached = await collectAttachments(t.io, t.request({ attachLogs: 'true', attachments: 'x' }));
    assert.deepEqual(attached, [
      {
        url: 'https://x/_apis/wit/attachments/01-npm-test.log',
        comment: 'Log of Build › Unit tests › npm test',
      },
      { url: 'https://x/_apis/wit/attachments/02-eslint.log', comment: 'Log of Build › Unit tests › eslint' },
      { url: 'https://x/_apis/wit/attachments/a.png', comment: 'Attached by the pipeline (shots/*.png)' },
    ]);
    assert.deepEqual(
      t.uploaded.find(([name]) => name === 'a.png'),
      ['a.png', 'content of /work/1/s/shots/a.png'],
    );
    assert.deepEqual(t.opened, [['/work/1/s/shots/a.png', 60 * MB]]);
    assert.deepEqual(t.warnings, [
      "Input 'attachments': /work/1/s/shots/out.png is not attached: it resolves to a path outside the job's directories (Agent.BuildDirectory, Agent.TempDirectory and, in a classic release, Agent.ReleaseDirectory).",
      "Input 'attachments': /work/1/s/shots/env.png is not attached: it is a process file (/proc), which can hold the job's token and secrets.",
      "Input 'attachments': /work/1/s/shots/fifo.png is not attached: it is not a regular file (a FIFO, socket or device).",
      "Input 'attachments': /work/1/s/shots/gone.png is not attached: it is a symbolic link whose target does not exist.",
      "Input 'attachments': /work/1/s/shots/locked could not be read; it is not attached.",
      "Input 'attachments': /work/1/s/shots/cache is a folder link leading outside the job's directories; nothing in it is attached.",
      "Input 'attachments': big.png is 61 MB, over the 60 MB Azure DevOps Services takes in one attachment; it is not attached.",
      "Input 'attachments': no file matches '*.zip' (relative to System.DefaultWorkingDirectory).",
      "Input 'attachments': the pattern '[broken' could not be searched (EACCES: permission denied); the other patterns still are.",
    ]);
  });

  it('a pattern whose only matches were refused says why, not that nothing matched', async () => {
    const t = setup({
      found: [{ pattern: '*.log', files: [], refused: [{ path: '/work/1/s/gone.log', reason: 'dangling' }] }],
    });
    await collectAttachments(t.io, t.request({ attachments: 'x' }));
    assert.deepEqual(t.warnings, [
      "Input 'attachments': /work/1/s/gone.log is not attached: it is a symbolic link whose target does not exist.",
    ]);
  });

  it('on Windows, a file two patterns spell in different case is one file, attached once', async () => {
    // Windows' file systems ignore case, and the real path keeps the case the pattern wrote.
    const platform = sinon.stub(process, 'platform').value('win32');
    try {
      const spelled = (real: string) => ({
        path: real.replace(/\\/g, '/'),
        realPath: real,
        size: 10,
        identity: '2049:77',
      });
      const t = setup({
        found: [
          {
            pattern: '$(Agent.TempDirectory)\\testresults\\*.trx',
            files: [spelled('D:\\a\\_temp\\testresults\\run.trx')],
            refused: [],
          },
          {
            pattern: '$(Agent.TempDirectory)\\**\\*.trx',
            files: [spelled('d:\\a\\_temp\\TestResults\\run.trx')],
            refused: [],
          },
        ],
      });
      const attached = await collectAttachments(t.io, t.request({ attachments: 'x' }));
      assert.deepEqual(t.uploaded, [['run.trx', 'content of D:\\a\\_temp\\testresults\\run.trx']]);
      assert.equal(attached.length, 1);
    } finally {
      platform.restore();
    }
  });

  it('attaches at most 100 files and 250 MB per item, the first in pattern order, with one warning', async () => {
    const many = Array.from({ length: 103 }, (_, i) => file(`f${String(i).padStart(3, '0')}.txt`));
    const t = setup({ found: [{ pattern: '*.txt', files: many, refused: [] }] });
    const attached = await collectAttachments(t.io, t.request({ attachLogs: 'true', attachments: '*.txt' }));
    assert.equal(attached.length, 100);
    assert.equal(attached.at(-1)?.url, 'https://x/_apis/wit/attachments/f097.txt');
    assert.deepEqual(t.warnings, [
      '5 matched file(s) are not attached: the task attaches at most 100 files and 250 MB to one work item, the first ones in pattern order.',
    ]);
    const big = setup({
      found: [
        { pattern: '*.bin', files: ['a', 'b', 'c'].map((n) => file(`${n}.bin`, 100 * MB)), refused: [] },
      ],
    });
    assert.equal((await collectAttachments(big.io, big.request({ attachments: '*.bin' }))).length, 2);
    assert.match(big.warnings.join('\n'), /^1 matched file\(s\) are not attached/);
  });

  it('has at most four uploads in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const t = setup({
      found: [{ pattern: '*', files: Array.from({ length: 10 }, (_, i) => file(`${i}.txt`)), refused: [] }],
      upload: async (name) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return `u/${name}`;
      },
    });
    const attached = await collectAttachments(t.io, t.request({ attachments: '*' }));
    assert.deepEqual(
      attached.map((a) => a.url),
      Array.from({ length: 10 }, (_, i) => `u/${i}.txt`),
    );
    assert.equal(most, 4);
  });

  it("learns the server's limit from its first refusal and sends nothing larger afterwards", async () => {
    const refuse = (): Promise<string> =>
      Promise.reject(
        new AdoError(
          'TF237082: The file you are trying to upload exceeds the supported file upload size (4 MB(s)).',
          {
            status: 400,
            code: 'TF237082',
          },
        ),
      );
    const sizes: [string, number][] = [
      ['a.bin', 5 * MB],
      ['b.bin', 5 * MB],
      ['c.bin', 5 * MB],
      ['d.bin', 5 * MB],
      ['e.bin', 6 * MB],
      ['f.bin', 3 * MB],
    ];
    const t = setup({
      serverType: 'OnPremises',
      found: [{ pattern: '*.bin', files: sizes.map(([n, s]) => file(n, s)), refused: [] }],
      upload: async (name) => (name === 'f.bin' ? `u/${name}` : refuse()),
    });
    const attached = await collectAttachments(t.io, t.request({ attachments: '*.bin' }));
    assert.deepEqual(attached, [{ url: 'u/f.bin', comment: 'Attached by the pipeline (*.bin)' }]);
    assert.deepEqual(
      t.uploaded.map(([name]) => name),
      ['a.bin', 'b.bin', 'c.bin', 'd.bin', 'f.bin'],
    );
    assert.deepEqual(t.opened.at(-1), ['/work/1/s/f.bin', 4 * MB]);
    assert.deepEqual(t.warnings, [
      "Azure DevOps refuses attachments over 4 MB (on Azure DevOps Server: the collection's maximum attachment size, 4 MB unless raised, up to 2 GB); not attached: a.bin, b.bin, c.bin, d.bin, e.bin.",
    ]);
  });

  it('on Server, leaves out unread a file over what one upload takes (130 MB), whatever the collection allows', async () => {
    const t = setup({
      serverType: 'OnPremises',
      found: [{ pattern: '*.dmp', files: [file('core.dmp', 131 * MB), file('small.dmp')], refused: [] }],
    });
    const attached = await collectAttachments(t.io, t.request({ attachments: '*.dmp' }));
    assert.deepEqual(
      attached.map((a) => a.url),
      ['https://x/_apis/wit/attachments/small.dmp'],
    );
    assert.deepEqual(t.opened, [['/work/1/s/small.dmp', 130 * MB]]);
    assert.deepEqual(t.warnings, [
      "Input 'attachments': core.dmp is 131 MB, over the 130 MB the task sends in one upload (larger files would need a chunked upload); it is not attached.",
    ]);
  });

  it('reads a step log only up to the limit; a failed upload leaves that file out; a dry run uploads nothing', async () => {
    const t = setup({
      buildLog: async (logId, max) => (logId === 4 ? undefined : `log ${logId} within ${max}`),
      upload: async () => Promise.reject(new Error('Could not upload.')),
    });
    assert.deepEqual(await collectAttachments(t.io, t.request({ attachLogs: 'true' })), []);
    assert.deepEqual(t.uploaded, [['02-eslint.log', `log 7 within ${130 * MB}`]]);
    assert.deepEqual(t.warnings, [
      'The log 01-npm-test.log is over the 130 MB Azure DevOps takes in one attachment; it is not attached.',
      'Could not upload. The item is filed without 02-eslint.log.',
    ]);

    const dry = setup({ found: [{ pattern: '*.png', files: [file('a.png')], refused: [] }] });
    assert.deepEqual(
      await collectAttachments(dry.io, dry.request({ attachLogs: 'true', attachments: '*.png' }, true)),
      [],
    );
    sinon.assert.notCalled(dry.uploadAttachment);
    assert.deepEqual(dry.infos, [
      'Dry run: would attach 01-npm-test.log (Log of Build › Unit tests › npm test).',
      'Dry run: would attach 02-eslint.log (Log of Build › Unit tests › eslint).',
      'Dry run: would attach a.png (Attached by the pipeline (*.png)).',
    ]);
  });

  it('a release task’s log: its lines from the release; a log of the other kind of run is left out', async () => {
    const log = { kind: 'release', environmentId: 3, deployPhaseId: 8, taskId: 5, lineCount: 2 } as const;
    const t = setup({ releaseLines: ['Deploying', 'Failed: 403'] });
    const release = {
      ...t.request({ attachLogs: 'true' }),
      context: runContext(RELEASE_VARIABLES),
      facts: {
        ...FACTS,
        failures: [step('Deploy', { job: 'Deploy web', log }), step('Smoke', { log: undefined })],
      },
    };
    assert.deepEqual(await collectAttachments(t.io, release), [
      { url: 'https://x/_apis/wit/attachments/01-Deploy.log', comment: 'Log of Build › Deploy web › Deploy' },
    ]);
    assert.deepEqual(t.uploaded, [['01-Deploy.log', 'Deploying\nFailed: 403']]);
    assert.deepEqual(t.warnings, []);
    const build = setup();
    const mismatched = {
      ...build.request({ attachLogs: 'true' }),
      facts: { ...FACTS, failures: [step('Deploy', { log })] },
    };
    assert.deepEqual(await collectAttachments(build.io, mismatched), []);
    const noBuild = {
      ...release,
      facts: FACTS,
      context: { ...runContext(RELEASE_VARIABLES), build: undefined },
    };
    assert.deepEqual(await collectAttachments(build.io, noBuild), []);
    assert.deepEqual(build.uploaded, []);
  });

  it('a release task’s log over the limit is left out with a warning', async () => {
    const log = { kind: 'release', environmentId: 3, deployPhaseId: 8, taskId: 5, lineCount: 2 } as const;
    const t = setup({ releaseLines: ['x'.repeat(131 * MB)] });
    const release = {
      ...t.request({ attachLogs: 'true' }),
      context: runContext(RELEASE_VARIABLES),
      facts: { ...FACTS, failures: [step('Deploy', { log })] },
    };
    assert.deepEqual(await collectAttachments(t.io, release), []);
    assert.deepEqual(t.warnings, [
      'The log 01-Deploy.log is over the 130 MB Azure DevOps takes in one attachment; it is not attached.',
    ]);
  });

  it('names each log after its step (or job), readable and valid on every OS', async () => {
    const log = { kind: 'build', logId: 4 } as const;
    const t = setup();
    const request = {
      ...t.request({ attachLogs: 'true' }),
      facts: {
        ...FACTS,
        failures: [
          step('--Deploy: web app--', { log }),
          step('', { job: 'Deploy web', log }),
          step('', { stage: '', job: '', log }),
          step('***', { log }),
          step('x'.repeat(100), { log }),
        ],
      },
    };
    const attached = await collectAttachments(t.io, request);
    assert.deepEqual(
      t.uploaded.map(([name]) => name),
      ['01-Deploy-web-app.log', '02-Deploy-web.log', '03-job.log', '04-step.log', `05-${'x'.repeat(80)}.log`],
    );
    assert.deepEqual(
      attached.slice(0, 3).map((a) => a.comment),
      ['Log of Build › Unit tests › --Deploy: web app--', 'Log of Build › Deploy web', 'Log of the job'],
    );
  });

  it('a file of exactly the limit is attached; a refusal that is not about size is a warning', async () => {
    const t = setup({
      serverType: 'Hosted',
      found: [{ pattern: '*.bin', files: [file('max.bin', 60 * MB), file('other.bin')], refused: [] }],
      upload: async (name) =>
        name === 'other.bin'
          ? Promise.reject(new AdoError('VS403403: forbidden', { status: 403, code: 'VS403403' }))
          : `u/${name}`,
    });
    const attached = await collectAttachments(t.io, t.request({ attachments: '*.bin' }));
    assert.deepEqual(attached, [{ url: 'u/max.bin', comment: 'Attached by the pipeline (*.bin)' }]);
    assert.deepEqual(t.warnings, ['VS403403: forbidden The item is filed without other.bin.']);
  });

  it('a log refused as too large teaches the limit the refusal names', async () => {
    const t = setup({
      serverType: 'OnPremises',
      upload: () =>
        Promise.reject(
          new AdoError('TF237082: … exceeds the supported file upload size (4 MB(s)).', {
            status: 400,
            code: 'TF237082',
          }),
        ),
    });
    assert.deepEqual(await collectAttachments(t.io, t.request({ attachLogs: 'true' })), []);
    assert.equal(t.warnings.length, 1);
    assert.match(
      t.warnings[0] ?? '',
      /^Azure DevOps refuses attachments over 4 MB .*not attached: 01-npm-test\.log, 02-eslint\.log\.$/,
    );
  });
});
