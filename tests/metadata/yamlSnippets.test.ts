import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { taskSteps, yamlBlocks } from '../helpers/docYaml';
import { readJson, repoRoot, TASK_JSON, type TaskJson } from '../helpers/repo';

// The YAML a user copies from the documentation must run as written: it parses, and every step of the task
// names inputs the task has, with values its pick lists allow.

const DOCUMENTS = [
  'README.md',
  'overview.md',
  'CONTRIBUTING.md',
  ...fs
    .readdirSync(path.join(repoRoot(), 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

describe('YAML in the documentation', () => {
  const task = readJson<TaskJson>(TASK_JSON);
  const inputs = new Map((task.inputs ?? []).map((input) => [input.name, input]));

  for (const document of DOCUMENTS) {
    const blocks = yamlBlocks(document);
    if (blocks.length === 0) continue;

    it(`${document}: every YAML snippet (${blocks.length}) parses and names only inputs and values the task has`, () => {
      for (const block of blocks) {
        let parsed: unknown;
        assert.doesNotThrow(() => (parsed = load(block)), `${document}:\n${block}`);
        for (const step of taskSteps(parsed)) {
          assert.equal(
            step['task'],
            `PipelineWorkItem@${task.version.Major}`,
            `${document}: the task's major version`,
          );
          for (const [name, value] of Object.entries((step['inputs'] ?? {}) as Record<string, unknown>)) {
            const input = inputs.get(name);
            assert.ok(input, `${document}: no input '${name}'`);
            const literal = String(value);
            if (input.options && !literal.includes('$(')) {
              assert.ok(
                literal in input.options,
                `${document}: ${name}: '${literal}' is not one of its options`,
              );
            }
          }
        }
      }
    });
  }

  it('finds the task in the snippets of README.md and overview.md', () => {
    for (const document of ['README.md', 'overview.md']) {
      assert.ok(
        yamlBlocks(document).some((block) => taskSteps(load(block)).length > 0),
        document,
      );
    }
  });
});
