import * as assert from 'node:assert/strict';
import type { FailedTest, TestFailures } from '../../tasks/PipelineWorkItem/src/facts/model';
import { Report, reportLine, summaryMarkdown } from '../../tasks/PipelineWorkItem/src/render/summary';
import { redactor } from '../../tasks/PipelineWorkItem/src/text/redact';
import { buildRef, failedTest, failingTests } from './fixtures';

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
      'a skipped recurrence of a success',
      { kind: 'skipped', type: 'Task', id: 42, url: `${URL}42`, success: true },
      `This success is already tracked by [Task 42](${URL}42); onRecurrence is skip, so nothing was written.`,
      `Already tracked by Task 42 (onRecurrence skip): ${URL}42`,
    ],
    [
      'a recovery',
      {
        kind: 'resolved',
        type: 'Product Backlog Item',
        items: [
          { id: 42, url: `${URL}42`, outcome: 'resolved', state: 'Done', reason: 'Work finished' },
          { id: 44, url: `${URL}44`, outcome: 'resolved', state: 'Done' },
        ],
      },
      `The pipeline recovered: resolved [Product Backlog Item 42](${URL}42), [Product Backlog Item 44](${URL}44).`,
      'Resolved Product Backlog Item 42, Product Backlog Item 44: the pipeline recovered.',
    ],
    [
      'a recovery where each item settled its own way',
      {
        kind: 'resolved',
        type: 'Bug',
        items: [
          { id: 42, url: `${URL}42`, outcome: 'resolved', state: 'Resolved', reason: 'Fixed' },
          { id: 43, url: `${URL}43`, outcome: 'commented', why: 'Root Cause is required.' },
          { id: 47, url: `${URL}47`, outcome: 'noted', why: 'No transition.' },
          { id: 44, url: `${URL}44`, outcome: 'left', state: 'Closed' },
          { id: 45, url: `${URL}45`, outcome: 'left' },
          { id: 48, url: `${URL}48`, outcome: 'left', state: 'Active', reopened: true },
          { id: 46, url: `${URL}46`, outcome: 'failed', why: 'timed out' },
        ],
      },
      [
        `The pipeline recovered: resolved [Bug 42](${URL}42).`,
        `Could not resolve [Bug 43](${URL}43): Root Cause is required\\. The note is on it as a comment.`,
        `Could not resolve [Bug 47](${URL}47): No transition\\. An earlier run's recovery note is on it already; nothing was added.`,
        `[Bug 44](${URL}44) is no longer open (Closed): left as it is.`,
        `[Bug 45](${URL}45) is no longer open (deleted): left as it is.`,
        `[Bug 48](${URL}48) is open again (Active): a person reopened it after Pipeline Work Items moved it, so it is left as it is until a failure is noted on it.`,
        `Could not resolve [Bug 46](${URL}46): timed out`,
      ].join('\n\n'),
      'The pipeline recovered: resolved Bug 42; Bug 43 commented (Azure DevOps refused the state change); Bug 47 still open (Azure DevOps refuses the state change; already noted); Bug 44 left as Closed; Bug 45 left as deleted; Bug 48 left Active (reopened by a person); Bug 46 not resolved (timed out).',
    ],
    [
      'a recovery that resolved none of its items: no resolved line',
      {
        kind: 'resolved',
        type: 'Bug',
        items: [{ id: 44, url: `${URL}44`, outcome: 'left', state: 'Closed' }],
      },
      `[Bug 44](${URL}44) is no longer open (Closed): left as it is.`,
      'The pipeline recovered: Bug 44 left as Closed.',
    ],
    [
      'a race whose duplicate could not be closed',
      {
        kind: 'commented',
        type: 'Bug',
        id: 42,
        url: `${URL}42`,
        occurrence: 2,
        duplicate: 43,
        duplicateOpen: 'State is refused.',
      },
      `Another run filed the same failure at the same moment: commented on [Bug 42](${URL}42); Bug 43 filed by this run could not be closed as its duplicate: State is refused\\.`,
      `Commented on Bug 42 (filed at the same moment by another run; 43 could not be closed as its duplicate, see the warnings): ${URL}42`,
    ],
    [
      'a race with another run filing the same success',
      {
        kind: 'commented',
        type: 'Task',
        id: 42,
        url: `${URL}42`,
        occurrence: 2,
        duplicate: 43,
        success: true,
      },
      `Another run filed the same success at the same moment: commented on [Task 42](${URL}42) and closed Task 43 as its duplicate.`,
      `Commented on Task 42 (filed at the same moment by another run; 43 closed as its duplicate): ${URL}42`,
    ],
    [
      'a race with another run filing the same success, this run’s item left open',
      {
        kind: 'commented',
        type: 'Task',
        id: 42,
        url: `${URL}42`,
        occurrence: 2,
        duplicate: 43,
        duplicateOpen: 'State is refused.',
        success: true,
      },
      `Another run filed the same success at the same moment: commented on [Task 42](${URL}42); Task 43 filed by this run could not be closed as its duplicate: State is refused\\.`,
      `Commented on Task 42 (filed at the same moment by another run; 43 could not be closed as its duplicate, see the warnings): ${URL}42`,
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
      'a dry run the service accepted',
      { kind: 'dryRun', plan: 'create a Bug', title: 'CI', validation: { accepted: true } },
      'Dry run: would create a Bug: CI.\n\nAzure DevOps checked the create without saving it (validateOnly): it would be accepted.\n\nNothing was written; the request is in the task log.',
      'Dry run: would create a Bug.',
    ],
    [
      'a dry run the service accepted without an optional value',
      {
        kind: 'dryRun',
        plan: 'create a Bug',
        validation: { accepted: true, without: ['System.AssignedTo'], refusal: 'TF401320 on Assigned To' },
      },
      'Dry run: would create a Bug.\n\nAzure DevOps checked the create without saving it (validateOnly): it would be accepted without System\\.AssignedTo, which the run drops with a warning. It refused: TF401320 on Assigned To\n\nNothing was written; the request is in the task log.',
      'Dry run: would create a Bug.',
    ],
    [
      'a dry run the service accepted without two optional values, both named',
      {
        kind: 'dryRun',
        plan: 'create a Bug',
        validation: { accepted: true, without: ['System.AssignedTo', 'Link to item 7'], refusal: 'TF401320' },
      },
      'Dry run: would create a Bug.\n\nAzure DevOps checked the create without saving it (validateOnly): it would be accepted without System\\.AssignedTo\\, Link to item 7, which the run drops with a warning. It refused: TF401320\n\nNothing was written; the request is in the task log.',
      'Dry run: would create a Bug.',
    ],
    [
      'a dry run the service refused',
      {
        kind: 'dryRun',
        plan: 'create a Bug',
        validation: { accepted: false, refusal: 'TF401320: Rule *Error*.' },
      },
      'Dry run: would create a Bug.\n\nAzure DevOps checked the create without saving it (validateOnly) and would refuse it: TF401320\\: Rule \\*Error\\*\\.\n\nNothing was written; the request is in the task log.',
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
      'a run that failed only through flaky results',
      { kind: 'flakyOnly', count: 3 },
      'Only flaky test results failed this run (3): no item was filed for it.',
      'Only flaky test results failed this run (3): no item was filed for it.',
    ],
    [
      'an undetermined outcome',
      { kind: 'undetermined', message: 'The run_records could not be read.' },
      'The run\\_records could not be read\\.',
      'The run_records could not be read.',
    ],
    [
      'a recurrence another job of the run had recorded',
      { kind: 'commented', type: 'Bug', id: 7, url: 'https://x.example/7', occurrence: 3, sameRun: true },
      'Another job or attempt of this run had recorded this occurrence: commented on [Bug 7](https://x.example/7) under the same number (occurrence 3).',
      'Commented on Bug 7 (occurrence 3, recorded by another job or attempt of this run): https://x.example/7',
    ],
    [
      'a green run beside jobs still to finish, each named once escaped',
      { kind: 'unfinished', jobs: ['Build › Windows_x64'] },
      "Nothing resolved: other jobs of this run were still running (Build › Windows\\_x64), so the run's outcome is not known yet. To resolve on recovery, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
      "Nothing resolved: other jobs of this run were still running (Build › Windows_x64), so the run's outcome is not known yet. To resolve on recovery, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
    ],
    [
      'more than five jobs still to finish: the first five, and a count',
      { kind: 'unfinished', jobs: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
      "Nothing resolved: other jobs of this run were still running (a, b, c, d, e and 2 more), so the run's outcome is not known yet. To resolve on recovery, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
      "Nothing resolved: other jobs of this run were still running (a, b, c, d, e and 2 more), so the run's outcome is not known yet. To resolve on recovery, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
    ],
    [
      'exactly five jobs still to finish: all five named, no count',
      { kind: 'unfinished', jobs: ['a', 'b', 'c', 'd', 'e'] },
      "Nothing resolved: other jobs of this run were still running (a, b, c, d, e), so the run's outcome is not known yet. To resolve on recovery, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
      "Nothing resolved: other jobs of this run were still running (a, b, c, d, e), so the run's outcome is not known yet. To resolve on recovery, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
    ],
    [
      'a run that has not failed, filing for its outcome beside jobs still to finish',
      { kind: 'unfinished', jobs: ['Build › Linux'], filing: true },
      "Nothing filed: other jobs of this run were still running (Build › Linux), so the run's outcome is not known yet (one of them may still fail). To file for the run's outcome, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
      "Nothing filed: other jobs of this run were still running (Build › Linux), so the run's outcome is not known yet (one of them may still fail). To file for the run's outcome, run the task in a job that runs after all the others whatever their result: in YAML, a job or stage that depends on all the others, with condition always(); in a classic release, an agent job after them set to run even if a previous job has failed.",
    ],
    [
      'a rerun older than the newest run of its lane, the newer run named and linked',
      {
        kind: 'stale',
        number: '20261201.812_*',
        url: 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812',
        branch: 'main',
      },
      "Nothing filed, commented on or resolved: this is a rerun, and run [20261201\\.812\\_\\*](https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812) on main of the same pipeline was queued since; the newer run's outcome is the one that counts.",
      "Nothing filed, commented on or resolved: this is a rerun, and run 20261201.812_* on main of the same pipeline was queued since (https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812); the newer run's outcome is the one that counts.",
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

  describe('with failing tests', () => {
    const created: Report = { kind: 'created', type: 'Bug', id: 42, url: `${URL}42`, title: 'x' };
    const CREATED = `Created [Bug 42](${URL}42): x`;
    const since: FailedTest = {
      ...failedTest('s', ''),
      standing: 'failingSince',
      since: { run: buildRef(790, '20261201.4'), date: undefined },
    };
    const flaky: FailedTest = { ...failedTest('f', ''), standing: 'flaky', flakyReason: 'flagged' };
    const tests = (parts: Partial<TestFailures>): TestFailures => ({ ...failingTests(0), ...parts });

    const cases: [string, TestFailures, string | undefined][] = [
      [
        'new and failing since',
        tests({ total: 1234, tests: [failedTest('a', ''), failedTest('b', ''), since] }),
        'Failing tests: 1,234 (2 new in this run, 1 failing since an earlier run).',
      ],
      [
        'flaky results apart',
        tests({
          total: 3,
          tests: [failedTest('a', ''), since, since],
          flaky: [flaky, flaky],
          flakyFailed: 1,
        }),
        'Failing tests: 3 (1 new in this run, 2 failing since an earlier run); flaky results not counted: 2.',
      ],
      [
        'flaky results ignored, counted all the same',
        tests({ total: 0, flakyFailed: 3 }),
        'Failing tests: 0 (0 new in this run, 0 failing since an earlier run); flaky results not counted: 3.',
      ],
      ['no test failed', tests({}), undefined],
    ];
    for (const [name, failures, line] of cases) {
      it(`${name}: one line under what the task did`, () =>
        assert.equal(
          summaryMarkdown(created, ['w'], { failing: failures }),
          `${HEAD}${CREATED}\n\n${line === undefined ? '' : `${line}\n\n`}- ⚠ w\n`,
        ));
    }
  });
});

