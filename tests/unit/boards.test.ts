import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { AdoBoards } from '../../tasks/PipelineWorkItem/src/ado/boards';
import { Rest, HttpClientLike } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { DEFAULT_LIMITS, RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';
import { text } from 'node:stream/consumers';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import { permissionFix } from '../../tasks/PipelineWorkItem/src/ado/errors';
import type { WriterIdentity } from '../../tasks/PipelineWorkItem/src/ports';

const SECRET = 'hunter2-deploy-key';
const BASIC = Buffer.from(`:${SECRET}`).toString('base64');

/** Boards over a fake HTTP client answering `body`, with the secrets the test holds (read at each request). */
function boards(secrets: string[], body = '{"id":7,"url":"https://x.example/_apis/wit/attachments/1"}') {
  // Each answer is a fresh body stream, as typed-rest-client's IncomingMessage is.
  const answer = () => ({
    message: Object.assign(Readable.from([Buffer.from(body)]), { statusCode: 200, headers: {} }),
    readBody: async () => body,
  });
  const http = { request: sinon.stub().callsFake(async () => answer()) };
  const rest = new Rest(http, 'https://dev.azure.com/fabrikam/', () => []);
  return { http, boards: new AdoBoards(rest, new RetryPolicy(DEFAULT_LIMITS), () => secrets) };
}

const sentBody = (http: { request: sinon.SinonStub }): unknown =>
  JSON.parse(String(http.request.lastCall.args[2]));

describe('Boards adapter: every text it sends is masked', () => {
  it('masks field values and relation comments of a create, leaving the patch addresses alone', async () => {
    const { http, boards: adapter } = boards([SECRET]);
    await adapter.createWorkItem(
      'WebApp',
      'Bug',
      [
        { op: 'add', path: '/fields/System.Title', value: `CI failed on fix/${SECRET}` },
        { op: 'add', path: '/fields/System.History', value: `<p>Basic ${BASIC}</p>` },
        {
          op: 'add',
          path: '/relations/-',
          value: { rel: 'Hyperlink', url: 'https://x.example/run', attributes: { comment: `Run ${SECRET}` } },
        },
        { op: 'add', path: '/fields/Microsoft.VSTS.Common.Priority', value: 2 },
      ],
      async () => undefined,
    );
    assert.deepEqual(sentBody(http), [
      { op: 'add', path: '/fields/System.Title', value: 'CI failed on fix/***' },
      { op: 'add', path: '/fields/System.History', value: '<p>Basic Om***Q==</p>' },
      {
        op: 'add',
        path: '/relations/-',
        value: { rel: 'Hyperlink', url: 'https://x.example/run', attributes: { comment: 'Run ***' } },
      },
      { op: 'add', path: '/fields/Microsoft.VSTS.Common.Priority', value: 2 },
    ]);
  });

  it('masks comments, and secrets that joined after the adapter was made', async () => {
    const secrets: string[] = [];
    const { http, boards: adapter } = boards(secrets, '{"id":1}');
    secrets.push(SECRET);
    const hex = Buffer.from(SECRET).toString('hex');
    await adapter.addComment('WebApp', 7, `<p>Failed again on ${SECRET}: ${hex}</p>`, async () => false);
    assert.deepEqual(sentBody(http), { text: '<p>Failed again on ***: ***</p>' });
  });

  it('sends no character Boards cannot store, and masks a secret such a character split', async () => {
    const { http, boards: adapter } = boards([SECRET], '{"id":7,"workItems":[]}');
    const split = `${SECRET.slice(0, 4)}\u000b${SECRET.slice(4)}`;
    await adapter.updateWorkItem(
      'WebApp',
      7,
      [
        {
          op: 'add',
          path: '/fields/System.History',
          value: `<p>bell\u0007 ${split}\ufffe \ud800\ttab\r\n</p>`,
        },
      ],
      async () => false,
    );
    assert.deepEqual(sentBody(http), [
      { op: 'add', path: '/fields/System.History', value: '<p>bell *** \ufffd\ttab\r\n</p>' },
    ]);
    await adapter.addComment('WebApp', 7, '<p>nul\u0000 and \uffff</p>', async () => false);
    assert.deepEqual(sentBody(http), { text: '<p>nul and </p>' });
  });

  it('masks a secret that holds a character Boards cannot store, before that character goes', async () => {
    // A secret variable with a bell in it: without it, what is left no longer matches the secret.
    const bell = 'hunter2\u0007deploy-key';
    const { http, boards: adapter } = boards([bell], '{"id":1}');
    await adapter.addComment('WebApp', 7, `<p>Failed with ${bell}</p>`, async () => false);
    assert.deepEqual(sentBody(http), { text: '<p>Failed with ***</p>' });
  });

  it('masks an update, and a query', async () => {
    const { http, boards: adapter } = boards([SECRET], '{"id":7,"workItems":[]}');
    await adapter.updateWorkItem(
      'WebApp',
      7,
      [{ op: 'add', path: '/fields/System.History', value: `recovered on ${SECRET}` }],
      async () => false,
    );
    assert.deepEqual(sentBody(http), [
      { op: 'add', path: '/fields/System.History', value: 'recovered on ***' },
    ]);
    await adapter.queryIds('WebApp', `SELECT [System.Id] FROM WorkItems WHERE [System.Title] = '${SECRET}'`);
    assert.deepEqual(sentBody(http), {
      query: "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = '***'",
    });
  });

  it('masks an upload file name, its mask as _ as Windows refuses *, and strips its bidi controls', async () => {
    const { http, boards: adapter } = boards([SECRET]);
    await adapter.uploadAttachment('WebApp', `${SECRET}-invoice\u202egnp.exe`, () =>
      Readable.from([Buffer.from('MZ')]),
    );
    const url = new URL(String(http.request.lastCall.args[1]));
    assert.equal(url.searchParams.get('fileName'), '___-invoicegnp.exe');
    assert.equal(url.searchParams.get('uploadType'), 'Simple');
  });

  it('masks an upload file name before the characters Windows refuses become _', async () => {
    // A password holds such characters often: each as _, what is left would no longer match it.
    const password = 'Pa55:w0rd?"deploy"';
    const { http, boards: adapter } = boards([password]);
    await adapter.uploadAttachment('WebApp', `dump-${password}.log`, () =>
      Readable.from([Buffer.from('log')]),
    );
    const url = new URL(String(http.request.lastCall.args[1]));
    assert.equal(url.searchParams.get('fileName'), 'dump-___.log');
  });

  it('names an upload without the characters names and Windows file names may not hold, each as _', async () => {
    const { http, boards: adapter } = boards([]);
    await adapter.uploadAttachment('WebApp', 'shot 10:22 "a"|b*?<c>\\d\n\u0007\ud800é 😀.png', () =>
      Readable.from([Buffer.from('png')]),
    );
    const url = new URL(String(http.request.lastCall.args[1]));
    assert.equal(url.searchParams.get('fileName'), 'shot 10_22 _a__b___c__d___é 😀.png');
  });
});

// What the Boards adapter sends for an upload: the body streamed from its factory, masked, opened again for
// each attempt, and never used when it broke midway.
const UPLOAD_SECRET = 'token-4f1e2d3c5b6a';

describe('attachment uploads on the wire', () => {
  function boards(answers: number[]) {
    const bodies: string[] = [];
    const http: HttpClientLike = {
      async request(_verb, _url, data, headers) {
        assert.equal(headers['Content-Type'], 'application/octet-stream');
        bodies.push(await text(data as Readable).catch((error: Error) => `broken: ${error.message}`));
        const status = answers.shift() ?? 201;
        const body =
          status === 201 ? '{"id":"1","url":"https://x/_apis/wit/attachments/1"}' : '{"message":"busy"}';
        const message = Object.assign(Readable.from([Buffer.from(body)]), {
          statusCode: status,
          headers: {},
        });
        return { message, readBody: async () => body };
      },
    };
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 60_000 });
    return {
      bodies,
      adapter: new AdoBoards(new Rest(http, 'https://x/', () => []), policy, () => [UPLOAD_SECRET]),
    };
  }

  it('masks secrets in text and opens the body again for a retried attempt', async () => {
    const { bodies, adapter } = boards([503]);
    let opened = 0;
    const url = await adapter.uploadAttachment('WebApp', 'notes.log', () => {
      opened += 1;
      return Readable.from([
        Buffer.from(`key ${UPLOAD_SECRET.slice(0, 7)}`),
        Buffer.from(`${UPLOAD_SECRET.slice(7)} end`),
      ]);
    });
    assert.equal(url, 'https://x/_apis/wit/attachments/1');
    assert.equal(opened, 2);
    assert.deepEqual(bodies, ['key *** end', 'key *** end']);
  });

  it('a body that breaks midway fails the upload, even though the service stored what it got', async () => {
    const { adapter } = boards([]);
    const broken = (): Readable =>
      Readable.from(
        (function* () {
          yield Buffer.from('first part');
          throw new Error('big.bin grew past 10 bytes');
        })(),
      );
    await assert.rejects(adapter.uploadAttachment('WebApp', 'big.bin', broken), /grew past 10 bytes/);
  });
});

