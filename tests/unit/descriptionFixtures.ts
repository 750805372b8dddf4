import * as assert from 'node:assert/strict';
import { descriptionHtml } from '../../tasks/PipelineWorkItem/src/text/markdown';
import { parseTemplate, TemplateValues } from '../../tasks/PipelineWorkItem/src/text/templates';

// The description tests' run: its URL has a query with `&`, which HTML must write as `&amp;`.
export const RUN_URL = 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&view=logs';
export const RUN_URL_HTML = 'https://dev.azure.com/fabrikam/WebApp/_build/results?buildId=812&amp;view=logs';

const VALUES: TemplateValues = {
  pipeline: 'WebApp-CI',
  runName: '20261129.3',
  runUrl: RUN_URL,
  project: 'WebApp',
  branch: 'main',
  commit: '4f2a9c1d',
  requestedFor: 'Alex Kim',
  reason: 'Manual',
  stage: 'Build',
  job: 'Unit tests',
  environment: '',
  status: 'failed',
  failedStep: 'Build › Unit tests › npm test',
  failedSteps: 'Build › Unit tests › npm test',
  firstError: 'Expected "a & b"',
};

/** The `description` input `source` rendered with the test run's values, some replaced by `values`. */
export function renderDescription(source: string, values: Partial<TemplateValues> = {}): string {
  const template = parseTemplate('description', source);
  assert.ok(typeof template !== 'string', template as string);
  return descriptionHtml(template, { ...VALUES, ...values });
}
