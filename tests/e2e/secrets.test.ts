import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildSeed } from '../emulator/harness';
import { fileLink } from '../helpers/links';
import type { TaskRun } from './agent';
import { buildVariables, failedYamlRun, greenYamlRun } from './pipelines';
import { Job, useSession } from './session';

const SECRET = 'Sup3r-s3cret-deploy-key';
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

// Encoded forms of the secret as tools print them: Basic headers of a token and of a user's PAT, the secret
// inside other Base64 data (URL-safe alphabet), and hex in both cases.
const ENCODED_ERRORS = [
  `401 with Authorization: Basic ${base64(`:${SECRET}`)}`,
  `curl -H "Authorization: Basic ${base64(`deploy@fabrikam.example:${SECRET}`)}"`,
  `payload ${base64(`{"k":"${SECRET}"}`).replace(/\+/g, '-').replace(/\//g, '_')}`,
  `key bytes ${Buffer.from(SECRET).toString('hex')} / ${Buffer.from(SECRET).toString('hex').toUpperCase()}`,
];

// The secret inside the branch name and the build number: both reach the title, the fields, the relation
// comments, and the recurrence and resolution notes. The session's scan looks for every form of it everywhere.
describe('packaged task: a secret is masked in every form and in every write', function () {
  const session = useSession();

  async function runBuild(id: number, outcome: 'failed' | 'green'): Promise<TaskRun> {
    const buildNumber = `20261206.${id}-${SECRET}`;
    const run = outcome === 'failed' ? failedYamlRun(id, ENCODED_ERRORS) : greenYamlRun(id);
    const seed: BuildSeed = { ...run, buildNumber, sourceBranch: `refs/heads/fix/${SECRET}` };
    await session.emulator.seedBuild(seed);
    const job: Job = {
      variables: buildVariables(id, {
        'Build.BuildNumber': buildNumber,
        'Build.SourceBranch': `refs/heads/fix/${SECRET}`,
        'Build.SourceBranchName': SECRET,
        'Agent.JobStatus': outcome === 'failed' ? 'Failed' : 'Succeeded',
      }),
      secretVariables: { 'Deploy.Key': SECRET },
    };
    return session.run(job);
  }

  it('fields, relation comments, the recurrence comment and the resolution note carry only masks', async () => {
    const first = await runBuild(970, 'failed');
    const [item] = await session.items(1, first);
    assert.equal(first.outputs['WorkItemAction'], 'created', first.stdout);
    const body = String(item!.fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.match(body, /Authorization: Basic \w{0,3}\*\*\*</, body);
    assert.match(body, /key bytes \*\*\* \/ \*\*\*/, body);
    const links = (item!.relations ?? []).map((r) => String(r.attributes['comment'] ?? ''));
    assert.ok(links.includes('Pipeline run 20261206.970-***'), links.join('\n'));

    const again = await runBuild(971, 'failed');
    assert.equal(again.outputs['WorkItemAction'], 'commented', again.stdout);
    const green = await runBuild(972, 'green');
    assert.equal(green.outputs['WorkItemAction'], 'resolved', green.stdout);
    const comments = (await session.emulator.comments(item!.id)).map((c) => c.text);
    assert.ok(
      comments.some((text) => text.includes('Failed again') && text.includes('20261206.971-***')),
      comments.join('\n'),
    );
    assert.ok(
      comments.some((text) => text.includes('The pipeline recovered') && text.includes('20261206.972-***')),
      comments.join('\n'),
    );
  });

  it("the agent's proxy password, a secret variable, is never printed", async () => {
    await session.emulator.seedBuild(failedYamlRun(974));
    // The agent's proxy with its credentials; the emulator's host bypasses it, as an intranet host would.
    const run = await session.run({
      variables: buildVariables(974, {
        'Agent.JobStatus': 'Failed',
        'Agent.ProxyUrl': 'http://proxy.fabrikam.example:8888',
        'Agent.ProxyUsername': 'svc-proxy',
        'Agent.ProxyBypassList': JSON.stringify(['127\\.0\\.0\\.1', 'localhost']),
      }),
      secretVariables: { 'Agent.ProxyPassword': 'Pr0xy-pa55word-of-the-agent' },
    });
    assert.equal(run.outputs['WorkItemAction'], 'created', run.stdout);
  });

  it('a key of several lines is masked line by line, also quoted with other line ends or in part', async () => {
    // A signing key in a secret variable, as a Key Vault-linked group holds it: its lines end in LF.
    const lines = [
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
      'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
      '-----END PRIVATE KEY-----',
    ];
    const key = lines.join('\n');
    const run = failedYamlRun(975);
    await session.emulator.seedBuild({
      ...run,
      records: run.records?.map((record) => (record.id === 'test' ? { ...record, task: 'VSTest' } : record)),
      // A test on a Windows agent quotes it with CRLF; a log line holds one of its lines.
      testResults: [
        {
          testCaseTitle: 'signs_package',
          outcome: 'Failed',
          errorMessage: `bad key:\r\n${lines.join('\r\n')}`,
        },
      ],
      logs: { '4': ['npm test', `using ${lines[1]}`, 'npm ERR! Test failed.'] },
    });
    const filed = await session.run({
      variables: buildVariables(975, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Signing.Key': key },
      inputs: { attachments: '*.log' },
      // The test's own log, written on Windows: the key's lines end in CRLF there.
      workspace: ({ sources }) =>
        fs.writeFileSync(path.join(sources, 'signing.log'), `loaded key\r\n${lines.join('\r\n')}\r\n`),
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    const [item] = await session.items(1, filed);
    const body = String(item!.fields['Microsoft.VSTS.TCM.ReproSteps']);
    const [attachment] = await session.emulator.attachments();
    const file = String(await session.emulator.attachment(attachment!.id));
    for (const text of [body, file]) {
      for (const line of lines.slice(1, 3)) assert.ok(!text.includes(line.slice(0, 20)), text);
    }
  });

  it('a password in a URL as the URL standard writes it, or in a form body, is masked', async () => {
    const password = 'P@ss$w0rd!x-2026';
    // What Node.js writes for a URL with a password, and for a form with it (URLSearchParams).
    const url = new URL('https://db.fabrikam.example/orders');
    url.username = 'deploy';
    url.password = password;
    const form = new URLSearchParams({ user: 'deploy', password }).toString();
    await session.emulator.seedBuild(
      failedYamlRun(976, [`connect ECONNREFUSED ${url.href}`, `POST /token ${form} answered 401`]),
    );
    const filed = await session.run({
      variables: buildVariables(976, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Db.Password': password },
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    const [item] = await session.items(1, filed);
    const body = String(item!.fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.match(body, /deploy:\*\*\*@db\.fabrikam\.example/, body);
    assert.match(body, /password=\*\*\* answered/, body);
  });

  it("a secret in an attached HTML report is masked as each tool's HTML escaping writes it", async () => {
    const secret = `it's-the-"deploy"-key`;
    await session.emulator.seedBuild(failedYamlRun(977));
    // The same page escaped as lodash or Java, Python, XML and Go write HTML.
    const escaped = ['&#39;', '&#x27;', '&apos;'].map((apostrophe) =>
      secret.replace(/'/g, apostrophe).replace(/"/g, '&quot;'),
    );
    escaped.push(secret.replace(/'/g, '&#39;').replace(/"/g, '&#34;'));
    const filed = await session.run({
      variables: buildVariables(977, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Deploy.Key': secret },
      inputs: { attachments: '*.html' },
      workspace: ({ sources }) =>
        fs.writeFileSync(
          path.join(sources, 'report.html'),
          escaped.map((text) => `<p>key: ${text}</p>`).join('\n'),
        ),
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    const [attachment] = await session.emulator.attachments();
    const file = String(await session.emulator.attachment(attachment!.id));
    assert.equal(file, escaped.map(() => '<p>key: ***</p>').join('\n'));
  });

  it('a secret in JSON as Python and Go escape it (lower-case \\u escapes) is masked', async () => {
    const secret = 'Pässwort&Co-2026';
    // json.dumps escapes what is not ASCII, Go's encoding/json escapes & < >: both in lower-case hex.
    const python = JSON.stringify(secret).replace(
      /[^\x00-\x7f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const go = JSON.stringify(secret).replace(
      /[<>&]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    await session.emulator.seedBuild(
      failedYamlRun(978, [`request {"password": ${python}} refused`, `request {"password":${go}} refused`]),
    );
    const filed = await session.run({
      variables: buildVariables(978, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Db.Password': secret },
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    const [item] = await session.items(1, filed);
    const body = String(item!.fields['Microsoft.VSTS.TCM.ReproSteps']);
    assert.equal(body.match(/password&quot;: ?&quot;\*\*\*&quot;/g)?.length, 2, body);
  });

  it('the run summary masks a secret in an encoded form its Markdown escapes would split', async () => {
    const secret = 'Sup3r-s3cret?deploy=key';
    const encoded = encodeURIComponent(secret);
    await session.emulator.seedBuild(failedYamlRun(979));
    // A capture whose name holds the secret URL-encoded, left out (its target is gone) with a warning naming it.
    const filed = await session.run({
      variables: buildVariables(979, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Deploy.Key': secret },
      inputs: { attachments: '*.png' },
      workspace: ({ sources }) =>
        fileLink(path.join(sources, 'gone.png'), path.join(sources, `capture-${encoded}.png`)),
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    assert.match(filed.warnings.join('\n'), /capture-\*\*\*\.png/);
    const unescaped = filed.summary.replace(/\\([!-/:-@[-`{-~])/g, '$1');
    assert.match(unescaped, /capture-\*\*\*\.png/, filed.summary);
  });

  it('a secret as long as a certificate is masked like any other, and the task still files', async () => {
    // A signing certificate in a secret variable (a Key Vault-linked group holds such): 12 KB of Base64.
    const pfx = Buffer.from(Array.from({ length: 9_216 }, (_, i) => (i * 37) % 256)).toString('base64');
    const run = failedYamlRun(973, [`signing with ${pfx} failed`]);
    await session.emulator.seedBuild(run);
    const filed = await session.run({
      variables: buildVariables(973, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Signing.Pfx': pfx },
    });
    assert.equal(filed.result, 'Succeeded', filed.stdout.slice(0, 2000));
    assert.equal(filed.outputs['WorkItemAction'], 'created');
    const [item] = await session.items(1, filed);
    assert.match(String(item!.fields['Microsoft.VSTS.TCM.ReproSteps']), /signing with \*\*\* failed/);
  });

  it('a secret holding a control character is masked in the title and a single-line value before it goes', async () => {
    // A secret variable with a bell in it, which a title and a single-line text field cannot hold: without it,
    // what is left of the secret no longer matches it.
    const secret = 'Sup3r\u0007s3cret-deploy-key';
    await session.emulator.seedBuild(failedYamlRun(980));
    const filed = await session.run({
      variables: buildVariables(980, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Deploy.Key': secret },
      inputs: {
        title: `Deploy with ${secret} failed`,
        fields: `Microsoft.VSTS.Build.IntegrationBuild=key ${secret}`,
      },
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    const [item] = await session.items(1, filed);
    assert.equal(item!.fields['System.Title'], 'Deploy with *** failed');
    assert.equal(item!.fields['Microsoft.VSTS.Build.IntegrationBuild'], 'key ***');
  });

  it('files named after a secret are attached masked, also where the secret holds what Windows refuses', async function () {
    // Windows cannot create a name with a colon or a question mark: the test needs a file system that can.
    if (process.platform === 'win32') this.skip();
    // Each character Windows refuses is sent as _, the mask's * too: a password of such characters, masked only
    // after, would no longer match; a name with the mask's * would be refused.
    const password = 'Pa55:w0rd?deploy';
    await session.emulator.seedBuild(failedYamlRun(981));
    const filed = await session.run({
      variables: buildVariables(981, { 'Agent.JobStatus': 'Failed' }),
      secretVariables: { 'Deploy.Key': SECRET, 'Db.Password': password },
      inputs: { attachments: '*.log' },
      workspace: ({ sources }) => {
        fs.writeFileSync(path.join(sources, `dump-${SECRET}.log`), 'dump');
        fs.writeFileSync(path.join(sources, `db-${password}.log`), 'db');
      },
    });
    assert.equal(filed.outputs['WorkItemAction'], 'created', filed.stdout);
    const [item] = await session.items(1, filed);
    const names = (item!.relations ?? [])
      .filter((relation) => relation.rel === 'AttachedFile')
      .map((relation) => String(relation.attributes['name']));
    assert.deepEqual(names.sort(), ['db-___.log', 'dump-___.log']);
    assert.deepEqual(filed.warnings, []);
  });
});