// The Boards adapter over a fake HTTP client that answers in turn and records every request: the paths, queries,
// API versions and bodies the adapter sends, and what it makes of each answer.
interface Answer {
  readonly status: number;
  readonly body?: unknown;
  /** The answer's text as is, for one that is no JSON. */
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

interface Sent {
  readonly verb: string;
  readonly url: string;
  readonly body: unknown;
  readonly contentType?: string;
}

function wire(
  answers: Answer[],
  budgetMs = 60_000,
  identity?: WriterIdentity,
): { adapter: AdoBoards; sent: Sent[] } {
  const sent: Sent[] = [];
  const http: HttpClientLike = {
    async request(verb, url, data, headers) {
      sent.push({
        verb,
        url: decodeURIComponent(url),
        body: typeof data === 'string' ? JSON.parse(data) : undefined,
        contentType: headers['Content-Type'],
      });
      const {
        status,
        body,
        text: raw,
        headers: answered = {},
      } = answers.shift() ?? {
        status: 500,
        body: { message: 'no answer left' },
      };
      const text = raw ?? (body === undefined ? '' : JSON.stringify(body));
      const message = Object.assign(Readable.from([Buffer.from(text)]), {
        statusCode: status,
        headers: answered,
      });
      return { message, readBody: async () => text };
    },
  };
  const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs });
  return {
    adapter: new AdoBoards(
      new Rest(http, 'https://dev.azure.com/fabrikam/', () => []),
      policy,
      () => [],
      identity,
    ),
    sent,
  };
}

const API = 'https://dev.azure.com/fabrikam/';
const PATCH = [{ op: 'add', path: '/fields/System.Title', value: 'WebApp-CI failed on main' }] as const;
const notFound: Answer = { status: 404, body: { message: 'not found' } };
const busy: Answer = { status: 503, body: { message: 'busy' } };

