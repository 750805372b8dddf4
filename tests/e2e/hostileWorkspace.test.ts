import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkItemJson } from '../emulator/harness';
import type { JobDirectories } from './agent';
import { failedMultiStageRun, multiStageVariables } from './evidenceRuns';
import { buildVariables, failedYamlRun, JOB_TOKEN } from './pipelines';
import { Job, useSession } from './session';
import { fileLink } from '../helpers/links';

const MB = 1024 * 1024;
// What a file outside the job's directories holds: it must never reach the organization.
const OUTSIDE_SECRET = 'outside-token-5c1e9a7f3d2b8e6a';
const SECRET_VARIABLE = 'Pa55word-of-the-hostile-branch';

// Someone who can push a branch controls the file names and symlinks of the workspace (the README's example
// pattern `test-results/**/*.png` included): whatever they lay out, the item is filed, each file left out is
// named in a warning, and nothing from outside the job's directories is uploaded.
describe('attachments from a hostile workspace', function () {
  const session = useSession();
  let outside = '';

  before(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-outside-'));
    fs.writeFileSync(path.join(outside, 'token.txt'), OUTSIDE_SECRET);
    fs.mkdirSync(path.join(outside, 'cache'));
    fs.writeFileSync(path.join(outside, 'cache', 'secret.txt'), OUTSIDE_SECRET);
  });
  after(() => fs.rmSync(outside, { recursive: true, force: true }));

  const write = (file: string, content: string | Buffer = 'ok'): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };
  // A directory link is a junction on Windows, which needs no privilege.
  const link = (target: string, at: string, type: 'file' | 'junction' = 'file'): void => {
    fs.mkdirSync(path.dirname(at), { recursive: true });
    if (type === 'file') fileLink(target, at);
    else fs.symlinkSync(target, at, 'junction');
  };
  const sparse = (file: string, size: number): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, size);
  };

  async function file(
    id: number,
    attachments: string,
    workspace: (d: JobDirectories) => void,
    variables: Record<string, string> = {},
  ): Promise<{ item: WorkItemJson; warnings: string; names: string[] }> {
    await session.emulator.seedBuild(failedYamlRun(id));
    const job: Job = {
      variables: buildVariables(id, { 'Agent.JobStatus': 'Failed', ...variables }),
      secretVariables: { 'Deploy.Password': SECRET_VARIABLE },
      inputs: { attachments },
      workspace,
    };
    const run = await session.run(job);
    const [item] = await session.items(1, run);
    assert.ok(item);
    const stored = await session.emulator.attachments();
    const contents = await Promise.all(
      stored.map(async (a) => (await session.emulator.attachment(a.id)) ?? ''),
    );
    for (const content of contents) {
      assert.ok(!content.includes(OUTSIDE_SECRET), 'a file from outside the job directories was uploaded');
      assert.ok(!content.includes('ENDPOINT_AUTH'), "the process's environment was uploaded");
    }
    const names = (item.relations ?? [])
      .filter((r) => r.rel === 'AttachedFile')
      .map((r) => String(r.attributes['name']))
      .sort();
    // Nothing was stored beside what the item links: no refused file reached the organization, not even unlinked.
    assert.deepEqual(stored.map((a) => a.fileName).sort(), names);
    return { item, warnings: run.warnings.join('\n'), names };
  }

  it('a symlink to a file outside the job directories is refused, its neighbours attached', async () => {
    const { names, warnings } = await file(801, 'test-results/**/*.png', ({ sources }) => {
      write(path.join(sources, 'test-results', 'ui', 'cart.png'));
      link(path.join(outside, 'token.txt'), path.join(sources, 'test-results', 'ui', 'failure-1.png'));
    });
    assert.deepEqual(names, ['cart.png']);
    assert.match(
      warnings,
      /failure-1\.png is not attached: it resolves to a path outside the job's directories/,
    );
  });

  it("a symlink to /proc/self/environ (the job's original environment) is refused", async () => {
    const environ = '/proc/self/environ';
    const { names, warnings } = await file(802, 'test-results/**/*.png', ({ sources }) => {
      write(path.join(sources, 'test-results', 'ui', 'cart.png'));
      link(environ, path.join(sources, 'test-results', 'ui', 'failure-1.png'));
    });
    assert.deepEqual(names, ['cart.png']);
    // Where there is no /proc (macOS, Windows) the same link points at nothing.
    const why = fs.existsSync(environ)
      ? /failure-1\.png is not attached: it is a process file \(\/proc\)/
      : /failure-1\.png is not attached: it is a symbolic link whose target does not exist/;
    assert.match(warnings, why);
  });

  it('a folder symlink leading outside is not followed; the rest of the folder is attached', async () => {
    const { names, warnings } = await file(803, 'logs/**/*.txt', ({ sources }) => {
      write(path.join(sources, 'logs', 'app.txt'), 'started');
      link(path.join(outside, 'cache'), path.join(sources, 'logs', 'cache'), 'junction');
    });
    assert.deepEqual(names, ['app.txt']);
    assert.match(warnings, /logs[\\/]cache is a folder link leading outside the job's directories/);
  });

  it('an absolute pattern outside the job directories attaches nothing from there', async () => {
    const absolute = path.join(outside, 'token.txt');
    const { names, warnings } = await file(804, `${absolute}\nreport.html`, ({ sources }) => {
      write(path.join(sources, 'report.html'), '<p>report</p>');
    });
    assert.deepEqual(names, ['report.html']);
    assert.match(warnings, /token\.txt is not attached: it resolves to a path outside the job's directories/);
  });

  it('a pattern reaching up into another job directory (the temp directory) still attaches', async () => {
    const { names } = await file(805, '../../screens/*.png', ({ temp }) => {
      write(path.join(temp, 'screens', 'home.png'));
    });
    assert.deepEqual(names, ['home.png']);
  });

  it('a FIFO is never opened (that would block the task) and is left out with a warning', async () => {
    const fifos = process.platform !== 'win32';
    const { names, warnings } = await file(806, 'out/*', ({ sources }) => {
      write(path.join(sources, 'out', 'summary.txt'));
      // Windows has no FIFOs in the file system: a folder of that name is the non-file match there.
      if (fifos) execFileSync('mkfifo', [path.join(sources, 'out', 'stream')]);
      else fs.mkdirSync(path.join(sources, 'out', 'stream'));
    });
    assert.deepEqual(names, ['summary.txt']);
    if (fifos) assert.match(warnings, /stream is not attached: it is not a regular file/);
    else assert.doesNotMatch(warnings, /stream/);
  });

  it('a dangling symlink is skipped with a warning instead of ending the run', async () => {
    const { names, warnings } = await file(807, 'out/*.html', ({ sources }) => {
      write(path.join(sources, 'out', 'index.html'));
      link(path.join(sources, 'out', 'gone.html'), path.join(sources, 'out', 'report.html'));
    });
    assert.deepEqual(names, ['index.html']);
    assert.match(warnings, /report\.html is not attached: it is a symbolic link whose target does not exist/);
  });

  it('3,000 matches: the first 100 are attached, with one warning counting the rest', async () => {
    const { names, warnings } = await file(808, 'many/*.txt', ({ sources }) => {
      for (let i = 0; i < 3000; i++)
        write(path.join(sources, 'many', `f${String(i).padStart(4, '0')}.txt`), `${i}`);
    });
    assert.equal(names.length, 100);
    assert.equal(names[0], 'f0000.txt');
    assert.equal(names[99], 'f0099.txt');
    assert.match(
      warnings,
      /2900 matched file\(s\) are not attached: the task attaches at most 100 files and 250 MB/,
    );
    const uploads = (await session.emulator.requests()).filter((r) =>
      r.path.endsWith('/_apis/wit/attachments'),
    );
    assert.equal(uploads.length, 100);
    assert.equal(warnings.split('\n').length, 1, warnings);
  });

  it('every file is masked of secrets, also across two chunks, in a binary and in UTF-16; others go as they are', async () => {
    // The read stream hands over 64 KB chunks: the secret starts 6 bytes before the first chunk ends.
    const text = `${'a'.repeat(64 * 1024 - 6)}${SECRET_VARIABLE} and ${JOB_TOKEN}\n`;
    const binary = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from('plain bytes')]);
    const dump = (token: string): Buffer =>
      Buffer.concat([
        Buffer.from([0x4d, 0x44, 0x4d, 0x50, 0, 0]),
        Buffer.from(`Authorization: Bearer ${token}`),
        Buffer.from([0]),
      ]);
    // Windows PowerShell 5's `>` writes UTF-16LE with a byte order mark.
    const powershell = (token: string): Buffer => Buffer.from(`\ufeffDeploying with ${token}\r\n`, 'utf16le');
    const { names } = await file(809, 'notes.log\nimage.png\ncore.dmp\nps.log', ({ sources }) => {
      write(path.join(sources, 'notes.log'), text);
      write(path.join(sources, 'image.png'), binary);
      write(path.join(sources, 'core.dmp'), dump(JOB_TOKEN));
      write(path.join(sources, 'ps.log'), powershell(SECRET_VARIABLE));
    });
    assert.deepEqual(names, ['core.dmp', 'image.png', 'notes.log', 'ps.log']);
    const stored = await session.emulator.attachments();
    const content = async (name: string): Promise<Buffer> =>
      (await session.emulator.attachment(stored.find((a) => a.fileName === name)?.id ?? '')) ??
      Buffer.alloc(0);
    assert.equal((await content('notes.log')).toString('utf8'), `${'a'.repeat(64 * 1024 - 6)}*** and ***\n`);
    assert.deepEqual(await content('image.png'), binary);
    assert.deepEqual(await content('core.dmp'), dump('***'));
    assert.equal((await content('ps.log')).toString('utf16le'), '\ufeffDeploying with ***\r\n');
  });

  it('Services: a file over 60 MB is left out unread; the others are uploaded four at a time', async () => {
    await session.emulator.setTopology('services');
    // Slow answers, so that uploads sent together overlap in the request log.
    await session.emulator.injectFaults([
      { method: 'POST', pathRegex: '/_apis/wit/attachments$', delayMs: 300, times: 8 },
    ]);
    const { names, warnings } = await file(
      810,
      'dumps/*.bin',
      ({ sources }) => {
        for (let i = 1; i <= 8; i++) write(path.join(sources, 'dumps', `small-${i}.bin`), `dump ${i}`);
        sparse(path.join(sources, 'dumps', 'core.bin'), 61 * MB);
      },
      { 'System.ServerType': 'Hosted' },
    );
    assert.equal(names.length, 8);
    assert.ok(!names.includes('core.bin'));
    assert.match(
      warnings,
      /core\.bin is 61 MB, over the 60 MB Azure DevOps Services takes in one attachment/,
    );
    const uploads = (await session.emulator.requests()).filter((r) =>
      r.path.endsWith('/_apis/wit/attachments'),
    );
    assert.ok(
      uploads.every((r) => r.bodySize < MB),
      'the 61 MB file was not sent',
    );
    const overlap = Math.max(
      ...uploads.map(
        (u) => uploads.filter((o) => o.startMs <= u.startMs && (o.endMs ?? Infinity) > u.startMs).length,
      ),
    );
    assert.ok(overlap > 1 && overlap <= 4, `uploads in flight at once: ${overlap}`);
  });

  it('Server: the collection limit is learned from the first refusal and the rest over it are not sent', async () => {
    // The first four go out together and are all refused: whichever answer comes first teaches the limit
    // before the fifth is picked up.
    const { names, warnings } = await file(811, 'dumps/*.bin', ({ sources }) => {
      for (const name of ['a', 'b', 'c', 'd']) sparse(path.join(sources, 'dumps', `${name}.bin`), 5 * MB);
      sparse(path.join(sources, 'dumps', 'e.bin'), 6 * MB);
      sparse(path.join(sources, 'dumps', 'f.bin'), 3 * MB);
    });
    assert.deepEqual(names, ['f.bin']);
    assert.match(
      warnings,
      /^Azure DevOps refuses attachments over 4 MB \(on Azure DevOps Server: the collection's maximum attachment size, 4 MB unless raised, up to 2 GB\); not attached: a\.bin, b\.bin, c\.bin, d\.bin, e\.bin\.$/,
    );
    const sent = (await session.emulator.requests()).filter((r) => r.path.endsWith('/_apis/wit/attachments'));
    assert.deepEqual(sent.map((r) => r.query['fileName']).sort(), [
      'a.bin',
      'b.bin',
      'c.bin',
      'd.bin',
      'f.bin',
    ]);
  });

  it("attachLogs: a step log over the server's limit is refused like any file; the other log is attached", async () => {
    // About 5 MB: over Azure DevOps Server's default 4 MB.
    const long = Array.from(
      { length: 60_000 },
      (_, i) => `npm test line ${String(i).padStart(6, '0')} ${'x'.repeat(60)}`,
    );
    await session.emulator.seedBuild({
      ...failedMultiStageRun(813),
      logs: { '4': long, '7': ['eslint line 1'] },
    });
    const run = await session.run({
      variables: buildVariables(813, multiStageVariables('report')),
      inputs: { attachLogs: 'true' },
    });
    const [item] = await session.items(1, run);
    const names = (item?.relations ?? [])
      .filter((r) => r.rel === 'AttachedFile')
      .map((r) => r.attributes['name']);
    assert.deepEqual(names, ['02-eslint.log']);
    assert.match(
      run.warnings.join('\n'),
      /Azure DevOps refuses attachments over 4 MB \(on Azure DevOps Server: the collection's maximum attachment size.*\); not attached: 01-npm-test\.log\./,
    );
  });

  it('Server with a 2 GB limit: large files are uploaded up to 250 MB per item', async () => {
    await session.emulator.setServerAttachmentLimit(2048 * MB);
    const { names, warnings } = await file(812, 'dumps/*.bin', ({ sources }) => {
      for (const name of ['a', 'b', 'c']) sparse(path.join(sources, 'dumps', `${name}.bin`), 90 * MB);
    });
    assert.deepEqual(names, ['a.bin', 'b.bin']);
    assert.match(warnings, /^1 matched file\(s\) are not attached/);
    const stored = await session.emulator.attachments();
    assert.deepEqual(
      stored.map((a) => a.size),
      [90 * MB, 90 * MB],
    );
  });
});
