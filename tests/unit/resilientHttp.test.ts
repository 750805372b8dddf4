import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { failureOf, makeResilient, safeToRepeat } from '../../tasks/PipelineWorkItem/src/ado/resilientHttp';
import type { HttpClientLike } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';

const answer = (statusCode: number, body = '', headers: Record<string, string> = {}) => ({
  message: Object.assign(Readable.from([Buffer.from(body)]), { statusCode, headers }),
  readBody: async () => body,
});

interface OnFakeClock {
  readonly client: HttpClientLike;
  readonly request: sinon.SinonStub;
  readonly clock: sinon.SinonFakeTimers;
  readonly told: sinon.SinonSpy;
}

/** `test` with a resilient client on a fake clock (a 20-second budget) whose first answer is `first`. */
async function onFakeClock(first: ReturnType<typeof answer>, test: (setup: OnFakeClock) => Promise<void>) {
  const clock = sinon.useFakeTimers();
  try {
    const told = sinon.spy();
    const request = sinon.stub().resolves(answer(200, '{}'));
    request.onFirstCall().resolves(first);
    const client: HttpClientLike = { request };
    makeResilient(
      client,
      new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 20_000 }, () => clock.now, told),
    );
    await test({ client, request, clock, told });
  } finally {
    clock.restore();
  }
}

