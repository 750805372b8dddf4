import * as assert from 'node:assert/strict';
import { wiqlString } from '../../tasks/PipelineWorkItem/src/lifecycle/openItems';

describe('WIQL string literals', () => {
  const cases: [name: string, value: string, expected: string][] = [
    ['quotes a plain value', 'WebApp-CI', "'WebApp-CI'"],
    ['quotes the empty string', '', "''"],
    ['doubles a single quote', "O'Brien", "'O''Brien'"],
    ['doubles every single quote, also at the ends', "'x''", "'''x'''''"],
    ['keeps double quotes, backslashes and line breaks as they are', 'a"b\\c\nd', "'a\"b\\c\nd'"],
    [
      'keeps an attempt to end the query as text',
      "x' OR [System.Id] > 0 OR 'a",
      "'x'' OR [System.Id] > 0 OR ''a'",
    ],
  ];
  for (const [name, value, expected] of cases) {
    it(name, () => assert.equal(wiqlString(value), expected));
  }
});
