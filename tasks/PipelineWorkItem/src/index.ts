import * as tl from 'azure-pipelines-task-lib/task';
import { agentHost } from './agentHost';
import { run } from './run';

// run() sets the result itself; this only catches a bug in the launcher's host.
run(agentHost()).catch((error: unknown) =>
  tl.setResult(tl.TaskResult.Failed, `Unexpected error: ${String(error)}`),
);
