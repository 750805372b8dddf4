import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unpackVsix } from '../helpers/vsix';
import { runTask, TaskRun } from './agent';

// Translations the test adds to its own copy of the packaged task, as a translated Strings folder would.
const GERMAN = {
  'loc.messages.InputNotBoolean': "Die Eingabe '%s' muss true oder false sein, nicht '%s'.",
  'loc.messages.SummaryFailed': 'Es wurde kein Arbeitselement angelegt: %s',
};

// The messages go through task-lib's tl.loc at run time: the packaged task, run as the agent runs it, speaks the
// language of System.Culture where the task folder has its resources, and English elsewhere.
describe("packaged task in the agent's language (System.Culture)", function () {
  let copy = '';

  before(async () => {
    const { taskDir } = await unpackVsix();
    // A copy: the unpacked VSIX is shared by every test of the process.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-culture-'));
    fs.cpSync(taskDir, copy, { recursive: true });
    const german = path.join(copy, 'Strings', 'resources.resjson', 'de-DE');
    fs.mkdirSync(german, { recursive: true });
    fs.writeFileSync(path.join(german, 'resources.resjson'), JSON.stringify(GERMAN, null, 2));
  });

  after(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  // Two bad inputs: the task fails before any request, so no organization is needed.
  const run = (culture: Record<string, string>): Promise<TaskRun> =>
    runTask(path.join(copy, 'index.js'), {
      collectionUrl: 'http://127.0.0.1:9/fabrikam/',
      inputs: { createOn: 'sometimes', dryRun: 'vielleicht' },
      variables: { 'System.TeamProject': 'WebApp', 'Agent.JobStatus': 'Failed', ...culture },
    });

  const english = {
    createOn: "Input 'createOn' must be one of failure, failureOrIssues, success, always, not 'sometimes'.",
    dryRun: "Input 'dryRun' must be true or false, not 'vielleicht'.",
  };

  it('writes the translated messages, filled in, and English where the translation has none', async () => {
    const german = await run({ 'System.Culture': 'de-DE' });
    const output = german.stdout + german.stderr;
    assert.equal(german.result, 'Failed', output);
    assert.equal(
      german.resultMessage,
      `${english.createOn}\nDie Eingabe 'dryRun' muss true oder false sein, nicht 'vielleicht'.`,
      output,
    );
    assert.deepEqual(german.errors, [german.resultMessage], output);
    // task-lib warns of a key it cannot find: every key the task used is in its task.json.
    assert.deepEqual(german.warnings, [], output);
    assert.match(german.summary, /^Es wurde kein Arbeitselement angelegt: Input /m, german.summary);
  });

  it('writes English without a culture, and for a culture the task folder has no resources for', async () => {
    const cultures: Record<string, string>[] = [{}, { 'System.Culture': 'fr-FR' }];
    for (const culture of cultures) {
      const plain = await run(culture);
      assert.equal(plain.resultMessage, `${english.createOn}\n${english.dryRun}`, plain.stdout);
      assert.match(plain.summary, /^Could not file a work item: Input /m, plain.summary);
    }
  });
});
