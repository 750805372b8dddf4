import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fc from 'fast-check';
import {
  confine,
  type Examined,
  isInside,
  type Refusal,
} from '../../tasks/PipelineWorkItem/src/evidence/confinement';
import {
  fitting,
  initialLimit,
  learnedLimit,
  megabytes,
  SERVICES_ATTACHMENT_LIMIT,
  SINGLE_UPLOAD_LIMIT,
} from '../../tasks/PipelineWorkItem/src/evidence/limits';

const MB = 1024 * 1024;
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
    ['a FIFO inside', { real: path.join(ROOT, 's', 'pipe'), kind: 'fifo' }, 'special'],
    ['a socket inside', { real: path.join(ROOT, 's', 'sock'), kind: 'socket' }, 'special'],
    ['a device inside', { real: path.join(ROOT, 's', 'null'), kind: 'device' }, 'special'],
    ['a directory', { real: path.join(ROOT, 's'), kind: 'directory' }, 'unreadable'],
    ['something not examinable', { real: path.join(ROOT, 's', 'x'), kind: undefined }, 'unreadable'],
    ['a dangling link', { real: undefined, kind: undefined }, 'dangling'],
    ['a resolved path that cannot be read', { real: undefined, kind: 'other' }, 'unreadable'],
  ];
  for (const [name, entry, expected] of cases) {
    it(`${name}: ${expected ?? 'attached'}`, () => assert.equal(confine(entry, ROOTS), expected));
  }

  it('/proc is refused as a process file, even inside a job directory', () => {
    const procFile = confine({ real: '/proc/self/environ', kind: 'file' }, ['/proc', ...ROOTS]);
    assert.equal(procFile, linux || process.platform === 'darwin' ? 'proc' : undefined);
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

describe('attachment limits', () => {
  it('starts at 60 MB on Services and at what one upload takes (130 MB) on Server', () => {
    assert.equal(initialLimit('Hosted'), SERVICES_ATTACHMENT_LIMIT);
    assert.equal(initialLimit('hosted'), 60 * MB);
    assert.equal(initialLimit('OnPremises'), SINGLE_UPLOAD_LIMIT);
    assert.equal(initialLimit(undefined), 130 * MB);
  });

  const refusals: [string, number, string, number][] = [
    [
      'the size the refusal names',
      5 * MB,
      'TF237082: … exceeds the supported file upload size (4 MB(s)). …',
      4 * MB,
    ],
    ['with decimals', 61 * MB, 'TF237082: … upload size (60.000 MB(s)). …', 60 * MB],
    ['a size no smaller than the file: the file itself was too large', 5 * MB, '… (8 MB(s)) …', 5 * MB - 1],
    ['no size named', 7 * MB, 'TF237082: too large', 7 * MB - 1],
  ];
  for (const [name, size, message, expected] of refusals) {
    it(`learns the limit from a refusal: ${name}`, () => assert.equal(learnedLimit(size, message), expected));
  }

  const budgets: [string, number[], number][] = [
    ['all fit', [1, 2, 3], 3],
    ['at most 100 files', Array.from({ length: 3000 }, () => 1), 100],
    ['at most 250 MB: the first ones in order', [100 * MB, 100 * MB, 100 * MB, 1], 2],
    ['exactly 250 MB fits', [125 * MB, 125 * MB], 2],
    ['one byte more does not', [125 * MB, 125 * MB + 1], 1],
    ['nothing', [], 0],
  ];
  for (const [name, sizes, expected] of budgets) {
    it(`fits the item: ${name}`, () => assert.equal(fitting(sizes), expected));
  }

  it('shows sizes in whole megabytes, rounded up', () => {
    assert.deepEqual([0, 1, MB, MB + 1, 61 * MB].map(megabytes), [0, 1, 1, 2, 61]);
  });
});
