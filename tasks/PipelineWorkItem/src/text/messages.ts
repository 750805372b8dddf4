import { format } from 'node:util';
// A named import: esbuild then bundles only the `messages` object of task.json, not the whole file.
import { messages } from '../../task.json';

/** A key of task.json `messages`: every message the task writes to the log, its result and its summary. */
export type MessageKey = keyof typeof messages;

/** Looks a message up and fills its `%s`/`%d` placeholders, as task-lib's `tl.loc` does. */
export type Localizer = (key: MessageKey, ...args: (string | number)[]) => string;

// task-lib formats only when there are arguments (a message without them is returned as written); so does this.
const english: Localizer = (key, ...args) =>
  args.length > 0 ? format(messages[key], ...args) : messages[key];

let localizer: Localizer = english;

/**
 * The message `key` of task.json, its placeholders filled with `args`: in English, or in the agent's language
 * once the host has called `useLocalizer`. Keys stay literal at every call, so a test can check them.
 */
export function loc(key: MessageKey, ...args: (string | number)[]): string {
  return localizer(key, ...args);
}

/**
 * Routes every `loc` call through `localize` (the agent host passes task-lib's `tl.loc`, which reads the
 * `Strings/resources.resjson` of `System.Culture`); undefined goes back to the English of task.json.
 * Called once per process: the pure core never imports task-lib.
 */
export function useLocalizer(localize: Localizer | undefined): void {
  localizer = localize ?? english;
}
