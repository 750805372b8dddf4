import * as assert from 'node:assert/strict';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { detailsHtml } from '../../tasks/PipelineWorkItem/src/render/details';
import { RELEASE_VARIABLES, runContext, YAML_VARIABLES, step, withFailures } from './fixtures';

const RUN_ROW =
  '<tr><td><b>Run</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">20261129.3</a></td></tr>';
const COMMIT_ROW =
  '<tr><td><b>Commit</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_git/webapp/commit/4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39">4f2a9c1d</a></td></tr>';

describe('details at their edges', () => {
  it('summarises a YAML run in one table, leaving out what the run does not have', () => {
    assert.equal(
      detailsHtml(runView(runContext(), NO_FACTS, 'failed')),
      [
        '<h3>Pipeline run</h3>',
        '<table>',
        '<tr><td><b>Pipeline</b></td><td>WebApp-CI</td></tr>',
        RUN_ROW,
        '<tr><td><b>Status</b></td><td><b>Failed</b></td></tr>',
        '<tr><td><b>Branch</b></td><td>main</td></tr>',
        COMMIT_ROW,
        '<tr><td><b>Triggered by</b></td><td>Alex Kim</td></tr>',
        '<tr><td><b>Reason</b></td><td>Continuous integration</td></tr>',
        '</table>',
      ].join('\n'),
    );
  });

  it('shows the environment of a deployment job and no commit or requestor it does not have', () => {
    const context = runContext({
      ...YAML_VARIABLES,
      'Environment.Name': 'staging',
      'Build.SourceVersion': '',
      'Build.RequestedFor': '',
      'Build.RequestedForEmail': '',
      'Build.Reason': '',
    });
    assert.equal(
      detailsHtml(runView(context, NO_FACTS, 'succeededWithIssues')),
      [
        '<h3>Pipeline run</h3>',
        '<table>',
        '<tr><td><b>Pipeline</b></td><td>WebApp-CI</td></tr>',
        RUN_ROW,
        '<tr><td><b>Environment</b></td><td>staging</td></tr>',
        '<tr><td><b>Status</b></td><td><b>Succeeded with issues</b></td></tr>',
        '<tr><td><b>Branch</b></td><td>main</td></tr>',
        '</table>',
      ].join('\n'),
    );
  });

  it('summarises a release with its pipeline, environment and each artifact on a line', () => {
    const html = detailsHtml(
      runView(runContext(RELEASE_VARIABLES), { ...NO_FACTS, artifacts: ['_A 1', '_B <2>'] }, 'canceled'),
    );
    assert.equal(
      html,
      [
        '<h3>Pipeline run</h3>',
        '<table>',
        '<tr><td><b>Release pipeline</b></td><td>WebApp-CD</td></tr>',
        '<tr><td><b>Release</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57">Release-57</a></td></tr>',
        '<tr><td><b>Environment</b></td><td>Production</td></tr>',
        '<tr><td><b>Artifacts</b></td><td>_A 1<br>_B &lt;2&gt;</td></tr>',
        '<tr><td><b>Status</b></td><td><b>Canceled</b></td></tr>',
        '<tr><td><b>Branch</b></td><td>main</td></tr>',
        '<tr><td><b>Commit</b></td><td>4f2a9c1d</td></tr>',
        '<tr><td><b>Triggered by</b></td><td>Sam Rivera</td></tr>',
        '<tr><td><b>Release reason</b></td><td>Continuous integration</td></tr>',
        '</table>',
      ].join('\n'),
    );
  });

  describe('words the reason as the web UI does', () => {
    const reasons: [string, string][] = [
      ['Manual', 'Manual'],
      ['IndividualCI', 'Continuous integration'],
      ['BatchedCI', 'Continuous integration (batched)'],
      ['Schedule', 'Scheduled'],
      ['PullRequest', 'Pull request'],
      ['BuildCompletion', 'Build completion'],
      ['ResourceTrigger', 'Resource trigger'],
      ['ValidateShelveset', 'Gated check-in'],
      ['CheckInShelveset', 'Gated check-in'],
      ['UserCreated', 'UserCreated'],
    ];
    for (const [reason, words] of reasons) {
      it(`${reason}: ${words}`, () => {
        const html = detailsHtml(
          runView(runContext({ ...YAML_VARIABLES, 'Build.Reason': reason }), NO_FACTS, 'failed'),
        );
        assert.ok(html.includes(`<tr><td><b>Reason</b></td><td>${words}</td></tr>\n</table>`), html);
      });
    }
    const releaseReasons: [string, string][] = [
      ['ContinuousIntegration', 'Continuous integration'],
      ['Manual', 'Manual'],
      ['Schedule', 'Scheduled'],
      ['PullRequest', 'Pull request'],
      ['None', 'Not specified'],
    ];
    for (const [reason, words] of releaseReasons) {
      it(`a release's ${reason}: ${words}`, () => {
        const html = detailsHtml(
          runView(runContext({ ...RELEASE_VARIABLES, 'Release.Reason': reason }), NO_FACTS, 'failed'),
        );
        // Why the release was created: a redeploy's requester may have started this deployment.
        assert.match(html, new RegExp(`<tr><td><b>Release reason</b></td><td>${words}</td></tr>`));
      });
    }
  });

  it('lists each failed step with its errors and warnings, jobs and stages that failed without a step, and steps that let the run go on', () => {
    const facts = withFailures([
      step('npm test', { errors: ['a\nb'], warnings: ['w <1>'] }),
      step('', { stage: 'Deploy', job: 'Web' }),
      step('', { stage: '', job: '' }),
      step('eslint', { job: 'Lint' }),
      { ...step('', { stage: 'Prod', job: '' }), kind: 'stage' },
      { ...step('flaky e2e', { job: 'E2E' }), kind: 'withIssues' },
      { ...step('deploy', { job: 'Ship', errors: ['exit 1'] }), attempts: 3 },
      { ...step('', { job: 'E2E' }), kind: 'timedOut' },
    ]);
    const html = detailsHtml(runView(runContext(), facts, 'failed'));
    assert.ok(
      html.endsWith(
        [
          '</table>',
          '<h3>What failed</h3>',
          '<ul>',
          '<li><b>Build › Unit tests › npm test</b>',
          '<ul>',
          '<li>a<br>b</li>',
          '<li><i>Warning:</i> w &lt;1&gt;</li>',
          '</ul></li>',
          '<li><b>Deploy › Web</b> (the job failed)</li>',
          '<li><b>A job</b> (the job failed)</li>',
          '<li><b>Build › Lint › eslint</b></li>',
          '<li><b>Prod</b> (the stage failed)</li>',
          '<li><b>Build › E2E › flaky e2e</b> (failed, and the run went on: succeeded with issues)</li>',
          '<li><b>Build › Ship › deploy</b> (in each of its 3 attempts)',
          '<ul>',
          '<li>exit 1</li>',
          '</ul></li>',
          '<li><b>Build › E2E</b> (timed out)</li>',
          '</ul>',
        ].join('\n'),
      ),
      html,
    );
  });
});