describe('what the task reports beyond the run’s item', () => {
  const created: Report = { kind: 'created', type: 'Bug', id: 42, url: `${URL}42`, title: 'CI failed' };
  const line = `Created [Bug 42](${URL}42): CI failed`;
  const none = { type: 'Bug', created: [], commented: [], resolved: [], overCap: 0, unread: 0, failed: 0 };

  it('the test items created, commented on and resolved, each linked with its test (escaped), and those over the cap', () => {
    const tests = {
      ...none,
      created: [
        { id: 50, url: `${URL}50`, name: 'Cart_Adds' },
        { id: 51, url: `${URL}51`, name: 'Pays *twice*' },
      ],
      commented: [{ id: 44, url: `${URL}44`, name: 'Search.Finds' }],
      resolved: [{ id: 40, url: `${URL}40` }],
      overCap: 3,
    };
    assert.equal(
      summaryMarkdown(created, [], { tests }),
      `${HEAD}${line}\n\n` +
        `Failing tests, each its own item: filed [Bug 50](${URL}50) (Cart\\_Adds), [Bug 51](${URL}51) (Pays \\*twice\\*).\n` +
        `Failing again, commented on: [Bug 44](${URL}44) (Search\\.Finds).\n` +
        `Passing again, resolved: [Bug 40](${URL}40).\n` +
        'Failing tests without an item of their own: 3 (a run files at most 20 new test items).\n',
    );
  });

  it('a test item’s name on one line of at most 1,000 characters', () => {
    const tests = {
      ...none,
      created: [{ id: 50, url: `${URL}50`, name: `Pays(${'x'.repeat(5_000)})\nmore` }],
    };
    const markdown = summaryMarkdown(created, [], { tests });
    assert.ok(markdown.includes(`(Pays\\(${'x'.repeat(994)}…)`), markdown.slice(0, 300));
    assert.doesNotMatch(markdown, /more/);
  });

  it('only what happened is said; test items that wrote nothing add no line', () => {
    assert.equal(
      summaryMarkdown(created, [], { tests: { ...none, overCap: 2 } }),
      `${HEAD}${line}\n\nFailing tests without an item of their own: 2 (a run files at most 20 new test items).\n`,
    );
    assert.match(
      summaryMarkdown(created, [], { tests: { ...none, overCap: 1 } }),
      /\nFailing tests without an item of their own: 1 \(a run files at most 20 new test items\)\.\n$/,
    );
    assert.equal(
      summaryMarkdown(created, [], { tests: { ...none, overCap: 980, unread: 234 } }),
      `${HEAD}${line}\n\nFailing tests without an item of their own: 980 (a run files at most 20 new test items).\n` +
        'Failed results past the first 1,000 read, whose tests get no item of their own this run: 234 (the Tests tab lists them).\n',
    );
    assert.equal(summaryMarkdown(created, [], { tests: { ...none, failed: 2 } }), `${HEAD}${line}\n`);
  });

  it('the flaky-tests item, created or commented on; nothing when this run added nothing there', () => {
    const flaky = { type: 'Task', id: 60, url: `${URL}60` };
    assert.equal(
      summaryMarkdown({ kind: 'flakyOnly', count: 1 }, [], { flaky: { ...flaky, action: 'created' } }),
      `${HEAD}Only flaky test results failed this run (1): no item was filed for it.\n\nFlaky test results noted on a new flaky-tests item: [Task 60](${URL}60).\n`,
    );
    assert.equal(
      summaryMarkdown(created, [], { flaky: { ...flaky, action: 'commented' } }),
      `${HEAD}${line}\n\nFlaky test results noted on the flaky-tests item [Task 60](${URL}60).\n`,
    );
    assert.equal(summaryMarkdown(created, [], { flaky: { ...flaky, action: 'none' } }), `${HEAD}${line}\n`);
  });

  it('the failures’ items resolved beside a success, or a dry run’s plan for them, each a paragraph of its own', () => {
    const recovered = {
      type: 'Bug',
      items: [{ id: 40, url: `${URL}40`, outcome: 'resolved' as const, state: 'Resolved' }],
    };
    assert.equal(
      summaryMarkdown(created, [], { recovered }),
      `${HEAD}${line}\n\nThe pipeline recovered: resolved [Bug 40](${URL}40).\n`,
    );
    assert.equal(
      summaryMarkdown({ kind: 'dryRun', plan: 'create a Bug' }, [], { recoveryPlan: 'resolve Bug 40' }),
      `${HEAD}Dry run: would create a Bug.\n\nDry run: would resolve Bug 40.\n\nNothing was written; the request is in the task log.\n`,
    );
  });

  it('the side lines come before the dry-run note and the warnings', () => {
    const flaky = { type: 'Bug', id: 60, url: `${URL}60`, action: 'commented' as const };
    const markdown = summaryMarkdown({ kind: 'dryRun', plan: 'create a Bug' }, ['careful'], { flaky });
    assert.ok(
      markdown.endsWith(
        `[Bug 60](${URL}60).\n\nNothing was written; the request is in the task log.\n\n- ⚠ careful\n`,
      ),
      markdown,
    );
  });
});

describe('the run summary’s masking', () => {
  it('masks each value before its Markdown escapes, which would split an encoded secret', () => {
    const secret = 'Sup3r-s3cret?deploy=key';
    const encoded = encodeURIComponent(secret);
    const markdown = summaryMarkdown(
      { kind: 'failed', message: `refused ${encoded}` },
      [`left out capture-${encoded}.png`],
      {},
      redactor([secret]),
    );
    assert.ok(!markdown.includes('s3cret'), markdown);
    assert.match(markdown, /capture\\-\\\*\\\*\\\*\\\.png/);
    // What decides the lines is never masked, even when a secret spells it.
    assert.match(summaryMarkdown({ kind: 'failed', message: 'x' }, [], {}, redactor(['failed'])), /x/);
  });
});
