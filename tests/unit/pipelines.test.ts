import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as sinon from 'sinon';
import { AdoPipelines } from '../../tasks/PipelineWorkItem/src/ado/pipelines';
import { Rest } from '../../tasks/PipelineWorkItem/src/ado/rest';

describe('pipelines adapter', () => {
  // As typed-rest-client answers: the message is the body's stream.
  const answer = (statusCode: number, body: string) => ({
    message: Object.assign(Readable.from([Buffer.from(body)]), { statusCode, headers: {} }),
    readBody: async () => body,
  });

  it('a log download answered with an error status fails instead of becoming the log', async () => {
    const http = { request: sinon.stub().resolves(answer(404, '{"message":"VS800069: log not found"}')) };
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/');
    const adapter = new AdoPipelines(
      rest,
      async () => rest,
      async () => rest,
    );
    await assert.rejects(
      adapter.buildLog('WebApp', 812, 4, 1000),
      /Could not read log 4 of build 812 \(HTTP 404\): VS800069: log not found/,
    );
    http.request.resolves(answer(200, 'line 1\nline 2'));
    assert.equal(await adapter.buildLog('WebApp', 812, 4, 1000), 'line 1\nline 2');
    assert.deepEqual(http.request.lastCall.args.slice(0, 2), [
      'GET',
      'https://dev.azure.com/fabrikam/WebApp/_apis/build/builds/812/logs/4?api-version=6.0',
    ]);
    assert.equal(http.request.lastCall.args[3].Accept, 'text/plain;api-version=6.0');
  });

  it('a log longer than the attachment limit is not read to its end', async () => {
    const chunks = (function* () {
      yield Buffer.alloc(600, 'a');
      yield Buffer.alloc(600, 'b');
      throw new Error('read past the limit');
    })();
    const message = Object.assign(Readable.from(chunks), { statusCode: 200, headers: {} });
    const http = { request: sinon.stub().resolves({ message, readBody: async () => assert.fail() }) };
    const rest = new Rest(http, 'https://dev.azure.com/fabrikam/');
    const adapter = new AdoPipelines(
      rest,
      async () => rest,
      async () => rest,
    );
    assert.equal(await adapter.buildLog('WebApp', 812, 4, 1000), undefined);
    assert.equal(message.destroyed, true, 'the rest of the answer is not read');
  });
});
