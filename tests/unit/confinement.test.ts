import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fc from 'fast-check';
import * as sinon from 'sinon';
import {
  confine,
  type Examined,
  isInside,
  type Refusal,
  samePath,
} from '../../tasks/PipelineWorkItem/src/evidence/confinement';

const ROOT = path.resolve('/agent/_work/1');
const TEMP = path.resolve('/agent/_work/_temp');
const ROOTS = [ROOT, TEMP];
const linux = process.platform === 'linux';

describe('confinement: what may be attached', () => {
  const cases: [string, Examined, Refusal | undefined][] = [
    [
      'a regular file in the build directory',
      { real: path.join(ROOT, 's', 'a.png'), kind: 'file' },
      undefined,
    ],
    ['a regular file in the temp directory', { real: path.join(TEMP, 'x.log'), kind: 'file' }, undefined],
    [
      'a file outside (a symlink target)',
      { real: path.resolve('/home/agent/.ssh/id_rsa'), kind: 'file' },
      'outside',
    ],
    ['a sibling sharing the prefix', { real: `${ROOT}0/a.png`, kind: 'file' }, 'outside'],
    ['a FIFO inside', { real: path.join(ROOT, 's', 'pipe'), kind: 'special' }, 'special'],
    ['a socket inside', { real: path.join(ROOT, 's', 'sock'), kind: 'special' }, 'special'],
    ['a device inside', { real: path.join(ROOT, 's', 'null'), kind: 'special' }, 'special'],
    ['a directory', { real: path.join(ROOT, 's'), kind: 'directory' }, 'unreadable'],
    ['something not examinable', { real: path.join(ROOT, 's', 'x'), kind: undefined }, 'unreadable'],
    ['a dangling link', { real: undefined, kind: undefined }, 'dangling'],
    ['a resolved path that cannot be read', { real: undefined, kind: 'file' }, 'unreadable'],
  ];
  for (const [name, entry, expected] of cases) {
    it(`${name}: ${expected ?? 'attached'}`, () => assert.equal(confine(entry, ROOTS), expected));
  }

  it('/proc is refused as a process file, even inside a job directory', () => {
    const procFile = confine({ real: '/proc/self/environ', kind: 'file' }, ['/proc', ...ROOTS]);
    assert.equal(procFile, linux || process.platform === 'darwin' ? 'proc' : undefined);
  });

  it('on Windows, whose file systems ignore case, a root spelled in another case holds the path', () => {
    const platform = sinon.stub(process, 'platform').value('win32');
    try {
      assert.ok(isInside(path.join(ROOT.toUpperCase(), 'S', 'A.png'), ROOT));
      assert.equal(samePath(ROOT.toUpperCase()), samePath(ROOT));
    } finally {
      platform.restore();
    }
    assert.ok(!isInside(path.join(ROOT.toUpperCase(), 's', 'a.png'), ROOT));
  });

  it('nothing is inside when there are no job directories', () => {
    assert.equal(confine({ real: path.join(ROOT, 'a'), kind: 'file' }, []), 'outside');
  });

  it('a path built below a root is inside it; with .. above it, or a longer name beside it, it is not', () => {
    const segment = fc.stringMatching(/^[a-z0-9._-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), segment, (below, beside) => {
        assert.ok(isInside(path.join(ROOT, ...below), ROOT));
        assert.ok(!isInside(path.join(ROOT, ...below, '..', '..', ...Array(below.length).fill('..')), ROOT));
        assert.ok(!isInside(path.join(`${ROOT}${beside}`, ...below), ROOT));
      }),
    );
  });
});
