import * as assert from 'node:assert/strict';
import {
  fitting,
  initialLimit,
  learnedLimit,
  megabytes,
  SERVICES_ATTACHMENT_LIMIT,
  SINGLE_UPLOAD_LIMIT,
} from '../../tasks/PipelineWorkItem/src/evidence/limits';
import { MB } from './fixtures';

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
    ['written without spaces', 5 * MB, '… upload size (4MB(s)). …', 4 * MB],
    ['written with spaces', 5 * MB, '… upload size ( 4  MB(s) ). …', 4 * MB],
    ['a size of zero: the file itself was too large', 5 * MB, '… (0 MB(s)) …', 5 * MB - 1],
    ['the file’s own size: the file itself was too large', 4 * MB, '… (4 MB(s)) …', 4 * MB - 1],
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