describe('Boards adapter: reads', () => {
  it('types: fields (or field instances), states of a known category, transitions by target', async () => {
    const { adapter, sent } = wire([
      {
        status: 200,
        body: {
          value: [
            {
              name: 'Bug',
              fields: [{ referenceName: 'System.Title' }, {}],
              states: [
                { name: 'Active', category: 'inprogress' },
                { name: 'Odd', category: 'Unknown' },
                { category: 'Completed' },
              ],
              transitions: { Active: [{ to: 'Resolved' }, {}], New: null },
            },
            { name: 'Task', fieldInstances: [{ referenceName: 'System.State' }] },
            {},
          ],
        },
      },
    ]);
    assert.deepEqual(await adapter.workItemTypes('Web App'), [
      {
        name: 'Bug',
        fields: ['System.Title', ''],
        states: [{ name: 'Active', category: 'InProgress' }],
        transitions: { Active: ['Resolved'], New: [] },
      },
      { name: 'Task', fields: ['System.State'], states: [] },
      { name: '', fields: [], states: [] },
    ]);
    assert.deepEqual(sent, [
      {
        verb: 'GET',
        url: `${API}Web App/_apis/wit/workitemtypes?api-version=6.0`,
        body: undefined,
        contentType: undefined,
      },
    ]);
  });

  it('one type, by its name encoded in the path, decoded as the list decodes each; none when the project has none', async () => {
    const { adapter, sent } = wire([
      {
        status: 200,
        body: {
          name: 'User Story',
          fieldInstances: [{ referenceName: 'System.Title' }],
          states: [{ name: 'New', category: 'Proposed' }],
          transitions: { New: [{ to: 'Active' }] },
        },
      },
      notFound,
    ]);
    assert.deepEqual(await adapter.workItemType('Web App', 'user story'), {
      name: 'User Story',
      fields: ['System.Title'],
      states: [{ name: 'New', category: 'Proposed' }],
      transitions: { New: ['Active'] },
    });
    assert.equal(await adapter.workItemType('WebApp', 'Bug'), undefined);
    assert.deepEqual(
      sent.map((request) => [request.verb, request.url]),
      [
        ['GET', `${API}Web App/_apis/wit/workitemtypes/user story?api-version=6.0`],
        ['GET', `${API}WebApp/_apis/wit/workitemtypes/Bug?api-version=6.0`],
      ],
    );
  });

  it('a type an administrator disabled is read as disabled; isDisabled false or absent leaves it enabled', async () => {
    const type = (isDisabled?: boolean) => ({
      status: 200,
      body: { name: 'Bug', states: [], ...(isDisabled === undefined ? {} : { isDisabled }) },
    });
    const { adapter } = wire([type(true), type(false), type()]);
    const read = async (): Promise<boolean | undefined> =>
      (await adapter.workItemType('WebApp', 'Bug'))?.disabled;
    assert.deepEqual([await read(), await read(), await read()], [true, undefined, undefined]);
  });

  it('one type that cannot be read: an error saying what was being read', async () => {
    const { adapter } = wire([{ status: 401, body: { message: 'TF400813: not authorized' } }]);
    await assert.rejects(
      adapter.workItemType('WebApp', 'Bug'),
      (error: Error) =>
        error.message.includes(loc('ActionReadTypes', 'WebApp')) && /TF400813/.test(error.message),
    );
  });

  // A project that does not exist, one the service connection's identity was not added to (VS800075) and one a
  // project-scoped job token of another project may not read all answer 404: the 'project' input may be right.
  const unreadable: [name: string, identity: WriterIdentity | undefined, who: RegExp][] = [
    [
      "the job token of the run's project",
      undefined,
      /Give "WebApp Build Service \(fabrikam\)" \(the job token's/,
    ],
    [
      'the job token of another project',
      { kind: 'jobToken', runProject: 'Mobile', release: false },
      /Give "Mobile Build Service \(fabrikam\)" \(the job token's/,
    ],
    [
      'a federated service connection',
      { kind: 'connection', connection: 'boards-wif', servicePrincipal: 'c4d8e2f6' },
      /Give the service principal \(client id c4d8e2f6\) of service connection 'boards-wif' access/,
    ],
    [
      'a personal access token connection',
      { kind: 'connection', connection: 'boards-pat' },
      /Give the identity of service connection 'boards-pat' \(.*\) access/,
    ],
  ];
  for (const [name, identity, who] of unreadable) {
    it(`types of a project that cannot be read, as ${name}: names that identity and both fixes`, async () => {
      const { adapter } = wire([notFound], 60_000, identity);
      await assert.rejects(adapter.workItemTypes('WebApp'), (error: Error) => {
        assert.match(
          error.message,
          /Project 'WebApp' was not found, or the identity writing to it cannot read it\./,
        );
        assert.match(error.message, who);
        assert.match(
          error.message,
          /access to project 'WebApp' \(add it to its Readers or Contributors group/,
        );
        assert.match(error.message, /or check the 'project' input/);
        assert.doesNotMatch(error.message, /pipeline's identity/);
        return true;
      });
    });
  }

  it('the current iteration of the default team or of a named one; none; an unknown team named', async () => {
    const { adapter, sent } = wire([
      { status: 200, body: { value: [{ path: 'WebApp\\Sprint 12' }] } },
      { status: 200, body: { value: [] } },
      notFound,
      notFound,
    ]);
    assert.equal(await adapter.currentIteration('WebApp', undefined), 'WebApp\\Sprint 12');
    assert.equal(await adapter.currentIteration('WebApp', 'Web Team'), undefined);
    assert.deepEqual(
      sent.map((request) => request.url),
      [
        `${API}WebApp/_apis/work/teamsettings/iterations?$timeframe=current&api-version=6.0`,
        `${API}WebApp/Web Team/_apis/work/teamsettings/iterations?$timeframe=current&api-version=6.0`,
      ],
    );
    await assert.rejects(adapter.currentIteration('WebApp', undefined), (error: Error) =>
      error.message.includes(loc('DefaultTeamNotFound', 'WebApp')),
    );
    await assert.rejects(adapter.currentIteration('WebApp', 'Ops'), (error: Error) =>
      error.message.includes(loc('TeamNotFound', 'Ops')),
    );
  });

  it('a query’s ids, in its order, the WIQL posted as is', async () => {
    const { adapter, sent } = wire([{ status: 200, body: { workItems: [{ id: 9 }, {}, { id: 4 }] } }]);
    assert.deepEqual(await adapter.queryIds('WebApp', 'SELECT [System.Id] FROM WorkItems'), [9, 4]);
    assert.deepEqual(sent[0], {
      verb: 'POST',
      url: `${API}WebApp/_apis/wit/wiql?api-version=6.0`,
      body: { query: 'SELECT [System.Id] FROM WorkItems' },
      contentType: 'application/json',
    });
  });

  it('an item’s state and revision; undefined for an item that no longer exists', async () => {
    const item = { status: 200, body: { id: 7, rev: 4, fields: { 'System.State': 'Active' } } };
    const { adapter, sent } = wire([item, item, notFound, notFound, { status: 200, body: { id: 7 } }]);
    assert.equal(await adapter.workItemState('WebApp', 7), 'Active');
    assert.deepEqual(await adapter.workItemRevision('WebApp', 7), { state: 'Active', rev: 4 });
    assert.equal(await adapter.workItemState('WebApp', 7), undefined);
    assert.equal(await adapter.workItemRevision('WebApp', 7), undefined);
    assert.equal(await adapter.workItemRevision('WebApp', 7), undefined, 'an answer without a revision');
    assert.equal(sent[0].url, `${API}WebApp/_apis/wit/workitems/7?fields=System.State&api-version=6.0`);
  });

  it('the reasons the type allows, and the project’s HTML and single-line text fields', async () => {
    const { adapter, sent } = wire([
      { status: 200, body: { allowedValues: ['Fixed', 'Duplicate'] } },
      {
        status: 200,
        body: {
          value: [
            { referenceName: 'System.Description', type: 'html' },
            { referenceName: 'System.History', type: 'History' },
            { referenceName: 'System.Title', type: 'string' },
            { referenceName: 'Custom.Summary', type: 'String' },
            { referenceName: 'System.AssignedTo', type: 'string', isIdentity: true },
            { referenceName: 'System.Tags', type: 'plainText' },
            { type: 'html' },
            { type: 'string' },
          ],
        },
      },
    ]);
    assert.deepEqual(await adapter.stateReasons('WebApp', 'User Story'), ['Fixed', 'Duplicate']);
    assert.deepEqual(await adapter.fieldTypes('WebApp'), {
      html: ['System.Description', 'System.History'],
      // An identity field answers type String too: it takes a name, not a line of text.
      singleLine: ['System.Title', 'Custom.Summary'],
    });
    assert.deepEqual(
      sent.map((request) => request.url),
      [
        `${API}WebApp/_apis/wit/workitemtypes/User Story/fields/System.Reason?$expand=allowedValues&api-version=6.0`,
        `${API}WebApp/_apis/wit/fields?api-version=6.0`,
      ],
    );
  });

  it('the tags of items: Work Items - List of their tags, deleted items left out, tags split and trimmed', async () => {
    const { adapter, sent } = wire([
      {
        status: 200,
        body: {
          count: 4,
          value: [
            { id: 7, fields: { 'System.Tags': ' pwi:test-0123456789ab;pipeline-failure ; ;' } },
            null,
            { id: 9, fields: {} },
            { id: 10 },
            { fields: { 'System.Tags': 'orphan' } },
          ],
        },
      },
    ]);
    assert.deepEqual(
      await adapter.workItemTags('Web App', [7, 8, 9, 10]),
      new Map([
        [7, ['pwi:test-0123456789ab', 'pipeline-failure']],
        [9, []],
        [10, []],
      ]),
    );
    assert.deepEqual(sent, [
      {
        verb: 'GET',
        url: `${API}Web App/_apis/wit/workitems?ids=7,8,9,10&fields=System.Tags&errorPolicy=omit&api-version=6.0`,
        body: undefined,
        contentType: undefined,
      },
    ]);
  });

  it('a refused read of tags names the items it read', async () => {
    const { adapter } = wire([{ status: 400, body: { message: 'VS402337: too many' } }]);
    await assert.rejects(adapter.workItemTags('WebApp', [7, 8]), (error: Error) =>
      error.message.startsWith(`Could not ${loc('ActionReadItems', '7, 8')} (HTTP 400)`),
    );
  });

  it('the tags of more than 200 items: 200 ids a request; none asked for no ids', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => i + 1);
    const page = (from: number, to: number): Answer => ({
      status: 200,
      body: { value: ids.slice(from, to).map((id) => ({ id, fields: { 'System.Tags': `t${id}` } })) },
    });
    const { adapter, sent } = wire([page(0, 200), page(200, 400), page(400, 450)]);
    const tags = await adapter.workItemTags('WebApp', ids);
    assert.equal(tags.size, 450);
    assert.deepEqual(tags.get(450), ['t450']);
    const asked = sent.map((request) => new URL(request.url).searchParams.get('ids')?.split(',').map(Number));
    assert.deepEqual(asked, [ids.slice(0, 200), ids.slice(200, 400), ids.slice(400)]);
    const { adapter: idle, sent: none } = wire([]);
    assert.deepEqual(await idle.workItemTags('WebApp', []), new Map());
    assert.deepEqual(none, []);
  });

  it('the tags of 10,000 open items: their 50 requests go a few at a time, not all at once', async () => {
    let inFlight = 0;
    let most = 0;
    const http: HttpClientLike = {
      async request(_verb, url) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        const asked = new URL(url).searchParams.get('ids')?.split(',').map(Number) ?? [];
        const text = JSON.stringify({
          value: asked.map((id) => ({ id, fields: { 'System.Tags': `t${id}` } })),
        });
        const message = Object.assign(Readable.from([Buffer.from(text)]), { statusCode: 200, headers: {} });
        return { message, readBody: async () => text };
      },
    };
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 60_000 });
    const adapter = new AdoBoards(new Rest(http, API, () => []), policy, () => []);
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const tags = await adapter.workItemTags('WebApp', ids);
    assert.equal(tags.size, 10_000);
    assert.ok(most > 1 && most <= 6, `requests in flight at once: ${most}`);
  });
});

