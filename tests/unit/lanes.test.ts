import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import { FIELDS_LIMITS, parseFieldsInput } from '../../tasks/PipelineWorkItem/src/inputs/fieldsInput';
import { fingerprintOf } from '../../tasks/PipelineWorkItem/src/lifecycle/fingerprint';
import type { Boards } from '../../tasks/PipelineWorkItem/src/ports';
import { parseTemplate, Template, TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';
import { descriptionProblems } from '../../tasks/PipelineWorkItem/src/text/markdown';
import { optionalFields } from '../../tasks/PipelineWorkItem/src/workItem/draft';
import { patchOf } from '../../tasks/PipelineWorkItem/src/workItem/patch';
import type { BoardsWrites } from '../../tasks/PipelineWorkItem/src/act/acted';
import { createItem } from '../../tasks/PipelineWorkItem/src/act/writes';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { inputs, problemsOf, runContext, YAML_VARIABLES } from './fixtures';

function template(source: string): Template {
  const parsed = parseTemplate('fingerprint', source);
  if (typeof parsed === 'string') assert.fail(parsed);
  return parsed;
}

const PR_VARIABLES = {
  ...YAML_VARIABLES,
  'Build.Reason': 'PullRequest',
  'Build.SourceBranch': 'refs/pull/7/merge',
  'System.PullRequest.PullRequestId': '7',
};

describe('the pull-request lane', () => {
  describe('reads the pull request of a validation run', () => {
    const cases: [name: string, variables: Record<string, string>, expected: string | undefined][] = [
      ['its id', PR_VARIABLES, '7'],
      [
        'its number when there is no id (GitHub)',
        {
          ...PR_VARIABLES,
          'System.PullRequest.PullRequestId': '',
          'System.PullRequest.PullRequestNumber': '12',
        },
        '12',
      ],
      [
        'the number in refs/pull/<n>/merge when neither is set',
        {
          ...PR_VARIABLES,
          'System.PullRequest.PullRequestId': '',
          'Build.SourceBranch': 'refs/pull/31/merge',
        },
        '31',
      ],
      ['the id before the number', { ...PR_VARIABLES, 'System.PullRequest.PullRequestNumber': '12' }, '7'],
      [
        'a number, never other text the variable holds',
        {
          ...PR_VARIABLES,
          'System.PullRequest.PullRequestId': '7 OR 1=1',
          'Build.SourceBranch': 'refs/pull/8/merge',
        },
        '8',
      ],
      [
        'the source branch when nothing names a number',
        { ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '', 'Build.SourceBranch': 'refs/heads/topic' },
        'refs/heads/topic',
      ],
      ['nothing for a run that is not a pull request', YAML_VARIABLES, undefined],
      [
        'nothing for a CI run of a pull-request branch',
        {
          ...YAML_VARIABLES,
          'Build.SourceBranch': 'refs/pull/7/merge',
          'System.PullRequest.PullRequestId': '7',
        },
        undefined,
      ],
    ];
    for (const [name, variables, expected] of cases) {
      it(name, () => assert.equal(runContext(variables).pullRequest, expected));
    }
  });

  const values = { pipeline: 'WebApp-CI', branch: 'main', failedStep: 'Build › npm test' } as TemplateValues;
  const main = runContext();
  const pullRequest = runContext(PR_VARIABLES);

  it('keeps the 1.0.0 tag of a run that is not a pull request, whatever the template', () => {
    assert.equal(fingerprintOf(undefined, values, main).tag, 'pwi:9d3027273b35');
    const branchless = fingerprintOf(template('{{pipeline}}'), values, main);
    assert.deepEqual(
      { text: branchless.text, tag: branchless.tag },
      { text: 'WebApp-CI', tag: 'pwi:f5a322737d98' },
    );
  });

  it("puts a pull request's id into its fingerprint, whatever the template, in a tag of its own form", () => {
    const branchless = fingerprintOf(template('{{pipeline}}'), values, pullRequest);
    assert.equal(branchless.text, 'WebApp-CI · pull request 7');
    assert.match(branchless.tag, /^pwi:pr-[0-9a-f]{12}$/);
    assert.notEqual(branchless.tag, fingerprintOf(template('{{pipeline}}'), values, main).tag);
    const other = runContext({ ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '8' });
    assert.notEqual(fingerprintOf(template('{{pipeline}}'), values, other).tag, branchless.tag);
  });

  it("never takes a run's fingerprint text as a pull request's, nor the reverse", () => {
    // A branch that spells what the pull request's text says still hashes in the other domain.
    const spelled = fingerprintOf(template('WebApp-CI · pull request 7'), values, main);
    const pr = fingerprintOf(template('{{pipeline}}'), values, pullRequest);
    assert.equal(spelled.text, pr.text);
    assert.notEqual(spelled.tag, pr.tag);
  });

  describe('scope tags', () => {
    const scope = (variables: Record<string, string>, source?: string): string =>
      fingerprintOf(source ? template(source) : undefined, values, runContext(variables)).scopeTag;

    it('are one per pipeline, branch, environment and lane, whatever the template', () => {
      const base = scope(YAML_VARIABLES);
      assert.match(base, /^pwi:scope-[0-9a-f]{12}$/);
      assert.equal(scope(YAML_VARIABLES, '{{pipeline}} {{failedStep}}'), base);
      assert.equal(
        scope({ ...YAML_VARIABLES, 'Build.DefinitionName': 'webapp-ci ' }),
        base,
        'case and spacing',
      );
      const others = [
        scope({ ...YAML_VARIABLES, 'Build.DefinitionName': 'Other' }),
        scope({ ...YAML_VARIABLES, 'Build.SourceBranch': 'refs/heads/release/2.0' }),
        scope({ ...YAML_VARIABLES, 'Environment.Name': 'Production' }),
        scope({ ...YAML_VARIABLES, 'System.TeamProject': 'Mobile' }),
        scope(PR_VARIABLES),
        scope({ ...PR_VARIABLES, 'System.PullRequest.PullRequestId': '8' }),
      ];
      assert.equal(new Set([base, ...others]).size, others.length + 1);
    });

    it('cannot be spelled by moving text between the parts', () => {
      const a = scope({
        ...YAML_VARIABLES,
        'Build.DefinitionName': 'a b',
        'Build.SourceBranch': 'refs/heads/c',
      });
      const b = scope({
        ...YAML_VARIABLES,
        'Build.DefinitionName': 'a',
        'Build.SourceBranch': 'refs/heads/b c',
      });
      assert.notEqual(a, b);
    });
  });
});

describe('fields input guards', () => {
  const lifecycle: [field: string, problem: string][] = [
    [
      'System.History',
      "Input 'fields' cannot set System.History: the task sets it. Its first discussion entry records the run, which recurrences and retries read; put your text in 'description'.",
    ],
    [
      'system.state',
      "Input 'fields' cannot set System.State: the task sets it. A new item starts in its type's first state; the task resolves it on recovery ('resolveOnRecovery').",
    ],
    [
      'SYSTEM.REASON',
      "Input 'fields' cannot set System.Reason: the task sets it. A new item starts in its type's first state; the task resolves it on recovery ('resolveOnRecovery').",
    ],
    ['System.Id', "Input 'fields' cannot set System.Id: Azure Boards sets it."],
    ['System.rev', "Input 'fields' cannot set System.Rev: Azure Boards sets it."],
    [
      'system.workitemtype',
      "Input 'fields' cannot set System.WorkItemType: use the 'workItemType' input instead.",
    ],
  ];
  for (const [field, problem] of lifecycle) {
    it(`${field} is a settings error naming what to use instead, in lines and in JSON`, () => {
      assert.deepEqual(problemsOf({ fields: `${field}=x` }), [problem]);
      assert.deepEqual(problemsOf({ fields: JSON.stringify({ 'Custom.Team': 'Web', [field]: 'x' }) }), [
        problem,
      ]);
    });
  }

  it('System.Tags is allowed: its tags join the task’s', () => {
    assert.deepEqual(
      readSettings(inputs({ fields: 'System.Tags=team-web' })).fields.map((f) => f.reference),
      ['System.Tags'],
    );
  });

  describe('limits, each a settings error naming the input and the limit', () => {
    const deep = (depth: number): string => `{"Custom.A": ${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const cases: [name: string, text: string, problem: string][] = [
      [
        'JSON nested 20,000 deep',
        deep(20_000),
        "Input 'fields' nests JSON 20000 levels deep; it may nest at most 10 (one object of reference names to values).",
      ],
      [
        'JSON nested one level too deep',
        deep(11),
        "Input 'fields' nests JSON 11 levels deep; it may nest at most 10 (one object of reference names to values).",
      ],
      [
        'more characters than the limit',
        `Custom.A=${'x'.repeat(FIELDS_LIMITS.characters)}`,
        "Input 'fields' has 100009 characters; it may have at most 100000.",
      ],
      [
        '101 lines',
        Array.from({ length: 101 }, (_, i) => `Custom.F${i}=x`).join('\n'),
        "Input 'fields' sets 101 fields; it may set at most 100.",
      ],
      [
        '4,000 JSON entries',
        JSON.stringify(Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`Custom.F${i}`, 'x']))),
        "Input 'fields' sets 4000 fields; it may set at most 100.",
      ],
    ];
    for (const [name, text, problem] of cases) {
      it(name, () => assert.deepEqual(parseFieldsInput(text).problems, [problem]));
    }

    it('takes 100 entries, brackets inside strings, and nesting up to the limit (then the value is wrong)', () => {
      const hundred = Array.from({ length: 100 }, (_, i) => `Custom.F${i}=x`).join('\n');
      assert.equal(parseFieldsInput(hundred).fields.length, 100);
      assert.deepEqual(parseFieldsInput('{"Custom.A": "[[[[[[[[[[[[{{{{{{{{{{\\"\\\\"}').problems, []);
      assert.deepEqual(parseFieldsInput(deep(10)).problems, [
        "Input 'fields': the value of Custom.A must be a string, number or boolean, not [[[[[[[[[]]]]]]]]].",
      ]);
    });
  });
});

describe('description placeholders in attributes', () => {
  const problems = (source: string): string[] => {
    const parsed = parseTemplate('description', source);
    if (typeof parsed === 'string') assert.fail(parsed);
    return descriptionProblems(parsed);
  };
  const where =
    'Placeholders may stand in text and in href or src values only (not those of script, style, iframe, frame, embed, object, base, link or meta).';

  const allowed: [name: string, source: string][] = [
    ['text', 'Failed on {{branch}}: **{{firstError}}** `{{commit}}`'],
    ['a Markdown link and image', '[run]({{runUrl}}) ![chart]({{runUrl}})'],
    ['an autolink', '<{{runUrl}}>'],
    [
      'href and src of the author’s HTML, in any case and quoting',
      '<a HREF="{{runUrl}}">x</a> <img src={{runUrl}}>',
    ],
    ['text of an element with attributes', '<p style="color: red">{{firstError}}</p>'],
    ['text after a closed style element', '<style>p{}</style>\n\n{{branch}}'],
  ];
  for (const [name, source] of allowed) {
    it(`allows ${name}`, () => assert.deepEqual(problems(source), []));
  }

  const refused: [name: string, source: string, expected: string[]][] = [
    [
      'style',
      '<p style="color: {{branch}}">x</p>',
      [`Input 'description': the placeholder {{branch}} stands in the attribute 'style' of <p>. ${where}`],
    ],
    [
      'srcdoc',
      "<iframe srcdoc='{{firstError}}'></iframe>",
      [
        `Input 'description': the placeholder {{firstError}} stands in the attribute 'srcdoc' of <iframe>. ${where}`,
      ],
    ],
    [
      '<meta content>',
      '<meta http-equiv="refresh" content="0;url={{runUrl}}">',
      [
        `Input 'description': the placeholder {{runUrl}} stands in the attribute 'content' of <meta>. ${where}`,
      ],
    ],
    [
      'an event handler, unquoted',
      '<b onmouseover={{branch}}>x</b>',
      [
        `Input 'description': the placeholder {{branch}} stands in the attribute 'onmouseover' of <b>. ${where}`,
      ],
    ],
    [
      'a Markdown link title',
      '[run]({{runUrl}} "{{status}}")',
      [`Input 'description': the placeholder {{status}} stands in the attribute 'title' of <a>. ${where}`],
    ],
    [
      'srcset, a URL attribute that is neither href nor src',
      '<img src="{{runUrl}}" srcset="{{runUrl}} 2x">',
      [`Input 'description': the placeholder {{runUrl}} stands in the attribute 'srcset' of <img>. ${where}`],
    ],
    ...['script', 'iframe', 'embed', 'base', 'link'].map((element): [string, string, string[]] => [
      `the src or href of <${element}>, which loads code or moves every link`,
      `<${element} ${element === 'base' || element === 'link' ? 'href' : 'src'}="{{runUrl}}">`,
      [
        `Input 'description': the placeholder {{runUrl}} stands in the attribute '${element === 'base' || element === 'link' ? 'href' : 'src'}' of <${element}>. ${where}`,
      ],
    ]),
    [
      'an attribute name',
      '<b {{branch}}="x">y</b>',
      [
        `Input 'description': the placeholder {{branch}} stands inside the tag <b>, outside an attribute value. ${where}`,
      ],
    ],
    [
      'a tag name',
      '<b{{branch}}>y</b>',
      [
        `Input 'description': the placeholder {{branch}} stands inside the tag <b{{branch}}>, outside an attribute value. ${where}`,
      ],
    ],
    [
      'a style element',
      '<style>\np { color: {{branch}} }\n</style>',
      [`Input 'description': the placeholder {{branch}} stands inside a <style> element. ${where}`],
    ],
    [
      'each misplaced placeholder, in order',
      '<p title="{{job}}" style="{{stage}}">{{branch}}</p>',
      [
        `Input 'description': the placeholder {{job}} stands in the attribute 'title' of <p>. ${where}`,
        `Input 'description': the placeholder {{stage}} stands in the attribute 'style' of <p>. ${where}`,
      ],
    ],
  ];
  for (const [name, source, expected] of refused) {
    it(`refuses one in ${name}`, () => {
      assert.deepEqual(problems(source), expected);
    });
  }

  it('is a settings error while reading the inputs', () => {
    assert.deepEqual(problemsOf({ description: '<p style="{{branch}}">x</p>' }), [
      `Input 'description': the placeholder {{branch}} stands in the attribute 'style' of <p>. ${where}`,
    ]);
  });
});

describe('a create refused for its fields', () => {
  const type = { name: 'Bug', fields: ['System.Title', 'System.Tags', 'Custom.Known'], states: [] };

  function writerFor(createWorkItem: sinon.SinonStub): { writer: BoardsWrites; warnings: string[] } {
    const warnings: string[] = [];
    const boards = { createWorkItem, queryIds: sinon.stub().resolves([]) } as Partial<Boards> as Boards;
    const writer: BoardsWrites = {
      boards,
      project: 'WebApp',
      collectionUri: 'https://dev.azure.com/fabrikam/',
      type,
      runKey: 'build-812.1',
      log: { info: () => undefined, warning: (message) => warnings.push(message) },
    };
    return { writer, warnings };
  }

  function creation(fieldsInput: string) {
    return {
      fingerprint: { text: 'x', tag: 'pwi:0123456789ab', scopeTag: 'pwi:scope-0123456789ab' },
      view: undefined as never,
      settleRaces: false,
      known: [],
      optional: optionalFields(readSettings(inputs({ fields: fieldsInput }))),
    };
  }

  const unknown = (field: string): AdoError =>
    new AdoError(`Could not create the Bug: TF51535: Cannot find field ${field}.`, {
      status: 400,
      code: 'TF51535',
      refusedFields: [field],
    });

  it('drops every field the type does not have in one retry, with one warning naming them', async () => {
    const fields = Array.from({ length: 50 }, (_, i) => `Custom.F${i}`);
    const patch = patchOf([
      ['System.Title', 't'],
      ['Custom.Known', 'k'],
      ...fields.map((field) => [field, 'x'] as const),
    ]);
    const create = sinon.stub();
    create.onFirstCall().rejects(unknown('Custom.F0'));
    create.onSecondCall().resolves({ id: 5 });
    const { writer, warnings } = writerFor(create);
    const created = await createItem(
      writer,
      patch,
      creation([...fields, 'Custom.Known'].map((f) => `${f}=x`).join('\n')),
    );
    assert.deepEqual(created, { kind: 'created', id: 5 });
    sinon.assert.calledTwice(create);
    const retried = (create.secondCall.args[2] as { path: string }[]).map((op) => op.path);
    assert.deepEqual(retried, ['/fields/System.Title', '/fields/Custom.Known']);
    assert.deepEqual(warnings, [
      `Could not create the Bug: TF51535: Cannot find field Custom.F0. The item is filed without the fields work item type 'Bug' does not have: ${fields.join(', ')}.`,
    ]);
  });

  it('stops after 3 retries of refused values, reporting the refusal as it came', async () => {
    const names = ['Custom.A', 'Custom.B', 'Custom.C', 'Custom.D', 'Custom.E'];
    const patch = patchOf([['System.Title', 't'], ...names.map((field) => [field, 'x'] as const)]);
    const create = sinon.stub();
    const refusals = names.map(
      (field) =>
        new AdoError(`Could not create the Bug: TF401320 rule broken by ${field}`, {
          status: 400,
          code: 'TF401320',
          refusedFields: [field],
        }),
    );
    refusals.forEach((refusal, index) => create.onCall(index).rejects(refusal));
    const { writer, warnings } = writerFor(create);
    await assert.rejects(
      createItem(writer, patch, creation(names.map((f) => `${f}=x`).join('\n'))),
      (error) => error === refusals[3],
    );
    sinon.assert.callCount(create, 4);
    assert.equal(warnings.length, 3);
  });

  it('does not retry a refusal of a field the item cannot go without', async () => {
    const create = sinon.stub().rejects(unknown('System.Title'));
    const { writer, warnings } = writerFor(create);
    await assert.rejects(createItem(writer, patchOf([['System.Title', 't']]), creation('')));
    sinon.assert.calledOnce(create);
    assert.deepEqual(warnings, []);
  });
});
