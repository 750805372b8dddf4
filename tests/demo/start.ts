// `npm start`: the packaged task files a Bug for a sample failed run against the emulator, and shows what it filed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, WorkItemJson } from '../emulator/harness';
import { runTask } from '../e2e/agent';
import { JOB_TOKEN } from '../e2e/pipelines';
import { repoRoot } from '../helpers/repo';
import { unpackVsix } from '../helpers/vsix';
import { demoBuild, demoEarlierBuild, DEMO_INPUTS, demoVariables } from './demoRun';
import { htmlToText } from './plainText';

const BODY_FIELDS = ['Microsoft.VSTS.TCM.ReproSteps', 'System.Description'];

async function main(): Promise<void> {
  const [emulator, vsix] = await Promise.all([startEmulator(), unpackVsix()]);
  try {
    await emulator.setTokens([JOB_TOKEN]);
    // Two failed steps in two stages, with their logs, the failing tests and the commits of the run, and the
    // earlier build where one of the tests began to fail.
    await emulator.seedBuild(demoEarlierBuild());
    await emulator.seedBuild(demoBuild());
    console.log(`Emulator: ${emulator.collectionUrl}`);
    console.log(
      `Task: node ${path.relative(process.cwd(), vsix.target)} (unpacked from ${path.basename(vsix.vsix)})\n`,
    );
    const run = await runTask(vsix.target, {
      collectionUrl: emulator.collectionUrl,
      jobToken: JOB_TOKEN,
      variables: demoVariables(),
      inputs: DEMO_INPUTS,
    });
    console.log(`Task result: ${run.result} — ${run.resultMessage}`);
    console.log(`Outputs: ${JSON.stringify(run.outputs)}\n`);
    console.log('Requests the task made:');
    for (const request of await emulator.requests()) {
      const query = new URLSearchParams(request.query).toString();
      console.log(`  ${request.method} ${request.path}${query ? `?${query}` : ''} → ${request.status}`);
    }
    const items = await emulator.workItems();
    if (items.length === 0) throw new Error(`No work item was filed. The task said:\n${run.stdout}`);
    for (const item of items) show(item);
  } finally {
    await emulator.stop();
  }
}

function show(item: WorkItemJson): void {
  console.log(`\n${item.fields['System.WorkItemType']} ${item.id}: ${item.fields['System.Title']}`);
  for (const [name, value] of Object.entries(item.fields)) {
    if (BODY_FIELDS.includes(name)) continue;
    console.log(`  ${name} = ${fieldText(value)}`);
  }
  for (const relation of item.relations ?? []) {
    const label = relation.attributes['name'] ?? relation.attributes['comment'] ?? '';
    console.log(`  relation ${relation.rel} → ${relation.url}${label ? ` (${String(label)})` : ''}`);
  }
  const field = BODY_FIELDS.find((name) => item.fields[name] !== undefined);
  if (!field) return;
  const file = path.join(repoRoot(), 'build', 'demo', `work-item-${item.id}.html`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>${item.id}</title>
<style>body{font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:60em;margin:2em auto}td{padding:2px 12px 2px 0;vertical-align:top}</style>
</head><body><h2>${String(item.fields['System.Title']).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</h2>
<p><i>${field}</i></p>${String(item.fields[field])}</body></html>\n`;
  fs.writeFileSync(file, page, 'utf8');
  console.log(`\n${field}, as text:\n`);
  console.log(htmlToText(String(item.fields[field])).replace(/^/gm, '  '));
  console.log(`\nThe ${field} HTML is in ${path.relative(process.cwd(), file)}; open it in a browser.`);
}

// Identities come back as objects; a person reads them as "Name <email>".
function fieldText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const identity = value as { displayName?: string; uniqueName?: string };
  return identity.displayName
    ? `${identity.displayName} <${identity.uniqueName ?? ''}>`
    : JSON.stringify(value);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
