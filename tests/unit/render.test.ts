import * as assert from 'node:assert/strict';
import { workItemBody } from '../../tasks/PipelineWorkItem/src/render/body';
import { detailsHtml } from '../../tasks/PipelineWorkItem/src/render/details';
import { descriptionHtml, escapeMarkdown } from '../../tasks/PipelineWorkItem/src/text/markdown';
import type { RunFacts } from '../../tasks/PipelineWorkItem/src/facts/model';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { parseTemplate, Template } from '../../tasks/PipelineWorkItem/src/text/templates';
import { fitTitle, workItemTitle } from '../../tasks/PipelineWorkItem/src/render/title';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { inputs, RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

const facts: RunFacts = {
  othersOutcome: 'failed',
  artifacts: [],
  failures: [
    {
      stage: 'Build',
      job: 'Unit tests',
      step: 'npm test',
      errors: ['Expected <div> to equal "a & b"'],
      warnings: [],
      log: { kind: 'build', logId: 7 },
    },
  ],
};

function template(source: string): Template {
  const parsed = parseTemplate('title', source);
  assert.ok(typeof parsed !== 'string', parsed as string);
  return parsed;
}

describe('title', () => {
  const context = runContext();
  const run = runView(context, facts, 'failed');

  it('names pipeline, branch and the first failed step by default', () => {
    assert.equal(workItemTitle(undefined, run), 'WebApp-CI failed on main: Build › Unit tests › npm test');
  });

  it('names release and environment in a release', () => {
    const release = runContext(RELEASE_VARIABLES);
    assert.equal(
      workItemTitle(undefined, runView(release, facts, 'failed')),
      'Release-57 failed in Production',
    );
    assert.equal(
      workItemTitle(undefined, runView(release, facts, 'succeeded')),
      'Release-57 succeeded in Production',
    );
  });

  it('says succeeded with the run for success events', () => {
    const green = runView(context, { ...facts, failures: [] }, 'succeeded');
    assert.equal(workItemTitle(undefined, green), 'WebApp-CI succeeded on main (20261129.3)');
  });

  it('fills a template and folds its white space', () => {
    const title = workItemTitle(template('[{{runName}}]  {{firstError}}\n'), run);
    assert.equal(title, '[20261129.3] Expected <div> to equal "a & b"');
  });

  it('cuts at 255 characters with an ellipsis, never splitting a character', () => {
    assert.equal(fitTitle('a'.repeat(255)), 'a'.repeat(255));
    const cut = fitTitle('a'.repeat(253) + '😀😀😀');
    assert.equal(cut, 'a'.repeat(253) + '…');
    assert.ok(cut.length <= 255);
    assert.equal(fitTitle('b'.repeat(400)).length, 255);
  });
});

describe('details and description', () => {
  const context = runContext({ ...YAML_VARIABLES, 'Build.DefinitionName': '<img src=x onerror=alert(1)>' });
  const run = runView(context, facts, 'failed');
  const values = run.values;

  it('summarises the run with links, every pipeline value escaped', () => {
    const html = detailsHtml(run);
    assert.ok(html.includes('<td><b>Pipeline</b></td><td>&lt;img src=x onerror=alert(1)&gt;</td>'), html);
    assert.ok(
      html.includes(
        '<a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">20261129.3</a>',
      ),
      html,
    );
    assert.ok(
      html.includes(
        '<a href="https://dev.azure.com/fabrikam/WebApp/_git/webapp/commit/4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39">4f2a9c1d</a>',
      ),
      html,
    );
    assert.ok(html.includes('<td><b>Triggered by</b></td><td>Alex Kim</td>'), html);
    assert.ok(html.includes('<td><b>Reason</b></td><td>Continuous integration</td>'), html);
    assert.ok(html.includes('<li>Expected &lt;div&gt; to equal &quot;a &amp; b&quot;</li>'), html);
    assert.ok(!html.includes('<img'), html);
  });

  it('shows release, environment and artifact versions in a release', () => {
    const release = runContext(RELEASE_VARIABLES);
    const html = detailsHtml(runView(release, { ...facts, artifacts: ['_WebApp-CI 20261129.3'] }, 'failed'));
    assert.ok(
      html.includes(
        '<td><b>Release</b></td><td><a href="https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57">Release-57</a></td>',
      ),
      html,
    );
    assert.ok(html.includes('<td><b>Environment</b></td><td>Production</td>'), html);
    assert.ok(html.includes('<td><b>Artifacts</b></td><td>_WebApp-CI 20261129.3</td>'), html);
  });

  it('renders the Markdown description but shows placeholder values as text', () => {
    const description = parseTemplate(
      'description',
      '**Broken** by {{requestedFor}}: {{firstError}} in [the run]({{runUrl}})',
    );
    assert.ok(typeof description !== 'string');
    const html = descriptionHtml(description, { ...values, requestedFor: '*Mallory* <script>x</script>' });
    assert.equal(
      html,
      '<p><strong>Broken</strong> by *Mallory* &lt;script&gt;x&lt;/script&gt;: Expected &lt;div&gt; to equal &quot;a &amp; b&quot; in <a href="https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812">the run</a></p>',
    );
  });

  it('keeps HTML the pipeline author wrote in the description', () => {
    const description = parseTemplate('description', '<b>Owner:</b> web team');
    assert.ok(typeof description !== 'string');
    assert.equal(descriptionHtml(description, values), '<p><b>Owner:</b> web team</p>');
  });

  it('escapes every Markdown-active character of a value', () => {
    assert.equal(escapeMarkdown('a_b*c[d](e)<f>`g`'), 'a\\_b\\*c\\[d\\]\\(e\\)\\<f\\>\\`g\\`');
  });

  it('puts the description above the details, and leaves the details out when asked', () => {
    const settings = readSettings(inputs({ description: 'Look here' }));
    const body = workItemBody(settings, run);
    assert.ok(body.startsWith('<p>Look here</p>\n<hr>\n<h3>Pipeline run</h3>'), body);
    const bare = workItemBody(
      readSettings(inputs({ description: 'Look here', includeDetails: 'false' })),
      run,
    );
    assert.equal(bare, '<p>Look here</p>');
  });

  it('stays under the field limit with a huge description', () => {
    const settings = readSettings(inputs({ description: 'x'.repeat(1_200_000) }));
    const body = workItemBody(settings, run);
    assert.ok(body.length < 1_000_000);
    assert.match(body, /cut to fit the work item field/);
  });
});
