import * as fs from 'fs';
import * as path from 'path';

/** The task's folder, and its task.json and task.loc.json, relative to the repository root. */
export const TASK_DIR = path.join('tasks', 'PipelineWorkItem');
export const TASK_JSON = path.join(TASK_DIR, 'task.json');
export const TASK_LOC_JSON = path.join(TASK_DIR, 'task.loc.json');

let root: string | undefined;

/**
 * The repository root: the nearest folder above this file that holds package.json. Works both from
 * the sources (tests/helpers) and from the compiled tests (out/tests/helpers).
 */
export function repoRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (root = dir);
    if (path.dirname(dir) === dir) throw new Error(`no package.json in any folder above ${__dirname}`);
  }
}

/** Parses a JSON file; a relative path is taken from the repository root. */
export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.resolve(repoRoot(), file), 'utf8')) as T;
}

/** The parts of task.json the metadata tests read. */
export interface TaskJson {
  id: string;
  name: string;
  friendlyName: string;
  helpMarkDown?: string;
  version: { Major: number; Minor: number; Patch: number };
  minimumAgentVersion?: string;
  groups?: { name: string }[];
  inputs?: {
    name: string;
    type: string;
    defaultValue?: string | boolean;
    options?: Record<string, string>;
    groupName?: string;
    visibleRule?: string;
    helpMarkDown?: string;
  }[];
  outputVariables?: { name: string }[];
  execution: Record<string, { target: string }>;
}

/** The parts of vss-extension.json the metadata tests read. */
export interface ExtensionManifest {
  id: string;
  publisher: string;
  version: string;
  files: { path: string }[];
  contributions: { id: string; type: string; properties: { name: string } }[];
}

let defaults: Readonly<Record<string, string>> | undefined;

/**
 * task.json's inputs as the agent hands them to a step that sets none: every input task.json declares, its default
 * trimmed (an input without a default is there, empty).
 */
export function inputDefaults(): Readonly<Record<string, string>> {
  defaults ??= Object.fromEntries(
    (readJson<TaskJson>(TASK_JSON).inputs ?? []).map((input) => [
      input.name,
      String(input.defaultValue ?? '').trim(),
    ]),
  );
  return defaults;
}

/** "X.Y.Z" from task.json's version object. */
export function taskVersion(task: TaskJson): string {
  return `${task.version.Major}.${task.version.Minor}.${task.version.Patch}`;
}
