import * as assert from 'node:assert/strict';
import { parseFieldsInput } from '../../tasks/PipelineWorkItem/src/inputs/fieldsInput';
import { InputName, readSettings, Settings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { inputs, problemsOf } from './fixtures';

const LOG_LINES = 'a whole number from 0 to 10000';
const PRIORITY = 'a priority from 1 (highest) to 4';
const PARENT_ID = 'the numeric id of the parent work item, e.g. 1234';

describe('settings at their edges', () => {
  describe('numeric inputs take whole numbers within their range, and nothing else', () => {
    const accepted: [InputName, string, number][] = [
      ['logLines', '0', 0],
      ['logLines', '1', 1],
      ['logLines', '10000', 10000],
      ['logLines', ' 250 ', 250],
      ['logLines', '007', 7],
      ['priority', '1', 1],
      ['priority', '4', 4],
      ['parentId', '1', 1],
      ['parentId', '9007199254740991', 9007199254740991],
    ];
    for (const [name, raw, expected] of accepted) {
      it(`${name} '${raw}' is ${expected}`, () => {
        assert.equal(readSettings(inputs({ [name]: raw }))[name as keyof Settings], expected);
      });
    }

    const rejected: [InputName, string, string][] = [
      ['logLines', '10001', LOG_LINES],
      ['logLines', '-1', LOG_LINES],
      ['logLines', '+5', LOG_LINES],
      ['logLines', '1e3', LOG_LINES],
      ['logLines', '4.0', LOG_LINES],
      ['logLines', '0x10', LOG_LINES],
      ['logLines', '30 lines', LOG_LINES],
      ['priority', '0', PRIORITY],
      ['priority', '5', PRIORITY],
      ['priority', '2.5', PRIORITY],
      ['parentId', '0', PARENT_ID],
      ['parentId', '9007199254740992', PARENT_ID],
      ['parentId', '#12', PARENT_ID],
    ];
    for (const [name, raw, hint] of rejected) {
      it(`${name} '${raw}' is rejected with the range`, () => {
        assert.deepEqual(problemsOf({ [name]: raw }), [
          `Input '${name}' must be ${hint}, not '${raw.trim()}'.`,
        ]);
      });
    }

    it('leaves priority and parentId unset when empty, and logLines at 30', () => {
      const settings = readSettings(inputs({ priority: ' ', parentId: '', logLines: '  ' }));
      assert.equal(settings.priority, undefined);
      assert.equal(settings.parentId, undefined);
      assert.equal(settings.logLines, 30);
    });
  });

  describe('pickList inputs read any case and give the declared spelling', () => {
    const cases: [InputName, string, string][] = [
      ['createOn', 'ALWAYS', 'always'],
      ['createOn', 'Success', 'success'],
      ['createOn', ' failureorissues ', 'failureOrIssues'],
      ['onRecurrence', 'NEW', 'new'],
      ['onRecurrence', 'Skip', 'skip'],
      ['onRecurrence', 'comment', 'comment'],
    ];
    for (const [name, raw, expected] of cases) {
      it(`${name} '${raw}' is ${expected}`, () => {
        assert.equal(readSettings(inputs({ [name]: raw }))[name as keyof Settings], expected);
      });
    }

    it('names the options of onRecurrence when the value is none of them', () => {
      assert.deepEqual(problemsOf({ onRecurrence: 'ignore' }), [
        "Input 'onRecurrence' must be one of comment, new, skip, not 'ignore'.",
      ]);
    });
  });

  describe('boolean inputs read true and false in any case, around white space', () => {
    const booleans: [InputName, boolean][] = [
      ['includeDetails', true],
      ['attachLogs', false],
      ['linkBuild', true],
      ['linkWorkItems', false],
      ['resolveOnRecovery', true],
      ['includePullRequests', false],
      ['dryRun', false],
      ['failTaskOnError', false],
    ];
    for (const [name, fallback] of booleans) {
      it(`${name}: 'TRUE', ' False ', '' (default ${fallback})`, () => {
        assert.equal(readSettings(inputs({ [name]: 'TRUE' }))[name as keyof Settings], true);
        assert.equal(readSettings(inputs({ [name]: ' False ' }))[name as keyof Settings], false);
        assert.equal(readSettings(inputs({ [name]: '' }))[name as keyof Settings], fallback);
      });
    }

    it('quotes a rejected boolean without its surrounding white space', () => {
      assert.deepEqual(problemsOf({ attachLogs: '  yes  ' }), [
        "Input 'attachLogs' must be true or false, not 'yes'.",
      ]);
    });
  });

  describe('text inputs', () => {
    it('trims single-line inputs and treats blank ones as unset', () => {
      const settings = readSettings(
        inputs({ workItemType: '   ', areaPath: '  WebApp\\Web  ', severity: ' 2 - High ', project: ' ' }),
      );
      assert.equal(settings.workItemType, 'Bug');
      assert.equal(settings.areaPath, 'WebApp\\Web');
      assert.equal(settings.severity, '2 - High');
      assert.equal(settings.project, undefined);
      assert.equal(settings.connection, undefined);
    });

    it('trims the title and fingerprint templates but keeps the description’s leading white space', () => {
      const settings = readSettings(
        inputs({
          title: '  Broken {{pipeline}}  ',
          fingerprint: '\t{{branch}} ',
          description: '  Indented\n',
        }),
      );
      assert.equal(settings.title?.source, 'Broken {{pipeline}}');
      assert.equal(settings.fingerprint?.source, '{{branch}}');
      assert.equal(settings.description?.source, '  Indented');
    });

    it('reads attachments one pattern a line, trimmed, without blank lines', () => {
      assert.deepEqual(
        readSettings(inputs({ attachments: '  test-results/**/*.png  \r\n\n\t dumps/*.dmp\n  ' }))
          .attachments,
        ['test-results/**/*.png', 'dumps/*.dmp'],
      );
    });
  });

  describe('assignTo', () => {
    const cases: [string, Settings['assignTo']][] = [
      ['', { kind: 'none' }],
      ['@requestor', { kind: 'requestor' }],
      ['@Requestor', { kind: 'requestor' }],
      [' @REQUESTOR ', { kind: 'requestor' }],
      ['sam@fabrikam.example', { kind: 'identity', identity: 'sam@fabrikam.example' }],
      [
        'Sam Rivera <sam@fabrikam.example>',
        { kind: 'identity', identity: 'Sam Rivera <sam@fabrikam.example>' },
      ],
      ['requestor', { kind: 'identity', identity: 'requestor' }],
    ];
    for (const [raw, expected] of cases) {
      it(`'${raw}' is ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(readSettings(inputs({ assignTo: raw })).assignTo, expected);
      });
    }
  });

  describe('iterationPath', () => {
    const cases: [string, Settings['iterationPath']][] = [
      ['@CURRENTITERATION', { kind: 'current', team: undefined }],
      ['  Web Team  @currentIteration', { kind: 'current', team: 'Web Team' }],
      ['Web@currentIteration2', { kind: 'path', path: 'Web@currentIteration2' }],
      ['WebApp\\@currentIteration\\Sprint 1', { kind: 'path', path: 'WebApp\\@currentIteration\\Sprint 1' }],
    ];
    for (const [raw, expected] of cases) {
      it(`'${raw}' is ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(readSettings(inputs({ iterationPath: raw })).iterationPath, expected);
      });
    }
  });

  describe('tags', () => {
    const many = (n: number): string => Array.from({ length: n }, (_, i) => `t${i}`).join(';');

    it("takes up to 98 tags: the item also carries the task's fingerprint and scope tags", () => {
      assert.equal(readSettings(inputs({ tags: many(98) })).tags.length, 98);
    });

    it('rejects 99 tags, counting each distinct tag once', () => {
      assert.deepEqual(problemsOf({ tags: many(99) }), [
        "Input 'tags' (with the System.Tags of 'fields') has 99 tags; with the task's own 2 a work item would hold more than 100.",
      ]);
      assert.equal(readSettings(inputs({ tags: `${many(98)};T0;t97` })).tags.length, 98);
    });

    it('counts the tags fields gives System.Tags with the tags input, each distinct tag once', () => {
      assert.deepEqual(problemsOf({ tags: many(90), fields: `System.Tags=${many(98)};T1;x` }), [
        "Input 'tags' (with the System.Tags of 'fields') has 99 tags; with the task's own 2 a work item would hold more than 100.",
      ]);
      assert.equal(
        readSettings(inputs({ tags: many(90), fields: `system.tags=${many(98)}` })).tags.length,
        90,
      );
    });

    it('keeps the first spelling of a tag repeated in another case', () => {
      assert.deepEqual(readSettings(inputs({ tags: 'Nightly;NIGHTLY; nightly ;CI' })).tags, [
        'Nightly',
        'CI',
      ]);
    });
  });
});

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
      "Input 'fields' line 1: 'Value Area.Name' is not a field reference name. Use the field's reference name, e.g. Custom.Team or Microsoft.VSTS.Common.ValueArea (Project settings › Process › the work item type › the field).",
    ],
    [
      'a reference name that starts with a digit',
      '1Custom.Team=Web',
      "Input 'fields' line 1: '1Custom.Team' is not a field reference name. Use the field's reference name, e.g. Custom.Team or Microsoft.VSTS.Common.ValueArea (Project settings › Process › the work item type › the field).",
    ],
    [
      'a JSON key that is no reference name',
      '{"Team": "Web"}',
      "Input 'fields' key 'Team': 'Team' is not a field reference name. Use the field's reference name, e.g. Custom.Team or Microsoft.VSTS.Common.ValueArea (Project settings › Process › the work item type › the field).",
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

  it('explains JSON that does not parse, with the parser’s reason and the two formats', () => {
    const { fields, problems } = parseFieldsInput('{"Custom.Team": ');
    assert.deepEqual(fields, []);
    assert.equal(problems.length, 1);
    assert.ok(problems[0]?.startsWith("Input 'fields' is not valid JSON ("), problems[0]);
    assert.ok(problems[0]?.endsWith(`). ${HINT}.`), problems[0]);
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
