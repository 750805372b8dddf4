import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { HttpClientLike, Rest, segment, ServiceFailure } from '../../tasks/PipelineWorkItem/src/ado/rest';

// The REST calls on the wire: the URL, headers and body each request carries, and what each answer becomes.

interface Sent {
  readonly verb: string;
  readonly url: string;
  readonly data: string | NodeJS.ReadableStream | null;
  readonly headers: Record<string, string>;
}

interface Answer {
  readonly status?: number;
  readonly body?: string;
  readonly chunks?: Buffer[];
}

function restOver(
  answers: Answer[],
  secrets: readonly string[] = [],
): { rest: Rest; sent: Sent[]; destroyed: () => boolean } {
  const sent: Sent[] = [];
  let destroyed = false;
  const http: HttpClientLike = {
    async request(verb, url, data, headers) {
      sent.push({ verb, url, data, headers });
      const { status, body = '', chunks } = answers.shift() ?? {};
      const message = Object.assign(Readable.from(chunks ?? [Buffer.from(body)]), {
        statusCode: status,
        headers: { 'x-trace': 'abc' },
      });
      message.on('close', () => {
        destroyed = message.destroyed;
      });
      return { message, readBody: async () => body };
    },
  };
  return {
    rest: new Rest(http, 'https://dev.azure.com/fabrikam/', () => secrets),
    sent,
    destroyed: () => destroyed,
  };
}

const failureOf = async (call: Promise<unknown>): Promise<ServiceFailure> => {
  try {
    await call;
  } catch (error) {
    return error as ServiceFailure;
  }
  return assert.fail('the call succeeded');
};