describe('resilient HTTP client', () => {
  const policy = (): RetryPolicy => new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 20_000 });

  it('knows reads, WIQL queries and batch reads as safe to repeat, and writes as not', () => {
    assert.equal(safeToRepeat('GET', 'https://x/p/_apis/wit/workitems/1'), true);
    assert.equal(safeToRepeat('options', 'https://x/_apis/wit'), true);
    assert.equal(safeToRepeat('HEAD', 'https://x/p/_apis/wit/workitems/1'), true);
    assert.equal(safeToRepeat('POST', 'https://x/p/_apis/wit/wiql?api-version=6.0'), true);
    assert.equal(safeToRepeat('POST', 'https://x/p/_apis/wit/workitemsbatch'), true);
    assert.equal(safeToRepeat('POST', 'https://x/p/_apis/wit/workitems/$Bug'), false);
    assert.equal(safeToRepeat('PATCH', 'https://x/p/_apis/wit/workitems/7'), false);
    assert.equal(safeToRepeat('POST', 'https://x/p/_apis/wit/workItems/7/comments'), false);
  });

  it('repeats a read answered 503, and hands back the last answer when retries run out', async () => {
    const request = sinon.stub();
    request.onFirstCall().resolves(answer(503, 'busy'));
    request.onSecondCall().resolves(answer(200, '{"ok":true}'));
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request('GET', 'https://x/p/_apis/build/builds/1', null, {});
    assert.equal(response.message.statusCode, 200);
    assert.equal(await response.readBody(), '{"ok":true}');
    sinon.assert.calledTwice(request);

    const failing = sinon.stub().resolves(answer(400, '{"message":"TF401320"}'));
    const other: HttpClientLike = { request: failing };
    makeResilient(other, policy());
    const refused = await other.request('GET', 'https://x/p/_apis/wit/workitems/1', null, {});
    assert.equal(refused.message.statusCode, 400);
    assert.equal(await refused.readBody(), '{"message":"TF401320"}');
    sinon.assert.calledOnce(failing);
  });

  it('sends a write again after 429, but not after a 500 (its outcome is unknown)', async () => {
    const request = sinon.stub();
    request.onFirstCall().resolves(answer(429, '', { 'retry-after': '0' }));
    request.onSecondCall().resolves(answer(500, '{"message":"boom"}'));
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request('POST', 'https://x/p/_apis/wit/workitems/$Bug', '[]', {});
    assert.equal(response.message.statusCode, 500);
    assert.equal(await response.readBody(), '{"message":"boom"}');
    sinon.assert.calledTwice(request);
  });

  it('leaves a stream body to its caller: it cannot be sent twice', async () => {
    const request = sinon.stub().resolves(answer(503));
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request('POST', 'https://x/p/_apis/wit/attachments', process.stdin, {});
    assert.equal(response.message.statusCode, 503);
    sinon.assert.calledOnce(request);
    request.resolves(answer(429, '', { 'retry-after': '0' }));
    const throttled = await client.request('POST', 'https://x/p/_apis/wit/attachments', process.stdin, {});
    assert.equal(throttled.message.statusCode, 429);
    sinon.assert.calledTwice(request);
  });

  it('a write without a body (undefined) is retried after 429 like any other', async () => {
    const request = sinon.stub();
    request.onFirstCall().resolves(answer(429, '', { 'retry-after': '0' }));
    request.onSecondCall().resolves(answer(200, '{}'));
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request(
      'POST',
      'https://x/p/_apis/wit/workitems/$Bug',
      undefined as unknown as null,
      {},
    );
    assert.equal(response.message.statusCode, 200);
    sinon.assert.calledTwice(request);
  });

  it('gives up at once when the service asks to wait past the budget, handing back its answer', async () => {
    const request = sinon.stub();
    request.onFirstCall().resolves(answer(429, '{"message":"slow down"}', { 'retry-after': '60' }));
    request.onSecondCall().resolves(answer(200, '{}'));
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request('GET', 'https://x/p/_apis/wit/workitems/1', null, {});
    assert.equal(response.message.statusCode, 429);
    assert.equal(await response.readBody(), '{"message":"slow down"}');
    sinon.assert.calledOnce(request);
  });

  it('holds the next requests, streamed ones too, for the Retry-After of a successful answer, within the budget', () =>
    onFakeClock(answer(200, '{}', { 'retry-after': '2' }), async ({ client, request, clock }) => {
      await client.request('GET', 'https://x/p/_apis/build/builds/1', null, {});
      const next = client.request('POST', 'https://x/p/_apis/wit/attachments', process.stdin, {});
      await clock.tickAsync(1999);
      sinon.assert.calledOnce(request);
      await clock.tickAsync(1);
      await next;
      sinon.assert.calledTwice(request);
      // A wait past the budget holds requests until the budget ends, no longer.
      request.onThirdCall().resolves(answer(200, '{}', { 'retry-after': '60' }));
      await client.request('GET', 'https://x/p/_apis/build/builds/1', null, {});
      const last = client.request('GET', 'https://x/p/_apis/build/builds/1', null, {});
      await clock.tickAsync(18_000);
      await last;
      sinon.assert.callCount(request, 4);
    }));

  it('keeps holding for a Retry-After when an answer to a request sent alongside carries none', () =>
    onFakeClock(answer(200, '{}', { 'retry-after': '2' }), async ({ client, request, clock }) => {
      await Promise.all([
        client.request('GET', 'https://x/p/_apis/build/builds/1', null, {}),
        client.request('GET', 'https://x/p/_apis/build/builds/2', null, {}),
      ]);
      const next = client.request('GET', 'https://x/p/_apis/build/builds/3', null, {});
      await clock.tickAsync(1999);
      sinon.assert.calledTwice(request);
      await clock.tickAsync(1);
      await next;
      sinon.assert.calledThrice(request);
    }));

  it('waits out and says the Retry-After of a throttled read once, before its next attempt', () =>
    onFakeClock(answer(429, '', { 'retry-after': '1' }), async ({ client, request, clock, told }) => {
      const read = client.request('GET', 'https://x/p/_apis/build/builds/1', null, {});
      await clock.runAllAsync();
      assert.equal((await read).message.statusCode, 200);
      sinon.assert.calledTwice(request);
      assert.deepEqual(told.args, [[loc('RetryAfterWait', 1)]]);
    }));

  it('hands back the last answer of a read whose retries ran out', async () => {
    let now = 0;
    const request = sinon.stub().callsFake(async () => {
      now += 15_000;
      return answer(503, '{"message":"still busy"}');
    });
    const client: HttpClientLike = { request };
    makeResilient(client, new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 20_000 }, () => now));
    const response = await client.request('GET', 'https://x/p/_apis/wit/workitems/1', null, {});
    assert.equal(response.message.statusCode, 503);
    assert.equal(await response.readBody(), '{"message":"still busy"}');
    sinon.assert.calledTwice(request);
  });

  it('a read asking for JSON is read whole in the attempt: an answer cut off mid-way is asked again', async () => {
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const cutOff = { ...answer(200), readBody: sinon.stub().rejects(reset) };
    const request = sinon.stub();
    request.onFirstCall().resolves(cutOff);
    request.onSecondCall().resolves(answer(200, '{"count":1}'));
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request('GET', 'https://x/p/_apis/wit/workitems/1', null, {
      'X-TFS-FedAuthRedirect': 'Suppress',
      Accept: 'application/json;api-version=7.1',
    });
    assert.equal(response.message.statusCode, 200);
    assert.equal(await response.readBody(), '{"count":1}');
    sinon.assert.calledTwice(request);
    sinon.assert.calledOnce(cutOff.readBody);
  });

  it('a write asking for JSON is not read ahead: an answer cut off mid-way is not sent again', async () => {
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const cutOff = { ...answer(200), readBody: sinon.stub().rejects(reset) };
    const request = sinon.stub().resolves(cutOff);
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request('POST', 'https://x/p/_apis/wit/workitems/$Bug', '[]', {
      Accept: 'application/json;api-version=7.1',
    });
    assert.equal(response, cutOff, 'the answer as sent, its body left to the caller');
    sinon.assert.notCalled(cutOff.readBody);
    await assert.rejects(response.readBody(), reset);
    sinon.assert.calledOnce(request);
  });

  it('a read of text (a log) is handed over unread, to stream to a caller that may stop early', async () => {
    const log = { ...answer(200, 'line 1\nline 2\n'), readBody: sinon.stub().resolves('line 1\nline 2\n') };
    const request = sinon.stub().resolves(log);
    const client: HttpClientLike = { request };
    makeResilient(client, policy());
    const response = await client.request('GET', 'https://x/p/_apis/build/builds/1/logs/3', null, {
      'Content-Type': 'application/json',
      ACCEPT: 'text/plain;api-version=7.1',
    });
    assert.equal(response, log);
    sinon.assert.notCalled(log.readBody);
    sinon.assert.calledOnce(request);
    // Without an Accept header it is no JSON either.
    const bare = { ...answer(200), readBody: sinon.stub().resolves('') };
    request.resolves(bare);
    assert.equal(await client.request('GET', 'https://x/p/_apis/build/builds/1/logs/3', null, {}), bare);
    sinon.assert.notCalled(bare.readBody);
  });

  it('only a POST to the WIQL or batch read endpoints is a read: other verbs there are not', () => {
    assert.equal(safeToRepeat('PUT', 'https://x/p/_apis/wit/wiql?api-version=6.0'), false);
    assert.equal(safeToRepeat('DELETE', 'https://x/p/_apis/wit/workitemsbatch'), false);
    assert.equal(safeToRepeat('PATCH', 'https://x/p/_apis/wit/wiql/1'), false);
  });

  it('reads the failure of a thrown error, a timeout and a socket hang-up', () => {
    assert.deepEqual(failureOf(Object.assign(new Error('x'), { code: 'ECONNRESET' })), {
      status: undefined,
      code: 'ECONNRESET',
      timedOut: false,
      retryAfterMs: undefined,
      final: false,
      fromService: false,
      noContent: false,
    });
    assert.equal(failureOf(new Error('Request timeout: /x')).timedOut, true);
    assert.equal(failureOf(new Error('socket hang up')).timedOut, true);
    assert.equal(failureOf(new Error('TF400898: Request timeout of the query')).timedOut, false);
    assert.deepEqual(failureOf(Object.assign(new Error('x'), { statusCode: '503', code: 5 })), {
      status: undefined,
      code: undefined,
      timedOut: false,
      retryAfterMs: undefined,
      final: false,
      fromService: false,
      noContent: false,
    });
    // A successful status without content (rest.ts's answer without JSON, its page empty), not a page.
    assert.equal(failureOf(Object.assign(new Error(''), { statusCode: 200, page: '' })).noContent, true);
    assert.equal(failureOf(Object.assign(new Error('p'), { statusCode: 200, page: '<p>' })).noContent, false);
    // Azure DevOps' own error body (parsed by the client) says the service answered; another JSON does not.
    const serviceBody = { typeKey: 'ServiceUnavailableException', message: 'TF400898' };
    assert.equal(
      failureOf(Object.assign(new Error('x'), { statusCode: 503, result: serviceBody })).fromService,
      true,
    );
    assert.equal(
      failureOf(Object.assign(new Error('x'), { statusCode: 503, result: { error: 'x' } })).fromService,
      false,
    );
    // The revision limit is a 500 that no attempt changes, whichever digits the service writes.
    for (const limit of ['10,000', '10000', '10.000']) {
      const message = `Work item 12 has 10000 revisions, but currently, when updating via the API, only work items with up to ${limit} revisions are supported.`;
      assert.equal(failureOf(Object.assign(new Error(message), { statusCode: 500 })).final, true, limit);
    }
    assert.equal(failureOf(Object.assign(new Error('revisions'), { statusCode: 500 })).final, false);
    assert.equal(
      failureOf(Object.assign(new Error('t'), { statusCode: 429, responseHeaders: { 'retry-after': '3' } }))
        .retryAfterMs,
      3000,
    );
  });
});
