// The emulator as a network peer: request timing in the log, a global latency, faults that strike
// after the write was stored, slow answers against a client timeout, clients that hang up early, and
// what a 429 carries.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import { WorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import { requestTimeline, type RecordedRequest } from '../emulator/harness';
import { clients, JOB_TOKEN, rejection, titled as title, useEmulator } from './helpers';

/** Waits until `done` says so, asking every 20 ms: what a test waits for, not a guess at how long it takes. */
async function until(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 20));
}
const BUG = 'workItems/\\$Bug$';

/** A work item client that gives up after `ms` (typed-rest-client destroys the socket then). */
const impatientWit = (collectionUrl: string, ms: number) =>
  new WorkItemTrackingApi(collectionUrl, [new BearerCredentialHandler(JOB_TOKEN)], { socketTimeout: ms });

const rest = (log: RecordedRequest[]) => log.filter((r) => r.kind === 'rest');

describe('emulator: timing, latency and faults', function () {
  this.timeout(20_000);
  const em = useEmulator();
  const wit = () => clients(em()).wit;

  beforeEach(async () => {
    await em().reset();
    await em().setTokens([JOB_TOKEN]);
  });

  describe('request timing', () => {
    it('gives every request a start and an end on one monotonic clock, in order', async () => {
      const client = wit(); // one client: discovery once
      const a = await client.createWorkItem(null, title('a'), 'WebApp', 'Bug');
      await client.getWorkItem(a.id ?? 0);
      const log = await em().requests();
      assert.equal(log.length, 3);
      for (const r of log) {
        assert.equal(typeof r.startMs, 'number');
        assert.ok(r.startMs >= 0 && Number.isFinite(r.startMs), `startMs ${r.startMs}`);
        assert.ok(r.endMs !== null && r.endMs >= r.startMs, `endMs ${r.endMs} before startMs ${r.startMs}`);
      }
      // One client, one call after the other: each request starts after the previous one was answered.
      for (let i = 1; i < log.length; i++) assert.ok(log[i].startMs >= (log[i - 1].endMs ?? Infinity));
      assert.ok(
        log.some((r) => !Number.isInteger(r.startMs) || !Number.isInteger(r.endMs)),
        'times are fractional milliseconds',
      );
      const lines = requestTimeline(log).split('\n');
      assert.equal(lines.length, 3);
      assert.match(
        lines[0],
        /^\+ +0\.0 ms … \+ +\d+\.\d ms {2}OPTIONS \/fabrikam\/_apis\/wit → 200 \(main\)$/,
      );
      assert.match(lines[2], /GET \/fabrikam\/_apis\/wit\/workItems\/1 → 200 \(main\)$/);
    });

    it('keeps counting across reset (the clock starts with the emulator)', async () => {
      await wit().getWorkItemTypes('WebApp');
      const [before] = await em().requests();
      await em().reset();
      await em().setTokens([JOB_TOKEN]);
      await fetch(`${em().collectionUrl}_apis/ResourceAreas`, {
        headers: { Authorization: `Bearer ${JOB_TOKEN}` },
      });
      const [after] = await em().requests();
      assert.ok(after.startMs > (before.endMs ?? Infinity));
    });

    it('shows reads that were sent together as overlapping', async () => {
      const ids = [];
      for (const t of ['x', 'y', 'z'])
        ids.push((await wit().createWorkItem(null, title(t), 'WebApp', 'Bug')).id ?? 0);
      await em().clearRequests();
      await em().setLatency(80);
      await Promise.all(ids.map((id) => wit().getWorkItem(id)));
      const reads = rest(await em().requests());
      assert.equal(reads.length, 3);
      const lastStart = Math.max(...reads.map((r) => r.startMs));
      const firstEnd = Math.min(...reads.map((r) => r.endMs ?? Infinity));
      assert.ok(lastStart < firstEnd, `expected overlap: last start ${lastStart}, first end ${firstEnd}`);
    });

    it('leaves endMs null while a request is in flight, and stamps a reset socket', async () => {
      await em().injectFaults([
        { method: 'POST', pathRegex: BUG, delayMs: 400 },
        { method: 'POST', pathRegex: BUG, reset: true },
      ]);
      const slow = wit().createWorkItem(null, title('slow'), 'WebApp', 'Bug');
      await until(async () => rest(await em().requests()).length === 1);
      const inFlight = rest(await em().requests());
      assert.equal(inFlight.length, 1);
      assert.equal(inFlight[0].status, null);
      assert.equal(inFlight[0].endMs, null);
      await slow;
      assert.equal(
        (await rejection(wit().createWorkItem(null, title('x'), 'WebApp', 'Bug'))).code,
        'ECONNRESET',
      );
      const [done, reset] = rest(await em().requests());
      assert.equal(done.status, 200);
      assert.ok(
        (done.endMs ?? 0) - done.startMs >= 390,
        `slow request took ${(done.endMs ?? 0) - done.startMs} ms`,
      );
      assert.equal(reset.status, 0);
      assert.ok(reset.endMs !== null && reset.endMs >= reset.startMs);
    });
  });

  describe('latency', () => {
    it('delays every REST and discovery request, not the control API', async () => {
      await em().setLatency(150);
      const started = performance.now();
      await wit().createWorkItem(null, title('slow'), 'WebApp', 'Bug');
      const elapsed = performance.now() - started;
      // Two round trips (discovery, then the POST), one after the other.
      assert.ok(elapsed >= 290, `two round trips took ${elapsed.toFixed(0)} ms`);
      const log = await em().requests();
      assert.deepEqual(
        log.map((r) => r.kind),
        ['discovery', 'rest'],
      );
      for (const r of log) assert.ok((r.endMs ?? 0) - r.startMs >= 145, `${r.path} answered too fast`);
      // A minute of latency: a control call that waited for it would outlast the test's timeout.
      await em().setLatency(60_000);
      assert.equal((await em().workItems()).length, 1, 'control calls are not delayed');
    });

    it('is refused outside 0..60000 ms and cleared by reset', async () => {
      await assert.rejects(em().setLatency(-1), /latency/);
      await assert.rejects(em().setLatency(600_000), /latency/);
      // A minute of latency: a request still delayed after reset would outlast the test's timeout.
      await em().setLatency(60_000);
      await em().reset();
      await em().setTokens([JOB_TOKEN]);
      assert.ok(await wit().getWorkItemTypes('WebApp'), 'no latency after reset');
    });
  });

  describe('faults after the write', () => {
    it('stores the work item, then answers 500', async () => {
      await em().injectFaults([{ method: 'POST', pathRegex: BUG, status: 500, after: true }]);
      const e = await rejection(wit().createWorkItem(null, title('stored anyway'), 'WebApp', 'Bug'));
      assert.equal(e.statusCode, 500);
      const items = await em().workItems();
      assert.deepEqual(
        items.map((w) => w.fields['System.Title']),
        ['stored anyway'],
      );
      const [post] = rest(await em().requests());
      assert.deepEqual([post.status, post.fault], [500, true]);
    });

    it('adds the comment, then resets the connection', async () => {
      const item = await wit().createWorkItem(null, title('x'), 'WebApp', 'Bug');
      await em().injectFaults([{ method: 'POST', pathRegex: '/comments$', reset: true, after: true }]);
      const e = await rejection(wit().addComment({ text: 'lost answer' }, 'WebApp', item.id ?? 0));
      assert.equal(e.code, 'ECONNRESET');
      assert.deepEqual(
        (await em().comments(item.id ?? 0)).map((c) => c.text),
        ['lost answer'],
      );
    });

    it('changes the state, then answers 503 after a delay', async () => {
      const item = await wit().createWorkItem(null, title('x'), 'WebApp', 'Bug');
      await em().injectFaults([
        { method: 'PATCH', pathRegex: 'workItems/\\d+$', status: 503, after: true, delayMs: 100 },
      ]);
      const started = performance.now();
      const e = await rejection(
        wit().updateWorkItem(
          null,
          [{ op: 'add', path: '/fields/System.State', value: 'Active' }],
          item.id ?? 0,
        ),
      );
      assert.equal(e.statusCode, 503);
      assert.ok(performance.now() - started >= 95);
      const stored = await em().workItem(item.id ?? 0);
      assert.equal(stored?.fields['System.State'], 'Active');
      assert.equal(stored?.rev, 2);
    });

    it('stores the attachment, then answers 500', async () => {
      await em().injectFaults([{ method: 'POST', pathRegex: '/attachments$', status: 500, after: true }]);
      const stream = Readable.from([Buffer.from('log line\n')]);
      const e = await rejection(wit().createAttachment(null, stream, 'step.log', undefined, 'WebApp'));
      assert.equal(e.statusCode, 500);
      const [stored] = await em().attachments();
      assert.deepEqual([stored?.fileName, stored?.size], ['step.log', 9]);
      assert.equal((await em().attachment(stored.id))?.toString(), 'log line\n');
    });

    it('models a timeout after the write: the client gives up, the work item exists', async () => {
      await em().injectFaults([{ method: 'POST', pathRegex: BUG, after: true, delayMs: 600 }]);
      const e = await rejection(
        impatientWit(em().collectionUrl, 200).createWorkItem(null, title('late'), 'WebApp', 'Bug'),
      );
      assert.match(e.message, /Request timeout/);
      assert.equal((await em().workItems()).length, 1, 'stored before the client gave up');
      await until(async () => rest(await em().requests())[0]?.status !== null);
      const [post] = rest(await em().requests());
      assert.equal(post.status, 200, 'the answer went out to a closed socket');
      assert.ok(await wit().getWorkItem(1), 'the emulator still serves');
    });

    it('a slow response without after: the write happens only once the delay is over', async () => {
      await em().injectFaults([{ method: 'POST', pathRegex: BUG, delayMs: 500 }]);
      const e = await rejection(
        impatientWit(em().collectionUrl, 150).createWorkItem(null, title('later'), 'WebApp', 'Bug'),
      );
      assert.match(e.message, /Request timeout/);
      assert.equal((await em().workItems()).length, 0, 'not yet written when the client gave up');
      await until(async () => (await em().workItems()).length > 0);
      assert.equal((await em().workItems()).length, 1, 'written after the delay');
    });

    it('refuses a fault whose after or delayMs is malformed', async () => {
      await assert.rejects(
        em().injectFaults([{ pathRegex: 'x', after: 'yes' as unknown as boolean }]),
        /after must be a boolean/,
      );
      await assert.rejects(em().injectFaults([{ pathRegex: 'x', delayMs: -5 }]), /delayMs/);
    });
  });

  describe('clients that hang up early', () => {
    it('survives a socket closed during latency and one closed mid-body', async () => {
      await em().setLatency(200);
      const aborted = new AbortController();
      const pending = fetch(`${em().collectionUrl}WebApp/_apis/wit/workitemtypes`, {
        headers: { Authorization: `Bearer ${JOB_TOKEN}` },
        signal: aborted.signal,
      }).catch((e: unknown) => e);
      await until(async () => (await em().requests()).some((r) => r.path.endsWith('/workitemtypes')));
      aborted.abort();
      assert.ok((await pending) instanceof Error);
      await new Promise<void>((resolve) => {
        const req = http.request(`${em().collectionUrl}WebApp/_apis/wit/workitems/$Bug`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json-patch+json', 'Content-Length': '1000' },
        });
        req.on('error', () => resolve());
        req.write('[{"op":');
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      await until(async () =>
        (await em().requests()).some((r) => r.path.endsWith('/workitemtypes') && r.status !== null),
      );
      await em().setLatency(0);
      assert.ok(await wit().getWorkItemTypes('WebApp'), 'the emulator still serves');
      const log = await em().requests();
      const first = log.find((r) => r.path.endsWith('/workitemtypes'));
      assert.equal(first?.status, 200, 'the delayed answer was written to the closed socket');
      assert.ok(!log.some((r) => r.method === 'POST'), 'a request without its whole body is not recorded');
    });
  });

  describe('429', () => {
    it('carries Retry-After and the X-RateLimit headers by default', async () => {
      await em().injectFaults([{ method: 'POST', pathRegex: BUG, status: 429 }]);
      const now = Math.floor(Date.now() / 1000);
      const e = await rejection(wit().createWorkItem(null, title('x'), 'WebApp', 'Bug'));
      assert.equal(e.statusCode, 429);
      assert.match(e.message, /^TF400733/);
      const limit = e.rateLimit as Record<string, unknown>;
      assert.equal(limit.retryAfter, 10);
      assert.equal(limit.resource, 'ATCPU');
      assert.equal(limit.delay, 0);
      assert.equal(limit.limit, 200);
      assert.equal(limit.remaining, 0);
      const reset = limit.reset as number;
      assert.ok(reset >= now + 10 && reset <= now + 12, `reset ${reset} vs now ${now}`);
    });

    it("lets the fault's headers win, whatever their case, and '' leave one out", async () => {
      await em().injectFaults([
        {
          pathRegex: '/ResourceAreas$',
          status: 429,
          headers: { 'retry-after': '3', 'X-RATELIMIT-RESOURCE': 'Core' },
        },
        { pathRegex: '/ResourceAreas$', status: 429, headers: { 'Retry-After': '' } },
      ]);
      const get = () =>
        fetch(`${em().collectionUrl}_apis/ResourceAreas`, {
          headers: { Authorization: `Bearer ${JOB_TOKEN}` },
        });
      const now = Math.floor(Date.now() / 1000);
      const first = await get();
      assert.equal(first.status, 429);
      assert.equal(first.headers.get('retry-after'), '3');
      assert.equal(first.headers.get('x-ratelimit-resource'), 'Core');
      const reset = Number(first.headers.get('x-ratelimit-reset'));
      assert.ok(reset >= now + 3 && reset <= now + 5, 'Reset follows the fault’s Retry-After');
      const second = await get();
      assert.equal(second.status, 429);
      assert.equal(second.headers.get('retry-after'), null);
      assert.equal(second.headers.get('x-ratelimit-remaining'), '0');
    });

    it('adds no rate-limit headers to other statuses', async () => {
      await em().injectFaults([{ pathRegex: '/ResourceAreas$', status: 503 }]);
      const res = await fetch(`${em().collectionUrl}_apis/ResourceAreas`, {
        headers: { Authorization: `Bearer ${JOB_TOKEN}` },
      });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), null);
      assert.equal(res.headers.get('x-ratelimit-limit'), null);
    });
  });
});
