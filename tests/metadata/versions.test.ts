import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readJson, repoRoot, taskVersion, type ExtensionManifest, type TaskJson } from '../helpers/repo';

describe('versions and extension manifest', () => {
  const { version } = readJson<{ version: string }>('package.json');
  const manifest = readJson<ExtensionManifest>('vss-extension.json');
  const taskContributions = manifest.contributions.filter((c) => c.type === 'ms.vss-distributed-task.task');

  it('package.json, task.json and vss-extension.json have the same version', () => {
    const task = readJson<TaskJson>('tasks/PipelineWorkItem/task.json');
    assert.deepStrictEqual(
      { taskJson: taskVersion(task), vssExtension: manifest.version },
      { taskJson: version, vssExtension: version },
    );
  });

  it('contributes one task, from a folder that holds task.json', () => {
    assert.strictEqual(taskContributions.length, 1);
    const folder = taskContributions[0].properties.name;
    assert.ok(fs.existsSync(path.join(repoRoot(), folder, 'task.json')), `${folder}/task.json`);
  });

  it('packages the task folder (tfx silently leaves out folders missing from files)', () => {
    const folder = taskContributions[0].properties.name;
    assert.ok(
      manifest.files.some((f) => f.path === folder),
      `files ${JSON.stringify(manifest.files)} lacks ${folder}`,
    );
  });
});
