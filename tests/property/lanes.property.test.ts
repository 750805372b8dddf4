import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseFieldsInput } from '../../tasks/PipelineWorkItem/src/inputs/fieldsInput';
import { fingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import { descriptionProblems } from '../../tasks/PipelineWorkItem/src/text/markdown';
import { parseTemplate, TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';
import { readRunContext } from '../../tasks/PipelineWorkItem/src/facts/context';
import { NO_FACTS } from '../../tasks/PipelineWorkItem/src/facts/model';
import { runView } from '../../tasks/PipelineWorkItem/src/facts/values';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { workItemDraft } from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { YAML_VARIABLES } from '../helpers/variables';
import { hostileText } from './arbitraries';

const lane = fc.record({
  project: hostileText(12),
  pipeline: hostileText(12),
  branch: hostileText(12),
  environment: hostileText(8),
});
const pullRequestId = fc.oneof(fc.nat().map(String), hostileText(8));
const fingerprintTemplate = fc.option(
  fc.constantFrom('{{pipeline}}', '{{pipeline}} {{branch}}', '{{failedStep}}', 'fixed text', '{{branch}}'),
  { nil: undefined },
);
const values = fc.record({ pipeline: hostileText(12), branch: hostileText(12), failedStep: hostileText(12) });

function fingerprint(
  source: string | undefined,
  run: Record<string, string>,
  context: { project: string; pipeline: string; branch: string; environment: string; pullRequest?: string },
) {
  const lane = { hostType: 'build' as const, ...context };
  const parsed = source === undefined ? undefined : parseTemplate('fingerprint', source);
  if (typeof parsed === 'string') assert.fail(parsed);
  return fingerprintOf(parsed, run as TemplateValues, lane);
}

describe('the pull-request lane (properties)', () => {
  it('a pull request never has the fingerprint or scope tag of another run, nor of another pull request', () => {
    fc.assert(
      fc.property(
        fc.tuple(fingerprintTemplate, values, lane, pullRequestId),
        fc.tuple(fingerprintTemplate, values, lane),
        pullRequestId,
        ([prSource, prValues, prLane, id], [source, runValues, runLane], otherId) => {
          const pr = fingerprint(prSource, prValues, { ...prLane, pullRequest: id });
          const run = fingerprint(source, runValues, runLane);
          assert.notEqual(pr.tag, run.tag);
          assert.notEqual(pr.scopeTag, run.scopeTag);
          assert.match(pr.tag, /^pwi:pr-[0-9a-f]{12}$/);
          assert.match(run.tag, /^pwi:[0-9a-f]{12}$/);
          const normal = (text: string): string => text.replace(/\s+/g, ' ').trim().toLowerCase();
          if (normal(otherId) !== normal(id)) {
            const other = fingerprint(prSource, prValues, { ...prLane, pullRequest: otherId });
            assert.notEqual(other.tag, pr.tag);
            assert.notEqual(other.scopeTag, pr.scopeTag);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a run's scope tag does not depend on the fingerprint template or the failure", () => {
    fc.assert(
      fc.property(fingerprintTemplate, fingerprintTemplate, values, values, lane, (a, b, v, w, context) => {
        assert.equal(fingerprint(a, v, context).scopeTag, fingerprint(b, w, context).scopeTag);
      }),
    );
  });
});

describe('description placeholders (properties)', () => {
  const attribute = fc.oneof(
    fc.constantFrom(
      'href',
      'src',
      'HREF',
      'Src',
      'style',
      'srcdoc',
      'title',
      'content',
      'onclick',
      'srcset',
      'alt',
    ),
    fc.stringMatching(/^[a-z][a-z-]{0,10}$/),
  );
  const quote = fc.constantFrom('"', "'", '');
  const element = fc.constantFrom('a', 'img', 'p', 'span', 'meta', 'iframe', 'div');
  const around = fc.stringMatching(/^[a-z0-9:/. ;-]{0,8}$/);

  it('a placeholder in an attribute value is refused unless it is the href or src of an element loading no code', () => {
    fc.assert(
      fc.property(element, attribute, quote, around, around, (tag, name, q, before, after) => {
        const value = q ? `${before}{{branch}}${after}` : `${before}{{branch}}${after}`.replace(/ /g, '');
        const parsed = parseTemplate('description', `<${tag} ${name}=${q}${value}${q}>x</${tag}>`);
        if (typeof parsed === 'string') assert.fail(parsed);
        const problems = descriptionProblems(parsed);
        const loads = ['meta', 'iframe'].includes(tag);
        if (['href', 'src'].includes(name.toLowerCase()) && !loads) assert.deepEqual(problems, []);
        else {
          assert.equal(problems.length, 1, problems.join('\n'));
          assert.match(
            problems[0] ?? '',
            new RegExp(`\\{\\{branch\\}\\} stands in the attribute '${name}' of <${tag}>`),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fields input limits (properties)', () => {
  it('any nesting, however deep, is read without running out of stack; beyond 10 it is refused', () => {
    const brackets = fc.array(fc.constantFrom('[', '{', ']', '}', '"', '\\', ',', '1', ':'), {
      maxLength: 200,
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30_000 }), brackets, (depth, noise) => {
        const text = `{"Custom.A": ${'['.repeat(depth)}${noise.join('')}${']'.repeat(depth)}}`;
        const { problems } = parseFieldsInput(text);
        if (depth >= 10) assert.match(problems[0] ?? '', /Input 'fields' nests JSON \d+ levels deep/);
        for (const problem of problems) assert.match(problem, /Input 'fields'/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('@requestor (properties)', () => {
  const settings = readSettings((name) => (name === 'assignTo' ? '@requestor' : ''));
  const type = {
    name: 'Bug',
    fields: ['System.Title', 'System.Description', 'System.AssignedTo'],
    states: [],
  };
  const target = {
    type,
    collectionUri: 'https://dev.azure.com/fabrikam/',
    iterationPath: undefined,
    secrets: [],
  };
  const filing = { tags: [], history: '', attachments: [] };
  const email = fc.oneof(
    hostileText(30),
    fc.emailAddress(),
    fc.tuple(hostileText(10), fc.emailAddress()).map(([name, address]) => `${name} <${address}>`),
  );

  it('assigns exactly one plain unique name, never a display name, or nobody with a warning', () => {
    fc.assert(
      fc.property(hostileText(30), email, (displayName, uniqueName) => {
        const variables: Record<string, string> = {
          ...YAML_VARIABLES,
          'Build.RequestedFor': displayName,
          'Build.RequestedForEmail': uniqueName,
        };
        const context = readRunContext((name) => variables[name]);
        const { draft, warnings } = workItemDraft(
          settings,
          runView(context, NO_FACTS, 'failed'),
          target,
          filing,
        );
        const assigned = Object.fromEntries(draft.fields)['System.AssignedTo'];
        if (assigned === undefined) assert.equal(warnings.length, 1);
        else {
          assert.equal(assigned, uniqueName.trim());
          assert.doesNotMatch(String(assigned), /[<>\s,;]/);
          assert.deepEqual(warnings, []);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
