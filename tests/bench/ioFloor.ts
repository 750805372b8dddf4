// The I/O floor of a scenario, which `npm run bench` bundles as the task is bundled (like floor.ts) and runs in
// the scenario's place: task-lib loaded, one input read, then the requests the task sent in that scenario, in the
// same round trips, through the same HTTP client (typed-rest-client, kept alive, with the job token), each
// answer read and its JSON parsed, and the result set. What the task costs beyond it is the task's own work.
import * as fs from 'node:fs';
import * as tl from 'azure-pipelines-task-lib/task';
import { BearerCredentialHandler } from 'typed-rest-client/handlers/bearertoken';
import { HttpClient } from 'typed-rest-client/HttpClient';
import type { Replayed } from './measure';

async function replay(): Promise<void> {
  tl.getInput('workItemType');
  const rounds = JSON.parse(fs.readFileSync(process.env['PWI_BENCH_REPLAY'] ?? '', 'utf8')) as Replayed[][];
  const token = tl.getEndpointAuthorization('SYSTEMVSSCONNECTION', true)?.parameters['AccessToken'] ?? '';
  const http = new HttpClient('PipelineWorkItem-task', [new BearerCredentialHandler(token)], {
    keepAlive: true,
  });
  let unlike = 0;
  for (const round of rounds) {
    await Promise.all(
      round.map(async (request) => {
        const headers = request.contentType ? { 'Content-Type': request.contentType } : {};
        const response = await http.request(request.method, request.url, request.body ?? '', headers);
        const body = await response.readBody();
        const status = response.message.statusCode ?? 0;
        if (status !== request.status) unlike++;
        if (response.message.headers['content-type']?.includes('json') && body) JSON.parse(body);
      }),
    );
  }
  // The bench fails a replay that was not answered as the task's requests were.
  if (unlike > 0) tl.setResult(tl.TaskResult.Failed, `${unlike} answers differ from the task's`);
  else tl.setResult(tl.TaskResult.Succeeded, '');
}

void replay();
