import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summaryMarkdown } from '../../tasks/PipelineWorkItem/src/render/summary';
import { loc, MessageKey, useLocalizer } from '../../tasks/PipelineWorkItem/src/text/messages';
import { repoRoot } from '../helpers/repo';

const SOURCES = path.join(repoRoot(), 'tasks', 'PipelineWorkItem', 'src');
const messages = (
  JSON.parse(fs.readFileSync(path.join(repoRoot(), 'tasks/PipelineWorkItem/task.json'), 'utf8')) as {
    messages: Record<string, string>;
  }
).messages;

/** Every .ts file under the task's sources but the module that defines loc itself, as [name, text]. */
function sources(dir = SOURCES): [string, string][] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry): [string, string][] => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    if (!entry.name.endsWith('.ts') || file === path.join(SOURCES, 'text', 'messages.ts')) return [];
    return [[path.relative(SOURCES, file), fs.readFileSync(file, 'utf8')]];
  });
}

// A call of our loc: not tl.loc (a property) and not a longer name ending in loc.
const CALL = /(?<![\w.$])loc\(\s*/g;

describe('messages (task.json messages and loc)', () => {
  const calls = sources().flatMap(([file, text]) =>
    [...text.matchAll(CALL)].map((match) => {
      const after = text.slice((match.index ?? 0) + match[0].length);
      const line = text.slice(0, match.index).split('\n').length;
      return { where: `${file}:${line}`, key: /^'([^']*)'/.exec(after)?.[1] };
    }),
  );

  it('calls loc only with a literal key, so the keys can be checked', () => {
    assert.ok(calls.length > 100, `found ${calls.length} calls of loc`);
    assert.deepEqual(
      calls.filter((call) => call.key === undefined).map((call) => call.where),
      [],
    );
  });

  it('uses only keys task.json defines, and every key it defines', () => {
    const used = new Set(calls.map((call) => call.key ?? ''));
    assert.deepEqual(
      calls.filter((call) => !(call.key! in messages)).map((call) => `${call.where} ${call.key}`),
      [],
      'used but not in task.json messages',
    );
    assert.deepEqual(
      Object.keys(messages).filter((key) => !used.has(key)),
      [],
      'in task.json messages but never used',
    );
  });

  it('names the keys in PascalCase and writes placeholders as %s or %d', () => {
    assert.deepEqual(
      Object.keys(messages).filter((key) => !/^[A-Z][A-Za-z0-9]*$/.test(key)),
      [],
    );
    assert.deepEqual(
      Object.entries(messages)
        .filter(([, text]) => /%(?![sd])/.test(text))
        .map(([key]) => key),
      [],
    );
  });

  describe('loc', () => {
    afterEach(() => useLocalizer(undefined));

    it('fills the English text of task.json, as task-lib formats it', () => {
      assert.equal(
        loc('InputNotBoolean', 'dryRun', 'yes'),
        "Input 'dryRun' must be true or false, not 'yes'.",
      );
      assert.equal(loc('ReportCreated', 'Bug', 42, 'https://x/42'), 'Created Bug 42: https://x/42');
      // Without arguments the text is returned as written; an argument is never read as a placeholder.
      assert.equal(loc('SummaryHeading'), 'Pipeline Work Items');
      assert.equal(loc('DryRunPlan', '%s and %d'), 'Dry run: would %s and %d.');
    });

    it('routes every message through the localizer the host gives, and back to English without one', () => {
      const asked: unknown[][] = [];
      useLocalizer((key: MessageKey, ...args) => {
        asked.push([key, ...args]);
        return `<${key}>`;
      });
      const summary = summaryMarkdown({ kind: 'pullRequest' }, []);
      assert.equal(summary, '### <SummaryHeading>\n\n<SummaryPullRequest>\n');
      assert.deepEqual(asked, [['SummaryHeading'], ['SummaryPullRequest']]);

      useLocalizer(undefined);
      assert.match(summaryMarkdown({ kind: 'pullRequest' }, []), /^### Pipeline Work Items\n/);
    });
  });
});
