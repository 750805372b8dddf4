import * as assert from 'node:assert/strict';
import { SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import { readRunContext, RunContext } from '../../tasks/PipelineWorkItem/src/facts/context';
import type { FailedStep, StepLog } from '../../tasks/PipelineWorkItem/src/facts/model';
import { InputName, InputReader, readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { YAML_VARIABLES } from '../helpers/variables';

export { YAML_VARIABLES };

/** Pipeline variables of a classic release job deploying to Production. */
export const RELEASE_VARIABLES: Readonly<Record<string, string>> = {
  'System.TeamFoundationCollectionUri': 'https://dev.azure.com/fabrikam/',
  'System.TeamProject': 'WebApp',
  'System.HostType': 'release',
  'Release.ReleaseId': '57',
  'Release.ReleaseName': 'Release-57',
  'Release.DefinitionName': 'WebApp-CD',
  'Release.EnvironmentName': 'Production',
  'Release.EnvironmentId': '3',
  'Release.AttemptNumber': '1',
  'Release.ReleaseWebUrl': 'https://dev.azure.com/fabrikam/WebApp/_release?releaseId=57',
  'Release.RequestedFor': 'Sam Rivera',
  'Release.RequestedForEmail': 'sam@fabrikam.example',
  'Release.Reason': 'ContinuousIntegration',
  'Build.BuildId': '812',
  'Build.BuildNumber': '20261129.3',
  'Build.SourceBranch': 'refs/heads/main',
  'Build.SourceVersion': '4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  'System.JobDisplayName': 'Deploy web',
  'Agent.JobStatus': 'Failed',
};

export function runContext(variables: Readonly<Record<string, string>> = YAML_VARIABLES): RunContext {
  return readRunContext((name) => variables[name]);
}

/** An input reader over the given inputs; every other input is unset (''), as task-lib reports it. */
export function inputs(values: Partial<Record<InputName, string>> = {}): InputReader {
  return (name) => values[name] ?? '';
}

/** The problems readSettings reports for these inputs; fails the test when they are accepted. */
export function problemsOf(values: Partial<Record<InputName, string>>): readonly string[] {
  try {
    readSettings(inputs(values));
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the settings to be rejected');
}

/** A failed step of job Unit tests in stage Build. */
export function failedStep(name: string, errors: string[] = [], log?: StepLog): FailedStep {
  return { stage: 'Build', job: 'Unit tests', step: name, errors, warnings: [], log };
}
