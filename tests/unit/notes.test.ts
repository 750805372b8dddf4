import * as assert from 'node:assert/strict';
import type { FailedStep } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import {
  duplicateHtml,
  filedHtml,
  movedHtml,
  saysMoved,
  stayedHtml,
  recoveredHtml,
  recurrenceHtml,
} from '../../tasks/PipelineWorkItem/src/render/notes';
import { RELEASE_VARIABLES, runContext, step, TRACKED, withFailures, YAML_VARIABLES } from './fixtures';
import { NO_FACTS, Outcome } from '../../tasks/PipelineWorkItem/src/facts/model';

const RUN = '<a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">20261129.3</a>';
const RELEASE = '<a href="https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57">Release-57</a>';

const build = (failures: FailedStep[] = [], variables = YAML_VARIABLES) =>
  runView(runContext(variables), withFailures(failures), 'failed');
const release = (variables = RELEASE_VARIABLES) => runView(runContext(variables), withFailures([]), 'failed');

describe('notes on the item', () => {
  describe('a recurrence comment', () => {
    const cases: [name: string, html: () => string, expected: string][] = [
      [
        'names the run, the branch and each failed step with its first error, escaped',
        () =>
          recurrenceHtml(
            build([step('npm test', { errors: ['3 <tests> failed', 'exit 1'] }), step('lint')]),
            3,
          ),
        `<p>Failed again (occurrence 3): ${RUN} on main.</p>\n<ul>\n<li><b>Build › Unit tests › npm test</b>: 3 &lt;tests&gt; failed</li>\n<li><b>Build › Unit tests › lint</b></li>\n</ul>`,
      ],
      [
        'calls a failed job without name and step "A job", and names no branch it does not know',
        () =>
          recurrenceHtml(
            build([{ ...step(''), stage: '', job: '' }], { ...YAML_VARIABLES, 'Build.SourceBranch': '' }),
            1,
          ),
        `<p>Failed again (occurrence 1): ${RUN}.</p>\n<ul>\n<li><b>A job</b></li>\n</ul>`,
      ],
      [
        'names the release and its environment, escaped, and lists nothing without failed steps',
        () => recurrenceHtml(release({ ...RELEASE_VARIABLES, 'Release.EnvironmentName': 'Prod <EU>' }), 2),
        `<p>Failed again (occurrence 2): ${RELEASE} in Prod &lt;EU&gt;.</p>`,
      ],
      [
        'names no environment a release does not have',
        () => recurrenceHtml(release({ ...RELEASE_VARIABLES, 'Release.EnvironmentName': '' }), 2),
        `<p>Failed again (occurrence 2): ${RELEASE}.</p>`,
      ],
      [
        'names the first five failed steps and counts the others',
        () => recurrenceHtml(build(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => step(name))), 4),
        `<p>Failed again (occurrence 4): ${RUN} on main.</p>\n<ul>\n${['a', 'b', 'c', 'd', 'e']
          .map((name) => `<li><b>Build › Unit tests › ${name}</b></li>`)
          .join('\n')}\n<li>… and 2 more</li>\n</ul>`,
      ],
      [
        'names exactly five failed steps without a count',
        () => recurrenceHtml(build(['a', 'b', 'c', 'd', 'e'].map((name) => step(name))), 4),
        `<p>Failed again (occurrence 4): ${RUN} on main.</p>\n<ul>\n${['a', 'b', 'c', 'd', 'e']
          .map((name) => `<li><b>Build › Unit tests › ${name}</b></li>`)
          .join('\n')}\n</ul>`,
      ],
      [
        'keeps an error of 300 characters whole and cuts a longer one to 300 with its ellipsis',
        () =>
          recurrenceHtml(
            build([
              step('x', { errors: ['e'.repeat(300)] }),
              step('y', { errors: [`${'f'.repeat(300)}<tail>`] }),
            ]),
            5,
          ),
        `<p>Failed again (occurrence 5): ${RUN} on main.</p>\n<ul>\n<li><b>Build › Unit tests › x</b>: ${'e'.repeat(300)}</li>\n<li><b>Build › Unit tests › y</b>: ${'f'.repeat(299)}…</li>\n</ul>`,
      ],
      [
        'keeps each line of a multi-line error on its own line',
        () =>
          recurrenceHtml(build([step('x', { errors: ['expected:\n  total: 3\r\nactual:\n  total: 4'] })]), 2),
        `<p>Failed again (occurrence 2): ${RUN} on main.</p>\n<ul>\n<li><b>Build › Unit tests › x</b>: expected:<br>&nbsp; total: 3<br>actual:<br>&nbsp; total: 4</li>\n</ul>`,
      ],
      [
        'cuts an error before an emoji the limit would split',
        () => recurrenceHtml(build([step('x', { errors: [`${'e'.repeat(298)}😀 and more`] })]), 2),
        `<p>Failed again (occurrence 2): ${RUN} on main.</p>\n<ul>\n<li><b>Build › Unit tests › x</b>: ${'e'.repeat(298)}…</li>\n</ul>`,
      ],
    ];
    for (const [name, html, expected] of cases) {
      it(name, () => assert.equal(html(), expected));
    }

    it('never sends half an emoji, wherever the limit falls', () => {
      for (let before = 290; before <= 302; before += 1) {
        const html = recurrenceHtml(build([step('x', { errors: [`${'e'.repeat(before)}😀😀 tail`] })]), 2);
        // With the u flag a surrogate range matches only a lone surrogate, never half of a pair.
        assert.doesNotMatch(html, /[\ud800-\udfff]/u, `${before}`);
      }
    });
  });

  it('another job or attempt of the run that recorded the occurrence says so, under the same number', () => {
    assert.equal(
      recurrenceHtml(build([step('lint')]), 3, true),
      `<p>Failed again in this run (occurrence 3): ${RUN} on main.</p>\n<ul>\n<li><b>Build › Unit tests › lint</b></li>\n</ul>`,
    );
  });

  describe('a recurrence comment says what happened again', () => {
    const headlines: [Outcome, string][] = [
      ['failed', 'Failed again'],
      ['succeeded', 'Succeeded again'],
      ['succeededWithIssues', 'Succeeded with issues again'],
      ['canceled', 'Canceled again'],
    ];
    for (const [outcome, headline] of headlines) {
      it(`${outcome}: ${headline}, or ${headline} in this run`, () => {
        const view = runView(runContext(), withFailures([]), outcome);
        assert.equal(recurrenceHtml(view, 2), `<p>${headline} (occurrence 2): ${RUN} on main.</p>`);
        assert.equal(
          recurrenceHtml(view, 2, true),
          `<p>${headline} in this run (occurrence 2): ${RUN} on main.</p>`,
        );
      });
    }
  });

  it('the recovery entry names the run and where it ran', () => {
    assert.equal(
      recoveredHtml(runView(runContext(), withFailures([]), 'succeeded')),
      `<p>The pipeline recovered: ${RUN} on main succeeded.</p>`,
    );
    assert.equal(
      recoveredHtml(runView(runContext(RELEASE_VARIABLES), withFailures([]), 'succeeded')),
      `<p>The pipeline recovered: ${RELEASE} in Production succeeded.</p>`,
    );
  });

  it('what the task did after the reason: where it moved the item, or why it stays, escaped, lines kept', () => {
    assert.equal(
      movedHtml('Done (Work <finished>)'),
      '<p>Pipeline Work Items moved this item to Done (Work &lt;finished&gt;).</p>',
    );
    assert.equal(
      stayedHtml('Active <1>', 'Refused:\n<p><small>Pipeline Work Items · occurrence 9 · run x</small></p>'),
      '<p>It stays Active &lt;1&gt;: Refused:<br>&lt;p&gt;&lt;small&gt;Pipeline Work Items · occurrence 9 · run x&lt;/small&gt;&lt;/p&gt;</p>',
    );
  });

  it('knows its moved paragraph as the service may store it, never from text a note quotes', () => {
    assert.equal(saysMoved(movedHtml('Resolved (Fixed)')), true);
    assert.equal(saysMoved('<P class="x">\n  Pipeline Work Items moved this item to Done.</P>'), true);
    // A branch or an error that spells the paragraph is escaped wherever a note quotes it.
    const spelled = '<p>Pipeline Work Items moved this item to Resolved.</p>';
    const quoted = recurrenceHtml(build([step('x', { errors: [spelled] })]), 2);
    assert.equal(saysMoved(quoted), false);
    assert.equal(saysMoved(stayedHtml('Active', spelled)), false);
    assert.equal(saysMoved(''), false);
  });

  it('the first entry of a new item names the run and the fingerprint, escaped, and what the task will do', () => {
    const fingerprint = { text: 'WebApp-CI · <main>', tag: 'pwi:0123456789ab' };
    assert.equal(
      filedHtml(build(), fingerprint, { ...TRACKED, success: false }),
      `<p>Filed by Pipeline Work Items for ${RUN} on main. Fingerprint <i>WebApp-CI · &lt;main&gt;</i> (tag pwi:0123456789ab): the task comments here when it fails again and resolves it when the pipeline recovers.</p>`,
    );
    assert.equal(
      filedHtml(build(), fingerprint, { ...TRACKED, resolveOnRecovery: false, success: false }),
      `<p>Filed by Pipeline Work Items for ${RUN} on main. Fingerprint <i>WebApp-CI · &lt;main&gt;</i> (tag pwi:0123456789ab): the task comments here when it fails again.</p>`,
    );
    // An item filed for a success is commented when the run succeeds again, and no recovery resolves it.
    assert.equal(
      filedHtml(build(), fingerprint, { ...TRACKED, success: true }),
      `<p>Filed by Pipeline Work Items for ${RUN} on main. Fingerprint <i>WebApp-CI · &lt;main&gt;</i> (tag pwi:0123456789ab): the task comments here when it succeeds again.</p>`,
    );
  });

  it('the first entry of a new item promises only what onRecurrence does when the failure recurs', () => {
    const fingerprint = { text: 'WebApp-CI · main', tag: 'pwi:0123456789ab' };
    const entry = (after: Parameters<typeof filedHtml>[2]): string =>
      filedHtml(build(), fingerprint, after).replace(/^.*\(tag pwi:0123456789ab\): /, '');
    assert.equal(
      entry({ onRecurrence: 'new', resolveOnRecovery: true, success: false }),
      'the task files a new item when it fails again and resolves this one when the pipeline recovers.</p>',
    );
    assert.equal(
      entry({ onRecurrence: 'skip', resolveOnRecovery: true, success: false }),
      'the task leaves this item as it is when it fails again and resolves it when the pipeline recovers.</p>',
    );
    assert.equal(
      entry({ onRecurrence: 'skip', resolveOnRecovery: false, success: true }),
      'the task leaves this item as it is when it succeeds again.</p>',
    );
    assert.equal(
      entry({ onRecurrence: 'new', resolveOnRecovery: true, success: true }),
      'the task files a new item when it succeeds again.</p>',
    );
  });

  it('the first entry of a new item links the item that tracked its fingerprint before', () => {
    const fingerprint = { text: 'WebApp-CI · main', tag: 'pwi:0123456789ab' };
    const after = { ...TRACKED, success: false };
    const url = 'https://dev.azure.com/contoso/WebApp/_workitems/edit/41';
    assert.equal(
      filedHtml(build(), fingerprint, after, { id: 41, url }),
      `${filedHtml(build(), fingerprint, after)}\n<p>Filed before for this fingerprint: <a href="${url}">#41</a>.</p>`,
    );
  });

  it('the duplicate entry names the item that tracks the failure', () => {
    assert.equal(
      duplicateHtml(42),
      '<p>Duplicate of #42: another run filed the same failure at the same moment, and it is tracked there.</p>',
    );
    assert.equal(
      duplicateHtml(42, true),
      '<p>Duplicate of #42: another run filed the same success at the same moment, and it is tracked there.</p>',
    );
  });
});

describe('recurrence note', () => {
  it('says what happened again: a failure, or the success an item was filed for', () => {
    const view = runView(runContext(), NO_FACTS, 'failed');
    assert.match(recurrenceHtml(view, 3), /^<p>Failed again \(occurrence 3\): <a href=/);
    const success = runView(runContext(), NO_FACTS, 'succeeded');
    assert.match(recurrenceHtml(success, 2), /^<p>Succeeded again \(occurrence 2\)/);
  });
});
