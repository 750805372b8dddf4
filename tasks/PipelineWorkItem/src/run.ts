import { readRunContext, RunContext } from './facts/context';
import { AdoError, EnvironmentError, SettingsError } from './errors';
import { Acted, fileWorkItem, Log } from './flow';
import type { TaskHost, TaskResult } from './ports';
import { loc } from './text/messages';
import { redactor } from './text/redact';
import { readSettings, Settings } from './inputs/settings';
import { reportLine, summaryMarkdown } from './render/summary';

/** Runs the task: the only place that sets the result and the output variables. */
export async function run(host: TaskHost): Promise<void> {
  // Asked each time: the tokens join the secrets once credentials have been read.
  const mask = (text: string): string => redactor(host.secrets())(text);
  const warnings: string[] = [];
  const log: Log = {
    info: (message) => host.info(mask(message)),
    warning: (message) => {
      warnings.push(message);
      host.warning(mask(message));
    },
  };
  let acted: Acted;
  let result: TaskResult = 'Succeeded';
  let settings: Settings | undefined;
  let context: RunContext | undefined;
  try {
    settings = readSettings(host.input);
    context = readRunContext(host.variable);
    acted = await fileWorkItem(host, settings, context, log);
    // A warning too, as the result (succeeded) does not say it: the run's item was left as it is for want of the
    // run's outcome. The result of a succeeded-with-issues run is itself its warning.
    if (acted.report.kind === 'unfinished') host.warning(mask(reportLine(acted.report)));
    result = resultOf(acted, settings);
  } catch (error) {
    host.debug(mask(String((error as Error).stack ?? error)));
    const failed = failure(error, settings, context);
    result = failed.result;
    acted = { outputs: { action: 'none' }, report: { kind: 'failed', message: failed.message } };
  }
  host.writeSummary(mask(summaryMarkdown(acted.report, warnings, acted.side, mask)));
  const { id, url, action } = acted.outputs;
  host.setOutput('WorkItemId', id === undefined ? '' : String(id));
  host.setOutput('WorkItemUrl', url ?? '');
  host.setOutput('WorkItemAction', action);
  host.setResult(result, mask(reportLine(acted.report)));
}

/**
 * Never a silent green: an undetermined run is said to be one. A write that failed while the rest went through
 * was warned about where it failed; the result says that not everything was written.
 */
function resultOf(acted: Acted, settings: Settings): TaskResult {
  if (acted.undetermined) return 'SucceededWithIssues';
  if (acted.incomplete) return settings.failTaskOnError ? 'Failed' : 'SucceededWithIssues';
  return 'Succeeded';
}

// Input and environment problems always fail; Azure DevOps problems fail only with failTaskOnError, because
// the run's own failure should stay the story.
function failure(
  error: unknown,
  settings: Settings | undefined,
  context: RunContext | undefined,
): { result: TaskResult; message: string } {
  if (error instanceof SettingsError || error instanceof EnvironmentError) {
    return { result: 'Failed', message: error.message };
  }
  // A pull request from a fork runs with a read-only token: being refused is expected, not a failure (203: the
  // sign-in page that refuses credentials).
  if (
    error instanceof AdoError &&
    context?.pullRequestFromFork &&
    [401, 403, 203].includes(error.status ?? 0)
  ) {
    return {
      result: 'SucceededWithIssues',
      message: loc('ForkReadOnly', error.code ?? `HTTP ${error.status}`, error.message),
    };
  }
  const message =
    error instanceof AdoError
      ? error.message
      : loc('UnexpectedError', String((error as Error).message ?? error));
  return { result: settings?.failTaskOnError ? 'Failed' : 'SucceededWithIssues', message };
}