describe('REST calls', () => {
  it('a GET: the path below the collection, its query without unset values, the API version, JSON', async () => {
    const { rest, sent } = restOver([{ status: 200, body: '{"count":1}' }]);
    const answer = await rest.json<{ count: number }>({
      method: 'GET',
      path: 'Web%20App/_apis/wit/fields',
      query: { $expand: 'all values', $top: 5, continuationToken: undefined },
      apiVersion: '6.0',
    });
    assert.deepEqual(answer, { count: 1 });
    assert.deepEqual(sent, [
      {
        verb: 'GET',
        url: 'https://dev.azure.com/fabrikam/Web%20App/_apis/wit/fields?%24expand=all+values&%24top=5&api-version=6.0',
        data: null,
        headers: { Accept: 'application/json;api-version=6.0', 'X-TFS-FedAuthRedirect': 'Suppress' },
      },
    ]);
  });

  it('a log is asked for as plain text', async () => {
    const { rest, sent } = restOver([{ status: 200, body: 'line 1\n' }]);
    assert.equal(
      await rest.send({
        method: 'GET',
        path: 'p/_apis/build/builds/1/logs/2',
        accept: 'text',
        apiVersion: '6.0',
      }),
      'line 1\n',
    );
    assert.deepEqual(sent[0]?.headers, {
      Accept: 'text/plain;api-version=6.0',
      'X-TFS-FedAuthRedirect': 'Suppress',
    });
  });

  it('a JSON body is sent as JSON, or as the content type the request names', async () => {
    const { rest, sent } = restOver([{ status: 200 }, { status: 200 }]);
    await rest.send({
      method: 'POST',
      path: 'p/_apis/wit/wiql',
      body: { query: 'SELECT' },
      apiVersion: '6.0',
    });
    await rest.send({
      method: 'PATCH',
      path: 'p/_apis/wit/workitems/7',
      body: [{ op: 'add', path: '/fields/System.Title', value: 'T' }],
      contentType: 'application/json-patch+json',
      apiVersion: '6.0',
    });
    assert.deepEqual(
      sent.map((request) => [request.data, request.headers['Content-Type']]),
      [
        ['{"query":"SELECT"}', 'application/json'],
        ['[{"op":"add","path":"/fields/System.Title","value":"T"}]', 'application/json-patch+json'],
      ],
    );
  });

  it('a stream body is sent as it comes, as bytes unless the request names a type', async () => {
    const { rest, sent } = restOver([{ status: 201 }, { status: 201 }]);
    const stream = (): NodeJS.ReadableStream => Readable.from([Buffer.from('MZ')]);
    await rest.send({ method: 'POST', path: 'p/_apis/wit/attachments', stream, apiVersion: '6.0' });
    await rest.send({
      method: 'POST',
      path: 'p/_apis/wit/attachments',
      stream,
      contentType: 'text/plain',
      apiVersion: '6.0',
    });
    assert.equal(sent[0]?.headers['Content-Type'], 'application/octet-stream');
    assert.equal(sent[1]?.headers['Content-Type'], 'text/plain');
    assert.equal(await text(sent[0]?.data as Readable), 'MZ');
  });

  it('masking: every string of the body and every query value, but not keys or patch addresses', async () => {
    const { rest, sent } = restOver([{ status: 200 }]);
    const mask = (value: string): string => value.replaceAll('s3cret', '***');
    await rest.masking(mask).send({
      method: 'PATCH',
      path: 'p/_apis/wit/workitems/7',
      query: { note: 'by s3cret' },
      body: [
        { op: 'add', path: '/fields/s3cret', value: 'on s3cret', from: '/fields/s3cret' },
        {
          op: 'add',
          path: '/relations/-',
          value: { url: 'https://x/s3cret', attributes: { path: 's3cret' } },
        },
        { s3cret: ['s3cret', 2, true, null], path: { nested: 's3cret' } },
      ],
      apiVersion: '6.0',
    });
    assert.equal(
      sent[0]?.url,
      'https://dev.azure.com/fabrikam/p/_apis/wit/workitems/7?note=by+***&api-version=6.0',
    );
    assert.deepEqual(JSON.parse(String(sent[0]?.data)), [
      { op: 'add', path: '/fields/s3cret', value: 'on ***', from: '/fields/s3cret' },
      { op: 'add', path: '/relations/-', value: { url: 'https://x/***', attributes: { path: 's3cret' } } },
      { s3cret: ['***', 2, true, null], path: { nested: '***' } },
    ]);
  });

  it('without masking, the strings go out as they are', async () => {
    const { rest, sent } = restOver([{ status: 200 }]);
    await rest.send({
      method: 'POST',
      path: 'p/x',
      query: { q: 'a b' },
      body: { text: 'a b' },
      apiVersion: '6.0',
    });
    assert.equal(sent[0]?.url, 'https://dev.azure.com/fabrikam/p/x?q=a+b&api-version=6.0');
    assert.equal(sent[0]?.data, '{"text":"a b"}');
  });

  it('any 2xx answer is a success; an empty one is no JSON', async () => {
    const { rest } = restOver([
      { status: 200, body: '{"id":1}' },
      { status: 204, body: '' },
      { status: 299, body: 'ok' },
    ]);
    const request = { method: 'GET', path: 'p/x', apiVersion: '6.0' } as const;
    assert.deepEqual(await rest.json(request), { id: 1 });
    assert.equal(await rest.json(request), undefined);
    assert.equal(await rest.send(request), 'ok');
  });

  it('an answer that must be there: JSON (or nothing on a 404 it allows), else a failure naming its status', async () => {
    const { rest } = restOver([
      { status: 200, body: '{"workItems":[]}' },
      { status: 204, body: '' },
      { status: 200, body: ' \r\n' },
      { status: 200, body: '<html>blocked</html>' },
      { status: 404, body: '{"message":"VS800075: project not found"}' },
      { status: 404, body: '{"message":"TF401232: Work item 7 does not exist"}' },
    ]);
    const request = { method: 'POST', path: 'p/_apis/wit/wiql', apiVersion: '6.0' } as const;
    assert.deepEqual(await rest.answered(request), { workItems: [] });
    for (const [status, page] of [
      [204, ''],
      [200, ''],
      [200, '<html>blocked</html>'],
    ] as const) {
      const failure = (await failureOf(rest.answered(request))) as ServiceFailure & { page?: string };
      assert.deepEqual([failure.statusCode, failure.page], [status, page]);
    }
    assert.equal((await failureOf(rest.answered(request))).message, 'VS800075: project not found');
    assert.equal(await rest.answered(request, 'undefined'), undefined);
  });

  it('a 404 is undefined only when the call allows it', async () => {
    const { rest } = restOver([
      { status: 404, body: '{"message":"VS800075: project not found"}' },
      { status: 404, body: '{"message":"VS800075: project not found"}' },
      { status: 404, body: '{"message":"VS800075: project not found"}' },
    ]);
    const request = { method: 'GET', path: 'p/x', apiVersion: '6.0' } as const;
    assert.equal(await rest.json(request, 'undefined'), undefined);
    assert.equal((await failureOf(rest.json(request))).statusCode, 404);
    assert.equal((await failureOf(rest.send(request))).message, 'VS800075: project not found');
  });

  it('a failure: the service’s message, its JSON and headers; else the body, else the status', async () => {
    const { rest } = restOver([
      { status: 400, body: '{"message":"TF401320: Rule Error","typeKey":"RuleValidationException"}' },
      { status: 502, body: `<html>${'x'.repeat(600)}</html>` },
      { status: 503, body: '' },
      { status: 500, body: '{"message":{"text":"odd"}}' },
      { status: 500, body: 'null' },
      { status: 300, body: '' },
      { status: 199, body: '' },
      {},
    ]);
    const request = { method: 'GET', path: 'p/x', apiVersion: '6.0' } as const;
    const refused = await failureOf(rest.send(request));
    assert.equal(refused.message, 'TF401320: Rule Error');
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.result, { message: 'TF401320: Rule Error', typeKey: 'RuleValidationException' });
    assert.deepEqual(refused.responseHeaders, { 'x-trace': 'abc' });
    const html = await failureOf(rest.send(request));
    assert.equal(html.message, `<html>${'x'.repeat(493)}…`);
    assert.equal(html.result, undefined);
    assert.equal((await failureOf(rest.send(request))).message, 'HTTP 503');
    assert.equal((await failureOf(rest.send(request))).message, '{"message":{"text":"odd"}}');
    assert.equal((await failureOf(rest.send(request))).message, 'null');
    assert.equal((await failureOf(rest.send(request))).message, 'HTTP 300');
    assert.equal((await failureOf(rest.send(request))).message, 'HTTP 199');
    assert.equal((await failureOf(rest.send(request))).message, 'HTTP 0');
  });

  it('the sign-in page (203) that answers refused credentials is a failure, however the answer is read', async () => {
    const page = { status: 203, body: '<html><title>Azure DevOps Services | Sign In</title></html>' };
    const { rest, sent } = restOver([page, page, page, page]);
    const request = {
      method: 'GET',
      path: 'p/_apis/build/builds/1/logs/2',
      accept: 'text',
      apiVersion: '6.0',
    } as const;
    for (const read of [
      () => rest.send(request),
      () => rest.json(request),
      () => rest.sendCapped(request, 1000),
      () => rest.sendTail(request, 1000),
    ]) {
      const refused = await failureOf(read());
      assert.equal(refused.statusCode, 203);
      assert.match(refused.message, /Sign In/);
    }
    assert.ok(sent.every((r) => r.headers['X-TFS-FedAuthRedirect'] === 'Suppress'));
  });

  it('an answer quoted in a failure is masked before it is cut: no part of a secret at the cut is left', async () => {
    const secret = 'Sup3r-S3cret-Value';
    // The secret starts 6 characters before the 500th: a cut before the mask would keep its first 6.
    const page = (start: number): string => `${'x'.repeat(start)}${secret}${'y'.repeat(600)}`;
    const answers = [494, 480, 0].map((start) => ({ status: 502, body: page(start) }));
    const { rest } = restOver(answers, [secret]);
    const request = { method: 'GET', path: 'p/x', apiVersion: '6.0' } as const;
    for (const start of [494, 480, 0]) {
      const { message } = await failureOf(rest.sendCapped(request, 10));
      assert.ok(!message.includes(secret.slice(0, 5)), `${start}: ${message.slice(start - 10, start + 20)}`);
      assert.ok(message.startsWith(`${'x'.repeat(start)}***`), String(start));
      assert.ok(message.length <= 500 && message.endsWith('…'), String(start));
    }
  });

  it('an answer that echoes a secret holding a CR LF is masked before its line ends are made one', async () => {
    const secret = 'line-one-key\r\nline-two-key';
    const { rest } = restOver([{ status: 502, body: `${'x'.repeat(250)} echo: ${secret} end` }], [secret]);
    const { message } = await failureOf(rest.send({ method: 'GET', path: 'p/x', apiVersion: '6.0' }));
    assert.ok(!message.includes('line-one-key') && !message.includes('line-two-key'), message.slice(240));
    assert.ok(message.includes('echo: *** end'), message.slice(240));
  });

  it('an answer that echoes a multi-line secret with other line ends is masked all the same', async () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7';
    const echoed = `${'x'.repeat(250)} echo: ${secret.replace('\n', '\r\n')} ${'y'.repeat(300)}`;
    const { rest } = restOver([{ status: 502, body: echoed }], [secret]);
    const { message } = await failureOf(rest.send({ method: 'GET', path: 'p/x', apiVersion: '6.0' }));
    assert.ok(!message.includes('MIIEvQ'), message.slice(240, 320));
    assert.ok(message.includes('echo: ***'), message.slice(240, 320));
  });

  it('a page with CR LF line ends is quoted a line at a time, its first ten lines', async () => {
    const page = Array.from({ length: 12 }, (_, i) => `<p>line ${i + 1}</p>`).join('\r\n');
    const { rest } = restOver([{ status: 502, body: page }]);
    const { message } = await failureOf(rest.send({ method: 'GET', path: 'p/x', apiVersion: '6.0' }));
    assert.ok(message.startsWith('<p>line 1</p>\n<p>line 2</p>\n'), message);
    assert.ok(message.includes('<p>line 10</p>') && !message.includes('line 11'), message);
  });

  it('a capped read: the whole answer up to the limit, nothing but “over” past it, its connection closed', async () => {
    const { rest, destroyed } = restOver([
      { status: 200, chunks: [Buffer.from('12345'), Buffer.from('67890')] },
      { status: 200, chunks: [Buffer.from('12345'), Buffer.from('678901')] },
      { status: 404, body: '{"message":"log not found"}' },
      { status: 299, chunks: [] },
    ]);
    const request = { method: 'GET', path: 'p/log', accept: 'text', apiVersion: '6.0' } as const;
    assert.deepEqual(await rest.sendCapped(request, 10), { body: '1234567890', over: false });
    assert.deepEqual(await rest.sendCapped(request, 10), { body: '', over: true });
    assert.equal(destroyed(), true);
    const missing = await failureOf(rest.sendCapped(request, 10));
    assert.equal(missing.message, 'log not found');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(await rest.sendCapped(request, 10), { body: '', over: false });
  });

  it('a tail read: the end of a successful answer as it streams, the lines of all of it counted', async () => {
    const { rest } = restOver([
      { status: 200, chunks: [Buffer.from('one\ntwo\nthree\nfo'), Buffer.from('ur\nfive\n')] },
      { status: 404, body: '{"message":"log not found"}' },
    ]);
    const request = { method: 'GET', path: 'p/log', accept: 'text', apiVersion: '6.0' } as const;
    assert.deepEqual(await rest.sendTail(request, 9), { tail: 'five\n', lineCount: 5 });
    const missing = await failureOf(rest.sendTail(request, 10));
    assert.equal(missing.message, 'log not found');
    assert.equal(missing.statusCode, 404);
  });
});

describe('a URL path segment', () => {
  it('encodes a name as one segment, whatever it holds', () => {
    assert.deepEqual(['Web App', 'a/b', '...', '.x', '%2E%2E', 'Ünïcode', 42].map(segment), [
      'Web%20App',
      'a%2Fb',
      '...',
      '.x',
      '%252E%252E',
      '%C3%9Cn%C3%AFcode',
      '42',
    ]);
  });

  it('never makes a segment a URL resolves away: . and .. are refused, before any request', () => {
    const base = 'https://dev.azure.com/fabrikam/';
    // What a parser makes of the same dots escaped: the project's route left for the collection's.
    assert.equal(new URL(`${base}%2E%2E/_apis/wit/fields`).href, 'https://dev.azure.com/_apis/wit/fields');
    for (const name of ['.', '..']) {
      assert.throws(
        () => segment(name),
        new Error(`'${name}' cannot be a name in a request's URL: the URL would address another resource.`),
      );
    }
  });
});
