import { createHash } from 'node:crypto';
import { laneBranch, type Lane } from '../facts/context';
import { renderTemplate, Template, TemplateValues } from '../text/templates';

/**
 * The grouping key of recurring failures: its readable text and the tag that stores it on the item, and the tag of
 * the run's scope (pipeline, branch, environment and pull-request lane), which recovery finds items by.
 */
export interface Fingerprint {
  readonly text: string;
  readonly tag: string;
  readonly scopeTag: string;
  /**
   * Where the run's branch has letters in upper case: the tag 1.0.0 wrote for its text, which ignored case (so
   * `MAIN` spelled `main`'s), and the scope tag of the branch in lower case, whose items carry that same tag.
   * Items that carry it and no such scope tag are 1.0.0's, found as before.
   */
  readonly caseBlind?: { readonly tag: string; readonly lowerCaseScopeTag: string };
}

/** Tags the task puts on items to find them again; people see them on the item. */
const FINGERPRINT_TAG_PREFIX = 'pwi:';
// The other prefixes never take the place of a hexadecimal 1.0.0 tag: `p` and `s` are no hex digits.
const PULL_REQUEST_TAG_PREFIX = 'pwi:pr-';
const SCOPE_TAG_PREFIX = 'pwi:scope-';
const TEST_TAG_PREFIX = 'pwi:test-';
const TESTS_SCOPE_TAG_PREFIX = 'pwi:tests-';
const FLAKY_TAG_PREFIX = 'pwi:flaky-';
const SUCCESS_TAG_PREFIX = 'pwi:success-';

/** Whether a tag has the form of the task's own tags (`pwi:` and more), which only the task may put on an item. */
export function isTaskTag(tag: string): boolean {
  return tag.toLowerCase().startsWith(FINGERPRINT_TAG_PREFIX);
}

/**
 * The fingerprint of this run: the `fingerprint` template, or pipeline + branch (+ environment in releases and
 * deployment jobs). Stored as a tag (a hash of the text, case and spacing ignored but the branch's case) because
 * a tag survives people editing the title and description, can be matched exactly by WIQL, and needs no process
 * customization. A pull-request run's fingerprint always holds its pull request, whatever the template, and its
 * hash is taken in a domain of its own, so that a pull request never finds (comments on, resolves) an item of
 * another lane; other runs keep the tag of 1.0.0, by which their open items are found (a branch with letters in
 * upper case also looks for 1.0.0's, see `caseBlind`).
 */
export function fingerprintOf(
  template: Template | undefined,
  values: TemplateValues,
  context: Lane,
): Fingerprint {
  // The branch's spaces beyond ASCII's kept apart here too (facts/context.ts, laneBranch).
  const textOf = (branch: (name: string) => string): string =>
    normalized(
      template
        ? renderTemplate(template, { ...values, branch: branch(laneBranch(values.branch)) })
        : [context.pipeline, branch(context.branch), context.environment]
            .filter((part) => part !== '')
            .join(' · '),
    );
  const text = textOf((branch) => branch);
  const scopeTag = `${SCOPE_TAG_PREFIX}${digest('scope', scopeParts(context))}`;
  if (context.pullRequest === undefined) {
    const keyed = textOf(caseKept);
    const tag = `${FINGERPRINT_TAG_PREFIX}${hash(keyed.toLowerCase())}`;
    if (keyed === text) return { text, tag, scopeTag };
    const blind = `${FINGERPRINT_TAG_PREFIX}${hash(text.toLowerCase())}`;
    const lowerCase = { ...context, branch: context.branch.toLowerCase() };
    const lowerCaseScopeTag = `${SCOPE_TAG_PREFIX}${digest('scope', scopeParts(lowerCase))}`;
    return { text, tag, scopeTag, caseBlind: { tag: blind, lowerCaseScopeTag } };
  }
  return {
    text: `${text} · pull request ${context.pullRequest}`,
    tag: `${PULL_REQUEST_TAG_PREFIX}${digest('pull-request', [context.pullRequest, text])}`,
    scopeTag,
  };
}

