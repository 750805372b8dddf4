import type { RunContext } from '../facts/context';
import type { Commit, Evidence, FailedStep, FailedTest, RunFacts, RunRef } from '../facts/model';
import type { RunView } from '../facts/values';
import type { TemplateValues } from '../text/templates';
import { cleanLogLine, plainText } from '../text/logText';
import { redactor } from '../text/redact';
import { shownError } from './evidence';

/**
 * Pipeline text as an item shows it: every known secret masked, escape sequences, control and bidirectional
 * characters gone. Masked before cleaning and again after: a secret split by a colour code is whole once the
 * code is gone.
 */
function readers(secrets: readonly string[]): {
  text: (value: string) => string;
  line: (value: string) => string[];
} {
  const mask = redactor(secrets);
  const line = (value: string): string[] => {
    const clean = cleanLogLine(mask(value));
    return clean === undefined ? [] : [mask(clean)];
  };
  return { text: (value) => mask(plainText(mask(value))), line };
}

/**
 * A fingerprint with its text as an item shows it: masked, then cut as an error is (one made of `{{firstError}}` is
 * as long as the error, and would take the first comment past the field's limit). Its tags, which find the item,
 * stay as they are.
 */
export function shownFingerprint<F extends { readonly text: string }>(
  fingerprint: F,
  secrets: readonly string[],
): F {
  return { ...fingerprint, text: shownError(readers(secrets).text(fingerprint.text)) };
}

/**
 * The run view as the renderers show it: the run's context, facts and evidence without escape sequences and
 * control characters, log lines cleaned (`cleanLogLine`), and every known secret masked. This happens on the raw
 * text, before anything cuts or escapes it: a secret cut in half by a length limit, or split by HTML escaping,
 * could no longer be found. The lane keeps the raw values, which fingerprints are taken from.
 */
export function maskedRun(run: RunView, secrets: readonly string[]): RunView {
  const { text, line } = readers(secrets);
  return {
    ...run,
    context: readableContext(run.context, text),
    facts: readableFacts(run.facts, text),
    evidence: readableEvidence(run.evidence, text, line),
    values: readableValues(run.values, text),
  };
}

// `{{firstError}}` is the first error as the details show it: a megabyte of it would leave a description, or a
// long-text field in `fields`, nothing else. Cut once masked, so that no part of a secret stays at the cut.
function readableValues(values: TemplateValues, text: (value: string) => string): TemplateValues {
  const shown = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, text(value)]),
  ) as TemplateValues;
  return { ...shown, firstError: shownError(shown.firstError) };
}

/** The evidence as `maskedRun` shows it, for evidence read after the rest of the run was masked. */
export function maskedEvidence(evidence: Evidence, secrets: readonly string[]): Evidence {
  const { text, line } = readers(secrets);
  return readableEvidence(evidence, text, line);
}

// The names the item shows, and the commit (a step can set it; the item shows its first characters). What the
// task finds or links things by stays as it is: the URLs, the ids, the project, the requester's unique name (whom
// an item is assigned to) and the job that names the run's marker.
function readableContext(context: RunContext, text: (value: string) => string): RunContext {
  const { requestedFor, build, release, pullRequest } = context;
  return {
    ...context,
    build: build && { ...build, number: text(build.number) },
    pipeline: text(context.pipeline),
    commit: context.commit && text(context.commit),
    runName: text(context.runName),
    branch: text(context.branch),
    requestedFor: requestedFor && { ...requestedFor, displayName: text(requestedFor.displayName) },
    reason: text(context.reason),
    stage: text(context.stage),
    job: text(context.job),
    environment: text(context.environment),
    release: release && {
      ...release,
      name: text(release.name),
      definitionName: text(release.definitionName),
    },
    ...(pullRequest === undefined ? {} : { pullRequest: text(pullRequest) }),
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
    ...(value.ranIn && { ranIn: { ...value.ranIn, name: text(value.ranIn.name) } }),
    ...(value.since && { since: { ...value.since, run: run(value.since.run) } }),
  });
  const tests = evidence.tests && {
    ...evidence.tests,
    tests: evidence.tests.tests.map(test),
    flaky: evidence.tests.flaky.map(test),
    suspects: evidence.tests.suspects.map((suspects) => ({
      run: suspects.run && run(suspects.run),
      commits: suspects.commits?.map(commit),
    })),
  };
  return {
    ...evidence,
    logTails: evidence.logTails.map((tail) => ({ ...tail, lines: tail.lines.flatMap(line) })),
    tests,
    commits: evidence.commits.map(commit),
  };
}
