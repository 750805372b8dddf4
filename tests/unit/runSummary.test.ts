import * as assert from 'node:assert/strict';
import { Report, reportLine, summaryMarkdown } from '../../tasks/PipelineWorkItem/src/render/summary';

const URL = 'https://dev.azure.com/fabrikam/WebApp/_workitems/edit/';
const HEAD = '### Pipeline Work Items\n\n';

describe('what the task reports', () => {
  // Each report: the run summary's Markdown line (pipeline text escaped) and the task result's message.
  const cases: [name: string, report: Report, summary: string, line: string][] = [
    [
      'a new item',
      {
        kind: 'created',
        type: 'Bug',
        id: 42,
        url: `${URL}42`,
        title: 'WebApp-CI failed on main: *npm test*',
      },
      `Created [Bug 42](${URL}42): WebApp\\-CI failed on main\\: \\*npm test\\*`,
      `Created Bug 42: ${URL}42`,
    ],
    [
      'a recurrence',
      { kind: 'commented', type: 'Bug', id: 42, url: `${URL}42`, occurrence: 3 },
      `The failure happened again: commented on [Bug 42](${URL}42) (occurrence 3).`,
      `Commented on Bug 42 (occurrence 3): ${URL}42`,
    ],
    [
      'a run already recorded',
      { kind: 'commented', type: 'Bug', id: 42, url: `${URL}42`, occurrence: undefined },
      `This run is already recorded on [Bug 42](${URL}42); nothing added.`,
      `This run is already recorded on Bug 42: ${URL}42`,
    ],
    [
      'a race with another run',
      { kind: 'commented', type: 'Bug', id: 42, url: `${URL}42`, occurrence: 2, duplicate: 43 },
      `Another run filed the same failure at the same moment: commented on [Bug 42](${URL}42) and closed Bug 43 as its duplicate.`,
      `Commented on Bug 42 (filed at the same moment by another run; 43 closed as its duplicate): ${URL}42`,
    ],
    [
      'a skipped recurrence',
      { kind: 'skipped', type: 'Bug', id: 42, url: `${URL}42` },
      `The failure is already tracked by [Bug 42](${URL}42); onRecurrence is skip, so nothing was written.`,
      `Already tracked by Bug 42 (onRecurrence skip): ${URL}42`,
    ],
    [
      'a recovery',
      {
        kind: 'resolved',
        type: 'Product Backlog Item',
        items: [
          { id: 42, url: `${URL}42` },
          { id: 44, url: `${URL}44` },
        ],
      },
      `The pipeline recovered: resolved [Product Backlog Item 42](${URL}42), [Product Backlog Item 44](${URL}44).`,
      'Resolved Product Backlog Item 42, Product Backlog Item 44: the pipeline recovered.',
    ],
    [
      'a recovery with nothing open',
      { kind: 'nothingOpen', fingerprint: 'WebApp-CI · main_x' },
      'The run succeeded and nothing is open for WebApp\\-CI · main\\_x.',
      'Nothing to resolve: no open item for WebApp-CI · main_x.',
    ],
    [
      'a dry run with a title',
      { kind: 'dryRun', plan: 'create a Bug', title: 'CI [failed]' },
      'Dry run: would create a Bug: CI \\[failed\\].\n\nNothing was written; the request is in the task log.',
      'Dry run: would create a Bug.',
    ],
    [
      'a dry run without a title',
      { kind: 'dryRun', plan: 'comment on Bug 42' },
      'Dry run: would comment on Bug 42.\n\nNothing was written; the request is in the task log.',
      'Dry run: would comment on Bug 42.',
    ],
    [
      'an outcome createOn does not name',
      { kind: 'notFiled', outcome: 'succeededWithIssues', createOn: 'failure' },
      "Nothing filed: the run's outcome is Succeeded with issues and createOn is failure.",
      "Nothing filed: the run's outcome is succeededWithIssues and createOn is failure.",
    ],
    [
      'a failed run with createOn success',
      { kind: 'notFiled', outcome: 'failed', createOn: 'success' },
      "Nothing filed: the run's outcome is Failed and createOn is success.",
      "Nothing filed: the run's outcome is failed and createOn is success.",
    ],
    [
      'a green run with createOn failureOrIssues',
      { kind: 'notFiled', outcome: 'succeeded', createOn: 'failureOrIssues' },
      "Nothing filed: the run's outcome is Succeeded and createOn is failureOrIssues.",
      "Nothing filed: the run's outcome is succeeded and createOn is failureOrIssues.",
    ],
    [
      'a canceled run',
      { kind: 'notFiled', outcome: 'canceled', createOn: 'always' },
      "Nothing filed: the run's outcome is Canceled and createOn is always.",
      "Nothing filed: the run's outcome is canceled and createOn is always.",
    ],
    [
      'a pull-request run',
      { kind: 'pullRequest' },
      'Nothing filed: this is a pull-request validation run (set includePullRequests to file for them).',
      'Nothing filed for a pull-request validation run (includePullRequests is false).',
    ],
    [
      'an undetermined outcome',
      { kind: 'undetermined', message: 'The run_records could not be read.' },
      'The run\\_records could not be read\\.',
      'The run_records could not be read.',
    ],
    [
      'a failure',
      { kind: 'failed', message: 'TF237111: no *permission*' },
      'Could not file a work item: TF237111\\: no \\*permission\\*',
      'TF237111: no *permission*',
    ],
  ];
  for (const [name, report, summary, line] of cases) {
    it(`${name}: the summary`, () => assert.equal(summaryMarkdown(report, []), `${HEAD}${summary}\n`));
    it(`${name}: the result message`, () => assert.equal(reportLine(report), line));
  }

  it('lists the warnings under the summary line, escaped', () => {
    assert.equal(
      summaryMarkdown({ kind: 'pullRequest' }, ['No log for step_1', 'second']),
      `${HEAD}Nothing filed: this is a pull-request validation run (set includePullRequests to file for them).\n\n- ⚠ No log for step\\_1\n- ⚠ second\n`,
    );
  });
});
