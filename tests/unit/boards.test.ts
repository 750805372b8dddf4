import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { AdoBoards } from '../../tasks/PipelineWorkItem/src/ado/boards';
import { Rest, HttpClientLike } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { DEFAULT_LIMITS, RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';
import { text } from 'node:stream/consumers';

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
  const rest = new Rest(http, 'https://dev.azure.com/fabrikam/');
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
    const { http, boards: adapter } = boards(secrets, '');
    secrets.push(SECRET);
    const hex = Buffer.from(SECRET).toString('hex');
    await adapter.addComment('WebApp', 7, `<p>Failed again on ${SECRET}: ${hex}</p>`, async () => false);
    assert.deepEqual(sentBody(http), { text: '<p>Failed again on ***: ***</p>' });
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

  it('masks an upload file name and strips its bidi controls', async () => {
    const { http, boards: adapter } = boards([SECRET]);
    await adapter.uploadAttachment('WebApp', `${SECRET}-invoice\u202egnp.exe`, () =>
      Readable.from([Buffer.from('MZ')]),
    );
    const url = new URL(String(http.request.lastCall.args[1]));
    assert.equal(url.searchParams.get('fileName'), '***-invoicegnp.exe');
    assert.equal(url.searchParams.get('uploadType'), 'Simple');
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
    return { bodies, adapter: new AdoBoards(new Rest(http, 'https://x/'), policy, () => [UPLOAD_SECRET]) };
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
