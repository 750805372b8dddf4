import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { FailedTest, RunRef, TestFailures } from '../../tasks/PipelineWorkItem/src/facts/model';
import { failingTestsHtml, utcDate } from '../../tasks/PipelineWorkItem/src/render/evidence';
import { hostileText, textAround } from './arbitraries';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// Every piece of text of the pipeline, hostile; web addresses sometimes.
const url = fc.oneof(textAround(fc.constantFrom('https://', 'javascript:', 'http://x/', '"')), hostileText());
const runRef: fc.Arbitrary<RunRef> = fc.record({
  kind: fc.constantFrom('build' as const, 'release' as const),
  id: fc.nat({ max: 5 }),
  name: hostileText(),
  url,
});
const since = fc.record({ run: runRef, date: fc.option(hostileText(), { nil: undefined }) });
const test: fc.Arbitrary<FailedTest> = fc
  .record({ name: hostileText(), message: hostileText(), stackTrace: hostileText(), since: fc.option(since) })
  .map(({ since: began, ...texts }) => ({
    runId: 1,
    resultId: 2,
    ...texts,
    ...(began ? { standing: 'failingSince' as const, since: began } : { standing: 'new' as const }),
  }));
const commit = fc.record({
  id: hostileText(),
  author: hostileText(),
  message: hostileText(),
  url: fc.option(url, { nil: undefined }),
});
const failures: fc.Arbitrary<TestFailures> = fc.record({
  total: fc.nat({ max: 3000 }),
  atLeast: fc.boolean(),
  tests: fc.array(test, { maxLength: 6 }),
  flaky: fc.array(
    test.map((flaky) => ({ ...flaky, standing: 'flaky' as const, flakyReason: 'flagged' as const })),
    { maxLength: 3 },
  ),
  suspects: fc.array(
    fc.record({ run: fc.option(runRef, { nil: undefined }), commits: fc.array(commit, { maxLength: 3 }) }),
    { maxLength: 3 },
  ),
  url,
});

// The markup the section writes itself; anything else that looks like markup came from the pipeline.
const OWN_MARKUP = /<\/?(?:h3|h4|p|ul|li|b|i|br)>|<a href="https?:\/\/[^"<>]*">|<\/a>/gi;

describe('the failing-tests section (properties)', () => {
  it('writes only its own markup, links only web addresses, whatever the pipeline holds', () => {
    fc.assert(
      fc.property(failures, fc.nat({ max: 25 }), (tests, limit) => {
        const html = failingTestsHtml(tests, limit);
        assert.doesNotMatch(html.replace(OWN_MARKUP, ''), /[<>]/);
      }),
      { numRuns: 300 },
    );
  });

  it('writes any date of years 1 to 9999 in UTC to the minute', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const shown = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
          assert.equal(utcDate(date.toISOString()), shown);
          // The same instant written in another time zone.
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
          const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
          if (/^\d{4}-/.test(local))
            assert.equal(utcDate(`${local}.${pad(date.getUTCMilliseconds(), 3)}${zone}`), shown);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives a date in its one form or none, for any text', () => {
    fc.assert(
      fc.property(hostileText(), (text) => {
        const shown = utcDate(text);
        if (shown !== '') assert.match(shown, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
      }),
      { numRuns: 500 },
    );
  });
});