/**
 * The fingerprint of an item a run files for its success (`createOn` `success`, or `always` on a succeeded run):
 * a series of its own, so that a success never comments on a failure's open item, nor a failure on a success's,
 * whatever the template made of the run. A green run's recovery never resolves it, so it carries only its own tag.
 */
export function successFingerprintOf(failure: Fingerprint): Fingerprint {
  const tag = `${SUCCESS_TAG_PREFIX}${digest('success', [failure.tag])}`;
  return { text: `${failure.text} · succeeded`, tag, scopeTag: tag };
}

/**
 * The fingerprint of one failing test's own item (`trackTests: perTest`): pipeline, branch (and environment) and
 * the test's name, in the run's lane. Its scope tag is that of every test item of the pipeline and branch, so
 * that one query finds them all; it is not the run's scope tag, which a green run resolves by: a test item is
 * resolved only when its own test passes.
 */
export function testFingerprintOf(context: Lane, test: string): Fingerprint {
  const parts = scopeParts(context);
  const where = [context.pipeline, context.branch, context.environment].filter((part) => part !== '');
  const lane = context.pullRequest === undefined ? '' : ` · pull request ${context.pullRequest}`;
  return {
    text: normalized(`${[...where, test].join(' · ')}${lane}`),
    tag: `${TEST_TAG_PREFIX}${digest('test', [...parts, test])}`,
    scopeTag: `${TESTS_SCOPE_TAG_PREFIX}${digest('tests', parts)}`,
  };
}

/**
 * The fingerprint of the pipeline's flaky-tests item, in the run's lane: one per pipeline (every branch and
 * environment), never resolved by a green run, so it carries only its own tag.
 */
export function flakyFingerprintOf(context: Lane): Fingerprint {
  const lane = context.pullRequest === undefined ? '' : ` · pull request ${context.pullRequest}`;
  const tag = `${FLAKY_TAG_PREFIX}${digest('flaky', [context.project, pipelineKey(context), lane])}`;
  return { text: normalized(`flaky tests · ${context.pipeline}${lane}`), tag, scopeTag: tag };
}

function scopeParts(context: Lane): string[] {
  const parts = [context.project, pipelineKey(context), caseKept(context.branch), context.environment];
  return context.pullRequest === undefined
    ? [...parts, '']
    : [...parts, `pull request ${context.pullRequest}`];
}

// The pipeline in the tags that only this version writes: its definition's id where the agent gives it, so that
// two pipelines of one name in different folders keep apart and a renamed pipeline keeps its items. (The
// fingerprint's own tag keeps the name, as 1.0.0 wrote it.)
// Build and release definitions are numbered apart, so the kind is part of the key.
function pipelineKey(context: Lane): string {
  return context.pipelineId === undefined
    ? context.pipeline
    : `${context.hostType} definition ${context.pipelineId}`;
}

// Git and Azure Repos keep two branches whose names differ only in case apart (`MAIN` is not `main`), while the
// tags are hashes of lower-cased text: each character that lower-casing changes is written as `^` and its code
// point, a character no Git ref holds. The code points laneBranch wrote for spaces stay as they are.
function caseKept(branch: string): string {
  return branch.replace(/<U\+[0-9A-F]+>|[^]/gu, (c) =>
    c.length > 2 || c.toLowerCase() === c ? c : `^${c.codePointAt(0)?.toString(16) ?? ''}`,
  );
}

function normalized(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// The hash of each part's length and text, after a domain name: no two different part lists (or domains) can
// spell the same input, so the only way two tags meet is a hash collision.
function digest(domain: string, parts: readonly string[]): string {
  const encoded = parts.map((part) => normalized(part).toLowerCase()).map((part) => `${part.length}:${part}`);
  return hash(`${domain}\u0000${encoded.join('\u0000')}`);
}

function hash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}
