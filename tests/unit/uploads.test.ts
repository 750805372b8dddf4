import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { AdoBoards } from '../../tasks/PipelineWorkItem/src/ado/boards';
import { HttpClientLike, Rest } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';

const SECRET = 'token-4f1e2d3c5b6a';

// What the Boards adapter sends for an upload: the body streamed from its factory, masked, opened again for
// each attempt, and never used when it broke midway.
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
    return { bodies, adapter: new AdoBoards(new Rest(http, 'https://x/'), policy, () => [SECRET]) };
  }

  it('masks secrets in text and opens the body again for a retried attempt', async () => {
    const { bodies, adapter } = boards([503]);
    let opened = 0;
    const url = await adapter.uploadAttachment('WebApp', 'notes.log', () => {
      opened += 1;
      return Readable.from([Buffer.from(`key ${SECRET.slice(0, 7)}`), Buffer.from(`${SECRET.slice(7)} end`)]);
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
