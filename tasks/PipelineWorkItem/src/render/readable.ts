import type { Commit, Evidence, FailedStep, FailedTest, RunFacts, RunRef } from '../facts/model';
import type { RunView } from '../facts/values';
import type { TemplateValues } from '../text/templates';
import { cleanLogLine, plainText } from '../text/logText';
import { redactor } from '../text/redact';

/**
 * The run view as the renderers show it: escape sequences and control characters gone, log lines cleaned
 * (`cleanLogLine`), and every known secret masked. This happens on the raw text, before anything cuts or
 * escapes it: a secret cut in half by a length limit, or split by HTML escaping, could no longer be found.
 */
export function maskedRun(run: RunView, secrets: readonly string[]): RunView {
  const mask = redactor(secrets);
  // Masked before cleaning and again after: a secret split by a colour code is whole once the code is gone.
  const text = (value: string): string => mask(plainText(mask(value)));
  const line = (value: string): string[] => {
    const clean = cleanLogLine(mask(value));
    return clean === undefined ? [] : [mask(clean)];
  };
  return {
    ...run,
    facts: readableFacts(run.facts, text),
    evidence: readableEvidence(run.evidence, text, line),
    values: Object.fromEntries(
      Object.entries(run.values).map(([name, value]) => [name, text(value)]),
    ) as TemplateValues,
  };
}

function readableFacts(facts: RunFacts, text: (value: string) => string): RunFacts {
  const step = (failure: FailedStep): FailedStep => ({
    ...failure,
    stage: text(failure.stage),
    job: text(failure.job),
    step: text(failure.step),
    errors: failure.errors.map(text),
    warnings: failure.warnings.map(text),
  });
  return { ...facts, failures: facts.failures.map(step), artifacts: facts.artifacts.map(text) };
}

function readableEvidence(
  evidence: Evidence,
  text: (value: string) => string,
  line: (value: string) => string[],
): Evidence {
  const commit = (value: Commit): Commit => ({
    ...value,
    author: text(value.author),
    message: text(value.message),
  });
  const run = (value: RunRef): RunRef => ({ ...value, name: text(value.name) });
  const test = (value: FailedTest): FailedTest => ({
    ...value,
    name: text(value.name),
    message: text(value.message),
    stackTrace: text(value.stackTrace),
    ...(value.since && { since: { ...value.since, run: run(value.since.run) } }),
  });
  const tests = evidence.tests && {
    ...evidence.tests,
    tests: evidence.tests.tests.map(test),
    flaky: evidence.tests.flaky.map(test),
    suspects: evidence.tests.suspects.map((suspects) => ({
      run: suspects.run && run(suspects.run),
      commits: suspects.commits.map(commit),
    })),
  };
  return {
    ...evidence,
    logTails: evidence.logTails.map((tail) => ({ ...tail, lines: tail.lines.flatMap(line) })),
    tests,
    commits: evidence.commits.map(commit),
  };
}
