import { readRunContext, RunContext } from '../../tasks/PipelineWorkItem/src/facts/context';
import type { InputName, InputReader } from '../../tasks/PipelineWorkItem/src/inputs/settings';
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
