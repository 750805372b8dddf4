import * as assert from 'node:assert/strict';
import { newestTaggedQuery, wiqlString } from '../../tasks/PipelineWorkItem/src/lifecycle/openItems';

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

describe('the newest item of a fingerprint', () => {
  it('asks for every item of the project with the tag, in any state and of any type, newest first', () => {
    assert.equal(
      newestTaggedQuery({ tag: 'pwi:0123456789ab' }),
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Tags] CONTAINS 'pwi:0123456789ab' ORDER BY [System.Id] DESC",
    );
  });

  it('keeps a quote in the tag inside its literal', () => {
    assert.match(newestTaggedQuery({ tag: "it's" }), /CONTAINS 'it''s' ORDER BY/);
  });

  it('a branch with capitals: also the tag 1.0.0 wrote, on an item without the lower-case branch’s scope tag', () => {
    const caseBlind = { tag: 'pwi:ba5eba11c0de', lowerCaseScopeTag: 'pwi:scope-lower' };
    assert.equal(
      newestTaggedQuery({ tag: 'pwi:0123456789ab', caseBlind }),
      'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND ' +
        "([System.Tags] CONTAINS 'pwi:0123456789ab' OR ([System.Tags] CONTAINS 'pwi:ba5eba11c0de' AND " +
        "[System.Tags] NOT CONTAINS 'pwi:scope-lower')) ORDER BY [System.Id] DESC",
    );
  });
});
