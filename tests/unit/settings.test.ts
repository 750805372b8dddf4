import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  INPUT_NAMES,
  readSettings,
  InputName,
  Settings,
  tagList,
} from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { renderTemplate } from '../../tasks/PipelineWorkItem/src/text/templates';
import { FIELDS_LIMITS } from '../../tasks/PipelineWorkItem/src/inputs/fieldsInput';
import { inputs, problemsOf } from './fixtures';
import { inputDefaults, repoRoot } from '../helpers/repo';

interface TaskInput {
  name: string;
  type: string;
  options?: Record<string, string>;
}
const taskJson = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), 'tasks/PipelineWorkItem/task.json'), 'utf8'),
) as { inputs: TaskInput[] };

const LOG_LINES = 'a whole number from 0 to 10000';
const PRIORITY = 'a priority from 1 (highest) to 4';
const PARENT_ID = 'the numeric id of the parent work item, e.g. 1234';

describe('settings', () => {
  it('reads exactly the inputs task.json declares', () => {
    assert.deepEqual([...INPUT_NAMES].sort(), taskJson.inputs.map((input) => input.name).sort());
  });

  it('declares every pickList option the settings accept', () => {
    const options = (name: string): string[] =>
      Object.keys(taskJson.inputs.find((i) => i.name === name)?.options ?? {});
    assert.deepEqual(options('createOn'), ['failure', 'failureOrIssues', 'success', 'always']);
    assert.deepEqual(options('onRecurrence'), ['comment', 'new', 'skip']);
  });

  it('gives the defaults of task.json when the agent passes them', () => {
    assert.deepEqual(readSettings(inputs(inputDefaults())), readSettings(inputs({})));
  });

  it('defaults to filing a Bug on failure, with details, the run linked and the pipeline-failure tag', () => {
    const settings = readSettings(inputs());
    assert.equal(settings.workItemType, 'Bug');
    assert.equal(settings.createOn, 'failure');
    assert.equal(settings.includeDetails, true);
    assert.equal(settings.logLines, 30);
    assert.equal(settings.linkBuild, true);
    assert.equal(settings.onRecurrence, 'comment');
    assert.equal(settings.resolveOnRecovery, true);
    assert.equal(settings.dryRun, false);
    assert.equal(settings.failTaskOnError, false);
    assert.equal(settings.tags, 'pipeline-failure');
    assert.deepEqual(settings.iterationPath, { kind: 'default' });
    assert.deepEqual(settings.assignTo, { kind: 'none' });
  });

  it('rejects a boolean typo instead of reading it as false', () => {
    assert.deepEqual(problemsOf({ dryRun: 'ture' }), ["Input 'dryRun' must be true or false, not 'ture'."]);
  });

  it('accepts pickList values in any case and rejects others naming the options', () => {
    assert.equal(readSettings(inputs({ createOn: 'FailureOrIssues' })).createOn, 'failureOrIssues');
    assert.deepEqual(problemsOf({ createOn: 'failed' }), [
      "Input 'createOn' must be one of failure, failureOrIssues, success, always, not 'failed'.",
    ]);
  });

  it('rejects a non-numeric parent id and an out-of-range priority', () => {
    const problems = problemsOf({ parentId: '#12', priority: '5' });
    assert.deepEqual(problems, [
      "Input 'priority' must be a priority from 1 (highest) to 4, not '5'.",
      "Input 'parentId' must be the numeric id of the parent work item, e.g. 1234, not '#12'.",
    ]);
  });

  it('names the unknown placeholder and lists the valid ones', () => {
    const [problem] = problemsOf({ title: 'Broken: {{pipline}}' });
    assert.match(
      problem ?? '',
      /^Input 'title' uses the unknown placeholder \{\{pipline\}\}\. Valid placeholders: \{\{pipeline\}\}, \{\{runName\}\}/,
    );
  });

  it('refuses a project, team or type name of one or two periods: a URL would resolve them away', () => {
    assert.deepEqual(problemsOf({ project: '..', iterationPath: '.@currentIteration', workItemType: '.' }), [
      "Input 'project' must be the name of a project, not '..': a name of one or two periods would address another URL. Leave it empty for the run's own project.",
      "Input 'iterationPath' names the team '.': a name of one or two periods would address another URL. Write 'Team Name@currentIteration', or '@currentIteration' for the project's default team.",
      "Input 'workItemType' must be the name of a work item type, e.g. Bug, not '.': a name of one or two periods would address another URL.",
    ]);
    assert.equal(problemsOf({ workItemType: '..' }).length, 1);
    assert.equal(problemsOf({ iterationPath: '..@currentIteration' }).length, 1);
    // Periods at an end or inside a name (the portal refuses the first, the API may not), a path (not sent in a
    // URL) and three periods are no dot segment: Azure DevOps answers for them.
    assert.deepEqual(
      ['.WebApp', 'WebApp.'].map((project) => readSettings(inputs({ project })).project),
      ['.WebApp', 'WebApp.'],
    );
    const settings = readSettings(
      inputs({
        project: 'Web.App',
        workItemType: '...',
        iterationPath: 'Web.Team@currentIteration',
        areaPath: 'WebApp\\...\\.NET',
      }),
    );
    assert.deepEqual(
      [settings.project, settings.workItemType, settings.iterationPath, settings.areaPath],
      ['Web.App', '...', { kind: 'current', team: 'Web.Team' }, 'WebApp\\...\\.NET'],
    );
  });

  it('refuses an area or iteration path with a node of one or two periods, a name Boards reserves', () => {
    const node = (input: string, path: string, name: string): string =>
      `Input '${input}' holds '${path}', a path with a node named '${name}': no area or iteration can be named '.' or '..'. Set '${input}' to a path that exists, from the project's name down with its nodes separated by backslashes (e.g. Fabrikam\\Web), or leave it empty for the project's default.`;
    assert.deepEqual(problemsOf({ areaPath: '..', iterationPath: 'WebApp\\.\\Sprint 1' }), [
      node('areaPath', '..', '..'),
      node('iterationPath', 'WebApp\\.\\Sprint 1', '.'),
    ]);
    assert.deepEqual(problemsOf({ areaPath: 'WebApp\\..' }), [node('areaPath', 'WebApp\\..', '..')]);
    // Periods beside other characters make a name of their own, which Azure DevOps answers for.
    const paths = ['WebApp\\.NET', 'WebApp\\Web.', 'WebApp\\...', 'WebApp\\. .', 'WebApp/..'];
    for (const path of paths) {
      const settings = readSettings(inputs({ areaPath: path, iterationPath: path }));
      assert.deepEqual([settings.areaPath, settings.iterationPath], [path, { kind: 'path', path }]);
    }
  });

  it('reports every problem at once', () => {
    assert.equal(
      problemsOf({ title: '{{x}}', fingerprint: '{{y}}', logLines: '-1', linkBuild: 'yes' }).length,
      4,
    );
  });

  it('reads fields as lines or as one JSON object, with templates in values', () => {
    const lines = readSettings(
      inputs({ fields: 'Custom.Team = Web\n# a comment\n\nCustom.Run={{runName}}' }),
    );
    assert.deepEqual(
      lines.fields.map((f) => [f.reference, f.value.source]),
      [
        ['Custom.Team', 'Web'],
        ['Custom.Run', '{{runName}}'],
      ],
    );
    const json = readSettings(
      inputs({ fields: '{"Microsoft.VSTS.Scheduling.Effort": 3, "Custom.Flag": true}' }),
    );
    assert.deepEqual(
      json.fields.map((f) => [f.reference, f.value.source]),
      [
        ['Microsoft.VSTS.Scheduling.Effort', '3'],
        ['Custom.Flag', 'true'],
      ],
    );
  });

  it('explains a malformed fields input', () => {
    assert.match(
      problemsOf({ fields: 'Custom.Team: Web' })[0] ?? '',
      /^Input 'fields' line 1 \('Custom.Team: Web'\) has no 'Reference.Name='/,
    );
    assert.match(problemsOf({ fields: '{"Custom.Team": ' })[0] ?? '', /^Input 'fields' is not valid JSON/);
    assert.match(
      problemsOf({ fields: 'Team=Web' })[0] ?? '',
      /^Input 'fields' line 1: 'Team' is not a field reference name/,
    );
    assert.match(
      problemsOf({ fields: '{"Custom.A": {"b": 1}}' })[0] ?? '',
      /the value of Custom.A must be a string, number or boolean/,
    );
    assert.match(problemsOf({ fields: 'Custom.A=1\ncustom.a=2' })[0] ?? '', /sets custom.a twice/);
  });

  it('refuses a fields input too long or with too many entries with that problem alone', () => {
    const tooLong = problemsOf({ fields: `Custom.A=${'x'.repeat(FIELDS_LIMITS.characters)}` });
    assert.equal(tooLong.length, 1);
    assert.match(tooLong[0] ?? '', /^Input 'fields'/);
    const entries = Array.from({ length: FIELDS_LIMITS.entries + 1 }, (_, i) => `Custom.F${i}=x`);
    const tooMany = problemsOf({ fields: entries.join('\n') });
    assert.equal(tooMany.length, 1);
    assert.match(tooMany[0] ?? '', /^Input 'fields'/);
  });

  it('understands @currentIteration with and without a team', () => {
    assert.deepEqual(readSettings(inputs({ iterationPath: '@currentIteration' })).iterationPath, {
      kind: 'current',
      team: undefined,
    });
    assert.deepEqual(readSettings(inputs({ iterationPath: 'Web Team@CurrentIteration' })).iterationPath, {
      kind: 'current',
      team: 'Web Team',
    });
    assert.deepEqual(readSettings(inputs({ iterationPath: 'WebApp\\Sprint 2' })).iterationPath, {
      kind: 'path',
      path: 'WebApp\\Sprint 2',
    });
  });

  it('splits tags on ; and drops empty and repeated ones', () => {
    assert.deepEqual(tagList(readSettings(inputs({ tags: 'ci; nightly;;CI ; flaky' })).tags), [
      'ci',
      'nightly',
      'flaky',
    ]);
  });

  it('keeps the description multi-line and renders its placeholders', () => {
    const settings = readSettings(inputs({ description: '  Run {{runName}}\nfailed.\n\n' }));
    const values = { runName: '42' } as Parameters<typeof renderTemplate>[1];
    assert.equal(renderTemplate(settings.description!, values), '  Run 42\nfailed.');
  });
});

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
      // Work item ids are 32-bit integers (the REST API's int32 id).
      ['parentId', '2147483647', 2147483647],
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
      ['parentId', '2147483648', PARENT_ID],
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

  describe('a $(…) macro the agent left as written: the variable it names does not exist', () => {
    const macro = (input: string, value: string, variable: string): string =>
      `Input '${input}' holds ${value}, a macro the agent leaves as written when the run has no variable ${variable}. Define that variable (or correct the name in the macro), or give '${input}' a value of its own.`;
    const cases: [InputName, string, string, string][] = [
      ['dryRun', '$(DryRun)', '$(DryRun)', 'DryRun'],
      ['createOn', ' $(File.When) ', '$(File.When)', 'File.When'],
      ['logLines', '$(LogLines)', '$(LogLines)', 'LogLines'],
      ['priority', '$(Bug.Priority)', '$(Bug.Priority)', 'Bug.Priority'],
      ['parentId', '$(Epic_Id)', '$(Epic_Id)', 'Epic_Id'],
    ];
    for (const [name, raw, value, variable] of cases) {
      it(`${name} '${raw}' names the variable ${variable}`, () => {
        assert.deepEqual(problemsOf({ [name]: raw }), [macro(name, value, variable)]);
      });
    }

    it('organizationUrl: a macro inside the URL, which would otherwise be sent to as written', () => {
      assert.deepEqual(
        problemsOf({
          connectionType: 'azureDevOps',
          azureDevOpsConnection: 'wif',
          organizationUrl: 'https://dev.azure.com/$(Target.Org)/',
        }),
        [macro('organizationUrl', '$(Target.Org)', 'Target.Org')],
      );
    });

    // `$` is in no project, team, area or iteration name Boards allows: such a value names nothing.
    it('project, areaPath and iterationPath (a path, or a team before @currentIteration) name the variable', () => {
      assert.deepEqual(
        problemsOf({
          project: '$(Target.Project)',
          areaPath: 'WebApp\\$(Team.Area)',
          iterationPath: '$(Sprint)',
        }),
        [
          macro('project', '$(Target.Project)', 'Target.Project'),
          macro('areaPath', '$(Team.Area)', 'Team.Area'),
          macro('iterationPath', '$(Sprint)', 'Sprint'),
        ],
      );
      assert.deepEqual(problemsOf({ iterationPath: '$(Team.Name)@currentIteration' }), [
        macro('iterationPath', '$(Team.Name)', 'Team.Name'),
      ]);
    });

    it('a value that is no macro keeps its own message', () => {
      assert.deepEqual(problemsOf({ dryRun: '$DryRun' }), [
        "Input 'dryRun' must be true or false, not '$DryRun'.",
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

    it('lets the title and fingerprint hold any markup around a placeholder: only the description is HTML', () => {
      const markup = '<p style="{{branch}}">';
      assert.equal(problemsOf({ description: markup }).length, 1);
      const settings = readSettings(inputs({ title: markup, fingerprint: markup }));
      assert.equal(settings.title?.source, markup);
      assert.equal(settings.fingerprint?.source, markup);
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
        readSettings(inputs({ attachments: '  test-results/**/*.png  \r\n\n\t dumps/*.dmp\nlogs/*.txt\n  ' }))
          .attachments,
        ['test-results/**/*.png', 'dumps/*.dmp', 'logs/*.txt'],
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
      ['WebApp\nWeb Team@currentIteration', { kind: 'path', path: 'WebApp\nWeb Team@currentIteration' }],
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
      assert.equal(tagList(readSettings(inputs({ tags: many(98) })).tags).length, 98);
    });

    it('rejects 99 tags, counting each distinct tag once', () => {
      assert.deepEqual(problemsOf({ tags: many(99) }), [
        "Input 'tags' (with the System.Tags of 'fields') has 99 tags; with the task's own 2 a work item would hold more than 100. Remove tags from 'tags' or from System.Tags in 'fields'.",
      ]);
      assert.equal(tagList(readSettings(inputs({ tags: `${many(98)};T0;t97` })).tags).length, 98);
    });

    it('counts the tags fields gives System.Tags with the tags input, each distinct tag once', () => {
      assert.deepEqual(problemsOf({ tags: many(90), fields: `System.Tags=${many(98)};T1;x` }), [
        "Input 'tags' (with the System.Tags of 'fields') has 99 tags; with the task's own 2 a work item would hold more than 100. Remove tags from 'tags' or from System.Tags in 'fields'.",
      ]);
      const settings = readSettings(inputs({ tags: many(90), fields: `system.tags=${many(98)}` }));
      assert.equal(tagList(settings.tags).length, 90);
      // Another field's value is no tags, whatever it holds.
      readSettings(inputs({ tags: many(98), fields: 'Custom.Notes=a;b;c' }));
    });

    it('keeps the first spelling of a tag repeated in another case', () => {
      assert.deepEqual(tagList(readSettings(inputs({ tags: 'Nightly;NIGHTLY; nightly ;CI' })).tags), [
        'Nightly',
        'CI',
      ]);
    });
  });
});
