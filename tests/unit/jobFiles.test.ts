import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { text } from 'node:stream/consumers';
import { Minimatch } from 'minimatch';
import * as sinon from 'sinon';
import {
  findJobFiles,
  jobRoots,
  openJobFile,
  rootedPattern,
  searchRoot,
} from '../../tasks/PipelineWorkItem/src/evidence/jobFiles';
import { fileLink } from '../helpers/links';

// The module the walk calls (a namespace import is a copy whose functions cannot be replaced).
const nodeFs = process.getBuiltinModule('node:fs');

// The walk on a real file system: the job's directories (build with sources, temp) and a folder beside them.
describe('finding the job files', () => {
  let base = '';
  let build = '';
  let sources = '';
  let temp = '';
  let outside = '';
  let roots: string[] = [];
  const write = (file: string, content = 'x'): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };
  const find = (...patterns: string[]) => findJobFiles(patterns, sources, roots);
  const names = (found: ReturnType<typeof find>[number]): string[] =>
    found.files.map((f) => path.relative(sources, f.path).split(path.sep).join('/'));

  before(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-jobfiles-')));
    build = path.join(base, 'work', '1');
    sources = path.join(build, 's');
    temp = path.join(base, 'work', '_temp');
    outside = path.join(base, 'elsewhere');
    write(path.join(sources, 'results', 'a.png'));
    write(path.join(sources, 'results', 'deep', 'b.png'));
    write(path.join(sources, 'results', '.hidden.png'));
    write(path.join(sources, 'results', 'notes.txt'));
    write(path.join(outside, 'secret.png'), 'outside');
    write(path.join(build, 'a', 'staged.zip'));
    fs.mkdirSync(temp, { recursive: true });
    fileLink(path.join(outside, 'secret.png'), path.join(sources, 'results', 'link-out.png'));
    fileLink(path.join(sources, 'results', 'a.png'), path.join(sources, 'results', 'link-in.png'));
    fileLink(path.join(sources, 'missing.png'), path.join(sources, 'results', 'dangling.png'));
    fs.symlinkSync(outside, path.join(sources, 'results', 'out-folder'), 'junction');
    fs.symlinkSync(path.join(build, 'a'), path.join(sources, 'staging'), 'junction');
    fs.symlinkSync(sources, path.join(sources, 'results', 'loop'), 'junction');
    roots = jobRoots((name) => ({ 'Agent.BuildDirectory': build, 'Agent.TempDirectory': temp })[name]);
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));
  afterEach(() => sinon.restore());
  // Folders whose reading fails, as for a user without the permission (this one may be root).
  const unreadable = (...folders: string[]): void => {
    const readdir = nodeFs.readdirSync;
    sinon.stub(nodeFs, 'readdirSync').callsFake(((folder: fs.PathLike, options?: unknown) => {
      if (folders.includes(String(folder))) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return readdir(folder, options as fs.ObjectEncodingOptions & { withFileTypes: true });
    }) as typeof nodeFs.readdirSync);
  };

  it('the job directories are the build and temp directories, resolved; the sources only when neither is set', () => {
    assert.deepEqual(roots, [build, temp]);
    const only = jobRoots((name) => (name === 'System.DefaultWorkingDirectory' ? sources : undefined));
    assert.deepEqual(only, [sources]);
    assert.deepEqual(
      jobRoots((name) => (name === 'Agent.ReleaseDirectory' ? path.join(base, 'gone') : undefined)),
      [],
    );
  });

  // A folder is read once, whatever links lead to it again (`loop` points back at the sources).
  it('matches like findMatch (dot files, **), follows links only inside, and says why each other match is left out', () => {
    const [found] = find('results/**/*.png');
    assert.ok(found);
    assert.deepEqual(names(found), [
      'results/.hidden.png',
      'results/a.png',
      'results/deep/b.png',
      'results/link-in.png',
    ]);
    const refused = found.refused.map((r) => [
      path.relative(sources, r.path).split(path.sep).join('/'),
      r.reason,
    ]);
    assert.deepEqual(refused.sort(), [
      ['results/dangling.png', 'dangling'],
      ['results/link-out.png', 'outside'],
      ['results/out-folder', 'folderOutside'],
    ]);
    assert.equal(
      found.files.find((f) => f.path.endsWith('link-in.png'))?.realPath,
      path.join(sources, 'results', 'a.png'),
    );
  });

  it('a folder link inside is followed; a line with ! leaves out what the lines before matched; # is a comment', () => {
    const [zips, pngs, ...none] = find(
      'staging/*.zip',
      '# screenshots',
      'results/*.png',
      '!**/link-*.png',
      '!**/dangling.png',
    );
    assert.deepEqual(none, []);
    assert.deepEqual(names(zips!), ['staging/staged.zip']);
    assert.deepEqual(names(pngs!), ['results/.hidden.png', 'results/a.png']);
    assert.deepEqual(pngs!.refused, []);
  });

  it('absolute patterns: outside refused, above the job directories only searched inside them', () => {
    const [file, above, none] = find(path.join(outside, 'secret.png'), `${base}/**/*.zip`, 'nothing/*.png');
    assert.deepEqual(file!.files, []);
    assert.deepEqual(file!.refused, [
      { path: rootedPattern(sources, path.join(outside, 'secret.png')), reason: 'outside' },
    ]);
    assert.deepEqual(
      above!.files.map((f) => f.realPath),
      [path.join(build, 'a', 'staged.zip')],
    );
    assert.deepEqual([none!.files, none!.refused], [[], []]);
    const [elsewhere] = find(`${outside}/*.png`);
    assert.deepEqual(
      elsewhere!.refused.map((r) => r.reason),
      ['outside'],
    );
  });

  it('a pattern through a link above the job directories finds the files it spells there', () => {
    // /tmp on macOS is /private/tmp: the real path of the job's directories is not the one the pattern spells.
    const alias = path.join(base, 'alias');
    fs.symlinkSync(path.join(base, 'work'), alias, 'junction');
    try {
      const [zips] = find(`${alias}/*/a/*.zip`);
      assert.deepEqual(
        zips!.files.map((f) => [f.path, f.realPath]),
        // The path as the pattern spells it, with forward slashes on Windows too.
        [[rootedPattern(sources, `${alias}/1/a/staged.zip`), path.join(build, 'a', 'staged.zip')]],
      );
      assert.deepEqual(zips!.refused, []);
    } finally {
      fs.rmSync(alias);
    }
  });

  it('ignoring case, as on Windows, a search still starts where the pattern spells, not at the root', () => {
    const platform = sinon.stub(process, 'platform').value('win32');
    try {
      const [up, mixed, backslashed] = find('../a/*.zip', 'results/*/*.PNG', 'results\\deep\\*.png');
      assert.deepEqual(
        up!.files.map((f) => f.realPath),
        [path.join(build, 'a', 'staged.zip')],
      );
      assert.deepEqual(
        mixed!.files.map((f) => f.realPath),
        [path.join(sources, 'results', 'deep', 'b.png')],
      );
      // Backslashes separate folders on Windows, in the pattern as in paths.
      assert.deepEqual(
        backslashed!.files.map((f) => f.realPath),
        [path.join(sources, 'results', 'deep', 'b.png')],
      );
    } finally {
      platform.restore();
    }
  });

  it('on Windows, a search that starts at a drive starts at its root, not in the drive’s current folder', () => {
    // `D:` alone names the current folder of drive D (where the agent starts the task: the sources), so a walk
    // from it would name what it finds `D:/<name>` for files that are in `D:\a\1\s\<name>`.
    const platform = sinon.stub(process, 'platform').value('win32');
    try {
      const start = (pattern: string) => searchRoot(new Minimatch(pattern, { nocase: true }));
      // An absolute pattern, with forward slashes as rootedPattern gives it on Windows.
      assert.deepEqual(start('D:/**/*.trx'), { start: 'D:/', exact: false });
      assert.deepEqual(start('d:/*/1/s/*.log'), { start: 'd:/', exact: false });
      // The sources of an agent whose folder's name holds a glob character, literal in the pattern.
      assert.deepEqual(start(rootedPattern('C:\\agent (2)\\_work\\1\\s', 'results\\*.png')), {
        start: 'C:/',
        exact: false,
      });
      assert.deepEqual(start(rootedPattern('D:\\a\\1\\s', 'results\\*.png')), {
        start: 'D:/a/1/s/results',
        exact: false,
      });
      assert.deepEqual(start('D:/x.log'), { start: 'D:/x.log', exact: true });
      // A folder whose name ends in a colon (elsewhere than on Windows) is no drive.
      assert.deepEqual(start('/work/1/s/x:/*.log'), { start: '/work/1/s/x:', exact: false });
    } finally {
      platform.restore();
    }
  });

  it('a path that starts with two slashes (a UNC path on Windows) keeps them, and is searched below', () => {
    const [zips, pngs] = find(`/${build}/a/*.zip`, `/${sources}/results/**/b.png`);
    assert.deepEqual(
      zips!.files.map((f) => f.path),
      [`/${build}/a/staged.zip`],
    );
    assert.deepEqual(
      pngs!.files.map((f) => f.path),
      [`/${sources}/results/deep/b.png`],
    );
  });

  it('a pattern that cannot be read fails alone; the lines after it are still searched', () => {
    const [tooLong, pngs] = find(`results/${'x'.repeat(70 * 1024)}`, 'results/a.png');
    assert.match(tooLong!.failed ?? '', /too long/);
    assert.deepEqual([tooLong!.files, tooLong!.refused], [[], []]);
    assert.deepEqual(names(pngs!), ['results/a.png']);
  });

  it('a FIFO, a socket or a device is refused without being opened', async function () {
    if (process.platform === 'win32') {
      // No FIFOs on Windows: a folder is the non-file that matches there, and it is neither attached nor refused.
      fs.mkdirSync(path.join(sources, 'pipes', 'fifo'), { recursive: true });
      const [found] = find('pipes/*');
      assert.deepEqual([found!.files, found!.refused], [[], []]);
      return;
    }
    fs.mkdirSync(path.join(sources, 'pipes'), { recursive: true });
    execFileSync('mkfifo', [path.join(sources, 'pipes', 'fifo')]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(sources, 'pipes', 'agent.sock'), resolve));
    try {
      const [found] = find('pipes/*');
      assert.deepEqual(found!.files, []);
      assert.deepEqual(found!.refused.map((r) => [path.basename(r.path), r.reason]).sort(), [
        ['agent.sock', 'special'],
        ['fifo', 'special'],
      ]);
      // A device inside the job's directories (here /dev stands for them): reading /dev/zero never ends.
      const devices = findJobFiles(['/dev/zero', '/dev/null'], sources, ['/dev']);
      assert.deepEqual(
        devices.map((found) => [found.files, found.refused]),
        [
          [[], [{ path: '/dev/zero', reason: 'special' }]],
          [[], [{ path: '/dev/null', reason: 'special' }]],
        ],
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an unreadable folder is refused and the search goes on', function () {
    if (process.platform === 'win32' || process.getuid?.() === 0) {
      // Permissions do not stop this user from reading: the folder's file is found like any other.
      write(path.join(sources, 'locked', 'in.txt'));
      assert.deepEqual(names(find('locked/*.txt')[0]!), ['locked/in.txt']);
      return;
    }
    write(path.join(sources, 'locked', 'in.txt'));
    fs.chmodSync(path.join(sources, 'locked'), 0);
    try {
      const [found, beside] = find('locked/*.txt', 'results/*.png');
      assert.deepEqual(
        found!.refused.map((r) => r.reason),
        ['unreadable'],
      );
      // A folder no pattern leads into is not read, so it is no refusal of that pattern.
      assert.ok(!beside!.refused.some((r) => r.reason === 'unreadable'), JSON.stringify(beside!.refused));
    } finally {
      fs.chmodSync(path.join(sources, 'locked'), 0o755);
    }
  });

  it('opens a file by its real path, streams it, and fails once it is longer than the limit', async () => {
    fs.writeFileSync(path.join(sources, 'results', 'notes.txt'), 'hello world');
    const notes = find('results/notes.txt')[0]!.files[0]!;
    assert.equal(await text(openJobFile(notes, 11)), 'hello world');
    await assert.rejects(text(openJobFile(notes, 5)), /notes\.txt grew past 5 bytes/);
    // A link where the search found the file: not followed (Windows has no O_NOFOLLOW: it leads to another file).
    await assert.rejects(
      text(openJobFile({ ...notes, realPath: path.join(sources, 'results', 'link-in.png') }, 10)),
      /ELOOP|symbolic|no longer the file the search found/i,
    );
    await assert.rejects(
      text(openJobFile({ ...notes, realPath: path.join(sources, 'results') }, 10)),
      // Windows refuses to open a folder at all; elsewhere it opens, and is found to be no file.
      process.platform === 'win32' ? /EISDIR|EPERM|EACCES/ : /results is no longer a regular file/,
    );
  });

  it('a folder on the way swapped for a link (a junction on Windows) since the search: nothing is read through it', async () => {
    write(path.join(sources, 'swap', 'out', 'report.txt'), 'the report');
    write(path.join(outside, 'swap', 'report.txt'), 'outside');
    const report = find('swap/out/report.txt')[0]!.files[0]!;
    fs.renameSync(path.join(sources, 'swap', 'out'), path.join(sources, 'swap', 'before'));
    fs.symlinkSync(path.join(outside, 'swap'), path.join(sources, 'swap', 'out'), 'junction');
    await assert.rejects(
      text(openJobFile(report, 100)),
      /report\.txt is no longer the file the search found/,
    );
  });

  it('an exclusion leaves the refusals it does not match; !! is no exclusion', () => {
    const [pngs, twice] = find('results/*.png', '!**/link-*.png', '!!results/notes.txt');
    assert.deepEqual(
      pngs!.refused.map((r) => [path.basename(r.path), r.reason]),
      [['dangling.png', 'dangling']],
    );
    assert.equal(twice!.pattern, '!!results/notes.txt');
    assert.deepEqual(names(twice!), ['results/notes.txt']);
  });

  it('a folder that matches is neither attached nor refused; a path that is not there is no refusal', () => {
    const [all, exactFolder, missing, missingFolder] = find(
      'results/*',
      'results/deep',
      'results/none.png',
      'nothing/*.png',
    );
    assert.ok(!all!.refused.some((r) => r.reason === 'unreadable'), JSON.stringify(all!.refused));
    assert.ok(!all!.files.some((f) => f.path.endsWith('/deep')));
    assert.deepEqual([exactFolder!.files, exactFolder!.refused], [[], []]);
    assert.deepEqual([missing!.files, missing!.refused, missing!.failed], [[], [], undefined]);
    assert.deepEqual(
      [missingFolder!.files, missingFolder!.refused, missingFolder!.failed],
      [[], [], undefined],
    );
  });

  it('a link named exactly whose target is gone is refused as dangling, not taken for a missing file', () => {
    const [exact] = find('results/dangling.png');
    assert.deepEqual(exact!.files, []);
    assert.deepEqual(exact!.refused, [
      { path: rootedPattern(sources, 'results/dangling.png'), reason: 'dangling' },
    ]);
  });

  it('the files of a pattern come in path order, whatever order the folders are read in', () => {
    // The walk settles a folder's files before the folders beneath it, and those last seen first.
    for (const name of ['z.log', 'x/1.log', 'y/2.log', 'y/a/3.log', 'b.log'])
      write(path.join(sources, 'ordered', name));
    assert.deepEqual(names(find('ordered/**/*.log')[0]!), [
      'ordered/b.log',
      'ordered/x/1.log',
      'ordered/y/2.log',
      'ordered/y/a/3.log',
      'ordered/z.log',
    ]);
  });

  it('braces are literal and extended globs match, as in findMatch', () => {
    const [braces, extended] = find('results/{a,notes}.*', 'results/@(a|notes).*');
    assert.deepEqual(names(braces!), []);
    assert.deepEqual(names(extended!), ['results/a.png', 'results/notes.txt']);
  });

  it('glob characters in the default folder’s name are literal', () => {
    const odd = path.join(build, 'odd (1) [x]');
    write(path.join(odd, 'run.log'));
    assert.deepEqual(
      findJobFiles(['*.log'], odd, roots)[0]!.files.map((f) => f.realPath),
      [path.join(odd, 'run.log')],
    );
    assert.equal(rootedPattern('/work/1/s//', 'a.png'), '/work/1/s/a.png');
  });

  it('a search from outside the job’s directories is refused where it starts', () => {
    const [elsewhere] = find(`${outside}/*.png`);
    assert.deepEqual(elsewhere!.refused, [{ path: rootedPattern(sources, outside), reason: 'outside' }]);
    if (process.platform === 'linux') {
      const [proc] = find('/proc/self/*');
      assert.deepEqual(proc!.refused, [{ path: '/proc/self', reason: 'proc' }]);
      assert.deepEqual(proc!.files, []);
    }
  });

  it('with no directory named at all, the job has none', () => {
    assert.deepEqual(
      jobRoots(() => undefined),
      [],
    );
  });

  it('a folder that cannot be read is refused and the search goes on; one no pattern leads into is not read', () => {
    unreadable(path.join(sources, 'results', 'deep'), path.join(sources, 'ordered'), temp);
    const [deep, pngs, above] = find('results/deep/*.png', 'results/*/b.png', `${base}/*/1/a/*.zip`);
    assert.deepEqual(deep!.refused, [{ path: path.join(sources, 'results', 'deep'), reason: 'unreadable' }]);
    assert.deepEqual(pngs!.refused.map((r) => [path.relative(sources, r.path), r.reason]).sort(), [
      ['results/deep', 'unreadable'],
      ['results/out-folder', 'folderOutside'],
    ]);
    // The temp directory lies below where the search starts, but not on the pattern's way.
    assert.deepEqual(
      above!.files.map((f) => f.realPath),
      [path.join(build, 'a', 'staged.zip')],
    );
    assert.deepEqual(above!.refused, []);
  });

  it('a match that is gone once resolved is refused as unreadable, not as a FIFO, socket or device', () => {
    const lstat = nodeFs.lstatSync;
    const gone = path.join(sources, 'results', 'a.png');
    sinon.stub(nodeFs, 'lstatSync').callsFake(((p: fs.PathLike, options?: fs.StatSyncOptions) => {
      if (String(p) === gone) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return lstat(p, options);
    }) as typeof nodeFs.lstatSync);
    const [found] = find('results/a.png');
    assert.deepEqual([found!.files, found!.refused], [[], [{ path: gone, reason: 'unreadable' }]]);
  });

  it('a link matched by name to a folder outside is refused, as a folder inside is not', () => {
    const [link] = find('results/out-folder');
    assert.deepEqual(link!.refused, [
      { path: path.join(sources, 'results', 'out-folder'), reason: 'outside' },
    ]);
    assert.deepEqual(link!.files, []);
  });

  it('a search that starts at the root names what it finds from there', function () {
    if (process.platform === 'win32') this.skip();
    // The first folder a glob: the search starts at `/`.
    const pattern = `/*${base.slice(base.indexOf('/', 1))}/work/1/a/*.zip`;
    assert.deepEqual(
      find(pattern)[0]!.files.map((f) => f.realPath),
      [path.join(build, 'a', 'staged.zip')],
    );
    // The root itself one of the job's directories: the walk starts there.
    assert.deepEqual(
      findJobFiles([pattern], sources, ['/'])[0]!.files.map((f) => f.path),
      [path.join(base, 'work', '1', 'a', 'staged.zip')],
    );
  });

  it('off Windows, case counts, a backslash is no separator and `!` inside a line is a glob', function () {
    if (process.platform === 'win32') this.skip();
    const [upper, backslashed, extglob] = find('results/*.PNG', 'results\\deep\\*.png', 'results/*.!(png)');
    assert.deepEqual([upper!.files, backslashed!.files], [[], []]);
    // `!(png)` after `*.`: any ending but png (`.hidden.png` is `` then `.` then `hidden.png`).
    assert.deepEqual(names(extglob!), ['results/.hidden.png', 'results/notes.txt']);
  });

  it('a file is opened without following a link or waiting on a FIFO, and closed once given up', async function () {
    if (process.platform === 'win32') this.skip();
    fs.writeFileSync(path.join(sources, 'results', 'notes.txt'), 'hello world');
    const notes = find('results/notes.txt')[0]!.files[0]!;
    // A link to the very file the search found: opening it follows no link.
    const link = path.join(sources, 'results', 'link-notes.txt');
    fileLink(notes.realPath, link);
    // A FIFO the search examined: opening it would wait for a writer.
    const fifo = path.join(sources, 'results', 'fifo');
    execFileSync('mkfifo', [fifo]);
    const { dev, ino } = fs.statSync(fifo, { bigint: true });
    try {
      await assert.rejects(text(openJobFile({ ...notes, realPath: link }, 100)), /ELOOP/);
      await assert.rejects(
        text(openJobFile({ realPath: fifo, identity: `${dev}:${ino}` }, 100)),
        /fifo is no longer a regular file/,
      );
    } finally {
      fs.rmSync(link);
      fs.rmSync(fifo);
    }
    if (!fs.existsSync('/proc/self/fd')) return;
    // The process's open files, by what they lead to (Linux).
    const opened = (): string[] =>
      fs.readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          return [fs.readlinkSync(path.join('/proc/self/fd', fd))];
        } catch {
          return [];
        }
      });
    await assert.rejects(text(openJobFile(notes, 5)), /grew past 5 bytes/);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(!opened().includes(notes.realPath), 'notes.txt is still open');
  });

  it('a file whose number needs all 64 bits is the file the search found; a read that fails fails the stream', async () => {
    const notes = path.join(sources, 'results', 'notes.txt');
    // What Node gives for a file number past a double's precision (ReFS, some network file systems): exact in a
    // bigint stat, rounded in a plain one.
    const wide = <T extends fs.Stats | fs.BigIntStats>(stat: T): T =>
      Object.assign(stat, { ino: typeof stat.ino === 'bigint' ? 2n ** 60n + 1n : 2 ** 60 });
    const { lstatSync, fstatSync } = nodeFs;
    sinon.stub(nodeFs, 'lstatSync').callsFake(((p: fs.PathLike, options?: fs.StatSyncOptions) => {
      const stat = lstatSync(p, options);
      return String(p) === notes && stat ? wide(stat) : stat;
    }) as typeof nodeFs.lstatSync);
    sinon
      .stub(nodeFs, 'fstatSync')
      .callsFake(((fd: number, options?: fs.StatSyncOptions) =>
        wide(fstatSync(fd, options) as fs.Stats)) as typeof nodeFs.fstatSync);
    const found = find('results/notes.txt')[0]!.files[0]!;
    assert.equal(await text(openJobFile(found, 100)), fs.readFileSync(notes, 'utf8'));
    sinon.stub(nodeFs, 'read').callsFake(((...args: unknown[]) => {
      const done = args.at(-1) as (error: Error) => void;
      process.nextTick(done, Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    }) as typeof nodeFs.read);
    await assert.rejects(text(openJobFile(found, 100)), /EIO/);
  });

  it('a classic release’s directory is one of the job’s', () => {
    assert.deepEqual(
      jobRoots((name) => (name === 'Agent.ReleaseDirectory' ? temp : undefined)),
      [temp],
    );
  });
});
