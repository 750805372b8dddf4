import { createHash } from 'node:crypto';
import type { RunContext } from '../facts/context';
import { renderTemplate, Template, TemplateValues } from '../text/templates';

/** The grouping key of recurring failures: its readable text and the tag that stores it on the item. */
export interface Fingerprint {
  readonly text: string;
  readonly tag: string;
}

/** Tags the task puts on items to find them again; people see them on the item. */
const FINGERPRINT_TAG_PREFIX = 'pwi:';

/**
 * The fingerprint of this run: the `fingerprint` template, or pipeline + branch (+ environment in releases and
 * deployment jobs). Stored as a tag (a hash of the text, case and spacing ignored) because a tag survives people
 * editing the title and description, can be matched exactly by WIQL, and needs no process customization.
 */
export function fingerprintOf(
  template: Template | undefined,
  values: TemplateValues,
  context: Pick<RunContext, 'pipeline' | 'branch' | 'environment'>,
): Fingerprint {
  const raw = template
    ? renderTemplate(template, values)
    : [context.pipeline, context.branch, context.environment].filter((part) => part !== '').join(' · ');
  const text = raw.replace(/\s+/g, ' ').trim();
  const hash = createHash('sha256').update(text.toLowerCase(), 'utf8').digest('hex');
  return { text, tag: `${FINGERPRINT_TAG_PREFIX}${hash.slice(0, 12)}` };
}
