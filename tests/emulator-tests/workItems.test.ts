// Work item tracking through the real WorkItemTrackingApi client against the emulator process.
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { PEOPLE } from '../emulator/harness';
import { WorkItemErrorPolicy } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { add, assertOnlyKnownRequests, clients, JOB_TOKEN, PatchOp, rejection, useEmulator } from './helpers';

const relation = (rel: string, url: string, attributes: Record<string, unknown> = {}): PatchOp => ({
  op: 'add',
  path: '/relations/-',
  value: { rel, url, attributes },
});
const title = (t: string): PatchOp => add('System.Title', t);

describe('emulator: work items', function () {
  this.timeout(20_000);
  const em = useEmulator();
  // Every test here talks to the emulator only through the REST routes and discovery.
  afterEach(async () => assertOnlyKnownRequests(em()));
  const wit = () => clients(em()).wit;

  it('creates a Bug with fields and relations and reads it back', async () => {
    const parent = await wit().createWorkItem(null, [title('Epic parent')], 'WebApp', 'Epic');
    assert.ok(parent.id);
    const created = await wit().createWorkItem(
      null,
      [
        title('CI failed on main'),
        add('Microsoft.VSTS.TCM.ReproSteps', '<p>details</p>'),
        add('Microsoft.VSTS.Common.Priority', '1'),
        add('Microsoft.VSTS.Common.Severity', '2 - High'),
        add('Microsoft.VSTS.Build.FoundIn', '20240501.7'),
        add('System.AssignedTo', 'Sam Rivera <sam@fabrikam.example>'),
        add('System.AreaPath', 'webapp\\frontend'),
        add('System.IterationPath', 'WebApp\\Sprint 2'),
        add('System.Tags', 'pipeline-failure; ci'),
        relation('ArtifactLink', 'vstfs:///Build/Build/42', { name: 'Build' }),
        relation(
          'System.LinkTypes.Hierarchy-Reverse',
          `${em().collectionUrl}_apis/wit/workItems/${parent.id}`,
        ),
        relation('Hyperlink', 'https://example.test/run/42', { comment: 'run' }),
      ],
      'WebApp',
      'Bug',
    );
    assert.equal(created.rev, 1);
    const got = await wit().getWorkItem(created.id ?? 0, undefined, undefined, 4 /* All */);
    const f = got.fields ?? {};
    assert.equal(f['System.State'], 'New');
    assert.equal(f['System.Reason'], 'New');
    assert.equal(f['Microsoft.VSTS.Common.Priority'], 1);
    assert.equal(f['System.AreaPath'], 'WebApp\\Frontend');
    assert.equal(f['System.Tags'], 'ci; pipeline-failure');
    assert.equal(f['System.AssignedTo'].uniqueName, PEOPLE.sam.uniqueName);
    assert.equal(f['System.CreatedBy'].displayName, 'Build Service');
    assert.deepEqual(got.relations?.map((r) => r.rel).sort(), [
      'ArtifactLink',
      'Hyperlink',
      'System.LinkTypes.Hierarchy-Reverse',
    ]);
    const back = await wit().getWorkItem(parent.id ?? 0, undefined, undefined, 1 /* Relations */);
    assert.equal(back.rev, 2, 'the parent gets a revision for its new child link');
    assert.equal(back.relations?.[0]?.rel, 'System.LinkTypes.Hierarchy-Forward');
  });

  it('stores a tag in the casing the project already has it in, per project', async () => {
    const tags = (t: string) => [title('x'), add('System.Tags', t)];
    const first = await wit().createWorkItem(null, tags('Flaky-Test'), 'Mobile', 'Bug');
    const second = await wit().createWorkItem(null, tags('flaky-test; New-One'), 'Mobile', 'Bug');
    assert.equal(second.fields?.['System.Tags'], 'Flaky-Test; New-One');
    const recased = await wit().updateWorkItem(null, [add('System.Tags', 'FLAKY-TEST')], first.id ?? 0);
    assert.equal(recased.fields?.['System.Tags'], 'Flaky-Test', 'a save cannot change the casing');
    const elsewhere = await wit().createWorkItem(null, tags('flaky-test'), 'WebApp', 'Bug');
    assert.equal(elsewhere.fields?.['System.Tags'], 'flaky-test', 'another project has its own tags');
  });

  it('rejects an unknown field with TF51535 and a field of another type too', async () => {
    const e = await rejection(
      wit().createWorkItem(null, [title('x'), add('Custom.Nope', 1)], 'WebApp', 'Bug'),
    );
    assert.equal(e.statusCode, 400);
    assert.match(e.message, /^TF51535: Cannot find field Custom\.Nope\.$/);
    const task = await rejection(
      wit().createWorkItem(null, [title('x'), add('Microsoft.VSTS.TCM.ReproSteps', 'r')], 'WebApp', 'Task'),
    );
    assert.match(task.message, /TF51535/);
  });

  it('answers 404 (client: null) for a Bug in a Basic project', async () => {
    assert.equal(await wit().createWorkItem(null, [title('x')], 'Starter', 'Bug'), null);
    const issue = await wit().createWorkItem(
      null,
      [title('x'), add('System.Description', 'd')],
      'Starter',
      'Issue',
    );
    assert.equal(issue.fields?.['System.State'], 'To Do');
    const log = await em().requests();
    assert.equal(log.find((r) => r.path.endsWith('/Starter/_apis/wit/workItems/$Bug'))?.status, 404);
  });

  it('holds at most 1,000,000 characters in a long-text field and in a comment', async () => {
    const steps = (length: number) => [
      title('long'),
      add('Microsoft.VSTS.TCM.ReproSteps', 'x'.repeat(length)),
    ];
    const fits = await wit().createWorkItem(null, steps(1_000_000), 'WebApp', 'Bug');
    assert.equal(String(fits.fields?.['Microsoft.VSTS.TCM.ReproSteps']).length, 1_000_000);
    const over = await rejection(wit().createWorkItem(null, steps(1_000_001), 'WebApp', 'Bug'));
    assert.equal(over.statusCode, 400);
    assert.equal(over.message, "TF401324: Value for field 'Microsoft.VSTS.TCM.ReproSteps' is too long.");
    for (const refused of ['vertical\u000btab', 'nul\u0000', 'non\uffffcharacter', 'half \udc00 pair']) {
      const e = await rejection(
        wit().createWorkItem(null, [title('x'), add('System.Description', refused)], 'WebApp', 'Task'),
      );
      assert.match(
        e.message,
        /^TF401320: Rule Error for field Description\. Error code: InvalidCharacters\.$/,
      );
    }
    const kept = await wit().createWorkItem(
      null,
      [title('x'), add('System.Description', '<p>tab\tline\r\nend \u007f\u0085 😀</p>')],
      'WebApp',
      'Task',
    );
    assert.equal(kept.fields?.['System.Description'], '<p>tab\tline\r\nend \u007f\u0085 😀</p>');
    const comment = await rejection(wit().addComment({ text: 'bell\u0007' }, 'WebApp', kept.id ?? 0));
    assert.equal(comment.statusCode, 400);
    assert.match(comment.message, /^The comment text contains characters that are not valid\.$/);
    const history = await rejection(
      wit().updateWorkItem(null, [add('System.History', 'h'.repeat(1_000_001))], kept.id ?? 0),
    );
    const long = await rejection(wit().addComment({ text: 'c'.repeat(1_000_001) }, 'WebApp', kept.id ?? 0));
    assert.equal(long.statusCode, 400);
    assert.equal(long.message, "TF401324: Value for field 'System.History' is too long.");
    assert.equal(long.message, history.message, 'a comment is refused as History is');
    await wit().addComment({ text: 'c'.repeat(1_000_000) }, 'WebApp', kept.id ?? 0);
    assert.equal((await em().comments(kept.id ?? 0)).length, 1);
  });

  it('enforces title rules with TF401320 and RuleValidationErrors', async () => {
    const long = await rejection(wit().createWorkItem(null, [title('x'.repeat(256))], 'WebApp', 'Bug'));
    assert.equal(long.statusCode, 400);
    assert.equal(long.message, "TF401324: Value for field 'System.Title' is too long.");
    assert.equal(long.result?.customProperties?.ReferenceName, 'System.Title');
    // 255 UTF-16 code units: a character beyond the BMP counts two.
    const wide = await wit().createWorkItem(null, [title('a' + '😀'.repeat(127))], 'WebApp', 'Bug');
    assert.equal(String(wide.fields?.['System.Title']).length, 255);
    const wider = await rejection(wit().createWorkItem(null, [title('😀'.repeat(128))], 'WebApp', 'Bug'));
    assert.match(wider.message, /^TF401324: Value for field 'System.Title' is too long\.$/);
    for (const refused of ['red \u001b[31m', 'bell\u0007', 'half \ud83d of a pair', 'tab\there']) {
      const e = await rejection(wit().createWorkItem(null, [title(refused)], 'WebApp', 'Bug'));
      assert.match(
        e.message,
        /^TF401320: Rule Error for field Title\. Error code: InvalidCharacters\.$/,
        refused,
      );
    }
    const empty = await rejection(
      wit().createWorkItem(null, [add('System.Description', 'd')], 'WebApp', 'Task'),
    );
    const errors = empty.result?.customProperties?.RuleValidationErrors as Array<{
      fieldReferenceName: string;
    }>;
    assert.equal(errors[0].fieldReferenceName, 'System.Title');
    const sev = await rejection(
      wit().createWorkItem(
        null,
        [title('x'), add('Microsoft.VSTS.Common.Severity', 'Huge')],
        'WebApp',
        'Bug',
      ),
    );
    assert.match(sev.message, /Rule Error for field Severity/);
    const who = await rejection(
      wit().createWorkItem(null, [title('x'), add('System.AssignedTo', 'nobody@x.example')], 'WebApp', 'Bug'),
    );
    assert.match(
      who.message,
      /Rule Error for field Assigned To\. Error code: ValidIdentity, InvalidIdentity\./,
    );
  });

  it('rejects invalid tree paths with TF401347 and restricted areas with TF237111', async () => {
    // What the task leaves to the service (a node that does not exist) and what it refuses first (a node of one or
    // two periods, a macro left as written) get the service's answer alike.
    for (const field of ['System.AreaPath', 'System.IterationPath']) {
      for (const path of ['WebApp\\Nope', '..', 'WebApp\\..', 'WebApp\\.', '$(Team.Area)']) {
        const refused = await rejection(
          wit().createWorkItem(null, [title('x'), add(field, path)], 'WebApp', 'Bug'),
        );
        assert.equal(refused.statusCode, 400);
        assert.equal(
          refused.message,
          `TF401347: Invalid tree name given for work item -1, field '${field}'.`,
        );
      }
    }
    const restricted = await rejection(
      wit().createWorkItem(null, [title('x'), add('System.AreaPath', 'WebApp\\Restricted')], 'WebApp', 'Bug'),
    );
    assert.equal(restricted.statusCode, 403);
    assert.match(restricted.message, /^TF237111/);
  });

  it('validates links: unknown targets, bad artifact urls, missing attachments', async () => {
    const url = `${em().collectionUrl}_apis/wit/workItems/9999`;
    const missing = await rejection(
      wit().createWorkItem(null, [title('x'), relation('System.LinkTypes.Related', url)], 'WebApp', 'Bug'),
    );
    assert.match(missing.message, /TF401232: Work item 9999 does not exist/);
    const artifact = await rejection(
      wit().createWorkItem(
        null,
        [title('x'), relation('ArtifactLink', 'http://x/1', { name: 'Build' })],
        'WebApp',
        'Bug',
      ),
    );
    assert.match(artifact.message, /vstfs:\/\/\//);
    const file = await rejection(
      wit().createWorkItem(
        null,
        [
          title('x'),
          relation(
            'AttachedFile',
            `${em().collectionUrl}_apis/wit/attachments/00000000-0000-0000-0000-000000000000`,
          ),
        ],
        'WebApp',
        'Bug',
      ),
    );
    assert.equal(file.statusCode, 400);
  });

  it('links to several missing items: one refusal naming the first in the patch, validateOnly alike', async () => {
    const url = (id: number): string => `${em().collectionUrl}_apis/wit/workItems/${id}`;
    const story = await wit().createWorkItem(null, [title('Cart')], 'WebApp', 'User Story');
    const links = [9003, story.id ?? 0, 9001, 9002].map((id) =>
      relation('System.LinkTypes.Related', url(id)),
    );
    const before = (await em().workItems()).length;
    for (const validateOnly of [true, false]) {
      const refused = await rejection(
        wit().createWorkItem(null, [title('x'), ...links], 'WebApp', 'Bug', validateOnly),
      );
      assert.equal(refused.statusCode, 400);
      assert.equal(
        refused.message,
        'TF401232: Work item 9003 does not exist, or you do not have permissions to read it.',
      );
    }
    assert.equal((await em().workItems()).length, before);
  });

  it('updates with a new revision; History becomes a comment; comments API adds more', async () => {
    const item = await wit().createWorkItem(null, [title('flaky')], 'Mobile', 'Bug');
    const id = item.id ?? 0;
    const updated = await wit().updateWorkItem(
      null,
      [add('System.State', 'Done'), add('System.History', 'Fixed by run 43')],
      id,
    );
    assert.equal(updated.rev, 2);
    assert.equal(updated.fields?.['System.Reason'], 'Work finished');
    await wit().addComment({ text: 'Failed again in run 44' }, 'Mobile', id);
    const comments = await wit().getComments('Mobile', id);
    assert.deepEqual(
      comments.comments?.map((c) => c.text),
      ['Fixed by run 43', 'Failed again in run 44'],
    );
    assert.equal((await em().comments(id)).length, 2);
    const stored = await em().workItem(id);
    assert.equal(stored?.rev, 3, 'the comment is a revision of its own');
    assert.equal(stored?.fields['System.CommentCount'], 2);
  });

  it('uploads an attachment and links it as AttachedFile', async () => {
    const stream = Readable.from([Buffer.from('log line 1\nlog line 2\n')]);
    const ref = await wit().createAttachment(null, stream, 'step.log', undefined, 'WebApp');
    assert.match(ref.url ?? '', /\/_apis\/wit\/attachments\/[0-9a-f-]{36}\?fileName=step\.log$/);
    const item = await wit().createWorkItem(
      null,
      [title('with log'), relation('AttachedFile', ref.url ?? '', { comment: 'Log of step' })],
      'WebApp',
      'Bug',
    );
    const rel = item.relations?.[0];
    assert.equal(rel?.attributes?.name, 'step.log');
    assert.equal(rel?.attributes?.resourceSize, 22);
    assert.equal((await em().attachment(ref.id ?? ''))?.toString(), 'log line 1\nlog line 2\n');
  });

  it('holds at most 100 attachments and 1,000 links per item, the linked item included', async () => {
    const files = await Promise.all(
      Array.from({ length: 101 }, (_, i) =>
        wit().createAttachment(null, Readable.from([Buffer.from('x')]), `f${i}.log`, undefined, 'WebApp'),
      ),
    );
    const attached = files.map((f) => relation('AttachedFile', f.url ?? ''));
    const full = await wit().createWorkItem(
      null,
      [title('full'), ...attached.slice(0, 100)],
      'WebApp',
      'Bug',
    );
    assert.equal(full.relations?.length, 100);
    const onceMore = await rejection(wit().updateWorkItem(null, [attached[100]], full.id ?? 0));
    assert.equal(onceMore.statusCode, 400);
    assert.equal(
      onceMore.message,
      'VS403313: The number of attachments exceeded the limit. One work item should contain no more than 100 attachments.',
    );

    const hyperlinks = (count: number) =>
      Array.from({ length: count }, (_, i) => relation('Hyperlink', `https://x.example/run/${i}`));
    const linked = await wit().createWorkItem(
      null,
      [title('linked'), ...hyperlinks(1_000), ...attached.slice(0, 100)],
      'WebApp',
      'Bug',
    );
    assert.equal(linked.relations?.length, 1_100, 'attachments count apart from links');
    const tooMany =
      /^TF237201: Cannot add a new link because one of the work items being linked will exceed the 1000 link limit\./;
    const over = await rejection(
      wit().createWorkItem(null, [title('x'), ...hyperlinks(1_001)], 'WebApp', 'Bug'),
    );
    assert.equal(over.statusCode, 400);
    assert.match(over.message, tooMany);
    const related = relation(
      'System.LinkTypes.Related',
      `${em().collectionUrl}_apis/wit/workItems/${linked.id}`,
    );
    const other = await rejection(wit().createWorkItem(null, [title('x'), related], 'WebApp', 'Bug'));
    assert.match(other.message, tooMany, 'the other end would hold 1,001');
    assert.equal((await em().workItem(linked.id ?? 0))?.rev, 1, 'nothing saved');
  });

  it('refuses a link whose comment is over 255 characters, and takes one of 255', async () => {
    const url = 'https://x.example/run';
    const fits = await wit().createWorkItem(
      null,
      [title('x'), relation('Hyperlink', url, { comment: 'c'.repeat(255) })],
      'WebApp',
      'Bug',
    );
    assert.equal(fits.relations?.[0]?.attributes?.comment, 'c'.repeat(255));
    const over = await rejection(
      wit().createWorkItem(
        null,
        [title('x'), relation('Hyperlink', url, { comment: 'c'.repeat(256) })],
        'WebApp',
        'Bug',
      ),
    );
    assert.equal(over.statusCode, 400);
    assert.match(over.message, /^The comment of a link holds at most 255 characters; this one has 256\.$/);
  });

  it('refuses an attachment whose name holds a control character or one Windows refuses in file names', async () => {
    const upload = (name: string) =>
      wit().createAttachment(null, Readable.from([Buffer.from('x')]), name, undefined, 'WebApp');
    for (const name of ['shot\n.png', 'run 10:22.log', 'a|b.txt', 'quote".txt', 'bell\u0007.txt']) {
      const e = await rejection(upload(name));
      assert.equal(e.statusCode, 400, name);
      assert.match(e.message, /contains characters that are not valid/, name);
    }
    const fine = await upload('résumé 😀 (final) #2.png');
    assert.match(fine.url ?? '', /fileName=r%C3%A9sum%C3%A9/);
  });

  it('refuses an attachment over the limit as the service does (TF237082), per topology and collection setting', async () => {
    const MB = 1024 * 1024;
    // Sent in chunks, as a stream of unknown length is.
    const upload = (size: number, name: string) =>
      wit().createAttachment(
        null,
        Readable.from([Buffer.alloc(size / 2), Buffer.alloc(size / 2)]),
        name,
        undefined,
        'WebApp',
      );
    const server = await rejection(upload(4 * MB + 2, 'over-default.bin'));
    assert.equal(server.statusCode, 400);
    assert.match(
      server.message,
      /^TF237082: The file you are trying to upload exceeds the supported file upload size \(4\.000 MB\(s\)\)\./,
    );
    assert.equal((await upload(4 * MB, 'at-default.bin')).id?.length, 36);
    await em().setServerAttachmentLimit(8 * MB);
    assert.equal((await upload(6 * MB, 'raised.bin')).id?.length, 36);
    await em().setTopology('services');
    const services = await rejection(upload(60 * MB + 2, 'over-services.bin'));
    assert.match(services.message, /upload size \(60\.000 MB\(s\)\)/);
    assert.deepEqual(
      (await em().attachments()).filter((a) => a.fileName.endsWith('.bin')).map((a) => [a.fileName, a.size]),
      [
        ['at-default.bin', 4 * MB],
        ['raised.bin', 6 * MB],
      ],
    );
    await assert.rejects(
      em().setServerAttachmentLimit(3 * 1024 * MB),
      /attachmentlimit: expected \{bytes: N\}/,
    );
  });

  it('runs WIQL with @project, IN, CONTAINS and NOT CONTAINS on tags, ORDER BY and $top', async () => {
    const mk = (t: string, tags: string) =>
      wit().createWorkItem(null, [title(t), add('System.Tags', tags)], 'WebApp', 'Bug');
    const a = await mk('fp-a', 'pipeline-failure; fp:abc');
    const b = await mk('fp-b', 'pipeline-failure; fp:abc');
    const other = await mk('other', 'pipeline-failure; fp:zzz');
    const untagged = await wit().createWorkItem(null, [title('untagged')], 'WebApp', 'Bug');
    await wit().updateWorkItem(null, [add('System.State', 'Closed')], b.id ?? 0);
    const query = (q: string, top?: number) =>
      wit().queryByWiql({ query: q }, { project: 'WebApp' }, undefined, top);
    const open = await query(
      "SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' AND [System.State] IN ('New', 'Active') AND [System.Tags] CONTAINS 'fp:abc' ORDER BY [System.Id] DESC",
    );
    assert.deepEqual(
      open.workItems?.map((w) => w.id),
      [a.id],
    );
    const all = await query(
      "SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS 'fp:abc' ORDER BY [System.Id] DESC",
      1,
    );
    assert.deepEqual(
      all.workItems?.map((w) => w.id),
      [b.id],
    );
    // A tag matched whole, as CONTAINS does; an item without tags holds none.
    const these = [a, b, other, untagged].map((item) => item.id).join(', ');
    const without = await query(
      `SELECT [System.Id] FROM WorkItems WHERE [System.Id] IN (${these}) AND ([System.Tags] CONTAINS 'fp:zzz' OR [System.Tags] NOT CONTAINS 'fp:abc') AND [System.Tags] NOT CONTAINS 'fp:ab' ORDER BY [System.Id]`,
    );
    assert.deepEqual(
      without.workItems?.map((w) => w.id),
      [other.id, untagged.id],
    );
    const bad = await rejection(query('SELECT [System.Id] FROM WorkItems WHERE [System.State] EVER 1'));
    assert.match(bad.message, /unsupported WIQL/);
    const field = await rejection(query("SELECT [System.Id] FROM WorkItems WHERE [Nope.Field] = 'x'"));
    assert.match(field.message, /^TF51005/);
  });

  it('describes types, their fields and their states per process', async () => {
    const types = await wit().getWorkItemTypes('Starter');
    assert.deepEqual(
      types.map((t) => t.name),
      ['Issue', 'Task', 'Epic'],
    );
    const bug = (await wit().getWorkItemTypes('WebApp')).find((t) => t.name === 'Bug');
    const refs = (bug?.fields ?? []).map((f) => f.referenceName);
    assert.ok(
      refs.includes('Microsoft.VSTS.TCM.ReproSteps') && refs.includes('Microsoft.VSTS.Build.FoundIn'),
    );
    const mobileBug = (await wit().getWorkItemTypes('Mobile')).find((t) => t.name === 'Bug');
    assert.deepEqual(
      mobileBug?.states?.map((s) => `${s.name}:${s.category}`),
      ['New:Proposed', 'Approved:Proposed', 'Committed:InProgress', 'Done:Completed', 'Removed:Removed'],
    );
  });

  it('validates without saving when validateOnly is set', async () => {
    const before = (await em().workItems()).length;
    const checked = await wit().createWorkItem(null, [title('dry')], 'WebApp', 'Bug', true);
    assert.equal(checked.id, undefined);
    assert.equal(checked.fields?.['System.Title'], 'dry');
    assert.equal((await em().workItems()).length, before);
  });

  it('removes a relation by index and the reverse link with it', async () => {
    const parent = await wit().createWorkItem(null, [title('p')], 'WebApp', 'Feature');
    const url = `${em().collectionUrl}_apis/wit/workItems/${parent.id}`;
    const child = await wit().createWorkItem(
      null,
      [title('c'), relation('System.LinkTypes.Hierarchy-Reverse', url)],
      'WebApp',
      'User Story',
    );
    const two = await rejection(
      wit().updateWorkItem(
        null,
        [relation('System.LinkTypes.Hierarchy-Reverse', `${em().collectionUrl}_apis/wit/workItems/1`)],
        child.id ?? 0,
      ),
    );
    assert.match(two.message, /^TF201036/);
    await wit().updateWorkItem(null, [{ op: 'remove', path: '/relations/0' }], child.id ?? 0);
    const p = await wit().getWorkItem(parent.id ?? 0, undefined, undefined, 1);
    assert.equal(p.relations, undefined);
    assert.equal(p.rev, 3);
  });

  it('refuses a remove that carries a value, in the shape the service answers it', async () => {
    const item = await wit().createWorkItem(
      null,
      [title('x'), add('System.Description', 'd')],
      'WebApp',
      'Task',
    );
    const remove = async (value: unknown) =>
      fetch(`${em().collectionUrl}WebApp/_apis/wit/workitems/${item.id}?api-version=6.0`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${JOB_TOKEN}`, 'Content-Type': 'application/json-patch+json' },
        body: JSON.stringify([{ op: 'remove', path: '/fields/System.Description', value }]),
      });
    const refused = await remove('d');
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), {
      count: 1,
      value: { Message: 'Remove requires Value to be null.' },
    });
    assert.equal((await em().workItem(item.id ?? 0))?.fields['System.Description'], 'd');
    const removed = await remove(null);
    assert.equal(removed.status, 200);
    assert.equal((await em().workItem(item.id ?? 0))?.fields['System.Description'], undefined);
  });

  it('pages comments: oldest first unless order says otherwise, $top capped at 200, continuationToken', async () => {
    const item = await wit().createWorkItem(null, [title('nightly')], 'WebApp', 'Bug');
    const id = item.id ?? 0;
    await em().addComments(
      id,
      Array.from({ length: 450 }, (_, i) => `c${i + 1}`),
    );
    const texts = (list: { comments?: { text?: string }[] }): string[] =>
      (list.comments ?? []).map((c) => c.text ?? '');
    const first = await wit().getComments('WebApp', id);
    assert.equal(first.totalCount, 450);
    assert.equal(first.count, 200);
    assert.deepEqual(texts(first).slice(0, 2), ['c1', 'c2']);
    const read = async (order: number): Promise<string[]> => {
      const all: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await wit().getComments('WebApp', id, 200, token, undefined, undefined, order);
        all.push(...texts(page));
        token = page.continuationToken ?? undefined;
        pages += 1;
      } while (token);
      assert.equal(pages, 3);
      return all;
    };
    const asc = await read(1);
    assert.deepEqual(
      asc,
      Array.from({ length: 450 }, (_, i) => `c${i + 1}`),
    );
    assert.deepEqual(await read(2), [...asc].reverse());
    const capped = await wit().getComments('WebApp', id, 500);
    assert.equal(capped.count, 200);
    assert.ok(capped.continuationToken);
    const foreign = await rejection(wit().getComments('WebApp', id, 10, 'not-a-token'));
    assert.equal(foreign.statusCode, 400);
  });

  it('lists a new work item in WIQL only once the lag has passed; reads by id see it at once', async () => {
    const query = "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'lagging'";
    const listed = async (): Promise<number[]> =>
      ((await wit().queryByWiql({ query }, { project: 'WebApp' })).workItems ?? []).map((w) => w.id ?? 0);
    await em().setWiqlLag(60_000);
    const item = await wit().createWorkItem(null, [title('lagging')], 'WebApp', 'Bug');
    assert.deepEqual(await listed(), []);
    assert.equal((await wit().getWorkItem(item.id ?? 0)).id, item.id);
    await em().setWiqlLag(0);
    assert.deepEqual(await listed(), [item.id]);
  });

  it('leaves a new work item out of the next N WIQL queries when the lag is counted in queries', async () => {
    const query = "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'counted'";
    const listed = async (): Promise<number[]> =>
      ((await wit().queryByWiql({ query }, { project: 'WebApp' })).workItems ?? []).map((w) => w.id ?? 0);
    await em().setWiqlQueryLag(2);
    const first = await wit().createWorkItem(null, [title('counted')], 'WebApp', 'Bug');
    assert.deepEqual(await listed(), []);
    const second = await wit().createWorkItem(null, [title('counted')], 'WebApp', 'Bug');
    assert.deepEqual(await listed(), [], 'the first item has waited one query of two');
    assert.deepEqual(await listed(), [first.id], 'the second item has waited one query of two');
    await em().setWiqlQueryLag(0);
    assert.deepEqual(await listed(), [first.id, second.id], 'lowering the lag lets every item show');
    await assert.rejects(em().setWiqlQueryLag(-1), /wiqlQueryLag: expected \{queries: N\}/);
    await assert.rejects(em().setWiqlQueryLag(1.5), /wiqlQueryLag/);
  });

  it('never hides again an item the index caught up with when the lag is raised after', async () => {
    const query = "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'caught up'";
    const listed = async (): Promise<number[]> =>
      ((await wit().queryByWiql({ query }, { project: 'WebApp' })).workItems ?? []).map((w) => w.id ?? 0);
    await em().setWiqlQueryLag(2);
    await em().setWiqlLag(60_000);
    const item = await wit().createWorkItem(null, [title('caught up')], 'WebApp', 'Bug');
    await em().setWiqlQueryLag(0);
    await em().setWiqlLag(0);
    // The next run's own lag holds only the items it creates.
    await em().setWiqlQueryLag(2);
    await em().setWiqlLag(60_000);
    assert.deepEqual(await listed(), [item.id]);
    await em().setWiqlQueryLag(0);
    await em().setWiqlLag(0);
  });

  it('runs WIQL with OR in parentheses, as the task asks for the fingerprint or the scope tag', async () => {
    const mk = (t: string, tags: string) =>
      wit().createWorkItem(null, [title(t), add('System.Tags', tags)], 'Mobile', 'Bug');
    const fingerprint = await mk('by fingerprint', 'pwi:aaa');
    const scope = await mk('by scope', 'pwi:scope-bbb');
    await mk('neither', 'pwi:ccc');
    const q = await wit().queryByWiql(
      {
        query:
          "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND ([System.Tags] CONTAINS 'pwi:aaa' OR [System.Tags] CONTAINS 'pwi:scope-bbb') AND [System.State] IN ('New', 'Approved', 'Committed') ORDER BY [System.Id]",
      },
      { project: 'Mobile', team: 'Mobile Team' },
    );
    assert.deepEqual(
      q.workItems?.map((w) => w.id),
      [fingerprint.id, scope.id],
    );
  });

  it('refuses WIQL the emulator does not model with 400, never a wrong answer', async () => {
    for (const where of [
      "[System.State] <> 'Closed'",
      "NOT [System.State] = 'Closed'",
      "[System.AreaPath] UNDER 'WebApp'",
      "[System.Title] CONTAINS WORDS 'total'",
      '[System.AssignedTo] = @me',
      "[System.ChangedDate] = '2026-01-01'",
    ]) {
      const e = await rejection(
        wit().queryByWiql(
          { query: `SELECT [System.Id] FROM WorkItems WHERE ${where}` },
          { project: 'WebApp' },
        ),
      );
      assert.equal(e.statusCode, 400, where);
      assert.match(e.message, /^Emulator: unsupported WIQL/, where);
    }
  });

  it('takes a WIQL query of 32,000 characters and refuses a longer one', async () => {
    const query = (length: number) => {
      const text = "SELECT [System.Id] FROM WorkItems WHERE [System.State] = 'New'";
      return { query: text + ' '.repeat(length - text.length) };
    };
    const fits = await wit().queryByWiql(query(32_000), { project: 'WebApp' });
    assert.ok(Array.isArray(fits.workItems));
    const over = await rejection(wit().queryByWiql(query(32_001), { project: 'WebApp' }));
    assert.equal(over.statusCode, 400);
    assert.equal(over.message, 'The WIQL query is 32001 characters long; a query holds at most 32000.');
  });

  // Work Items - List
  const list = async (query: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${em().collectionUrl}WebApp/_apis/wit/workitems?${query}&api-version=6.0`, {
      headers: { Authorization: `Bearer ${JOB_TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const mk = (t: string, project: string, tags?: string) =>
    wit().createWorkItem(
      null,
      [title(t), ...(tags === undefined ? [] : [add('System.Tags', tags)])],
      project,
      'Bug',
    );

  it('lists the fields asked for of each id, in the order asked, and null for a missing one with errorPolicy omit', async () => {
    const tagged = await mk('tagged', 'WebApp', 'pwi:test-aaa; pwi:tests-bbb');
    const bare = await mk('bare', 'WebApp');
    const other = await mk('elsewhere', 'Mobile', 'pwi:test-ccc');
    const { status, body } = await list(
      `ids=${bare.id},999999,${other.id},${tagged.id}&fields=System.Tags&errorPolicy=omit`,
    );
    assert.equal(status, 200);
    assert.equal(body.count, 4);
    const value = body.value as ({ id: number; fields: Record<string, unknown> } | null)[];
    assert.deepEqual(
      value.map((item) => item && { id: item.id, fields: item.fields }),
      [
        { id: bare.id, fields: {} },
        null,
        null,
        { id: tagged.id, fields: { 'System.Tags': 'pwi:test-aaa; pwi:tests-bbb' } },
      ],
      'an item of another project is not found in this one',
    );
  });

  it('lists with errorPolicy given as a number too, as azure-devops-node-api sends it', async () => {
    const item = await mk('tagged', 'WebApp', 'pwi:test-aaa');
    const read = await wit().getWorkItems(
      [item.id ?? 0, 999999],
      ['System.Tags'],
      undefined,
      undefined,
      WorkItemErrorPolicy.Omit,
      'WebApp',
    );
    assert.deepEqual(
      read.map((got) => got && got.fields?.['System.Tags']),
      ['pwi:test-aaa', null],
    );
    const failed = await wit().getWorkItems(
      [999999],
      undefined,
      undefined,
      undefined,
      WorkItemErrorPolicy.Fail,
      'WebApp',
    );
    assert.equal(failed, null, 'a 404, which the client answers as null');
  });

  it('lists: a missing id without errorPolicy omit is a 404; no ids, more than 200 or an unknown policy a 400', async () => {
    const item = await mk('tagged', 'WebApp', 'pwi:test-aaa');
    const missing = await list(`ids=${item.id},999999`);
    assert.equal(missing.status, 404);
    assert.match(String(missing.body.message), /999999/);
    assert.equal((await list('ids=')).status, 400);
    const many = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
    assert.equal((await list(`ids=${many}&errorPolicy=omit`)).status, 400);
    const most = Array.from({ length: 200 }, (_, i) => i + 1).join(',');
    assert.equal((await list(`ids=${most}&errorPolicy=omit`)).status, 200);
    assert.equal((await list(`ids=${item.id}&errorPolicy=ignore`)).status, 400);
  });
});
