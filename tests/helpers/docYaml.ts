// The YAML snippets of the documentation and the task's steps in them, for the tests that check them as written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './repo';

/** The text of each ```yaml block of `document` (a path from the repository's root). */
export function yamlBlocks(document: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot(), document), 'utf8');
  return [...text.matchAll(/^```ya?ml\r?\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
}

/** Every `- task: PipelineWorkItem@…` step anywhere in a parsed snippet. */
export function taskSteps(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(taskSteps);
  if (node === null || typeof node !== 'object') return [];
  const fields = node as Record<string, unknown>;
  const own =
    typeof fields['task'] === 'string' && fields['task'].startsWith('PipelineWorkItem@') ? [fields] : [];
  return [...own, ...Object.values(fields).flatMap(taskSteps)];
}
