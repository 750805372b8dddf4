import * as path from 'node:path';
import { TaskMockRunner } from 'azure-pipelines-task-lib/mock-run';

// The task's tsc output, run under task-lib's mock runner as the official tasks' L0 tests do.
const runner = new TaskMockRunner(
  path.join(__dirname, '..', '..', 'tasks', 'PipelineWorkItem', 'src', 'index.js'),
);
runner.setInput('workItemType', 'Bug');
runner.setInput('fields', 'Custom.Team Web');
runner.setInput('title', '{{pipeline}} broke: {{oops}}');
runner.setVariableName('System.TeamFoundationCollectionUri', 'http://127.0.0.1:9/fabrikam/');
runner.setVariableName('System.TeamProject', 'WebApp');
runner.setVariableName('Agent.JobStatus', 'Failed');
// The real task-lib (noMockTask): its mock would print every message as `loc_mock_<key> <args>`, and this test
// reads the messages as the agent shows them, from task.json.
runner.run(true);