describe('Boards adapter: writes', () => {
  it('validates a create with validateOnly, once even when the answer is unknown', async () => {
    const { adapter, sent } = wire([{ status: 200, body: { id: 0 } }, busy]);
    await adapter.validateWorkItem('WebApp', 'Bug', PATCH);
    assert.deepEqual(sent[0], {
      verb: 'POST',
      url: `${API}WebApp/_apis/wit/workitems/$Bug?validateOnly=true&api-version=6.0`,
      body: PATCH,
      contentType: 'application/json-patch+json',
    });
    await assert.rejects(
      adapter.validateWorkItem('WebApp', 'Bug', PATCH),
      (error: AdoError) => error.status === 503,
    );
    assert.equal(sent.length, 2);
  });

  it('a create or a validation answered 404 is the area refused (TF237111)', async () => {
    const { adapter } = wire([notFound, notFound]);
    for (const call of [
      () => adapter.validateWorkItem('WebApp', 'Bug', PATCH),
      () => adapter.createWorkItem('WebApp', 'Bug', PATCH, async () => undefined),
    ]) {
      await assert.rejects(call(), (error: AdoError) => error.status === 404 && error.code === 'TF237111');
    }
  });

  it('a create whose answer was lost and that landed is not sent again', async () => {
    const { adapter, sent } = wire([busy]);
    const landed = sinon.stub().resolves(9);
    assert.deepEqual(await adapter.createWorkItem('WebApp', 'Bug', PATCH, landed), { id: 9 });
    sinon.assert.calledOnce(landed);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0], {
      verb: 'POST',
      url: `${API}WebApp/_apis/wit/workitems/$Bug?api-version=6.0`,
      body: PATCH,
      contentType: 'application/json-patch+json',
    });
  });

  it('a create whose answer was lost and that did not land is sent again', async () => {
    const { adapter, sent } = wire([busy, { status: 200, body: { id: 8 } }]);
    assert.deepEqual(await adapter.createWorkItem('WebApp', 'Bug', PATCH, async () => undefined), { id: 8 });
    assert.equal(sent.length, 2);
  });

  it('a create, an update or a comment answered without content is a lost answer: looked for, then sent again', async () => {
    const noContent: Answer = { status: 200 };
    const { adapter, sent } = wire([noContent, { status: 200, body: { id: 8 } }, noContent, noContent]);
    const landed = sinon.stub().resolves(undefined);
    assert.deepEqual(await adapter.createWorkItem('WebApp', 'Bug', PATCH, landed), { id: 8 });
    sinon.assert.calledOnceWithExactly(landed, false);
    assert.equal(sent.length, 2);
    await adapter.updateWorkItem('WebApp', 7, PATCH, async () => true);
    assert.equal(sent.length, 3);
    // Refused before any write: a validation saves nothing, so one answered empty is not sent again.
    await assert.rejects(adapter.validateWorkItem('WebApp', 'Bug', PATCH), {
      message: loc('AnswerEmpty', loc('ActionValidate', 'Bug', 'WebApp'), API, 200),
    });
    assert.equal(sent.length, 4);
    const comment = wire([noContent, { status: 200, body: { id: 3 } }]);
    const looked = sinon.stub().resolves(false);
    await comment.adapter.addComment('WebApp', 7, '<p>Failed again</p>', looked);
    sinon.assert.calledOnceWithExactly(looked, false);
    assert.equal(comment.sent.length, 2);
  });

  it('a page in place of a write’s answer says the write may have been saved; in place of a read’s, not', async () => {
    const page: Answer = { status: 200, text: '<html><title>Gateway</title></html>' };
    const create = wire([page]);
    await assert.rejects(
      create.adapter.createWorkItem('WebApp', 'Bug', PATCH, async () => undefined),
      {
        message: new RegExp(`Gateway.*${loc('PageAfterWrite').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      },
    );
    const comment = wire([page]);
    await assert.rejects(
      comment.adapter.addComment('WebApp', 7, '<p>x</p>', async () => false),
      (error: Error) => error.message.endsWith(loc('PageAfterWrite')),
    );
    const query = wire([page]);
    await assert.rejects(
      query.adapter.queryIds('WebApp', 'SELECT [System.Id] FROM WorkItems'),
      (error: Error) => error.message.includes('Gateway') && !error.message.includes(loc('PageAfterWrite')),
    );
  });

  it('a create whose landing cannot be checked is given up, never sent twice', async () => {
    const { adapter, sent } = wire([busy, { status: 200, body: { id: 8 } }]);
    const landed = sinon.stub().rejects(new Error('query failed'));
    await assert.rejects(
      adapter.createWorkItem('WebApp', 'Bug', PATCH, landed),
      (error: AdoError) => error.status === 503,
    );
    assert.equal(sent.length, 1);
  });

  it('a write given up for want of a check says that it may have landed, and why the check failed', async () => {
    const { adapter } = wire([busy, busy, busy]);
    const check = sinon.stub().rejects(new Error('Could not query work items: HTTP 500'));
    const note = loc('WriteOutcomeUnknown', 'Could not query work items: HTTP 500');
    for (const write of [
      () => adapter.createWorkItem('WebApp', 'Bug', PATCH, check),
      () => adapter.addComment('WebApp', 7, '<p>Failed again</p>', check),
      () => adapter.updateWorkItem('WebApp', 7, PATCH, check),
    ]) {
      await assert.rejects(
        write(),
        (error: AdoError) => error.status === 503 && error.message.endsWith(` ${note}`),
      );
    }
  });

  it('a write whose answer was lost and that did not land says nothing of landing', async () => {
    // Looks that find nothing let it be sent again, until the time runs out.
    const { adapter } = wire([busy], 1);
    await assert.rejects(
      adapter.createWorkItem('WebApp', 'Bug', PATCH, async () => undefined),
      (error: AdoError) =>
        error instanceof AdoError && !error.message.includes(loc('WriteOutcomeUnknown', '').slice(0, 40)),
    );
  });

  it('an update is a PATCH; answered 404 the area is refused; a refusal names its fields', async () => {
    const { adapter, sent } = wire([
      { status: 200, body: { id: 7 } },
      notFound,
      {
        status: 400,
        body: { message: 'TF401320: Rule Error for field Root Cause. Error code: Required, InvalidEmpty.' },
      },
    ]);
    await adapter.updateWorkItem('WebApp', 7, PATCH, async () => false);
    assert.deepEqual(sent[0], {
      verb: 'PATCH',
      url: `${API}WebApp/_apis/wit/workitems/7?api-version=6.0`,
      body: PATCH,
      contentType: 'application/json-patch+json',
    });
    await assert.rejects(
      adapter.updateWorkItem('WebApp', 7, PATCH, async () => false),
      (error: AdoError) => error.status === 404 && error.code === 'TF237111',
    );
    await assert.rejects(
      adapter.updateWorkItem('WebApp', 7, PATCH, async () => false),
      (error: AdoError) => error.status === 400 && error.code === 'TF401320',
    );
  });

  it('tells the look for a write whether the service answered it: a 503 with its own error body, not a gateway’s', async () => {
    const own = { typeKey: 'ServiceUnavailableException', message: 'busy' };
    for (const [status, body, answered] of [
      [503, own, true],
      [500, own, true],
      // A front door answers 503 when the server behind it is slow: the write may still land.
      [503, { message: 'busy' }, false],
      [504, own, false],
      [502, own, false],
    ] as const) {
      const { adapter } = wire([{ status, body }]);
      const landed = sinon.stub().resolves(true);
      await adapter.addComment('WebApp', 7, '<p>Failed again</p>', landed);
      sinon.assert.calledOnceWithExactly(landed, answered);
    }
  });

  it('a comment whose answer was lost and that landed is not sent again', async () => {
    const { adapter, sent } = wire([busy]);
    await adapter.addComment('WebApp', 7, '<p>Failed again</p>', async () => true);
    assert.deepEqual(sent, [
      {
        verb: 'POST',
        url: `${API}WebApp/_apis/wit/workItems/7/comments?api-version=6.0-preview.3`,
        body: { text: '<p>Failed again</p>' },
        contentType: 'application/json',
      },
    ]);
  });

  it('a change refused for the item’s 10,000 revisions is final: not looked for, not sent again, and says what to do', async () => {
    const atLimit = {
      status: 500,
      body: {
        message:
          'Work item 7 has 10000 revisions, but currently, when updating via the API, only work items with up to 10,000 revisions are supported.',
      },
    };
    const { adapter, sent } = wire([atLimit, atLimit]);
    const landed = sinon.stub().resolves(true);
    const message = loc('RevisionLimit', loc('ActionComment', 7), atLimit.body.message);
    await assert.rejects(
      adapter.addComment('WebApp', 7, '<p>Failed again</p>', landed),
      (error: AdoError) => error.status === 500 && error.message === message,
    );
    await assert.rejects(
      adapter.updateWorkItem('WebApp', 7, PATCH, landed),
      (error: AdoError) => error.status === 500 && error.message.includes('close or remove it'),
    );
    sinon.assert.notCalled(landed);
    assert.equal(sent.length, 2);
  });

  it('an upload answered without a URL fails', async () => {
    const { adapter } = wire([{ status: 201, body: { id: '1' } }]);
    await assert.rejects(
      adapter.uploadAttachment('WebApp', 'notes.log', () => Readable.from([Buffer.from('x')])),
      (error: Error) => error.message.includes(loc('NoAttachmentUrl')),
    );
  });
});

describe('Boards adapter: each call on the wire and in its errors', () => {
  const refusal: Answer = { status: 400, body: { message: 'VS402337: refused' } };
  const upload = (): Readable => Readable.from([Buffer.from('x')]);
  const calls: [string, (adapter: AdoBoards) => Promise<unknown>, string, string][] = [
    [
      'types',
      (a) => a.workItemTypes('WebApp'),
      'GET WebApp/_apis/wit/workitemtypes',
      loc('ActionReadTypes', 'WebApp'),
    ],
    [
      'iteration of the default team',
      (a) => a.currentIteration('WebApp', undefined),
      'GET WebApp/_apis/work/teamsettings/iterations',
      loc('ActionReadIterationDefaultTeam', 'WebApp'),
    ],
    [
      'iteration of a team',
      (a) => a.currentIteration('WebApp', 'Ops'),
      'GET WebApp/Ops/_apis/work/teamsettings/iterations',
      loc('ActionReadIterationTeam', 'Ops'),
    ],
    [
      'query',
      (a) => a.queryIds('WebApp', 'SELECT'),
      'POST WebApp/_apis/wit/wiql',
      loc('ActionQuery', 'WebApp'),
    ],
    [
      'state',
      (a) => a.workItemState('WebApp', 7),
      'GET WebApp/_apis/wit/workitems/7',
      loc('ActionReadItem', 7),
    ],
    [
      'reasons',
      (a) => a.stateReasons('WebApp', 'Bug'),
      'GET WebApp/_apis/wit/workitemtypes/Bug/fields/System.Reason',
      loc('ActionReadReasons', 'Bug', 'WebApp'),
    ],
    [
      'validation',
      (a) => a.validateWorkItem('WebApp', 'Bug', PATCH),
      'POST WebApp/_apis/wit/workitems/$Bug',
      loc('ActionValidate', 'Bug', 'WebApp'),
    ],
    [
      'create',
      (a) => a.createWorkItem('WebApp', 'Bug', PATCH, async () => 9),
      'POST WebApp/_apis/wit/workitems/$Bug',
      loc('ActionCreate', 'Bug', 'WebApp'),
    ],
    [
      'update',
      (a) => a.updateWorkItem('WebApp', 7, PATCH, async () => true),
      'PATCH WebApp/_apis/wit/workitems/7',
      loc('ActionUpdate', 7),
    ],
    [
      'comments',
      (a) => a.comments('WebApp', 7, () => true),
      'GET WebApp/_apis/wit/workItems/7/comments',
      loc('ActionReadComments', 7),
    ],
    [
      'comment',
      (a) => a.addComment('WebApp', 7, '<p>x</p>', async () => true),
      'POST WebApp/_apis/wit/workItems/7/comments',
      loc('ActionComment', 7),
    ],
    [
      'fields',
      (a) => a.fieldTypes('WebApp'),
      'GET WebApp/_apis/wit/fields',
      loc('ActionReadFields', 'WebApp'),
    ],
    [
      'upload',
      (a) => a.uploadAttachment('WebApp', 'build.log', upload),
      'POST WebApp/_apis/wit/attachments',
      loc('ActionUpload', 'build.log'),
    ],
  ];
  for (const [name, call, request, action] of calls) {
    it(`${name}: ${request}, and a refusal says what it was doing`, async () => {
      const { adapter, sent } = wire([refusal]);
      await assert.rejects(call(adapter), (error: AdoError) => {
        assert.equal(error.message, loc('CallFailedStatus', action, 400, 'VS402337: refused'));
        return true;
      });
      assert.equal(`${sent[0]?.verb} ${sent[0]?.url.slice(API.length).split('?')[0]}`, request);
      assert.equal(sent.length, 1);
    });
  }

  it('a create, a validation or an update answered 404 names what the writer must be granted', async () => {
    const identity = { kind: 'connection', connection: 'boards-pat' } as const;
    const fix = permissionFix({ url: API, project: 'WebApp', identity });
    const { adapter } = wire([notFound, notFound, notFound], 60_000, identity);
    const refused = (message: string) => (error: AdoError) => {
      assert.equal(error.message, message);
      return true;
    };
    await assert.rejects(
      adapter.validateWorkItem('WebApp', 'Bug', PATCH),
      refused(loc('CreateAnswered404', 'Bug', 'WebApp', fix)),
    );
    await assert.rejects(
      adapter.createWorkItem('WebApp', 'Bug', PATCH, async () => undefined),
      refused(loc('CreateAnswered404', 'Bug', 'WebApp', fix)),
    );
    await assert.rejects(
      adapter.updateWorkItem('WebApp', 7, PATCH, async () => false),
      refused(loc('UpdateAnswered404', 7, fix)),
    );
  });

  it('a refused write is never looked for as if it might have landed', async () => {
    const { adapter, sent } = wire([refusal, refusal]);
    const landed = sinon.stub().resolves(9);
    await assert.rejects(
      adapter.createWorkItem('WebApp', 'Bug', PATCH, landed),
      (error: AdoError) => error.status === 400,
    );
    const updated = sinon.stub().resolves(true);
    await assert.rejects(
      adapter.updateWorkItem('WebApp', 7, PATCH, updated),
      (error: AdoError) => error.status === 400,
    );
    sinon.assert.notCalled(landed);
    sinon.assert.notCalled(updated);
    assert.equal(sent.length, 2);
  });

  it('an update whose answer was lost and that landed is not sent again', async () => {
    const { adapter, sent } = wire([busy]);
    await adapter.updateWorkItem('WebApp', 7, PATCH, async () => true);
    assert.equal(sent.length, 1);
  });

  it('a lost write the service asks to retry only after the budget is given up, not sent again', async () => {
    const later: Answer = { status: 503, body: { message: 'busy' }, headers: { 'retry-after': '3600' } };
    const { adapter, sent } = wire([later, { status: 200, body: { id: 8 } }]);
    await assert.rejects(
      adapter.createWorkItem('WebApp', 'Bug', PATCH, async () => undefined),
      (error: AdoError) => error.status === 503,
    );
    assert.equal(sent.length, 1);
    const uploads = wire([later, { status: 201, body: { url: 'https://x/a/1' } }]);
    await assert.rejects(
      uploads.adapter.uploadAttachment('WebApp', 'build.log', upload),
      (error: AdoError) => error.status === 503,
    );
    assert.equal(uploads.sent.length, 1);
  });

  it('comments page by page, newest first, until the reader has enough', async () => {
    const { adapter, sent } = wire([
      {
        status: 200,
        body: { comments: [{ id: 3, text: 'c' }, { text: 'no id' }, { id: 2 }], continuationToken: 'tok' },
      },
      { status: 200, body: { comments: [{ id: 1, text: 'a' }], continuationToken: '' } },
      { status: 200, body: { comments: [{ id: 5, text: 'e' }], continuationToken: 'more' } },
      { status: 200, body: {} },
    ]);
    assert.deepEqual(await adapter.comments('WebApp', 7, () => false), [
      { id: 3, text: 'c' },
      { id: 2, text: '' },
      { id: 1, text: 'a' },
    ]);
    assert.deepEqual(
      sent.map((request) => request.url.slice(API.length)),
      [
        'WebApp/_apis/wit/workItems/7/comments?$top=200&order=desc&api-version=6.0-preview.3',
        'WebApp/_apis/wit/workItems/7/comments?$top=200&order=desc&continuationToken=tok&api-version=6.0-preview.3',
      ],
    );
    assert.deepEqual(await adapter.comments('WebApp', 7, (read) => read.length > 0), [{ id: 5, text: 'e' }]);
    assert.equal(sent.length, 3);
    assert.deepEqual(await adapter.comments('WebApp', 7, () => false), []);
  });

  it('a read that decides a write, answered without content, fails: read as nothing, it would write twice or wrong', async () => {
    const { adapter } = wire([204, 200, 200, 200, 200, 204].map((status) => ({ status })));
    await assert.rejects(adapter.queryIds('WebApp', 'SELECT'), {
      message: loc('AnswerEmpty', loc('ActionQuery', 'WebApp'), API, 204),
    });
    await assert.rejects(adapter.workItemTags('WebApp', [7]), {
      message: loc('AnswerEmpty', loc('ActionReadItems', '7'), API, 200),
    });
    await assert.rejects(
      adapter.comments('WebApp', 7, () => false),
      {
        message: loc('AnswerEmpty', loc('ActionReadComments', 7), API, 200),
      },
    );
    await assert.rejects(adapter.workItemState('WebApp', 7), {
      message: loc('AnswerEmpty', loc('ActionReadItem', 7), API, 200),
    });
    // Read as no such type, a Bug would be filed as an Issue.
    await assert.rejects(adapter.workItemType('WebApp', 'Bug'), {
      message: loc('AnswerEmpty', loc('ActionReadTypes', 'WebApp'), API, 200),
    });
    await assert.rejects(adapter.currentIteration('WebApp', undefined), {
      message: loc('AnswerEmpty', loc('ActionReadIterationDefaultTeam', 'WebApp'), API, 204),
    });
  });

  it('answers without their lists read as empty', async () => {
    const empty: Answer = { status: 200, body: {} };
    const { adapter } = wire([empty, empty, empty, empty, empty, empty, { status: 200, body: { id: 7 } }]);
    assert.deepEqual(await adapter.workItemTypes('WebApp'), []);
    assert.equal(await adapter.currentIteration('WebApp', undefined), undefined);
    assert.deepEqual(await adapter.queryIds('WebApp', 'SELECT'), []);
    assert.deepEqual(await adapter.stateReasons('WebApp', 'Bug'), []);
    assert.deepEqual(await adapter.fieldTypes('WebApp'), { html: [], singleLine: [] });
    assert.deepEqual(await adapter.stateReasons('WebApp', 'Bug'), []);
    assert.equal(await adapter.workItemState('WebApp', 7), '');
  });

  it('the reasons of a type that is gone are none, not a failure; an upload answered empty fails', async () => {
    const { adapter } = wire([notFound, { status: 201 }]);
    assert.deepEqual(await adapter.stateReasons('WebApp', 'Bug'), []);
    await assert.rejects(adapter.uploadAttachment('WebApp', 'build.log', upload), (error: Error) =>
      error.message.includes(loc('NoAttachmentUrl')),
    );
  });

  it('an item’s revision without fields: its state is empty', async () => {
    const { adapter } = wire([{ status: 200, body: { id: 7, rev: 2 } }]);
    assert.deepEqual(await adapter.workItemRevision('WebApp', 7), { state: '', rev: 2 });
  });

  it('a state of each of the five categories keeps its category, whatever its case', async () => {
    const states = ['Proposed', 'InProgress', 'Resolved', 'Completed', 'Removed'].map((category) => ({
      name: `S-${category}`,
      category: category.toUpperCase(),
    }));
    const { adapter } = wire([{ status: 200, body: { value: [{ name: 'Bug', states }] } }]);
    const [bug] = await adapter.workItemTypes('WebApp');
    assert.deepEqual(bug?.states, [
      { name: 'S-Proposed', category: 'Proposed' },
      { name: 'S-InProgress', category: 'InProgress' },
      { name: 'S-Resolved', category: 'Resolved' },
      { name: 'S-Completed', category: 'Completed' },
      { name: 'S-Removed', category: 'Removed' },
    ]);
  });
});

describe('Boards adapter: names in URLs', () => {
  it('a type named `..` (read from the service, say) is never sent: its call fails naming it, with no request', async () => {
    const { http, boards: adapter } = boards([]);
    await assert.rejects(adapter.stateReasons('WebApp', '..'), (error: Error) =>
      error.message.includes(
        "'..' cannot be a name in a request's URL: the URL would address another resource.",
      ),
    );
    await assert.rejects(adapter.stateReasons('..', 'Bug'), /'\.\.' cannot be a name in a request's URL/);
    assert.equal(http.request.callCount, 0);
  });
});
