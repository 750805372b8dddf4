import * as assert from 'node:assert/strict';
import { parseFieldsInput, FIELDS_LIMITS } from '../../tasks/PipelineWorkItem/src/inputs/fieldsInput';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { inputs, problemsOf } from './fixtures';

describe('fields input at its edges', () => {
  const HINT =
    "Write one 'Reference.Name=value' per line (e.g. Microsoft.VSTS.Common.ValueArea=Business) or one JSON object";
  const sources = (text: string) => {
    const { fields, problems } = parseFieldsInput(text);
    assert.deepEqual(problems, []);
    return fields.map((field) => [field.reference, field.value.source]);
  };

  it('reads JSON after leading white space and line breaks', () => {
    assert.deepEqual(sources('\n  {"Custom.Team": "Web", "Custom.Count": 2}'), [
      ['Custom.Team', 'Web'],
      ['Custom.Count', '2'],
    ]);
  });

  it('accepts string, number and boolean JSON values, and trims the keys', () => {
    assert.deepEqual(sources('{" Custom.A ": "text", "Custom.B": 0, "Custom.C": false}'), [
      ['Custom.A', 'text'],
      ['Custom.B', '0'],
      ['Custom.C', 'false'],
    ]);
  });

  it('skips lines of white space and indented comments', () => {
    assert.deepEqual(sources('Custom.A=1\n   \n  # why: the team asked\n\tCustom.B=2'), [
      ['Custom.A', '1'],
      ['Custom.B', '2'],
    ]);
  });

  it('reads reference names with hyphens, which Azure DevOps allows (e.g. Fabrikam.Release-Train)', () => {
    assert.deepEqual(sources('Fabrikam.Release-Train=Q3\nCustom.Go-Live=2027'), [
      ['Fabrikam.Release-Train', 'Q3'],
      ['Custom.Go-Live', '2027'],
    ]);
    assert.deepEqual(sources('{"Fabrikam.Release-Train": "Q3"}'), [['Fabrikam.Release-Train', 'Q3']]);
  });

  it('refuses a name that only starts as a reference name', () => {
    const { fields, problems } = parseFieldsInput('Custom.Team Name=Web');
    assert.deepEqual(fields, []);
    assert.match(problems[0] ?? '', /'Custom\.Team Name' is not a field reference name/);
  });

  it('refuses a reference name with two hyphens in a row, which Azure DevOps does not allow', () => {
    const { fields, problems } = parseFieldsInput('Custom.Go--Live=2027');
    assert.deepEqual(fields, []);
    assert.match(problems[0] ?? '', /'Custom\.Go--Live' is not a field reference name/);
  });

  it('reads a line whose value holds = signs, trimming name and value', () => {
    assert.deepEqual(sources('  Custom.Query =  a=b  '), [['Custom.Query', 'a=b']]);
  });

  const problems: [name: string, text: string, expected: string][] = [
    [
      'a line that starts with =',
      'Custom.A=1\n=Web',
      `Input 'fields' line 2 ('=Web') has no 'Reference.Name='. ${HINT}.`,
    ],
    [
      'a line without =',
      'Custom.Team: Web',
      `Input 'fields' line 1 ('Custom.Team: Web') has no 'Reference.Name='. ${HINT}.`,
    ],
    [
      'a display name with a space instead of a reference name',
      'Value Area.Name=Business',
      "Input 'fields' line 1: 'Value Area.Name' is not a field reference name. Use the field's reference name, e.g. Custom.Team or Microsoft.VSTS.Common.ValueArea (Organization settings, or Collection settings on Azure DevOps Server, › Boards › Process › the process › the work item type › the field).",
    ],
    [
      'a reference name that starts with a digit',
      '1Custom.Team=Web',
      "Input 'fields' line 1: '1Custom.Team' is not a field reference name. Use the field's reference name, e.g. Custom.Team or Microsoft.VSTS.Common.ValueArea (Organization settings, or Collection settings on Azure DevOps Server, › Boards › Process › the process › the work item type › the field).",
    ],
    [
      'a JSON key that is no reference name',
      '{"Team": "Web"}',
      "Input 'fields' key 'Team': 'Team' is not a field reference name. Use the field's reference name, e.g. Custom.Team or Microsoft.VSTS.Common.ValueArea (Organization settings, or Collection settings on Azure DevOps Server, › Boards › Process › the process › the work item type › the field).",
    ],
    [
      'a JSON array value',
      '{"Custom.A": [1]}',
      "Input 'fields': the value of Custom.A must be a string, number or boolean, not [1].",
    ],
    [
      'a JSON null value',
      '{"Custom.A": null}',
      "Input 'fields': the value of Custom.A must be a string, number or boolean, not null.",
    ],
    [
      'an unknown placeholder in a value',
      'Custom.A={{nope}}',
      "Input 'fields' uses the unknown placeholder {{nope}}. Valid placeholders: {{pipeline}}, {{runName}}, {{runUrl}}, {{project}}, {{branch}}, {{commit}}, {{requestedFor}}, {{reason}}, {{stage}}, {{job}}, {{environment}}, {{status}}, {{failedStep}}, {{failedSteps}}, {{firstError}}.",
    ],
  ];
  for (const [name, text, expected] of problems) {
    it(`explains ${name}`, () => {
      assert.deepEqual(parseFieldsInput(text), { fields: [], problems: [expected] });
    });
  }

  it('a JSON key given twice is set twice, as a line given twice is, not the last value silently', () => {
    assert.deepEqual(parseFieldsInput('{"Custom.A": "1", "Custom.B": "{", "Custom.A": "2"}').problems, [
      "Input 'fields' sets Custom.A twice. Keep one of them.",
    ]);
    assert.deepEqual(parseFieldsInput('{"Custom.\\u0041": 1, "Custom.A": 2}').problems, [
      "Input 'fields' sets Custom.A twice. Keep one of them.",
    ]);
    assert.deepEqual(parseFieldsInput('{"Custom.A": {"Custom.A": 1}}').problems, [
      'Input \'fields\': the value of Custom.A must be a string, number or boolean, not {"Custom.A":1}.',
    ]);
  });

  it('explains JSON that does not parse, with the parser’s reason and the two formats', () => {
    const { fields, problems } = parseFieldsInput('{"Custom.Team": ');
    assert.deepEqual(fields, []);
    assert.equal(problems.length, 1);
    assert.ok(problems[0]?.startsWith("Input 'fields' is not valid JSON ("), problems[0]);
    assert.ok(problems[0]?.endsWith(`). ${HINT}.`), problems[0]);
  });

  it('reads text that starts with white space JSON does not allow as JSON, and explains that it does not parse', () => {
    const { fields, problems } = parseFieldsInput('\u00a0{"Custom.Team": "Web"}');
    assert.deepEqual(fields, []);
    assert.ok(problems[0]?.startsWith("Input 'fields' is not valid JSON ("), problems[0]);
  });

  it('keeps the valid fields beside a problem in another line', () => {
    const { fields, problems } = parseFieldsInput('Custom.A=1\nCustom.B={{nope}}\nCustom.C=3');
    assert.deepEqual(
      fields.map((field) => field.reference),
      ['Custom.A', 'Custom.C'],
    );
    assert.equal(problems.length, 1);
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

    it('takes exactly the most characters, and counts the nesting of each value, not of all of them', () => {
      const longest = `Custom.A=${'x'.repeat(FIELDS_LIMITS.characters - 'Custom.A='.length)}`;
      assert.deepEqual(parseFieldsInput(longest).problems, []);
      // Ten values two levels deep each: three levels in all, whatever a closing bracket closes.
      const siblings = `{${Array.from({ length: 10 }, (_, i) => `"Custom.F${i}": [{}]`).join(', ')}}`;
      assert.deepEqual(parseFieldsInput(siblings).problems, [
        "Input 'fields': the value of Custom.F0 must be a string, number or boolean, not [{}].",
      ]);
    });
  });
});
