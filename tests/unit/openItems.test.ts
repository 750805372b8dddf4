import * as assert from 'node:assert/strict';
import {
  newestTaggedQuery,
  openItemsQuery,
  OpenStatesOf,
  wiqlString,
} from '../../tasks/PipelineWorkItem/src/lifecycle/openItems';
import { openStates, WorkItemTypeInfo } from '../../tasks/PipelineWorkItem/src/workItem/workItemType';
import { SCRUM_BUG } from './fixtures';

// What the query needs of a type: its name and its own open states.
const searched = (type: WorkItemTypeInfo): OpenStatesOf => ({
  name: type.name,
  openStates: openStates(type),
});

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

describe('the open-items query', () => {
  it("asks for the type's own open states and the exact tag, oldest first", () => {
    const fingerprint = { text: "it's", tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' };
    assert.equal(
      openItemsQuery(fingerprint, searched(SCRUM_BUG)),
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND [System.Tags] CONTAINS 'pwi:0123456789ab' AND [System.State] IN ('New', 'Approved', 'Committed') ORDER BY [System.Id]",
    );
    assert.equal(
      openItemsQuery(fingerprint, searched({ ...SCRUM_BUG, name: "O'Brien" }))?.includes("'O''Brien'"),
      true,
    );
    assert.equal(openItemsQuery(fingerprint, searched({ ...SCRUM_BUG, states: [] })), undefined);
  });

  it("a branch with letters in upper case also asks for 1.0.0's tag, on items without the lower-case branch's scope", () => {
    const fingerprint = {
      text: 'x',
      tag: 'pwi:0123456789ab',
      scopeTag: 'pwi:scope-0123456789ab',
      caseBlind: { tag: 'pwi:ba9876543210', lowerCaseScopeTag: 'pwi:scope-ba9876543210' },
    };
    const blind =
      "([System.Tags] CONTAINS 'pwi:ba9876543210' AND [System.Tags] NOT CONTAINS 'pwi:scope-ba9876543210')";
    assert.equal(
      openItemsQuery(fingerprint, searched(SCRUM_BUG)),
      `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND ([System.Tags] CONTAINS 'pwi:0123456789ab' OR ${blind}) AND [System.State] IN ('New', 'Approved', 'Committed') ORDER BY [System.Id]`,
    );
    assert.equal(
      openItemsQuery(fingerprint, searched(SCRUM_BUG), 'recovery'),
      `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND ([System.Tags] CONTAINS 'pwi:0123456789ab' OR [System.Tags] CONTAINS 'pwi:scope-0123456789ab' OR ${blind}) AND [System.State] IN ('New', 'Approved', 'Committed') ORDER BY [System.Id]`,
    );
  });

  it("a recovery also asks for the scope's tag", () => {
    const fingerprint = { text: 'x', tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' };
    assert.equal(
      openItemsQuery(fingerprint, searched(SCRUM_BUG), 'recovery'),
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND ([System.Tags] CONTAINS 'pwi:0123456789ab' OR [System.Tags] CONTAINS 'pwi:scope-0123456789ab') AND [System.State] IN ('New', 'Approved', 'Committed') ORDER BY [System.Id]",
    );
  });
});
