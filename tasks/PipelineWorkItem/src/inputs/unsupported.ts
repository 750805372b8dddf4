import type { InputName, Settings } from './settings';

// Declared in task.json (the public interface is fixed) but not acted on by this version yet. Say so rather than
// let a user believe a log excerpt or a de-duplicated item is on its way.
const PENDING: readonly [InputName, (settings: Settings) => boolean][] = [
  ['attachLogs', (s) => s.attachLogs],
  ['attachments', (s) => s.attachments.length > 0],
  ['linkWorkItems', (s) => s.linkWorkItems],
  ['onRecurrence', (s) => s.onRecurrence !== 'comment'],
  ['fingerprint', (s) => s.fingerprint !== undefined],
];

/** Warnings for inputs set to something this version does not do yet. */
export function unsupportedInputWarnings(settings: Settings): string[] {
  return PENDING.filter(([, isSet]) => isSet(settings)).map(
    ([name]) => `Input '${name}' is not supported by this version of the task yet and is ignored.`,
  );
}
