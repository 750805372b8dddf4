import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { agentHost } from './agentHost';
import { run } from './run';
import { loc } from './text/messages';

// In another language than English, tl.loc reads the messages from task.json and their translations from the
// Strings folder beside it. The packaged bundle (index.js) sits beside task.json in the task folder; the tsc
// output that the unbundled e2e and L0 tests run (out/tasks/PipelineWorkItem/src/index.js) finds the copy of
// task.json that tsc emits for the JSON import of text/messages.ts one folder up.
const resources = (): string => {
  const beside = join(__dirname, 'task.json');
  return existsSync(beside) ? beside : join(__dirname, '..', 'task.json');
};

// run() sets the result itself; this only catches a bug in the launcher's host, and still prints through it.
const host = agentHost(resources);
run(host).catch((error: unknown) => host.setResult('Failed', loc('UnexpectedError', String(error))));
